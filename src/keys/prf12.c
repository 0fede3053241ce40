/* keys/prf12.c — the TLS 1.2 PRF and what is derived with it (see prf12.h):
 * P_hash (RFC 5246 §5), master secret (§8.1), extended master secret
 * (RFC 7627 §4), key block (§6.3) and Finished verify_data (§7.4.9). */
#include "keys/prf12.h"

#include <string.h>

#define MAX_SEED 160

/* see prf12.h */
int gls_prf12_keyed(gls_hmac_key *k, const char *label, const uint8_t *seed1, size_t n1,
                    const uint8_t *seed2, size_t n2, uint8_t *out, size_t len)
{
    const gls_hash_alg *h = gls_hmac_key_hash(k);
    uint8_t seed[MAX_SEED];
    uint8_t a[GLS_MAX_HASH];
    uint8_t block[GLS_MAX_HASH];
    size_t label_len = strlen(label);
    if (label_len + n1 + n2 > sizeof seed) {
        return GLS_E_INTERNAL;
    }
    memcpy(seed, label, label_len);
    if (n1 > 0) {
        memcpy(seed + label_len, seed1, n1);
    }
    if (n2 > 0) {
        memcpy(seed + label_len + n1, seed2, n2);
    }
    size_t seed_len = label_len + n1 + n2;
    /* A(1) = HMAC(secret, seed); out += HMAC(secret, A(i) || seed); A(i+1) = HMAC(secret, A(i)) */
    int err = gls_hmac_run(k, seed, seed_len, NULL, 0, NULL, 0, a);
    while (err == GLS_OK && len > 0) {
        err = gls_hmac_run(k, a, h->len, seed, seed_len, NULL, 0, block);
        if (err != GLS_OK) {
            break;
        }
        size_t n = len < h->len ? len : h->len;
        memcpy(out, block, n);
        out += n;
        len -= n;
        if (len > 0) {
            err = gls_hmac_run(k, a, h->len, NULL, 0, NULL, 0, a);
        }
    }
    gls_wipe(a, sizeof a);
    gls_wipe(block, sizeof block);
    gls_wipe(seed, sizeof seed);
    return err;
}

/* see prf12.h */
int gls_prf12(const gls_hash_alg *h, const uint8_t *secret, size_t secret_len, const char *label,
              const uint8_t *seed1, size_t n1, const uint8_t *seed2, size_t n2, uint8_t *out,
              size_t len)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_init(&ks, h, secret, secret_len, &k));
    int err = gls_prf12_keyed(k, label, seed1, n1, seed2, n2, out, len);
    gls_hmac_key_done(k);
    return err;
}

static int master(const gls_hash_alg *h, const uint8_t *pms, size_t pms_len, const char *label,
                  const uint8_t *s1, size_t n1, const uint8_t *s2, size_t n2, gls_secret *ms)
{
    ms->len = 0;
    TRY(gls_prf12(h, pms, pms_len, label, s1, n1, s2, n2, ms->b, GLS_MASTER_SECRET_LEN));
    ms->len = GLS_MASTER_SECRET_LEN;
    return GLS_OK;
}

/* see prf12.h */
int gls_prf12_master(const gls_hash_alg *h, const uint8_t *pms, size_t pms_len,
                     const uint8_t client_random[32], const uint8_t server_random[32],
                     gls_secret *ms, const gls_secret_sink *sink)
{
    gls_secret_report(sink, GLS_SID_PRE_MASTER_SECRET, pms, pms_len);
    TRY(master(h, pms, pms_len, "master secret", client_random, 32, server_random, 32, ms));
    gls_secret_report(sink, GLS_SID_MASTER_SECRET_12, ms->b, ms->len);
    return GLS_OK;
}

/* see prf12.h */
int gls_prf12_ext_master(const gls_hash_alg *h, const uint8_t *pms, size_t pms_len,
                         const gls_digest *session_hash, gls_secret *ms,
                         const gls_secret_sink *sink)
{
    gls_secret_report(sink, GLS_SID_PRE_MASTER_SECRET, pms, pms_len);
    TRY(master(h, pms, pms_len, "extended master secret", session_hash->b, session_hash->len, NULL,
               0, ms));
    gls_secret_report(sink, GLS_SID_EXT_MASTER_SECRET_12, ms->b, ms->len);
    return GLS_OK;
}

