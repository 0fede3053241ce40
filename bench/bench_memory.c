/* bench/bench_memory.c — memory of TLS 1.3 connections (X25519, ECDSA P-256,
 * AES-128-GCM) for glasstls, OpenSSL's libssl (with its defaults and with
 * SSL_MODE_RELEASE_BUFFERS) and GnuTLS: heap held by an idle established
 * connection per side, peak heap during one handshake pair, allocator calls
 * per record and per handshake, and the resident memory of many idle pairs.
 * Every allocation in the process is counted: this program defines malloc and
 * friends (over glibc's __libc_* entry points), so GnuTLS, nettle and GMP are
 * seen too; libcrypto's and libssl's go through CRYPTO_set_mem_functions and
 * are counted apart. Bytes are malloc_usable_size(). The transport (pipes,
 * pair structs, OpenSSL's pipe BIO) is kept out.
 * Usage: bench_memory [connections [idle-pairs-for-RSS]]. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "bench_util.h"

#define RECORD   16384
#define MAX_CONN 512

struct heap {
    long long live;  /* bytes */
    long long calls; /* allocations that returned memory */
};

/* Global because allocator hooks have no argument to carry them. */
static struct heap own; /* everything but libcrypto/libssl: glasstls, GnuTLS, nettle, GMP */
static struct heap lib; /* libcrypto and libssl */
static long long peak;  /* highest own.live + lib.live since peak_reset() */

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);
void __libc_free(void *p);

static void *took(struct heap *h, void *p, size_t old)
{
    if (p != NULL) {
        h->live += (long long)malloc_usable_size(p) - (long long)old;
        h->calls++;
        if (own.live + lib.live > peak) {
            peak = own.live + lib.live;
        }
    }
    return p;
}

static void gave(struct heap *h, void *p)
{
    if (p != NULL) {
        h->live -= (long long)malloc_usable_size(p);
    }
}

static void *counted_realloc(struct heap *h, void *p, size_t n)
{
    size_t old = p != NULL ? malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);
    if (q == NULL && n == 0) {
        h->live -= (long long)old; /* glibc: realloc(p, 0) frees p */
    }
    return took(h, q, q != NULL ? old : 0);
}

void *malloc(size_t n)
{
    return took(&own, __libc_malloc(n), 0);
}

void *calloc(size_t n, size_t size)
{
    return took(&own, __libc_calloc(n, size), 0);
}

void *realloc(void *p, size_t n)
{
    return counted_realloc(&own, p, n);
}

void free(void *p)
{
    gave(&own, p);
    __libc_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    *out = took(&own, __libc_memalign(align, n), 0);
    return *out != NULL ? 0 : 12; /* ENOMEM */
}

void *aligned_alloc(size_t align, size_t n)
{
    return took(&own, __libc_memalign(align, n), 0);
}

void *memalign(size_t align, size_t n)
{
    return took(&own, __libc_memalign(align, n), 0);
}

static void *lib_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return took(&lib, __libc_malloc(n), 0);
}

static void *lib_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return counted_realloc(&lib, p, n);
}

static void lib_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    gave(&lib, p);
    __libc_free(p);
}

struct snap {
    long long own;
    long long lib;
};

static struct snap snap_now(void)
{
    struct snap s = {own.live, lib.live};
    return s;
}

/* ---- the libraries as measured: the scenario, plus OpenSSL with RELEASE_BUFFERS ---- */

enum { V_GLS, V_OSSL, V_OSSL_REL, V_GNUTLS, N_VARIANTS };
static const char *const variant_names[N_VARIANTS] = {"glasstls", "OpenSSL",
                                                      "OpenSSL, RELEASE_BUFFERS", "GnuTLS"};

struct result {
    struct snap side[2]; /* idle heap per connection: client, server */
    double calls_per_record;
    double calls_per_hs;
    long long hs_peak;
    long long leak;
    double rss_per_pair;
};

static struct bench_ep *variant_ep(int v)
{
    static const enum bench_lib libs[N_VARIANTS] = {BENCH_GLS, BENCH_OSSL, BENCH_OSSL,
                                                    BENCH_GNUTLS};
    struct bench_ep *ep = bench_ep_new(libs[v], bench_scn_find("tls13-ecdsa"));
    if (v == V_OSSL_REL) {
        bench_ep_ossl_mode(ep, SSL_MODE_RELEASE_BUFFERS);
    }
    return ep;
}

/* OpenSSL's pipe BIO is transport, like the pipes: weighed once, taken out. */
static long long bio_bytes(int v)
{
    if (v != V_OSSL && v != V_OSSL_REL) {
        return 0;
    }
    struct snap a = snap_now();
    BIO *b = bench_ossl_pipe_bio();
    struct snap z = snap_now();
    BIO_free(b);
    return z.lib - a.lib;
}

