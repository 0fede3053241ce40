/* ClientHello, ServerHello and HelloRetryRequest (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1):
 * hand encodings against the writer; RFC 8448 §3/§4 and OpenSSL-captured hellos parsed,
 * checked field by field and re-written byte for byte; every truncation and length +-1;
 * the PSK binders offset; version-dependent ServerHello legality; caps; random round trips. */
#include "harness.h"

#include "codec/codec_util.h"

static int parse_ch(const uint8_t *p, size_t n)
{
    struct gls_client_hello ch;
    gls_reader r = gls_reader_init(p, n);
    return gls_client_hello_parse(&r, &ch);
}

static int rewrite_ch(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_client_hello ch;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_client_hello_parse(&r, &ch));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_client_hello_write(&w, &ch));
    *len = w.len;
    return GLS_OK;
}

static int parse_sh(const uint8_t *p, size_t n)
{
    struct gls_server_hello sh;
    gls_reader r = gls_reader_init(p, n);
    return gls_server_hello_parse(&r, &sh);
}

static int rewrite_sh(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_server_hello sh;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_server_hello_parse(&r, &sh));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_server_hello_write(&w, &sh));
    *len = w.len;
    return GLS_OK;
}

static const char random_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/* legacy part of a ClientHello: version, random, session id, suites, compression */
static void ch_legacy(struct tb *t)
{
    tb_u16(t, GLS_TLS12);
    tb_hex(t, random_hex);
    tb_opaque(t, 1, "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    tb_opaque(t, 2, "1301 1302 c02f 00ff");
    tb_opaque(t, 1, "00");
}

/* supported_versions, key_share and pre_shared_key, by hand */
static void ch_exts(struct tb *t)
{
    tb_open(t, 2);
    tb_ext(t, GLS_EXT_SUPPORTED_VERSIONS);
    tb_opaque(t, 1, "0304");
    tb_close(t);
    tb_ext(t, GLS_EXT_KEY_SHARE);
    tb_open(t, 2);
    tb_u16(t, GLS_GROUP_X25519);
    tb_opaque(t, 2, "0102");
    tb_close(t);
    tb_close(t);
    tb_ext(t, GLS_EXT_PRE_SHARED_KEY);
    tb_open(t, 2);
    tb_str(t, 2, "ticket");
    tb_u32(t, 7);
    tb_close(t);
    tb_open(t, 2);
    tb_opaque(t, 1, "1111111111111111111111111111111111111111111111111111111111111111");
    tb_close(t);
    tb_close(t);
    tb_close(t);
}

TEST(client_hello_by_hand)
{
    struct tb t;
    tb_init(&t);
    ch_legacy(&t);
    size_t legacy_len = t.len;
    ch_exts(&t);

    struct gls_client_hello ch;
    memset(&ch, 0, sizeof ch);
    ch.legacy_version = GLS_TLS12;
    unhex(random_hex, ch.random, sizeof ch.random);
    ch.session_id = gls_bytes_of(t.buf + 2 + 32 + 1, 32);
    static const uint16_t suites[4] = {GLS_TLS_AES_128_GCM_SHA256, GLS_TLS_AES_256_GCM_SHA384,
                                       GLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                                       GLS_TLS_EMPTY_RENEGOTIATION_INFO_SCSV};
    uint8_t suites_body[8];
    ch.suites = gls_u16_list_put(suites_body, sizeof suites_body, suites, 4);
    ch.compression = gls_bytes_of("", 1);
    ch.has_exts = true;
    struct gls_exts *e = &ch.ext;
    e->present =
        1u << GLS_X_SUPPORTED_VERSIONS | 1u << GLS_X_KEY_SHARE | 1u << GLS_X_PRE_SHARED_KEY;
    e->versions = gls_bytes_of("\x03\x04", 2);
    e->shares = gls_bytes_of("\x00\x1d\x00\x02\x01\x02", 6);
    e->psk_ids = gls_bytes_of("\x00\x06ticket\x00\x00\x00\x07", 12);
    e->psk_binders = gls_bytes_of(t.buf + t.len - 33, 33);

    uint8_t out[1024];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_client_hello_write(&w, &ch));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(rewrites_exactly(rewrite_ch, t.buf, t.len));
    /* ending right after compression is a complete TLS 1.2 hello */
    const long ok_at[] = {(long)legacy_len, -1};
    CHECK(all_truncations_fail(parse_ch, t.buf, t.len, ok_at));
    CHECK(all_lengths_bent_fail(parse_ch, &t, 0, GLS_E_DECODE));

    struct gls_client_hello p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_client_hello_parse(&r, &p));
    CHECK_EQ(gls_u16_list_count(p.suites), 4);
    CHECK_EQ(p.suites.len, 8);
    CHECK(gls_u16_list_has(p.suites, GLS_TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
    CHECK(!gls_u16_list_has(p.suites, 0x5600));
    CHECK_EQ(p.session_id.len, 32);
    CHECK_EQ(p.binders_offset, t.len - 35);
    CHECK_EQ(gls_psk_binders_len(&p.ext), 35);
}

TEST(client_hello_12_without_extensions)
{
    struct tb t;
    tb_init(&t);
    ch_legacy(&t);
    struct gls_client_hello p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_client_hello_parse(&r, &p));
    CHECK(!p.has_exts);
    CHECK_EQ(p.ext.present, 0);
    CHECK(rewrites_exactly(rewrite_ch, t.buf, t.len));
    CHECK(all_truncations_fail(parse_ch, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_ch, &t, 0, GLS_E_DECODE));
    /* an empty block is kept as such */
    tb_opaque(&t, 2, "");
    CHECK(rewrites_exactly(rewrite_ch, t.buf, t.len));
}

