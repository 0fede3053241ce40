/* RSA key exchange (RFC 5246 §7.4.7.1): the encryption checked against a raw
 * RSA decryption, the round trip, and implicit rejection: every malformed
 * ciphertext (bad padding, wrong version, wrong length, out of range, all
 * zeros) gives GLS_OK and a 48-byte secret that is not the real one. The keys
 * are generated here; the crafted plaintexts are encrypted with raw RSA. */
#include "harness.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "crypto/internal.h"

#define MOD_LEN 256

/* One 2048-bit key pair for the whole file, and its public half alone. */
static gls_pkey priv_key;
static gls_pkey pub_key;

static void keys(void)
{
    if (priv_key.pkey != NULL) {
        return;
    }
    priv_key.pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    uint8_t der[600];
    uint8_t *w = der;
    const uint8_t *r = der;
    int n = priv_key.pkey != NULL ? i2d_PUBKEY(priv_key.pkey, &w) : -1;
    if (n <= 0 || n > (int)sizeof der || (pub_key.pkey = d2i_PUBKEY(NULL, &r, n)) == NULL) {
        abort();
    }
    priv_key.type = gls_pkey_classify(priv_key.pkey);
    pub_key.type = gls_pkey_classify(pub_key.pkey);
}

/* A pre-master secret: client_version then 46 random bytes. */
static gls_secret make_pms(uint16_t version)
{
    gls_secret s;
    s.len = 48;
    gls_put_u16(s.b, version);
    if (RAND_bytes(s.b + 2, 46) != 1) {
        abort();
    }
    return s;
}

/* Raw RSA on a full-size block (the test's way to craft bad plaintexts). */
static void raw_rsa(const gls_pkey *k, bool encrypt, const uint8_t *in, uint8_t *out)
{
    size_t len = MOD_LEN;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    bool ok = x != NULL && (encrypt ? EVP_PKEY_encrypt_init(x) : EVP_PKEY_decrypt_init(x)) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(x, RSA_NO_PADDING) == 1 &&
              (encrypt ? EVP_PKEY_encrypt(x, out, &len, in, MOD_LEN)
                       : EVP_PKEY_decrypt(x, out, &len, in, MOD_LEN)) == 1 &&
              len == MOD_LEN;
    EVP_PKEY_CTX_free(x);
    if (!ok) {
        abort();
    }
}

/* 0x00 0x02 PS 0x00 M with a nonzero PS, M being msg_len bytes of msg. */
static void pkcs1_block(const uint8_t *msg, size_t msg_len, uint8_t *block)
{
    size_t ps_len = MOD_LEN - 3 - msg_len;
    block[0] = 0x00;
    block[1] = 0x02;
    for (size_t i = 0; i < ps_len; i++) {
        block[2 + i] = (uint8_t)(0x11 + i % 200);
    }
    block[2 + ps_len] = 0x00;
    memcpy(block + 3 + ps_len, msg, msg_len);
}

TEST(encrypt_is_pkcs1_v1_5)
{
    keys();
    gls_secret pms = make_pms(0x0303);
    uint8_t ct[MOD_LEN + 8];
    uint8_t block[MOD_LEN];
    size_t n = 0;
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    CHECK_EQ(n, MOD_LEN);
    raw_rsa(&priv_key, false, ct, block);
    CHECK_EQ(block[0], 0x00);
    CHECK_EQ(block[1], 0x02);
    for (size_t i = 2; i < MOD_LEN - 49; i++) {
        CHECK(block[i] != 0); /* RFC 8017 §7.2.1: nonzero padding */
    }
    CHECK_EQ(block[MOD_LEN - 49], 0x00);
    CHECK(memcmp(block + MOD_LEN - 48, pms.b, 48) == 0);
}

/* A counter as the "random" source: every other byte zero, so the padding must skip zeros. */
static int counter_rng(void *arg, uint8_t *out, size_t len)
{
    unsigned *n = arg;
    for (size_t i = 0; i < len; i++) {
        out[i] = (uint8_t)((*n)++ % 2 == 0 ? 0 : *n);
    }
    return GLS_OK;
}

/* The padding from a caller's rng: PKCS #1 v1.5 with nonzero padding, the same ciphertext for
 * the same rng (what `explain --seed` relies on), and it decrypts to the pre-master secret. */
