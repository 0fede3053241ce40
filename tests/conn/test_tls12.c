/* In-memory TLS 1.2 client and server through the public API: every TLS 1.2
 * suite of hs/suites.c (ECDHE/DHE/RSA key exchange, GCM, ChaCha20, CBC with
 * and without encrypt-then-MAC), every group, extended master secret, client
 * authentication, ALPN, byte-at-a-time delivery, version negotiation with a
 * TLS 1.3 client, the downgrade sentinel, renegotiation refusals, and the
 * exact error (and alert) for a bad Finished and a forged ServerKeyExchange. */
#include "base/wire.h"
#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

static void make_pair(gls_config **scfg, gls_config **ccfg, int ec)
{
    pair_configs(scfg, ccfg, ec, 0x0303);
}

static const char *const names[] = {"localhost", "127.0.0.1"};

TEST(basic_ecdhe_handshake_and_data)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.version, 0x0303);
    CHECK_EQ(info.suite, 0xc02b);
    CHECK_EQ(info.group, 0x001d);
    CHECK_EQ(info.sigalg, 0x0403);
    CHECK(info.forward_secret);
    CHECK_EQ(info.peer_certs, 1);
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.suite, 0xc02b);
    CHECK_OK(pair_exchange(cc, sc, "hello server"));
    CHECK_OK(pair_exchange(sc, cc, "hello client"));
    pair_free(cc, sc, s, c);
}

static int one_suite(gls_config *s, gls_config *c, uint16_t suite, uint16_t group)
{
    int err = gls_config_set_suites(s, &suite, 1);
    err = err ? err : gls_config_set_suites(c, &suite, 1);
    if (group != 0) {
        err = err ? err : gls_config_set_groups(s, &group, 1);
        err = err ? err : gls_config_set_groups(c, &group, 1);
    }
    return err;
}

/* Every TLS 1.2 suite of hs/suites.c, with the certificate type it needs and
 * (for ECDHE and DHE) every group of its family; data both ways. */
TEST(suite_group_matrix)
{
    static const uint16_t suites[] = {
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009e, 0x009f, 0xccaa,
        0xc023, 0xc027, 0xc024, 0xc028, 0xc009, 0xc013, 0xc00a, 0xc014, 0x0067,
        0x006b, 0x0033, 0x0039, 0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035,
    };
    static const uint16_t ec_groups[] = {0x001d, 0x0017, 0x0018};
    static const uint16_t dh_groups[] = {0x0100, 0x0101};
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        const struct gls_suite *st = gls_suite_get(suites[i]);
        CHECK(st != NULL && st->version == 0x0303);
        const uint16_t *groups = st->kx == GLS_KX_DHE ? dh_groups : ec_groups;
        size_t n_groups = st->kx == GLS_KX_DHE ? 2 : (st->kx == GLS_KX_RSA ? 1 : 3);
        for (size_t j = 0; j < n_groups; j++) {
            gls_config *s, *c;
            gls_conn *cc, *sc;
            gls_conn_info info;
            uint16_t group = st->kx == GLS_KX_RSA ? 0 : groups[j];
            make_pair(&s, &c, st->auth == GLS_AUTH_ECDSA);
            CHECK_OK(one_suite(s, c, suites[i], group));
            if (st->auth == GLS_AUTH_ECDSA && group != 0x0017) {
                /* RFC 8422 §5.3: the P-256 certificate needs secp256r1 listed too */
                const uint16_t both[] = {group, 0x0017};
                CHECK_OK(gls_config_set_groups(c, both, 2));
            }
            CHECK_OK(gls_config_enable_rsa_key_exchange(s, 1));
            CHECK_OK(gls_config_enable_rsa_key_exchange(c, 1));
            int err = pair_run(s, c, &cc, &sc, 0);
            if (err != GLS_OK) {
                fprintf(stderr, "  suite %s group %04x: %s\n", st->name, group,
                        gls_error_name(err));
            }
            CHECK_OK(err);
            CHECK_OK(gls_conn_get_info(cc, &info));
            CHECK_EQ(info.version, 0x0303);
            CHECK_EQ(info.suite, suites[i]);
            CHECK_EQ(info.group, group);
            CHECK_EQ(info.forward_secret, st->kx != GLS_KX_RSA);
            CHECK_OK(pair_exchange(cc, sc, "ping from the client"));
            CHECK_OK(pair_exchange(sc, cc, "pong from the server"));
            pair_free(cc, sc, s, c);
        }
    }
}

