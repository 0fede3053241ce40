/* tool/decrypt.c — `glasstls decrypt CAPTURE [--key SERVER_KEY.pem] [--keylog FILE] [--json]`:
 * reads a pcap/pcapng capture, finds the TLS connections in it, and decrypts what the given
 * material allows (the server's RSA key for TLS 1.2 RSA key exchange; an NSS key log for any
 * session), or says why not. The cryptography is the library's (trace.h); this file finds the
 * sessions (pcap.h, tcpflow.h, tlsrec.h) and prints them.
 *
 * --json prints one object (schema version 1; fields are only ever added):
 *   {"version":1, "capture":"FILE", "sessions":[{
 *      "client":"IP:PORT", "server":"IP:PORT", "tls_version":"TLS 1.2"|"TLS 1.3"|null,
 *      "suite":"TLS_..."|null, "key_exchange":"RSA"|"ECDHE"|"DHE"|"TLS1.3"|null,
 *      "group":"X25519MLKEM768"|"x25519"|...|null (added), "post_quantum":true|false (added:
 *      an ML-KEM group, alone or hybrid),
 *      "sni":"..."|null, "decrypted":true|false,
 *      "reason":null|{"code":"forward_secret"|"wrong_key"|"no_keylog_line"|"bad_key"|
 *                     "unsupported"|"record_failed"|"no_material"|"not_tls"|
 *                     "handshake_failed"|"handshake_incomplete", "text":"..."},
 *      "client_to_server":{"records":N, "application_data":"HEX", "alerts":N},
 *      "server_to_client":{...same...}}]}
 *   application_data is the concatenated plaintext of the direction's application_data
 *   records, lower-case hex (what could be opened before any failure).
 * Exit status: 0 when the capture was read and every TLS session in it was opened; 3 when
 * some session could not be opened (or the capture holds none); 1 when the capture or a key
 * file cannot be read; 2 for bad arguments. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "pcap.h"
#include "tcpflow.h"
#include "tlsrec.h"
#include "json.h"
#include "tool.h"

#define MAX_TRANSCRIPT      (256 * 1024)
#define EXIT_NOT_ALL_OPENED 3 /* documented in --help and the man page */

/* The handshake transcript the client's Finished covers: every plaintext message in order up
 * to the server's NewSessionTicket (which follows the client's Finished). */
static uint8_t *collect_transcript(const struct gls_tls_facts *f, size_t *len, size_t *thru_cke)
{
    const struct gls_tls_hs_msg *msgs[64];
    size_t n = gls_tls_transcript(f, msgs, 64);
    uint8_t *buf = malloc(MAX_TRANSCRIPT);
    *len = 0;
    *thru_cke = 0;
    if (buf == NULL || n > 64) {
        free(buf);
        return NULL;
    }
    for (size_t i = 0; i < n && msgs[i]->type != 4; i++) {
        if (*len + msgs[i]->raw.len > MAX_TRANSCRIPT) {
            free(buf);
            return NULL;
        }
        memcpy(buf + *len, msgs[i]->raw.p, msgs[i]->raw.len);
        *len += msgs[i]->raw.len;
        if (msgs[i]->type == 16) {
            *thru_cke = *len;
        }
    }
    return buf;
}

static int why_set(struct gls_offline_why *why, int err, const char *code, const char *text)
{
    why->code = code;
    snprintf(why->text, sizeof why->text, "%s", text);
    return err;
}

/* A TLS connection whose handshake never reached a ServerHello: the alert that ended it, if
 * the server sent one in the clear (RFC 8446 §6, RFC 5246 §7.2). */
