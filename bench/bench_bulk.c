/* bench/bench_bulk.c — bulk throughput of TLS 1.3 application data (RFC 8446
 * §5.2) in full 16 KiB records, written by a client and read by a server over
 * memory, for glasstls and OpenSSL's libssl, with AES-128-GCM and
 * ChaCha20-Poly1305; next to the raw AEAD (seal then open of a 16 KiB buffer
 * through EVP), the speed a record layer can at best approach.
 * Usage: bench_bulk [MiB-per-sample [samples]]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "bench_util.h"

#define RECORD   16384
#define MAX_REPS 32

struct cipher {
    uint16_t suite;
    const char *suite_name;
    const char *evp_name;
    const char *label;
};

static const struct cipher ciphers[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", "AES-128-GCM", "AES-128-GCM"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "ChaCha20-Poly1305", "ChaCha20-Poly1305"},
};

/* Each record starts with its number, so the reader can tell it got the right one. */
static void stamp(uint8_t *buf, long i)
{
    memcpy(buf, &i, sizeof i);
}

static bool stamped(const uint8_t *buf, long i)
{
    return memcmp(buf, &i, sizeof i) == 0;
}

static double gls_bulk(gls_conn *c, gls_conn *s, long records)
{
    static uint8_t wbuf[RECORD];
    static uint8_t rbuf[RECORD];
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        size_t put = 0;
        size_t got = 0;
        stamp(wbuf, i);
        if (gls_conn_write(c, wbuf, RECORD, &put) != GLS_OK || put != RECORD) {
            bench_die("glasstls write");
        }
        bench_gls_move(c, s);
        while (got < RECORD) {
            size_t n = 0;
            if (gls_conn_read(s, rbuf + got, RECORD - got, &n) != GLS_OK) {
                bench_die("glasstls read");
            }
            got += n;
        }
        if (!stamped(rbuf, i)) {
            bench_die("glasstls data check");
        }
    }
    return (double)records * RECORD / (bench_cpu_seconds() - t0) / 1e6;
}

static double ossl_bulk(SSL *c, SSL *s, long records)
{
    static uint8_t wbuf[RECORD];
    static uint8_t rbuf[RECORD];
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        int got = 0;
        stamp(wbuf, i);
        if (SSL_write(c, wbuf, RECORD) != RECORD) {
            bench_die("OpenSSL write");
        }
        while (got < RECORD) {
            int n = SSL_read(s, rbuf + got, RECORD - got);
            if (n <= 0) {
                bench_die("OpenSSL read");
            }
            got += n;
        }
        if (!stamped(rbuf, i)) {
            bench_die("OpenSSL data check");
        }
    }
    return (double)records * RECORD / (bench_cpu_seconds() - t0) / 1e6;
}

/* One record's worth of AEAD: nonce, 5 bytes of additional data (the record
 * header), the payload in place, the tag; then the same to open it. */
static void aead_once(EVP_CIPHER_CTX *enc, EVP_CIPHER_CTX *dec, uint8_t *buf, long i)
{
    uint8_t nonce[12] = {0};
    uint8_t aad[5] = {23, 3, 3, 0x40, 0x11};
    uint8_t tag[16];
    uint8_t fin[16];
    int outl = 0;
    memcpy(nonce + 4, &i, sizeof i);
    if (EVP_EncryptInit_ex(enc, NULL, NULL, NULL, nonce) != 1 ||
        EVP_EncryptUpdate(enc, NULL, &outl, aad, sizeof aad) != 1 ||
        EVP_EncryptUpdate(enc, buf, &outl, buf, RECORD) != 1 ||
        EVP_EncryptFinal_ex(enc, fin, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_AEAD_GET_TAG, sizeof tag, tag) != 1) {
        bench_die("raw AEAD seal");
    }
    if (EVP_DecryptInit_ex(dec, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(dec, NULL, &outl, aad, sizeof aad) != 1 ||
        EVP_DecryptUpdate(dec, buf, &outl, buf, RECORD) != 1 ||
        EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_AEAD_SET_TAG, sizeof tag, tag) != 1 ||
        EVP_DecryptFinal_ex(dec, fin, &outl) != 1) {
        bench_die("raw AEAD open");
    }
}

static EVP_CIPHER_CTX *aead_ctx(const struct cipher *ci, bool encrypt)
{
    static const uint8_t key[32] = {1, 2, 3};
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, ci->evp_name, NULL);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (cipher == NULL || x == NULL ||
        EVP_CipherInit_ex(x, cipher, NULL, key, NULL, encrypt ? 1 : 0) != 1) {
        bench_die("raw AEAD context");
    }
    EVP_CIPHER_free(cipher);
    return x;
}

static double raw_aead(const struct cipher *ci, long records)
{
    static uint8_t buf[RECORD];
    EVP_CIPHER_CTX *enc = aead_ctx(ci, true);
    EVP_CIPHER_CTX *dec = aead_ctx(ci, false);
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        aead_once(enc, dec, buf, i);
    }
    double rate = (double)records * RECORD / (bench_cpu_seconds() - t0) / 1e6;
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    return rate;
}

/* One 16 KiB memcpy, the cost of the in-memory transport between the two ends
 * (a socket's kernel copy in real life), so readers can take it out. */
