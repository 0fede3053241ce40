/* crypto/kex.c — ephemeral key exchange, KEM-shaped (STYLE §12.4): the client
 * makes a key and its share (gls_kex_new, gls_kex_public), the server answers
 * in one step (gls_kex_respond: for (EC)DH a key of its own and the shared
 * secret, for a KEM an encapsulation), and the client finishes
 * (gls_kex_finish: derive, or decapsulate). The groups: X25519 and X448
 * (RFC 7748 §6), ECDH over P-256, P-384 and P-521 (RFC 8446 §4.2.8.2, the
 * shared secret is the x-coordinate), finite-field DH over the RFC 7919 groups
 * (RFC 8446 §4.2.8.1, secret left-padded to |p|) or a TLS 1.2 server's
 * explicit p and g (RFC 5246 §7.4.3), ML-KEM-768/1024 (FIPS 203,
 * draft-ietf-tls-mlkem) and the hybrids X25519MLKEM768 and SecP256r1MLKEM768
 * (draft-ietf-tls-ecdhe-mlkem: the two shares and the two secrets
 * concatenated, ML-KEM first for X25519MLKEM768, ECDH first for P-256).
 * Every private key and KEM seed is drawn from the caller's gls_rng, so a
 * fixed rng gives fixed keys. Peer values are checked before use; a bad one
 * is GLS_E_BAD_KEY_SHARE. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "base/wire.h"
#include "crypto/internal.h"
#include "crypto/mlkem.h"

/* Rejection sampling of a private key: a fair rng is out of range this many
 * times in a row with probability below 2^-256. */
#define MAX_DRAWS    8
#define MAX_XDH_LEN  56 /* X448 */
#define MAX_EC_FIELD 66 /* P-521 */
#define MIN_DH_BITS  2048

enum kind { KIND_XDH, KIND_EC, KIND_FFDH, KIND_KEM, KIND_HYBRID };

struct group_info {
    uint16_t group;
    enum kind kind;
    const char *name; /* libcrypto's name for the curve */
    int nid;
    size_t pub_len;  /* the client's share (and a TLS 1.2 (EC)DH public value) */
    size_t resp_len; /* the server's share */
    int exp_bits;    /* FFDHE private exponent size (RFC 7919 §5.2, Appendix A) */
    gls_mlkem_set kem;
    uint16_t classic; /* hybrid: its (EC)DH group */
    bool kem_first;   /* hybrid: the ML-KEM part comes first in shares and secret */
};

#define K768  GLS_MLKEM768
#define K1024 GLS_MLKEM1024

/* The group table: every size the handshake needs comes from here.
 * GLS_KEX_MAX_SHARE (crypto.h) is the largest share; a test checks it. */
/* clang-format off */
static const struct group_info groups[] = {
    /* group                      kind         name         nid                   pub   resp  exp  kem    classic             kem_first */
    {GLS_GROUP_X25519,            KIND_XDH,    "X25519",    NID_X25519,           32,   32,   0,   0,     0,                  false},
    {GLS_GROUP_X448,              KIND_XDH,    "X448",      NID_X448,             56,   56,   0,   0,     0,                  false},
    {GLS_GROUP_SECP256R1,         KIND_EC,     "P-256",     NID_X9_62_prime256v1, 65,   65,   0,   0,     0,                  false},
    {GLS_GROUP_SECP384R1,         KIND_EC,     "P-384",     NID_secp384r1,        97,   97,   0,   0,     0,                  false},
    {GLS_GROUP_SECP521R1,         KIND_EC,     "P-521",     NID_secp521r1,        133,  133,  0,   0,     0,                  false},
    {GLS_GROUP_FFDHE2048,         KIND_FFDH,   "ffdhe2048", NID_undef,            256,  256,  225, 0,     0,                  false},
    {GLS_GROUP_FFDHE3072,         KIND_FFDH,   "ffdhe3072", NID_undef,            384,  384,  275, 0,     0,                  false},
    {GLS_GROUP_FFDHE4096,         KIND_FFDH,   "ffdhe4096", NID_undef,            512,  512,  325, 0,     0,                  false},
    {GLS_GROUP_FFDHE6144,         KIND_FFDH,   "ffdhe6144", NID_undef,            768,  768,  375, 0,     0,                  false},
    {GLS_GROUP_FFDHE8192,         KIND_FFDH,   "ffdhe8192", NID_undef,            1024, 1024, 400, 0,     0,                  false},
    {GLS_GROUP_MLKEM768,          KIND_KEM,    "ML-KEM-768", NID_undef,           1184, 1088, 0,   K768,  0,                  false},
    {GLS_GROUP_MLKEM1024,         KIND_KEM,    "ML-KEM-1024", NID_undef,          1568, 1568, 0,   K1024, 0,                  false},
    {GLS_GROUP_SECP256R1MLKEM768, KIND_HYBRID, "SecP256r1MLKEM768", NID_undef,    1249, 1153, 0,   K768,  GLS_GROUP_SECP256R1, false},
    {GLS_GROUP_X25519MLKEM768,    KIND_HYBRID, "X25519MLKEM768", NID_undef,       1216, 1120, 0,   K768,  GLS_GROUP_X25519,    true},
};
/* clang-format on */

