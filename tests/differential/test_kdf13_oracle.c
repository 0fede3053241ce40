/* keys/hkdf.c and keys/sched13.c against libcrypto as an oracle, for SHA-256 and
 * SHA-384, over many fixed-seed random inputs:
 *  - HKDF-Extract and HKDF-Expand (RFC 5869) vs EVP_KDF "HKDF" in EXTRACT_ONLY and
 *    EXPAND_ONLY modes (salt absent or present, info empty to long, output lengths
 *    from 1 byte to 255 * Hash.length);
 *  - HKDF-Expand-Label (RFC 8446 §7.1) vs EVP_KDF "TLS13-KDF" in EXPAND_ONLY mode
 *    (prefix "tls13 ", label, data), for the RFC's labels and random ones;
 *  - the stage chain Early -> Handshake -> Master vs "TLS13-KDF" EXTRACT_ONLY (which
 *    does the Derive-Secret(., "derived", "") step itself), checked first on the
 *    RFC 8448 §3 values; and the Finished, binder, KeyUpdate and ticket PSK
 *    derivations vs TLS13-KDF plus EVP_Q_mac HMAC. */
#include "harness.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/crypto.h"
#include "keys/hkdf.h"
#include "keys/sched13.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

static const gls_hash_id hashes[2] = {GLS_HASH_SHA256, GLS_HASH_SHA384};

/* ---- fixed-seed randomness (xorshift64*) ---- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static size_t rnd_range(uint64_t *s, size_t lo, size_t hi)
{
    return lo + (size_t)(rnd(s) % (hi - lo + 1));
}

static void rnd_fill(uint64_t *s, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)rnd(s);
    }
}

/* ---- the oracle ---- */

struct kdf_in {
    const char *kdf;    /* "HKDF" or "TLS13-KDF" */
    const char *md;     /* "SHA256", "SHA384" */
    int mode;           /* EVP_KDF_HKDF_MODE_* */
    const uint8_t *key; /* IKM, PRK or secret; NULL: not passed */
    size_t key_len;
    const uint8_t *salt; /* NULL: not passed */
    size_t salt_len;
    const uint8_t *info; /* HKDF info; NULL: not passed */
    size_t info_len;
    const char *label;   /* TLS13-KDF only */
    const uint8_t *data; /* TLS13-KDF only; NULL: not passed */
    size_t data_len;
};

static bool oracle(const struct kdf_in *in, uint8_t *out, size_t len)
{
    static const char prefix[] = "tls13 ";
    OSSL_PARAM params[10];
    OSSL_PARAM *p = params;
    int mode = in->mode;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, in->kdf, NULL);
    EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)in->md, 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    if (in->key != NULL) {
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)in->key, in->key_len);
    }
    if (in->salt != NULL) {
        *p++ =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)in->salt, in->salt_len);
    }
    if (in->info != NULL) {
        *p++ =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)in->info, in->info_len);
    }
    if (in->label != NULL) {
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, (void *)prefix,
                                                 sizeof prefix - 1);
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, (void *)in->label,
                                                 strlen(in->label));
    }
    if (in->data != NULL) {
        *p++ =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, (void *)in->data, in->data_len);
    }
    *p = OSSL_PARAM_construct_end();
    bool ok = ctx != NULL && EVP_KDF_derive(ctx, out, len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok;
}

/* HKDF-Expand-Label(secret, label, ctx, len) by the oracle. */
static bool oracle_label(const gls_hash_alg *h, const uint8_t *secret, size_t secret_len,
                         const char *label, const uint8_t *ctx, size_t ctx_len, uint8_t *out,
                         size_t len)
{
    struct kdf_in in = {"TLS13-KDF", h->name,    EVP_KDF_HKDF_MODE_EXPAND_ONLY,
                        secret,      secret_len, NULL,
                        0,           NULL,       0,
                        label,       ctx,        ctx_len};
    return oracle(&in, out, len);
}

