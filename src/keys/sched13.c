/* keys/sched13.c — the TLS 1.3 key schedule (RFC 8446 §7.1-§7.3, §4.4.4,
 * §4.6.1, §7.2) on HKDF. The labels live in one table keyed by secret id. */
#include "keys/sched13.h"

#include <string.h>

#include "keys/hkdf.h"

static const char *derive_label(enum gls_secret_id id)
{
    switch (id) {
    case GLS_SID_EXT_BINDER_KEY:
        return "ext binder";
    case GLS_SID_RES_BINDER_KEY:
        return "res binder";
    case GLS_SID_C_E_TRAFFIC:
        return "c e traffic";
    case GLS_SID_E_EXP_MASTER:
        return "e exp master";
    case GLS_SID_C_HS_TRAFFIC:
        return "c hs traffic";
    case GLS_SID_S_HS_TRAFFIC:
        return "s hs traffic";
    case GLS_SID_C_AP_TRAFFIC:
        return "c ap traffic";
    case GLS_SID_S_AP_TRAFFIC:
        return "s ap traffic";
    case GLS_SID_EXP_MASTER:
        return "exp master";
    case GLS_SID_RES_MASTER:
        return "res master";
    default:
        return NULL;
    }
}

static int derive_secret(const gls_hash_alg *h, const gls_secret *s, const char *label,
                         const gls_digest *th, gls_secret *out)
{
    TRY(gls_hkdf_expand_label(h, s, label, th->b, th->len, out->b, h->len));
    out->len = (uint8_t)h->len;
    return GLS_OK;
}

