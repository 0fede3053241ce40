/* crypto/hmac.c — HMAC (RFC 2104) over libcrypto's EVP_MAC, fetched once. A
 * gls_hmac_key is keyed once and duplicated per use, so the PRF and
 * HKDF-Expand loops pay for the key schedule of HMAC only once. */
#include <stdlib.h>

#include <openssl/core_names.h>

#include "crypto/internal.h"

struct gls_hmac_key {
    const gls_hash_alg *h;
    EVP_MAC_CTX *keyed;
};

/* see crypto.h */
int gls_hmac_key_new(const gls_hash_alg *h, const uint8_t *key, size_t klen, gls_hmac_key **out)
{
    const gls_crypto *c = gls_crypto_of_hash(h);
    OSSL_PARAM params[2];
    gls_hmac_key *k = calloc(1, sizeof *k);
    if (k == NULL) {
        return GLS_E_NO_MEMORY;
    }
    k->h = h;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)h->name, 0);
    params[1] = OSSL_PARAM_construct_end();
    k->keyed = EVP_MAC_CTX_new(c->hmac);
    /* HMAC with an empty key is legal (HKDF-Extract with no salt uses zeros,
     * but an empty IKM key can occur); libcrypto wants a non-NULL pointer. */
    static const uint8_t empty[1] = {0};
    if (k->keyed == NULL || EVP_MAC_init(k->keyed, klen ? key : empty, klen, params) != 1) {
        gls_hmac_key_free(k);
        return GLS_E_CRYPTO;
    }
    *out = k;
    return GLS_OK;
}

/* see crypto.h */
int gls_hmac_run(const gls_hmac_key *k, const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2,
                 const uint8_t *p3, size_t n3, uint8_t *out)
{
    int err = GLS_E_CRYPTO;
    size_t len = 0;
    EVP_MAC_CTX *x = EVP_MAC_CTX_dup(k->keyed);
    if (x != NULL && (n1 == 0 || EVP_MAC_update(x, p1, n1) == 1) &&
        (n2 == 0 || EVP_MAC_update(x, p2, n2) == 1) &&
        (n3 == 0 || EVP_MAC_update(x, p3, n3) == 1) &&
        EVP_MAC_final(x, out, &len, k->h->len) == 1 && len == k->h->len) {
        err = GLS_OK;
    }
    EVP_MAC_CTX_free(x);
    return err;
}

/* see crypto.h */
void gls_hmac_key_free(gls_hmac_key *k)
{
    if (k == NULL) {
        return;
    }
    EVP_MAC_CTX_free(k->keyed); /* libcrypto cleanses the HMAC key on free */
    free(k);
}

/* see crypto.h */
int gls_hmac(const gls_hash_alg *h, const uint8_t *key, size_t klen, const uint8_t *p, size_t n,
             uint8_t *out)
{
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_new(h, key, klen, &k));
    int err = gls_hmac_run(k, p, n, NULL, 0, NULL, 0, out);
    gls_hmac_key_free(k);
    return err;
}
