/* The extension block (RFC 8446 §4.2): every extension in every message form, hand-encoded
 * from the RFC presentation language and compared byte for byte with the writer; parse ->
 * write exact; every truncation and every length +-1 is a decode error; duplicates,
 * per-message legality, pre_shared_key last, unknown extensions, caps, canonical order and
 * the PSK binder helpers; and a fixed-seed random round trip per message context. */
#include "harness.h"

#include "codec/codec_util.h"

/* Parses one extension block for ctx and requires the input to be used up. */
static int parse_block(enum gls_ext_ctx ctx, const uint8_t *p, size_t n, struct gls_exts *e)
{
    gls_reader r = gls_reader_init(p, n);
    int err = gls_exts_parse(&r, ctx, e);
    if (err == GLS_OK && !gls_reader_done(&r)) {
        err = GLS_E_DECODE;
    }
    return err;
}

static int rewrite_block(enum gls_ext_ctx ctx, const uint8_t *p, size_t n, uint8_t *out, size_t cap,
                         size_t *out_len)
{
    struct gls_exts e;
    TRY(parse_block(ctx, p, n, &e));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_exts_write(&w, ctx, &e));
    *out_len = w.len;
    return GLS_OK;
}

#define CTX_WRAPPERS(name, ctx)                                                                    \
    static int parse_##name(const uint8_t *p, size_t n)                                            \
    {                                                                                              \
        struct gls_exts e;                                                                         \
        return parse_block(ctx, p, n, &e);                                                         \
    }                                                                                              \
    static int rewrite_##name(const uint8_t *p, size_t n, uint8_t *o, size_t c, size_t *l)         \
    {                                                                                              \
        return rewrite_block(ctx, p, n, o, c, l);                                                  \
    }

CTX_WRAPPERS(ch, GLS_CTX_CLIENT_HELLO)
CTX_WRAPPERS(sh, GLS_CTX_SERVER_HELLO)
CTX_WRAPPERS(hrr, GLS_CTX_HRR)
CTX_WRAPPERS(sh12, GLS_CTX_SERVER_HELLO_12)
CTX_WRAPPERS(ee, GLS_CTX_ENCRYPTED_EXTENSIONS)
CTX_WRAPPERS(cr, GLS_CTX_CERTIFICATE_REQUEST)
CTX_WRAPPERS(ct, GLS_CTX_CERTIFICATE)
CTX_WRAPPERS(nst, GLS_CTX_NEW_SESSION_TICKET)

static const uint8_t binder[32] = {0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb,
                                   0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
                                   0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0};

/* Every ClientHello extension, in canonical order, by hand from the RFCs' structs. The
 * caller opens and closes the block. */
static void ch_block_head(struct tb *t)
{
    tb_ext(t, GLS_EXT_SERVER_NAME); /* RFC 6066 §3 */
    tb_open(t, 2);
    tb_u8(t, 0);
    tb_str(t, 2, "example.com");
    tb_close(t);
    tb_close(t);
    tb_ext(t, GLS_EXT_STATUS_REQUEST); /* RFC 6066 §8 */
    tb_u8(t, 1);
    tb_open(t, 2);
    tb_str(t, 2, "abc");
    tb_close(t);
    tb_opaque(t, 2, "");
    tb_close(t);
    tb_ext(t, GLS_EXT_SUPPORTED_GROUPS);
    tb_opaque(t, 2, "001d 0017 0100");
    tb_close(t);
    tb_ext(t, GLS_EXT_EC_POINT_FORMATS);
    tb_opaque(t, 1, "00");
    tb_close(t);
    tb_ext(t, GLS_EXT_SIGNATURE_ALGORITHMS);
    tb_opaque(t, 2, "0804 0403 0807");
    tb_close(t);
    tb_ext(t, GLS_EXT_SIGNATURE_ALGORITHMS_CERT);
    tb_opaque(t, 2, "0401");
    tb_close(t);
    tb_ext(t, GLS_EXT_ALPN); /* RFC 7301 §3.1 */
    tb_open(t, 2);
    tb_str(t, 1, "h2");
    tb_str(t, 1, "http/1.1");
    tb_close(t);
    tb_close(t);
    tb_ext(t, GLS_EXT_ENCRYPT_THEN_MAC);
    tb_close(t);
    tb_ext(t, GLS_EXT_EXTENDED_MASTER_SECRET);
    tb_close(t);
    tb_ext(t, GLS_EXT_RECORD_SIZE_LIMIT);
    tb_u16(t, 0x4001);
    tb_close(t);
}

