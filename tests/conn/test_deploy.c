/* The deployment API through the public functions: sessions saved as bytes
 * and offered by a fresh config (a new process), the session callback, ticket
 * keys shared by two servers and rotated by the hook, an external TLS 1.2
 * session-id store, the keying material exporters, trust from memory, the
 * verify callback and user data. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "harness.h"
#include "pair.h"

#include "hs/cfg.h"

/* For helpers that return a value (CHECK returns from a void test). */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: required: %s\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
#define REQUIRE_OK(call) REQUIRE((call) == GLS_OK)

static int64_t fake_now = 1700000000;
static int64_t fake_clock(void *arg)
{
    (void)arg;
    return fake_now;
}

/* A server config with its own certificate; a client config that accepts it;
 * both on the fake clock, at `version`. */
static void configs(gls_config **s, gls_config **c, uint16_t version)
{
    pair_configs(s, c, 1, version);
    REQUIRE_OK(gls_config_set_clock(*s, fake_clock, NULL));
    REQUIRE_OK(gls_config_set_clock(*c, fake_clock, NULL));
}

static gls_config *client_config(uint16_t version)
{
    gls_config *c = gls_config_new();
    REQUIRE_OK(gls_config_set_versions(c, version, version));
    REQUIRE_OK(gls_config_danger_accept_any_cert(c));
    REQUIRE_OK(gls_config_set_clock(c, fake_clock, NULL));
    return c;
}

static gls_config *server_like(gls_config *s)
{
    static const char *const hosts[] = {"localhost"};
    gls_config *t = gls_config_new();
    REQUIRE_OK(gls_config_add_generated_cert(t, hosts, 1, 1, NULL));
    REQUIRE_OK(gls_config_set_versions(t, s->min_version, s->max_version));
    REQUIRE_OK(gls_config_set_clock(t, fake_clock, NULL));
    return t;
}

/* Connects a client of ccfg (offering session if len > 0) to a server of scfg;
 * returns whether the client resumed; the session it ends with goes to out. */
static int connect_once(gls_config *scfg, gls_config *ccfg, const uint8_t *session, size_t len,
                        uint8_t *out, size_t *out_len)
{
    gls_conn_info ci;
    gls_conn_info si;
    gls_conn *cc = gls_client_new(ccfg, "localhost");
    gls_conn *sc = gls_server_new(scfg);
    if (len > 0) {
        REQUIRE_OK(gls_conn_set_session(cc, session, len));
    }
    REQUIRE_OK(pair_handshake(cc, sc, 0));
    REQUIRE_OK(pair_exchange(sc, cc, "a TLS 1.3 ticket rides before this"));
    REQUIRE_OK(gls_conn_get_info(cc, &ci));
    REQUIRE_OK(gls_conn_get_info(sc, &si));
    REQUIRE((ci.resumed) == (si.resumed));
    if (out != NULL) {
        *out_len = 0;
        int err = gls_conn_get_session(cc, out, GLS_SESSION_MAX, out_len);
        REQUIRE(err == GLS_OK || err == GLS_E_WANT_READ);
    }
    gls_conn_free(cc);
    gls_conn_free(sc);
    return ci.resumed;
}

/* A session saved as bytes resumes from a brand-new client config, for each
 * version and (TLS 1.2) for a ticket and for a session id. */