static struct bench_pair *pairs[MAX_CONN];

static struct bench_pair *idle_pair(struct bench_ep *ep)
{
    static uint8_t in[RECORD];
    static uint8_t out[RECORD];
    struct bench_pair *p = bench_pair_new(ep);
    if (!bench_pair_c2s(p, in, out, RECORD) || !bench_pair_s2c(p, in, out, RECORD)) {
        bench_die("record");
    }
    bench_pair_trim(p);
    return p;
}

static void measure_idle(int v, long k, struct result *r)
{
    long long bio = bio_bytes(v);
    struct snap base = snap_now();
    struct bench_ep *ep = variant_ep(v);
    struct snap before = snap_now();
    for (long i = 0; i < k; i++) {
        pairs[i] = idle_pair(ep);
    }
    struct snap all = snap_now();
    for (long i = 0; i < k; i++) {
        bench_pair_free_side(pairs[i], 0);
    }
    struct snap servers = snap_now();
    for (long i = 0; i < k; i++) {
        bench_pair_free_side(pairs[i], 1);
    }
    struct snap none = snap_now();
    r->side[0].own = (all.own - servers.own) / k;
    r->side[0].lib = (all.lib - servers.lib) / k - bio;
    r->side[1].own = (servers.own - none.own) / k;
    r->side[1].lib = (servers.lib - none.lib) / k - bio;
    (void)before;
    bench_ep_free(ep);
    struct snap end = snap_now();
    r->leak = end.own + end.lib - base.own - base.lib;
}

static void measure_calls(int v, long n, struct result *r)
{
    static uint8_t in[RECORD];
    static uint8_t out[RECORD];
    long long bio = bio_bytes(v);
    struct bench_ep *ep = variant_ep(v);
    long long calls = own.calls + lib.calls;
    r->hs_peak = 0;
    for (long i = 0; i < n; i++) {
        peak = own.live + lib.live;
        long long start = peak;
        if (!bench_ep_handshake(ep)) {
            bench_die("handshake");
        }
        if (peak - start - 2 * bio > r->hs_peak) {
            r->hs_peak = peak - start - 2 * bio;
        }
    }
    r->calls_per_hs = (double)(own.calls + lib.calls - calls) / (double)n;
    struct bench_pair *p = bench_pair_new(ep);
    for (int i = 0; i < 8; i++) { /* warm up */
        bench_pair_c2s(p, in, out, RECORD);
    }
    calls = own.calls + lib.calls;
    for (long i = 0; i < n; i++) {
        if (!bench_pair_c2s(p, in, out, RECORD)) {
            bench_die("record");
        }
    }
    r->calls_per_record = (double)(own.calls + lib.calls - calls) / (double)n;
    bench_pair_free_side(p, 0);
    bench_pair_free_side(p, 1);
    bench_ep_free(ep);
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return kib;
}

/* In a child process of its own (so each library starts from the same heap):
 * n established idle pairs, resident memory per pair (transport included: a
 * pair struct per connection pair, and OpenSSL's two BIOs). */
