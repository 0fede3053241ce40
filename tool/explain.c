/* tool/explain.c — `glasstls explain`: runs TLS connections between an
 * in-process client and server and prints every handshake message and every
 * secret as it is derived, with the formula that made it and who can compute
 * it. The client's secrets are printed; the server's are checked to be equal,
 * which is the point of key agreement. Then the forward-secrecy lesson, a timing
 * of RSA against AES-GCM, and plain answers; as text, or as one JSON object
 * (--json, docs/explain-json.md). */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/random.h>
#include <time.h>

#include "explain_html.h"
#include "explain_inputs.h"
#include "explain_keys.h"
#include "explain_pq.h"
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
};

/* Secrets whose other names were shown already (a secret's three names appear once). */
static char named[MAX_SECRETS][64];
static size_t n_named;

/* Prints "also called ..." the first time a secret with other names appears. */
static void print_other_names(const char *name)
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
    printf("           one value, three names: \"%s\" here (the RFC's label)", name);
    if (rfc != NULL) {
        printf(", %s in the RFC's text", rfc);
    }
    if (label != NULL) {
        printf(", %s in a key log", label);
    }
    printf("; below it is \"%s\"\n", name);
}

static bool color;

static const char *c_on(const char *code)
{
    return color ? code : "";
}

static void on_event(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct side *s = arg;
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
    print_other_names(info->name);
    if (info->who != NULL && info->who[0]) {
        if (s->last_who != NULL && strcmp(s->last_who, info->who) == 0) {
            printf("           who can compute it: the same as above\n");
        } else {
            printf("           who can compute it: %s\n", info->who);
        }
        s->last_who = info->who;
    }
}

/* What crossed the wire in one connection: [0] client to server, [1] back. */
struct tape {
    uint8_t *b[2];
    size_t len[2];
    size_t cap[2];
    bool bad; /* out of memory: the recording is incomplete */
};

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
        if (ticket12) {
            printf("  But this TLS 1.2 server also sent a NewSessionTicket in the clear, and the\n"
                   "  ticket carries the master secret sealed under the server's ticket key:\n"
                   "  whoever gets that key and this recording gets every key above.\n");
        }
    }
}

/* One of the connections explain runs. */
struct session_kind {
    const char *flag;
    const char *title;
    uint16_t version;
    uint16_t suite;
    int ec_cert;
    int rsa_kx;
    uint16_t group;
};

#define N_KINDS 4
static const struct session_kind kinds[N_KINDS] = {
    {"--tls1.2-rsa", "TLS 1.2 with RSA key exchange (no forward secrecy)", 0x0303, 0x009c, 0, 1,
     GLS_GROUP_X25519},
    {"--tls1.2-ecdhe", "TLS 1.2 with ECDHE (X25519), RSA-signed", 0x0303, 0xc02f, 0, 0,
     GLS_GROUP_X25519},
    {"--tls1.3", "TLS 1.3 with X25519", 0x0304, 0x1301, 1, 0, GLS_GROUP_X25519},
    {"--tls1.3-hybrid", "TLS 1.3 with X25519MLKEM768 (post-quantum hybrid)", 0x0304, 0x1301, 1, 0,
     GLS_GROUP_X25519MLKEM768},
};