TEST(client_hello_structure_errors)
{
    static const char *bad[] = {
        /* session id of 33 bytes */
        "0303"
        "%s"
        "21 000000000000000000000000000000000000000000000000000000000000000000"
        " 0002 1301 01 00",
        "0303"
        "%s"
        "00 0003 130113 01 00", /* odd suites length */
        "0303"
        "%s"
        "00 0000 01 00", /* no suites */
        "0303"
        "%s"
        "00 0002 1301 00", /* no compression methods */
        "0303"
        "%s"
        "00 0002 1301 01 00 00", /* one byte where a block should be */
        "0303"
        "%s"
        "00 0002 1301 01 00 0000 00", /* trailing byte after the block */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char hex[512];
        uint8_t buf[256];
        snprintf(hex, sizeof hex, bad[i], random_hex);
        size_t n = unhex(hex, buf, sizeof buf);
        int err = parse_ch(buf, n);
        if (err != GLS_E_DECODE) {
            FAIL("case %zu: %s", i, gls_error_name(err));
        }
    }
}

/* A browser-sized list: more suites than kept, all still checked and visible raw. */
TEST(client_hello_more_suites_than_kept)
{
    struct tb t;
    tb_init(&t);
    tb_u16(&t, GLS_TLS12);
    tb_hex(&t, random_hex);
    tb_opaque(&t, 1, "");
    tb_open(&t, 2);
    for (uint32_t i = 0; i < 100; i++) {
        tb_u16(&t, 0x1000 + i);
    }
    tb_close(&t);
    tb_opaque(&t, 1, "00");
    struct gls_client_hello p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_client_hello_parse(&r, &p));
    CHECK_EQ(gls_u16_list_count(p.suites), 100);
    CHECK_EQ(gls_u16_list_at(p.suites, 99), 0x1000 + 99);
    CHECK(gls_u16_list_has(p.suites, 0x1000 + 90));
}

static const char *const rfc = "rfc8448.txt";
static const char *const capture = "openssl_handshakes.txt";

