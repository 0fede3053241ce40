/* crypto/sig.c — the TLS SignatureSchemes (RFC 8446 §4.2.3): RSASSA-PKCS1-v1_5
 * and RSASSA-PSS (RFC 8017 §8; salt as long as the hash, MGF1 with the same
 * hash) under rsaEncryption or RSASSA-PSS keys, ECDSA with any hash on any of
 * our curves (TLS 1.3 binds the curve to the scheme: that rule is the caller's,
 * hs/negotiate.c), and Ed25519 (RFC 8032). A signature that does not
 * check out, whatever its shape, is GLS_E_BAD_SIGNATURE. */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "base/wire.h"
#include "crypto/internal.h"

enum sig_kind { PKCS1, PSS_RSAE, PSS_PSS, ECDSA, EDDSA };

struct scheme {
    uint16_t id;
    enum sig_kind kind;
    gls_key_type key;
    const char *md; /* NULL: the scheme hashes internally (Ed25519) */
    size_t hash_len;
};

/* clang-format off */
static const struct scheme schemes[] = {
    {GLS_SIG_RSA_PKCS1_SHA256,       PKCS1,    GLS_KEY_RSA,     "SHA256", 32},
    {GLS_SIG_RSA_PKCS1_SHA384,       PKCS1,    GLS_KEY_RSA,     "SHA384", 48},
    {GLS_SIG_RSA_PKCS1_SHA512,       PKCS1,    GLS_KEY_RSA,     "SHA512", 64},
    {GLS_SIG_RSA_PSS_RSAE_SHA256,    PSS_RSAE, GLS_KEY_RSA,     "SHA256", 32},
    {GLS_SIG_RSA_PSS_RSAE_SHA384,    PSS_RSAE, GLS_KEY_RSA,     "SHA384", 48},
    {GLS_SIG_RSA_PSS_RSAE_SHA512,    PSS_RSAE, GLS_KEY_RSA,     "SHA512", 64},
    {GLS_SIG_RSA_PSS_PSS_SHA256,     PSS_PSS,  GLS_KEY_RSA_PSS, "SHA256", 32},
    {GLS_SIG_RSA_PSS_PSS_SHA384,     PSS_PSS,  GLS_KEY_RSA_PSS, "SHA384", 48},
    {GLS_SIG_RSA_PSS_PSS_SHA512,     PSS_PSS,  GLS_KEY_RSA_PSS, "SHA512", 64},
    {GLS_SIG_ECDSA_SECP256R1_SHA256, ECDSA,    GLS_KEY_EC_P256, "SHA256", 32},
    {GLS_SIG_ECDSA_SECP384R1_SHA384, ECDSA,    GLS_KEY_EC_P384, "SHA384", 48},
    {GLS_SIG_ECDSA_SECP521R1_SHA512, ECDSA,    GLS_KEY_OTHER,   "SHA512", 64},
    {GLS_SIG_ED25519,                EDDSA,    GLS_KEY_ED25519, NULL,     64},
};
/* clang-format on */

static const struct scheme *find(uint16_t id)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (schemes[i].id == id) {
            return &schemes[i];
        }
    }
    return NULL;
}

/* see crypto.h */
bool gls_sig_supported(uint16_t scheme)
{
    return find(scheme) != NULL;
}

/* An RSASSA-PSS key may be restricted to one hash (RFC 4055 §3.1); true if it
 * allows md. */
static bool pss_key_allows(const EVP_PKEY *pkey, const char *md)
{
    char name[32];
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_RSA_DIGEST, name, sizeof name, &len) !=
        1) {
        ERR_clear_error();
        return true; /* unrestricted */
    }
    EVP_MD *want = EVP_MD_fetch(NULL, md, NULL);
    EVP_MD *have = EVP_MD_fetch(NULL, name, NULL);
    bool same = want != NULL && have != NULL && EVP_MD_is_a(want, EVP_MD_get0_name(have));
    EVP_MD_free(want);
    EVP_MD_free(have);
    ERR_clear_error();
    return same;
}

static bool fits(const gls_pkey *k, const struct scheme *s)
{
    if (s != NULL && s->kind == ECDSA) { /* RFC 8422 §5.1.3: any hash, any curve */
        return gls_pkey_type(k) == GLS_KEY_EC_P256 || gls_pkey_type(k) == GLS_KEY_EC_P384;
    }
    if (s == NULL || gls_pkey_type(k) != s->key) {
        return false;
    }
    if (s->kind == PSS_RSAE || s->kind == PSS_PSS) {
        /* RFC 8017 §9.1.1: emLen >= hLen + sLen + 2, with sLen = hLen */
        size_t em_len = (gls_pkey_bits(k) - 1 + 7) / 8;
        if (em_len < 2 * s->hash_len + 2) {
            return false;
        }
    }
    return s->kind != PSS_PSS || pss_key_allows(k->pkey, s->md);
}

/* see crypto.h */
bool gls_sig_key_fits(const gls_pkey *k, uint16_t scheme)
{
    return fits(k, find(scheme));
}