/* ... continued: session_ticket to pre_shared_key. */
static void ch_block_tail(struct tb *t)
{
    tb_ext(t, GLS_EXT_SESSION_TICKET); /* RFC 5077 §3.2: the ticket is the whole data */
    tb_hex(t, "7469636b");
    tb_close(t);
    tb_ext(t, GLS_EXT_CERTIFICATE_AUTHORITIES);
    tb_open(t, 2);
    tb_opaque(t, 2, "300a3108");
    tb_close(t);
    tb_close(t);
    tb_ext(t, GLS_EXT_RENEGOTIATION_INFO);
    tb_opaque(t, 1, "");
    tb_close(t);
    tb_ext(t, GLS_EXT_SUPPORTED_VERSIONS);
    tb_opaque(t, 1, "0304 0303");
    tb_close(t);
    tb_ext(t, GLS_EXT_COOKIE);
    tb_opaque(t, 2, "c00c1e");
    tb_close(t);
    tb_ext(t, GLS_EXT_PSK_KEY_EXCHANGE_MODES);
    tb_opaque(t, 1, "01");
    tb_close(t);
    tb_ext(t, GLS_EXT_KEY_SHARE);
    tb_open(t, 2);
    tb_u16(t, GLS_GROUP_X25519);
    tb_opaque(t, 2, "01020304");
    tb_u16(t, GLS_GROUP_SECP256R1);
    tb_opaque(t, 2, "040506");
    tb_close(t);
    tb_close(t);
    tb_ext(t, GLS_EXT_EARLY_DATA);
    tb_close(t);
    tb_ext(t, GLS_EXT_PRE_SHARED_KEY);
    tb_open(t, 2);
    tb_str(t, 2, "id01");
    tb_u32(t, 0x01020304);
    tb_close(t);
    tb_open(t, 2);
    tb_open(t, 1);
    tb_bytes(t, binder, sizeof binder);
    tb_close(t);
    tb_close(t);
    tb_close(t);
}

static void ch_block(struct tb *t)
{
    tb_open(t, 2);
    ch_block_head(t);
    ch_block_tail(t);
    tb_close(t);
}

static const uint8_t rid[] = {0, 3, 'a', 'b', 'c'};
static const uint8_t dn[] = {0, 4, 0x30, 0x0a, 0x31, 0x08};

/* List bodies as the wire has them (struct gls_exts keeps views of them). */
static uint8_t shares_body[] = {0x00, 0x1d, 0, 4, 1, 2, 3, 4, 0x00, 0x17, 0, 3, 4, 5, 6};
static uint8_t psk_ids_body[] = {0, 4, 'i', 'd', '0', '1', 1, 2, 3, 4};
static uint8_t binders_body[33];

static void ch_struct(struct gls_exts *e)
{
    memset(e, 0, sizeof *e);
    binders_body[0] = 32;
    memcpy(binders_body + 1, binder, 32);
    e->present = (1u << GLS_X_COUNT) - 1;
    e->server_name = gls_bytes_of("example.com", 11);
    e->status_type = 1;
    e->ocsp_responder_ids = gls_bytes_of(rid, sizeof rid);
    e->groups = gls_bytes_of("\x00\x1d\x00\x17\x01\x00", 6);
    e->point_formats = gls_bytes_of("\x00", 1);
    e->sigalgs = gls_bytes_of("\x08\x04\x04\x03\x08\x07", 6);
    e->sigalgs_cert = gls_bytes_of("\x04\x01", 2);
    e->alpn = gls_bytes_of("\x02h2\x08http/1.1", 12);
    e->record_size_limit = 0x4001;
    e->session_ticket = gls_bytes_of("tick", 4);
    e->cert_authorities = gls_bytes_of(dn, sizeof dn);
    e->renegotiation_info = gls_bytes_of(NULL, 0);
    e->versions = gls_bytes_of("\x03\x04\x03\x03", 4);
    e->cookie = gls_bytes_of("\xc0\x0c\x1e", 3);
    e->psk_modes = gls_bytes_of("\x01", 1);
    e->shares = gls_bytes_of(shares_body, sizeof shares_body);
    e->psk_ids = gls_bytes_of(psk_ids_body, sizeof psk_ids_body);
    e->psk_binders = gls_bytes_of(binders_body, sizeof binders_body);
}

/* The writer on a struct gives the hand encoding; parse -> write gives it back; every
 * truncation and every length +-1 is a decode error. */
static bool block_checks(enum gls_ext_ctx ctx, const struct gls_exts *e, const struct tb *t,
                         parse_fn parse, rewrite_fn rewrite)
{
    uint8_t out[2048];
    gls_writer w = gls_writer_init(out, sizeof out);
    if (gls_exts_write(&w, ctx, e) != GLS_OK) {
        fprintf(stderr, "  write failed\n");
        return false;
    }
    return same_bytes(out, w.len, t->buf, t->len) && rewrites_exactly(rewrite, t->buf, t->len) &&
           all_truncations_fail(parse, t->buf, t->len, NULL) &&
           all_lengths_bent_fail(parse, t, 0, GLS_E_DECODE);
}