struct gls_kex {
    enum kind kind;
    const struct group_info *info; /* NULL for explicit TLS 1.2 DH parameters */
    OSSL_LIB_CTX *libctx;
    const gls_crypto *crypto;
    gls_kex *classic;   /* hybrid: the (EC)DH half */
    uint8_t *dk;        /* KEM and hybrid: our ML-KEM decapsulation key */
    EVP_PKEY *pkey;     /* X25519 and EC: our key pair */
    EC_GROUP *ec_group; /* EC: for checking the peer's point */
    BIGNUM *p;          /* FFDH: the group and our exponent x */
    BIGNUM *p_minus_1;
    BIGNUM *g;
    BIGNUM *x;
    BN_MONT_CTX *mont;
    size_t plen;
    uint8_t pub[GLS_KEX_MAX_SHARE]; /* as it goes on the wire */
    size_t pub_len;
};

static const struct group_info *group_of(uint16_t group)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (groups[i].group == group) {
            return &groups[i];
        }
    }
    return NULL;
}

/* see crypto.h */
bool gls_kex_supported(uint16_t group)
{
    return group_of(group) != NULL;
}

/* see crypto.h */
gls_kex_kind gls_kex_group_kind(uint16_t group)
{
    const struct group_info *gi = group_of(group);
    if (gi == NULL) {
        return GLS_KEX_NONE;
    }
    switch (gi->kind) {
    case KIND_XDH:
    case KIND_EC:
        return GLS_KEX_EC;
    case KIND_FFDH:
        return GLS_KEX_FFDH;
    case KIND_KEM:
        return GLS_KEX_KEM;
    case KIND_HYBRID:
        return GLS_KEX_HYBRID;
    }
    return GLS_KEX_NONE;
}

/* see crypto.h */
size_t gls_kex_share_len(uint16_t group, bool server)
{
    const struct group_info *gi = group_of(group);
    return gi == NULL ? 0 : server ? gi->resp_len : gi->pub_len;
}

/* see crypto.h */
size_t gls_kex_max_share_len(void)
{
    size_t m = 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        m = groups[i].pub_len > m ? groups[i].pub_len : m;
        m = groups[i].resp_len > m ? groups[i].resp_len : m;
    }
    return m;
}

/* see crypto.h */
void gls_kex_secret_wipe(gls_kex_secret *s)
{
    OPENSSL_cleanse(s, sizeof *s);
}

/* ---- X25519 and X448 ---- */

static int xdh_keygen(gls_kex *k, const gls_rng *rng)
{
    uint8_t sk[MAX_XDH_LEN];
    size_t n = k->info->pub_len;
    size_t len = sizeof k->pub;
    int err = gls_rand(rng, sk, n);
    if (err == GLS_OK) {
        /* libcrypto clamps the scalar itself (RFC 7748 §5) */
        k->pkey = EVP_PKEY_new_raw_private_key_ex(k->libctx, k->info->name, NULL, sk, n);
        err = k->pkey != NULL && EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len) == 1 && len == n
                  ? GLS_OK
                  : GLS_E_CRYPTO;
        k->pub_len = len;
    }
    OPENSSL_cleanse(sk, sizeof sk);
    return err;
}

