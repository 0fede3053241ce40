/* bench/bench_util.c — the shared pieces of the benchmarks (see bench_util.h):
 * clock and medians, the pipe transport, the certificates, the scenario table. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
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
double bench_median(double *v, size_t n)
{
    if (n == 0) {
        return 0;
    }
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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

/* ---- pipes ---- */

void *(*bench_pipe_alloc)(size_t) = malloc;
void (*bench_pipe_release)(void *) = free;

/* see bench_util.h */
size_t bench_pipe_write(struct bench_pipe *p, const uint8_t *src, size_t n)
{
    if (p->buf == NULL && (p->buf = bench_pipe_alloc(BENCH_PIPE_CAP)) == NULL) {
        bench_die("pipe buffer");
    }
    if (p->head == p->tail) {
        p->head = p->tail = 0;
    }
    size_t room = BENCH_PIPE_CAP - p->tail;
    size_t k = n < room ? n : room;
    memcpy(p->buf + p->tail, src, k);
    p->tail += k;
    return k;
}

/* see bench_util.h */
size_t bench_pipe_read(struct bench_pipe *p, uint8_t *dst, size_t n)
{
    size_t have = p->tail - p->head;
    size_t k = n < have ? n : have;
    if (k > 0) {
        memcpy(dst, p->buf + p->head, k);
        p->head += k;
    }
    return k;
}

/* see bench_util.h */
size_t bench_pipe_len(const struct bench_pipe *p)
{
    return p->tail - p->head;
}

/* see bench_util.h */
void bench_pipe_trim(struct bench_pipe *p)
{
    if (p->buf != NULL && p->head == p->tail) {
        bench_pipe_release(p->buf);
        p->buf = NULL;
        p->head = p->tail = 0;
    }
}

/* ---- certificates ---- */

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

/* $GLS_BENCH_KEYS/{ec,rsa}.pem when set (bench/run.sh makes them once, so runs
 * under valgrind skip the slow RSA key generation), else NULL. */
static EVP_PKEY *load_key(enum bench_key k)
{
    const char *dir = getenv("GLS_BENCH_KEYS");
    char path[512];
    if (dir == NULL) {
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s.pem", dir, k == BENCH_EC ? "ec" : "rsa");
    FILE *f = fopen(path, "r");
    EVP_PKEY *key = f != NULL ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f != NULL) {
        fclose(f);
    }
    return key;
}

static void cert_make(struct bench_cert *bc, enum bench_key k)
{
    memset(bc, 0, sizeof *bc);
    bc->key = load_key(k);
    if (bc->key == NULL) {
        bc->key = k == BENCH_EC ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
    }
    X509 *x = bc->x509 = X509_new();
    if (bc->key == NULL || x == NULL) {
        bench_die("key generation");
    }
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_set_version(x, X509_VERSION_3) != 1 ||
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1 + (long)k) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400) == NULL ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)BENCH_HOST, -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, bc->key) != 1) {
        bench_die("certificate fields");
    }
    add_ext(x, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, NID_key_usage,
            k == BENCH_EC ? "critical,digitalSignature"
                          : "critical,digitalSignature,keyEncipherment");
    add_ext(x, NID_ext_key_usage, "serverAuth");
    add_ext(x, NID_subject_alt_name, "DNS:" BENCH_HOST);
    if (X509_sign(x, bc->key, EVP_sha256()) <= 0) {
        bench_die("certificate signature");
    }
    BIO *c = BIO_new(BIO_s_mem());
    BIO *kb = BIO_new(BIO_s_mem());
    if (c == NULL || kb == NULL || PEM_write_bio_X509(c, x) != 1 ||
        PEM_write_bio_PrivateKey(kb, bc->key, NULL, NULL, 0, NULL, NULL) != 1) {
        bench_die("PEM export");
    }
    bc->cert_pem = bio_string(c, &bc->cert_len);
    bc->key_pem = bio_string(kb, &bc->key_len);
    BIO_free(c);
    BIO_free(kb);
    snprintf(bc->ca_path, sizeof bc->ca_path, "/tmp/gls-bench-ca-XXXXXX");
    int fd = mkstemp(bc->ca_path);
    if (fd < 0 || write(fd, bc->cert_pem, bc->cert_len) != (ssize_t)bc->cert_len) {
        bench_die("writing the trust anchor");
    }
    close(fd);
}