TEST(encrypt_with_rng_is_pkcs1_v1_5_and_repeatable)
{
    keys();
    gls_secret pms = make_pms(0x0303);
    gls_secret out;
    uint8_t ct[2][MOD_LEN];
    uint8_t block[MOD_LEN];
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        unsigned state = 7;
        gls_rng rng = {counter_rng, &state};
        CHECK_OK(gls_rsa_encrypt_pms_rng(&pub_key, &pms, &rng, ct[k], sizeof ct[k], &n));
        CHECK_EQ(n, MOD_LEN);
    }
    CHECK(memcmp(ct[0], ct[1], MOD_LEN) == 0);
    raw_rsa(&priv_key, false, ct[0], block);
    CHECK(block[0] == 0x00 && block[1] == 0x02 && block[MOD_LEN - 49] == 0x00);
    for (size_t i = 2; i < MOD_LEN - 49; i++) {
        CHECK(block[i] != 0);
    }
    CHECK_OK(gls_rsa_decrypt_pms(&priv_key, 0x0303, ct[0], n, &out));
    CHECK(out.len == 48 && memcmp(out.b, pms.b, 48) == 0);
}

TEST(round_trip)
{
    keys();
    gls_secret pms = make_pms(0x0303);
    gls_secret out;
    uint8_t ct[MOD_LEN];
    size_t n = 0;
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    memset(&out, 0xaa, sizeof out);
    CHECK_OK(gls_rsa_decrypt_pms(&priv_key, 0x0303, ct, n, &out));
    CHECK_EQ(out.len, 48);
    CHECK(memcmp(out.b, pms.b, 48) == 0);

    /* a pms that carries TLS 1.0 as client_version, offered as TLS 1.0 */
    pms = make_pms(0x0301);
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    CHECK_OK(gls_rsa_decrypt_pms(&priv_key, 0x0301, ct, n, &out));
    CHECK(out.len == 48 && memcmp(out.b, pms.b, 48) == 0);
}

enum { FRESH_RANDOM, SAME_RANDOM, ERROR_RETURNED, LEAKED };

/* Decrypts a bad ciphertext twice: both must succeed with 48 bytes unlike
 * `real`. Says whether the two results were fresh or equal. */
static int reject(const uint8_t *ct, size_t n, uint16_t version, const uint8_t *real)
{
    gls_secret a;
    gls_secret b;
    if (gls_rsa_decrypt_pms(&priv_key, version, ct, n, &a) != GLS_OK ||
        gls_rsa_decrypt_pms(&priv_key, version, ct, n, &b) != GLS_OK) {
        return ERROR_RETURNED;
    }
    if (a.len != 48 || b.len != 48 || memcmp(a.b, real, 48) == 0 || memcmp(b.b, real, 48) == 0) {
        return LEAKED;
    }
    return memcmp(a.b, b.b, 48) == 0 ? SAME_RANDOM : FRESH_RANDOM;
}

/* libcrypto 3.0's TLS padding mode draws fresh random bytes (RAND_priv_bytes)
 * for every rejected ciphertext, so two decryptions of one bad ciphertext
 * differ; a deterministic implicit rejection would make them equal. This
 * asserts what 3.0.19 does. Our own fallback (wrong length, value not below
 * the modulus) also draws fresh bytes. */
#define CHECK_REJECTED(ct, n, version, real)                                                       \
    CHECK_EQ(reject((ct), (n), (version), (real)), FRESH_RANDOM)

TEST(implicit_rejection_bad_padding)
{
    keys();
    gls_secret pms = make_pms(0x0303);
    uint8_t block[MOD_LEN];
    uint8_t ct[MOD_LEN];

    /* random bytes below the modulus */
    CHECK(RAND_bytes(ct, MOD_LEN) == 1);
    ct[0] = 0x00;
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);

    pkcs1_block(pms.b, 48, block);
    block[1] = 0x01; /* block type 1 (signature padding) */
    raw_rsa(&pub_key, true, block, ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);

    pkcs1_block(pms.b, 48, block);
    block[0] = 0x01; /* first byte not zero */
    raw_rsa(&pub_key, true, block, ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);

    pkcs1_block(pms.b, 48, block);
    block[MOD_LEN - 49] = 0x01; /* no zero separator */
    raw_rsa(&pub_key, true, block, ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);

    pkcs1_block(pms.b, 48, block);
    block[5] = 0x00; /* a zero inside the first eight padding bytes */
    raw_rsa(&pub_key, true, block, ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);

    /* the well-formed block decrypts: the cases above differ only as stated */
    gls_secret out;
    pkcs1_block(pms.b, 48, block);
    raw_rsa(&pub_key, true, block, ct);
    CHECK_OK(gls_rsa_decrypt_pms(&priv_key, 0x0303, ct, MOD_LEN, &out));
    CHECK(out.len == 48 && memcmp(out.b, pms.b, 48) == 0);
}