/* Derives with our key against a peer key that has been checked. */
static int pkey_derive(gls_kex *k, EVP_PKEY *peer, size_t want, gls_kex_secret *shared)
{
    size_t len = sizeof shared->b;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_pkey(k->libctx, k->pkey, NULL);
    bool ok = x != NULL && EVP_PKEY_derive_init(x) == 1 && EVP_PKEY_derive_set_peer(x, peer) == 1 &&
              EVP_PKEY_derive(x, shared->b, &len) == 1 && len == want;
    EVP_PKEY_CTX_free(x);
    shared->len = len;
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* One context made from our key imports the peer's public key and then derives: each
 * context or key libcrypto 3.0 makes scans its whole name table (EVP_KEYMGMT_names_do_all),
 * so one context instead of the two of EVP_PKEY_new_raw_public_key_ex and pkey_derive.
 * The peer key is set without libcrypto's validation, which would make a third context:
 * for X25519 and X448 that check only asks whether the key has a public part of the
 * right length (libcrypto 3.0's ecx_validate), which the import and the length check
 * above already settle; the all-zero output check (RFC 7748 §6, RFC 8446 §7.4.2)
 * stays in xdh_derive. */
static int xdh_derive_raw(gls_kex *k, const uint8_t *peer, size_t len, gls_kex_secret *shared)
{
    OSSL_PARAM params[2];
    EVP_PKEY *pk = NULL;
    size_t out_len = sizeof shared->b;
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)peer, len);
    params[1] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_pkey(k->libctx, k->pkey, NULL);
    bool ok = x != NULL && EVP_PKEY_fromdata_init(x) == 1 &&
              EVP_PKEY_fromdata(x, &pk, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
              EVP_PKEY_derive_init(x) == 1 && EVP_PKEY_derive_set_peer_ex(x, pk, 0) == 1 &&
              EVP_PKEY_derive(x, shared->b, &out_len) == 1 && out_len == len;
    EVP_PKEY_CTX_free(x);
    EVP_PKEY_free(pk);
    shared->len = out_len;
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

static int xdh_derive(gls_kex *k, const uint8_t *peer, size_t len, gls_kex_secret *shared)
{
    static const uint8_t zero[MAX_XDH_LEN] = {0};
    if (len != k->info->pub_len) {
        return GLS_E_BAD_KEY_SHARE;
    }
    /* libcrypto refuses to derive exactly when the result is all zeros (a
     * small-order peer point, RFC 7748 §6.1, §6.2); we check the output as well. */
    int err = xdh_derive_raw(k, peer, len, shared);
    int nonzero = CRYPTO_memcmp(shared->b, zero, len) != 0;
    GLS_CT_DECLASSIFY(&nonzero, sizeof nonzero); /* the verdict is public */
    if (err != GLS_OK || !nonzero) {
        ERR_clear_error();
        return GLS_E_BAD_KEY_SHARE;
    }
    return GLS_OK;
}

/* ---- ECDH over P-256 and P-384 ---- */

static size_t ec_field_len(const gls_kex *k)
{
    return (k->info->pub_len - 1) / 2;
}

/* Draws the private scalar d, 0 < d < n, from rng. */
static int ec_draw_scalar(const gls_kex *k, const gls_rng *rng, BIGNUM *d)
{
    uint8_t buf[MAX_EC_FIELD];
    size_t flen = ec_field_len(k);
    const BIGNUM *order = EC_GROUP_get0_order(k->ec_group);
    size_t extra = 8 * flen - (size_t)BN_num_bits(order); /* P-521: 66 bytes, 521 bits */
    int err = GLS_E_RNG;
    for (int i = 0; i < MAX_DRAWS; i++) {
        int e = gls_rand(rng, buf, flen);
        buf[0] &= (uint8_t)(0xff >> extra);
        if (e != GLS_OK || BN_bin2bn(buf, (int)flen, d) == NULL) {
            err = e != GLS_OK ? e : GLS_E_NO_MEMORY;
            break;
        }
        if (!BN_is_zero(d) && BN_cmp(d, order) < 0) {
            err = GLS_OK;
            break;
        }
    }
    OPENSSL_cleanse(buf, sizeof buf);
    return err;
}

/* An EC EVP_PKEY from the public point and, for our own key, the private
 * scalar in native byte order (as OSSL_PARAM_construct_BN wants it). */
static int ec_pkey_from(const gls_kex *k, const uint8_t *pub, size_t pub_len,
                        const uint8_t *priv_native, size_t priv_len, EVP_PKEY **out)
{
    OSSL_PARAM params[4];
    size_t n = 0;
    params[n++] =
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)k->info->name, 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, pub_len);
    if (priv_native != NULL) {
        params[n++] =
            OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, (void *)priv_native, priv_len);
    }
    params[n] = OSSL_PARAM_construct_end();
    int selection = priv_native != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(k->libctx, "EC", NULL);
    bool ok = x != NULL && EVP_PKEY_fromdata_init(x) == 1 &&
              EVP_PKEY_fromdata(x, out, selection, params) == 1;
    EVP_PKEY_CTX_free(x);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* d from rng, Q = d*G, and the EVP_PKEY holding both. */
