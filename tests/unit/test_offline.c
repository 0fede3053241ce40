/* tests/unit/test_offline.c — trace.h's offline decryption on recordings of in-memory
 * glasstls connections (no capture needed): TLS 1.2 RSA key exchange opened with the
 * server's key (with extended master secret and the client Finished check), the key block
 * equal to what the live client derived, a wrong key refused as "wrong_key", ECDHE and TLS 1.3
 * refused as forward secret, and ECDHE and TLS 1.3 opened from the key log the live client
 * wrote, with TLS 1.3's inner content types; a key log without the session's line; TLS 1.3
 * (X25519 and X25519MLKEM768) opened from the key exchange's shared secret alone, and refused
 * as "wrong_key" when part of it is wrong (the hybrid's ML-KEM half unknown). */
#include <stdlib.h>
#include <string.h>

#include "glasstls/gls.h"
#include "harness.h"
#include "pair.h"
#include "trace.h"

#define TAPE 65536

static const char request[] = "GET /secret HTTP/1.1\r\n\r\n";
static const char reply[] = "HTTP/1.1 200 OK\r\n\r\nthe vault code is 4711";

struct rec {
    uint8_t tape[2][TAPE]; /* [0] client to server */
    size_t len[2];
    char keylog[4096];
    size_t keylog_len;
    uint8_t c_key[32]; /* client_write_key as the live client derived it */
    size_t c_key_len;
    bool ems;
    uint8_t *key_pem;
    size_t key_len;
    /* parsed from the tape */
    uint8_t transcript[8192];
    struct gls_offline_session s;
    struct gls_offline_record recs[2][64];
    size_t n_recs[2];
    /* recovered */
    char data[2][256];
    size_t data_len[2];
    uint8_t types[2][64];
    unsigned epochs[2][64];
    bool key_update; /* TLS 1.3: a KeyUpdate each way, then the request and reply again */
    uint16_t group;  /* the one group the client offers; 0: the default list */
    uint8_t dhe[64]; /* the (EC)DHE shared secret the live client reported */
    size_t dhe_len;
    size_t hello_len; /* bytes of ClientHello || ServerHello at the transcript's start */
};

static void on_keylog(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct rec *r = arg;
    size_t n = strlen(line);
    if (r->keylog_len + n + 1 < sizeof r->keylog) {
        memcpy(r->keylog + r->keylog_len, line, n);
        r->keylog[r->keylog_len + n] = '\n';
        r->keylog_len += n + 1;
    }
}

static void on_secret(void *arg, gls_conn *c, const gls_secret_info *info)
{
    (void)c;
    struct rec *r = arg;
    if (strcmp(info->name, "client_write_key") == 0 && info->len <= sizeof r->c_key) {
        memcpy(r->c_key, info->value, info->len);
        r->c_key_len = info->len;
    }
    if (strcmp(info->name, "extended_master_secret") == 0) {
        r->ems = true;
    }
    if (strcmp(info->name, "(EC)DHE shared secret") == 0 && info->len <= sizeof r->dhe) {
        memcpy(r->dhe, info->value, info->len);
        r->dhe_len = info->len;
    }
}

static void pump(gls_conn *c, gls_conn *s, struct rec *r)
{
    for (int round = 0; round < 1000; round++) {
        size_t moved = 0;
        for (int d = 0; d < 2; d++) {
            gls_conn *from = d ? s : c;
            gls_conn *to = d ? c : s;
            size_t len = 0;
            size_t room = 0;
            const uint8_t *out = gls_conn_net_out(from, &len);
            if (len == 0) {
                continue;
            }
            uint8_t *in = gls_conn_net_in(to, &room);
            size_t n = len < room ? len : room;
            if (r->len[d] + n <= TAPE) {
                memcpy(r->tape[d] + r->len[d], out, n);
                r->len[d] += n;
            }
            memcpy(in, out, n);
            gls_conn_net_out_done(from, n);
            (void)gls_conn_net_in_done(to, n);
            moved += n;
        }
        if (moved == 0) {
            return;
        }
    }
}