struct log {
    char lines[64][160];
    size_t n;
};

static void on_line(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct log *l = arg;
    if (l->n < 64) {
        snprintf(l->lines[l->n++], sizeof l->lines[0], "%s", line);
    }
}

static bool logged(const struct log *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strstr(l->lines[i], needle) != NULL) {
            return true;
        }
    }
    return false;
}

/* CBC with encrypt-then-MAC (default) and MAC-then-encrypt (EtM turned off
 * on either side through the test-only switch). */
TEST(cbc_etm_and_mte)
{
    for (int mode = 0; mode < 3; mode++) {
        gls_config *s, *c;
        gls_conn *cc, *sc;
        struct log events;
        memset(&events, 0, sizeof events);
        make_pair(&s, &c, 0);
        CHECK_OK(one_suite(s, c, 0xc027, 0));
        CHECK_OK(gls_config_set_event_trace(c, on_line, &events));
        if (mode == 1) {
            c->no_etm = true;
        } else if (mode == 2) {
            s->no_etm = true;
        }
        CHECK_OK(pair_run(s, c, &cc, &sc, 0));
        CHECK(logged(&events, mode == 0 ? "encrypt-then-MAC" : "MAC-then-encrypt"));
        CHECK_OK(pair_exchange(cc, sc, "cbc data one way"));
        CHECK_OK(pair_exchange(sc, cc, "and the other way"));
        pair_free(cc, sc, s, c);
    }
}

struct secrets {
    bool ems;
    bool classic;
    bool client_random_line;
    char keylog[256];
};

static void on_secret(void *arg, gls_conn *c, const gls_secret_info *info)
{
    (void)c;
    struct secrets *s = arg;
    s->ems |= strcmp(info->name, "extended_master_secret") == 0 && info->len == 48;
    s->classic |= strcmp(info->name, "master_secret") == 0;
}

static void on_keylog(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct secrets *s = arg;
    s->client_random_line |=
        strncmp(line, "CLIENT_RANDOM ", 14) == 0 && strlen(line) == 14 + 64 + 1 + 96;
    snprintf(s->keylog, sizeof s->keylog, "%s", line);
}

/* RFC 7627 is negotiated by default; the key log carries the NSS CLIENT_RANDOM
 * line with the (extended) master secret. */
TEST(ems_and_keylog)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    struct secrets seen;
    memset(&seen, 0, sizeof seen);
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_secret_trace(c, on_secret, &seen));
    CHECK_OK(gls_config_set_keylog(c, on_keylog, &seen));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK(seen.ems);
    CHECK(!seen.classic);
    CHECK(seen.client_random_line);
    pair_free(cc, sc, s, c);
}

/* Client authentication with RSA and ECDSA client certificates (required),
 * and an optional request the client cannot answer. */
