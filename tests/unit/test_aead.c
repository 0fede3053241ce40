/* AEAD record protection (crypto/aead.c): the McGrew-Viega GCM test cases 4 and 16 and the
 * RFC 8439 §2.8.2 ChaCha20-Poly1305 vector byte for byte, every kind of tampering is
 * GLS_E_BAD_RECORD_MAC, in-place round trips at the edge lengths, and one context keyed
 * once and reused for many records with different nonces. */
#include "harness.h"

#include "crypto/crypto.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

struct kat {
    gls_aead_id id;
    const char *key;
    const char *nonce;
    const char *aad;
    const char *pt;
    const char *ct;
    const char *tag;
};

/* The GCM vectors share plaintext, AAD and IV ("The Galois/Counter Mode of Operation",
 * McGrew and Viega, test cases 4 and 16). */
#define GCM_PT                                                                                     \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                             \
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_IV  "cafebabefacedbaddecaf888"

static const struct kat kats[] = {
    {GLS_AEAD_AES_128_GCM, "feffe9928665731c6d6a8f9467308308", GCM_IV, GCM_AAD, GCM_PT,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {GLS_AEAD_AES_256_GCM, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     GCM_IV, GCM_AAD, GCM_PT,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    /* RFC 8439 §2.8.2: "Ladies and Gentlemen of the class of '99: ..." */
    {GLS_AEAD_CHACHA20_POLY1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
     "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
     "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
     "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
     "637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
     "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
     "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
     "3ff4def08e4b7a9de576d26586cec64b6116",
     "1ae10b594f09e26a7e902ecbd0600691"},
};

struct vec {
    uint8_t key[32];
    uint8_t nonce[12];
    uint8_t aad[32];
    uint8_t pt[128];
    uint8_t ct[128];
    uint8_t tag[16];
    size_t key_len;
    size_t aad_len;
    size_t pt_len;
};

static void load(const struct kat *k, struct vec *v)
{
    v->key_len = unhex(k->key, v->key, sizeof v->key);
    unhex(k->nonce, v->nonce, sizeof v->nonce);
    v->aad_len = unhex(k->aad, v->aad, sizeof v->aad);
    v->pt_len = unhex(k->pt, v->pt, sizeof v->pt);
    unhex(k->ct, v->ct, sizeof v->ct);
    unhex(k->tag, v->tag, sizeof v->tag);
}

TEST(alg_table)
{
    const gls_aead_alg *a = gls_aead_get(crypto(), GLS_AEAD_AES_256_GCM);
    CHECK(a != NULL);
    CHECK_EQ(a->key_len, 32);
    CHECK_EQ(a->nonce_len, 12);
    CHECK_EQ(a->tag_len, 16);
    CHECK_EQ(gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM)->key_len, 16);
    CHECK(gls_aead_get(crypto(), GLS_AEAD_COUNT) == NULL);
}

TEST(known_answers_seal)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        struct vec v;
        uint8_t buf[128];
        uint8_t tag[16];
        gls_aead_ctx *x = NULL;
        const gls_aead_alg *a = gls_aead_get(crypto(), kats[i].id);
        load(&kats[i], &v);
        CHECK_EQ(v.key_len, a->key_len);
        memcpy(buf, v.pt, v.pt_len);
        CHECK_OK(gls_aead_new(a, v.key, true, &x));
        CHECK_OK(gls_aead_seal(x, v.nonce, v.aad, v.aad_len, buf, v.pt_len, tag));
        gls_aead_free(x);
        CHECK_HEX(buf, v.pt_len, kats[i].ct);
        CHECK_HEX(tag, 16, kats[i].tag);
    }
}

TEST(known_answers_open)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        struct vec v;
        uint8_t buf[128];
        gls_aead_ctx *x = NULL;
        load(&kats[i], &v);
        memcpy(buf, v.ct, v.pt_len);
        CHECK_OK(gls_aead_new(gls_aead_get(crypto(), kats[i].id), v.key, false, &x));
        CHECK_OK(gls_aead_open(x, v.nonce, v.aad, v.aad_len, buf, v.pt_len, v.tag));
        gls_aead_free(x);
        CHECK_HEX(buf, v.pt_len, kats[i].pt);
    }
}

/* Opens v's ciphertext after flipping one bit in ciphertext, tag or AAD (what = 0, 1, 2)
 * at position pos; the context is reused, so a failed open must not spoil the next one. */