TEST(client_hello_block_every_extension)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    ch_block(&t);
    ch_struct(&e);
    CHECK(block_checks(GLS_CTX_CLIENT_HELLO, &e, &t, parse_ch, rewrite_ch));

    struct gls_exts p;
    CHECK_OK(parse_block(GLS_CTX_CLIENT_HELLO, t.buf, t.len, &p));
    CHECK_EQ(p.present, (1u << GLS_X_COUNT) - 1);
    CHECK_EQ(p.n_order, GLS_X_COUNT);
    CHECK(p.server_name.len == 11 && memcmp(p.server_name.p, "example.com", 11) == 0);
    CHECK_EQ(p.status_type, 1);
    CHECK_EQ(p.ocsp_responder_ids.len, 5);
    CHECK_EQ(p.ocsp_request_exts.len, 0);
    CHECK_EQ(gls_u16_list_count(p.groups), 3);
    CHECK_EQ(gls_u16_list_at(p.groups, 2), GLS_GROUP_FFDHE2048);
    CHECK_EQ(p.point_formats.len, 1);
    CHECK_EQ(gls_u16_list_count(p.sigalgs), 3);
    CHECK_EQ(gls_u16_list_at(p.sigalgs, 2), GLS_SIG_ED25519);
    CHECK_EQ(gls_u16_list_count(p.sigalgs_cert), 1);
    size_t n_alpn = 0;
    gls_bytes first = gls_opaque8_first(p.alpn, &n_alpn);
    CHECK_EQ(n_alpn, 2);
    CHECK(first.len == 2 && memcmp(first.p, "h2", 2) == 0);
    CHECK_EQ(p.record_size_limit, 0x4001);
    CHECK(p.session_ticket.len == 4 && memcmp(p.session_ticket.p, "tick", 4) == 0);
    CHECK_EQ(p.cert_authorities.len, 6);
    CHECK_EQ(p.renegotiation_info.len, 0);
    CHECK_EQ(gls_u16_list_count(p.versions), 2);
    CHECK_EQ(gls_u16_list_at(p.versions, 0), GLS_TLS13);
    CHECK_EQ(p.cookie.len, 3);
    CHECK(p.psk_modes.len == 1 && gls_u8_list_has(p.psk_modes, GLS_PSK_DHE_KE));
    struct gls_key_share_entry ks;
    CHECK(gls_key_shares_find(p.shares, GLS_GROUP_SECP256R1, &ks));
    CHECK_EQ(ks.key.len, 3);
    CHECK(!gls_key_shares_find(p.shares, GLS_GROUP_SECP384R1, &ks));
    struct gls_psk_identity id;
    gls_reader it = gls_reader_init(p.psk_ids.p, p.psk_ids.len);
    CHECK(gls_psk_ids_next(&it, &id));
    CHECK_EQ(id.obfuscated_age, 0x01020304);
    CHECK(!gls_psk_ids_next(&it, &id));
    CHECK_EQ(p.psk_ids_total, 1);
    CHECK_EQ(p.psk_binders_total, 1);
    size_t n_binders = 0;
    gls_bytes b0 = gls_opaque8_first(p.psk_binders, &n_binders);
    CHECK(n_binders == 1 && b0.len == 32 && memcmp(b0.p, binder, 32) == 0);
    /* the binders list is the last 2 + 1 + 32 bytes */
    CHECK(p.psk_binders_at == t.buf + t.len - 35);
    CHECK_EQ(gls_psk_binders_len(&p), 35);
}

static void sh13_block(struct tb *t)
{
    tb_open(t, 2);
    tb_ext(t, GLS_EXT_SUPPORTED_VERSIONS);
    tb_u16(t, GLS_TLS13);
    tb_close(t);
    tb_ext(t, GLS_EXT_KEY_SHARE);
    tb_u16(t, GLS_GROUP_X25519);
    tb_opaque(t, 2, "aabbccdd");
    tb_close(t);
    tb_ext(t, GLS_EXT_PRE_SHARED_KEY);
    tb_u16(t, 0);
    tb_close(t);
    tb_close(t);
}

TEST(server_hello_block)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    sh13_block(&t);
    memset(&e, 0, sizeof e);
    gls_exts_set(&e, GLS_X_SUPPORTED_VERSIONS);
    gls_exts_set(&e, GLS_X_KEY_SHARE);
    gls_exts_set(&e, GLS_X_PRE_SHARED_KEY);
    e.selected_version = GLS_TLS13;
    e.share.group = GLS_GROUP_X25519;
    e.share.key = gls_bytes_of("\xaa\xbb\xcc\xdd", 4);
    CHECK(block_checks(GLS_CTX_SERVER_HELLO, &e, &t, parse_sh, rewrite_sh));
    struct gls_exts p;
    CHECK_OK(parse_block(GLS_CTX_SERVER_HELLO, t.buf, t.len, &p));
    CHECK_EQ(p.selected_version, GLS_TLS13);
    CHECK_EQ(p.share.group, GLS_GROUP_X25519);
    CHECK_EQ(p.share.key.len, 4);
    CHECK_EQ(p.psk_selected, 0);
}