TEST(rfc8448_client_hello)
{
    uint8_t m[1024];
    size_t n = load_vector(rfc, "client_hello", m, sizeof m);
    CHECK_EQ(n, 196);
    CHECK(hs_header_ok(m, n, GLS_HS_CLIENT_HELLO));
    CHECK(rewrites_exactly(rewrite_ch, m + 4, n - 4));
    struct gls_client_hello ch;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_client_hello_parse(&r, &ch));
    CHECK_EQ(ch.legacy_version, GLS_TLS12);
    CHECK_EQ(ch.random[0], 0xcb);
    CHECK_EQ(ch.session_id.len, 0);
    CHECK_EQ(gls_u16_list_count(ch.suites), 3);
    CHECK_EQ(gls_u16_list_at(ch.suites, 0), GLS_TLS_AES_128_GCM_SHA256);
    CHECK_EQ(gls_u16_list_at(ch.suites, 1), GLS_TLS_CHACHA20_POLY1305_SHA256);
    CHECK_EQ(gls_u16_list_at(ch.suites, 2), GLS_TLS_AES_256_GCM_SHA384);
    CHECK(ch.compression.len == 1 && ch.compression.p[0] == 0);
    const struct gls_exts *e = &ch.ext;
    CHECK_EQ(e->n_order, 9);
    CHECK(e->server_name.len == 6 && memcmp(e->server_name.p, "server", 6) == 0);
    CHECK(gls_exts_has(e, GLS_X_RENEGOTIATION_INFO) && e->renegotiation_info.len == 0);
    CHECK_EQ(gls_u16_list_count(e->groups), 9);
    CHECK_EQ(gls_u16_list_at(e->groups, 0), GLS_GROUP_X25519);
    CHECK_EQ(gls_u16_list_at(e->groups, 8), 0x0104); /* ffdhe8192 */
    CHECK(gls_exts_has(e, GLS_X_SESSION_TICKET) && e->session_ticket.len == 0);
    struct gls_key_share_entry ks;
    CHECK(gls_key_shares_find(e->shares, GLS_GROUP_X25519, &ks));
    CHECK_EQ(e->shares.len, 4 + 32);
    CHECK_HEX(ks.key.p, ks.key.len,
              "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c");
    CHECK_EQ(gls_u16_list_count(e->versions), 1);
    CHECK_EQ(gls_u16_list_at(e->versions, 0), GLS_TLS13);
    CHECK_EQ(gls_u16_list_count(e->sigalgs), 15);
    CHECK_EQ(gls_u16_list_at(e->sigalgs, 0), GLS_SIG_ECDSA_SECP256R1_SHA256);
    CHECK_EQ(gls_u16_list_at(e->sigalgs, 14), 0x0202); /* the legacy dsa_sha1 code point */
    CHECK(e->psk_modes.len == 1 && e->psk_modes.p[0] == GLS_PSK_DHE_KE);
    CHECK_EQ(e->record_size_limit, 0x4001);
    CHECK(!gls_exts_has(e, GLS_X_PRE_SHARED_KEY));
    CHECK_EQ(ch.binders_offset, 0);
}

TEST(rfc8448_resumed_client_hello_binders)
{
    uint8_t m[1024];
    size_t n = load_vector(rfc, "resumed_client_hello", m, sizeof m);
    CHECK_EQ(n, 512);
    CHECK(hs_header_ok(m, n, GLS_HS_CLIENT_HELLO));
    struct gls_client_hello ch;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_client_hello_parse(&r, &ch)); /* padding (21) is skipped */
    const struct gls_exts *e = &ch.ext;
    CHECK(gls_exts_has(e, GLS_X_EARLY_DATA));
    struct gls_psk_identity id;
    gls_reader ids = gls_reader_init(e->psk_ids.p, e->psk_ids.len);
    CHECK(gls_psk_ids_next(&ids, &id));
    CHECK_EQ(e->psk_ids_total, 1);
    CHECK_EQ(id.identity.len, 0xb2);
    CHECK_EQ(id.obfuscated_age, 0xfad6aacb);
    size_t n_binders = 0;
    gls_bytes b0 = gls_opaque8_first(e->psk_binders, &n_binders);
    CHECK_EQ(n_binders, 1);
    CHECK_HEX(b0.p, b0.len, "3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d");
    /* RFC 8448 §4: the binder hash covers the first 477 bytes (header included) */
    CHECK_EQ(4 + ch.binders_offset, 477);
    CHECK_EQ(ch.binders_offset + gls_psk_binders_len(e), n - 4);
    /* the ticket of the §3 NewSessionTicket is this identity */
    uint8_t t[512];
    size_t tn = load_vector(rfc, "new_session_ticket", t, sizeof t);
    CHECK(tn > 20 + 0xb2);
    CHECK(memcmp(t + 4 + 4 + 4 + 1 + 2 + 2, id.identity.p, 0xb2) == 0); /* nonce 0000 */
    /* re-written without the unknown padding extension, the binders stay the tail */
    uint8_t out[1024];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_client_hello_write(&w, &ch));
    CHECK_EQ(w.len, n - 4 - 4 - 0x57);
    CHECK(memcmp(out + w.len - 35, m + n - 35, 35) == 0);
}

