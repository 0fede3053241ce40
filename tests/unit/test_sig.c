/* Signatures (crypto/sig.c): every TLS SignatureScheme signs and verifies with a
 * key generated here; any damaged, short, long or mismatched signature is
 * GLS_E_BAD_SIGNATURE; RFC 8032 §7.1 Ed25519 vectors byte for byte; RSA
 * PKCS#1 v1.5, PSS and ECDSA cross-checked against libcrypto as an oracle. */
#include "harness.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/wire.h"
#include "crypto/internal.h"

/* ---- keys, made once per run ---- */

enum { K_RSA, K_RSA1024, K_PSS, K_P256, K_P384, K_ED25519, K_COUNT };

/* An RSASSA-PSS key, unrestricted or bound to one hash (RFC 4055 §3.1). */
static EVP_PKEY *gen_pss(int bits, const char *md, int saltlen)
{
    EVP_PKEY *p = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
    int ok = ctx != NULL && EVP_PKEY_keygen_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1;
    if (ok && md != NULL) {
        ok = EVP_PKEY_CTX_set_rsa_pss_keygen_md_name(ctx, md, NULL) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_keygen_mgf1_md_name(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_keygen_saltlen(ctx, saltlen) == 1;
    }
    if (ok) {
        EVP_PKEY_generate(ctx, &p);
    }
    EVP_PKEY_CTX_free(ctx);
    return p;
}

static EVP_PKEY *gen(int which)
{
    switch (which) {
    case K_RSA:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    case K_RSA1024:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    case K_PSS:
        return gen_pss(2048, NULL, 0);
    case K_P256:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    case K_P384:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    default:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    }
}

static gls_pkey *wrap(EVP_PKEY *p)
{
    gls_pkey *k = calloc(1, sizeof *k);
    if (k == NULL || p == NULL) {
        abort();
    }
    k->pkey = p;
    k->type = gls_pkey_classify(p);
    return k;
}

static gls_pkey *keys[K_COUNT];

/* The private key of kind `which` (made on first use, kept for the run). */
static gls_pkey *priv(int which)
{
    if (keys[which] == NULL) {
        keys[which] = wrap(gen(which));
    }
    return keys[which];
}

/* The public half only, as a certificate would carry it. */
static gls_pkey *pub_of(const gls_pkey *k)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k->pkey, &der);
    const unsigned char *q = der;
    EVP_PKEY *p = n > 0 ? d2i_PUBKEY(NULL, &q, n) : NULL;
    OPENSSL_free(der);
    return wrap(p);
}

