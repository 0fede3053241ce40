/* Key exchange: the RFC 7748 §6.1 X25519 and RFC 5903 §8.1/§8.2 ECDH vectors
 * byte for byte with the private keys fed through a fixed rng, FFDHE against
 * libcrypto as an oracle, the RFC 7919 primes, and every kind of bad peer value
 * and bad TLS 1.2 group with its exact error. */
#include "harness.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/wire.h"
#include "crypto/crypto.h"
#include "crypto/internal.h"

/* ---- test rngs ---- */

/* Returns the given bytes, then fails. */
struct fixed_rng {
    uint8_t buf[256];
    size_t len;
    size_t off;
};

static int fixed_fn(void *arg, uint8_t *out, size_t n)
{
    struct fixed_rng *r = arg;
    if (n > r->len - r->off) {
        return GLS_E_RNG;
    }
    memcpy(out, r->buf + r->off, n);
    r->off += n;
    return GLS_OK;
}

static gls_rng fixed(struct fixed_rng *r, const char *hex)
{
    r->len = unhex(hex, r->buf, sizeof r->buf);
    r->off = 0;
    gls_rng g = {fixed_fn, r};
    return g;
}

/* A deterministic stream (splitmix64) for keys whose value does not matter. */
static int seq_fn(void *arg, uint8_t *out, size_t n)
{
    uint64_t *s = arg;
    for (size_t i = 0; i < n; i++) {
        uint64_t z = (*s += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        out[i] = (uint8_t)(z ^ (z >> 31));
    }
    return GLS_OK;
}

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        abort();
    }
    return c;
}

static uint8_t pub_buf[GLS_MAX_KEX_SECRET];
static size_t pub_len;

/* ---- X25519: RFC 7748 §6.1 ---- */

#define ALICE_PRIV "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define ALICE_PUB  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define BOB_PRIV   "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define BOB_PUB    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define X25519_K   "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

TEST(x25519_rfc7748_section_6_1)
{
    struct fixed_rng ra;
    struct fixed_rng rb;
    gls_rng rng_a = fixed(&ra, ALICE_PRIV);
    gls_rng rng_b = fixed(&rb, BOB_PRIV);
    gls_kex *alice = NULL;
    gls_kex *bob = NULL;
    uint8_t peer[32];
    gls_kex_secret k;

    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_X25519, &rng_a, &alice));
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_X25519, &rng_b, &bob));
    CHECK_EQ(ra.off, 32); /* the whole private key came from the rng */
    CHECK_OK(gls_kex_public(alice, pub_buf, sizeof pub_buf, &pub_len));
    CHECK_HEX(pub_buf, pub_len, ALICE_PUB);
    CHECK_OK(gls_kex_public(bob, pub_buf, sizeof pub_buf, &pub_len));
    CHECK_HEX(pub_buf, pub_len, BOB_PUB);

    CHECK_OK(gls_kex_finish(alice, peer, unhex(BOB_PUB, peer, sizeof peer), &k));
    CHECK_HEX(k.b, k.len, X25519_K);
    CHECK_OK(gls_kex_finish(bob, peer, unhex(ALICE_PUB, peer, sizeof peer), &k));
    CHECK_HEX(k.b, k.len, X25519_K);
    gls_kex_free(alice);
    gls_kex_free(bob);
}

