/* Certificates, keys and path validation (crypto/x509.c, crypto/pkey.c). A CA
 * -> intermediate -> leaf chain is built here with libcrypto; every GLS_E_CERT_*
 * verdict is provoked and its reason checked; self-signed certificates verify
 * against themselves; keys load from every container glasstls accepts; PEM
 * chains keep their order. Files are written to a fresh temporary directory. */
#include "harness.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crypto/crypto.h"
#include "crypto/internal.h"

#define DAY (24 * 3600L)

/* ---- a scratch directory ---- */

static char dir[64];
static char made[40][128];
static size_t n_made;

static const char *path_of(const char *name)
{
    static char buf[4][192];
    static int turn;
    if (dir[0] == 0 && mkdtemp(strcpy(dir, "/tmp/gls_test_x509_XXXXXX")) == NULL) {
        abort();
    }
    char *p = buf[turn++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static const char *write_file(const char *name, const void *data, size_t len)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        abort();
    }
    if (n_made < 40) {
        snprintf(made[n_made++], sizeof made[0], "%s", p);
    }
    return p;
}

__attribute__((destructor)) static void remove_files(void)
{
    for (size_t i = 0; i < n_made; i++) {
        unlink(made[i]);
    }
    if (dir[0] != 0) {
        rmdir(dir);
    }
}

/* ---- certificates built with libcrypto ---- */

struct spec {
    const char *cn;
    const char *san;  /* "DNS:example.com,IP:127.0.0.1" or NULL */
    const char *bc;   /* basicConstraints */
    const char *ku;   /* keyUsage or NULL */
    const char *eku;  /* extendedKeyUsage or NULL */
    long from, until; /* validity, seconds from now */
};

static EVP_PKEY *p256(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
    if (e == NULL || X509_add_ext(x, e, -1) != 1) {
        abort();
    }
    X509_EXTENSION_free(e);
}

/* A certificate for key, issued by issuer/ikey (NULL: self-signed). */
static X509 *make_cert(const struct spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey)
{
    static long serial = 1000;
    time_t now = time(NULL);
    X509 *x = X509_new();
    X509_NAME *name = X509_get_subject_name(x);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_time_adj_ex(X509_getm_notBefore(x), 0, s->from, &now);
    X509_time_adj_ex(X509_getm_notAfter(x), 0, s->until, &now);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"glasstls tests",
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)s->cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x, key);
    add_ext(x, issuer != NULL ? issuer : x, NID_basic_constraints, s->bc);
    add_ext(x, x, NID_subject_key_identifier, "hash");
    add_ext(x, issuer != NULL ? issuer : x, NID_authority_key_identifier, "keyid:always");
    if (s->ku != NULL) {
        add_ext(x, x, NID_key_usage, s->ku);
    }
    if (s->eku != NULL) {
        add_ext(x, x, NID_ext_key_usage, s->eku);
    }
    if (s->san != NULL) {
        add_ext(x, x, NID_subject_alt_name, s->san);
    }
    if (X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) <= 0) {
        abort();
    }
    return x;
}

static gls_cert *to_gls(X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    gls_cert *c = NULL;
    if (n <= 0 || gls_cert_from_der(der, (size_t)n, &c) != GLS_OK) {
        abort();
    }
    OPENSSL_free(der);
    return c;
}

static const struct spec ca_spec = {
    "Test CA", NULL,      "critical,CA:TRUE", "critical,keyCertSign,cRLSign",
    NULL,      -10 * DAY, 3650 * DAY};
static const struct spec int_spec = {"Test Intermediate",
                                     NULL,
                                     "critical,CA:TRUE,pathlen:0",
                                     "critical,keyCertSign,cRLSign",
                                     NULL,
                                     -10 * DAY,
                                     3650 * DAY};
static const struct spec leaf_spec = {"example.com",
                                      "DNS:example.com,IP:127.0.0.1",
                                      "critical,CA:FALSE",
                                      "critical,digitalSignature",
                                      "serverAuth",
                                      -1 * DAY,
                                      30 * DAY};

/* The test PKI: CA -> intermediate -> leaf, as libcrypto objects and as ours. */
static struct pki {
    EVP_PKEY *ca_key, *int_key, *leaf_key;
    X509 *ca, *inter, *leaf;
    gls_cert *chain[3]; /* leaf, intermediate, CA */
    gls_trust *trust;   /* trusts the CA only */
} pki;

static gls_trust *trust_of(X509 *anchor, const char *file)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *p = NULL;
    PEM_write_bio_X509(b, anchor);
    long n = BIO_get_mem_data(b, &p);
    gls_trust *t = NULL;
    if (gls_trust_new_from(write_file(file, p, (size_t)n), NULL, &t) != GLS_OK) {
        abort();
    }
    BIO_free(b);
    return t;
}

static struct pki *get_pki(void)
{
    if (pki.ca == NULL) {
        pki.ca_key = p256();
        pki.int_key = p256();
        pki.leaf_key = p256();
        pki.ca = make_cert(&ca_spec, pki.ca_key, NULL, NULL);
        pki.inter = make_cert(&int_spec, pki.int_key, pki.ca, pki.ca_key);
        pki.leaf = make_cert(&leaf_spec, pki.leaf_key, pki.inter, pki.int_key);
        pki.chain[0] = to_gls(pki.leaf);
        pki.chain[1] = to_gls(pki.inter);
        pki.chain[2] = to_gls(pki.ca);
        pki.trust = trust_of(pki.ca, "ca.pem");
    }
    return &pki;
}