static struct bench_cert certs[BENCH_N_KEYS];
static bool made[BENCH_N_KEYS];

/* see bench_util.h */
const struct bench_cert *bench_cert_get(enum bench_key k)
{
    if (!made[k]) {
        cert_make(&certs[k], k);
        made[k] = true;
    }
    return &certs[k];
}

/* see bench_util.h */
void bench_certs_free(void)
{
    for (int k = 0; k < BENCH_N_KEYS; k++) {
        struct bench_cert *bc = &certs[k];
        if (!made[k]) {
            continue;
        }
        unlink(bc->ca_path);
        EVP_PKEY_free(bc->key);
        X509_free(bc->x509);
        OPENSSL_cleanse(bc->key_pem, bc->key_len);
        free(bc->key_pem);
        free(bc->cert_pem);
        made[k] = false;
    }
}

/* ---- scenarios ---- */

#define GNUTLS_13 "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519"
#define GNUTLS_12 "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:-KX-ALL"

/* see bench_util.h */
const struct bench_scn bench_scns[] = {
    {"tls13-ecdsa", "TLS 1.3 X25519 + ECDSA P-256, full", 0x0304, BENCH_X25519, BENCH_EC,
     BENCH_FULL, 0x1301, "TLS_AES_128_GCM_SHA256", GNUTLS_13, false},
    {"tls13-rsa", "TLS 1.3 X25519 + RSA-2048, full", 0x0304, BENCH_X25519, BENCH_RSA, BENCH_FULL,
     0x1301, "TLS_AES_128_GCM_SHA256", GNUTLS_13, false},
    {"tls12-ecdhe-rsa", "TLS 1.2 ECDHE-RSA (X25519), full", 0x0303, BENCH_X25519, BENCH_RSA,
     BENCH_FULL, 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256",
     GNUTLS_12 ":+ECDHE-RSA:-GROUP-ALL:+GROUP-X25519", false},
    {"tls12-rsa-kx", "TLS 1.2 RSA key exchange, full", 0x0303, BENCH_RSA_KX, BENCH_RSA, BENCH_FULL,
     0x009c, "AES128-GCM-SHA256", GNUTLS_12 ":+RSA", false},
    {"tls12-dhe", "TLS 1.2 DHE-RSA ffdhe2048, full", 0x0303, BENCH_FFDHE2048, BENCH_RSA, BENCH_FULL,
     0x009e, "DHE-RSA-AES128-GCM-SHA256", GNUTLS_12 ":+DHE-RSA:-GROUP-ALL:+GROUP-FFDHE2048", false},
    {"tls12-ticket", "TLS 1.2 ECDHE-RSA, ticket resumption", 0x0303, BENCH_X25519, BENCH_RSA,
     BENCH_TICKET, 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256",
     GNUTLS_12 ":+ECDHE-RSA:-GROUP-ALL:+GROUP-X25519", false},
    {"tls12-session-id", "TLS 1.2 ECDHE-RSA, session-id resumption", 0x0303, BENCH_X25519,
     BENCH_RSA, BENCH_SESSION_ID, 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256",
     GNUTLS_12 ":+ECDHE-RSA:-GROUP-ALL:+GROUP-X25519", false},
    {"tls13-psk", "TLS 1.3 PSK-DHE (X25519) resumption", 0x0304, BENCH_X25519, BENCH_EC,
     BENCH_TICKET, 0x1301, "TLS_AES_128_GCM_SHA256", GNUTLS_13, false},
};
const size_t bench_n_scns = sizeof bench_scns / sizeof bench_scns[0];

/* see bench_util.h */
const struct bench_scn *bench_scn_find(const char *id)
{
    for (size_t i = 0; i < bench_n_scns; i++) {
        if (strcmp(bench_scns[i].id, id) == 0) {
            return &bench_scns[i];
        }
    }
    return NULL;
}

const char *const bench_lib_names[BENCH_N_LIBS] = {"glasstls", "OpenSSL", "GnuTLS"};

/* ---- output ---- */

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
void bench_summary(const char *what, const char *target, const char *value, const char *met)
{
    printf("@summary| %s | %s | %s | %s |\n", what, target, value, met);
}