TEST(x25519_bad_peers)
{
    struct fixed_rng r;
    gls_rng rng = fixed(&r, ALICE_PRIV);
    gls_kex *k = NULL;
    uint8_t peer[33] = {0};
    gls_kex_secret s;

    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_X25519, &rng, &k));
    /* u = 0 and u = 1 have small order: the shared secret would be all zeros */
    CHECK_ERR(gls_kex_finish(k, peer, 32, &s), GLS_E_BAD_KEY_SHARE);
    peer[0] = 1;
    CHECK_ERR(gls_kex_finish(k, peer, 32, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_EQ(s.len, 0); /* wiped on failure */
    unhex(BOB_PUB, peer, sizeof peer);
    CHECK_ERR(gls_kex_finish(k, peer, 31, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_kex_finish(k, peer, 33, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_kex_finish(k, peer, 0, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_OK(gls_kex_finish(k, peer, 32, &s)); /* the key still works */
    CHECK_HEX(s.b, s.len, X25519_K);
    gls_kex_free(k);
}

/* ---- ECDH: RFC 5903 §8.1 (P-256) and §8.2 (P-384) ---- */

struct ecdh_vector {
    uint16_t group;
    const char *i, *gi, *r, *gr, *girx;
};

static const struct ecdh_vector rfc5903[] = {
    {GLS_GROUP_SECP256R1, "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
     "04 DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
     "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
     "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
     "04 D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
     "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
     "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"},
    {GLS_GROUP_SECP384R1,
     "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
     "E35B5380 41E649EE 3FAEF896 783AB194",
     "04 667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
     "DE3AC808 ACB4BDB4 C88732AE E95F41AA 9482ED1F C0EEB9CA FC498462 5CCFC23F"
     "65032149 E0E144AD A0241815 35A0F38E EB9FCFF3 C2C947DA E69B4C63 4573A81C",
     "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
     "E0308312 916B8ED2 960E4BD5 5A7448FC",
     "04 E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
     "0D1AC43A 0336DEF9 6FDA41D0 774A3571 DCFBEC7A ACF31964 72169E83 8430367F"
     "66EEBE3C 6E70C416 DD5F0C68 759DD1FF F83FA401 42209DFF 5EAAD96D B9E6386C",
     "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
     "D6031355 69B9E9D0 9CF5D4A2 70F59746"},
};

TEST(ecdh_rfc5903_vectors)
{
    for (size_t v = 0; v < 2; v++) {
        const struct ecdh_vector *e = &rfc5903[v];
        struct fixed_rng ri;
        struct fixed_rng rr;
        gls_rng rng_i = fixed(&ri, e->i);
        gls_rng rng_r = fixed(&rr, e->r);
        gls_kex *init = NULL;
        gls_kex *resp = NULL;
        uint8_t peer[97];
        gls_kex_secret s;

        CHECK_OK(gls_kex_new(crypto(), e->group, &rng_i, &init));
        CHECK_OK(gls_kex_new(crypto(), e->group, &rng_r, &resp));
        CHECK_EQ(ri.off, ri.len);
        CHECK_OK(gls_kex_public(init, pub_buf, sizeof pub_buf, &pub_len));
        CHECK_EQ(pub_len, gls_kex_share_len(e->group, false));
        CHECK_HEX(pub_buf, pub_len, e->gi);
        CHECK_OK(gls_kex_public(resp, pub_buf, sizeof pub_buf, &pub_len));
        CHECK_HEX(pub_buf, pub_len, e->gr);

        CHECK_OK(gls_kex_finish(init, peer, unhex(e->gr, peer, sizeof peer), &s));
        CHECK_HEX(s.b, s.len, e->girx); /* the x-coordinate only */
        CHECK_OK(gls_kex_finish(resp, peer, unhex(e->gi, peer, sizeof peer), &s));
        CHECK_HEX(s.b, s.len, e->girx);
        gls_kex_free(init);
        gls_kex_free(resp);
    }
}

TEST(ecdh_bad_peers)
{
    for (size_t v = 0; v < 2; v++) {
        const struct ecdh_vector *e = &rfc5903[v];
        struct fixed_rng r;
        gls_rng rng = fixed(&r, e->i);
        gls_kex *k = NULL;
        uint8_t good[98];
        uint8_t bad[98];
        size_t n = unhex(e->gr, good, sizeof good);
        size_t half = (n - 1) / 2;
        gls_kex_secret s;
        CHECK_OK(gls_kex_new(crypto(), e->group, &rng, &k));

        CHECK_ERR(gls_kex_finish(k, good, n - 1, &s), GLS_E_BAD_KEY_SHARE);
        memcpy(bad, good, n);
        bad[n] = 0;
        CHECK_ERR(gls_kex_finish(k, bad, n + 1, &s), GLS_E_BAD_KEY_SHARE);
        bad[0] = 0x02 | (good[n - 1] & 1); /* compressed form, full length */
        CHECK_ERR(gls_kex_finish(k, bad, n, &s), GLS_E_BAD_KEY_SHARE);
        CHECK_ERR(gls_kex_finish(k, bad, 1 + half, &s), GLS_E_BAD_KEY_SHARE);
        bad[0] = 0x00; /* the encoding of the point at infinity */
        CHECK_ERR(gls_kex_finish(k, bad, 1, &s), GLS_E_BAD_KEY_SHARE);
        memcpy(bad, good, n);
        bad[n - 1] ^= 1; /* y changed: not on the curve */
        CHECK_ERR(gls_kex_finish(k, bad, n, &s), GLS_E_BAD_KEY_SHARE);
        memset(bad + 1, 0, n - 1); /* (0, 0) */
        CHECK_ERR(gls_kex_finish(k, bad, n, &s), GLS_E_BAD_KEY_SHARE);
        memset(bad + 1, 0xff, half); /* x above the field prime */
        memcpy(bad + 1 + half, good + 1 + half, half);
        CHECK_ERR(gls_kex_finish(k, bad, n, &s), GLS_E_BAD_KEY_SHARE);
        CHECK_EQ(s.len, 0);
        CHECK_OK(gls_kex_finish(k, good, n, &s));
        CHECK_HEX(s.b, s.len, e->girx);
        gls_kex_free(k);
    }
}

/* A scalar of zero or of at least the group order is drawn again. */
TEST(ecdh_scalar_out_of_range_is_redrawn)
{
    struct fixed_rng r;
    /* P-256: 0, then the order n itself, then the RFC 5903 key */
    gls_rng rng = fixed(&r, "0000000000000000000000000000000000000000000000000000000000000000"
                            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"
                            "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    gls_kex *k = NULL;
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_SECP256R1, &rng, &k));
    CHECK_EQ(r.off, 96);
    CHECK_OK(gls_kex_public(k, pub_buf, sizeof pub_buf, &pub_len));
    CHECK_HEX(pub_buf, pub_len, rfc5903[0].gi);
    gls_kex_free(k);

    /* an rng that runs dry is GLS_E_RNG, not a weak key */
    rng = fixed(&r, "00");
    CHECK_ERR(gls_kex_new(crypto(), GLS_GROUP_SECP256R1, &rng, &k), GLS_E_RNG);
    CHECK_ERR(gls_kex_new(crypto(), GLS_GROUP_X25519, &rng, &k), GLS_E_RNG);
    CHECK_ERR(gls_kex_new(crypto(), GLS_GROUP_FFDHE2048, &rng, &k), GLS_E_RNG);
}

/* ---- FFDHE ---- */

static const uint16_t ffdhe[5] = {GLS_GROUP_FFDHE2048, GLS_GROUP_FFDHE3072, GLS_GROUP_FFDHE4096,
                                  GLS_GROUP_FFDHE6144, GLS_GROUP_FFDHE8192};
static const char *const ffdhe_name[5] = {"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144",
                                          "ffdhe8192"};

/* libcrypto's own key in a named DH group (the oracle side). */
static EVP_PKEY *oracle_dh_key(const char *group)
{
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
        OSSL_PARAM_construct_end()};
    if (x == NULL || EVP_PKEY_keygen_init(x) != 1 || EVP_PKEY_CTX_set_params(x, params) != 1 ||
        EVP_PKEY_generate(x, &pk) != 1) {
        pk = NULL;
    }
    EVP_PKEY_CTX_free(x);
    return pk;
}

/* The oracle's public value, left-padded to plen. */
static bool oracle_pub(EVP_PKEY *pk, uint8_t *out, size_t plen)
{
    BIGNUM *y = NULL;
    bool ok = EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PUB_KEY, &y) == 1 &&
              BN_bn2binpad(y, out, (int)plen) == (int)plen;
    BN_free(y);
    return ok;
}

/* The oracle's shared secret with our public value (padded, RFC 8446 §7.4.1). */
static bool oracle_derive(EVP_PKEY *pk, const uint8_t *peer, size_t n, uint8_t *out, size_t *len)
{
    EVP_PKEY *peer_key = EVP_PKEY_dup(pk);
    EVP_PKEY_CTX *x = NULL;
    unsigned int pad = 1;
    OSSL_PARAM params[2] = {OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad),
                            OSSL_PARAM_construct_end()};
    bool ok = peer_key != NULL && EVP_PKEY_set_octet_string_param(
                                      peer_key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, peer, n) == 1;
    x = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    ok = ok && x != NULL && EVP_PKEY_derive_init(x) == 1 &&
         EVP_PKEY_CTX_set_params(x, params) == 1 && EVP_PKEY_derive_set_peer(x, peer_key) == 1 &&
         EVP_PKEY_derive(x, out, len) == 1;
    EVP_PKEY_CTX_free(x);
    EVP_PKEY_free(peer_key);
    return ok;
}

TEST(ffdhe_agrees_with_libcrypto)
{
    static const size_t lens[5] = {256, 384, 512, 768, 1024};
    static uint8_t theirs[1024];
    static uint8_t want[1024];
    for (int i = 0; i < 5; i++) {
        uint64_t seed = 42;
        gls_rng rng = {seq_fn, &seed};
        gls_kex *k = NULL;
        gls_kex_secret s;
        size_t plen = gls_kex_share_len(ffdhe[i], false);
        size_t want_len = sizeof want;
        EVP_PKEY *oracle = oracle_dh_key(ffdhe_name[i]);
        CHECK(oracle != NULL);
        CHECK_EQ(plen, lens[i]);

        CHECK_OK(gls_kex_new(crypto(), ffdhe[i], &rng, &k));
        CHECK_OK(gls_kex_public(k, pub_buf, sizeof pub_buf, &pub_len));
        CHECK_EQ(pub_len, plen);
        CHECK(oracle_pub(oracle, theirs, plen));
        CHECK_OK(gls_kex_finish(k, theirs, plen, &s));
        CHECK_EQ(s.len, plen);
        CHECK(oracle_derive(oracle, pub_buf, pub_len, want, &want_len));
        CHECK_EQ(want_len, plen);
        CHECK(memcmp(s.b, want, plen) == 0);
        EVP_PKEY_free(oracle);
        gls_kex_free(k);
    }
}

TEST(ffdhe_both_sides_agree)
{
    for (int i = 0; i < 5; i++) {
        uint64_t seed_a = 1;
        uint64_t seed_b = 2;
        gls_rng rng_a = {seq_fn, &seed_a};
        gls_rng rng_b = {seq_fn, &seed_b};
        gls_kex *a = NULL;
        gls_kex *b = NULL;
        static uint8_t pa[1024];
        static uint8_t pb[1024];
        size_t na = 0;
        size_t nb = 0;
        static gls_kex_secret sa;
        static gls_kex_secret sb;
        CHECK_OK(gls_kex_new(crypto(), ffdhe[i], &rng_a, &a));
        CHECK_OK(gls_kex_new(crypto(), ffdhe[i], &rng_b, &b));
        CHECK_OK(gls_kex_public(a, pa, sizeof pa, &na));
        CHECK_OK(gls_kex_public(b, pb, sizeof pb, &nb));
        CHECK_OK(gls_kex_finish(a, pb, nb, &sa));
        CHECK_OK(gls_kex_finish(b, pa, na, &sb));
        CHECK_EQ(sa.len, gls_kex_share_len(ffdhe[i], false));
        CHECK_EQ(sb.len, sa.len);
        CHECK(memcmp(sa.b, sb.b, sa.len) == 0);
        gls_kex_free(a);
        gls_kex_free(b);
    }
}

/* The same rng stream gives the same key; a different one a different key. */
TEST(deterministic_rng_gives_deterministic_keys)
{
    static const uint16_t all[] = {GLS_GROUP_X25519,    GLS_GROUP_SECP256R1, GLS_GROUP_SECP384R1,
                                   GLS_GROUP_FFDHE2048, GLS_GROUP_FFDHE3072, GLS_GROUP_FFDHE4096};
    static uint8_t first[512];
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        size_t first_len = 0;
        for (uint64_t run = 0; run < 3; run++) {
            uint64_t seed = run < 2 ? 7 : 8;
            gls_rng rng = {seq_fn, &seed};
            gls_kex *k = NULL;
            CHECK_OK(gls_kex_new(crypto(), all[i], &rng, &k));
            CHECK_OK(gls_kex_public(k, pub_buf, sizeof pub_buf, &pub_len));
            CHECK_EQ(pub_len, gls_kex_share_len(all[i], false));
            if (run == 0) {
                memcpy(first, pub_buf, pub_len);
                first_len = pub_len;
            } else {
                CHECK_EQ(pub_len, first_len);
                CHECK((memcmp(first, pub_buf, pub_len) == 0) == (run == 1));
            }
            gls_kex_free(k);
        }
    }
}