static void session_across_configs(uint16_t version, bool ids)
{
    gls_config *s, *c;
    uint8_t sess[GLS_SESSION_MAX];
    uint8_t again[GLS_SESSION_MAX];
    size_t len = 0;
    size_t len2 = 0;
    configs(&s, &c, version);
    s->no_tickets = ids;
    CHECK(!connect_once(s, c, NULL, 0, sess, &len));
    CHECK(len > 0);
    CHECK(memcmp(sess, "GLSS", 4) == 0);

    gls_config *fresh = client_config(version); /* "the next run": an empty cache */
    CHECK(connect_once(s, fresh, sess, len, again, &len2));
    /* the same session twice: TLS 1.3 tickets are single-use on our side but
     * the server still opens them; TLS 1.2 ids resume again */
    gls_config_free(fresh);

    /* another name: ignored, a full handshake and no error */
    gls_config *other = client_config(version);
    gls_conn *cc = gls_client_new(other, "example.org");
    gls_conn *sc = gls_server_new(s);
    CHECK_OK(gls_conn_set_session(cc, sess, len));
    CHECK_OK(pair_handshake(cc, sc, 0));
    gls_conn_info info;
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(!info.resumed);
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(other);

    /* expired: ignored */
    other = client_config(version);
    fake_now += 7200;
    CHECK(!connect_once(s, other, sess, len, NULL, NULL));
    fake_now -= 7200;
    gls_config_free(other);

    /* damaged or foreign bytes: ignored */
    other = client_config(version);
    sess[4] = 99; /* an unknown format */
    CHECK(!connect_once(s, other, sess, len, NULL, NULL));
    gls_config_free(other);
    other = client_config(version);
    CHECK(!connect_once(s, other, (const uint8_t *)"not a session", 13, NULL, NULL));
    gls_config_free(other);
    pair_free(NULL, NULL, s, c);
}

TEST(session_bytes_tls13)
{
    session_across_configs(0x0304, false);
}

TEST(session_bytes_tls12_ticket)
{
    session_across_configs(0x0303, false);
}

TEST(session_bytes_tls12_id)
{
    session_across_configs(0x0303, true);
}

struct seen {
    int calls;
    uint8_t last[GLS_SESSION_MAX];
    size_t len;
    void *user;
};

static void on_session(void *arg, gls_conn *c, const uint8_t *session, size_t len)
{
    struct seen *s = arg;
    s->calls++;
    s->user = gls_conn_get_user_data(c);
    memcpy(s->last, session, len);
    s->len = len;
}

struct traced {
    int events, keylogs, secrets;
    int with_user_data;
};

static void count_event(void *arg, gls_conn *c, const char *line)
{
    struct traced *t = arg;
    (void)line;
    t->events++;
    t->with_user_data += gls_conn_get_user_data(c) == (void *)t;
}

static void count_keylog(void *arg, gls_conn *c, const char *line)
{
    struct traced *t = arg;
    (void)line;
    t->keylogs++;
    t->with_user_data += gls_conn_get_user_data(c) == (void *)t;
}

static void count_secret(void *arg, gls_conn *c, const gls_secret_info *info)
{
    struct traced *t = arg;
    (void)info;
    t->secrets++;
    t->with_user_data += gls_conn_get_user_data(c) == (void *)t;
}

/* The trace and key-log callbacks are told which connection (user data set
 * right after gls_client_new is seen from the ClientHello on). */
TEST(trace_callbacks_receive_the_connection)
{
    gls_config *s, *c;
    struct traced t = {0};
    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_event_trace(c, count_event, &t));
    CHECK_OK(gls_config_set_keylog(c, count_keylog, &t));
    CHECK_OK(gls_config_set_secret_trace(c, count_secret, &t));
    gls_conn *cc = gls_client_new(c, "localhost");
    gls_conn *sc = gls_server_new(s);
    gls_conn_set_user_data(cc, &t);
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK(t.events > 0 && t.keylogs >= 4 && t.secrets >= 4);
    /* the ClientHello event came inside gls_client_new, before the user data */
    CHECK_EQ(t.with_user_data, t.events + t.keylogs + t.secrets - 1);
    pair_free(cc, sc, s, c);
}

