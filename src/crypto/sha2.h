/* crypto/sha2.h — SHA-256, SHA-384 and SHA-512 through libcrypto's block functions
 * (SHA256_Init/Update/Final and the SHA-512 family) for hmac.c and hash.c. Their
 * states are plain structs: a running hash is copied with memcpy, where through EVP
 * each EVP_MD_CTX_copy_ex frees and re-duplicates the provider's state (allocations)
 * in libcrypto 3.0. libcrypto 3.0 marks these functions deprecated: a file that
 * includes this header defines OPENSSL_SUPPRESS_DEPRECATED before any OpenSSL
 * header. A libcrypto built without them (OPENSSL_NO_DEPRECATED_3_0) leaves
 * GLS_SHA_BLOCK_FUNCTIONS 0 and every hash on EVP, which SHA-1 always takes.
 * Only for src/crypto/. */
#ifndef GLS_CRYPTO_SHA2_H
#define GLS_CRYPTO_SHA2_H

#include <stdbool.h>

#include <openssl/sha.h>

#include "crypto/crypto.h"

#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#define GLS_SHA_BLOCK_FUNCTIONS 1
#else
#define GLS_SHA_BLOCK_FUNCTIONS 0
#endif

union gls_sha_state {
#if GLS_SHA_BLOCK_FUNCTIONS
    SHA256_CTX s256;
    SHA512_CTX s512;
#endif
    uint8_t none;
};

/* Whether id goes through the block functions. */
static inline bool gls_sha_blocks(gls_hash_id id)
{
    return GLS_SHA_BLOCK_FUNCTIONS &&
           (id == GLS_HASH_SHA256 || id == GLS_HASH_SHA384 || id == GLS_HASH_SHA512);
}

#if GLS_SHA_BLOCK_FUNCTIONS
static inline bool gls_sha_init(gls_hash_id id, union gls_sha_state *s)
{
    switch (id) {
    case GLS_HASH_SHA256:
        return SHA256_Init(&s->s256) == 1;
    case GLS_HASH_SHA384:
        return SHA384_Init(&s->s512) == 1;
    case GLS_HASH_SHA512:
        return SHA512_Init(&s->s512) == 1;
    default:
        return false;
    }
}

static inline bool gls_sha_update(gls_hash_id id, union gls_sha_state *s, const uint8_t *p,
                                  size_t n)
{
    if (n == 0) {
        return true;
    }
    return id == GLS_HASH_SHA256 ? SHA256_Update(&s->s256, p, n) == 1
                                 : SHA512_Update(&s->s512, p, n) == 1; /* 384 and 512 */
}

static inline bool gls_sha_final(gls_hash_id id, union gls_sha_state *s, uint8_t *out)
{
    switch (id) {
    case GLS_HASH_SHA256:
        return SHA256_Final(out, &s->s256) == 1;
    case GLS_HASH_SHA384:
        return SHA384_Final(out, &s->s512) == 1;
    default:
        return SHA512_Final(out, &s->s512) == 1;
    }
}
#endif

#endif