static int ec_keygen(gls_kex *k, const gls_rng *rng)
{
    uint8_t d_native[MAX_EC_FIELD];
    size_t flen = ec_field_len(k);
    int err = GLS_E_NO_MEMORY;
    k->ec_group = EC_GROUP_new_by_curve_name_ex(k->libctx, NULL, k->info->nid);
    BN_CTX *bn = BN_CTX_secure_new_ex(k->libctx);
    BIGNUM *d = BN_secure_new();
    EC_POINT *q = k->ec_group != NULL ? EC_POINT_new(k->ec_group) : NULL;
    if (bn == NULL || d == NULL || q == NULL) {
        goto out;
    }
    err = ec_draw_scalar(k, rng, d);
    if (err != GLS_OK) {
        goto out;
    }
    BN_set_flags(d, BN_FLG_CONSTTIME);
    err = GLS_E_CRYPTO;
    if (EC_POINT_mul(k->ec_group, q, d, NULL, NULL, bn) != 1 ||
        EC_POINT_point2oct(k->ec_group, q, POINT_CONVERSION_UNCOMPRESSED, k->pub, sizeof k->pub,
                           bn) != k->info->pub_len ||
        BN_bn2nativepad(d, d_native, (int)flen) != (int)flen) {
        goto out;
    }
    k->pub_len = k->info->pub_len;
    err = ec_pkey_from(k, k->pub, k->pub_len, d_native, flen, &k->pkey);
out:
    OPENSSL_cleanse(d_native, sizeof d_native);
    BN_clear_free(d);
    EC_POINT_free(q);
    BN_CTX_free(bn);
    return err;
}

/* RFC 8446 §4.2.8.2: the uncompressed form only, of the exact length, a point
 * on the curve (its coordinates below the field prime) and not the identity. */
static int ec_check_peer(const gls_kex *k, const uint8_t *peer, size_t len)
{
    if (len != k->pub_len || peer[0] != POINT_CONVERSION_UNCOMPRESSED) {
        return GLS_E_BAD_KEY_SHARE;
    }
    EC_POINT *pt = EC_POINT_new(k->ec_group);
    BN_CTX *bn = BN_CTX_new_ex(k->libctx);
    int err = GLS_E_NO_MEMORY;
    if (pt != NULL && bn != NULL) {
        bool ok = EC_POINT_oct2point(k->ec_group, pt, peer, len, bn) == 1 &&
                  EC_POINT_is_on_curve(k->ec_group, pt, bn) == 1 &&
                  !EC_POINT_is_at_infinity(k->ec_group, pt);
        err = ok ? GLS_OK : GLS_E_BAD_KEY_SHARE;
    }
    EC_POINT_free(pt);
    BN_CTX_free(bn);
    ERR_clear_error(); /* a refused point leaves libcrypto's reasons queued */
    return err;
}

static int ec_derive(gls_kex *k, const uint8_t *peer, size_t len, gls_kex_secret *shared)
{
    EVP_PKEY *pk = NULL;
    TRY(ec_check_peer(k, peer, len));
    TRY(ec_pkey_from(k, peer, len, NULL, 0, &pk));
    int err = pkey_derive(k, pk, ec_field_len(k), shared); /* the x-coordinate */
    EVP_PKEY_free(pk);
    return err;
}

/* ---- finite-field DH ---- */

/* Reads p and g (big-endian, leading zeros allowed) and prepares p's
 * Montgomery form. */
static int ffdh_load(gls_kex *k, const uint8_t *p, size_t plen, const uint8_t *g, size_t glen)
{
    k->p = BN_bin2bn(p, (int)plen, NULL);
    k->g = BN_bin2bn(g, (int)glen, NULL);
    k->p_minus_1 = BN_new();
    k->x = BN_secure_new();
    k->mont = BN_MONT_CTX_new();
    if (k->p == NULL || k->g == NULL || k->p_minus_1 == NULL || k->x == NULL || k->mont == NULL) {
        return GLS_E_NO_MEMORY;
    }
    if (BN_copy(k->p_minus_1, k->p) == NULL || BN_sub_word(k->p_minus_1, 1) != 1) {
        return GLS_E_CRYPTO;
    }
    k->plen = (size_t)BN_num_bytes(k->p);
    return GLS_OK;
}