/* see prf12.h */
int gls_prf12_key_block(const gls_hash_alg *h, const gls_secret *ms,
                        const uint8_t client_random[32], const uint8_t server_random[32],
                        struct gls_key_block12 *kb, const gls_secret_sink *sink)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_init(&ks, h, ms->b, ms->len, &k));
    int err = gls_prf12_key_block_keyed(k, client_random, server_random, kb, sink);
    gls_hmac_key_done(k);
    return err;
}

/* see prf12.h */
int gls_prf12_key_block_keyed(gls_hmac_key *ms, const uint8_t client_random[32],
                              const uint8_t server_random[32], struct gls_key_block12 *kb,
                              const gls_secret_sink *sink)
{
    uint8_t block[2 * (GLS_MAX_HASH + 32 + 12)];
    size_t total = 2 * (kb->mac_len + kb->key_len + kb->iv_len);
    if (kb->mac_len > sizeof kb->c_mac || kb->key_len > sizeof kb->c_key ||
        kb->iv_len > sizeof kb->c_iv) {
        return GLS_E_INTERNAL;
    }
    TRY(gls_prf12_keyed(ms, "key expansion", server_random, 32, client_random, 32, block, total));
    gls_secret_report(sink, GLS_SID_KEY_BLOCK, block, total);
    const uint8_t *p = block;
    struct {
        uint8_t *dst;
        size_t len;
        enum gls_secret_id id;
    } pieces[6] = {
        {kb->c_mac, kb->mac_len, GLS_SID_CLIENT_WRITE_MAC_KEY},
        {kb->s_mac, kb->mac_len, GLS_SID_SERVER_WRITE_MAC_KEY},
        {kb->c_key, kb->key_len, GLS_SID_CLIENT_WRITE_KEY_12},
        {kb->s_key, kb->key_len, GLS_SID_SERVER_WRITE_KEY_12},
        {kb->c_iv, kb->iv_len, GLS_SID_CLIENT_WRITE_IV_12},
        {kb->s_iv, kb->iv_len, GLS_SID_SERVER_WRITE_IV_12},
    };
    for (size_t i = 0; i < 6; i++) {
        if (pieces[i].len == 0) {
            continue;
        }
        memcpy(pieces[i].dst, p, pieces[i].len);
        gls_secret_report(sink, pieces[i].id, p, pieces[i].len);
        p += pieces[i].len;
    }
    gls_wipe(block, sizeof block);
    return GLS_OK;
}

/* see prf12.h */
void gls_key_block12_wipe(struct gls_key_block12 *kb)
{
    gls_wipe(kb, sizeof *kb);
}

/* see prf12.h */
int gls_prf12_verify_data(const gls_hash_alg *h, const gls_secret *ms, bool client,
                          const gls_digest *th, uint8_t out[GLS_VERIFY_DATA_LEN],
                          const gls_secret_sink *sink)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_init(&ks, h, ms->b, ms->len, &k));
    int err = gls_prf12_verify_data_keyed(k, client, th, out, sink);
    gls_hmac_key_done(k);
    return err;
}

/* see prf12.h */
int gls_prf12_verify_data_keyed(gls_hmac_key *ms, bool client, const gls_digest *th,
                                uint8_t out[GLS_VERIFY_DATA_LEN], const gls_secret_sink *sink)
{
    const char *label = client ? "client finished" : "server finished";
    TRY(gls_prf12_keyed(ms, label, th->b, th->len, NULL, 0, out, GLS_VERIFY_DATA_LEN));
    gls_secret_report(sink, client ? GLS_SID_CLIENT_VERIFY_DATA_12 : GLS_SID_SERVER_VERIFY_DATA_12,
                      out, GLS_VERIFY_DATA_LEN);
    return GLS_OK;
}