/* One recorded connection: handshake, the request and the reply. */
static int record_session(struct rec *r, uint16_t version, uint16_t suite, int ec)
{
    static const char *const names[] = {"localhost"};
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    gls_config *sc = gls_config_new();
    gls_config *cc = gls_config_new();
    int err = gls_trace_generate_cert_pem(ec, names, 1, &cert, &cert_len, &r->key_pem, &r->key_len);
    err = err ? err : gls_config_add_cert_pem(sc, cert, cert_len, r->key_pem, r->key_len);
    gls_trace_pem_free(cert, cert_len);
    err = err ? err : gls_config_set_versions(cc, version, version);
    err = err ? err : gls_config_set_suites(cc, &suite, 1);
    err = err ? err : gls_config_enable_rsa_key_exchange(cc, 1);
    err = err ? err : gls_config_enable_rsa_key_exchange(sc, 1);
    err = err ? err : gls_config_danger_accept_any_cert(cc);
    err = err ? err : gls_config_set_keylog(cc, on_keylog, r);
    err = err ? err : gls_config_set_secret_trace(cc, on_secret, r);
    err = err || r->group == 0 ? err : gls_config_set_groups(cc, &r->group, 1);
    gls_conn *c = err ? NULL : gls_client_new(cc, "localhost");
    gls_conn *s = err ? NULL : gls_server_new(sc);
    char buf[256];
    size_t n = 0;
    if (err == GLS_OK) {
        pump(c, s, r);
        err = gls_conn_write(c, request, strlen(request), &n);
        pump(c, s, r);
        err = err ? err : gls_conn_read(s, buf, sizeof buf, &n);
        err = err ? err : gls_conn_write(s, reply, strlen(reply), &n);
        pump(c, s, r);
        err = err ? err : gls_conn_read(c, buf, sizeof buf, &n);
    }
    if (err == GLS_OK && r->key_update) {
        err = gls_conn_key_update(c, 1); /* the server answers with its own */
        pump(c, s, r);
        err = err ? err : gls_conn_write(c, request, strlen(request), &n);
        pump(c, s, r);
        err = err ? err : gls_conn_read(s, buf, sizeof buf, &n);
        err = err ? err : gls_conn_write(s, reply, strlen(reply), &n);
        pump(c, s, r);
        err = err ? err : gls_conn_read(c, buf, sizeof buf, &n);
    }
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(sc);
    gls_config_free(cc);
    return err;
}

/* Appends the plaintext handshake messages of one direction to the transcript (skipping
 * NewSessionTicket, which follows the client's Finished) and reads the hello facts. */
static void take_messages(struct rec *r, const uint8_t *hs, size_t n, size_t *tl)
{
    for (size_t at = 0; at + 4 <= n;) {
        size_t len = 4 + ((size_t)hs[at + 1] << 16 | (size_t)hs[at + 2] << 8 | hs[at + 3]);
        const uint8_t *m = hs + at;
        if (m[0] == 1) {
            r->s.client_version = (uint16_t)(m[4] << 8 | m[5]);
            memcpy(r->s.client_random, m + 6, 32);
        } else if (m[0] == 2) {
            memcpy(r->s.server_random, m + 6, 32);
        } else if (m[0] == 16) {
            r->s.cke = m + 4;
            r->s.cke_len = len - 4;
        }
        if (m[0] != 4 && *tl + len <= sizeof r->transcript) {
            memcpy(r->transcript + *tl, m, len);
            *tl += len;
            r->s.through_cke = m[0] == 16 ? *tl : r->s.through_cke;
        }
        at += len;
    }
}

/* Splits the tape into records: plaintext handshake bytes and protected records. */
static void parse(struct rec *r, uint16_t version, uint16_t suite)
{
    static uint8_t hs[2][TAPE];
    size_t hs_len[2] = {0, 0};
    size_t tl = 0;
    memset(&r->s, 0, sizeof r->s);
    for (int d = 0; d < 2; d++) {
        bool protected_ = false;
        r->n_recs[d] = 0;
        for (size_t at = 0; at + 5 <= r->len[d];) {
            const uint8_t *h = r->tape[d] + at;
            size_t len = (size_t)h[3] << 8 | h[4];
            if (version == 0x0304) {
                protected_ = h[0] == 23;
            } else if (h[0] == 20) {
                protected_ = true;
                at += 5 + len;
                continue;
            }
            if (protected_ && r->n_recs[d] < 64) {
                r->recs[d][r->n_recs[d]++] =
                    (struct gls_offline_record){h[0], (uint16_t)(h[1] << 8 | h[2]), h + 5, len};
            } else if (h[0] == 22) {
                memcpy(hs[d] + hs_len[d], h + 5, len);
                hs_len[d] += len;
            }
            at += 5 + len;
        }
    }
    /* transcript order: ClientHello, the server's flight, the client's rest */
    size_t ch = 4 + ((size_t)hs[0][1] << 16 | (size_t)hs[0][2] << 8 | hs[0][3]);
    take_messages(r, hs[0], ch, &tl);
    take_messages(r, hs[1], hs_len[1], &tl);
    r->hello_len = tl; /* TLS 1.3: the server's only plaintext message is its ServerHello */
    take_messages(r, hs[0] + ch, hs_len[0] - ch, &tl);
    r->s.version = version;
    r->s.suite = suite;
    r->s.ems = r->ems;
    r->s.transcript = r->transcript;
    r->s.transcript_len = version == 0x0303 ? tl : 0;
}

