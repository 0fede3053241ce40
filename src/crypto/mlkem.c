/* crypto/mlkem.c — ML-KEM-768 and ML-KEM-1024 as FIPS 203 (August 2024)
 * specifies them: the NTT arithmetic is ours, SHA3-256/512 and SHAKE128/256
 * come from libcrypto. Written for constant time: no branch and no memory
 * index depends on a secret (coefficients are reduced with Barrett
 * multiplications and masked conditional subtractions; implicit rejection
 * compares and selects with masks). Only public data (the matrix seed rho,
 * lengths, and the encapsulation key being checked) steers control flow.
 * Every secret intermediate is wiped before return.
 *
 * Coefficients are kept fully reduced in [0, q) at every step: simpler to
 * reason about than lazy reduction, and fast enough for one KEM per
 * handshake. Section and algorithm numbers below are FIPS 203's. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/secret.h"
#include "crypto/internal.h"
#include "crypto/mlkem.h"

#define N        256
#define Q        3329
#define MAX_K    4
#define POLY12   384       /* ByteEncode12 of one polynomial */
#define ETA      2         /* eta1 = eta2 = 2 for ML-KEM-768 and -1024 */
#define BARRETT  20642678u /* floor(2^36 / q) */
#define DIV_M    10321340u /* ceil(2^35 / q): (x * DIV_M) >> 35 == x / q for x < 2^23 */
#define N_INV    3303      /* 128^-1 mod q (Algorithm 10, step 14) */
#define XOF_RATE 168       /* SHAKE128 block size */
#define XOF_MAX  (24 * XOF_RATE)

/* ML-KEM-768 and -1024 share eta; du and dv differ (Table 2). */
struct params {
    unsigned k, du, dv;
    size_t ek_len, dk_len, ct_len;
};

static const struct params p768 = {3, 10, 4, GLS_MLKEM768_EK, GLS_MLKEM768_DK, GLS_MLKEM768_CT};
static const struct params p1024 = {4, 11, 5, GLS_MLKEM1024_EK, GLS_MLKEM1024_DK, GLS_MLKEM1024_CT};

/* zetas[i] = 17^BitRev7(i) mod q (Appendix A). */
static const uint16_t zetas[128] = {
    1,    1729, 2580, 3289, 2642, 630,  1897, 848,  1062, 1919, 193,  797,  2786, 3260, 569,  1746,
    296,  2447, 1339, 1476, 3046, 56,   2240, 1333, 1426, 2094, 535,  2882, 2393, 2879, 1974, 821,
    289,  331,  3253, 1756, 1197, 2304, 2277, 2055, 650,  1977, 2513, 632,  2865, 33,   1320, 1915,
    2319, 1435, 807,  452,  1438, 2868, 1534, 2402, 2647, 2617, 1481, 648,  2474, 3110, 1227, 910,
    17,   2761, 583,  2649, 1637, 723,  2288, 1100, 1409, 2662, 3281, 233,  756,  2156, 3015, 3050,
    1703, 1651, 2789, 1789, 1847, 952,  1461, 2687, 939,  2308, 2437, 2388, 733,  2337, 268,  641,
    1584, 2298, 2037, 3220, 375,  2549, 2090, 1645, 1063, 319,  2773, 757,  2099, 561,  2466, 2594,
    2804, 1092, 403,  1026, 1143, 2150, 2775, 886,  1722, 1212, 1874, 1029, 2110, 2935, 885,  2154,
};

/* gammas[i] = 17^(2 BitRev7(i) + 1) mod q (Appendix A, for Algorithm 11). */
static const uint16_t gammas[128] = {
    17,   3312, 2761, 568,  583,  2746, 2649, 680,  1637, 1692, 723,  2606, 2288, 1041, 1100, 2229,
    1409, 1920, 2662, 667,  3281, 48,   233,  3096, 756,  2573, 2156, 1173, 3015, 314,  3050, 279,
    1703, 1626, 1651, 1678, 2789, 540,  1789, 1540, 1847, 1482, 952,  2377, 1461, 1868, 2687, 642,
    939,  2390, 2308, 1021, 2437, 892,  2388, 941,  733,  2596, 2337, 992,  268,  3061, 641,  2688,
    1584, 1745, 2298, 1031, 2037, 1292, 3220, 109,  375,  2954, 2549, 780,  2090, 1239, 1645, 1684,
    1063, 2266, 319,  3010, 2773, 556,  757,  2572, 2099, 1230, 561,  2768, 2466, 863,  2594, 735,
    2804, 525,  1092, 2237, 403,  2926, 1026, 2303, 1143, 2186, 2150, 1179, 2775, 554,  886,  2443,
    1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300, 2110, 1219, 2935, 394,  885,  2444, 2154, 1175,
};

