/* crypto/hmac.c — HMAC (RFC 2104) built directly on the digest: the key's inner
 * and outer pads are absorbed once, and each run starts from copies of those two
 * states. This avoids EVP_MAC's per-context fetch by name, which dominated the
 * key schedules' cost (see docs/PERFORMANCE.md).
 *
 * SHA-256, SHA-384 and SHA-512 (every TLS PRF and HKDF hash) take libcrypto's
 * block functions (SHA256_Init/Update/Final and the SHA-512 family): their states
 * are plain structs, so a run copies them with memcpy and allocates nothing. Through
 * EVP each copy frees and re-duplicates the provider's state (EVP_MD_CTX_copy_ex in
 * libcrypto 3.0), which was most of a TLS 1.2 resumption's PRF cost. See
 * crypto/sha2.h (shared with hash.c) for the deprecation and the EVP fallback. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha2.h"

#include <openssl/crypto.h>

#include "crypto/internal.h"

#define MAX_BLOCK 128 /* SHA-384/512 */

struct gls_hmac_key {
    const gls_hash_alg *h;
    bool blocks;                   /* the block functions (crypto/sha2.h), else EVP */
    union gls_sha_state bin, bout; /* blocks: H((K ^ ipad) || ...), H((K ^ opad) || ...) */
    EVP_MD_CTX *inner;             /* EVP: H((K ^ ipad) || ...) so far */
    EVP_MD_CTX *outer;             /* EVP: H((K ^ opad) || ...) so far */
    EVP_MD_CTX *work;              /* EVP: each run's state, made once */
};

/* Absorbs K ^ pad, one block, into the key's starting state for that pad. */
static int absorb_pad(gls_hmac_key *x, const uint8_t *k, uint8_t pad)
{
    const gls_hash_alg *h = x->h;
    uint8_t block[MAX_BLOCK];
    const uint64_t pads = pad * UINT64_C(0x0101010101010101);
    for (size_t i = 0; i < h->block; i += 8) { /* block sizes are multiples of 8 */
        uint64_t w;
        memcpy(&w, k + i, 8);
        w ^= pads;
        memcpy(block + i, &w, 8);
    }
    bool ok;
#if GLS_SHA_BLOCK_FUNCTIONS
    if (x->blocks) {
        union gls_sha_state *s = pad == 0x36 ? &x->bin : &x->bout;
        ok = gls_sha_init(h->id, s) && gls_sha_update(h->id, s, block, h->block);
    } else
#endif
    {
        EVP_MD_CTX **out = pad == 0x36 ? &x->inner : &x->outer;
        *out = EVP_MD_CTX_new();
        ok = *out != NULL && EVP_DigestInit_ex(*out, md_of(h), NULL) == 1 &&
             EVP_DigestUpdate(*out, block, h->block) == 1;
    }
    gls_wipe(block, sizeof block);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* Keys x (its EVP pointers NULL): absorbs both pads. On failure the caller frees what was made. */
static int key_init(gls_hmac_key *x, const gls_hash_alg *h, const uint8_t *key, size_t klen)
{
    uint8_t k[MAX_BLOCK] = {0};
    int err = GLS_OK;
    x->h = h;
    x->blocks = gls_sha_blocks(h->id);
    if (klen > h->block) { /* RFC 2104 §2: long keys are hashed first */
        err = gls_hash(h, key, klen, k);
    } else if (klen > 0) {
        memcpy(k, key, klen);
    }
    if (err == GLS_OK) {
        err = absorb_pad(x, k, 0x36);
    }
    if (err == GLS_OK) {
        err = absorb_pad(x, k, 0x5c);
    }
    if (err == GLS_OK && !x->blocks && (x->work = EVP_MD_CTX_new()) == NULL) {
        err = GLS_E_NO_MEMORY;
    }
    gls_wipe(k, sizeof k);
    return err;
}

/* see crypto.h */
int gls_hmac_key_new(const gls_hash_alg *h, const uint8_t *key, size_t klen, gls_hmac_key **out)
{
    gls_hmac_key *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return GLS_E_NO_MEMORY;
    }
    int err = key_init(x, h, key, klen);
    if (err != GLS_OK) {
        gls_hmac_key_free(x);
        return err;
    }
    *out = x;
    return GLS_OK;
}