static double measure_rss(int v, long n)
{
    int fds[2];
    double per = -1;
    if (pipe(fds) != 0) {
        bench_die("pipe");
    }
    pid_t pid = fork();
    if (pid == 0) {
        struct bench_ep *ep = variant_ep(v);
        struct bench_pair **all = __libc_malloc((size_t)n * sizeof *all);
        long before = rss_kib();
        for (long i = 0; i < n; i++) {
            all[i] = idle_pair(ep);
        }
        double r = (double)(rss_kib() - before) * 1024.0 / (double)n;
        ssize_t w = write(fds[1], &r, sizeof r);
        _exit(w == sizeof r ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0 || read(fds[0], &per, sizeof per) != sizeof per) {
        per = -1;
    }
    close(fds[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return per;
}

static void report(const struct result *r, long k, long n, long idle)
{
    static const char *const cols[] = {"bytes",
                                       "glasstls",
                                       "of it: libcrypto",
                                       "OpenSSL",
                                       "OpenSSL, RELEASE_BUFFERS",
                                       "GnuTLS (nettle, GMP)",
                                       "target"};
    char title[256];
    snprintf(title, sizeof title,
             "### Memory: TLS 1.3, X25519, ECDSA P-256, AES-128-GCM (idle: after the handshake and "
             "one 16 KiB record each way, mean of %ld; peak: the highest of %ld handshakes; RSS: "
             "%ld idle pairs, one process each)",
             k, n, idle);
    bench_table_head(title, cols, 7);
    for (int s = 0; s < 2; s++) {
        printf("| idle heap per connection, %s | %lld | %lld | %lld | %lld | %lld | <= 4096 |\n",
               s ? "server" : "client", r[V_GLS].side[s].own + r[V_GLS].side[s].lib,
               r[V_GLS].side[s].lib, r[V_OSSL].side[s].own + r[V_OSSL].side[s].lib,
               r[V_OSSL_REL].side[s].own + r[V_OSSL_REL].side[s].lib,
               r[V_GNUTLS].side[s].own + r[V_GNUTLS].side[s].lib);
    }
    printf("| peak heap during one handshake pair, new to free | %lld | | %lld | %lld | %lld | <= "
           "90000 |\n",
           r[V_GLS].hs_peak, r[V_OSSL].hs_peak, r[V_OSSL_REL].hs_peak, r[V_GNUTLS].hs_peak);
    printf("| RSS per idle pair (%ld pairs) | %.0f | | %.0f | %.0f | %.0f | <= 10000 |\n", idle,
           r[V_GLS].rss_per_pair, r[V_OSSL].rss_per_pair, r[V_OSSL_REL].rss_per_pair,
           r[V_GNUTLS].rss_per_pair);
    printf("| allocator calls per handshake pair | %.1f | | %.1f | %.1f | %.1f | |\n",
           r[V_GLS].calls_per_hs, r[V_OSSL].calls_per_hs, r[V_OSSL_REL].calls_per_hs,
           r[V_GNUTLS].calls_per_hs);
    printf("| allocator calls per 16 KiB record, written and read | %.2f | | %.2f | %.2f | %.2f | "
           "0 |\n",
           r[V_GLS].calls_per_record, r[V_OSSL].calls_per_record, r[V_OSSL_REL].calls_per_record,
           r[V_GNUTLS].calls_per_record);
    for (int v = 0; v < N_VARIANTS; v++) {
        if (r[v].leak != 0) {
            printf("\nnot returned once connections and configs were freed: %s %lld bytes\n",
                   variant_names[v], r[v].leak);
        }
    }
    char val[96];
    for (int s = 0; s < 2; s++) {
        long long g = r[V_GLS].side[s].own + r[V_GLS].side[s].lib;
        snprintf(val, sizeof val, "%lld B (GnuTLS %lld B)", g,
                 r[V_GNUTLS].side[s].own + r[V_GNUTLS].side[s].lib);
        bench_summary(s ? "idle heap per connection, server" : "idle heap per connection, client",
                      "<= 4096 B", val, g <= 4096 ? "yes" : "no");
    }
    snprintf(val, sizeof val, "%lld B (GnuTLS %lld B, OpenSSL %lld B)", r[V_GLS].hs_peak,
             r[V_GNUTLS].hs_peak, r[V_OSSL].hs_peak);
    bench_summary("peak heap during one handshake pair", "<= 90000 B", val,
                  r[V_GLS].hs_peak <= 90000 ? "yes" : "no");
    snprintf(val, sizeof val, "%.0f B (GnuTLS %.0f B)", r[V_GLS].rss_per_pair,
             r[V_GNUTLS].rss_per_pair);
    bench_summary("RSS per idle connection pair", "<= 10000 B", val,
                  r[V_GLS].rss_per_pair <= 10000 ? "yes" : "no");
    snprintf(val, sizeof val, "%.2f", r[V_GLS].calls_per_record);
    bench_summary("allocator calls per 16 KiB record (glasstls + its libcrypto)", "0", val,
                  r[V_GLS].calls_per_record == 0 ? "yes" : "no");
}

int main(int argc, char **argv)
{
    /* first, before libcrypto allocates anything */
    if (CRYPTO_set_mem_functions(lib_malloc, lib_realloc, lib_free) != 1) {
        fprintf(stderr, "bench: libcrypto allocated before its hooks were set\n");
        return 1;
    }
    bench_pipe_alloc = __libc_malloc; /* the transport is not counted */
    bench_pipe_release = __libc_free;
    long k = bench_arg(argc, argv, 1, 200);
    long idle = bench_arg(argc, argv, 2, 10000);
    long n = 32;
    struct result r[N_VARIANTS];
    if (k > MAX_CONN) {
        k = MAX_CONN;
    }
    memset(r, 0, sizeof r);
    bench_cert_get(BENCH_EC);
    for (int v = 0; v < N_VARIANTS; v++) {
        measure_idle(v, 2, &r[v]); /* warm up: lazily filled caches */
    }
    for (int v = 0; v < N_VARIANTS; v++) {
        measure_idle(v, k, &r[v]);
        measure_calls(v, n, &r[v]);
    }
    fflush(stdout);
    for (int v = 0; v < N_VARIANTS; v++) {
        r[v].rss_per_pair = measure_rss(v, idle);
    }
    report(r, k, n, idle);
    bench_certs_free();
    return 0;
}
