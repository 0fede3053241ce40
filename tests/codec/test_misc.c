/* EncryptedExtensions, Finished, NewSessionTicket (both forms), KeyUpdate, ServerHelloDone,
 * HelloRequest and the handshake header (RFC 8446 §4, §4.3.1, §4.4.4, §4.6.1, §4.6.3;
 * RFC 5246 §7.4; RFC 5077 §3.3): hand encodings against the writer, RFC 8448 §3 and
 * OpenSSL-captured messages re-written byte for byte, truncations, lengths +-1, exact error
 * codes, and random round trips. */
#include "harness.h"

#include "codec/codec_util.h"

static int parse_ee(const uint8_t *p, size_t n)
{
    struct gls_encrypted_extensions ee;
    gls_reader r = gls_reader_init(p, n);
    return gls_encrypted_extensions_parse(&r, &ee);
}

static int rewrite_ee(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_encrypted_extensions ee;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_encrypted_extensions_parse(&r, &ee));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_encrypted_extensions_write(&w, &ee));
    *len = w.len;
    return GLS_OK;
}

static bool nst_tls13;

static int parse_nst(const uint8_t *p, size_t n)
{
    struct gls_new_session_ticket t;
    gls_reader r = gls_reader_init(p, n);
    return gls_new_session_ticket_parse(&r, nst_tls13, &t);
}

static int rewrite_nst(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_new_session_ticket t;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_new_session_ticket_parse(&r, nst_tls13, &t));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_new_session_ticket_write(&w, &t));
    *len = w.len;
    return GLS_OK;
}

static size_t finished_len;

static int parse_fin(const uint8_t *p, size_t n)
{
    struct gls_finished f;
    gls_reader r = gls_reader_init(p, n);
    return gls_finished_parse(&r, finished_len, &f);
}

static int rewrite_fin(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_finished f;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_finished_parse(&r, finished_len, &f));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_finished_write(&w, &f));
    *len = w.len;
    return GLS_OK;
}

static const char *const rfc = "rfc8448.txt";
static const char *const capture = "openssl_handshakes.txt";

TEST(encrypted_extensions)
{
    uint8_t m[512];
    size_t n = load_vector(rfc, "encrypted_extensions", m, sizeof m);
    CHECK_EQ(n, 40);
    CHECK(hs_header_ok(m, n, GLS_HS_ENCRYPTED_EXTENSIONS));
    CHECK(rewrites_exactly(rewrite_ee, m + 4, n - 4));
    CHECK(all_truncations_fail(parse_ee, m + 4, n - 4, NULL));
    struct gls_encrypted_extensions ee;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_encrypted_extensions_parse(&r, &ee));
    CHECK_EQ(ee.ext.n_order, 3);
    CHECK_EQ(ee.ext.order[2], GLS_X_SERVER_NAME); /* written back in wire order, not ours */
    CHECK_EQ(gls_u16_list_count(ee.ext.groups), 9);
    CHECK_EQ(gls_u16_list_at(ee.ext.groups, 0), GLS_GROUP_X25519);
    CHECK_EQ(ee.ext.record_size_limit, 0x4001);
    CHECK(gls_exts_has(&ee.ext, GLS_X_SERVER_NAME) && ee.ext.server_name.len == 0);

    n = load_vector(capture, "tls13_s_encrypted_extensions", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_ENCRYPTED_EXTENSIONS));
    CHECK(rewrites_exactly(rewrite_ee, m + 4, n - 4));
    CHECK_EQ(n - 4, 2);

    struct tb t;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_ALPN);
    tb_open(&t, 2);
    tb_str(&t, 1, "h2");
    tb_close(&t);
    tb_close(&t);
    tb_close(&t);
    memset(&ee, 0, sizeof ee);
    gls_exts_set(&ee.ext, GLS_X_ALPN);
    ee.ext.alpn = gls_bytes_of("\x02h2", 3);
    gls_writer w = gls_writer_init(m, sizeof m);
    CHECK_OK(gls_encrypted_extensions_write(&w, &ee));
    CHECK(same_bytes(m, w.len, t.buf, t.len));
    CHECK(all_lengths_bent_fail(parse_ee, &t, 0, GLS_E_DECODE));
    tb_hex(&t, "00"); /* a byte after the block */
    CHECK_ERR(parse_ee(t.buf, t.len), GLS_E_DECODE);
    /* key_share does not belong in EncryptedExtensions (RFC 8446 §4.2) */
    n = unhex("000a 0033 0006 001d 0002 0102", m, sizeof m);
    CHECK_ERR(parse_ee(m, n), GLS_E_ILLEGAL_PARAMETER);
}