static const struct {
    uint16_t scheme;
    int key;
    size_t max_len;
} cases[] = {
    {GLS_SIG_RSA_PKCS1_SHA256, K_RSA, 256},
    {GLS_SIG_RSA_PKCS1_SHA384, K_RSA, 256},
    {GLS_SIG_RSA_PKCS1_SHA512, K_RSA, 256},
    {GLS_SIG_RSA_PSS_RSAE_SHA256, K_RSA, 256},
    {GLS_SIG_RSA_PSS_RSAE_SHA384, K_RSA, 256},
    {GLS_SIG_RSA_PSS_RSAE_SHA512, K_RSA, 256},
    {GLS_SIG_RSA_PSS_PSS_SHA256, K_PSS, 256},
    {GLS_SIG_RSA_PSS_PSS_SHA384, K_PSS, 256},
    {GLS_SIG_RSA_PSS_PSS_SHA512, K_PSS, 256},
    {GLS_SIG_ECDSA_SECP256R1_SHA256, K_P256, 72},
    {GLS_SIG_ECDSA_SECP384R1_SHA384, K_P384, 104},
    {GLS_SIG_ED25519, K_ED25519, 64},
    /* RFC 8422 §5.1.3: in TLS 1.2 any hash goes with any curve (TLS 1.3's binding of curve
     * and hash is negotiate.c's rule) */
    {GLS_SIG_ECDSA_SECP384R1_SHA384, K_P256, 72},
    {GLS_SIG_ECDSA_SECP521R1_SHA512, K_P256, 72},
    {GLS_SIG_ECDSA_SECP256R1_SHA256, K_P384, 104},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static const uint8_t msg[] = "TLS 1.3, server CertificateVerify\0 and then some content";

TEST(supported_schemes)
{
    for (size_t i = 0; i < N_CASES; i++) {
        CHECK(gls_sig_supported(cases[i].scheme));
    }
    CHECK(!gls_sig_supported(0x0201)); /* rsa_pkcs1_sha1 */
    CHECK(!gls_sig_supported(0x0203)); /* ecdsa_sha1 */
    CHECK(gls_sig_supported(0x0603));  /* ecdsa_secp521r1_sha512 (with our curves, TLS 1.2) */
    CHECK(!gls_sig_supported(0x0808)); /* ed448 */
    CHECK(!gls_sig_supported(0x0000));
}

/* Sign with the private key, verify with the public half, and with the private key. */
TEST(sign_verify_every_scheme)
{
    for (size_t i = 0; i < N_CASES; i++) {
        gls_pkey *k = priv(cases[i].key);
        gls_pkey *pub = pub_of(k);
        uint8_t sig[512];
        size_t len = 0;
        CHECK(gls_sig_key_fits(k, cases[i].scheme));
        CHECK(gls_sig_key_fits(pub, cases[i].scheme));
        CHECK_OK(gls_sig_sign(k, cases[i].scheme, msg, sizeof msg, sig, sizeof sig, &len));
        CHECK(len > 0 && len <= cases[i].max_len);
        if (cases[i].key != K_P256 && cases[i].key != K_P384) {
            CHECK_EQ(len, cases[i].max_len); /* RSA: modulus size; Ed25519: 64 */
        }
        CHECK_OK(gls_sig_verify(pub, cases[i].scheme, msg, sizeof msg, sig, len));
        CHECK_OK(gls_sig_verify(k, cases[i].scheme, msg, sizeof msg, sig, len));
        /* the empty message is a message too */
        CHECK_OK(gls_sig_sign(k, cases[i].scheme, NULL, 0, sig, sizeof sig, &len));
        CHECK_OK(gls_sig_verify(pub, cases[i].scheme, NULL, 0, sig, len));
        CHECK_ERR(gls_sig_verify(pub, cases[i].scheme, msg, 1, sig, len), GLS_E_BAD_SIGNATURE);
        gls_pkey_free(pub);
    }
}

/* Every single-byte change of message or signature, and every wrong length. */
TEST(damaged_signatures_rejected)
{
    for (size_t i = 0; i < N_CASES; i++) {
        gls_pkey *k = priv(cases[i].key);
        uint16_t s = cases[i].scheme;
        uint8_t m[sizeof msg];
        uint8_t sig[600];
        size_t len = 0;
        memcpy(m, msg, sizeof m);
        CHECK_OK(gls_sig_sign(k, s, m, sizeof m, sig, sizeof sig, &len));
        size_t at[] = {0, sizeof m / 2, sizeof m - 1};
        for (size_t j = 0; j < 3; j++) {
            m[at[j]] ^= 0x01;
            CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, len), GLS_E_BAD_SIGNATURE);
            m[at[j]] ^= 0x01;
        }
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m - 1, sig, len), GLS_E_BAD_SIGNATURE);
        for (size_t j = 0; j < len; j++) {
            sig[j] ^= 0x80;
            CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, len), GLS_E_BAD_SIGNATURE);
            sig[j] ^= 0x80;
        }
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, len - 1), GLS_E_BAD_SIGNATURE);
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, 1), GLS_E_BAD_SIGNATURE);
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, 0), GLS_E_BAD_SIGNATURE);
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, NULL, 0), GLS_E_BAD_SIGNATURE);
        sig[len] = 0;
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, len + 1), GLS_E_BAD_SIGNATURE);
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, sizeof sig), GLS_E_BAD_SIGNATURE);
        memset(sig, 0, sizeof sig);
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, len), GLS_E_BAD_SIGNATURE);
        memset(sig, 0xff, sizeof sig);
        CHECK_ERR(gls_sig_verify(k, s, m, sizeof m, sig, len), GLS_E_BAD_SIGNATURE);
    }
}