/* One connection as the lesson needs it: the recording, the server's key, what was sent. */
struct recording {
    struct tape tape;
    uint8_t *key_pem; /* the server's private key: "leaked" in the lesson */
    size_t key_len;
    uint8_t *cert_pem; /* its self-signed certificate */
    size_t cert_len;
    char verify[2][200];    /* what verification would have said: [0] system trust store, [1] this
                               certificate as the trust anchor */
    uint8_t ticket_key[32]; /* the server's ticket master key: "leaked" in the second scenario */
    int64_t rotation;
    int64_t now;
    bool have_ticket_key;
    bool exchanged;                       /* the request and reply went through */
    uint8_t draws[EXPLAIN_MAX_DRAWS][32]; /* both sides' 32-byte random draws: the X25519
                                             private keys the quantum lesson hands over */
    size_t n_draws;
    /* for the answers: the start of a few client secrets (hex), and the agreement count */
    char pms[17];
    char master[17];
    char cwk[17];
    size_t same;
    size_t total;
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
    if (len == 32 && r->cap->n_draws < EXPLAIN_MAX_DRAWS) {
        memcpy(r->cap->draws[r->cap->n_draws++], out, 32);
    }
    if (len == 64) { /* the client's ML-KEM key seeds d || z */
        memcpy(r->cap->kem_seeds, out, 64);
        r->cap->have_kem_seeds = true;
    }
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

static const char request[] = "GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nthe vault code is 4711";

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
    } else {
        char why[512];
        snprintf(why, sizeof why, "client: %s; server: %s", gls_conn_error_detail(c),
                 gls_conn_error_detail(s));
        jb_text(out, why);
        jb_lit(out, ",\"version\":null,\"suite\":null,\"key_exchange\":null,\"group\":null,"
                    "\"forward_secret\":null");
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
    rr->prng = seed_value * 3 + (uint64_t)(k - kinds); /* each session repeats on its own */
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
    if (!done) {
        fprintf(stderr, "glasstls explain: handshake failed: %s / %s\n", gls_conn_error_detail(c),
                gls_conn_error_detail(s));
    } else if (out == NULL) {
        print_agreement(same, cl.n, k->rsa_kx, k->version == 0x0303,
                        k->group == GLS_GROUP_X25519MLKEM768);
        print_summary(stdout, c, "skipped (in-process demo)");
        printf("\n");
    }
    if (done) {
        cl.mute = true;
        sv.mute = true;
        rec->exchanged = send_through(c, s, c, s, &rec->tape, request) &&
                         send_through(s, c, c, s, &rec->tape, reply);
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
        cap->secret = client_value;
        cap->secret_arg = &cl;
        jb_lit(&inputs, ",\"inputs\":{\"hash\":\"SHA-256\"");
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

/* ---- the forward-secrecy lesson: decrypt the recordings with the leaked key ---- */

struct recovered {
    char text[2][512]; /* application data per direction */
    size_t len[2];
};

static void print_quoted(const uint8_t *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r') {
            fputs("\\r", stdout);
        } else if (p[i] == '\n') {
            fputs("\\n", stdout);
        } else if (p[i] >= 0x20 && p[i] < 0x7f) {
            putchar(p[i]);
        } else {
            printf("\\x%02x", p[i]);
        }
    }
    putchar('"');
}

/* Each value the offline decryption derives: printed, or (arg: a jbuf) kept for --json. */
static void on_step(void *arg, const gls_secret_info *info)
{
    struct jbuf *steps = arg;
    if (steps != NULL) {
        jb_item(steps);
        jb_lit(steps, "{\"name\":");
        jb_text(steps, info->name);
        jb_lit(steps, ",\"value_hex\":");
        jb_hex(steps, info->value, info->len);
        jb_lit(steps, ",\"formula\":");
        jb_text(steps, info->formula);
        jb_lit(steps, "}");
        return;
    }
    printf("    %s%s%s = ", c_on("\033[33m"), info->name, c_on("\033[0m"));
    for (size_t i = 0; i < info->len; i++) {
        printf("%02x", info->value[i]);
    }
    printf("\n      formula: %s\n", info->formula);
}

static void on_plaintext(void *arg, int dir, const struct gls_offline_opened *o)
{
    struct recovered *r = arg;
    if (o->type == 23 && r->len[dir] + o->n <= sizeof r->text[dir]) {
        memcpy(r->text[dir] + r->len[dir], o->p, o->n);
        r->len[dir] += o->n;
    }
}

/* What one recording gave away (why is NULL if it was decrypted). */
struct outcome {
    const struct gls_offline_why *why;
    const struct recovered *r;
    bool same; /* the plaintext recovered equals what was sent */
};

static void lesson_print(const struct outcome *o)
{
    if (o->why != NULL) {
        printf("    cannot be decrypted: %s\n\n", o->why->text);
        return;
    }
    for (int d = 0; d < 2; d++) {
        printf("    recovered %s: ", d == 0 ? "client -> server" : "server -> client");
        print_quoted((const uint8_t *)o->r->text[d], o->r->len[d]);
        printf("\n");
    }
    printf("    the recovered plaintext %s what was sent.\n\n",
           o->same ? "equals" : "DIFFERS FROM");
}

