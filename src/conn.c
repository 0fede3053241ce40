/* conn.c — the public connection: the sans-I/O byte pump, record processing
 * (reassembly of handshake messages, alerts, change_cipher_spec, application
 * data), the single failure path and close_notify (RFC 8446 §5, §6; RFC 5246
 * §6.2, §7.2). The state machines live in hs/; this file only moves bytes
 * between the network buffers, the record layer and them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/wire.h"
#include "hs/hs.h"

static gls_conn *conn_new(gls_config *cfg, bool is_server)
{
    if (cfg == NULL) {
        return NULL;
    }
    gls_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->cfg = gls_config_ref(cfg);
    c->send_limit = GLS_MAX_PLAINTEXT;
    c->recv_limit = GLS_MAX_PLAINTEXT;
    c->is_server = is_server;
    c->ku_tokens = GLS_KEY_UPDATE_BURST;
    gls_session_init(&c->sess);
    c->state = is_server ? ST_S_WAIT_CH : ST_START;
    return c;
}

/* The one failure path: records the first error, queues the fatal alert the
 * error table names (unless the error is an alert we received), wipes keys and
 * handshake secrets. Every later call returns the first error. */
static int conn_fail(gls_conn *c, int err)
{
    if (c->err != GLS_OK) {
        return c->err;
    }
    c->err = err;
    int alert = gls_error_alert(err);
    if (!gls_error_is_peer_alert(err) && alert != GLS_ALERT_NONE) {
        uint8_t a[2] = {GLS_ALERT_LEVEL_FATAL, (uint8_t)alert};
        if (gls_hs_send(c, GLS_CT_ALERT, a, sizeof a) != GLS_OK) {
            c->out_off = c->out_len = 0; /* could not even say why: send nothing */
        }
    }
    gls_hs_event(c, "error: %s (%s)%s%s", gls_error_name(err), gls_error_message(err),
                 c->detail ? ": " : "", c->detail ? c->detail : "");
    gls_rec_dir_wipe(&c->rd);
    gls_rec_dir_wipe(&c->wr);
    gls_hs_wipe(c);
    c->state = ST_FAILED;
    return err;
}

/* see gls.h */
gls_conn *gls_client_new(gls_config *cfg, const char *server_name)
{
    gls_conn *c = conn_new(cfg, false);
    if (c == NULL) {
        return NULL;
    }
    if (server_name != NULL) {
        size_t n = strlen(server_name);
        if (n > GLS_MAX_SERVER_NAME ||
            gls_session_set_name(&c->sess.server_name, server_name, n) != GLS_OK) {
            gls_conn_free(c);
            return NULL;
        }
    }
    if (c->sess.server_name[0] == 0 && cfg->trust != NULL && !cfg->danger_accept_any &&
        !cfg->danger_chain_only) { /* fail closed: a chain without a name proves nothing */
        conn_fail(c, gls_hs_reject(c, GLS_E_INVALID_ARGUMENT,
                                   "no server name to check the certificate against (see "
                                   "gls_config_danger_verify_chain_only)"));
        return c;
    }
    int err = gls_hs_start(c);
    if (err != GLS_OK) {
        conn_fail(c, err);
    }
    return c;
}

/* see gls.h */
gls_conn *gls_server_new(gls_config *cfg)
{
    gls_conn *c = conn_new(cfg, true);
    if (c == NULL) {
        return NULL;
    }
    int err = gls_hs_start(c);
    if (err != GLS_OK) {
        conn_fail(c, err);
    }
    return c;
}

/* see gls.h */
void gls_conn_free(gls_conn *c)
{
    if (c == NULL) {
        return;
    }
    gls_hs_wipe(c);
    gls_session_wipe(&c->sess);
    gls_rec_dir_wipe(&c->rd);
    gls_rec_dir_wipe(&c->wr);
    gls_wipe(c->in, c->in_cap);
    gls_pool_put(c->cfg->bufs, c->in);
    gls_wipe(c->out, c->out_cap);
    gls_hs_out_release(c);
    gls_wipe(c->hsbuf, c->hs_cap);
    free(c->hsbuf);
    free(c->detail);
    if (c->own_session != NULL) {
        gls_wipe(c->own_session, c->own_session_len);
        free(c->own_session);
    }
    if (c->offer != NULL) {
        gls_ticket_wipe(c->offer);
        free(c->offer);
    }
    gls_secret_wipe(&c->export12);
    gls_config_free(c->cfg);
    gls_config_free(c->cfg_first);
    gls_wipe(c, sizeof *c);
    free(c);
}

