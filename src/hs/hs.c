/* hs/hs.c — the machinery every state machine shares: state names, table
 * dispatch, routing a message to its (side, version) table, building and
 * sending handshake messages (header, transcript, fragmentation into records),
 * and the event and error-detail reports. */
#include "hs/hs.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/wire.h"

static const char *const state_names[ST_COUNT] = {
    [ST_START] = "START",
    [ST_C_WAIT_SH] = "C_WAIT_SH",
    [ST_C13_WAIT_EE] = "C13_WAIT_EE",
    [ST_C13_WAIT_CERT_CR] = "C13_WAIT_CERT_CR",
    [ST_C13_WAIT_CERT] = "C13_WAIT_CERT",
    [ST_C13_WAIT_CV] = "C13_WAIT_CV",
    [ST_C13_WAIT_FINISHED] = "C13_WAIT_FINISHED",
    [ST_C12_WAIT_CERT] = "C12_WAIT_CERT",
    [ST_C12_WAIT_SKE] = "C12_WAIT_SKE",
    [ST_C12_WAIT_CR_SHD] = "C12_WAIT_CR_SHD",
    [ST_C12_WAIT_SHD] = "C12_WAIT_SHD",
    [ST_C12_WAIT_NST] = "C12_WAIT_NST",
    [ST_C12_WAIT_CCS] = "C12_WAIT_CCS",
    [ST_C12_WAIT_FINISHED] = "C12_WAIT_FINISHED",
    [ST_S_WAIT_CH] = "S_WAIT_CH",
    [ST_S13_WAIT_CH2] = "S13_WAIT_CH2",
    [ST_S13_WAIT_CERT] = "S13_WAIT_CERT",
    [ST_S13_WAIT_CV] = "S13_WAIT_CV",
    [ST_S13_WAIT_FINISHED] = "S13_WAIT_FINISHED",
    [ST_S12_WAIT_CERT] = "S12_WAIT_CERT",
    [ST_S12_WAIT_CKE] = "S12_WAIT_CKE",
    [ST_S12_WAIT_CV] = "S12_WAIT_CV",
    [ST_S12_WAIT_CCS] = "S12_WAIT_CCS",
    [ST_S12_WAIT_FINISHED] = "S12_WAIT_FINISHED",
    [ST_CONNECTED] = "CONNECTED",
    [ST_CLOSED] = "CLOSED",
    [ST_FAILED] = "FAILED",
};

/* see hs.h */
const char *gls_hs_state_name(enum gls_hs_state s)
{
    return (unsigned)s < ST_COUNT ? state_names[s] : "?";
}

/* see hs.h */
int gls_hs_dispatch(gls_conn *c, const struct gls_hs_edge *edges, size_t n, const gls_hs_msg *m)
{
    for (size_t i = 0; i < n; i++) {
        const struct gls_hs_edge *e = &edges[i];
        if (e->state != c->state || e->type != m->type) {
            continue;
        }
        /* received bytes added = growth minus what the handler itself sent (no
         * transcript after the handshake: c->hs is gone) */
        size_t before =
            c->hs ? gls_transcript_len(&c->hs->transcript) - c->hs->sent_to_transcript : 0;
        int err = e->handler(c, m);
        if (err != GLS_OK && c->detail == NULL && gls_error_alert(err) != GLS_ALERT_NONE) {
            /* a parser's refusal: name the message at least */
            err = gls_hs_reject(c, err, "%s refused: %s (RFC 8446 §4, RFC 5246 §7.4)",
                                gls_hs_type_name(m->type), gls_error_message(err));
        }
        assert(err != GLS_OK || (e->flags & NO_TRANSCRIPT) || c->state == ST_CONNECTED ||
               c->hs == NULL ||
               gls_transcript_len(&c->hs->transcript) - c->hs->sent_to_transcript ==
                   before + m->raw.len);
        (void)before;
        return err;
    }
    return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                         "%s (type %u) not expected in state %s (RFC 8446 §4, RFC 5246 §7.3)",
                         gls_hs_type_name(m->type), m->type, gls_hs_state_name(c->state));
}