/* HKDF-Extract(Derive-Secret(prev, "derived", "") or 0-length salt, in or zeros). */
static bool oracle_stage(const gls_hash_alg *h, const gls_secret *prev, const uint8_t *ikm,
                         size_t ikm_len, uint8_t *out)
{
    struct kdf_in in = {"TLS13-KDF",
                        h->name,
                        EVP_KDF_HKDF_MODE_EXTRACT_ONLY,
                        ikm,
                        ikm_len,
                        prev ? prev->b : NULL,
                        prev ? prev->len : 0,
                        NULL,
                        0,
                        "derived",
                        NULL,
                        0};
    return oracle(&in, out, h->len);
}

static bool oracle_hmac(const gls_hash_alg *h, const uint8_t *key, size_t key_len, const uint8_t *p,
                        size_t n, uint8_t *out)
{
    size_t got = 0;
    return EVP_Q_mac(NULL, "HMAC", NULL, h->name, NULL, key, key_len, p, n, out, GLS_MAX_HASH,
                     &got) != NULL &&
           got == h->len;
}

/* ---- HKDF ---- */

TEST(hkdf_extract_vs_evp_hkdf)
{
    uint64_t seed = 0x5eed0001;
    uint8_t ikm[200];
    uint8_t salt[200];
    uint8_t want[GLS_MAX_HASH];
    for (int k = 0; k < 2; k++) {
        const gls_hash_alg *h = gls_hash_get(crypto(), hashes[k]);
        for (int i = 0; i < 300; i++) {
            size_t ikm_len = rnd_range(&seed, 1, sizeof ikm);
            size_t salt_len = i % 5 == 0 ? 0 : rnd_range(&seed, 1, sizeof salt);
            gls_secret prk;
            rnd_fill(&seed, ikm, ikm_len);
            rnd_fill(&seed, salt, salt_len);
            struct kdf_in in = {"HKDF",   h->name, EVP_KDF_HKDF_MODE_EXTRACT_ONLY,
                                ikm,      ikm_len, salt_len ? salt : NULL,
                                salt_len, NULL,    0,
                                NULL,     NULL,    0};
            CHECK(oracle(&in, want, h->len));
            CHECK_OK(gls_hkdf_extract(h, salt_len ? salt : NULL, salt_len, ikm, ikm_len, &prk));
            if (prk.len != h->len || memcmp(prk.b, want, h->len) != 0) {
                FAIL("%s extract #%d differs (ikm %zu, salt %zu)", h->name, i, ikm_len, salt_len);
            }
        }
    }
}

TEST(hkdf_expand_vs_evp_hkdf)
{
    static uint8_t want[255 * 48];
    static uint8_t got[255 * 48 + 1]; /* + a sentinel byte */
    uint64_t seed = 0x5eed0002;
    uint8_t prk[2 * GLS_MAX_HASH];
    uint8_t info[300];
    for (int k = 0; k < 2; k++) {
        const gls_hash_alg *h = gls_hash_get(crypto(), hashes[k]);
        for (int i = 0; i < 300; i++) {
            size_t prk_len = rnd_range(&seed, h->len, 2 * h->len);
            size_t info_len = i % 4 == 0 ? 0 : rnd_range(&seed, 1, sizeof info);
            size_t len = i % 50 == 0 ? 255 * h->len : rnd_range(&seed, 1, 4 * h->len + 7);
            rnd_fill(&seed, prk, prk_len);
            rnd_fill(&seed, info, info_len);
            struct kdf_in in = {"HKDF", h->name, EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk,      prk_len,
                                NULL,   0,       info_len ? info : NULL,        info_len, NULL,
                                NULL,   0};
            CHECK(oracle(&in, want, len));
            memset(got, 0, len + 1);
            CHECK_OK(gls_hkdf_expand(h, prk, prk_len, info, info_len, got, len));
            if (memcmp(got, want, len) != 0 || got[len] != 0) {
                FAIL("%s expand #%d differs (prk %zu, info %zu, len %zu)", h->name, i, prk_len,
                     info_len, len);
            }
        }
    }
}

/* ---- HKDF-Expand-Label ---- */

