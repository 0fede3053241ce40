/* crypto/hash.c — one-shot and running hashes over the fetched digests. The
 * running form can report its current value without ending (the transcript
 * hash of RFC 8446 §4.4.1 is read many times while it grows). SHA-256/384/512
 * run on libcrypto's block functions (crypto/sha2.h): reading the value copies a
 * plain struct instead of allocating and duplicating an EVP_MD_CTX, and a one-shot
 * hash needs no context at all. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdlib.h>

#include "crypto/sha2.h"

#include "crypto/internal.h"

struct gls_hash_ctx {
    const gls_hash_alg *h;
    bool blocks;           /* the block functions, else EVP */
    union gls_sha_state s; /* blocks */
    EVP_MD_CTX *md;        /* EVP */
};

/* see crypto.h */
int gls_hash(const gls_hash_alg *h, const uint8_t *p, size_t n, uint8_t *out)
{
#if GLS_SHA_BLOCK_FUNCTIONS
    if (gls_sha_blocks(h->id)) {
        union gls_sha_state s;
        bool ok = gls_sha_init(h->id, &s) && gls_sha_update(h->id, &s, p, n) &&
                  gls_sha_final(h->id, &s, out);
        gls_wipe(&s, sizeof s); /* the input may be a secret (a long HMAC key) */
        return ok ? GLS_OK : GLS_E_CRYPTO;
    }
#endif
    unsigned int len = 0;
    if (EVP_Digest(p, n, out, &len, md_of(h), NULL) != 1 || len != h->len) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_hash_ctx_new(const gls_hash_alg *h, gls_hash_ctx **out)
{
    gls_hash_ctx *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return GLS_E_NO_MEMORY;
    }
    x->h = h;
    x->blocks = gls_sha_blocks(h->id);
#if GLS_SHA_BLOCK_FUNCTIONS
    if (x->blocks) {
        if (!gls_sha_init(h->id, &x->s)) {
            gls_hash_ctx_free(x);
            return GLS_E_CRYPTO;
        }
        *out = x;
        return GLS_OK;
    }
#endif
    x->md = EVP_MD_CTX_new();
    if (x->md == NULL || EVP_DigestInit_ex(x->md, md_of(h), NULL) != 1) {
        gls_hash_ctx_free(x);
        return GLS_E_CRYPTO;
    }
    *out = x;
    return GLS_OK;
}

/* see crypto.h */
int gls_hash_update(gls_hash_ctx *x, const uint8_t *p, size_t n)
{
#if GLS_SHA_BLOCK_FUNCTIONS
    if (x->blocks) {
        return gls_sha_update(x->h->id, &x->s, p, n) ? GLS_OK : GLS_E_CRYPTO;
    }
#endif
    return EVP_DigestUpdate(x->md, p, n) == 1 ? GLS_OK : GLS_E_CRYPTO;
}

/* see crypto.h */
int gls_hash_peek_with(const gls_hash_ctx *x, const uint8_t *extra, size_t n, uint8_t *out)
{
#if GLS_SHA_BLOCK_FUNCTIONS
    if (x->blocks) {
        union gls_sha_state copy = x->s;
        bool ok = gls_sha_update(x->h->id, &copy, extra, n) && gls_sha_final(x->h->id, &copy, out);
        return ok ? GLS_OK : GLS_E_CRYPTO;
    }
#endif
    int err = GLS_E_CRYPTO;
    unsigned int len = 0;
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    if (copy != NULL && EVP_MD_CTX_copy_ex(copy, x->md) == 1 &&
        (n == 0 || EVP_DigestUpdate(copy, extra, n) == 1) &&
        EVP_DigestFinal_ex(copy, out, &len) == 1 && len == x->h->len) {
        err = GLS_OK;
    }
    EVP_MD_CTX_free(copy);
    return err;
}

/* see crypto.h */
int gls_hash_peek(const gls_hash_ctx *x, uint8_t *out)
{
    return gls_hash_peek_with(x, NULL, 0, out);
}

/* see crypto.h */
void gls_hash_ctx_free(gls_hash_ctx *x)
{
    if (x == NULL) {
        return;
    }
    EVP_MD_CTX_free(x->md);
    free(x);
}
