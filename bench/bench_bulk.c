/* bench/bench_bulk.c — bulk throughput of TLS 1.3 application data (RFC 8446
 * §5.2): the client writes records of 16 KiB or 1 KiB, the server reads them,
 * for glasstls, OpenSSL's libssl and GnuTLS over the same pipes (each record
 * copied once into the pipe by its writer and once out by its reader), with
 * AES-128-GCM and ChaCha20-Poly1305. Next to them the raw AEAD the record
 * layer can at best approach: libcrypto's EVP seal+open of one record's
 * payload (the crypto under glasstls and libssl), and GnuTLS's own
 * gnutls_aead_cipher encrypt+decrypt (nettle, the crypto under GnuTLS).
 * Each reader reads the way its library reads: libssl's SSL_read and GnuTLS's
 * gnutls_record_recv open a record when they are called, into the caller's
 * buffer after their own in-place decrypt; glasstls runs with open-on-read
 * (gls_config_set_open_on_read), which opens a record inside gls_conn_read and
 * decrypts it straight from its input buffer into the caller's. The transport is
 * the same for all three: one copy into the pipe, one copy out.
 * Ratios are medians of per-round ratios.
 *   bench_bulk [MiB [rounds]]
 *   bench_bulk --count LIB CIPHER SIZE N   (LIB: glasstls|OpenSSL|GnuTLS|raw|rawpipe; CIPHER:
 *                                          aes|chacha; N records of SIZE bytes, for
 *                                          callgrind --toggle-collect=measured;
 *                                          GLS_BENCH_COPY_READ=1: glasstls without
 *                                          open-on-read) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <openssl/evp.h>

#include "bench_util.h"

#define MAX_ROUNDS      32
#define MAX_RECORD      16384
#define TLS13_EXPANSION 22 /* header 5, content type 1, tag 16 */
#if defined(__clang__)
#define BENCH_NOCLONE __attribute__((noinline))
#else
#define BENCH_NOCLONE __attribute__((noinline, noclone))
#endif

struct cipher {
    const char *label;
    uint16_t suite;
    const char *ossl_suite;
    const char *gnutls_prio;
    const char *evp_name;
    gnutls_cipher_algorithm_t gnutls_alg;
    double target16k;
    double target1k;
};

static const struct cipher ciphers[] = {
    {"AES-128-GCM", 0x1301, "TLS_AES_128_GCM_SHA256",
     "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519",
     "AES-128-GCM", GNUTLS_CIPHER_AES_128_GCM, 0.95, 0.85},
    {"ChaCha20-Poly1305", 0x1303, "TLS_CHACHA20_POLY1305_SHA256",
     "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-X25519",
     "ChaCha20-Poly1305", GNUTLS_CIPHER_CHACHA20_POLY1305, 0.95, 0.80},
};
static const size_t sizes[] = {16384, 1024};

static uint8_t wbuf[MAX_RECORD + TLS13_EXPANSION];
static uint8_t pbuf[MAX_RECORD + TLS13_EXPANSION];
static uint8_t rbuf[MAX_RECORD];

/* Each record starts with its number, so the reader can tell it got the right one. */
static double tls_rate(struct bench_pair *p, size_t size, long records)
{
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        memcpy(wbuf, &i, sizeof i);
        if (!bench_pair_c2s(p, wbuf, rbuf, size) || memcmp(rbuf, &i, sizeof i) != 0) {
            bench_die("bulk transfer");
        }
    }
    return (double)records * (double)size / (bench_cpu_seconds() - t0) / 1e6;
}

/* One record's AEAD through EVP: nonce, 5 bytes of additional data (the record
 * header), the payload in place, the tag; then the same to open it. */
