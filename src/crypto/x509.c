/* crypto/x509.c — X.509 certificates (RFC 5280): parsing DER and PEM chains,
 * names and fingerprints, self-signed certificates for the tool and tests, trust
 * stores, and path validation with the reference identity check of RFC 6125
 * (DNS names and IP literals against subjectAltName, no partial wildcards).
 * libcrypto builds and checks the path; this file turns its verdict into a
 * GLS_E_CERT_* code and a sentence a person can act on. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "crypto/internal.h"

/* At most this many intermediates between leaf and trust anchor. */
#define MAX_VERIFY_DEPTH 8
#define NAME_FLAGS       ((XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK) | XN_FLAG_SEP_CPLUS_SPC)
#define HOST_FLAGS       X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS

struct gls_trust {
    X509_STORE *store;
};

/* Wraps x (ownership passes in, even on failure) with its DER: a copy of
 * der[0..len) if given, else x re-encoded. */
static int cert_new(X509 *x, const uint8_t *der, size_t len, gls_cert **out)
{
    gls_cert *c = calloc(1, sizeof *c);
    if (c == NULL) {
        X509_free(x);
        return GLS_E_NO_MEMORY;
    }
    c->x509 = x;
    c->pub.pkey = X509_get0_pubkey(x); /* NULL for a key type libcrypto does not know */
    c->pub.type = gls_pkey_classify(c->pub.pkey);
    if (der != NULL) {
        c->der = malloc(len);
        if (c->der != NULL) {
            memcpy(c->der, der, len);
            c->der_len = len;
        }
    } else {
        unsigned char *enc = NULL;
        int n = i2d_X509(x, &enc);
        if (n > 0) {
            c->der = malloc((size_t)n);
            if (c->der != NULL) {
                memcpy(c->der, enc, (size_t)n);
                c->der_len = (size_t)n;
            }
        }
        OPENSSL_free(enc);
    }
    ERR_clear_error();
    if (c->der == NULL) {
        gls_cert_free(c);
        return GLS_E_NO_MEMORY;
    }
    *out = c;
    return GLS_OK;
}

/* see crypto.h */
int gls_cert_from_der(const uint8_t *p, size_t n, gls_cert **out)
{
    if (p == NULL || n == 0 || n > LONG_MAX) {
        return GLS_E_CERT_BAD;
    }
    const unsigned char *q = p;
    X509 *x = d2i_X509(NULL, &q, (long)n);
    ERR_clear_error();
    if (x == NULL || q != p + n) { /* trailing bytes are not part of any certificate */
        X509_free(x);
        return GLS_E_CERT_BAD;
    }
    return cert_new(x, p, n, out);
}

#define CERT_CACHE_SLOTS 16

struct gls_cert_cache {
    pthread_mutex_t lock;
    struct {
        uint8_t sha256[32];
        uint8_t *der;
        size_t len;
        X509 *x509; /* one reference held by the cache */
        uint64_t used;
    } e[CERT_CACHE_SLOTS];
    uint64_t clock;
};

/* see crypto.h */
int gls_cert_cache_new(gls_cert_cache **out)
{
    gls_cert_cache *cc = calloc(1, sizeof *cc);
    if (cc == NULL || pthread_mutex_init(&cc->lock, NULL) != 0) {
        free(cc);
        return GLS_E_NO_MEMORY;
    }
    *out = cc;
    return GLS_OK;
}

/* see crypto.h */
void gls_cert_cache_free(gls_cert_cache *cc)
{
    if (cc == NULL) {
        return;
    }
    for (size_t i = 0; i < CERT_CACHE_SLOTS; i++) {
        X509_free(cc->e[i].x509);
        free(cc->e[i].der);
    }
    pthread_mutex_destroy(&cc->lock);
    free(cc);
}