typedef struct {
    uint16_t c[N];
} poly;

typedef struct {
    poly v[MAX_K];
} polyvec;

static const struct params *params_of(gls_mlkem_set set)
{
    return set == GLS_MLKEM768 ? &p768 : set == GLS_MLKEM1024 ? &p1024 : NULL;
}

/* see mlkem.h */
size_t gls_mlkem_ek_len(gls_mlkem_set set)
{
    const struct params *p = params_of(set);
    return p != NULL ? p->ek_len : 0;
}

/* see mlkem.h */
size_t gls_mlkem_dk_len(gls_mlkem_set set)
{
    const struct params *p = params_of(set);
    return p != NULL ? p->dk_len : 0;
}

/* see mlkem.h */
size_t gls_mlkem_ct_len(gls_mlkem_set set)
{
    const struct params *p = params_of(set);
    return p != NULL ? p->ct_len : 0;
}

/* ---- arithmetic mod q, constant time ---- */

/* a mod q for a < 2q: subtract q, add it back under a mask if that went negative. */
static uint16_t csubq(uint32_t a)
{
    uint32_t r = a - Q;
    uint32_t mask = 0u - (r >> 31);
    return (uint16_t)(r + (Q & mask));
}

/* a mod q for a < 2^26 (Barrett: the quotient estimate is off by at most one). */
static uint16_t reduce(uint32_t a)
{
    uint32_t t = (uint32_t)(((uint64_t)a * BARRETT) >> 36);
    return csubq(a - t * Q);
}

static uint16_t fq_mul(uint16_t a, uint16_t b)
{
    return reduce((uint32_t)a * b);
}

static uint16_t fq_add(uint16_t a, uint16_t b)
{
    return csubq((uint32_t)a + b);
}

static uint16_t fq_sub(uint16_t a, uint16_t b)
{
    return csubq((uint32_t)a + Q - b);
}

/* Compress_d (§4.2.1): round(2^d x / q) mod 2^d, the division done as a
 * multiplication (exact for these operands; checked exhaustively in tests). */
static uint16_t compress(uint16_t x, unsigned d)
{
    uint64_t t = ((uint64_t)x << d) + (Q - 1) / 2;
    return (uint16_t)(((t * DIV_M) >> 35) & ((1u << d) - 1));
}

/* Decompress_d: round(q y / 2^d). */
static uint16_t decompress(uint16_t y, unsigned d)
{
    return (uint16_t)(((uint32_t)y * Q + (1u << (d - 1))) >> d);
}

/* ---- the NTT (Algorithms 9-12) ---- */

static void ntt(poly *f)
{
    unsigned k = 1;
    for (unsigned len = 128; len >= 2; len >>= 1) {
        for (unsigned start = 0; start < N; start += 2 * len) {
            uint16_t z = zetas[k++];
            for (unsigned j = start; j < start + len; j++) {
                uint16_t t = fq_mul(z, f->c[j + len]);
                f->c[j + len] = fq_sub(f->c[j], t);
                f->c[j] = fq_add(f->c[j], t);
            }
        }
    }
}

static void ntt_inverse(poly *f)
{
    unsigned k = 127;
    for (unsigned len = 2; len <= 128; len <<= 1) {
        for (unsigned start = 0; start < N; start += 2 * len) {
            uint16_t z = zetas[k--];
            for (unsigned j = start; j < start + len; j++) {
                uint16_t t = f->c[j];
                f->c[j] = fq_add(t, f->c[j + len]);
                f->c[j + len] = fq_mul(z, fq_sub(f->c[j + len], t));
            }
        }
    }
    for (unsigned j = 0; j < N; j++) {
        f->c[j] = fq_mul(f->c[j], N_INV);
    }
}

/* acc += f * g in the NTT domain (MultiplyNTTs with BaseCaseMultiply). */
static void ntt_mul_acc(poly *acc, const poly *f, const poly *g)
{
    for (unsigned i = 0; i < N / 2; i++) {
        uint16_t a0 = f->c[2 * i], a1 = f->c[2 * i + 1];
        uint16_t b0 = g->c[2 * i], b1 = g->c[2 * i + 1];
        uint16_t c0 = fq_add(fq_mul(a0, b0), fq_mul(fq_mul(a1, b1), gammas[i]));
        uint16_t c1 = fq_add(fq_mul(a0, b1), fq_mul(a1, b0));
        acc->c[2 * i] = fq_add(acc->c[2 * i], c0);
        acc->c[2 * i + 1] = fq_add(acc->c[2 * i + 1], c1);
    }
}

