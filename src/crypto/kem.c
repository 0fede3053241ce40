/* crypto/kem.c — the ML-KEM behind key exchange (mlkem.h: gls_kem_*). With a
 * libcrypto that has ML-KEM (OpenSSL 3.5 and later: EVP_PKEY "ML-KEM-768" and
 * "ML-KEM-1024", keys made from the seed d || z, encapsulation with a given m
 * through the "ikme" parameter) it is libcrypto's; with older ones (Debian
 * 12's 3.0) it is our own FIPS 203 code in mlkem.c, which is compiled either
 * way so that its known-answer and constant-time tests always run. Both give
 * the same bytes for the same seeds and the same errors, so the replaceable
 * rng (tests, explain --seed) works the same over both.
 *
 * The libcrypto branch has not been compiled against a real OpenSSL 3.5 here
 * (Debian 12 has 3.0): docs/STATUS.md says so. */
#include <openssl/opensslv.h>
#include <string.h>

#include "crypto/internal.h"
#include "crypto/mlkem.h"

#if OPENSSL_VERSION_NUMBER >= 0x30500000L
#include <openssl/core_names.h>
#include <openssl/params.h>
#define KEM_FROM_LIBCRYPTO 1
#else
#define KEM_FROM_LIBCRYPTO 0
#endif

/* see mlkem.h */
const char *gls_kem_impl(void)
{
    return KEM_FROM_LIBCRYPTO ? "libcrypto" : "glasstls";
}

#if KEM_FROM_LIBCRYPTO

static const char *evp_name(gls_mlkem_set set)
{
    return set == GLS_MLKEM768 ? "ML-KEM-768" : set == GLS_MLKEM1024 ? "ML-KEM-1024" : NULL;
}

static OSSL_LIB_CTX *libctx_of(const struct gls_crypto *c)
{
    return c != NULL ? c->libctx : NULL;
}

/* A key from one octet-string parameter ("pub": ek; "priv": dk, whose H(ek)
 * libcrypto checks on import, FIPS 203 §7.3), or NULL. */
static EVP_PKEY *kem_import(const struct gls_crypto *c, gls_mlkem_set set, int selection,
                            const char *name, const uint8_t *v, size_t len)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(name, (void *)v, len),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(libctx_of(c), evp_name(set), NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

/* see mlkem.h */
int gls_kem_keygen(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t d[GLS_MLKEM_SEED],
                   const uint8_t z[GLS_MLKEM_SEED], uint8_t *ek, uint8_t *dk)
{
    uint8_t seed[2 * GLS_MLKEM_SEED]; /* d || z, as FIPS 203 Algorithm 16 takes them */
    size_t ek_len = 0;
    size_t dk_len = 0;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    int err = GLS_E_CRYPTO;
    if (evp_name(set) == NULL) {
        return GLS_E_INTERNAL;
    }
    memcpy(seed, d, GLS_MLKEM_SEED);
    memcpy(seed + GLS_MLKEM_SEED, z, GLS_MLKEM_SEED);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_ML_KEM_SEED, seed, sizeof seed),
        OSSL_PARAM_construct_end(),
    };
    ctx = EVP_PKEY_CTX_new_from_name(libctx_of(c), evp_name(set), NULL);
    if (ctx != NULL && EVP_PKEY_keygen_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_params(ctx, params) == 1 && EVP_PKEY_generate(ctx, &pkey) == 1 &&
        EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, ek, gls_mlkem_ek_len(set),
                                        &ek_len) == 1 &&
        EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, dk, gls_mlkem_dk_len(set),
                                        &dk_len) == 1 &&
        ek_len == gls_mlkem_ek_len(set) && dk_len == gls_mlkem_dk_len(set)) {
        err = GLS_OK;
    }
    OPENSSL_cleanse(seed, sizeof seed);
    EVP_PKEY_free(pkey); /* libcrypto clears the private key it holds */
    EVP_PKEY_CTX_free(ctx);
    return err;
}