static void on_data(void *arg, int dir, const struct gls_offline_opened *o)
{
    struct rec *r = arg;
    if (o->index < 64) {
        r->types[dir][o->index] = o->type;
        r->epochs[dir][o->index] = o->epoch;
    }
    if (o->type == 23 && r->data_len[dir] + o->n <= sizeof r->data[dir]) {
        memcpy(r->data[dir] + r->data_len[dir], o->p, o->n);
        r->data_len[dir] += o->n;
    }
}

struct steps {
    uint8_t c_key[32];
    size_t c_key_len;
    size_t n;
};

static void on_step(void *arg, const gls_secret_info *info)
{
    struct steps *s = arg;
    s->n++;
    if (strcmp(info->name, "client_write_key") == 0 && info->len <= sizeof s->c_key) {
        memcpy(s->c_key, info->value, info->len);
        s->c_key_len = info->len;
    }
}

/* Opens both directions; GLS_OK if both opened. */
static int open_both(struct rec *r, gls_offline_keys *k, struct gls_offline_why *why)
{
    memset(r->data_len, 0, sizeof r->data_len);
    TRY(gls_offline_open_records(k, GLS_OFFLINE_C2S, r->recs[0], r->n_recs[0], on_data, r, why));
    return gls_offline_open_records(k, GLS_OFFLINE_S2C, r->recs[1], r->n_recs[1], on_data, r, why);
}

static bool recovered(const struct rec *r)
{
    return r->data_len[0] == strlen(request) && memcmp(r->data[0], request, r->data_len[0]) == 0 &&
           r->data_len[1] == strlen(reply) && memcmp(r->data[1], reply, r->data_len[1]) == 0;
}

static struct rec *new_rec_group(uint16_t version, uint16_t suite, int ec, bool key_update,
                                 uint16_t group)
{
    struct rec *r = calloc(1, sizeof *r);
    if (r != NULL) {
        r->key_update = key_update;
        r->group = group;
    }
    if (r != NULL && record_session(r, version, suite, ec) != GLS_OK) {
        free(r);
        return NULL;
    }
    if (r != NULL) {
        parse(r, version, suite);
    }
    return r;
}

static struct rec *new_rec_ku(uint16_t version, uint16_t suite, int ec, bool key_update)
{
    return new_rec_group(version, suite, ec, key_update, 0);
}

static struct rec *new_rec(uint16_t version, uint16_t suite, int ec)
{
    return new_rec_ku(version, suite, ec, false);
}

static void free_rec(struct rec *r)
{
    gls_trace_pem_free(r->key_pem, r->key_len);
    free(r);
}

TEST(rsa_session_from_the_server_key)
{
    struct rec *r = new_rec(0x0303, 0x009c, 0);
    struct gls_offline_why why = {"", ""};
    struct steps st = {{0}, 0, 0};
    gls_offline_keys *k = NULL;
    CHECK(r != NULL);
    CHECK(r->ems && r->s.cke_len > 2 && r->s.through_cke > 0);
    CHECK_OK(gls_offline_keys_from_rsa(&r->s, r->key_pem, r->key_len, &k, on_step, &st, &why));
    /* the key block derived offline is the one the live client used */
    CHECK(st.c_key_len == 16 && r->c_key_len == 16 && memcmp(st.c_key, r->c_key, 16) == 0);
    CHECK_OK(open_both(r, k, &why));
    CHECK(recovered(r));
    CHECK_EQ(r->types[0][0], 22); /* Finished first */
    CHECK_EQ(r->types[1][0], 22);
    gls_offline_keys_free(k);

    /* a transcript one byte off: other keys, and the Finished no longer verifies */
    r->transcript[10] ^= 1;
    CHECK_OK(gls_offline_keys_from_rsa(&r->s, r->key_pem, r->key_len, &k, NULL, NULL, &why));
    CHECK_ERR(open_both(r, k, &why), GLS_E_BAD_FINISHED);
    CHECK(strcmp(why.code, "wrong_key") == 0);
    gls_offline_keys_free(k);
    r->s.through_cke = 0; /* EMS cannot be made without the transcript: refused up front */
    CHECK_ERR(gls_offline_keys_from_rsa(&r->s, r->key_pem, r->key_len, &k, NULL, NULL, &why),
              GLS_E_UNSUPPORTED);
    free_rec(r);
}