/* --json: one element of "lesson"."sessions". */
static void lesson_json(struct jbuf *out, const struct session_kind *k, const struct tape *t,
                        const struct outcome *o, const struct jbuf *steps)
{
    jb_item(out);
    jb_lit(out, "{\"title\":");
    jb_text(out, k->title);
    jb_lit(out, ",\"flag\":");
    jb_text(out, k->flag);
    jb_printf(out, ",\"recorded\":{\"client_to_server\":%zu,\"server_to_client\":%zu}", t->len[0],
              t->len[1]);
    jb_printf(out, ",\"decrypted\":%s", o->why == NULL ? "true" : "false");
    if (o->why != NULL) {
        jb_lit(out, ",\"reason_code\":");
        jb_text(out, o->why->code);
        jb_lit(out, ",\"reason\":");
        jb_text(out, o->why->text);
    }
    jb_lit(out, ",\"steps\":");
    jb_array(out, steps);
    if (o->why == NULL) {
        jb_lit(out, ",\"plaintext\":{\"client_to_server\":");
        jb_str(out, (const uint8_t *)o->r->text[0], o->r->len[0], true);
        jb_lit(out, ",\"server_to_client\":");
        jb_str(out, (const uint8_t *)o->r->text[1], o->r->len[1], true);
        jb_printf(out, "},\"matches_sent\":%s", o->same ? "true" : "false");
    }
    jb_lit(out, "}");
}

/* Decrypts one recording with nothing but the server's private key; 0 if what happened is
 * what the lesson expects (RSA: the plaintext comes back; otherwise: it does not). Prints,
 * or (out not NULL) appends to the JSON lesson's "sessions". */
static int lesson_one(const struct session_kind *k, const struct recording *rec, struct jbuf *out,
                      bool ticket)
{
    struct decrypt_material m = {.key_pem = rec->key_pem, .key_len = rec->key_len};
    if (ticket) { /* the ticket key alone */
        m = (struct decrypt_material){
            .ticket_key = rec->ticket_key, .ticket_rotation = rec->rotation, .now = rec->now};
    }
    struct recovered r = {0};
    struct gls_tls_facts f;
    struct gls_offline_why why = {"", ""};
    struct jbuf steps = {0};
    if (out == NULL) {
        printf("  %s%s%s: %zu bytes client -> server, %zu bytes server -> client recorded.\n",
               c_on("\033[1m"), k->title, c_on("\033[0m"), rec->tape.len[0], rec->tape.len[1]);
    }
    int err = decrypt_streams(rec->tape.b[0], rec->tape.len[0], rec->tape.b[1], rec->tape.len[1],
                              &m, on_step, out != NULL ? &steps : NULL, on_plaintext, &r, &f, &why);
    gls_tls_facts_free(&f);
    struct outcome o = {err != GLS_OK ? &why : NULL, &r, false};
    o.same = err == GLS_OK && r.len[0] == strlen(request) &&
             memcmp(r.text[0], request, r.len[0]) == 0 && r.len[1] == strlen(reply) &&
             memcmp(r.text[1], reply, r.len[1]) == 0;
    if (out != NULL) {
        lesson_json(out, k, &rec->tape, &o, &steps);
    } else {
        lesson_print(&o);
    }
    free(steps.p);
    bool expect_open = ticket ? k->version == 0x0303 : k->rsa_kx;
    if (err != GLS_OK) {
        return expect_open || strcmp(why.code, ticket ? "ticket_encrypted" : "forward_secret") != 0;
    }
    return !o.same || !expect_open;
}

static void print_bullet(const char *text);

