/* bench/bench_handshake.c — TLS 1.3 handshakes per second (RFC 8446 §2: X25519,
 * ECDSA P-256 certificate, TLS_AES_128_GCM_SHA256), client and server in one
 * process over memory, for glasstls and for OpenSSL's libssl; resumed
 * handshakes with a ticket (psk_dhe_ke, §4.2.9); and the public-key math a
 * handshake cannot avoid, done alone with libcrypto, to see what each library
 * spends above it. Usage: bench_handshake [handshakes-per-sample [samples]]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "bench_util.h"

#define SUITE      0x1301
#define SUITE_NAME "TLS_AES_128_GCM_SHA256"
#define MAX_REPS   32

struct hs_bench {
    struct bench_cert cert;
    gls_config *gls_s; /* full handshakes: no tickets */
    gls_config *gls_c;
    gls_config *gls_rs; /* resumption: one ticket per handshake */
    gls_config *gls_rc;
    SSL_CTX *ossl_s;
    SSL_CTX *ossl_rs;
    SSL_CTX *ossl_c;
    SSL_SESSION *ossl_sess; /* the ticket the next resuming OpenSSL client offers */
    EVP_PKEY_CTX *x25519_gen;
};

static double gls_full(struct hs_bench *b, long n)
{
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        gls_conn *c = gls_client_new(b->gls_c, BENCH_HOST);
        gls_conn *s = gls_server_new(b->gls_s);
        if (c == NULL || s == NULL || !bench_gls_handshake(c, s)) {
            bench_die("glasstls full handshake");
        }
        gls_conn_free(c);
        gls_conn_free(s);
    }
    return (double)n / (bench_cpu_seconds() - t0);
}

/* Each resumed client takes the ticket the previous connection left in the
 * config's cache, and leaves the new one it receives. */
static double gls_resumed(struct hs_bench *b, long n)
{
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        gls_conn_info info;
        gls_conn *c = gls_client_new(b->gls_rc, BENCH_HOST);
        gls_conn *s = gls_server_new(b->gls_rs);
        if (c == NULL || s == NULL || !bench_gls_handshake(c, s) ||
            gls_conn_get_info(c, &info) != GLS_OK || !info.resumed) {
            bench_die("glasstls resumed handshake");
        }
        gls_conn_free(c);
        gls_conn_free(s);
    }
    return (double)n / (bench_cpu_seconds() - t0);
}

static double ossl_full(struct hs_bench *b, long n)
{
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        SSL *c = NULL;
        SSL *s = NULL;
        bench_ossl_pair(b->ossl_c, b->ossl_s, 17 * 1024, &c, &s);
        if (!bench_ossl_handshake(c, s)) {
            bench_die("OpenSSL full handshake");
        }
        SSL_free(c);
        SSL_free(s);
    }
    return (double)n / (bench_cpu_seconds() - t0);
}

/* Runs one OpenSSL handshake offering b->ossl_sess (if any), then reads the
 * server's NewSessionTicket and keeps it for the next one. */
static bool ossl_one_resumable(struct hs_bench *b, bool want_resumed)
{
    SSL *c = NULL;
    SSL *s = NULL;
    uint8_t byte;
    bench_ossl_pair(b->ossl_c, b->ossl_rs, 17 * 1024, &c, &s);
    if (b->ossl_sess != NULL && SSL_set_session(c, b->ossl_sess) != 1) {
        return false;
    }
    bool ok = bench_ossl_handshake(c, s) && SSL_session_reused(c) == (want_resumed ? 1 : 0);
    int rd = ok ? SSL_read(c, &byte, 1) : 1; /* takes the ticket, then wants more */
    ok = ok && rd <= 0 && SSL_get_error(c, rd) == SSL_ERROR_WANT_READ;
    SSL_SESSION_free(b->ossl_sess);
    b->ossl_sess = SSL_get1_session(c);
    /* closed cleanly (without sending close_notify): else SSL_free marks the
     * session bad and it cannot be resumed */
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(c);
    SSL_free(s);
    return ok && b->ossl_sess != NULL && SSL_SESSION_is_resumable(b->ossl_sess);
}

static double ossl_resumed(struct hs_bench *b, long n)
{
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        if (!ossl_one_resumable(b, true)) {
            bench_die("OpenSSL resumed handshake");
        }
    }
    return (double)n / (bench_cpu_seconds() - t0);
}

