/* HKDF (keys/hkdf.c): RFC 5869 Appendix A test cases 1-3 (SHA-256), PRK and OKM
 * byte for byte; the output-length bound of RFC 5869 §2.3; and HKDF-Expand-Label
 * (RFC 8446 §7.1) against the HkdfLabel "info" bytes RFC 8448 §3 prints, plus the
 * label and context bounds of that structure. */
#include "harness.h"

#include "crypto/crypto.h"
#include "keys/hkdf.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

static const gls_hash_alg *sha256(void)
{
    return gls_hash_get(crypto(), GLS_HASH_SHA256);
}

/* Fills p[0..n) with start, start+1, ... (RFC 5869 A.2's inputs). */
static void ramp(uint8_t *p, size_t n, uint8_t start)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(start + i);
    }
}

TEST(rfc5869_case1_basic)
{
    uint8_t ikm[22];
    uint8_t salt[13];
    uint8_t info[10];
    uint8_t okm[42];
    gls_secret prk;
    memset(ikm, 0x0b, sizeof ikm);
    ramp(salt, sizeof salt, 0x00);
    ramp(info, sizeof info, 0xf0);
    CHECK_OK(gls_hkdf_extract(sha256(), salt, sizeof salt, ikm, sizeof ikm, &prk));
    CHECK_HEX(prk.b, prk.len, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    CHECK_OK(gls_hkdf_expand(sha256(), prk.b, prk.len, info, sizeof info, okm, sizeof okm));
    CHECK_HEX(okm, sizeof okm,
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
              "34007208d5b887185865");
}

TEST(rfc5869_case2_long_inputs)
{
    uint8_t ikm[80];
    uint8_t salt[80];
    uint8_t info[80];
    uint8_t okm[82];
    gls_secret prk;
    ramp(ikm, sizeof ikm, 0x00);
    ramp(salt, sizeof salt, 0x60);
    ramp(info, sizeof info, 0xb0);
    CHECK_OK(gls_hkdf_extract(sha256(), salt, sizeof salt, ikm, sizeof ikm, &prk));
    CHECK_HEX(prk.b, prk.len, "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
    CHECK_OK(gls_hkdf_expand(sha256(), prk.b, prk.len, info, sizeof info, okm, sizeof okm));
    CHECK_HEX(okm, sizeof okm,
              "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
              "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
              "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

/* Zero-length salt and info; the salt may be given as NULL or as an empty buffer. */
TEST(rfc5869_case3_empty_salt_info)
{
    uint8_t ikm[22];
    uint8_t okm[42];
    gls_secret prk;
    gls_secret prk2;
    memset(ikm, 0x0b, sizeof ikm);
    CHECK_OK(gls_hkdf_extract(sha256(), NULL, 0, ikm, sizeof ikm, &prk));
    CHECK_HEX(prk.b, prk.len, "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    CHECK_OK(gls_hkdf_extract(sha256(), ikm, 0, ikm, sizeof ikm, &prk2));
    CHECK(prk2.len == prk.len && memcmp(prk2.b, prk.b, prk.len) == 0);
    CHECK_OK(gls_hkdf_expand(sha256(), prk.b, prk.len, NULL, 0, okm, sizeof okm));
    CHECK_HEX(okm, sizeof okm,
              "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
              "9d201395faa4b61a96c8");
}

/* RFC 5869 §2.3: L <= 255 * HashLen. The longest output is allowed, its prefix is
 * the shorter output, and one more byte is refused without writing. */
TEST(expand_length_bound)
{
    static uint8_t okm[255 * 32 + 1];
    uint8_t prk[32];
    uint8_t short_okm[42];
    memset(prk, 0x5a, sizeof prk);
    CHECK_OK(gls_hkdf_expand(sha256(), prk, sizeof prk, NULL, 0, okm, 255 * 32));
    CHECK_OK(gls_hkdf_expand(sha256(), prk, sizeof prk, NULL, 0, short_okm, sizeof short_okm));
    CHECK(memcmp(okm, short_okm, sizeof short_okm) == 0);
    memset(okm, 0xee, sizeof okm);
    CHECK_ERR(gls_hkdf_expand(sha256(), prk, sizeof prk, NULL, 0, okm, 255 * 32 + 1),
              GLS_E_INTERNAL);
    CHECK(okm[0] == 0xee && okm[255 * 32] == 0xee);
    CHECK_OK(gls_hkdf_expand(sha256(), prk, sizeof prk, NULL, 0, okm, 0));
}

/* RFC 8448 §3 {server} calculate finished "tls13 finished": PRK is the server
 * handshake traffic secret, info is the printed HkdfLabel, expanded is the
 * finished_key. Expand-Label must build exactly that info. */
TEST(expand_label_matches_rfc8448_info)
{
    gls_secret s;
    uint8_t info[64];
    uint8_t via_label[32];
    uint8_t via_info[32];
    s.len = (uint8_t)unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", s.b,
                           sizeof s.b);
    size_t info_len = unhex("00200e746c7331332066696e697368656400", info, sizeof info);
    CHECK_EQ(info_len, 18);
    CHECK_OK(gls_hkdf_expand_label(sha256(), &s, "finished", NULL, 0, via_label, 32));
    CHECK_OK(gls_hkdf_expand(sha256(), s.b, s.len, info, info_len, via_info, 32));
    CHECK(memcmp(via_label, via_info, 32) == 0);
    CHECK_HEX(via_label, 32, "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
}

/* RFC 8448 §3 {server} derive write traffic keys for handshake data: "key" and "iv"
 * labels with lengths 16 and 12 (the length is part of the label, so the iv is not
 * a prefix of the key). */
TEST(expand_label_key_iv_rfc8448)
{
    gls_secret s;
    uint8_t key[16];
    uint8_t iv[12];
    s.len = (uint8_t)unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", s.b,
                           sizeof s.b);
    CHECK_OK(gls_hkdf_expand_label(sha256(), &s, "key", NULL, 0, key, sizeof key));
    CHECK_HEX(key, sizeof key, "3fce516009c21727d0f2e4e86ee403bc");
    CHECK_OK(gls_hkdf_expand_label(sha256(), &s, "iv", NULL, 0, iv, sizeof iv));
    CHECK_HEX(iv, sizeof iv, "5d313eb2671276ee13000b30");
}

/* The same two labels from one keyed HMAC of the secret (how a traffic secret's key and iv
 * are derived), the same RFC 8448 bytes, in either order and repeated; and RFC 5869 case 1's
 * OKM from a keyed PRK. */
TEST(expand_label_keyed_once_rfc8448)
{
    gls_secret s;
    gls_hmac_key *k = NULL;
    uint8_t key[16];
    uint8_t iv[12];
    s.len = (uint8_t)unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", s.b,
                           sizeof s.b);
    CHECK_OK(gls_hmac_key_new(sha256(), s.b, s.len, &k));
    CHECK(gls_hmac_key_hash(k) == sha256());
    for (int round = 0; round < 2; round++) {
        memset(key, 0, sizeof key);
        memset(iv, 0, sizeof iv);
        if (round == 0) {
            CHECK_OK(gls_hkdf_expand_label_keyed(k, "key", NULL, 0, key, sizeof key));
            CHECK_OK(gls_hkdf_expand_label_keyed(k, "iv", NULL, 0, iv, sizeof iv));
        } else {
            CHECK_OK(gls_hkdf_expand_label_keyed(k, "iv", NULL, 0, iv, sizeof iv));
            CHECK_OK(gls_hkdf_expand_label_keyed(k, "key", NULL, 0, key, sizeof key));
        }
        CHECK_HEX(key, sizeof key, "3fce516009c21727d0f2e4e86ee403bc");
        CHECK_HEX(iv, sizeof iv, "5d313eb2671276ee13000b30");
    }
    CHECK_ERR(gls_hkdf_expand_label_keyed(k, "key", NULL, 0, key, 255 * 32 + 1), GLS_E_INTERNAL);
    gls_hmac_key_free(k);

    uint8_t prk[32];
    uint8_t info[10];
    uint8_t okm[42];
    unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", prk, sizeof prk);
    unhex("f0f1f2f3f4f5f6f7f8f9", info, sizeof info);
    CHECK_OK(gls_hmac_key_new(sha256(), prk, sizeof prk, &k));
    CHECK_OK(gls_hkdf_expand_keyed(k, info, sizeof info, okm, sizeof okm));
    CHECK_HEX(
        okm, sizeof okm,
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    gls_hmac_key_free(k);
}

/* HkdfLabel is opaque label<7..255> ("tls13 " + label) and opaque context<0..255>:
 * the longest of each works, one more byte is refused. */
TEST(expand_label_bounds)
{
    char label[251];
    uint8_t ctx[256];
    uint8_t out[32];
    gls_secret s;
    memset(s.b, 7, sizeof s.b);
    s.len = 32;
    memset(ctx, 0xc5, sizeof ctx);
    memset(label, 'a', sizeof label - 1);
    label[249] = 0; /* 6 + 249 = 255 */
    CHECK_OK(gls_hkdf_expand_label(sha256(), &s, label, ctx, 255, out, sizeof out));
    label[249] = 'a';
    label[250] = 0; /* 256 */
    CHECK_ERR(gls_hkdf_expand_label(sha256(), &s, label, ctx, 0, out, sizeof out), GLS_E_INTERNAL);
    CHECK_ERR(gls_hkdf_expand_label(sha256(), &s, "key", ctx, 256, out, sizeof out),
              GLS_E_INTERNAL);
    CHECK_ERR(gls_hkdf_expand_label(sha256(), &s, "key", NULL, 0, out, 255 * 32 + 1),
              GLS_E_INTERNAL);
}