TEST(implicit_rejection_wrong_version)
{
    keys();
    gls_secret pms = make_pms(0x0302); /* the client offered 1.2 but wrote 1.1 */
    uint8_t ct[MOD_LEN];
    size_t n = 0;
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    CHECK_REJECTED(ct, n, 0x0303, pms.b);

    /* and the other way round: written 1.2, ClientHello said 1.1 */
    gls_secret out;
    pms = make_pms(0x0303);
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    CHECK_OK(gls_rsa_decrypt_pms(&priv_key, 0x0303, ct, n, &out));
    CHECK(memcmp(out.b, pms.b, 48) == 0);
    CHECK_REJECTED(ct, n, 0x0302, pms.b);
    pms.b[1] ^= 0x80; /* minor byte only */
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    CHECK_REJECTED(ct, n, 0x0303, pms.b);
}

TEST(implicit_rejection_wrong_plaintext_length)
{
    keys();
    uint8_t msg[49];
    uint8_t block[MOD_LEN];
    uint8_t ct[MOD_LEN];
    gls_put_u16(msg, 0x0303);
    CHECK(RAND_bytes(msg + 2, sizeof msg - 2) == 1);

    pkcs1_block(msg, 47, block);
    raw_rsa(&pub_key, true, block, ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, block + MOD_LEN - 48); /* last 48 bytes */

    pkcs1_block(msg, 49, block);
    raw_rsa(&pub_key, true, block, ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, block + MOD_LEN - 48);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, msg);
}

TEST(implicit_rejection_wrong_ciphertext)
{
    keys();
    gls_secret pms = make_pms(0x0303);
    uint8_t ct[MOD_LEN + 1];
    size_t n = 0;
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));
    ct[MOD_LEN] = 0;

    /* wrong lengths: one byte short, one byte long, empty */
    CHECK_REJECTED(ct, MOD_LEN - 1, 0x0303, pms.b);
    CHECK_REJECTED(ct + 1, MOD_LEN - 1, 0x0303, pms.b);
    CHECK_REJECTED(ct, MOD_LEN + 1, 0x0303, pms.b);
    CHECK_REJECTED(ct, 0, 0x0303, pms.b);

    /* all zeros, and a value at or above the modulus (libcrypto fails outright there) */
    memset(ct, 0, sizeof ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);
    memset(ct, 0xff, sizeof ct);
    CHECK_REJECTED(ct, MOD_LEN, 0x0303, pms.b);
}

TEST(local_faults_are_errors)
{
    keys();
    gls_secret pms = make_pms(0x0303);
    gls_secret out;
    uint8_t ct[MOD_LEN];
    size_t n = 0;
    gls_pkey ec = {EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), GLS_KEY_OTHER};
    CHECK(ec.pkey != NULL);
    ec.type = gls_pkey_classify(ec.pkey);
    CHECK(gls_pkey_type(&ec) == GLS_KEY_EC_P256);

    CHECK_ERR(gls_rsa_encrypt_pms(&ec, &pms, ct, sizeof ct, &n), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_rsa_encrypt_pms(&pub_key, &pms, ct, MOD_LEN - 1, &n), GLS_E_BUFFER_TOO_SMALL);
    pms.len = 47;
    CHECK_ERR(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n), GLS_E_INVALID_ARGUMENT);
    pms.len = 48;
    CHECK_OK(gls_rsa_encrypt_pms(&pub_key, &pms, ct, sizeof ct, &n));

    CHECK_ERR(gls_rsa_decrypt_pms(&ec, 0x0303, ct, n, &out), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_rsa_decrypt_pms(&pub_key, 0x0303, ct, n, &out), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_rsa_decrypt_pms(NULL, 0x0303, ct, n, &out), GLS_E_INVALID_ARGUMENT);
    EVP_PKEY_free(ec.pkey);
}
