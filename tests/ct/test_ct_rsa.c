/* Constant time, checked by valgrind (tests/ct/ct.h): our side of the TLS 1.2 RSA key exchange
 * (RFC 5246 §7.4.7.1). libcrypto decrypts with its TLS implicit-rejection padding mode; the
 * ciphertext is marked secret, so everything derived from it (the padding's validity, the
 * version bytes, the pre-master secret or its random substitute) is undefined to memcheck, and
 * gls_rsa_decrypt_pms and the master-secret derivation that follows must not branch or index
 * on any of it, for a good ciphertext and for each kind of bad one. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "../fuzz/fuzz_keys.h"
#include "ct.h"
#include "harness.h"

#include "crypto/crypto.h"
#include "keys/prf12.h"

static gls_crypto *cr;
static gls_pkey *key;
static EVP_PKEY *ossl_key;

/* Raw RSA (no padding) of a 256-byte block: to build each kind of bad PKCS#1 block. */
static size_t raw_encrypt(const uint8_t block[256], uint8_t out[256])
{
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(ossl_key, NULL);
    size_t len = 256;
    bool ok = x != NULL && EVP_PKEY_encrypt_init(x) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(x, RSA_NO_PADDING) == 1 &&
              EVP_PKEY_encrypt(x, out, &len, block, 256) == 1;
    EVP_PKEY_CTX_free(x);
    return ok ? len : 0;
}

/* A PKCS#1 v1.5 type-2 block around a 48-byte secret starting with version; damage picks a
 * fault: 0 none, 1 wrong type byte, 2 no zero separator, 3 short secret, 4 wrong version. */
static void block(uint8_t b[256], int damage)
{
    memset(b, 0x5a, 256);
    b[0] = 0;
    b[1] = damage == 1 ? 1 : 2;
    size_t sep = damage == 3 ? 256 - 48 - 2 : 256 - 48 - 1;
    if (damage != 2) {
        b[sep] = 0;
    }
    b[256 - 48] = 0x03;
    b[256 - 47] = damage == 4 ? 0x01 : 0x03;
}

static bool setup(void)
{
    if (!CT_UNDER_VALGRIND()) {
        fprintf(stderr, "  not under valgrind: results are checked, timing is not\n");
    }
    if (gls_crypto_new(&cr) != GLS_OK ||
        gls_pkey_from_pem((const uint8_t *)FUZZ_SERVER_RSA_KEY, strlen(FUZZ_SERVER_RSA_KEY),
                          &key) != GLS_OK) {
        return false;
    }
    BIO *b = BIO_new_mem_buf(FUZZ_SERVER_RSA_KEY, -1);
    ossl_key = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return ossl_key != NULL;
}

TEST(every_ciphertext_gives_a_secret_without_a_branch)
{
    static const uint8_t cr_rand[32] = {1};
    static const uint8_t sr_rand[32] = {2};
    CHECK(setup());
    const gls_hash_alg *h = gls_hash_get(cr, GLS_HASH_SHA256);
    for (int damage = 0; damage <= 4; damage++) {
        uint8_t b[256];
        uint8_t ct[256];
        gls_secret pms;
        gls_secret ms;
        block(b, damage);
        CHECK_EQ(raw_encrypt(b, ct), 256);
        CT_SECRET(ct, sizeof ct); /* what it decrypts to, and whether it is valid, is secret */
        CHECK_ERR(gls_rsa_decrypt_pms(key, 0x0303, ct, sizeof ct, &pms), GLS_OK);
        CHECK_EQ(pms.len, 48);
        CHECK_ERR(gls_prf12_master(h, pms.b, pms.len, cr_rand, sr_rand, &ms, NULL), GLS_OK);
        CT_PUBLIC(pms.b, pms.len); /* only now, in the test, to check the result */
        bool real = memcmp(pms.b, b + 256 - 48, 48) == 0;
        CHECK(real == (damage == 0)); /* a bad block gives a random secret, not its bytes */
        gls_secret_wipe(&pms);
        gls_secret_wipe(&ms);
    }
    gls_pkey_free(key);
    EVP_PKEY_free(ossl_key);
    gls_crypto_free(cr);
}
