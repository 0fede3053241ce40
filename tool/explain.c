/* tool/explain.c — `glasstls explain`: runs TLS connections between an
 * in-process client and server and prints every handshake message and every
 * secret as it is derived, with the formula that made it and who can compute
 * it. The client's secrets are printed; the server's are checked to be equal,
 * which is the point of key agreement. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#define MAX_SECRETS 64

struct side {
    const char *who;
    bool print;
    bool mute; /* the lesson's application data exchange: no trace lines */
    struct {
        char name[64];
        uint8_t v[64];
        size_t len;
    } seen[MAX_SECRETS];
    size_t n;
};

static bool color;

static const char *c_on(const char *code)
{
    return color ? code : "";
}

static void on_event(void *arg, const char *line)
{
    struct side *s = arg;
    if (s->mute) {
        return;
    }
    printf("  %s%-6s%s %s\n", c_on("\033[36m"), s->who, c_on("\033[0m"), line);
}

static void on_secret(void *arg, const gls_secret_info *info)
{
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
    if (info->who != NULL && info->who[0]) {
        printf("           who can compute it: %s\n", info->who);
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

static int check_agreement(const struct side *cl, const struct side *sv, int rsa_kx)
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
    printf("\n  The server derived the same value for %zu of the client's %zu secrets.\n", same,
           cl->n);
    if (rsa_kx) {
        printf("  Here the pre-master secret itself crossed the wire, encrypted to the server's\n"
               "  long-term RSA key: whoever ever holds that key and a recording can recover it,\n"
               "  and every key above with it. Fresh per session, yet no forward secrecy.\n");
    } else {
        printf("  No secret crossed the wire: each side combined its own ephemeral private key\n"
               "  with the other's public share, then threw the private key away. The server's\n"
               "  long-term key only signed the handshake.\n");
    }
    return same == cl->n ? 0 : 1;
}

/* One of the connections explain runs. */
struct session_kind {
    const char *flag;
    const char *title;
    uint16_t version;
    uint16_t suite;
    int ec_cert;
    int rsa_kx;
};

static const struct session_kind kinds[] = {
    {"--tls1.2-rsa", "TLS 1.2 with RSA key exchange (no forward secrecy)", 0x0303, 0x009c, 0, 1},
    {"--tls1.2-ecdhe", "TLS 1.2 with ECDHE (X25519), RSA-signed", 0x0303, 0xc02f, 0, 0},
    {"--tls1.3", "TLS 1.3 with X25519", 0x0304, 0x1301, 1, 0},
};

/* One connection as the lesson needs it: the recording, the server's key, what was sent. */
struct recording {
    struct tape tape;
    uint8_t *key_pem; /* the server's private key: "leaked" in the lesson */
    size_t key_len;
    bool exchanged; /* the request and reply went through */
};

static const char request[] = "GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nthe vault code is 4711";

static int configure(gls_config *scfg, gls_config *ccfg, const struct session_kind *k,
                     struct side *cl, struct side *sv, struct recording *rec)
{
    static const char *const names[] = {"localhost"};
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    int err = gls_trace_generate_cert_pem(k->ec_cert, names, 1, &cert, &cert_len, &rec->key_pem,
                                          &rec->key_len);
    err = err ? err : gls_config_add_cert_pem(scfg, cert, cert_len, rec->key_pem, rec->key_len);
    gls_trace_pem_free(cert, cert_len);
    err = err ? err : gls_config_set_versions(ccfg, k->version, k->version);
    err = err ? err : gls_config_set_suites(ccfg, &k->suite, 1);
    err = err ? err : gls_config_enable_rsa_key_exchange(ccfg, k->rsa_kx);
    err = err ? err : gls_config_enable_rsa_key_exchange(scfg, k->rsa_kx);
    err = err ? err : gls_config_danger_accept_any_cert(ccfg);
    err = err ? err : gls_config_set_event_trace(ccfg, on_event, cl);
    err = err ? err : gls_config_set_event_trace(scfg, on_event, sv);
    err = err ? err : gls_config_set_secret_trace(ccfg, on_secret, cl);
    err = err ? err : gls_config_set_secret_trace(scfg, on_secret, sv);
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

static int run_session(const struct session_kind *k, struct recording *rec)
{
    struct side cl = {.who = "client", .print = true};
    struct side sv = {.who = "server", .print = false};
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    int rc = 1;
    if (scfg == NULL || ccfg == NULL || configure(scfg, ccfg, k, &cl, &sv, rec) != GLS_OK) {
        fprintf(stderr, "glasstls explain: setup failed\n");
        gls_config_free(scfg);
        gls_config_free(ccfg);
        return 1;
    }
    printf("%s== %s (client and server in this process) ==%s\n\n", c_on("\033[1m"), k->title,
           c_on("\033[0m"));
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    pump(c, s, &rec->tape);
    if (!gls_conn_handshake_done(c) || !gls_conn_handshake_done(s)) {
        fprintf(stderr, "glasstls explain: handshake failed: %s / %s\n", gls_conn_error_detail(c),
                gls_conn_error_detail(s));
    } else {
        rc = check_agreement(&cl, &sv, k->rsa_kx);
        print_summary(stdout, c, "skipped (in-process demo)");
        printf("\n");
        cl.mute = true;
        sv.mute = true;
        rec->exchanged = send_through(c, s, c, s, &rec->tape, request) &&
                         send_through(s, c, c, s, &rec->tape, reply);
    }
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(scfg);
    gls_config_free(ccfg);
    return rc;
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

static void on_step(void *arg, const gls_secret_info *info)
{
    (void)arg;
    printf("    %s%s%s = ", c_on("\033[33m"), info->name, c_on("\033[0m"));
    for (size_t i = 0; i < info->len; i++) {
        printf("%02x", info->value[i]);
    }
    printf("\n      formula: %s\n", info->formula);
}

static void on_plaintext(void *arg, int dir, size_t index, uint8_t type, const uint8_t *p, size_t n)
{
    struct recovered *r = arg;
    (void)index;
    if (type == 23 && r->len[dir] + n <= sizeof r->text[dir]) {
        memcpy(r->text[dir] + r->len[dir], p, n);
        r->len[dir] += n;
    }
}

/* Decrypts one recording with nothing but the server's private key; 0 if what happened is
 * what the lesson expects (RSA: the plaintext comes back; otherwise: it does not). */
static int lesson_one(const struct session_kind *k, const struct recording *rec)
{
    struct decrypt_material m = {rec->key_pem, rec->key_len, NULL, 0};
    struct recovered r = {0};
    struct gls_tls_facts f;
    struct gls_offline_why why = {"", ""};
    printf("  %s%s%s: %zu bytes client -> server, %zu bytes server -> client recorded.\n",
           c_on("\033[1m"), k->title, c_on("\033[0m"), rec->tape.len[0], rec->tape.len[1]);
    int err = decrypt_streams(rec->tape.b[0], rec->tape.len[0], rec->tape.b[1], rec->tape.len[1],
                              &m, on_step, NULL, on_plaintext, &r, &f, &why);
    gls_tls_facts_free(&f);
    if (err != GLS_OK) {
        printf("    cannot be decrypted: %s\n\n", why.text);
        return k->rsa_kx || strcmp(why.code, "forward_secret") != 0;
    }
    for (int d = 0; d < 2; d++) {
        printf("    recovered %s: ", d == 0 ? "client -> server" : "server -> client");
        print_quoted((const uint8_t *)r.text[d], r.len[d]);
        printf("\n");
    }
    bool same = r.len[0] == strlen(request) && memcmp(r.text[0], request, r.len[0]) == 0 &&
                r.len[1] == strlen(reply) && memcmp(r.text[1], reply, r.len[1]) == 0;
    printf("    the recovered plaintext %s what was sent.\n\n", same ? "equals" : "DIFFERS FROM");
    return !same || !k->rsa_kx;
}

static int lesson(const struct recording *recs, size_t n)
{
    int rc = 0;
    printf("%s== The forward-secrecy lesson: a recording and a leaked key ==%s\n\n",
           c_on("\033[1m"), c_on("\033[0m"));
    printf("  Each connection above was recorded byte for byte, and then the client sent\n"
           "  \"GET /secret HTTP/1.1\" and the server answered. Years later the server's\n"
           "  private key leaks. Here is what the recording and the key alone give away:\n\n");
    for (size_t i = 0; i < n; i++) {
        if (recs[i].tape.bad || !recs[i].exchanged) {
            printf("  %s: not recorded\n", kinds[i].title);
            rc = 1;
            continue;
        }
        rc |= lesson_one(&kinds[i], &recs[i]);
    }
    return rc;
}

static void recording_free(struct recording *r)
{
    free(r->tape.b[0]);
    free(r->tape.b[1]);
    gls_trace_pem_free(r->key_pem, r->key_len);
}

static const char answers[] =
    "== What the three connections show ==\n\n"
    "* The pre-master secret is the value both sides start from in TLS 1.2: with RSA key\n"
    "  exchange the client makes it up (48 bytes, starting 0303) and encrypts it to the server;\n"
    "  with (EC)DHE it is the Diffie-Hellman result. The master secret is PRF(pre-master secret,\n"
    "  ...) and the session keys are cut from PRF(master secret, \"key expansion\", randoms).\n"
    "  The 'private key' of RSA key exchange is the server's long-term certificate key.\n"
    "* That RSA pre-master secret is ephemeral (new each session) but not forward secret: it\n"
    "  travels encrypted under a key that lives for years. (EC)DHE private keys exist only for\n"
    "  one handshake, so a later theft of the server's key reveals nothing.\n"
    "* Both sides hold the same keys: compare the client's values above with the server's\n"
    "  (the agreement lines above check it). Each key has one job, fixed by its label and by\n"
    "  who writes: client_write_key encrypts client-to-server records, server_write_key the\n"
    "  other direction; TLS 1.3 adds separate handshake and application traffic secrets.\n"
    "* Bulk data uses symmetric keys because public-key operations are thousands of times\n"
    "  slower per byte and cannot encrypt long messages; the public key is used once, to agree\n"
    "  on (or authenticate the agreement of) a symmetric key.\n"
    "* TLS 1.3 removed RSA key exchange (every handshake is (EC)DHE, so forward secret), encrypts\n"
    "  the handshake after ServerHello, and replaces the PRF with the HKDF schedule of stages\n"
    "  (Early, Handshake, Master) shown above.\n";

static const char explain_help[] =
    "usage: glasstls explain [--tls1.2-rsa | --tls1.2-ecdhe | --tls1.3] [--no-color]\n"
    "Runs TLS connections between an in-process client and server and prints every\n"
    "handshake message and every secret as it is derived, with its formula.\n";

/* see tool.h */
int cmd_explain(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tls1.2-rsa", no_argument, 0, 'r'}, {"tls1.2-ecdhe", no_argument, 0, 'e'},
        {"tls1.3", no_argument, 0, '3'},     {"no-color", no_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
    };
    int opt;
    int only = -1;
    color = isatty(1);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            only = 0;
            break;
        case 'e':
            only = 1;
            break;
        case '3':
            only = 2;
            break;
        case 'n':
            color = false;
            break;
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
    int rc = 0;
    struct recording recs[3];
    memset(recs, 0, sizeof recs);
    for (int i = 0; i < 3; i++) {
        if (only < 0 || only == i) {
            rc |= run_session(&kinds[i], &recs[i]);
        }
    }
    if (only < 0) {
        rc |= lesson(recs, 3);
        fputs(answers, stdout);
    }
    for (int i = 0; i < 3; i++) {
        recording_free(&recs[i]);
    }
    return rc;
}