/* The peer chose a scheme the key cannot do: bad signature, and never signed. */
TEST(scheme_key_mismatch)
{
    static const struct {
        uint16_t scheme;
        int key;
    } bad[] = {
        {GLS_SIG_ECDSA_SECP521R1_SHA512, K_RSA},  {GLS_SIG_RSA_PSS_PSS_SHA256, K_RSA},
        {GLS_SIG_RSA_PSS_RSAE_SHA256, K_PSS},     {GLS_SIG_RSA_PKCS1_SHA256, K_PSS},
        {GLS_SIG_RSA_PKCS1_SHA256, K_ED25519},    {GLS_SIG_ED25519, K_P256},
        {GLS_SIG_ECDSA_SECP256R1_SHA256, K_RSA},  {GLS_SIG_RSA_PSS_RSAE_SHA256, K_ED25519},
        {GLS_SIG_RSA_PSS_RSAE_SHA512, K_RSA1024}, {GLS_SIG_RSA_PSS_PSS_SHA512, K_RSA1024},
    };
    uint8_t sig[512];
    size_t len = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gls_pkey *k = priv(bad[i].key);
        CHECK(!gls_sig_key_fits(k, bad[i].scheme));
        CHECK_ERR(gls_sig_sign(k, bad[i].scheme, msg, sizeof msg, sig, sizeof sig, &len),
                  GLS_E_INVALID_ARGUMENT);
        memset(sig, 0x5a, sizeof sig);
        CHECK_ERR(gls_sig_verify(k, bad[i].scheme, msg, sizeof msg, sig, 256), GLS_E_BAD_SIGNATURE);
    }
    /* a good P-256 signature presented under the P-384 scheme */
    CHECK_OK(gls_sig_sign(priv(K_P256), GLS_SIG_ECDSA_SECP256R1_SHA256, msg, sizeof msg, sig,
                          sizeof sig, &len));
    CHECK_ERR(
        gls_sig_verify(priv(K_P256), GLS_SIG_ECDSA_SECP384R1_SHA384, msg, sizeof msg, sig, len),
        GLS_E_BAD_SIGNATURE);
    /* a good rsaEncryption PSS signature presented as rsa_pss_pss */
    CHECK_OK(gls_sig_sign(priv(K_RSA), GLS_SIG_RSA_PSS_RSAE_SHA256, msg, sizeof msg, sig,
                          sizeof sig, &len));
    CHECK_ERR(gls_sig_verify(priv(K_RSA), GLS_SIG_RSA_PSS_PSS_SHA256, msg, sizeof msg, sig, len),
              GLS_E_BAD_SIGNATURE);
    /* and as PKCS#1 v1.5, and PSS-SHA384 */
    CHECK_ERR(gls_sig_verify(priv(K_RSA), GLS_SIG_RSA_PKCS1_SHA256, msg, sizeof msg, sig, len),
              GLS_E_BAD_SIGNATURE);
    CHECK_ERR(gls_sig_verify(priv(K_RSA), GLS_SIG_RSA_PSS_RSAE_SHA384, msg, sizeof msg, sig, len),
              GLS_E_BAD_SIGNATURE);
    /* RFC 8017 §9.1.1: 1024-bit RSA can carry PSS-SHA384 (2*48+2 <= 128) but not SHA-512 */
    CHECK(gls_sig_key_fits(priv(K_RSA1024), GLS_SIG_RSA_PSS_RSAE_SHA384));
    /* no key, unknown scheme */
    CHECK(!gls_sig_key_fits(NULL, GLS_SIG_ED25519));
    CHECK(!gls_sig_key_fits(priv(K_RSA), 0x0201));
    CHECK_ERR(gls_sig_sign(priv(K_RSA), 0x0201, msg, sizeof msg, sig, sizeof sig, &len),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_sig_verify(priv(K_RSA), 0x0201, msg, sizeof msg, sig, 256), GLS_E_BAD_SIGNATURE);
    CHECK_ERR(gls_sig_verify(NULL, GLS_SIG_ED25519, msg, sizeof msg, sig, 64), GLS_E_BAD_SIGNATURE);
}