TEST(hello_retry_request_block)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_SUPPORTED_VERSIONS);
    tb_u16(&t, GLS_TLS13);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_COOKIE);
    tb_opaque(&t, 2, "0102030405");
    tb_close(&t);
    tb_ext(&t, GLS_EXT_KEY_SHARE);
    tb_u16(&t, GLS_GROUP_SECP384R1);
    tb_close(&t);
    tb_close(&t);
    memset(&e, 0, sizeof e);
    e.present = 1u << GLS_X_SUPPORTED_VERSIONS | 1u << GLS_X_COOKIE | 1u << GLS_X_KEY_SHARE;
    e.selected_version = GLS_TLS13;
    e.cookie = gls_bytes_of("\x01\x02\x03\x04\x05", 5);
    e.hrr_group = GLS_GROUP_SECP384R1;
    CHECK(block_checks(GLS_CTX_HRR, &e, &t, parse_hrr, rewrite_hrr));
    struct gls_exts p;
    CHECK_OK(parse_block(GLS_CTX_HRR, t.buf, t.len, &p));
    CHECK_EQ(p.hrr_group, GLS_GROUP_SECP384R1);
    CHECK_EQ(p.share.key.len, 0);
}

/* Every TLS 1.2 ServerHello extension, in canonical order. */
TEST(server_hello_12_block)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_SERVER_NAME); /* RFC 6066 §3: empty */
    tb_close(&t);
    tb_ext(&t, GLS_EXT_STATUS_REQUEST); /* RFC 6066 §8: empty */
    tb_close(&t);
    tb_ext(&t, GLS_EXT_EC_POINT_FORMATS);
    tb_opaque(&t, 1, "00 01 02");
    tb_close(&t);
    tb_ext(&t, GLS_EXT_ALPN);
    tb_open(&t, 2);
    tb_str(&t, 1, "h2");
    tb_close(&t);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_ENCRYPT_THEN_MAC);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_EXTENDED_MASTER_SECRET);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_RECORD_SIZE_LIMIT);
    tb_u16(&t, 0x0200);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_SESSION_TICKET);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_RENEGOTIATION_INFO); /* RFC 5746 §3.2 */
    tb_opaque(&t, 1, "0102 0304 0506 0708 090a 0b0c 0d0e 0f10 1112 1314 1516 1718");
    tb_close(&t);
    tb_close(&t);
    memset(&e, 0, sizeof e);
    e.present = 1u << GLS_X_SERVER_NAME | 1u << GLS_X_STATUS_REQUEST |
                1u << GLS_X_EC_POINT_FORMATS | 1u << GLS_X_ALPN | 1u << GLS_X_ENCRYPT_THEN_MAC |
                1u << GLS_X_EXTENDED_MASTER_SECRET | 1u << GLS_X_RECORD_SIZE_LIMIT |
                1u << GLS_X_SESSION_TICKET | 1u << GLS_X_RENEGOTIATION_INFO;
    e.point_formats = gls_bytes_of("\x00\x01\x02", 3);
    e.alpn = gls_bytes_of("\x02h2", 3);
    e.record_size_limit = 0x200;
    static const uint8_t verify[24] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                       13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
    e.renegotiation_info = gls_bytes_of(verify, sizeof verify);
    CHECK(block_checks(GLS_CTX_SERVER_HELLO_12, &e, &t, parse_sh12, rewrite_sh12));
    CHECK(block_checks(GLS_CTX_SERVER_HELLO_ANY, &e, &t, parse_sh12, rewrite_sh12));
}

TEST(encrypted_extensions_block)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_SERVER_NAME);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_SUPPORTED_GROUPS);
    tb_opaque(&t, 2, "001d");
    tb_close(&t);
    tb_ext(&t, GLS_EXT_ALPN);
    tb_open(&t, 2);
    tb_str(&t, 1, "http/1.1");
    tb_close(&t);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_RECORD_SIZE_LIMIT);
    tb_u16(&t, 0x4001);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_EARLY_DATA);
    tb_close(&t);
    tb_close(&t);
    memset(&e, 0, sizeof e);
    e.present = 1u << GLS_X_SERVER_NAME | 1u << GLS_X_SUPPORTED_GROUPS | 1u << GLS_X_ALPN |
                1u << GLS_X_RECORD_SIZE_LIMIT | 1u << GLS_X_EARLY_DATA;
    e.groups = gls_bytes_of("\x00\x1d", 2);
    e.alpn = gls_bytes_of("\x08http/1.1", 9);
    e.record_size_limit = 0x4001;
    CHECK(block_checks(GLS_CTX_ENCRYPTED_EXTENSIONS, &e, &t, parse_ee, rewrite_ee));
}

