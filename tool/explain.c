/* tool/explain.c — `glasstls explain`: runs TLS connections between an
 * in-process client and server and prints every handshake message and every
 * secret as it is derived, with the formula that made it and who can compute
 * it. The client's secrets are printed; the server's are checked to be equal,
 * which is the point of key agreement. Then (explain_lessons.c) the lessons made
 * from the recordings, a timing of RSA against AES-GCM, and plain answers; as
 * text, or as one JSON object (--json, docs/explain-json.md). */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/random.h>
#include <time.h>

#include "explain.h"
#include "explain_html.h"
#include "explain_inputs.h"
#include "explain_keys.h"
#include "json.h"
#include "tool.h"

#define MAX_SECRETS         64
#define EXPLAIN_JSON_SCHEMA 1 /* docs/explain-json.md: raise on any incompatible change */

/* Secrets and private keys the tool held: zeroed before the memory goes back. */
static void gls_wipe_tool(void *p, size_t n)
{
    volatile uint8_t *b = p;
    while (n-- > 0) {
        *b++ = 0;
    }
}

/* ---- one connection, as it happens ---- */

struct side {
    const char *who;
    bool print;
    bool mute;            /* the lesson's application data exchange: no trace lines */
    struct jbuf *events;  /* --json: {"side","text"} objects go here instead of stdout */
    struct jbuf *secrets; /* --json: every secret, both sides */
    struct {
        char name[64];
        uint8_t v[64];
        size_t len;
    } seen[MAX_SECRETS];
    size_t n;
    const char *last_who; /* the who-text printed last: not repeated */
    bool got_ticket;      /* a NewSessionTicket arrived (client) */
};

/* Secrets whose other names were shown already (a secret's three names appear once). */
static char named[MAX_SECRETS][64];
static size_t n_named;

/* Prints the other names of a secret the first time it appears. Its name here is the RFC's
 * label only when the formula feeds that very string to the derivation (TLS 1.3's "c hs
 * traffic"); TLS 1.2's extended_master_secret is derived with the label "extended master
 * secret", which is then named instead. */
static void print_other_names(const char *name, const char *formula)
{
    const char *rfc = NULL;
    const char *label = NULL;
    if (!gls_trace_secret_names(name, &rfc, &label) || (rfc == NULL && label == NULL)) {
        return;
    }
    for (size_t i = 0; i < n_named; i++) {
        if (strcmp(named[i], name) == 0) {
            return;
        }
    }
    if (n_named < MAX_SECRETS) {
        snprintf(named[n_named++], sizeof named[0], "%s", name);
    }
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", name);
    const char *q = strchr(formula, '"');
    const char *end = q != NULL ? strchr(q + 1, '"') : NULL;
    printf("           one value, %s names: \"%s\" here",
           rfc != NULL && label != NULL ? "three" : "two", name);
    if (strstr(formula, quoted) != NULL) {
        printf(" (the RFC's label)");
    } else if (end != NULL) {
        printf(" (derived with the label %.*s)", (int)(end - q + 1), q);
    }
    if (rfc != NULL) {
        printf(", %s in the RFC's text", rfc);
    }
    if (label != NULL) {
        printf(", %s in a key log", label);
    }
    printf("; below it is \"%s\"\n", name);
}

static bool color;

/* see explain.h */
const char *explain_c_on(const char *code)
{
    return color ? code : "";
}

static const char *c_on(const char *code)
{
    return explain_c_on(code);
}

static void on_event(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct side *s = arg;
    if (strncmp(line, "<- NewSessionTicket", 19) == 0) {
        s->got_ticket = true;
    }
    if (s->mute) {
        return;
    }
    if (s->events != NULL) {
        jb_item(s->events);
        jb_lit(s->events, "{\"side\":");
        jb_text(s->events, s->who);
        jb_lit(s->events, ",\"text\":");
        jb_text(s->events, line);
        jb_lit(s->events, "}");
        return;
    }
    printf("  %s%-6s%s %s\n", c_on("\033[36m"), s->who, c_on("\033[0m"), line);
}