static int handshake_failed(const struct gls_tls_facts *f, int err, struct gls_offline_why *why)
{
    for (int d = 1; d >= 0; d--) {
        const struct gls_tls_side *side = &f->side[d];
        for (size_t i = 0; i < side->n_records; i++) {
            const struct gls_tls_record *r = &side->records[i];
            if (r->type == 21 && !r->encrypted && r->payload.len == 2) {
                why->code = "handshake_failed";
                snprintf(why->text, sizeof why->text,
                         "the handshake failed: the %s sent a %s alert %u before any ServerHello",
                         d == 1 ? "server" : "client", r->payload.p[0] == 2 ? "fatal" : "warning",
                         r->payload.p[1]);
                return GLS_E_HANDSHAKE_FAILURE;
            }
        }
    }
    return why_set(why, err != GLS_OK ? err : GLS_E_DECODE, "handshake_incomplete",
                   f->problem[0] != 0 ? f->problem
                                      : "a ClientHello but no ServerHello: the handshake did not "
                                        "complete in this capture");
}

/* see tool.h */
void decrypt_known_free(struct decrypt_known *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->s[i].ticket);
        memset(k->s[i].ms, 0, sizeof k->s[i].ms);
    }
    k->n = 0;
}

/* The NewSessionTicket's ticket from the server's plaintext handshake (RFC 5077 §3.3). */
static gls_bytes nst_ticket(const struct gls_tls_facts *f)
{
    const struct gls_tls_side *sv = &f->side[GLS_TLS_S2C];
    for (size_t i = 0; i < sv->n_msgs; i++) {
        if (sv->msgs[i].type == 4 && sv->msgs[i].raw.len > 10) {
            gls_reader r = gls_reader_init(sv->msgs[i].raw.p + 4, sv->msgs[i].raw.len - 4);
            (void)gls_read_u32(&r);
            gls_bytes t = gls_read_opaque16(&r, 1, 0xffff);
            if (gls_reader_done(&r)) {
                return t;
            }
        }
    }
    return gls_bytes_of(NULL, 0);
}

/* Remembers an opened full TLS 1.2 session's master secret under its id and ticket. */
static void remember_session(struct decrypt_known *known, const struct gls_tls_facts *f,
                             const gls_offline_keys *k)
{
    if (known == NULL || known->n == DECRYPT_MAX_KNOWN || f->resumed) {
        return;
    }
    uint8_t ms[48];
    if (!gls_offline_master_secret(k, ms)) {
        return;
    }
    gls_bytes t = nst_ticket(f);
    if (f->session_id_len == 0 && t.len == 0) {
        memset(ms, 0, sizeof ms);
        return;
    }
    size_t i = known->n++;
    memcpy(known->s[i].ms, ms, sizeof ms);
    memset(ms, 0, sizeof ms);
    memcpy(known->s[i].sid, f->session_id, f->session_id_len);
    known->s[i].sid_len = f->session_id_len;
    known->s[i].ticket = t.len > 0 ? malloc(t.len) : NULL;
    if (known->s[i].ticket != NULL) {
        memcpy(known->s[i].ticket, t.p, t.len);
        known->s[i].ticket_len = t.len;
    }
}

/* The master secret of the session a resumed TLS 1.2 handshake resumes: by the ticket the
 * client offered, else by the session id the server echoed. */
static bool resumed_master(const struct decrypt_known *known, const struct gls_tls_facts *f,
                           uint8_t ms[48])
{
    for (size_t i = 0; known != NULL && i < known->n; i++) {
        bool by_ticket =
            f->client_ticket.len > 0 && f->client_ticket.len == known->s[i].ticket_len &&
            memcmp(f->client_ticket.p, known->s[i].ticket, known->s[i].ticket_len) == 0;
        bool by_id = f->client_ticket.len == 0 && f->session_id_len > 0 &&
                     f->session_id_len == known->s[i].sid_len &&
                     memcmp(f->session_id, known->s[i].sid, f->session_id_len) == 0;
        if (by_ticket || by_id) {
            memcpy(ms, known->s[i].ms, 48);
            return true;
        }
    }
    return false;
}