static int open_tampered(gls_aead_ctx *x, const struct vec *v, int what, size_t pos)
{
    uint8_t buf[128];
    uint8_t tag[16];
    uint8_t aad[32];
    memcpy(buf, v->ct, v->pt_len);
    memcpy(tag, v->tag, sizeof tag);
    memcpy(aad, v->aad, v->aad_len);
    uint8_t *target = what == 0 ? buf : what == 1 ? tag : aad;
    target[pos] ^= 0x01;
    return gls_aead_open(x, v->nonce, aad, v->aad_len, buf, v->pt_len, tag);
}

TEST(tampering_is_bad_record_mac)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        struct vec v;
        uint8_t buf[128];
        gls_aead_ctx *x = NULL;
        load(&kats[i], &v);
        CHECK_OK(gls_aead_new(gls_aead_get(crypto(), kats[i].id), v.key, false, &x));
        CHECK_ERR(open_tampered(x, &v, 0, 0), GLS_E_BAD_RECORD_MAC);
        CHECK_ERR(open_tampered(x, &v, 0, v.pt_len - 1), GLS_E_BAD_RECORD_MAC);
        CHECK_ERR(open_tampered(x, &v, 1, 0), GLS_E_BAD_RECORD_MAC);
        CHECK_ERR(open_tampered(x, &v, 1, 15), GLS_E_BAD_RECORD_MAC);
        CHECK_ERR(open_tampered(x, &v, 2, 0), GLS_E_BAD_RECORD_MAC);
        CHECK_ERR(open_tampered(x, &v, 2, v.aad_len - 1), GLS_E_BAD_RECORD_MAC);
        /* a wrong nonce and a missing AAD fail the same way */
        memcpy(buf, v.ct, v.pt_len);
        v.nonce[11] ^= 0x80;
        CHECK_ERR(gls_aead_open(x, v.nonce, v.aad, v.aad_len, buf, v.pt_len, v.tag),
                  GLS_E_BAD_RECORD_MAC);
        v.nonce[11] ^= 0x80;
        memcpy(buf, v.ct, v.pt_len);
        CHECK_ERR(gls_aead_open(x, v.nonce, NULL, 0, buf, v.pt_len, v.tag), GLS_E_BAD_RECORD_MAC);
        /* and the same context still opens the genuine record afterwards */
        memcpy(buf, v.ct, v.pt_len);
        CHECK_OK(gls_aead_open(x, v.nonce, v.aad, v.aad_len, buf, v.pt_len, v.tag));
        CHECK(memcmp(buf, v.pt, v.pt_len) == 0);
        gls_aead_free(x);
    }
}

TEST(direction_is_fixed)
{
    uint8_t key[32] = {0};
    uint8_t nonce[12] = {0};
    uint8_t buf[16] = {0};
    uint8_t tag[16] = {0};
    gls_aead_ctx *x = NULL;
    CHECK_OK(gls_aead_new(gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM), key, true, &x));
    CHECK_ERR(gls_aead_open(x, nonce, NULL, 0, buf, sizeof buf, tag), GLS_E_INVALID_ARGUMENT);
    gls_aead_free(x);
    CHECK_OK(gls_aead_new(gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM), key, false, &x));
    CHECK_ERR(gls_aead_seal(x, nonce, NULL, 0, buf, sizeof buf, tag), GLS_E_INVALID_ARGUMENT);
    gls_aead_free(x);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

