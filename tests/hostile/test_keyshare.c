/* Malformed key shares, table-driven (RFC 8446 §4.2.8, RFC 7919 §5.1, RFC 7748
 * §6, FIPS 203 §7.2, draft-ietf-tls-ecdhe-mlkem): for every group, a scripted
 * peer sends a share that is too short, too long, empty, zero, one, p-1, p, a
 * point off the curve or not uncompressed, a share of another group under this
 * group's label, an ML-KEM key failing the modulus check, or a hybrid with a
 * bad classical half. Our server (for a ClientHello share) and our client (for
 * a ServerHello share) must fail with the exact error and send exactly the
 * plaintext alert 15 03 03 00 02 02 2f (illegal_parameter), an empty key_exchange
 * included (an invalid public value, as tlsfuzzer expects; a broken length is
 * decode_error). A valid share in the same position is the control row. */
#include <string.h>

#include "harness.h"

#include "base/bytes.h"
#include "base/wire.h"
#include "crypto/crypto.h"
#include "crypto/mlkem.h"
#include "msg/msg.h"

#define A_ILLEGAL_PARAMETER 47
#define A_DECODE_ERROR      50

enum mutation {
    M_VALID,      /* control: the share as made */
    M_SHORT,      /* one byte cut */
    M_LONG,       /* one zero byte added */
    M_EMPTY,      /* key_exchange of length 0: not a public value, illegal_parameter */
    M_ZERO,       /* all bytes zero: 0 (FFDHE), the zero u (X25519/X448), not a point (EC) */
    M_ONE,        /* the value 1 (FFDHE) or u = 1, a small-order point (X25519/X448) */
    M_P_MINUS_1,  /* FFDHE p - 1 */
    M_P,          /* FFDHE p */
    M_OFF_CURVE,  /* EC: last byte of y changed */
    M_COMPRESSED, /* EC: the 0x02 prefix of the compressed form, same length */
    M_MODULUS,    /* ML-KEM key (alone or in a hybrid) with a coefficient equal to q */
    M_EC_HALF,    /* hybrid: its classical half zeroed */
    M_OTHER,      /* a valid share of `other` under this group's label */
};

struct row {
    uint16_t group;
    enum mutation m;
    uint16_t other;
    int err; /* expected error; GLS_OK for control rows */
};

#define BAD GLS_E_BAD_KEY_SHARE

