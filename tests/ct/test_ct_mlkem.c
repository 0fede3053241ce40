/* Constant time, checked by valgrind (tests/ct/ct.h): ML-KEM-768 and -1024
 * (crypto/mlkem.c) with every secret input marked undefined.
 * - KeyGen with the seeds d and z secret (rho, which goes into ek, is
 *   declassified inside mlkem.c at the one point it becomes public);
 * - Encaps with the message m secret (ek public);
 * - Decaps with the secret part of dk (s-hat) and z secret, for a valid
 *   ciphertext and for a modified one (implicit rejection: the compare and the
 *   select of K' or J(z || c) must not branch);
 * - the hybrid X25519MLKEM768 through the key-exchange seam with its rng
 *   output secret, respond and finish.
 * memcheck reports any branch or memory index that depends on a secret; the
 * results themselves are checked too (declassified before comparing). */
#include "ct.h"
#include "harness.h"

#include "crypto/crypto.h"
#include "crypto/mlkem.h"

/* An rng whose output is marked secret. */
static int secret_rng(void *arg, uint8_t *out, size_t n)
{
    uint8_t *ctr = arg;
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint8_t)(*ctr * 31 + i);
    }
    (*ctr)++;
    CT_SECRET(out, n);
    return GLS_OK;
}

static void check_set(gls_mlkem_set set)
{
    static uint8_t ek[GLS_MLKEM_MAX_EK], dk[GLS_MLKEM_MAX_DK], ct[GLS_MLKEM_MAX_CT];
    uint8_t d[32], z[32], m[32], k1[32], k2[32], k3[32];
    size_t ek_len = gls_mlkem_ek_len(set), ct_len = gls_mlkem_ct_len(set);
    size_t pke = gls_mlkem_dk_len(set) - ek_len - 64; /* dk = s-hat || ek || H(ek) || z */
    memset(d, 0x11, sizeof d);
    memset(z, 0x22, sizeof z);
    memset(m, 0x33, sizeof m);

    CT_SECRET(d, sizeof d);
    CT_SECRET(z, sizeof z);
    CHECK_OK(gls_mlkem_keygen(set, d, z, ek, dk));
    CT_PUBLIC(ek, ek_len); /* the public key is public */

    CT_SECRET(m, sizeof m);
    CHECK_OK(gls_mlkem_encaps(set, ek, ek_len, m, ct, k1));
    CT_PUBLIC(ct, ct_len); /* the ciphertext goes on the wire */

    CT_PUBLIC(dk + pke, ek_len + 32); /* ek and H(ek) inside dk are public */
    CT_SECRET(dk, pke);
    CT_SECRET(dk + pke + ek_len + 32, 32);
    CHECK_OK(gls_mlkem_decaps(set, dk, ct, ct_len, k2));
    ct[ct_len / 2] ^= 0x40; /* implicit rejection */
    CHECK_OK(gls_mlkem_decaps(set, dk, ct, ct_len, k3));

    CT_PUBLIC(k1, sizeof k1);
    CT_PUBLIC(k2, sizeof k2);
    CT_PUBLIC(k3, sizeof k3);
    CHECK(memcmp(k1, k2, 32) == 0);
    CHECK(memcmp(k1, k3, 32) != 0);
}

TEST(mlkem768_is_constant_time)
{
    check_set(GLS_MLKEM768);
}

TEST(mlkem1024_is_constant_time)
{
    check_set(GLS_MLKEM1024);
}

TEST(x25519mlkem768_seam_is_constant_time)
{
    static uint8_t cshare[GLS_KEX_MAX_SHARE], sshare[GLS_KEX_MAX_SHARE];
    static gls_kex_secret a, b;
    uint8_t cc = 1, sc = 2;
    gls_rng rc = {secret_rng, &cc}, rs = {secret_rng, &sc};
    gls_crypto *c = NULL;
    gls_kex *k = NULL;
    size_t cn = 0, sn = 0;
    CHECK_OK(gls_crypto_new(&c));
    CHECK_OK(gls_kex_new(c, GLS_GROUP_X25519MLKEM768, &rc, &k));
    CHECK_OK(gls_kex_public(k, cshare, sizeof cshare, &cn));
    CT_PUBLIC(cshare, cn);
    CHECK_OK(gls_kex_respond(c, GLS_GROUP_X25519MLKEM768, &rs, cshare, cn, sshare, sizeof sshare,
                             &sn, &a));
    CT_PUBLIC(sshare, sn);
    CHECK_OK(gls_kex_finish(k, sshare, sn, &b));
    CT_PUBLIC(a.b, a.len);
    CT_PUBLIC(b.b, b.len);
    CHECK(a.len == 64 && b.len == 64 && memcmp(a.b, b.b, 64) == 0);
    gls_kex_free(k);
    gls_crypto_free(c);
}

TEST(runs_under_valgrind)
{
    if (!CT_UNDER_VALGRIND()) {
        fprintf(stderr, "  (not under valgrind: results checked, timing not)\n");
    }
}