/* The cached parse of der (a new reference), or NULL. */
static X509 *cache_find(gls_cert_cache *cc, const uint8_t h[32], const uint8_t *p, size_t n)
{
    X509 *x = NULL;
    pthread_mutex_lock(&cc->lock);
    for (size_t i = 0; i < CERT_CACHE_SLOTS && x == NULL; i++) {
        if (cc->e[i].x509 != NULL && cc->e[i].len == n && memcmp(cc->e[i].sha256, h, 32) == 0 &&
            memcmp(cc->e[i].der, p, n) == 0 && X509_up_ref(cc->e[i].x509) == 1) {
            x = cc->e[i].x509;
            cc->e[i].used = ++cc->clock;
        }
    }
    pthread_mutex_unlock(&cc->lock);
    return x;
}

/* Keeps x (a reference of its own) in the least recently used slot. */
static void cache_put(gls_cert_cache *cc, const uint8_t h[32], const uint8_t *p, size_t n, X509 *x)
{
    uint8_t *der = malloc(n);
    if (der == NULL || X509_up_ref(x) != 1) {
        free(der);
        return;
    }
    memcpy(der, p, n);
    pthread_mutex_lock(&cc->lock);
    size_t victim = 0;
    for (size_t i = 1; i < CERT_CACHE_SLOTS; i++) {
        if (cc->e[i].used < cc->e[victim].used) {
            victim = i;
        }
    }
    X509 *old = cc->e[victim].x509;
    uint8_t *old_der = cc->e[victim].der;
    memcpy(cc->e[victim].sha256, h, 32);
    cc->e[victim].der = der;
    cc->e[victim].len = n;
    cc->e[victim].x509 = x;
    cc->e[victim].used = ++cc->clock;
    pthread_mutex_unlock(&cc->lock);
    X509_free(old);
    free(old_der);
}

/* see crypto.h */
int gls_cert_from_der_cached(gls_cert_cache *cc, const uint8_t *p, size_t n, gls_cert **out)
{
    uint8_t h[32];
    unsigned int hl = 0;
    if (cc == NULL || p == NULL || n == 0 || n > LONG_MAX ||
        EVP_Digest(p, n, h, &hl, EVP_sha256(), NULL) != 1 || hl != 32) {
        ERR_clear_error();
        return gls_cert_from_der(p, n, out);
    }
    X509 *x = cache_find(cc, h, p, n);
    if (x != NULL) {
        return cert_new(x, p, n, out);
    }
    TRY(gls_cert_from_der(p, n, out));
    cache_put(cc, h, p, n, (*out)->x509);
    return GLS_OK;
}

/* Reads every CERTIFICATE block of b (other blocks are skipped), leaf first. */
static int chain_from_bio(BIO *b, gls_cert **out, size_t cap, size_t *n)
{
    size_t k = 0;
    int err = GLS_OK;
    X509 *x;
    while (err == GLS_OK && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        if (k == cap) {
            X509_free(x);
            err = GLS_E_BUFFER_TOO_SMALL;
        } else {
            err = cert_new(x, NULL, 0, &out[k]);
            k += err == GLS_OK;
        }
    }
    unsigned long last = ERR_peek_last_error();
    if (err == GLS_OK && (k == 0 || ERR_GET_REASON(last) != PEM_R_NO_START_LINE)) {
        err = GLS_E_BAD_KEY_FILE; /* no certificate, or a damaged block */
    }
    ERR_clear_error();
    if (err != GLS_OK) {
        while (k > 0) {
            gls_cert_free(out[--k]);
        }
    }
    *n = k;
    return err;
}

/* see crypto.h */
int gls_cert_chain_from_pem(const uint8_t *p, size_t len, gls_cert **out, size_t cap, size_t *n)
{
    if (p == NULL || len == 0 || len > INT_MAX) {
        return GLS_E_BAD_KEY_FILE;
    }
    BIO *b = BIO_new_mem_buf(p, (int)len);
    if (b == NULL) {
        return GLS_E_NO_MEMORY;
    }
    int err = chain_from_bio(b, out, cap, n);
    BIO_free(b);
    return err;
}