TEST(openssl_client_hellos)
{
    uint8_t m[2048];
    size_t n = load_vector("openssl_client_hello.hex", "", m, sizeof m);
    CHECK_EQ(n, 328);
    CHECK(hs_header_ok(m, n, GLS_HS_CLIENT_HELLO));
    CHECK(rewrites_exactly(rewrite_ch, m + 4, n - 4));
    struct gls_client_hello ch;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_client_hello_parse(&r, &ch));
    CHECK_EQ(ch.session_id.len, 32); /* middlebox compatibility mode */
    CHECK_EQ(gls_u16_list_count(ch.suites), 31);
    CHECK_EQ(gls_u16_list_at(ch.suites, 0), GLS_TLS_AES_256_GCM_SHA384);
    CHECK_EQ(gls_u16_list_at(ch.suites, 30), GLS_TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    const struct gls_exts *e = &ch.ext;
    CHECK_EQ(e->n_order, 11);
    CHECK_EQ(e->order[0], GLS_X_SERVER_NAME);
    CHECK_EQ(e->order[10], GLS_X_KEY_SHARE);
    CHECK(e->server_name.len == 9 && memcmp(e->server_name.p, "localhost", 9) == 0);
    size_t n_alpn = 0;
    gls_bytes a0 = gls_opaque8_first(e->alpn, &n_alpn);
    CHECK_EQ(n_alpn, 2);
    CHECK(a0.len == 2 && memcmp(a0.p, "h2", 2) == 0);
    CHECK(gls_exts_has(e, GLS_X_ENCRYPT_THEN_MAC) && gls_exts_has(e, GLS_X_EXTENDED_MASTER_SECRET));
    CHECK_EQ(gls_u16_list_count(e->versions), 4);
    CHECK_EQ(gls_u16_list_at(e->versions, 0), GLS_TLS13);
    CHECK_EQ(gls_u16_list_count(e->sigalgs), 20);
    struct gls_key_share_entry ks;
    CHECK(gls_key_shares_find(e->shares, GLS_GROUP_X25519, &ks));
    CHECK_EQ(e->shares.len, 4 + 32);
    CHECK_EQ(ks.key.len, 32);
    CHECK_EQ(e->point_formats.len, 3);

    n = load_vector(capture, "tls12_ecdhe_c_client_hello", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_CLIENT_HELLO));
    CHECK(rewrites_exactly(rewrite_ch, m + 4, n - 4));
    r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_client_hello_parse(&r, &ch));
    CHECK_EQ(gls_u16_list_count(ch.suites), 2);
    CHECK_EQ(gls_u16_list_at(ch.suites, 0), GLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    CHECK(!gls_exts_has(&ch.ext, GLS_X_SUPPORTED_VERSIONS));
    CHECK(all_truncations_fail(parse_ch, m + 4, n - 4, (const long[]){2 + 32 + 1 + 6 + 2, -1}));
}