static void poly_add(poly *r, const poly *a)
{
    for (unsigned i = 0; i < N; i++) {
        r->c[i] = fq_add(r->c[i], a->c[i]);
    }
}

/* ---- encodings (Algorithms 5, 6) ---- */

/* ByteEncode_d: 256 d-bit values, little-endian bit order; writes 32 d bytes. */
static void byte_encode(uint8_t *out, const poly *f, unsigned d)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (unsigned i = 0; i < N; i++) {
        acc |= (uint32_t)f->c[i] << bits;
        bits += d;
        while (bits >= 8) {
            out[o++] = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
}

/* ByteDecode_d for d < 12, and for d = 12 without the reduction mod q. */
static void byte_decode(poly *f, const uint8_t *in, unsigned d)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (unsigned i = 0; i < N; i++) {
        while (bits < d) {
            acc |= (uint32_t)in[o++] << bits;
            bits += 8;
        }
        f->c[i] = (uint16_t)(acc & ((1u << d) - 1));
        acc >>= d;
        bits -= d;
    }
}

/* ByteDecode_12 of secret data: values mod q, reduced without branching. */
static void decode12_secret(poly *f, const uint8_t *in)
{
    byte_decode(f, in, 12);
    for (unsigned i = 0; i < N; i++) {
        f->c[i] = csubq(f->c[i]);
    }
}

/* The §7.2 modulus check on public input: every coefficient below q. */
static bool decode12_checked(poly *f, const uint8_t *in)
{
    uint16_t bad = 0;
    byte_decode(f, in, 12);
    for (unsigned i = 0; i < N; i++) {
        bad |= (uint16_t)((uint32_t)(Q - 1 - f->c[i]) >> 16);
    }
    return bad == 0;
}

/* ---- hashing (§4.1): H, J, G, PRF and XOF through libcrypto ---- */