/* see gls.h */
uint8_t *gls_conn_net_in(gls_conn *c, size_t *room)
{
    if (c->in == NULL) { /* an idle connection holds no buffer (hs/bufpool.h) */
        c->in = gls_pool_get(c->cfg->bufs);
        c->in_cap = c->in != NULL ? GLS_REC_BUF : 0;
    }
    *room = c->in_cap - c->in_len;
    return c->in != NULL ? c->in + c->in_len : NULL;
}

/* Gives the input buffer back to the pool once nothing in it is pending. */
static void release_in(gls_conn *c)
{
    if (c->in != NULL && c->in_len == 0 && c->app_consumed == 0) {
        gls_pool_put(c->cfg->bufs, c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
}

/* The largest ClientHello the RFCs allow: version, random, session id<0..32>,
 * cipher_suites<2..2^16-2>, compression_methods<1..2^8-1>, extensions<0..2^16-1>. */
#define MAX_CLIENT_HELLO (2 + 32 + 1 + 32 + 2 + 65534 + 1 + 255 + 2 + 65535)

/* A server waiting for a ClientHello takes any the RFCs allow, whatever the configured limit
 * for other handshake messages (RFC 8446 §4.1.2: a hello may well pass 64 KiB). */
static bool awaits_client_hello(const gls_conn *c)
{
    return c->is_server && (c->state == ST_S_WAIT_CH || c->state == ST_S13_WAIT_CH2);
}

static size_t max_message(const gls_conn *c)
{
    size_t max = c->cfg->max_hs_message;
    if (awaits_client_hello(c) && max < MAX_CLIENT_HELLO) {
        max = MAX_CLIENT_HELLO;
    }
    return max + 4;
}

/* A handshake message whose header announces more than we take. */
static int too_large(gls_conn *c, uint8_t type, size_t len)
{
    if (awaits_client_hello(c) && type == GLS_HS_CLIENT_HELLO) {
        return gls_hs_reject(c, GLS_E_DECODE,
                             "ClientHello of %zu bytes is longer than any well-formed one "
                             "(%u; RFC 8446 §4.1.2)",
                             len, (unsigned)MAX_CLIENT_HELLO);
    }
    return gls_hs_reject(c, GLS_E_MESSAGE_TOO_LARGE,
                         "%s of %zu bytes is over the handshake message limit of %zu",
                         gls_hs_type_name(type), len, c->cfg->max_hs_message);
}

/* Appends handshake bytes and hands every whole message to the state machine. */
static int on_handshake_record(gls_conn *c, gls_bytes data)
{
    size_t max = max_message(c);
    if (data.len == 0) {
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "zero-length handshake record (RFC 8446 §5.1)");
    }
    if (c->hs_len >= 4) { /* a message already begun: its header says how much may come */
        size_t len = (size_t)c->hsbuf[1] << 16 | (size_t)c->hsbuf[2] << 8 | c->hsbuf[3];
        if (len + 4 > max) {
            return too_large(c, c->hsbuf[0], len);
        }
    }
    if (c->hs_len + data.len > c->hs_cap) {
        size_t cap = c->hs_cap ? c->hs_cap : 4096;
        while (cap < c->hs_len + data.len) {
            cap *= 2;
        }
        if (cap > max + GLS_MAX_PLAINTEXT) {
            cap = max + GLS_MAX_PLAINTEXT;
        }
        if (cap < c->hs_len + data.len) {
            return too_large(c, c->hsbuf[0], c->hs_len + data.len);
        }
        uint8_t *p = realloc(c->hsbuf, cap);
        if (p == NULL) {
            return GLS_E_NO_MEMORY;
        }
        c->hsbuf = p;
        c->hs_cap = cap;
    }
    memcpy(c->hsbuf + c->hs_len, data.p, data.len);
    c->hs_len += data.len;

    size_t off = 0;
    while (c->hs_len - off >= 4 && c->err == GLS_OK) {
        gls_reader r = gls_reader_init(c->hsbuf + off, c->hs_len - off);
        gls_hs_msg m;
        m.type = gls_read_u8(&r);
        size_t len = gls_read_u24(&r);
        if (len + 4 > max) {
            return too_large(c, m.type, len);
        }
        if (gls_reader_left(&r) < len) {
            break;
        }
        m.body = gls_read_bytes(&r, len);
        m.raw = gls_bytes_of(c->hsbuf + off, len + 4);
        unsigned epoch = c->rd_epoch;
        off += len + 4;
        TRY(gls_hs_on_message(c, &m));
        if (c->rd_epoch != epoch && off != c->hs_len) {
            return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                                 "handshake data after a key change in the same record (RFC "
                                 "8446 §5.1)");
        }
        max = max_message(c);
    }
    memmove(c->hsbuf, c->hsbuf + off, c->hs_len - off);
    c->hs_len -= off;
    if (c->state == ST_CONNECTED && c->hs_len == 0) { /* idle connections keep no buffer */
        gls_wipe(c->hsbuf, c->hs_cap);
        free(c->hsbuf);
        c->hsbuf = NULL;
        c->hs_cap = 0;
    }
    return GLS_OK;
}