TEST(session_callback_and_user_data)
{
    gls_config *s, *c;
    struct seen seen = {0};
    int marker = 0;
    uint8_t sess[GLS_SESSION_MAX];
    size_t len = 0;
    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_session_callback(c, on_session, &seen));
    gls_conn *cc = gls_client_new(c, "localhost");
    gls_conn *sc = gls_server_new(s);
    gls_conn_set_user_data(cc, &marker);
    CHECK(gls_conn_get_user_data(cc) == &marker);
    CHECK(gls_conn_get_user_data(sc) == NULL);
    CHECK_ERR(gls_conn_get_session(cc, sess, sizeof sess, &len), GLS_E_WANT_READ);
    CHECK_OK(pair_handshake(cc, sc, 0)); /* the server's ticket follows its handshake */
    CHECK_OK(pair_exchange(sc, cc, "ticket first"));
    CHECK_EQ(seen.calls, 1);
    CHECK(seen.user == &marker);
    CHECK_ERR(gls_conn_get_session(cc, sess, 10, &len), GLS_E_BUFFER_TOO_SMALL);
    CHECK_EQ(len, seen.len);
    CHECK_OK(gls_conn_get_session(cc, sess, sizeof sess, &len));
    CHECK(len == seen.len && memcmp(sess, seen.last, len) == 0);
    /* too late once bytes have moved; never on a server */
    CHECK_ERR(gls_conn_set_session(cc, sess, len), GLS_E_UNSUPPORTED);
    CHECK_ERR(gls_conn_set_session(sc, sess, len), GLS_E_INVALID_ARGUMENT);
    pair_free(cc, sc, s, c);
}

static const gls_ticket_key key_a = {.name = "fleet key A.....", .secret = {1, 2, 3}};
static const gls_ticket_key key_b = {.name = "fleet key B.....", .secret = {4, 5, 6}};

/* Two servers with the same keys resume each other's tickets; a server with
 * other keys does not. Both versions. */
static void shared_keys(uint16_t version)
{
    gls_config *s1, *c;
    uint8_t sess[GLS_SESSION_MAX];
    size_t len = 0;
    configs(&s1, &c, version);
    gls_config *s2 = server_like(s1);
    gls_config *s3 = server_like(s1);
    CHECK_OK(gls_config_set_ticket_keys(s1, &key_a, 1));
    CHECK_OK(gls_config_set_ticket_keys(s2, &key_a, 1));
    CHECK_OK(gls_config_set_ticket_keys(s3, &key_b, 1));
    CHECK(!connect_once(s1, c, NULL, 0, sess, &len));
    gls_config *c2 = client_config(version);
    CHECK(connect_once(s2, c2, sess, len, NULL, NULL));
    gls_config_free(c2);
    c2 = client_config(version);
    CHECK(!connect_once(s3, c2, sess, len, NULL, NULL));
    gls_config_free(c2);
    /* keys can change while the config is in use: s3 learns key A as an older key */
    gls_ticket_key both[2] = {key_b, key_a};
    CHECK_OK(gls_config_set_ticket_keys(s3, both, 2));
    c2 = client_config(version);
    CHECK(connect_once(s3, c2, sess, len, NULL, NULL));
    gls_config_free(c2);
    CHECK_ERR(gls_config_set_ticket_keys(s3, both, 0), GLS_E_INVALID_ARGUMENT);
    pair_free(NULL, NULL, s1, c);
    gls_config_free(s2);
    gls_config_free(s3);
}

TEST(ticket_keys_shared_tls13)
{
    shared_keys(0x0304);
}

TEST(ticket_keys_shared_tls12)
{
    shared_keys(0x0303);
}

struct rotor {
    int calls;
    int generation;
    gls_ticket_key keys[2];
    size_t n;
    bool stall; /* answer with the present keys (another server has not rotated) */
};

static size_t rotate(void *arg, int64_t now, gls_ticket_key *keys, size_t cap)
{
    struct rotor *r = arg;
    r->calls++;
    if (!r->stall) {
        r->keys[1] = r->keys[0];
        memset(&r->keys[0], 0, sizeof r->keys[0]);
        r->keys[0].name[0] = (uint8_t)++r->generation;
        r->keys[0].secret[0] = (uint8_t)r->generation;
        r->keys[0].created = now;
        r->n = r->generation > 1 ? 2 : 1;
    }
    REQUIRE(cap >= r->n);
    memcpy(keys, r->keys, r->n * sizeof *keys);
    return r->n;
}