/* out = md(a || b || c), or its first out_len bytes for an XOF. */
static int digest3(const EVP_MD *md, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                   const uint8_t *c, size_t clen, uint8_t *out, size_t out_len)
{
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    bool xof = (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF) != 0;
    bool ok =
        x != NULL && EVP_DigestInit_ex(x, md, NULL) == 1 && EVP_DigestUpdate(x, a, alen) == 1 &&
        (blen == 0 || EVP_DigestUpdate(x, b, blen) == 1) &&
        (clen == 0 || EVP_DigestUpdate(x, c, clen) == 1) &&
        (xof ? EVP_DigestFinalXOF(x, out, out_len) == 1 : EVP_DigestFinal_ex(x, out, NULL) == 1);
    EVP_MD_CTX_free(x); /* clears the sponge state */
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* SamplePolyCBD_2 (Algorithm 8) of PRF_2(s, n) = SHAKE256(s || n, 128). */
static int sample_cbd(poly *f, const uint8_t s[32], uint8_t n)
{
    uint8_t buf[64 * ETA];
    int err = digest3(EVP_shake256(), s, 32, &n, 1, NULL, 0, buf, sizeof buf);
    for (unsigned i = 0; i < N; i++) {
        unsigned nib = (buf[i / 2] >> (4 * (i & 1))) & 0xf;
        uint32_t x = (nib & 1) + ((nib >> 1) & 1);
        uint32_t y = ((nib >> 2) & 1) + ((nib >> 3) & 1);
        f->c[i] = csubq(x + Q - y);
    }
    OPENSSL_cleanse(buf, sizeof buf);
    return err;
}

/* SampleNTT (Algorithm 7) from SHAKE128(rho || col || row): entry [row][col]
 * of A-hat. Rejection sampling on public data; libcrypto 3.0 cannot squeeze
 * twice, so a short stream is drawn again longer (the XOF's output is a
 * prefix-stable stream). 4 blocks suffice except with probability < 2^-100. */
static int sample_ntt(poly *a, const uint8_t rho[32], uint8_t row, uint8_t col)
{
    uint8_t buf[XOF_MAX];
    uint8_t ij[2] = {col, row};
    for (size_t len = 4 * XOF_RATE; len <= XOF_MAX; len *= 2) {
        TRY(digest3(EVP_shake128(), rho, 32, ij, 2, NULL, 0, buf, len));
        unsigned j = 0;
        for (size_t o = 0; o + 3 <= len && j < N; o += 3) {
            uint16_t d1 = (uint16_t)(buf[o] | ((buf[o + 1] & 0xf) << 8));
            uint16_t d2 = (uint16_t)((buf[o + 1] >> 4) | (buf[o + 2] << 4));
            if (d1 < Q) {
                a->c[j++] = d1;
            }
            if (d2 < Q && j < N) {
                a->c[j++] = d2;
            }
        }
        if (j == N) {
            return GLS_OK;
        }
    }
    return GLS_E_CRYPTO;
}

/* ---- K-PKE (Algorithms 13-15) ---- */

/* t-hat = A-hat s-hat + e-hat, row by row: A's rows are sampled as needed. */
static int matrix_mul(const struct params *p, const uint8_t rho[32], const polyvec *s,
                      bool transpose, polyvec *out)
{
    poly a;
    for (unsigned i = 0; i < p->k; i++) {
        memset(&out->v[i], 0, sizeof out->v[i]);
        for (unsigned j = 0; j < p->k; j++) {
            TRY(transpose ? sample_ntt(&a, rho, (uint8_t)j, (uint8_t)i)
                          : sample_ntt(&a, rho, (uint8_t)i, (uint8_t)j));
            ntt_mul_acc(&out->v[i], &a, &s->v[j]);
        }
    }
    return GLS_OK;
}

/* K-PKE.KeyGen: ek = ByteEncode12(t-hat) || rho, dk_pke = ByteEncode12(s-hat). */
static int pke_keygen(const struct params *p, const uint8_t d[32], uint8_t *ek, uint8_t *dk)
{
    uint8_t seed[33];
    uint8_t rho_sigma[64]; /* (rho, sigma) = G(d || k) */
    polyvec s, e, t;
    uint8_t n = 0;
    int err;
    memcpy(seed, d, 32);
    seed[32] = (uint8_t)p->k;
    err = digest3(EVP_sha3_512(), seed, sizeof seed, NULL, 0, NULL, 0, rho_sigma, 64);
    GLS_CT_DECLASSIFY(rho_sigma, 32); /* rho goes into ek: public (tests/ct) */
    for (unsigned i = 0; i < p->k && err == GLS_OK; i++) {
        err = sample_cbd(&s.v[i], rho_sigma + 32, n++);
    }
    for (unsigned i = 0; i < p->k && err == GLS_OK; i++) {
        err = sample_cbd(&e.v[i], rho_sigma + 32, n++);
    }
    if (err == GLS_OK) {
        for (unsigned i = 0; i < p->k; i++) {
            ntt(&s.v[i]);
            ntt(&e.v[i]);
        }
        err = matrix_mul(p, rho_sigma, &s, false, &t);
    }
    if (err == GLS_OK) {
        for (unsigned i = 0; i < p->k; i++) {
            poly_add(&t.v[i], &e.v[i]);
            byte_encode(ek + POLY12 * i, &t.v[i], 12);
            byte_encode(dk + POLY12 * i, &s.v[i], 12);
        }
        memcpy(ek + POLY12 * p->k, rho_sigma, 32);
    }
    OPENSSL_cleanse(seed, sizeof seed);
    OPENSSL_cleanse(rho_sigma, sizeof rho_sigma);
    OPENSSL_cleanse(&s, sizeof s);
    OPENSSL_cleanse(&e, sizeof e);
    OPENSSL_cleanse(&t, sizeof t);
    return err;
}

/* The error terms and y of K-PKE.Encrypt, all from r. */
struct enc_noise {
    polyvec y, e1;
    poly e2;
};

static int encrypt_noise(const struct params *p, const uint8_t r[32], struct enc_noise *z)
{
    uint8_t n = 0;
    for (unsigned i = 0; i < p->k; i++) {
        TRY(sample_cbd(&z->y.v[i], r, n++));
    }
    for (unsigned i = 0; i < p->k; i++) {
        TRY(sample_cbd(&z->e1.v[i], r, n++));
    }
    TRY(sample_cbd(&z->e2, r, n));
    for (unsigned i = 0; i < p->k; i++) {
        ntt(&z->y.v[i]);
    }
    return GLS_OK;
}

/* K-PKE.Encrypt with t-hat already decoded from ek (and checked if public). */
static int pke_encrypt(const struct params *p, const polyvec *t, const uint8_t rho[32],
                       const uint8_t m[32], const uint8_t r[32], uint8_t *ct)
{
    struct enc_noise z;
    polyvec u;
    poly v, mu;
    int err = encrypt_noise(p, r, &z);
    if (err == GLS_OK) {
        err = matrix_mul(p, rho, &z.y, true, &u);
    }
    if (err == GLS_OK) {
        memset(&v, 0, sizeof v);
        for (unsigned i = 0; i < p->k; i++) {
            ntt_inverse(&u.v[i]);
            poly_add(&u.v[i], &z.e1.v[i]);
            ntt_mul_acc(&v, &t->v[i], &z.y.v[i]);
        }
        ntt_inverse(&v);
        for (unsigned i = 0; i < N; i++) { /* Decompress_1(ByteDecode_1(m)) */
            uint16_t bit = (m[i / 8] >> (i % 8)) & 1;
            mu.c[i] = (uint16_t)((0u - bit) & ((Q + 1) / 2));
        }
        poly_add(&v, &z.e2);
        poly_add(&v, &mu);
        for (unsigned i = 0; i < p->k; i++) {
            for (unsigned j = 0; j < N; j++) {
                u.v[i].c[j] = compress(u.v[i].c[j], p->du);
            }
            byte_encode(ct + 32 * p->du * i, &u.v[i], p->du);
        }
        for (unsigned j = 0; j < N; j++) {
            v.c[j] = compress(v.c[j], p->dv);
        }
        byte_encode(ct + 32 * p->du * p->k, &v, p->dv);
    }
    OPENSSL_cleanse(&z, sizeof z);
    OPENSSL_cleanse(&u, sizeof u);
    OPENSSL_cleanse(&v, sizeof v);
    OPENSSL_cleanse(&mu, sizeof mu);
    return err;
}

/* K-PKE.Decrypt: m = ByteEncode1(Compress1(v' - NTT^-1(s-hat . NTT(u')))). */
static void pke_decrypt(const struct params *p, const uint8_t *dk_pke, const uint8_t *ct,
                        uint8_t m[32])
{
    polyvec s, u;
    poly v, w;
    memset(&w, 0, sizeof w);
    for (unsigned i = 0; i < p->k; i++) {
        byte_decode(&u.v[i], ct + 32 * p->du * i, p->du);
        for (unsigned j = 0; j < N; j++) {
            u.v[i].c[j] = decompress(u.v[i].c[j], p->du);
        }
        ntt(&u.v[i]);
        decode12_secret(&s.v[i], dk_pke + POLY12 * i);
        ntt_mul_acc(&w, &s.v[i], &u.v[i]);
    }
    ntt_inverse(&w);
    byte_decode(&v, ct + 32 * p->du * p->k, p->dv);
    memset(m, 0, 32);
    for (unsigned j = 0; j < N; j++) {
        uint16_t x = fq_sub(decompress(v.c[j], p->dv), w.c[j]);
        m[j / 8] |= (uint8_t)(compress(x, 1) << (j % 8));
    }
    OPENSSL_cleanse(&s, sizeof s);
    OPENSSL_cleanse(&u, sizeof u);
    OPENSSL_cleanse(&v, sizeof v);
    OPENSSL_cleanse(&w, sizeof w);
}

/* ---- ML-KEM (Algorithms 16-18) ---- */

/* see mlkem.h */
int gls_mlkem_keygen(gls_mlkem_set set, const uint8_t d[GLS_MLKEM_SEED],
                     const uint8_t z[GLS_MLKEM_SEED], uint8_t *ek, uint8_t *dk)
{
    const struct params *p = params_of(set);
    if (p == NULL) {
        return GLS_E_INTERNAL;
    }
    size_t pke = POLY12 * p->k; /* dk = dk_pke || ek || H(ek) || z */
    TRY(pke_keygen(p, d, ek, dk));
    memcpy(dk + pke, ek, p->ek_len);
    TRY(digest3(EVP_sha3_256(), ek, p->ek_len, NULL, 0, NULL, 0, dk + pke + p->ek_len, 32));
    memcpy(dk + pke + p->ek_len + 32, z, 32);
    return GLS_OK;
}

/* see mlkem.h */
int gls_mlkem_ek_check(gls_mlkem_set set, const uint8_t *ek, size_t ek_len)
{
    const struct params *p = params_of(set);
    poly f;
    if (p == NULL || ek == NULL || ek_len != p->ek_len) {
        return GLS_E_BAD_KEY_SHARE; /* §7.2 type check */
    }
    for (unsigned i = 0; i < p->k; i++) {
        if (!decode12_checked(&f, ek + POLY12 * i)) {
            return GLS_E_BAD_KEY_SHARE; /* §7.2 modulus check */
        }
    }
    return GLS_OK;
}

/* see mlkem.h */
int gls_mlkem_encaps(gls_mlkem_set set, const uint8_t *ek, size_t ek_len,
                     const uint8_t m[GLS_MLKEM_SEED], uint8_t *ct, uint8_t ss[GLS_MLKEM_SEED])
{
    const struct params *p = params_of(set);
    polyvec t;
    uint8_t h[32];
    uint8_t kr[64]; /* (K, r) = G(m || H(ek)) */
    if (p == NULL || ek == NULL || ek_len != p->ek_len) {
        return GLS_E_BAD_KEY_SHARE; /* §7.2 type check */
    }
    for (unsigned i = 0; i < p->k; i++) {
        if (!decode12_checked(&t.v[i], ek + POLY12 * i)) {
            return GLS_E_BAD_KEY_SHARE; /* §7.2 modulus check */
        }
    }
    int err = digest3(EVP_sha3_256(), ek, ek_len, NULL, 0, NULL, 0, h, sizeof h);
    if (err == GLS_OK) {
        err = digest3(EVP_sha3_512(), m, 32, h, 32, NULL, 0, kr, sizeof kr);
    }
    if (err == GLS_OK) {
        err = pke_encrypt(p, &t, ek + POLY12 * p->k, m, kr + 32, ct);
    }
    if (err == GLS_OK) {
        memcpy(ss, kr, 32);
    }
    OPENSSL_cleanse(kr, sizeof kr);
    return err;
}

/* Equality of n bytes as a mask: 0xff if equal, 0 if not, without branching. */
static uint8_t ct_eq_mask(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint32_t)(a[i] ^ b[i]);
    }
    return (uint8_t)((acc - 1u) >> 8); /* acc in 0..255: only 0 borrows */
}

