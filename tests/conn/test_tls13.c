/* In-memory TLS 1.3 client and server through the public API: every suite and
 * group, both certificate types, HelloRetryRequest, client authentication,
 * ALPN, KeyUpdate, byte-at-a-time delivery, close_notify, and refusals with
 * the exact error on each side. */
#include <string.h>

#include "harness.h"
#include "pair.h"

static void make_pair(gls_config **scfg, gls_config **ccfg, int ec)
{
    pair_configs(scfg, ccfg, ec, 0x0304);
}

#include "base/wire.h"
#include "crypto/internal.h"
#include "hs/hs.h"

static const char *const names[] = {"localhost", "127.0.0.1"};

TEST(basic_handshake_and_data)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.version, 0x0304);
    CHECK_EQ(info.suite, 0x1301);
    CHECK_EQ(info.group, GLS_GROUP_X25519MLKEM768); /* the default: hybrid first */
    CHECK_EQ(info.sigalg, 0x0403);
    CHECK(info.forward_secret);
    CHECK_EQ(info.peer_certs, 1);
    CHECK_OK(pair_exchange(cc, sc, "hello server"));
    CHECK_OK(pair_exchange(sc, cc, "hello client"));
    pair_free(cc, sc, s, c);
}

/* Counts "res master" among the traced secrets. */
static void count_res_master(void *arg, gls_conn *c, const gls_secret_info *info)
{
    (void)c;
    if (strcmp(info->name, "res master") == 0) {
        ++*(int *)arg;
    }
}

/* The resumption master secret is derived only when resumption is on: both
 * sides derive it once, and with resumption off neither does (nor issues or
 * keeps a ticket). */
TEST(resumption_secret_only_with_resumption)
{
    for (int on = 0; on < 2; on++) {
        gls_config *s, *c;
        gls_conn *cc, *sc;
        int seen = 0;
        make_pair(&s, &c, 1);
        CHECK_OK(gls_config_set_resumption(s, on, 7200));
        CHECK_OK(gls_config_set_resumption(c, on, 7200));
        CHECK_OK(gls_config_set_secret_trace(s, count_res_master, &seen));
        CHECK_OK(gls_config_set_secret_trace(c, count_res_master, &seen));
        CHECK_OK(pair_run(s, c, &cc, &sc, 0));
        CHECK_OK(pair_exchange(cc, sc, "hello"));
        CHECK_EQ(seen, on ? 2 : 0);
        pair_free(cc, sc, s, c);
    }
}

/* STYLE §12.2, issue 12: once the handshake is over, neither side holds its
 * handshake state (a separate allocation, freed), and the peer's chain is kept
 * as DER only: gls_conn_peer_cert and gls_conn_peer_subject still answer, from
 * the DER (the parsed certificate and its key are gone), also after data. */
TEST(handshake_state_freed_and_peer_chain_kept_as_der)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    const uint8_t *der = NULL;
    size_t len = 0;
    char subject[200], own_subject[200];
    make_pair(&s, &c, 1);
    cc = gls_client_new(c, "localhost");
    sc = gls_server_new(s);
    CHECK(cc->hs != NULL && sc->hs != NULL); /* during the handshake */
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(pair_exchange(cc, sc, "hello"));
    CHECK_OK(pair_exchange(sc, cc, "hello back"));
    CHECK(cc->hs == NULL && sc->hs == NULL);
    CHECK_EQ(cc->state, ST_CONNECTED);
    CHECK_EQ(sc->state, ST_CONNECTED);
    CHECK_EQ(strcmp(sc->sess.server_name, "localhost"), 0);              /* SNI, exactly sized */
    CHECK(cc->sess.alpn == gls_no_name && sc->sess.alpn == gls_no_name); /* none asked */
    CHECK(gls_cert_pubkey(cc->sess.peer_chain[0])->pkey == NULL);        /* DER only */
    gls_bytes own = gls_cert_der(s->certs[0].chain[0]);
    CHECK_OK(gls_conn_peer_cert(cc, 0, &der, &len));
    CHECK_EQ(len, own.len);
    CHECK_EQ(memcmp(der, own.p, len), 0);
    CHECK_ERR(gls_conn_peer_cert(cc, 1, &der, &len), GLS_E_INVALID_ARGUMENT);
    gls_cert_subject(s->certs[0].chain[0], own_subject, sizeof own_subject);
    CHECK(own_subject[0] != 0);
    CHECK_OK(gls_conn_peer_subject(cc, 0, subject, sizeof subject));
    CHECK_EQ(strcmp(subject, own_subject), 0);
    CHECK_OK(pair_exchange(cc, sc, "still there"));
    pair_free(cc, sc, s, c);
}