/* see crypto.h */
int gls_cert_chain_load_file(const char *path, gls_cert **out, size_t cap, size_t *n)
{
    if (path == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    BIO *b = BIO_new_file(path, "r");
    if (b == NULL) {
        ERR_clear_error();
        return GLS_E_FILE;
    }
    int err = chain_from_bio(b, out, cap, n);
    BIO_free(b);
    return err;
}

/* see crypto.h */
gls_bytes gls_cert_der(const gls_cert *c)
{
    return gls_bytes_of(c->der, c->der_len);
}

/* see crypto.h */
const gls_pkey *gls_cert_pubkey(const gls_cert *c)
{
    return &c->pub;
}

/* Copies what a memory BIO holds into out as a NUL-terminated string. */
static void bio_to_str(BIO *b, char *out, size_t cap)
{
    char *p = NULL;
    long len = BIO_get_mem_data(b, &p);
    size_t n = len > 0 ? (size_t)len : 0;
    if (n >= cap) {
        n = cap - 1;
    }
    if (n > 0) {
        memcpy(out, p, n);
    }
    out[n] = 0;
}

static void name_line(const X509_NAME *name, char *out, size_t cap)
{
    if (out == NULL || cap == 0) {
        return;
    }
    out[0] = 0;
    if (name == NULL) {
        return;
    }
    BIO *b = BIO_new(BIO_s_mem());
    if (b != NULL && X509_NAME_print_ex(b, name, 0, NAME_FLAGS) >= 0) {
        bio_to_str(b, out, cap);
    }
    BIO_free(b);
    ERR_clear_error();
}

/* "Jan  1 00:00:00 2020 GMT" */
static void time_line(const ASN1_TIME *t, char *out, size_t cap)
{
    out[0] = 0;
    BIO *b = BIO_new(BIO_s_mem());
    if (b != NULL && ASN1_TIME_print(b, t) == 1) {
        bio_to_str(b, out, cap);
    }
    BIO_free(b);
    ERR_clear_error();
}

static int asn1_time_to_epoch(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
        ERR_clear_error();
        return GLS_E_CERT_BAD;
    }
    *out = (int64_t)timegm(&tm);
    return GLS_OK;
}

/* see crypto.h */
int gls_cert_validity(const gls_cert *c, int64_t *not_before, int64_t *not_after)
{
    TRY(asn1_time_to_epoch(X509_get0_notBefore(c->x509), not_before));
    return asn1_time_to_epoch(X509_get0_notAfter(c->x509), not_after);
}

/* The parsed certificate: c's own, or (DER-only, gls_cert_shed) a temporary
 * parse of its DER that the caller frees with X509_free(*tmp). */
static const X509 *parsed(const gls_cert *c, X509 **tmp)
{
    const unsigned char *q = c->der;
    *tmp = NULL;
    if (c->x509 != NULL) {
        return c->x509;
    }
    *tmp = d2i_X509(NULL, &q, (long)c->der_len);
    ERR_clear_error();
    return *tmp;
}

/* see crypto.h */
void gls_cert_subject(const gls_cert *c, char *out, size_t cap)
{
    X509 *tmp;
    const X509 *x = parsed(c, &tmp);
    name_line(x != NULL ? X509_get_subject_name(x) : NULL, out, cap);
    X509_free(tmp);
}

/* see crypto.h */
void gls_cert_issuer(const gls_cert *c, char *out, size_t cap)
{
    X509 *tmp;
    const X509 *x = parsed(c, &tmp);
    name_line(x != NULL ? X509_get_issuer_name(x) : NULL, out, cap);
    X509_free(tmp);
}

/* see crypto.h */
void gls_cert_shed(gls_cert *c)
{
    if (c != NULL) {
        X509_free(c->x509); /* also frees c->pub.pkey */
        c->x509 = NULL;
        c->pub.pkey = NULL;
    }
}

/* The binary form of an IP literal (IPv4 or IPv6), or NULL for anything else. */
static ASN1_OCTET_STRING *ip_literal(const char *name)
{
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(name);
    ERR_clear_error();
    return ip;
}

