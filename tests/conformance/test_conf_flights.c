/* tests/conformance/test_conf_flights.c — what our client and server answer when the peer breaks
 * a rule after the hellos, or between records: close_notify inside the handshake (RFC 8446
 * §6.1), alert levels (RFC 5246 §7.2), records between the fragments of a handshake message
 * (RFC 8446 §5.1), a plaintext alert from a client that refused our ServerHello (RFC 8446 §6),
 * CertificateEntry extensions nobody asked for (RFC 8446 §4.4.2), and a TLS 1.2 server's empty
 * Certificate (RFC 5246 §7.4.2). The misbehaving peer is the real library with one message
 * rewritten by its config's record hook before it is sealed, or raw records written here. Each
 * case checks the error code, and the alert bytes: the exact plaintext alert record, or one
 * protected alert record the real peer opens and reports. */
#include "conf.h"

/* ---- a peer that rewrites one handshake message before sealing it ---- */

typedef void (*edit_fn)(uint8_t *m, size_t *n, uint8_t *record_type);

static struct {
    uint8_t msg_type; /* the handshake message to rewrite */
    edit_fn edit;
    uint8_t buf[16384 + 64];
} rw;

static const uint8_t *rewrite_hook(void *arg, uint8_t *type, const uint8_t *p, size_t *n)
{
    (void)arg;
    if (*type != CT_HANDSHAKE || *n < 4 || *n > 16384 || p[0] != rw.msg_type) {
        return p;
    }
    memcpy(rw.buf, p, *n);
    rw.edit(rw.buf, n, type);
    return rw.buf;
}