/* The protected records of one side, as the library wants them (calloc'd; *n of them). */
static struct gls_offline_record *protected_records(const struct gls_tls_side *side, size_t *n)
{
    struct gls_offline_record *r = calloc(side->n_records + 1, sizeof *r);
    *n = 0;
    for (size_t i = 0; r != NULL && i < side->n_records; i++) {
        const struct gls_tls_record *x = &side->records[i];
        if (x->encrypted) {
            r[(*n)++] =
                (struct gls_offline_record){x->type, x->version, x->payload.p, x->payload.len};
        }
    }
    return r;
}

/* TLS 1.3 keys from a shared secret given in m (explain's "record now, decrypt later"). */
static int derive_from_dhe(const struct gls_offline_session *s, const struct gls_tls_facts *f,
                           const struct decrypt_material *m, gls_offline_step_fn step, void *arg,
                           gls_offline_keys **k, struct gls_offline_why *why)
{
    if (f->hrr) {
        return why_set(why, GLS_E_UNSUPPORTED, "unsupported",
                       "a HelloRetryRequest: opening from the shared secret is not done here");
    }
    size_t n = 0;
    struct gls_offline_record *r = protected_records(&f->side[GLS_TLS_S2C], &n);
    if (r == NULL) {
        return why_set(why, GLS_E_NO_MEMORY, "unsupported", "out of memory");
    }
    int err =
        gls_offline_keys_from_dhe13(s, m->dhe, m->dhe_len, m->dhe_formula, r, n, k, step, arg, why);
    free(r);
    return err;
}

/* Keys from the key log when it has the session, else from the RSA key. */
static int derive(const struct gls_offline_session *s, const struct gls_tls_facts *f,
                  const struct decrypt_material *m, gls_offline_step_fn step, void *arg,
                  gls_offline_keys **k, struct gls_offline_why *why)
{
    bool resumed = s->version == 0x0303 && f->resumed;
    if (m->dhe_len > 0) {
        return derive_from_dhe(s, f, m, step, arg, k, why);
    }
    if (m->ticket_key != NULL) {
        gls_bytes t = nst_ticket(f);
        return gls_offline_keys_from_ticket(s, t.p, t.len, m->ticket_key, m->ticket_rotation,
                                            m->now, k, step, arg, why);
    }
    const char *kx = s->version == 0x0304 ? "TLS1.3" : gls_suite_kx(s->suite);
    bool rsa = kx != NULL && strcmp(kx, "RSA") == 0;
    int err = GLS_E_FILE;
    if (m->keylog_len > 0) {
        err = gls_offline_keys_from_keylog(s, m->keylog, m->keylog_len, k, step, arg, why);
        if (err != GLS_E_FILE || ((m->key_len == 0 || !rsa) && !resumed)) {
            return err;
        }
    }
    if (resumed) {
        uint8_t ms[48];
        if (resumed_master(m->known, f, ms)) {
            err = gls_offline_keys_from_master(s, ms, k, step, arg, why);
            memset(ms, 0, sizeof ms);
            return err;
        }
        if (m->keylog_len > 0) {
            return err;
        }
        return why_set(why, GLS_E_INVALID_ARGUMENT, "no_material",
                       "an abbreviated handshake: it resumes a session that is not opened in "
                       "this capture (its full handshake is missing or was not opened)");
    }
    if (m->key_len > 0) {
        return gls_offline_keys_from_rsa(s, m->key_pem, m->key_len, k, step, arg, why);
    }
    if (!rsa) {
        /* the RSA path says why a long-term key cannot help */
        return gls_offline_keys_from_rsa(s, NULL, 0, k, step, arg, why);
    }
    return why_set(why, GLS_E_INVALID_ARGUMENT, "no_material",
                   "RSA key exchange: --key with the server's private key (or --keylog) would "
                   "decrypt it");
}

