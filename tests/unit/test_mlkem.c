/* ML-KEM-768/1024 (crypto/mlkem.c): NIST ACVP known answers for key
 * generation, encapsulation and decapsulation (with implicit rejection), the
 * C2SP CCTV edge cases (strcmp-style comparison, long SampleNTT streams,
 * encapsulation keys failing the modulus check), round trips, implicit
 * rejection recomputed as J(z || c) with libcrypto's SHAKE256, and every
 * input check with its exact error; the key-exchange backend (kem.c) against
 * our code. Vectors: tests/vectors/mlkem_acvp.txt. */
#include "harness.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto/mlkem.h"

#define LINE_MAX_BYTES 20000

static gls_mlkem_set set_of(const char *s)
{
    return strcmp(s, "768") == 0 ? GLS_MLKEM768 : GLS_MLKEM1024;
}

/* SHAKE256(a || b) truncated to 32 bytes: J of FIPS 203 §4.1. */
static void shake_j(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t out[32])
{
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    if (x == NULL || EVP_DigestInit_ex(x, EVP_shake256(), NULL) != 1 ||
        EVP_DigestUpdate(x, a, alen) != 1 || EVP_DigestUpdate(x, b, blen) != 1 ||
        EVP_DigestFinalXOF(x, out, 32) != 1) {
        abort();
    }
    EVP_MD_CTX_free(x);
}

/* Splits a vector line into at most 8 whitespace-separated fields. */
static size_t fields(char *line, char *f[8])
{
    size_t n = 0;
    for (char *t = strtok(line, " \n"); t != NULL && n < 8; t = strtok(NULL, " \n")) {
        f[n++] = t;
    }
    return n;
}

static uint8_t a[GLS_MLKEM_MAX_DK], b[GLS_MLKEM_MAX_DK], c[GLS_MLKEM_MAX_DK], d[GLS_MLKEM_MAX_DK];
static uint8_t out1[GLS_MLKEM_MAX_DK], out2[GLS_MLKEM_MAX_DK];

/* One vector line; returns false (with a message) on a mismatch. */
static bool run_line(char *line, char *what, size_t cap)
{
    char *f[8];
    size_t n = fields(line, f);
    uint8_t ss[32];
    if (n < 4) {
        return true;
    }
    gls_mlkem_set set = set_of(f[1]);
    snprintf(what, cap, "%s %s %s", f[0], f[1], f[2]);
    if (strcmp(f[0], "keygen") == 0 && n == 7) {
        unhex(f[3], a, sizeof a); /* d */
        unhex(f[4], b, sizeof b); /* z */
        size_t ekn = unhex(f[5], c, sizeof c);
        size_t dkn = unhex(f[6], d, sizeof d);
        return ekn == gls_mlkem_ek_len(set) && dkn == gls_mlkem_dk_len(set) &&
               gls_mlkem_keygen(set, a, b, out1, out2) == GLS_OK && memcmp(out1, c, ekn) == 0 &&
               memcmp(out2, d, dkn) == 0;
    }
    if (strcmp(f[0], "encap") == 0 && n == 7) {
        size_t ekn = unhex(f[3], a, sizeof a);
        unhex(f[4], b, sizeof b); /* m */
        size_t ctn = unhex(f[5], c, sizeof c);
        unhex(f[6], d, sizeof d); /* K */
        return ctn == gls_mlkem_ct_len(set) &&
               gls_mlkem_encaps(set, a, ekn, b, out1, ss) == GLS_OK && memcmp(out1, c, ctn) == 0 &&
               memcmp(ss, d, 32) == 0;
    }
    if (strcmp(f[0], "decap") == 0 && n == 6) {
        size_t dkn = unhex(f[3], a, sizeof a);
        size_t ctn = unhex(f[4], b, sizeof b);
        unhex(f[5], c, sizeof c); /* K */
        return dkn == gls_mlkem_dk_len(set) && gls_mlkem_decaps(set, a, b, ctn, ss) == GLS_OK &&
               memcmp(ss, c, 32) == 0;
    }
    if (strcmp(f[0], "badek") == 0 && n == 4) {
        size_t ekn = unhex(f[3], a, sizeof a);
        return ekn == gls_mlkem_ek_len(set) &&
               gls_mlkem_encaps(set, a, ekn, b, out1, ss) == GLS_E_BAD_KEY_SHARE;
    }
    return false;
}