/* Every TLS 1.3 suite with every group, both certificate types. */
TEST(suite_group_matrix)
{
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303};
    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018, 0x0100, 0x0101};
    for (int ec = 0; ec < 2; ec++) {
        for (size_t i = 0; i < 3; i++) {
            for (size_t j = 0; j < 5; j++) {
                gls_config *s, *c;
                gls_conn *cc, *sc;
                gls_conn_info info;
                make_pair(&s, &c, ec);
                CHECK_OK(gls_config_set_suites(c, &suites[i], 1));
                CHECK_OK(gls_config_set_groups(c, &groups[j], 1));
                CHECK_OK(pair_run(s, c, &cc, &sc, 0));
                CHECK_OK(gls_conn_get_info(sc, &info));
                CHECK_EQ(info.suite, suites[i]);
                CHECK_EQ(info.group, groups[j]);
                CHECK_OK(pair_exchange(cc, sc, "ping"));
                CHECK_OK(pair_exchange(sc, cc, "pong"));
                pair_free(cc, sc, s, c);
            }
        }
    }
}

TEST(hello_retry_request)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    static const uint16_t cgroups[] = {0x001d, 0x0017};
    static const uint16_t sgroups[] = {0x0017};
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_groups(c, cgroups, 2)); /* share only for x25519 */
    CHECK_OK(gls_config_set_groups(s, sgroups, 1));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.group, 0x0017);
    CHECK_OK(pair_exchange(cc, sc, "after hrr"));
    pair_free(cc, sc, s, c);
}

TEST(no_shared_group_fails_with_handshake_failure)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    static const uint16_t cg[] = {0x001d};
    static const uint16_t sg[] = {0x0018};
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_groups(c, cg, 1));
    CHECK_OK(gls_config_set_groups(s, sg, 1));
    pair_run(s, c, &cc, &sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_E_NO_SHARED_GROUP);
    CHECK_EQ(gls_conn_error(cc), GLS_E_PEER_ALERT_BASE - 40);
    pair_free(cc, sc, s, c);
}

TEST(byte_at_a_time)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 0);
    CHECK_OK(pair_run(s, c, &cc, &sc, 1));
    CHECK_OK(pair_exchange(cc, sc, "slowly"));
    pair_free(cc, sc, s, c);
}

TEST(alpn_chosen_and_mismatch)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    const char *cp[] = {"h2", "http/1.1"};
    const char *sp[] = {"http/1.1"};
    const char *none[] = {"imap"};
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_alpn(c, cp, 2));
    CHECK_OK(gls_config_set_alpn(s, sp, 1));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(info.alpn != NULL && strcmp(info.alpn, "http/1.1") == 0);
    pair_free(cc, sc, s, c);

    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_alpn(c, cp, 2));
    CHECK_OK(gls_config_set_alpn(s, none, 1));
    pair_run(s, c, &cc, &sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_E_NO_APPLICATION_PROTOCOL);
    CHECK_EQ(gls_conn_error(cc), GLS_E_PEER_ALERT_BASE - 120);
    pair_free(cc, sc, s, c);
}

TEST(client_auth_required_and_presented)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_REQUIRED));
    CHECK_OK(gls_config_danger_accept_any_cert(s));
    CHECK_OK(gls_config_add_generated_cert(c, names, 1, 0, NULL));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.peer_certs, 1);
    CHECK_OK(pair_exchange(cc, sc, "authenticated"));
    pair_free(cc, sc, s, c);
}

TEST(client_auth_required_but_declined)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_REQUIRED));
    CHECK_OK(gls_config_danger_accept_any_cert(s));
    pair_run(s, c, &cc, &sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_E_CERT_REQUIRED);
    pair_free(cc, sc, s, c);
}

TEST(client_auth_optional_declined)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_client_auth(s, GLS_CLIENT_AUTH_OPTIONAL));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.peer_certs, 0);
    pair_free(cc, sc, s, c);
}