/* The protected records of one side, as the library wants them. */
static int open_side(gls_offline_keys *k, const struct gls_tls_side *side, int dir,
                     gls_offline_data_fn data, void *arg, struct gls_offline_why *why)
{
    size_t n = 0;
    struct gls_offline_record *r = protected_records(side, &n);
    if (r == NULL) {
        return why_set(why, GLS_E_NO_MEMORY, "unsupported", "out of memory");
    }
    int err = gls_offline_open_records(k, dir, r, n, data, arg, why);
    free(r);
    return err;
}

/* see tool.h */
int decrypt_streams(const uint8_t *c2s, size_t n_c2s, const uint8_t *s2c, size_t n_s2c,
                    const struct decrypt_material *m, gls_offline_step_fn step, void *step_arg,
                    gls_offline_data_fn data, void *data_arg, struct gls_tls_facts *facts,
                    struct gls_offline_why *why)
{
    int err = gls_tls_scan(c2s, n_c2s, s2c, n_s2c, facts);
    if (!facts->have_client_hello) {
        return why_set(why, err != GLS_OK ? err : GLS_E_DECODE, "not_tls",
                       facts->problem[0] != 0 ? facts->problem : "no ClientHello: not TLS");
    }
    if (!facts->have_server_hello) {
        return handshake_failed(facts, err, why);
    }
    struct gls_offline_session s = {
        .version = facts->version,
        .suite = facts->suite,
        .client_version = facts->client_version,
        .ems = facts->ems,
        .etm = facts->etm,
        .cke = facts->client_key_exchange.p,
        .cke_len = facts->client_key_exchange.len,
    };
    memcpy(s.client_random, facts->client_random, 32);
    memcpy(s.server_random, facts->server_random, 32);
    uint8_t *t = NULL;
    if ((facts->version != 0x0304 && !facts->resumed) || m->dhe_len > 0) {
        t = collect_transcript(facts, &s.transcript_len, &s.through_cke);
        s.transcript = t;
    }
    gls_offline_keys *k = NULL;
    err = derive(&s, facts, m, step, step_arg, &k, why);
    free(t);
    if (err == GLS_OK) {
        err = open_side(k, &facts->side[GLS_TLS_C2S], GLS_OFFLINE_C2S, data, data_arg, why);
    }
    if (err == GLS_OK) {
        err = open_side(k, &facts->side[GLS_TLS_S2C], GLS_OFFLINE_S2C, data, data_arg, why);
    }
    if (err == GLS_OK) {
        remember_session(m->known, facts, k);
    }
    gls_offline_keys_free(k);
    return err;
}

/* ---- the command ---- */

/* What one direction gave up. */
struct dir_out {
    uint8_t *data; /* application data, concatenated */
    size_t len;
    size_t cap;
    size_t records; /* records opened */
    size_t alerts;
    size_t key_updates; /* TLS 1.3 KeyUpdates followed */
    unsigned epoch;
    bool bad; /* out of memory */
};

static void on_data(void *arg, int dir, const struct gls_offline_opened *o)
{
    struct dir_out *d = (struct dir_out *)arg + dir;
    uint8_t type = o->type;
    const uint8_t *p = o->p;
    size_t n = o->n;
    d->records++;
    d->key_updates += o->epoch > d->epoch && d->epoch >= 1;
    d->epoch = o->epoch;
    d->alerts += type == 21;
    if (type != 23 || n == 0 || d->bad) {
        return;
    }
    if (d->len + n > d->cap) {
        size_t cap = 2 * (d->len + n);
        uint8_t *b = realloc(d->data, cap);
        if (b == NULL) {
            d->bad = true;
            return;
        }
        d->data = b;
        d->cap = cap;
    }
    memcpy(d->data + d->len, p, n);
    d->len += n;
}