static double copy_rate(long records)
{
    static uint8_t a[RECORD];
    static uint8_t b[RECORD];
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        a[i % RECORD] = (uint8_t)i;
        memcpy(b, a, RECORD);
        __asm__ volatile("" : : "r"(b) : "memory"); /* keep the copy */
    }
    return (double)records * RECORD / (bench_cpu_seconds() - t0) / 1e6;
}

enum { GLS, OSSL, RAW, COPY, N_MEASURES };

/* Microseconds per record, the same figures turned around. */
struct per_record {
    double gls;
    double ossl;
    double raw;
    double copy;
};

static void run_cipher(const struct bench_cert *bc, const struct cipher *ci, long mib, long reps,
                       struct per_record *us)
{
    double samples[N_MEASURES][MAX_REPS];
    long records = mib * (1024 * 1024 / RECORD);
    gls_config *gs = bench_gls_server_config(bc, ci->suite, false);
    gls_config *gc = bench_gls_client_config(bc, ci->suite, false);
    SSL_CTX *os = bench_ossl_server_ctx(bc, ci->suite_name, false);
    SSL_CTX *oc = bench_ossl_client_ctx(bc, ci->suite_name);
    gls_conn *c = gls_client_new(gc, BENCH_HOST);
    gls_conn *s = gls_server_new(gs);
    SSL *osc = NULL;
    SSL *oss = NULL;
    bench_ossl_pair(oc, os, 64 * 1024, &osc, &oss);
    if (c == NULL || s == NULL || !bench_gls_handshake(c, s) || !bench_ossl_handshake(osc, oss)) {
        bench_die("handshake");
    }
    gls_bulk(c, s, 16); /* warm up: first touches of every buffer */
    ossl_bulk(osc, oss, 16);
    for (long r = 0; r < reps; r++) { /* interleaved, so drift hits every column alike */
        samples[GLS][r] = gls_bulk(c, s, records);
        samples[OSSL][r] = ossl_bulk(osc, oss, records);
        samples[RAW][r] = raw_aead(ci, records);
        samples[COPY][r] = copy_rate(records);
    }
    struct bench_stats g = bench_stats_of(samples[GLS], (size_t)reps);
    struct bench_stats o = bench_stats_of(samples[OSSL], (size_t)reps);
    struct bench_stats w = bench_stats_of(samples[RAW], (size_t)reps);
    struct bench_stats m = bench_stats_of(samples[COPY], (size_t)reps);
    us->gls = RECORD / g.best;
    us->ossl = RECORD / o.best;
    us->raw = RECORD / w.best;
    us->copy = RECORD / m.best;
    char what[64];
    char ours[32];
    char theirs[32];
    snprintf(what, sizeof what, "%s records: share of raw AEAD speed", ci->label);
    snprintf(ours, sizeof ours, "%.2f", g.best / w.best);
    snprintf(theirs, sizeof theirs, "%.2f", o.best / w.best);
    bench_summary(what, ">= 0.95", ours, theirs, g.best / w.best >= 0.95 ? "yes" : "no");
    printf("| %s | %.0f (%.0f) | %.0f (%.0f) | %.0f (%.0f) | %.2f | %.2f | %.2f |\n", ci->label,
           g.best, g.median, o.best, o.median, w.best, w.median, g.best / o.best, g.best / w.best,
           o.best / w.best);
    gls_conn_free(c);
    gls_conn_free(s);
    SSL_free(osc);
    SSL_free(oss);
    gls_config_free(gs);
    gls_config_free(gc);
    SSL_CTX_free(os);
    SSL_CTX_free(oc);
}

int main(int argc, char **argv)
{
    static const char *const cols[] = {
        "MB/s (best; median)", "glasstls",         "OpenSSL",
        "raw EVP seal+open",   "glasstls/OpenSSL", "glasstls/raw (goal >= 0.95)",
        "OpenSSL/raw"};
    static const char *const ucols[] = {"us per record",     "glasstls",
                                        "OpenSSL",           "raw EVP seal+open",
                                        "one 16 KiB memcpy", "glasstls above raw + one copy"};
    long mib = bench_arg(argc, argv, 1, 64);
    long reps = bench_arg(argc, argv, 2, 5);
    struct bench_cert bc;
    char title[160];
    if (reps > MAX_REPS) {
        reps = MAX_REPS;
    }
    bench_cert_make(&bc);
    snprintf(title, sizeof title,
             "Bulk data: TLS 1.3, client writes and server reads %ld MiB in 16 KiB records per "
             "sample, best of %ld (1 MB = 10^6 bytes)",
             mib, reps);
    struct per_record us[sizeof ciphers / sizeof ciphers[0]];
    bench_table_head(title, cols, 7);
    for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++) {
        run_cipher(&bc, &ciphers[i], mib, reps, &us[i]);
    }
    bench_table_head("The same per 16 KiB record, in microseconds (from the best samples)", ucols,
                     6);
    for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++) {
        printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n", ciphers[i].label, us[i].gls,
               us[i].ossl, us[i].raw, us[i].copy, us[i].gls - us[i].raw - us[i].copy);
    }
    bench_cert_free(&bc);
    return 0;
}
