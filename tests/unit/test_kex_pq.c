/* The KEM-shaped key exchange for every group in the table (new/public,
 * respond, finish), the hybrids' layout per draft-ietf-tls-ecdhe-mlkem checked
 * against independent pieces (our ML-KEM, libcrypto's X25519 and P-256), the
 * new classical groups (X448, P-521) against libcrypto, and every malformed
 * hybrid share with its exact error. */
#include "harness.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/mlkem.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        abort();
    }
    return c;
}

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

static const uint16_t all_groups[] = {
    GLS_GROUP_X25519,         GLS_GROUP_X448,
    GLS_GROUP_SECP256R1,      GLS_GROUP_SECP384R1,
    GLS_GROUP_SECP521R1,      GLS_GROUP_FFDHE2048,
    GLS_GROUP_FFDHE3072,      GLS_GROUP_FFDHE4096,
    GLS_GROUP_FFDHE6144,      GLS_GROUP_FFDHE8192,
    GLS_GROUP_MLKEM768,       GLS_GROUP_MLKEM1024,
    GLS_GROUP_X25519MLKEM768, GLS_GROUP_SECP256R1MLKEM768,
};

static uint8_t cshare[GLS_KEX_MAX_SHARE], sshare[GLS_KEX_MAX_SHARE];

TEST(every_group_agrees_through_the_seam)
{
    static const size_t secret_len[] = {32,  56,  32,   48, 66, 256, 384,
                                        512, 768, 1024, 32, 32, 64,  64};
    static const gls_kex_kind kinds[] = {GLS_KEX_EC,     GLS_KEX_EC,    GLS_KEX_EC,   GLS_KEX_EC,
                                         GLS_KEX_EC,     GLS_KEX_FFDH,  GLS_KEX_FFDH, GLS_KEX_FFDH,
                                         GLS_KEX_FFDH,   GLS_KEX_FFDH,  GLS_KEX_KEM,  GLS_KEX_KEM,
                                         GLS_KEX_HYBRID, GLS_KEX_HYBRID};
    for (size_t i = 0; i < sizeof all_groups / sizeof all_groups[0]; i++) {
        uint16_t g = all_groups[i];
        uint64_t sc = 7 + i, ss = 1000 + i;
        gls_rng rc = {seq_fn, &sc}, rs = {seq_fn, &ss};
        gls_kex *k = NULL;
        size_t cn = 0, sn = 0;
        static gls_kex_secret a, b;
        CHECK_EQ(gls_kex_group_kind(g), kinds[i]);
        CHECK_OK(gls_kex_new(crypto(), g, &rc, &k));
        CHECK_OK(gls_kex_public(k, cshare, sizeof cshare, &cn));
        CHECK_EQ(cn, gls_kex_share_len(g, false));
        CHECK_ERR(gls_kex_respond(crypto(), g, &rs, cshare, cn, sshare,
                                  gls_kex_share_len(g, true) - 1, &sn, &a),
                  GLS_E_BUFFER_TOO_SMALL);
        CHECK_OK(gls_kex_respond(crypto(), g, &rs, cshare, cn, sshare, sizeof sshare, &sn, &a));
        CHECK_EQ(sn, gls_kex_share_len(g, true));
        CHECK_OK(gls_kex_finish(k, sshare, sn, &b));
        CHECK_EQ(a.len, secret_len[i]);
        CHECK_EQ(b.len, a.len);
        CHECK(memcmp(a.b, b.b, a.len) == 0);
        gls_kex_free(k);
    }
    CHECK_EQ(gls_kex_group_kind(0x0016), GLS_KEX_NONE);
    /* the one share-size constant holds the largest share in the table */
    CHECK_EQ(gls_kex_max_share_len(), GLS_KEX_MAX_SHARE);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_X25519MLKEM768, false), 1216);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_X25519MLKEM768, true), 1120);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_SECP256R1MLKEM768, false), 1249);
    CHECK_EQ(gls_kex_share_len(GLS_GROUP_SECP256R1MLKEM768, true), 1153);
}

/* A libcrypto key of `name` ("X25519", "X448") or EC curve ("P-256", "P-521"). */
static EVP_PKEY *oracle_key(const char *name, bool ec)
{
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(NULL, ec ? "EC" : name, NULL);
    if (x == NULL || EVP_PKEY_keygen_init(x) != 1) {
        abort();
    }
    if (ec) {
        OSSL_PARAM p[2] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0),
            OSSL_PARAM_construct_end()};
        if (EVP_PKEY_CTX_set_params(x, p) != 1) {
            abort();
        }
    }
    if (EVP_PKEY_keygen(x, &pk) != 1) {
        abort();
    }
    EVP_PKEY_CTX_free(x);
    return pk;
}

/* The oracle's public value as it goes on the wire. */
static size_t oracle_pub(EVP_PKEY *pk, bool ec, uint8_t *out, size_t cap)
{
    size_t n = cap;
    if (ec) {
        if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, cap, &n) !=
            1) {
            abort();
        }
    } else if (EVP_PKEY_get_raw_public_key(pk, out, &n) != 1) {
        abort();
    }
    return n;
}