TEST(finished)
{
    static const struct {
        const char *file;
        const char *name;
        size_t len;
    } cases[] = {
        {"rfc8448.txt", "server_finished", 32},
        {"rfc8448.txt", "client_finished", 32},
        {"openssl_handshakes.txt", "tls13_s_finished", 48}, /* TLS_AES_256_GCM_SHA384 */
        {"openssl_handshakes.txt", "tls12_ecdhe_c_finished", 12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t m[128];
        size_t n = load_vector(cases[i].file, cases[i].name, m, sizeof m);
        CHECK(hs_header_ok(m, n, GLS_HS_FINISHED));
        finished_len = cases[i].len;
        CHECK(rewrites_exactly(rewrite_fin, m + 4, n - 4));
        CHECK(all_truncations_fail(parse_fin, m + 4, n - 4, NULL));
        finished_len = cases[i].len - 1; /* a body longer than expected */
        CHECK_ERR(parse_fin(m + 4, n - 4), GLS_E_DECODE);
    }
    uint8_t m[64];
    size_t n = load_vector(rfc, "server_finished", m, sizeof m);
    struct gls_finished f;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_finished_parse(&r, 32, &f));
    CHECK_HEX(f.verify_data.p, f.verify_data.len,
              "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
}

TEST(new_session_ticket13)
{
    uint8_t m[512];
    size_t n = load_vector(rfc, "new_session_ticket", m, sizeof m);
    CHECK_EQ(n, 205);
    CHECK(hs_header_ok(m, n, GLS_HS_NEW_SESSION_TICKET));
    nst_tls13 = true;
    CHECK(rewrites_exactly(rewrite_nst, m + 4, n - 4));
    CHECK(all_truncations_fail(parse_nst, m + 4, n - 4, NULL));
    struct gls_new_session_ticket t;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_new_session_ticket_parse(&r, true, &t));
    CHECK_EQ(t.lifetime, 30);
    CHECK_EQ(t.age_add, 0xfad6aac5);
    CHECK_HEX(t.nonce.p, t.nonce.len, "0000");
    CHECK_EQ(t.ticket.len, 0xb2);
    CHECK_HEX(t.ticket.p, 4, "2c035d82");
    CHECK(gls_exts_has(&t.ext, GLS_X_EARLY_DATA));
    CHECK_EQ(t.ext.max_early_data, 0x400);

    n = load_vector(capture, "tls13_s_new_session_ticket", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_NEW_SESSION_TICKET));
    CHECK(rewrites_exactly(rewrite_nst, m + 4, n - 4));
    r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_new_session_ticket_parse(&r, true, &t));
    CHECK_EQ(t.lifetime, 7200);
    CHECK_EQ(t.nonce.len, 8);
    CHECK_EQ(t.ext.present, 0);

    struct tb b;
    tb_init(&b);
    tb_u32(&b, 3600);
    tb_u32(&b, 0x01020304);
    tb_opaque(&b, 1, "01");
    tb_opaque(&b, 2, "7469636b6574");
    tb_open(&b, 2);
    tb_ext(&b, GLS_EXT_EARLY_DATA);
    tb_u32(&b, 16384);
    tb_close(&b);
    tb_close(&b);
    memset(&t, 0, sizeof t);
    t.tls13 = true;
    t.lifetime = 3600;
    t.age_add = 0x01020304;
    t.nonce = gls_bytes_of("\x01", 1);
    t.ticket = gls_bytes_of("ticket", 6);
    gls_exts_set(&t.ext, GLS_X_EARLY_DATA);
    t.ext.max_early_data = 16384;
    gls_writer w = gls_writer_init(m, sizeof m);
    CHECK_OK(gls_new_session_ticket_write(&w, &t));
    CHECK(same_bytes(m, w.len, b.buf, b.len));
    CHECK(all_lengths_bent_fail(parse_nst, &b, 0, GLS_E_DECODE));
    n = unhex("00000e10 00000000 00 0000 0000", m, sizeof m); /* ticket<1..2^16-1> */
    CHECK_ERR(parse_nst(m, n), GLS_E_DECODE);
    n = unhex("00000e10 00000000 00 0001 74 0004 fafa 0000", m, sizeof m); /* unknown: ignored */
    CHECK_OK(parse_nst(m, n));
}

TEST(new_session_ticket12)
{
    uint8_t m[512];
    size_t n = load_vector(capture, "tls12_ecdhe_s_new_session_ticket", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_NEW_SESSION_TICKET));
    nst_tls13 = false;
    CHECK(rewrites_exactly(rewrite_nst, m + 4, n - 4));
    CHECK(all_truncations_fail(parse_nst, m + 4, n - 4, NULL));
    struct gls_new_session_ticket t;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_new_session_ticket_parse(&r, false, &t));
    CHECK_EQ(t.lifetime, 7200);
    CHECK_EQ(t.ticket.len, 0xb0);

    struct tb b;
    tb_init(&b);
    tb_u32(&b, 100);
    tb_opaque(&b, 2, "aabbcc");
    memset(&t, 0, sizeof t);
    t.lifetime = 100;
    t.ticket = gls_bytes_of("\xaa\xbb\xcc", 3);
    gls_writer w = gls_writer_init(m, sizeof m);
    CHECK_OK(gls_new_session_ticket_write(&w, &t));
    CHECK(same_bytes(m, w.len, b.buf, b.len));
    CHECK(all_lengths_bent_fail(parse_nst, &b, 0, GLS_E_DECODE));
    n = unhex("00000000 0000", m, sizeof m); /* RFC 5077 §3.3: an empty ticket is allowed */
    CHECK_OK(parse_nst(m, n));
}