/* The second scenario: the server's ticket key leaks instead. */
static int ticket_lesson(const struct recording *recs, size_t n, struct jbuf *out)
{
    static const char rotation[] =
        "What rotation buys: glasstls seals each ticket under a key derived from its ticket "
        "master for one 12-hour epoch (and still accepts the previous epoch's), so a leaked "
        "epoch key opens only the TLS 1.2 recordings whose tickets were sealed in those hours. "
        "The master itself, which this demo leaked, opens every epoch until it is replaced: "
        "keep it in memory only, replace it regularly, and once the old keys are erased the "
        "TLS 1.2 recordings they covered are safe again. TLS 1.3 does not depend on it.";
    struct jbuf items = {0};
    int rc = 0;
    if (out == NULL) {
        printf("%s== The same recordings, and a leaked ticket key ==%s\n\n", c_on("\033[1m"),
               c_on("\033[0m"));
        printf(
            "  This time the server's certificate key stays safe, but its session-ticket key\n"
            "  leaks. A TLS 1.2 server sends its NewSessionTicket in the clear, and the ticket\n"
            "  is the master secret sealed under that key; TLS 1.3 sends tickets encrypted.\n\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (!recs[i].tape.bad && recs[i].exchanged && recs[i].have_ticket_key) {
            rc |= lesson_one(&kinds[i], &recs[i], out != NULL ? &items : NULL, true);
        } else {
            rc = 1;
        }
    }
    if (out == NULL) {
        print_bullet(rotation);
        printf("\n");
    } else {
        jb_lit(out, ",\"ticket_key_sessions\":");
        jb_array(out, &items);
        jb_lit(out, ",\"ticket_rotation\":");
        jb_text(out, rotation);
    }
    free(items.p);
    return rc;
}