/* The hook runs when the current key's period ends; the previous key still
 * opens tickets, the one before it does not; a hook that answers with the
 * same key is asked again only after min(period/16, 60) s. */
TEST(ticket_key_rotation_hook)
{
    gls_config *s, *c;
    struct rotor r = {0};
    uint8_t old[GLS_SESSION_MAX];
    uint8_t mid[GLS_SESSION_MAX];
    size_t old_len = 0;
    size_t mid_len = 0;
    int64_t t0 = fake_now;
    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_resumption(s, 1, 86400));
    CHECK_OK(gls_config_set_ticket_rotation(s, 3600, rotate, &r));
    CHECK_ERR(gls_config_set_ticket_rotation(s, 0, rotate, &r), GLS_E_INVALID_ARGUMENT);

    CHECK(!connect_once(s, c, NULL, 0, old, &old_len));
    CHECK_EQ(r.calls, 1); /* no key yet: asked at once */
    fake_now = t0 + 1800;
    gls_config *c2 = client_config(0x0304);
    CHECK(connect_once(s, c2, old, old_len, NULL, NULL));
    CHECK_EQ(r.calls, 1);
    gls_config_free(c2);

    fake_now = t0 + 3700; /* key 1's period is over: key 2, key 1 still opens */
    c2 = client_config(0x0304);
    CHECK(connect_once(s, c2, old, old_len, mid, &mid_len));
    CHECK_EQ(r.calls, 2);
    gls_config_free(c2);

    fake_now = t0 + 7400; /* key 3; key 2 opens, key 1 is gone */
    c2 = client_config(0x0304);
    CHECK(connect_once(s, c2, mid, mid_len, NULL, NULL));
    CHECK_EQ(r.calls, 3);
    CHECK(!connect_once(s, c2, old, old_len, NULL, NULL));
    gls_config_free(c2);

    r.stall = true; /* key 3's period is over, but the hook has nothing newer */
    fake_now = t0 + 11100;
    c2 = client_config(0x0304);
    (void)connect_once(s, c2, NULL, 0, NULL, NULL);
    CHECK_EQ(r.calls, 4);
    fake_now += 30; /* asked again after min(3600 / 16, 60) s */
    (void)connect_once(s, c2, NULL, 0, NULL, NULL);
    CHECK_EQ(r.calls, 4);
    fake_now += 40;
    (void)connect_once(s, c2, NULL, 0, NULL, NULL);
    CHECK_EQ(r.calls, 5);
    gls_config_free(c2);
    fake_now = t0;
    pair_free(NULL, NULL, s, c);
}

/* An external session-id store (a table here; Redis in the tool). */
struct store {
    uint8_t id[4][32];
    uint8_t data[4][GLS_SESSION_MAX];
    size_t len[4];
    size_t n;
    int puts, gets, removes;
};

static int store_put(void *arg, const uint8_t *id, size_t id_len, const uint8_t *session,
                     size_t len, uint32_t lifetime)
{
    struct store *st = arg;
    REQUIRE(id_len == 32 && lifetime > 0 && st->n < 4);
    memcpy(st->id[st->n], id, 32);
    memcpy(st->data[st->n], session, len);
    st->len[st->n++] = len;
    st->puts++;
    return GLS_OK;
}

static int store_get(void *arg, const uint8_t *id, size_t id_len, uint8_t *buf, size_t cap,
                     size_t *len)
{
    struct store *st = arg;
    st->gets++;
    for (size_t i = 0; i < st->n; i++) {
        if (id_len == 32 && memcmp(st->id[i], id, 32) == 0 && st->len[i] <= cap) {
            memcpy(buf, st->data[i], st->len[i]);
            *len = st->len[i];
            return GLS_OK;
        }
    }
    return GLS_E_UNSUPPORTED;
}