__attribute__((destructor)) static void free_pki(void)
{
    for (int i = 0; i < 3; i++) {
        gls_cert_free(pki.chain[i]);
    }
    gls_trust_free(pki.trust);
    X509_free(pki.ca);
    X509_free(pki.inter);
    X509_free(pki.leaf);
    EVP_PKEY_free(pki.ca_key);
    EVP_PKEY_free(pki.int_key);
    EVP_PKEY_free(pki.leaf_key);
}

static int verify(const gls_trust *t, gls_cert *const *chain, size_t n, const char *name,
                  time_t now, char *reason)
{
    return gls_x509_verify(t, chain, n, name, now, reason, 256);
}

/* ---- the per-config cache of parsed peer certificates ---- */

/* The same DER parsed twice through the cache shares one parsed certificate; another DER
 * does not; every cached copy still verifies (or fails) on its own, and a full cache
 * evicts the least recently used entry. Parsing is cached, verification never is. */
TEST(cert_cache_shares_the_parse_not_the_verdict)
{
    struct pki *p = get_pki();
    gls_cert_cache *cc = NULL;
    gls_cert *a = NULL, *b = NULL, *other = NULL, *inter = NULL;
    char why[256];
    time_t now = time(NULL);
    gls_bytes leaf = gls_cert_der(p->chain[0]);
    gls_bytes mid = gls_cert_der(p->chain[1]);
    CHECK_OK(gls_cert_cache_new(&cc));
    CHECK_OK(gls_cert_from_der_cached(cc, leaf.p, leaf.len, &a));
    CHECK_OK(gls_cert_from_der_cached(cc, leaf.p, leaf.len, &b));
    CHECK(a->x509 == b->x509);                         /* parsed once */
    CHECK(a->der != b->der && b->der_len == leaf.len); /* each keeps its own DER */
    CHECK_OK(gls_cert_from_der_cached(cc, mid.p, mid.len, &other));
    CHECK(other->x509 != a->x509);
    gls_cert *chain[2] = {b, other};
    CHECK_OK(verify(p->trust, chain, 2, "example.com", now, why));
    CHECK_ERR(verify(p->trust, chain, 2, "other.com", now, why), GLS_E_CERT_HOSTNAME);
    CHECK_ERR(verify(p->trust, chain, 1, "example.com", now, why), GLS_E_CERT_UNTRUSTED);
    gls_cert_shed(a); /* a connection that ends drops only its own reference */
    gls_cert_free(a);
    CHECK(gls_cert_pubkey(b)->pkey != NULL);
    /* bad DER is refused, and not cached */
    uint8_t bad[8] = {0x30, 0x03, 1, 2, 3};
    CHECK_ERR(gls_cert_from_der_cached(cc, bad, sizeof bad, &inter), GLS_E_CERT_BAD);
    gls_cert_free(b);
    gls_cert_free(other);
    gls_cert_cache_free(cc); /* the cache's references go; ASan sees any leak */
    CHECK_OK(gls_cert_from_der_cached(NULL, leaf.p, leaf.len, &a)); /* no cache: plain parse */
    gls_cert_free(a);
}

/* ---- path validation ---- */

TEST(chain_verifies_for_its_names)
{
    struct pki *p = get_pki();
    char why[256];
    time_t now = time(NULL);
    CHECK_OK(verify(p->trust, p->chain, 2, "example.com", now, why));
    CHECK_EQ(why[0], 0);
    CHECK_OK(verify(p->trust, p->chain, 2, "EXAMPLE.com", now, why));
    CHECK_OK(verify(p->trust, p->chain, 2, "127.0.0.1", now, why));
    CHECK_OK(verify(p->trust, p->chain, 2, NULL, now, why));
    CHECK_OK(verify(p->trust, p->chain, 3, "example.com", now, why)); /* CA sent too */
    CHECK(gls_cert_matches_name(p->chain[0], "example.com"));
    CHECK(gls_cert_matches_name(p->chain[0], "127.0.0.1"));
    CHECK(!gls_cert_matches_name(p->chain[0], "other.com"));
    CHECK(!gls_cert_matches_name(p->chain[0], "127.0.0.2"));
    CHECK(!gls_cert_matches_name(p->chain[0], ""));
}

TEST(hostname_mismatch)
{
    struct pki *p = get_pki();
    char why[256];
    time_t now = time(NULL);
    CHECK_ERR(verify(p->trust, p->chain, 2, "other.com", now, why), GLS_E_CERT_HOSTNAME);
    CHECK(strstr(why, "hostname mismatch") != NULL && strstr(why, "other.com") != NULL);
    CHECK_ERR(verify(p->trust, p->chain, 2, "www.example.com", now, why), GLS_E_CERT_HOSTNAME);
    CHECK_ERR(verify(p->trust, p->chain, 2, "example.com.evil", now, why), GLS_E_CERT_HOSTNAME);
    CHECK_ERR(verify(p->trust, p->chain, 2, "127.0.0.2", now, why), GLS_E_CERT_HOSTNAME);
    CHECK(strstr(why, "127.0.0.2") != NULL);
    CHECK_ERR(verify(p->trust, p->chain, 2, "::1", now, why), GLS_E_CERT_HOSTNAME);
    CHECK_ERR(verify(p->trust, p->chain, 2, "", now, why), GLS_E_INVALID_ARGUMENT);
}

