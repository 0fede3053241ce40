/* TLS 1.3 handshakes with every kind of server key: RSA (rsa_pss_rsae), RSA-PSS
 * (rsa_pss_pss), ECDSA P-256 and P-384, Ed25519 — each certificate made here
 * with libcrypto and handed to glasstls as PEM; the client verifies the chain
 * against it as a trust anchor (so the name check runs too). */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "pair.h"

struct pem {
    char cert[8192];
    char key[8192];
};

static int to_pem(EVP_PKEY *k, X509 *x, struct pem *out)
{
    BIO *b1 = BIO_new(BIO_s_mem());
    BIO *b2 = BIO_new(BIO_s_mem());
    int ok = PEM_write_bio_X509(b1, x) == 1 &&
             PEM_write_bio_PrivateKey(b2, k, NULL, NULL, 0, NULL, NULL) == 1;
    int n1 = BIO_read(b1, out->cert, sizeof out->cert - 1);
    int n2 = BIO_read(b2, out->key, sizeof out->key - 1);
    ok = ok && n1 > 0 && n2 > 0;
    if (ok) {
        out->cert[n1] = 0;
        out->key[n2] = 0;
    }
    BIO_free(b1);
    BIO_free(b2);
    return ok;
}

/* A self-signed certificate for localhost with key k. */
static int self_signed(EVP_PKEY *k, struct pem *out)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX v3;
    int ok = x != NULL && name != NULL;
    ok = ok && X509_set_version(x, 2) == 1;
    ok = ok && ASN1_INTEGER_set(X509_get_serialNumber(x), 4242) == 1;
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                          (const unsigned char *)"localhost", -1, -1, 0) == 1;
    ok = ok && X509_set_subject_name(x, name) == 1 && X509_set_issuer_name(x, name) == 1;
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL;
    ok = ok && X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL;
    ok = ok && X509_set_pubkey(x, k) == 1;
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *san =
        ok ? X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "DNS:localhost") : NULL;
    ok = ok && san != NULL && X509_add_ext(x, san, -1) == 1;
    int id = EVP_PKEY_get_id(k);
    const EVP_MD *md = (id == EVP_PKEY_ED25519) ? NULL : EVP_sha256();
    ok = ok && X509_sign(x, k, md) > 0;
    ok = ok && to_pem(k, x, out);
    X509_EXTENSION_free(san);
    X509_NAME_free(name);
    X509_free(x);
    return ok;
}

static int handshake_with(EVP_PKEY *k, uint16_t want_sigalg)
{
    struct pem pem;
    char path[] = "/tmp/gls-ca-XXXXXX";
    int result = 0;
    if (k == NULL || !self_signed(k, &pem)) {
        return 0;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        return 0;
    }
    bool written = write(fd, pem.cert, strlen(pem.cert)) == (ssize_t)strlen(pem.cert);
    close(fd);
    if (!written) {
        unlink(path);
        return 0;
    }
    gls_config *s = gls_config_new();
    gls_config *c = gls_config_new();
    gls_conn_info info;
    if (gls_config_add_cert_pem(s, (const uint8_t *)pem.cert, strlen(pem.cert),
                                (const uint8_t *)pem.key, strlen(pem.key)) == GLS_OK &&
        gls_config_set_ca(c, path, NULL) == GLS_OK) {
        gls_conn *cc = gls_client_new(c, "localhost");
        gls_conn *sc = gls_server_new(s);
        if (pair_handshake(cc, sc, 0) == GLS_OK && gls_conn_get_info(cc, &info) == GLS_OK) {
            result = info.sigalg == want_sigalg && info.peer_verified;
            if (!result) {
                fprintf(stderr, "  signed with 0x%04x, wanted 0x%04x\n", info.sigalg, want_sigalg);
            }
        } else {
            fprintf(stderr, "  handshake failed: %s / %s\n", gls_conn_error_detail(cc),
                    gls_conn_error_detail(sc));
        }
        gls_conn_free(cc);
        gls_conn_free(sc);
    }
    gls_config_free(s);
    gls_config_free(c);
    unlink(path);
    return result;
}

TEST(rsa_pss_rsae)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    CHECK(handshake_with(k, 0x0804));
    EVP_PKEY_free(k);
}

TEST(rsa_pss_pss)
{
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
    CHECK(x != NULL && EVP_PKEY_keygen_init(x) == 1 &&
          EVP_PKEY_CTX_set_rsa_keygen_bits(x, 2048) == 1 && EVP_PKEY_keygen(x, &k) == 1);
    EVP_PKEY_CTX_free(x);
    CHECK(handshake_with(k, 0x0809));
    EVP_PKEY_free(k);
}

TEST(ecdsa_p256)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    CHECK(handshake_with(k, 0x0403));
    EVP_PKEY_free(k);
}