/* The writer's grow hook: a larger scratch (doubling, at most GLS_HS_SCRATCH)
 * with what was written so far; the old one is wiped and freed. Small flights
 * keep the handshake's peak heap low, and no 64 KiB block is freed (and
 * trimmed from the heap, and faulted in again) on every handshake. */
static bool grow_scratch(gls_writer *w, size_t need)
{
    struct gls_hs *hs = w->grow_arg;
    size_t cap = hs->scratch_cap;
    if (need > GLS_HS_SCRATCH) {
        return false;
    }
    while (cap < need) {
        cap = cap * 2 < GLS_HS_SCRATCH ? cap * 2 : GLS_HS_SCRATCH;
    }
    uint8_t *p = malloc(cap);
    if (p == NULL) {
        return false;
    }
    memcpy(p, w->buf, w->len);
    size_t used = hs->scratch_used > w->len ? hs->scratch_used : w->len;
    gls_wipe(hs->scratch, used);
    free(hs->scratch);
    hs->scratch = w->buf = p;
    hs->scratch_cap = w->cap = cap;
    hs->scratch_used = w->len;
    return true;
}

/* see hs.h */
int gls_hs_begin(gls_conn *c, uint8_t type, gls_writer *w)
{
    struct gls_hs *hs = c->hs;
    if (hs->scratch == NULL) {
        hs->scratch = malloc(GLS_HS_SCRATCH_MIN);
        if (hs->scratch == NULL) {
            return GLS_E_NO_MEMORY;
        }
        hs->scratch_cap = GLS_HS_SCRATCH_MIN;
    }
    *w = gls_writer_init(hs->scratch, hs->scratch_cap);
    w->grow = grow_scratch;
    w->grow_arg = hs;
    gls_write_u8(w, type);
    gls_write_u24(w, 0); /* filled in by gls_hs_end */
    return GLS_OK;
}

/* see hs.h */
int gls_hs_end(gls_conn *c, gls_writer *w, bool no_transcript)
{
    TRY(gls_writer_result(w));
    if (w->len > c->hs->scratch_used) {
        c->hs->scratch_used = w->len;
    }
    size_t body = w->len - 4;
    if (body > 0xffffff) {
        return GLS_E_INTERNAL;
    }
    w->buf[1] = (uint8_t)(body >> 16);
    w->buf[2] = (uint8_t)(body >> 8);
    w->buf[3] = (uint8_t)body;
    if (!no_transcript) {
        TRY(gls_transcript_add(&c->hs->transcript, gls_bytes_of(w->buf, w->len)));
        c->hs->sent_to_transcript += w->len;
    }
    gls_hs_event(c, "-> %s (%zu bytes)", gls_hs_type_name(w->buf[0]), w->len);
    return gls_hs_send(c, GLS_CT_HANDSHAKE, w->buf, w->len);
}

/* see hs.h */
void gls_hs_out_release(gls_conn *c)
{
    if (c->out == NULL) {
        return;
    }
    if (c->out_pooled) {
        gls_pool_put(c->cfg->bufs, c->out);
    } else {
        gls_wipe(c->out, c->out_cap);
        free(c->out);
    }
    c->out = NULL;
    c->out_cap = 0;
    c->out_pooled = false;
}

/* Room for `need` more bytes of output: a pooled record buffer normally; a
 * larger, owned buffer when a handshake flight does not fit one. */
