/* crypto/cbc.c — TLS 1.2 CBC record protection: AES-128/256-CBC with HMAC-SHA1/256/384,
 * as MAC-then-encrypt (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366). A record is
 * explicit IV (16) || ciphertext, with the MAC after the ciphertext under EtM. Opening a
 * MAC-then-encrypt record is constant time against padding oracles and Lucky Thirteen
 * (AlFardan and Paterson, 2013); the argument is written above mte_open. The cipher and
 * the HMAC are keyed once in gls_cbc_new and each record only sets its IV. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>

#include "crypto/internal.h"

#define CBC_BLOCK         16
#define CBC_MAX_PAD       256            /* padding bytes, the length byte included */
#define CBC_MAX_PLAINTEXT 16384          /* RFC 5246 §6.2.1 */
#define CBC_MAX_FRAGMENT  (16384 + 2048) /* RFC 5246 §6.2.3 */
#define MAC_HEADER        13             /* seq_num(8) type(1) version(2) length(2) */

struct gls_cbc_ctx {
    const gls_hash_alg *mac;
    EVP_CIPHER_CTX *cipher; /* keyed, padding off; each record sets its IV */
    EVP_MAC_CTX *hmac;      /* keyed; each record re-initialises it under the same key */
    EVP_MD_CTX *sink;       /* absorbs MtE open's balancing blocks; never finalised */
    bool encrypt;
    bool etm;
};

/* ---- constant-time helpers: a mask is all ones (true) or zero (false) ----
 * The empty asm hides a mask's origin so the compiler cannot turn it back into a branch. */
static inline size_t ct_barrier(size_t x)
{
    __asm__("" : "+r"(x));
    return x;
}

static inline size_t ct_msb(size_t x)
{
    return ct_barrier(0 - (x >> (sizeof(size_t) * CHAR_BIT - 1)));
}

static inline size_t ct_lt(size_t a, size_t b)
{
    return ct_msb(a ^ ((a ^ b) | ((a - b) ^ b)));
}

static inline size_t ct_ge(size_t a, size_t b)
{
    return ~ct_lt(a, b);
}

static inline size_t ct_eq(size_t a, size_t b)
{
    size_t d = a ^ b;
    return ct_msb(~d & (d - 1));
}

/* see crypto.h */
int gls_cbc_new(const gls_crypto *c, size_t key_len, const gls_hash_alg *mac, const uint8_t *key,
                const uint8_t *mac_key, bool encrypt, bool etm, gls_cbc_ctx **out)
{
    OSSL_PARAM params[2];
    if ((key_len != 16 && key_len != 32) || mac == NULL ||
        (mac->id != GLS_HASH_SHA1 && mac->id != GLS_HASH_SHA256 && mac->id != GLS_HASH_SHA384)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_cbc_ctx *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return GLS_E_NO_MEMORY;
    }
    x->mac = mac;
    x->encrypt = encrypt;
    x->etm = etm;
    x->cipher = EVP_CIPHER_CTX_new();
    x->hmac = EVP_MAC_CTX_new(c->hmac);
    x->sink = EVP_MD_CTX_new();
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)mac->name, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (x->cipher == NULL || x->hmac == NULL || x->sink == NULL ||
        EVP_CipherInit_ex(x->cipher, c->aes_cbc[key_len == 32], NULL, key, NULL, encrypt) != 1 ||
        EVP_CIPHER_CTX_set_padding(x->cipher, 0) != 1 ||
        EVP_MAC_init(x->hmac, mac_key, mac->len, params) != 1 ||
        EVP_DigestInit_ex(x->sink, md_of(mac), NULL) != 1) {
        gls_cbc_free(x);
        return GLS_E_CRYPTO;
    }
    *out = x;
    return GLS_OK;
}

/* see crypto.h */
size_t gls_cbc_overhead(const gls_cbc_ctx *x)
{
    return CBC_BLOCK + x->mac->len + CBC_BLOCK; /* IV, MAC, at most one block of padding */
}

