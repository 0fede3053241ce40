/* The peer's whole chain kept in sessions on request (issue 9 item 3,
 * gls_config_set_session_keep_peer_chain):
 * - with the option, a connection resuming by TLS 1.3 ticket, TLS 1.2 ticket, TLS 1.2 session
 *   id or session bytes (an external session-id store, gls_conn_set_session) reports the very
 *   DER chain the full handshake received, on the server (the client's chain) and on the
 *   client (the server's);
 * - without it, only the leaf's hash and subject (peer_certs 0);
 * - a chain over GLS_MAX_PEER_CHAIN_KEPT is not kept: the session still resumes with leaf
 *   hash and subject;
 * - session bytes whose chain field is damaged, oversized or not the leaf's are ignored (full
 *   handshake). */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

/* A CA and a client leaf it signed (P-256), the leaf + CA as the client's PEM chain, the CA
 * in a file for the server to trust. `pad` bytes of comment make the leaf as big as wanted. */
struct chain {
    char pem[16384];
    char key[4096];
    uint8_t der[2][8192]; /* leaf, CA */
    size_t der_len[2];
    char ca_path[32];
};

static X509 *make_cert(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer, const char *cn, bool ca,
                       size_t pad)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX ctx;
    bool ok = x != NULL && name != NULL && X509_set_version(x, 2) == 1 &&
              ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1,
                                         -1, 0) == 1 &&
              X509_set_subject_name(x, name) == 1 &&
              X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
              X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL && X509_set_pubkey(x, key) == 1;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *exts[][2] = {
        {"basicConstraints", ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
        {"keyUsage", ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"},
        {"extendedKeyUsage", ca ? NULL : "clientAuth"},
    };
    for (size_t i = 0; ok && i < 3; i++) {
        if (exts[i][1] == NULL) {
            continue;
        }
        X509_EXTENSION *e = X509V3_EXT_nconf(NULL, &ctx, exts[i][0], exts[i][1]);
        ok = e != NULL && X509_add_ext(x, e, -1) == 1;
        X509_EXTENSION_free(e);
    }
    if (ok && pad > 0) {
        char *comment = malloc(pad + 1);
        ok = comment != NULL;
        if (ok) {
            memset(comment, 'x', pad);
            comment[pad] = 0;
            X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_netscape_comment, comment);
            ok = e != NULL && X509_add_ext(x, e, -1) == 1;
            X509_EXTENSION_free(e);
        }
        free(comment);
    }
    ok = ok && X509_sign(x, signer, EVP_sha256()) > 0;
    X509_NAME_free(name);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static void need(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "cannot make %s\n", what);
        abort();
    }
}

static void make_chain(struct chain *ch, size_t pad)
{
    EVP_PKEY *cak = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    need(cak != NULL && k != NULL, "keys");
    X509 *ca = make_cert(cak, cak, NULL, "chain-ca", true, 0);
    need(ca != NULL, "the CA");
    X509 *leaf = make_cert(k, cak, ca, "chain-client", false, pad);
    need(leaf != NULL, "the leaf");
    BIO *b = BIO_new(BIO_s_mem());
    BIO *bk = BIO_new(BIO_s_mem());
    need(b != NULL && bk != NULL && PEM_write_bio_X509(b, leaf) == 1 &&
             PEM_write_bio_X509(b, ca) == 1 &&
             PEM_write_bio_PrivateKey(bk, k, NULL, NULL, 0, NULL, NULL) == 1,
         "PEM");
    int n = BIO_read(b, ch->pem, sizeof ch->pem - 1);
    int nk = BIO_read(bk, ch->key, sizeof ch->key - 1);
    need(n > 0 && nk > 0, "PEM text");
    ch->pem[n] = 0;
    ch->key[nk] = 0;
    X509 *both[2] = {leaf, ca};
    for (int i = 0; i < 2; i++) {
        unsigned char *p = ch->der[i];
        int dn = i2d_X509(both[i], NULL);
        need(dn > 0 && (size_t)dn <= sizeof ch->der[i], "DER");
        ch->der_len[i] = (size_t)i2d_X509(both[i], &p);
    }
    BIO_free(b);
    BIO_free(bk);
    strcpy(ch->ca_path, "/tmp/gls-chain-XXXXXX");
    int fd = mkstemp(ch->ca_path);
    need(fd >= 0, "the CA file");
    FILE *f = fdopen(fd, "w");
    need(f != NULL && PEM_write_X509(f, ca) == 1, "the CA file");
    fclose(f);
    X509_free(leaf);
    X509_free(ca);
    EVP_PKEY_free(k);
    EVP_PKEY_free(cak);
}