TEST(published_vectors)
{
    FILE *fp = fopen(GLS_TEST_VECTORS "/mlkem_acvp.txt", "r");
    static char line[LINE_MAX_BYTES];
    char what[64];
    size_t count[4] = {0};
    CHECK(fp != NULL);
    while (fgets(line, sizeof line, fp) != NULL) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        count[line[0] == 'k' ? 0 : line[0] == 'e' ? 1 : line[0] == 'd' ? 2 : 3]++;
        if (!run_line(line, what, sizeof what)) {
            fclose(fp);
            FAIL("vector %s failed", what);
        }
    }
    fclose(fp);
    /* every kind of vector was there and ran */
    CHECK(count[0] == 6 && count[1] == 8 && count[2] == 12 && count[3] == 13);
}

static void seed(uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(v + 7 * i);
    }
}

static void round_trip(gls_mlkem_set set)
{
    static uint8_t ek[GLS_MLKEM_MAX_EK], dk[GLS_MLKEM_MAX_DK], ct[GLS_MLKEM_MAX_CT];
    uint8_t dd[32], z[32], m[32], k1[32], k2[32], kbar[32];
    size_t ctn = gls_mlkem_ct_len(set);
    for (uint8_t i = 0; i < 8; i++) {
        seed(dd, 32, i);
        seed(z, 32, (uint8_t)(i + 100));
        seed(m, 32, (uint8_t)(i + 200));
        CHECK_OK(gls_mlkem_keygen(set, dd, z, ek, dk));
        CHECK_OK(gls_mlkem_encaps(set, ek, gls_mlkem_ek_len(set), m, ct, k1));
        CHECK_OK(gls_mlkem_decaps(set, dk, ct, ctn, k2));
        CHECK(memcmp(k1, k2, 32) == 0);
        /* implicit rejection: one flipped bit anywhere gives J(z || c') */
        size_t pos = (i * 131u) % ctn;
        ct[pos] ^= (uint8_t)(1u << (i % 8));
        CHECK_OK(gls_mlkem_decaps(set, dk, ct, ctn, k2));
        shake_j(z, 32, ct, ctn, kbar);
        CHECK(memcmp(k2, kbar, 32) == 0);
        CHECK(memcmp(k2, k1, 32) != 0);
    }
}

TEST(round_trip_768)
{
    round_trip(GLS_MLKEM768);
}

TEST(round_trip_1024)
{
    round_trip(GLS_MLKEM1024);
}

/* FIPS 203 §7.2 and §7.3 input checks. */
TEST(input_checks)
{
    static uint8_t ek[GLS_MLKEM_MAX_EK], dk[GLS_MLKEM_MAX_DK], ct[GLS_MLKEM_MAX_CT];
    uint8_t s[32] = {1}, k[32];
    CHECK_OK(gls_mlkem_keygen(GLS_MLKEM768, s, s, ek, dk));
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK - 1, s, ct, k),
              GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK + 1, s, ct, k),
              GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM768, NULL, 0, s, ct, k), GLS_E_BAD_KEY_SHARE);
    /* a 768 key is not a 1024 key */
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM1024, ek, GLS_MLKEM768_EK, s, ct, k), GLS_E_BAD_KEY_SHARE);
    /* coefficient 0 set to q (0xd01 in 12 bits) and to 4095: the modulus check */
    uint8_t save0 = ek[0], save1 = ek[1];
    ek[0] = 0x01;
    ek[1] = (uint8_t)((save1 & 0xf0) | 0x0d);
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK, s, ct, k), GLS_E_BAD_KEY_SHARE);
    ek[0] = 0xff;
    ek[1] = (uint8_t)(save1 | 0x0f);
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK, s, ct, k), GLS_E_BAD_KEY_SHARE);
    /* q - 1 (0xd00) passes */
    ek[0] = 0x00;
    ek[1] = (uint8_t)((save1 & 0xf0) | 0x0d);
    CHECK_OK(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK, s, ct, k));
    ek[0] = save0;
    ek[1] = save1;
    /* the last coefficient of the last polynomial (bytes 1150-1151 hold its top bits) */
    uint8_t save = ek[3 * 384 - 1];
    ek[3 * 384 - 1] = 0xff;
    CHECK_ERR(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK, s, ct, k), GLS_E_BAD_KEY_SHARE);
    ek[3 * 384 - 1] = save;
    /* rho is free bytes: 0xff there is fine */
    ek[GLS_MLKEM768_EK - 1] = 0xff;
    CHECK_OK(gls_mlkem_encaps(GLS_MLKEM768, ek, GLS_MLKEM768_EK, s, ct, k));
    /* ciphertext lengths */
    CHECK_ERR(gls_mlkem_decaps(GLS_MLKEM768, dk, ct, GLS_MLKEM768_CT - 1, k), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_mlkem_decaps(GLS_MLKEM768, dk, ct, GLS_MLKEM768_CT + 1, k), GLS_E_BAD_KEY_SHARE);
    CHECK_ERR(gls_mlkem_decaps(GLS_MLKEM768, dk, NULL, 0, k), GLS_E_BAD_KEY_SHARE);
    /* a dk whose stored H(ek) does not match fails the hash check */
    dk[3 * 384 + GLS_MLKEM768_EK] ^= 1;
    CHECK_ERR(gls_mlkem_decaps(GLS_MLKEM768, dk, ct, GLS_MLKEM768_CT, k), GLS_E_CRYPTO);
}