static void secret_json(struct jbuf *j, const char *who, const gls_secret_info *info)
{
    jb_item(j);
    jb_lit(j, "{\"side\":");
    jb_text(j, who);
    jb_lit(j, ",\"name\":");
    jb_text(j, info->name);
    jb_lit(j, ",\"value_hex\":");
    jb_hex(j, info->value, info->len);
    jb_lit(j, ",\"formula\":");
    jb_text(j, info->formula);
    jb_lit(j, ",\"who\":");
    jb_text(j, info->who != NULL && info->who[0] ? info->who : NULL);
    jb_printf(j, ",\"len\":%zu}", info->len);
}

static void on_secret(void *arg, gls_conn *c, const gls_secret_info *info)
{
    (void)c;
    struct side *s = arg;
    if (s->mute) {
        return;
    }
    if (s->n < MAX_SECRETS && info->len <= 64) {
        snprintf(s->seen[s->n].name, sizeof s->seen[s->n].name, "%s", info->name);
        memcpy(s->seen[s->n].v, info->value, info->len);
        s->seen[s->n].len = info->len;
        s->n++;
    }
    if (s->secrets != NULL) {
        secret_json(s->secrets, s->who, info);
        return;
    }
    if (!s->print) {
        return;
    }
    printf("  %s%-6s secret %s%s (%zu bytes)\n", c_on("\033[33m"), s->who, info->name,
           c_on("\033[0m"), info->len);
    printf("           = ");
    for (size_t i = 0; i < info->len; i++) {
        printf("%02x", info->value[i]);
    }
    printf("\n           formula: %s\n", info->formula);
    print_other_names(info->name, info->formula);
    if (info->who != NULL && info->who[0]) {
        if (s->last_who != NULL && strcmp(s->last_who, info->who) == 0) {
            printf("           who can compute it: the same as above\n");
        } else {
            printf("           who can compute it: %s\n", info->who);
        }
        s->last_who = info->who;
    }
}

static void tape_add(struct tape *t, int d, const uint8_t *p, size_t n)
{
    if (t == NULL || t->bad) {
        return;
    }
    if (t->len[d] + n > t->cap[d]) {
        size_t cap = 2 * (t->len[d] + n) + 4096;
        uint8_t *b = realloc(t->b[d], cap);
        if (b == NULL) {
            t->bad = true;
            return;
        }
        t->b[d] = b;
        t->cap[d] = cap;
    }
    memcpy(t->b[d] + t->len[d], p, n);
    t->len[d] += n;
}

/* Moves bytes between a (the client) and b until both are quiet, recording them on tape
 * (may be NULL). */
static void pump(gls_conn *a, gls_conn *b, struct tape *tape)
{
    for (int round = 0; round < 1000; round++) {
        size_t moved = 0;
        for (int dir = 0; dir < 2; dir++) {
            gls_conn *from = dir ? b : a;
            gls_conn *to = dir ? a : b;
            size_t len = 0;
            const uint8_t *out = gls_conn_net_out(from, &len);
            if (len == 0) {
                continue;
            }
            size_t room = 0;
            uint8_t *in = gls_conn_net_in(to, &room);
            size_t n = len < room ? len : room;
            memcpy(in, out, n);
            tape_add(tape, dir, out, n);
            gls_conn_net_out_done(from, n);
            (void)gls_conn_net_in_done(to, n);
            moved += n;
        }
        if (moved == 0) {
            return;
        }
    }
}

/* How many of the client's secrets the server derived with the same name and value. */
static size_t count_agreement(const struct side *cl, const struct side *sv)
{
    size_t same = 0;
    for (size_t i = 0; i < cl->n; i++) {
        for (size_t j = 0; j < sv->n; j++) {
            if (strcmp(cl->seen[i].name, sv->seen[j].name) == 0 &&
                cl->seen[i].len == sv->seen[j].len &&
                memcmp(cl->seen[i].v, sv->seen[j].v, cl->seen[i].len) == 0) {
                same++;
                break;
            }
        }
    }
    return same;
}