static int grow_out(gls_conn *c, size_t need)
{
    if (c->out == NULL && need <= GLS_REC_BUF) {
        c->out = gls_pool_get(c->cfg->bufs);
        if (c->out == NULL) {
            return GLS_E_NO_MEMORY;
        }
        c->out_cap = GLS_REC_BUF;
        c->out_pooled = true;
        c->out_off = c->out_len = 0;
        return GLS_OK;
    }
    if (c->out_cap - c->out_len >= need) {
        return GLS_OK;
    }
    if (c->out_off > 0) { /* compact first */
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
        if (c->out_cap - c->out_len >= need) {
            return GLS_OK;
        }
    }
    size_t cap = c->out_cap ? c->out_cap : GLS_REC_BUF;
    while (cap - c->out_len < need) {
        cap *= 2;
    }
    if (cap > GLS_MAX_OUT) {
        return GLS_E_NO_MEMORY;
    }
    uint8_t *p = malloc(cap);
    if (p == NULL) {
        return GLS_E_NO_MEMORY;
    }
    if (c->out_len > 0) {
        memcpy(p, c->out, c->out_len);
    }
    gls_hs_out_release(c);
    c->out = p;
    c->out_cap = cap;
    return GLS_OK;
}

/* see hs.h */
int gls_hs_send(gls_conn *c, uint8_t type, const uint8_t *p, size_t n)
{
    size_t off = 0;
    do {
        size_t chunk = n - off;
        size_t written = 0;
        if (chunk > c->send_limit) {
            chunk = c->send_limit;
        }
        const uint8_t *pt = n > 0 ? p + off : p;
        uint8_t rtype = type;
        size_t len = chunk;
        if (c->cfg->record_hook != NULL) { /* tests and fuzzers only (hs/cfg.h) */
            pt = c->cfg->record_hook(c->cfg->record_hook_arg, &rtype, pt, &len);
            len = len < GLS_MAX_PLAINTEXT ? len : GLS_MAX_PLAINTEXT;
        }
        size_t need = gls_rec_sealed_len(&c->wr, len);
        TRY(grow_out(c, need));
        TRY(gls_rec_seal(&c->wr, rtype, pt, len, &c->cfg->rng, c->out + c->out_len,
                         c->out_cap - c->out_len, &written));
        c->out_len += written;
        off += chunk;
    } while (off < n);
    return GLS_OK;
}

