/* crypto/mlkem.h — ML-KEM-768 and ML-KEM-1024 (FIPS 203), our own code, for
 * the libcrypto versions (Debian 12's 3.0) that have none. Used by kex.c for
 * the hybrid and pure ML-KEM groups, and by the tests with fixed randomness.
 * Internal to crypto/ and its tests; the handshake sees only gls_kex. */
#ifndef GLS_CRYPTO_MLKEM_H
#define GLS_CRYPTO_MLKEM_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/errors.h"

#define GLS_MLKEM_SEED 32 /* d, z, m and the shared secret are 32 bytes */

/* The parameter set: k, the module rank (FIPS 203 §8, Table 2). */
typedef enum {
    GLS_MLKEM768 = 3,
    GLS_MLKEM1024 = 4,
} gls_mlkem_set;

#define GLS_MLKEM768_EK  1184
#define GLS_MLKEM768_DK  2400
#define GLS_MLKEM768_CT  1088
#define GLS_MLKEM1024_EK 1568
#define GLS_MLKEM1024_DK 3168
#define GLS_MLKEM1024_CT 1568
#define GLS_MLKEM_MAX_EK GLS_MLKEM1024_EK
#define GLS_MLKEM_MAX_DK GLS_MLKEM1024_DK
#define GLS_MLKEM_MAX_CT GLS_MLKEM1024_CT

size_t gls_mlkem_ek_len(gls_mlkem_set set);
size_t gls_mlkem_dk_len(gls_mlkem_set set);
size_t gls_mlkem_ct_len(gls_mlkem_set set);

/* ML-KEM.KeyGen_internal (FIPS 203 Algorithm 16): ek and dk from the seeds d
 * and z. ek holds gls_mlkem_ek_len bytes, dk gls_mlkem_dk_len. */
GLS_MUST_CHECK int gls_mlkem_keygen(gls_mlkem_set set, const uint8_t d[GLS_MLKEM_SEED],
                                    const uint8_t z[GLS_MLKEM_SEED], uint8_t *ek, uint8_t *dk);
/* ML-KEM.Encaps_internal (Algorithm 17) with the §7.2 input checks: an ek of
 * the wrong length or with a coefficient >= q (the modulus check) is
 * GLS_E_BAD_KEY_SHARE. Writes the ciphertext (gls_mlkem_ct_len) and the
 * 32-byte shared secret. */
GLS_MUST_CHECK int gls_mlkem_encaps(gls_mlkem_set set, const uint8_t *ek, size_t ek_len,
                                    const uint8_t m[GLS_MLKEM_SEED], uint8_t *ct,
                                    uint8_t ss[GLS_MLKEM_SEED]);
/* ML-KEM.Decaps_internal (Algorithm 18) with the §7.3 input checks (lengths:
 * GLS_E_BAD_KEY_SHARE; dk's hash of ek: GLS_E_CRYPTO). A ciphertext that does
 * not re-encrypt to itself yields the implicit-rejection secret J(z || c),
 * chosen in constant time; that is not an error. */
GLS_MUST_CHECK int gls_mlkem_decaps(gls_mlkem_set set, const uint8_t *dk, const uint8_t *ct,
                                    size_t ct_len, uint8_t ss[GLS_MLKEM_SEED]);

/* The §7.2 input checks alone (length, then every coefficient below q):
 * GLS_OK or GLS_E_BAD_KEY_SHARE. gls_mlkem_encaps makes them itself. */
GLS_MUST_CHECK int gls_mlkem_ek_check(gls_mlkem_set set, const uint8_t *ek, size_t ek_len);

/* ---- the ML-KEM behind key exchange (kem.c) ----
 * libcrypto's own when the libcrypto found at build time has ML-KEM (OpenSSL
 * 3.5 and later), else the functions above. Same contracts, same bytes from
 * the same seeds, same errors: kex.c and the tests do not care which one runs.
 * c gives the library context (NULL: the default one). */
struct gls_crypto;
/* "libcrypto" or "glasstls": which implementation gls_kem_* use. */
const char *gls_kem_impl(void);
GLS_MUST_CHECK int gls_kem_keygen(const struct gls_crypto *c, gls_mlkem_set set,
                                  const uint8_t d[GLS_MLKEM_SEED], const uint8_t z[GLS_MLKEM_SEED],
                                  uint8_t *ek, uint8_t *dk);
GLS_MUST_CHECK int gls_kem_encaps(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t *ek,
                                  size_t ek_len, const uint8_t m[GLS_MLKEM_SEED], uint8_t *ct,
                                  uint8_t ss[GLS_MLKEM_SEED]);
GLS_MUST_CHECK int gls_kem_decaps(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t *dk,
                                  const uint8_t *ct, size_t ct_len, uint8_t ss[GLS_MLKEM_SEED]);

#endif