/* Draws x with 1 < x < 2^bits from rng. */
static int ffdh_draw_exponent(BIGNUM *x, int bits, const gls_rng *rng)
{
    uint8_t buf[GLS_MAX_KEX_SECRET];
    size_t n = ((size_t)bits + 7) / 8;
    int err = GLS_E_RNG;
    for (int i = 0; i < MAX_DRAWS; i++) {
        int e = gls_rand(rng, buf, n);
        buf[0] &= (uint8_t)(0xff >> (8 * n - (size_t)bits)); /* keep `bits` bits */
        if (e != GLS_OK || BN_bin2bn(buf, (int)n, x) == NULL) {
            err = e != GLS_OK ? e : GLS_E_CRYPTO;
            break;
        }
        if (BN_num_bits(x) > 1) {
            err = GLS_OK;
            break;
        }
    }
    OPENSSL_cleanse(buf, sizeof buf);
    return err;
}

/* x from rng, then our public value y = g^x mod p, left-padded to |p|. */
static int ffdh_keygen(gls_kex *k, int exp_bits, const gls_rng *rng)
{
    BN_CTX *bn = BN_CTX_secure_new_ex(k->libctx);
    BIGNUM *y = BN_new();
    int err = GLS_E_NO_MEMORY;
    if (bn != NULL && y != NULL) {
        err = BN_MONT_CTX_set(k->mont, k->p, bn) == 1 ? GLS_OK : GLS_E_CRYPTO;
    }
    if (err == GLS_OK) {
        err = ffdh_draw_exponent(k->x, exp_bits, rng);
    }
    if (err == GLS_OK) {
        BN_set_flags(k->x, BN_FLG_CONSTTIME);
        bool ok = BN_mod_exp_mont_consttime(y, k->g, k->x, k->p, bn, k->mont) == 1 &&
                  BN_bn2binpad(y, k->pub, (int)k->plen) == (int)k->plen;
        err = ok ? GLS_OK : GLS_E_CRYPTO;
        k->pub_len = k->plen;
    }
    BN_free(y);
    BN_CTX_free(bn);
    return err;
}

/* RFC 8446 §4.2.8.1 and RFC 7919 §5.1: 1 < Y < p-1. A named group's Y is
 * exactly |p| bytes (TLS 1.3 pads it); TLS 1.2's explicit form may be shorter. */
static int ffdh_derive(gls_kex *k, const uint8_t *peer, size_t len, gls_kex_secret *shared)
{
    bool padded = k->info != NULL;
    if (len == 0 || len > k->plen || (padded && len != k->plen)) {
        return GLS_E_BAD_KEY_SHARE;
    }
    BN_CTX *bn = BN_CTX_secure_new_ex(k->libctx);
    BIGNUM *y = BN_bin2bn(peer, (int)len, NULL);
    BIGNUM *z = BN_secure_new();
    int err = GLS_E_NO_MEMORY;
    if (bn != NULL && y != NULL && z != NULL) {
        err = GLS_E_BAD_KEY_SHARE;
        if (BN_cmp(y, BN_value_one()) > 0 && BN_cmp(y, k->p_minus_1) < 0) {
            bool ok = BN_mod_exp_mont_consttime(z, y, k->x, k->p, bn, k->mont) == 1 &&
                      BN_bn2binpad(z, shared->b, (int)k->plen) == (int)k->plen;
            err = ok ? GLS_OK : GLS_E_CRYPTO;
            shared->len = k->plen;
        }
    }
    BN_clear_free(z);
    BN_free(y);
    BN_CTX_free(bn);
    return err;
}

/* TLS 1.2 DHE with the server's own group: at least 2048 bits (RFC 7919 §1's
 * concern about weak groups), at most what our buffers hold, 1 < g < p-1. */
static int ffdh_check_params(const gls_kex *k)
{
    int bits = BN_num_bits(k->p);
    if (bits < MIN_DH_BITS) {
        return GLS_E_WEAK_DH_GROUP;
    }
    if (bits > 8 * GLS_MAX_KEX_SECRET) {
        return GLS_E_HANDSHAKE_FAILURE;
    }
    if (!BN_is_odd(k->p) || BN_cmp(k->g, BN_value_one()) <= 0 || BN_cmp(k->g, k->p_minus_1) >= 0) {
        return GLS_E_ILLEGAL_PARAMETER;
    }
    return GLS_OK;
}