/* Shares a client sends, as the server sees them. */
static const struct row server_rows[] = {
    {GLS_GROUP_X25519, M_VALID, 0, GLS_OK},
    {GLS_GROUP_X25519, M_SHORT, 0, BAD},
    {GLS_GROUP_X25519, M_LONG, 0, BAD},
    {GLS_GROUP_X25519, M_EMPTY, 0, BAD},
    {GLS_GROUP_X25519, M_ZERO, 0, BAD},
    {GLS_GROUP_X25519, M_ONE, 0, BAD},
    {GLS_GROUP_X25519, M_OTHER, GLS_GROUP_X448, BAD},
    {GLS_GROUP_X448, M_VALID, 0, GLS_OK},
    {GLS_GROUP_X448, M_SHORT, 0, BAD},
    {GLS_GROUP_X448, M_LONG, 0, BAD},
    {GLS_GROUP_X448, M_EMPTY, 0, BAD},
    {GLS_GROUP_X448, M_ZERO, 0, BAD},
    {GLS_GROUP_X448, M_ONE, 0, BAD},
    {GLS_GROUP_X448, M_OTHER, GLS_GROUP_X25519, BAD},
    {GLS_GROUP_SECP256R1, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP256R1, M_SHORT, 0, BAD},
    {GLS_GROUP_SECP256R1, M_LONG, 0, BAD},
    {GLS_GROUP_SECP256R1, M_EMPTY, 0, BAD},
    {GLS_GROUP_SECP256R1, M_ZERO, 0, BAD},
    {GLS_GROUP_SECP256R1, M_OFF_CURVE, 0, BAD},
    {GLS_GROUP_SECP256R1, M_COMPRESSED, 0, BAD},
    {GLS_GROUP_SECP256R1, M_OTHER, GLS_GROUP_SECP384R1, BAD},
    {GLS_GROUP_SECP384R1, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP384R1, M_SHORT, 0, BAD},
    {GLS_GROUP_SECP384R1, M_OFF_CURVE, 0, BAD},
    {GLS_GROUP_SECP384R1, M_COMPRESSED, 0, BAD},
    {GLS_GROUP_SECP384R1, M_OTHER, GLS_GROUP_SECP256R1, BAD},
    {GLS_GROUP_SECP521R1, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP521R1, M_SHORT, 0, BAD},
    {GLS_GROUP_SECP521R1, M_LONG, 0, BAD},
    {GLS_GROUP_SECP521R1, M_EMPTY, 0, BAD},
    {GLS_GROUP_SECP521R1, M_ZERO, 0, BAD},
    {GLS_GROUP_SECP521R1, M_OFF_CURVE, 0, BAD},
    {GLS_GROUP_SECP521R1, M_COMPRESSED, 0, BAD},
    {GLS_GROUP_SECP521R1, M_OTHER, GLS_GROUP_SECP384R1, BAD},
    {GLS_GROUP_FFDHE2048, M_VALID, 0, GLS_OK},
    {GLS_GROUP_FFDHE2048, M_SHORT, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_LONG, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_EMPTY, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_ZERO, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_ONE, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_P_MINUS_1, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_P, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_OTHER, GLS_GROUP_FFDHE3072, BAD},
    {GLS_GROUP_FFDHE3072, M_ONE, 0, BAD},
    {GLS_GROUP_FFDHE3072, M_P_MINUS_1, 0, BAD},
    {GLS_GROUP_FFDHE3072, M_P, 0, BAD},
    {GLS_GROUP_FFDHE3072, M_OTHER, GLS_GROUP_FFDHE2048, BAD},
    {GLS_GROUP_FFDHE4096, M_VALID, 0, GLS_OK},
    {GLS_GROUP_FFDHE4096, M_ZERO, 0, BAD},
    {GLS_GROUP_FFDHE4096, M_P_MINUS_1, 0, BAD},
    {GLS_GROUP_FFDHE6144, M_VALID, 0, GLS_OK},
    {GLS_GROUP_FFDHE6144, M_ONE, 0, BAD},
    {GLS_GROUP_FFDHE6144, M_P, 0, BAD},
    {GLS_GROUP_FFDHE6144, M_SHORT, 0, BAD},
    {GLS_GROUP_FFDHE8192, M_VALID, 0, GLS_OK},
    {GLS_GROUP_FFDHE8192, M_ZERO, 0, BAD},
    {GLS_GROUP_FFDHE8192, M_P_MINUS_1, 0, BAD},
    {GLS_GROUP_FFDHE8192, M_P, 0, BAD},
    {GLS_GROUP_FFDHE8192, M_LONG, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_VALID, 0, GLS_OK},
    {GLS_GROUP_X25519MLKEM768, M_SHORT, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_LONG, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_EMPTY, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_ZERO, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_MODULUS, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_EC_HALF, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_OTHER, GLS_GROUP_SECP256R1MLKEM768, BAD},
    {GLS_GROUP_X25519MLKEM768, M_OTHER, GLS_GROUP_MLKEM768, BAD},
    {GLS_GROUP_X25519MLKEM768, M_OTHER, GLS_GROUP_X25519, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP256R1MLKEM768, M_SHORT, 0, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_LONG, 0, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_ZERO, 0, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_MODULUS, 0, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_EC_HALF, 0, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_OTHER, GLS_GROUP_X25519MLKEM768, BAD},
    {GLS_GROUP_MLKEM768, M_VALID, 0, GLS_OK},
    {GLS_GROUP_MLKEM768, M_SHORT, 0, BAD},
    {GLS_GROUP_MLKEM768, M_LONG, 0, BAD},
    {GLS_GROUP_MLKEM768, M_EMPTY, 0, BAD},
    {GLS_GROUP_MLKEM768, M_MODULUS, 0, BAD},
    {GLS_GROUP_MLKEM768, M_OTHER, GLS_GROUP_MLKEM1024, BAD},
    {GLS_GROUP_MLKEM1024, M_VALID, 0, GLS_OK},
    {GLS_GROUP_MLKEM1024, M_SHORT, 0, BAD},
    {GLS_GROUP_MLKEM1024, M_MODULUS, 0, BAD},
    {GLS_GROUP_MLKEM1024, M_OTHER, GLS_GROUP_MLKEM768, BAD},
};

/* Shares a server sends, as our client sees them. (An ML-KEM ciphertext has
 * no invalid values: a wrong one decapsulates to the implicit-rejection
 * secret and the handshake fails later, at Finished.) */
