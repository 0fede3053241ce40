/* bench/bench_util.h — what the benchmarks share: a CPU-time clock and medians
 * (of samples and of per-round ratios), the certificates every library gets
 * (ECDSA P-256 and RSA-2048, made with libcrypto and handed over as PEM), the
 * scenarios (version, key exchange, certificate, resumption) set up alike in
 * glasstls, OpenSSL's libssl and GnuTLS, and one in-memory transport that all
 * three use the same way: each record is copied into a pipe by its writer and
 * out of it by its reader, as a socket would. Benchmarks only: libssl and
 * GnuTLS are yardsticks here and never reach the library. */
#ifndef GLS_BENCH_UTIL_H
#define GLS_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define BENCH_HOST "localhost"

/* Seconds of CPU time used by this process: other work on a shared machine
 * does not count against us, preemption aside. */
double bench_cpu_seconds(void);
/* The median of v[0..n) (sorts v). */
double bench_median(double *v, size_t n);
/* A positive integer from argv[i], or def when absent. */
long bench_arg(int argc, char **argv, int i, long def);
/* Prints why and exits: a benchmark that failed to set up measures nothing. */
void bench_die(const char *what);

/* ---- transport: a byte pipe per direction ----
 * The buffer is taken on first write and given back by bench_pipe_trim once
 * empty, so idle connections hold no transport memory. The transport's
 * allocator (pipes and pair structs) is replaceable so bench_memory can keep
 * the transport out of its counts. */
#define BENCH_PIPE_CAP (64 * 1024)
struct bench_pipe {
    uint8_t *buf;
    size_t head; /* next byte to read */
    size_t tail; /* one past the last byte written */
};
extern void *(*bench_pipe_alloc)(size_t);
extern void (*bench_pipe_release)(void *);
size_t bench_pipe_write(struct bench_pipe *p, const uint8_t *src, size_t n);
size_t bench_pipe_read(struct bench_pipe *p, uint8_t *dst, size_t n);
size_t bench_pipe_len(const struct bench_pipe *p);
void bench_pipe_trim(struct bench_pipe *p);

/* ---- certificates ---- */
enum bench_key { BENCH_EC, BENCH_RSA, BENCH_N_KEYS };
struct bench_cert {
    EVP_PKEY *key;
    X509 *x509;
    char *cert_pem;
    size_t cert_len;
    char *key_pem;
    size_t key_len;
    char ca_path[64]; /* the certificate as a file: the clients' trust anchor */
};
/* A self-signed certificate for BENCH_HOST (serverAuth, SAN), the same bytes
 * for every library. RSA certificates are made on first use (keygen is slow). */
const struct bench_cert *bench_cert_get(enum bench_key k);
void bench_certs_free(void);

/* ---- scenarios ---- */
enum bench_kx { BENCH_X25519, BENCH_FFDHE2048, BENCH_RSA_KX };
enum bench_resume { BENCH_FULL, BENCH_TICKET, BENCH_SESSION_ID };
struct bench_scn {
    const char *id;    /* short name for the command line */
    const char *label; /* row label */
    uint16_t version;  /* 0x0303 or 0x0304 */
    enum bench_kx kx;
    enum bench_key cert;
    enum bench_resume resume; /* timed handshakes resume (the first one is full) */
    uint16_t suite;           /* IANA number */
    const char *ossl_suite;   /* TLS 1.3 ciphersuite or TLS 1.2 cipher string */
    const char *gnutls_prio;  /* GnuTLS priority string */
    /* glasstls: records opened inside gls_conn_read, straight into the reader's
     * buffer (gls_config_set_open_on_read), the way libssl and GnuTLS read */
    bool gls_open_on_read;
};
extern const struct bench_scn bench_scns[];
extern const size_t bench_n_scns;
const struct bench_scn *bench_scn_find(const char *id);

/* ---- the three libraries behind one interface ---- */
enum bench_lib { BENCH_GLS, BENCH_OSSL, BENCH_GNUTLS, BENCH_N_LIBS };
extern const char *const bench_lib_names[BENCH_N_LIBS];

/* One library set up for one scenario: server and client configuration and,
 * when resuming, the session the next client offers. */
struct bench_ep;
struct bench_ep *bench_ep_new(enum bench_lib lib, const struct bench_scn *scn);
void bench_ep_free(struct bench_ep *ep);
/* OpenSSL only: SSL_CTX_set_mode on both contexts (SSL_MODE_RELEASE_BUFFERS). */
void bench_ep_ossl_mode(struct bench_ep *ep, long mode);
/* One connection pair from creation to free: the handshake (the client
 * verifies chain and host name), for resumption scenarios resuming the
 * previous session and keeping the one this connection leaves. False on any
 * failure or when the handshake did not resume as the scenario expects. */
bool bench_ep_handshake(struct bench_ep *ep);

/* An established connection pair, kept. */
struct bench_pair;
struct bench_pair *bench_pair_new(struct bench_ep *ep);
/* The client writes n bytes in one call (one record when n <= 16 KiB) and the
 * server reads all of them into out. */
bool bench_pair_c2s(struct bench_pair *p, const uint8_t *in, uint8_t *out, size_t n);
bool bench_pair_s2c(struct bench_pair *p, const uint8_t *in, uint8_t *out, size_t n);
/* Gives back the transport's buffers (both pipes empty). */
void bench_pair_trim(struct bench_pair *p);
/* Frees the client (side 0) or the server (side 1); the pair goes with the second. */
void bench_pair_free_side(struct bench_pair *p, int side);
/* A fresh pipe BIO as OpenSSL connections get one (for bench_memory to weigh
 * the transport's share); free it with BIO_free. */
struct bio_st *bench_ossl_pipe_bio(void);

/* Results as Markdown. */
void bench_table_head(const char *title, const char *const *cols, size_t n);
/* One row of the closing summary: a line "@summary|..." that bench/run.sh gathers. */
void bench_summary(const char *what, const char *target, const char *value, const char *met);

#endif
