/* crypto/rsa.c — RSA key exchange for TLS 1.2 (RFC 5246 §7.4.7.1). The client
 * encrypts the 48-byte pre-master secret with PKCS #1 v1.5. The server decrypts
 * with libcrypto's RSA_PKCS1_WITH_TLS_PADDING mode, which checks the padding,
 * the length and the client_version bytes in constant time and substitutes
 * random bytes on any failure (Bleichenbacher; Klima-Pokorny-Rosa), so the
 * caller always gets a 48-byte secret and never an error for bad input. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/internal.h"

#define PMS_LEN        48
#define PKCS1_OVERHEAD 11 /* 0x00 0x02, at least eight padding bytes, 0x00 */

static bool is_rsa(const gls_pkey *k)
{
    return k != NULL && k->pkey != NULL && EVP_PKEY_is_a(k->pkey, "RSA");
}

static bool has_private_exponent(const EVP_PKEY *k)
{
    BIGNUM *d = NULL;
    bool ok = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_D, &d) == 1 && !BN_is_zero(d);
    BN_clear_free(d);
    return ok;
}

/* see crypto.h */
int gls_rsa_encrypt_pms(const gls_pkey *pub, const gls_secret *pms, uint8_t *out, size_t cap,
                        size_t *out_len)
{
    if (!is_rsa(pub) || pms->len != PMS_LEN) {
        return GLS_E_INVALID_ARGUMENT;
    }
    size_t len = (size_t)EVP_PKEY_get_size(pub->pkey);
    if (cap < len) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    /* The padding's random bytes come from libcrypto's generator. */
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_pkey(NULL, pub->pkey, NULL);
    bool ok = x != NULL && EVP_PKEY_encrypt_init(x) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(x, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_encrypt(x, out, &len, pms->b, PMS_LEN) == 1;
    EVP_PKEY_CTX_free(x);
    if (!ok) {
        return GLS_E_CRYPTO;
    }
    *out_len = len;
    return GLS_OK;
}

/* see crypto.h */
int gls_rsa_encrypt_pms_rng(const gls_pkey *pub, const gls_secret *pms, const gls_rng *rng,
                            uint8_t *out, size_t cap, size_t *out_len)
{
    if (!is_rsa(pub) || pms->len != PMS_LEN) {
        return GLS_E_INVALID_ARGUMENT;
    }
    size_t len = (size_t)EVP_PKEY_get_size(pub->pkey);
    uint8_t em[1024];
    if (cap < len) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    if (len > sizeof em || len < PMS_LEN + PKCS1_OVERHEAD) {
        return GLS_E_INVALID_ARGUMENT;
    }
    /* EM = 0x00 || 0x02 || PS (nonzero random) || 0x00 || M (RFC 8017 §7.2.1) */
    size_t ps = len - 3 - PMS_LEN;
    em[0] = 0x00;
    em[1] = 0x02;
    int err = gls_rand(rng, em + 2, ps);
    for (size_t i = 2; err == GLS_OK && i < 2 + ps; i++) {
        while (err == GLS_OK && em[i] == 0) {
            err = gls_rand(rng, em + i, 1);
        }
    }
    em[2 + ps] = 0x00;
    memcpy(em + 3 + ps, pms->b, PMS_LEN);
    EVP_PKEY_CTX *x = err == GLS_OK ? EVP_PKEY_CTX_new_from_pkey(NULL, pub->pkey, NULL) : NULL;
    bool ok = x != NULL && EVP_PKEY_encrypt_init(x) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(x, RSA_NO_PADDING) == 1 &&
              EVP_PKEY_encrypt(x, out, &len, em, len) == 1;
    EVP_PKEY_CTX_free(x);
    gls_wipe(em, sizeof em);
    if (err != GLS_OK) {
        return err;
    }
    if (!ok) {
        return GLS_E_CRYPTO;
    }
    *out_len = len;
    return GLS_OK;
}

static int random_pms(gls_secret *pms)
{
    pms->len = PMS_LEN;
    return gls_rand_system(NULL, pms->b, PMS_LEN);
}

/* see crypto.h */
int gls_rsa_decrypt_pms(const gls_pkey *priv, uint16_t client_version, const uint8_t *in, size_t n,
                        gls_secret *pms)
{
    if (!is_rsa(priv) || !has_private_exponent(priv->pkey)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    size_t mod_len = (size_t)EVP_PKEY_get_size(priv->pkey);
    if (mod_len < PMS_LEN + PKCS1_OVERHEAD) {
        return GLS_E_INVALID_ARGUMENT;
    }
    /* The ciphertext's length is public (it is on the wire): one that is not
     * the modulus length carries on with a random secret like any other
     * malformed ciphertext. */
    if (n != mod_len) {
        return random_pms(pms);
    }
    /* Only the client_version is set. The "negotiated version" parameter
     * would make libcrypto also accept that version in the secret (a
     * workaround for old buggy clients) and so weaken the rollback check. */
    unsigned int version = client_version;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_uint(OSSL_ASYM_CIPHER_PARAM_TLS_CLIENT_VERSION, &version);
    params[1] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_pkey(NULL, priv->pkey, NULL);
    if (x == NULL || EVP_PKEY_decrypt_init(x) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(x, RSA_PKCS1_WITH_TLS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_params(x, params) != 1) {
        EVP_PKEY_CTX_free(x);
        return GLS_E_CRYPTO;
    }
    size_t len = PMS_LEN;
    /* With this padding libcrypto fails outright only on public properties
     * of the ciphertext (its value not below the modulus); every failure of
     * padding, length or version yields random bytes and success instead. */
    bool ok = EVP_PKEY_decrypt(x, pms->b, &len, in, n) == 1 && len == PMS_LEN;
    EVP_PKEY_CTX_free(x);
    pms->len = PMS_LEN;
    if (!ok) {
        ERR_clear_error();
        return random_pms(pms);
    }
    return GLS_OK;
}