static int on_alert_record(gls_conn *c, gls_bytes data)
{
    if (data.len == 0 && c->sess.version == GLS_TLS13) { /* as a zero-length handshake record */
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "zero-length alert record (RFC 8446 §5.1, §6)");
    }
    gls_reader r = gls_reader_init(data.p, data.len);
    uint8_t level = gls_read_u8(&r);
    uint8_t desc = gls_read_u8(&r);
    if (!gls_reader_done(&r)) {
        return gls_hs_reject(c, GLS_E_DECODE,
                             "an alert record of %zu bytes: one alert per record (RFC 8446 §6)",
                             data.len);
    }
    gls_hs_event(c, "<- alert %u level %u", desc, level);
    if (level != GLS_ALERT_LEVEL_WARNING && level != GLS_ALERT_LEVEL_FATAL) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "alert %u with level %u, neither warning (1) nor fatal (2) (RFC 5246 "
                             "§7.2, RFC 8446 §6)",
                             desc, level);
    }
    if (desc == GLS_ALERT_CLOSE_NOTIFY) {
        c->peer_closed = true;
        if (c->state != ST_CONNECTED) { /* RFC 8446 §6.1: the handshake did not complete */
            return gls_hs_reject(c, GLS_E_CLOSED,
                                 "peer sent close_notify before the handshake completed (RFC "
                                 "8446 §6.1)");
        }
        return GLS_OK;
    }
    /* TLS 1.2 warnings are ignored (RFC 5246 §7.2). That includes no_renegotiation: we never ask
     * to renegotiate, so one is never an answer to us. user_canceled is followed by close_notify
     * (RFC 8446 §6.1). */
    bool ignored = (level == GLS_ALERT_LEVEL_WARNING && c->sess.version != GLS_TLS13) ||
                   desc == GLS_ALERT_USER_CANCELED;
    if (ignored && c->hs_len != 0) {
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "alert %u inside a fragmented handshake message (RFC 8446 §5.1)",
                             desc);
    }
    return ignored ? GLS_OK : gls_error_from_alert(desc);
}

/* A TLS 1.3 client that refuses our ServerHello has no keys to protect its alert: while we wait
 * for its first protected record, a plaintext alert is taken (RFC 8446 §6; OpenSSL does the
 * same). */
static bool takes_plaintext_alert(const gls_conn *c)
{
    return c->is_server && c->sess.version == GLS_TLS13 && c->rd.mode == GLS_REC_TLS13 &&
           c->rd.seq == 0 && (c->state == ST_S13_WAIT_CERT || c->state == ST_S13_WAIT_FINISHED);
}

/* Opens and routes one whole record at the front of `in`. Returns the
 * record's length, or 0 if no whole record is there yet. */
/* Counts records that deliver nothing (empty application data, CCS, ignored
 * alerts); a peer sending too many in a row is stopped (a cheap DoS otherwise). */
static int idle_record(gls_conn *c)
{
    if (++c->idle_records > c->cfg->max_idle_records) {
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "more than %zu records in a row carried nothing",
                             c->cfg->max_idle_records);
    }
    return GLS_OK;
}

/* A server that rejects 0-RTT (we never accept it) skips records that fail
 * to open under the handshake key, or, after a HelloRetryRequest, the protected
 * records before the second ClientHello, up to a budget in bytes and in records
 * (RFC 8446 §4.2.10). */
