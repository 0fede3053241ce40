/* tests/hostile/test_hostile13.c — scripted TLS 1.3 peers that misbehave: malformed,
 * duplicate, oversize, out-of-order, downgraded and tampered input, fed to our server
 * (ClientHellos built field by field), to our client (ServerHellos and HelloRetryRequests built
 * by hand) and to a connected pair (records sealed under the real keys). Each case asserts the
 * exact GLS_E_ code and the exact alert we emit (RFC 8446 §4.1, §4.2, §4.6, §5, §6, §9.2):
 * plaintext bytes before keys; after keys, one protected record the real peer opens. */
#include <string.h>

#include "harness.h"
#include "pair.h"

#include "base/wire.h"
#include "hs/hs.h"

/* Alert descriptions as RFC 8446 §6 numbers them (not taken from wire.h on purpose). */
enum {
    A_UNEXPECTED_MESSAGE = 10,
    A_BAD_RECORD_MAC = 20,
    A_RECORD_OVERFLOW = 22,
    A_HANDSHAKE_FAILURE = 40,
    A_ILLEGAL_PARAMETER = 47,
    A_UNKNOWN_CA = 48,
    A_DECODE_ERROR = 50,
    A_PROTOCOL_VERSION = 70,
    A_MISSING_EXTENSION = 109,
    A_UNSUPPORTED_EXTENSION = 110,
};

/* ---- plumbing ---- */

static const char *const names[] = {"localhost"};

/* A server with a fresh ECDSA P-256 certificate, speaking min_version..TLS 1.3. */
static gls_config *server_config(uint16_t min_version)
{
    gls_config *cfg = gls_config_new();
    if (cfg == NULL || gls_config_add_generated_cert(cfg, names, 1, 1, NULL) != GLS_OK ||
        gls_config_set_versions(cfg, min_version, 0x0304) != GLS_OK) {
        fprintf(stderr, "cannot make a server config\n");
        abort();
    }
    return cfg;
}

/* A client speaking min_version..TLS 1.3 that accepts any certificate and never resumes. */
static gls_config *client_config(uint16_t min_version)
{
    gls_config *cfg = gls_config_new();
    if (cfg == NULL || gls_config_danger_accept_any_cert(cfg) != GLS_OK ||
        gls_config_set_resumption(cfg, 0, 7200) != GLS_OK ||
        gls_config_set_versions(cfg, min_version, 0x0304) != GLS_OK) {
        fprintf(stderr, "cannot make a client config\n");
        abort();
    }
    return cfg;
}

/* Hands p[0..n) to c as if read from the network; returns what net_in_done says. */
static int feed(gls_conn *c, const uint8_t *p, size_t n)
{
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(c, &room);
    if (n > room) {
        fprintf(stderr, "feed: %zu bytes do not fit in %zu\n", n, room);
        abort();
    }
    memcpy(in, p, n);
    return gls_conn_net_in_done(c, n);
}

static int feed_hex(gls_conn *c, const char *hex)
{
    static uint8_t buf[8192];
    return feed(c, buf, unhex(hex, buf, sizeof buf));
}

/* gls_conn_net_out, except on a connection that never queued anything: there the library
 * computes NULL + 0, which UBSan stops on (see net_out_before_any_output, the last test). */
static const uint8_t *pending(const gls_conn *c, size_t *len)
{
    if (c->out == NULL) {
        *len = 0;
        return (const uint8_t *)"";
    }
    return gls_conn_net_out(c, len);
}

static size_t out_len(const gls_conn *c)
{
    size_t len = 0;
    (void)pending(c, &len);
    return len;
}

/* Forgets what c has queued (bytes the network carried to a peer we do not model). */
static void drain(gls_conn *c)
{
    gls_conn_net_out_done(c, out_len(c));
}

static void show_output(const gls_conn *c, const char *wanted)
{
    size_t len = 0;
    const uint8_t *out = pending(c, &len);
    char got[2 * 32 + 1];
    hex_of(out, len < 32 ? len : 32, got);
    fprintf(stderr, "  output is %s%s (%zu bytes), wanted %s\n", got, len > 32 ? "..." : "", len,
            wanted);
}

/* True if c's pending output is exactly the plaintext fatal alert 15 03 03 00 02 02 <alert>. */
static bool plain_alert(const gls_conn *c, uint8_t alert)
{
    size_t len = 0;
    const uint8_t *out = pending(c, &len);
    const uint8_t want[7] = {21, 3, 3, 0, 2, 2, alert};
    if (len != sizeof want || memcmp(out, want, sizeof want) != 0) {
        char w[16];
        hex_of(want, sizeof want, w);
        show_output(c, w);
        return false;
    }
    return true;
}

/* True if c's pending output is exactly one protected record the size of an alert (two bytes,
 * the inner content type and a 16-byte tag: 17 03 03 00 13 ...) and the real peer, fed those
 * bytes, reports that alert. */
static bool sealed_alert(gls_conn *c, gls_conn *peer, uint8_t alert)
{
    static const uint8_t head[5] = {23, 3, 3, 0, 19};
    size_t len = 0;
    const uint8_t *out = pending(c, &len);
    if (len != 24 || memcmp(out, head, sizeof head) != 0) {
        show_output(c, "one 24-byte protected record 1703030013...");
        return false;
    }
    int err = feed(peer, out, len);
    gls_conn_net_out_done(c, len);
    if (err != GLS_E_PEER_ALERT_BASE - alert || gls_conn_error(peer) != err) {
        fprintf(stderr, "  the peer reported %d (%s), wanted alert %u\n", err, gls_error_name(err),
                alert);
        return false;
    }
    return true;
}

static bool says(int got, int want)
{
    if (got != want) {
        fprintf(stderr, "  got %d (%s), wanted %d (%s)\n", got, gls_error_name(got), want,
                gls_error_name(want));
    }
    return got == want;
}

static void put_hex(gls_writer *w, const char *hex)
{
    static uint8_t tmp[8192];
    gls_write_bytes(w, tmp, unhex(hex, tmp, sizeof tmp));
}

/* One record holding one handshake message: type, 24-bit length, body[0..n). */
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

/* ---- a scripted client: ClientHellos built field by field ---- */

#define CH_RANDOM  "5c5c5c5c5c5c5c5c 5c5c5c5c5c5c5c5c 5c5c5c5c5c5c5c5c 5c5c5c5c5c5c5c5c"
#define CH_SESSION "20 4040404040404040 4040404040404040 4040404040404040 4040404040404040"
#define SUITES13   "1301 1302 1303"
/* X25519's base point u = 9: a valid public value whose shared secret is never zero. */
#define X25519_BASE  "0900000000000000 0000000000000000 0000000000000000 0000000000000000"
#define X25519_ZERO  "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
#define X_VERSIONS13 "002b 0003 02 0304"
#define X_GROUPS     "000a 0004 0002 001d"
#define X_SIGALGS    "000d 0004 0002 0403"
#define X_SHARE      "0033 0026 0024 001d 0020" X25519_BASE
#define X_PSK_MODES  "002d 0002 01 01"
/* pre_shared_key: one identity (aabbcc, age 0) and one 32-byte binder */
#define X_PSK                                                                                      \
    "0029 002e 0009 0003 aabbcc 00000000 0021 20"                                                  \
    "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
#define EXTS13 X_VERSIONS13 X_GROUPS X_SIGALGS X_SHARE

/* A ClientHello body: legacy_version, a fixed random and session id, the suite and compression
 * lists (their lengths added here) and the extension block (length added; NULL: none). */
static size_t client_hello_body(uint8_t *out, size_t cap, const char *version, const char *suites,
                                const char *compression, const char *exts)
{
    gls_writer w = gls_writer_init(out, cap);
    put_hex(&w, version);
    put_hex(&w, CH_RANDOM CH_SESSION);
    gls_mark m = gls_write_open(&w, 2);
    put_hex(&w, suites);
    gls_write_close(&w, m);
    m = gls_write_open(&w, 1);
    put_hex(&w, compression);
    gls_write_close(&w, m);
    if (exts != NULL) {
        m = gls_write_open(&w, 2);
        put_hex(&w, exts);
        gls_write_close(&w, m);
    }
    if (gls_writer_result(&w) != GLS_OK) {
        abort();
    }
    return w.len;
}

/* Feeds that ClientHello to s as one record; returns what net_in_done says. */
static int send_client_hello(gls_conn *s, const char *version, const char *suites,
                             const char *compression, const char *exts)
{
    uint8_t body[4096];
    uint8_t rec[4200];
    size_t n = client_hello_body(body, sizeof body, version, suites, compression, exts);
    return feed(s, rec, handshake_record(rec, sizeof rec, GLS_HS_CLIENT_HELLO, body, n));
}

/* A fresh server on cfg, fed this ClientHello, fails with err and sends exactly the plaintext
 * alert. */
static bool server_refuses(gls_config *cfg, const char *version, const char *suites,
                           const char *compression, const char *exts, int err, uint8_t alert)
{
    gls_conn *s = gls_server_new(cfg);
    bool ok = says(send_client_hello(s, version, suites, compression, exts), err) &&
              says(gls_conn_error(s), err) && plain_alert(s, alert);
    gls_conn_free(s);
    return ok;
}

/* True if c's pending output starts with a plaintext ServerHello record (a HelloRetryRequest
 * when hrr). */
static bool answered_with_server_hello(const gls_conn *c, bool hrr)
{
    static const uint8_t hrr_random[32] = {
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
        0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
        0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    };
    size_t len = 0;
    const uint8_t *out = pending(c, &len);
    if (gls_conn_error(c) != GLS_OK || len < 43 || out[0] != GLS_CT_HANDSHAKE ||
        out[5] != GLS_HS_SERVER_HELLO || (memcmp(out + 11, hrr_random, 32) == 0) != hrr) {
        fprintf(stderr, "  error %d (%s)\n", gls_conn_error(c), gls_error_name(gls_conn_error(c)));
        show_output(c, hrr ? "a HelloRetryRequest" : "a ServerHello");
        return false;
    }
    return true;
}

