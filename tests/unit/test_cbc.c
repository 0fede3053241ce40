/* CBC record protection (crypto/cbc.c) for all six AES x HMAC combinations, MAC-then-encrypt
 * (RFC 5246 §6.2.3.2) and encrypt-then-MAC (RFC 7366): round trips, sealing byte for byte
 * against a reference built here straight from libcrypto, opening reference records with
 * every padding length, and GLS_E_BAD_RECORD_MAC for every flipped byte, bad padding,
 * padding longer than the record, short records and lengths off the block size. Timing is
 * not tested here; the constant-time argument is written in cbc.c. */
#include "harness.h"

#include <openssl/evp.h>

#include "crypto/crypto.h"

#define MAX_REC (16384 + 2048)

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

struct suite {
    size_t key_len;
    gls_hash_id mac;
    const char *md; /* the digest's libcrypto name, for the reference */
    size_t mac_len;
};

static const struct suite suites[] = {
    {16, GLS_HASH_SHA1, "SHA1", 20},     {16, GLS_HASH_SHA256, "SHA256", 32},
    {16, GLS_HASH_SHA384, "SHA384", 48}, {32, GLS_HASH_SHA1, "SHA1", 20},
    {32, GLS_HASH_SHA256, "SHA256", 32}, {32, GLS_HASH_SHA384, "SHA384", 48},
};
#define N_SUITES (sizeof suites / sizeof suites[0])

static const uint8_t hdr11[11] = {0, 0, 0, 0, 0, 0, 0, 7, 23, 3, 3}; /* seq 7, app data */

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

struct keys {
    uint8_t key[32];
    uint8_t mac_key[48];
    uint8_t iv[16];
};

static struct keys keys_for(const struct suite *s)
{
    struct keys k;
    fill(k.key, sizeof k.key, (unsigned)s->key_len);
    fill(k.mac_key, sizeof k.mac_key, (unsigned)s->mac + 100);
    fill(k.iv, sizeof k.iv, 200);
    return k;
}

/* A sealing and an opening context for one suite and mode. */
static int open_pair(const struct suite *s, bool etm, gls_cbc_ctx **seal, gls_cbc_ctx **open)
{
    struct keys k = keys_for(s);
    const gls_hash_alg *h = gls_hash_get(crypto(), s->mac);
    int err = gls_cbc_new(crypto(), s->key_len, h, k.key, k.mac_key, true, etm, seal);
    if (err == GLS_OK) {
        err = gls_cbc_new(crypto(), s->key_len, h, k.key, k.mac_key, false, etm, open);
    }
    return err;
}

/* ---- the reference: HMAC, padding and AES-CBC straight from libcrypto ---- */

/* HMAC over hdr11 || uint16(len_field) || a || b. */
static void ref_mac(const struct suite *s, size_t len_field, const uint8_t *a, size_t an,
                    const uint8_t *b, size_t bn, uint8_t *out)
{
    static uint8_t msg[13 + 2 * MAX_REC];
    struct keys k = keys_for(s);
    size_t outl = 0;
    memcpy(msg, hdr11, 11);
    msg[11] = (uint8_t)(len_field >> 8);
    msg[12] = (uint8_t)len_field;
    if (an > 0) {
        memcpy(msg + 13, a, an);
    }
    if (bn > 0) {
        memcpy(msg + 13 + an, b, bn);
    }
    if (EVP_Q_mac(NULL, "HMAC", NULL, s->md, NULL, k.mac_key, s->mac_len, msg, 13 + an + bn, out,
                  s->mac_len, &outl) == NULL ||
        outl != s->mac_len) {
        abort();
    }
}

static void ref_encrypt(const struct suite *s, uint8_t *buf, size_t n)
{
    struct keys k = keys_for(s);
    int outl = 0;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    const EVP_CIPHER *c = s->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    if (x == NULL || EVP_EncryptInit_ex(x, c, NULL, k.key, k.iv) != 1 ||
        EVP_CIPHER_CTX_set_padding(x, 0) != 1 ||
        EVP_EncryptUpdate(x, buf, &outl, buf, (int)n) != 1 || (size_t)outl != n) {
        abort();
    }
    EVP_CIPHER_CTX_free(x);
}