static bool skip_early_data(gls_conn *c, uint8_t type, size_t frag)
{
    if (!c->is_server || c->hs == NULL || !c->hs->skip_early || type != GLS_CT_APPLICATION_DATA ||
        c->hs->early_skipped + frag > GLS_MAX_EARLY_SKIP ||
        c->hs->early_records >= GLS_MAX_EARLY_RECORDS) {
        return false;
    }
    c->hs->early_skipped += frag;
    c->hs->early_records++;
    return true;
}

static int route_record(gls_conn *c, struct gls_rec_content rc, size_t *used);

/* With gls_config_set_open_on_read, a protected record after the handshake stays
 * sealed in `in` until gls_conn_read opens it (TLS 1.3: its type is inside). */
static bool open_on_read(const gls_conn *c)
{
    return c->cfg->open_on_read && c->state == ST_CONNECTED && c->rd.mode == GLS_REC_TLS13;
}

static int process_record(gls_conn *c, size_t *used)
{
    uint8_t type;
    size_t frag;
    struct gls_rec_content rc;
    *used = 0;
    if (awaits_client_hello(c) && c->state == ST_S_WAIT_CH && c->in_len >= 3 &&
        (c->in[0] & 0x80) != 0 && c->in[2] == 1) {
        return gls_hs_reject(c, GLS_E_PROTOCOL_VERSION,
                             "SSL 2.0-format ClientHello: glasstls takes TLS records only (RFC "
                             "6176, RFC 8446 D.5)");
    }
    int err = gls_rec_header(c->in, c->in_len, gls_rec_max_fragment(&c->rd), &type, &frag);
    if (err == GLS_E_WANT_READ) {
        return GLS_OK;
    }
    if (err == GLS_E_DECODE) {
        return gls_hs_reject(c, err,
                             "record version %02x%02x does not start with 03 (RFC 8446 "
                             "§5.1)",
                             c->in[1], c->in[2]);
    }
    if (err == GLS_E_RECORD_OVERFLOW) {
        return gls_hs_reject(c, err,
                             "record of %zu bytes is over the limit of %zu (RFC 8446 "
                             "§5.1, §5.2)",
                             frag, gls_rec_max_fragment(&c->rd));
    }
    TRY(err);
    if (c->in_len < GLS_RECORD_HEADER + frag) {
        return GLS_OK;
    }
    *used = GLS_RECORD_HEADER + frag;
    if (type == GLS_CT_CHANGE_CIPHER_SPEC) { /* never protected (RFC 8446 §5) */
        TRY(idle_record(c));
        return gls_hs_on_ccs(c, gls_bytes_of(c->in + GLS_RECORD_HEADER, frag));
    }
    if (type == GLS_CT_ALERT && takes_plaintext_alert(c)) {
        TRY(idle_record(c));
        return on_alert_record(c, gls_bytes_of(c->in + GLS_RECORD_HEADER, frag));
    }
    if (c->state == ST_S13_WAIT_CH2 && skip_early_data(c, type, frag)) {
        return GLS_OK; /* RFC 8446 §4.2.10: 0-RTT sent before the HelloRetryRequest came */
    }
    if (open_on_read(c)) {
        c->sealed = *used; /* opened by gls_conn_read, into the caller's buffer if it fits */
        *used = 0;
        return GLS_OK;
    }
    err = gls_rec_open(&c->rd, c->in, *used, &rc);
    if (err == GLS_E_BAD_RECORD_MAC && skip_early_data(c, type, frag)) {
        return GLS_OK; /* RFC 8446 §4.2.10: rejected 0-RTT data is dropped */
    }
    TRY(err);
    return route_record(c, rc, used);
}

/* Acts on one opened record of `used` bytes at the front of `in`: handshake
 * bytes to reassembly, an alert, or application data, which becomes c->app
 * (then *used is 0: the record stays in `in` until read). */