static void print_agreement(size_t same, size_t total, int rsa_kx, bool ticket12, bool hybrid)
{
    printf("\n  The server derived the same value for %zu of the client's %zu secrets.\n", same,
           total);
    if (rsa_kx) {
        printf("  Here the pre-master secret itself crossed the wire, encrypted to the server's\n"
               "  long-term RSA key: whoever ever holds that key and a recording can recover it,\n"
               "  and every key above with it. Fresh per session, yet no forward secrecy.\n");
    } else {
        printf("  No key crossed the wire: each side combined its own ephemeral private key\n"
               "  with the other's public share, then threw the private key away. The server's\n"
               "  long-term key only signed the handshake. What does travel is each Finished's\n"
               "  verify_data (encrypted): proof that the sender holds the keys, not the keys.\n");
        if (hybrid) {
            printf(
                "  In this hybrid the ML-KEM half works differently: the client sent an\n"
                "  encapsulation key, the server drew a fresh secret and sent it back\n"
                "  encapsulated (the ciphertext), and only the client's private decapsulation\n"
                "  key opens it. Both halves' secrets go into the key schedule, concatenated.\n");
        }
    }
    if (ticket12) {
        printf("  %s TLS 1.2 server also sent a NewSessionTicket in the clear, and the\n"
               "  ticket carries the master secret sealed under the server's ticket key:\n"
               "  whoever gets that key and this recording gets every key above.\n",
               rsa_kx ? "This" : "But this");
    }
}

const struct session_kind explain_kinds[N_KINDS] = {
    {"--tls1.2-rsa", "TLS 1.2 with RSA key exchange (no forward secrecy)", 0x0303, 0x009c, 0, 1,
     GLS_GROUP_X25519},
    {"--tls1.2-ecdhe", "TLS 1.2 with ECDHE (X25519), RSA-signed", 0x0303, 0xc02f, 0, 0,
     GLS_GROUP_X25519},
    {"--tls1.3", "TLS 1.3 with X25519", 0x0304, 0x1301, 1, 0, GLS_GROUP_X25519},
    {"--tls1.3-hybrid", "TLS 1.3 with X25519MLKEM768 (post-quantum hybrid)", 0x0304, 0x1301, 1, 0,
     GLS_GROUP_X25519MLKEM768},
};

/* The randomness both sides draw: from the system, each 32-byte draw kept (the X25519
 * private keys are among them: explain_inputs shows them), and the client's key log. */
struct recorder {
    struct explain_capture *cap;
    uint64_t prng; /* --seed: the generator's state */
    char keylog[8192];
    size_t keylog_len;
};

/* --seed N: a fixed generator and clock instead of the system's, so that a run repeats. */
static bool seeded;
static uint64_t seed_value;
#define SEED_CLOCK 1798761600 /* 2027-01-01T00:00:00Z */

/* splitmix64: NOT a cryptographic generator; it only makes demo runs repeatable. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int64_t fixed_clock(void *arg)
{
    (void)arg;
    return SEED_CLOCK;
}

static int recording_rng(void *arg, uint8_t *out, size_t len)
{
    struct recorder *r = arg;
    size_t got = 0;
    while (seeded && got < len) {
        uint64_t v = splitmix64(&r->prng);
        for (int b = 0; b < 8 && got < len; b++) {
            out[got++] = (uint8_t)(v >> (8 * b));
        }
    }
    while (got < len) {
        ssize_t n = getrandom(out + got, len - got, 0);
        if (n <= 0) {
            return GLS_E_RNG;
        }
        got += (size_t)n;
    }
    explain_capture_draw(r->cap, out, len);
    return GLS_OK;
}

static void on_keylog(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct recorder *r = arg;
    size_t n = strlen(line);
    if (r->keylog_len + n + 1 < sizeof r->keylog) {
        memcpy(r->keylog + r->keylog_len, line, n);
        r->keylog[r->keylog_len + n] = '\n';
        r->keylog_len += n + 1;
    }
}

/* The client's value of a secret, for explain_inputs. */
static bool client_value(void *arg, const char *name, const uint8_t **v, size_t *len)
{
    const struct side *cl = arg;
    for (size_t i = 0; i < cl->n; i++) {
        if (strcmp(cl->seen[i].name, name) == 0) {
            *v = cl->seen[i].v;
            *len = cl->seen[i].len;
            return true;
        }
    }
    return false;
}