static bool is_ip(const char *name)
{
    ASN1_OCTET_STRING *ip = ip_literal(name);
    ASN1_OCTET_STRING_free(ip);
    return ip != NULL;
}

/* see crypto.h */
bool gls_cert_matches_name(const gls_cert *c, const char *name)
{
    if (c == NULL || name == NULL || name[0] == 0) {
        return false;
    }
    ASN1_OCTET_STRING *ip = ip_literal(name);
    int r;
    if (ip != NULL) {
        r = X509_check_ip(c->x509, ASN1_STRING_get0_data(ip), (size_t)ASN1_STRING_length(ip), 0);
        ASN1_OCTET_STRING_free(ip);
    } else {
        r = X509_check_host(c->x509, name, strlen(name), HOST_FLAGS, NULL);
    }
    ERR_clear_error();
    return r == 1;
}

/* see crypto.h */
int gls_cert_fingerprint(const gls_cert *c, uint8_t out[32])
{
    unsigned int len = 0;
    int ok = EVP_Digest(c->der, c->der_len, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
    ERR_clear_error();
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* see crypto.h */
void gls_cert_free(gls_cert *c)
{
    if (c == NULL) {
        return;
    }
    X509_free(c->x509); /* also frees c->pub.pkey */
    free(c->der);
    free(c);
}

/* ---- self-signed certificates ---- */

/* A DNS name we are willing to put in a certificate: LDH labels, dots, '*'. */
static bool dns_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 253) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '*' || ch == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* subjectAltName (RFC 5280 §4.2.1.6): a dNSName or iPAddress per name. */
static int add_san(X509 *x, const char *const *names, size_t n)
{
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    bool ok = gens != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        GENERAL_NAME *g = GENERAL_NAME_new();
        ASN1_OCTET_STRING *ip = ip_literal(names[i]);
        ok = g != NULL && sk_GENERAL_NAME_push(gens, g) > 0;
        if (!ok) {
            GENERAL_NAME_free(g);
            ASN1_OCTET_STRING_free(ip);
        } else if (ip != NULL) {
            GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
        } else {
            ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
            ok = dns != NULL && ASN1_STRING_set(dns, names[i], -1) == 1;
            if (dns != NULL) {
                GENERAL_NAME_set0_value(g, GEN_DNS, dns);
            }
        }
    }
    ok = ok && X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) == 1;
    GENERAL_NAMES_free(gens);
    return ok ? GLS_OK : GLS_E_CRYPTO;
}

/* Version, random serial, validity, names, key and extensions of a leaf. */
static int fill_cert(X509 *x, EVP_PKEY *pkey, gls_key_type type, const char *const *names, size_t n,
                     int days)
{
    uint8_t serial[16];
    time_t now = time(NULL);
    if (RAND_bytes(serial, sizeof serial) != 1) {
        return GLS_E_RNG;
    }
    serial[0] = (uint8_t)((serial[0] & 0x7f) | 0x40); /* positive, 16 bytes, never zero */
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    bool ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    X509_NAME *subject = X509_get_subject_name(x);
    ok = ok && X509_set_version(x, X509_VERSION_3) == 1 &&
         X509_time_adj_ex(X509_getm_notBefore(x), 0, -3600, &now) != NULL &&
         X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) != NULL &&
         X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, (const unsigned char *)names[0],
                                    -1, -1, 0) == 1 &&
         X509_set_issuer_name(x, subject) == 1 && X509_set_pubkey(x, pkey) == 1;
    if (!ok) {
        return GLS_E_CRYPTO;
    }
    const char *ku = type == GLS_KEY_RSA ? "critical,digitalSignature,keyEncipherment"
                                         : "critical,digitalSignature";
    TRY(add_ext(x, NID_basic_constraints, "critical,CA:FALSE"));
    TRY(add_ext(x, NID_key_usage, ku));
    TRY(add_ext(x, NID_ext_key_usage, "serverAuth,clientAuth"));
    TRY(add_ext(x, NID_subject_key_identifier, "hash"));
    return add_san(x, names, n);
}