TEST(sign_needs_room_and_a_private_key)
{
    uint8_t sig[512];
    size_t len = 0;
    CHECK_ERR(
        gls_sig_sign(priv(K_RSA), GLS_SIG_RSA_PSS_RSAE_SHA256, msg, sizeof msg, sig, 255, &len),
        GLS_E_BUFFER_TOO_SMALL);
    CHECK_ERR(gls_sig_sign(priv(K_ED25519), GLS_SIG_ED25519, msg, sizeof msg, sig, 63, &len),
              GLS_E_BUFFER_TOO_SMALL);
    gls_pkey *pub = pub_of(priv(K_P256));
    CHECK(gls_sig_sign(pub, GLS_SIG_ECDSA_SECP256R1_SHA256, msg, sizeof msg, sig, sizeof sig,
                       &len) < 0);
    gls_pkey_free(pub);
}

/* An RSASSA-PSS key restricted to SHA-384 (RFC 4055 §3.1) fits only the SHA-384 scheme. */
TEST(pss_key_hash_restriction)
{
    gls_pkey *k = wrap(gen_pss(1024, "SHA384", 48));
    uint8_t sig[256];
    size_t len = 0;
    CHECK_EQ(gls_pkey_type(k), GLS_KEY_RSA_PSS);
    CHECK(gls_sig_key_fits(k, GLS_SIG_RSA_PSS_PSS_SHA384));
    CHECK(!gls_sig_key_fits(k, GLS_SIG_RSA_PSS_PSS_SHA256));
    CHECK(!gls_sig_key_fits(k, GLS_SIG_RSA_PSS_PSS_SHA512));
    CHECK_OK(gls_sig_sign(k, GLS_SIG_RSA_PSS_PSS_SHA384, msg, sizeof msg, sig, sizeof sig, &len));
    CHECK_OK(gls_sig_verify(k, GLS_SIG_RSA_PSS_PSS_SHA384, msg, sizeof msg, sig, len));
    CHECK_ERR(gls_sig_sign(k, GLS_SIG_RSA_PSS_PSS_SHA256, msg, sizeof msg, sig, sizeof sig, &len),
              GLS_E_INVALID_ARGUMENT);
    gls_pkey_free(k);
}

/* RFC 8032 §7.1 TEST 1 (empty message) and TEST 2 (one byte), the key loaded
 * from a PKCS#8 OneAsymmetricKey built here (RFC 8410 §7). */
TEST(ed25519_rfc8032_vectors)
{
    static const struct {
        const char *secret;
        const char *pub;
        const char *msg;
        const char *sig;
    } v[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
         "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    };
    for (size_t i = 0; i < 2; i++) {
        uint8_t der[48];
        uint8_t m[1];
        uint8_t pubraw[32];
        uint8_t sig[64];
        size_t len = 0;
        size_t dn = unhex("302e020100300506032b657004220420", der, sizeof der);
        dn += unhex(v[i].secret, der + dn, sizeof der - dn);
        size_t mn = unhex(v[i].msg, m, sizeof m);
        gls_pkey *k = NULL;
        CHECK_OK(gls_pkey_from_der(der, dn, &k));
        CHECK_EQ(gls_pkey_type(k), GLS_KEY_ED25519);
        size_t pn = sizeof pubraw;
        CHECK(EVP_PKEY_get_raw_public_key(k->pkey, pubraw, &pn) == 1);
        CHECK_HEX(pubraw, pn, v[i].pub);
        CHECK_OK(gls_sig_sign(k, GLS_SIG_ED25519, m, mn, sig, sizeof sig, &len));
        CHECK_HEX(sig, len, v[i].sig);
        gls_pkey *pub = wrap(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pubraw, pn));
        CHECK_OK(gls_sig_verify(pub, GLS_SIG_ED25519, m, mn, sig, len));
        sig[63] ^= 0x40;
        CHECK_ERR(gls_sig_verify(pub, GLS_SIG_ED25519, m, mn, sig, len), GLS_E_BAD_SIGNATURE);
        gls_pkey_free(pub);
        gls_pkey_free(k);
    }
}