/* The lesson over all three recordings: printed, or (out not NULL) as the JSON "lesson". */
static int lesson(const struct recording *recs, size_t n, struct jbuf *out)
{
    struct jbuf items = {0};
    int rc = 0;
    if (out == NULL) {
        printf("%s== The forward-secrecy lesson: a recording and a leaked key ==%s\n\n",
               c_on("\033[1m"), c_on("\033[0m"));
        printf("  Each connection above was recorded byte for byte, and then the client sent\n"
               "  \"GET /secret HTTP/1.1\" and the server answered. Years later the server's\n"
               "  private key leaks. Here is what the recording and the key alone give away:\n\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (!recs[i].tape.bad && recs[i].exchanged) {
            rc |= lesson_one(&kinds[i], &recs[i], out != NULL ? &items : NULL, false);
            continue;
        }
        rc = 1;
        if (out == NULL) {
            printf("  %s: not recorded\n", kinds[i].title);
            continue;
        }
        jb_item(&items);
        jb_lit(&items, "{\"title\":");
        jb_text(&items, kinds[i].title);
        jb_lit(&items, ",\"flag\":");
        jb_text(&items, kinds[i].flag);
        jb_lit(&items, ",\"decrypted\":false,\"reason_code\":\"not_recorded\","
                       "\"reason\":\"the connection was not recorded\",\"steps\":[]}");
    }
    if (out != NULL) {
        jb_lit(out, ",\"lesson\":{\"sessions\":");
        jb_array(out, &items);
    }
    rc |= ticket_lesson(recs, n, out);
    if (out != NULL) {
        jb_lit(out, "}");
    }
    free(items.p);
    return rc;
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

/* ---- why bulk data uses symmetric keys: RSA against AES-GCM, timed here and now ---- */

#define MEGABYTE 1000000.0

/* What the section and the answer quote, from one gls_trace_measure. */
struct speed_view {
    double rsa_us;         /* one RSA private-key operation */
    double aes_mb_per_s;   /* AES-128-GCM, MB (10^6 bytes) per second */
    double kb_per_rsa_op;  /* AES-128-GCM kilobytes (10^3) in the time of one RSA operation */
    size_t rsa_max;        /* most bytes one PKCS#1 v1.5 encryption carries: k - 11 */
    size_t ops_per_mb;     /* RSA operations a megabyte would take */
    double mb_rsa_seconds; /* ... and their time */
    double mb_aes_seconds; /* a megabyte under AES-128-GCM */
};

static void speed_derive(const struct gls_speed *sp, struct speed_view *v)
{
    v->rsa_us = sp->rsa_op_seconds * 1e6;
    v->aes_mb_per_s = sp->aead_bytes_per_second / MEGABYTE;
    v->kb_per_rsa_op = sp->rsa_op_seconds * sp->aead_bytes_per_second / 1000.0;
    v->rsa_max = sp->rsa_bits / 8 - 11; /* RFC 8017 §7.2.1 */
    v->ops_per_mb = ((size_t)MEGABYTE + v->rsa_max - 1) / v->rsa_max;
    v->mb_rsa_seconds = (double)v->ops_per_mb * sp->rsa_op_seconds;
    v->mb_aes_seconds = MEGABYTE / sp->aead_bytes_per_second;
}

static void speed_print(const struct gls_speed *sp, const struct speed_view *v)
{
    printf("%s== Why bulk data uses symmetric keys ==%s\n\n", c_on("\033[1m"), c_on("\033[0m"));
    printf("  Timed on this machine just now (MB = 10^6 bytes, KB = 10^3):\n");
    printf("  one RSA-%zu private-key operation (the server's decryption of a pre-master secret)\n"
           "  takes %.0f µs (%u timed);\n",
           sp->rsa_bits, v->rsa_us, sp->rsa_ops);
    printf("  AES-128-GCM encrypts %.0f MB/s (16 KiB records, %.0f MB timed): in the time of one\n"
           "  RSA operation it encrypts %.0f KB.\n",
           v->aes_mb_per_s, (double)sp->aead_bytes / MEGABYTE, v->kb_per_rsa_op);
    printf("  RSA-%zu with PKCS#1 v1.5 encrypts at most %zu bytes per operation, so a 1 MB\n"
           "  download under RSA alone would need %zu private-key operations: %.2f s of work,\n"
           "  against %.3f ms with AES-128-GCM, %.0f times longer.\n\n",
           sp->rsa_bits, v->rsa_max, v->ops_per_mb, v->mb_rsa_seconds, v->mb_aes_seconds * 1e3,
           v->mb_rsa_seconds / v->mb_aes_seconds);
}

static void speed_json(struct jbuf *out, const struct gls_speed *sp, const struct speed_view *v)
{
    jb_printf(out,
              ",\"speed\":{\"rsa_bits\":%zu,\"rsa_private_ops_timed\":%u,"
              "\"rsa_private_op_us\":%.3f,",
              sp->rsa_bits, sp->rsa_ops, v->rsa_us);
    jb_printf(out, "\"aes_128_gcm_bytes_timed\":%zu,\"aes_128_gcm_bytes_per_second\":%.0f,",
              sp->aead_bytes, sp->aead_bytes_per_second);
    jb_printf(out, "\"aes_128_gcm_kb_per_rsa_op\":%.3f,\"rsa_max_bytes_per_op\":%zu,",
              v->kb_per_rsa_op, v->rsa_max);
    jb_printf(out, "\"rsa_ops_per_mb\":%zu,\"mb_rsa_seconds\":%.6f,\"mb_aes_seconds\":%.9f}",
              v->ops_per_mb, v->mb_rsa_seconds, v->mb_aes_seconds);
}

/* Times RSA (the RSA session's leaked key) against AES-128-GCM; false if it failed. */
static bool measure(const struct recording *rsa, struct gls_speed *sp, struct speed_view *v,
                    struct jbuf *out)
{
    int err = rsa->key_pem != NULL ? gls_trace_measure(rsa->key_pem, rsa->key_len, sp)
                                   : GLS_E_INVALID_ARGUMENT;
    bool ok = err == GLS_OK && sp->rsa_op_seconds > 0 && sp->aead_bytes_per_second > 0;
    if (!ok) {
        fprintf(stderr, "glasstls explain: the speed measurement failed: %s\n",
                gls_error_message(err));
        if (out != NULL) {
            jb_lit(out, ",\"speed\":null");
        }
        return false;
    }
    speed_derive(sp, v);
    if (out != NULL) {
        speed_json(out, sp, v);
    } else {
        speed_print(sp, v);
    }
    return true;
}

/* ---- plain answers ---- */

struct answer {
    const char *question;
    const char *answer; /* NULL: made with this run's values (see tied_answer) */
};

static const struct answer answers[] = {
    {"What are the pre-master secret, the master secret and the session keys, and which private "
     "key is meant?",
     NULL},
    {"Is the RSA pre-master secret ephemeral, and is it forward secret?",
     "That RSA pre-master secret is ephemeral (new each session) but not forward secret: it "
     "travels encrypted under a key that lives for years, which is why the lesson above could "
     "open the first connection's recording with the leaked key. (EC)DHE private keys exist "
     "only for one handshake, so the same key could not open the second and third."},
    {"Do both sides hold the same keys, and what is each key for?", NULL},
    {"Why does bulk data use symmetric keys?", NULL},
    {"What did TLS 1.3 change?",
     "TLS 1.3 removed RSA key exchange: every full handshake is (EC)DHE, and so is a resumption "
     "in psk_dhe_ke mode (the only one glasstls and browsers use); the other mode, psk_ke, "
     "resumes with the PSK alone and is not forward secret with respect to the ticket key. It "
     "encrypts the handshake after ServerHello, sends its session tickets encrypted, and "
     "replaces the PRF with the HKDF schedule of stages (Early, Handshake, Master) shown above."},
    {"How does the client know it is talking to the real server?",
     "Key exchange alone only proves the client shares keys with *someone*; authentication ties "
     "that someone to the name. The Certificate binds the server's name to a public key, and a "
     "certificate authority the client trusts signed that binding (here nobody did: the "
     "certificate is self-signed, which is why the demo skipped verification; see 'Had it "
     "checked' above). In TLS 1.2 ECDHE/DHE the ServerKeyExchange carries a signature with that "
     "key over client_random + server_random + the ephemeral public key: the randoms make it "
     "valid for this handshake only (no replay), and signing the key stops anyone on the path "
     "from swapping in their own. In TLS 1.3 CertificateVerify signs the hash of the whole "
     "transcript so far, which covers the key shares and everything negotiated. Finished then "
     "proves each side derived the same keys from that transcript, so nothing was changed on "
     "the way. With RSA key exchange nothing is signed at all: the server's Finished is its "
     "only proof that it holds the private key, because only that key could decrypt the "
     "pre-master secret the Finished is computed from."},
    {"What do PRF, HKDF, labels, 'ephemeral', key agreement and key transport mean?",
     "The TLS 1.2 PRF stretches a secret and a seed into as many pseudo-random bytes as needed "
     "by chaining HMAC (P_SHA256); HKDF does the same job in TLS 1.3 in two steps: Extract "
     "concentrates a secret's randomness into one key, Expand turns a key into several outputs. "
     "A label (\"master secret\", \"key expansion\", \"c hs traffic\") is an ASCII string "
     "mixed into each derivation so that every output has one purpose and no two can collide. "
     "Ephemeral, the E of DHE and ECDHE, means a key pair made for one handshake and thrown "
     "away: that is what gives forward secrecy. Fresh per session is weaker: the RSA "
     "pre-master secret is new each time but travels under a long-lived key. In key agreement "
     "(DH, ECDH) both sides contribute and the secret never travels; in key transport (RSA) "
     "one side picks the secret and sends it encrypted. The server's own key pair cannot protect "
     "the server-to-client direction by itself: anyone can encrypt to a public key, but what the "
     "server encrypts with its private key anyone can open with the public one, so the two "
     "sides first need a shared secret, and symmetric keys for both directions come from it."},
};

static void symmetric_answer(char *out, size_t cap, const struct gls_speed *sp,
                             const struct speed_view *v)
{
    static const char use[] = "The public key is used once, to agree on (or authenticate the "
                              "agreement of) a symmetric key.";
    if (v == NULL) {
        snprintf(out, cap,
                 "Bulk data uses symmetric keys because public-key operations are thousands of "
                 "times slower per byte and cannot encrypt long messages. %s",
                 use);
        return;
    }
    snprintf(out, cap,
             "Bulk data uses symmetric keys because public-key operations are far slower and "
             "cannot encrypt long messages: on this machine one RSA-%zu private-key operation "
             "took %.0f µs, time in which AES-128-GCM encrypts %.0f KB. RSA-%zu fits at most "
             "%zu bytes in one operation, so a 1 MB download would need %zu of them, %.2f s of "
             "work against %.3f ms with AES-128-GCM. %s",
             sp->rsa_bits, v->rsa_us, v->kb_per_rsa_op, sp->rsa_bits, v->rsa_max, v->ops_per_mb,
             v->mb_rsa_seconds, v->mb_aes_seconds * 1e3, use);
}

/* "* " and the text, wrapped at 92 columns with a two-space indent. */
static void print_bullet(const char *text)
{
    size_t col = 2;
    fputs("* ", stdout);
    for (const char *p = text; *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (col > 2 && col + 1 + n > 92) {
            fputs("\n  ", stdout);
            col = 2;
        } else if (col > 2) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, n, stdout);
        col += n;
        p += n;
        p += strspn(p, " ");
    }
    putchar('\n');
}