/* y = value - delta, big-endian, left-padded to n bytes (value + |delta| fits). */
static void be_add(const uint8_t *p, size_t n, int delta, uint8_t *out)
{
    BIGNUM *b = BN_bin2bn(p, (int)n, NULL);
    if (b == NULL ||
        (delta >= 0 ? BN_add_word(b, (BN_ULONG)delta) : BN_sub_word(b, (BN_ULONG)-delta)) != 1 ||
        BN_bn2binpad(b, out, (int)n) != (int)n) {
        abort();
    }
    BN_free(b);
}

TEST(ffdhe_bad_peers)
{
    uint64_t seed = 3;
    gls_rng rng = {seq_fn, &seed};
    gls_kex *k = NULL;
    gls_bytes p;
    gls_bytes g;
    static uint8_t y[257];
    static gls_kex_secret s;
    CHECK_OK(gls_ffdhe_params(GLS_GROUP_FFDHE2048, &p, &g));
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_FFDHE2048, &rng, &k));

    memset(y, 0, sizeof y);
    CHECK_ERR(gls_kex_finish(k, y, 256, &s), GLS_E_BAD_KEY_SHARE); /* 0 */
    y[255] = 1;
    CHECK_ERR(gls_kex_finish(k, y, 256, &s), GLS_E_BAD_KEY_SHARE); /* 1 */
    be_add(p.p, 256, -1, y);
    CHECK_ERR(gls_kex_finish(k, y, 256, &s), GLS_E_BAD_KEY_SHARE);   /* p-1 */
    CHECK_ERR(gls_kex_finish(k, p.p, 256, &s), GLS_E_BAD_KEY_SHARE); /* p */
    memset(y, 0xff, sizeof y);
    CHECK_ERR(gls_kex_finish(k, y, 256, &s), GLS_E_BAD_KEY_SHARE); /* > p */
    CHECK_EQ(s.len, 0);

    /* TLS 1.3 pads Y to |p|: every other length is wrong, even for a good Y */
    memset(y, 0, sizeof y);
    y[255] = 2;
    CHECK_ERR(gls_kex_finish(k, y + 1, 255, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_kex_finish(k, y, 257, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_kex_finish(k, y, 0, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_OK(gls_kex_finish(k, y, 256, &s)); /* 2 and p-2 are the edges inside */
    be_add(p.p, 256, -2, y);
    CHECK_OK(gls_kex_finish(k, y, 256, &s));
    CHECK_EQ(s.len, 256);
    gls_kex_free(k);
}

TEST(ffdhe_params_are_rfc7919)
{
    static const char *const last[5] = {
        "886B4238 61285C97 FFFFFFFF FFFFFFFF", "25E41D2B 66C62E37 FFFFFFFF FFFFFFFF",
        "C68A007E 5E655F6A FFFFFFFF FFFFFFFF", "A40E329C D0E40E65 FFFFFFFF FFFFFFFF",
        "D68C8BB7 C5C6424C FFFFFFFF FFFFFFFF"};
    static const size_t plen[5] = {256, 384, 512, 768, 1024};
    static uint8_t want[1024];
    for (int i = 0; i < 5; i++) {
        gls_bytes p;
        gls_bytes g;
        BIGNUM *bp = NULL;
        CHECK_OK(gls_ffdhe_params(ffdhe[i], &p, &g));
        CHECK_EQ(p.len, plen[i]);
        CHECK_HEX(p.p, 16, "FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A");
        CHECK_HEX(p.p + p.len - 16, 16, last[i]);
        CHECK_HEX(g.p, g.len, "02");

        /* every byte against libcrypto's built-in copy of the group */
        EVP_PKEY *oracle = oracle_dh_key(ffdhe_name[i]);
        CHECK(oracle != NULL);
        CHECK(EVP_PKEY_get_bn_param(oracle, OSSL_PKEY_PARAM_FFC_P, &bp) == 1);
        CHECK(BN_bn2binpad(bp, want, (int)p.len) == (int)p.len);
        CHECK(memcmp(p.p, want, p.len) == 0);
        BN_free(bp);
        EVP_PKEY_free(oracle);
    }
    gls_bytes p;
    gls_bytes g;
    CHECK_ERR(gls_ffdhe_params(GLS_GROUP_X25519, &p, &g), GLS_E_UNSUPPORTED);
    CHECK_ERR(gls_ffdhe_params(0x0105, &p, &g), GLS_E_UNSUPPORTED); /* unassigned */
}

/* ---- TLS 1.2 DHE with explicit p and g ---- */

TEST(ffdh_explicit_params_agree_with_named_group)
{
    uint64_t seed_c = 11;
    uint64_t seed_s = 12;
    gls_rng rng_c = {seq_fn, &seed_c};
    gls_rng rng_s = {seq_fn, &seed_s};
    gls_kex *client = NULL;
    gls_kex *server = NULL;
    gls_bytes p;
    gls_bytes g;
    static uint8_t pc[256];
    static uint8_t ps[256];
    size_t nc = 0;
    size_t ns = 0;
    static gls_kex_secret sc;
    static gls_kex_secret ss;
    static gls_kex_secret s2;
    CHECK_OK(gls_ffdhe_params(GLS_GROUP_FFDHE2048, &p, &g));
    CHECK_OK(gls_kex_new_ffdh_params(crypto(), p.p, p.len, g.p, g.len, &rng_c, &client));
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_FFDHE2048, &rng_s, &server));
    CHECK_OK(gls_kex_public(client, pc, sizeof pc, &nc));
    CHECK_OK(gls_kex_public(server, ps, sizeof ps, &ns));
    CHECK_EQ(nc, 256);
    CHECK_OK(gls_kex_finish(client, ps, ns, &sc));
    CHECK_OK(gls_kex_finish(server, pc, nc, &ss));
    CHECK_EQ(sc.len, 256);
    CHECK(sc.len == ss.len && memcmp(sc.b, ss.b, sc.len) == 0);

    /* TLS 1.2 does not pad Y: a short one is the same number */
    uint8_t two[256] = {0};
    two[255] = 2;
    CHECK_OK(gls_kex_finish(client, two + 255, 1, &sc));
    CHECK_OK(gls_kex_finish(client, two, 256, &s2));
    CHECK(sc.len == 256 && s2.len == 256 && memcmp(sc.b, s2.b, 256) == 0);
    CHECK_ERR(gls_kex_finish(client, two, 0, &sc), GLS_E_BAD_KEY_SHARE);
    two[255] = 1;
    CHECK_ERR(gls_kex_finish(client, two + 255, 1, &sc), GLS_E_BAD_KEY_SHARE);
    gls_kex_free(client);
    gls_kex_free(server);
}

/* Counts the random bytes drawn; each is 0xff, so an exponent is all ones. */
static int ones_fn(void *arg, uint8_t *out, size_t n)
{
    *(size_t *)arg += n;
    memset(out, 0xff, n);
    return GLS_OK;
}

/* RFC 7919 §5.2: a client that recognises the server's explicit TLS 1.2
 * parameters as an RFC 7919 group may use that group's short exponent (225,
 * 275, 325 bits, Appendix A); any other group gets an exponent as long as p. */
TEST(ffdh_explicit_rfc7919_params_use_short_exponents)
{
    static const size_t bytes[3] = {29, 35, 41}; /* 225, 275, 325 bits */
    for (int i = 0; i < 3; i++) {
        gls_bytes p;
        gls_bytes g;
        size_t drawn = 0;
        gls_rng rng = {ones_fn, &drawn};
        gls_kex *k = NULL;
        CHECK_OK(gls_ffdhe_params(ffdhe[i], &p, &g));
        CHECK_OK(gls_kex_new_ffdh_params(crypto(), p.p, p.len, g.p, g.len, &rng, &k));
        CHECK_EQ(drawn, bytes[i]);
        if (i == 0) { /* Y = 2^(2^225 - 1) mod p, computed apart */
            BN_CTX *bn = BN_CTX_new();
            BIGNUM *x = BN_new();
            BIGNUM *bp = BN_bin2bn(p.p, (int)p.len, NULL);
            BIGNUM *y = BN_new();
            uint8_t want[256];
            BIGNUM *two = BN_new();
            CHECK(bn != NULL && x != NULL && bp != NULL && y != NULL && BN_set_bit(x, 225) == 1 &&
                  BN_sub_word(x, 1) == 1);
            CHECK(two != NULL && BN_set_word(two, 2) == 1 && BN_mod_exp(y, two, x, bp, bn) == 1 &&
                  BN_bn2binpad(y, want, 256) == 256);
            CHECK_OK(gls_kex_public(k, pub_buf, sizeof pub_buf, &pub_len));
            CHECK(pub_len == 256 && memcmp(pub_buf, want, 256) == 0);
            BN_free(two);
            BN_free(y);
            BN_free(bp);
            BN_free(x);
            BN_CTX_free(bn);
        }
        gls_kex_free(k);

        /* the same prime with another generator is not the named group */
        const uint8_t five[1] = {5};
        drawn = 0;
        CHECK_OK(gls_kex_new_ffdh_params(crypto(), p.p, p.len, five, 1, &rng, &k));
        CHECK_EQ(drawn, p.len);
        gls_kex_free(k);
    }
    /* RFC 3526 group 14: same size as ffdhe2048, order unknown to us */
    static uint8_t p14[256];
    const uint8_t two[1] = {2};
    size_t drawn = 0;
    gls_rng rng = {ones_fn, &drawn};
    gls_kex *k = NULL;
    BIGNUM *bp = BN_get_rfc3526_prime_2048(NULL);
    CHECK(bp != NULL && BN_bn2binpad(bp, p14, 256) == 256);
    CHECK_OK(gls_kex_new_ffdh_params(crypto(), p14, sizeof p14, two, 1, &rng, &k));
    CHECK_EQ(drawn, 256);
    gls_kex_free(k);
    BN_free(bp);
}

/* An explicit group that is not from RFC 7919 (RFC 3526 group 14), against
 * libcrypto as the server. */
TEST(ffdh_explicit_params_agree_with_libcrypto)
{
    static uint8_t p[256];
    static uint8_t theirs[256];
    static uint8_t want[256];
    static gls_kex_secret s;
    const uint8_t g[1] = {2};
    BIGNUM *bp = BN_get_rfc3526_prime_2048(NULL);
    BIGNUM *bg = BN_new();
    CHECK(bp != NULL && bg != NULL && BN_set_word(bg, 2) == 1);
    CHECK(BN_bn2binpad(bp, p, 256) == 256);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    CHECK(bld != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bp) == 1 &&
          OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bg) == 1);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *group = NULL;
    CHECK(params != NULL && x != NULL && EVP_PKEY_fromdata_init(x) == 1 &&
          EVP_PKEY_fromdata(x, &group, EVP_PKEY_KEY_PARAMETERS, params) == 1);
    EVP_PKEY_CTX *gen = EVP_PKEY_CTX_new_from_pkey(NULL, group, NULL);
    EVP_PKEY *oracle = NULL;
    CHECK(gen != NULL && EVP_PKEY_keygen_init(gen) == 1 && EVP_PKEY_generate(gen, &oracle) == 1);

    uint64_t seed = 5;
    gls_rng rng = {seq_fn, &seed};
    gls_kex *k = NULL;
    size_t want_len = sizeof want;
    CHECK_OK(gls_kex_new_ffdh_params(crypto(), p, sizeof p, g, sizeof g, &rng, &k));
    CHECK_OK(gls_kex_public(k, pub_buf, sizeof pub_buf, &pub_len));
    CHECK(oracle_pub(oracle, theirs, 256));
    CHECK_OK(gls_kex_finish(k, theirs, 256, &s));
    CHECK(oracle_derive(oracle, pub_buf, pub_len, want, &want_len));
    CHECK(want_len == 256 && s.len == 256 && memcmp(s.b, want, 256) == 0);

    gls_kex_free(k);
    EVP_PKEY_free(oracle);
    EVP_PKEY_free(group);
    EVP_PKEY_CTX_free(gen);
    EVP_PKEY_CTX_free(x);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bp);
    BN_free(bg);
}