static void store_remove(void *arg, const uint8_t *id, size_t id_len)
{
    struct store *st = arg;
    (void)id;
    (void)id_len;
    st->removes++;
}

TEST(session_id_store_shared_by_two_servers)
{
    gls_config *s1, *c;
    struct store st = {0};
    uint8_t sess[GLS_SESSION_MAX];
    size_t len = 0;
    configs(&s1, &c, 0x0303);
    gls_config *s2 = server_like(s1);
    s1->no_tickets = s2->no_tickets = true;
    CHECK_OK(gls_config_set_resumption(s1, 1, 100)); /* the client keeps it longer */
    CHECK_OK(gls_config_set_resumption(s2, 1, 100));
    CHECK_ERR(gls_config_set_session_id_cache(s1, NULL, store_get, NULL, &st),
              GLS_E_INVALID_ARGUMENT);
    CHECK_OK(gls_config_set_session_id_cache(s1, store_put, store_get, store_remove, &st));
    CHECK_OK(gls_config_set_session_id_cache(s2, store_put, store_get, store_remove, &st));
    CHECK(!connect_once(s1, c, NULL, 0, sess, &len));
    CHECK_EQ(st.puts, 1);
    CHECK_EQ(s1->sessions->entries[0].s.version, 0); /* the config's own cache stays empty */
    gls_config *c2 = client_config(0x0303);
    CHECK(connect_once(s2, c2, sess, len, NULL, NULL));
    CHECK_EQ(st.gets, 1);
    gls_config_free(c2);
    fake_now += 200; /* expired in the store: removed, full handshake */
    c2 = client_config(0x0303);
    CHECK(!connect_once(s2, c2, sess, len, NULL, NULL));
    CHECK_EQ(st.removes, 1);
    fake_now -= 200;
    gls_config_free(c2);
    pair_free(NULL, NULL, s1, c);
    gls_config_free(s2);
}

/* Both sides derive the same keying material; label and context matter; TLS
 * 1.2 needs the extended master secret. */
static void exporter(uint16_t version, bool ems)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    uint8_t a[64], b[64], x[64];
    configs(&s, &c, version);
    s->no_ems = !ems;
    CHECK_ERR(gls_conn_export_keying_material(NULL, "l", NULL, 0, a, 32), GLS_E_INVALID_ARGUMENT);
    cc = gls_client_new(c, "localhost");
    sc = gls_server_new(s);
    CHECK_ERR(gls_conn_export_keying_material(cc, "EXPERIMENTAL x", NULL, 0, a, 32),
              GLS_E_NOT_CONNECTED);
    CHECK_OK(pair_handshake(cc, sc, 0));
    if (!ems) {
        CHECK_ERR(gls_conn_export_keying_material(cc, "EXPERIMENTAL x", NULL, 0, a, 32),
                  GLS_E_EMS_REQUIRED);
        pair_free(cc, sc, s, c);
        return;
    }
    CHECK_OK(gls_conn_export_keying_material(cc, "EXPERIMENTAL x", NULL, 0, a, 64));
    CHECK_OK(gls_conn_export_keying_material(sc, "EXPERIMENTAL x", NULL, 0, b, 64));
    CHECK(memcmp(a, b, 64) == 0);
    CHECK_OK(gls_conn_export_keying_material(sc, "EXPERIMENTAL y", NULL, 0, x, 64));
    CHECK(memcmp(a, x, 64) != 0);
    CHECK_OK(
        gls_conn_export_keying_material(sc, "EXPERIMENTAL x", (const uint8_t *)"ctx", 3, x, 64));
    CHECK(memcmp(a, x, 64) != 0);
    CHECK_OK(gls_conn_export_keying_material(sc, "EXPERIMENTAL x", (const uint8_t *)"", 0, x, 64));
    /* TLS 1.3: no context is the empty context; TLS 1.2 tells them apart */
    CHECK((memcmp(a, x, 64) == 0) == (version == 0x0304));
    pair_free(cc, sc, s, c);
}