/* The RFC 7919 group whose prime is p (byte for byte) with generator 2, or NULL. */
static const struct group_info *ffdhe_known(const gls_kex *k, const uint8_t *p, size_t plen)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        gls_bytes gp;
        gls_bytes gg;
        if (groups[i].kind == KIND_FFDH && BN_is_word(k->g, 2) &&
            gls_ffdhe_params(groups[i].group, &gp, &gg) == GLS_OK && gp.len == plen &&
            memcmp(gp.p, p, plen) == 0) {
            return &groups[i];
        }
    }
    return NULL;
}

/* ---- ML-KEM, alone and in a hybrid ---- */

/* An ML-KEM key (kem.c: libcrypto's or ours): seeds d and z from rng, ek to out, dk kept
 * (wiped on free). */
static int kem_keygen(gls_kex *k, const gls_rng *rng, uint8_t *ek_out)
{
    uint8_t dz[2 * GLS_MLKEM_SEED];
    gls_mlkem_set set = k->info->kem;
    k->dk = malloc(gls_mlkem_dk_len(set));
    if (k->dk == NULL) {
        return GLS_E_NO_MEMORY;
    }
    int err = gls_rand(rng, dz, sizeof dz);
    if (err == GLS_OK) {
        err = gls_kem_keygen(k->crypto, set, dz, dz + GLS_MLKEM_SEED, ek_out, k->dk);
    }
    OPENSSL_cleanse(dz, sizeof dz);
    return err;
}

/* Where the ML-KEM and (EC)DH parts sit in a hybrid share of `len` bytes. */
static void hybrid_split(const struct group_info *gi, size_t len, size_t kem_len, size_t *kem_off,
                         size_t *ec_off)
{
    *kem_off = gi->kem_first ? 0 : len - kem_len;
    *ec_off = gi->kem_first ? kem_len : 0;
}

/* A hybrid key: an (EC)DH key and an ML-KEM key, public parts concatenated. */
static int hybrid_keygen(gls_kex *k, const gls_rng *rng)
{
    const struct group_info *gi = k->info;
    size_t ek_len = gls_mlkem_ek_len(gi->kem);
    size_t kem_off;
    size_t ec_off;
    size_t ec_len = 0;
    hybrid_split(gi, gi->pub_len, ek_len, &kem_off, &ec_off);
    TRY(gls_kex_new(k->crypto, gi->classic, rng, &k->classic));
    TRY(gls_kex_public(k->classic, k->pub + ec_off, gi->pub_len - ek_len, &ec_len));
    TRY(kem_keygen(k, rng, k->pub + kem_off));
    k->pub_len = gi->pub_len;
    return GLS_OK;
}

/* The client's last step for a KEM: decapsulate the server's ciphertext. */
static int kem_finish(gls_kex *k, const uint8_t *ct, size_t len, uint8_t ss[GLS_MLKEM_SEED])
{
    return gls_kem_decaps(k->crypto, k->info->kem, k->dk, ct, len, ss);
}

/* Hybrid finish: both halves, each checked; the secrets in the group's order. */
static int hybrid_finish(gls_kex *k, const uint8_t *peer, size_t len, gls_kex_secret *shared)
{
    const struct group_info *gi = k->info;
    size_t ct_len = gls_mlkem_ct_len(gi->kem);
    size_t kem_off;
    size_t ec_off;
    gls_kex_secret ec;
    uint8_t ss[GLS_MLKEM_SEED];
    if (len != gi->resp_len) {
        return GLS_E_BAD_KEY_SHARE;
    }
    hybrid_split(gi, len, ct_len, &kem_off, &ec_off);
    int err = gls_kex_finish(k->classic, peer + ec_off, len - ct_len, &ec);
    if (err == GLS_OK) {
        err = kem_finish(k, peer + kem_off, ct_len, ss);
    }
    if (err == GLS_OK) {
        memcpy(shared->b + (gi->kem_first ? 0 : ec.len), ss, sizeof ss);
        memcpy(shared->b + (gi->kem_first ? sizeof ss : 0), ec.b, ec.len);
        shared->len = sizeof ss + ec.len;
    }
    gls_kex_secret_wipe(&ec);
    OPENSSL_cleanse(ss, sizeof ss);
    return err;
}