static int route_record(gls_conn *c, struct gls_rec_content rc, size_t *used)
{
    bool handshaking = c->state != ST_CONNECTED;
    if (c->hs != NULL) {
        c->hs->skip_early = false; /* the first record that opens ends the early data */
    }
    if (c->rd.mode != GLS_REC_PLAIN && rc.data.len > c->recv_limit) {
        return gls_hs_reject(c, GLS_E_RECORD_OVERFLOW,
                             "protected record of %zu bytes over our limit of %zu (RFC 8449 §4, "
                             "RFC 8446 §5.2)",
                             rc.data.len, c->recv_limit);
    }
    if (!handshaking) {
        c->ku_records++; /* for the KeyUpdate bound (hs/common13.c) */
    }
    switch (rc.type) {
    case GLS_CT_HANDSHAKE:
        /* never resets the idle guard; after the handshake, carries nothing for the reader */
        if (!handshaking) {
            TRY(idle_record(c));
        }
        return on_handshake_record(c, rc.data);
    case GLS_CT_ALERT:
        TRY(idle_record(c));
        return on_alert_record(c, rc.data);
    case GLS_CT_APPLICATION_DATA:
        if (handshaking || c->peer_closed) {
            return gls_hs_reject(
                c, GLS_E_UNEXPECTED_MESSAGE, "application data %s (RFC 8446 §5, RFC 5246 §6.2.1)",
                handshaking ? "before the handshake completed" : "after close_notify");
        }
        if (c->hs_len != 0) {
            return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                                 "application data inside a fragmented handshake message (RFC "
                                 "8446 §5.1)");
        }
        if (rc.data.len == 0) {
            return idle_record(c);
        }
        c->idle_records = 0;
        c->app = rc.data;
        c->app_consumed = *used;
        *used = 0; /* the record stays in `in` until read */
        return GLS_OK;
    default:
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "record content type %u is not one we know (RFC 8446 §5)", rc.type);
    }
}

/* Processes records until input runs out, plaintext waits to be read, or the
 * connection ends. */