TEST(exporter_tls13)
{
    exporter(0x0304, true);
}

TEST(exporter_tls12)
{
    exporter(0x0303, true);
    exporter(0x0303, false);
}

/* A self-signed certificate for localhost, as PEM (cert and key). */
static void make_cert(char *cert, size_t cert_cap, char *key, size_t key_cap)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX v3;
    REQUIRE(k != NULL && x != NULL && name != NULL);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 77);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1,
                               0);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, name);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, k);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *san = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "DNS:localhost");
    REQUIRE(san != NULL && X509_add_ext(x, san, -1) == 1 && X509_sign(x, k, EVP_sha256()) > 0);
    BIO *b1 = BIO_new(BIO_s_mem());
    BIO *b2 = BIO_new(BIO_s_mem());
    REQUIRE(PEM_write_bio_X509(b1, x) == 1 &&
            PEM_write_bio_PrivateKey(b2, k, NULL, NULL, 0, NULL, NULL) == 1);
    int n1 = BIO_read(b1, cert, (int)cert_cap - 1);
    int n2 = BIO_read(b2, key, (int)key_cap - 1);
    REQUIRE(n1 > 0 && n2 > 0);
    cert[n1] = 0;
    key[n2] = 0;
    BIO_free(b1);
    BIO_free(b2);
    X509_EXTENSION_free(san);
    X509_NAME_free(name);
    X509_free(x);
    EVP_PKEY_free(k);
}

struct verdicts {
    int calls;
    int verdict;
    char name[64];
    size_t n;
    int answer;
    const uint8_t *pin; /* DER the callback accepts whatever the verdict */
    size_t pin_len;
};

static int on_verify(void *arg, gls_conn *c, const gls_cert_view *chain, size_t n,
                     const char *expected_name, int verdict)
{
    struct verdicts *v = arg;
    (void)c;
    v->calls++;
    v->verdict = verdict;
    v->n = n;
    snprintf(v->name, sizeof v->name, "%s", expected_name ? expected_name : "(none)");
    if (v->pin != NULL) {
        return n > 0 && chain[0].len == v->pin_len && memcmp(chain[0].der, v->pin, v->pin_len) == 0
                   ? GLS_OK
                   : GLS_E_CERT_UNTRUSTED;
    }
    return v->answer;
}

static int handshake(gls_config *s, gls_config *c, gls_conn **cc, gls_conn **sc)
{
    *cc = gls_client_new(c, "localhost");
    *sc = gls_server_new(s);
    return pair_handshake(*cc, *sc, 0);
}

TEST(trust_from_memory_and_verify_callback)
{
    char cert[4096], key[4096];
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_cert(cert, sizeof cert, key, sizeof key);
    gls_config *s = gls_config_new();
    CHECK_OK(gls_config_add_cert_pem(s, (const uint8_t *)cert, strlen(cert), (const uint8_t *)key,
                                     strlen(key)));
    /* trusted from memory */
    gls_config *c = gls_config_new();
    CHECK_ERR(gls_config_add_ca_pem(c, (const uint8_t *)"junk", 4), GLS_E_BAD_KEY_FILE);
    CHECK_OK(gls_config_add_ca_pem(c, (const uint8_t *)cert, strlen(cert)));
    CHECK_OK(handshake(s, c, &cc, &sc));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(info.peer_verified);
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(c);

    /* no trust: the built-in verdict is no_trust; a pinning callback accepts */
    struct verdicts v = {0};
    const uint8_t *der;
    size_t der_len;
    c = gls_config_new();
    CHECK_OK(gls_config_set_verify_callback(c, on_verify, &v));
    CHECK_OK(handshake(s, c, &cc, &sc));
    CHECK_OK(gls_conn_peer_cert(cc, 0, &der, &der_len));
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(c); /* accepted by the answer GLS_OK (v.answer) */
    CHECK_EQ(v.calls, 1);
    CHECK_EQ(v.verdict, GLS_E_CERT_NO_TRUST);
    CHECK(strcmp(v.name, "localhost") == 0);
    CHECK_EQ(v.n, 1);

    /* a callback that rejects a chain the built-in check accepts: the
     * handshake ends with its error and alert */
    v = (struct verdicts){.answer = GLS_E_CERT_REVOKED};
    c = gls_config_new();
    CHECK_OK(gls_config_add_ca_pem(c, (const uint8_t *)cert, strlen(cert)));
    CHECK_OK(gls_config_set_verify_callback(c, on_verify, &v));
    CHECK_ERR(handshake(s, c, &cc, &sc), GLS_E_CERT_REVOKED);
    CHECK_EQ(v.verdict, GLS_OK);
    CHECK_EQ(gls_conn_error(sc), GLS_E_PEER_ALERT_BASE - gls_error_alert(GLS_E_CERT_REVOKED));
    CHECK_EQ(gls_error_alert(GLS_E_CERT_REVOKED), 44); /* certificate_revoked */
    CHECK(strstr(gls_conn_error_detail(cc), "rejected by the verify callback") != NULL);
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(c);
    gls_config_free(s);
}

