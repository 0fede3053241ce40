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

static int check_agreement(const struct side *cl, const struct side *sv)
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
    printf("\n  The server derived the same value for %zu of the client's %zu secrets: nothing\n"
           "  secret crossed the wire, yet both ends hold the same keys.\n",
           same, cl->n);
    return same == cl->n ? 0 : 1;
}

static int run_tls13(void)
{
    static const char *const names[] = {"localhost"};
    struct side cl = {.who = "client", .print = true};
    struct side sv = {.who = "server", .print = false};
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    int rc = 1;
    if (scfg == NULL || ccfg == NULL ||
        gls_config_add_generated_cert(scfg, names, 1, 1, NULL) != GLS_OK ||
        gls_config_set_versions(ccfg, 0x0304, 0x0304) != GLS_OK ||
        gls_config_danger_accept_any_cert(ccfg) != GLS_OK ||
        gls_config_set_event_trace(ccfg, on_event, &cl) != GLS_OK ||
        gls_config_set_event_trace(scfg, on_event, &sv) != GLS_OK ||
        gls_config_set_secret_trace(ccfg, on_secret, &cl) != GLS_OK ||
        gls_config_set_secret_trace(scfg, on_secret, &sv) != GLS_OK) {
        fprintf(stderr, "glasstls explain: setup failed\n");
        goto out;
    }
    printf("%s== TLS 1.3 with X25519 (client and server in this process) ==%s\n\n", c_on("\033[1m"),
           c_on("\033[0m"));
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    pump(c, s);
    if (!gls_conn_handshake_done(c) || !gls_conn_handshake_done(s)) {
        fprintf(stderr, "glasstls explain: handshake failed: %s / %s\n", gls_conn_error_detail(c),
                gls_conn_error_detail(s));
    } else {
        rc = check_agreement(&cl, &sv);
        print_summary(stdout, c, "skipped (in-process demo)");
    }
    gls_conn_free(c);
    gls_conn_free(s);
out:
    gls_config_free(scfg);
    gls_config_free(ccfg);
    return rc;
}

static const char explain_help[] =
    "usage: glasstls explain [--tls1.3] [--no-color]\n"
    "Runs TLS connections between an in-process client and server and prints every\n"
    "handshake message and every secret as it is derived, with its formula.\n";

/* see tool.h */
int cmd_explain(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tls1.3", no_argument, 0, '3'},
        {"no-color", no_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int opt;
    color = isatty(1);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case '3':
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
    return run_tls13();
}