static const struct row client_rows[] = {
    {GLS_GROUP_X25519, M_VALID, 0, GLS_OK},
    {GLS_GROUP_X25519, M_SHORT, 0, BAD},
    {GLS_GROUP_X25519, M_EMPTY, 0, BAD},
    {GLS_GROUP_X25519, M_ZERO, 0, BAD},
    {GLS_GROUP_X25519, M_ONE, 0, BAD},
    {GLS_GROUP_X448, M_VALID, 0, GLS_OK},
    {GLS_GROUP_X448, M_LONG, 0, BAD},
    {GLS_GROUP_X448, M_ONE, 0, BAD},
    {GLS_GROUP_X448, M_OTHER, GLS_GROUP_X25519, BAD},
    {GLS_GROUP_SECP256R1, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP256R1, M_OFF_CURVE, 0, BAD},
    {GLS_GROUP_SECP256R1, M_COMPRESSED, 0, BAD},
    {GLS_GROUP_SECP256R1, M_EMPTY, 0, BAD},
    {GLS_GROUP_SECP521R1, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP521R1, M_OFF_CURVE, 0, BAD},
    {GLS_GROUP_SECP521R1, M_OTHER, GLS_GROUP_SECP256R1, BAD},
    {GLS_GROUP_FFDHE2048, M_VALID, 0, GLS_OK},
    {GLS_GROUP_FFDHE2048, M_ZERO, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_ONE, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_P_MINUS_1, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_P, 0, BAD},
    {GLS_GROUP_FFDHE2048, M_SHORT, 0, BAD},
    {GLS_GROUP_FFDHE8192, M_VALID, 0, GLS_OK},
    {GLS_GROUP_FFDHE8192, M_P_MINUS_1, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_VALID, 0, GLS_OK},
    {GLS_GROUP_X25519MLKEM768, M_SHORT, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_LONG, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_EMPTY, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_EC_HALF, 0, BAD},
    {GLS_GROUP_X25519MLKEM768, M_OTHER, GLS_GROUP_X25519, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_VALID, 0, GLS_OK},
    {GLS_GROUP_SECP256R1MLKEM768, M_EC_HALF, 0, BAD},
    {GLS_GROUP_SECP256R1MLKEM768, M_OTHER, GLS_GROUP_X25519MLKEM768, BAD},
    {GLS_GROUP_MLKEM768, M_VALID, 0, GLS_OK},
    {GLS_GROUP_MLKEM768, M_SHORT, 0, BAD},
    {GLS_GROUP_MLKEM1024, M_LONG, 0, BAD},
};

static const uint16_t all_groups[] = {
    GLS_GROUP_X25519MLKEM768, GLS_GROUP_SECP256R1MLKEM768,
    GLS_GROUP_MLKEM768,       GLS_GROUP_MLKEM1024,
    GLS_GROUP_X25519,         GLS_GROUP_X448,
    GLS_GROUP_SECP256R1,      GLS_GROUP_SECP384R1,
    GLS_GROUP_SECP521R1,      GLS_GROUP_FFDHE2048,
    GLS_GROUP_FFDHE3072,      GLS_GROUP_FFDHE4096,
    GLS_GROUP_FFDHE6144,      GLS_GROUP_FFDHE8192,
};

static const char *const names[] = {"localhost"};

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        abort();
    }
    return c;
}

/* Applies the row's mutation to a valid share of row->group (or of
 * row->other) in buf[0..*len). */
static void mutate(const struct row *r, uint8_t *buf, size_t *len)
{
    gls_bytes p, g;
    size_t n = *len;
    gls_kex_kind kind = gls_kex_group_kind(r->group);
    switch (r->m) {
    case M_VALID:
    case M_OTHER:
        break;
    case M_SHORT:
        *len = n - 1;
        break;
    case M_LONG:
        buf[n] = 0;
        *len = n + 1;
        break;
    case M_EMPTY:
        *len = 0;
        break;
    case M_ZERO:
        memset(buf, 0, n);
        break;
    case M_ONE: /* big-endian 1 for FFDHE, little-endian u = 1 for X25519/X448 */
        memset(buf, 0, n);
        buf[kind == GLS_KEX_FFDH ? n - 1 : 0] = 1;
        break;
    case M_P_MINUS_1:
    case M_P:
        if (gls_ffdhe_params(r->group, &p, &g) != GLS_OK) {
            abort();
        }
        memcpy(buf, p.p, p.len);
        buf[p.len - 1] = (uint8_t)(buf[p.len - 1] - (r->m == M_P_MINUS_1)); /* p ends in 0xff */
        break;
    case M_OFF_CURVE:
        buf[n - 1] ^= 1;
        break;
    case M_COMPRESSED:
        buf[0] = 0x02;
        break;
    case M_MODULUS: { /* the first coefficient of the ML-KEM key becomes q = 0xd01 */
        size_t off = r->group == GLS_GROUP_SECP256R1MLKEM768 ? 65 : 0;
        buf[off] = 0x01;
        buf[off + 1] = (uint8_t)((buf[off + 1] & 0xf0) | 0x0d);
        break;
    }
    case M_EC_HALF: /* X25519MLKEM768: X25519 last; SecP256r1MLKEM768: P-256 first */
        if (r->group == GLS_GROUP_X25519MLKEM768) {
            memset(buf + n - 32, 0, 32);
        } else {
            memset(buf, 0, 65);
        }
        break;
    }
}