TEST(untrusted_paths)
{
    struct pki *p = get_pki();
    char why[256];
    time_t now = time(NULL);
    /* the intermediate is missing */
    CHECK_ERR(verify(p->trust, p->chain, 1, "example.com", now, why), GLS_E_CERT_UNTRUSTED);
    CHECK(strstr(why, "unable to get local issuer certificate") != NULL);
    CHECK(strstr(why, "issuer CN=Test Intermediate") != NULL);
    /* a store that trusts another CA */
    EVP_PKEY *k = p256();
    X509 *other = make_cert(&ca_spec, k, NULL, NULL);
    gls_trust *t = trust_of(other, "other-ca.pem");
    CHECK_ERR(verify(t, p->chain, 2, "example.com", now, why), GLS_E_CERT_UNTRUSTED);
    CHECK(strstr(why, "issuer CN=Test CA") != NULL);
    /* the whole chain sent, root included, but not trusted */
    CHECK_ERR(verify(t, p->chain, 3, "example.com", now, why), GLS_E_CERT_UNTRUSTED);
    CHECK(strstr(why, "self-signed certificate in certificate chain") != NULL);
    gls_trust_free(t);
    /* the system store does not know our CA */
    CHECK_OK(gls_trust_new_default(&t));
    CHECK_ERR(verify(t, p->chain, 2, "example.com", now, why), GLS_E_CERT_UNTRUSTED);
    /* ... until it is added */
    CHECK_OK(gls_trust_add(t, p->chain[2]));
    CHECK_OK(verify(t, p->chain, 2, "example.com", now, why));
    gls_trust_free(t);
    X509_free(other);
    EVP_PKEY_free(k);
    /* no store at all */
    CHECK_ERR(verify(NULL, p->chain, 2, "example.com", now, why), GLS_E_CERT_NO_TRUST);
    CHECK_ERR(gls_x509_verify(NULL, p->chain, 2, NULL, now, NULL, 0), GLS_E_CERT_NO_TRUST);
}

TEST(validity_period)
{
    struct pki *p = get_pki();
    char why[256];
    time_t now = time(NULL);
    CHECK_ERR(verify(p->trust, p->chain, 2, "example.com", now + 60 * DAY, why),
              GLS_E_CERT_EXPIRED);
    CHECK(strstr(why, "certificate has expired") != NULL && strstr(why, "notAfter ") != NULL);
    CHECK(strstr(why, "GMT") != NULL && strstr(why, "subject CN=example.com") != NULL);
    CHECK_ERR(verify(p->trust, p->chain, 2, "example.com", now - 2 * DAY, why),
              GLS_E_CERT_NOT_YET_VALID);
    CHECK(strstr(why, "not yet valid") != NULL && strstr(why, "notBefore ") != NULL);
    /* the CA expires too, much later */
    CHECK_ERR(verify(p->trust, p->chain, 2, NULL, now + 4000 * DAY, why), GLS_E_CERT_EXPIRED);
    CHECK_OK(verify(p->trust, p->chain, 2, "example.com", now + 29 * DAY, why));
}

/* A leaf signed by a certificate that is not a CA. */
TEST(issuer_not_a_ca)
{
    struct pki *p = get_pki();
    char why[256];
    EVP_PKEY *k1 = p256();
    EVP_PKEY *k2 = p256();
    struct spec not_ca = int_spec;
    not_ca.bc = "critical,CA:FALSE";
    not_ca.ku = "critical,digitalSignature,keyCertSign";
    X509 *mid = make_cert(&not_ca, k1, p->ca, p->ca_key);
    X509 *leaf = make_cert(&leaf_spec, k2, mid, k1);
    gls_cert *chain[2] = {to_gls(leaf), to_gls(mid)};
    CHECK_ERR(verify(p->trust, chain, 2, "example.com", time(NULL), why), GLS_E_CERT_BAD);
    CHECK(strstr(why, "invalid CA certificate") != NULL);
    CHECK(strstr(why, "subject CN=Test Intermediate") != NULL);
    gls_cert_free(chain[0]);
    gls_cert_free(chain[1]);
    X509_free(mid);
    X509_free(leaf);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}

/* A client-only certificate presented as a server's. */
TEST(wrong_extended_key_usage)
{
    struct pki *p = get_pki();
    char why[256];
    EVP_PKEY *k = p256();
    struct spec client = leaf_spec;
    client.eku = "clientAuth";
    X509 *leaf = make_cert(&client, k, p->inter, p->int_key);
    gls_cert *chain[2] = {to_gls(leaf), p->chain[1]};
    CHECK_ERR(verify(p->trust, chain, 2, "example.com", time(NULL), why), GLS_E_CERT_USAGE);
    CHECK(strstr(why, "unsuitable certificate purpose") != NULL);
    CHECK_OK(verify(p->trust, chain, 2, NULL, time(NULL), why)); /* no purpose without a name */
    gls_cert_free(chain[0]);
    X509_free(leaf);
    EVP_PKEY_free(k);
}

/* A server-only certificate presented as a client's, and a client one accepted. */
TEST(client_certificate_purpose)
{
    struct pki *p = get_pki();
    char why[256];
    EVP_PKEY *k = p256();
    struct spec server_only = leaf_spec;
    server_only.eku = "serverAuth";
    struct spec client_only = leaf_spec;
    client_only.eku = "clientAuth";
    X509 *s = make_cert(&server_only, k, p->inter, p->int_key);
    X509 *c = make_cert(&client_only, k, p->inter, p->int_key);
    gls_cert *sc[2] = {to_gls(s), p->chain[1]};
    gls_cert *cc[2] = {to_gls(c), p->chain[1]};
    CHECK_ERR(gls_x509_verify_client(p->trust, sc, 2, time(NULL), why, sizeof why),
              GLS_E_CERT_USAGE);
    CHECK(strstr(why, "unsuitable certificate purpose") != NULL);
    CHECK_OK(gls_x509_verify_client(p->trust, cc, 2, time(NULL), why, sizeof why));
    gls_cert_free(sc[0]);
    gls_cert_free(cc[0]);
    X509_free(s);
    X509_free(c);
    EVP_PKEY_free(k);
}