const char explain_request[] = "GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n";
const char explain_reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nthe vault code is 4711";

/* --seed: the fixed demo key and certificate (explain_keys.c), as owned copies. */
static int fixed_cert(const struct session_kind *k, struct recording *rec)
{
    const char *cert = NULL;
    const char *key = NULL;
    explain_fixed_keys(k->ec_cert, &cert, &key);
    rec->cert_len = strlen(cert);
    rec->key_len = strlen(key);
    rec->cert_pem = malloc(rec->cert_len + 1);
    rec->key_pem = malloc(rec->key_len + 1);
    if (rec->cert_pem == NULL || rec->key_pem == NULL) {
        return GLS_E_NO_MEMORY;
    }
    memcpy(rec->cert_pem, cert, rec->cert_len + 1);
    memcpy(rec->key_pem, key, rec->key_len + 1);
    return GLS_OK;
}

static int configure(gls_config *scfg, gls_config *ccfg, const struct session_kind *k,
                     struct side *cl, struct side *sv, struct recording *rec, struct recorder *rr)
{
    static const char *const names[] = {"localhost"};
    int err = seeded ? fixed_cert(k, rec)
                     : gls_trace_generate_cert_pem(k->ec_cert, names, 1, &rec->cert_pem,
                                                   &rec->cert_len, &rec->key_pem, &rec->key_len);
    err = err ? err
              : gls_config_add_cert_pem(scfg, rec->cert_pem, rec->cert_len, rec->key_pem,
                                        rec->key_len);
    err = err ? err : gls_config_set_versions(ccfg, k->version, k->version);
    err = err ? err : gls_config_set_suites(ccfg, &k->suite, 1);
    err = err ? err : gls_config_enable_rsa_key_exchange(ccfg, k->rsa_kx);
    err = err ? err : gls_config_enable_rsa_key_exchange(scfg, k->rsa_kx);
    err = err ? err : gls_config_danger_accept_any_cert(ccfg);
    err = err ? err : gls_config_set_event_trace(ccfg, on_event, cl);
    err = err ? err : gls_config_set_event_trace(scfg, on_event, sv);
    err = err ? err : gls_config_set_secret_trace(ccfg, on_secret, cl);
    err = err ? err : gls_config_set_secret_trace(scfg, on_secret, sv);
    err = err ? err : gls_config_set_rng(ccfg, recording_rng, rr);
    err = err ? err : gls_config_set_rng(scfg, recording_rng, rr);
    err = err ? err : gls_config_set_keylog(ccfg, on_keylog, rr);
    /* one group each (the library's default puts X25519MLKEM768 first) */
    err = err ? err : gls_config_set_groups(ccfg, &k->group, 1);
    if (seeded) {
        /* deterministic signatures: RSA PKCS #1 v1.5 in TLS 1.2, Ed25519 in TLS 1.3 */
        static const uint16_t pkcs1 = 0x0401;
        uint8_t tk[32];
        err = err ? err : recording_rng(rr, tk, sizeof tk);
        err = err ? err : gls_trace_set_ticket_key(scfg, tk);
        err = err || k->version == 0x0304 ? err : gls_config_set_sigalgs(ccfg, &pkcs1, 1);
        err = err ? err : gls_config_set_clock(ccfg, fixed_clock, NULL);
        err = err ? err : gls_config_set_clock(scfg, fixed_clock, NULL);
    }
    return err;
}

/* Writes msg on from, moves it across and reads it on to; true if it arrived whole. */
static bool send_through(gls_conn *from, gls_conn *to, gls_conn *client, gls_conn *server,
                         struct tape *tape, const char *msg)
{
    char got[256];
    size_t put = 0;
    size_t n = 0;
    if (gls_conn_write(from, msg, strlen(msg), &put) != GLS_OK || put != strlen(msg)) {
        return false;
    }
    pump(client, server, tape);
    return gls_conn_read(to, got, sizeof got, &n) == GLS_OK && n == strlen(msg) &&
           memcmp(got, msg, n) == 0;
}