static void evp_once(EVP_CIPHER_CTX *enc, EVP_CIPHER_CTX *dec, uint8_t *buf, size_t size, long i)
{
    uint8_t nonce[12] = {0};
    uint8_t aad[5] = {23, 3, 3, 0x40, 0x11};
    uint8_t tag[16];
    uint8_t fin[16];
    int outl = 0;
    memcpy(nonce + 4, &i, sizeof i);
    if (EVP_EncryptInit_ex(enc, NULL, NULL, NULL, nonce) != 1 ||
        EVP_EncryptUpdate(enc, NULL, &outl, aad, sizeof aad) != 1 ||
        EVP_EncryptUpdate(enc, buf, &outl, buf, (int)size) != 1 ||
        EVP_EncryptFinal_ex(enc, fin, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_AEAD_GET_TAG, sizeof tag, tag) != 1) {
        bench_die("raw EVP AEAD");
    }
    if (EVP_DecryptInit_ex(dec, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(dec, NULL, &outl, aad, sizeof aad) != 1 ||
        EVP_DecryptUpdate(dec, buf, &outl, buf, (int)size) != 1 ||
        EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_AEAD_SET_TAG, sizeof tag, tag) != 1 ||
        EVP_DecryptFinal_ex(dec, fin, &outl) != 1) {
        bench_die("raw EVP AEAD");
    }
}

/* The floor a TLS 1.3 record layer with caller-owned buffers can reach over this
 * transport, in libcrypto calls and copies alone: the writer seals the caller's
 * payload and its content type byte (RFC 8446 §5.2: one byte more than the payload,
 * which costs libcrypto a partial block) into its record buffer, out of place (under
 * 4 KiB: the payload copied next to the type byte and sealed in one call, as glasstls
 * does); the record (header, payload, type byte, tag) is copied into the pipe and out
 * into the reader's record buffer, as the transport does for the libraries; the
 * reader opens it out of place into the caller's buffer (the type byte to a spill
 * when the buffer has no room for it). No framing, no checks, no state. */
static uint8_t obuf[MAX_RECORD + TLS13_EXPANSION];
static uint8_t ibuf[MAX_RECORD + TLS13_EXPANSION];
static void floor_once(EVP_CIPHER_CTX *enc, EVP_CIPHER_CTX *dec, const uint8_t *src, uint8_t *dst,
                       size_t dst_cap, size_t size, long i, uint8_t *pipe)
{
    uint8_t nonce[12] = {0};
    uint8_t aad[5] = {23, 3, 3, 0x40, 0x11};
    uint8_t type = 23;
    uint8_t spill = 0;
    uint8_t fin[16];
    int outl = 0;
    int n = (int)size;
    uint8_t *body = obuf + 5;
    uint8_t *tag = body + size + 1;
    memcpy(nonce + 4, &i, sizeof i);
    memcpy(obuf, aad, sizeof aad);
    bool ok = EVP_EncryptInit_ex(enc, NULL, NULL, NULL, nonce) == 1 &&
              EVP_EncryptUpdate(enc, NULL, &outl, aad, sizeof aad) == 1;
    if (size < 4096) {
        memcpy(body, src, size);
        body[size] = type;
        ok = ok && EVP_EncryptUpdate(enc, body, &outl, body, n + 1) == 1;
    } else {
        ok = ok && EVP_EncryptUpdate(enc, body, &outl, src, n) == 1 &&
             EVP_EncryptUpdate(enc, body + size, &outl, &type, 1) == 1;
    }
    ok = ok && EVP_EncryptFinal_ex(enc, fin, &outl) == 1 &&
         EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1;
    memcpy(pipe, obuf, size + TLS13_EXPANSION);
    memcpy(ibuf, pipe, size + TLS13_EXPANSION);
    ok = ok && EVP_DecryptInit_ex(dec, NULL, NULL, NULL, nonce) == 1 &&
         EVP_DecryptUpdate(dec, NULL, &outl, ibuf, 5) == 1;
    if (size < dst_cap) { /* the type byte fits the caller's buffer too: one call */
        ok = ok && EVP_DecryptUpdate(dec, dst, &outl, ibuf + 5, n + 1) == 1;
        spill = dst[size];
    } else {
        ok = ok && EVP_DecryptUpdate(dec, dst, &outl, ibuf + 5, n) == 1 &&
             EVP_DecryptUpdate(dec, &spill, &outl, ibuf + 5 + size, 1) == 1;
    }
    ok = ok && EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_AEAD_SET_TAG, 16, ibuf + 5 + size + 1) == 1 &&
         EVP_DecryptFinal_ex(dec, fin, &outl) == 1 && spill == type;
    if (!ok) {
        bench_die("raw EVP AEAD (the floor)");
    }
}