/* IV || AES-CBC(pt || MAC || padding) with the padding bytes given verbatim. */
static size_t ref_mte(const struct suite *s, const uint8_t *pt, size_t n, const uint8_t *padding,
                      size_t padlen, uint8_t *out)
{
    struct keys k = keys_for(s);
    memcpy(out, k.iv, 16);
    memcpy(out + 16, pt, n);
    ref_mac(s, n, pt, n, NULL, 0, out + 16 + n);
    memcpy(out + 16 + n + s->mac_len, padding, padlen);
    ref_encrypt(s, out + 16, n + s->mac_len + padlen);
    return 16 + n + s->mac_len + padlen;
}

/* IV || AES-CBC(pt || padding) || HMAC(header || IV || ciphertext). */
static size_t ref_etm(const struct suite *s, const uint8_t *pt, size_t n, const uint8_t *padding,
                      size_t padlen, uint8_t *out)
{
    struct keys k = keys_for(s);
    size_t ct = 16 + n + padlen;
    memcpy(out, k.iv, 16);
    memcpy(out + 16, pt, n);
    memcpy(out + 16 + n, padding, padlen);
    ref_encrypt(s, out + 16, n + padlen);
    ref_mac(s, ct, out, ct, NULL, 0, out + ct);
    return ct + s->mac_len;
}

/* pad+1 bytes of value pad: RFC 5246 §6.2.3.2 padding with padding_length = pad. */
static size_t std_padding(size_t pad, uint8_t *out)
{
    memset(out, (int)pad, pad + 1);
    return pad + 1;
}

static size_t ref_record(const struct suite *s, bool etm, const uint8_t *pt, size_t n, size_t pad,
                         uint8_t *out)
{
    uint8_t padding[256];
    size_t padlen = std_padding(pad, padding);
    return etm ? ref_etm(s, pt, n, padding, padlen, out) : ref_mte(s, pt, n, padding, padlen, out);
}

/* The smallest padding that aligns body_len (RFC 5246 §6.2.3.2 allows more). */
static size_t min_pad(size_t body_len)
{
    return 15 - body_len % 16;
}

/* Opens rec[0..len) with a fresh opening context. */
static int open_rec(const struct suite *s, bool etm, uint8_t *rec, size_t len, size_t *off,
                    size_t *pt_len)
{
    gls_cbc_ctx *seal = NULL;
    gls_cbc_ctx *open = NULL;
    int err = open_pair(s, etm, &seal, &open);
    if (err == GLS_OK) {
        err = gls_cbc_open(open, hdr11, rec, len, off, pt_len);
    }
    gls_cbc_free(seal);
    gls_cbc_free(open);
    return err;
}

/* ---- tests ---- */

static void check_round_trips(const struct suite *s, bool etm)
{
    static uint8_t pt[16384];
    static uint8_t rec[16384 + 256];
    gls_cbc_ctx *seal = NULL;
    gls_cbc_ctx *open = NULL;
    CHECK_OK(open_pair(s, etm, &seal, &open));
    size_t overhead = gls_cbc_overhead(seal);
    CHECK_EQ(overhead, 32 + s->mac_len);
    for (size_t n = 0; n <= 71; n++) {
        size_t len = n == 71 ? 16384 : n; /* 0..70, then a full-size record */
        size_t rec_len = 0;
        size_t off = 0;
        size_t pt_len = 0;
        struct keys k = keys_for(s);
        fill(pt, len, (unsigned)len);
        CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, len, rec, &rec_len));
        CHECK(rec_len <= len + overhead);
        CHECK_EQ((rec_len - (etm ? s->mac_len : 0)) % 16, 0);
        CHECK_OK(gls_cbc_open(open, hdr11, rec, rec_len, &off, &pt_len));
        CHECK_EQ(off, 16);
        CHECK_EQ(pt_len, len);
        CHECK(memcmp(rec + off, pt, len) == 0);
    }
    gls_cbc_free(seal);
    gls_cbc_free(open);
}