/* RFC 6125 §6.4.3: a wildcard is a whole left-most label and matches one label. */
TEST(wildcards)
{
    struct pki *p = get_pki();
    char why[256];
    time_t now = time(NULL);
    EVP_PKEY *k = p256();
    struct spec w = leaf_spec;
    w.san = "DNS:*.example.com,DNS:f*.example.org";
    X509 *leaf = make_cert(&w, k, p->inter, p->int_key);
    gls_cert *chain[2] = {to_gls(leaf), p->chain[1]};
    CHECK_OK(verify(p->trust, chain, 2, "www.example.com", now, why));
    CHECK_ERR(verify(p->trust, chain, 2, "a.b.example.com", now, why), GLS_E_CERT_HOSTNAME);
    CHECK_ERR(verify(p->trust, chain, 2, "example.com", now, why), GLS_E_CERT_HOSTNAME);
    CHECK_ERR(verify(p->trust, chain, 2, "foo.example.org", now, why), GLS_E_CERT_HOSTNAME);
    CHECK(gls_cert_matches_name(chain[0], "www.example.com"));
    CHECK(!gls_cert_matches_name(chain[0], "foo.example.org"));
    gls_cert_free(chain[0]);
    X509_free(leaf);
    EVP_PKEY_free(k);
}

/* Eight intermediates are allowed; nine are too many. */
TEST(chain_length_limit)
{
    struct pki *p = get_pki();
    char why[256];
    EVP_PKEY *keys[10];
    X509 *certs[10];
    gls_cert *chain[11];
    struct spec mid = int_spec;
    mid.bc = "critical,CA:TRUE";
    for (int i = 0; i < 10; i++) {
        keys[i] = p256();
        certs[i] = make_cert(i < 9 ? &mid : &leaf_spec, keys[i], i == 0 ? p->ca : certs[i - 1],
                             i == 0 ? p->ca_key : keys[i - 1]);
    }
    /* chain[0] is the leaf, then intermediates nearest first */
    chain[0] = to_gls(certs[9]);
    for (int i = 1; i < 10; i++) {
        chain[i] = to_gls(certs[9 - i]);
    }
    CHECK_ERR(verify(p->trust, chain, 10, "example.com", time(NULL), why),
              GLS_E_CERT_CHAIN_TOO_LONG);
    CHECK(strstr(why, "certificate chain too long") != NULL);
    /* a leaf under the eighth intermediate: a chain of exactly the limit */
    gls_cert *eight[9];
    X509 *leaf8 = make_cert(&leaf_spec, keys[9], certs[7], keys[7]);
    eight[0] = to_gls(leaf8);
    for (int i = 1; i < 9; i++) {
        eight[i] = to_gls(certs[8 - i]);
    }
    CHECK_OK(verify(p->trust, eight, 9, "example.com", time(NULL), why));
    for (int i = 0; i < 9; i++) {
        gls_cert_free(eight[i]);
    }
    X509_free(leaf8);
    for (int i = 0; i < 10; i++) {
        gls_cert_free(chain[i]);
        X509_free(certs[i]);
        EVP_PKEY_free(keys[i]);
    }
}

/* ---- self-signed certificates ---- */

TEST(self_signed_verifies_against_itself)
{
    static const gls_key_type types[] = {GLS_KEY_RSA, GLS_KEY_EC_P256, GLS_KEY_ED25519};
    static const size_t bits[] = {2048, 256, 256};
    const char *names[] = {"localhost", "127.0.0.1", "::1", "test.internal"};
    char why[256];
    char subject[128];
    char issuer[128];
    time_t now = time(NULL);
    for (size_t i = 0; i < 3; i++) {
        gls_cert *c = NULL;
        gls_pkey *k = NULL;
        CHECK_OK(gls_cert_self_signed(types[i], names, 4, 7, &c, &k));
        CHECK_EQ(gls_pkey_type(k), types[i]);
        CHECK_EQ(gls_pkey_type(gls_cert_pubkey(c)), types[i]);
        CHECK_EQ(gls_pkey_bits(k), bits[i]);
        CHECK(gls_pkey_matches_cert(k, c));
        gls_cert_subject(c, subject, sizeof subject);
        gls_cert_issuer(c, issuer, sizeof issuer);
        CHECK(strcmp(subject, "CN=localhost") == 0);
        CHECK(strcmp(issuer, "CN=localhost") == 0);

        gls_trust *t = NULL;
        CHECK_OK(gls_trust_new_default(&t));
        CHECK_ERR(verify(t, &c, 1, "localhost", now, why), GLS_E_CERT_UNTRUSTED);
        CHECK(strstr(why, "self-signed certificate") != NULL);
        CHECK_OK(gls_trust_add(t, c));
        for (size_t j = 0; j < 4; j++) {
            CHECK_OK(verify(t, &c, 1, names[j], now, why));
            CHECK(gls_cert_matches_name(c, names[j]));
        }
        CHECK_ERR(verify(t, &c, 1, "other.test", now, why), GLS_E_CERT_HOSTNAME);
        CHECK_ERR(verify(t, &c, 1, "127.0.0.2", now, why), GLS_E_CERT_HOSTNAME);
        /* valid from an hour ago for seven days */
        CHECK_OK(verify(t, &c, 1, "localhost", now - 3000, why));
        CHECK_ERR(verify(t, &c, 1, "localhost", now - 4000, why), GLS_E_CERT_NOT_YET_VALID);
        CHECK_OK(verify(t, &c, 1, "localhost", now + 7 * DAY - 60, why));
        CHECK_ERR(verify(t, &c, 1, "localhost", now + 7 * DAY + 60, why), GLS_E_CERT_EXPIRED);

        /* the key signs what the certificate's key verifies */
        uint16_t scheme = types[i] == GLS_KEY_RSA       ? 0x0804
                          : types[i] == GLS_KEY_EC_P256 ? 0x0403
                                                        : 0x0807;
        uint8_t sig[256];
        size_t len = 0;
        CHECK_OK(gls_sig_sign(k, scheme, (const uint8_t *)"hi", 2, sig, sizeof sig, &len));
        CHECK_OK(gls_sig_verify(gls_cert_pubkey(c), scheme, (const uint8_t *)"hi", 2, sig, len));
        gls_trust_free(t);
        gls_cert_free(c);
        gls_pkey_free(k);
    }
}

