/* bench/bench_memory.c — heap held by an idle established TLS 1.3 connection
 * (client side and server side), allocator calls per 16 KiB record in steady
 * state and per full handshake, for glasstls and OpenSSL's libssl. Calls from
 * our own code reach the allocator through -Wl,--wrap (column "glasstls
 * code"); libcrypto's and libssl's through CRYPTO_set_mem_functions (column
 * "libcrypto"). Bytes are malloc_usable_size(): what the allocator set aside
 * for each block, less its per-block header. Usage: bench_memory [connections]. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bench_util.h"

#define RECORD   16384
#define MAX_CONN 512
#define PAIR_BUF (32 * 1024) /* BIO pair buffer: holds one full record */

struct heap {
    long long live;  /* bytes */
    long long calls; /* malloc, calloc and realloc calls that returned memory */
};

/* Global because allocator hooks have no argument to carry them. */
static struct heap own; /* glasstls's code (and this program's) */
static struct heap lib; /* libcrypto and libssl */
static long long peak;  /* highest own.live + lib.live since peak_reset() */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

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
    void *q = __real_realloc(p, n);
    if (q == NULL && n == 0) {
        h->live -= (long long)old; /* glibc: realloc(p, 0) frees p */
    }
    return took(h, q, q != NULL ? old : 0);
}

void *__wrap_malloc(size_t n)
{
    return took(&own, __real_malloc(n), 0);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return took(&own, __real_calloc(n, size), 0);
}

void *__wrap_realloc(void *p, size_t n)
{
    return counted_realloc(&own, p, n);
}

void __wrap_free(void *p)
{
    gave(&own, p);
    __real_free(p);
}

static void *lib_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return took(&lib, __real_malloc(n), 0);
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
    __real_free(p);
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

static long long peak_reset(void)
{
    peak = own.live + lib.live;
    return peak;
}

/* One 16 KiB record from `from` to `to`, read in full. */
static void gls_record(gls_conn *from, gls_conn *to, uint8_t *buf)
{
    size_t put = 0;
    size_t got = 0;
    if (gls_conn_write(from, buf, RECORD, &put) != GLS_OK || put != RECORD) {
        bench_die("glasstls write");
    }
    bench_gls_move(from, to);
    while (got < RECORD) {
        size_t n = 0;
        if (gls_conn_read(to, buf + got, RECORD - got, &n) != GLS_OK) {
            bench_die("glasstls read");
        }
        got += n;
    }
}

static void ossl_record(SSL *from, SSL *to, uint8_t *buf)
{
    int got = 0;
    if (SSL_write(from, buf, RECORD) != RECORD) {
        bench_die("OpenSSL write");
    }
    while (got < RECORD) {
        int n = SSL_read(to, buf + got, RECORD - got);
        if (n <= 0) {
            bench_die("OpenSSL read");
        }
        got += n;
    }
}

/* Per-connection figures of one library. */
struct result {
    struct snap client; /* idle heap per connection */
    struct snap server;
    double own_per_record; /* allocator calls per record written and read */
    double lib_per_record;
    double own_per_hs; /* allocator calls per full handshake, both sides */
    double lib_per_hs;
    long long hs_peak; /* peak heap above the start during one handshake, both sides */
    long long leak;    /* heap not returned once connections and configs were freed */
};

static struct snap per_conn(struct snap a, struct snap b, long k, long long minus)
{
    struct snap s = {(a.own - b.own) / k, (a.lib - b.lib) / k - minus};
    return s;
}

static gls_conn *gls_conns[2][MAX_CONN];

static void gls_idle(const struct bench_cert *bc, long k, struct result *r)
{
    static uint8_t buf[RECORD];
    struct snap base = snap_now();
    gls_config *gs = bench_gls_server_config(bc, 0x1301, false);
    gls_config *gc = bench_gls_client_config(bc, 0x1301, false);
    for (long i = 0; i < k; i++) {
        gls_conn *c = gls_client_new(gc, BENCH_HOST);
        gls_conn *s = gls_server_new(gs);
        if (c == NULL || s == NULL || !bench_gls_handshake(c, s)) {
            bench_die("glasstls handshake");
        }
        gls_record(c, s, buf);
        gls_record(s, c, buf);
        gls_conns[0][i] = c;
        gls_conns[1][i] = s;
    }
    struct snap all = snap_now();
    for (long i = 0; i < k; i++) {
        gls_conn_free(gls_conns[0][i]);
    }
    struct snap servers = snap_now();
    for (long i = 0; i < k; i++) {
        gls_conn_free(gls_conns[1][i]);
    }
    struct snap none = snap_now();
    r->client = per_conn(all, servers, k, 0);
    r->server = per_conn(servers, none, k, 0);
    gls_config_free(gs);
    gls_config_free(gc);
    struct snap end = snap_now();
    r->leak = end.own + end.lib - base.own - base.lib;
}

/* Allocator calls per full handshake (new to free, both sides) and the peak
 * heap one handshake takes, then calls per record on an established pair. */
