/* bench/bench_handshake.c — handshakes per second for every scenario of
 * bench_util.h (TLS 1.3 and 1.2; ECDSA and RSA certificates; X25519, ffdhe2048
 * and RSA key exchange; ticket, session-id and PSK-DHE resumption), for
 * glasstls, OpenSSL's libssl and GnuTLS, client and server in one process over
 * the same pipes. Rounds interleave every library and scenario; ratios are the
 * median of the per-round ratios. Also the public-key math of a TLS 1.3
 * ECDSA handshake done alone with libcrypto (2 X25519 keygen + derive, one
 * ECDSA P-256 sign + verify), to see what each library spends above it.
 *   bench_handshake [handshakes-per-sample [rounds]]
 *   bench_handshake --count LIB SCENARIO N   (LIB: glasstls|OpenSSL|GnuTLS|math;
 *                                            for callgrind --toggle-collect=measured) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "bench_util.h"

#define MAX_ROUNDS 32

/* Targets of issue 12: glasstls/OpenSSL and glasstls/GnuTLS at least (0: none). */
struct target {
    const char *id;
    double ossl;
    double gnutls;
};
static const struct target targets[] = {
    {"tls13-ecdsa", 1.5, 1.3},    {"tls13-rsa", 1.3, 0},   {"tls12-ecdhe-rsa", 1.3, 0},
    {"tls12-rsa-kx", 1.3, 0},     {"tls12-dhe", 3.0, 0},   {"tls12-ticket", 0, 1.2},
    {"tls12-session-id", 0, 1.2}, {"tls13-psk", 2.0, 1.3},
};

static const struct target *target_of(const char *id)
{
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        if (strcmp(targets[i].id, id) == 0) {
            return &targets[i];
        }
    }
    return NULL;
}

/* ---- the public-key math alone ---- */

struct math {
    EVP_PKEY_CTX *x25519_gen;
    EVP_MD_CTX *md;
    EVP_PKEY *ec;
};