/* The oracle's shared secret with a peer value (raw or an encoded point). */
static size_t oracle_derive(EVP_PKEY *pk, const char *name, bool ec, const uint8_t *peer, size_t n,
                            uint8_t *out)
{
    EVP_PKEY *pp = NULL;
    if (ec) {
        EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        OSSL_PARAM p[3] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)peer, n),
            OSSL_PARAM_construct_end()};
        if (EVP_PKEY_fromdata_init(x) != 1 ||
            EVP_PKEY_fromdata(x, &pp, EVP_PKEY_PUBLIC_KEY, p) != 1) {
            abort();
        }
        EVP_PKEY_CTX_free(x);
    } else {
        pp = EVP_PKEY_new_raw_public_key_ex(NULL, name, NULL, peer, n);
    }
    size_t len = 200;
    EVP_PKEY_CTX *d = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    if (pp == NULL || d == NULL || EVP_PKEY_derive_init(d) != 1 ||
        EVP_PKEY_derive_set_peer(d, pp) != 1 || EVP_PKEY_derive(d, out, &len) != 1) {
        abort();
    }
    EVP_PKEY_CTX_free(d);
    EVP_PKEY_free(pp);
    return len;
}

/* X448 (RFC 7748 §6.2) and P-521 against libcrypto, both directions. */
TEST(new_classical_groups_agree_with_libcrypto)
{
    static const struct {
        uint16_t group;
        const char *name;
        bool ec;
    } cases[] = {{GLS_GROUP_X448, "X448", false},
                 {GLS_GROUP_SECP521R1, "P-521", true},
                 {GLS_GROUP_X25519, "X25519", false}};
    for (size_t i = 0; i < 3; i++) {
        EVP_PKEY *o = oracle_key(cases[i].name, cases[i].ec);
        uint8_t opub[200], want[200];
        size_t on = oracle_pub(o, cases[i].ec, opub, sizeof opub);
        size_t cn = 0, sn = 0;
        gls_kex *k = NULL;
        static gls_kex_secret s;
        /* we are the client, the oracle the server */
        CHECK_OK(gls_kex_new(crypto(), cases[i].group, NULL, &k));
        CHECK_OK(gls_kex_public(k, cshare, sizeof cshare, &cn));
        CHECK_OK(gls_kex_finish(k, opub, on, &s));
        size_t wn = oracle_derive(o, cases[i].name, cases[i].ec, cshare, cn, want);
        CHECK(s.len == wn && memcmp(s.b, want, wn) == 0);
        gls_kex_free(k);
        /* we are the server */
        CHECK_OK(gls_kex_respond(crypto(), cases[i].group, NULL, opub, on, sshare, sizeof sshare,
                                 &sn, &s));
        wn = oracle_derive(o, cases[i].name, cases[i].ec, sshare, sn, want);
        CHECK(s.len == wn && memcmp(s.b, want, wn) == 0);
        EVP_PKEY_free(o);
    }
}

/* draft-ietf-tls-ecdhe-mlkem §4: X25519MLKEM768's client share is ek || X25519
 * and its server share ct || X25519, the secret K || X25519 secret; for
 * SecP256r1MLKEM768 the P-256 parts come first. Built from independent pieces:
 * the server side is our ML-KEM encapsulation plus a libcrypto key. */
static void hybrid_layout(uint16_t group, const char *curve, bool ec, size_t ec_len, bool kem_first)
{
    gls_kex *k = NULL;
    size_t cn = 0;
    static gls_kex_secret s;
    static uint8_t ct[GLS_MLKEM768_CT];
    uint8_t m[32] = {9}, kss[32], ecss[100];
    CHECK_OK(gls_kex_new(crypto(), group, NULL, &k));
    CHECK_OK(gls_kex_public(k, cshare, sizeof cshare, &cn));
    CHECK_EQ(cn, GLS_MLKEM768_EK + ec_len);
    const uint8_t *ek = cshare + (kem_first ? 0 : ec_len);
    const uint8_t *cpub = cshare + (kem_first ? GLS_MLKEM768_EK : 0);
    CHECK_OK(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK, m, ct, kss));
    EVP_PKEY *o = oracle_key(curve, ec);
    uint8_t opub[100];
    size_t on = oracle_pub(o, ec, opub, sizeof opub);
    CHECK_EQ(on, ec_len);
    size_t en = oracle_derive(o, curve, ec, cpub, ec_len, ecss);
    size_t sn = GLS_MLKEM768_CT + ec_len;
    memcpy(sshare + (kem_first ? 0 : ec_len), ct, GLS_MLKEM768_CT);
    memcpy(sshare + (kem_first ? GLS_MLKEM768_CT : 0), opub, ec_len);
    CHECK_OK(gls_kex_finish(k, sshare, sn, &s));
    CHECK_EQ(s.len, 32 + en);
    CHECK(memcmp(s.b + (kem_first ? 0 : en), kss, 32) == 0);
    CHECK(memcmp(s.b + (kem_first ? 32 : 0), ecss, en) == 0);
    EVP_PKEY_free(o);
    gls_kex_free(k);
}