static struct chain small; /* leaf + CA, a few hundred bytes each */
static struct chain big;   /* a leaf over GLS_MAX_PEER_CHAIN_KEPT on its own */

static void remove_files(void)
{
    unlink(small.ca_path);
    unlink(big.ca_path);
}

static void need_chains(void)
{
    static bool made;
    if (!made) {
        make_chain(&small, 0);
        make_chain(&big, GLS_MAX_PEER_CHAIN_KEPT);
        atexit(remove_files);
        made = true;
    }
}

/* The ways to resume. */
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

static const char *const hosts[] = {"a.example"};

/* A server requiring a client certificate from ch's CA; a client presenting ch. keep: both
 * configs keep the peer's chain. */
static void configs(const struct way *w, const struct chain *ch, bool keep, gls_config **s,
                    gls_config **c)
{
    need_chains();
    *s = gls_config_new();
    *c = gls_config_new();
    need(*s != NULL && *c != NULL, "configs");
    need(gls_config_add_generated_cert(*s, hosts, 1, 1, NULL) == GLS_OK &&
             gls_config_set_versions(*s, w->version, w->version) == GLS_OK &&
             gls_config_set_versions(*c, w->version, w->version) == GLS_OK &&
             gls_config_set_ca(*s, ch->ca_path, NULL) == GLS_OK &&
             gls_config_set_client_auth(*s, GLS_CLIENT_AUTH_REQUIRED) == GLS_OK &&
             gls_config_danger_accept_any_cert(*c) == GLS_OK &&
             gls_config_set_session_keep_peer_chain(*s, keep) == GLS_OK &&
             gls_config_set_session_keep_peer_chain(*c, keep) == GLS_OK &&
             gls_config_add_cert_pem(*c, (const uint8_t *)ch->pem, strlen(ch->pem),
                                     (const uint8_t *)ch->key, strlen(ch->key)) == GLS_OK,
         "configs");
    (*s)->no_tickets = w->by_id;
    (*c)->no_tickets = w->by_id;
}

/* A peer chain as one side saw it. */
struct seen_chain {
    size_t n;
    uint8_t der[4][8192];
    size_t len[4];
    char subject[4][128];
};

static void take_chain(gls_conn *c, struct seen_chain *out)
{
    gls_conn_info info;
    memset(out, 0, sizeof *out);
    if (gls_conn_get_info(c, &info) != GLS_OK) {
        return;
    }
    for (size_t i = 0; i < info.peer_certs && i < 4; i++) {
        const uint8_t *p = NULL;
        size_t n = 0;
        if (gls_conn_peer_cert(c, i, &p, &n) == GLS_OK && n <= sizeof out->der[i]) {
            memcpy(out->der[i], p, n);
            out->len[i] = n;
            out->n++;
        }
        (void)gls_conn_peer_subject(c, i, out->subject[i], sizeof out->subject[i]);
    }
}

static bool same_chain(const struct seen_chain *a, const struct seen_chain *b)
{
    bool same = a->n == b->n;
    for (size_t i = 0; same && i < a->n; i++) {
        same = a->len[i] == b->len[i] && memcmp(a->der[i], b->der[i], a->len[i]) == 0 &&
               strcmp(a->subject[i], b->subject[i]) == 0;
    }
    return same;
}

/* One connection: the error, both infos, both peer chains, the server's view of the leaf's
 * hash; the client's session bytes afterwards (if out). */
struct seen {
    int err;
    gls_conn_info ci;
    gls_conn_info si;
    struct seen_chain s_chain; /* the client's chain as the server reports it */
    struct seen_chain c_chain; /* the server's chain as the client reports it */
    uint8_t leaf[32];
    int leaf_err;
    char subject0[128];
};

