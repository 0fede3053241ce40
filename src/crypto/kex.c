/* crypto/kex.c — ephemeral key exchange: X25519 (RFC 7748 §6.1), ECDH over
 * P-256 and P-384 (RFC 8446 §4.2.8.2, the shared secret is the x-coordinate)
 * and finite-field DH over the RFC 7919 groups (RFC 8446 §4.2.8.1, secret
 * left-padded to |p|) or a TLS 1.2 server's explicit p and g (RFC 5246 §7.4.3).
 * Every private key is drawn from the caller's gls_rng, so a fixed rng gives
 * fixed keys. Peer values are checked before use; a bad one is
 * GLS_E_BAD_KEY_SHARE. */
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

/* Rejection sampling of a private key: a fair rng is out of range this many
 * times in a row with probability below 2^-256. */
#define MAX_DRAWS    8
#define X25519_LEN   32
#define MAX_EC_FIELD 48
#define MIN_DH_BITS  2048

enum kind { KIND_X25519, KIND_EC, KIND_FFDH };

struct group_info {
    uint16_t group;
    enum kind kind;
    const char *name; /* libcrypto's name for the curve */
    int nid;
    size_t pub_len;
    int exp_bits; /* FFDHE private exponent size (RFC 7919 §5.2, Appendix A) */
};

/* clang-format off */
static const struct group_info groups[] = {
    /* group              kind         name         nid                   pub  exp */
    {GLS_GROUP_X25519,    KIND_X25519, "X25519",    NID_X25519,           32,  0},
    {GLS_GROUP_SECP256R1, KIND_EC,     "P-256",     NID_X9_62_prime256v1, 65,  0},
    {GLS_GROUP_SECP384R1, KIND_EC,     "P-384",     NID_secp384r1,        97,  0},
    {GLS_GROUP_FFDHE2048, KIND_FFDH,   "ffdhe2048", NID_undef,            256, 225},
    {GLS_GROUP_FFDHE3072, KIND_FFDH,   "ffdhe3072", NID_undef,            384, 275},
    {GLS_GROUP_FFDHE4096, KIND_FFDH,   "ffdhe4096", NID_undef,            512, 325},
};
/* clang-format on */

struct gls_kex {
    enum kind kind;
    const struct group_info *info; /* NULL for explicit TLS 1.2 DH parameters */
    OSSL_LIB_CTX *libctx;
    EVP_PKEY *pkey;     /* X25519 and EC: our key pair */
    EC_GROUP *ec_group; /* EC: for checking the peer's point */
    BIGNUM *p;          /* FFDH: the group and our exponent x */
    BIGNUM *p_minus_1;
    BIGNUM *g;
    BIGNUM *x;
    BN_MONT_CTX *mont;
    size_t plen;
    uint8_t pub[GLS_MAX_KEX_SECRET]; /* as it goes on the wire */
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
size_t gls_kex_public_len(uint16_t group)
{
    const struct group_info *gi = group_of(group);
    return gi != NULL ? gi->pub_len : 0;
}

/* see crypto.h */
void gls_kex_secret_wipe(gls_kex_secret *s)
{
    OPENSSL_cleanse(s, sizeof *s);
}

/* ---- X25519 ---- */

static int x25519_keygen(gls_kex *k, const gls_rng *rng)
{
    uint8_t sk[X25519_LEN];
    size_t len = sizeof k->pub;
    int err = gls_rand(rng, sk, sizeof sk);
    if (err == GLS_OK) {
        /* libcrypto clamps the scalar itself (RFC 7748 §5) */
        k->pkey = EVP_PKEY_new_raw_private_key_ex(k->libctx, "X25519", NULL, sk, sizeof sk);
        err = k->pkey != NULL && EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len) == 1 &&
                      len == X25519_LEN
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

static int x25519_derive(gls_kex *k, const uint8_t *peer, size_t len, gls_kex_secret *shared)
{
    static const uint8_t zero[X25519_LEN] = {0};
    if (len != X25519_LEN) {
        return GLS_E_BAD_KEY_SHARE;
    }
    EVP_PKEY *pk = EVP_PKEY_new_raw_public_key_ex(k->libctx, "X25519", NULL, peer, len);
    if (pk == NULL) {
        return GLS_E_NO_MEMORY;
    }
    /* libcrypto refuses to derive exactly when the result is all zeros (a
     * small-order peer point, RFC 7748 §6.1); we check the output as well. */
    int err = pkey_derive(k, pk, X25519_LEN, shared);
    EVP_PKEY_free(pk);
    if (err != GLS_OK || CRYPTO_memcmp(shared->b, zero, X25519_LEN) == 0) {
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
    int err = GLS_E_RNG;
    for (int i = 0; i < MAX_DRAWS; i++) {
        int e = gls_rand(rng, buf, flen);
        if (e != GLS_OK || BN_bin2bn(buf, (int)flen, d) == NULL) {
            err = e != GLS_OK ? e : GLS_E_NO_MEMORY;
            break;
        }
        if (!BN_is_zero(d) && BN_cmp(d, EC_GROUP_get0_order(k->ec_group)) < 0) {
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
        if (e != GLS_OK || BN_bin2bn(buf, (int)n, x) == NULL || BN_mask_bits(x, bits) != 1) {
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
    *out = k;
    return GLS_OK;
}

static int kex_keygen(gls_kex *k, const gls_rng *rng)
{
    gls_bytes p;
    gls_bytes g;
    switch (k->kind) {
    case KIND_X25519:
        return x25519_keygen(k, rng);
    case KIND_EC:
        return ec_keygen(k, rng);
    case KIND_FFDH:
        TRY(gls_ffdhe_params(k->info->group, &p, &g));
        TRY(ffdh_load(k, p.p, p.len, g.p, g.len));
        return ffdh_keygen(k, k->info->exp_bits, rng);
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
int gls_kex_derive(gls_kex *k, const uint8_t *peer, size_t peer_len, gls_kex_secret *shared)
{
    int err;
    if (peer == NULL || peer_len == 0) {
        err = GLS_E_BAD_KEY_SHARE;
    } else if (k->kind == KIND_X25519) {
        err = x25519_derive(k, peer, peer_len, shared);
    } else if (k->kind == KIND_EC) {
        err = ec_derive(k, peer, peer_len, shared);
    } else {
        err = ffdh_derive(k, peer, peer_len, shared);
    }
    if (err != GLS_OK) {
        gls_kex_secret_wipe(shared);
    }
    return err;
}

/* see crypto.h */
void gls_kex_free(gls_kex *k)
{
    if (k == NULL) {
        return;
    }
    EVP_PKEY_free(k->pkey); /* libcrypto clears the private key it holds */
    EC_GROUP_free(k->ec_group);
    BN_clear_free(k->x);
    BN_free(k->p);
    BN_free(k->p_minus_1);
    BN_free(k->g);
    BN_MONT_CTX_free(k->mont);
    free(k);
}