/* The server's KEM step: encapsulate to the client's key (checked: §7.2). */
static int kem_respond(const gls_crypto *c, const struct group_info *gi, const gls_rng *rng,
                       const uint8_t *ek, size_t ek_len, uint8_t *ct, uint8_t ss[GLS_MLKEM_SEED])
{
    uint8_t m[GLS_MLKEM_SEED];
    int err = gls_rand(rng, m, sizeof m);
    if (err == GLS_OK) {
        err = gls_kem_encaps(c, gi->kem, ek, ek_len, m, ct, ss);
    }
    OPENSSL_cleanse(m, sizeof m);
    return err;
}

/* ---- the gls_kex object ---- */

static int kex_alloc(const gls_crypto *c, const struct group_info *gi, gls_kex **out)
{
    gls_kex *k = calloc(1, sizeof *k);
    if (k == NULL) {
        return GLS_E_NO_MEMORY;
    }
    k->info = gi;
    k->kind = gi != NULL ? gi->kind : KIND_FFDH;
    k->libctx = c != NULL ? c->libctx : NULL;
    k->crypto = c;
    *out = k;
    return GLS_OK;
}

static int kex_keygen(gls_kex *k, const gls_rng *rng)
{
    gls_bytes p;
    gls_bytes g;
    switch (k->kind) {
    case KIND_XDH:
        return xdh_keygen(k, rng);
    case KIND_EC:
        return ec_keygen(k, rng);
    case KIND_FFDH:
        TRY(gls_ffdhe_params(k->info->group, &p, &g));
        TRY(ffdh_load(k, p.p, p.len, g.p, g.len));
        return ffdh_keygen(k, k->info->exp_bits, rng);
    case KIND_KEM:
        k->pub_len = k->info->pub_len;
        return kem_keygen(k, rng, k->pub);
    case KIND_HYBRID:
        return hybrid_keygen(k, rng);
    }
    return GLS_E_INTERNAL;
}

/* see crypto.h */
int gls_kex_new(const gls_crypto *c, uint16_t group, const gls_rng *rng, gls_kex **out)
{
    const struct group_info *gi = group_of(group);
    gls_kex *k = NULL;
    if (gi == NULL) {
        return GLS_E_UNSUPPORTED;
    }
    TRY(kex_alloc(c, gi, &k));
    int err = kex_keygen(k, rng);
    if (err != GLS_OK) {
        gls_kex_free(k);
        return err;
    }
    *out = k;
    return GLS_OK;
}

/* see crypto.h */
int gls_kex_new_ffdh_params(const gls_crypto *c, const uint8_t *p, size_t plen, const uint8_t *g,
                            size_t glen, const gls_rng *rng, gls_kex **out)
{
    gls_kex *k = NULL;
    if (plen > INT32_MAX || glen > INT32_MAX) {
        return GLS_E_HANDSHAKE_FAILURE;
    }
    TRY(kex_alloc(c, NULL, &k));
    int err = ffdh_load(k, p, plen, g, glen);
    if (err == GLS_OK) {
        err = ffdh_check_params(k);
    }
    if (err == GLS_OK) {
        /* An RFC 7919 group sent as explicit parameters gets its short exponent
         * (RFC 7919 §5.2); for any other group the order is unknown, so the
         * exponent is as long as p allows. */
        const struct group_info *known = ffdhe_known(k, p, plen);
        err = ffdh_keygen(k, known != NULL ? known->exp_bits : BN_num_bits(k->p) - 1, rng);
    }
    if (err != GLS_OK) {
        gls_kex_free(k);
        return err;
    }
    *out = k;
    return GLS_OK;
}

/* see crypto.h */
int gls_kex_public(const gls_kex *k, uint8_t *out, size_t cap, size_t *len)
{
    if (cap < k->pub_len) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    memcpy(out, k->pub, k->pub_len);
    *len = k->pub_len;
    return GLS_OK;
}

/* see crypto.h */
int gls_kex_finish(gls_kex *k, const uint8_t *peer, size_t peer_len, gls_kex_secret *shared)
{
    int err;
    if (peer == NULL || peer_len == 0) {
        err = GLS_E_BAD_KEY_SHARE;
    } else if (k->kind == KIND_XDH) {
        err = xdh_derive(k, peer, peer_len, shared);
    } else if (k->kind == KIND_EC) {
        err = ec_derive(k, peer, peer_len, shared);
    } else if (k->kind == KIND_FFDH) {
        err = ffdh_derive(k, peer, peer_len, shared);
    } else if (k->kind == KIND_KEM) {
        err = kem_finish(k, peer, peer_len, shared->b);
        shared->len = GLS_MLKEM_SEED;
    } else {
        err = hybrid_finish(k, peer, peer_len, shared);
    }
    if (err != GLS_OK) {
        gls_kex_secret_wipe(shared);
    }
    return err;
}

