/* bench/bench_util.c — the shared pieces of the benchmarks (see bench_util.h):
 * clock and statistics, the certificate both libraries use, glasstls and
 * OpenSSL endpoints set up alike for TLS 1.3 (RFC 8446), and their pumps. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* see bench_util.h */
double bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* see bench_util.h */
struct bench_stats bench_stats_of(double *v, size_t n)
{
    struct bench_stats s = {0, 0};
    if (n == 0) {
        return s;
    }
    qsort(v, n, sizeof *v, cmp_double);
    s.best = v[n - 1];
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return s;
}

/* see bench_util.h */
long bench_arg(int argc, char **argv, int i, long def)
{
    if (i >= argc) {
        return def;
    }
    long v = strtol(argv[i], NULL, 10);
    return v > 0 ? v : def;
}

/* see bench_util.h */
void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static void add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
    if (e == NULL || X509_add_ext(x, e, -1) != 1) {
        bench_die("certificate extension");
    }
    X509_EXTENSION_free(e);
}

/* Copies a memory BIO's contents into a fresh NUL-terminated string. */
static char *bio_string(BIO *b, size_t *len)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    char *s = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (s == NULL) {
        bench_die("PEM export");
    }
    memcpy(s, data, (size_t)n);
    s[n] = 0;
    *len = (size_t)n;
    return s;
}

static void write_ca_file(struct bench_cert *bc)
{
    snprintf(bc->ca_path, sizeof bc->ca_path, "/tmp/gls-bench-ca-XXXXXX");
    int fd = mkstemp(bc->ca_path);
    if (fd < 0 || write(fd, bc->cert_pem, bc->cert_len) != (ssize_t)bc->cert_len) {
        bench_die("writing the trust anchor");
    }
    close(fd);
}

/* see bench_util.h */
void bench_cert_make(struct bench_cert *bc)
{
    memset(bc, 0, sizeof *bc);
    bc->key = EVP_EC_gen("P-256");
    bc->x509 = X509_new();
    X509 *x = bc->x509;
    if (bc->key == NULL || x == NULL) {
        bench_die("key generation");
    }
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_set_version(x, X509_VERSION_3) != 1 ||
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400) == NULL ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)BENCH_HOST, -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, bc->key) != 1) {
        bench_die("certificate fields");
    }
    add_ext(x, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, NID_key_usage, "critical,digitalSignature");
    add_ext(x, NID_ext_key_usage, "serverAuth");
    add_ext(x, NID_subject_alt_name, "DNS:" BENCH_HOST);
    if (X509_sign(x, bc->key, EVP_sha256()) <= 0) {
        bench_die("certificate signature");
    }
    BIO *c = BIO_new(BIO_s_mem());
    BIO *k = BIO_new(BIO_s_mem());
    if (c == NULL || k == NULL || PEM_write_bio_X509(c, x) != 1 ||
        PEM_write_bio_PrivateKey(k, bc->key, NULL, NULL, 0, NULL, NULL) != 1) {
        bench_die("PEM export");
    }
    bc->cert_pem = bio_string(c, &bc->cert_len);
    bc->key_pem = bio_string(k, &bc->key_len);
    BIO_free(c);
    BIO_free(k);
    write_ca_file(bc);
}

/* see bench_util.h */
void bench_cert_free(struct bench_cert *bc)
{
    unlink(bc->ca_path);
    EVP_PKEY_free(bc->key);
    X509_free(bc->x509);
    OPENSSL_cleanse(bc->key_pem, bc->key_len);
    free(bc->key_pem);
    free(bc->cert_pem);
}

static gls_config *gls_common(uint16_t suite, bool tickets)
{
    static const uint16_t x25519 = 0x001d;
    gls_config *cfg = gls_config_new();
    if (cfg == NULL || gls_config_set_versions(cfg, 0x0304, 0x0304) != GLS_OK ||
        gls_config_set_suites(cfg, &suite, 1) != GLS_OK ||
        gls_config_set_groups(cfg, &x25519, 1) != GLS_OK ||
        gls_config_set_resumption(cfg, tickets, 7200) != GLS_OK) {
        bench_die("glasstls config");
    }
    return cfg;
}

/* see bench_util.h */
gls_config *bench_gls_server_config(const struct bench_cert *bc, uint16_t suite, bool tickets)
{
    gls_config *cfg = gls_common(suite, tickets);
    if (gls_config_add_cert_pem(cfg, (const uint8_t *)bc->cert_pem, bc->cert_len,
                                (const uint8_t *)bc->key_pem, bc->key_len) != GLS_OK) {
        bench_die("glasstls certificate");
    }
    return cfg;
}