/* One more handshake with the same server, this time verifying its certificate: against the
 * system's trust store (anchor NULL) or with the file anchor as the only trusted certificate.
 * What the client would have said goes to out. */
static void verify_with(gls_config *scfg, const struct session_kind *k, const char *anchor,
                        char *out, size_t cap)
{
    gls_config *cfg = gls_config_new();
    int err = cfg != NULL ? GLS_OK : GLS_E_NO_MEMORY;
    err = err ? err : gls_config_set_versions(cfg, k->version, k->version);
    err = err ? err : gls_config_set_suites(cfg, &k->suite, 1);
    err = err ? err : gls_config_enable_rsa_key_exchange(cfg, k->rsa_kx);
    err = err              ? err
          : anchor != NULL ? gls_config_set_ca(cfg, anchor, NULL)
                           : gls_config_use_system_ca(cfg);
    gls_conn *c = err ? NULL : gls_client_new(cfg, "localhost");
    gls_conn *s = err ? NULL : gls_server_new(scfg);
    if (c == NULL || s == NULL) {
        snprintf(out, cap, "could not be tried (%s)", gls_error_name(err ? err : GLS_E_NO_MEMORY));
    } else {
        pump(c, s, NULL);
        gls_conn_info info;
        if (gls_conn_handshake_done(c) && gls_conn_get_info(c, &info) == GLS_OK &&
            info.peer_verified) {
            snprintf(out, cap, "verified: chain and the name localhost check out");
        } else {
            snprintf(out, cap, "refused: %s", gls_conn_error_detail(c));
        }
    }
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(cfg);
}