/* The answers that quote this run's values (question i of answers[]). */
static void tied_answer(size_t i, const struct recording *recs, char *out, size_t cap)
{
    const struct recording *rsa = &recs[0];
    if (i == 0) {
        snprintf(out, cap,
                 "The pre-master secret is the value both sides start from in TLS 1.2. With RSA "
                 "key exchange the client makes it up and encrypts it to the server: in the "
                 "first connection it began %s (0303 is the client's version). With (EC)DHE it "
                 "is the Diffie-Hellman result instead. The master secret is PRF(pre-master "
                 "secret, ...) (here %s...), and the session keys are cut from PRF(master "
                 "secret, \"key expansion\", randoms) (client_write_key %s...). The 'private "
                 "key' of RSA key exchange is the server's long-term certificate key: the one "
                 "the lesson above leaked.",
                 rsa->pms, rsa->master, rsa->cwk);
    } else {
        snprintf(out, cap,
                 "Yes: the server derived the same value for %zu of the client's %zu secrets in "
                 "the first connection, %zu of %zu in the second and %zu of %zu in the third. No "
                 "key crossed the wire: what travels is the RSA pre-master secret (encrypted to "
                 "the server's key, in the first connection only) and each side's Finished "
                 "verify_data (encrypted), which proves the keys are shared without revealing "
                 "them. Each key has one job, fixed by its label and by who writes: "
                 "client_write_key encrypts client-to-server records, server_write_key the other "
                 "direction; TLS 1.3 adds separate handshake and application traffic secrets.",
                 recs[0].same, recs[0].total, recs[1].same, recs[1].total, recs[2].same,
                 recs[2].total);
    }
}