static struct seen *connect_once(gls_config *s, gls_config *c, const uint8_t *session, size_t len,
                                 uint8_t *out, size_t *out_len)
{
    static struct seen o;
    memset(&o, 0, sizeof o);
    gls_conn *cc = gls_client_new(c, "a.example");
    gls_conn *sc = gls_server_new(s);
    need(cc != NULL && sc != NULL, "connections");
    if (len > 0) {
        need(gls_conn_set_session(cc, session, len) == GLS_OK, "set_session");
    }
    o.err = pair_handshake(cc, sc, 0);
    if (o.err == GLS_OK) {
        o.err = pair_exchange(sc, cc, "a TLS 1.3 ticket rides before this");
    }
    (void)gls_conn_get_info(cc, &o.ci);
    (void)gls_conn_get_info(sc, &o.si);
    take_chain(sc, &o.s_chain);
    take_chain(cc, &o.c_chain);
    o.leaf_err = gls_conn_peer_leaf_sha256(sc, o.leaf);
    if (gls_conn_peer_subject(sc, 0, o.subject0, sizeof o.subject0) != GLS_OK) {
        o.subject0[0] = 0;
    }
    if (out != NULL) {
        *out_len = 0;
        int err = gls_conn_get_session(cc, out, GLS_SESSION_MAX, out_len);
        need(err == GLS_OK || err == GLS_E_WANT_READ, "get_session");
    }
    gls_conn_free(cc);
    gls_conn_free(sc);
    return &o;
}

/* With the option, every way of resuming reports the chain the full handshake received, on
 * both sides, and again from the ticket of a resumed connection. */
TEST(kept_chain_comes_back_on_resumption)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        struct seen_chain full_s, full_c;
        fprintf(stderr, "  %s\n", ways[i].name);
        configs(&ways[i], &small, true, &s, &c);
        struct seen *o = connect_once(s, c, NULL, 0, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->si.resumed, 0);
        CHECK_EQ(o->si.peer_certs, 2);
        CHECK(o->s_chain.len[0] == small.der_len[0] &&
              memcmp(o->s_chain.der[0], small.der[0], small.der_len[0]) == 0);
        CHECK(o->s_chain.len[1] == small.der_len[1] &&
              memcmp(o->s_chain.der[1], small.der[1], small.der_len[1]) == 0);
        CHECK(o->ci.peer_certs >= 1);
        full_s = o->s_chain;
        full_c = o->c_chain;
        for (int round = 0; round < 2; round++) {
            o = connect_once(s, c, NULL, 0, NULL, NULL);
            CHECK_ERR(o->err, GLS_OK);
            CHECK_EQ(o->si.resumed, 1);
            CHECK_EQ(o->ci.resumed, 1);
            CHECK_EQ(o->si.peer_certs, 2);
            CHECK(o->si.peer_authenticated && o->si.peer_verified);
            CHECK(same_chain(&o->s_chain, &full_s));
            CHECK(strcmp(o->s_chain.subject[1], "CN=chain-ca") == 0);
            CHECK_EQ(o->ci.peer_certs, full_c.n);
            CHECK(same_chain(&o->c_chain, &full_c));
        }
        pair_free(NULL, NULL, s, c);
    }
}

/* Without the option the resumed connection reports the leaf's hash and subject only. */
TEST(without_the_option_only_leaf_hash_and_subject)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        uint8_t sha[32];
        fprintf(stderr, "  %s\n", ways[i].name);
        configs(&ways[i], &small, false, &s, &c);
        struct seen *o = connect_once(s, c, NULL, 0, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->si.peer_certs, 2);
        o = connect_once(s, c, NULL, 0, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->si.resumed, 1);
        CHECK_EQ(o->si.peer_certs, 0);
        CHECK_EQ(o->ci.peer_certs, 0);
        CHECK(o->si.peer_authenticated);
        CHECK(strcmp(o->subject0, "CN=chain-client") == 0);
        CHECK_ERR(o->leaf_err, GLS_OK);
        CHECK_OK(EVP_Digest(small.der[0], small.der_len[0], sha, NULL, EVP_sha256(), NULL) == 1
                     ? GLS_OK
                     : GLS_E_INTERNAL);
        CHECK(memcmp(o->leaf, sha, 32) == 0);
        pair_free(NULL, NULL, s, c);
    }
}