static int feed(gls_conn *c, const uint8_t *p, size_t n)
{
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(c, &room);
    if (n > room) {
        abort();
    }
    memcpy(in, p, n);
    return gls_conn_net_in_done(c, n);
}

/* One record holding one handshake message. */
static size_t handshake_record(uint8_t *out, size_t cap, uint8_t type, const uint8_t *body,
                               size_t n)
{
    gls_writer w = gls_writer_init(out, cap);
    gls_write_u8(&w, GLS_CT_HANDSHAKE);
    gls_write_u16(&w, 0x0303);
    gls_mark rec = gls_write_open(&w, 2);
    gls_write_u8(&w, type);
    gls_write_opaque24(&w, body, n);
    gls_write_close(&w, rec);
    if (gls_writer_result(&w) != GLS_OK) {
        abort();
    }
    return w.len;
}

/* A TLS 1.3 ClientHello listing `group` with one share for it. */
static size_t client_hello(uint8_t *out, size_t cap, uint16_t group, const uint8_t *share,
                           size_t len)
{
    static uint8_t body[4096];
    gls_writer w = gls_writer_init(body, sizeof body);
    gls_write_u16(&w, 0x0303);
    for (int i = 0; i < 32; i++) {
        gls_write_u8(&w, 0x5c); /* random */
    }
    gls_write_u8(&w, 0); /* session id */
    gls_write_u16(&w, 2);
    gls_write_u16(&w, 0x1301);
    gls_write_u8(&w, 1);
    gls_write_u8(&w, 0);
    gls_mark exts = gls_write_open(&w, 2);
    gls_write_u16(&w, GLS_EXT_SUPPORTED_VERSIONS);
    gls_write_u16(&w, 3);
    gls_write_u8(&w, 2);
    gls_write_u16(&w, 0x0304);
    gls_write_u16(&w, GLS_EXT_SUPPORTED_GROUPS);
    gls_write_u16(&w, 4);
    gls_write_u16(&w, 2);
    gls_write_u16(&w, group);
    gls_write_u16(&w, GLS_EXT_SIGNATURE_ALGORITHMS);
    gls_write_u16(&w, 4);
    gls_write_u16(&w, 2);
    gls_write_u16(&w, GLS_SIG_ECDSA_SECP256R1_SHA256);
    gls_write_u16(&w, GLS_EXT_KEY_SHARE);
    gls_mark e = gls_write_open(&w, 2);
    gls_mark list = gls_write_open(&w, 2);
    gls_write_u16(&w, group);
    gls_write_opaque16(&w, share, len);
    gls_write_close(&w, list);
    gls_write_close(&w, e);
    gls_write_close(&w, exts);
    if (gls_writer_result(&w) != GLS_OK) {
        abort();
    }
    return handshake_record(out, cap, GLS_HS_CLIENT_HELLO, body, w.len);
}

/* Exactly the plaintext fatal alert 15 03 03 00 02 02 <alert> is queued. */
static bool plain_alert(gls_conn *c, uint8_t alert)
{
    size_t len = 0;
    const uint8_t want[7] = {21, 3, 3, 0, 2, 2, alert};
    const uint8_t *out = gls_conn_net_out(c, &len);
    return len == sizeof want && memcmp(out, want, sizeof want) == 0;
}

/* A share of `group` made by our own code: a client's, or a server's answer to `peer`. */
static size_t make_share(uint16_t group, bool server, const uint8_t *peer, size_t peer_len,
                         uint8_t *out)
{
    size_t n = 0;
    static gls_kex_secret s;
    gls_kex *k = NULL;
    if (server) {
        if (gls_kex_respond(crypto(), group, NULL, peer, peer_len, out, GLS_KEX_MAX_SHARE, &n,
                            &s) != GLS_OK) {
            abort();
        }
        return n;
    }
    if (gls_kex_new(crypto(), group, NULL, &k) != GLS_OK ||
        gls_kex_public(k, out, GLS_KEX_MAX_SHARE, &n) != GLS_OK) {
        abort();
    }
    gls_kex_free(k);
    return n;
}