/* Reads a whole file (at most 64 MiB) into a fresh buffer. */
static int slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b = NULL;
    size_t cap = 0;
    int err = f == NULL ? GLS_E_FILE : GLS_OK;
    *len = 0;
    while (err == GLS_OK) {
        if (*len == cap) {
            char *bigger = cap < (64u << 20) ? realloc(b, cap == 0 ? 65536 : 2 * cap) : NULL;
            if (bigger == NULL) {
                err = GLS_E_FILE;
                break;
            }
            b = bigger;
            cap = cap == 0 ? 65536 : 2 * cap;
        }
        size_t n = fread(b + *len, 1, cap - *len, f);
        if (n == 0) {
            err = ferror(f) ? GLS_E_FILE : GLS_OK;
            break;
        }
        *len += n;
    }
    if (f != NULL) {
        fclose(f);
    }
    if (err != GLS_OK) {
        free(b);
        return err;
    }
    *out = b;
    return GLS_OK;
}

static bool printable(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' && p[i] != '\r' && p[i] != '\t') {
            return false;
        }
    }
    return true;
}

static void hexdump(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 16) {
        printf("    %06zx ", i);
        for (size_t j = i; j < i + 16; j++) {
            if (j < n) {
                printf(" %02x", p[j]);
            } else {
                printf("   ");
            }
        }
        printf("  |");
        for (size_t j = i; j < i + 16 && j < n; j++) {
            putchar(p[j] >= 0x20 && p[j] < 0x7f ? p[j] : '.');
        }
        printf("|\n");
    }
}

static const char *version_name(uint16_t v)
{
    return v == 0x0304 ? "TLS 1.3" : v == 0x0303 ? "TLS 1.2" : NULL;
}

static const char *kx_name(const struct gls_tls_facts *f)
{
    return f->version == 0x0304 ? "TLS1.3" : gls_suite_kx(f->suite);
}

/* The key exchange group's name ("X25519MLKEM768", "x25519", ...), or NULL (RSA, unknown). */
static const char *group_name(const struct gls_tls_facts *f)
{
    return f->group != 0 ? gls_group_name(f->group) : NULL;
}

/* ML-KEM alone or in a hybrid: what a recording's future quantum adversary cannot solve. */
static bool post_quantum(uint16_t group)
{
    return group == GLS_GROUP_X25519MLKEM768 || group == GLS_GROUP_SECP256R1MLKEM768 ||
           group == GLS_GROUP_MLKEM768 || group == GLS_GROUP_MLKEM1024;
}

/* A JSON string (or null), escaped as the shared writer does. */
static void json_str(const char *s)
{
    struct jbuf j = {0};
    jb_text(&j, s);
    if (!j.bad) {
        fwrite(j.p, 1, j.len, stdout);
    }
    free(j.p);
}

static void json_dir(const char *name, const struct dir_out *d)
{
    printf("\"%s\":{\"records\":%zu,\"alerts\":%zu,\"application_data\":\"", name, d->records,
           d->alerts);
    for (size_t i = 0; i < d->len; i++) {
        printf("%02x", d->data[i]);
    }
    printf("\"}");
}

struct session_out {
    char client[64];
    char server[64];
    const struct gls_tls_facts *f;
    struct dir_out dir[2];
    int err;
    struct gls_offline_why why;
};

static void print_json(const struct session_out *o, bool first)
{
    const struct gls_tls_facts *f = o->f;
    printf("%s{\"client\":", first ? "" : ",\n");
    json_str(o->client);
    printf(",\"server\":");
    json_str(o->server);
    printf(",\"tls_version\":");
    json_str(version_name(f->version));
    printf(",\"suite\":");
    json_str(f->have_server_hello ? gls_suite_name(f->suite) : NULL);
    printf(",\"key_exchange\":");
    json_str(f->have_server_hello ? kx_name(f) : NULL);
    printf(",\"group\":");
    json_str(f->have_server_hello ? group_name(f) : NULL);
    printf(",\"post_quantum\":%s",
           f->have_server_hello && post_quantum(f->group) ? "true" : "false");
    printf(",\"sni\":");
    json_str(f->server_name[0] != 0 ? f->server_name : NULL);
    printf(",\"decrypted\":%s,\"reason\":", o->err == GLS_OK ? "true" : "false");
    if (o->err == GLS_OK) {
        printf("null");
    } else {
        printf("{\"code\":");
        json_str(o->why.code);
        printf(",\"text\":");
        json_str(o->why.text);
        printf("}");
    }
    printf(",");
    json_dir("client_to_server", &o->dir[0]);
    printf(",");
    json_dir("server_to_client", &o->dir[1]);
    printf("}");
}