TEST(certificate_request_block)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_STATUS_REQUEST); /* RFC 8446 §4.4.2.1: empty in CertificateRequest */
    tb_close(&t);
    tb_ext(&t, GLS_EXT_SIGNATURE_ALGORITHMS);
    tb_opaque(&t, 2, "0403 0804");
    tb_close(&t);
    tb_ext(&t, GLS_EXT_SIGNATURE_ALGORITHMS_CERT);
    tb_opaque(&t, 2, "0401");
    tb_close(&t);
    tb_ext(&t, GLS_EXT_CERTIFICATE_AUTHORITIES);
    tb_open(&t, 2);
    tb_opaque(&t, 2, "300a3108");
    tb_close(&t);
    tb_close(&t);
    tb_close(&t);
    memset(&e, 0, sizeof e);
    e.present = 1u << GLS_X_STATUS_REQUEST | 1u << GLS_X_SIGNATURE_ALGORITHMS |
                1u << GLS_X_SIGNATURE_ALGORITHMS_CERT | 1u << GLS_X_CERTIFICATE_AUTHORITIES;
    e.sigalgs = gls_bytes_of("\x04\x03\x08\x04", 4);
    e.sigalgs_cert = gls_bytes_of("\x04\x01", 2);
    e.cert_authorities = gls_bytes_of(dn, sizeof dn);
    CHECK(block_checks(GLS_CTX_CERTIFICATE_REQUEST, &e, &t, parse_cr, rewrite_cr));
}

TEST(certificate_entry_and_ticket_blocks)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_STATUS_REQUEST); /* CertificateStatus: ocsp, OCSPResponse<1..2^24-1> */
    tb_u8(&t, 1);
    tb_opaque(&t, 3, "30 03 0a 01 00");
    tb_close(&t);
    tb_close(&t);
    memset(&e, 0, sizeof e);
    gls_exts_set(&e, GLS_X_STATUS_REQUEST);
    e.status_type = 1;
    e.ocsp_response = gls_bytes_of("\x30\x03\x0a\x01\x00", 5);
    CHECK(block_checks(GLS_CTX_CERTIFICATE, &e, &t, parse_ct, rewrite_ct));

    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_EARLY_DATA); /* RFC 8446 §4.2.10: max_early_data_size */
    tb_u32(&t, 0x4000);
    tb_close(&t);
    tb_close(&t);
    memset(&e, 0, sizeof e);
    gls_exts_set(&e, GLS_X_EARLY_DATA);
    e.max_early_data = 0x4000;
    CHECK(block_checks(GLS_CTX_NEW_SESSION_TICKET, &e, &t, parse_nst, rewrite_nst));
}

/* Builds a block from hex of whole extensions (type, length, data) and parses it. */
static int parse_hex_block(enum gls_ext_ctx ctx, const char *exts_hex)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_opaque(&t, 2, exts_hex);
    return parse_block(ctx, t.buf, t.len, &e);
}

TEST(duplicates)
{
    /* RFC 8446 §4.2: no type twice, known or unknown, in any message */
    CHECK_ERR(parse_hex_block(GLS_CTX_CLIENT_HELLO, "000a 0004 0002 001d  000a 0004 0002 0017"),
              GLS_E_DUPLICATE_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_CLIENT_HELLO, "fafa 0000  0017 0000  fafa 0001 00"),
              GLS_E_DUPLICATE_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_ENCRYPTED_EXTENSIONS, "0000 0000 0000 0000"),
              GLS_E_DUPLICATE_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_CERTIFICATE_REQUEST, "1234 0000 1234 0000"),
              GLS_E_DUPLICATE_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO, "002b 0002 0304  002b 0002 0304"),
              GLS_E_DUPLICATE_EXTENSION);
}