TEST(rfc8448_and_openssl_server_hellos)
{
    uint8_t m[1024];
    size_t n = load_vector(rfc, "server_hello", m, sizeof m);
    CHECK_EQ(n, 90);
    CHECK(hs_header_ok(m, n, GLS_HS_SERVER_HELLO));
    CHECK(rewrites_exactly(rewrite_sh, m + 4, n - 4));
    struct gls_server_hello sh;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_server_hello_parse(&r, &sh));
    CHECK(!sh.is_hrr);
    CHECK_EQ(sh.cipher_suite, GLS_TLS_AES_128_GCM_SHA256);
    CHECK_EQ(sh.compression, 0);
    CHECK_EQ(sh.ext.selected_version, GLS_TLS13);
    CHECK_EQ(sh.ext.share.group, GLS_GROUP_X25519);
    CHECK_HEX(sh.ext.share.key.p, sh.ext.share.key.len,
              "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
    CHECK(all_truncations_fail(parse_sh, m + 4, n - 4, (const long[]){2 + 32 + 1 + 3, -1}));

    static const char *const names[] = {"tls13_s_server_hello", "tls12_ecdhe_s_server_hello",
                                        "tls12_dhe_s_server_hello"};
    for (size_t i = 0; i < 3; i++) {
        n = load_vector(capture, names[i], m, sizeof m);
        CHECK(hs_header_ok(m, n, GLS_HS_SERVER_HELLO));
        CHECK(rewrites_exactly(rewrite_sh, m + 4, n - 4));
    }
    r = gls_reader_init(m + 4, n - 4); /* TLS 1.2 DHE */
    CHECK_OK(gls_server_hello_parse(&r, &sh));
    CHECK_EQ(sh.cipher_suite, GLS_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256);
    CHECK(gls_exts_has(&sh.ext, GLS_X_RENEGOTIATION_INFO));
    CHECK(gls_exts_has(&sh.ext, GLS_X_EXTENDED_MASTER_SECRET));
    CHECK(gls_exts_has(&sh.ext, GLS_X_SESSION_TICKET));
    CHECK(!gls_exts_has(&sh.ext, GLS_X_SUPPORTED_VERSIONS));
    /* RFC 8446 §4.1.3: a TLS 1.2 server sets DOWNGRD\x01 in its random's last 8 bytes */
    CHECK(memcmp(sh.random + 24, "DOWNGRD\x01", 8) == 0);
}

static void sh_legacy(struct tb *t, const char *random)
{
    tb_u16(t, GLS_TLS12);
    tb_hex(t, random);
    tb_opaque(t, 1, "aabb");
    tb_u16(t, GLS_TLS_AES_128_GCM_SHA256);
    tb_u8(t, 0);
}

TEST(hello_retry_request)
{
    struct tb t;
    tb_init(&t);
    uint8_t rnd[32];
    CHECK_EQ(unhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", rnd, 32),
             32);
    CHECK(memcmp(rnd, gls_hrr_random, 32) == 0); /* RFC 8446 §4.1.3 */
    sh_legacy(&t, "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_SUPPORTED_VERSIONS);
    tb_u16(&t, GLS_TLS13);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_KEY_SHARE);
    tb_u16(&t, GLS_GROUP_SECP256R1);
    tb_close(&t);
    tb_close(&t);

    struct gls_server_hello sh;
    memset(&sh, 0, sizeof sh);
    sh.legacy_version = GLS_TLS12;
    sh.is_hrr = true; /* the writer supplies the random */
    sh.session_id = gls_bytes_of("\xaa\xbb", 2);
    sh.cipher_suite = GLS_TLS_AES_128_GCM_SHA256;
    sh.has_exts = true;
    sh.ext.present = 1u << GLS_X_SUPPORTED_VERSIONS | 1u << GLS_X_KEY_SHARE;
    sh.ext.selected_version = GLS_TLS13;
    sh.ext.hrr_group = GLS_GROUP_SECP256R1;
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_server_hello_write(&w, &sh));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(rewrites_exactly(rewrite_sh, t.buf, t.len));
    CHECK(all_truncations_fail(parse_sh, t.buf, t.len, (const long[]){2 + 32 + 3 + 3, -1}));
    CHECK(all_lengths_bent_fail(parse_sh, &t, 0, GLS_E_DECODE));
    struct gls_server_hello p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_server_hello_parse(&r, &p));
    CHECK(p.is_hrr);
    CHECK_EQ(p.ext.hrr_group, GLS_GROUP_SECP256R1);
    /* HRR legality: no pre_shared_key, no ServerHello-form key_share */
    tb_init(&t);
    sh_legacy(&t, "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    tb_opaque(&t, 2, "0029 0002 0000");
    CHECK_ERR(parse_sh(t.buf, t.len), GLS_E_ILLEGAL_PARAMETER);
}