/* (EC)DH respond: a key of our own, its public value, the shared secret. */
static int dh_respond(const gls_crypto *c, uint16_t group, const gls_rng *rng, const uint8_t *peer,
                      size_t peer_len, uint8_t *out, size_t cap, size_t *out_len,
                      gls_kex_secret *shared)
{
    gls_kex *k = NULL;
    TRY(gls_kex_new(c, group, rng, &k));
    int err = gls_kex_finish(k, peer, peer_len, shared);
    if (err == GLS_OK) {
        err = gls_kex_public(k, out, cap, out_len);
    }
    gls_kex_free(k); /* the ephemeral key is gone now */
    return err;
}

/* Hybrid respond: encapsulate and answer the (EC)DH half, in the group's order. */
static int hybrid_respond(const gls_crypto *c, const struct group_info *gi, const gls_rng *rng,
                          const uint8_t *peer, size_t peer_len, uint8_t *out,
                          gls_kex_secret *shared)
{
    size_t ek_len = gls_mlkem_ek_len(gi->kem);
    size_t ct_len = gls_mlkem_ct_len(gi->kem);
    size_t in_kem, in_ec, out_kem, out_ec;
    size_t ec_out_len = 0;
    gls_kex_secret ec;
    uint8_t ss[GLS_MLKEM_SEED];
    if (peer_len != gi->pub_len) {
        return GLS_E_BAD_KEY_SHARE;
    }
    hybrid_split(gi, peer_len, ek_len, &in_kem, &in_ec);
    hybrid_split(gi, gi->resp_len, ct_len, &out_kem, &out_ec);
    int err = dh_respond(c, gi->classic, rng, peer + in_ec, peer_len - ek_len, out + out_ec,
                         gi->resp_len - ct_len, &ec_out_len, &ec);
    if (err == GLS_OK) {
        err = kem_respond(c, gi, rng, peer + in_kem, ek_len, out + out_kem, ss);
    }
    if (err == GLS_OK) {
        memcpy(shared->b + (gi->kem_first ? 0 : ec.len), ss, sizeof ss);
        memcpy(shared->b + (gi->kem_first ? sizeof ss : 0), ec.b, ec.len);
        shared->len = sizeof ss + ec.len;
    }
    gls_kex_secret_wipe(&ec);
    OPENSSL_cleanse(ss, sizeof ss);
    return err;
}

/* see crypto.h */
int gls_kex_respond(const gls_crypto *c, uint16_t group, const gls_rng *rng, const uint8_t *peer,
                    size_t peer_len, uint8_t *out, size_t cap, size_t *out_len,
                    gls_kex_secret *shared)
{
    const struct group_info *gi = group_of(group);
    int err;
    if (gi == NULL) {
        return GLS_E_UNSUPPORTED;
    }
    if (cap < gi->resp_len) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    if (peer == NULL || peer_len == 0) {
        err = GLS_E_BAD_KEY_SHARE;
    } else if (gi->kind == KIND_KEM) {
        err = kem_respond(c, gi, rng, peer, peer_len, out, shared->b);
        shared->len = GLS_MLKEM_SEED;
    } else if (gi->kind == KIND_HYBRID) {
        err = hybrid_respond(c, gi, rng, peer, peer_len, out, shared);
    } else {
        err = dh_respond(c, group, rng, peer, peer_len, out, cap, out_len, shared);
    }
    if (err != GLS_OK) {
        gls_kex_secret_wipe(shared);
        return err;
    }
    *out_len = gi->resp_len;
    return GLS_OK;
}

/* see crypto.h */
void gls_kex_free(gls_kex *k)
{
    if (k == NULL) {
        return;
    }
    EVP_PKEY_free(k->pkey); /* libcrypto clears the private key it holds */
    gls_kex_free(k->classic);
    if (k->dk != NULL) {
        OPENSSL_cleanse(k->dk, gls_mlkem_dk_len(k->info->kem));
        free(k->dk);
    }
    EC_GROUP_free(k->ec_group);
    BN_clear_free(k->x);
    BN_free(k->p);
    BN_free(k->p_minus_1);
    BN_free(k->g);
    BN_MONT_CTX_free(k->mont);
    free(k);
}
