/* bench/bench_util.h — what the three benchmarks share: a CPU-time clock and
 * best/median of repeated samples, one ECDSA P-256 certificate made with
 * libcrypto and fed as PEM to both libraries, TLS 1.3 endpoints of glasstls
 * and of OpenSSL's libssl configured alike (one suite, X25519 only, the client
 * verifies the chain and the host name), and an in-memory pump for each.
 * Benchmarks only: libssl is the yardstick here and never reaches the library. */
#ifndef GLS_BENCH_UTIL_H
#define GLS_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "glasstls/gls.h"

#define BENCH_HOST "localhost"

/* Seconds of CPU time used by this process: other work on a shared machine
 * does not count against us, preemption aside. */
double bench_cpu_seconds(void);

/* Sorts v[0..n) and returns the largest value (best rate) and the median. */
struct bench_stats {
    double best;
    double median;
};
struct bench_stats bench_stats_of(double *v, size_t n);

/* A positive integer from argv[i], or def when absent. */
long bench_arg(int argc, char **argv, int i, long def);

/* Prints why and exits: a benchmark that failed to set up measures nothing. */
void bench_die(const char *what);

/* A self-signed ECDSA P-256 certificate for BENCH_HOST, the same bytes for
 * both libraries; ca_path names a temporary file holding it (the client's
 * trust anchor), removed by bench_cert_free. */
struct bench_cert {
    EVP_PKEY *key;
    X509 *x509;
    char *cert_pem;
    size_t cert_len;
    char *key_pem;
    size_t key_len;
    char ca_path[64];
};
void bench_cert_make(struct bench_cert *bc);
void bench_cert_free(struct bench_cert *bc);

/* glasstls configs: TLS 1.3 only, one suite, X25519 only, tickets on or off.
 * The client trusts bc's certificate and checks the host name. */
gls_config *bench_gls_server_config(const struct bench_cert *bc, uint16_t suite, bool tickets);
gls_config *bench_gls_client_config(const struct bench_cert *bc, uint16_t suite, bool tickets);
/* Moves all of from's output into to (as much as to can take). Returns bytes moved. */
size_t bench_gls_move(gls_conn *from, gls_conn *to);
/* Pumps both ways until neither side has output. True when both finished the
 * handshake without error. */
bool bench_gls_handshake(gls_conn *client, gls_conn *server);

/* OpenSSL contexts configured like the glasstls configs above. With tickets,
 * the server issues one stateless ticket per handshake (as glasstls does); no
 * session cache on either side (a resuming client passes its SSL_SESSION by hand). */
SSL_CTX *bench_ossl_server_ctx(const struct bench_cert *bc, const char *suite, bool tickets);
SSL_CTX *bench_ossl_client_ctx(const struct bench_cert *bc, const char *suite);
/* A client and a server joined by a BIO pair of buf bytes each way. */
void bench_ossl_pair(SSL_CTX *cctx, SSL_CTX *sctx, size_t buf, SSL **client, SSL **server);
/* Drives SSL_do_handshake on both until done; true on success. */
bool bench_ossl_handshake(SSL *client, SSL *server);

/* Results as Markdown table rows, so a run pastes into docs/PERFORMANCE.md. */
void bench_table_head(const char *title, const char *const *cols, size_t n);
/* One row of the summary against the project's goals, as a line starting with
 * "@summary|" that bench/run.sh gathers into the closing table. met is "yes",
 * "no", or "-" for a figure with no goal. */
void bench_summary(const char *what, const char *goal, const char *ours, const char *theirs,
                   const char *met);

#endif