/* see mlkem.h */
int gls_kem_encaps(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t *ek, size_t ek_len,
                   const uint8_t m[GLS_MLKEM_SEED], uint8_t *ct, uint8_t ss[GLS_MLKEM_SEED])
{
    size_t ct_len = gls_mlkem_ct_len(set);
    size_t ss_len = GLS_MLKEM_SEED;
    EVP_PKEY_CTX *ctx = NULL;
    int err = GLS_E_CRYPTO;
    /* §7.2 checks by our code first: the same error whatever libcrypto's import says */
    TRY(gls_mlkem_ek_check(set, ek, ek_len));
    EVP_PKEY *pkey = kem_import(c, set, EVP_PKEY_PUBLIC_KEY, OSSL_PKEY_PARAM_PUB_KEY, ek, ek_len);
    if (pkey == NULL) {
        return GLS_E_BAD_KEY_SHARE;
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KEM_PARAM_IKME, (void *)m, GLS_MLKEM_SEED),
        OSSL_PARAM_construct_end(),
    };
    ctx = EVP_PKEY_CTX_new_from_pkey(libctx_of(c), pkey, NULL);
    if (ctx != NULL && EVP_PKEY_encapsulate_init(ctx, params) == 1 &&
        EVP_PKEY_encapsulate(ctx, ct, &ct_len, ss, &ss_len) == 1 &&
        ct_len == gls_mlkem_ct_len(set) && ss_len == GLS_MLKEM_SEED) {
        err = GLS_OK;
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return err;
}

/* see mlkem.h */
int gls_kem_decaps(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t *dk,
                   const uint8_t *ct, size_t ct_len, uint8_t ss[GLS_MLKEM_SEED])
{
    size_t ss_len = GLS_MLKEM_SEED;
    EVP_PKEY_CTX *ctx = NULL;
    int err = GLS_E_CRYPTO;
    if (evp_name(set) == NULL || ct == NULL || ct_len != gls_mlkem_ct_len(set)) {
        return GLS_E_BAD_KEY_SHARE; /* §7.3 ciphertext type check */
    }
    EVP_PKEY *pkey =
        kem_import(c, set, EVP_PKEY_KEYPAIR, OSSL_PKEY_PARAM_PRIV_KEY, dk, gls_mlkem_dk_len(set));
    if (pkey == NULL) {
        return GLS_E_CRYPTO; /* §7.3 hash check: dk is corrupt */
    }
    ctx = EVP_PKEY_CTX_new_from_pkey(libctx_of(c), pkey, NULL);
    /* a ciphertext that does not re-encrypt gives the implicit-rejection secret, not an error */
    if (ctx != NULL && EVP_PKEY_decapsulate_init(ctx, NULL) == 1 &&
        EVP_PKEY_decapsulate(ctx, ss, &ss_len, ct, ct_len) == 1 && ss_len == GLS_MLKEM_SEED) {
        err = GLS_OK;
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return err;
}

#else /* our own ML-KEM */

/* see mlkem.h */
int gls_kem_keygen(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t d[GLS_MLKEM_SEED],
                   const uint8_t z[GLS_MLKEM_SEED], uint8_t *ek, uint8_t *dk)
{
    (void)c;
    return gls_mlkem_keygen(set, d, z, ek, dk);
}

/* see mlkem.h */
int gls_kem_encaps(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t *ek, size_t ek_len,
                   const uint8_t m[GLS_MLKEM_SEED], uint8_t *ct, uint8_t ss[GLS_MLKEM_SEED])
{
    (void)c;
    return gls_mlkem_encaps(set, ek, ek_len, m, ct, ss);
}

/* see mlkem.h */
int gls_kem_decaps(const struct gls_crypto *c, gls_mlkem_set set, const uint8_t *dk,
                   const uint8_t *ct, size_t ct_len, uint8_t ss[GLS_MLKEM_SEED])
{
    (void)c;
    return gls_mlkem_decaps(set, dk, ct, ct_len, ss);
}

#endif