TEST(key_update_both_directions)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_key_update(cc, 1)); /* the server must answer */
    CHECK_OK(pair_exchange(cc, sc, "after client update"));
    CHECK_OK(pair_exchange(sc, cc, "server answered"));
    CHECK_OK(gls_conn_key_update(sc, 0));
    CHECK_OK(pair_exchange(sc, cc, "after server update"));
    CHECK_OK(pair_exchange(cc, sc, "still fine"));
    pair_free(cc, sc, s, c);
}

TEST(close_notify)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    char buf[16];
    size_t got = 0;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_close(cc));
    pair_move(cc, sc, 0);
    CHECK_ERR(gls_conn_read(sc, buf, sizeof buf, &got), GLS_E_CLOSED);
    CHECK(gls_conn_wants(sc) & GLS_CLOSED);
    CHECK_EQ(gls_conn_error(sc), GLS_OK);
    pair_free(cc, sc, s, c);
}

TEST(tampered_record_gets_bad_record_mac)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    size_t put = 0;
    size_t len = 0;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_write(cc, "secret", 6, &put));
    uint8_t *out = (uint8_t *)gls_conn_net_out(cc, &len);
    CHECK(len > 10);
    out[len - 1] ^= 1;
    pair_move(cc, sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_E_BAD_RECORD_MAC);
    /* the server sends a fatal bad_record_mac alert, which the client reports */
    pair_move(sc, cc, 0);
    CHECK_EQ(gls_conn_error(cc), GLS_E_PEER_ALERT_BASE - 20);
    pair_free(cc, sc, s, c);
}

TEST(untrusted_server_fails_closed)
{
    gls_config *s = gls_config_new();
    gls_config *c = gls_config_new();
    gls_conn *cc, *sc;
    CHECK_OK(gls_config_add_generated_cert(s, names, 2, 1, NULL));
    pair_run(s, c, &cc, &sc, 0); /* the client has no trust store at all */
    CHECK_EQ(gls_conn_error(cc), GLS_E_CERT_NO_TRUST);
    CHECK_EQ(gls_conn_error(sc), GLS_E_PEER_ALERT_BASE - 48);
    pair_free(cc, sc, s, c);
}

TEST(config_frozen_once_used)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    static const uint16_t g[] = {0x001d};
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_ERR(gls_config_set_groups(c, g, 1), GLS_E_CONFIG_FROZEN);
    pair_free(cc, sc, s, c);
}

TEST(resumption_with_ticket)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(!info.resumed);
    CHECK_OK(pair_exchange(sc, cc, "ticket delivered with this")); /* NST rides before it */
    gls_conn_free(cc);
    gls_conn_free(sc);

    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(info.resumed);
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK(info.resumed);
    CHECK_EQ(info.peer_certs, 0);
    CHECK_OK(pair_exchange(cc, sc, "resumed data"));
    gls_conn_free(cc);
    gls_conn_free(sc);

    /* tickets are used once: of two clients started together, only one resumes */
    gls_conn *c1 = gls_client_new(c, "localhost");
    gls_conn *c2 = gls_client_new(c, "localhost");
    gls_conn *s1 = gls_server_new(s);
    gls_conn *s2 = gls_server_new(s);
    CHECK_OK(pair_handshake(c1, s1, 0));
    CHECK_OK(pair_handshake(c2, s2, 0));
    CHECK_OK(gls_conn_get_info(c1, &info));
    CHECK(info.resumed);
    CHECK_OK(gls_conn_get_info(c2, &info));
    CHECK(!info.resumed);
    gls_conn_free(c1);
    gls_conn_free(c2);
    pair_free(s1, s2, s, c);
}

TEST(resumption_after_hrr)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    static const uint16_t cgroups[] = {0x001d, 0x0017};
    static const uint16_t sgroups[] = {0x0017};
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_groups(c, cgroups, 2));
    CHECK_OK(gls_config_set_groups(s, sgroups, 1));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(pair_exchange(sc, cc, "ticket"));
    gls_conn_free(cc);
    gls_conn_free(sc);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(info.resumed);
    CHECK_EQ(info.group, 0x0017);
    pair_free(cc, sc, s, c);
}