TEST(self_signed_details)
{
    const char *names[] = {"a.example", "10.1.2.3"};
    gls_cert *c = NULL;
    gls_pkey *k = NULL;
    CHECK_OK(gls_cert_self_signed(GLS_KEY_EC_P256, names, 2, 1, &c, &k));
    gls_bytes der = gls_cert_der(c);
    const unsigned char *q = der.p;
    X509 *x = d2i_X509(NULL, &q, (long)der.len);
    CHECK(x != NULL && q == der.p + der.len);
    CHECK_EQ(X509_get_version(x), X509_VERSION_3);
    CHECK(X509_check_ca(x) == 0);
    CHECK(X509_get_extension_flags(x) & EXFLAG_SS);
    CHECK_EQ(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE);
    CHECK_EQ(X509_get_extended_key_usage(x), XKU_SSL_SERVER | XKU_SSL_CLIENT);
    CHECK(X509_check_host(x, "a.example", 0, 0, NULL) == 1);
    CHECK(X509_check_ip_asc(x, "10.1.2.3", 0) == 1);
    CHECK_EQ(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
    const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
    CHECK(ASN1_STRING_length(sn) >= 15 &&
          ASN1_STRING_type(sn) == V_ASN1_INTEGER); /* random, positive */
    int days = 0;
    int secs = 0;
    CHECK(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)) == 1);
    CHECK_EQ(days * 86400L + secs, DAY + 3600);
    /* another one has another serial */
    gls_cert *c2 = NULL;
    gls_pkey *k2 = NULL;
    CHECK_OK(gls_cert_self_signed(GLS_KEY_EC_P256, names, 1, 1, &c2, &k2));
    gls_bytes der2 = gls_cert_der(c2);
    q = der2.p;
    X509 *x2 = d2i_X509(NULL, &q, (long)der2.len);
    CHECK(x2 != NULL && ASN1_INTEGER_cmp(X509_get0_serialNumber(x2), sn) != 0);
    CHECK(!gls_pkey_matches_cert(k2, c));
    CHECK(!gls_pkey_matches_cert(k, c2));
    X509_free(x);
    X509_free(x2);
    gls_cert_free(c);
    gls_cert_free(c2);
    gls_pkey_free(k);
    gls_pkey_free(k2);
}

TEST(self_signed_bad_arguments)
{
    const char *ok[] = {"localhost"};
    const char *space[] = {"local host"};
    const char *comma[] = {"a.example,DNS:evil.example"};
    const char *empty[] = {""};
    gls_cert *c = NULL;
    gls_pkey *k = NULL;
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_EC_P384, ok, 1, 1, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_RSA_PSS, ok, 1, 1, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_EC_P256, ok, 0, 1, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_EC_P256, ok, 1, 0, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_EC_P256, space, 1, 1, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_EC_P256, comma, 1, 1, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_cert_self_signed(GLS_KEY_EC_P256, empty, 1, 1, &c, &k), GLS_E_INVALID_ARGUMENT);
    CHECK(c == NULL && k == NULL);
}

/* ---- certificates: DER, PEM chains, names, fingerprints ---- */

static void pem_of(X509 *x, BIO *b)
{
    if (PEM_write_bio_X509(b, x) != 1) {
        abort();
    }
}