TEST(ecdsa_p384)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    CHECK(handshake_with(k, 0x0503));
    EVP_PKEY_free(k);
}

TEST(ed25519)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    CHECK(handshake_with(k, 0x0807));
    EVP_PKEY_free(k);
}

/* A trusted certificate for localhost written to a CA file; the server and client configs. */
struct trusted {
    char path[32];
    gls_config *s;
    gls_config *c;
};

static int trusted_setup(struct trusted *t, bool chain_only)
{
    struct pem pem;
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    int ok = k != NULL && self_signed(k, &pem);
    EVP_PKEY_free(k);
    strcpy(t->path, "/tmp/gls-ca-XXXXXX");
    int fd = ok ? mkstemp(t->path) : -1;
    ok = fd >= 0 && write(fd, pem.cert, strlen(pem.cert)) == (ssize_t)strlen(pem.cert);
    if (fd >= 0) {
        close(fd);
    }
    t->s = gls_config_new();
    t->c = gls_config_new();
    ok = ok &&
         gls_config_add_cert_pem(t->s, (const uint8_t *)pem.cert, strlen(pem.cert),
                                 (const uint8_t *)pem.key, strlen(pem.key)) == GLS_OK &&
         gls_config_set_ca(t->c, t->path, NULL) == GLS_OK;
    if (chain_only) {
        ok = ok && gls_config_danger_verify_chain_only(t->c) == GLS_OK;
    }
    return ok;
}

static void trusted_free(struct trusted *t)
{
    gls_config_free(t->s);
    gls_config_free(t->c);
    unlink(t->path);
}

/* Issue 9 item 5: no server name on a config with trust fails closed with invalid_argument (and
 * sends nothing); the name is checked when given. */
TEST(no_server_name_fails_closed)
{
    struct trusted t;
    gls_conn_info info;
    size_t len = 1;
    CHECK(trusted_setup(&t, false));
    const char *const absent[] = {NULL, ""};
    for (size_t i = 0; i < 2; i++) {
        gls_conn *cc = gls_client_new(t.c, absent[i]);
        CHECK(cc != NULL);
        CHECK_EQ(gls_conn_error(cc), GLS_E_INVALID_ARGUMENT);
        CHECK(strstr(gls_conn_error_detail(cc), "danger_verify_chain_only") != NULL);
        gls_conn_net_out(cc, &len);
        CHECK_EQ(len, 0);
        CHECK(gls_conn_wants(cc) & GLS_CLOSED);
        gls_conn_free(cc);
    }
    gls_conn *cc = gls_client_new(t.c, "localhost");
    gls_conn *sc = gls_server_new(t.s);
    CHECK_ERR(pair_handshake(cc, sc, 0), GLS_OK);
    CHECK_ERR(gls_conn_get_info(cc, &info), GLS_OK);
    CHECK(info.peer_verified && info.peer_name_checked);
    pair_free(cc, sc, NULL, NULL);
    cc = gls_client_new(t.c, "other.example"); /* the name is checked: a mismatch fails */
    sc = gls_server_new(t.s);
    CHECK_ERR(pair_handshake(cc, sc, 0), GLS_E_CERT_HOSTNAME);
    pair_free(cc, sc, NULL, NULL);
    trusted_free(&t);
}

/* With gls_config_danger_verify_chain_only the chain is verified, the name never is, and
 * gls_conn_info says so. */
TEST(chain_only_verification_reports_the_name_unchecked)
{
    struct trusted t;
    gls_conn_info info;
    CHECK(trusted_setup(&t, true));
    const char *const names[] = {NULL, "other.example"};
    for (size_t i = 0; i < 2; i++) {
        gls_conn *cc = gls_client_new(t.c, names[i]);
        gls_conn *sc = gls_server_new(t.s);
        CHECK_ERR(pair_handshake(cc, sc, 0), GLS_OK);
        CHECK_ERR(gls_conn_get_info(cc, &info), GLS_OK);
        CHECK(info.peer_verified);
        CHECK(!info.peer_name_checked);
        pair_free(cc, sc, NULL, NULL);
    }
    /* an untrusted chain still fails */
    gls_config *other = gls_config_new();
    static const char *const hosts[] = {"localhost"};
    CHECK_ERR(gls_config_add_generated_cert(other, hosts, 1, 1, NULL), GLS_OK);
    gls_conn *cc = gls_client_new(t.c, NULL);
    gls_conn *sc = gls_server_new(other);
    CHECK(pair_handshake(cc, sc, 0) != GLS_OK);
    CHECK_EQ(gls_conn_error(cc), GLS_E_CERT_UNTRUSTED);
    pair_free(cc, sc, other, NULL);
    trusted_free(&t);
}