static void x25519_pair(struct hs_bench *b)
{
    EVP_PKEY *k1 = NULL;
    EVP_PKEY *k2 = NULL;
    uint8_t s1[32];
    uint8_t s2[32];
    size_t l1 = sizeof s1;
    size_t l2 = sizeof s2;
    if (EVP_PKEY_generate(b->x25519_gen, &k1) != 1 || EVP_PKEY_generate(b->x25519_gen, &k2) != 1) {
        bench_die("X25519 keygen");
    }
    EVP_PKEY_CTX *d1 = EVP_PKEY_CTX_new(k1, NULL);
    EVP_PKEY_CTX *d2 = EVP_PKEY_CTX_new(k2, NULL);
    if (d1 == NULL || d2 == NULL || EVP_PKEY_derive_init(d1) != 1 ||
        EVP_PKEY_derive_set_peer(d1, k2) != 1 || EVP_PKEY_derive(d1, s1, &l1) != 1 ||
        EVP_PKEY_derive_init(d2) != 1 || EVP_PKEY_derive_set_peer(d2, k1) != 1 ||
        EVP_PKEY_derive(d2, s2, &l2) != 1 || l1 != l2 || memcmp(s1, s2, l1) != 0) {
        bench_die("X25519 derive");
    }
    EVP_PKEY_CTX_free(d1);
    EVP_PKEY_CTX_free(d2);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}

/* The CertificateVerify signature and its check (RFC 8446 §4.4.3: 64 spaces,
 * the context string, a zero byte and a SHA-256 transcript hash). */
static void ecdsa_sign_verify(struct hs_bench *b, EVP_MD_CTX *md)
{
    uint8_t msg[64 + 33 + 1 + 32];
    uint8_t sig[80];
    size_t len = sizeof sig;
    memset(msg, 0x20, sizeof msg);
    if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, b->cert.key) != 1 ||
        EVP_DigestSign(md, sig, &len, msg, sizeof msg) != 1 || EVP_MD_CTX_reset(md) != 1 ||
        EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, b->cert.key) != 1 ||
        EVP_DigestVerify(md, sig, len, msg, sizeof msg) != 1 || EVP_MD_CTX_reset(md) != 1) {
        bench_die("ECDSA P-256");
    }
}

/* Full handshake math when with_sig, else a resumed handshake's (X25519 only). */
static double raw_math(struct hs_bench *b, long n, bool with_sig)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL) {
        bench_die("EVP_MD_CTX");
    }
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        x25519_pair(b);
        if (with_sig) {
            ecdsa_sign_verify(b, md);
        }
    }
    double rate = (double)n / (bench_cpu_seconds() - t0);
    EVP_MD_CTX_free(md);
    return rate;
}

static void setup(struct hs_bench *b)
{
    memset(b, 0, sizeof *b);
    bench_cert_make(&b->cert);
    b->gls_s = bench_gls_server_config(&b->cert, SUITE, false);
    b->gls_c = bench_gls_client_config(&b->cert, SUITE, false);
    b->gls_rs = bench_gls_server_config(&b->cert, SUITE, true);
    b->gls_rc = bench_gls_client_config(&b->cert, SUITE, true);
    b->ossl_s = bench_ossl_server_ctx(&b->cert, SUITE_NAME, false);
    b->ossl_rs = bench_ossl_server_ctx(&b->cert, SUITE_NAME, true);
    b->ossl_c = bench_ossl_client_ctx(&b->cert, SUITE_NAME);
    b->x25519_gen = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    if (b->x25519_gen == NULL || EVP_PKEY_keygen_init(b->x25519_gen) != 1) {
        bench_die("X25519 context");
    }
    /* what each side negotiates, once: the rest only times it */
    gls_conn *c = gls_client_new(b->gls_rc, BENCH_HOST);
    gls_conn *s = gls_server_new(b->gls_rs);
    gls_conn_info info;
    if (c == NULL || s == NULL || !bench_gls_handshake(c, s) ||
        gls_conn_get_info(c, &info) != GLS_OK || info.suite != SUITE || info.group != 0x001d ||
        info.sigalg != 0x0403 || !info.peer_verified || info.resumed) {
        bench_die("glasstls first handshake");
    }
    gls_conn_free(c);
    gls_conn_free(s);
    if (!ossl_one_resumable(b, false)) {
        bench_die("OpenSSL first handshake");
    }
}

static void teardown(struct hs_bench *b)
{
    gls_config_free(b->gls_s);
    gls_config_free(b->gls_c);
    gls_config_free(b->gls_rs);
    gls_config_free(b->gls_rc);
    SSL_CTX_free(b->ossl_s);
    SSL_CTX_free(b->ossl_rs);
    SSL_CTX_free(b->ossl_c);
    SSL_SESSION_free(b->ossl_sess);
    EVP_PKEY_CTX_free(b->x25519_gen);
    bench_cert_free(&b->cert);
}

