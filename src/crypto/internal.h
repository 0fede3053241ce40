/* crypto/internal.h — what the files of crypto/ share among themselves: the
 * layout of gls_crypto (every algorithm fetched once) and small helpers. Never
 * included outside src/crypto/. */
#ifndef GLS_CRYPTO_INTERNAL_H
#define GLS_CRYPTO_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"

/* Marks bytes computed from secrets but public by design (a verdict, a value
 * that goes on the wire) as defined for the valgrind constant-time tests
 * (tests/ct, built with GLS_CT_VALGRIND); a no-op otherwise. base/secret.h
 * may define the same. */
#ifndef GLS_CT_DECLASSIFY
#ifdef GLS_CT_VALGRIND
#include <valgrind/memcheck.h>
#define GLS_CT_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define GLS_CT_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif
#endif

struct gls_crypto {
    OSSL_LIB_CTX *libctx; /* NULL: the default library context */
    gls_hash_alg hash[GLS_HASH_COUNT];
    gls_aead_alg aead[GLS_AEAD_COUNT];
    EVP_MAC *hmac;
    EVP_CIPHER *aes_cbc[2]; /* AES-128-CBC, AES-256-CBC */
};

static inline const EVP_MD *md_of(const gls_hash_alg *h)
{
    return (const EVP_MD *)h->impl;
}

static inline const EVP_CIPHER *cipher_of(const gls_aead_alg *a)
{
    return (const EVP_CIPHER *)a->impl;
}

/* A public or private key. */
struct gls_pkey {
    EVP_PKEY *pkey;
    gls_key_type type; /* gls_pkey_classify(pkey), set with pkey: read on every handshake */
};
/* What gls_pkey_type reports for a libcrypto key (name lookups: once per key). */
gls_key_type gls_pkey_classify(const EVP_PKEY *pkey);

/* One certificate; pub is its subject public key (pub.pkey owned by the cert). */
struct gls_cert {
    X509 *x509;
    gls_pkey pub;
    uint8_t *der;
    size_t der_len;
};

#endif