static EVP_PKEY *keygen(gls_key_type type)
{
    switch (type) {
    case GLS_KEY_RSA:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    case GLS_KEY_EC_P256:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    case GLS_KEY_ED25519:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    default:
        return NULL;
    }
}

/* see crypto.h */
int gls_cert_self_signed(gls_key_type key_type, const char *const *names, size_t n_names, int days,
                         gls_cert **cert, gls_pkey **key)
{
    bool ok_type =
        key_type == GLS_KEY_RSA || key_type == GLS_KEY_EC_P256 || key_type == GLS_KEY_ED25519;
    if (!ok_type || names == NULL || n_names == 0 || days <= 0 || cert == NULL || key == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n_names; i++) {
        if (names[i] == NULL || (!dns_name_ok(names[i]) && !is_ip(names[i]))) {
            return GLS_E_INVALID_ARGUMENT;
        }
    }
    if (strlen(names[0]) > 64) { /* RFC 5280 ub-common-name */
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_pkey *k = calloc(1, sizeof *k);
    X509 *x = X509_new();
    int err = k == NULL || x == NULL ? GLS_E_NO_MEMORY : GLS_OK;
    if (err == GLS_OK) {
        k->pkey = keygen(key_type);
        k->type = gls_pkey_classify(k->pkey);
        err = k->pkey != NULL ? GLS_OK : GLS_E_CRYPTO;
    }
    if (err == GLS_OK) {
        err = fill_cert(x, k->pkey, key_type, names, n_names, days);
    }
    const EVP_MD *md = key_type == GLS_KEY_ED25519 ? NULL : EVP_sha256();
    if (err == GLS_OK && X509_sign(x, k->pkey, md) <= 0) {
        err = GLS_E_CRYPTO;
    }
    ERR_clear_error();
    if (err != GLS_OK) {
        X509_free(x);
        gls_pkey_free(k);
        return err;
    }
    err = cert_new(x, NULL, 0, cert);
    if (err != GLS_OK) {
        gls_pkey_free(k);
        return err;
    }
    *key = k;
    return GLS_OK;
}

/* ---- trust stores ---- */

static int trust_new(gls_trust **out)
{
    gls_trust *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return GLS_E_NO_MEMORY;
    }
    t->store = X509_STORE_new();
    if (t->store == NULL) {
        free(t);
        return GLS_E_NO_MEMORY;
    }
    *out = t;
    return GLS_OK;
}

/* see crypto.h */
int gls_trust_new_default(gls_trust **out)
{
    gls_trust *t = NULL;
    TRY(trust_new(&t));
    if (X509_STORE_set_default_paths(t->store) != 1) {
        ERR_clear_error();
        gls_trust_free(t);
        return GLS_E_CRYPTO;
    }
    *out = t;
    return GLS_OK;
}

/* Why path could not be used: missing or unreadable, or not what it should be. */
static int path_error(const char *path, bool want_dir)
{
    struct stat st;
    if (stat(path, &st) != 0 || (want_dir && !S_ISDIR(st.st_mode))) {
        return GLS_E_FILE;
    }
    FILE *f = want_dir ? NULL : fopen(path, "rb");
    if (!want_dir && f == NULL) {
        return GLS_E_FILE;
    }
    if (f != NULL) {
        fclose(f);
    }
    return want_dir ? GLS_OK : GLS_E_BAD_KEY_FILE;
}