TEST(round_trip_in_place)
{
    static const size_t lens[] = {0, 1, 15, 16, 17, 16384};
    static uint8_t want[16384];
    static uint8_t buf[16384];
    uint8_t key[32];
    uint8_t nonce[12];
    uint8_t aad[13];
    uint8_t tag[16];
    fill(key, sizeof key, 1);
    fill(nonce, sizeof nonce, 2);
    fill(aad, sizeof aad, 3);
    for (gls_aead_id id = 0; id < GLS_AEAD_COUNT; id++) {
        const gls_aead_alg *a = gls_aead_get(crypto(), id);
        gls_aead_ctx *s = NULL;
        gls_aead_ctx *o = NULL;
        CHECK_OK(gls_aead_new(a, key, true, &s));
        CHECK_OK(gls_aead_new(a, key, false, &o));
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            size_t n = lens[i];
            fill(want, n, (unsigned)(n + id));
            memcpy(buf, want, n);
            CHECK_OK(gls_aead_seal(s, nonce, aad, sizeof aad, buf, n, tag));
            CHECK(n < 16 || memcmp(buf, want, n) != 0); /* it was encrypted in place */
            CHECK_OK(gls_aead_open(o, nonce, aad, sizeof aad, buf, n, tag));
            CHECK(memcmp(buf, want, n) == 0);
            if (n > 0) { /* tamper with the last byte: the whole record is covered */
                CHECK_OK(gls_aead_seal(s, nonce, aad, sizeof aad, buf, n, tag));
                buf[n - 1] ^= 0x40;
                CHECK_ERR(gls_aead_open(o, nonce, aad, sizeof aad, buf, n, tag),
                          GLS_E_BAD_RECORD_MAC);
            }
        }
        gls_aead_free(s);
        gls_aead_free(o);
    }
}

/* The TLS 1.3 pattern: one context, a nonce per record (RFC 8446 §5.3). The same
 * plaintext goes into every record, so records differ only through the nonce; each must
 * equal what a fresh one-off context makes, and open in order on one opening context. */
TEST(one_context_many_records)
{
    uint8_t key[32];
    uint8_t iv[12];
    uint8_t pt[100];
    fill(key, sizeof key, 7);
    fill(iv, sizeof iv, 8);
    fill(pt, sizeof pt, 9);
    for (gls_aead_id id = 0; id < GLS_AEAD_COUNT; id++) {
        const gls_aead_alg *a = gls_aead_get(crypto(), id);
        gls_aead_ctx *s = NULL;
        gls_aead_ctx *o = NULL;
        uint8_t first[100];
        CHECK_OK(gls_aead_new(a, key, true, &s));
        CHECK_OK(gls_aead_new(a, key, false, &o));
        for (uint8_t seq = 0; seq < 40; seq++) {
            uint8_t nonce[12];
            uint8_t rec[100];
            uint8_t fresh_rec[100];
            uint8_t tag[16];
            uint8_t fresh_tag[16];
            uint8_t aad[5] = {23, 3, 3, 0, 116};
            gls_aead_ctx *f = NULL;
            memcpy(nonce, iv, sizeof nonce);
            nonce[11] ^= seq;
            memcpy(rec, pt, sizeof rec);
            memcpy(fresh_rec, pt, sizeof rec);
            CHECK_OK(gls_aead_seal(s, nonce, aad, sizeof aad, rec, sizeof rec, tag));
            CHECK_OK(gls_aead_new(a, key, true, &f));
            CHECK_OK(gls_aead_seal(f, nonce, aad, sizeof aad, fresh_rec, sizeof rec, fresh_tag));
            gls_aead_free(f);
            CHECK(memcmp(rec, fresh_rec, sizeof rec) == 0);
            CHECK(memcmp(tag, fresh_tag, sizeof tag) == 0);
            if (seq == 0) {
                memcpy(first, rec, sizeof rec);
            } else {
                CHECK(memcmp(rec, first, sizeof rec) != 0); /* the nonce took effect */
            }
            CHECK_OK(gls_aead_open(o, nonce, aad, sizeof aad, rec, sizeof rec, tag));
            CHECK(memcmp(rec, pt, sizeof rec) == 0);
        }
        gls_aead_free(s);
        gls_aead_free(o);
    }
}

/* A context keyed again (the move from handshake to application keys) seals and opens
 * exactly as a freshly keyed one; another algorithm or direction is refused. */