TEST(rsa_session_wrong_key)
{
    struct rec *r = new_rec(0x0303, 0x009c, 0);
    static const char *const names[] = {"localhost"};
    uint8_t *cert = NULL;
    uint8_t *other = NULL;
    size_t cert_len = 0;
    size_t other_len = 0;
    struct gls_offline_why why = {"", ""};
    gls_offline_keys *k = NULL;
    CHECK(r != NULL);
    CHECK_OK(gls_trace_generate_cert_pem(0, names, 1, &cert, &cert_len, &other, &other_len));
    CHECK_OK(gls_offline_keys_from_rsa(&r->s, other, other_len, &k, NULL, NULL, &why));
    CHECK_ERR(
        gls_offline_open_records(k, GLS_OFFLINE_C2S, r->recs[0], r->n_recs[0], on_data, r, &why),
        GLS_E_BAD_FINISHED);
    CHECK(strcmp(why.code, "wrong_key") == 0);
    CHECK(strstr(why.text, "this key did not make this session") != NULL);
    CHECK_EQ(r->data_len[0], 0);
    gls_offline_keys_free(k);
    /* not a PEM key at all */
    CHECK_ERR(gls_offline_keys_from_rsa(&r->s, cert, cert_len, &k, NULL, NULL, &why),
              GLS_E_BAD_KEY_FILE);
    CHECK(strcmp(why.code, "bad_key") == 0 && k == NULL);
    gls_trace_pem_free(cert, cert_len);
    gls_trace_pem_free(other, other_len);
    free_rec(r);
}

TEST(forward_secret_sessions_refuse_the_server_key)
{
    static const struct {
        uint16_t version;
        uint16_t suite;
        int ec;
        const char *kx;
    } cases[] = {{0x0303, 0xc02f, 0, "ECDHE"}, {0x0304, 0x1301, 1, "TLS 1.3"}};
    for (size_t i = 0; i < 2; i++) {
        struct rec *r = new_rec(cases[i].version, cases[i].suite, cases[i].ec);
        struct gls_offline_why why = {"", ""};
        gls_offline_keys *k = NULL;
        CHECK(r != NULL);
        CHECK_ERR(gls_offline_keys_from_rsa(&r->s, r->key_pem, r->key_len, &k, NULL, NULL, &why),
                  GLS_E_INSUFFICIENT_SECURITY);
        CHECK(k == NULL && strcmp(why.code, "forward_secret") == 0);
        CHECK(strstr(why.text, cases[i].kx) != NULL);
        CHECK(strstr(why.text, "the long-term key only signed") != NULL);
        free_rec(r);
    }
}