/* see hs.h */
void gls_hs_event(gls_conn *c, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (c->cfg->event == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->cfg->event(c->cfg->event_arg, c, line);
}

/* see hs.h */
int gls_hs_reject(gls_conn *c, int code, const char *fmt, ...)
{
    va_list ap;
    if (c->detail != NULL || c->err != GLS_OK) {
        return code; /* the first sentence belongs to the first error */
    }
    if ((c->detail = malloc(GLS_DETAIL_MAX)) == NULL) {
        return code; /* the code still says what went wrong */
    }
    va_start(ap, fmt);
    vsnprintf(c->detail, GLS_DETAIL_MAX, fmt, ap);
    va_end(ap);
    return code;
}

/* The key exchange that makes this connection's secrets, for their who-can-compute text. */
static unsigned kx_context(const gls_conn *c)
{
    if (c->hs == NULL) {
        return c->kx_after; /* after the handshake: as it ended */
    }
    if (c->sess.version == GLS_TLS13) {
        unsigned pq = gls_kex_group_kind(c->sess.group) == GLS_KEX_HYBRID ? GLS_KXC_HYBRID : 0;
        return (c->hs->psk_accepted ? GLS_KXC_13_PSK_DHE : GLS_KXC_13_DHE) | pq;
    }
    unsigned ticket = c->hs->ticket12 ? GLS_KXC_TICKET12 : 0;
    if (c->sess.resumed) {
        return GLS_KXC_RESUMED12 | ticket;
    }
    if (c->sess.suite == NULL) {
        return GLS_KXC_UNKNOWN;
    }
    return (c->sess.suite->kx == GLS_KX_RSA   ? GLS_KXC_RSA
            : c->sess.suite->kx == GLS_KX_DHE ? GLS_KXC_DHE
                                              : GLS_KXC_ECDHE) |
           ticket;
}

/* The sink keys/ reports secrets to: it feeds the config's secret trace and
 * key log. Off (NULL fn) unless the caller turned one of them on. */
/* see hs.h */
void gls_hs_keylog(gls_conn *c, enum gls_secret_id id, const uint8_t *v, size_t len)
{
    const gls_config *cfg = c->cfg;
    if (cfg->keylog != NULL && gls_secret_keylog_label(id) != NULL) {
        char line[GLS_KEYLOG_LINE_MAX];
        const uint8_t *cr = c->hs ? c->hs->client_random : c->export_randoms;
        if (gls_keylog_line(id, cr, v, len, line, sizeof line) == GLS_OK) {
            cfg->keylog(cfg->keylog_arg, c, line);
        }
        gls_wipe(line, sizeof line);
    }
}

static void on_secret(void *arg, enum gls_secret_id id, const uint8_t *v, size_t len)
{
    gls_conn *c = arg;
    const gls_config *cfg = c->cfg;
    if (cfg->secret_trace != NULL) {
        gls_secret_info info = gls_secret_info_in(id, kx_context(c), v, len);
        cfg->secret_trace(cfg->secret_trace_arg, c, &info);
    }
    gls_hs_keylog(c, id, v, len);
}

/* see hs.h */
gls_secret_sink gls_hs_sink(gls_conn *c)
{
    gls_secret_sink s = {NULL, NULL};
    if (c->cfg->secret_trace != NULL || c->cfg->keylog != NULL) {
        s.fn = on_secret;
        s.arg = c;
    }
    return s;
}

/* RFC 5246 §7.4.1.1: a HelloRequest while a handshake is under way is ignored by the
 * client and kept out of the transcript. TLS 1.3 has no HelloRequest: once 1.3 is chosen
 * one is unexpected_message like any message out of place. */
static int on_hello_request_in_handshake(gls_conn *c, const gls_hs_msg *m)
{
    if (m->body.len != 0) {
        return gls_hs_reject(c, GLS_E_DECODE,
                             "HelloRequest with a body of %zu bytes (RFC 5246 §7.4.1.1)",
                             m->body.len);
    }
    gls_hs_event(c, "HelloRequest during the handshake: ignored (RFC 5246 §7.4.1.1)");
    return GLS_OK;
}

/* see hs.h */
int gls_hs_on_message(gls_conn *c, const gls_hs_msg *m)
{
    gls_hs_event(c, "<- %s (%zu bytes)", gls_hs_type_name(m->type), m->raw.len);
    if (!c->is_server && m->type == GLS_HS_HELLO_REQUEST && c->state != ST_CONNECTED &&
        c->sess.version != GLS_TLS13) {
        return on_hello_request_in_handshake(c, m);
    }
    switch (c->state) {
    case ST_C_WAIT_SH:
        return gls_client_on_server_hello_msg(c, m);
    case ST_S_WAIT_CH:
        return gls_server_on_client_hello_msg(c, m);
    case ST_FAILED:
    case ST_CLOSED:
        return GLS_E_UNEXPECTED_MESSAGE;
    default:
        break;
    }
    if (c->sess.version == GLS_TLS13) {
        return c->is_server ? gls_server13_on_message(c, m) : gls_client13_on_message(c, m);
    }
    if (c->sess.version == GLS_TLS12) { /* TLS 1.2: client12.c, server12.c */
        return c->is_server ? gls_server12_on_message(c, m) : gls_client12_on_message(c, m);
    }
    return GLS_E_UNEXPECTED_MESSAGE;
}

/* see hs.h */
int gls_hs_on_ccs(gls_conn *c, gls_bytes payload)
{
    /* RFC 8446 §5: one byte 0x01, unprotected, during the handshake only; any
     * other value is unexpected_message */
    if (payload.len != 1 || payload.p[0] != 1) {
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "change_cipher_spec is not the one byte 0x01 (RFC 8446 §5, RFC 5246 "
                             "§7.1)");
    }
    if (c->hs_len != 0) { /* RFC 8446 §5.1, RFC 5246 §7.1: not between a message's fragments */
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "change_cipher_spec inside a fragmented handshake message (RFC 8446 "
                             "§5.1)");
    }
    if (c->sess.version == GLS_TLS13 || c->state == ST_C_WAIT_SH || c->state == ST_S13_WAIT_CH2) {
        if (c->hs == NULL || c->state == ST_CONNECTED || c->hs->ccs_seen) {
            return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                                 "a second change_cipher_spec, or one after the handshake (RFC "
                                 "8446 §5)");
        }
        c->hs->ccs_seen = true;
        return GLS_OK;
    }
    /* TLS 1.2 (RFC 5246 §7.1): the peer's CCS switches its keys */
    if (c->sess.version == GLS_TLS12 &&
        (c->state == ST_C12_WAIT_CCS || c->state == ST_S12_WAIT_CCS)) {
        return gls_hs12_on_ccs(c);
    }
    return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                         "change_cipher_spec not expected in state %s (RFC 8446 §5, RFC 5246 "
                         "§7.1)",
                         gls_hs_state_name(c->state));
}

