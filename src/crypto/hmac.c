/* crypto/hmac.c — HMAC (RFC 2104) built directly on the fetched digest: the
 * key's inner and outer pads are absorbed once into two digest states, and each
 * run copies them. This avoids EVP_MAC's per-context fetch by name, which
 * dominated the key schedules' cost (see docs/PERFORMANCE.md). */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/internal.h"

#define MAX_BLOCK 128 /* SHA-384/512 */

struct gls_hmac_key {
    const gls_hash_alg *h;
    EVP_MD_CTX *inner; /* H((K ^ ipad) || ...) so far */
    EVP_MD_CTX *outer; /* H((K ^ opad) || ...) so far */
};

static int absorb_pad(const gls_hash_alg *h, const uint8_t *k, uint8_t pad, EVP_MD_CTX **out)
{
    uint8_t block[MAX_BLOCK];
    for (size_t i = 0; i < h->block; i++) {
        block[i] = (uint8_t)(k[i] ^ pad);
    }
    *out = EVP_MD_CTX_new();
    int ok = *out != NULL && EVP_DigestInit_ex(*out, md_of(h), NULL) == 1 &&
             EVP_DigestUpdate(*out, block, h->block) == 1;
    OPENSSL_cleanse(block, sizeof block);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* see crypto.h */
int gls_hmac_key_new(const gls_hash_alg *h, const uint8_t *key, size_t klen, gls_hmac_key **out)
{
    uint8_t k[MAX_BLOCK] = {0};
    int err = GLS_OK;
    gls_hmac_key *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return GLS_E_NO_MEMORY;
    }
    x->h = h;
    if (klen > h->block) { /* RFC 2104 §2: long keys are hashed first */
        err = gls_hash(h, key, klen, k);
    } else if (klen > 0) {
        memcpy(k, key, klen);
    }
    if (err == GLS_OK) {
        err = absorb_pad(h, k, 0x36, &x->inner);
    }
    if (err == GLS_OK) {
        err = absorb_pad(h, k, 0x5c, &x->outer);
    }
    OPENSSL_cleanse(k, sizeof k);
    if (err != GLS_OK) {
        gls_hmac_key_free(x);
        return err;
    }
    *out = x;
    return GLS_OK;
}

/* see crypto.h */
int gls_hmac_run(const gls_hmac_key *k, const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2,
                 const uint8_t *p3, size_t n3, uint8_t *out)
{
    uint8_t ihash[GLS_MAX_HASH];
    unsigned int len = 0;
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    int ok = x != NULL && EVP_MD_CTX_copy_ex(x, k->inner) == 1 &&
             (n1 == 0 || EVP_DigestUpdate(x, p1, n1) == 1) &&
             (n2 == 0 || EVP_DigestUpdate(x, p2, n2) == 1) &&
             (n3 == 0 || EVP_DigestUpdate(x, p3, n3) == 1) &&
             EVP_DigestFinal_ex(x, ihash, &len) == 1 && EVP_MD_CTX_copy_ex(x, k->outer) == 1 &&
             EVP_DigestUpdate(x, ihash, len) == 1 && EVP_DigestFinal_ex(x, out, &len) == 1 &&
             len == k->h->len;
    EVP_MD_CTX_free(x);
    OPENSSL_cleanse(ihash, sizeof ihash);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* see crypto.h */
void gls_hmac_key_free(gls_hmac_key *k)
{
    if (k == NULL) {
        return;
    }
    EVP_MD_CTX_free(k->inner); /* libcrypto cleanses digest state on free */
    EVP_MD_CTX_free(k->outer);
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
