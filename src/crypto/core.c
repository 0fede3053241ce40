/* crypto/core.c — the algorithm set: every digest, MAC and cipher glasstls
 * uses is fetched once here, so no per-operation fetch happens afterwards. The
 * object is read-only after gls_crypto_new and safe to share between threads. */
#include <stdlib.h>

#include <openssl/core_names.h>

#include "crypto/internal.h"

static const struct {
    const char *name;
    size_t len;
    size_t block;
} hash_names[GLS_HASH_COUNT] = {
    [GLS_HASH_SHA1] = {"SHA1", 20, 64},
    [GLS_HASH_SHA256] = {"SHA256", 32, 64},
    [GLS_HASH_SHA384] = {"SHA384", 48, 128},
    [GLS_HASH_SHA512] = {"SHA512", 64, 128},
};

static const struct {
    const char *name;
    size_t key_len;
} aead_names[GLS_AEAD_COUNT] = {
    [GLS_AEAD_AES_128_GCM] = {"AES-128-GCM", 16},
    [GLS_AEAD_AES_256_GCM] = {"AES-256-GCM", 32},
    [GLS_AEAD_CHACHA20_POLY1305] = {"ChaCha20-Poly1305", 32},
};

/* see crypto.h */
int gls_crypto_new(gls_crypto **out)
{
    gls_crypto *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return GLS_E_NO_MEMORY;
    }
    bool ok = true;
    for (int i = 0; i < GLS_HASH_COUNT; i++) {
        gls_hash_alg *h = &c->hash[i];
        h->id = (gls_hash_id)i;
        h->len = hash_names[i].len;
        h->block = hash_names[i].block;
        h->name = hash_names[i].name;
        h->impl = EVP_MD_fetch(c->libctx, h->name, NULL);
        ok = ok && h->impl != NULL;
    }
    for (int i = 0; i < GLS_AEAD_COUNT; i++) {
        gls_aead_alg *a = &c->aead[i];
        a->id = (gls_aead_id)i;
        a->key_len = aead_names[i].key_len;
        a->nonce_len = 12;
        a->tag_len = 16;
        a->name = aead_names[i].name;
        a->impl = EVP_CIPHER_fetch(c->libctx, a->name, NULL);
        /* checked once here, so gls_aead_new keys a context in one call */
        ok = ok && a->impl != NULL && EVP_CIPHER_get_key_length(cipher_of(a)) == (int)a->key_len &&
             EVP_CIPHER_get_iv_length(cipher_of(a)) == (int)a->nonce_len;
    }
    c->hmac = EVP_MAC_fetch(c->libctx, OSSL_MAC_NAME_HMAC, NULL);
    c->aes_cbc[0] = EVP_CIPHER_fetch(c->libctx, "AES-128-CBC", NULL);
    c->aes_cbc[1] = EVP_CIPHER_fetch(c->libctx, "AES-256-CBC", NULL);
    ok = ok && c->hmac != NULL && c->aes_cbc[0] != NULL && c->aes_cbc[1] != NULL;
    if (!ok) {
        gls_crypto_free(c);
        return GLS_E_CRYPTO;
    }
    *out = c;
    return GLS_OK;
}

/* see crypto.h */
void gls_crypto_free(gls_crypto *c)
{
    if (c == NULL) {
        return;
    }
    for (int i = 0; i < GLS_HASH_COUNT; i++) {
        EVP_MD_free((EVP_MD *)c->hash[i].impl);
    }
    for (int i = 0; i < GLS_AEAD_COUNT; i++) {
        EVP_CIPHER_free((EVP_CIPHER *)c->aead[i].impl);
    }
    EVP_MAC_free(c->hmac);
    EVP_CIPHER_free(c->aes_cbc[0]);
    EVP_CIPHER_free(c->aes_cbc[1]);
    free(c);
}

/* see crypto.h */
const gls_hash_alg *gls_hash_get(const gls_crypto *c, gls_hash_id id)
{
    return (unsigned)id < GLS_HASH_COUNT ? &c->hash[id] : NULL;
}

/* see crypto.h */
const gls_aead_alg *gls_aead_get(const gls_crypto *c, gls_aead_id id)
{
    return (unsigned)id < GLS_AEAD_COUNT ? &c->aead[id] : NULL;
}