TEST(version)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", GLS_VERSION_MAJOR, GLS_VERSION_MINOR,
             GLS_VERSION_PATCH);
    CHECK(strcmp(gls_version(), want) == 0);
    CHECK(strcmp(gls_version(), GLS_VERSION_STRING) == 0);
    CHECK_EQ(GLS_VERSION_NUMBER,
             GLS_VERSION_MAJOR * 10000 + GLS_VERSION_MINOR * 100 + GLS_VERSION_PATCH);
}

struct hello_seen {
    int calls;
    char sni[64];
    size_t n_alpn;
    char alpn0[32];
    int tls13_offered;
    size_t n_sigalgs, n_groups, n_suites;
    gls_config *switch_to;
    const char *alpn;
    int refuse;
};

static int on_hello(void *arg, gls_conn *c, const gls_client_hello_info *h,
                    gls_client_hello_choice *choice)
{
    struct hello_seen *s = arg;
    (void)c;
    s->calls++;
    snprintf(s->sni, sizeof s->sni, "%s", h->server_name ? h->server_name : "(none)");
    s->n_alpn = h->n_alpn;
    snprintf(s->alpn0, sizeof s->alpn0, "%s", h->n_alpn ? h->alpn[0] : "");
    for (size_t i = 0; i < h->n_versions; i++) {
        s->tls13_offered |= h->versions[i] == 0x0304;
    }
    s->n_sigalgs = h->n_sigalgs;
    s->n_groups = h->n_groups;
    s->n_suites = h->n_suites;
    choice->config = s->switch_to;
    choice->alpn = s->alpn;
    return s->refuse;
}

