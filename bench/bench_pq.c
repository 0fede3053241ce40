/* bench/bench_pq.c — what the post-quantum hybrid costs: TLS 1.3 full handshakes with
 * X25519MLKEM768 against X25519 alone (both with an ECDSA P-256 certificate the client
 * verifies), glasstls client and server in one process, interleaved rounds, process CPU time;
 * the ratio is the median of per-round ratios. And the bytes on the wire for both: the
 * ClientHello and ServerHello records and each direction's whole handshake. glasstls only:
 * the OpenSSL 3.0 and GnuTLS this compares against elsewhere have no ML-KEM.
 *   bench_pq [handshakes-per-sample [rounds]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "glasstls/gls.h"

#define MAX_ROUNDS 32

/* What crossed the wire in one handshake (record headers included). */
struct wire {
    size_t client_hello; /* the client's first flight: its ClientHello record */
    size_t server_hello; /* the server's first record: its ServerHello */
    size_t c2s;          /* everything each side sent until both were quiet */
    size_t s2c;          /* (the server's NewSessionTicket included) */
};

static gls_config *config(uint16_t group, bool server)
{
    static const uint16_t suite = 0x1301;
    const struct bench_cert *bc = bench_cert_get(BENCH_EC);
    gls_config *cfg = gls_config_new();
    if (cfg == NULL || gls_config_set_versions(cfg, 0x0304, 0x0304) != GLS_OK ||
        gls_config_set_suites(cfg, &suite, 1) != GLS_OK ||
        gls_config_set_groups(cfg, &group, 1) != GLS_OK) {
        bench_die("glasstls config");
    }
    int err = server ? gls_config_add_cert_pem(cfg, (const uint8_t *)bc->cert_pem, bc->cert_len,
                                               (const uint8_t *)bc->key_pem, bc->key_len)
                     : gls_config_set_ca(cfg, bc->ca_path, NULL);
    if (err != GLS_OK) {
        bench_die("glasstls certificate or trust");
    }
    return cfg;
}

/* Moves everything from one side to the other; the bytes moved. */
static size_t move(gls_conn *from, gls_conn *to, size_t *first_record)
{
    size_t moved = 0;
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    if (len >= 5 && first_record != NULL && *first_record == 0) {
        *first_record = 5 + ((size_t)out[3] << 8 | out[4]);
    }
    while (len > 0) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t n = len < room ? len : room;
        if (n == 0) {
            break;
        }
        memcpy(in, out, n);
        gls_conn_net_out_done(from, n);
        moved += n;
        if (gls_conn_net_in_done(to, n) != GLS_OK) {
            break;
        }
        out = gls_conn_net_out(from, &len);
    }
    return moved;
}

/* One full handshake between fresh connections; false if it failed. */
static bool handshake(gls_config *ccfg, gls_config *scfg, struct wire *w)
{
    gls_conn *c = gls_client_new(ccfg, BENCH_HOST);
    gls_conn *s = gls_server_new(scfg);
    struct wire local = {0};
    for (int round = 0; c != NULL && s != NULL && round < 100; round++) {
        size_t a = move(c, s, &local.client_hello);
        size_t b = move(s, c, &local.server_hello);
        local.c2s += a;
        local.s2c += b;
        if (a + b == 0) {
            break;
        }
    }
    bool ok = c != NULL && s != NULL && gls_conn_handshake_done(c) && gls_conn_handshake_done(s);
    if (w != NULL) {
        *w = local;
    }
    gls_conn_free(c);
    gls_conn_free(s);
    return ok;
}

static double rate(gls_config *ccfg, gls_config *scfg, long n)
{
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        if (!handshake(ccfg, scfg, NULL)) {
            bench_die("a handshake failed");
        }
    }
    return (double)n / (bench_cpu_seconds() - t0);
}

int main(int argc, char **argv)
{
    static const uint16_t groups[2] = {GLS_GROUP_X25519, GLS_GROUP_X25519MLKEM768};
    long n = bench_arg(argc, argv, 1, 100);
    long rounds = bench_arg(argc, argv, 2, 7);
    rounds = rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
    gls_config *cfg[2][2]; /* [group][client, server] */
    struct wire w[2];
    double r[2][MAX_ROUNDS];
    double ratio[MAX_ROUNDS];
    for (int g = 0; g < 2; g++) {
        cfg[g][0] = config(groups[g], false);
        cfg[g][1] = config(groups[g], true);
        if (!handshake(cfg[g][0], cfg[g][1], &w[g])) {
            bench_die("the first handshake failed");
        }
    }
    for (long k = 0; k < rounds; k++) { /* interleaved; the order alternates */
        for (int i = 0; i < 2; i++) {
            int g = (int)((i + k) % 2);
            r[g][k] = rate(cfg[g][0], cfg[g][1], n);
        }
        ratio[k] = r[1][k] / r[0][k];
    }
    static const char *const cols[] = {"TLS 1.3 + ECDSA P-256, full handshake",
                                       "handshakes/s, client+server (median)",
                                       "relative to X25519 (median of per-round ratios)",
                                       "ClientHello record, bytes",
                                       "ServerHello record, bytes",
                                       "client -> server, bytes",
                                       "server -> client, bytes"};
    char title[240];
    snprintf(title, sizeof title,
             "### Post-quantum hybrid key exchange, glasstls only (this OpenSSL and GnuTLS have "
             "no ML-KEM): %ld per sample, %ld interleaved rounds, process CPU time",
             n, rounds);
    bench_table_head(title, cols, 7);
    double rel = bench_median(ratio, (size_t)rounds);
    for (int g = 0; g < 2; g++) {
        printf("| %s | %.0f | %.2f | %zu | %zu | %zu | %zu |\n", gls_group_name(groups[g]),
               bench_median(r[g], (size_t)rounds), g == 0 ? 1.0 : rel, w[g].client_hello,
               w[g].server_hello, w[g].c2s, w[g].s2c);
    }
    printf("\nBytes are whole records, headers included; each direction runs until both sides "
           "are quiet (the server's NewSessionTicket included).\n");
    char val[128];
    snprintf(val, sizeof val, "%.2fx the X25519 rate; +%zu bytes client -> server, +%zu back", rel,
             w[1].c2s - w[0].c2s, w[1].s2c - w[0].s2c);
    bench_summary("TLS 1.3 X25519MLKEM768 full handshake (no target)", "-", val, "-");
    for (int g = 0; g < 2; g++) {
        gls_config_free(cfg[g][0]);
        gls_config_free(cfg[g][1]);
    }
    bench_certs_free();
    return 0;
}
