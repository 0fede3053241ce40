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

static int empty_hash(const gls_hash_alg *h, gls_digest *out)
{
    out->len = h->len;
    return gls_hash(h, NULL, 0, out->b);
}

/* Derive-Secret(s, "derived", "") — the salt of the next Extract — or the one made
 * before under another label's keying (stash, when not NULL). */
static int derived(const gls_hash_alg *h, const gls_secret *s, const gls_secret *stash,
                   enum gls_secret_id id, gls_secret *out, const gls_secret_sink *sink)
{
    gls_digest empty;
    if (stash != NULL) {
        *out = *stash;
    } else {
        TRY(empty_hash(h, &empty));
        TRY(derive_secret(h, s, "derived", &empty, out));
    }
    gls_secret_report(sink, id, out->b, out->len);
    return GLS_OK;
}

/* Derive-Secret(k's secret, label, Hash("")) with k keyed: out is Hash.length bytes. */
static int derive_empty_keyed(gls_hmac_key *k, const char *label, const gls_digest *empty,
                              gls_secret *out)
{
    const gls_hash_alg *h = gls_hmac_key_hash(k);
    TRY(gls_hkdf_expand_label_keyed(k, label, empty->b, empty->len, out->b, h->len));
    out->len = (uint8_t)h->len;
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_early(gls_early_secret *out, const gls_hash_alg *h, const gls_secret *psk,
                   const gls_secret_sink *sink)
{
    static const uint8_t zeros[GLS_MAX_HASH] = {0};
    memset(out, 0, sizeof *out);
    out->h = h;
    TRY(gls_hkdf_extract(h, NULL, 0, psk ? psk->b : zeros, psk ? psk->len : h->len, &out->s));
    gls_secret_report(sink, GLS_SID_EARLY_SECRET, out->s.b, out->s.len);
    return GLS_OK;
}

/* see sched13.h */
void gls_ks13_early_again(const gls_early_secret *e, const gls_secret_sink *sink)
{
    gls_secret_report(sink, GLS_SID_EARLY_SECRET, e->s.b, e->s.len);
}

/* Wipes a stage that has been used up, its stashed "derived" too. */
static void wipe_stage(gls_secret *s, gls_secret *stash, bool *has)
{
    gls_secret_wipe(s);
    gls_secret_wipe(stash);
    *has = false;
}

/* see sched13.h */
int gls_ks13_handshake(gls_handshake_secret *out, gls_early_secret *in, const uint8_t *dhe,
                       size_t dhe_len, const gls_secret_sink *sink)
{
    static const uint8_t zeros[GLS_MAX_HASH] = {0};
    gls_secret salt;
    const gls_hash_alg *h = in->h;
    int err = derived(h, &in->s, in->has_derived ? &in->derived : NULL,
                      GLS_SID_DERIVED_FOR_HANDSHAKE, &salt, sink);
    wipe_stage(&in->s, &in->derived, &in->has_derived);
    TRY(err);
    if (dhe == NULL || dhe_len == 0) {
        dhe = zeros;
        dhe_len = h->len;
    } else {
        gls_secret_report(sink, GLS_SID_DHE_SHARED_SECRET, dhe, dhe_len);
    }
    memset(out, 0, sizeof *out);
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
    int err = derived(h, &in->s, in->has_derived ? &in->derived : NULL, GLS_SID_DERIVED_FOR_MASTER,
                      &salt, sink);
    wipe_stage(&in->s, &in->derived, &in->has_derived);
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
int gls_ks13_hs_traffic(gls_handshake_secret *hs, const gls_digest *th, gls_secret *c_out,
                        gls_secret *s_out, const gls_secret_sink *sink)
{
    const gls_hash_alg *h = hs->h;
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    gls_digest empty;
    TRY(empty_hash(h, &empty));
    TRY(gls_hmac_key_init(&ks, h, hs->s.b, hs->s.len, &k)); /* one keying for three labels */
    int err = gls_hkdf_expand_label_keyed(k, "c hs traffic", th->b, th->len, c_out->b, h->len);
    c_out->len = (uint8_t)h->len;
    if (err == GLS_OK) {
        gls_secret_report(sink, GLS_SID_C_HS_TRAFFIC, c_out->b, c_out->len);
        err = gls_hkdf_expand_label_keyed(k, "s hs traffic", th->b, th->len, s_out->b, h->len);
        s_out->len = (uint8_t)h->len;
    }
    if (err == GLS_OK) {
        gls_secret_report(sink, GLS_SID_S_HS_TRAFFIC, s_out->b, s_out->len);
        err = derive_empty_keyed(k, "derived", &empty, &hs->derived); /* announced by master */
        hs->has_derived = err == GLS_OK;
    }
    gls_hmac_key_done(k);
    return err;
}

/* see sched13.h */
int gls_ks13_finished_with_key(const gls_hash_alg *h, const gls_secret *finished_key,
                               const gls_digest *th, bool client, gls_secret *out,
                               const gls_secret_sink *sink)
{
    gls_secret_report(sink, client ? GLS_SID_CLIENT_FINISHED_KEY : GLS_SID_SERVER_FINISHED_KEY,
                      finished_key->b, finished_key->len);
    TRY(gls_hmac(h, finished_key->b, finished_key->len, th->b, th->len, out->b));
    out->len = (uint8_t)h->len;
    gls_secret_report(sink, client ? GLS_SID_CLIENT_VERIFY_DATA_13 : GLS_SID_SERVER_VERIFY_DATA_13,
                      out->b, out->len);
    return GLS_OK;
}

/* see sched13.h */
int gls_ks13_finished(const gls_hash_alg *h, const gls_secret *base, const gls_digest *th,
                      bool client, gls_secret *out, const gls_secret_sink *sink)
{
    gls_secret key;
    int err = gls_hkdf_expand_label(h, base, "finished", NULL, 0, key.b, h->len);
    key.len = (uint8_t)h->len;
    if (err == GLS_OK) {
        err = gls_ks13_finished_with_key(h, &key, th, client, out, sink);
    }
    gls_secret_wipe(&key);
    return err;
}

/* see sched13.h */
int gls_ks13_traffic_key_iv_fk(const gls_hash_alg *h, const gls_secret *traffic, uint8_t *key,
                               size_t key_len, uint8_t *iv, size_t iv_len, gls_secret *finished_key)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_init(&ks, h, traffic->b, traffic->len, &k)); /* keyed once for each label */
    int err = gls_hkdf_expand_label_keyed(k, "key", NULL, 0, key, key_len);
    err = err ? err : gls_hkdf_expand_label_keyed(k, "iv", NULL, 0, iv, iv_len);
    if (err == GLS_OK && finished_key != NULL) {
        err = gls_hkdf_expand_label_keyed(k, "finished", NULL, 0, finished_key->b, h->len);
        finished_key->len = err == GLS_OK ? (uint8_t)h->len : 0;
    }
    gls_hmac_key_done(k);
    return err;
}

/* see sched13.h */
int gls_ks13_traffic_key_iv(const gls_hash_alg *h, const gls_secret *traffic, uint8_t *key,
                            size_t key_len, uint8_t *iv, size_t iv_len)
{
    return gls_ks13_traffic_key_iv_fk(h, traffic, key, key_len, iv, iv_len, NULL);
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
int gls_ks13_binder(gls_early_secret *early, const gls_digest *th, gls_secret *binder,
                    const gls_secret_sink *sink)
{
    const gls_hash_alg *h = early->h;
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    gls_digest empty;
    gls_secret key;
    gls_secret fk;
    TRY(empty_hash(h, &empty));
    TRY(gls_hmac_key_init(&ks, h, early->s.b, early->s.len, &k)); /* for both labels */
    int err = derive_empty_keyed(k, "res binder", &empty, &key);
    if (err == GLS_OK) { /* the handshake stage's salt, announced when that stage is made */
        err = derive_empty_keyed(k, "derived", &empty, &early->derived);
        early->has_derived = err == GLS_OK;
    }
    gls_hmac_key_done(k);
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