TEST(client_auth)
{
    for (int ec = 0; ec < 2; ec++) {
        gls_config *s, *c;
        gls_conn *cc, *sc;
        gls_conn_info info;
        make_pair(&s, &c, ec);
        CHECK_OK(gls_config_add_generated_cert(c, names, 1, !ec, NULL));
        CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_REQUIRED));
        CHECK_OK(gls_config_danger_accept_any_cert(s));
        CHECK_OK(pair_run(s, c, &cc, &sc, 0));
        CHECK_OK(gls_conn_get_info(sc, &info));
        CHECK_EQ(info.peer_certs, 1);
        CHECK_OK(pair_exchange(cc, sc, "authenticated"));
        pair_free(cc, sc, s, c);
    }
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_OPTIONAL));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.peer_certs, 0);
    pair_free(cc, sc, s, c);
    /* required, but the client has none: handshake_failure (RFC 5246 §7.4.6) */
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_REQUIRED));
    CHECK_ERR(pair_run(s, c, &cc, &sc, 0), GLS_E_PEER_ALERT_BASE - 40);
    CHECK_EQ(gls_conn_error(sc), GLS_E_HANDSHAKE_FAILURE);
    pair_free(cc, sc, s, c);
}

TEST(alpn)
{
    static const char *const sp[] = {"h2", "http/1.1"};
    static const char *const cp[] = {"http/1.1", "h2"};
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_alpn(s, sp, 2));
    CHECK_OK(gls_config_set_alpn(c, cp, 2));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(info.alpn != NULL && strcmp(info.alpn, "h2") == 0);
    pair_free(cc, sc, s, c);
}

/* Byte-at-a-time delivery for an ECDHE GCM, a DHE CBC and an RSA suite with
 * client authentication. */
TEST(byte_at_a_time)
{
    static const uint16_t suites[] = {0xc02f, 0x0067, 0x009c};
    for (size_t i = 0; i < 3; i++) {
        gls_config *s, *c;
        gls_conn *cc, *sc;
        make_pair(&s, &c, 0);
        CHECK_OK(one_suite(s, c, suites[i], 0));
        CHECK_OK(gls_config_enable_rsa_key_exchange(s, 1));
        CHECK_OK(gls_config_enable_rsa_key_exchange(c, 1));
        CHECK_OK(gls_config_add_generated_cert(c, names, 1, 1, NULL));
        CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_REQUIRED));
        CHECK_OK(gls_config_danger_accept_any_cert(s));
        CHECK_OK(pair_run(s, c, &cc, &sc, 1));
        CHECK_OK(pair_exchange(cc, sc, "slowly"));
        pair_free(cc, sc, s, c);
    }
}

/* A client offering TLS 1.3 and 1.2 against a TLS 1.2-only server: 1.2, and
 * no downgrade alarm (the server has no TLS 1.3 to be downgraded from). */
TEST(tls13_client_against_tls12_server)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0304));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.version, 0x0303);
    CHECK_OK(pair_exchange(cc, sc, "negotiated down honestly"));
    pair_free(cc, sc, s, c);
    /* and both sides able to speak 1.3 pick 1.3 */
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0304));
    CHECK_OK(gls_config_set_versions(s, 0x0303, 0x0304));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.version, 0x0304);
    pair_free(cc, sc, s, c);
}

/* A TLS 1.2-only client against a server that could do 1.3: the server marks
 * its random (RFC 8446 §4.1.3); the 1.2 client does not look, and connects. */
TEST(tls12_client_against_tls13_server)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_versions(s, 0x0303, 0x0304));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.version, 0x0303);
    pair_free(cc, sc, s, c);
}

/* Takes the client's first record (its ClientHello), lets edit change it, and
 * delivers the rewritten record to the server: a man in the middle. */