/* see mlkem.h */
int gls_mlkem_decaps(gls_mlkem_set set, const uint8_t *dk, const uint8_t *ct, size_t ct_len,
                     uint8_t ss[GLS_MLKEM_SEED])
{
    const struct params *p = params_of(set);
    if (p == NULL || ct == NULL || ct_len != p->ct_len) {
        return GLS_E_BAD_KEY_SHARE; /* §7.3 ciphertext type check */
    }
    size_t pke = POLY12 * p->k;
    const uint8_t *ek = dk + pke;
    const uint8_t *h = ek + p->ek_len;
    const uint8_t *z = h + 32;
    uint8_t check[32], m[32], kr[64], kbar[32];
    uint8_t ct2[GLS_MLKEM_MAX_CT];
    polyvec t;
    int err = digest3(EVP_sha3_256(), ek, p->ek_len, NULL, 0, NULL, 0, check, sizeof check);
    bool intact = gls_ct_eq(check, h, 32);
    GLS_CT_DECLASSIFY(&intact, sizeof intact); /* whether our own key is corrupt */
    if (err == GLS_OK && !intact) {
        err = GLS_E_CRYPTO; /* §7.3 hash check: dk is corrupt */
    }
    if (err == GLS_OK) {
        pke_decrypt(p, dk, ct, m);
        err = digest3(EVP_sha3_512(), m, 32, h, 32, NULL, 0, kr, sizeof kr);
    }
    if (err == GLS_OK) {
        err = digest3(EVP_shake256(), z, 32, ct, ct_len, NULL, 0, kbar, sizeof kbar);
    }
    if (err == GLS_OK) {
        for (unsigned i = 0; i < p->k; i++) {
            byte_decode(&t.v[i], ek + POLY12 * i, 12); /* our own key: already reduced */
        }
        err = pke_encrypt(p, &t, ek + pke, m, kr + 32, ct2);
    }
    if (err == GLS_OK) {
        uint8_t eq = ct_eq_mask(ct, ct2, ct_len);
        for (size_t i = 0; i < 32; i++) { /* K' if c == c', else K-bar */
            ss[i] = (uint8_t)((kr[i] & eq) | (kbar[i] & (uint8_t)~eq));
        }
    }
    OPENSSL_cleanse(m, sizeof m);
    OPENSSL_cleanse(kr, sizeof kr);
    OPENSSL_cleanse(kbar, sizeof kbar);
    OPENSSL_cleanse(ct2, sizeof ct2);
    return err;
}
