/* keys/prf12.c against published vectors: the widely circulated TLS 1.2 PRF
 * vectors for P_SHA256 and P_SHA384 ("test label"; IETF TLS list, msg03416,
 * also in GnuTLS's test suite), the key block split and the sink reports. */
#include "harness.h"
#include "keys/prf12.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        abort();
    }
    return c;
}

TEST(p_sha256_vector)
{
    uint8_t secret[16], seed[16], out[100];
    unhex("9bbe436ba940f017b17652849a71db35", secret, sizeof secret);
    unhex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof seed);
    CHECK_OK(gls_prf12(gls_hash_get(crypto(), GLS_HASH_SHA256), secret, 16, "test label", seed, 16,
                       NULL, 0, out, sizeof out));
    CHECK_HEX(out, sizeof out,
              "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
              "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
              "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
              "87347b66");
}

/* The master secret keyed once serves the key block and both Finished messages: each gives
 * the bytes of its one-shot form (which keys the secret again), in any order, and the PRF
 * vector comes out of a keyed HMAC too. */
TEST(keyed_once_matches_one_shot)
{
    const gls_hash_alg *h = gls_hash_get(crypto(), GLS_HASH_SHA256);
    uint8_t secret[16], seed[16], out[100];
    gls_hmac_key *k = NULL;
    unhex("9bbe436ba940f017b17652849a71db35", secret, sizeof secret);
    unhex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof seed);
    CHECK_OK(gls_hmac_key_new(h, secret, sizeof secret, &k));
    CHECK_OK(gls_prf12_keyed(k, "test label", seed, 16, NULL, 0, out, sizeof out));
    CHECK_HEX(out, sizeof out,
              "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
              "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
              "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
              "87347b66");
    gls_hmac_key_free(k);

    gls_secret ms;
    gls_digest th;
    uint8_t cr[32], sr[32];
    uint8_t vd_c[12], vd_s[12], want_c[12], want_s[12];
    struct gls_key_block12 kb, want_kb;
    memset(ms.b, 0x4d, 48);
    ms.len = 48;
    memset(cr, 0xc1, sizeof cr);
    memset(sr, 0x51, sizeof sr);
    memset(th.b, 0x77, 32);
    th.len = 32;
    memset(&kb, 0, sizeof kb);
    kb.key_len = 16;
    kb.iv_len = 4;
    want_kb = kb;
    CHECK_OK(gls_hmac_key_new(h, ms.b, ms.len, &k));
    CHECK_OK(gls_prf12_verify_data_keyed(k, false, &th, vd_s, NULL));
    CHECK_OK(gls_prf12_key_block_keyed(k, cr, sr, &kb, NULL));
    CHECK_OK(gls_prf12_verify_data_keyed(k, true, &th, vd_c, NULL));
    gls_hmac_key_free(k);
    CHECK_OK(gls_prf12_key_block(h, &ms, cr, sr, &want_kb, NULL));
    CHECK_OK(gls_prf12_verify_data(h, &ms, true, &th, want_c, NULL));
    CHECK_OK(gls_prf12_verify_data(h, &ms, false, &th, want_s, NULL));
    CHECK(memcmp(&kb, &want_kb, sizeof kb) == 0);
    CHECK(memcmp(vd_c, want_c, 12) == 0);
    CHECK(memcmp(vd_s, want_s, 12) == 0);
    CHECK(memcmp(vd_c, vd_s, 12) != 0);
    CHECK_OK(gls_prf12(h, ms.b, ms.len, "client finished", th.b, 32, NULL, 0, want_c, 12));
    CHECK(memcmp(vd_c, want_c, 12) == 0);
}

TEST(p_sha384_vector)
{
    uint8_t secret[16], seed[16], out[148];
    unhex("b80b733d6ceefcdc71566ea48e5567df", secret, sizeof secret);
    unhex("cd665cf6a8447dd6ff8b27555edb7465", seed, sizeof seed);
    /* the seed split in two must not matter */
    CHECK_OK(gls_prf12(gls_hash_get(crypto(), GLS_HASH_SHA384), secret, 16, "test label", seed, 5,
                       seed + 5, 11, out, sizeof out));
    CHECK_HEX(out, sizeof out,
              "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
              "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
              "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
              "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
              "91c8f3a26854308d5eaa3be85e0990703d73e56f");
}

/* A shorter output is a prefix of the longer one. */
TEST(prefix_property)
{
    uint8_t secret[16], seed[16], out[33];
    unhex("9bbe436ba940f017b17652849a71db35", secret, sizeof secret);
    unhex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof seed);
    CHECK_OK(gls_prf12(gls_hash_get(crypto(), GLS_HASH_SHA256), secret, 16, "test label", seed, 16,
                       NULL, 0, out, sizeof out));
    CHECK_HEX(out, sizeof out,
              "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b");
}

TEST(seed_too_long)
{
    uint8_t big[200] = {0};
    uint8_t out[12];
    CHECK_ERR(gls_prf12(gls_hash_get(crypto(), GLS_HASH_SHA256), big, 16, "x", big, 100, big, 100,
                        out, sizeof out),
              GLS_E_INTERNAL);
}