TEST(ffdh_explicit_params_rejected)
{
    static uint8_t p[1100];
    static uint8_t bad_g[256];
    const uint8_t two[1] = {2};
    gls_bytes fp;
    gls_bytes fg;
    gls_kex *k = NULL;
    uint64_t seed = 9;
    gls_rng rng = {seq_fn, &seed};

    /* RFC 2409's 1024-bit group: too weak */
    BIGNUM *weak = BN_get_rfc2409_prime_1024(NULL);
    CHECK(weak != NULL && BN_bn2binpad(weak, p, 128) == 128);
    BN_free(weak);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), p, 128, two, 1, &rng, &k), GLS_E_WEAK_DH_GROUP);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), p, 0, two, 1, &rng, &k), GLS_E_WEAK_DH_GROUP);

    CHECK_OK(gls_ffdhe_params(GLS_GROUP_FFDHE2048, &fp, &fg));
    /* 2047 bits: p >> 1 */
    BIGNUM *b = BN_bin2bn(fp.p, 256, NULL);
    CHECK(b != NULL && BN_rshift1(b, b) == 1 && BN_bn2binpad(b, p, 256) == 256);
    BN_free(b);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), p, 256, two, 1, &rng, &k), GLS_E_WEAK_DH_GROUP);

    /* g must satisfy 1 < g < p-1 */
    const uint8_t zero[1] = {0};
    const uint8_t one[1] = {1};
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), fp.p, 256, zero, 1, &rng, &k),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), fp.p, 256, one, 1, &rng, &k),
              GLS_E_ILLEGAL_PARAMETER);
    be_add(fp.p, 256, -1, bad_g);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), fp.p, 256, bad_g, 256, &rng, &k),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), fp.p, 256, fp.p, 256, &rng, &k),
              GLS_E_ILLEGAL_PARAMETER);
    /* an even p */
    memcpy(p, fp.p, 256);
    p[255] ^= 1;
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), p, 256, two, 1, &rng, &k), GLS_E_ILLEGAL_PARAMETER);
    /* more than 8192 bits */
    memset(p, 0xff, 1025);
    CHECK_ERR(gls_kex_new_ffdh_params(crypto(), p, 1025, two, 1, &rng, &k),
              GLS_E_HANDSHAKE_FAILURE);

    /* leading zeros in p are not part of |p| */
    memset(p, 0, 3);
    memcpy(p + 3, fp.p, 256);
    be_add(fp.p, 256, -2, bad_g); /* g = p-2 is allowed */
    CHECK_OK(gls_kex_new_ffdh_params(crypto(), p, 259, bad_g, 256, &rng, &k));
    CHECK_OK(gls_kex_public(k, pub_buf, sizeof pub_buf, &pub_len));
    CHECK_EQ(pub_len, 256);
    gls_kex_free(k);
}