TEST(server_answers_the_baseline_hello)
{
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", EXTS13));
    CHECK(answered_with_server_hello(s, false));
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* Every truncation of the body (the handshake length telling the truth) is a decode_error,
 * except the cut right after compression: that is a valid TLS 1.2 hello, which a TLS 1.3-only
 * server refuses with protocol_version. */
TEST(server_truncated_hello_is_decode_error)
{
    gls_config *cfg = server_config(0x0304);
    uint8_t body[4096];
    uint8_t rec[4200];
    size_t full = client_hello_body(body, sizeof body, "0303", SUITES13, "00", EXTS13);
    size_t no_exts = 2 + 32 + 33 + 2 + 6 + 2;
    for (size_t cut = 0; cut < full; cut++) {
        gls_conn *s = gls_server_new(cfg);
        int want = cut == no_exts ? GLS_E_NO_SHARED_VERSION : GLS_E_DECODE;
        uint8_t alert = cut == no_exts ? A_PROTOCOL_VERSION : A_DECODE_ERROR;
        size_t len = handshake_record(rec, sizeof rec, GLS_HS_CLIENT_HELLO, body, cut);
        bool ok = says(feed(s, rec, len), want) && plain_alert(s, alert);
        gls_conn_free(s);
        if (!ok) {
            FAIL("ClientHello body cut to %zu of %zu bytes", cut, full);
        }
    }
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.2: a TLS 1.3 ClientHello carries exactly one compression method, null. */
TEST(server_compression_other_than_null_is_illegal_parameter)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses(cfg, "0303", SUITES13, "01", EXTS13, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(server_refuses(cfg, "0303", SUITES13, "0001", EXTS13, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(server_refuses(cfg, "0303", SUITES13, "0100", EXTS13, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §9.2: key_share, supported_groups and signature_algorithms are mandatory. */
TEST(server_missing_mandatory_extension_is_missing_extension)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", X_VERSIONS13 X_GROUPS X_SIGALGS,
                         GLS_E_MISSING_EXTENSION, A_MISSING_EXTENSION));
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", X_VERSIONS13 X_SIGALGS X_SHARE,
                         GLS_E_MISSING_EXTENSION, A_MISSING_EXTENSION));
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", X_VERSIONS13 X_GROUPS X_SHARE,
                         GLS_E_MISSING_EXTENSION, A_MISSING_EXTENSION));
    gls_config_free(cfg);
}

/* RFC 8446 §9.2: a pre_shared_key needs psk_key_exchange_modes beside it. */
TEST(server_psk_without_psk_modes_is_missing_extension)
{
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", EXTS13 X_PSK_MODES X_PSK));
    CHECK(answered_with_server_hello(s, false)); /* control: a foreign ticket, full handshake */
    gls_conn_free(s);
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", EXTS13 X_PSK, GLS_E_MISSING_EXTENSION,
                         A_MISSING_EXTENSION));
    gls_config_free(cfg);
}

/* RFC 8446 §4.2.10: a server that does not take the client's 0-RTT data (here: the ticket is
 * foreign) answers with a full handshake and "skips past early data by attempting to deprotect
 * received records using the handshake traffic key, discarding records which fail deprotection
 * (up to the configured max_early_data_size)" -- it does not fail on them. */
TEST(server_skips_rejected_early_data)
{
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", EXTS13 X_PSK_MODES "002a 0000" X_PSK));
    CHECK(answered_with_server_hello(s, false));
    drain(s);
    CHECK_OK(feed_hex(s, "17 0303 0020 0123456789abcdef 0123456789abcdef 0123456789abcdef "
                         "0123456789abcdef"));
    CHECK_EQ(gls_conn_error(s), GLS_OK);
    CHECK_EQ(out_len(s), 0);
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* RFC 8446 §4.2.1, §D.2: a TLS 1.0/1.1-only client meets protocol_version. */
TEST(server_old_versions_only_is_protocol_version)
{
    gls_config *cfg = server_config(0x0303);
    gls_config *cfg13 = server_config(0x0304);
    CHECK(server_refuses(cfg, "0302", SUITES13 "c02b", "00", X_GROUPS X_SIGALGS X_SHARE,
                         GLS_E_NO_SHARED_VERSION, A_PROTOCOL_VERSION));
    CHECK(server_refuses(cfg13, "0303", SUITES13, "00",
                         "002b 0005 04 0303 0302" X_GROUPS X_SIGALGS X_SHARE,
                         GLS_E_NO_SHARED_VERSION, A_PROTOCOL_VERSION));
    gls_config_free(cfg);
    gls_config_free(cfg13);
}

/* RFC 8446 §4.2: no extension type twice in one block, known or not. */
TEST(server_duplicate_extension_is_illegal_parameter)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", EXTS13 X_GROUPS, GLS_E_DUPLICATE_EXTENSION,
                         A_ILLEGAL_PARAMETER));
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", "fafa 0000" EXTS13 "fafa 0001 00",
                         GLS_E_DUPLICATE_EXTENSION, A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §4.2.11: pre_shared_key must be the last extension. */