/* see hs.h */
int gls_hs_start(gls_conn *c)
{
    if (c->hs == NULL && (c->hs = calloc(1, sizeof *c->hs)) == NULL) {
        return GLS_E_NO_MEMORY;
    }
    gls_rand_batch_init(&c->hs->rand, &c->cfg->rng);
    TRY(gls_transcript_init(&c->hs->transcript, c->cfg->crypto));
    if (c->is_server) {
        c->state = ST_S_WAIT_CH;
        return GLS_OK;
    }
    return gls_client_send_hello(c);
}

/* see hs.h */
const gls_rng *gls_hs_rng(const gls_conn *c)
{
    return c->hs != NULL ? &c->hs->rand.rng : &c->cfg->rng;
}

/* see hs.h */
void gls_hs_wipe(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    if (hs == NULL) {
        return;
    }
    if (c->state == ST_CONNECTED) {
        /* what outlives the handshake: the randoms (key log, RFC 5705), the
         * kind of key exchange (secret trace) */
        memcpy(c->export_randoms, hs->client_random, 32);
        memcpy(c->export_randoms + 32, hs->server_random, 32);
        c->kx_after = kx_context(c);
        for (size_t i = 0; i < c->sess.n_peer; i++) {
            gls_cert_shed(c->sess.peer_chain[i]); /* the DER stays for gls_conn_peer_* */
        }
        if (c->sess.version == GLS_TLS12 && hs->ems && hs->ms12.len > 0) {
            c->export12 = hs->ms12; /* RFC 5705 exporters need it (with EMS only) */
        }
    }
    gls_transcript_free(&hs->transcript);
    gls_hmac_key_free(hs->ms12_key); /* wipes the master secret's pads */
    gls_ticket_wipe(&hs->resume);    /* frees its ticket and kept chain */
    for (size_t i = 0; i < GLS_MAX_SHARES; i++) {
        gls_kex_free(hs->kex[i]);
    }
    if (hs->scratch != NULL) {
        gls_wipe(hs->scratch, hs->scratch_used); /* only what was ever written */
        free(hs->scratch);
    }
    gls_wipe(hs, sizeof *hs);
    free(hs);
    c->hs = NULL;
}

const char gls_no_name[1] = "";

static void free_name(const char **name)
{
    if (*name != NULL && *name != gls_no_name) {
        free((void *)*name); /* a name is not secret: no wipe */
    }
    *name = gls_no_name;
}

/* see state.h */
int gls_session_set_name(const char **dst, const void *p, size_t n)
{
    char *copy = NULL;
    if (n > 0) {
        if ((copy = malloc(n + 1)) == NULL) {
            return GLS_E_NO_MEMORY;
        }
        memcpy(copy, p, n);
        copy[n] = 0;
    }
    free_name(dst);
    if (copy != NULL) {
        *dst = copy;
    }
    return GLS_OK;
}

/* see state.h */
void gls_name_copy(char *out, size_t cap, const char *name)
{
    size_t n = strnlen(name, cap - 1);
    memcpy(out, name, n);
    out[n] = 0;
}

/* see state.h */
void gls_session_init(struct gls_session *s)
{
    s->alpn = s->server_name = gls_no_name;
}