/* ---- the table and the object ---- */

TEST(supported_groups_and_lengths)
{
    CHECK(gls_kex_supported(GLS_GROUP_X25519));
    CHECK(gls_kex_supported(GLS_GROUP_SECP256R1));
    CHECK(gls_kex_supported(GLS_GROUP_SECP384R1));
    CHECK(gls_kex_supported(GLS_GROUP_FFDHE2048));
    CHECK(gls_kex_supported(GLS_GROUP_FFDHE3072));
    CHECK(gls_kex_supported(GLS_GROUP_FFDHE4096));
    CHECK(gls_kex_supported(GLS_GROUP_SECP521R1));
    CHECK(gls_kex_supported(GLS_GROUP_X448));
    CHECK(gls_kex_supported(GLS_GROUP_FFDHE6144));
    CHECK(gls_kex_supported(GLS_GROUP_FFDHE8192));
    CHECK(gls_kex_supported(GLS_GROUP_X25519MLKEM768));
    CHECK(gls_kex_supported(GLS_GROUP_SECP256R1MLKEM768));
    CHECK(gls_kex_supported(GLS_GROUP_MLKEM768));
    CHECK(gls_kex_supported(GLS_GROUP_MLKEM1024));
    CHECK(!gls_kex_supported(0x0016)); /* secp256k1: not offered */
    CHECK(!gls_kex_supported(0x0200)); /* MLKEM512 */
    CHECK(!gls_kex_supported(0));
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_X25519, false), 32);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_SECP256R1, false), 65);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_SECP384R1, false), 97);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_FFDHE2048, false), 256);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_FFDHE3072, false), 384);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_FFDHE4096, false), 512);
    CHECK_EQ(gls_kex_share_len(0x0016, false), 0);

    gls_kex *k = NULL;
    CHECK_ERR(gls_kex_new(crypto(), 0x0016, NULL, &k), GLS_E_UNSUPPORTED);
    CHECK(k == NULL);
    /* a NULL rng is the system generator */
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_SECP256R1, NULL, &k));
    CHECK_ERR(gls_kex_public(k, pub_buf, 64, &pub_len), GLS_E_BUFFER_TOO_SMALL);
    CHECK_OK(gls_kex_public(k, pub_buf, 65, &pub_len));
    CHECK_EQ(pub_buf[0], 0x04);
    gls_kex_free(k);
    gls_kex_free(NULL);
}