static int process_input(gls_conn *c)
{
    while (c->err == GLS_OK && c->app.len == 0 && c->app_consumed == 0 && c->sealed == 0 &&
           !c->peer_closed) {
        size_t used = 0;
        int err = process_record(c, &used);
        if (err != GLS_OK) {
            return conn_fail(c, err);
        }
        if (c->app_consumed != 0 || c->sealed != 0) {
            break;
        }
        if (used == 0) {
            break;
        }
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
    return c->err;
}

/* see gls.h */
int gls_conn_net_in_done(gls_conn *c, size_t n)
{
    if (c->err != GLS_OK) {
        return c->err;
    }
    if (n > c->in_cap - c->in_len) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (n == 0) { /* the caller saw end of stream */
        if (c->peer_closed) {
            return GLS_OK;
        }
        if (c->state != ST_CONNECTED && (c->hs_len > 0 || c->in_len > 0)) {
            /* a message cut short: say so rather than close silently */
            return conn_fail(c, gls_hs_reject(c, GLS_E_DECODE,
                                              "connection ended inside a %s (RFC 8446 §6.2)",
                                              c->hs_len > 0 ? "handshake message" : "record"));
        }
        return conn_fail(c, GLS_E_UNEXPECTED_EOF);
    }
    c->in_len += n;
    int err = process_input(c);
    release_in(c);
    return err;
}

/* see gls.h */
const uint8_t *gls_conn_net_out(const gls_conn *c, size_t *len)
{
    *len = c->out_len - c->out_off;
    return c->out != NULL ? c->out + c->out_off : NULL;
}

/* see gls.h */
void gls_conn_net_out_done(gls_conn *c, size_t n)
{
    if (n > c->out_len - c->out_off) {
        n = c->out_len - c->out_off;
    }
    c->out_off += n;
    if (c->out_off == c->out_len) {
        c->out_off = c->out_len = 0;
        gls_hs_out_release(c); /* idle: the buffer goes back to the pool */
    }
}

/* Releases the record that the application has finished reading. */
static void app_record_done(gls_conn *c)
{
    size_t used = c->app_consumed;
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    c->app_consumed = 0;
    c->app.len = 0;
}

/* Opens the sealed record at the front of `in` (open-on-read mode). When the
 * caller's buffer holds its plaintext, it is decrypted straight into buf: an
 * application data record is then delivered (*got) without a copy; any other
 * record's content moves back into `in` and buf is wiped. Otherwise the record
 * is opened in place and read as usual. On failure buf holds nothing of it. */
static int open_sealed(gls_conn *c, uint8_t *buf, size_t cap, size_t *got)
{
    struct gls_rec_content rc;
    size_t used = c->sealed;
    c->sealed = 0;
    if (gls_rec_can_open_to(&c->rd, used, cap)) {
        size_t touched = used < cap ? used : cap; /* covers all the record wrote to buf */
        TRY(gls_rec_open_to(&c->rd, c->in, used, buf, cap, &rc));
        if (rc.type != GLS_CT_APPLICATION_DATA) { /* handshake or alert: handled from `in` */
            if (rc.data.len > 0) {
                memcpy(c->in + GLS_RECORD_HEADER, rc.data.p, rc.data.len);
            }
            rc.data.p = c->in + GLS_RECORD_HEADER;
            gls_wipe(buf, touched);
        }
        int err = route_record(c, rc, &used);
        if (rc.type == GLS_CT_APPLICATION_DATA && (err != GLS_OK || c->app.len == 0)) {
            gls_wipe(buf, touched); /* refused or empty: nothing delivered */
        }
        TRY(err);
        if (c->app.len > 0) { /* already in buf */
            *got = c->app.len;
            app_record_done(c);
            return GLS_OK;
        }
    } else {
        TRY(gls_rec_open(&c->rd, c->in, used, &rc));
        TRY(route_record(c, rc, &used));
    }
    if (used > 0) { /* consumed (application data stays until read) */
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
    return GLS_OK;
}

/* see gls.h */
int gls_conn_read(gls_conn *c, void *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (c->err != GLS_OK) {
        return c->err;
    }
    if (c->app.len == 0 && c->app_consumed != 0) {
        app_record_done(c);
        TRY(process_input(c));
    }
    while (c->app.len == 0 && c->sealed != 0) {
        int err = open_sealed(c, buf, cap, got);
        if (err != GLS_OK) {
            return conn_fail(c, err);
        }
        if (*got > 0) {             /* opened straight into buf */
            (void)process_input(c); /* what was delivered stays delivered; errors are sticky */
            release_in(c);
            return GLS_OK;
        }
        TRY(process_input(c));
    }
    if (c->app.len == 0) {
        release_in(c);
        return c->peer_closed ? GLS_E_CLOSED : GLS_E_WANT_READ;
    }
    size_t n = c->app.len < cap ? c->app.len : cap;
    memcpy(buf, c->app.p, n);
    gls_wipe((uint8_t *)c->app.p, n);
    c->app.p += n;
    c->app.len -= n;
    *got = n;
    if (c->app.len == 0) {
        app_record_done(c);
        int err = process_input(c);
        release_in(c);
        if (err != GLS_OK) {
            return GLS_OK; /* what was delivered stays delivered; the error is sticky */
        }
    }
    return GLS_OK;
}

/* see gls.h */
int gls_conn_write(gls_conn *c, const void *buf, size_t len, size_t *put)
{
    *put = 0;
    if (c->err != GLS_OK) {
        return c->err;
    }
    if (c->state != ST_CONNECTED) {
        return GLS_E_NOT_CONNECTED;
    }
    if (c->sent_close) {
        return GLS_E_CLOSED;
    }
    const uint8_t *p = buf;
    while (*put < len) {
        size_t n = len - *put;
        if (n > c->send_limit) {
            n = c->send_limit;
        }
        /* RFC 8446 §5.5: change keys long before the AEAD limits */
        if (c->sess.version == GLS_TLS13 && c->wr.seq >= c->cfg->key_update_records) {
            int err = gls_hs13_send_key_update(c, false);
            if (err != GLS_OK) {
                return conn_fail(c, err);
            }
        }
        if (c->out_len + gls_rec_sealed_len(&c->wr, n) > c->out_cap && c->out_len > 0) {
            break; /* let the caller drain first */
        }
        int err = gls_hs_send(c, GLS_CT_APPLICATION_DATA, p + *put, n);
        if (err != GLS_OK) {
            return conn_fail(c, err);
        }
        c->ku_answered = false; /* a new KeyUpdate request gets a new answer */
        *put += n;
    }
    return *put > 0 || len == 0 ? GLS_OK : GLS_E_WANT_WRITE;
}

/* see gls.h */
int gls_conn_close(gls_conn *c)
{
    if (c->err != GLS_OK || c->sent_close) {
        return c->err;
    }
    uint8_t a[2] = {GLS_ALERT_LEVEL_WARNING, GLS_ALERT_CLOSE_NOTIFY};
    c->sent_close = true;
    int err = gls_hs_send(c, GLS_CT_ALERT, a, sizeof a);
    return err == GLS_OK ? GLS_OK : conn_fail(c, err);
}

/* see gls.h */
unsigned gls_conn_wants(const gls_conn *c)
{
    unsigned w = 0;
    if (c->out_len > c->out_off) {
        w |= GLS_WANT_NET_OUT;
    }
    if (c->err != GLS_OK || (c->peer_closed && c->app.len == 0) ||
        (c->sent_close && c->out_len == c->out_off && c->peer_closed)) {
        return w | GLS_CLOSED;
    }
    if (c->app.len > 0 || c->sealed > 0) {
        w |= GLS_CAN_READ;
    } else if (c->in == NULL || c->in_len < c->in_cap) {
        w |= GLS_WANT_NET_IN;
    }
    if (c->state == ST_CONNECTED && !c->sent_close) {
        w |= GLS_CAN_WRITE;
    }
    return w;
}

/* see gls.h */
int gls_conn_handshake_done(const gls_conn *c)
{
    return c->state == ST_CONNECTED && c->err == GLS_OK;
}

/* see gls.h */
int gls_conn_error(const gls_conn *c)
{
    return c->err;
}

/* see gls.h */
const char *gls_conn_error_detail(const gls_conn *c)
{
    return c->detail ? c->detail : gls_error_message(c->err);
}

/* see gls.h */
int gls_conn_key_update(gls_conn *c, int request_peer)
{
    if (c->err != GLS_OK) {
        return c->err;
    }
    if (c->state != ST_CONNECTED || c->sess.version != GLS_TLS13) {
        return GLS_E_NOT_CONNECTED;
    }
    int err = gls_hs13_send_key_update(c, request_peer != 0);
    return err == GLS_OK ? GLS_OK : conn_fail(c, err);
}

/* see gls.h */
int gls_conn_get_info(const gls_conn *c, gls_conn_info *info)
{
    const struct gls_session *s = &c->sess;
    memset(info, 0, sizeof *info);
    if (s->suite == NULL) {
        return GLS_E_NOT_CONNECTED;
    }
    info->version = s->version;
    info->suite = s->suite->id;
    info->suite_name = s->suite->name;
    info->kx = gls_suite_kx(s->suite->id);
    info->group = s->group;
    info->group_name = s->group ? gls_group_name(s->group) : NULL;
    info->sigalg = s->sigalg;
    info->alpn = s->alpn[0] ? s->alpn : NULL;
    info->server_name = s->server_name[0] ? s->server_name : NULL;
    info->resumed = s->resumed;
    info->forward_secret = s->version == GLS_TLS13 || s->suite->kx != GLS_KX_RSA;
    info->peer_verified = s->peer_verified;
    info->peer_certs = s->n_peer;
    info->peer_name_checked = s->peer_name_checked;
    info->peer_authenticated = (s->peer_id.flags & GLS_PEER_PRESENT) != 0;
    return GLS_OK;
}

/* see gls.h */
int gls_conn_peer_subject(const gls_conn *c, size_t i, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (i == 0 && c->sess.n_peer == 0 && (c->sess.peer_id.flags & GLS_PEER_PRESENT)) {
        snprintf(buf, cap, "%s", c->sess.peer_id.subject); /* resumed: as the session kept it */
        return GLS_OK;
    }
    if (i >= c->sess.n_peer) {
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_cert_subject(c->sess.peer_chain[i], buf, cap);
    return GLS_OK;
}

/* see gls.h */
int gls_conn_peer_leaf_sha256(const gls_conn *c, uint8_t out[32])
{
    if ((c->sess.peer_id.flags & GLS_PEER_PRESENT) == 0) {
        return GLS_E_INVALID_ARGUMENT;
    }
    memcpy(out, c->sess.peer_id.leaf_sha256, 32);
    return GLS_OK;
}

/* see gls.h */
int gls_conn_peer_cert(const gls_conn *c, size_t i, const uint8_t **der, size_t *len)
{
    if (i >= c->sess.n_peer) {
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_bytes b = gls_cert_der(c->sess.peer_chain[i]);
    *der = b.p;
    *len = b.len;
    return GLS_OK;
}
