/* Constant time, checked by valgrind (tests/ct/ct.h): TLS 1.2 CBC MAC-then-encrypt record
 * opening (RFC 5246 §6.2.3.2; the Lucky Thirteen and padding-oracle surface). The reading
 * direction's AES and HMAC keys are marked secret, so every decrypted byte (data, MAC,
 * padding) is undefined to memcheck: the padding check, the MAC extraction and comparison must
 * not branch or index on it; only the final verdict and, once authenticated, the length are
 * declassified (crypto/cbc.c). Good records, bad padding (every position of the last block),
 * bad MACs and bad data, for SHA-1, SHA-256 and SHA-384 MACs and every plaintext length from 0
 * to 80 bytes. */
#include "ct.h"
#include "harness.h"

#include "base/wire.h"
#include "record/record.h"

static gls_crypto *cr;

struct mac_case {
    gls_hash_id mac;
    size_t key_len;
};

static const struct mac_case cases[] = {
    {GLS_HASH_SHA1, 16},
    {GLS_HASH_SHA256, 16},
    {GLS_HASH_SHA384, 32},
};

static int fixed_rand(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    memset(out, 0x5c, len);
    return GLS_OK;
}

/* A writer with public keys and a reader with the same keys marked secret. */
static bool pair_dirs(const struct mac_case *mc, struct gls_rec_dir *w, struct gls_rec_dir *r)
{
    uint8_t key[32];
    uint8_t mac_key[48];
    memset(key, 0x11, sizeof key);
    memset(mac_key, 0x22, sizeof mac_key);
    memset(w, 0, sizeof *w);
    memset(r, 0, sizeof *r);
    w->version = r->version = 0x0303;
    const gls_hash_alg *h = gls_hash_get(cr, mc->mac);
    if (gls_rec_set_cbc(w, cr, mc->key_len, h, key, mac_key, false, true) != GLS_OK) {
        return false;
    }
    CT_SECRET(key, sizeof key);
    CT_SECRET(mac_key, sizeof mac_key);
    return gls_rec_set_cbc(r, cr, mc->key_len, h, key, mac_key, false, false) == GLS_OK;
}

/* Seals n bytes of plaintext under w into rec; returns the record's length. */
static size_t seal(struct gls_rec_dir *w, size_t n, uint8_t *rec, size_t cap)
{
    uint8_t pt[128];
    gls_rng rng = {fixed_rand, NULL};
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        pt[i] = (uint8_t)('a' + i % 26);
    }
    if (gls_rec_seal(w, GLS_CT_APPLICATION_DATA, pt, n, &rng, rec, cap, &len) != GLS_OK) {
        return 0;
    }
    return len;
}

static bool setup(void)
{
    if (cr == NULL && !CT_UNDER_VALGRIND()) {
        fprintf(stderr, "  not under valgrind: results are checked, timing is not\n");
    }
    return cr != NULL || gls_crypto_new(&cr) == GLS_OK;
}

TEST(good_records_open)
{
    CHECK(setup());
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct gls_rec_dir w, r;
        CHECK(pair_dirs(&cases[c], &w, &r));
        for (size_t n = 0; n <= 80; n++) {
            uint8_t rec[512];
            struct gls_rec_content rc;
            size_t len = seal(&w, n, rec, sizeof rec);
            CHECK(len > 0);
            CHECK_ERR(gls_rec_open(&r, rec, len, &rc), GLS_OK);
            CT_PUBLIC(rc.data.p, rc.data.len); /* the application reads it */
            CHECK_EQ(rc.data.len, n);
            CHECK(n == 0 || (rc.data.p[0] == 'a' && rc.data.p[n - 1] == 'a' + (n - 1) % 26));
        }
        gls_rec_dir_wipe(&w);
        gls_rec_dir_wipe(&r);
    }
}

/* Every byte of the last two cipher blocks flipped (padding, length byte, MAC tail), and a
 * byte of the data: each fails as bad_record_mac with nothing branching on why. */
TEST(tampered_records_fail_the_same_way)
{
    CHECK(setup());
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct gls_rec_dir w, r;
        CHECK(pair_dirs(&cases[c], &w, &r));
        for (size_t n = 0; n <= 48; n += 7) {
            uint8_t rec[512];
            size_t len = seal(&w, n, rec, sizeof rec);
            CHECK(len > 48);
            for (size_t back = 1; back <= 32; back++) {
                uint8_t copy[512];
                struct gls_rec_content rc;
                memcpy(copy, rec, len);
                copy[len - 16 - back] ^= 0x01; /* the block before changes this one's plaintext */
                CHECK_ERR(gls_rec_open(&r, copy, len, &rc), GLS_E_BAD_RECORD_MAC);
            }
            w.seq = r.seq; /* the failures did not advance the reader */
        }
        gls_rec_dir_wipe(&w);
        gls_rec_dir_wipe(&r);
    }
}