/* see crypto.h */
int gls_trust_new_from(const char *cafile, const char *capath, gls_trust **out)
{
    if (cafile == NULL && capath == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_trust *t = NULL;
    TRY(trust_new(&t));
    int err = GLS_OK;
    if (cafile != NULL && X509_STORE_load_file(t->store, cafile) != 1) {
        err = path_error(cafile, false); /* a file with no certificate is unparsable */
    }
    if (err == GLS_OK && capath != NULL) {
        err = path_error(capath, true); /* the directory is read lazily, so check it now */
        if (err == GLS_OK && X509_STORE_load_path(t->store, capath) != 1) {
            err = GLS_E_FILE;
        }
    }
    ERR_clear_error();
    if (err != GLS_OK) {
        gls_trust_free(t);
        return err;
    }
    *out = t;
    return GLS_OK;
}

/* see crypto.h */
int gls_trust_add(gls_trust *t, const gls_cert *c)
{
    if (t == NULL || c == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    int ok = X509_STORE_add_cert(t->store, c->x509);
    ERR_clear_error();
    return ok == 1 ? GLS_OK : GLS_E_CRYPTO;
}

/* see crypto.h */
void gls_trust_free(gls_trust *t)
{
    if (t == NULL) {
        return;
    }
    X509_STORE_free(t->store);
    free(t);
}

/* ---- path validation ---- */

/* libcrypto's verdict as our error code. */
static int map_verify_error(int v)
{
    switch (v) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
        return GLS_E_CERT_UNTRUSTED;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return GLS_E_CERT_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return GLS_E_CERT_NOT_YET_VALID;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return GLS_E_CERT_HOSTNAME;
    case X509_V_ERR_CERT_REVOKED:
        return GLS_E_CERT_REVOKED;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        return GLS_E_CERT_CHAIN_TOO_LONG;
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
        return GLS_E_CERT_USAGE;
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
        return GLS_E_CERT_UNSUPPORTED;
    default:
        return GLS_E_CERT_BAD;
    }
}

/* Writes why verification failed: libcrypto's words plus what a person needs
 * to see (the wanted name, the date, the issuer that was not found). */
static void explain(X509_STORE_CTX *ctx, int v, const char *name, char *reason, size_t cap)
{
    X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
    const char *what = X509_verify_cert_error_string(v);
    char subject[256] = "";
    char detail[64] = "";
    if (cur != NULL) {
        name_line(X509_get_subject_name(cur), subject, sizeof subject);
    }
    switch (v) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
        snprintf(reason, cap, "hostname mismatch (wanted %s)", name != NULL ? name : "");
        break;
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        snprintf(reason, cap, "IP address mismatch (wanted %s)", name != NULL ? name : "");
        break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID: {
        bool expired = v == X509_V_ERR_CERT_HAS_EXPIRED;
        if (cur != NULL) {
            time_line(expired ? X509_get0_notAfter(cur) : X509_get0_notBefore(cur), detail,
                      sizeof detail);
        }
        snprintf(reason, cap, "%s (%s %s, subject %s)", what, expired ? "notAfter" : "notBefore",
                 detail, subject);
        break;
    }
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
        char issuer[256] = "";
        if (cur != NULL) {
            name_line(X509_get_issuer_name(cur), issuer, sizeof issuer);
        }
        snprintf(reason, cap, "%s (issuer %s)", what, issuer);
        break;
    }
    default:
        snprintf(reason, cap, "%s (depth %d, subject %s)", what,
                 X509_STORE_CTX_get_error_depth(ctx), subject);
        break;
    }
}

/* Time, depth, the purpose (0: none), and (with a name) the RFC 6125 identity. */
static int set_params(X509_STORE_CTX *ctx, const char *name, int purpose, time_t now)
{
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(vp, now);
    X509_VERIFY_PARAM_set_depth(vp, MAX_VERIFY_DEPTH);
    if (purpose != 0 && X509_STORE_CTX_set_purpose(ctx, purpose) != 1) {
        return GLS_E_CRYPTO;
    }
    if (name == NULL) {
        return GLS_OK;
    }
    if (is_ip(name)) {
        return X509_VERIFY_PARAM_set1_ip_asc(vp, name) == 1 ? GLS_OK : GLS_E_CRYPTO;
    }
    X509_VERIFY_PARAM_set_hostflags(vp, HOST_FLAGS);
    return X509_VERIFY_PARAM_set1_host(vp, name, strlen(name)) == 1 ? GLS_OK : GLS_E_CRYPTO;
}