static void random_label(uint64_t *s, int i, char *label, size_t cap)
{
    static const char *const rfc[] = {
        "derived",      "ext binder",   "res binder",   "c e traffic",  "e exp master",
        "c hs traffic", "s hs traffic", "c ap traffic", "s ap traffic", "exp master",
        "res master",   "resumption",   "finished",     "key",          "iv",
        "traffic upd",  "exporter"};
    size_t n_rfc = sizeof rfc / sizeof rfc[0];
    if ((size_t)i < 2 * n_rfc) {
        snprintf(label, cap, "%s", rfc[(size_t)i % n_rfc]);
        return;
    }
    size_t n = i % 40 == 0 ? 249 : rnd_range(s, 1, 40); /* "tls13 " + 249 = 255 */
    for (size_t j = 0; j < n && j + 1 < cap; j++) {
        label[j] = (char)rnd_range(s, 0x20, 0x7e);
    }
    label[n < cap ? n : cap - 1] = 0;
}

TEST(expand_label_vs_tls13_kdf)
{
    static uint8_t want[255 * 48];
    static uint8_t got[255 * 48 + 1]; /* + a sentinel byte */
    uint64_t seed = 0x5eed0003;
    char label[256];
    uint8_t ctx[255];
    for (int k = 0; k < 2; k++) {
        const gls_hash_alg *h = gls_hash_get(crypto(), hashes[k]);
        for (int i = 0; i < 400; i++) {
            gls_secret s;
            random_label(&seed, i, label, sizeof label);
            size_t ctx_len = i % 3 == 0 ? 0 : i % 3 == 1 ? h->len : rnd_range(&seed, 1, 255);
            size_t len = i % 60 == 0 ? 255 * h->len : rnd_range(&seed, 1, 3 * h->len);
            s.len = (uint8_t)h->len;
            rnd_fill(&seed, s.b, s.len);
            rnd_fill(&seed, ctx, ctx_len);
            CHECK(oracle_label(h, s.b, s.len, label, ctx, ctx_len, want, len));
            memset(got, 0, len + 1);
            CHECK_OK(gls_hkdf_expand_label(h, &s, label, ctx, ctx_len, got, len));
            if (memcmp(got, want, len) != 0 || got[len] != 0) {
                FAIL("%s label \"%s\" #%d differs (ctx %zu, len %zu)", h->name, label, i, ctx_len,
                     len);
            }
        }
    }
}

/* ---- the stages ---- */