/* An untrusted string (SNI, a reason quoting the capture) for a terminal: printable ASCII as
 * is, everything else (escape sequences, bytes past 0x7e) and the backslash as \xNN. */
static void put_escaped(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
            putchar(*p);
        } else {
            printf("\\x%02x", *p);
        }
    }
}

static void print_text(const struct session_out *o, size_t index)
{
    const struct gls_tls_facts *f = o->f;
    const char *v = version_name(f->version);
    const char *suite = gls_suite_name(f->suite);
    const char *kx = kx_name(f);
    printf("session %zu: %s -> %s\n", index, o->client, o->server);
    const char *group = group_name(f);
    printf("  %s, %s, key exchange %s%s%s%s%s", v != NULL ? v : "unknown version",
           suite != NULL ? suite : "unknown suite", kx != NULL ? kx : "unknown",
           group != NULL ? ", group " : "", group != NULL ? group : "",
           post_quantum(f->group) ? " (post-quantum: includes ML-KEM)" : "",
           f->server_name[0] != 0 ? ", SNI " : "");
    put_escaped(f->server_name);
    printf("\n");
    if (o->dir[0].key_updates + o->dir[1].key_updates > 0) {
        printf("  followed %zu KeyUpdate(s) client -> server, %zu server -> client\n",
               o->dir[0].key_updates, o->dir[1].key_updates);
    }
    if (o->err != GLS_OK) {
        printf("  cannot decrypt: ");
        put_escaped(o->why.text);
        printf("\n");
    }
    for (int d = 0; d < 2; d++) {
        if (o->dir[d].records == 0 && o->err != GLS_OK) {
            continue;
        }
        printf("  %s: %zu bytes of application data\n",
               d == 0 ? "client -> server" : "server -> client", o->dir[d].len);
        if (printable(o->dir[d].data, o->dir[d].len)) {
            fwrite(o->dir[d].data, 1, o->dir[d].len, stdout);
            if (o->dir[d].len > 0 && o->dir[d].data[o->dir[d].len - 1] != '\n') {
                printf("\n");
            }
        } else {
            hexdump(o->dir[d].data, o->dir[d].len);
        }
    }
    printf("\n");
}

/* Decrypts one TCP connection if it is TLS; false if it is not. *failed counts the TLS
 * sessions that could not be (fully) opened. */
static bool one_conn(const struct gls_tcp_conn *c, const struct decrypt_material *m, bool json,
                     size_t *shown, size_t *failed)
{
    int cd = 0;
    if (!c->initiator_known &&
        gls_tls_looks_like_client(c->dir[1].data, gls_tcp_stream_contiguous(&c->dir[1]))) {
        cd = 1;
    }
    const struct gls_tcp_stream *cs = &c->dir[cd];
    const struct gls_tcp_stream *ss = &c->dir[1 - cd];
    struct session_out o;
    struct gls_tls_facts f;
    memset(&o, 0, sizeof o);
    o.err =
        decrypt_streams(cs->data, gls_tcp_stream_contiguous(cs), ss->data,
                        gls_tcp_stream_contiguous(ss), m, NULL, NULL, on_data, o.dir, &f, &o.why);
    bool tls = f.have_client_hello;
    if (tls) {
        o.f = &f;
        gls_tcp_endpoint_format(&c->ep[cd], o.client, sizeof o.client);
        gls_tcp_endpoint_format(&c->ep[1 - cd], o.server, sizeof o.server);
        if (json) {
            print_json(&o, *shown == 0);
        } else {
            print_text(&o, *shown + 1);
        }
        (*shown)++;
        *failed += o.err != GLS_OK;
    }
    gls_tls_facts_free(&f);
    free(o.dir[0].data);
    free(o.dir[1].data);
    return tls;
}