TEST(server_pre_shared_key_not_last_is_illegal_parameter)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses(cfg, "0303", SUITES13, "00",
                         X_VERSIONS13 X_GROUPS X_SIGALGS X_PSK_MODES X_PSK X_SHARE,
                         GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §4.2.8: each share is for a group in supported_groups, and for a distinct one. */
TEST(server_bad_key_share_list_is_illegal_parameter)
{
    gls_config *cfg = server_config(0x0303);
    /* a secp384r1 share, but only x25519 is listed */
    CHECK(server_refuses(cfg, "0303", SUITES13, "00",
                         X_VERSIONS13 X_GROUPS X_SIGALGS "0033 002b 0029 001d 0020" X25519_BASE
                                                         "0018 0001 04",
                         GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    /* two x25519 shares */
    CHECK(server_refuses(cfg, "0303", SUITES13, "00",
                         X_VERSIONS13 X_GROUPS X_SIGALGS "0033 004a 0048 001d 0020" X25519_BASE
                                                         "001d 0020" X25519_BASE,
                         GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 7748 §6.1, RFC 8446 §4.2.8.2: a share giving the all-zero secret is refused. */
TEST(server_zero_x25519_share_is_bad_key_share)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses(cfg, "0303", SUITES13, "00",
                         X_VERSIONS13 X_GROUPS X_SIGALGS "0033 0026 0024 001d 0020" X25519_ZERO,
                         GLS_E_BAD_KEY_SHARE, A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.1: no suite in common is handshake_failure. */
TEST(server_no_common_suite_is_handshake_failure)
{
    gls_config *cfg = server_config(0x0303);
    gls_config *only1301 = server_config(0x0303);
    static const uint16_t s1301[] = {0x1301};
    CHECK_OK(gls_config_set_suites(only1301, s1301, 1));
    CHECK(server_refuses(cfg, "0303", "c02b c02f", "00", EXTS13, GLS_E_NO_SHARED_SUITE,
                         A_HANDSHAKE_FAILURE));
    CHECK(server_refuses(only1301, "0303", "1302 1303", "00", EXTS13, GLS_E_NO_SHARED_SUITE,
                         A_HANDSHAKE_FAILURE));
    gls_config_free(cfg);
    gls_config_free(only1301);
}

/* RFC 8449 §4: a record_size_limit under 64 is illegal_parameter. */
TEST(server_tiny_record_size_limit_is_illegal_parameter)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses(cfg, "0303", SUITES13, "00", EXTS13 "001c 0002 003f",
                         GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* EXTS13 plus a padding extension (RFC 7685; glasstls skips it as unknown) that brings the
 * ClientHello body to exactly body_len bytes. */
static const char *padded_exts(size_t body_len)
{
    static char hex[8192];
    uint8_t body[4096];
    size_t base = client_hello_body(body, sizeof body, "0303", SUITES13, "00", EXTS13);
    size_t pad = body_len - base - 4;
    int n = snprintf(hex, sizeof hex, "%s0015%04zx", EXTS13, pad);
    for (size_t i = 0; i < pad; i++) {
        hex[n++] = '0';
        hex[n++] = '0';
    }
    hex[n] = 0;
    return hex;
}

/* gls_config_set_max_handshake_message does not bind a ClientHello (RFC 8446 §4.1.2: any
 * well-formed one is taken, up to 131396 bytes); one longer than any well-formed hello is a
 * decode_error as soon as the header shows it. (Other messages: tests/conformance.) */
TEST(server_handshake_message_over_limit_is_refused)
{
    gls_config *cfg = server_config(0x0303);
    CHECK_OK(gls_config_set_max_handshake_message(cfg, 1024));
    gls_conn *s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", padded_exts(1024)));
    CHECK(answered_with_server_hello(s, false));
    gls_conn_free(s);
    s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", padded_exts(1025)));
    CHECK(answered_with_server_hello(s, false));
    gls_conn_free(s);
    s = gls_server_new(cfg);
    CHECK_ERR(feed_hex(s, "16 0301 0004 01 020145"), GLS_E_DECODE);
    CHECK(plain_alert(s, A_DECODE_ERROR));
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* A fresh server on cfg fed these raw bytes fails with err and sends the plaintext alert. */
static bool server_refuses_bytes(gls_config *cfg, const char *hex, int err, uint8_t alert)
{
    gls_conn *s = gls_server_new(cfg);
    bool ok = says(feed_hex(s, hex), err) && says(gls_conn_error(s), err) && plain_alert(s, alert);
    gls_conn_free(s);
    return ok;
}

/* RFC 8446 §5.1: legacy_record_version is 0x03xx; a major version of 2 or 4 is not TLS. */
TEST(server_record_version_major_not_3_is_decode_error)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses_bytes(cfg, "16 0201 0004 01000000", GLS_E_DECODE, A_DECODE_ERROR));
    CHECK(server_refuses_bytes(cfg, "16 0403 0004 01000000", GLS_E_DECODE, A_DECODE_ERROR));
    gls_config_free(cfg);
}

/* RFC 8446 §5.1: a plaintext record of 2^14 bytes is fine, 2^14 + 1 is record_overflow (seen in
 * the header, before the body arrives). */
TEST(server_plaintext_record_over_2_14_is_record_overflow)
{
    static uint8_t rec[5 + 16384];
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    memset(rec, 0, sizeof rec);
    unhex("16 0301 4000 01 005000", rec, 9); /* a 20480-byte ClientHello begins */
    CHECK_OK(feed(s, rec, sizeof rec));
    CHECK_EQ(gls_conn_error(s), GLS_OK);
    CHECK_EQ(out_len(s), 0);
    gls_conn_free(s);
    CHECK(server_refuses_bytes(cfg, "16 0301 4001", GLS_E_RECORD_OVERFLOW, A_RECORD_OVERFLOW));
    gls_config_free(cfg);
}

/* RFC 8446 §5: zero-length handshake fragments, data before the handshake, unknown record types
 * and handshake messages out of order are unexpected_message. */
TEST(server_unexpected_records_are_unexpected_message)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(
        server_refuses_bytes(cfg, "16 0301 0000", GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    CHECK(server_refuses_bytes(cfg, "17 0303 0005 68656c6c6f", GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    CHECK(server_refuses_bytes(cfg, "18 0303 0001 01", GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    CHECK(server_refuses_bytes(cfg, "16 0303 0024 14 000020" X25519_ZERO, /* Finished first */
                               GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    /* RFC 8446 §5: a change_cipher_spec before the first ClientHello */
    CHECK(server_refuses_bytes(cfg, "14 0303 0001 01", GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    gls_config_free(cfg);
}

/* RFC 8446 §6: an alert record holds exactly one two-byte alert. */
TEST(server_alert_record_not_two_bytes_is_decode_error)
{
    gls_config *cfg = server_config(0x0303);
    CHECK(server_refuses_bytes(cfg, "15 0303 0003 022800", GLS_E_DECODE, A_DECODE_ERROR));
    CHECK(server_refuses_bytes(cfg, "15 0303 0001 02", GLS_E_DECODE, A_DECODE_ERROR));
    CHECK(server_refuses_bytes(cfg, "15 0303 0000", GLS_E_DECODE, A_DECODE_ERROR));
    CHECK(server_refuses_bytes(cfg, "15 0303 0004 02280228", GLS_E_DECODE, A_DECODE_ERROR));
    gls_config_free(cfg);
}

/* RFC 8446 §6: a fatal alert ends the connection; nothing is sent back. */
TEST(server_peer_alert_before_hello_sends_nothing)
{
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    CHECK_ERR(feed_hex(s, "15 0303 0002 0228"), GLS_E_PEER_ALERT_BASE - A_HANDSHAKE_FAILURE);
    CHECK_EQ(gls_conn_error(s), GLS_E_PEER_ALERT_BASE - A_HANDSHAKE_FAILURE);
    CHECK_EQ(out_len(s), 0);
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* A real client that cannot verify the server aborts mid-handshake with an encrypted unknown_ca;
 * our server reports it and answers nothing. */
TEST(server_peer_alert_mid_handshake_sends_nothing)
{
    gls_config *scfg = server_config(0x0304);
    gls_config *ccfg = gls_config_new(); /* no trust store at all */
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    pair_move(c, s, 0);
    CHECK(out_len(s) > 0);
    pair_move(s, c, 0);
    CHECK_EQ(gls_conn_error(c), GLS_E_CERT_NO_TRUST);
    CHECK(sealed_alert(c, s, A_UNKNOWN_CA));
    CHECK_EQ(gls_conn_error(s), GLS_E_PEER_ALERT_BASE - A_UNKNOWN_CA);
    CHECK_EQ(out_len(s), 0);
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(scfg);
    gls_config_free(ccfg);
}

/* After HelloRetryRequest, the second ClientHello must carry a share for the group asked for
 * (RFC 8446 §4.1.2, §4.2.8). */
TEST(server_second_hello_with_wrong_share_is_illegal_parameter)
{
    gls_config *cfg = server_config(0x0303);
    const char *hello1 = X_VERSIONS13 "000a 0006 0004 001d 0017" X_SIGALGS "0033 0002 0000";
    const char *good2 = X_VERSIONS13 "000a 0006 0004 001d 0017" X_SIGALGS X_SHARE;
    const char *bad2 =
        X_VERSIONS13 "000a 0006 0004 001d 0017" X_SIGALGS "0033 0047 0045 0017 0041 04"
                     "0000000000000000 0000000000000000 0000000000000000"
                     "0000000000000000 0000000000000000 0000000000000000"
                     "0000000000000000 0000000000000000";
    gls_conn *s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", hello1));
    CHECK(answered_with_server_hello(s, true)); /* asks for an x25519 share */
    drain(s);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", good2));
    CHECK(answered_with_server_hello(s, false)); /* control */
    gls_conn_free(s);

    s = gls_server_new(cfg);
    CHECK_OK(send_client_hello(s, "0303", SUITES13, "00", hello1));
    drain(s);
    CHECK_ERR(send_client_hello(s, "0303", SUITES13, "00", bad2), GLS_E_ILLEGAL_PARAMETER);
    CHECK(plain_alert(s, A_ILLEGAL_PARAMETER));
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* After the first failure and its one alert, every call returns the same error and nothing more
 * is ever queued. */
TEST(failure_before_keys_is_sticky_and_silent)
{
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    char buf[8];
    size_t n = 0;
    CHECK_ERR(feed_hex(s, "16 0301 0000"), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(plain_alert(s, A_UNEXPECTED_MESSAGE));
    drain(s);
    CHECK_ERR(send_client_hello(s, "0303", SUITES13, "00", EXTS13), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_ERR(feed_hex(s, "16 0301 0000"), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_ERR(gls_conn_net_in_done(s, 0), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_ERR(gls_conn_read(s, buf, sizeof buf, &n), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_ERR(gls_conn_write(s, "x", 1, &n), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_ERR(gls_conn_close(s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_ERR(gls_conn_key_update(s, 1), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_EQ(gls_conn_error(s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK_EQ(out_len(s), 0);
    CHECK(gls_conn_wants(s) & GLS_CLOSED);
    CHECK(!gls_conn_handshake_done(s));
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* ---- a scripted server: our client's ClientHello read back, ServerHellos built by hand ---- */

#define SH_RANDOM   "a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1"
#define HRR_RANDOM  "cf21ad74e59a6111 be1d8c021e65b891 c2a211167abb8c5e 079e09e2c8a8339c"
#define SH13        "0303" SH_RANDOM
#define HRR         "0303" HRR_RANDOM
#define SH12        "0303" SH_RANDOM /* no supported_versions: TLS 1.2 */
#define S_VERSION13 "002b 0002 0304"
#define S_SHARE     "0033 0024 001d 0020" X25519_BASE
#define S_EXTS13    S_VERSION13 S_SHARE
#define HRR_P256    S_VERSION13 "0033 0002 0017"
#define P256_NOT_KEY                                                                               \
    "04 0000000000000000 0000000000000000 0000000000000000 0000000000000000"                       \
    "0000000000000000 0000000000000000 0000000000000000 0000000000000000"

/* Our client and what a server must echo of its ClientHello. */
struct script {
    gls_conn *c;
    uint8_t session_id[32];
    size_t session_id_len;
};

/* Starts our client on cfg and reads its ClientHello off the wire. */
static bool script_start(struct script *sc, gls_config *cfg)
{
    struct gls_client_hello ch;
    size_t len = 0;
    sc->c = gls_client_new(cfg, "localhost");
    const uint8_t *out = gls_conn_net_out(sc->c, &len);
    if (len < 9 || out[0] != GLS_CT_HANDSHAKE || out[5] != GLS_HS_CLIENT_HELLO) {
        return false;
    }
    gls_reader r = gls_reader_init(out + 9, len - 9);
    if (gls_client_hello_parse(&r, &ch) != GLS_OK || ch.session_id.len != 32) {
        return false;
    }
    memcpy(sc->session_id, ch.session_id.p, ch.session_id.len);
    sc->session_id_len = ch.session_id.len;
    drain(sc->c);
    return true;
}

/* A ServerHello record: version and random, the session id to echo, suite and compression,
 * and the extension block (length added; NULL: none); its body cut to `cut` bytes if smaller. */
static size_t server_hello_record(uint8_t *rec, size_t cap, const char *version_random,
                                  const uint8_t *sid, size_t sid_len, const char *suite_comp,
                                  const char *exts, size_t cut)
{
    uint8_t body[2048];
    gls_writer w = gls_writer_init(body, sizeof body);
    put_hex(&w, version_random);
    gls_write_opaque8(&w, sid, sid_len);
    put_hex(&w, suite_comp);
    if (exts != NULL) {
        gls_mark m = gls_write_open(&w, 2);
        put_hex(&w, exts);
        gls_write_close(&w, m);
    }
    if (gls_writer_result(&w) != GLS_OK) {
        abort();
    }
    return handshake_record(rec, cap, GLS_HS_SERVER_HELLO, body, w.len < cut ? w.len : cut);
}

/* Feeds our client a ServerHello that echoes its session id. */
static int send_server_hello(struct script *sc, const char *version_random, const char *suite_comp,
                             const char *exts)
{
    uint8_t rec[2200];
    size_t len = server_hello_record(rec, sizeof rec, version_random, sc->session_id,
                                     sc->session_id_len, suite_comp, exts, SIZE_MAX);
    return feed(sc->c, rec, len);
}

/* A fresh client on cfg, fed this ServerHello, fails with err and sends exactly the plaintext
 * alert. */
static bool client_refuses(gls_config *cfg, const char *version_random, const char *suite_comp,
                           const char *exts, int err, uint8_t alert)
{
    struct script sc;
    bool ok = script_start(&sc, cfg) &&
              says(send_server_hello(&sc, version_random, suite_comp, exts), err) &&
              says(gls_conn_error(sc.c), err) && plain_alert(sc.c, alert);
    gls_conn_free(sc.c);
    return ok;
}

TEST(client_takes_the_baseline_server_hello)
{
    gls_config *cfg = client_config(0x0303);
    struct script sc;
    CHECK(script_start(&sc, cfg));
    CHECK_OK(send_server_hello(&sc, SH13, "1301 00", S_EXTS13));
    CHECK_EQ(gls_conn_error(sc.c), GLS_OK);
    CHECK_EQ(sc.c->state, ST_C13_WAIT_EE);
    CHECK_EQ(out_len(sc.c), 0);
    gls_conn_free(sc.c);
    gls_config_free(cfg);
}

/* Every truncation of the ServerHello body is a decode_error, except the cut right after
 * compression: a valid TLS 1.2 ServerHello, which a TLS 1.3-only client refuses with
 * protocol_version. */
TEST(client_truncated_server_hello_is_decode_error)
{
    gls_config *cfg = client_config(0x0304);
    size_t full = 2 + 32 + 33 + 3 + 2 + 6 + 40;
    size_t no_exts = 2 + 32 + 33 + 3;
    for (size_t cut = 0; cut < full; cut++) {
        struct script sc;
        uint8_t rec[2200];
        int want = cut == no_exts ? GLS_E_PROTOCOL_VERSION : GLS_E_DECODE;
        uint8_t alert = cut == no_exts ? A_PROTOCOL_VERSION : A_DECODE_ERROR;
        bool ok = script_start(&sc, cfg);
        size_t len = server_hello_record(rec, sizeof rec, SH13, sc.session_id, sc.session_id_len,
                                         "1301 00", S_EXTS13, cut);
        ok = ok && says(feed(sc.c, rec, len), want) && plain_alert(sc.c, alert);
        gls_conn_free(sc.c);
        if (!ok) {
            FAIL("ServerHello body cut to %zu of %zu bytes", cut, full);
        }
    }
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.3: the suite must be one we offered (and a TLS 1.3 one). */
TEST(client_suite_not_offered_is_illegal_parameter)
{
    gls_config *cfg = client_config(0x0303);
    static const uint16_t suites[] = {0x1301, 0xc02b};
    CHECK_OK(gls_config_set_suites(cfg, suites, 2));
    CHECK(client_refuses(cfg, SH13, "1302 00", S_EXTS13, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, SH13, "c02b 00", S_EXTS13, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.3: legacy_session_id_echo must be ours; legacy_compression_method must be 0. */
TEST(client_session_id_echo_mismatch_is_illegal_parameter)
{
    gls_config *cfg = client_config(0x0303);
    for (int variant = 0; variant < 3; variant++) {
        struct script sc;
        uint8_t rec[2200];
        size_t len = 0;
        CHECK(script_start(&sc, cfg));
        if (variant == 0) { /* one bit off */
            sc.session_id[31] ^= 1;
            len = server_hello_record(rec, sizeof rec, SH13, sc.session_id, 32, "1301 00", S_EXTS13,
                                      SIZE_MAX);
        } else if (variant == 1) { /* empty echo */
            len = server_hello_record(rec, sizeof rec, SH13, sc.session_id, 0, "1301 00", S_EXTS13,
                                      SIZE_MAX);
        } else { /* compression method 1 */
            len = server_hello_record(rec, sizeof rec, SH13, sc.session_id, 32, "1301 01", S_EXTS13,
                                      SIZE_MAX);
        }
        CHECK_ERR(feed(sc.c, rec, len), GLS_E_ILLEGAL_PARAMETER);
        CHECK(plain_alert(sc.c, A_ILLEGAL_PARAMETER));
        gls_conn_free(sc.c);
    }
    gls_config_free(cfg);
}

/* RFC 8446 §4.2.1: supported_versions naming a version we did not offer, or one before TLS 1.3,
 * is illegal_parameter. */
TEST(client_selected_version_not_offered_is_illegal_parameter)
{
    gls_config *cfg = client_config(0x0303);
    CHECK(client_refuses(cfg, SH13, "1301 00", "002b 0002 0305" S_SHARE, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, SH13, "1301 00", "002b 0002 0303" S_SHARE, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.3: a TLS 1.3 client that also offered TLS 1.2 checks both downgrade sentinels
 * in a TLS 1.2 ServerHello; a TLS 1.3-only client refuses TLS 1.2 with protocol_version. */
TEST(client_downgrade_sentinel_is_illegal_parameter)
{
    gls_config *cfg = client_config(0x0303);
    gls_config *cfg13 = client_config(0x0304);
    CHECK(client_refuses(cfg,
                         "0303 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 "
                         "444f574e47524401",
                         "c02b 00", NULL, GLS_E_DOWNGRADE, A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg,
                         "0303 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 "
                         "444f574e47524401",
                         "c02b 00", "ff01 0001 00", GLS_E_DOWNGRADE, A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg13, "0303" SH_RANDOM, "c02b 00", NULL, GLS_E_PROTOCOL_VERSION,
                         A_PROTOCOL_VERSION));
    gls_config_free(cfg);
    gls_config_free(cfg13);
}

/* RFC 8446 §4.1.3: "TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below MUST
 * check that the last 8 bytes are not equal to either of these values": the TLS 1.1 sentinel
 * in a TLS 1.2 ServerHello is a downgrade too. */
TEST(client_downgrade_sentinel_for_tls11_is_illegal_parameter)
{
    gls_config *cfg = client_config(0x0303);
    CHECK(client_refuses(cfg,
                         "0303 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 a1a1a1a1a1a1a1a1 "
                         "444f574e47524400",
                         "c02b 00", NULL, GLS_E_DOWNGRADE, A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* RFC 8446 §4.2.8: the server's share must be for the group we sent a share for; RFC 8446
 * §4.2.8.2, RFC 7748 §6.1: low-order X25519 points and wrong lengths are refused. */
TEST(client_bad_server_key_share)
{
    gls_config *cfg = client_config(0x0303);
    /* secp256r1 is in our supported_groups, but we sent no share for it */
    CHECK(client_refuses(cfg, SH13, "1301 00", S_VERSION13 "0033 0045 0017 0041" P256_NOT_KEY,
                         GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, SH13, "1301 00", S_VERSION13 "0033 0024 001d 0020" X25519_ZERO,
                         GLS_E_BAD_KEY_SHARE, A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, SH13, "1301 00",
                         S_VERSION13 "0033 0024 001d 0020"
                                     "0100000000000000 0000000000000000 0000000000000000 "
                                     "0000000000000000",
                         GLS_E_BAD_KEY_SHARE, A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, SH13, "1301 00",
                         S_VERSION13 "0033 0023 001d 001f"
                                     "0900000000000000 0000000000000000 0000000000000000 "
                                     "00000000000000",
                         GLS_E_BAD_KEY_SHARE, A_ILLEGAL_PARAMETER));
    /* RFC 8446 §9.2: a (non-PSK) ServerHello without key_share */
    CHECK(client_refuses(cfg, SH13, "1301 00", S_VERSION13, GLS_E_MISSING_EXTENSION,
                         A_MISSING_EXTENSION));
    gls_config_free(cfg);
}

/* RFC 8446 §4.2: an extension we never asked for is unsupported_extension; a known one that does
 * not belong in ServerHello is illegal_parameter. */
TEST(client_server_hello_extensions)
{
    gls_config *cfg = client_config(0x0303);
    CHECK(client_refuses(cfg, SH13, "1301 00", S_EXTS13 "fafa 0000", GLS_E_UNSUPPORTED_EXTENSION,
                         A_UNSUPPORTED_EXTENSION));
    CHECK(client_refuses(cfg, SH13, "1301 00", S_EXTS13 "0010 0005 0003 02 6832",
                         GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, SH13, "1301 00", S_EXTS13 S_VERSION13, GLS_E_DUPLICATE_EXTENSION,
                         A_ILLEGAL_PARAMETER));
    gls_config_free(cfg);
}

/* Our client with groups x25519 (shared) and secp256r1, after a HelloRetryRequest asking for
 * secp256r1: it answers with the compatibility CCS and a second ClientHello. */
static bool script_after_hrr(struct script *sc, gls_config *cfg)
{
    size_t len = 0;
    if (!script_start(sc, cfg) || !says(send_server_hello(sc, HRR, "1301 00", HRR_P256), GLS_OK)) {
        return false;
    }
    const uint8_t *out = gls_conn_net_out(sc->c, &len);
    static const uint8_t ccs[6] = {20, 3, 3, 0, 1, 1};
    if (len < 12 || memcmp(out, ccs, 6) != 0 || out[6] != GLS_CT_HANDSHAKE ||
        out[11] != GLS_HS_CLIENT_HELLO) {
        show_output(sc->c, "change_cipher_spec, then the second ClientHello");
        return false;
    }
    drain(sc->c);
    return true;
}

static gls_config *hrr_client_config(void)
{
    static const uint16_t groups[] = {0x001d, 0x0017};
    gls_config *cfg = client_config(0x0303);
    if (gls_config_set_groups(cfg, groups, 2) != GLS_OK) {
        abort();
    }
    return cfg;
}

/* RFC 8446 §4.1.4: one HelloRetryRequest per handshake. */
TEST(client_second_hello_retry_request_is_unexpected_message)
{
    gls_config *cfg = hrr_client_config();
    struct script sc;
    CHECK(script_after_hrr(&sc, cfg));
    CHECK_ERR(send_server_hello(&sc, HRR, "1301 00", HRR_P256), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(plain_alert(sc.c, A_UNEXPECTED_MESSAGE));
    gls_conn_free(sc.c);
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.4: an HRR that would not change the ClientHello, or asks for a group we already
 * shared or never offered, is illegal_parameter; an extension we never sent is
 * unsupported_extension. */
TEST(client_useless_hello_retry_request_is_illegal_parameter)
{
    gls_config *cfg = hrr_client_config();
    CHECK(client_refuses(cfg, HRR, "1301 00", S_VERSION13, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, HRR, "1301 00", S_VERSION13 "0033 0002 001d", GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, HRR, "1301 00", S_VERSION13 "0033 0002 0018", GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, HRR, "1304 00", HRR_P256, GLS_E_ILLEGAL_PARAMETER,
                         A_ILLEGAL_PARAMETER));
    CHECK(client_refuses(cfg, HRR, "1301 00", HRR_P256 "fafa 0000", GLS_E_UNSUPPORTED_EXTENSION,
                         A_UNSUPPORTED_EXTENSION));
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.4, §4.2.8: after HRR, ServerHello keeps the HRR's suite and uses its group. */
TEST(client_server_hello_contradicting_hrr_is_illegal_parameter)
{
    gls_config *cfg = hrr_client_config();
    struct script sc;
    CHECK(script_after_hrr(&sc, cfg));
    CHECK_ERR(
        send_server_hello(&sc, SH13, "1302 00", S_VERSION13 "0033 0045 0017 0041" P256_NOT_KEY),
        GLS_E_ILLEGAL_PARAMETER);
    CHECK(plain_alert(sc.c, A_ILLEGAL_PARAMETER));
    gls_conn_free(sc.c);
    CHECK(script_after_hrr(&sc, cfg));
    CHECK_ERR(send_server_hello(&sc, SH13, "1301 00", S_EXTS13), GLS_E_ILLEGAL_PARAMETER);
    CHECK(plain_alert(sc.c, A_ILLEGAL_PARAMETER));
    gls_conn_free(sc.c);
    gls_config_free(cfg);
}

/* RFC 8446 §4.1.4: a client that sent a second ClientHello after a HelloRetryRequest takes only a
 * TLS 1.3 ServerHello; a TLS 1.2 one (no supported_versions) is illegal_parameter, even though the
 * client would have accepted TLS 1.2 from the start (hrr_client_config allows it). */
TEST(client_tls12_server_hello_after_hrr_is_illegal_parameter)
{
    gls_config *cfg = hrr_client_config();
    struct script sc;
    uint8_t rec[256];
    /* a fresh session id (not an echo of the compatibility id): a full TLS 1.2 handshake */
    size_t len =
        server_hello_record(rec, sizeof rec, SH12, NULL, 0, "c02b 00", "ff01 0001 00", SIZE_MAX);
    CHECK(script_after_hrr(&sc, cfg));
    CHECK_ERR(feed(sc.c, rec, len), GLS_E_ILLEGAL_PARAMETER);
    CHECK(plain_alert(sc.c, A_ILLEGAL_PARAMETER));
    CHECK(strstr(gls_conn_error_detail(sc.c), "HelloRetryRequest") != NULL);
    gls_conn_free(sc.c);
    /* the same ServerHello without the HRR is a TLS 1.2 handshake going on */
    CHECK(script_start(&sc, cfg));
    CHECK_ERR(feed(sc.c, rec, len), GLS_OK);
    CHECK_EQ(gls_conn_error(sc.c), GLS_OK);
    gls_conn_free(sc.c);
    gls_config_free(cfg);
}

/* A fresh client on cfg, fed these raw bytes, fails with err and sends the plaintext alert. */
static bool client_refuses_bytes(gls_config *cfg, const char *hex, int err, uint8_t alert)
{
    struct script sc;
    bool ok = script_start(&sc, cfg) && says(feed_hex(sc.c, hex), err) &&
              says(gls_conn_error(sc.c), err) && plain_alert(sc.c, alert);
    gls_conn_free(sc.c);
    return ok;
}

/* RFC 8446 §4: only ServerHello may follow ClientHello. */
TEST(client_wrong_first_message_is_unexpected_message)
{
    gls_config *cfg = client_config(0x0303);
    CHECK(client_refuses_bytes(cfg, "16 0303 0024 14 000020" X25519_ZERO, GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    CHECK(client_refuses_bytes(cfg, "16 0303 0006 08 000002 0000", GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    CHECK(client_refuses_bytes(cfg, "17 0303 0005 68656c6c6f", GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    gls_config_free(cfg);
}

/* RFC 8446 §5: one change_cipher_spec of value 0x01 is dropped; a second one is
 * unexpected_message. */
TEST(client_change_cipher_spec_rules)
{
    gls_config *cfg = client_config(0x0303);
    struct script sc;
    CHECK(script_start(&sc, cfg));
    CHECK_OK(feed_hex(sc.c, "14 0303 0001 01"));
    CHECK_OK(send_server_hello(&sc, SH13, "1301 00", S_EXTS13)); /* control */
    CHECK_EQ(sc.c->state, ST_C13_WAIT_EE);
    gls_conn_free(sc.c);
    CHECK(client_refuses_bytes(cfg, "14 0303 0001 01 14 0303 0001 01", GLS_E_UNEXPECTED_MESSAGE,
                               A_UNEXPECTED_MESSAGE));
    gls_config_free(cfg);
}

/* RFC 8446 §6: the server's fatal alert ends the handshake; nothing is sent back. End of stream
 * without close_notify is unexpected_eof, also silent. */
TEST(client_peer_alert_and_eof_send_nothing)
{
    gls_config *cfg = client_config(0x0303);
    struct script sc;
    CHECK(script_start(&sc, cfg));
    CHECK_ERR(feed_hex(sc.c, "15 0303 0002 0228"), GLS_E_PEER_ALERT_BASE - A_HANDSHAKE_FAILURE);
    CHECK_EQ(out_len(sc.c), 0);
    gls_conn_free(sc.c);
    CHECK(script_start(&sc, cfg));
    CHECK_ERR(gls_conn_net_in_done(sc.c, 0), GLS_E_UNEXPECTED_EOF);
    CHECK_EQ(gls_conn_error(sc.c), GLS_E_UNEXPECTED_EOF);
    CHECK_EQ(out_len(sc.c), 0);
    gls_conn_free(sc.c);
    CHECK(script_start(&sc, cfg)); /* half a ServerHello, then the end: not a silent close */
    CHECK_OK(feed_hex(sc.c, "16 0303 0040 02 00005a 0303"));
    CHECK_ERR(gls_conn_net_in_done(sc.c, 0), GLS_E_DECODE);
    CHECK(out_len(sc.c) == 7); /* decode_error, plaintext: no keys yet */
    gls_conn_free(sc.c);
    gls_config_free(cfg);
}

/* RFC 8446 §5.1: a key change must fall on a record boundary. The real server's ServerHello
 * with three more bytes in its record: our client, now holding handshake keys, says
 * unexpected_message under them, and the real server opens it. */
TEST(client_server_hello_not_ending_its_record_is_unexpected_message)
{
    gls_config *scfg = server_config(0x0304);
    gls_config *ccfg = client_config(0x0304);
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    uint8_t rec[2048];
    size_t len = 0;
    pair_move(c, s, 0);
    const uint8_t *out = gls_conn_net_out(s, &len);
    CHECK(len > 5 && out[0] == GLS_CT_HANDSHAKE && out[5] == GLS_HS_SERVER_HELLO);
    size_t sh = 5 + gls_get_u16(out + 3);
    CHECK(sh + 3 <= sizeof rec);
    memcpy(rec, out, sh);
    memcpy(rec + sh, "\x08\x00\x00", 3); /* the start of EncryptedExtensions */
    gls_put_u16(rec + 3, (uint16_t)(sh - 5 + 3));
    drain(s);
    CHECK_ERR(feed(c, rec, sh + 3), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(c, s, A_UNEXPECTED_MESSAGE));
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(scfg);
    gls_config_free(ccfg);
}

/* ---- a connected pair, and records a misbehaving peer seals under the real keys ---- */

struct duo {
    gls_config *scfg;
    gls_config *ccfg;
    gls_conn *c;
    gls_conn *s;
};

static void duo_configs(struct duo *d)
{
    d->scfg = server_config(0x0304);
    d->ccfg = client_config(0x0304);
    d->c = NULL;
    d->s = NULL;
}

/* A fresh connected pair on d's configs, both sides quiet. */
static bool duo_connect(struct duo *d)
{
    d->c = gls_client_new(d->ccfg, "localhost");
    d->s = gls_server_new(d->scfg);
    return says(pair_handshake(d->c, d->s, 0), GLS_OK) && out_len(d->c) == 0 && out_len(d->s) == 0;
}

static void duo_close(struct duo *d)
{
    gls_conn_free(d->c);
    gls_conn_free(d->s);
    d->c = NULL;
    d->s = NULL;
}

static void duo_free(struct duo *d)
{
    duo_close(d);
    gls_config_free(d->scfg);
    gls_config_free(d->ccfg);
}

/* Queues raw bytes of a content type on from, sealed under its current write keys. */
static void inject(gls_conn *from, uint8_t type, const char *hex)
{
    uint8_t buf[256];
    size_t n = unhex(hex, buf, sizeof buf);
    if (gls_hs_send(from, type, buf, n) != GLS_OK) {
        abort();
    }
}

/* Seals one TLS 1.3 record by hand under from's write keys: content, the inner content type,
 * then pad zero bytes (RFC 8446 §5.2, §5.4; our sealer never pads). Returns its length. */
static size_t seal_padded(gls_conn *from, const uint8_t *content, size_t n, uint8_t type,
                          size_t pad, uint8_t *out)
{
    struct gls_rec_dir *d = &from->wr;
    uint8_t nonce[12];
    size_t inner = n + 1 + pad;
    out[0] = GLS_CT_APPLICATION_DATA;
    out[1] = 3;
    out[2] = 3;
    gls_put_u16(out + 3, (uint16_t)(inner + 16));
    if (n > 0) {
        memcpy(out + 5, content, n);
    }
    out[5 + n] = type;
    memset(out + 6 + n, 0, pad);
    memcpy(nonce, d->iv, sizeof nonce);
    for (int i = 0; i < 8; i++) {
        nonce[11 - i] ^= (uint8_t)(d->seq >> (8 * i));
    }
    if (d->mode != GLS_REC_TLS13 ||
        gls_aead_seal(d->aead, nonce, out, 5, out + 5, inner, out + 5 + inner) != GLS_OK) {
        abort();
    }
    d->seq++;
    return 5 + inner + 16;
}

/* What the server must do with the client's 28-byte record of "secret" once byte pos is
 * XORed with mask: an error and its alert, or GLS_OK for "wait for the rest". */
static int flip_outcome(const uint8_t *flipped, size_t pos, uint8_t *alert)
{
    size_t len = gls_get_u16(flipped + 3);
    if (pos == 0) { /* outer type no longer application_data (RFC 8446 §5.2) */
        *alert = A_UNEXPECTED_MESSAGE;
        return GLS_E_UNEXPECTED_MESSAGE;
    }
    if (pos == 1) { /* not a 0x03xx record version */
        *alert = A_DECODE_ERROR;
        return GLS_E_DECODE;
    }
    if (len > 16384 + 256) { /* RFC 8446 §5.2 */
        *alert = A_RECORD_OVERFLOW;
        return GLS_E_RECORD_OVERFLOW;
    }
    if (len > 23) {
        return GLS_OK; /* a longer record: the rest has not arrived */
    }
    *alert = A_BAD_RECORD_MAC; /* the header is the AEAD's additional data */
    return GLS_E_BAD_RECORD_MAC;
}

/* One tampered record on a fresh pair: the server fails with the right error and its sealed
 * alert reaches the client, or (a longer length) it waits and end of stream is unexpected_eof. */
static bool flip_case(struct duo *d, size_t pos, uint8_t mask)
{
    size_t put = 0;
    size_t len = 0;
    uint8_t alert = 0;
    if (!duo_connect(d) || gls_conn_write(d->c, "secret", 6, &put) != GLS_OK) {
        return false;
    }
    uint8_t *out = (uint8_t *)gls_conn_net_out(d->c, &len);
    if (len != 28) {
        return false;
    }
    out[pos] ^= mask;
    int want = flip_outcome(out, pos, &alert);
    bool ok = says(feed(d->s, out, len), want) && says(gls_conn_error(d->s), want);
    drain(d->c);
    if (want == GLS_OK) {
        ok = ok && out_len(d->s) == 0 &&
             says(gls_conn_net_in_done(d->s, 0), GLS_E_UNEXPECTED_EOF) && out_len(d->s) == 0;
    } else {
        ok = ok && sealed_alert(d->s, d->c, alert);
    }
    duo_close(d);
    return ok;
}

TEST(tampered_record_every_byte)
{
    static const uint8_t masks[] = {0x01, 0x80};
    struct duo d;
    duo_configs(&d);
    for (size_t pos = 0; pos < 28; pos++) {
        for (size_t i = 0; i < sizeof masks; i++) {
            if (!flip_case(&d, pos, masks[i])) {
                FAIL("record byte %zu XOR 0x%02x", pos, masks[i]);
            }
        }
    }
    duo_free(&d);
}

/* RFC 8446 §5.2: a protected record of 2^14 + 256 bytes is still read (and fails its tag);
 * one byte more is record_overflow from the header alone. */
TEST(protected_record_length_limit)
{
    static uint8_t rec[5 + 16384 + 256];
    struct duo d;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    memset(rec, 0x5a, sizeof rec);
    unhex("17 0303 4100", rec, 5);
    CHECK_ERR(feed(d.s, rec, sizeof rec), GLS_E_BAD_RECORD_MAC);
    CHECK(sealed_alert(d.s, d.c, A_BAD_RECORD_MAC));
    duo_close(&d);
    CHECK(duo_connect(&d));
    CHECK_ERR(feed_hex(d.s, "17 0303 4101"), GLS_E_RECORD_OVERFLOW);
    CHECK(sealed_alert(d.s, d.c, A_RECORD_OVERFLOW));
    duo_free(&d);
}

/* RFC 8446 §5.4: padding is stripped and counts toward the 2^14 + 1 limit of TLSInnerPlaintext;
 * a record with no non-zero byte is unexpected_message. */
TEST(inner_plaintext_padding_and_limit)
{
    static uint8_t rec[5 + 16384 + 256];
    struct duo d;
    char buf[8];
    size_t got = 0;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    size_t len = seal_padded(d.c, (const uint8_t *)"hello", 5, 23, 16384 + 1 - 6, rec);
    CHECK_OK(feed(d.s, rec, len));
    CHECK_OK(gls_conn_read(d.s, buf, sizeof buf, &got));
    CHECK(got == 5 && memcmp(buf, "hello", 5) == 0);
    len = seal_padded(d.c, (const uint8_t *)"hello", 5, 23, 16384 + 1 - 5, rec);
    CHECK_ERR(feed(d.s, rec, len), GLS_E_RECORD_OVERFLOW);
    CHECK(sealed_alert(d.s, d.c, A_RECORD_OVERFLOW));
    duo_close(&d);

    CHECK(duo_connect(&d));
    len = seal_padded(d.c, NULL, 0, 0, 40, rec);
    CHECK_ERR(feed(d.s, rec, len), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_free(&d);
}

/* RFC 8446 §4.6.3: request_update other than 0 or 1 is illegal_parameter; a KeyUpdate of the
 * wrong length is decode_error; a key change inside a record is unexpected_message (§5.1). */
TEST(bad_key_update)
{
    struct duo d;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    inject(d.c, GLS_CT_HANDSHAKE, "18 000001 02");
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_ILLEGAL_PARAMETER);
    CHECK(sealed_alert(d.s, d.c, A_ILLEGAL_PARAMETER));
    duo_close(&d);

    CHECK(duo_connect(&d));
    inject(d.c, GLS_CT_HANDSHAKE, "18 000002 0000");
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_DECODE);
    CHECK(sealed_alert(d.s, d.c, A_DECODE_ERROR));
    duo_close(&d);

    CHECK(duo_connect(&d));
    inject(d.c, GLS_CT_HANDSHAKE, "18 000001 00 18 000001 00");
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_free(&d);
}

/* Handshake messages the connected state has no row for: a ClientHello to the server, a
 * CertificateRequest to a client that never offered post_handshake_auth (RFC 8446 §4.6.2), a
 * malformed NewSessionTicket (decode_error). */
TEST(post_handshake_messages_out_of_place)
{
    struct duo d;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    inject(d.c, GLS_CT_HANDSHAKE, "01 000002 0303");
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_close(&d);

    CHECK(duo_connect(&d));
    inject(d.s, GLS_CT_HANDSHAKE, "0d 00000b 00 0008 000d 0004 0002 0403");
    pair_move(d.s, d.c, 0);
    CHECK_EQ(gls_conn_error(d.c), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.c, d.s, A_UNEXPECTED_MESSAGE));
    duo_close(&d);

    CHECK(duo_connect(&d));
    inject(d.s, GLS_CT_HANDSHAKE, "04 000001 00");
    pair_move(d.s, d.c, 0);
    CHECK_EQ(gls_conn_error(d.c), GLS_E_DECODE);
    CHECK(sealed_alert(d.c, d.s, A_DECODE_ERROR));
    duo_free(&d);
}

/* RFC 8446 §5: change_cipher_spec after the peer's Finished, or protected, is
 * unexpected_message; §5.1: handshake messages are not interleaved with other record types. */
TEST(records_out_of_place_after_handshake)
{
    struct duo d;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    CHECK_ERR(feed_hex(d.s, "14 0303 0001 01"), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_close(&d);

    CHECK(duo_connect(&d));
    inject(d.c, GLS_CT_CHANGE_CIPHER_SPEC, "01");
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_close(&d);

    CHECK(duo_connect(&d));
    inject(d.c, GLS_CT_HANDSHAKE, "18 00");
    inject(d.c, GLS_CT_APPLICATION_DATA, "6869");
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_free(&d);
}

/* ---- issue 9 item 6: KeyUpdates are bounded, and nothing but data resets the idle guard ---- */

/* Sends n KeyUpdates from `from` (which updates its own keys each time) and moves them. */
static void key_updates(gls_conn *from, gls_conn *to, int n, int request_peer)
{
    for (int i = 0; i < n; i++) {
        if (gls_conn_key_update(from, request_peer) != GLS_OK) {
            abort();
        }
    }
    pair_move(from, to, 0);
}

/* A burst of GLS_KEY_UPDATE_BURST is taken; one more with no records between fails with
 * too_many_key_updates and an unexpected_message alert the peer can still open. */
TEST(key_update_burst_then_refused)
{
    struct duo d;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    key_updates(d.c, d.s, GLS_KEY_UPDATE_BURST, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_OK);
    CHECK_OK(pair_exchange(d.c, d.s, "still fine"));
    key_updates(d.c, d.s, 1, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_TOO_MANY_KEY_UPDATES);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_free(&d);
}

/* After the burst, one KeyUpdate per N records received (N = 4 here): 3 records between are
 * too few, 4 are enough, again and again (100 rounds). */
TEST(key_update_rate_is_one_per_n_records)
{
    struct duo d;
    duo_configs(&d);
    CHECK_OK(gls_config_set_key_update_min_records(d.scfg, 4));
    CHECK_ERR(gls_config_set_key_update_min_records(d.scfg, 0), GLS_E_INVALID_ARGUMENT);
    CHECK(duo_connect(&d));
    key_updates(d.c, d.s, GLS_KEY_UPDATE_BURST, 0);
    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 4; i++) {
            CHECK_OK(pair_exchange(d.c, d.s, "r"));
        }
        key_updates(d.c, d.s, 1, 0);
        CHECK_EQ(gls_conn_error(d.s), GLS_OK);
    }
    for (int i = 0; i < 3; i++) {
        CHECK_OK(pair_exchange(d.c, d.s, "r"));
    }
    key_updates(d.c, d.s, 1, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_TOO_MANY_KEY_UPDATES);
    CHECK(strstr(gls_conn_error_detail(d.s), "KeyUpdate") != NULL);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_free(&d);
}

/* RFC 8446 §4.6.3: update_requested KeyUpdates received while we send nothing get one answer;
 * after we send data, a new request gets a new answer. */
TEST(key_update_requests_answered_once_while_silent)
{
    struct duo d;
    size_t len = 0;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    uint64_t seq0 = d.s->wr.seq;
    key_updates(d.c, d.s, 3, 1);
    CHECK_EQ(gls_conn_error(d.s), GLS_OK);
    pending(d.s, &len);
    CHECK_EQ(len, 5 + 5 + 1 + 16);        /* exactly one protected KeyUpdate record */
    CHECK(d.s->wr.seq == 0 && seq0 >= 1); /* and its keys changed once (sequence restarted) */
    pair_move(d.s, d.c, 0);
    CHECK_OK(pair_exchange(d.s, d.c, "data from the server"));
    CHECK_OK(pair_exchange(d.c, d.s, "data from the client"));
    key_updates(d.c, d.s, 1, 1);
    pending(d.s, &len);
    CHECK_EQ(len, 5 + 5 + 1 + 16); /* answered again */
    pair_move(d.s, d.c, 0);
    CHECK_OK(pair_exchange(d.c, d.s, "both on new keys"));
    CHECK_OK(pair_exchange(d.s, d.c, "both on new keys"));
    duo_free(&d);
}

/* Empty records around a KeyUpdate: the KeyUpdate does not reset the count (it counts), so with
 * a limit of 3, two empty records, a KeyUpdate and one more empty record fail. */
TEST(key_update_does_not_reset_the_idle_guard)
{
    struct duo d;
    duo_configs(&d);
    CHECK_OK(gls_config_set_max_idle_records(d.scfg, 3));
    CHECK(duo_connect(&d));
    CHECK_OK(pair_exchange(d.c, d.s, "data")); /* counting starts here (not at the CCS) */
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    key_updates(d.c, d.s, 1, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_OK);
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(strstr(gls_conn_error_detail(d.s), "carried nothing") != NULL);
    CHECK(sealed_alert(d.s, d.c, A_UNEXPECTED_MESSAGE));
    duo_close(&d);
    /* application data does reset it */
    CHECK(duo_connect(&d));
    CHECK_OK(pair_exchange(d.c, d.s, "data")); /* counting starts here (not at the CCS) */
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    key_updates(d.c, d.s, 1, 0);
    CHECK_OK(pair_exchange(d.c, d.s, "data"));
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    CHECK_OK(gls_hs_send(d.c, GLS_CT_APPLICATION_DATA, NULL, 0));
    pair_move(d.c, d.s, 0);
    CHECK_EQ(gls_conn_error(d.s), GLS_OK);
    duo_free(&d);
}

/* "hello" and a tampered second record arrive together: "hello" is still read in full, then
 * the error is reported (and the alert sent). */
TEST(data_before_a_tampered_record_is_delivered)
{
    struct duo d;
    char buf[3];
    size_t got = 0;
    size_t put = 0;
    size_t len = 0;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    CHECK_OK(gls_conn_write(d.s, "hello", 5, &put));
    size_t first = out_len(d.s);
    CHECK_OK(gls_conn_write(d.s, "world", 5, &put));
    uint8_t *out = (uint8_t *)gls_conn_net_out(d.s, &len);
    CHECK_EQ(len, 2 * first);
    out[len - 1] ^= 1;
    CHECK_OK(feed(d.c, out, len));
    drain(d.s);
    CHECK_OK(gls_conn_read(d.c, buf, sizeof buf, &got));
    CHECK(got == 3 && memcmp(buf, "hel", 3) == 0);
    CHECK_OK(gls_conn_read(d.c, buf, sizeof buf, &got));
    CHECK(got == 2 && memcmp(buf, "lo", 2) == 0);
    CHECK_ERR(gls_conn_read(d.c, buf, sizeof buf, &got), GLS_E_BAD_RECORD_MAC);
    CHECK_EQ(got, 0);
    CHECK(sealed_alert(d.c, d.s, A_BAD_RECORD_MAC));
    duo_free(&d);
}

/* After a failure under keys: one alert, then the same error from every call and silence, even
 * for a valid record. */
TEST(failure_after_keys_is_sticky_and_silent)
{
    struct duo d;
    uint8_t good[64];
    char buf[8];
    size_t n = 0;
    size_t len = 0;
    duo_configs(&d);
    CHECK(duo_connect(&d));
    CHECK_OK(gls_conn_write(d.c, "one", 3, &n));
    size_t first = out_len(d.c);
    CHECK_OK(gls_conn_write(d.c, "two", 3, &n));
    uint8_t *out = (uint8_t *)gls_conn_net_out(d.c, &len);
    CHECK(len == 2 * first && first <= sizeof good);
    memcpy(good, out + first, first);
    out[first - 1] ^= 1;
    CHECK_ERR(feed(d.s, out, first), GLS_E_BAD_RECORD_MAC);
    drain(d.c);
    CHECK(sealed_alert(d.s, d.c, A_BAD_RECORD_MAC));
    CHECK_ERR(feed(d.s, good, first), GLS_E_BAD_RECORD_MAC);
    CHECK_ERR(gls_conn_net_in_done(d.s, 0), GLS_E_BAD_RECORD_MAC);
    CHECK_ERR(gls_conn_read(d.s, buf, sizeof buf, &n), GLS_E_BAD_RECORD_MAC);
    CHECK_ERR(gls_conn_write(d.s, "x", 1, &n), GLS_E_BAD_RECORD_MAC);
    CHECK_ERR(gls_conn_close(d.s), GLS_E_BAD_RECORD_MAC);
    CHECK_ERR(gls_conn_key_update(d.s, 1), GLS_E_BAD_RECORD_MAC);
    CHECK_EQ(gls_conn_error(d.s), GLS_E_BAD_RECORD_MAC);
    CHECK_EQ(out_len(d.s), 0);
    CHECK(gls_conn_wants(d.s) & GLS_CLOSED);
    CHECK(!gls_conn_handshake_done(d.s));
    duo_free(&d);
}

/* Our server mid-handshake (its flight sent, the real client connected), fed hex: it must
 * fail with err and send one sealed alert the client opens. */
static bool server_mid_handshake_refuses(const char *hex, int err, uint8_t alert)
{
    struct duo d;
    duo_configs(&d);
    d.c = gls_client_new(d.ccfg, "localhost");
    d.s = gls_server_new(d.scfg);
    pair_move(d.c, d.s, 0);
    pair_move(d.s, d.c, 0);
    bool ok = gls_conn_handshake_done(d.c) && says(feed_hex(d.s, hex), err) &&
              says(gls_conn_error(d.s), err) && sealed_alert(d.s, d.c, alert);
    duo_free(&d);
    return ok;
}

/* RFC 8446 §5: one change_cipher_spec of 0x01 is dropped while the server waits for the
 * client's Finished; a second one is unexpected_message. */
TEST(server_second_change_cipher_spec_is_unexpected_message)
{
    CHECK(server_mid_handshake_refuses("14 0303 0001 01 14 0303 0001 01", GLS_E_UNEXPECTED_MESSAGE,
                                       A_UNEXPECTED_MESSAGE));
}

/* RFC 8446 §5: "An implementation which receives any other change_cipher_spec value [than a
 * single byte 0x01] ... MUST abort the handshake with an "unexpected_message" alert." Our
 * client waiting for ServerHello, and our server waiting for the client's Finished. */
TEST(change_cipher_spec_other_value_is_unexpected_message)
{
    gls_config *cfg = client_config(0x0303);
    bool client_ok = client_refuses_bytes(cfg, "14 0303 0001 02", GLS_E_UNEXPECTED_MESSAGE,
                                          A_UNEXPECTED_MESSAGE);
    bool server_ok = server_mid_handshake_refuses("14 0303 0001 02", GLS_E_UNEXPECTED_MESSAGE,
                                                  A_UNEXPECTED_MESSAGE);
    gls_config_free(cfg);
    CHECK(client_ok);
    CHECK(server_ok);
}

/* ---- a server that authenticates but breaks the rules after ServerHello: the real server's
 * encrypted flight opened with its handshake traffic secret and resealed with changes ---- */

struct flight {
    struct duo d;
    uint8_t sh[2048]; /* the real ServerHello record, passed on unchanged */
    size_t sh_len;
    uint8_t
        hs[8192]; /* the flight's handshake messages in plaintext: EE, Certificate, CV, Finished */
    size_t hs_len;
    size_t at[8]; /* where each message starts in hs */
    size_t n_msgs;
    struct gls_rec_dir wr; /* seals under the server's handshake traffic keys */
};

/* Opens one record of the real server's flight and appends its plaintext to f->hs. */
static bool flight_open(struct flight *f, struct gls_rec_dir *rd, const uint8_t *p, size_t n)
{
    uint8_t rec[4096];
    struct gls_rec_content rc;
    if (n > sizeof rec) {
        return false;
    }
    memcpy(rec, p, n);
    if (gls_rec_open(rd, rec, n, &rc) != GLS_OK || rc.type != GLS_CT_HANDSHAKE ||
        f->hs_len + rc.data.len > sizeof f->hs) {
        return false;
    }
    memcpy(f->hs + f->hs_len, rc.data.p, rc.data.len);
    f->hs_len += rc.data.len;
    return true;
}

/* Runs the real server on our client's ClientHello and takes its flight apart; then gives our
 * client the ServerHello, so it waits for EncryptedExtensions under the handshake keys. */
static bool flight_start(struct flight *f)
{
    struct gls_rec_dir rd;
    uint8_t key[32];
    uint8_t iv[12];
    size_t len = 0;
    bool ok = true;
    memset(f, 0, sizeof *f);
    memset(&rd, 0, sizeof rd);
    duo_configs(&f->d);
    f->d.c = gls_client_new(f->d.ccfg, "localhost");
    f->d.s = gls_server_new(f->d.scfg);
    pair_move(f->d.c, f->d.s, 0);
    gls_conn *s = f->d.s;
    const gls_aead_alg *a = gls_aead_get(f->d.scfg->crypto, s->sess.suite->cipher);
    if (gls_ks13_traffic_key_iv(s->sess.hash, &s->hs->s_hs_traffic, key, a->key_len, iv, 12) ||
        gls_rec_set_aead(&rd, GLS_REC_TLS13, a, key, iv, 12, false) ||
        gls_rec_set_aead(&f->wr, GLS_REC_TLS13, a, key, iv, 12, true)) {
        return false;
    }
    const uint8_t *out = gls_conn_net_out(s, &len);
    while (ok && len >= 5) {
        size_t n = 5 + (size_t)gls_get_u16(out + 3);
        ok = n <= len;
        if (ok && out[0] == GLS_CT_HANDSHAKE && f->sh_len == 0 && n <= sizeof f->sh) {
            memcpy(f->sh, out, n);
            f->sh_len = n;
        } else if (ok && out[0] == GLS_CT_APPLICATION_DATA) {
            ok = flight_open(f, &rd, out, n);
        }
        out += n;
        len -= n;
    }
    gls_rec_dir_wipe(&rd);
    drain(s);
    for (size_t off = 0; ok && off + 4 <= f->hs_len && f->n_msgs < 8;) {
        f->at[f->n_msgs++] = off;
        off += 4 + ((size_t)f->hs[off + 1] << 16 | (size_t)f->hs[off + 2] << 8 | f->hs[off + 3]);
    }
    static const uint8_t types[4] = {8, 11, 15, 20};
    ok = ok && f->sh_len > 0 && f->n_msgs == 4;
    for (size_t i = 0; ok && i < 4; i++) {
        ok = f->hs[f->at[i]] == types[i];
    }
    return ok && says(feed(f->d.c, f->sh, f->sh_len), GLS_OK) && f->d.c->state == ST_C13_WAIT_EE;
}

static void flight_free(struct flight *f)
{
    gls_rec_dir_wipe(&f->wr);
    duo_free(&f->d);
}

/* Seals p[0..n) as one handshake record under the server's keys and feeds our client. */
static int flight_send(struct flight *f, const uint8_t *p, size_t n)
{
    uint8_t rec[4096];
    size_t len = 0;
    if (gls_rec_seal(&f->wr, GLS_CT_HANDSHAKE, p, n, &f->d.scfg->rng, rec, sizeof rec, &len)) {
        abort();
    }
    return feed(f->d.c, rec, len);
}

/* Message i of the real flight (0 EE, 1 Certificate, 2 CertificateVerify, 3 Finished). */
static uint8_t *flight_msg(struct flight *f, size_t i, size_t *n)
{
    size_t end = i + 1 < f->n_msgs ? f->at[i + 1] : f->hs_len;
    *n = end - f->at[i];
    return f->hs + f->at[i];
}

static int flight_send_msg(struct flight *f, size_t i)
{
    size_t n = 0;
    uint8_t *p = flight_msg(f, i, &n);
    return flight_send(f, p, n);
}

static int flight_send_hex(struct flight *f, const char *hex)
{
    uint8_t buf[1024];
    return flight_send(f, buf, unhex(hex, buf, sizeof buf));
}

/* The client failed with err, and its alert, sealed under its handshake keys, reaches the real
 * server. */
static bool flight_refused(struct flight *f, int rc, int err, uint8_t alert)
{
    return says(rc, err) && says(gls_conn_error(f->d.c), err) &&
           sealed_alert(f->d.c, f->d.s, alert);
}

TEST(flight_resealed_unchanged_completes)
{
    struct flight f;
    CHECK(flight_start(&f));
    for (size_t i = 0; i < 4; i++) {
        CHECK_OK(flight_send_msg(&f, i));
    }
    CHECK(gls_conn_handshake_done(f.d.c));
    pair_move(f.d.c, f.d.s, 0);
    CHECK(gls_conn_handshake_done(f.d.s));
    flight_free(&f);
}

/* RFC 8446 §4.2: EncryptedExtensions may hold no extension the client did not request: unknown
 * or unsolicited ones are unsupported_extension; known ones that do not belong there are
 * illegal_parameter; a type twice is illegal_parameter too. */
TEST(flight_bad_encrypted_extensions)
{
    static const struct {
        const char *ee;
        int err;
        uint8_t alert;
    } cases[] = {
        {"08 000006 0004 fafa 0000", GLS_E_UNSUPPORTED_EXTENSION, A_UNSUPPORTED_EXTENSION},
        {"08 000006 0004 0033 0000", GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER},
        {"08 00000a 0008 0000 0000 0000 0000", GLS_E_DUPLICATE_EXTENSION, A_ILLEGAL_PARAMETER},
        /* §4.2 table: supported_versions, pre_shared_key, cookie, signature_algorithms and
         * psk_key_exchange_modes never go in EncryptedExtensions */
        {"08 000008 0006 002b 0002 0304", GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER},
        {"08 000008 0006 0029 0002 0000", GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER},
        {"08 000008 0006 002c 0002 0000", GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER},
        {"08 00000a 0008 000d 0004 0002 0804", GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER},
        {"08 000007 0005 002d 0001 01", GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER},
        /* §4.3.1: the block must close exactly */
        {"08 000000", GLS_E_DECODE, A_DECODE_ERROR},
        {"08 000006 0006 fafa 0000", GLS_E_DECODE, A_DECODE_ERROR},
        {"08 000003 0000 00", GLS_E_DECODE, A_DECODE_ERROR},
        {"08 000006 0004 fafa 0001", GLS_E_DECODE, A_DECODE_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct flight f;
        bool ok = flight_start(&f) && flight_refused(&f, flight_send_hex(&f, cases[i].ee),
                                                     cases[i].err, cases[i].alert);
        flight_free(&f);
        if (!ok) {
            FAIL("EncryptedExtensions %s", cases[i].ee);
        }
    }
}

/* RFC 8446 §4.2: "Implementations MUST NOT send extension responses if the remote endpoint did
 * not send the corresponding extension requests ... Upon receiving such an extension, an
 * endpoint MUST abort the handshake with an "unsupported_extension" alert." Our client sends
 * neither ALPN nor early_data here. */
TEST(flight_unsolicited_encrypted_extensions_are_unsupported_extension)
{
    static const char *const ees[] = {
        "08 00000b 0009 0010 0005 0003 02 6832", /* ALPN "h2" */
        "08 000006 0004 002a 0000",              /* early_data */
    };
    bool all = true;
    for (size_t i = 0; i < sizeof ees / sizeof ees[0]; i++) {
        struct flight f;
        bool ok = flight_start(&f) &&
                  flight_refused(&f, flight_send_hex(&f, ees[i]), GLS_E_UNSUPPORTED_EXTENSION,
                                 A_UNSUPPORTED_EXTENSION);
        flight_free(&f);
        if (!ok) {
            fprintf(stderr, "  ... for EncryptedExtensions %s\n", ees[i]);
            all = false;
        }
    }
    CHECK(all);
}

/* RFC 8446 §4 (Appendix A.1): EE, then Certificate, then CertificateVerify, then Finished. */
TEST(flight_messages_out_of_order_are_unexpected_message)
{
    struct flight f;
    CHECK(flight_start(&f)); /* Certificate before EncryptedExtensions */
    CHECK(
        flight_refused(&f, flight_send_msg(&f, 1), GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    flight_free(&f);
    CHECK(flight_start(&f)); /* EncryptedExtensions twice */
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK(
        flight_refused(&f, flight_send_msg(&f, 0), GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    flight_free(&f);
    CHECK(flight_start(&f)); /* no CertificateVerify */
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK_OK(flight_send_msg(&f, 1));
    CHECK(
        flight_refused(&f, flight_send_msg(&f, 3), GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    flight_free(&f);
    CHECK(flight_start(&f)); /* a NewSessionTicket before Finished */
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(flight_send_msg(&f, i));
    }
    CHECK(flight_refused(&f, flight_send_hex(&f, "04 00000f 00001c20 00000000 00 0002 abcd 0000"),
                         GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    flight_free(&f);
    CHECK(flight_start(&f)); /* no Certificate at all */
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK(
        flight_refused(&f, flight_send_msg(&f, 3), GLS_E_UNEXPECTED_MESSAGE, A_UNEXPECTED_MESSAGE));
    flight_free(&f);
}

/* RFC 8446 §4.4.2.4: an empty server Certificate is decode_error; §4.3.2: a CertificateRequest
 * without signature_algorithms is missing_extension (and with no extension at all, below the
 * block's minimum of 2 bytes, decode_error). */
TEST(flight_empty_certificate_and_bare_certificate_request)
{
    struct flight f;
    CHECK(flight_start(&f));
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK(flight_refused(&f, flight_send_hex(&f, "0b 000004 00 000000"), GLS_E_DECODE,
                         A_DECODE_ERROR));
    flight_free(&f);
    CHECK(flight_start(&f));
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK(flight_refused(&f, flight_send_hex(&f, "0d 000007 00 0004 fafa 0000"),
                         GLS_E_MISSING_EXTENSION, A_MISSING_EXTENSION));
    flight_free(&f);
    CHECK(flight_start(&f));
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK(
        flight_refused(&f, flight_send_hex(&f, "0d 000003 00 0000"), GLS_E_DECODE, A_DECODE_ERROR));
    flight_free(&f);
}

/* RFC 8446 §4.4.3: a signature that does not verify is decrypt_error; a scheme we did not offer
 * (rsa_pkcs1_sha256 is never allowed in TLS 1.3) is illegal_parameter. */
TEST(flight_bad_certificate_verify)
{
    struct flight f;
    size_t n = 0;
    CHECK(flight_start(&f));
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK_OK(flight_send_msg(&f, 1));
    uint8_t *cv = flight_msg(&f, 2, &n);
    cv[n - 1] ^= 1;
    CHECK(flight_refused(&f, flight_send(&f, cv, n), GLS_E_BAD_SIGNATURE, 51));
    flight_free(&f);
    CHECK(flight_start(&f));
    CHECK_OK(flight_send_msg(&f, 0));
    CHECK_OK(flight_send_msg(&f, 1));
    cv = flight_msg(&f, 2, &n);
    cv[4] = 0x04;
    cv[5] = 0x01;
    CHECK(flight_refused(&f, flight_send(&f, cv, n), GLS_E_ILLEGAL_PARAMETER, A_ILLEGAL_PARAMETER));
    flight_free(&f);
}

/* RFC 8446 §4.4.4: a Finished that does not verify is decrypt_error; one of the wrong length
 * is decode_error. */
TEST(flight_bad_finished)
{
    struct flight f;
    size_t n = 0;
    CHECK(flight_start(&f));
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(flight_send_msg(&f, i));
    }
    uint8_t *fin = flight_msg(&f, 3, &n);
    fin[n - 1] ^= 0x80;
    CHECK(flight_refused(&f, flight_send(&f, fin, n), GLS_E_BAD_FINISHED, 51));
    CHECK(!gls_conn_handshake_done(f.d.c));
    flight_free(&f);
    CHECK(flight_start(&f));
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(flight_send_msg(&f, i));
    }
    fin = flight_msg(&f, 3, &n);
    fin[3] = (uint8_t)(fin[3] - 1); /* one byte shorter, header included */
    CHECK(flight_refused(&f, flight_send(&f, fin, n - 1), GLS_E_DECODE, A_DECODE_ERROR));
    flight_free(&f);
}

/* Asking for output before a connection has queued any is allowed at any time; it must not
 * compute NULL + 0 (undefined behaviour: the sanitizer build stops here). Kept last so the
 * sanitizer run reaches every other test first. */
TEST(net_out_before_any_output)
{
    gls_config *cfg = server_config(0x0303);
    gls_conn *s = gls_server_new(cfg);
    size_t len = 1;
    (void)gls_conn_net_out(s, &len);
    CHECK_EQ(len, 0);
    gls_conn_free(s);
    gls_config_free(cfg);
}
