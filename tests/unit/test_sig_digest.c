/* crypto/sig.c's digest variants (TLS 1.2 CertificateVerify over a running
 * transcript hash) against the whole-message functions: a signature made over
 * the digest verifies over the message and the reverse, for PKCS#1, PSS and
 * ECDSA; a wrong digest, a wrong length and Ed25519 are refused. */
#include "harness.h"
#include "base/wire.h"
#include "crypto/crypto.h"

static const char *const names[] = {"localhost"};

static void check_scheme(gls_key_type type, uint16_t scheme)
{
    gls_crypto *cr = NULL;
    gls_cert *cert = NULL;
    gls_pkey *key = NULL;
    uint8_t msg[300], dig[64], sig[1024];
    size_t sig_len = 0;
    for (size_t i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)(i * 7);
    }
    CHECK_OK(gls_crypto_new(&cr));
    CHECK_OK(gls_cert_self_signed(type, names, 1, 1, &cert, &key));
    const gls_pkey *pub = gls_cert_pubkey(cert);
    gls_hash_id hid = gls_sig_hash(scheme);
    const gls_hash_alg *h = gls_hash_get(cr, hid);
    CHECK_OK(gls_hash(h, msg, sizeof msg, dig));
    CHECK_OK(gls_sig_sign_digest(key, scheme, dig, h->len, sig, sizeof sig, &sig_len));
    CHECK_OK(gls_sig_verify(pub, scheme, msg, sizeof msg, sig, sig_len));
    CHECK_OK(gls_sig_verify_digest(pub, scheme, dig, h->len, sig, sig_len));
    CHECK_OK(gls_sig_sign(key, scheme, msg, sizeof msg, sig, sizeof sig, &sig_len));
    CHECK_OK(gls_sig_verify_digest(pub, scheme, dig, h->len, sig, sig_len));
    dig[0] ^= 1;
    CHECK_ERR(gls_sig_verify_digest(pub, scheme, dig, h->len, sig, sig_len), GLS_E_BAD_SIGNATURE);
    CHECK_ERR(gls_sig_verify_digest(pub, scheme, dig, h->len - 1, sig, sig_len),
              GLS_E_BAD_SIGNATURE);
    CHECK_ERR(gls_sig_sign_digest(key, scheme, dig, h->len + 1, sig, sizeof sig, &sig_len),
              GLS_E_INVALID_ARGUMENT);
    gls_cert_free(cert);
    gls_pkey_free(key);
    gls_crypto_free(cr);
}

TEST(rsa_pkcs1)
{
    check_scheme(GLS_KEY_RSA, GLS_SIG_RSA_PKCS1_SHA256);
    check_scheme(GLS_KEY_RSA, GLS_SIG_RSA_PKCS1_SHA384);
}

TEST(rsa_pss)
{
    check_scheme(GLS_KEY_RSA, GLS_SIG_RSA_PSS_RSAE_SHA256);
    check_scheme(GLS_KEY_RSA, GLS_SIG_RSA_PSS_RSAE_SHA384);
}

TEST(ecdsa)
{
    check_scheme(GLS_KEY_EC_P256, GLS_SIG_ECDSA_SECP256R1_SHA256);
}

TEST(ed25519_refused)
{
    gls_cert *cert = NULL;
    gls_pkey *key = NULL;
    uint8_t dig[32] = {0}, sig[128];
    size_t sig_len = 0;
    CHECK_EQ(gls_sig_hash(GLS_SIG_ED25519), GLS_HASH_COUNT);
    CHECK_EQ(gls_sig_hash(GLS_SIG_RSA_PSS_RSAE_SHA512), GLS_HASH_SHA512);
    CHECK_OK(gls_cert_self_signed(GLS_KEY_ED25519, names, 1, 1, &cert, &key));
    CHECK_ERR(gls_sig_sign_digest(key, GLS_SIG_ED25519, dig, 32, sig, sizeof sig, &sig_len),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_sig_verify_digest(gls_cert_pubkey(cert), GLS_SIG_ED25519, dig, 32, sig, 64),
              GLS_E_BAD_SIGNATURE);
    gls_cert_free(cert);
    gls_pkey_free(key);
}