static void x25519_pair(struct math *m)
{
    EVP_PKEY *k1 = NULL;
    EVP_PKEY *k2 = NULL;
    uint8_t s1[32];
    uint8_t s2[32];
    size_t l1 = sizeof s1;
    size_t l2 = sizeof s2;
    if (EVP_PKEY_generate(m->x25519_gen, &k1) != 1 || EVP_PKEY_generate(m->x25519_gen, &k2) != 1) {
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

/* The CertificateVerify signature and its check (RFC 8446 §4.4.3). */
static void ecdsa_sign_verify(struct math *m)
{
    uint8_t msg[64 + 33 + 1 + 32];
    uint8_t sig[80];
    size_t len = sizeof sig;
    memset(msg, 0x20, sizeof msg);
    if (EVP_DigestSignInit(m->md, NULL, EVP_sha256(), NULL, m->ec) != 1 ||
        EVP_DigestSign(m->md, sig, &len, msg, sizeof msg) != 1 || EVP_MD_CTX_reset(m->md) != 1 ||
        EVP_DigestVerifyInit(m->md, NULL, EVP_sha256(), NULL, m->ec) != 1 ||
        EVP_DigestVerify(m->md, sig, len, msg, sizeof msg) != 1 || EVP_MD_CTX_reset(m->md) != 1) {
        bench_die("ECDSA P-256");
    }
}

static void math_init(struct math *m)
{
    m->x25519_gen = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    m->md = EVP_MD_CTX_new();
    m->ec = bench_cert_get(BENCH_EC)->key;
    if (m->x25519_gen == NULL || m->md == NULL || EVP_PKEY_keygen_init(m->x25519_gen) != 1) {
        bench_die("math contexts");
    }
}

static void math_free(struct math *m)
{
    EVP_PKEY_CTX_free(m->x25519_gen);
    EVP_MD_CTX_free(m->md);
}

/* gcc may otherwise clone measured() under another name, which callgrind's toggle would miss;
 * clang has no such attribute. */
#if defined(__clang__)
#define BENCH_NOCLONE __attribute__((noinline))
#else
#define BENCH_NOCLONE __attribute__((noinline, noclone))
#endif

/* What callgrind counts (--toggle-collect=measured): n handshakes, or n times
 * the math when ep is NULL. */
BENCH_NOCLONE void measured(struct bench_ep *ep, struct math *m, long n, bool sig);
BENCH_NOCLONE void measured(struct bench_ep *ep, struct math *m, long n, bool sig)
{
    for (long i = 0; i < n; i++) {
        if (ep == NULL) {
            x25519_pair(m);
            if (sig) {
                ecdsa_sign_verify(m);
            }
        } else if (!bench_ep_handshake(ep)) {
            bench_die("handshake");
        }
    }
}

static double rate(struct bench_ep *ep, struct math *m, long n, bool sig)
{
    double t0 = bench_cpu_seconds();
    measured(ep, m, n, sig);
    return (double)n / (bench_cpu_seconds() - t0);
}

static int count_mode(int argc, char **argv)
{
    struct math m;
    const struct bench_scn *scn = argc > 3 ? bench_scn_find(argv[3]) : NULL;
    long n = bench_arg(argc, argv, 4, 20);
    if (scn == NULL) {
        fprintf(stderr, "usage: bench_handshake --count LIB SCENARIO N\n");
        return 2;
    }
    math_init(&m);
    if (strcmp(argv[2], "math") == 0) {
        measured(NULL, &m, n, scn->resume == BENCH_FULL);
    } else {
        struct bench_ep *ep = NULL;
        for (int l = 0; l < BENCH_N_LIBS; l++) {
            if (strcmp(argv[2], bench_lib_names[l]) == 0) {
                ep = bench_ep_new((enum bench_lib)l, scn);
            }
        }
        if (ep == NULL) {
            fprintf(stderr, "bench: unknown library %s\n", argv[2]);
            return 2;
        }
        printf("%s %s: %.0f handshakes/s\n", argv[2], scn->id, rate(ep, &m, n, false));
        bench_ep_free(ep);
    }
    math_free(&m);
    bench_certs_free();
    return 0;
}

/* ---- the table ---- */

struct row {
    double rate[BENCH_N_LIBS][MAX_ROUNDS];
    double vs[2][MAX_ROUNDS]; /* glasstls/OpenSSL, glasstls/GnuTLS per round */
    double math[MAX_ROUNDS];
    double above[MAX_ROUNDS]; /* glasstls time above the math, per round */
};

static void report_row(const struct bench_scn *scn, struct row *r, long rounds)
{
    const struct target *t = target_of(scn->id);
    double med[BENCH_N_LIBS];
    for (int l = 0; l < BENCH_N_LIBS; l++) {
        med[l] = bench_median(r->rate[l], (size_t)rounds);
    }
    double vo = bench_median(r->vs[0], (size_t)rounds);
    double vg = bench_median(r->vs[1], (size_t)rounds);
    char tgt[64] = "-";
    bool met = true;
    if (t != NULL && t->ossl > 0 && t->gnutls > 0) {
        snprintf(tgt, sizeof tgt, ">= %.1fx OpenSSL, >= %.1fx GnuTLS", t->ossl, t->gnutls);
        met = vo >= t->ossl && vg >= t->gnutls;
    } else if (t != NULL && t->ossl > 0) {
        snprintf(tgt, sizeof tgt, ">= %.1fx OpenSSL", t->ossl);
        met = vo >= t->ossl;
    } else if (t != NULL && t->gnutls > 0) {
        snprintf(tgt, sizeof tgt, ">= %.1fx GnuTLS", t->gnutls);
        met = vg >= t->gnutls;
    }
    printf("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %s |\n", scn->label, med[BENCH_GLS],
           med[BENCH_OSSL], med[BENCH_GNUTLS], vo, vg, tgt);
    char what[96];
    char val[64];
    snprintf(what, sizeof what, "%s: handshakes/s", scn->label);
    snprintf(val, sizeof val, "%.2fx OpenSSL, %.2fx GnuTLS", vo, vg);
    bench_summary(what, tgt, val, t == NULL ? "-" : met ? "yes" : "no");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--count") == 0) {
        return count_mode(argc, argv);
    }
    long n = bench_arg(argc, argv, 1, 100);
    long rounds = bench_arg(argc, argv, 2, 7);
    if (rounds > MAX_ROUNDS) {
        rounds = MAX_ROUNDS;
    }
    static struct row rows[16];
    struct bench_ep *eps[16][BENCH_N_LIBS];
    struct math m;
    math_init(&m);
    const char *only = getenv("GLS_BENCH_ONLY"); /* scenario ids to run, for quick checks */
    for (size_t s = 0; s < bench_n_scns; s++) {
        bool skip = only != NULL && strstr(only, bench_scns[s].id) == NULL;
        for (int l = 0; l < BENCH_N_LIBS; l++) {
            eps[s][l] = skip ? NULL : bench_ep_new((enum bench_lib)l, &bench_scns[s]);
        }
    }
    for (long r = 0; r < rounds; r++) { /* interleaved; the order of libraries rotates */
        for (size_t s = 0; s < bench_n_scns; s++) {
            struct row *row = &rows[s];
            if (eps[s][0] == NULL) {
                continue;
            }
            for (int k = 0; k < BENCH_N_LIBS; k++) {
                int l = (int)((k + r) % BENCH_N_LIBS);
                row->rate[l][r] = rate(eps[s][l], &m, n, false);
            }
            row->vs[0][r] = row->rate[BENCH_GLS][r] / row->rate[BENCH_OSSL][r];
            row->vs[1][r] = row->rate[BENCH_GLS][r] / row->rate[BENCH_GNUTLS][r];
            if (bench_scns[s].version == 0x0304 && bench_scns[s].cert == BENCH_EC) {
                bool full = bench_scns[s].resume == BENCH_FULL;
                row->math[r] = rate(NULL, &m, n, full);
                row->above[r] = row->math[r] / row->rate[BENCH_GLS][r] - 1;
            }
        }
    }
    static const char *const cols[] = {
        "handshakes/s, client+server (median)",          "glasstls",        "OpenSSL", "GnuTLS",
        "glasstls/OpenSSL (median of per-round ratios)", "glasstls/GnuTLS", "target"};
    char title[200];
    snprintf(title, sizeof title,
             "### Handshakes: %ld per sample, %ld interleaved rounds, process CPU time", n, rounds);
    bench_table_head(title, cols, 7);
    for (size_t s = 0; s < bench_n_scns; s++) {
        if (eps[s][0] != NULL) {
            report_row(&bench_scns[s], &rows[s], rounds);
        }
    }
    printf(
        "\n| public-key math alone (libcrypto), per second (median) | rate | glasstls time above "
        "it (median of per-round ratios) |\n|---|---:|---:|\n");
    for (size_t s = 0; s < bench_n_scns; s++) {
        if (eps[s][0] == NULL || bench_scns[s].version != 0x0304 ||
            bench_scns[s].cert != BENCH_EC) {
            continue;
        }
        bool full = bench_scns[s].resume == BENCH_FULL;
        printf("| %s: %s | %.0f | %+.0f%% |\n", bench_scns[s].label,
               full ? "2 X25519 keygen + 2 derive, ECDSA P-256 sign + verify"
                    : "2 X25519 keygen + 2 derive",
               bench_median(rows[s].math, (size_t)rounds),
               100 * bench_median(rows[s].above, (size_t)rounds));
    }
    for (size_t s = 0; s < bench_n_scns; s++) {
        for (int l = 0; l < BENCH_N_LIBS; l++) {
            bench_ep_free(eps[s][l]);
        }
    }
    math_free(&m);
    bench_certs_free();
    return 0;
}