TEST(legality_per_message)
{
    /* a known extension outside its RFC 8446 §4.2 row */
    CHECK_ERR(parse_hex_block(GLS_CTX_ENCRYPTED_EXTENSIONS, "0033 0006 001d 0002 aabb"),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_ENCRYPTED_EXTENSIONS, "002b 0002 0304"),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO, "000a 0004 0002 001d"),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO, "000b 0002 0100"), GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO_12, "0033 0006 001d 0002 aabb"),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_HRR, "0029 0002 0000"), GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_CERTIFICATE, "000d 0004 0002 0403"), GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_NEW_SESSION_TICKET, "0033 0002 001d"),
              GLS_E_ILLEGAL_PARAMETER);
    CHECK_ERR(parse_hex_block(GLS_CTX_CERTIFICATE_REQUEST, "0010 0005 0003 026832"),
              GLS_E_ILLEGAL_PARAMETER);
    /* unknown: skipped where the receiver ignores them, refused in responses */
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "fafa 0001 00  0015 0003 000000"));
    CHECK_OK(parse_hex_block(GLS_CTX_CERTIFICATE_REQUEST, "001b 0000  000d 0004 0002 0403"));
    CHECK_OK(parse_hex_block(GLS_CTX_NEW_SESSION_TICKET, "7a7a 0000"));
    CHECK_ERR(parse_hex_block(GLS_CTX_ENCRYPTED_EXTENSIONS, "fafa 0000"),
              GLS_E_UNSUPPORTED_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO, "0012 0000"), GLS_E_UNSUPPORTED_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO_12, "3374 0000"), GLS_E_UNSUPPORTED_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_HRR, "fafa 0000"), GLS_E_UNSUPPORTED_EXTENSION);
    CHECK_ERR(parse_hex_block(GLS_CTX_CERTIFICATE, "0012 0000"), GLS_E_UNSUPPORTED_EXTENSION);

    struct gls_exts e;
    memset(&e, 0, sizeof e);
    gls_exts_set(&e, GLS_X_KEY_SHARE);
    CHECK_ERR(gls_exts_check(&e, GLS_CTX_ENCRYPTED_EXTENSIONS), GLS_E_ILLEGAL_PARAMETER);
    CHECK_OK(gls_exts_check(&e, GLS_CTX_HRR));
    uint8_t buf[64];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    CHECK_ERR(gls_exts_write(&w, GLS_CTX_ENCRYPTED_EXTENSIONS, &e), GLS_E_INTERNAL);
}

TEST(unknown_extensions_are_skipped_in_client_hello)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_opaque(&t, 2, "0a0a 0000  000a 0004 0002 001d  0015 0004 00000000  1a1a 0001 00");
    CHECK_OK(parse_block(GLS_CTX_CLIENT_HELLO, t.buf, t.len, &e));
    CHECK_EQ(e.present, 1u << GLS_X_SUPPORTED_GROUPS);
    CHECK_EQ(e.n_order, 1);
    CHECK_EQ(gls_u16_list_at(e.groups, 0), GLS_GROUP_X25519);
}

TEST(pre_shared_key_must_be_last)
{
    static const char psk[] = "0029 002f 000a 0004 69643031 01020304 0021 20"
                              "0000000000000000000000000000000000000000000000000000000000000000";
    char hex[512];
    snprintf(hex, sizeof hex, "%s  0017 0000", psk);
    CHECK_ERR(parse_hex_block(GLS_CTX_CLIENT_HELLO, hex), GLS_E_ILLEGAL_PARAMETER);
    snprintf(hex, sizeof hex, "%s  fafa 0000", psk); /* even before an unknown one */
    CHECK_ERR(parse_hex_block(GLS_CTX_CLIENT_HELLO, hex), GLS_E_ILLEGAL_PARAMETER);
    snprintf(hex, sizeof hex, "0017 0000  %s", psk);
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, hex));
}