static int mitm_client_hello(gls_conn *cc, gls_conn *sc, void (*edit)(struct gls_client_hello *))
{
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(cc, &len);
    struct gls_client_hello ch;
    static uint8_t rec[8192];
    if (len < 9 || out[0] != 22 || out[5] != 1 || len != 5 + (size_t)(out[3] << 8 | out[4])) {
        return GLS_E_INTERNAL;
    }
    gls_reader r = gls_reader_init(out + 9, len - 9);
    if (gls_client_hello_parse(&r, &ch) != GLS_OK) {
        return GLS_E_INTERNAL;
    }
    edit(&ch);
    gls_writer w = gls_writer_init(rec + 9, sizeof rec - 9);
    if (gls_client_hello_write(&w, &ch) != GLS_OK) {
        return GLS_E_INTERNAL;
    }
    memcpy(rec, out, 5);
    rec[3] = (uint8_t)((w.len + 4) >> 8);
    rec[4] = (uint8_t)(w.len + 4);
    rec[5] = 1;
    rec[6] = (uint8_t)(w.len >> 16);
    rec[7] = (uint8_t)(w.len >> 8);
    rec[8] = (uint8_t)w.len;
    gls_conn_net_out_done(cc, len);
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(sc, &room);
    memcpy(in, rec, 9 + w.len);
    return gls_conn_net_in_done(sc, 9 + w.len);
}

static void strip_versions(struct gls_client_hello *ch)
{
    ch->ext.present &= ~(1u << GLS_X_SUPPORTED_VERSIONS);
    ch->ext.n_order = 0;
}

/* RFC 8446 §4.1.3: an attacker removes supported_versions so that a 1.3
 * server answers 1.2; the server's random carries the sentinel and the 1.3
 * client refuses with illegal_parameter. */
TEST(downgrade_sentinel)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0304));
    CHECK_OK(gls_config_set_versions(s, 0x0303, 0x0304));
    cc = gls_client_new(c, "localhost");
    sc = gls_server_new(s);
    CHECK_OK(mitm_client_hello(cc, sc, strip_versions));
    CHECK_ERR(pair_handshake(cc, sc, 0), GLS_E_DOWNGRADE);
    CHECK_EQ(gls_conn_error(sc), GLS_E_PEER_ALERT_BASE - 47);
    pair_free(cc, sc, s, c);
}

static void strip_ems_and_reorder(struct gls_client_hello *ch)
{
    ch->ext.present &= ~(1u << GLS_X_EXTENDED_MASTER_SECRET);
    ch->ext.n_order = 0;
    static uint8_t swapped[256]; /* the first two schemes swapped: the transcripts now differ */
    gls_bytes l = ch->ext.sigalgs;
    memcpy(swapped, l.p, l.len);
    memcpy(swapped, l.p + 2, 2);
    memcpy(swapped + 2, l.p, 2);
    ch->ext.sigalgs = gls_bytes_of(swapped, l.len);
}

/* A ClientHello changed in flight (without EMS, so the keys still agree):
 * the server's check of the client Finished fails with decrypt_error. */
TEST(bad_finished)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    cc = gls_client_new(c, "localhost");
    sc = gls_server_new(s);
    CHECK_OK(mitm_client_hello(cc, sc, strip_ems_and_reorder));
    CHECK_ERR(pair_handshake(cc, sc, 0), GLS_E_PEER_ALERT_BASE - 51);
    CHECK_EQ(gls_conn_error(sc), GLS_E_BAD_FINISHED);
    pair_free(cc, sc, s, c);
}

/* A ServerKeyExchange whose signature was changed in flight: the client
 * refuses it with bad_signature (decrypt_error alert, RFC 5246 §7.4.3). */
TEST(forged_server_key_exchange)
{
    for (int ec = 0; ec < 2; ec++) {
        gls_config *s, *c;
        gls_conn *cc, *sc;
        make_pair(&s, &c, ec);
        cc = gls_client_new(c, "localhost");
        sc = gls_server_new(s);
        pair_move(cc, sc, 0);
        size_t len = 0;
        uint8_t *out = (uint8_t *)gls_conn_net_out(sc, &len);
        bool found = false;
        for (size_t off = 0; off + 5 < len;) { /* one record per message */
            size_t n = (size_t)(out[off + 3] << 8 | out[off + 4]);
            if (out[off + 5] == 12) {
                out[off + 5 + n - 1] ^= 1; /* last byte of the signature */
                found = true;
            }
            off += 5 + n;
        }
        CHECK(found);
        CHECK_ERR(pair_handshake(cc, sc, 0), GLS_E_BAD_SIGNATURE);
        CHECK_EQ(gls_conn_error(sc), GLS_E_PEER_ALERT_BASE - 51);
        pair_free(cc, sc, s, c);
    }
}