static void put_u24(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static size_t get_u24(const uint8_t *p)
{
    return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

/* TLS 1.3 Certificate: the first entry gets status_request with a one-byte OCSP response. */
static void add_status_request(uint8_t *m, size_t *n, uint8_t *record_type)
{
    static const uint8_t ext[11] = {0x00, 0x09, 0x00, 0x05, 0x00, 0x05,
                                    0x01, 0x00, 0x00, 0x01, 0xaa};
    (void)record_type;
    size_t list = 4 + 1 + m[4];                               /* after the request context */
    size_t entry_exts = list + 3 + 3 + get_u24(m + list + 3); /* after the first cert_data */
    memmove(m + entry_exts + sizeof ext, m + entry_exts + 2, *n - entry_exts - 2);
    memcpy(m + entry_exts, ext, sizeof ext);
    *n += sizeof ext - 2;
    put_u24(m + 1, *n - 4);
    put_u24(m + list, get_u24(m + list) + sizeof ext - 2);
}

/* TLS 1.2 Certificate with an empty certificate_list. */
static void empty_certificate(uint8_t *m, size_t *n, uint8_t *record_type)
{
    (void)record_type;
    memcpy(m, "\x0b\x00\x00\x03\x00\x00\x00", 7);
    *n = 7;
}

/* The message becomes a close_notify alert record (protected like the message would be). */
static void to_close_notify(uint8_t *m, size_t *n, uint8_t *record_type)
{
    *record_type = CT_ALERT;
    m[0] = 1;
    m[1] = 0;
    *n = 2;
}

/* ---- pairs and what passes between them ---- */

struct duo {
    gls_config *s_cfg;
    gls_config *c_cfg;
    gls_conn *c;
    gls_conn *s;
};

/* A rule broken by a rewritten message, and the refusal it must get. */
struct frow {
    const char *what;
    uint16_t version;
    bool client_auth;     /* the client has a certificate; the server requires one */
    bool alpn;            /* both sides speak "h2" */
    bool client_rewrites; /* the client's message is rewritten (else the server's, if edit) */
    uint8_t msg_type;
    edit_fn edit;
    bool server_refuses; /* the server is the one that must refuse */
    int err;
    uint8_t alert;
    bool sealed; /* the alert goes out protected */
    const char *says;
};

/* Configs and connections for row r (only version, client_auth, alpn and the rewrite). */
static void duo_start(struct duo *d, const struct frow *r)
{
    static const char *const names[] = {"localhost"};
    static const char *const protos[] = {"h2"};
    pair_configs(&d->s_cfg, &d->c_cfg, 1, r->version);
    if (r->client_auth &&
        (gls_config_add_generated_cert(d->c_cfg, names, 1, 1, NULL) != GLS_OK ||
         gls_config_set_client_auth(d->s_cfg, GLS_CLIENT_AUTH_REQUIRED) != GLS_OK ||
         gls_config_danger_accept_any_cert(d->s_cfg) != GLS_OK)) {
        abort();
    }
    if (r->alpn && (gls_config_set_alpn(d->s_cfg, protos, 1) != GLS_OK ||
                    gls_config_set_alpn(d->c_cfg, protos, 1) != GLS_OK)) {
        abort();
    }
    rw.msg_type = r->msg_type;
    rw.edit = r->edit;
    d->s_cfg->record_hook = r->edit != NULL && !r->client_rewrites ? rewrite_hook : NULL;
    d->c_cfg->record_hook = r->edit != NULL && r->client_rewrites ? rewrite_hook : NULL;
    d->c = gls_client_new(d->c_cfg, "localhost");
    d->s = gls_server_new(d->s_cfg);
}

static void duo_free(struct duo *d)
{
    pair_free(d->c, d->s, d->s_cfg, d->c_cfg);
}

static size_t pending_len(const gls_conn *c)
{
    size_t len = 0;
    (void)conf_out(c, &len);
    return len;
}

/* Moves the first k whole records of from's output to `to`; returns what `to` said. */
static int move_records(gls_conn *from, gls_conn *to, size_t k)
{
    size_t len = 0;
    size_t n = 0;
    const uint8_t *out = conf_out(from, &len);
    for (size_t i = 0; i < k && n + 5 <= len; i++) {
        n += 5 + ((size_t)out[n + 3] << 8 | out[n + 4]);
    }
    int err = conf_feed(to, out, n);
    gls_conn_net_out_done(from, n);
    return err;
}

static int feed_hex(gls_conn *c, const char *hex)
{
    uint8_t buf[512];
    return conf_feed(c, buf, unhex(hex, buf, sizeof buf));
}

static bool is(int got, int want, const char *what)
{
    if (got != want) {
        fprintf(stderr, "  %s: got %d (%s), wanted %d (%s)\n", what, got, gls_error_name(got), want,
                gls_error_name(want));
    }
    return got == want;
}

/* from's whole output is one alert record, 15 03 03 00 02 02 <alert> in plaintext or a 24-byte
 * TLS 1.3 protected record, and `to`, fed it, reports that alert. */
static bool alert_reaches(gls_conn *from, gls_conn *to, uint8_t alert, bool sealed)
{
    const uint8_t plain[7] = {CT_ALERT, 3, 3, 0, 2, 2, alert};
    const uint8_t head[5] = {CT_APPDATA, 3, 3, 0, 19};
    size_t len = 0;
    const uint8_t *out = conf_out(from, &len);
    bool shape =
        sealed ? len == 24 && memcmp(out, head, 5) == 0 : len == 7 && memcmp(out, plain, 7) == 0;
    if (!shape) {
        char hex[2 * 24 + 1];
        hex_of(out, len < 24 ? len : 24, hex);
        fprintf(stderr, "  output %s (%zu bytes) is not one %s alert %u\n", hex, len,
                sealed ? "protected" : "plaintext", alert);
        return false;
    }
    return is(move_records(from, to, 1), GLS_E_PEER_ALERT_BASE - alert, "the peer");
}

/* The connection ended with GLS_E_CLOSED, not done, said so, and sent nothing more than
 * out_before bytes. */
static bool closed_in_handshake(const gls_conn *c, int rc, size_t out_before)
{
    bool ok = is(rc, GLS_E_CLOSED, "net_in_done") && is(gls_conn_error(c), GLS_E_CLOSED, "error");
    ok = ok && !gls_conn_handshake_done(c) && (gls_conn_wants(c) & GLS_CLOSED) != 0;
    ok = ok && strstr(gls_conn_error_detail(c), "before the handshake completed") != NULL;
    if (pending_len(c) != out_before) {
        fprintf(stderr, "  %zu bytes out, wanted %zu: something was sent\n", pending_len(c),
                out_before);
        return false;
    }
    return ok;
}

/* ---- RFC 8446 §6.1: close_notify inside the handshake ---- */

TEST(close_notify_inside_the_handshake_fails_it)
{
    static const char close_notify[] = "15 0303 0002 0100";
    struct duo d;
    /* server before any ClientHello */
    duo_start(&d, &(struct frow){.version = 0x0304});
    CHECK(closed_in_handshake(d.s, feed_hex(d.s, close_notify), 0));
    duo_free(&d);
    /* client waiting for ServerHello */
    duo_start(&d, &(struct frow){.version = 0x0304});
    gls_conn_net_out_done(d.c, pending_len(d.c));
    CHECK(closed_in_handshake(d.c, feed_hex(d.c, close_notify), 0));
    duo_free(&d);
    /* TLS 1.3 server after its flight, before the client's first protected record */
    duo_start(&d, &(struct frow){.version = 0x0304});
    CHECK_OK(move_records(d.c, d.s, 1));
    size_t flight = pending_len(d.s);
    CHECK(flight > 0);
    CHECK(closed_in_handshake(d.s, feed_hex(d.s, close_notify), flight));
    duo_free(&d);
    /* TLS 1.2 server after its flight, waiting for ClientKeyExchange */
    duo_start(&d, &(struct frow){.version = 0x0303});
    CHECK_OK(move_records(d.c, d.s, 1));
    flight = pending_len(d.s);
    CHECK(closed_in_handshake(d.s, feed_hex(d.s, close_notify), flight));
    duo_free(&d);
    /* TLS 1.3 client: the server's first protected record is close_notify, not
     * EncryptedExtensions */
    duo_start(&d, &(struct frow){.version = 0x0304,
                                 .msg_type = HT_ENCRYPTED_EXTENSIONS,
                                 .edit = to_close_notify});
    CHECK_OK(move_records(d.c, d.s, 1));
    CHECK_OK(move_records(d.s, d.c, 2)); /* ServerHello, compatibility CCS */
    CHECK_EQ(d.c->state, ST_C13_WAIT_EE);
    gls_conn_net_out_done(d.c, pending_len(d.c));
    CHECK(closed_in_handshake(d.c, move_records(d.s, d.c, 1), 0));
    duo_free(&d);
    /* control: after the handshake, close_notify is the clean end */
    duo_start(&d, &(struct frow){.version = 0x0304});
    CHECK_OK(pair_handshake(d.c, d.s, 0));
    CHECK_OK(gls_conn_close(d.c));
    CHECK_OK(move_records(d.c, d.s, 1));
    CHECK_EQ(gls_conn_error(d.s), GLS_OK);
    char buf[4];
    size_t got = 0;
    CHECK_ERR(gls_conn_read(d.s, buf, sizeof buf, &got), GLS_E_CLOSED);
    duo_free(&d);
}

/* ---- RFC 5246 §7.2, RFC 8446 §6: AlertLevel is warning (1) or fatal (2) ---- */

TEST(alert_level_other_than_warning_or_fatal_is_illegal_parameter)
{
    static const char *const alerts[] = {"15 0303 0002 0300", "15 0303 0002 0028",
                                         "15 0303 0002 ff0a", "15 0303 0002 0000"};
    struct duo d;
    for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++) {
        duo_start(&d, &(struct frow){.version = 0x0304});
        gls_conn_net_out_done(d.c, pending_len(d.c));
        bool ok = is(feed_hex(d.s, alerts[i]), GLS_E_ILLEGAL_PARAMETER, "server") &&
                  alert_reaches(d.s, d.c, AL_ILLEGAL_PARAMETER, false);
        duo_free(&d);
        if (!ok) {
            FAIL("alert record %s", alerts[i]);
        }
    }
    /* RFC 8446 §5.1: a zero-length alert record under TLS 1.3 keys is unexpected_message, as a
     * zero-length handshake record (tlsfuzzer's test-tls13-empty-alert); TLS 1.2 keeps
     * decode_error for a record that is not one two-byte alert */
    static const uint16_t empty_versions[] = {0x0304, 0x0303};
    static const int empty_errs[] = {GLS_E_UNEXPECTED_MESSAGE, GLS_E_DECODE};
    static const uint8_t empty_alerts[] = {AL_UNEXPECTED_MESSAGE, AL_DECODE_ERROR};
    for (size_t i = 0; i < 2; i++) {
        duo_start(&d, &(struct frow){.version = empty_versions[i]});
        CHECK_OK(pair_handshake(d.c, d.s, 0));
        CHECK_OK(gls_hs_send(d.c, CT_ALERT, (const uint8_t *)"", 0));
        CHECK_ERR(move_records(d.c, d.s, 1), empty_errs[i]);
        CHECK_ERR(move_records(d.s, d.c, 1), GLS_E_PEER_ALERT_BASE - empty_alerts[i]);
        duo_free(&d);
    }
    /* protected, after a TLS 1.3 and a TLS 1.2 handshake */
    static const uint16_t versions[] = {0x0304, 0x0303};
    for (size_t i = 0; i < 2; i++) {
        duo_start(&d, &(struct frow){.version = versions[i]});
        CHECK_OK(pair_handshake(d.c, d.s, 0));
        CHECK_OK(gls_hs_send(d.c, CT_ALERT, (const uint8_t *)"\x03\x00", 2));
        CHECK_ERR(move_records(d.c, d.s, 1), GLS_E_ILLEGAL_PARAMETER);
        CHECK_ERR(move_records(d.s, d.c, 1), GLS_E_PEER_ALERT_BASE - AL_ILLEGAL_PARAMETER);
        duo_free(&d);
    }
}

/* ---- RFC 8446 §5.1: no other record between the fragments of a handshake message ---- */

/* Part of a handshake record: type 22, then `body` (the start of a longer message). */
static bool refused_between_fragments(bool server, uint16_t version, const char *part,
                                      const char *record)
{
    struct duo d;
    duo_start(&d, &(struct frow){.version = version});
    gls_conn *c = server ? d.s : d.c;
    gls_conn_net_out_done(d.c, pending_len(d.c));
    bool ok = is(feed_hex(c, part), GLS_OK, "the first fragment") &&
              is(feed_hex(c, record), GLS_E_UNEXPECTED_MESSAGE, "the record between") &&
              strstr(gls_conn_error_detail(c), "inside a fragmented handshake message") != NULL &&
              alert_reaches(c, server ? d.c : d.s, AL_UNEXPECTED_MESSAGE, false);
    duo_free(&d);
    return ok;
}

TEST(records_between_fragments_of_a_handshake_message_are_unexpected_message)
{
    static const char hello_start[] = "16 0301 0006 01 0000c8 0303";
    static const char server_hello_start[] = "16 0303 0006 02 000050 0303";
    CHECK(refused_between_fragments(true, 0x0304, hello_start, "15 0303 0002 0170"));
    CHECK(refused_between_fragments(true, 0x0304, hello_start, "15 0303 0002 015a"));
    CHECK(refused_between_fragments(true, 0x0303, hello_start, "15 0303 0002 0164"));
    CHECK(refused_between_fragments(true, 0x0304, hello_start, "14 0303 0001 01"));
    CHECK(refused_between_fragments(false, 0x0304, server_hello_start, "14 0303 0001 01"));
    CHECK(refused_between_fragments(false, 0x0303, server_hello_start, "15 0303 0002 0170"));
    CHECK(refused_between_fragments(false, 0x0304, server_hello_start, "15 0303 0002 015a"));
}

/* ---- RFC 8446 §6: a client that refuses our ServerHello alerts in plaintext ---- */

TEST(plaintext_alert_before_the_client_protects_anything)
{
    struct duo d;
    /* the server's flight is out; the client (not modelled) answers handshake_failure in
     * plaintext: reported as the client's alert, nothing sent back */
    duo_start(&d, &(struct frow){.version = 0x0304});
    CHECK_OK(move_records(d.c, d.s, 1));
    size_t flight = pending_len(d.s);
    CHECK_ERR(feed_hex(d.s, "15 0303 0002 0228"), GLS_E_PEER_ALERT_BASE - AL_HANDSHAKE_FAILURE);
    CHECK_EQ(pending_len(d.s), flight);
    duo_free(&d);
    /* once a protected record of the client opened (its Certificate), alerts come protected:
     * a plaintext one is unexpected_message */
    duo_start(&d, &(struct frow){.version = 0x0304, .client_auth = true});
    CHECK_OK(move_records(d.c, d.s, 1));
    CHECK_OK(move_records(d.s, d.c, 0x7fff));
    CHECK(gls_conn_handshake_done(d.c));
    CHECK_OK(move_records(d.c, d.s, 2)); /* compatibility CCS, Certificate */
    CHECK_EQ(d.s->state, ST_S13_WAIT_CV);
    gls_conn_net_out_done(d.c, pending_len(d.c)); /* CertificateVerify, Finished: lost */
    CHECK_ERR(feed_hex(d.s, "15 0303 0002 0228"), GLS_E_UNEXPECTED_MESSAGE);
    CHECK(alert_reaches(d.s, d.c, AL_UNEXPECTED_MESSAGE, true));
    duo_free(&d);
}

/* ---- messages rewritten in flight: each row's rule, and the refusal it must get ---- */

/* Runs r's handshake to the rewritten message: the client (or the server, when
 * r->server_refuses) must fail with r->err, name the rule, and its alert must reach the peer. */
static bool refused_as(const struct frow *r)
{
    struct duo d;
    duo_start(&d, r);
    gls_conn *victim = r->server_refuses ? d.s : d.c;
    gls_conn *peer = r->server_refuses ? d.c : d.s;
    bool ok = is(move_records(d.c, d.s, 1), GLS_OK, "ClientHello");
    if (r->server_refuses) {
        ok = ok && is(move_records(d.s, d.c, 0x7fff), GLS_OK, "the server's flight");
    }
    ok = ok && is(move_records(peer, victim, 0x7fff), r->err, "the rewritten flight") &&
         alert_reaches(victim, peer, r->alert, r->sealed);
    if (ok && strstr(gls_conn_error_detail(victim), r->says) == NULL) {
        fprintf(stderr, "  \"%s\" lacks \"%s\"\n", gls_conn_error_detail(victim), r->says);
        ok = false;
    }
    duo_free(&d);
    return ok;
}

/* ALPN "h2" becomes "h3": a protocol the client did not offer. */
static void alpn_h3(uint8_t *m, size_t *n, uint8_t *record_type)
{
    (void)record_type;
    for (size_t i = 4; i + 3 <= *n; i++) {
        if (memcmp(m + i, "\x02h2", 3) == 0) {
            m[i + 2] = '3';
        }
    }
}

/* TLS 1.2 ECDHE ServerKeyExchange, or CertificateVerify: the scheme becomes ecdsa_sha1, which
 * nobody offered. */
static void scheme_sha1(uint8_t *m, size_t *n, uint8_t *record_type)
{
    (void)n;
    (void)record_type;
    size_t at = m[0] == 12 ? 4 + 1 + 2 + 1 + (size_t)m[4 + 1 + 2] : 4;
    m[at] = 0x02;
    m[at + 1] = 0x03;
}

TEST(rewritten_messages_are_refused_with_the_right_alert)
{
    static const struct frow rows[] = {
        {"8446 4.4.2: status_request in the server's CertificateEntry", 0x0304, false, false, false,
         HT_CERTIFICATE, add_status_request, false, GLS_E_UNSUPPORTED_EXTENSION,
         AL_UNSUPPORTED_EXTENSION, true, "carries status_request"},
        {"8446 4.4.2: status_request in the client's CertificateEntry", 0x0304, true, false, true,
         HT_CERTIFICATE, add_status_request, true, GLS_E_UNSUPPORTED_EXTENSION,
         AL_UNSUPPORTED_EXTENSION, true, "carries status_request"},
        {"5246 7.4.2: a TLS 1.2 server's empty Certificate", 0x0303, false, false, false,
         HT_CERTIFICATE, empty_certificate, false, GLS_E_DECODE, AL_DECODE_ERROR, false,
         "empty Certificate"},
        {"7301 3.2: TLS 1.3 server selects an ALPN protocol not offered", 0x0304, false, true,
         false, HT_ENCRYPTED_EXTENSIONS, alpn_h3, false, GLS_E_ILLEGAL_PARAMETER,
         AL_ILLEGAL_PARAMETER, true, "ALPN protocol we did not offer"},
        {"7301 3.2: TLS 1.2 server selects an ALPN protocol not offered", 0x0303, false, true,
         false, HT_SERVER_HELLO, alpn_h3, false, GLS_E_ILLEGAL_PARAMETER, AL_ILLEGAL_PARAMETER,
         false, "ALPN protocol we did not offer"},
        {"5246 7.4.3: ServerKeyExchange signed with a scheme not offered", 0x0303, false, false,
         false, HT_SERVER_KEY_EXCHANGE, scheme_sha1, false, GLS_E_ILLEGAL_PARAMETER,
         AL_ILLEGAL_PARAMETER, false, "which we did not offer"},
        {"5246 7.4.8: TLS 1.2 CertificateVerify with a scheme not requested", 0x0303, true, false,
         true, 15, scheme_sha1, true, GLS_E_ILLEGAL_PARAMETER, AL_ILLEGAL_PARAMETER, false,
         "which we did not ask for"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!refused_as(&rows[i])) {
            FAIL("%s", rows[i].what);
        }
    }
}
