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
    printf("  %s%-6s%s %s\n", c_on("\033[36m"), s->who, c_on("\033[0m"), line);
}

static void on_secret(void *arg, const gls_secret_info *info)
{
    struct side *s = arg;
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

/* Moves bytes between the two until both are quiet. */
static void pump(gls_conn *a, gls_conn *b)
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

static int configure(gls_config *scfg, gls_config *ccfg, const struct session_kind *k,
                     struct side *cl, struct side *sv)
{
    static const char *const names[] = {"localhost"};
    int err = gls_config_add_generated_cert(scfg, names, 1, k->ec_cert, NULL);
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

static int run_session(const struct session_kind *k)
{
    struct side cl = {.who = "client", .print = true};
    struct side sv = {.who = "server", .print = false};
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    int rc = 1;
    if (scfg == NULL || ccfg == NULL || configure(scfg, ccfg, k, &cl, &sv) != GLS_OK) {
        fprintf(stderr, "glasstls explain: setup failed\n");
        gls_config_free(scfg);
        gls_config_free(ccfg);
        return 1;
    }
    printf("%s== %s (client and server in this process) ==%s\n\n", c_on("\033[1m"), k->title,
           c_on("\033[0m"));
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    pump(c, s);
    if (!gls_conn_handshake_done(c) || !gls_conn_handshake_done(s)) {
        fprintf(stderr, "glasstls explain: handshake failed: %s / %s\n", gls_conn_error_detail(c),
                gls_conn_error_detail(s));
    } else {
        rc = check_agreement(&cl, &sv, k->rsa_kx);
        print_summary(stdout, c, "skipped (in-process demo)");
        printf("\n");
    }
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(scfg);
    gls_config_free(ccfg);
    return rc;
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
    for (int i = 0; i < 3; i++) {
        if (only < 0 || only == i) {
            rc |= run_session(&kinds[i]);
        }
    }
    if (only < 0) {
        fputs(answers, stdout);
    }
    return rc;
}