/* RSA key exchange only when both sides enable it: a client that offers only
 * RSA suites meets a server that has it off. */
TEST(rsa_kx_refused_unless_enabled)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 0);
    CHECK_OK(one_suite(s, c, 0x009c, 0));
    CHECK_OK(gls_config_enable_rsa_key_exchange(c, 1));
    CHECK_ERR(pair_run(s, c, &cc, &sc, 0), GLS_E_PEER_ALERT_BASE - 40);
    CHECK_EQ(gls_conn_error(sc), GLS_E_NO_SHARED_SUITE);
    pair_free(cc, sc, s, c);
    /* a client without it does not even offer the suite */
    make_pair(&s, &c, 0);
    CHECK_OK(one_suite(s, c, 0x009c, 0));
    CHECK_OK(gls_config_enable_rsa_key_exchange(s, 1));
    cc = gls_client_new(c, "localhost");
    CHECK_EQ(gls_conn_error(cc), GLS_E_NO_SHARED_SUITE);
    gls_conn_free(cc);
    gls_config_free(s);
    gls_config_free(c);
}

/* Renegotiation is refused: a HelloRequest gets a warning no_renegotiation
 * from the client (which stays up); a second ClientHello gets the same warning from the
 * server (RFC 5246 §7.2.2), which stays up too and can still send. */
TEST(renegotiation_refused)
{
    static const uint8_t hello_request[4] = {0, 0, 0, 0};
    static const uint8_t client_hello[6] = {1, 0, 0, 2, 3, 3};
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_hs_send(sc, GLS_CT_HANDSHAKE, hello_request, sizeof hello_request));
    pair_move(sc, cc, 0);
    CHECK_OK(gls_conn_error(cc));
    size_t len = 0;
    gls_conn_net_out(cc, &len);
    CHECK(len > 0); /* the warning alert */
    pair_move(cc, sc, 0);
    CHECK_OK(gls_conn_error(sc)); /* a warning: ignored (RFC 5246 §7.2) */
    pair_free(cc, sc, s, c);

    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_hs_send(cc, GLS_CT_HANDSHAKE, client_hello, sizeof client_hello));
    pair_move(cc, sc, 0);
    CHECK_OK(gls_conn_error(sc));
    len = 0;
    gls_conn_net_out(sc, &len);
    CHECK(len > 0); /* the warning alert */
    pair_move(sc, cc, 0);
    CHECK_OK(gls_conn_error(cc)); /* a warning answering nothing we did: ignored */
    size_t put = 0;
    CHECK_OK(gls_conn_write(sc, "still up", 8, &put));
    CHECK_OK(gls_conn_write(cc, "both up", 7, &put));
    pair_free(cc, sc, s, c);
}

/* RFC 5246 §7.4.1.1: a HelloRequest while the client is negotiating is ignored (and kept
 * out of the transcript, or Finished would fail), whether it comes before the ServerHello
 * or inside the server's flight; one with a body is decode_error. */