/* Sign or verify a precomputed digest with libcrypto's EVP_PKEY_sign/verify. */
static int oracle(EVP_PKEY *p, bool sign, const char *md, int pad, int saltlen, const char *mgf1,
                  uint8_t *sig, size_t *len)
{
    uint8_t dig[64];
    unsigned int dn = 0;
    EVP_MD *m = EVP_MD_fetch(NULL, md, NULL);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, p, NULL);
    int ok = m != NULL && ctx != NULL && EVP_Digest(msg, sizeof msg, dig, &dn, m, NULL) == 1;
    ok = ok && (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) == 1;
    ok = ok && EVP_PKEY_CTX_set_signature_md(ctx, m) == 1;
    if (ok && pad != 0) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, pad) == 1;
    }
    if (ok && pad == RSA_PKCS1_PSS_PADDING) {
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, saltlen) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, mgf1, NULL) == 1;
    }
    if (ok) {
        ok = sign ? EVP_PKEY_sign(ctx, sig, len, dig, dn) == 1
                  : EVP_PKEY_verify(ctx, sig, *len, dig, dn) == 1;
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_MD_free(m);
    return ok ? 0 : -1;
}

/* PKCS#1 v1.5 is deterministic: our signature equals libcrypto's over the digest. */
TEST(rsa_pkcs1_matches_libcrypto)
{
    static const struct {
        uint16_t scheme;
        const char *md;
    } v[] = {{GLS_SIG_RSA_PKCS1_SHA256, "SHA256"},
             {GLS_SIG_RSA_PKCS1_SHA384, "SHA384"},
             {GLS_SIG_RSA_PKCS1_SHA512, "SHA512"}};
    for (size_t i = 0; i < 3; i++) {
        uint8_t ours[256];
        uint8_t theirs[256];
        size_t olen = 0;
        size_t tlen = sizeof theirs;
        CHECK_OK(gls_sig_sign(priv(K_RSA), v[i].scheme, msg, sizeof msg, ours, sizeof ours, &olen));
        CHECK_EQ(
            oracle(priv(K_RSA)->pkey, true, v[i].md, RSA_PKCS1_PADDING, 0, NULL, theirs, &tlen), 0);
        CHECK_EQ(olen, 256);
        CHECK_EQ(tlen, 256);
        CHECK(memcmp(ours, theirs, 256) == 0);
    }
}

/* PSS: salt exactly the hash length, MGF1 with the same hash, checked both ways. */
TEST(rsa_pss_parameters_match_libcrypto)
{
    static const struct {
        uint16_t scheme;
        int key;
        const char *md;
        int hlen;
    } v[] = {
        {GLS_SIG_RSA_PSS_RSAE_SHA256, K_RSA, "SHA256", 32},
        {GLS_SIG_RSA_PSS_RSAE_SHA384, K_RSA, "SHA384", 48},
        {GLS_SIG_RSA_PSS_RSAE_SHA512, K_RSA, "SHA512", 64},
        {GLS_SIG_RSA_PSS_PSS_SHA256, K_PSS, "SHA256", 32},
        {GLS_SIG_RSA_PSS_PSS_SHA512, K_PSS, "SHA512", 64},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        EVP_PKEY *p = priv(v[i].key)->pkey;
        int pss = RSA_PKCS1_PSS_PADDING;
        uint8_t sig[256];
        size_t len = 0;
        /* ours, checked by libcrypto with exact parameters */
        CHECK_OK(gls_sig_sign(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, sizeof sig, &len));
        CHECK_EQ(oracle(p, false, v[i].md, pss, v[i].hlen, v[i].md, sig, &len), 0);
        CHECK_EQ(oracle(p, false, v[i].md, pss, v[i].hlen - 1, v[i].md, sig, &len), -1);
        CHECK_EQ(oracle(p, false, v[i].md, pss, v[i].hlen, "SHA1", sig, &len), -1);
        /* libcrypto's with the right parameters verify; other salt or MGF1 hash do not */
        len = sizeof sig;
        CHECK_EQ(oracle(p, true, v[i].md, pss, v[i].hlen, v[i].md, sig, &len), 0);
        CHECK_OK(gls_sig_verify(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, len));
        len = sizeof sig;
        CHECK_EQ(oracle(p, true, v[i].md, pss, 20, v[i].md, sig, &len), 0);
        CHECK_ERR(gls_sig_verify(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, len),
                  GLS_E_BAD_SIGNATURE);
        len = sizeof sig;
        CHECK_EQ(oracle(p, true, v[i].md, pss, v[i].hlen, "SHA1", sig, &len), 0);
        CHECK_ERR(gls_sig_verify(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, len),
                  GLS_E_BAD_SIGNATURE);
        if (v[i].key == K_RSA) { /* PKCS#1 v1.5 under a PSS scheme */
            len = sizeof sig;
            CHECK_EQ(oracle(p, true, v[i].md, RSA_PKCS1_PADDING, 0, NULL, sig, &len), 0);
            CHECK_ERR(gls_sig_verify(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, len),
                      GLS_E_BAD_SIGNATURE);
        }
    }
}

