/* Resumption cannot cross names or identities (issue 9 items 2 and 3), in TLS 1.3 (tickets)
 * and TLS 1.2 (tickets and session ids):
 * - a session resumes only under the server name it was made for (RFC 8446 §4.6.1, RFC 6066
 *   §3): a session moved in the client's cache to another name gets a full handshake;
 * - the client's identity (leaf SHA-256, subject) travels in the session and is reported on
 *   resumption; a server requiring client authentication takes no session made without it,
 *   a server asking for none takes no session made with it;
 * - a client reports the server as verified on resumption only if it was when the session
 *   was made. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

static const char *const hosts[] = {"a.example", "b.example"};

/* A self-signed client certificate (CN=client-1, P-256) as PEM, its DER's SHA-256, and the
 * certificate in a CA file for the server to trust. */
struct client_id {
    char cert[4096];
    char key[4096];
    uint8_t sha256[32];
    char path[32];
};

static bool make_client_id(struct client_id *id)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    BIO *b1 = BIO_new(BIO_s_mem());
    BIO *b2 = BIO_new(BIO_s_mem());
    unsigned char *der = NULL;
    bool ok = k != NULL && x != NULL && name != NULL && b1 != NULL && b2 != NULL;
    ok = ok && X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), 7) == 1;
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                          (const unsigned char *)"client-1", -1, -1, 0) == 1;
    ok = ok && X509_set_subject_name(x, name) == 1 && X509_set_issuer_name(x, name) == 1;
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
         X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL;
    ok = ok && X509_set_pubkey(x, k) == 1 && X509_sign(x, k, EVP_sha256()) > 0;
    ok = ok && PEM_write_bio_X509(b1, x) == 1 &&
         PEM_write_bio_PrivateKey(b2, k, NULL, NULL, 0, NULL, NULL) == 1;
    int n1 = ok ? BIO_read(b1, id->cert, sizeof id->cert - 1) : 0;
    int n2 = ok ? BIO_read(b2, id->key, sizeof id->key - 1) : 0;
    int dn = ok ? i2d_X509(x, &der) : 0;
    ok = ok && n1 > 0 && n2 > 0 && dn > 0 &&
         EVP_Digest(der, (size_t)dn, id->sha256, NULL, EVP_sha256(), NULL) == 1;
    if (ok) {
        id->cert[n1] = 0;
        id->key[n2] = 0;
        strcpy(id->path, "/tmp/gls-cid-XXXXXX");
        int fd = mkstemp(id->path);
        ok = fd >= 0 && write(fd, id->cert, (size_t)n1) == n1;
        if (fd >= 0) {
            close(fd);
        }
    }
    OPENSSL_free(der);
    BIO_free(b1);
    BIO_free(b2);
    X509_NAME_free(name);
    X509_free(x);
    EVP_PKEY_free(k);
    return ok;
}

static struct client_id cid;

static void remove_cid_file(void)
{
    unlink(cid.path);
}

/* Makes cid once for all the tests. */
static void need_cid(void)
{
    static bool made;
    if (!made) {
        if (!make_client_id(&cid)) {
            fprintf(stderr, "cannot make the client certificate\n");
            abort();
        }
        atexit(remove_cid_file);
        made = true;
    }
}

/* A server for a.example and b.example trusting cid, asking for client certificates in
 * `mode`; a client for `version` that accepts any server and presents cid if with_cert. */
static void configs(uint16_t version, enum gls_client_auth mode, bool with_cert, gls_config **s,
                    gls_config **c)
{
    need_cid();
    *s = gls_config_new();
    *c = gls_config_new();
    if (gls_config_add_generated_cert(*s, hosts, 2, 1, NULL) != GLS_OK ||
        gls_config_set_versions(*s, version, version) != GLS_OK ||
        gls_config_set_versions(*c, version, version) != GLS_OK ||
        gls_config_set_ca(*s, cid.path, NULL) != GLS_OK ||
        gls_config_set_client_auth(*s, mode) != GLS_OK ||
        gls_config_danger_accept_any_cert(*c) != GLS_OK ||
        (with_cert &&
         gls_config_add_cert_pem(*c, (const uint8_t *)cid.cert, strlen(cid.cert),
                                 (const uint8_t *)cid.key, strlen(cid.key)) != GLS_OK)) {
        fprintf(stderr, "cannot make the configs\n");
        abort();
    }
}

/* What one connection showed on both sides. */
struct seen {
    int err;
    gls_conn_info ci; /* the client's view */
    gls_conn_info si; /* the server's view */
    char subject[256];
    char server_sni[256]; /* the info's strings live in the connections: copied */
    char client_name[256];
    uint8_t sha256[32];
    int sha_err;
};

