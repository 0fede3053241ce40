/* keys/hkdf.c — HKDF-Extract and HKDF-Expand (RFC 5869 §2.2, §2.3) built on
 * crypto/'s HMAC, and HKDF-Expand-Label (RFC 8446 §7.1). */
#include "keys/hkdf.h"

#include <string.h>

#include "base/bytes.h"

/* see hkdf.h */
int gls_hkdf_extract(const gls_hash_alg *h, const uint8_t *salt, size_t salt_len,
                     const uint8_t *ikm, size_t ikm_len, gls_secret *prk)
{
    static const uint8_t zeros[GLS_MAX_HASH] = {0};
    if (salt == NULL || salt_len == 0) {
        salt = zeros;
        salt_len = h->len;
    }
    TRY(gls_hmac(h, salt, salt_len, ikm, ikm_len, prk->b));
    prk->len = (uint8_t)h->len;
    return GLS_OK;
}

/* see hkdf.h */
int gls_hkdf_expand_keyed(gls_hmac_key *k, const uint8_t *info, size_t info_len, uint8_t *out,
                          size_t len)
{
    const gls_hash_alg *h = gls_hmac_key_hash(k);
    uint8_t t[GLS_MAX_HASH];
    size_t t_len = 0;
    int err = GLS_OK;
    if (len > 255 * h->len) {
        return GLS_E_INTERNAL;
    }
    for (uint8_t i = 1; len > 0; i++) {
        err = gls_hmac_run(k, t, t_len, info, info_len, &i, 1, t);
        if (err != GLS_OK) {
            break;
        }
        t_len = h->len;
        size_t n = len < t_len ? len : t_len;
        memcpy(out, t, n);
        out += n;
        len -= n;
    }
    gls_wipe(t, sizeof t);
    return err;
}

/* see hkdf.h */
int gls_hkdf_expand(const gls_hash_alg *h, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                    size_t info_len, uint8_t *out, size_t len)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    if (len > 255 * h->len) {
        return GLS_E_INTERNAL;
    }
    TRY(gls_hmac_key_init(&ks, h, prk, prk_len, &k));
    int err = gls_hkdf_expand_keyed(k, info, info_len, out, len);
    gls_hmac_key_done(k);
    return err;
}

/* see hkdf.h */
int gls_hkdf_expand_label(const gls_hash_alg *h, const gls_secret *secret, const char *label,
                          const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t len)
{
    gls_hmac_key_space ks;
    gls_hmac_key *k = NULL;
    if (len > 255 * h->len) {
        return GLS_E_INTERNAL;
    }
    TRY(gls_hmac_key_init(&ks, h, secret->b, secret->len, &k));
    int err = gls_hkdf_expand_label_keyed(k, label, ctx, ctx_len, out, len);
    gls_hmac_key_done(k);
    return err;
}

/* see hkdf.h */
int gls_hkdf_expand_label_keyed(gls_hmac_key *secret, const char *label, const uint8_t *ctx,
                                size_t ctx_len, uint8_t *out, size_t len)
{
    uint8_t info[2 + 1 + 255 + 1 + 255];
    gls_writer w = gls_writer_init(info, sizeof info);
    size_t label_len = strlen(label);
    gls_write_u16(&w, (uint16_t)len);
    gls_mark m = gls_write_open(&w, 1);
    gls_write_bytes(&w, "tls13 ", 6);
    gls_write_bytes(&w, label, label_len);
    gls_write_close(&w, m);
    gls_write_opaque8(&w, ctx, ctx_len);
    TRY(gls_writer_result(&w));
    return gls_hkdf_expand_keyed(secret, info, w.len, out, len);
}