/* A chain over the bound is not kept: the session resumes with the leaf's hash and subject. */
TEST(chain_over_the_bound_is_not_kept)
{
    CHECK(big.der_len[0] == 0 || big.der_len[0] > GLS_MAX_PEER_CHAIN_KEPT);
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c;
        fprintf(stderr, "  %s\n", ways[i].name);
        configs(&ways[i], &big, true, &s, &c);
        CHECK(big.der_len[0] > GLS_MAX_PEER_CHAIN_KEPT);
        struct seen *o = connect_once(s, c, NULL, 0, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->si.peer_certs, 2);
        o = connect_once(s, c, NULL, 0, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->si.resumed, 1);
        CHECK_EQ(o->si.peer_certs, 0);
        CHECK(o->si.peer_authenticated && o->si.peer_verified);
        CHECK(strcmp(o->subject0, "CN=chain-client") == 0);
        pair_free(NULL, NULL, s, c);
    }
}

/* ---- session bytes ---- */

struct store {
    uint8_t id[32];
    uint8_t data[GLS_SESSION_MAX];
    size_t len;
    int gets;
};

static int store_put(void *arg, const uint8_t *id, size_t id_len, const uint8_t *session,
                     size_t len, uint32_t lifetime)
{
    struct store *st = arg;
    (void)lifetime;
    need(id_len == 32 && len <= sizeof st->data, "a storable session");
    memcpy(st->id, id, 32);
    memcpy(st->data, session, len);
    st->len = len;
    return GLS_OK;
}

static int store_get(void *arg, const uint8_t *id, size_t id_len, uint8_t *buf, size_t cap,
                     size_t *len)
{
    struct store *st = arg;
    st->gets++;
    if (id_len != 32 || st->len == 0 || memcmp(st->id, id, 32) != 0 || st->len > cap) {
        return GLS_E_UNSUPPORTED;
    }
    memcpy(buf, st->data, st->len);
    *len = st->len;
    return GLS_OK;
}

static void store_remove(void *arg, const uint8_t *id, size_t id_len)
{
    (void)arg;
    (void)id;
    (void)id_len;
}

/* Where the chain field (tag 15) of session bytes starts: its 2-byte length, then the value. */
static size_t chain_field(const uint8_t *p, size_t n)
{
    size_t at = 5; /* "GLSS" and the format byte */
    while (at + 3 <= n) {
        size_t len = (size_t)p[at + 1] << 8 | p[at + 2];
        if (p[at] == 15) {
            return at + 1;
        }
        at += 3 + len;
    }
    return 0;
}

/* The server's session bytes (external session-id store) carry the client's chain; a resumed
 * connection reports it; a damaged chain field means a full handshake. */
TEST(session_bytes_in_an_external_store_keep_the_chain)
{
    gls_config *s, *c;
    struct store st;
    memset(&st, 0, sizeof st);
    configs(&ways[2], &small, true, &s, &c);
    CHECK_OK(gls_config_set_session_id_cache(s, store_put, store_get, store_remove, &st));
    struct seen *o = connect_once(s, c, NULL, 0, NULL, NULL);
    CHECK_ERR(o->err, GLS_OK);
    struct seen_chain full = o->s_chain;
    CHECK(st.len > 0);
    size_t at = chain_field(st.data, st.len);
    CHECK(at > 0);
    o = connect_once(s, c, NULL, 0, NULL, NULL);
    CHECK_ERR(o->err, GLS_OK);
    CHECK_EQ(o->si.resumed, 1);
    CHECK(same_chain(&o->s_chain, &full));
    /* a byte of the leaf's DER changed: not the leaf the session names, full handshake */
    st.data[at + 2 + 2 + 40] ^= 1;
    o = connect_once(s, c, NULL, 0, NULL, NULL);
    CHECK_ERR(o->err, GLS_OK);
    CHECK_EQ(o->si.resumed, 0);
    CHECK_EQ(o->si.peer_certs, 2); /* the certificate sent again */
    pair_free(NULL, NULL, s, c);
}

/* The client's session bytes carry the server's chain; set on a connection of a fresh config
 * they resume and report it; damaged (not the leaf), malformed or oversized chain fields are
 * ignored: the session is not offered, full handshake. */