/* Sets a fresh digest-sign or digest-verify context up for scheme s. */
static int init_ctx(EVP_MD_CTX *md, const gls_pkey *k, const struct scheme *s, bool sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    int ok = sign ? EVP_DigestSignInit_ex(md, &pctx, s->md, NULL, NULL, k->pkey, NULL)
                  : EVP_DigestVerifyInit_ex(md, &pctx, s->md, NULL, NULL, k->pkey, NULL);
    if (ok != 1) {
        return GLS_E_CRYPTO;
    }
    if (s->kind == PSS_RSAE || s->kind == PSS_PSS) {
        /* RFC 8446 §4.2.3: salt length equals the digest length; MGF1 uses the same hash */
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)s->hash_len) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, s->md, NULL) != 1) {
            return GLS_E_CRYPTO;
        }
    } else if (s->kind == PKCS1) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
            return GLS_E_CRYPTO;
        }
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_sig_sign(const gls_pkey *key, uint16_t scheme, const uint8_t *msg, size_t n, uint8_t *sig,
                 size_t cap, size_t *sig_len)
{
    const struct scheme *s = find(scheme);
    if (!fits(key, s) || sig == NULL || sig_len == NULL || (msg == NULL && n > 0)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    size_t max = (size_t)EVP_PKEY_get_size(key->pkey);
    if (cap < max) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL) {
        return GLS_E_NO_MEMORY;
    }
    static const uint8_t empty[1];
    size_t len = cap;
    int err = init_ctx(md, key, s, true);
    if (err == GLS_OK && EVP_DigestSign(md, sig, &len, n > 0 ? msg : empty, n) != 1) {
        err = GLS_E_CRYPTO;
    }
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    if (err == GLS_OK) {
        *sig_len = len;
    }
    return err;
}

/* see crypto.h */
int gls_sig_verify(const gls_pkey *pub, uint16_t scheme, const uint8_t *msg, size_t n,
                   const uint8_t *sig, size_t sig_len)
{
    const struct scheme *s = find(scheme);
    /* the peer chose the scheme: one that does not fit the key is a bad signature */
    if (!fits(pub, s) || sig == NULL || sig_len == 0 || (msg == NULL && n > 0)) {
        return GLS_E_BAD_SIGNATURE;
    }
    /* RFC 8017 §8.1.2, §8.2.2: an RSA signature is exactly as long as the modulus */
    if (s->kind != ECDSA && s->kind != EDDSA && sig_len != (size_t)EVP_PKEY_get_size(pub->pkey)) {
        return GLS_E_BAD_SIGNATURE;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL) {
        return GLS_E_NO_MEMORY;
    }
    static const uint8_t empty[1];
    int err = init_ctx(md, pub, s, false);
    if (err == GLS_OK && EVP_DigestVerify(md, sig, sig_len, n > 0 ? msg : empty, n) != 1) {
        err = GLS_E_BAD_SIGNATURE;
    }
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return err;
}

/* see crypto.h */
gls_hash_id gls_sig_hash(uint16_t scheme)
{
    const struct scheme *s = find(scheme);
    if (s == NULL || s->md == NULL) {
        return GLS_HASH_COUNT;
    }
    return s->hash_len == 32 ? GLS_HASH_SHA256
                             : (s->hash_len == 48 ? GLS_HASH_SHA384 : GLS_HASH_SHA512);
}

/* A sign or verify context over a prehashed digest for scheme s. */
static EVP_PKEY_CTX *digest_ctx(const gls_pkey *k, const struct scheme *s, bool sign)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    const EVP_MD *md = EVP_get_digestbyname(s->md);
    bool ok = ctx != NULL && md != NULL &&
              (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) == 1;
    if (ok && s->kind == PKCS1) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    } else if (ok && (s->kind == PSS_RSAE || s->kind == PSS_PSS)) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1;
    }
    ok = ok && EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
    if (ok && (s->kind == PSS_RSAE || s->kind == PSS_PSS)) {
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)s->hash_len) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
    }
    if (!ok) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* see crypto.h */
int gls_sig_sign_digest(const gls_pkey *key, uint16_t scheme, const uint8_t *digest, size_t len,
                        uint8_t *sig, size_t cap, size_t *sig_len)
{
    const struct scheme *s = find(scheme);
    if (!fits(key, s) || s->md == NULL || len != s->hash_len || sig == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (cap < (size_t)EVP_PKEY_get_size(key->pkey)) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    EVP_PKEY_CTX *ctx = digest_ctx(key, s, true);
    size_t out = cap;
    int err =
        ctx != NULL && EVP_PKEY_sign(ctx, sig, &out, digest, len) == 1 ? GLS_OK : GLS_E_CRYPTO;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    if (err == GLS_OK) {
        *sig_len = out;
    }
    return err;
}

/* see crypto.h */
int gls_sig_verify_digest(const gls_pkey *pub, uint16_t scheme, const uint8_t *digest, size_t len,
                          const uint8_t *sig, size_t sig_len)
{
    const struct scheme *s = find(scheme);
    if (!fits(pub, s) || s->md == NULL || len != s->hash_len || sig == NULL || sig_len == 0) {
        return GLS_E_BAD_SIGNATURE;
    }
    if (s->kind != ECDSA && sig_len != (size_t)EVP_PKEY_get_size(pub->pkey)) {
        return GLS_E_BAD_SIGNATURE;
    }
    EVP_PKEY_CTX *ctx = digest_ctx(pub, s, false);
    if (ctx == NULL) {
        ERR_clear_error();
        return GLS_E_CRYPTO;
    }
    int err = EVP_PKEY_verify(ctx, sig, sig_len, digest, len) == 1 ? GLS_OK : GLS_E_BAD_SIGNATURE;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return err;
}