TEST(rekey_matches_a_fresh_context)
{
    uint8_t k1[32], k2[32], nonce[12], pt[64];
    uint8_t aad[5] = {23, 3, 3, 0, 80};
    fill(k1, sizeof k1, 1);
    fill(k2, sizeof k2, 2);
    fill(nonce, sizeof nonce, 3);
    fill(pt, sizeof pt, 4);
    for (gls_aead_id id = 0; id < GLS_AEAD_COUNT; id++) {
        const gls_aead_alg *a = gls_aead_get(crypto(), id);
        const gls_aead_alg *other = gls_aead_get(crypto(), (id + 1) % GLS_AEAD_COUNT);
        gls_aead_ctx *s = NULL, *o = NULL, *f = NULL;
        uint8_t rec[64], fresh[64], tag[16], fresh_tag[16];
        CHECK_OK(gls_aead_new(a, k1, true, &s));
        CHECK_OK(gls_aead_new(a, k1, false, &o));
        memcpy(rec, pt, sizeof rec);
        CHECK_OK(gls_aead_seal(s, nonce, aad, sizeof aad, rec, sizeof rec, tag)); /* under k1 */
        CHECK_OK(gls_aead_rekey(s, a, k2, true));
        CHECK_OK(gls_aead_rekey(o, a, k2, false));
        CHECK_ERR(gls_aead_rekey(s, a, k2, false), GLS_E_INTERNAL);
        CHECK_ERR(gls_aead_rekey(s, other, k2, true), GLS_E_INTERNAL);
        CHECK_OK(gls_aead_new(a, k2, true, &f));
        memcpy(rec, pt, sizeof rec);
        memcpy(fresh, pt, sizeof fresh);
        CHECK_OK(gls_aead_seal(s, nonce, aad, sizeof aad, rec, sizeof rec, tag));
        CHECK_OK(gls_aead_seal(f, nonce, aad, sizeof aad, fresh, sizeof fresh, fresh_tag));
        CHECK(memcmp(rec, fresh, sizeof rec) == 0);
        CHECK(memcmp(tag, fresh_tag, sizeof tag) == 0);
        CHECK_OK(gls_aead_open(o, nonce, aad, sizeof aad, rec, sizeof rec, tag));
        CHECK(memcmp(rec, pt, sizeof rec) == 0);
        gls_aead_free(s);
        gls_aead_free(o);
        gls_aead_free(f);
    }
}

/* Opening out of place into two outputs (a caller's buffer and a spill for the rest):
 * every split gives the plaintext, the input stays ciphertext, and a tampered record
 * leaves zeros in both outputs — never unauthenticated plaintext. */
TEST(open_to_split_outputs)
{
    uint8_t key[32];
    uint8_t nonce[12];
    uint8_t aad[5] = {23, 3, 3, 0, 77};
    uint8_t pt[61];
    fill(key, sizeof key, 11);
    fill(nonce, sizeof nonce, 12);
    fill(pt, sizeof pt, 13);
    for (gls_aead_id id = 0; id < GLS_AEAD_COUNT; id++) {
        const gls_aead_alg *a = gls_aead_get(crypto(), id);
        gls_aead_ctx *s = NULL;
        gls_aead_ctx *o = NULL;
        uint8_t ct[sizeof pt];
        uint8_t tag[16];
        CHECK_OK(gls_aead_new(a, key, true, &s));
        CHECK_OK(gls_aead_new(a, key, false, &o));
        memcpy(ct, pt, sizeof pt);
        CHECK_OK(gls_aead_seal(s, nonce, aad, sizeof aad, ct, sizeof ct, tag));
        for (size_t n1 = 0; n1 <= sizeof pt + 1; n1++) {
            uint8_t out1[sizeof pt + 2];
            uint8_t out2[sizeof pt];
            uint8_t in[sizeof pt];
            size_t k1 = n1 < sizeof pt ? n1 : sizeof pt;
            memcpy(in, ct, sizeof ct);
            memset(out1, 0xAA, sizeof out1);
            memset(out2, 0xAA, sizeof out2);
            CHECK_OK(
                gls_aead_open_to(o, nonce, aad, sizeof aad, in, sizeof in, tag, out1, n1, out2));
            CHECK(memcmp(out1, pt, k1) == 0);
            CHECK(memcmp(out2, pt + k1, sizeof pt - k1) == 0);
            CHECK(out1[k1] == 0xAA); /* nothing past what belongs to out1 */
            CHECK(memcmp(in, ct, sizeof ct) == 0);
            in[n1 % sizeof in] ^= 0x01;
            memset(out1, 0xAA, sizeof out1);
            memset(out2, 0xAA, sizeof out2);
            CHECK_ERR(
                gls_aead_open_to(o, nonce, aad, sizeof aad, in, sizeof in, tag, out1, n1, out2),
                GLS_E_BAD_RECORD_MAC);
            for (size_t i = 0; i < k1; i++) {
                CHECK(out1[i] == 0);
            }
            for (size_t i = 0; i < sizeof pt - k1; i++) {
                CHECK(out2[i] == 0);
            }
        }
        gls_aead_free(s);
        gls_aead_free(o);
    }
}