static void gls_calls(const struct bench_cert *bc, long n, struct result *r)
{
    static uint8_t buf[RECORD];
    gls_config *gs = bench_gls_server_config(bc, 0x1301, false);
    gls_config *gc = bench_gls_client_config(bc, 0x1301, false);
    struct heap o = own;
    struct heap l = lib;
    for (long i = 0; i < n; i++) {
        long long start = peak_reset();
        gls_conn *c = gls_client_new(gc, BENCH_HOST);
        gls_conn *s = gls_server_new(gs);
        if (c == NULL || s == NULL || !bench_gls_handshake(c, s)) {
            bench_die("glasstls handshake");
        }
        r->hs_peak = peak - start;
        gls_conn_free(c);
        gls_conn_free(s);
    }
    r->own_per_hs = (double)(own.calls - o.calls) / (double)n;
    r->lib_per_hs = (double)(lib.calls - l.calls) / (double)n;

    gls_conn *c = gls_client_new(gc, BENCH_HOST);
    gls_conn *s = gls_server_new(gs);
    if (c == NULL || s == NULL || !bench_gls_handshake(c, s)) {
        bench_die("glasstls handshake");
    }
    for (int i = 0; i < 8; i++) { /* warm up */
        gls_record(c, s, buf);
    }
    o = own;
    l = lib;
    for (long i = 0; i < n; i++) {
        gls_record(c, s, buf);
    }
    r->own_per_record = (double)(own.calls - o.calls) / (double)n;
    r->lib_per_record = (double)(lib.calls - l.calls) / (double)n;
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(gs);
    gls_config_free(gc);
}

static SSL *ossl_conns[2][MAX_CONN];

/* What one half of a BIO pair (the in-memory transport) takes: it stands in for
 * a socket and is not counted as the connection's. */
static long long bio_half_bytes(void)
{
    BIO *a = NULL;
    BIO *b = NULL;
    struct snap s0 = snap_now();
    if (BIO_new_bio_pair(&a, PAIR_BUF, &b, PAIR_BUF) != 1) {
        bench_die("BIO pair");
    }
    struct snap s1 = snap_now();
    BIO_free(a);
    BIO_free(b);
    return (s1.lib - s0.lib) / 2;
}