/* see bench_util.h */
gls_config *bench_gls_client_config(const struct bench_cert *bc, uint16_t suite, bool tickets)
{
    gls_config *cfg = gls_common(suite, tickets);
    if (gls_config_set_ca(cfg, bc->ca_path, NULL) != GLS_OK) {
        bench_die("glasstls trust anchor");
    }
    return cfg;
}

/* see bench_util.h */
size_t bench_gls_move(gls_conn *from, gls_conn *to)
{
    size_t moved = 0;
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    while (len > 0) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t n = len < room ? len : room;
        if (n == 0) {
            break; /* the receiver's plaintext must be read first */
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

/* see bench_util.h */
bool bench_gls_handshake(gls_conn *client, gls_conn *server)
{
    for (int round = 0; round < 100; round++) {
        size_t a = bench_gls_move(client, server);
        size_t b = bench_gls_move(server, client);
        if (a == 0 && b == 0) {
            break;
        }
    }
    return gls_conn_error(client) == GLS_OK && gls_conn_error(server) == GLS_OK &&
           gls_conn_handshake_done(client) && gls_conn_handshake_done(server);
}

static SSL_CTX *ossl_common(const SSL_METHOD *m, const char *suite)
{
    SSL_CTX *ctx = SSL_CTX_new(m);
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_ciphersuites(ctx, suite) != 1 || SSL_CTX_set1_groups_list(ctx, "X25519") != 1) {
        bench_die("OpenSSL context");
    }
    return ctx;
}

/* see bench_util.h */
SSL_CTX *bench_ossl_server_ctx(const struct bench_cert *bc, const char *suite, bool tickets)
{
    SSL_CTX *ctx = ossl_common(TLS_server_method(), suite);
    if (SSL_CTX_use_certificate(ctx, bc->x509) != 1 || SSL_CTX_use_PrivateKey(ctx, bc->key) != 1 ||
        SSL_CTX_set_num_tickets(ctx, tickets ? 1 : 0) != 1) {
        bench_die("OpenSSL server context");
    }
    /* stateless tickets, like glasstls: nothing kept per session on the server */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

/* see bench_util.h */
SSL_CTX *bench_ossl_client_ctx(const struct bench_cert *bc, const char *suite)
{
    SSL_CTX *ctx = ossl_common(TLS_client_method(), suite);
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), bc->x509) != 1) {
        bench_die("OpenSSL trust anchor");
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); /* sessions kept by hand */
    return ctx;
}

/* see bench_util.h */
void bench_ossl_pair(SSL_CTX *cctx, SSL_CTX *sctx, size_t buf, SSL **client, SSL **server)
{
    BIO *a = NULL;
    BIO *b = NULL;
    *client = SSL_new(cctx);
    *server = SSL_new(sctx);
    if (*client == NULL || *server == NULL || BIO_new_bio_pair(&a, buf, &b, buf) != 1) {
        bench_die("OpenSSL connection");
    }
    SSL_set_bio(*client, a, a);
    SSL_set_bio(*server, b, b);
    SSL_set_connect_state(*client);
    SSL_set_accept_state(*server);
    if (SSL_set_tlsext_host_name(*client, BENCH_HOST) != 1 ||
        SSL_set1_host(*client, BENCH_HOST) != 1) {
        bench_die("OpenSSL host name");
    }
}

static bool ossl_step_ok(SSL *s, int rc)
{
    int e = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(s, rc);
    return e == SSL_ERROR_NONE || e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/* see bench_util.h */
bool bench_ossl_handshake(SSL *client, SSL *server)
{
    for (int round = 0; round < 100; round++) {
        int rc = SSL_do_handshake(client);
        int rs = SSL_do_handshake(server);
        if (rc == 1 && rs == 1) {
            return true;
        }
        if (!ossl_step_ok(client, rc) || !ossl_step_ok(server, rs)) {
            return false;
        }
    }
    return false;
}

/* see bench_util.h */
void bench_table_head(const char *title, const char *const *cols, size_t n)
{
    printf("\n%s\n\n|", title);
    for (size_t i = 0; i < n; i++) {
        printf(" %s |", cols[i]);
    }
    printf("\n|");
    for (size_t i = 0; i < n; i++) {
        printf("%s", i == 0 ? "---|" : "---:|");
    }
    printf("\n");
}

/* see bench_util.h */
void bench_summary(const char *what, const char *goal, const char *ours, const char *theirs,
                   const char *met)
{
    printf("@summary| %s | %s | %s | %s | %s |\n", what, goal, ours, theirs, met);
}