/* see state.h */
void gls_session_wipe(struct gls_session *s)
{
    free_name(&s->alpn);
    free_name(&s->server_name);
    for (size_t i = 0; i < s->n_peer; i++) {
        gls_cert_free(s->peer_chain[i]);
    }
    gls_wipe(s, sizeof *s);
}

/* see hs.h */
int64_t gls_hs_now(const gls_conn *c)
{
    if (c->cfg->clock != NULL) {
        return c->cfg->clock(c->cfg->clock_arg);
    }
    return (int64_t)time(NULL);
}

/* see hs.h */
int gls_hs_exts_parse(gls_conn *c, const char *what, int err, const struct gls_exts *e)
{
    uint32_t t = e->bad_type;
    const char *name = gls_ext_type_name(t);
    switch (err) {
    case GLS_OK:
        return GLS_OK;
    case GLS_E_DUPLICATE_EXTENSION:
        return gls_hs_reject(c, err, "%s carries extension %u (%s) twice (RFC 8446 §4.2)", what, t,
                             name);
    case GLS_E_UNSUPPORTED_EXTENSION:
        return gls_hs_reject(c, err,
                             "%s carries extension %u (%s), which we did not offer (RFC "
                             "8446 §4.2)",
                             what, t, name);
    case GLS_E_ILLEGAL_PARAMETER:
        if (t == GLS_EXT_NONE) {
            return gls_hs_reject(c, err,
                                 "%s mixes TLS 1.2 and TLS 1.3 extensions (RFC 8446 "
                                 "§4.2)",
                                 what);
        }
        if (t == GLS_EXT_PRE_SHARED_KEY && strcmp(what, "ClientHello") == 0) {
            return gls_hs_reject(c, err,
                                 "%s has an extension after pre_shared_key (RFC 8446 "
                                 "§4.2.11)",
                                 what);
        }
        return gls_hs_reject(c, err, "extension %u (%s) is not allowed in %s (RFC 8446 §4.2)", t,
                             name, what);
    case GLS_E_DECODE:
        if (t != GLS_EXT_NONE) {
            return gls_hs_reject(c, err, "%s extension %u (%s) is malformed (RFC 8446 §4.2)", what,
                                 t, name);
        }
        return gls_hs_reject(c, err,
                             "%s is malformed: a length does not close (RFC 8446 §3.4, "
                             "§4)",
                             what);
    default:
        return gls_hs_reject(c, err, "%s refused", what);
    }
}

/* see hs.h */
int gls_hs_client_hello_parse(gls_conn *c, gls_reader *r, struct gls_client_hello *ch)
{
    int err = gls_client_hello_parse(r, ch);
    if (err == GLS_E_DECODE && !ch->has_exts) {
        return gls_hs_reject(c, err,
                             "ClientHello is malformed before its extensions (a length "
                             "does not close or a list is odd or empty; RFC 8446 §4.1.2, RFC "
                             "5246 §7.4.1.2)");
    }
    return gls_hs_exts_parse(c, "ClientHello", err, &ch->ext);
}

/* see hs.h */
int gls_hs_server_hello_parse(gls_conn *c, gls_reader *r, struct gls_server_hello *sh)
{
    int err = gls_server_hello_parse(r, sh);
    if (err == GLS_E_DECODE && !sh->has_exts) {
        return gls_hs_reject(c, err,
                             "ServerHello is malformed (RFC 8446 §4.1.3, RFC 5246 "
                             "§7.4.1.3)");
    }
    return gls_hs_exts_parse(c, sh->is_hrr ? "HelloRetryRequest" : "ServerHello", err, &sh->ext);
}

/* see hs.h */
int gls_hs_send_warning(gls_conn *c, uint8_t alert)
{
    const uint8_t a[2] = {GLS_ALERT_LEVEL_WARNING, alert};
    if (c->sent_close) {
        return GLS_OK;
    }
    gls_hs_event(c, "-> alert %u level %u", alert, GLS_ALERT_LEVEL_WARNING);
    return gls_hs_send(c, GLS_CT_ALERT, a, sizeof a);
}