enum { GLS_FULL, OSSL_FULL, MATH_FULL, GLS_RES, OSSL_RES, MATH_RES, N_MEASURES };

static void summarize(const struct bench_stats *s)
{
    char ours[32];
    char theirs[32];
    double over = 100.0 * (s[MATH_FULL].best / s[GLS_FULL].best - 1);
    snprintf(ours, sizeof ours, "%+.0f%%", over);
    snprintf(theirs, sizeof theirs, "%+.0f%%", 100.0 * (s[MATH_FULL].best / s[OSSL_FULL].best - 1));
    bench_summary("full handshake: CPU time above its public-key math", "<= +15%", ours, theirs,
                  over <= 15.0 ? "yes" : "no");
    snprintf(ours, sizeof ours, "%.0f/s = %.2f x OpenSSL", s[GLS_FULL].best,
             s[GLS_FULL].best / s[OSSL_FULL].best);
    snprintf(theirs, sizeof theirs, "%.0f/s", s[OSSL_FULL].best);
    bench_summary("full handshakes per second", "-", ours, theirs, "-");
}

static void report(double samples[N_MEASURES][MAX_REPS], long reps, long n)
{
    static const char *const cols[] = {"handshakes/s, client+server (best; median)", "glasstls",
                                       "OpenSSL", "glasstls/OpenSSL"};
    struct bench_stats s[N_MEASURES];
    for (int m = 0; m < N_MEASURES; m++) {
        s[m] = bench_stats_of(samples[m], (size_t)reps);
    }
    char title[160];
    snprintf(title, sizeof title,
             "Handshakes: TLS 1.3, X25519, ECDSA P-256, %s; %ld per sample, best of %ld",
             SUITE_NAME, n, reps);
    bench_table_head(title, cols, 4);
    printf("| full handshake | %.0f (%.0f) | %.0f (%.0f) | %.2f |\n", s[GLS_FULL].best,
           s[GLS_FULL].median, s[OSSL_FULL].best, s[OSSL_FULL].median,
           s[GLS_FULL].best / s[OSSL_FULL].best);
    printf("| resumed handshake (ticket, psk_dhe_ke) | %.0f (%.0f) | %.0f (%.0f) | %.2f |\n",
           s[GLS_RES].best, s[GLS_RES].median, s[OSSL_RES].best, s[OSSL_RES].median,
           s[GLS_RES].best / s[OSSL_RES].best);
    printf("| math alone, full: 2 X25519 keygen + 2 derive, ECDSA sign + verify | %.0f (%.0f) "
           "| same | |\n",
           s[MATH_FULL].best, s[MATH_FULL].median);
    printf("| math alone, resumed: 2 X25519 keygen + 2 derive | %.0f (%.0f) | same | |\n",
           s[MATH_RES].best, s[MATH_RES].median);
    printf("| full handshake: time above the math (goal <= 15%%) | %+.0f%% | %+.0f%% | |\n",
           100.0 * (s[MATH_FULL].best / s[GLS_FULL].best - 1),
           100.0 * (s[MATH_FULL].best / s[OSSL_FULL].best - 1));
    printf("| resumed handshake: time above the math | %+.0f%% | %+.0f%% | |\n",
           100.0 * (s[MATH_RES].best / s[GLS_RES].best - 1),
           100.0 * (s[MATH_RES].best / s[OSSL_RES].best - 1));
    summarize(s);
}

int main(int argc, char **argv)
{
    long n = bench_arg(argc, argv, 1, 200);
    long reps = bench_arg(argc, argv, 2, 5);
    static double samples[N_MEASURES][MAX_REPS];
    struct hs_bench b;
    if (reps > MAX_REPS) {
        reps = MAX_REPS;
    }
    setup(&b);
    for (long r = 0; r < reps; r++) { /* interleaved, so drift hits every column alike */
        samples[GLS_FULL][r] = gls_full(&b, n);
        samples[OSSL_FULL][r] = ossl_full(&b, n);
        samples[MATH_FULL][r] = raw_math(&b, n, true);
        samples[GLS_RES][r] = gls_resumed(&b, n);
        samples[OSSL_RES][r] = ossl_resumed(&b, n);
        samples[MATH_RES][r] = raw_math(&b, n, false);
    }
    report(samples, reps, n);
    teardown(&b);
    return 0;
}
