/* crypto/aead.c — AEAD record protection: AES-128-GCM and AES-256-GCM (RFC 5116,
 * RFC 5288) and ChaCha20-Poly1305 (RFC 8439 §2.8, RFC 7905), as TLS 1.3 (RFC 8446
 * §5.2) and TLS 1.2 AEAD suites use them. The key is set once in gls_aead_new; each
 * record only sets its nonce, so sealing and opening allocate nothing. The key lives
 * only inside the EVP_CIPHER_CTX, which cleanses it when freed. */
#include <limits.h>
#include <stdlib.h>

#include "crypto/internal.h"

struct gls_aead_ctx {
    const gls_aead_alg *a;
    EVP_CIPHER_CTX *evp; /* keyed once; direction fixed */
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
    x->evp = EVP_CIPHER_CTX_new();
    if (x->evp == NULL || EVP_CipherInit_ex(x->evp, cipher_of(a), NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_get_key_length(x->evp) != (int)a->key_len ||
        EVP_CIPHER_CTX_ctrl(x->evp, EVP_CTRL_AEAD_SET_IVLEN, (int)a->nonce_len, NULL) != 1 ||
        EVP_CipherInit_ex(x->evp, NULL, NULL, key, NULL, enc) != 1) {
        gls_aead_free(x);
        return GLS_E_CRYPTO;
    }
    *out = x;
    return GLS_OK;
}

/* Starts one record: the nonce, then the additional data. */
static int start_record(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                        size_t len)
{
    int outl = 0;
    if (len > INT_MAX || aad_len > INT_MAX) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (EVP_CipherInit_ex(x->evp, NULL, NULL, NULL, nonce, x->encrypt ? 1 : 0) != 1) {
        return GLS_E_CRYPTO;
    }
    if (aad_len > 0 && EVP_CipherUpdate(x->evp, NULL, &outl, aad, (int)aad_len) != 1) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* En- or decrypts buf[0..len) in place. */
static int run_in_place(gls_aead_ctx *x, uint8_t *buf, size_t len)
{
    int outl = 0;
    if (len == 0) {
        return GLS_OK;
    }
    if (EVP_CipherUpdate(x->evp, buf, &outl, buf, (int)len) != 1 || (size_t)outl != len) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* Encrypts in[0..len) to out (same place or not overlapping). */
static int run_to(gls_aead_ctx *x, const uint8_t *in, size_t len, uint8_t *out)
{
    int outl = 0;
    if (len == 0) {
        return GLS_OK;
    }
    if (EVP_CipherUpdate(x->evp, out, &outl, in, (int)len) != 1 || (size_t)outl != len) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_aead_seal_parts(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                        const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2, uint8_t *out,
                        uint8_t *tag)
{
    uint8_t fin[EVP_MAX_BLOCK_LENGTH];
    int outl = 0;
    if (!x->encrypt || n1 > INT_MAX || n2 > INT_MAX) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(start_record(x, nonce, aad, aad_len, n1 + n2));
    TRY(run_to(x, p1, n1, out));
    TRY(run_to(x, p2, n2, out + n1));
    if (EVP_CipherFinal_ex(x->evp, fin, &outl) != 1 || outl != 0 ||
        EVP_CIPHER_CTX_ctrl(x->evp, EVP_CTRL_AEAD_GET_TAG, (int)x->a->tag_len, tag) != 1) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_aead_seal(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                  uint8_t *buf, size_t len, uint8_t *tag)
{
    uint8_t fin[EVP_MAX_BLOCK_LENGTH];
    int outl = 0;
    if (!x->encrypt) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(start_record(x, nonce, aad, aad_len, len));
    TRY(run_in_place(x, buf, len));
    if (EVP_CipherFinal_ex(x->evp, fin, &outl) != 1 || outl != 0 ||
        EVP_CIPHER_CTX_ctrl(x->evp, EVP_CTRL_AEAD_GET_TAG, (int)x->a->tag_len, tag) != 1) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_aead_open(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                  uint8_t *buf, size_t len, const uint8_t *tag)
{
    uint8_t fin[EVP_MAX_BLOCK_LENGTH];
    int outl = 0;
    if (x->encrypt) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(start_record(x, nonce, aad, aad_len, len));
    TRY(run_in_place(x, buf, len));
    /* libcrypto copies the tag; the cast only satisfies the ctrl signature */
    if (EVP_CIPHER_CTX_ctrl(x->evp, EVP_CTRL_AEAD_SET_TAG, (int)x->a->tag_len, (void *)tag) != 1) {
        return GLS_E_CRYPTO;
    }
    /* The tag check (constant time inside libcrypto) is the only failure left. */
    if (EVP_CipherFinal_ex(x->evp, fin, &outl) != 1 || outl != 0) {
        gls_wipe(buf, len); /* never release unauthenticated plaintext */
        return GLS_E_BAD_RECORD_MAC;
    }
    return GLS_OK;
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