static EVP_CIPHER_CTX *evp_ctx(const struct cipher *ci, bool encrypt)
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

static double evp_rate(const struct cipher *ci, size_t size, long records, uint8_t *pipe)
{
    EVP_CIPHER_CTX *enc = evp_ctx(ci, true);
    EVP_CIPHER_CTX *dec = evp_ctx(ci, false);
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        if (pipe == NULL) {
            evp_once(enc, dec, wbuf, size, i);
        } else {
            floor_once(enc, dec, wbuf, rbuf, sizeof rbuf, size, i, pipe);
        }
    }
    double rate = (double)records * (double)size / (bench_cpu_seconds() - t0) / 1e6;
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    return rate;
}

/* The same through GnuTLS's AEAD API (its own crypto), out of place as it requires. */
static double gnutls_raw_rate(const struct cipher *ci, size_t size, long records)
{
    static uint8_t ct[MAX_RECORD + 16];
    uint8_t keyb[32] = {1, 2, 3};
    gnutls_datum_t key = {keyb, (unsigned)gnutls_cipher_get_key_size(ci->gnutls_alg)};
    gnutls_aead_cipher_hd_t h = NULL;
    uint8_t aad[5] = {23, 3, 3, 0x40, 0x11};
    if (gnutls_aead_cipher_init(&h, ci->gnutls_alg, &key) < 0) {
        bench_die("GnuTLS AEAD");
    }
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < records; i++) {
        uint8_t nonce[12] = {0};
        size_t ctl = sizeof ct;
        size_t ptl = MAX_RECORD;
        memcpy(nonce + 4, &i, sizeof i);
        if (gnutls_aead_cipher_encrypt(h, nonce, 12, aad, 5, 16, wbuf, size, ct, &ctl) < 0 ||
            gnutls_aead_cipher_decrypt(h, nonce, 12, aad, 5, 16, ct, ctl, rbuf, &ptl) < 0 ||
            ptl != size) {
            bench_die("GnuTLS AEAD seal/open");
        }
    }
    double rate = (double)records * (double)size / (bench_cpu_seconds() - t0) / 1e6;
    gnutls_aead_cipher_deinit(h);
    return rate;
}

/* What callgrind counts (--toggle-collect=measured): n records through a
 * connection pair, or n raw EVP seal+open (through pipe if not NULL) when p is NULL. */
BENCH_NOCLONE void measured(struct bench_pair *p, EVP_CIPHER_CTX *enc, EVP_CIPHER_CTX *dec,
                            size_t size, long n, uint8_t *pipe);
BENCH_NOCLONE void measured(struct bench_pair *p, EVP_CIPHER_CTX *enc, EVP_CIPHER_CTX *dec,
                            size_t size, long n, uint8_t *pipe)
{
    for (long i = 0; i < n; i++) {
        memcpy(wbuf, &i, sizeof i);
        if (p == NULL && pipe == NULL) {
            evp_once(enc, dec, wbuf, size, i);
        } else if (p == NULL) {
            floor_once(enc, dec, wbuf, rbuf, sizeof rbuf, size, i, pipe);
        } else if (!bench_pair_c2s(p, wbuf, rbuf, size) || memcmp(rbuf, &i, sizeof i) != 0) {
            bench_die("bulk transfer");
        }
    }
}