TEST(structural_rules_are_decode_errors)
{
    static const struct {
        enum gls_ext_ctx ctx;
        const char *hex;
    } bad[] = {
        {GLS_CTX_CLIENT_HELLO, "0000 0005 0003 00 0000"},               /* empty host_name */
        {GLS_CTX_CLIENT_HELLO, "0000 0002 0000"},                       /* empty list */
        {GLS_CTX_ENCRYPTED_EXTENSIONS, "0000 0001 00"},                 /* server's is empty */
        {GLS_CTX_CLIENT_HELLO, "0010 0005 0003 02 6832 00"},            /* trailing byte */
        {GLS_CTX_CLIENT_HELLO, "0010 0003 0001 00"},                    /* empty ALPN name */
        {GLS_CTX_ENCRYPTED_EXTENSIONS, "0010 0008 0006 026832 026833"}, /* server: two names */
        {GLS_CTX_CLIENT_HELLO, "000a 0005 0003 001d 00"},               /* odd u16 list */
        {GLS_CTX_CLIENT_HELLO, "000a 0002 0000"},                       /* empty groups */
        {GLS_CTX_CLIENT_HELLO, "000d 0002 0000"},                       /* empty sigalgs */
        {GLS_CTX_CLIENT_HELLO, "002b 0003 02 0304 00"},                 /* trailing byte */
        {GLS_CTX_CLIENT_HELLO, "002b 0001 00"},                         /* no versions */
        {GLS_CTX_CLIENT_HELLO, "002d 0001 00"},                         /* no psk modes */
        {GLS_CTX_CLIENT_HELLO, "002c 0002 0000"},                       /* empty cookie */
        {GLS_CTX_CLIENT_HELLO, "0016 0001 00"},                         /* etm has no data */
        {GLS_CTX_CLIENT_HELLO, "0017 0001 00"},                         /* ems has no data */
        {GLS_CTX_CLIENT_HELLO, "002a 0001 00"},                         /* early_data in CH */
        {GLS_CTX_CLIENT_HELLO, "001c 0001 40"},                         /* short u16 */
        {GLS_CTX_CLIENT_HELLO, "0005 0005 02 0000 0000"},               /* status_type 2 */
        {GLS_CTX_CLIENT_HELLO, "0005 0007 01 0002 0000 0000"},          /* empty ResponderID */
        {GLS_CTX_CERTIFICATE, "0005 0004 01 000000"},                   /* empty OCSPResponse */
        {GLS_CTX_SERVER_HELLO_12, "0023 0001 00"},                      /* server's ticket ext */
        {GLS_CTX_CLIENT_HELLO, "002f 0004 0002 0000"},                  /* authorities < 3 */
        {GLS_CTX_CLIENT_HELLO, "002f 0005 0003 0000 00"},               /* empty DN */
        {GLS_CTX_CLIENT_HELLO, "ff01 0002 0200"},                       /* short opaque8 */
        {GLS_CTX_NEW_SESSION_TICKET, "002a 0002 0000"},                 /* short u32 */
        {GLS_CTX_HRR, "0033 0003 001d 00"},                             /* group + junk */
        /* pre_shared_key: identities < 7 bytes, binder < 32 bytes, no binders */
        {GLS_CTX_CLIENT_HELLO, "0029 0008 0000 0004 0020 1f 00"},
        {GLS_CTX_CLIENT_HELLO, "0029 0014 000a 0004 69643031 01020304 0006 05 0102030405"},
        {GLS_CTX_CLIENT_HELLO, "0029 000e 000a 0004 69643031 01020304 0000"},
        {GLS_CTX_CLIENT_HELLO, "0029 0010 000c 0000 01020304 0000 01020304 0000"}, /* no id */
        {GLS_CTX_CLIENT_HELLO, "000a 0004 0002 001d 00"}, /* block: trailing byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int err = parse_hex_block(bad[i].ctx, bad[i].hex);
        if (err != GLS_E_DECODE) {
            FAIL("case %zu (%s): %s", i, bad[i].hex, gls_error_name(err));
        }
    }
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "0010 0004 0002 01 00"));
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "0033 0002 0000")); /* no shares: legal */
    /* well formed; what they mean is the handshake's to refuse (RFC 6066 §3: illegal_parameter
     * for two host_names; an empty key_exchange is not a public value; TLS 1.3 ignores
     * ec_point_formats, a TLS 1.2 server refuses an empty one) */
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "0000 0008 0006 01 0003 616263"));
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "0000 000a 0008 00 0001 61 00 0001 62"));
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "0033 0006 0004 001d 0000"));
    CHECK_OK(parse_hex_block(GLS_CTX_SERVER_HELLO, "0033 0004 001d 0000"));
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "000b 0001 00"));
    CHECK_ERR(parse_hex_block(GLS_CTX_SERVER_HELLO_12, "000b 0001 00"), GLS_E_DECODE);
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, "0023 0000")); /* no ticket: legal */
    CHECK_OK(parse_hex_block(GLS_CTX_CLIENT_HELLO, ""));
}

/* Long lists are kept whole (views of the wire bytes): every item is checked and reachable. */
TEST(lists_kept_whole)
{
    struct tb t;
    struct gls_exts e;
    tb_init(&t);
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_SUPPORTED_GROUPS);
    tb_open(&t, 2);
    for (int i = 0; i < 40; i++) {
        tb_u16(&t, 0x100 + (uint32_t)i);
    }
    tb_close(&t);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_KEY_SHARE);
    tb_open(&t, 2);
    for (int i = 0; i < 10; i++) {
        tb_u16(&t, (uint32_t)i);
        tb_opaque(&t, 2, "01");
    }
    tb_close(&t);
    tb_close(&t);
    tb_ext(&t, GLS_EXT_PRE_SHARED_KEY);
    tb_open(&t, 2);
    for (int i = 0; i < 6; i++) {
        tb_str(&t, 2, "id");
        tb_u32(&t, (uint32_t)i);
    }
    tb_close(&t);
    tb_open(&t, 2);
    for (int i = 0; i < 5; i++) {
        tb_open(&t, 1);
        tb_bytes(&t, binder, sizeof binder);
        tb_close(&t);
    }
    tb_close(&t);
    tb_close(&t);
    tb_close(&t);
    CHECK_OK(parse_block(GLS_CTX_CLIENT_HELLO, t.buf, t.len, &e));
    CHECK_EQ(gls_u16_list_count(e.groups), 40);
    CHECK(gls_u16_list_has(e.groups, 0x100 + 39));
    struct gls_key_share_entry ks;
    CHECK(gls_key_shares_find(e.shares, 9, &ks)); /* the tenth share */
    CHECK_EQ(e.psk_ids_total, 6);
    CHECK_EQ(e.psk_binders_total, 5);
    /* a bad item at the end is found */
    t.buf[t.len - 33] = 31; /* the 5th binder: shorter than 32 */
    CHECK_ERR(parse_block(GLS_CTX_CLIENT_HELLO, t.buf, t.len, &e), GLS_E_DECODE);
}