/* Derive-Secret(s, "derived", "") — the salt of the next Extract. */
static int derived(const gls_hash_alg *h, const gls_secret *s, enum gls_secret_id id,
                   gls_secret *out, const gls_secret_sink *sink)
{
    gls_digest empty;
    TRY(gls_hash(h, NULL, 0, empty.b));
    empty.len = h->len;
    TRY(derive_secret(h, s, "derived", &empty, out));
    gls_secret_report(sink, id, out->b, out->len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_early(gls_early_secret *out, const gls_hash_alg *h, const gls_secret *psk,
                   const gls_secret_sink *sink)
{
    static const uint8_t zeros[GLS_MAX_HASH] = {0};
    out->h = h;
    TRY(gls_hkdf_extract(h, NULL, 0, psk ? psk->b : zeros, psk ? psk->len : h->len, &out->s));
    gls_secret_report(sink, GLS_SID_EARLY_SECRET, out->s.b, out->s.len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_handshake(gls_handshake_secret *out, gls_early_secret *in, const uint8_t *dhe,
                       size_t dhe_len, const gls_secret_sink *sink)
{
    static const uint8_t zeros[GLS_MAX_HASH] = {0};
    gls_secret salt;
    const gls_hash_alg *h = in->h;
    int err = derived(h, &in->s, GLS_SID_DERIVED_FOR_HANDSHAKE, &salt, sink);
    gls_secret_wipe(&in->s);
    TRY(err);
    if (dhe == NULL || dhe_len == 0) {
        dhe = zeros;
        dhe_len = h->len;
    } else {
        gls_secret_report(sink, GLS_SID_DHE_SHARED_SECRET, dhe, dhe_len);
    }
    out->h = h;
    err = gls_hkdf_extract(h, salt.b, salt.len, dhe, dhe_len, &out->s);
    gls_secret_wipe(&salt);
    TRY(err);
    gls_secret_report(sink, GLS_SID_HANDSHAKE_SECRET, out->s.b, out->s.len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_master(gls_master_secret *out, gls_handshake_secret *in, const gls_secret_sink *sink)
{
    static const uint8_t zeros[GLS_MAX_HASH] = {0};
    gls_secret salt;
    const gls_hash_alg *h = in->h;
    int err = derived(h, &in->s, GLS_SID_DERIVED_FOR_MASTER, &salt, sink);
    gls_secret_wipe(&in->s);
    TRY(err);
    out->h = h;
    err = gls_hkdf_extract(h, salt.b, salt.len, zeros, h->len, &out->s);
    gls_secret_wipe(&salt);
    TRY(err);
    gls_secret_report(sink, GLS_SID_MASTER_SECRET_13, out->s.b, out->s.len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_derive(const gls_secret *stage, const gls_hash_alg *h, enum gls_secret_id id,
                    const gls_digest *th, gls_secret *out, const gls_secret_sink *sink)
{
    const char *label = derive_label(id);
    if (label == NULL) {
        return GLS_E_INTERNAL;
    }
    TRY(derive_secret(h, stage, label, th, out));
    gls_secret_report(sink, id, out->b, out->len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_derive_n(const gls_secret *stage, const gls_hash_alg *h, const enum gls_secret_id *ids,
                      size_t n, const gls_digest *th, gls_secret *const *outs,
                      const gls_secret_sink *sink)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    int err = GLS_OK;
    for (size_t i = 0; i < n; i++) {
        if (derive_label(ids[i]) == NULL) {
            return GLS_E_INTERNAL;
        }
    }
    TRY(gls_hmac_key_init(&ks, h, stage->b, stage->len, &k)); /* one keying for every label */
    for (size_t i = 0; i < n && err == GLS_OK; i++) {
        err = gls_hkdf_expand_label_keyed(k, derive_label(ids[i]), th->b, th->len, outs[i]->b,
                                          h->len);
        outs[i]->len = (uint8_t)h->len;
        if (err == GLS_OK) {
            gls_secret_report(sink, ids[i], outs[i]->b, outs[i]->len);
        }
    }
    gls_hmac_key_done(k);
    return err;
}

/* see sched13.h */
int gls_ks13_finished(const gls_hash_alg *h, const gls_secret *base, const gls_digest *th,
                      bool client, gls_secret *out, const gls_secret_sink *sink)
{
    gls_secret key;
    int err = gls_hkdf_expand_label(h, base, "finished", NULL, 0, key.b, h->len);
    key.len = (uint8_t)h->len;
    if (err == GLS_OK) {
        gls_secret_report(sink, client ? GLS_SID_CLIENT_FINISHED_KEY : GLS_SID_SERVER_FINISHED_KEY,
                          key.b, key.len);
        err = gls_hmac(h, key.b, key.len, th->b, th->len, out->b);
        out->len = (uint8_t)h->len;
    }
    gls_secret_wipe(&key);
    TRY(err);
    gls_secret_report(sink, client ? GLS_SID_CLIENT_VERIFY_DATA_13 : GLS_SID_SERVER_VERIFY_DATA_13,
                      out->b, out->len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_traffic_key_iv(const gls_hash_alg *h, const gls_secret *traffic, uint8_t *key,
                            size_t key_len, uint8_t *iv, size_t iv_len)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_init(&ks, h, traffic->b, traffic->len, &k)); /* keyed once for both labels */
    int err = gls_hkdf_expand_label_keyed(k, "key", NULL, 0, key, key_len);
    err = err ? err : gls_hkdf_expand_label_keyed(k, "iv", NULL, 0, iv, iv_len);
    gls_hmac_key_done(k);
    return err;
}

/* see sched13.h */
int gls_ks13_next_traffic(const gls_hash_alg *h, const gls_secret *cur, bool client,
                          gls_secret *next, const gls_secret_sink *sink)
{
    TRY(gls_hkdf_expand_label(h, cur, "traffic upd", NULL, 0, next->b, h->len));
    next->len = (uint8_t)h->len;
    gls_secret_report(sink, client ? GLS_SID_C_AP_TRAFFIC_NEXT : GLS_SID_S_AP_TRAFFIC_NEXT, next->b,
                      next->len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_binder(const gls_early_secret *early, const gls_digest *th, gls_secret *binder,
                    const gls_secret_sink *sink)
{
    const gls_hash_alg *h = early->h;
    gls_digest empty;
    gls_secret key;
    gls_secret fk;
    TRY(gls_hash(h, NULL, 0, empty.b));
    empty.len = h->len;
    int err = derive_secret(h, &early->s, "res binder", &empty, &key);
    if (err == GLS_OK) {
        gls_secret_report(sink, GLS_SID_RES_BINDER_KEY, key.b, key.len);
        err = gls_hkdf_expand_label(h, &key, "finished", NULL, 0, fk.b, h->len);
        fk.len = (uint8_t)h->len;
    }
    if (err == GLS_OK) {
        gls_secret_report(sink, GLS_SID_BINDER_FINISHED_KEY, fk.b, fk.len);
        err = gls_hmac(h, fk.b, fk.len, th->b, th->len, binder->b);
        binder->len = (uint8_t)h->len;
    }
    gls_secret_wipe(&key);
    gls_secret_wipe(&fk);
    TRY(err);
    gls_secret_report(sink, GLS_SID_PSK_BINDER, binder->b, binder->len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_ticket_psk(const gls_hash_alg *h, const gls_secret *res_master, const uint8_t *nonce,
                        size_t nonce_len, gls_secret *psk, const gls_secret_sink *sink)
{
    TRY(gls_hkdf_expand_label(h, res_master, "resumption", nonce, nonce_len, psk->b, h->len));
    psk->len = (uint8_t)h->len;
    gls_secret_report(sink, GLS_SID_TICKET_PSK, psk->b, psk->len);
    return GLS_OK;
}