TEST(x25519mlkem768_layout)
{
    hybrid_layout(GLS_GROUP_X25519MLKEM768, "X25519", false, 32, true);
}

TEST(secp256r1mlkem768_layout)
{
    hybrid_layout(GLS_GROUP_SECP256R1MLKEM768, "P-256", true, 65, false);
}

/* Every malformed hybrid share is GLS_E_BAD_KEY_SHARE (illegal_parameter), at
 * the server (client share) and at the client (server share). */
TEST(malformed_hybrid_shares)
{
    const uint16_t g = GLS_GROUP_X25519MLKEM768;
    gls_kex *k = NULL;
    size_t cn = 0, sn = 0;
    static gls_kex_secret s;
    static uint8_t bad[GLS_KEX_MAX_SHARE + 1];
    CHECK_OK(gls_kex_new(crypto(), g, NULL, &k));
    CHECK_OK(gls_kex_public(k, cshare, sizeof cshare, &cn));
    /* lengths: one short, one long, the X25519 part alone, the ML-KEM part alone, empty */
    static const size_t lens[] = {1215, 1217, 32, 1184, 0};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        memcpy(bad, cshare, cn);
        CHECK_ERR(gls_kex_respond(crypto(), g, NULL, bad, lens[i], sshare, sizeof sshare, &sn, &s),
                  GLS_E_BAD_KEY_SHARE);
    }
    /* FIPS 203 §7.2 modulus check: the first coefficient set to q = 0xd01 */
    memcpy(bad, cshare, cn);
    bad[0] = 0x01;
    bad[1] = (uint8_t)((bad[1] & 0xf0) | 0x0d);
    CHECK_ERR(gls_kex_respond(crypto(), g, NULL, bad, cn, sshare, sizeof sshare, &sn, &s),
              GLS_E_BAD_KEY_SHARE);
    /* the X25519 half all zeros (a small-order point: the shared secret would be zero) */
    memcpy(bad, cshare, cn);
    memset(bad + GLS_MLKEM768_EK, 0, 32);
    CHECK_ERR(gls_kex_respond(crypto(), g, NULL, bad, cn, sshare, sizeof sshare, &sn, &s),
              GLS_E_BAD_KEY_SHARE);
    /* the P-256 half of SecP256r1MLKEM768 not on the curve, and not uncompressed */
    gls_kex *p = NULL;
    size_t pn = 0;
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_SECP256R1MLKEM768, NULL, &p));
    CHECK_OK(gls_kex_public(p, bad, sizeof bad, &pn));
    bad[64] ^= 1;
    CHECK_ERR(gls_kex_respond(crypto(), GLS_GROUP_SECP256R1MLKEM768, NULL, bad, pn, sshare,
                              sizeof sshare, &sn, &s),
              GLS_E_BAD_KEY_SHARE);
    bad[64] ^= 1;
    bad[0] = 0x02;
    CHECK_ERR(gls_kex_respond(crypto(), GLS_GROUP_SECP256R1MLKEM768, NULL, bad, pn, sshare,
                              sizeof sshare, &sn, &s),
              GLS_E_BAD_KEY_SHARE);
    gls_kex_free(p);
    /* client side: the server's share of the wrong length, or its X25519 half zero */
    CHECK_OK(gls_kex_respond(crypto(), g, NULL, cshare, cn, sshare, sizeof sshare, &sn, &s));
    CHECK_ERR(gls_kex_finish(k, sshare, sn - 1, &s), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_kex_finish(k, sshare, 32, &s), GLS_E_BAD_KEY_SHARE);
    memset(sshare + GLS_MLKEM768_CT, 0, 32);
    CHECK_ERR(gls_kex_finish(k, sshare, sn, &s), GLS_E_BAD_KEY_SHARE);
    gls_kex_free(k);
    /* pure ML-KEM groups: wrong lengths both ways */
    CHECK_OK(gls_kex_new(crypto(), GLS_GROUP_MLKEM768, NULL, &k));
    CHECK_OK(gls_kex_public(k, cshare, sizeof cshare, &cn));
    CHECK_ERR(gls_kex_respond(crypto(), GLS_GROUP_MLKEM768, NULL, cshare, cn - 1, sshare,
                              sizeof sshare, &sn, &s),
              GLS_E_BAD_KEY_SHARE);
    CHECK_OK(gls_kex_respond(crypto(), GLS_GROUP_MLKEM768, NULL, cshare, cn, sshare, sizeof sshare,
                             &sn, &s));
    CHECK_ERR(gls_kex_finish(k, sshare, sn + 1, &s), GLS_E_BAD_KEY_SHARE);
    gls_kex_free(k);
}