/* The oracle's stage chain reproduces RFC 8448 §3 (so it computes what we think). */
TEST(oracle_stage_chain_matches_rfc8448)
{
    const gls_hash_alg *h = gls_hash_get(crypto(), GLS_HASH_SHA256);
    uint8_t dhe[32];
    gls_secret early;
    gls_secret hs;
    gls_secret ms;
    unhex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", dhe, sizeof dhe);
    early.len = hs.len = ms.len = 32;
    CHECK(oracle_stage(h, NULL, NULL, 0, early.b));
    CHECK_HEX(early.b, 32, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
    CHECK(oracle_stage(h, &early, dhe, sizeof dhe, hs.b));
    CHECK_HEX(hs.b, 32, "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac");
    CHECK(oracle_stage(h, &hs, NULL, 0, ms.b));
    CHECK_HEX(ms.b, 32, "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919");
}

static bool same(const gls_secret *s, const uint8_t *want, size_t len)
{
    return s->len == len && memcmp(s->b, want, len) == 0;
}

/* Early (with or without a PSK) -> Handshake (with or without (EC)DHE) -> Master. */
TEST(stage_chain_vs_tls13_kdf)
{
    uint64_t seed = 0x5eed0004;
    uint8_t dhe[133];
    for (int k = 0; k < 2; k++) {
        const gls_hash_alg *h = gls_hash_get(crypto(), hashes[k]);
        for (int i = 0; i < 100; i++) {
            gls_secret psk;
            gls_secret want_e;
            gls_secret want_h;
            uint8_t want_m[GLS_MAX_HASH];
            gls_early_secret early;
            gls_handshake_secret hs;
            gls_master_secret ms;
            bool has_psk = i % 2 == 0;
            size_t dhe_len = i % 3 == 0 ? 0 : rnd_range(&seed, 32, sizeof dhe);
            psk.len = (uint8_t)h->len;
            rnd_fill(&seed, psk.b, psk.len);
            rnd_fill(&seed, dhe, dhe_len);
            want_e.len = want_h.len = (uint8_t)h->len;
            CHECK(oracle_stage(h, NULL, has_psk ? psk.b : NULL, h->len, want_e.b));
            CHECK(oracle_stage(h, &want_e, dhe_len ? dhe : NULL, dhe_len, want_h.b));
            CHECK(oracle_stage(h, &want_h, NULL, 0, want_m));

            CHECK_OK(gls_ks13_early(&early, h, has_psk ? &psk : NULL, NULL));
            CHECK(same(&early.s, want_e.b, h->len));
            CHECK_OK(gls_ks13_handshake(&hs, &early, dhe_len ? dhe : NULL, dhe_len, NULL));
            CHECK(same(&hs.s, want_h.b, h->len));
            if (i % 4 == 1) { /* the engine's way: traffic secrets, then master from the stash */
                gls_digest th;
                gls_secret cts;
                gls_secret sts;
                uint8_t want_t[GLS_MAX_HASH];
                th.len = h->len;
                rnd_fill(&seed, th.b, th.len);
                CHECK_OK(gls_ks13_hs_traffic(&hs, &th, &cts, &sts, NULL));
                CHECK(hs.has_derived);
                CHECK(oracle_label(h, want_h.b, h->len, "c hs traffic", th.b, th.len, want_t,
                                   h->len));
                CHECK(same(&cts, want_t, h->len));
                CHECK(oracle_label(h, want_h.b, h->len, "s hs traffic", th.b, th.len, want_t,
                                   h->len));
                CHECK(same(&sts, want_t, h->len));
            }
            CHECK_OK(gls_ks13_master(&ms, &hs, NULL));
            CHECK(same(&ms.s, want_m, h->len));
        }
    }
}

/* Derive-Secret(s, label of id, th) and the Finished verify_data HMAC(finished_key, th). */
static void check_derive_finished(const gls_hash_alg *h, const gls_secret *s, const gls_digest *th,
                                  int i)
{
    static const enum gls_secret_id ids[] = {
        GLS_SID_EXT_BINDER_KEY, GLS_SID_RES_BINDER_KEY, GLS_SID_C_E_TRAFFIC,  GLS_SID_E_EXP_MASTER,
        GLS_SID_C_HS_TRAFFIC,   GLS_SID_S_HS_TRAFFIC,   GLS_SID_C_AP_TRAFFIC, GLS_SID_S_AP_TRAFFIC,
        GLS_SID_EXP_MASTER,     GLS_SID_RES_MASTER,
    };
    static const char *const labels[] = {
        "ext binder",   "res binder",   "c e traffic",  "e exp master", "c hs traffic",
        "s hs traffic", "c ap traffic", "s ap traffic", "exp master",   "res master",
    };
    size_t which = (size_t)i % (sizeof ids / sizeof ids[0]);
    uint8_t want[GLS_MAX_HASH];
    uint8_t fk[GLS_MAX_HASH];
    gls_secret out;

    CHECK_OK(gls_ks13_derive(s, h, ids[which], th, &out, NULL));
    CHECK(oracle_label(h, s->b, s->len, labels[which], th->b, th->len, want, h->len));
    CHECK(same(&out, want, h->len));

    CHECK_OK(gls_ks13_finished(h, s, th, i % 2 == 0, &out, NULL));
    CHECK(oracle_label(h, s->b, s->len, "finished", NULL, 0, fk, h->len));
    CHECK(oracle_hmac(h, fk, h->len, th->b, th->len, want));
    CHECK(same(&out, want, h->len));
}

/* The resumption binder with s as the Early Secret, the KeyUpdate secret, the
 * ticket PSK with a random nonce, and the write key and IV. */
static void check_binder_update_psk(const gls_hash_alg *h, const gls_secret *s,
                                    const gls_digest *th, uint64_t *seed, int i)
{
    gls_early_secret early = {.h = h, .s = *s};
    uint8_t empty[GLS_MAX_HASH];
    uint8_t bk[GLS_MAX_HASH];
    uint8_t fk[GLS_MAX_HASH];
    uint8_t want[GLS_MAX_HASH];
    uint8_t nonce[32];
    uint8_t key[32];
    uint8_t iv[12];
    gls_secret out;

    CHECK_OK(gls_ks13_binder(&early, th, &out, NULL));
    CHECK_OK(gls_hash(h, NULL, 0, empty));
    CHECK(oracle_label(h, s->b, s->len, "res binder", empty, h->len, bk, h->len));
    CHECK(oracle_label(h, bk, h->len, "finished", NULL, 0, fk, h->len));
    CHECK(oracle_hmac(h, fk, h->len, th->b, th->len, want));
    CHECK(same(&out, want, h->len));
    CHECK(early.has_derived); /* made under the binder's keying */
    CHECK(oracle_label(h, s->b, s->len, "derived", empty, h->len, want, h->len));
    CHECK(same(&early.derived, want, h->len));

    CHECK_OK(gls_ks13_next_traffic(h, s, i % 2 == 1, &out, NULL));
    CHECK(oracle_label(h, s->b, s->len, "traffic upd", NULL, 0, want, h->len));
    CHECK(same(&out, want, h->len));

    size_t nonce_len = rnd_range(seed, 0, sizeof nonce);
    rnd_fill(seed, nonce, nonce_len);
    CHECK_OK(gls_ks13_ticket_psk(h, s, nonce, nonce_len, &out, NULL));
    CHECK(oracle_label(h, s->b, s->len, "resumption", nonce, nonce_len, want, h->len));
    CHECK(same(&out, want, h->len));

    size_t key_len = i % 2 == 0 ? 16 : 32;
    CHECK_OK(gls_ks13_traffic_key_iv(h, s, key, key_len, iv, sizeof iv));
    CHECK(oracle_label(h, s->b, s->len, "key", NULL, 0, want, key_len));
    CHECK(memcmp(key, want, key_len) == 0);
    CHECK(oracle_label(h, s->b, s->len, "iv", NULL, 0, want, sizeof iv));
    CHECK(memcmp(iv, want, sizeof iv) == 0);

    gls_secret fks; /* the finished_key made with the keys, and Finished from it */
    CHECK_OK(gls_ks13_traffic_key_iv_fk(h, s, key, key_len, iv, sizeof iv, &fks));
    CHECK(oracle_label(h, s->b, s->len, "finished", NULL, 0, want, h->len));
    CHECK(same(&fks, want, h->len));
    CHECK(oracle_label(h, s->b, s->len, "iv", NULL, 0, want, sizeof iv));
    CHECK(memcmp(iv, want, sizeof iv) == 0);
    CHECK_OK(gls_ks13_finished_with_key(h, &fks, th, i % 2 == 0, &out, NULL));
    CHECK(oracle_hmac(h, fks.b, h->len, th->b, th->len, want));
    CHECK(same(&out, want, h->len));
}

TEST(derivations_vs_tls13_kdf)
{
    uint64_t seed = 0x5eed0005;
    for (int k = 0; k < 2 && !test_failed; k++) {
        const gls_hash_alg *h = gls_hash_get(crypto(), hashes[k]);
        for (int i = 0; i < 60 && !test_failed; i++) {
            gls_secret s;
            gls_digest th;
            s.len = (uint8_t)h->len;
            rnd_fill(&seed, s.b, s.len);
            th.len = h->len;
            rnd_fill(&seed, th.b, th.len);
            check_derive_finished(h, &s, &th, i);
            check_binder_update_psk(h, &s, &th, &seed, i);
        }
    }
}