static int count_mode(int argc, char **argv)
{
    const struct cipher *ci = NULL;
    long size = bench_arg(argc, argv, 4, 16384);
    long n = bench_arg(argc, argv, 5, 1000);
    if (argc > 3) {
        ci = strcmp(argv[3], "aes") == 0      ? &ciphers[0]
             : strcmp(argv[3], "chacha") == 0 ? &ciphers[1]
                                              : NULL;
    }
    if (ci == NULL || size < 8 || size > MAX_RECORD) {
        fprintf(stderr, "usage: bench_bulk --count LIB aes|chacha SIZE N\n");
        return 2;
    }
    if (strcmp(argv[2], "raw") == 0 || strcmp(argv[2], "rawpipe") == 0) {
        EVP_CIPHER_CTX *enc = evp_ctx(ci, true);
        EVP_CIPHER_CTX *dec = evp_ctx(ci, false);
        measured(NULL, enc, dec, (size_t)size, n, strcmp(argv[2], "raw") == 0 ? NULL : pbuf);
        EVP_CIPHER_CTX_free(enc);
        EVP_CIPHER_CTX_free(dec);
        return 0;
    }
    struct bench_scn scn = *bench_scn_find("tls13-ecdsa");
    scn.suite = ci->suite;
    scn.ossl_suite = ci->ossl_suite;
    scn.gnutls_prio = ci->gnutls_prio;
    scn.gls_open_on_read = getenv("GLS_BENCH_COPY_READ") == NULL;
    for (int l = 0; l < BENCH_N_LIBS; l++) {
        if (strcmp(argv[2], bench_lib_names[l]) == 0) {
            struct bench_ep *ep = bench_ep_new((enum bench_lib)l, &scn);
            struct bench_pair *p = bench_pair_new(ep);
            tls_rate(p, (size_t)size, 16); /* warm up, as in the table */
            measured(p, NULL, NULL, (size_t)size, n, NULL);
            bench_pair_free_side(p, 0);
            bench_pair_free_side(p, 1);
            bench_ep_free(ep);
            bench_certs_free();
            return 0;
        }
    }
    fprintf(stderr, "bench: unknown library %s\n", argv[2]);
    return 2;
}

enum { M_GLS, M_OSSL, M_GNUTLS, M_EVP, M_GNUTLS_RAW, M_EVP_PIPE, N_MEASURES };

struct cell {
    double rate[N_MEASURES][MAX_ROUNDS];
    double gls_raw[MAX_ROUNDS];
    double floor[MAX_ROUNDS]; /* the floor over this transport (floor_once) / raw EVP */
    double ossl_raw[MAX_ROUNDS];
    double gnutls_raw[MAX_ROUNDS];
    double gls_ossl[MAX_ROUNDS];
    double gls_gnutls[MAX_ROUNDS];
};

static double med(double *v, long n)
{
    return bench_median(v, (size_t)n);
}

static void report(const struct cipher *ci, size_t size, struct cell *c, long rounds)
{
    double target = size == 16384 ? ci->target16k : ci->target1k;
    double gr = med(c->gls_raw, rounds);
    printf(
        "| %s, %zu-byte records | %.0f | %.0f | %.0f | %.0f | %.0f | %.3f | %.3f | %.3f | %.2f | "
        "%.2f |\n",
        ci->label, size, med(c->rate[M_GLS], rounds), med(c->rate[M_OSSL], rounds),
        med(c->rate[M_GNUTLS], rounds), med(c->rate[M_EVP], rounds),
        med(c->rate[M_GNUTLS_RAW], rounds), gr, med(c->ossl_raw, rounds),
        med(c->gnutls_raw, rounds), med(c->gls_ossl, rounds), med(c->gls_gnutls, rounds));
    char what[96];
    char tgt[32];
    char val[256];
    snprintf(what, sizeof what, "bulk %s, %zu-byte records: share of raw AEAD", ci->label, size);
    snprintf(tgt, sizeof tgt, ">= %.2f", target);
    snprintf(val, sizeof val,
             "%.3f (OpenSSL %.3f, GnuTLS %.3f of its own raw; floor for a record layer over "
             "this transport: libcrypto calls and copies alone, %.3f)",
             gr, med(c->ossl_raw, rounds), med(c->gnutls_raw, rounds), med(c->floor, rounds));
    bench_summary(what, tgt, val, gr >= target ? "yes" : "no");
}