TEST(pem_chain_in_order)
{
    struct pki *p = get_pki();
    BIO *b = BIO_new(BIO_s_mem());
    char *pem = NULL;
    /* a key block first: it is skipped */
    PEM_write_bio_PrivateKey(b, p->leaf_key, NULL, NULL, 0, NULL, NULL);
    pem_of(p->leaf, b);
    pem_of(p->inter, b);
    pem_of(p->ca, b);
    long len = BIO_get_mem_data(b, &pem);
    gls_cert *got[4];
    size_t n = 0;
    CHECK_OK(gls_cert_chain_from_pem((const uint8_t *)pem, (size_t)len, got, 4, &n));
    CHECK_EQ(n, 3);
    for (size_t i = 0; i < 3; i++) {
        gls_bytes a = gls_cert_der(got[i]);
        gls_bytes want = gls_cert_der(p->chain[i]);
        CHECK(a.len == want.len && memcmp(a.p, want.p, a.len) == 0);
        gls_cert_free(got[i]);
    }
    CHECK_ERR(gls_cert_chain_from_pem((const uint8_t *)pem, (size_t)len, got, 2, &n),
              GLS_E_BUFFER_TOO_SMALL);
    CHECK_EQ(n, 0);
    /* the same from a file */
    const char *path = write_file("chain.pem", pem, (size_t)len);
    CHECK_OK(gls_cert_chain_load_file(path, got, 4, &n));
    CHECK_EQ(n, 3);
    char subject[128];
    gls_cert_subject(got[1], subject, sizeof subject);
    CHECK(strcmp(subject, "CN=Test Intermediate, O=glasstls tests") == 0);
    for (size_t i = 0; i < n; i++) {
        gls_cert_free(got[i]);
    }
    /* a damaged block after a good one */
    char *bad = malloc((size_t)len);
    memcpy(bad, pem, (size_t)len);
    char *last = strstr(strstr(strstr(bad, "BEGIN CERTIFICATE") + 1, "BEGIN CERTIFICATE") + 1,
                        "BEGIN CERTIFICATE");
    last[40] = '!';
    CHECK_ERR(gls_cert_chain_from_pem((const uint8_t *)bad, (size_t)len, got, 4, &n),
              GLS_E_BAD_KEY_FILE);
    CHECK_EQ(n, 0);
    free(bad);
    BIO_free(b);
    static const char junk[] = "not a certificate\n";
    CHECK_ERR(gls_cert_chain_from_pem((const uint8_t *)junk, sizeof junk - 1, got, 4, &n),
              GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_cert_chain_from_pem((const uint8_t *)junk, 0, got, 4, &n), GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_cert_chain_load_file(path_of("missing.pem"), got, 4, &n), GLS_E_FILE);
    CHECK_ERR(gls_cert_chain_load_file(write_file("junk.pem", junk, sizeof junk - 1), got, 4, &n),
              GLS_E_BAD_KEY_FILE);
}

TEST(der_fingerprint_and_names)
{
    struct pki *p = get_pki();
    unsigned char *der = NULL;
    int n = i2d_X509(p->leaf, &der);
    gls_bytes view = gls_cert_der(p->chain[0]);
    CHECK(view.len == (size_t)n && memcmp(view.p, der, view.len) == 0);
    uint8_t fp[32];
    uint8_t want[32];
    unsigned int wn = 0;
    CHECK_OK(gls_cert_fingerprint(p->chain[0], fp));
    CHECK(X509_digest(p->leaf, EVP_sha256(), want, &wn) == 1 && wn == 32);
    CHECK(memcmp(fp, want, 32) == 0);
    /* malformed DER */
    gls_cert *c = NULL;
    uint8_t *longer = malloc((size_t)n + 1);
    memcpy(longer, der, (size_t)n);
    longer[n] = 0;
    CHECK_ERR(gls_cert_from_der(longer, (size_t)n + 1, &c), GLS_E_CERT_BAD);
    CHECK_ERR(gls_cert_from_der(der, (size_t)n - 1, &c), GLS_E_CERT_BAD);
    CHECK_ERR(gls_cert_from_der(der, 0, &c), GLS_E_CERT_BAD);
    longer[1] ^= 0x01; /* outer length */
    CHECK_ERR(gls_cert_from_der(longer, (size_t)n, &c), GLS_E_CERT_BAD);
    CHECK(c == NULL);
    free(longer);
    OPENSSL_free(der);
    /* names */
    char s[128];
    gls_cert_subject(p->chain[0], s, sizeof s);
    CHECK(strcmp(s, "CN=example.com, O=glasstls tests") == 0);
    gls_cert_issuer(p->chain[0], s, sizeof s);
    CHECK(strcmp(s, "CN=Test Intermediate, O=glasstls tests") == 0);
    gls_cert_subject(p->chain[0], s, 5);
    CHECK(strcmp(s, "CN=e") == 0);
    gls_cert_subject(p->chain[0], s, 1);
    CHECK_EQ(s[0], 0);
    /* the public key and which private key it belongs to */
    CHECK_EQ(gls_pkey_type(gls_cert_pubkey(p->chain[0])), GLS_KEY_EC_P256);
}

/* ---- private keys ---- */

static gls_pkey *load_from(const char *name, BIO *b)
{
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    gls_pkey *k = NULL;
    int err = gls_pkey_load_file(write_file(name, data, (size_t)len), &k);
    return err == GLS_OK ? k : NULL;
}

static bool bio_has(BIO *b, const char *s)
{
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    size_t n = strlen(s);
    for (long i = 0; i + (long)n <= len; i++) {
        if (memcmp(data + i, s, n) == 0) {
            return true;
        }
    }
    return false;
}

/* True if DER is a PKCS#8 PrivateKeyInfo (version, then an AlgorithmIdentifier
 * SEQUENCE), false for PKCS#1 / SEC1 (version, then an INTEGER or OCTET STRING). */
static bool der_is_pkcs8(BIO *b)
{
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    const uint8_t *d = (const uint8_t *)data;
    size_t at = (d[1] & 0x80) ? 2 + (d[1] & 0x7f) : 2; /* past the outer SEQUENCE header */
    return len > (long)at + 3 && d[at] == 0x02 && d[at + 1] == 0x01 && d[at + 3] == 0x30;
}