static const char decrypt_help[] =
    "usage: glasstls decrypt CAPTURE [--key SERVER_KEY.pem] [--keylog FILE] [--json]\n"
    "Reads a pcap/pcapng capture and decrypts the TLS sessions in it that the given\n"
    "material opens: --key, the server's RSA private key, opens TLS 1.2 sessions with RSA\n"
    "key exchange; --keylog, an NSS key log (SSLKEYLOGFILE), opens any session it lists.\n"
    "Sessions with (EC)DHE or TLS 1.3 are forward secret: no server key opens them.\n"
    "Exit status: 0 if every TLS session was opened, 3 if some could not be (or there\n"
    "were none), 1 if a file cannot be read, 2 for bad arguments.\n"
    "  --json   one JSON object (schema in tool/decrypt.c)\n";

struct decrypt_opts {
    const char *key;
    const char *keylog;
    bool json;
    const char *capture;
};

static int parse_opts(int argc, char **argv, struct decrypt_opts *o)
{
    static const struct option longopts[] = {
        {"key", required_argument, 0, 'k'},
        {"keylog", required_argument, 0, 'l'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'k':
            o->key = optarg;
            break;
        case 'l':
            o->keylog = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            fputs(decrypt_help, stdout);
            return 0;
        default:
            return usage_error("decrypt", "unknown option");
        }
    }
    if (optind + 1 != argc) {
        return usage_error("decrypt", optind == argc ? "no capture file given"
                                                     : "more than one capture file given");
    }
    o->capture = argv[optind];
    return -1;
}

/* see tool.h */
int cmd_decrypt(int argc, char **argv)
{
    struct decrypt_opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0) {
        return rc;
    }
    char *key = NULL;
    char *log = NULL;
    struct decrypt_material m = {0};
    if (o.key != NULL && slurp(o.key, &key, &m.key_len) != GLS_OK) {
        return fail("cannot read the key file '%s'", o.key);
    }
    if (o.keylog != NULL && slurp(o.keylog, &log, &m.keylog_len) != GLS_OK) {
        free(key);
        return fail("cannot read the key log '%s'", o.keylog);
    }
    struct decrypt_known known = {.n = 0};
    m.key_pem = (const uint8_t *)key;
    m.keylog = log;
    m.known = &known;
    struct gls_tcp_flows flows;
    struct gls_pcap_stats st;
    char err[256];
    rc = 0;
    if (gls_pcap_read_flows(o.capture, NULL, &flows, &st, err, sizeof err) != GLS_OK) {
        rc = fail("cannot read the capture: %s", err);
    } else {
        size_t shown = 0;
        size_t failed = 0;
        if (o.json) {
            printf("{\"version\":1,\"capture\":");
            json_str(o.capture);
            printf(",\"sessions\":[\n");
        }
        for (size_t i = 0; i < flows.n; i++) {
            (void)one_conn(&flows.conns[i], &m, o.json, &shown, &failed);
        }
        rc = shown == 0 || failed > 0 ? EXIT_NOT_ALL_OPENED : 0;
        if (o.json) {
            printf("]}\n");
        } else if (shown == 0) {
            printf("no TLS sessions in %s (%zu TCP connections)\n", o.capture, flows.n);
        }
    }
    gls_tcp_flows_free(&flows);
    decrypt_known_free(&known);
    if (key != NULL) {
        memset(key, 0, m.key_len);
    }
    if (log != NULL) {
        memset(log, 0, m.keylog_len);
    }
    free(key);
    free(log);
    return rc;
}
