/* Hashes and HMAC (crypto/hash.c, crypto/hmac.c): FIPS 180-2 "abc" digests, a running
 * hash that can be read without ending it, RFC 4231 HMAC vectors, and a keyed HMAC run
 * over three parts against the one-shot form. */
#include "harness.h"

#include "crypto/crypto.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

static const gls_hash_alg *alg(gls_hash_id id)
{
    return gls_hash_get(crypto(), id);
}

TEST(sha256_abc_fips180)
{
    uint8_t out[GLS_MAX_HASH];
    CHECK_OK(gls_hash(alg(GLS_HASH_SHA256), (const uint8_t *)"abc", 3, out));
    CHECK_HEX(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(sha384_abc_fips180)
{
    uint8_t out[GLS_MAX_HASH];
    CHECK_OK(gls_hash(alg(GLS_HASH_SHA384), (const uint8_t *)"abc", 3, out));
    CHECK_HEX(out, 48,
              "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
              "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
}

TEST(hash_alg_sizes)
{
    CHECK_EQ(alg(GLS_HASH_SHA1)->len, 20);
    CHECK_EQ(alg(GLS_HASH_SHA256)->len, 32);
    CHECK_EQ(alg(GLS_HASH_SHA384)->len, 48);
    CHECK_EQ(alg(GLS_HASH_SHA384)->block, 128);
    CHECK(gls_hash_get(crypto(), GLS_HASH_COUNT) == NULL);
}

/* peek, update, peek: each peek equals the one-shot hash of everything so far. */
static void check_peek_keeps_running(gls_hash_id id)
{
    static const char first[] = "The transcript so far";
    static const char more[] = ", and then one more message that crosses a block boundary......";
    uint8_t whole[sizeof first - 1 + sizeof more - 1];
    uint8_t peek1[GLS_MAX_HASH];
    uint8_t peek2[GLS_MAX_HASH];
    uint8_t want[GLS_MAX_HASH];
    gls_hash_ctx *x = NULL;
    const gls_hash_alg *h = alg(id);

    memcpy(whole, first, sizeof first - 1);
    memcpy(whole + sizeof first - 1, more, sizeof more - 1);
    CHECK_OK(gls_hash_ctx_new(h, &x));
    CHECK_OK(gls_hash_update(x, (const uint8_t *)first, sizeof first - 1));
    CHECK_OK(gls_hash_peek(x, peek1));
    CHECK_OK(gls_hash_peek(x, peek2)); /* peeking twice changes nothing */
    CHECK_OK(gls_hash(h, (const uint8_t *)first, sizeof first - 1, want));
    CHECK(memcmp(peek1, want, h->len) == 0);
    CHECK(memcmp(peek2, want, h->len) == 0);

    CHECK_OK(gls_hash_update(x, (const uint8_t *)more, sizeof more - 1));
    CHECK_OK(gls_hash_peek(x, peek2));
    CHECK_OK(gls_hash(h, whole, sizeof whole, want));
    CHECK(memcmp(peek2, want, h->len) == 0);
    CHECK(memcmp(peek1, peek2, h->len) != 0);
    gls_hash_ctx_free(x);
}

TEST(peek_keeps_running_sha256)
{
    check_peek_keeps_running(GLS_HASH_SHA256);
}

TEST(peek_keeps_running_sha384)
{
    check_peek_keeps_running(GLS_HASH_SHA384);
}

TEST(peek_of_empty_hash)
{
    uint8_t out[GLS_MAX_HASH];
    gls_hash_ctx *x = NULL;
    CHECK_OK(gls_hash_ctx_new(alg(GLS_HASH_SHA256), &x));
    CHECK_OK(gls_hash_peek(x, out));
    gls_hash_ctx_free(x);
    /* SHA-256 of the empty string (FIPS 180-4 examples) */
    CHECK_HEX(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6). */
static const struct {
    const char *key_hex;
    const char *data;
    const char *sha256;
    const char *sha384;
} rfc4231[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
     "faea9ea9076ede7f4af152e8b2fa9cb6"},
    {"4a656665", "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
     "8e2240ca5e69e2c78b3239ecfab21649"},
    {NULL /* 131 bytes of 0xaa */, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
     "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
     "0c2ef6ab4030fe8296248df163f44952"},
};

TEST(hmac_rfc4231)
{
    for (size_t i = 0; i < sizeof rfc4231 / sizeof rfc4231[0]; i++) {
        uint8_t key[256];
        uint8_t out[GLS_MAX_HASH];
        size_t klen = 131;
        if (rfc4231[i].key_hex != NULL) {
            klen = unhex(rfc4231[i].key_hex, key, sizeof key);
        } else {
            memset(key, 0xaa, klen);
        }
        const uint8_t *data = (const uint8_t *)rfc4231[i].data;
        size_t n = strlen(rfc4231[i].data);
        CHECK_OK(gls_hmac(alg(GLS_HASH_SHA256), key, klen, data, n, out));
        CHECK_HEX(out, 32, rfc4231[i].sha256);
        CHECK_OK(gls_hmac(alg(GLS_HASH_SHA384), key, klen, data, n, out));
        CHECK_HEX(out, 48, rfc4231[i].sha384);
    }
}

TEST(hmac_key_reused_matches_rfc4231)
{
    uint8_t out[GLS_MAX_HASH];
    gls_hmac_key *k = NULL;
    CHECK_OK(gls_hmac_key_new(alg(GLS_HASH_SHA384), (const uint8_t *)"Jefe", 4, &k));
    for (int round = 0; round < 3; round++) { /* the key survives each run */
        CHECK_OK(gls_hmac_run(k, (const uint8_t *)"what do ya want for nothing?", 28, NULL, 0, NULL,
                              0, out));
        CHECK_HEX(out, 48, rfc4231[1].sha384);
    }
    gls_hmac_key_free(k);
}

/* RFC 4231 §4.3 and §4.7 (test cases 2 and 6) for SHA-512: the same block functions as
 * SHA-384 with another start and length; one key run three times. */
TEST(hmac_sha512_rfc4231)
{
    uint8_t out[GLS_MAX_HASH];
    uint8_t key[131];
    gls_hmac_key *k = NULL;
    CHECK_OK(gls_hmac_key_new(alg(GLS_HASH_SHA512), (const uint8_t *)"Jefe", 4, &k));
    for (int round = 0; round < 3; round++) {
        CHECK_OK(gls_hmac_run(k, (const uint8_t *)"what do ya ", 11,
                              (const uint8_t *)"want for nothing?", 17, NULL, 0, out));
        CHECK_HEX(out, 64,
                  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    }
    gls_hmac_key_free(k);
    memset(key, 0xaa, sizeof key);
    static const char data[] = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK_OK(gls_hmac(alg(GLS_HASH_SHA512), key, sizeof key, (const uint8_t *)data, sizeof data - 1,
                      out));
    CHECK_HEX(out, 64,
              "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
              "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}

TEST(hmac_run_three_parts_equals_one_shot)
{
    static const char msg[] = "seed: label, then the first random, then the second random";
    uint8_t split[GLS_MAX_HASH];
    uint8_t whole[GLS_MAX_HASH];
    uint8_t key[48];
    gls_hmac_key *k = NULL;
    for (size_t i = 0; i < sizeof key; i++) {
        key[i] = (uint8_t)(3 * i + 1);
    }
    for (gls_hash_id id = GLS_HASH_SHA1; id < GLS_HASH_COUNT; id++) {
        const gls_hash_alg *h = alg(id);
        size_t n = sizeof msg - 1;
        CHECK_OK(gls_hmac_key_new(h, key, sizeof key, &k));
        CHECK_OK(gls_hmac_run(k, (const uint8_t *)msg, 5, (const uint8_t *)msg + 5, 20,
                              (const uint8_t *)msg + 25, n - 25, split));
        CHECK_OK(gls_hmac(h, key, sizeof key, (const uint8_t *)msg, n, whole));
        CHECK(memcmp(split, whole, h->len) == 0);
        /* an empty middle part is allowed */
        CHECK_OK(gls_hmac_run(k, (const uint8_t *)msg, 5, NULL, 0, (const uint8_t *)msg + 5, n - 5,
                              split));
        CHECK(memcmp(split, whole, h->len) == 0);
        gls_hmac_key_free(k);
        k = NULL;
    }
}