TEST(round_trip_mte)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_round_trips(&suites[i], false);
    }
}

TEST(round_trip_etm)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_round_trips(&suites[i], true);
    }
}

/* Our seal equals the libcrypto reference byte for byte (minimal padding, both modes). */
static void check_seal_matches_reference(const struct suite *s, bool etm)
{
    static uint8_t pt[16384];
    static uint8_t got[MAX_REC];
    static uint8_t want[MAX_REC];
    static const size_t lens[] = {0, 1, 11, 12, 15, 16, 17, 27, 28, 31, 32, 33, 47, 48, 100, 16384};
    gls_cbc_ctx *seal = NULL;
    gls_cbc_ctx *open = NULL;
    struct keys k = keys_for(s);
    CHECK_OK(open_pair(s, etm, &seal, &open));
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t n = lens[i];
        size_t got_len = 0;
        fill(pt, n, (unsigned)(n * 3 + 1));
        CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, n, got, &got_len));
        size_t want_len = ref_record(s, etm, pt, n, min_pad(etm ? n : n + s->mac_len), want);
        CHECK_EQ(got_len, want_len);
        CHECK(memcmp(got, want, want_len) == 0);
    }
    gls_cbc_free(seal);
    gls_cbc_free(open);
}

TEST(seal_matches_libcrypto_reference)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_seal_matches_reference(&suites[i], false);
        check_seal_matches_reference(&suites[i], true);
    }
}

/* Reference records with every padding length 0..255 open to the right plaintext. */
static void check_every_padding_length(const struct suite *s, bool etm)
{
    uint8_t pt[48];
    uint8_t rec[16 + 48 + 48 + 256];
    fill(pt, sizeof pt, 5);
    for (size_t pad = 0; pad < 256; pad++) {
        size_t off = 0;
        size_t pt_len = 0;
        size_t mac = etm ? 0 : s->mac_len;
        size_t n = 16 + (16 - (mac + pad + 1) % 16) % 16; /* aligns n + mac + pad + 1 */
        size_t len = ref_record(s, etm, pt, n, pad, rec);
        CHECK_OK(open_rec(s, etm, rec, len, &off, &pt_len));
        CHECK_EQ(pt_len, n);
        CHECK(memcmp(rec + off, pt, n) == 0);
    }
}

TEST(open_every_padding_length)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_every_padding_length(&suites[i], false);
        check_every_padding_length(&suites[i], true);
    }
}