int main(int argc, char **argv)
{
    enum { N_CI = sizeof ciphers / sizeof ciphers[0], N_SZ = sizeof sizes / sizeof sizes[0] };
    if (argc > 1 && strcmp(argv[1], "--count") == 0) {
        return count_mode(argc, argv);
    }
    long mib = bench_arg(argc, argv, 1, 64);
    long rounds = bench_arg(argc, argv, 2, 7);
    static struct cell cells[N_CI][N_SZ];
    struct bench_scn scn[N_CI];
    struct bench_pair *pairs[N_CI][BENCH_N_LIBS];
    struct bench_ep *eps[N_CI][BENCH_N_LIBS];
    if (rounds > MAX_ROUNDS) {
        rounds = MAX_ROUNDS;
    }
    for (size_t i = 0; i < N_CI; i++) {
        scn[i] = *bench_scn_find("tls13-ecdsa");
        scn[i].suite = ciphers[i].suite;
        scn[i].ossl_suite = ciphers[i].ossl_suite;
        scn[i].gnutls_prio = ciphers[i].gnutls_prio;
        scn[i].gls_open_on_read = true;
        for (int l = 0; l < BENCH_N_LIBS; l++) {
            eps[i][l] = bench_ep_new((enum bench_lib)l, &scn[i]);
            pairs[i][l] = bench_pair_new(eps[i][l]);
            tls_rate(pairs[i][l], 16384, 16); /* warm up: first touches of every buffer */
        }
    }
    for (long r = 0; r < rounds; r++) { /* interleaved; the order of libraries rotates */
        for (size_t i = 0; i < N_CI; i++) {
            for (size_t z = 0; z < N_SZ; z++) {
                struct cell *c = &cells[i][z];
                long records = mib * 1024 * 1024 / (long)sizes[z];
                for (int k = 0; k < BENCH_N_LIBS; k++) {
                    int l = (int)((k + r) % BENCH_N_LIBS);
                    c->rate[l][r] = tls_rate(pairs[i][l], sizes[z], records);
                }
                c->rate[M_EVP][r] = evp_rate(&ciphers[i], sizes[z], records, NULL);
                c->rate[M_EVP_PIPE][r] = evp_rate(&ciphers[i], sizes[z], records, pbuf);
                c->floor[r] = c->rate[M_EVP_PIPE][r] / c->rate[M_EVP][r];
                c->rate[M_GNUTLS_RAW][r] = gnutls_raw_rate(&ciphers[i], sizes[z], records);
                c->gls_raw[r] = c->rate[M_GLS][r] / c->rate[M_EVP][r];
                c->ossl_raw[r] = c->rate[M_OSSL][r] / c->rate[M_EVP][r];
                c->gnutls_raw[r] = c->rate[M_GNUTLS][r] / c->rate[M_GNUTLS_RAW][r];
                c->gls_ossl[r] = c->rate[M_GLS][r] / c->rate[M_OSSL][r];
                c->gls_gnutls[r] = c->rate[M_GLS][r] / c->rate[M_GNUTLS][r];
            }
        }
    }
    static const char *const cols[] = {"MB/s (median; 1 MB = 10^6 bytes)",
                                       "glasstls",
                                       "OpenSSL",
                                       "GnuTLS",
                                       "raw EVP (libcrypto)",
                                       "raw GnuTLS AEAD (nettle)",
                                       "glasstls/raw EVP",
                                       "OpenSSL/raw EVP",
                                       "GnuTLS/raw GnuTLS",
                                       "glasstls/OpenSSL",
                                       "glasstls/GnuTLS"};
    char title[200];
    snprintf(title, sizeof title,
             "### Bulk: TLS 1.3, client writes and server reads %ld MiB per sample, %ld "
             "interleaved rounds (ratios: medians of per-round ratios)",
             mib, rounds);
    bench_table_head(title, cols, 11);
    for (size_t i = 0; i < N_CI; i++) {
        for (size_t z = 0; z < N_SZ; z++) {
            report(&ciphers[i], sizes[z], &cells[i][z], rounds);
        }
    }
    for (size_t i = 0; i < N_CI; i++) {
        for (int l = 0; l < BENCH_N_LIBS; l++) {
            bench_pair_free_side(pairs[i][l], 0);
            bench_pair_free_side(pairs[i][l], 1);
            bench_ep_free(eps[i][l]);
        }
    }
    bench_certs_free();
    return 0;
}