/* One key in PEM PKCS#8, PEM traditional, DER PKCS#8 and DER traditional. */
static void check_forms(EVP_PKEY *key, const char *label, gls_key_type type, size_t bits,
                        gls_cert *cert)
{
    BIO *forms[4];
    for (int i = 0; i < 4; i++) {
        forms[i] = BIO_new(BIO_s_mem());
    }
    CHECK(PEM_write_bio_PrivateKey(forms[0], key, NULL, NULL, 0, NULL, NULL) == 1);
    CHECK(bio_has(forms[0], "-----BEGIN PRIVATE KEY-----"));
    if (label != NULL) {
        CHECK(PEM_write_bio_PrivateKey_traditional(forms[1], key, NULL, NULL, 0, NULL, NULL) == 1);
        CHECK(bio_has(forms[1], label));
    } else { /* Ed25519 has no traditional form (RFC 8410 defines PKCS#8 only) */
        CHECK(PEM_write_bio_PrivateKey(forms[1], key, NULL, NULL, 0, NULL, NULL) == 1);
    }
    CHECK(i2d_PKCS8PrivateKey_bio(forms[2], key, NULL, NULL, 0, NULL, NULL) == 1);
    CHECK(i2d_PrivateKey_bio(forms[3], key) == 1);
    CHECK(der_is_pkcs8(forms[2]));
    CHECK(der_is_pkcs8(forms[3]) == (label == NULL)); /* PKCS#1 / SEC1 unless Ed25519 */
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "key%d", i);
        gls_pkey *k = load_from(name, forms[i]);
        CHECK(k != NULL);
        CHECK_EQ(gls_pkey_type(k), type);
        CHECK_EQ(gls_pkey_bits(k), bits);
        CHECK_EQ(gls_pkey_matches_cert(k, cert), 1);
        char *data = NULL;
        long len = BIO_get_mem_data(forms[i], &data);
        gls_pkey *m = NULL;
        CHECK_OK(i < 2 ? gls_pkey_from_pem((const uint8_t *)data, (size_t)len, &m)
                       : gls_pkey_from_der((const uint8_t *)data, (size_t)len, &m));
        CHECK(gls_pkey_matches_cert(m, cert));
        /* PEM as DER and DER as PEM do not parse */
        gls_pkey *x = NULL;
        CHECK_ERR(i < 2 ? gls_pkey_from_der((const uint8_t *)data, (size_t)len, &x)
                        : gls_pkey_from_pem((const uint8_t *)data, (size_t)len, &x),
                  GLS_E_BAD_KEY_FILE);
        CHECK_ERR(gls_pkey_from_der((const uint8_t *)data, (size_t)len / 2, &x),
                  GLS_E_BAD_KEY_FILE);
        gls_pkey_free(k);
        gls_pkey_free(m);
        BIO_free(forms[i]);
        forms[i] = NULL;
    }
}

/* A certificate for key, to check loaded keys against. */
static gls_cert *cert_for(EVP_PKEY *key)
{
    struct pki *p = get_pki();
    X509 *x = make_cert(&leaf_spec, key, p->inter, p->int_key);
    gls_cert *c = to_gls(x);
    X509_free(x);
    return c;
}

TEST(key_loading_every_form)
{
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    EVP_PKEY *ec = p256();
    EVP_PKEY *ec384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    gls_cert *c_rsa = cert_for(rsa);
    gls_cert *c_ec = cert_for(ec);
    gls_cert *c_ec384 = cert_for(ec384);
    gls_cert *c_ed = cert_for(ed);
    check_forms(rsa, "-----BEGIN RSA PRIVATE KEY-----", GLS_KEY_RSA, 1024, c_rsa);
    check_forms(ec, "-----BEGIN EC PRIVATE KEY-----", GLS_KEY_EC_P256, 256, c_ec);
    check_forms(ec384, "-----BEGIN EC PRIVATE KEY-----", GLS_KEY_EC_P384, 384, c_ec384);
    check_forms(ed, NULL, GLS_KEY_ED25519, 256, c_ed);
    /* keys and certificates that do not belong together */
    gls_pkey *k = NULL;
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, ec, NULL, NULL, 0, NULL, NULL);
    k = load_from("ec.pem", b);
    CHECK(k != NULL && gls_pkey_matches_cert(k, c_ec));
    CHECK(!gls_pkey_matches_cert(k, c_ec384));
    CHECK(!gls_pkey_matches_cert(k, c_rsa));
    CHECK(!gls_pkey_matches_cert(k, get_pki()->chain[0]));
    CHECK(!gls_pkey_matches_cert(NULL, c_ec));
    gls_pkey_free(k);
    BIO_free(b);
    gls_cert_free(c_rsa);
    gls_cert_free(c_ec);
    gls_cert_free(c_ec384);
    gls_cert_free(c_ed);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(ec384);
    EVP_PKEY_free(ed);
}

