/* keys/hkdf.h — HKDF (RFC 5869) over our HMAC, and TLS 1.3's HKDF-Expand-Label
 * and Derive-Secret (RFC 8446 §7.1). */
#ifndef GLS_KEYS_HKDF_H
#define GLS_KEYS_HKDF_H

#include <stddef.h>
#include <stdint.h>

#include "base/secret.h"
#include "crypto/crypto.h"

/* PRK = HMAC-Hash(salt, IKM); a NULL/empty salt means Hash.length zeros. */
GLS_MUST_CHECK int gls_hkdf_extract(const gls_hash_alg *h, const uint8_t *salt, size_t salt_len,
                                    const uint8_t *ikm, size_t ikm_len, gls_secret *prk);
/* OKM = T(1) || T(2) || ... truncated to len (len <= 255 * Hash.length). */
GLS_MUST_CHECK int gls_hkdf_expand(const gls_hash_alg *h, const uint8_t *prk, size_t prk_len,
                                   const uint8_t *info, size_t info_len, uint8_t *out, size_t len);
/* HKDF-Expand(Secret, HkdfLabel{len, "tls13 " + label, context}, len). */
GLS_MUST_CHECK int gls_hkdf_expand_label(const gls_hash_alg *h, const gls_secret *secret,
                                         const char *label, const uint8_t *ctx, size_t ctx_len,
                                         uint8_t *out, size_t len);

/* The same two under an HMAC already keyed with the PRK / secret (gls_hmac_key_new): the
 * labels of one secret (key, iv, finished; both traffic secrets of a stage) key it once. */
GLS_MUST_CHECK int gls_hkdf_expand_keyed(gls_hmac_key *prk, const uint8_t *info, size_t info_len,
                                         uint8_t *out, size_t len);
GLS_MUST_CHECK int gls_hkdf_expand_label_keyed(gls_hmac_key *secret, const char *label,
                                               const uint8_t *ctx, size_t ctx_len, uint8_t *out,
                                               size_t len);

#endif