TEST(write_order_canonical_and_psk_last)
{
    struct gls_exts e;
    uint8_t buf[256];
    memset(&e, 0, sizeof e);
    gls_exts_set(&e, GLS_X_EXTENDED_MASTER_SECRET);
    gls_exts_set(&e, GLS_X_SERVER_NAME);
    gls_exts_set(&e, GLS_X_PRE_SHARED_KEY);
    gls_exts_set(&e, GLS_X_ENCRYPT_THEN_MAC);
    e.server_name = gls_bytes_of("a", 1);
    e.psk_ids = gls_bytes_of("\x00\x01i\x00\x00\x00\x00", 7);
    uint8_t b[33] = {32};
    memcpy(b + 1, binder, 32);
    e.psk_binders = gls_bytes_of(b, sizeof b);
    gls_writer w = gls_writer_init(buf, sizeof buf);
    CHECK_OK(gls_exts_write(&w, GLS_CTX_CLIENT_HELLO, &e));
    CHECK_HEX(buf, w.len,
              "0042 0000 0006 0004 00 0001 61  0016 0000  0017 0000"
              "  0029 002c 0007 0001 69 00000000 0021 20"
              "b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0");
    /* a wanted order is kept, except that pre_shared_key still goes last */
    e.order[0] = GLS_X_PRE_SHARED_KEY;
    e.order[1] = GLS_X_EXTENDED_MASTER_SECRET;
    e.n_order = 2;
    w = gls_writer_init(buf, sizeof buf);
    CHECK_OK(gls_exts_write(&w, GLS_CTX_CLIENT_HELLO, &e));
    CHECK_HEX(buf, w.len,
              "0042 0017 0000  0000 0006 0004 00 0001 61  0016 0000"
              "  0029 002c 0007 0001 69 00000000 0021 20"
              "b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0");
    /* the binder helpers: the tail of the block, rewritable in place */
    CHECK_EQ(gls_psk_binders_len(&e), 35);
    static const uint8_t other[33] = {32, 7};
    e.psk_binders = gls_bytes_of(other, sizeof other);
    gls_writer tail = gls_writer_init(buf + w.len - 35, 35);
    CHECK_OK(gls_psk_binders_write(&tail, &e));
    CHECK_EQ(tail.len, 35);
    CHECK_HEX(buf + w.len - 35, 35,
              "0021 20 0700000000000000000000000000000000000000000000000000000000000000");
    /* the writer refuses a full buffer */
    w = gls_writer_init(buf, 10);
    CHECK_ERR(gls_exts_write(&w, GLS_CTX_CLIENT_HELLO, &e), GLS_E_INTERNAL);
}

/* Go's testing/quick idea: random blocks for every context, write -> parse -> write exact. */
TEST(random_round_trips)
{
    static struct pool pl;
    struct rng g = {0x9e3779b97f4a7c15ULL};
    static uint8_t a[70000];
    static uint8_t b[70000];
    for (int ctx = 0; ctx < GLS_CTX_COUNT; ctx++) {
        for (int i = 0; i < 150; i++) {
            struct gls_exts e;
            struct gls_exts p;
            pl.used = 0;
            rand_exts(&g, &pl, (enum gls_ext_ctx)ctx, &e);
            gls_writer w = gls_writer_init(a, sizeof a);
            CHECK_OK(gls_exts_write(&w, (enum gls_ext_ctx)ctx, &e));
            CHECK_OK(parse_block((enum gls_ext_ctx)ctx, a, w.len, &p));
            CHECK_EQ(p.present, e.present);
            gls_writer w2 = gls_writer_init(b, sizeof b);
            CHECK_OK(gls_exts_write(&w2, (enum gls_ext_ctx)ctx, &p));
            CHECK(same_bytes(b, w2.len, a, w.len));
            if (i % 10 == 0) { /* a few full truncation sweeps */
                struct gls_exts q;
                for (size_t k = 0; k < w.len; k++) {
                    if (parse_block((enum gls_ext_ctx)ctx, a, k, &q) != GLS_E_DECODE) {
                        FAIL("ctx %d: prefix %zu of %zu parsed", ctx, k, w.len);
                    }
                }
            }
        }
    }
}