TEST(key_loading_failures)
{
    gls_pkey *k = NULL;
    static const char junk[] =
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n";
    static const uint8_t bin[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    CHECK_ERR(gls_pkey_load_file(write_file("junk.key", junk, sizeof junk - 1), &k),
              GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_pkey_load_file(write_file("bin.key", bin, sizeof bin), &k), GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_pkey_load_file(write_file("empty.key", "", 0), &k), GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_pkey_load_file(path_of("no-such.key"), &k), GLS_E_FILE);
    CHECK_ERR(gls_pkey_load_file(dir, &k), GLS_E_FILE); /* a directory */
    CHECK_ERR(gls_pkey_from_pem(NULL, 0, &k), GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_pkey_from_der(bin, sizeof bin, &k), GLS_E_BAD_KEY_FILE);

    /* a certificate, a public key and an encrypted key are not private keys */
    EVP_PKEY *ec = p256();
    BIO *b = BIO_new(BIO_s_mem());
    pem_of(get_pki()->leaf, b);
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    CHECK_ERR(gls_pkey_load_file(write_file("cert.key", data, (size_t)len), &k),
              GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_pkey_from_pem((const uint8_t *)data, (size_t)len, &k), GLS_E_BAD_KEY_FILE);
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, ec);
    len = BIO_get_mem_data(b, &data);
    CHECK_ERR(gls_pkey_from_pem((const uint8_t *)data, (size_t)len, &k), GLS_E_BAD_KEY_FILE);
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    CHECK(PEM_write_bio_PKCS8PrivateKey(b, ec, EVP_aes_256_cbc(), "secret", 6, NULL, NULL) == 1);
    CHECK(bio_has(b, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    len = BIO_get_mem_data(b, &data);
    CHECK_ERR(gls_pkey_from_pem((const uint8_t *)data, (size_t)len, &k), GLS_E_BAD_KEY_FILE);
    BIO_free(b);
    CHECK(k == NULL);
    EVP_PKEY_free(ec);
}

/* ---- trust stores ---- */

TEST(trust_store_sources)
{
    struct pki *p = get_pki();
    gls_trust *t = NULL;
    char why[256];
    CHECK_OK(gls_trust_new_default(&t));
    gls_trust_free(t);
    t = NULL;
    CHECK_ERR(gls_trust_new_from(NULL, NULL, &t), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_trust_new_from(path_of("no-such.pem"), NULL, &t), GLS_E_FILE);
    CHECK_ERR(gls_trust_new_from(write_file("garbage.pem", "garbage\n", 8), NULL, &t),
              GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_trust_new_from(NULL, path_of("no-such-dir"), &t), GLS_E_FILE);
    CHECK(t == NULL);
    /* a hashed directory (c_rehash layout) holding the CA */
    char hashed[32];
    snprintf(hashed, sizeof hashed, "%08lx.0",
             X509_NAME_hash_ex(X509_get_subject_name(p->ca), NULL, NULL, NULL));
    BIO *b = BIO_new(BIO_s_mem());
    char *pem = NULL;
    pem_of(p->ca, b);
    long len = BIO_get_mem_data(b, &pem);
    write_file(hashed, pem, (size_t)len);
    BIO_free(b);
    CHECK_OK(gls_trust_new_from(NULL, dir, &t));
    CHECK_OK(verify(t, p->chain, 2, "example.com", time(NULL), why));
    gls_trust_free(t);
    /* file and directory together */
    CHECK_OK(gls_trust_new_from(path_of("ca.pem"), dir, &t));
    CHECK_OK(verify(t, p->chain, 2, "example.com", time(NULL), why));
    gls_trust_free(t);
}

/* gls_config_add_cert_files says which part failed, and the config reports the leaf's
 * validity period. */
TEST(config_cert_files_say_what_failed)
{
    struct pki *p = get_pki();
    BIO *b = BIO_new(BIO_s_mem());
    char *pem = NULL;
    time_t now = time(NULL);
    pem_of(p->leaf, b);
    long len = BIO_get_mem_data(b, &pem);
    char leaf[192];
    snprintf(leaf, sizeof leaf, "%s", write_file("cfg-leaf.pem", pem, (size_t)len));
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, p->leaf_key, NULL, NULL, 0, NULL, NULL);
    len = BIO_get_mem_data(b, &pem);
    char key[192];
    snprintf(key, sizeof key, "%s", write_file("cfg-leaf.key", pem, (size_t)len));
    BIO_free(b);
    EVP_PKEY *other = p256();
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, other, NULL, NULL, 0, NULL, NULL);
    len = BIO_get_mem_data(b, &pem);
    char other_key[192];
    snprintf(other_key, sizeof other_key, "%s", write_file("cfg-other.key", pem, (size_t)len));
    BIO_free(b);
    EVP_PKEY_free(other);
    static const char junk[] = "not a certificate\n";
    char junk_file[192];
    snprintf(junk_file, sizeof junk_file, "%s", write_file("cfg-junk.pem", junk, sizeof junk - 1));

    gls_config *cfg = gls_config_new();
    int64_t from = 0;
    int64_t until = 0;
    CHECK_ERR(gls_config_cert_validity(cfg, 0, &from, &until), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_config_add_cert_files(cfg, leaf, other_key), GLS_E_KEY_MISMATCH);
    CHECK_ERR(gls_config_add_cert_files(cfg, junk_file, key), GLS_E_BAD_CERT_FILE);
    CHECK_ERR(gls_config_add_cert_files(cfg, leaf, junk_file), GLS_E_BAD_KEY_FILE);
    CHECK_ERR(gls_config_add_cert_files(cfg, path_of("missing.pem"), key), GLS_E_FILE);
    CHECK_ERR(gls_config_add_cert_files(cfg, leaf, path_of("missing.key")), GLS_E_FILE);
    CHECK_OK(gls_config_add_cert_files(cfg, leaf, key));
    CHECK_OK(gls_config_cert_validity(cfg, 0, &from, &until));
    CHECK(from >= now - DAY - 120 && from <= now - DAY + 5);
    CHECK(until >= now + 30 * DAY - 120 && until <= now + 30 * DAY + 5);
    CHECK_ERR(gls_config_cert_validity(cfg, 1, &from, &until), GLS_E_INVALID_ARGUMENT);
    gls_config_free(cfg);
}
