/* keys/prf12.c against libcrypto's EVP_KDF "TLS1-PRF" as an oracle: random
 * secrets, seeds, labels and lengths under SHA-256 and SHA-384, and the master
 * secret, extended master secret and key block computed both ways. */
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "harness.h"
#include "keys/prf12.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        abort();
    }
    return c;
}

/* TLS1-PRF(digest, secret, label || s1 || s2) from libcrypto. */
static int oracle(const char *digest, const uint8_t *secret, size_t slen, const char *label,
                  const uint8_t *s1, size_t n1, const uint8_t *s2, size_t n2, uint8_t *out,
                  size_t len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    uint8_t seed[256];
    size_t ll = strlen(label);
    memcpy(seed, label, ll);
    memcpy(seed + ll, s1, n1);
    if (n2 > 0) {
        memcpy(seed + ll + n1, s2, n2);
    }
    OSSL_PARAM params[4];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, slen);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, ll + n1 + n2);
    params[3] = OSSL_PARAM_construct_end();
    int ok = ctx != NULL && EVP_KDF_derive(ctx, out, len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

static size_t rnd(size_t lo, size_t hi)
{
    unsigned v = 0;
    RAND_bytes((unsigned char *)&v, sizeof v);
    return lo + v % (hi - lo + 1);
}

TEST(random_inputs_both_hashes)
{
    static const char *const labels[] = {
        "test label", "master secret",     "key expansion", "client finished",
        "x",          "EXPORTER-something"};
    for (int round = 0; round < 200; round++) {
        bool sha384 = round & 1;
        const gls_hash_alg *h = gls_hash_get(crypto(), sha384 ? GLS_HASH_SHA384 : GLS_HASH_SHA256);
        uint8_t secret[300], s1[64], s2[64], ours[400], theirs[400];
        size_t slen = rnd(1, sizeof secret);
        size_t n1 = rnd(0, 64);
        size_t n2 = rnd(0, 64);
        size_t len = rnd(1, sizeof ours);
        const char *label = labels[rnd(0, 5)];
        RAND_bytes(secret, sizeof secret);
        RAND_bytes(s1, sizeof s1);
        RAND_bytes(s2, sizeof s2);
        CHECK_OK(gls_prf12(h, secret, slen, label, s1, n1, s2, n2, ours, len));
        CHECK_OK(
            oracle(sha384 ? "SHA384" : "SHA256", secret, slen, label, s1, n1, s2, n2, theirs, len));
        CHECK(memcmp(ours, theirs, len) == 0);
    }
}

TEST(master_ems_and_key_block)
{
    for (int round = 0; round < 40; round++) {
        bool sha384 = round & 1;
        const char *md = sha384 ? "SHA384" : "SHA256";
        const gls_hash_alg *h = gls_hash_get(crypto(), sha384 ? GLS_HASH_SHA384 : GLS_HASH_SHA256);
        uint8_t pms[256], cr[32], sr[32], want[48], block[2 * (48 + 32 + 12)];
        gls_secret ms;
        gls_digest sh;
        size_t pms_len = round % 3 == 0 ? 48 : rnd(32, 256); /* RSA, ECDHE, DHE sizes */
        RAND_bytes(pms, sizeof pms);
        RAND_bytes(cr, 32);
        RAND_bytes(sr, 32);
        sh.len = h->len;
        RAND_bytes(sh.b, (int)sh.len);
        CHECK_OK(gls_prf12_master(h, pms, pms_len, cr, sr, &ms, NULL));
        CHECK_OK(oracle(md, pms, pms_len, "master secret", cr, 32, sr, 32, want, 48));
        CHECK(ms.len == 48 && memcmp(ms.b, want, 48) == 0);
        CHECK_OK(gls_prf12_ext_master(h, pms, pms_len, &sh, &ms, NULL));
        CHECK_OK(
            oracle(md, pms, pms_len, "extended master secret", sh.b, sh.len, NULL, 0, want, 48));
        CHECK(ms.len == 48 && memcmp(ms.b, want, 48) == 0);

        struct gls_key_block12 kb;
        memset(&kb, 0, sizeof kb);
        kb.mac_len = round % 4 == 0 ? h->len : 0;
        kb.key_len = round % 3 == 0 ? 32 : 16;
        kb.iv_len = kb.mac_len ? 0 : (round % 5 == 0 ? 12 : 4);
        size_t total = 2 * (kb.mac_len + kb.key_len + kb.iv_len);
        CHECK_OK(gls_prf12_key_block(h, &ms, cr, sr, &kb, NULL));
        CHECK_OK(oracle(md, ms.b, ms.len, "key expansion", sr, 32, cr, 32, block, total));
        const uint8_t *p = block;
        CHECK(memcmp(kb.c_mac, p, kb.mac_len) == 0);
        p += kb.mac_len;
        CHECK(memcmp(kb.s_mac, p, kb.mac_len) == 0);
        p += kb.mac_len;
        CHECK(memcmp(kb.c_key, p, kb.key_len) == 0);
        p += kb.key_len;
        CHECK(memcmp(kb.s_key, p, kb.key_len) == 0);
        p += kb.key_len;
        CHECK(memcmp(kb.c_iv, p, kb.iv_len) == 0);
        p += kb.iv_len;
        CHECK(memcmp(kb.s_iv, p, kb.iv_len) == 0);
    }
}