static int verify(const gls_trust *t, gls_cert *const *chain, size_t n, const char *name,
                  int purpose, time_t now, char *reason, size_t cap)
{
    char scratch[1];
    if (reason == NULL || cap == 0) {
        reason = scratch;
        cap = sizeof scratch;
    }
    reason[0] = 0;
    if (t == NULL) {
        snprintf(reason, cap, "no trust store configured");
        return GLS_E_CERT_NO_TRUST;
    }
    if (chain == NULL || n == 0 || (name != NULL && name[0] == 0)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    int err = GLS_E_NO_MEMORY;
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (untrusted == NULL || ctx == NULL) {
        goto out;
    }
    for (size_t i = 1; i < n; i++) {
        if (sk_X509_push(untrusted, chain[i]->x509) <= 0) {
            goto out;
        }
    }
    err = GLS_E_CRYPTO;
    if (X509_STORE_CTX_init(ctx, t->store, chain[0]->x509, untrusted) != 1) {
        goto out;
    }
    err = set_params(ctx, name, purpose, now);
    if (err == GLS_OK && X509_verify_cert(ctx) != 1) {
        int v = X509_STORE_CTX_get_error(ctx);
        err = map_verify_error(v);
        explain(ctx, v, name, reason, cap);
    }
out:
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    ERR_clear_error();
    return err;
}

/* see crypto.h */
int gls_x509_verify(const gls_trust *t, gls_cert *const *chain, size_t n, const char *name,
                    time_t now, char *reason, size_t cap)
{
    return verify(t, chain, n, name, name != NULL ? X509_PURPOSE_SSL_SERVER : 0, now, reason, cap);
}

/* see crypto.h */
int gls_x509_verify_client(const gls_trust *t, gls_cert *const *chain, size_t n, time_t now,
                           char *reason, size_t cap)
{
    return verify(t, chain, n, NULL, X509_PURPOSE_SSL_CLIENT, now, reason, cap);
}

/* Copies what a memory BIO holds into a fresh NUL-terminated buffer; frees the BIO. */
static int bio_take(BIO *b, int ok, uint8_t **out, size_t *len)
{
    char *p = NULL;
    long n = ok ? BIO_get_mem_data(b, &p) : 0;
    int err = GLS_E_CRYPTO;
    if (n > 0) {
        *out = malloc((size_t)n + 1);
        err = *out == NULL ? GLS_E_NO_MEMORY : GLS_OK;
    }
    if (err == GLS_OK) {
        memcpy(*out, p, (size_t)n);
        (*out)[n] = 0;
        *len = (size_t)n;
    }
    if (p != NULL && n > 0) {
        OPENSSL_cleanse(p, (size_t)n);
    }
    BIO_free(b);
    ERR_clear_error();
    return err;
}

/* see crypto.h */
int gls_cert_to_pem(const gls_cert *c, uint8_t **out, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (c == NULL || b == NULL) {
        BIO_free(b);
        return b == NULL ? GLS_E_NO_MEMORY : GLS_E_INVALID_ARGUMENT;
    }
    return bio_take(b, PEM_write_bio_X509(b, c->x509) == 1, out, len);
}

/* see crypto.h */
int gls_pkey_to_pem(const gls_pkey *k, uint8_t **out, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (k == NULL || b == NULL) {
        BIO_free(b);
        return b == NULL ? GLS_E_NO_MEMORY : GLS_E_INVALID_ARGUMENT;
    }
    int ok = PEM_write_bio_PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL) == 1;
    return bio_take(b, ok, out, len);
}

/* see crypto.h */
void gls_pem_free(uint8_t *p, size_t len)
{
    if (p != NULL) {
        OPENSSL_cleanse(p, len);
        free(p);
    }
}

/* see crypto.h */
int gls_trust_new_empty(gls_trust **out)
{
    return trust_new(out);
}