TEST(sizes)
{
    CHECK_EQ(gls_mlkem_ek_len(GLS_MLKEM768), 1184);
    CHECK_EQ(gls_mlkem_dk_len(GLS_MLKEM768), 2400);
    CHECK_EQ(gls_mlkem_ct_len(GLS_MLKEM768), 1088);
    CHECK_EQ(gls_mlkem_ek_len(GLS_MLKEM1024), 1568);
    CHECK_EQ(gls_mlkem_dk_len(GLS_MLKEM1024), 3168);
    CHECK_EQ(gls_mlkem_ct_len(GLS_MLKEM1024), 1568);
}

/* The ML-KEM key exchange uses (kem.c): libcrypto's when it has one (OpenSSL >= 3.5), else
 * ours. Either way it must match ours byte for byte from the same seeds, decapsulate what ours
 * encapsulates (and the reverse), reject what ours rejects with the same error, and give the
 * same implicit-rejection secret. With OpenSSL 3.0 this checks the dispatch; with 3.5 it is a
 * differential test against libcrypto. */
TEST(key_exchange_backend)
{
    const gls_mlkem_set sets[] = {GLS_MLKEM768, GLS_MLKEM1024};
    static uint8_t ek2[GLS_MLKEM_MAX_EK], dk2[GLS_MLKEM_MAX_DK], ct2[GLS_MLKEM_MAX_CT];
    uint8_t seeds[96], k1[32], k2[32];
    CHECK(strcmp(gls_kem_impl(),
                 OPENSSL_VERSION_NUMBER >= 0x30500000L ? "libcrypto" : "glasstls") == 0);
    for (size_t si = 0; si < 2; si++) {
        gls_mlkem_set set = sets[si];
        size_t ekn = gls_mlkem_ek_len(set), dkn = gls_mlkem_dk_len(set);
        size_t ctn = gls_mlkem_ct_len(set);
        for (int i = 0; i < 20; i++) {
            CHECK(RAND_bytes(seeds, sizeof seeds) == 1);
            CHECK_OK(gls_mlkem_keygen(set, seeds, seeds + 32, a, b));
            CHECK_OK(gls_kem_keygen(NULL, set, seeds, seeds + 32, ek2, dk2));
            CHECK(memcmp(a, ek2, ekn) == 0 && memcmp(b, dk2, dkn) == 0);
            CHECK_OK(gls_mlkem_encaps(set, a, ekn, seeds + 64, c, k1));
            CHECK_OK(gls_kem_encaps(NULL, set, a, ekn, seeds + 64, ct2, k2));
            CHECK(memcmp(c, ct2, ctn) == 0 && memcmp(k1, k2, 32) == 0);
            CHECK_OK(gls_kem_decaps(NULL, set, b, c, ctn, k2));
            CHECK(memcmp(k1, k2, 32) == 0);
            c[i % ctn] ^= 0x40; /* implicit rejection: the same J(z || c) on both */
            CHECK_OK(gls_mlkem_decaps(set, b, c, ctn, k1));
            CHECK_OK(gls_kem_decaps(NULL, set, b, c, ctn, k2));
            CHECK(memcmp(k1, k2, 32) == 0);
        }
        CHECK_ERR(gls_kem_encaps(NULL, set, a, ekn - 1, seeds, ct2, k2), GLS_E_BAD_KEY_SHARE);
        a[0] = 0xff; /* the first coefficient 0xfff >= q: the modulus check */
        a[1] |= 0x0f;
        CHECK_ERR(gls_kem_encaps(NULL, set, a, ekn, seeds, ct2, k2), GLS_E_BAD_KEY_SHARE);
        CHECK_ERR(gls_kem_decaps(NULL, set, b, c, ctn - 1, k2), GLS_E_BAD_KEY_SHARE);
        CHECK_ERR(gls_kem_decaps(NULL, set, b, NULL, 0, k2), GLS_E_BAD_KEY_SHARE);
        b[dkn - 33] ^= 1; /* the stored H(ek) (dk = dk_pke || ek || H(ek) || z) */
        CHECK_ERR(gls_kem_decaps(NULL, set, b, c, ctn, k2), GLS_E_CRYPTO);
    }
}