static struct seen connect_to(gls_config *s, gls_config *c, const char *name)
{
    struct seen o;
    memset(&o, 0, sizeof o);
    gls_conn *cc = gls_client_new(c, name);
    gls_conn *sc = gls_server_new(s);
    o.err = pair_handshake(cc, sc, 0);
    if (o.err == GLS_OK) {
        o.err = pair_exchange(cc, sc, "ping");
    }
    if (o.err == GLS_OK) {
        o.err = pair_exchange(sc, cc, "pong"); /* moves any NewSessionTicket too */
    }
    (void)gls_conn_get_info(cc, &o.ci);
    (void)gls_conn_get_info(sc, &o.si);
    snprintf(o.server_sni, sizeof o.server_sni, "%s", o.si.server_name ? o.si.server_name : "");
    snprintf(o.client_name, sizeof o.client_name, "%s", o.ci.server_name ? o.ci.server_name : "");
    if (gls_conn_peer_subject(sc, 0, o.subject, sizeof o.subject) != GLS_OK) {
        o.subject[0] = 0;
    }
    o.sha_err = gls_conn_peer_leaf_sha256(sc, o.sha256);
    gls_conn_free(cc);
    gls_conn_free(sc);
    return o;
}

/* Renames every cached client session of c from one server name to another, as a client
 * whose cache ignored names would offer them. */
static size_t rename_cached(gls_config *c, const char *from, const char *to)
{
    struct gls_ticket_cache *tc = c->tickets;
    size_t n = 0;
    for (size_t i = 0; i < tc->n; i++) {
        if (strcmp(tc->entries[i].server_name, from) == 0) {
            snprintf(tc->entries[i].server_name, sizeof tc->entries[i].server_name, "%s", to);
            n++;
        }
    }
    return n;
}

/* The three ways to resume: TLS 1.3 ticket, TLS 1.2 ticket, TLS 1.2 session id. */
struct way {
    const char *name;
    uint16_t version;
    bool by_id;
};
static const struct way ways[] = {
    {"TLS 1.3 ticket", 0x0304, false},
    {"TLS 1.2 ticket", 0x0303, false},
    {"TLS 1.2 session id", 0x0303, true},
};

static void setup(const struct way *w, enum gls_client_auth mode, bool with_cert, gls_config **s,
                  gls_config **c)
{
    configs(w->version, mode, with_cert, s, c);
    (*c)->no_tickets = w->by_id; /* TLS 1.2 by id: neither side uses tickets */
    (*s)->no_tickets = w->by_id;
}

/* Item 2: a session made for a.example is offered under b.example: full handshake (both
 * names are on the server's certificate, so only the name rule refuses it). */
TEST(session_resumes_only_under_its_server_name)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        fprintf(stderr, "  %s\n", ways[i].name);
        setup(&ways[i], GLS_CLIENT_AUTH_NONE, false, &s, &c);
        struct seen o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 0);
        o = connect_to(s, c, "a.example"); /* control: the same name resumes */
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 1);
        CHECK_EQ(o.ci.resumed, 1);
        CHECK(rename_cached(c, "a.example", "b.example") > 0);
        o = connect_to(s, c, "b.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 0);
        CHECK_EQ(o.ci.resumed, 0);
        CHECK(strcmp(o.server_sni, "b.example") == 0);
        /* the client's cache is keyed by name: a.example's next session is not offered to b */
        o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        o = connect_to(s, c, "b.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.ci.resumed, 1); /* b's own session from the full handshake above */
        CHECK(strcmp(o.client_name, "b.example") == 0);
        pair_free(NULL, NULL, s, c);
    }
}

/* Item 3: with client authentication required, the resumed connection reports the client's
 * identity (subject, leaf SHA-256, verified) though no certificate was sent this time. */
TEST(resumption_reports_the_client_identity)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        fprintf(stderr, "  %s\n", ways[i].name);
        setup(&ways[i], GLS_CLIENT_AUTH_REQUIRED, true, &s, &c);
        struct seen o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 0);
        CHECK_EQ(o.si.peer_certs, 1);
        CHECK(o.si.peer_authenticated && o.si.peer_verified);
        CHECK(strcmp(o.subject, "CN=client-1") == 0);
        CHECK_ERR(o.sha_err, GLS_OK);
        CHECK(memcmp(o.sha256, cid.sha256, 32) == 0);
        for (int round = 0; round < 2; round++) { /* and again from the resumed session's ticket */
            o = connect_to(s, c, "a.example");
            CHECK_ERR(o.err, GLS_OK);
            CHECK_EQ(o.si.resumed, 1);
            CHECK_EQ(o.si.peer_certs, 0);
            CHECK(o.si.peer_authenticated && o.si.peer_verified);
            CHECK(strcmp(o.subject, "CN=client-1") == 0);
            CHECK_ERR(o.sha_err, GLS_OK);
            CHECK(memcmp(o.sha256, cid.sha256, 32) == 0);
        }
        pair_free(NULL, NULL, s, c);
    }
}