TEST(server_hello_legality_follows_the_version)
{
    struct tb t;
    /* supported_versions present: the TLS 1.3 row, so ec_point_formats is refused */
    tb_init(&t);
    sh_legacy(&t, random_hex);
    tb_opaque(&t, 2, "002b 0002 0304  000b 0002 0100");
    CHECK_ERR(parse_sh(t.buf, t.len), GLS_E_ILLEGAL_PARAMETER);
    /* absent: the TLS 1.2 row, so key_share is refused */
    tb_init(&t);
    sh_legacy(&t, random_hex);
    tb_opaque(&t, 2, "0033 0006 001d 0002 0102");
    CHECK_ERR(parse_sh(t.buf, t.len), GLS_E_ILLEGAL_PARAMETER);
    /* and unknown ones are refused in both */
    tb_init(&t);
    sh_legacy(&t, random_hex);
    tb_opaque(&t, 2, "fafa 0000");
    CHECK_ERR(parse_sh(t.buf, t.len), GLS_E_UNSUPPORTED_EXTENSION);
    /* a TLS 1.2 ServerHello with every 1.2 extension, and one with no block */
    tb_init(&t);
    sh_legacy(&t, random_hex);
    tb_opaque(&t, 2,
              "0000 0000  0005 0000  000b 0002 0100  0010 0005 0003 026832  0016 0000"
              "  0017 0000  001c 0002 4000  0023 0000  ff01 0001 00");
    CHECK(rewrites_exactly(rewrite_sh, t.buf, t.len));
    tb_init(&t);
    sh_legacy(&t, random_hex);
    CHECK(rewrites_exactly(rewrite_sh, t.buf, t.len));
    CHECK(all_truncations_fail(parse_sh, t.buf, t.len, NULL));
    tb_hex(&t, "00"); /* one stray byte */
    CHECK_ERR(parse_sh(t.buf, t.len), GLS_E_DECODE);
}

/* write -> parse -> write exact on random hellos of every kind. */
TEST(random_round_trips)
{
    static struct pool pl;
    static uint8_t a[70000];
    static uint8_t b[70000];
    struct rng g = {0x2545f4914f6cdd1dULL};
    for (int i = 0; i < 300; i++) {
        pl.used = 0;
        struct gls_client_hello ch;
        memset(&ch, 0, sizeof ch);
        ch.legacy_version = (uint16_t)rng_next(&g);
        ch.session_id = pool_bytes(&pl, &g, rng_range(&g, 0, 32));
        ch.suites = rand_u16s(&g, &pl, 64);
        ch.compression = pool_bytes(&pl, &g, rng_range(&g, 1, 5));
        ch.has_exts = rng_range(&g, 0, 7) != 0;
        if (ch.has_exts) {
            rand_exts(&g, &pl, GLS_CTX_CLIENT_HELLO, &ch.ext);
        }
        gls_writer w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_client_hello_write(&w, &ch));
        size_t len = 0;
        CHECK_OK(rewrite_ch(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));

        struct gls_server_hello sh;
        memset(&sh, 0, sizeof sh);
        gls_bytes rnd = pool_bytes(&pl, &g, 32);
        memcpy(sh.random, rnd.p, 32);
        sh.is_hrr = rng_range(&g, 0, 3) == 0;
        sh.session_id = pool_bytes(&pl, &g, rng_range(&g, 0, 32));
        sh.cipher_suite = (uint16_t)rng_next(&g);
        sh.compression = (uint8_t)rng_next(&g);
        sh.has_exts = sh.is_hrr || rng_range(&g, 0, 7) != 0;
        enum gls_ext_ctx ctx = sh.is_hrr      ? GLS_CTX_HRR
                               : rng_bool(&g) ? GLS_CTX_SERVER_HELLO
                                              : GLS_CTX_SERVER_HELLO_12;
        if (sh.has_exts) {
            rand_exts(&g, &pl, ctx, &sh.ext);
            if (ctx == GLS_CTX_SERVER_HELLO) {
                gls_exts_set(&sh.ext, GLS_X_SUPPORTED_VERSIONS);
                sh.ext.n_order = 0;
            }
        }
        w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_server_hello_write(&w, &sh));
        CHECK_OK(rewrite_sh(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));
    }
}
