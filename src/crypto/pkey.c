/* crypto/pkey.c — private keys: loading from PEM or DER in every common
 * container (PKCS#8 of RFC 5958, PKCS#1 RSAPrivateKey of RFC 8017 A.1.2, SEC1
 * ECPrivateKey of RFC 5915), what kind and size a key is, and whether it belongs
 * to a certificate. Encrypted keys are refused (no passphrase prompt ever). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "crypto/internal.h"

#define MAX_KEY_FILE (1024 * 1024)

/* Never ask for a passphrase: an encrypted key is an unparsable key here. */
static int no_passphrase(char *pass, size_t cap, size_t *len, const OSSL_PARAM params[], void *arg)
{
    (void)pass;
    (void)cap;
    (void)params;
    (void)arg;
    *len = 0;
    return 0;
}

/* Decodes a private key of any type and structure from "PEM" or "DER" input. */
static int decode(const char *input_type, const uint8_t *p, size_t n, gls_pkey **out)
{
    EVP_PKEY *pkey = NULL;
    const unsigned char *data = p;
    size_t left = n;
    if (p == NULL || n == 0) {
        return GLS_E_BAD_KEY_FILE;
    }
    OSSL_DECODER_CTX *dctx =
        OSSL_DECODER_CTX_new_for_pkey(&pkey, input_type, NULL, NULL, EVP_PKEY_KEYPAIR, NULL, NULL);
    if (dctx == NULL) {
        return GLS_E_CRYPTO;
    }
    int ok = OSSL_DECODER_CTX_set_passphrase_cb(dctx, no_passphrase, NULL) == 1 &&
             OSSL_DECODER_from_data(dctx, &data, &left) == 1 && pkey != NULL;
    OSSL_DECODER_CTX_free(dctx);
    ERR_clear_error();
    if (!ok) {
        EVP_PKEY_free(pkey);
        return GLS_E_BAD_KEY_FILE;
    }
    gls_pkey *k = calloc(1, sizeof *k);
    if (k == NULL) {
        EVP_PKEY_free(pkey);
        return GLS_E_NO_MEMORY;
    }
    k->pkey = pkey;
    k->type = gls_pkey_classify(pkey);
    *out = k;
    return GLS_OK;
}

/* see crypto.h */
int gls_pkey_from_pem(const uint8_t *p, size_t n, gls_pkey **out)
{
    return decode("PEM", p, n, out);
}

/* see crypto.h */
int gls_pkey_from_der(const uint8_t *p, size_t n, gls_pkey **out)
{
    return decode("DER", p, n, out);
}

static bool looks_like_pem(const uint8_t *p, size_t n)
{
    static const char begin[] = "-----BEGIN ";
    size_t blen = sizeof begin - 1;
    for (size_t i = 0; i + blen <= n; i++) {
        if (memcmp(p + i, begin, blen) == 0) {
            return true;
        }
    }
    return false;
}

/* Reads the whole file (at most MAX_KEY_FILE bytes) into a fresh buffer. */
static int read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return GLS_E_FILE;
    }
    int err = GLS_OK;
    uint8_t *b = malloc(MAX_KEY_FILE + 1);
    size_t n = 0;
    if (b == NULL) {
        err = GLS_E_NO_MEMORY;
    } else {
        n = fread(b, 1, MAX_KEY_FILE + 1, f);
        if (ferror(f)) {
            err = GLS_E_FILE;
        } else if (n > MAX_KEY_FILE) {
            err = GLS_E_BAD_KEY_FILE;
        }
    }
    fclose(f);
    if (err != GLS_OK) {
        if (b != NULL) {
            OPENSSL_cleanse(b, n);
        }
        free(b);
        return err;
    }
    *buf = b;
    *len = n;
    return GLS_OK;
}

/* see crypto.h */
int gls_pkey_load_file(const char *path, gls_pkey **out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (path == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(read_file(path, &buf, &len));
    int err = looks_like_pem(buf, len) ? gls_pkey_from_pem(buf, len, out)
                                       : gls_pkey_from_der(buf, len, out);
    OPENSSL_cleanse(buf, len);
    free(buf);
    return err;
}

/* The NID of an EC key's named curve, or NID_undef. */
static int curve_nid(const EVP_PKEY *pkey)
{
    char name[64];
    size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) {
        return NID_undef;
    }
    int nid = OBJ_sn2nid(name);
    return nid != NID_undef ? nid : EC_curve_nist2nid(name);
}

/* see crypto.h */
gls_key_type gls_pkey_type(const gls_pkey *k)
{
    return k == NULL || k->pkey == NULL ? GLS_KEY_OTHER : k->type;
}

/* see internal.h */
gls_key_type gls_pkey_classify(const EVP_PKEY *pkey)
{
    if (pkey == NULL) {
        return GLS_KEY_OTHER;
    }
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        return GLS_KEY_RSA;
    }
    if (EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        return GLS_KEY_RSA_PSS;
    }
    if (EVP_PKEY_is_a(pkey, "ED25519")) {
        return GLS_KEY_ED25519;
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        int nid = curve_nid(pkey);
        if (nid == NID_X9_62_prime256v1) {
            return GLS_KEY_EC_P256;
        }
        if (nid == NID_secp384r1) {
            return GLS_KEY_EC_P384;
        }
    }
    return GLS_KEY_OTHER;
}

/* see crypto.h */
size_t gls_pkey_bits(const gls_pkey *k)
{
    if (k == NULL || k->pkey == NULL) {
        return 0;
    }
    int bits = EVP_PKEY_get_bits(k->pkey);
    return bits > 0 ? (size_t)bits : 0;
}

/* see crypto.h */
bool gls_pkey_matches_cert(const gls_pkey *priv, const gls_cert *cert)
{
    if (priv == NULL || priv->pkey == NULL || cert == NULL || cert->pub.pkey == NULL) {
        return false;
    }
    bool eq = EVP_PKEY_eq(priv->pkey, cert->pub.pkey) == 1;
    ERR_clear_error();
    return eq;
}

/* see crypto.h */
void gls_pkey_free(gls_pkey *k)
{
    if (k == NULL) {
        return;
    }
    EVP_PKEY_free(k->pkey); /* clears the private key material */
    free(k);
}