/* see crypto.h */
const gls_hash_alg *gls_hmac_key_hash(const gls_hmac_key *k)
{
    return k->h;
}

#if GLS_SHA_BLOCK_FUNCTIONS
static int run_blocks(const gls_hmac_key *k, const uint8_t *p1, size_t n1, const uint8_t *p2,
                      size_t n2, const uint8_t *p3, size_t n3, uint8_t *out)
{
    gls_hash_id id = k->h->id;
    uint8_t ihash[GLS_MAX_HASH];
    union gls_sha_state s = k->bin;
    bool ok = gls_sha_update(id, &s, p1, n1) && gls_sha_update(id, &s, p2, n2) &&
              gls_sha_update(id, &s, p3, n3) && gls_sha_final(id, &s, ihash);
    if (ok) {
        s = k->bout;
        ok = gls_sha_update(id, &s, ihash, k->h->len) && gls_sha_final(id, &s, out);
    }
    gls_wipe(&s, sizeof s);
    gls_wipe(ihash, sizeof ihash);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}
#endif

/* see crypto.h */
int gls_hmac_run(gls_hmac_key *k, const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2,
                 const uint8_t *p3, size_t n3, uint8_t *out)
{
#if GLS_SHA_BLOCK_FUNCTIONS
    if (k->blocks) {
        return run_blocks(k, p1, n1, p2, n2, p3, n3, out);
    }
#endif
    uint8_t ihash[GLS_MAX_HASH];
    unsigned int len = 0;
    EVP_MD_CTX *x = k->work;
    int ok =
        EVP_MD_CTX_copy_ex(x, k->inner) == 1 && (n1 == 0 || EVP_DigestUpdate(x, p1, n1) == 1) &&
        (n2 == 0 || EVP_DigestUpdate(x, p2, n2) == 1) &&
        (n3 == 0 || EVP_DigestUpdate(x, p3, n3) == 1) && EVP_DigestFinal_ex(x, ihash, &len) == 1 &&
        EVP_MD_CTX_copy_ex(x, k->outer) == 1 && EVP_DigestUpdate(x, ihash, len) == 1 &&
        EVP_DigestFinal_ex(x, out, &len) == 1 && len == k->h->len;
    gls_wipe(ihash, sizeof ihash);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* see crypto.h */
void gls_hmac_key_done(gls_hmac_key *k)
{
    if (k == NULL) {
        return;
    }
    EVP_MD_CTX_free(k->inner); /* libcrypto cleanses digest state on free */
    EVP_MD_CTX_free(k->outer);
    EVP_MD_CTX_free(k->work);
    gls_wipe(k, sizeof *k); /* the pads' block-function states */
}

/* see crypto.h */
void gls_hmac_key_free(gls_hmac_key *k)
{
    gls_hmac_key_done(k);
    free(k);
}

_Static_assert(sizeof(struct gls_hmac_key) <= GLS_HMAC_KEY_SPACE, "a key fits its space");
_Static_assert(_Alignof(struct gls_hmac_key) <= 16, "and its alignment");

/* see crypto.h */
int gls_hmac_key_init(gls_hmac_key_space *sp, const gls_hash_alg *h, const uint8_t *key,
                      size_t klen, gls_hmac_key **out)
{
    gls_hmac_key *x = (gls_hmac_key *)(void *)sp->b;
    x->inner = NULL; /* key_init fills the rest */
    x->outer = NULL;
    x->work = NULL;
    int err = key_init(x, h, key, klen);
    if (err != GLS_OK) {
        gls_hmac_key_done(x);
        return err;
    }
    *out = x;
    return GLS_OK;
}

/* see crypto.h */
int gls_hmac(const gls_hash_alg *h, const uint8_t *key, size_t klen, const uint8_t *p, size_t n,
             uint8_t *out)
{
    gls_hmac_key_space ks; /* a one-shot key lives on the stack */
    gls_hmac_key *k = NULL;
    TRY(gls_hmac_key_init(&ks, h, key, klen, &k));
    int err = gls_hmac_run(k, p, n, NULL, 0, NULL, 0, out);
    gls_hmac_key_done(k);
    return err;
}
