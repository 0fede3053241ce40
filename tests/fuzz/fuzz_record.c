/* libFuzzer target: the record layer with keys installed, in every protection mode (TLS 1.3
 * AES-GCM and ChaCha20-Poly1305; TLS 1.2 AES-GCM, ChaCha20-Poly1305, CBC encrypt-then-MAC and
 * MAC-then-encrypt with SHA-1, SHA-256 and SHA-384). Input: [mode][op][bytes].
 *   op 0: bytes are a record's fragment: opened as is (CBC MAC-then-encrypt decrypts anything,
 *         so its padding and MAC checks run on every input);
 *   op 1: bytes are plaintext: sealed, then opened by the peer direction, which must give them
 *         back exactly (an oracle: anything else aborts);
 *   op 2: TLS 1.3 modes: bytes are a TLSInnerPlaintext (content, type, zero padding) sealed
 *         by hand, so the inner-type and padding scan of the opener sees arbitrary input;
 *   op 3: a sealed record with one byte (chosen by the first input byte) flipped, which must
 *         not open. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/wire.h"
#include "record/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_MODES 8

static gls_crypto *cr;
static const uint8_t key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t mac_key[48] = {0x42};
static const uint8_t iv[12] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                               0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};

static int fixed_rand(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    memset(out, 0x33, len);
    return GLS_OK;
}

/* Installs mode m on d (encrypt or not). */
static int install(struct gls_rec_dir *d, unsigned m, bool encrypt)
{
    memset(d, 0, sizeof *d);
    d->version = 0x0303;
    switch (m) {
    case 0:
        return gls_rec_set_aead(d, GLS_REC_TLS13, gls_aead_get(cr, GLS_AEAD_AES_128_GCM), key, iv,
                                12, encrypt);
    case 1:
        return gls_rec_set_aead(d, GLS_REC_TLS13, gls_aead_get(cr, GLS_AEAD_CHACHA20_POLY1305), key,
                                iv, 12, encrypt);
    case 2:
        return gls_rec_set_aead(d, GLS_REC_TLS12_GCM, gls_aead_get(cr, GLS_AEAD_AES_256_GCM), key,
                                iv, 4, encrypt);
    case 3:
        return gls_rec_set_aead(d, GLS_REC_TLS12_CHACHA,
                                gls_aead_get(cr, GLS_AEAD_CHACHA20_POLY1305), key, iv, 12, encrypt);
    case 4:
        return gls_rec_set_cbc(d, cr, 16, gls_hash_get(cr, GLS_HASH_SHA1), key, mac_key, true,
                               encrypt);
    case 5:
        return gls_rec_set_cbc(d, cr, 16, gls_hash_get(cr, GLS_HASH_SHA1), key, mac_key, false,
                               encrypt);
    case 6:
        return gls_rec_set_cbc(d, cr, 32, gls_hash_get(cr, GLS_HASH_SHA256), key, mac_key, false,
                               encrypt);
    default:
        return gls_rec_set_cbc(d, cr, 32, gls_hash_get(cr, GLS_HASH_SHA384), key, mac_key, false,
                               encrypt);
    }
}

/* op 2: seal inner plaintext p[0..n) by hand under d (TLS 1.3 nonce = iv ^ seq). */
static size_t seal_inner(struct gls_rec_dir *d, const uint8_t *p, size_t n, uint8_t *out)
{
    uint8_t nonce[12];
    out[0] = GLS_CT_APPLICATION_DATA;
    out[1] = 3;
    out[2] = 3;
    out[3] = (uint8_t)((n + 16) >> 8);
    out[4] = (uint8_t)(n + 16);
    memcpy(out + 5, p, n);
    memcpy(nonce, d->iv, sizeof nonce);
    for (int i = 0; i < 8; i++) {
        nonce[11 - i] ^= (uint8_t)(d->seq >> (8 * i));
    }
    if (gls_aead_seal(d->aead, nonce, out, 5, out + 5, n, out + 5 + n) != GLS_OK) {
        abort();
    }
    return 5 + n + 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[5 + 16384 + 2048 + 64];
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    struct gls_rec_content rc;
    gls_rng rng = {fixed_rand, NULL};
    if (size < 2 || (cr == NULL && gls_crypto_new(&cr) != GLS_OK)) {
        return 0;
    }
    unsigned mode = data[0] % N_MODES;
    unsigned op = data[1] % 4;
    const uint8_t *p = data + 2;
    size_t n = size - 2;
    if (install(&w, mode, true) != GLS_OK || install(&r, mode, false) != GLS_OK) {
        abort();
    }
    size_t len = 0;
    int opened = GLS_E_INTERNAL; /* ops 0 and 2: what opening the input gave */
    if (op == 0 || (op == 2 && mode > 1)) {
        if (n > 16384 + 2048) {
            n = 16384 + 2048;
        }
        buf[0] = GLS_CT_APPLICATION_DATA;
        buf[1] = 3;
        buf[2] = 3;
        buf[3] = (uint8_t)(n >> 8);
        buf[4] = (uint8_t)n;
        memcpy(buf + 5, p, n);
        opened = gls_rec_open(&r, buf, 5 + n, &rc);
    } else if (op == 2) {
        if (n > 16384 + 256) {
            n = 16384 + 256;
        }
        len = seal_inner(&w, p, n, buf);
        opened = gls_rec_open(&r, buf, len, &rc);
    } else {
        uint8_t type = n > 0 ? (uint8_t)(20 + p[0] % 4) : GLS_CT_APPLICATION_DATA;
        if (n > 16384) {
            n = 16384;
        }
        if (gls_rec_seal(&w, type, p, n, &rng, buf, sizeof buf, &len) != GLS_OK) {
            abort();
        }
        if (op == 3) {
            size_t at = n > 0 ? (size_t)p[0] * 7919u % (len - 5) : 0;
            buf[5 + at] ^= 0x01;
            if (gls_rec_open(&r, buf, len, &rc) == GLS_OK) {
                fprintf(stderr, "mode %u: a record with byte %zu of %zu flipped opened\n", mode,
                        5 + at, len);
                abort(); /* a flipped bit opened */
            }
        } else if (gls_rec_open(&r, buf, len, &rc) != GLS_OK || rc.type != type ||
                   rc.data.len != n || (n > 0 && memcmp(rc.data.p, p, n) != 0)) {
            abort(); /* what was sealed does not come back */
        }
    }
    if (opened == GLS_OK && rc.data.len > 16384 + 1) {
        abort(); /* an opened record is never over the limit */
    }
    gls_rec_dir_wipe(&w);
    gls_rec_dir_wipe(&r);
    return 0;
}