TEST(client_hello_callback)
{
    static const char *const hosts[] = {"localhost"};
    static const char *const offer[] = {"h2", "http/1.1"};
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    struct hello_seen seen = {0};
    configs(&s, &c, 0x0304);
    gls_config *rsa = gls_config_new(); /* the config switched to: an RSA certificate, h2 first */
    CHECK_OK(gls_config_add_generated_cert(rsa, hosts, 1, 0, NULL));
    CHECK_OK(gls_config_set_alpn(rsa, offer, 2));
    CHECK_OK(gls_config_set_alpn(c, offer, 2));
    CHECK_OK(gls_config_set_client_hello_callback(s, on_hello, &seen));
    seen.switch_to = rsa;
    seen.alpn = "http/1.1";
    CHECK_OK(handshake(s, c, &cc, &sc));
    CHECK_EQ(seen.calls, 1);
    CHECK(strcmp(seen.sni, "localhost") == 0);
    CHECK_EQ(seen.n_alpn, 2);
    CHECK(strcmp(seen.alpn0, "h2") == 0);
    CHECK(seen.tls13_offered);
    CHECK(seen.n_sigalgs > 0 && seen.n_groups > 0 && seen.n_suites > 0);
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.sigalg, 0x0804); /* rsa_pss_rsae_sha256: the switched-to certificate */
    CHECK(info.alpn != NULL && strcmp(info.alpn, "http/1.1") == 0);
    CHECK_ERR(gls_config_set_alpn(rsa, offer, 1), GLS_E_CONFIG_FROZEN);
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(rsa); /* the connections held their own references */

    /* an ALPN answer the client did not offer: no_application_protocol (120) */
    seen = (struct hello_seen){.alpn = "spdy/1"};
    CHECK_ERR(handshake(s, c, &cc, &sc), GLS_E_PEER_ALERT_BASE - 120);
    CHECK_EQ(gls_conn_error(sc), GLS_E_NO_APPLICATION_PROTOCOL);
    gls_conn_free(cc);
    gls_conn_free(sc);
    /* refused: the callback's error and its alert (unrecognized_name, 112) */
    seen = (struct hello_seen){.refuse = GLS_E_UNRECOGNIZED_NAME};
    CHECK_ERR(handshake(s, c, &cc, &sc), GLS_E_PEER_ALERT_BASE - 112);
    CHECK_EQ(gls_conn_error(sc), GLS_E_UNRECOGNIZED_NAME);
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(s);
    gls_config_free(c);
}

struct cert_pick {
    int calls;
    size_t n_sigalgs;
    int answer;
};

static int on_client_cert(void *arg, gls_conn *c, const uint16_t *sigalgs, size_t n)
{
    struct cert_pick *p = arg;
    (void)c;
    (void)sigalgs;
    p->calls++;
    p->n_sigalgs = n;
    return p->answer;
}

static void client_cert_callback(uint16_t version)
{
    static const char *const hosts[] = {"client"};
    gls_config *s, *c;
    gls_conn *cc, *sc;
    uint8_t fp[2][32];
    uint8_t got[32];
    unsigned got_len = 0;
    const uint8_t *der;
    size_t der_len;
    struct cert_pick pick = {.answer = 2};
    configs(&s, &c, version);
    CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_REQUIRED));
    CHECK_OK(gls_config_danger_accept_any_cert(s));
    CHECK_OK(gls_config_add_generated_cert(c, hosts, 1, 1, fp[0]));
    CHECK_OK(gls_config_add_generated_cert(c, hosts, 1, 0, fp[1]));
    CHECK_OK(gls_config_set_client_cert_callback(c, on_client_cert, &pick));
    CHECK_OK(gls_config_set_resumption(c, 0, 7200)); /* each handshake asks for a certificate */
    CHECK_OK(handshake(s, c, &cc, &sc));
    CHECK_EQ(pick.calls, 1);
    CHECK(pick.n_sigalgs > 0);
    CHECK_OK(gls_conn_peer_cert(sc, 0, &der, &der_len));
    CHECK(EVP_Digest(der, der_len, got, &got_len, EVP_sha256(), NULL) == 1);
    CHECK(got_len == 32 && memcmp(got, fp[1], 32) == 0); /* the second one, as chosen */
    gls_conn_free(cc);
    gls_conn_free(sc);
    pick.answer = 0; /* none: the server requires one */
    /* TLS 1.3: certificate_required (116); TLS 1.2 has none: handshake_failure (40) */
    int alert = version == 0x0304 ? 116 : 40;
    CHECK_ERR(handshake(s, c, &cc, &sc), GLS_E_PEER_ALERT_BASE - alert);
    CHECK_EQ(gls_error_alert(gls_conn_error(sc)), alert);
    pair_free(cc, sc, s, c);
}

TEST(client_cert_callback_tls13)
{
    client_cert_callback(0x0304);
}

TEST(client_cert_callback_tls12)
{
    client_cert_callback(0x0303);
}