TEST(key_update)
{
    uint8_t m[4] = {0, 1, 2, 0xff};
    struct gls_key_update ku;
    gls_reader r = gls_reader_init(m, 1);
    CHECK_OK(gls_key_update_parse(&r, &ku));
    CHECK_EQ(ku.request_update, 0);
    r = gls_reader_init(m + 1, 1);
    CHECK_OK(gls_key_update_parse(&r, &ku));
    CHECK_EQ(ku.request_update, 1);
    r = gls_reader_init(m + 2, 1);
    CHECK_ERR(gls_key_update_parse(&r, &ku), GLS_E_ILLEGAL_PARAMETER);
    r = gls_reader_init(m + 3, 1);
    CHECK_ERR(gls_key_update_parse(&r, &ku), GLS_E_ILLEGAL_PARAMETER);
    r = gls_reader_init(m, 0);
    CHECK_ERR(gls_key_update_parse(&r, &ku), GLS_E_DECODE);
    r = gls_reader_init(m, 2);
    CHECK_ERR(gls_key_update_parse(&r, &ku), GLS_E_DECODE);
    uint8_t out[4];
    gls_writer w = gls_writer_init(out, sizeof out);
    ku.request_update = 1;
    CHECK_OK(gls_key_update_write(&w, &ku));
    CHECK_HEX(out, w.len, "01");
}

TEST(empty_bodies_and_header)
{
    uint8_t m[8] = {0};
    gls_reader r = gls_reader_init(m, 0);
    CHECK_OK(gls_server_hello_done_parse(&r));
    r = gls_reader_init(m, 0);
    CHECK_OK(gls_hello_request_parse(&r));
    r = gls_reader_init(m, 1);
    CHECK_ERR(gls_server_hello_done_parse(&r), GLS_E_DECODE);
    r = gls_reader_init(m, 1);
    CHECK_ERR(gls_hello_request_parse(&r), GLS_E_DECODE);
    size_t n = load_vector(capture, "tls12_ecdhe_s_server_hello_done", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_SERVER_HELLO_DONE));
    CHECK_EQ(n, 4);

    uint8_t out[8];
    gls_writer w = gls_writer_init(out, sizeof out);
    gls_hs_header_write(&w, GLS_HS_CERTIFICATE, 0x0102ab);
    CHECK_OK(gls_writer_result(&w));
    CHECK_HEX(out, w.len, "0b 0102ab");
    w = gls_writer_init(out, sizeof out);
    gls_hs_header_write(&w, GLS_HS_CERTIFICATE, 0x1000000);
    CHECK_ERR(gls_writer_result(&w), GLS_E_INTERNAL);
    uint8_t type = 0;
    uint32_t len = 0;
    w = gls_writer_init(out, sizeof out);
    gls_hs_header_write(&w, GLS_HS_FINISHED, 32);
    r = gls_reader_init(out, 4);
    CHECK_OK(gls_hs_header_parse(&r, &type, &len));
    CHECK_EQ(type, GLS_HS_FINISHED);
    CHECK_EQ(len, 32);
    for (size_t k = 0; k < 4; k++) {
        r = gls_reader_init(out, k);
        CHECK_ERR(gls_hs_header_parse(&r, &type, &len), GLS_E_DECODE);
    }
}

TEST(random_round_trips)
{
    static struct pool pl;
    static uint8_t a[70000];
    static uint8_t b[70000];
    struct rng g = {0x5851f42d4c957f2dULL};
    for (int i = 0; i < 300; i++) {
        pl.used = 0;
        size_t len = 0;
        struct gls_new_session_ticket t;
        memset(&t, 0, sizeof t);
        t.tls13 = rng_bool(&g);
        nst_tls13 = t.tls13;
        t.lifetime = (uint32_t)rng_next(&g);
        t.ticket = pool_bytes(&pl, &g, rng_range(&g, t.tls13 ? 1 : 0, 400));
        if (t.tls13) {
            t.age_add = (uint32_t)rng_next(&g);
            t.nonce = pool_bytes(&pl, &g, rng_range(&g, 0, 255));
            rand_exts(&g, &pl, GLS_CTX_NEW_SESSION_TICKET, &t.ext);
        }
        gls_writer w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_new_session_ticket_write(&w, &t));
        CHECK_OK(rewrite_nst(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));

        struct gls_encrypted_extensions ee;
        rand_exts(&g, &pl, GLS_CTX_ENCRYPTED_EXTENSIONS, &ee.ext);
        w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_encrypted_extensions_write(&w, &ee));
        CHECK_OK(rewrite_ee(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));

        struct gls_finished f = {pool_bytes(&pl, &g, rng_range(&g, 12, 64))};
        finished_len = f.verify_data.len;
        w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_finished_write(&w, &f));
        CHECK_OK(rewrite_fin(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));
    }
}