TEST(foreign_ticket_falls_back_to_full_handshake)
{
    gls_config *s, *s2, *c, *c2;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    make_pair(&s2, &c2, 1);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(pair_exchange(sc, cc, "ticket"));
    gls_conn_free(cc);
    gls_conn_free(sc);
    CHECK_OK(pair_run(s2, c, &cc, &sc, 0)); /* another server cannot open it */
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(!info.resumed);
    pair_free(cc, sc, s, s2);
    gls_config_free(c);
    gls_config_free(c2);
}

/* Walks the records in a connection's pending output; returns the largest
 * fragment length, or -1 on a malformed stream. */
static long largest_record(const gls_conn *c)
{
    size_t len = 0;
    const uint8_t *p = gls_conn_net_out(c, &len);
    long max = 0;
    while (len >= 5) {
        size_t frag = (size_t)p[3] << 8 | p[4];
        if (len < 5 + frag) {
            return -1;
        }
        max = (long)frag > max ? (long)frag : max;
        p += 5 + frag;
        len -= 5 + frag;
    }
    return len == 0 ? max : -1;
}

TEST(record_size_limit_is_honoured)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    static uint8_t big[3000];
    size_t put = 0;
    size_t got = 0;
    static uint8_t back[3000];
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_record_size_limit(s, 100));
    CHECK_ERR(gls_config_set_record_size_limit(c, 63), GLS_E_INVALID_ARGUMENT);
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    memset(big, 'x', sizeof big);
    CHECK_OK(gls_conn_write(cc, big, sizeof big, &put));
    CHECK_EQ(put, sizeof big);
    /* 100 bytes of content + content type + 16-byte tag */
    CHECK_EQ(largest_record(cc), 100 + 1 + 16);
    pair_move(cc, sc, 0);
    size_t total = 0;
    while (total < sizeof back &&
           gls_conn_read(sc, back + total, sizeof back - total, &got) == GLS_OK) {
        total += got;
    }
    CHECK_EQ(total, sizeof big);
    CHECK(memcmp(back, big, sizeof big) == 0);
    /* the server was not limited by the client, which advertised the default */
    CHECK_OK(gls_conn_write(sc, big, sizeof big, &put));
    CHECK_EQ(largest_record(sc), sizeof big + 1 + 16);
    pair_free(cc, sc, s, c);
}

static int key_updates_seen;

static void count_key_updates(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    (void)arg;
    if (strncmp(line, "-> KeyUpdate", 12) == 0) {
        key_updates_seen++;
    }
}

TEST(automatic_key_update)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_key_update_interval(c, 5));
    CHECK_OK(gls_config_set_event_trace(c, count_key_updates, NULL));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    key_updates_seen = 0;
    for (int i = 0; i < 23; i++) {
        CHECK_OK(pair_exchange(cc, sc, "record"));
    }
    CHECK_EQ(key_updates_seen, 4); /* after records 5, 10, 15 and 20 (+1 for each update) */
    pair_free(cc, sc, s, c);
}

TEST(chain_length_limit)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_ERR(gls_config_set_max_chain(c, 0), GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_config_set_max_chain(c, 11), GLS_E_INVALID_ARGUMENT);
    CHECK_OK(gls_config_set_max_chain(c, 1));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0)); /* one certificate is within a limit of one */
    pair_free(cc, sc, s, c);
}