/* Every byte of a sealed record, flipped, makes the record fail. */
static void check_every_flip(const struct suite *s, bool etm, size_t n)
{
    uint8_t pt[64];
    uint8_t rec[16 + 64 + 48 + 16];
    uint8_t copy[sizeof rec];
    size_t len = 0;
    size_t off = 0;
    size_t pt_len = 0;
    struct keys k = keys_for(s);
    gls_cbc_ctx *seal = NULL;
    gls_cbc_ctx *open = NULL;
    CHECK_OK(open_pair(s, etm, &seal, &open));
    fill(pt, n, 9);
    CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, n, rec, &len));
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            memcpy(copy, rec, len);
            copy[i] ^= (uint8_t)(1u << bit);
            CHECK_ERR(gls_cbc_open(open, hdr11, copy, len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
        }
    }
    /* the header is authenticated too: another sequence number or type fails */
    uint8_t other[11];
    memcpy(other, hdr11, sizeof other);
    other[7] ^= 1;
    memcpy(copy, rec, len);
    CHECK_ERR(gls_cbc_open(open, other, copy, len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
    other[7] ^= 1;
    other[8] = 22;
    memcpy(copy, rec, len);
    CHECK_ERR(gls_cbc_open(open, other, copy, len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
    /* and the untouched record still opens on the same context */
    CHECK_OK(gls_cbc_open(open, hdr11, rec, len, &off, &pt_len));
    CHECK_EQ(pt_len, n);
    gls_cbc_free(seal);
    gls_cbc_free(open);
}

TEST(every_byte_flip_is_bad_record_mac)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        for (size_t n = 0; n <= 40; n += 20) {
            check_every_flip(&suites[i], false, n);
            check_every_flip(&suites[i], true, n);
        }
    }
}

/* A correctly MACed record whose padding has one byte off (any position, incl. the last
 * padding byte before the length byte) fails, in both modes. */
static void check_bad_padding_bytes(const struct suite *s, bool etm)
{
    static const size_t pads[] = {1, 2, 15, 16, 100, 255};
    uint8_t pt[48];
    uint8_t padding[256];
    uint8_t rec[16 + 48 + 48 + 256];
    size_t off = 0;
    size_t pt_len = 0;
    fill(pt, sizeof pt, 11);
    for (size_t p = 0; p < sizeof pads / sizeof pads[0]; p++) {
        size_t pad = pads[p];
        size_t mac = etm ? 0 : s->mac_len;
        size_t n = 16 + (16 - (mac + pad + 1) % 16) % 16;
        for (size_t at = 0; at < pad; at++) {
            for (int delta = 1; delta <= 0x80; delta <<= 7) {
                size_t padlen = std_padding(pad, padding);
                padding[at] ^= (uint8_t)delta;
                size_t len = etm ? ref_etm(s, pt, n, padding, padlen, rec)
                                 : ref_mte(s, pt, n, padding, padlen, rec);
                CHECK_ERR(open_rec(s, etm, rec, len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
            }
        }
    }
}

TEST(bad_padding_bytes_are_bad_record_mac)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_bad_padding_bytes(&suites[i], false);
        check_bad_padding_bytes(&suites[i], true);
    }
}

/* The length byte claims more padding than the record holds (all bytes agree). */
static void check_padding_longer_than_record(const struct suite *s, bool etm)
{
    uint8_t pt[32];
    uint8_t padding[256];
    uint8_t rec[16 + 32 + 48 + 256];
    size_t off = 0;
    size_t pt_len = 0;
    fill(pt, sizeof pt, 13);
    size_t mac = etm ? 0 : s->mac_len;
    for (size_t n = 0; n <= 32; n += 16) {
        size_t padlen = 16 - (n + mac) % 16; /* fills the last block */
        static const uint8_t claims[] = {32, 64, 200, 255};
        for (size_t c = 0; c < sizeof claims; c++) {
            if (claims[c] + 1u <= n + padlen) {
                continue; /* that much padding would fit in the record */
            }
            memset(padding, claims[c], padlen);
            size_t len = etm ? ref_etm(s, pt, n, padding, padlen, rec)
                             : ref_mte(s, pt, n, padding, padlen, rec);
            CHECK_ERR(open_rec(s, etm, rec, len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
        }
    }
    /* padding that would eat into the MAC (MtE): data plus MAC is shorter than claimed */
    if (!etm) {
        /* a record that is nothing but well-formed padding: every byte says "all of me" */
        for (size_t body = 16; body <= 112; body += 16) {
            struct keys k = keys_for(s);
            memcpy(rec, k.iv, 16);
            memset(rec + 16, (int)(body - 1), body);
            ref_encrypt(s, rec + 16, body);
            CHECK_ERR(open_rec(s, etm, rec, 16 + body, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
        }
        size_t padlen = 16 - s->mac_len % 16;
        size_t claim = padlen + 3; /* covers the MAC's last bytes too */
        memset(padding, (int)claim, padlen);
        size_t len = ref_mte(s, pt, 0, padding, padlen, rec);
        CHECK_ERR(open_rec(s, etm, rec, len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
    }
}

TEST(padding_longer_than_record_is_bad_record_mac)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_padding_longer_than_record(&suites[i], false);
        check_padding_longer_than_record(&suites[i], true);
    }
}

/* Records too short to hold IV, one block and the MAC, and lengths off the block size. */
static void check_bad_lengths(const struct suite *s, bool etm)
{
    static uint8_t rec[MAX_REC + 64];
    uint8_t pt[40];
    size_t off = 0;
    size_t pt_len = 0;
    size_t len = 0;
    struct keys k = keys_for(s);
    gls_cbc_ctx *seal = NULL;
    gls_cbc_ctx *open = NULL;
    CHECK_OK(open_pair(s, etm, &seal, &open));
    size_t min_len = etm ? 32 + s->mac_len : 16 + ((s->mac_len + 1 + 15) / 16) * 16;
    for (size_t short_len = 0; short_len < min_len; short_len++) {
        fill(rec, short_len, (unsigned)short_len);
        CHECK_ERR(gls_cbc_open(open, hdr11, rec, short_len, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
    }
    fill(pt, sizeof pt, 17);
    for (size_t n = 0; n < sizeof pt; n += 13) {
        CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, n, rec, &len));
        rec[len] = 0;
        CHECK_ERR(gls_cbc_open(open, hdr11, rec, len + 1, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
        CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, n, rec, &len));
        CHECK_ERR(gls_cbc_open(open, hdr11, rec, len - 1, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
        CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, n, rec, &len));
        CHECK_ERR(gls_cbc_open(open, hdr11, rec, len - 16, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
        CHECK_OK(gls_cbc_seal(seal, hdr11, k.iv, pt, n, rec, &len));
        CHECK_ERR(gls_cbc_open(open, hdr11, rec, len - 8, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
    }
    /* longer than any TLS 1.2 ciphertext (RFC 5246 §6.2.3) */
    size_t big = 16384 + 2048 + 16 + (etm ? s->mac_len : 0);
    memset(rec, 0, big);
    CHECK_ERR(gls_cbc_open(open, hdr11, rec, big, &off, &pt_len), GLS_E_BAD_RECORD_MAC);
    /* and sealing more than 2^14 bytes is refused */
    CHECK_ERR(gls_cbc_seal(seal, hdr11, k.iv, rec, 16385, rec + 16400, &len),
              GLS_E_INVALID_ARGUMENT);
    gls_cbc_free(seal);
    gls_cbc_free(open);
}

TEST(short_and_misaligned_records_are_bad_record_mac)
{
    for (size_t i = 0; i < N_SUITES; i++) {
        check_bad_lengths(&suites[i], false);
        check_bad_lengths(&suites[i], true);
    }
}

TEST(bad_parameters)
{
    uint8_t key[32] = {0};
    uint8_t mac_key[48] = {0};
    gls_cbc_ctx *x = NULL;
    const gls_hash_alg *sha256 = gls_hash_get(crypto(), GLS_HASH_SHA256);
    const gls_hash_alg *sha512 = gls_hash_get(crypto(), GLS_HASH_SHA512);
    CHECK_ERR(gls_cbc_new(crypto(), 24, sha256, key, mac_key, true, false, &x),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cbc_new(crypto(), 16, sha512, key, mac_key, true, false, &x),
              GLS_E_INVALID_ARGUMENT);
    /* a context works in one direction only */
    uint8_t rec[64] = {0};
    size_t off = 0;
    size_t n = 0;
    CHECK_OK(gls_cbc_new(crypto(), 16, sha256, key, mac_key, true, false, &x));
    CHECK_ERR(gls_cbc_open(x, hdr11, rec, sizeof rec, &off, &n), GLS_E_INVALID_ARGUMENT);
    gls_cbc_free(x);
    CHECK_OK(gls_cbc_new(crypto(), 16, sha256, key, mac_key, false, false, &x));
    CHECK_ERR(gls_cbc_seal(x, hdr11, key, key, 4, rec, &n), GLS_E_INVALID_ARGUMENT);
    gls_cbc_free(x);
}