/* ECDSA: ours verifies under libcrypto and libcrypto's under ours. */
TEST(ecdsa_matches_libcrypto)
{
    static const struct {
        uint16_t scheme;
        int key;
        const char *md;
    } v[] = {{GLS_SIG_ECDSA_SECP256R1_SHA256, K_P256, "SHA256"},
             {GLS_SIG_ECDSA_SECP384R1_SHA384, K_P384, "SHA384"}};
    for (size_t i = 0; i < 2; i++) {
        EVP_PKEY *p = priv(v[i].key)->pkey;
        uint8_t sig[128];
        size_t len = 0;
        CHECK_OK(gls_sig_sign(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, sizeof sig, &len));
        CHECK_EQ(oracle(p, false, v[i].md, 0, 0, NULL, sig, &len), 0);
        len = sizeof sig;
        CHECK_EQ(oracle(p, true, v[i].md, 0, 0, NULL, sig, &len), 0);
        CHECK_OK(gls_sig_verify(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, len));
        /* the same signature over a different hash of the message */
        len = sizeof sig;
        CHECK_EQ(oracle(p, true, "SHA512", 0, 0, NULL, sig, &len), 0);
        CHECK_ERR(gls_sig_verify(priv(v[i].key), v[i].scheme, msg, sizeof msg, sig, len),
                  GLS_E_BAD_SIGNATURE);
    }
}

TEST(key_types_and_sizes)
{
    CHECK_EQ(gls_pkey_type(priv(K_RSA)), GLS_KEY_RSA);
    CHECK_EQ(gls_pkey_bits(priv(K_RSA)), 2048);
    CHECK_EQ(gls_pkey_type(priv(K_PSS)), GLS_KEY_RSA_PSS);
    CHECK_EQ(gls_pkey_bits(priv(K_PSS)), 2048);
    CHECK_EQ(gls_pkey_type(priv(K_P256)), GLS_KEY_EC_P256);
    CHECK_EQ(gls_pkey_bits(priv(K_P256)), 256);
    CHECK_EQ(gls_pkey_type(priv(K_P384)), GLS_KEY_EC_P384);
    CHECK_EQ(gls_pkey_bits(priv(K_P384)), 384);
    CHECK_EQ(gls_pkey_type(priv(K_ED25519)), GLS_KEY_ED25519);
    CHECK_EQ(gls_pkey_type(NULL), GLS_KEY_OTHER);
    CHECK_EQ(gls_pkey_bits(NULL), 0);
    gls_pkey *k = wrap(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521"));
    CHECK_EQ(gls_pkey_type(k), GLS_KEY_OTHER);
    CHECK(!gls_sig_key_fits(k, GLS_SIG_ECDSA_SECP384R1_SHA384));
    gls_pkey_free(k);
    k = wrap(EVP_PKEY_Q_keygen(NULL, NULL, "X25519"));
    CHECK_EQ(gls_pkey_type(k), GLS_KEY_OTHER);
    CHECK(!gls_sig_key_fits(k, GLS_SIG_ED25519));
    gls_pkey_free(k);
}

/* Not a test: frees the cached keys so sanitizers see no leak. */
__attribute__((destructor)) static void free_keys(void)
{
    for (int i = 0; i < K_COUNT; i++) {
        gls_pkey_free(keys[i]);
    }
}