TEST(hello_request_during_handshake)
{
    static const uint8_t hello_request[4] = {0, 0, 0, 0};
    static const uint8_t with_body[5] = {0, 0, 0, 1, 0};
    for (int when = 0; when < 3; when++) {
        gls_config *s, *c;
        make_pair(&s, &c, 1);
        CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0304)); /* version unknown until SH */
        gls_conn *cc = gls_client_new(c, "localhost");
        gls_conn *sc = gls_server_new(s);
        if (when == 0) { /* before the ServerHello */
            CHECK_OK(gls_hs_send(sc, GLS_CT_HANDSHAKE, hello_request, sizeof hello_request));
        }
        pair_move(cc, sc, 0);
        if (when > 0) { /* after the server's flight, before the client has answered it */
            CHECK_OK(gls_hs_send(sc, GLS_CT_HANDSHAKE, when == 1 ? hello_request : with_body,
                                 when == 1 ? sizeof hello_request : sizeof with_body));
        }
        if (when < 2) {
            CHECK_OK(pair_handshake(cc, sc, 0));
            CHECK_OK(pair_exchange(cc, sc, "after a HelloRequest"));
            CHECK_OK(pair_exchange(sc, cc, "both ways"));
        } else {
            pair_move(sc, cc, 0);
            CHECK_EQ(gls_conn_error(cc), GLS_E_DECODE);
            CHECK(strstr(gls_conn_error_detail(cc), "RFC 5246 §7.4.1.1") != NULL);
            size_t len = 0, at = 0, last = 0;
            const uint8_t *out = gls_conn_net_out(cc, &len);
            while (at + 5 <= len) { /* the client's flight, then its (sealed) alert */
                last = at;
                at += 5 + ((size_t)out[at + 3] << 8 | out[at + 4]);
            }
            CHECK(at == len && len > 0 && out[last] == GLS_CT_ALERT);
        }
        pair_free(cc, sc, s, c);
    }
}

TEST(record_size_limit_tls12)
{
    gls_config *s = gls_config_new();
    gls_config *c = gls_config_new();
    static uint8_t big[1000];
    size_t put = 0;
    size_t len = 0;
    CHECK_OK(gls_config_add_generated_cert(s, names, 1, 1, NULL));
    CHECK_OK(gls_config_danger_accept_any_cert(c));
    CHECK_OK(gls_config_set_versions(s, 0x0303, 0x0303));
    CHECK_OK(gls_config_set_record_size_limit(s, 200));
    gls_conn *cc = gls_client_new(c, "localhost");
    gls_conn *sc = gls_server_new(s);
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(gls_conn_write(cc, big, sizeof big, &put));
    const uint8_t *out = gls_conn_net_out(cc, &len);
    /* AES-128-GCM in TLS 1.2: explicit nonce 8 + 200 bytes + tag 16 */
    CHECK_EQ((size_t)out[3] << 8 | out[4], 8 + 200 + 16);
    pair_free(cc, sc, s, c);
}

/* RFC 8422 §5.3: a client that does not list P-256 cannot take our P-256
 * certificate: the server falls back to an RSA suite, or refuses. */
TEST(ecdsa_certificate_needs_its_curve_listed)
{
    gls_config *s = gls_config_new();
    gls_config *c = gls_config_new();
    gls_conn *cc, *sc;
    gls_conn_info info;
    static const uint16_t x25519[] = {0x001d};
    static const uint16_t suites2[] = {0xc02b, 0xc02f};            /* ECDSA first, then RSA */
    CHECK_OK(gls_config_add_generated_cert(s, names, 1, 1, NULL)); /* P-256 */
    CHECK_OK(gls_config_add_generated_cert(s, names, 1, 0, NULL)); /* RSA */
    CHECK_OK(gls_config_danger_accept_any_cert(c));
    CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0303));
    CHECK_OK(gls_config_set_groups(c, x25519, 1));
    CHECK_OK(gls_config_set_suites(c, suites2, 2));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.suite, 0xc02f);
    pair_free(cc, sc, s, c);

    s = gls_config_new();
    c = gls_config_new();
    CHECK_OK(gls_config_add_generated_cert(s, names, 1, 1, NULL)); /* only P-256 */
    CHECK_OK(gls_config_danger_accept_any_cert(c));
    CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0303));
    CHECK_OK(gls_config_set_groups(c, x25519, 1));
    CHECK_OK(gls_config_set_suites(c, suites2, 1));
    pair_run(s, c, &cc, &sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_E_NO_SHARED_SUITE);
    pair_free(cc, sc, s, c);
}