TEST(keylog_opens_ecdhe_and_tls13)
{
    static const struct {
        uint16_t version;
        uint16_t suite;
        int ec;
    } cases[] = {{0x0303, 0xc02f, 0},
                 {0x0303, 0xc030, 0},
                 {0x0304, 0x1301, 1},
                 {0x0304, 0x1302, 1},
                 {0x0304, 0x1303, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rec *r = new_rec(cases[i].version, cases[i].suite, cases[i].ec);
        struct gls_offline_why why = {"", ""};
        struct steps st = {{0}, 0, 0};
        gls_offline_keys *k = NULL;
        CHECK(r != NULL && r->keylog_len > 0);
        CHECK_OK(
            gls_offline_keys_from_keylog(&r->s, r->keylog, r->keylog_len, &k, on_step, &st, &why));
        CHECK(st.n >= 3);
        CHECK_OK(open_both(r, k, &why));
        CHECK(recovered(r));
        if (cases[i].version == 0x0304) {
            /* the server's flight under handshake keys, then NewSessionTicket and data */
            CHECK_EQ(r->types[1][0], 22);
            CHECK_EQ(r->types[1][r->n_recs[1] - 1], 23);
        }
        gls_offline_keys_free(k);
        /* another session's key log */
        r->s.client_random[0] ^= 1;
        CHECK_ERR(
            gls_offline_keys_from_keylog(&r->s, r->keylog, r->keylog_len, &k, NULL, NULL, &why),
            GLS_E_FILE);
        CHECK(k == NULL && strcmp(why.code, "no_keylog_line") == 0);
        free_rec(r);
    }
}

/* TLS 1.3 KeyUpdate in both directions: followed, each side's later records open under
 * application_traffic_secret_1 (epoch 2), and the data after it is recovered. */
TEST(keylog_follows_key_update_both_ways)
{
    struct rec *r = new_rec_ku(0x0304, 0x1301, 1, true);
    struct gls_offline_why why = {"", ""};
    struct steps st = {{0}, 0, 0};
    gls_offline_keys *k = NULL;
    CHECK(r != NULL && r->keylog_len > 0);
    CHECK_OK(gls_offline_keys_from_keylog(&r->s, r->keylog, r->keylog_len, &k, on_step, &st, &why));
    CHECK_OK(open_both(r, k, &why));
    CHECK(r->data_len[0] == 2 * strlen(request) && r->data_len[1] == 2 * strlen(reply));
    CHECK(memcmp(r->data[0] + strlen(request), request, strlen(request)) == 0);
    CHECK(memcmp(r->data[1] + strlen(reply), reply, strlen(reply)) == 0);
    for (int d = 0; d < 2; d++) {
        CHECK_EQ(r->types[d][r->n_recs[d] - 1], 23);
        CHECK_EQ(r->epochs[d][r->n_recs[d] - 1], 2);
    }
    gls_offline_keys_free(k);
    free_rec(r);
}

/* TLS 1.3 from the key exchange's shared secret alone (explain's quantum adversary): the whole
 * schedule re-derived, the server's encrypted flight opened to reach the application keys, both
 * directions recovered; for X25519 and for X25519MLKEM768 (64 bytes: ML-KEM || X25519). Half
 * of the hybrid's secret right is not enough: "wrong_key" at the server's first record. */
TEST(tls13_from_the_shared_secret)
{
    static const uint16_t groups[] = {GLS_GROUP_X25519, GLS_GROUP_X25519MLKEM768};
    for (size_t i = 0; i < 2; i++) {
        struct rec *r = new_rec_group(0x0304, 0x1301, 1, false, groups[i]);
        struct gls_offline_why why = {"", ""};
        struct steps st = {{0}, 0, 0};
        gls_offline_keys *k = NULL;
        CHECK(r != NULL);
        CHECK_EQ(r->dhe_len, i == 0 ? 32u : 64u);
        r->s.transcript_len = r->hello_len;
        CHECK_OK(gls_offline_keys_from_dhe13(&r->s, r->dhe, r->dhe_len, "given", r->recs[1],
                                             r->n_recs[1], &k, on_step, &st, &why));
        CHECK(st.n >= 16); /* secret, Early ... both traffic keys */
        CHECK_OK(open_both(r, k, &why));
        CHECK(recovered(r));
        CHECK_EQ(r->types[1][0], 22); /* the server's flight under its handshake keys */
        CHECK_EQ(r->epochs[1][0], 0);
        gls_offline_keys_free(k);
        /* the ML-KEM half (or the first X25519 byte) wrong: flipped, so always different
         * (zeroing left a secret whose first byte was already zero unchanged, 1 run in 256) */
        for (size_t j = 0; j < (i == 0 ? 1u : 32u); j++) {
            r->dhe[j] ^= 0x5a;
        }
        CHECK_ERR(gls_offline_keys_from_dhe13(&r->s, r->dhe, r->dhe_len, "guess", r->recs[1],
                                              r->n_recs[1], &k, NULL, NULL, &why),
                  GLS_E_BAD_RECORD_MAC);
        CHECK(k == NULL && strcmp(why.code, "wrong_key") == 0);
        CHECK(strstr(why.text, "EncryptedExtensions") != NULL);
        free_rec(r);
    }
    /* TLS 1.2 does not open this way */
    struct rec *r = new_rec(0x0303, 0xc02f, 0);
    struct gls_offline_why why = {"", ""};
    gls_offline_keys *k = NULL;
    uint8_t z[32] = {1};
    CHECK(r != NULL);
    CHECK_ERR(gls_offline_keys_from_dhe13(&r->s, z, sizeof z, "given", r->recs[1], r->n_recs[1], &k,
                                          NULL, NULL, &why),
              GLS_E_UNSUPPORTED);
    CHECK(k == NULL && strcmp(why.code, "unsupported") == 0);
    free_rec(r);
}