static bool row_ok(gls_conn *c, int got, const struct row *r)
{
    if (got != r->err || gls_conn_error(c) != r->err) {
        fprintf(stderr, "  group %04x mutation %d: got %s, wanted %s\n", r->group, (int)r->m,
                gls_error_name(got), gls_error_name(r->err));
        return false;
    }
    uint8_t alert = r->err == GLS_E_DECODE ? A_DECODE_ERROR : A_ILLEGAL_PARAMETER;
    if (r->err != GLS_OK && !plain_alert(c, alert)) {
        fprintf(stderr, "  group %04x mutation %d: not exactly the expected alert\n", r->group,
                (int)r->m);
        return false;
    }
    return true;
}

TEST(server_refuses_every_malformed_client_share)
{
    gls_config *cfg = gls_config_new();
    CHECK(cfg != NULL && gls_config_add_generated_cert(cfg, names, 1, 1, NULL) == GLS_OK);
    CHECK_OK(gls_config_set_groups(cfg, all_groups, sizeof all_groups / sizeof all_groups[0]));
    static uint8_t share[GLS_KEX_MAX_SHARE + 1], rec[8192];
    size_t failed = 0;
    for (size_t i = 0; i < sizeof server_rows / sizeof server_rows[0]; i++) {
        const struct row *r = &server_rows[i];
        size_t n = make_share(r->m == M_OTHER ? r->other : r->group, false, NULL, 0, share);
        mutate(r, share, &n);
        gls_conn *s = gls_server_new(cfg);
        int err = feed(s, rec, client_hello(rec, sizeof rec, r->group, share, n));
        failed += !row_ok(s, err, r);
        gls_conn_free(s);
    }
    CHECK_EQ(failed, 0);
    gls_config_free(cfg);
}

/* Our client offering `group` alone reads a ServerHello carrying the row's share. */
static bool client_row(const struct row *r)
{
    static uint8_t share[GLS_KEX_MAX_SHARE + 1], body[4096], rec[8192];
    struct gls_client_hello ch;
    gls_config *cfg = gls_config_new();
    if (cfg == NULL || gls_config_danger_accept_any_cert(cfg) != GLS_OK ||
        gls_config_set_groups(cfg, &r->group, 1) != GLS_OK) {
        abort();
    }
    gls_conn *c = gls_client_new(cfg, "localhost");
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(c, &len);
    gls_reader rd = gls_reader_init(out + 9, len - 9);
    struct gls_key_share_entry ours;
    if (gls_client_hello_parse(&rd, &ch) != GLS_OK ||
        !gls_key_shares_find(ch.ext.shares, r->group, &ours)) {
        abort();
    }
    size_t n;
    if (r->m == M_OTHER) { /* a server's share of `other`, labelled `group` */
        static uint8_t theirs[GLS_KEX_MAX_SHARE];
        size_t tn = make_share(r->other, false, NULL, 0, theirs);
        n = make_share(r->other, true, theirs, tn, share);
    } else {
        n = make_share(r->group, true, ours.key.p, ours.key.len, share);
    }
    uint8_t sid[32];
    memcpy(sid, ch.session_id.p, ch.session_id.len);
    size_t sid_len = ch.session_id.len;
    gls_conn_net_out_done(c, len);
    mutate(r, share, &n);
    gls_writer w = gls_writer_init(body, sizeof body);
    gls_write_u16(&w, 0x0303);
    for (int i = 0; i < 32; i++) {
        gls_write_u8(&w, 0x33);
    }
    gls_write_opaque8(&w, sid, sid_len);
    gls_write_u16(&w, 0x1301);
    gls_write_u8(&w, 0);
    gls_mark exts = gls_write_open(&w, 2);
    gls_write_u16(&w, GLS_EXT_SUPPORTED_VERSIONS);
    gls_write_u16(&w, 2);
    gls_write_u16(&w, 0x0304);
    gls_write_u16(&w, GLS_EXT_KEY_SHARE);
    gls_mark e = gls_write_open(&w, 2);
    gls_write_u16(&w, r->group);
    gls_write_opaque16(&w, share, n);
    gls_write_close(&w, e);
    gls_write_close(&w, exts);
    if (gls_writer_result(&w) != GLS_OK) {
        abort();
    }
    int err = feed(c, rec, handshake_record(rec, sizeof rec, GLS_HS_SERVER_HELLO, body, w.len));
    bool ok = row_ok(c, err, r);
    gls_conn_free(c);
    gls_config_free(cfg);
    return ok;
}

TEST(client_refuses_every_malformed_server_share)
{
    size_t failed = 0;
    for (size_t i = 0; i < sizeof client_rows / sizeof client_rows[0]; i++) {
        failed += !client_row(&client_rows[i]);
    }
    CHECK_EQ(failed, 0);
}