TEST(client_session_bytes_keep_the_chain_and_refuse_a_damaged_one)
{
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        gls_config *s, *c, *c2;
        static uint8_t sess[GLS_SESSION_MAX];
        static uint8_t bad[GLS_SESSION_MAX + 8192];
        size_t len = 0;
        fprintf(stderr, "  %s\n", ways[i].name);
        configs(&ways[i], &small, true, &s, &c);
        struct seen *o = connect_once(s, c, NULL, 0, sess, &len);
        CHECK_ERR(o->err, GLS_OK);
        struct seen_chain full = o->c_chain;
        CHECK(full.n >= 1);
        size_t at = chain_field(sess, len);
        CHECK(at > 0);
        gls_config *fresh;
        configs(&ways[i], &small, true, &c2, &fresh); /* a fresh client config */
        gls_config_free(c2);
        o = connect_once(s, fresh, sess, len, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->ci.resumed, 1);
        CHECK(same_chain(&o->c_chain, &full));
        gls_config_free(fresh);

        /* damaged DER: parses as a field, but is not the leaf the session names */
        memcpy(bad, sess, len);
        bad[at + 2 + 2 + 40] ^= 1;
        configs(&ways[i], &small, true, &c2, &fresh);
        gls_config_free(c2);
        o = connect_once(s, fresh, bad, len, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->ci.resumed, 0);
        gls_config_free(fresh);

        /* a certificate length that overruns the field */
        memcpy(bad, sess, len);
        bad[at + 2] = 0xff;
        configs(&ways[i], &small, true, &c2, &fresh);
        gls_config_free(c2);
        o = connect_once(s, fresh, bad, len, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->ci.resumed, 0);
        gls_config_free(fresh);

        /* an oversized chain field (GLS_MAX_PEER_CHAIN_KEPT + 1 bytes, well formed inside) */
        size_t field_len = (size_t)sess[at] << 8 | sess[at + 1];
        size_t tail = len - (at + 2 + field_len);
        size_t big_len = GLS_MAX_PEER_CHAIN_KEPT + 1;
        memcpy(bad, sess, at);
        bad[at] = (uint8_t)(big_len >> 8);
        bad[at + 1] = (uint8_t)big_len;
        memset(bad + at + 2, 0, big_len);
        bad[at + 2] = (uint8_t)((big_len - 2) >> 8);
        bad[at + 3] = (uint8_t)(big_len - 2);
        memcpy(bad + at + 2 + big_len, sess + at + 2 + field_len, tail);
        struct gls_ticket t;
        CHECK_ERR(gls_session_decode(bad, at + 2 + big_len + tail, &t), GLS_E_DECODE);
        configs(&ways[i], &small, true, &c2, &fresh);
        gls_config_free(c2);
        o = connect_once(s, fresh, bad, at + 2 + big_len + tail, NULL, NULL);
        CHECK_ERR(o->err, GLS_OK);
        CHECK_EQ(o->ci.resumed, 0);
        gls_config_free(fresh);
        pair_free(NULL, NULL, s, c);
    }
}

/* Session bytes written before the chain could be kept (no tag 15) still decode and resume:
 * here, the bytes of a session made without the option. */
TEST(session_bytes_without_a_chain_still_resume)
{
    gls_config *s, *c, *c2, *fresh;
    static uint8_t sess[GLS_SESSION_MAX];
    size_t len = 0;
    configs(&ways[0], &small, false, &s, &c);
    s->keep_peer_chain = true; /* the server keeps chains now: the old session still fits */
    struct seen *o = connect_once(s, c, NULL, 0, sess, &len);
    CHECK_ERR(o->err, GLS_OK);
    CHECK(len > 0);
    CHECK_EQ(chain_field(sess, len), 0);
    configs(&ways[0], &small, true, &c2, &fresh);
    gls_config_free(c2);
    o = connect_once(s, fresh, sess, len, NULL, NULL);
    CHECK_ERR(o->err, GLS_OK);
    CHECK_EQ(o->ci.resumed, 1);
    CHECK_EQ(o->ci.peer_certs, 0);
    CHECK_EQ(o->si.peer_certs, 2); /* the server's ticket was made with the option */
    gls_config_free(fresh);
    pair_free(NULL, NULL, s, c);
}

TEST(option_is_a_config_setter)
{
    gls_config *c = gls_config_new();
    CHECK_OK(gls_config_set_session_keep_peer_chain(c, 1));
    CHECK(c->keep_peer_chain);
    CHECK_OK(gls_config_set_session_keep_peer_chain(c, 0));
    CHECK(!c->keep_peer_chain);
    gls_config_free(c);
}