/* HMAC(mac key, hdr11 || uint16(len_field) || p[0..n)) into out (mac->len bytes). The
 * context keeps its key: EVP_MAC_init with no key restarts it from the keyed state. */
static int mac_record(gls_cbc_ctx *x, const uint8_t hdr11[11], size_t len_field, const uint8_t *p,
                      size_t n, uint8_t *out)
{
    uint8_t hdr[MAC_HEADER];
    size_t outl = 0;
    memcpy(hdr, hdr11, 11);
    hdr[11] = (uint8_t)(len_field >> 8);
    hdr[12] = (uint8_t)len_field;
    if (EVP_MAC_init(x->hmac, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(x->hmac, hdr, sizeof hdr) != 1 || EVP_MAC_update(x->hmac, p, n) != 1 ||
        EVP_MAC_final(x->hmac, out, &outl, x->mac->len) != 1 || outl != x->mac->len) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* Runs AES-CBC from iv over buf[0..n) in place; n is a multiple of the block size. */
static int cbc_run(gls_cbc_ctx *x, const uint8_t *iv, uint8_t *buf, size_t n)
{
    int outl = 0;
    if (EVP_CipherInit_ex(x->cipher, NULL, NULL, NULL, iv, x->encrypt ? 1 : 0) != 1 ||
        EVP_CipherUpdate(x->cipher, buf, &outl, buf, (int)n) != 1 || (size_t)outl != n) {
        return GLS_E_CRYPTO;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_cbc_seal(gls_cbc_ctx *x, const uint8_t hdr11[11], const uint8_t *iv, const uint8_t *in,
                 size_t n, uint8_t *out, size_t *out_len)
{
    size_t maclen = x->mac->len;
    if (!x->encrypt || n > CBC_MAX_PLAINTEXT) {
        return GLS_E_INVALID_ARGUMENT;
    }
    uint8_t *body = out + CBC_BLOCK;
    size_t body_len = x->etm ? n : n + maclen;
    size_t pad = CBC_BLOCK - 1 - body_len % CBC_BLOCK; /* RFC 5246 §6.2.3.2: pad+1 bytes of pad */
    size_t ct_len = body_len + pad + 1;

    memcpy(out, iv, CBC_BLOCK);
    if (n > 0) {
        memcpy(body, in, n);
    }
    if (!x->etm) {
        TRY(mac_record(x, hdr11, n, body, n, body + n));
    }
    memset(body + body_len, (int)pad, pad + 1);
    TRY(cbc_run(x, iv, body, ct_len));
    if (x->etm) { /* RFC 7366 §3: the MAC covers IV || ciphertext and their length */
        TRY(mac_record(x, hdr11, CBC_BLOCK + ct_len, out, CBC_BLOCK + ct_len, body + ct_len));
    }
    *out_len = CBC_BLOCK + ct_len + (x->etm ? maclen : 0);
    return GLS_OK;
}

/* Checks the padding at the end of p[0..n) (n >= 1) with no branch or address that depends
 * on its contents: the last byte says how many bytes before it must equal it, and `keep`
 * bytes (the MAC, or nothing) must fit in front. Returns a mask (all ones if good) and sets
 * *pad_total to the padding's length with the length byte, or to 0 if the padding is bad. */
static size_t ct_check_padding(const uint8_t *p, size_t n, size_t keep, size_t *pad_total)
{
    size_t pad = p[n - 1];
    size_t good = ct_ge(n, keep + pad + 1);
    size_t scan = n < CBC_MAX_PAD ? n : CBC_MAX_PAD; /* public: depends on n only */
    for (size_t i = 1; i <= scan; i++) {             /* p[n - i]: i-th byte from the end */
        size_t in_pad = ct_lt(i, pad + 2);
        good &= ~in_pad | ct_eq(p[n - i], pad);
    }
    *pad_total = good & (pad + 1);
    return good;
}

/* Copies the MAC at p[mac_start .. mac_start + maclen) to out, where mac_start is secret
 * but at least n - maclen - CBC_MAX_PAD: every byte of that public window is read, each
 * lands in rot[] at a public index, and the rotation is undone by a full scan of rot[] per
 * output byte, so neither branches nor addresses depend on mac_start. */
static void ct_copy_mac(const uint8_t *p, size_t n, size_t mac_start, size_t maclen, uint8_t *out)
{
    uint8_t rot[GLS_MAX_HASH] = {0};
    size_t first = n > maclen + CBC_MAX_PAD ? n - maclen - CBC_MAX_PAD : 0; /* public */
    size_t mac_end = mac_start + maclen;
    size_t offset = 0;
    size_t j = 0;
    /* The loop counters go through ct_barrier before they meet mac_start or offset: without
     * it gcc -O2 rebases the counters on them (i - mac_start), so the loop's end test and its
     * addresses are computed from the secret, even though they come out the same; the
     * constant-time checker (tests/ct/test_ct_cbc.c) caught that. */
    for (size_t i = first; i < n; i++) {
        size_t at = ct_barrier(i);
        size_t in_mac = ct_ge(at, mac_start) & ct_lt(at, mac_end);
        offset |= j & ct_eq(at, mac_start);
        rot[j] |= (uint8_t)(p[i] & in_mac);
        j = (j + 1) & ct_lt(j + 1, maclen);
    }
    for (size_t k = 0; k < maclen; k++) {
        size_t want = offset + ct_barrier(k);
        want -= maclen & ct_ge(want, maclen);
        uint8_t b = 0;
        for (size_t m = 0; m < maclen; m++) {
            b |= (uint8_t)(rot[m] & ct_eq(ct_barrier(m), want));
        }
        out[k] = b;
    }
    gls_wipe(rot, sizeof rot);
}

/* Feeds the sink as many whole hash blocks as the HMAC over data_len bytes needed fewer
 * compression-function calls than the HMAC over max_len bytes would, so their sum depends
 * only on max_len (public). The inner hash compresses 13 + len bytes of header and data
 * after the key block, plus 0x80 and the length field (8 bytes for SHA-1 and SHA-256, 16
 * for SHA-384), so its block count is (13 + len + lenfield) / block + 2; the outer hash
 * always takes two blocks. Blocks are powers of two, so the division is a shift. */
static int balance_hash(gls_cbc_ctx *x, size_t max_len, size_t data_len)
{
    static const uint8_t zeros[CBC_MAX_PAD]; /* need - done <= 256 / block, as pad_total <= 256 */
    size_t shift = x->mac->block == 128 ? 7 : 6;
    size_t lenfield = x->mac->block == 128 ? 16 : 8;
    size_t need = (MAC_HEADER + max_len + lenfield) >> shift;
    size_t done = (MAC_HEADER + data_len + lenfield) >> shift;
    size_t fill = (need - done) << shift;
    fill &= ct_lt(fill, sizeof zeros + 1); /* cannot trigger; keeps the read in bounds */
    return EVP_DigestUpdate(x->sink, zeros, fill) == 1 ? GLS_OK : GLS_E_CRYPTO;
}

/* MAC-then-encrypt open (RFC 5246 §6.2.3.2), constant time. Only public values (the record
 * length, the MAC size) decide branches, loop bounds and addresses:
 *  - the padding is checked by ct_check_padding over the last min(256, n) bytes with masks;
 *    bad padding is treated as none (pad_total 0), so a MAC is still computed and checked;
 *  - the HMAC runs over the claimed data length, and balance_hash then feeds a dummy hash
 *    the blocks that length saved, so the compression-function calls per record are fixed
 *    by the record length (the Lucky Thirteen signal; s2n-tls answers it the same way);
 *  - the received MAC is extracted by ct_copy_mac and compared with gls_ct_eq;
 *  - padding-ok and MAC-ok fold into one mask and one branch at the very end.
 * What remains data dependent is how the HMAC's input splits between real and dummy bytes
 * (buffer copies and call overhead): tens of cycles, against the hundreds per compression
 * that Lucky Thirteen measures. */
static int mte_open(gls_cbc_ctx *x, const uint8_t hdr11[11], uint8_t *buf, size_t len,
                    size_t *pt_len)
{
    size_t maclen = x->mac->len;
    uint8_t got[GLS_MAX_HASH];
    uint8_t want[GLS_MAX_HASH];
    size_t pad_total = 0;
    int err;
    /* public lengths: IV, then whole blocks holding at least the MAC and the length byte */
    if (len > CBC_MAX_FRAGMENT || len % CBC_BLOCK != 0 || len < CBC_BLOCK + maclen + 1) {
        return GLS_E_BAD_RECORD_MAC;
    }
    uint8_t *p = buf + CBC_BLOCK;
    size_t n = len - CBC_BLOCK;
    TRY(cbc_run(x, buf, p, n));

    size_t good = ct_check_padding(p, n, maclen, &pad_total);
    size_t data_len = n - maclen - pad_total;
    err = mac_record(x, hdr11, data_len, p, data_len, want);
    if (err == GLS_OK) {
        err = balance_hash(x, n - maclen, data_len);
    }
    if (err != GLS_OK) {
        goto out; /* a local libcrypto fault, not a property of the record */
    }
    ct_copy_mac(p, n, data_len, maclen, got);
    good &= 0 - (size_t)gls_ct_eq(got, want, maclen);
    GLS_CT_DECLASSIFY(&good, sizeof good); /* the verdict: the one branch */
    if (good == 0) {
        gls_wipe(p, n);
        err = GLS_E_BAD_RECORD_MAC;
        goto out;
    }
    GLS_CT_DECLASSIFY(&data_len, sizeof data_len); /* authenticated: public from here */
    *pt_len = data_len;
out:
    gls_wipe(got, sizeof got);
    gls_wipe(want, sizeof want);
    return err;
}

/* Encrypt-then-MAC open (RFC 7366 §3): the MAC over IV || ciphertext is checked before
 * anything is decrypted, so the padding check that follows gives an attacker nothing. */
static int etm_open(gls_cbc_ctx *x, const uint8_t hdr11[11], uint8_t *buf, size_t len,
                    size_t *pt_len)
{
    size_t maclen = x->mac->len;
    uint8_t want[GLS_MAX_HASH];
    size_t pad_total = 0;
    if (len > CBC_MAX_FRAGMENT || len < 2 * CBC_BLOCK + maclen || (len - maclen) % CBC_BLOCK != 0) {
        return GLS_E_BAD_RECORD_MAC;
    }
    size_t ct_len = len - maclen - CBC_BLOCK;
    TRY(mac_record(x, hdr11, CBC_BLOCK + ct_len, buf, CBC_BLOCK + ct_len, want));
    bool mac_ok = gls_ct_eq(want, buf + len - maclen, maclen);
    gls_wipe(want, sizeof want);
    if (!mac_ok) {
        return GLS_E_BAD_RECORD_MAC;
    }
    uint8_t *p = buf + CBC_BLOCK;
    TRY(cbc_run(x, buf, p, ct_len));
    if (ct_check_padding(p, ct_len, 0, &pad_total) == 0) {
        gls_wipe(p, ct_len);
        return GLS_E_BAD_RECORD_MAC;
    }
    *pt_len = ct_len - pad_total;
    return GLS_OK;
}

/* see crypto.h */
int gls_cbc_open(gls_cbc_ctx *x, const uint8_t hdr11[11], uint8_t *buf, size_t len, size_t *off,
                 size_t *pt_len)
{
    if (x->encrypt) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(x->etm ? etm_open(x, hdr11, buf, len, pt_len) : mte_open(x, hdr11, buf, len, pt_len));
    *off = CBC_BLOCK;
    return GLS_OK;
}

/* see crypto.h */
void gls_cbc_free(gls_cbc_ctx *x)
{
    if (x == NULL) {
        return;
    }
    EVP_CIPHER_CTX_free(x->cipher); /* cleanses the AES key schedule */
    EVP_MAC_CTX_free(x->hmac);      /* cleanses the HMAC key */
    EVP_MD_CTX_free(x->sink);
    free(x);
}