struct seen {
    int count[GLS_SID_COUNT];
    size_t len[GLS_SID_COUNT];
    uint8_t val[GLS_SID_COUNT][128];
};

static void record(void *arg, enum gls_secret_id id, const uint8_t *v, size_t len)
{
    struct seen *s = arg;
    s->count[id]++;
    s->len[id] = len;
    memcpy(s->val[id], v, len < 128 ? len : 128);
}

/* The key block is PRF(ms, "key expansion", sr || cr) cut in order:
 * MAC keys, keys, IVs; each piece is reported under its own name. */
TEST(key_block_split_and_reports)
{
    const gls_hash_alg *h = gls_hash_get(crypto(), GLS_HASH_SHA256);
    gls_secret ms;
    uint8_t cr[32], sr[32], want[2 * (32 + 16)];
    struct seen seen;
    memset(&seen, 0, sizeof seen);
    gls_secret_sink sink = {record, &seen};
    for (int i = 0; i < 32; i++) {
        cr[i] = (uint8_t)i;
        sr[i] = (uint8_t)(0x80 + i);
    }
    CHECK_OK(gls_prf12_master(h, (const uint8_t *)"pre-master", 10, cr, sr, &ms, &sink));
    CHECK_EQ(ms.len, 48);
    CHECK_EQ(seen.count[GLS_SID_PRE_MASTER_SECRET], 1);
    CHECK_EQ(seen.count[GLS_SID_MASTER_SECRET_12], 1);
    struct gls_key_block12 kb;
    memset(&kb, 0, sizeof kb);
    kb.mac_len = 32;
    kb.key_len = 16;
    kb.iv_len = 0;
    CHECK_OK(gls_prf12_key_block(h, &ms, cr, sr, &kb, &sink));
    CHECK_OK(gls_prf12(h, ms.b, ms.len, "key expansion", sr, 32, cr, 32, want, sizeof want));
    CHECK(memcmp(kb.c_mac, want, 32) == 0);
    CHECK(memcmp(kb.s_mac, want + 32, 32) == 0);
    CHECK(memcmp(kb.c_key, want + 64, 16) == 0);
    CHECK(memcmp(kb.s_key, want + 80, 16) == 0);
    CHECK_EQ(seen.len[GLS_SID_KEY_BLOCK], sizeof want);
    CHECK(memcmp(seen.val[GLS_SID_SERVER_WRITE_KEY_12], want + 80, 16) == 0);
    CHECK_EQ(seen.count[GLS_SID_CLIENT_WRITE_IV_12], 0); /* CBC: no fixed IV */
    /* GCM: a 4-byte salt each after the keys */
    memset(&kb, 0, sizeof kb);
    kb.key_len = 16;
    kb.iv_len = 4;
    CHECK_OK(gls_prf12_key_block(h, &ms, cr, sr, &kb, &sink));
    CHECK(memcmp(kb.c_key, want, 16) == 0);
    CHECK(memcmp(kb.s_key, want + 16, 16) == 0);
    CHECK(memcmp(kb.c_iv, want + 32, 4) == 0);
    CHECK(memcmp(kb.s_iv, want + 36, 4) == 0);
    CHECK_EQ(seen.len[GLS_SID_SERVER_WRITE_IV_12], 4);
    /* verify_data: 12 bytes of PRF(ms, "client finished", hash) */
    gls_digest th;
    uint8_t vd[12], vd2[12];
    th.len = 32;
    memset(th.b, 0x5a, 32);
    CHECK_OK(gls_prf12_verify_data(h, &ms, true, &th, vd, &sink));
    CHECK_OK(gls_prf12(h, ms.b, ms.len, "client finished", th.b, 32, NULL, 0, vd2, 12));
    CHECK(memcmp(vd, vd2, 12) == 0);
    CHECK_EQ(seen.count[GLS_SID_CLIENT_VERIFY_DATA_12], 1);
    CHECK_OK(gls_prf12_verify_data(h, &ms, false, &th, vd2, &sink));
    CHECK(memcmp(vd, vd2, 12) != 0);
    CHECK_EQ(seen.count[GLS_SID_SERVER_VERIFY_DATA_12], 1);
}

/* RFC 7627: the EMS uses the session hash as the whole seed. */
TEST(extended_master_secret)
{
    const gls_hash_alg *h = gls_hash_get(crypto(), GLS_HASH_SHA384);
    gls_secret ms;
    gls_digest sh;
    uint8_t want[48];
    struct seen seen;
    memset(&seen, 0, sizeof seen);
    gls_secret_sink sink = {record, &seen};
    sh.len = 48;
    for (int i = 0; i < 48; i++) {
        sh.b[i] = (uint8_t)(3 * i);
    }
    CHECK_OK(gls_prf12_ext_master(h, (const uint8_t *)"pms", 3, &sh, &ms, &sink));
    CHECK_OK(gls_prf12(h, (const uint8_t *)"pms", 3, "extended master secret", sh.b, 48, NULL, 0,
                       want, 48));
    CHECK(ms.len == 48 && memcmp(ms.b, want, 48) == 0);
    CHECK_EQ(seen.count[GLS_SID_EXT_MASTER_SECRET_12], 1);
    CHECK_EQ(seen.count[GLS_SID_MASTER_SECRET_12], 0);
}