/* What verification would have said, both ways (the demo's own connection skipped it). */
static void verify_outcomes(gls_config *scfg, const struct session_kind *k, struct recording *rec)
{
    char path[] = "/tmp/glasstls-explain-XXXXXX";
    int fd = mkstemp(path);
    verify_with(scfg, k, NULL, rec->verify[0], sizeof rec->verify[0]);
    if (fd < 0 || write(fd, rec->cert_pem, rec->cert_len) != (ssize_t)rec->cert_len) {
        snprintf(rec->verify[1], sizeof rec->verify[1], "could not be tried (temporary file)");
    } else {
        verify_with(scfg, k, path, rec->verify[1], sizeof rec->verify[1]);
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
}

static void print_verify(const struct recording *rec)
{
    printf("  The demo's client skipped certificate verification: the server's certificate is\n"
           "  self-signed, made for this demo, so no authority vouches for it. Had it checked:\n"
           "    against this system's trust store: %s\n"
           "    with this very certificate installed as a trust anchor: %s\n",
           rec->verify[0], rec->verify[1]);
}

/* --json: one element of "sessions" (docs/explain-json.md). */
static void session_json(struct jbuf *out, const struct session_kind *k, const gls_conn *c,
                         const gls_conn *s, const struct recording *rec, size_t same, size_t total,
                         const struct jbuf *json[2], const struct jbuf *inputs)
{
    gls_conn_info info;
    bool done = gls_conn_handshake_done(c) && gls_conn_handshake_done(s) &&
                gls_conn_get_info(c, &info) == GLS_OK;
    jb_item(out);
    jb_lit(out, "{\"title\":");
    jb_text(out, k->title);
    jb_lit(out, ",\"flag\":");
    jb_text(out, k->flag);
    jb_printf(out, ",\"handshake_done\":%s,\"error\":", done ? "true" : "false");
    if (done) {
        jb_lit(out, "null,\"version\":");
        jb_text(out, info.version == 0x0304 ? "TLS 1.3" : "TLS 1.2");
        jb_lit(out, ",\"suite\":");
        jb_text(out, info.suite_name);
        jb_lit(out, ",\"key_exchange\":");
        jb_text(out, info.kx);
        jb_lit(out, ",\"group\":");
        jb_text(out, info.group != 0 ? info.group_name : NULL);
        jb_printf(out, ",\"forward_secret\":%s", info.forward_secret ? "true" : "false");
        jb_lit(out, ",\"signature\":");
        jb_text(out, info.sigalg != 0 ? gls_sigalg_name(info.sigalg) : NULL);
    } else {
        char why[512];
        snprintf(why, sizeof why, "client: %s; server: %s", gls_conn_error_detail(c),
                 gls_conn_error_detail(s));
        jb_text(out, why);
        jb_lit(out, ",\"version\":null,\"suite\":null,\"key_exchange\":null,\"group\":null,"
                    "\"forward_secret\":null,\"signature\":null");
    }
    jb_lit(out, ",\"events\":");
    jb_array(out, json[0]);
    jb_lit(out, ",\"secrets\":");
    jb_array(out, json[1]);
    jb_printf(out, ",\"agreement\":{\"same\":%zu,\"total\":%zu}", same, total);
    jb_lit(out, ",\"verification\":{\"done_in_demo\":false,\"system_trust_store\":");
    jb_text(out, rec->verify[0][0] != 0 ? rec->verify[0] : NULL);
    jb_lit(out, ",\"certificate_as_anchor\":");
    jb_text(out, rec->verify[1][0] != 0 ? rec->verify[1] : NULL);
    jb_lit(out, "}");
    jb_put(out, inputs->p != NULL ? inputs->p : "", inputs->len);
    out->bad |= inputs->bad;
    jb_lit(out, "}");
}

/* Runs one connection, printing it, or (out not NULL) appending it to the JSON "sessions". */
/* Keeps the first 8 bytes (hex) of the client's value named `name` in out. */
static void keep_hex(const struct side *cl, const char *name, char out[17])
{
    out[0] = 0;
    for (size_t i = 0; i < cl->n; i++) {
        if (strcmp(cl->seen[i].name, name) == 0) {
            for (size_t j = 0; j < 8 && j < cl->seen[i].len; j++) {
                snprintf(out + 2 * j, 3, "%02x", cl->seen[i].v[j]);
            }
            return;
        }
    }
}

/* What the answers quote from this session. */
static void remember(const struct side *cl, struct recording *rec, size_t same)
{
    keep_hex(cl, "pre_master_secret", rec->pms);
    keep_hex(cl, "extended_master_secret", rec->master);
    if (rec->master[0] == 0) {
        keep_hex(cl, "master_secret", rec->master);
    }
    keep_hex(cl, "client_write_key", rec->cwk);
    rec->same = same;
    rec->total = cl->n;
}

static int run_session(const struct session_kind *k, struct recording *rec, struct jbuf *out)
{
    struct jbuf json[2] = {{0}, {0}}; /* --json: events, secrets */
    struct side cl = {.who = "client", .print = true};
    struct side sv = {.who = "server", .print = false};
    if (out != NULL) {
        cl.events = &json[0];
        sv.events = &json[0];
        cl.secrets = &json[1];
        sv.secrets = &json[1];
    }
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    struct explain_capture *cap = calloc(1, sizeof *cap);
    struct recorder *rr = calloc(1, sizeof *rr);
    struct jbuf inputs = {0};
    if (cap == NULL || rr == NULL) {
        free(cap);
        free(rr);
        return fail("explain: out of memory");
    }
    rr->cap = cap;
    rr->prng = seed_value * 3 + (uint64_t)(k - explain_kinds); /* each session repeats on its own */
    if (scfg == NULL || ccfg == NULL || configure(scfg, ccfg, k, &cl, &sv, rec, rr) != GLS_OK) {
        free(cap);
        free(rr);
        fprintf(stderr, "glasstls explain: setup failed\n");
        gls_config_free(scfg);
        gls_config_free(ccfg);
        return 1;
    }
    if (out == NULL) {
        printf("%s== %s (client and server in this process) ==%s\n\n", c_on("\033[1m"), k->title,
               c_on("\033[0m"));
    }
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    pump(c, s, &rec->tape);
    bool done = gls_conn_handshake_done(c) && gls_conn_handshake_done(s);
    size_t same = count_agreement(&cl, &sv);
    remember(&cl, rec, same);
    gls_conn_info info;
    if (done && gls_conn_get_info(c, &info) == GLS_OK && info.sigalg != 0) {
        snprintf(rec->sigalg, sizeof rec->sigalg, "%s", gls_sigalg_name(info.sigalg));
    }
    rec->ticket_in_clear = k->version == 0x0303 && cl.got_ticket;
    if (!done) {
        fprintf(stderr, "glasstls explain: handshake failed: %s / %s\n", gls_conn_error_detail(c),
                gls_conn_error_detail(s));
    } else if (out == NULL) {
        print_agreement(same, cl.n, k->rsa_kx, rec->ticket_in_clear,
                        k->group == GLS_GROUP_X25519MLKEM768);
        print_summary(stdout, c, "skipped (in-process demo)");
        printf("\n");
    }
    if (done) {
        cl.mute = true;
        sv.mute = true;
        rec->exchanged = send_through(c, s, c, s, &rec->tape, explain_request) &&
                         send_through(s, c, c, s, &rec->tape, explain_reply);
        verify_outcomes(scfg, k, rec);
        rec->have_ticket_key =
            gls_trace_ticket_key(scfg, rec->ticket_key, &rec->rotation) == GLS_OK;
        rec->now = seeded ? SEED_CLOCK : (int64_t)time(NULL);
        if (out == NULL) {
            print_verify(rec);
            printf("\n");
        }
        memcpy(rec->draws, cap->draws, sizeof rec->draws);
        rec->n_draws = cap->n_draws;
        cap->wire[0] = rec->tape.b[0];
        cap->wire[1] = rec->tape.b[1];
        cap->wire_len[0] = rec->tape.len[0];
        cap->wire_len[1] = rec->tape.len[1];
        cap->keylog = rr->keylog;
        cap->keylog_len = rr->keylog_len;
        cap->server_key_pem = k->rsa_kx ? rec->key_pem : NULL;
        cap->server_key_len = k->rsa_kx ? rec->key_len : 0;
        cap->in_process = true;
        cap->secret = client_value;
        cap->secret_arg = &cl;
        struct gls_trace_suite suite;
        bool sha384 = gls_trace_suite_facts(k->suite, &suite) == GLS_OK && suite.sha384;
        jb_printf(&inputs, ",\"inputs\":{\"hash\":\"%s\"", sha384 ? "SHA-384" : "SHA-256");
        bool ok = explain_inputs(cap, out == NULL, &inputs);
        jb_lit(&inputs, ok ? ",\"read_back\":true}" : ",\"read_back\":false}");
        done = done && ok;
    }
    if (out != NULL) {
        const struct jbuf *parts[2] = {&json[0], &json[1]};
        session_json(out, k, c, s, rec, same, cl.n, parts, &inputs);
    }
    free(inputs.p);
    gls_wipe_tool(cap, sizeof *cap);
    gls_wipe_tool(rr, sizeof *rr);
    free(cap);
    free(rr);
    free(json[0].p);
    free(json[1].p);
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(scfg);
    gls_config_free(ccfg);
    return done && same == cl.n ? 0 : 1;
}

static void recording_free(struct recording *r)
{
    free(r->tape.b[0]);
    free(r->tape.b[1]);
    gls_trace_pem_free(r->key_pem, r->key_len);
    gls_trace_pem_free(r->cert_pem, r->cert_len);
    gls_wipe_tool(r->ticket_key, sizeof r->ticket_key);
    gls_wipe_tool(r->draws, sizeof r->draws);
}

/* Prints the JSON document: {"schema":1, "ok", "sessions", then rest's members}; or, with
 * html set, writes the page made from it there. */
static int print_json(const struct jbuf *sessions, const struct jbuf *rest, int rc,
                      const char *html)
{
    struct jbuf doc = {0};
    jb_printf(&doc, "{\"schema\":%d,\"ok\":%s,\"sessions\":", EXPLAIN_JSON_SCHEMA,
              rc == 0 ? "true" : "false");
    jb_array(&doc, sessions);
    jb_put(&doc, rest->p, rest->len);
    doc.bad |= rest->bad;
    jb_lit(&doc, "}\n");
    if (doc.bad) {
        free(doc.p);
        return fail("explain: out of memory");
    }
    if (html != NULL) {
        if (explain_html(doc.p, doc.len, html) != 0) {
            rc = fail("explain: cannot write %s", html);
        }
    } else {
        fwrite(doc.p, 1, doc.len, stdout);
    }
    free(doc.p);
    return rc;
}

static const char explain_help[] =
    "usage: glasstls explain [--tls1.2-rsa] [--tls1.2-ecdhe] [--tls1.3] [--tls1.3-hybrid]\n"
    "                        [--seed N] [--json | --html FILE] [--no-color]\n"
    "Runs TLS connections between an in-process client and server and prints every\n"
    "handshake message and every secret as it is derived, with its formula, its inputs and\n"
    "who can compute it. The session options pick connections (several may be given; none,\n"
    "or all four, is the whole run). The whole run also decrypts the recordings with the\n"
    "server's leaked key, then as a future quantum computer would (record now, decrypt\n"
    "later: X25519 falls, the X25519MLKEM768 hybrid holds), times RSA against AES-GCM, and\n"
    "answers the questions they raise.\n"
    "--seed N makes a run repeatable: a fixed (non-cryptographic) generator seeded with N,\n"
    "a fixed clock (2027-01-01), fixed demo keys and deterministic signatures, so the text\n"
    "can be checked against a second run or a book (only the timings differ).\n"
    "--json prints one JSON object instead (schema 1, docs/explain-json.md); --html FILE\n"
    "writes one self-contained page made from it (works offline, no script needed).\n";

/* see tool.h */
int cmd_explain(int argc, char **argv)
{
    /* clang-format off */
    static const struct option longopts[] = {
        {"tls1.2-rsa", no_argument, 0, 'r'},
        {"tls1.2-ecdhe", no_argument, 0, 'e'},
        {"tls1.3", no_argument, 0, '3'},
        {"tls1.3-hybrid", no_argument, 0, 'q'},
        {"no-color", no_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},
        {"seed", required_argument, 0, 's'},
        {"html", required_argument, 0, 'H'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    /* clang-format on */
    int opt;
    unsigned only = 0; /* bit i: explain_kinds[i] asked for; 0: all */
    bool json = false;
    const char *html = NULL;
    color = use_colour(1);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            only |= 1;
            break;
        case 'e':
            only |= 2;
            break;
        case '3':
            only |= 4;
            break;
        case 'q':
            only |= 8;
            break;
        case 'n':
            color = false;
            break;
        case 'j':
            json = true;
            break;
        case 'H':
            html = optarg;
            json = true; /* the page is made from the JSON document */
            break;
        case 's': {
            char *end = NULL;
            seed_value = strtoull(optarg, &end, 10);
            if (end == optarg || *end != 0) {
                return usage_error("explain", "--seed takes a number");
            }
            seeded = true;
            break;
        }
        case 'h':
            fputs(explain_help, stdout);
            return 0;
        default:
            return usage_error("explain", "unknown option");
        }
    }
    if (optind != argc) {
        return usage_error("explain", "unexpected argument '%s'", argv[optind]);
    }
    color = color && !json;
    int rc = 0;
    struct jbuf sessions = {0};
    struct jbuf rest = {0};
    struct recording recs[N_KINDS];
    memset(recs, 0, sizeof recs);
    if (only == (1u << N_KINDS) - 1) {
        only = 0; /* all named: the whole run */
    }
    for (int i = 0; i < N_KINDS; i++) {
        if (only == 0 || (only & (1u << i))) {
            rc |= run_session(&explain_kinds[i], &recs[i], json ? &sessions : NULL);
        }
    }
    if (only == 0) {
        rc |= explain_finale(recs, json ? &rest : NULL);
    }
    if (json) {
        rc = print_json(&sessions, &rest, rc, html);
    }
    free(sessions.p);
    free(rest.p);
    for (int i = 0; i < N_KINDS; i++) {
        recording_free(&recs[i]);
    }
    return rc;
}