static void ossl_contexts(const struct bench_cert *bc, bool release, SSL_CTX **c, SSL_CTX **s)
{
    *s = bench_ossl_server_ctx(bc, "TLS_AES_128_GCM_SHA256", false);
    *c = bench_ossl_client_ctx(bc, "TLS_AES_128_GCM_SHA256");
    if (release) {
        SSL_CTX_set_mode(*s, SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_set_mode(*c, SSL_MODE_RELEASE_BUFFERS);
    }
}

static void ossl_idle(const struct bench_cert *bc, long k, bool release, struct result *r)
{
    static uint8_t buf[RECORD];
    SSL_CTX *cctx = NULL;
    SSL_CTX *sctx = NULL;
    long long half = bio_half_bytes();
    struct snap base = snap_now();
    ossl_contexts(bc, release, &cctx, &sctx);
    for (long i = 0; i < k; i++) {
        SSL *c = NULL;
        SSL *s = NULL;
        bench_ossl_pair(cctx, sctx, PAIR_BUF, &c, &s);
        if (!bench_ossl_handshake(c, s)) {
            bench_die("OpenSSL handshake");
        }
        ossl_record(c, s, buf);
        ossl_record(s, c, buf);
        ossl_conns[0][i] = c;
        ossl_conns[1][i] = s;
    }
    struct snap all = snap_now();
    for (long i = 0; i < k; i++) {
        SSL_free(ossl_conns[0][i]);
    }
    struct snap servers = snap_now();
    for (long i = 0; i < k; i++) {
        SSL_free(ossl_conns[1][i]);
    }
    struct snap none = snap_now();
    r->client = per_conn(all, servers, k, half);
    r->server = per_conn(servers, none, k, half);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    struct snap end = snap_now();
    r->leak = end.own + end.lib - base.own - base.lib;
}

static void ossl_calls(const struct bench_cert *bc, long n, bool release, struct result *r)
{
    static uint8_t buf[RECORD];
    SSL_CTX *cctx = NULL;
    SSL_CTX *sctx = NULL;
    SSL *c = NULL;
    SSL *s = NULL;
    long long half = bio_half_bytes();
    ossl_contexts(bc, release, &cctx, &sctx);
    struct heap l = lib;
    for (long i = 0; i < n; i++) {
        long long start = peak_reset();
        bench_ossl_pair(cctx, sctx, PAIR_BUF, &c, &s);
        if (!bench_ossl_handshake(c, s)) {
            bench_die("OpenSSL handshake");
        }
        r->hs_peak = peak - start - 2 * half;
        SSL_free(c);
        SSL_free(s);
    }
    r->lib_per_hs = (double)(lib.calls - l.calls) / (double)n;

    bench_ossl_pair(cctx, sctx, PAIR_BUF, &c, &s);
    if (!bench_ossl_handshake(c, s)) {
        bench_die("OpenSSL handshake");
    }
    for (int i = 0; i < 8; i++) { /* warm up */
        ossl_record(c, s, buf);
    }
    l = lib;
    for (long i = 0; i < n; i++) {
        ossl_record(c, s, buf);
    }
    r->lib_per_record = (double)(lib.calls - l.calls) / (double)n;
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void report_idle(long k, const struct result *g, const struct result *o,
                        const struct result *orel)
{
    static const char *const cols[] = {
        "bytes per connection", "glasstls", "of it: glasstls code",
        "of it: libcrypto",     "OpenSSL",  "OpenSSL, RELEASE_BUFFERS",
        "glasstls/OpenSSL"};
    char title[200];
    snprintf(title, sizeof title,
             "Idle established connection: heap held after the handshake and one 16 KiB record "
             "each way (mean of %ld connections; goal <= 4096 bytes)",
             k);
    bench_table_head(title, cols, 7);
    const struct snap *gs[2] = {&g->client, &g->server};
    const struct snap *os[2] = {&o->client, &o->server};
    const struct snap *rs[2] = {&orel->client, &orel->server};
    for (int i = 0; i < 2; i++) {
        long long gt = gs[i]->own + gs[i]->lib;
        long long ot = os[i]->own + os[i]->lib;
        printf("| %s | %lld | %lld | %lld | %lld | %lld | %.2f |\n", i ? "server" : "client", gt,
               gs[i]->own, gs[i]->lib, ot, rs[i]->own + rs[i]->lib, (double)gt / (double)ot);
    }
    for (int i = 0; i < 2; i++) {
        long long gt = gs[i]->own + gs[i]->lib;
        char ours[32];
        char theirs[48];
        snprintf(ours, sizeof ours, "%lld B", gt);
        snprintf(theirs, sizeof theirs, "%lld B (%lld B with RELEASE_BUFFERS)",
                 os[i]->own + os[i]->lib, rs[i]->own + rs[i]->lib);
        bench_summary(i ? "idle established connection heap, server"
                        : "idle established connection heap, client",
                      "<= 4096 B", ours, theirs, gt <= 4096 ? "yes" : "no");
    }
}

static void report_calls(long n, const struct result *g, const struct result *o,
                         const struct result *orel)
{
    static const char *const cols[] = {"allocator calls", "glasstls code",
                                       "libcrypto under glasstls", "OpenSSL (libssl+libcrypto)",
                                       "OpenSSL, RELEASE_BUFFERS"};
    char title[160];
    snprintf(title, sizeof title, "Allocations (mean of %ld records / handshakes)", n);
    bench_table_head(title, cols, 5);
    printf("| per 16 KiB record written and read, steady state (goal: 0 from glasstls code) | "
           "%.2f | %.2f | %.2f | %.2f |\n",
           g->own_per_record, g->lib_per_record, o->lib_per_record, orel->lib_per_record);
    printf("| per full handshake, both sides, new to free | %.1f | %.1f | %.1f | %.1f |\n",
           g->own_per_hs, g->lib_per_hs, o->lib_per_hs, orel->lib_per_hs);
    printf("| peak heap during one full handshake, both sides (bytes) | %lld (total) | | %lld "
           "| %lld |\n",
           g->hs_peak, o->hs_peak, orel->hs_peak);
    char ours[48];
    char theirs[48];
    snprintf(ours, sizeof ours, "%.2f (+ %.2f in libcrypto)", g->own_per_record, g->lib_per_record);
    snprintf(theirs, sizeof theirs, "%.2f", o->lib_per_record);
    bench_summary("allocations per 16 KiB record from glasstls code", "0", ours, theirs,
                  g->own_per_record == 0 ? "yes" : "no");
    if (g->leak != 0 || o->leak != 0 || orel->leak != 0) {
        printf("\nnot returned once connections and configs were freed: glasstls %lld, OpenSSL "
               "%lld, OpenSSL with RELEASE_BUFFERS %lld bytes\n",
               g->leak, o->leak, orel->leak);
    }
}

int main(int argc, char **argv)
{
    /* first, before libcrypto allocates anything */
    if (CRYPTO_set_mem_functions(lib_malloc, lib_realloc, lib_free) != 1) {
        fprintf(stderr, "bench: libcrypto allocated before its hooks were set\n");
        return 1;
    }
    long k = bench_arg(argc, argv, 1, 100);
    long n = 64;
    struct bench_cert bc;
    struct result g;
    struct result o;
    struct result orel;
    if (k > MAX_CONN) {
        k = MAX_CONN;
    }
    memset(&g, 0, sizeof g);
    memset(&o, 0, sizeof o);
    memset(&orel, 0, sizeof orel);
    bench_cert_make(&bc);
    gls_idle(&bc, 2, &g); /* warm up: libcrypto's lazily filled caches */
    ossl_idle(&bc, 2, false, &o);
    gls_idle(&bc, k, &g);
    gls_calls(&bc, n, &g);
    ossl_idle(&bc, k, false, &o);
    ossl_calls(&bc, n, false, &o);
    ossl_idle(&bc, k, true, &orel);
    ossl_calls(&bc, n, true, &orel);
    report_idle(k, &g, &o, &orel);
    report_calls(n, &g, &o, &orel);
    bench_cert_free(&bc);
    return 0;
}