/* Item 3: a session made without client authentication does not resume on a server that now
 * requires it (the same ticket keys and cache, another policy: as after a restart): the full
 * handshake asks for a certificate, and this client has none. */
TEST(unauthenticated_session_does_not_resume_where_auth_is_required)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        fprintf(stderr, "  %s\n", ways[i].name);
        setup(&ways[i], GLS_CLIENT_AUTH_OPTIONAL, false, &s, &c);
        struct seen o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK(!o.si.peer_authenticated);
        CHECK_ERR(o.sha_err, GLS_E_INVALID_ARGUMENT);
        o = connect_to(s, c, "a.example"); /* optional: resumes, still anonymous */
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 1);
        CHECK(!o.si.peer_authenticated);
        s->client_auth = GLS_CLIENT_AUTH_REQUIRED;
        o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, ways[i].version == 0x0304 ? GLS_E_PEER_ALERT_BASE - 116
                                                   : GLS_E_PEER_ALERT_BASE - 40);
        pair_free(NULL, NULL, s, c);
    }
}

/* Item 3, the reverse: a session where the client authenticated does not resume on a server
 * that asks for no certificate (full handshake, anonymous); an optional server resumes it and
 * reports the identity. */
TEST(authenticated_session_does_not_resume_where_auth_is_off)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        fprintf(stderr, "  %s\n", ways[i].name);
        setup(&ways[i], GLS_CLIENT_AUTH_OPTIONAL, true, &s, &c);
        struct seen o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK(o.si.peer_authenticated);
        o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 1);
        CHECK(o.si.peer_authenticated && strcmp(o.subject, "CN=client-1") == 0);
        s->client_auth = GLS_CLIENT_AUTH_NONE;
        o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.si.resumed, 0);
        CHECK(!o.si.peer_authenticated);
        CHECK_EQ(o.si.peer_certs, 0);
        pair_free(NULL, NULL, s, c);
    }
}

/* The client's side: a session made with danger_accept_any_cert resumes as unverified (it was
 * reported verified before), and one verified with the name resumes as verified with it. */
TEST(client_reports_the_server_as_it_was_verified)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        fprintf(stderr, "  %s\n", ways[i].name);
        setup(&ways[i], GLS_CLIENT_AUTH_NONE, false, &s, &c);
        struct seen o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK(!o.ci.peer_verified && o.ci.peer_authenticated && !o.ci.peer_name_checked);
        o = connect_to(s, c, "a.example");
        CHECK_ERR(o.err, GLS_OK);
        CHECK_EQ(o.ci.resumed, 1);
        CHECK(!o.ci.peer_verified && o.ci.peer_authenticated && !o.ci.peer_name_checked);
        pair_free(NULL, NULL, s, c);
    }
}

/* The public session bytes (gls_conn_get_session, external session stores) keep the identity. */
TEST(session_bytes_keep_the_identity)
{
    struct gls_ticket t;
    struct gls_ticket back;
    uint8_t out[GLS_SESSION_MAX];
    size_t len = 0;
    memset(&t, 0, sizeof t);
    t.version = 0x0303;
    t.suite = 0xc02f;
    CHECK_OK(gls_secret_set(&t.psk, (const uint8_t *)"0123456789abcdef0123456789abcdef", 32));
    t.issued = 1800000000;
    t.lifetime = 7200;
    strcpy(t.server_name, "a.example");
    t.peer.flags = GLS_PEER_PRESENT | GLS_PEER_VERIFIED;
    memset(t.peer.leaf_sha256, 0xab, sizeof t.peer.leaf_sha256);
    strcpy(t.peer.subject, "CN=client-1");
    CHECK_OK(gls_session_encode(&t, NULL, out, sizeof out, &len));
    CHECK_OK(gls_session_decode(out, len, &back));
    CHECK_EQ(back.peer.flags, GLS_PEER_PRESENT | GLS_PEER_VERIFIED);
    CHECK(memcmp(back.peer.leaf_sha256, t.peer.leaf_sha256, 32) == 0);
    CHECK(strcmp(back.peer.subject, "CN=client-1") == 0);
    CHECK(strcmp(back.server_name, "a.example") == 0);
    t.peer.flags = 0; /* no identity: none comes back */
    CHECK_OK(gls_session_encode(&t, NULL, out, sizeof out, &len));
    CHECK_OK(gls_session_decode(out, len, &back));
    CHECK_EQ(back.peer.flags, 0);
    gls_ticket_wipe(&t);
    gls_ticket_wipe(&back);
}