TEST(certificate_chosen_by_sigalgs_and_sni)
{
    gls_config *s = gls_config_new();
    gls_config *c1 = gls_config_new();
    gls_config *c2 = gls_config_new();
    gls_config *c3 = gls_config_new();
    gls_conn *cc, *sc;
    gls_conn_info info;
    static const char *const a[] = {"a.example"};
    static const char *const b[] = {"b.example"};
    static const uint16_t pss[] = {0x0804};
    static const uint16_t ecdsa[] = {0x0403};
    CHECK_OK(gls_config_add_generated_cert(s, a, 1, 0, NULL)); /* RSA for a.example */
    CHECK_OK(gls_config_add_generated_cert(s, b, 1, 1, NULL)); /* ECDSA for b.example */
    CHECK_OK(gls_config_danger_accept_any_cert(c1));
    CHECK_OK(gls_config_danger_accept_any_cert(c2));
    CHECK_OK(gls_config_danger_accept_any_cert(c3));
    CHECK_OK(gls_config_set_sigalgs(c1, pss, 1));
    CHECK_OK(gls_config_set_sigalgs(c2, ecdsa, 1));

    cc = gls_client_new(c1, "b.example"); /* SNI says ECDSA, the client can only do PSS */
    sc = gls_server_new(s);
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.sigalg, 0x0804);
    gls_conn_free(cc);
    gls_conn_free(sc);

    cc = gls_client_new(c2, "a.example"); /* SNI says RSA, the client can only do ECDSA */
    sc = gls_server_new(s);
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.sigalg, 0x0403);
    gls_conn_free(cc);
    gls_conn_free(sc);

    cc = gls_client_new(c3, "b.example"); /* both possible: SNI decides */
    sc = gls_server_new(s);
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.sigalg, 0x0403);
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK(info.server_name != NULL && strcmp(info.server_name, "b.example") == 0);
    gls_conn_free(cc);
    gls_conn_free(sc);

    /* the server remembers which certificates name the last SNI: another name, then the
     * first again, each still picks its own certificate */
    static const char *const order[] = {"a.example", "a.example", "b.example", "a.example"};
    static const uint16_t want[] = {0x0804, 0x0804, 0x0403, 0x0804};
    gls_config *c4 = gls_config_new();
    CHECK_OK(gls_config_danger_accept_any_cert(c4));
    CHECK_OK(gls_config_set_resumption(c4, 0, 7200)); /* a full handshake each time */
    for (size_t i = 0; i < 4; i++) {
        cc = gls_client_new(c4, order[i]);
        sc = gls_server_new(s);
        CHECK_OK(pair_handshake(cc, sc, 0));
        CHECK_OK(gls_conn_get_info(cc, &info));
        CHECK_EQ(info.sigalg, want[i]);
        gls_conn_free(cc);
        gls_conn_free(sc);
    }
    cc = gls_client_new(c4, "c.example"); /* no certificate names it: any that can sign */
    sc = gls_server_new(s);
    CHECK_OK(pair_handshake(cc, sc, 0));
    gls_config_free(c4);
    pair_free(cc, sc, s, c1);
    gls_config_free(c2);
    gls_config_free(c3);
}

/* Empty application-data records, sealed with the client's real keys through
 * the internal send path (the public write never sends an empty record). */
TEST(too_many_empty_records)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_max_idle_records(s, 3));
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    /* the client's compatibility CCS counted, and no handshake message resets the count */
    CHECK_OK(pair_exchange(cc, sc, "data resets it"));
    for (int i = 0; i < 3; i++) {
        CHECK_OK(gls_hs_send(cc, GLS_CT_APPLICATION_DATA, NULL, 0));
    }
    pair_move(cc, sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_OK); /* three are tolerated */
    CHECK_OK(pair_exchange(cc, sc, "real data resets the count"));
    for (int i = 0; i < 4; i++) {
        CHECK_OK(gls_hs_send(cc, GLS_CT_APPLICATION_DATA, NULL, 0));
    }
    pair_move(cc, sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_E_UNEXPECTED_MESSAGE);
    pair_free(cc, sc, s, c);
}

static int64_t client_now = 1800000000;

static int64_t fixed_server_clock(void *arg)
{
    (void)arg;
    return 1800000000;
}

static int64_t moving_client_clock(void *arg)
{
    (void)arg;
    return client_now;
}

/* RFC 8446 §4.2.11.1: the server checks the ticket age the client reports. */
TEST(ticket_age_must_match)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(gls_config_set_clock(s, fixed_server_clock, NULL));
    CHECK_OK(gls_config_set_clock(c, moving_client_clock, NULL));
    client_now = 1800000000;
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(pair_exchange(sc, cc, "ticket"));
    gls_conn_free(cc);
    gls_conn_free(sc);
    client_now += 30; /* within the tolerated skew: resumed (and a new ticket comes) */
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK(info.resumed);
    CHECK_OK(pair_exchange(sc, cc, "ticket"));
    gls_conn_free(cc);
    gls_conn_free(sc);
    client_now += 600; /* the client claims ten minutes passed; the server saw none */
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK(!info.resumed);
    pair_free(cc, sc, s, c);
}