/* The answers, printed or (out not NULL) as the JSON "answers"; v NULL if nothing was timed. */
static void print_answers(const struct recording *recs, const struct gls_speed *sp,
                          const struct speed_view *v, struct jbuf *out)
{
    char sym[768];
    char tied[2][768];
    symmetric_answer(sym, sizeof sym, sp, v);
    tied_answer(0, recs, tied[0], sizeof tied[0]);
    tied_answer(1, recs, tied[1], sizeof tied[1]);
    if (out == NULL) {
        printf("%s== What the three connections show ==%s\n\n", c_on("\033[1m"), c_on("\033[0m"));
    } else {
        jb_lit(out, ",\"answers\":[");
    }
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        const char *a = answers[i].answer != NULL ? answers[i].answer
                        : i == 0                  ? tied[0]
                        : i == 2                  ? tied[1]
                                                  : sym;
        if (out == NULL) {
            print_bullet(a);
            continue;
        }
        jb_lit(out, i > 0 ? ",{\"question\":" : "{\"question\":");
        jb_text(out, answers[i].question);
        jb_lit(out, ",\"answer\":");
        jb_text(out, a);
        jb_lit(out, "}");
    }
    if (out != NULL) {
        jb_lit(out, "]");
    }
}

/* The TLS 1.3 recordings (X25519, then the hybrid) for "record now, decrypt later". */
static int quantum_lesson(const struct recording *recs, struct jbuf *out)
{
    struct pq_recording pq[2];
    for (int i = 0; i < 2; i++) {
        const struct recording *r = &recs[2 + i];
        pq[i] = (struct pq_recording){kinds[2 + i].title,
                                      kinds[2 + i].flag,
                                      kinds[2 + i].group,
                                      {r->tape.b[0], r->tape.b[1]},
                                      {r->tape.len[0], r->tape.len[1]},
                                      (const uint8_t(*)[32])r->draws,
                                      r->n_draws,
                                      !r->tape.bad && r->exchanged};
    }
    return explain_pq_lesson(pq, 2, request, reply, color, out);
}

/* After the connections: the lessons, the timing and the answers. */
static int finale(const struct recording *recs, struct jbuf *out)
{
    struct gls_speed sp;
    struct speed_view v;
    int rc = lesson(recs, 3, out);
    rc |= quantum_lesson(recs, out);
    bool timed = measure(&recs[0], &sp, &v, out);
    print_answers(recs, &sp, timed ? &v : NULL, out);
    return rc | !timed;
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
    unsigned only = 0; /* bit i: kinds[i] asked for; 0: all */
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
            rc |= run_session(&kinds[i], &recs[i], json ? &sessions : NULL);
        }
    }
    if (only == 0) {
        rc |= finale(recs, json ? &rest : NULL);
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
