/* crypto/aead.c — AEAD record protection: AES-128-GCM and AES-256-GCM (RFC 5116,
 * RFC 5288) and ChaCha20-Poly1305 (RFC 8439 §2.8, RFC 7905), as TLS 1.3 (RFC 8446
 * §5.2) and TLS 1.2 AEAD suites use them. The key is set once in gls_aead_new; each
 * record only sets its nonce, so sealing and opening allocate nothing. The key lives
 * only inside the EVP_CIPHER_CTX, which cleanses it when freed.
 *
 * Per record the nonce (and, opening, the expected tag) go to the provider in one
 * EVP_CIPHER_CTX_set_params call: no EVP_CipherInit_ex (which also asks the provider
 * for the IV length every time) and no ctrl for the expected tag. The sealed tag
 * still comes back through EVP_CTRL_AEAD_GET_TAG: EVP_CIPHER_CTX_get_params costs
 * the same and, with libcrypto 3.0's GCM, gives a tag valgrind sees as undefined.
 * The nonce goes in as the "tls1-iv-fixed" parameter, which both providers take as
 * the whole nonce for the next message: GCM when its length is (size_t)-1 (the -1
 * case of EVP_CTRL_AEAD_SET_IV_FIXED), ChaCha20-Poly1305 at 12 bytes (its counter
 * words 1-3, read when the next message starts). A GCM context refuses to run
 * again after a final until a nonce is set; tests/unit/test_aead.c checks every
 * record of a context against a freshly keyed reference. */
#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <stdlib.h>

#include "crypto/internal.h"

struct gls_aead_ctx {
    const gls_aead_alg *a;
    EVP_CIPHER_CTX *evp;    /* keyed once; direction fixed */
    size_t nonce_param_len; /* see the file comment */
    bool encrypt;
};

/* see crypto.h */
int gls_aead_new(const gls_aead_alg *a, const uint8_t *key, bool encrypt, gls_aead_ctx **out)
{
    int enc = encrypt ? 1 : 0;
    gls_aead_ctx *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return GLS_E_NO_MEMORY;
    }
    x->a = a;
    x->encrypt = encrypt;
    x->nonce_param_len = a->id == GLS_AEAD_CHACHA20_POLY1305 ? a->nonce_len : (size_t)-1;
    x->evp = EVP_CIPHER_CTX_new();
    /* key and nonce lengths are the cipher's defaults (checked in gls_crypto_new): keyed
     * in one call, without a length query or an IV-length ctrl per context */
    if (x->evp == NULL || EVP_CipherInit_ex(x->evp, cipher_of(a), NULL, key, NULL, enc) != 1) {
        gls_aead_free(x);
        return GLS_E_CRYPTO;
    }
    *out = x;
    return GLS_OK;
}

/* Starts one message: the nonce and, when opening, the tag to expect (one provider
 * call), then the additional data. */
static int start(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *tag, const uint8_t *aad,
                 size_t aad_len)
{
    OSSL_PARAM p[3];
    int outl = 0;
    /* libcrypto copies both; the casts only satisfy OSSL_PARAM's non-const pointer */
    p[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, (void *)nonce,
                                             x->nonce_param_len);
    p[1] = tag != NULL ? OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)tag,
                                                           x->a->tag_len)
                       : OSSL_PARAM_construct_end();
    p[2] = OSSL_PARAM_construct_end();
    if (aad_len > INT_MAX || EVP_CIPHER_CTX_set_params(x->evp, p) != 1) {
        return GLS_E_CRYPTO;
    }
    if (aad_len > 0 && EVP_CipherUpdate(x->evp, NULL, &outl, aad, (int)aad_len) != 1) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* En- or decrypts in[0..len) to out (the same place, or not overlapping). */
static int run(gls_aead_ctx *x, const uint8_t *in, size_t len, uint8_t *out)
{
    int outl = 0;
    if (len == 0) {
        return GLS_OK;
    }
    if (len > INT_MAX || EVP_CipherUpdate(x->evp, out, &outl, in, (int)len) != 1 ||
        (size_t)outl != len) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* Ends a sealed message and fetches its tag. */
static int finish_seal(gls_aead_ctx *x, uint8_t *tag)
{
    uint8_t fin[EVP_MAX_BLOCK_LENGTH];
    int outl = 0;
    if (EVP_CipherFinal_ex(x->evp, fin, &outl) != 1 || outl != 0 ||
        EVP_CIPHER_CTX_ctrl(x->evp, EVP_CTRL_AEAD_GET_TAG, (int)x->a->tag_len, tag) != 1) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_aead_seal_parts(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                        const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2, uint8_t *out,
                        uint8_t *tag)
{
    if (!x->encrypt || n1 > INT_MAX || n2 > INT_MAX) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(start(x, nonce, NULL, aad, aad_len));
    TRY(run(x, p1, n1, out));
    TRY(run(x, p2, n2, out + n1));
    return finish_seal(x, tag);
}

/* see crypto.h */
int gls_aead_seal(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                  uint8_t *buf, size_t len, uint8_t *tag)
{
    return gls_aead_seal_parts(x, nonce, aad, aad_len, buf, len, NULL, 0, buf, tag);
}

/* see crypto.h */
int gls_aead_open_to(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out1, size_t n1,
                     uint8_t *out2)
{
    uint8_t fin[EVP_MAX_BLOCK_LENGTH];
    int outl = 0;
    size_t n2 = len - (n1 < len ? n1 : len);
    if (x->encrypt || len > INT_MAX) {
        return GLS_E_INVALID_ARGUMENT;
    }
    n1 = len - n2;
    int err = start(x, nonce, tag, aad, aad_len);
    if (err == GLS_OK) {
        err = run(x, in, n1, out1);
    }
    if (err == GLS_OK) {
        err = run(x, in + n1, n2, out2);
    }
    /* The tag check (constant time inside libcrypto) is the only failure left. */
    if (err == GLS_OK && (EVP_CipherFinal_ex(x->evp, fin, &outl) != 1 || outl != 0)) {
        err = GLS_E_BAD_RECORD_MAC;
    }
    if (err != GLS_OK) { /* never release unauthenticated plaintext */
        gls_wipe(out1, n1);
        gls_wipe(out2, n2);
    }
    return err;
}

/* see crypto.h */
int gls_aead_open(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                  uint8_t *buf, size_t len, const uint8_t *tag)
{
    return gls_aead_open_to(x, nonce, aad, aad_len, buf, len, tag, buf, len, NULL);
}

/* see crypto.h */
int gls_aead_rekey(gls_aead_ctx *x, const gls_aead_alg *a, const uint8_t *key, bool encrypt)
{
    if (x->a != a || x->encrypt != encrypt) {
        return GLS_E_INTERNAL;
    }
    /* the old key schedule is overwritten; each record sets its own nonce */
    return EVP_CipherInit_ex(x->evp, NULL, NULL, key, NULL, encrypt ? 1 : 0) == 1 ? GLS_OK
                                                                                  : GLS_E_CRYPTO;
}

/* see crypto.h */
void gls_aead_free(gls_aead_ctx *x)
{
    if (x == NULL) {
        return;
    }
    EVP_CIPHER_CTX_free(x->evp); /* cleanses the key schedule */
    free(x);
}
