/* The socket helper over a socketpair: blocking-free handshake with
 * non-blocking descriptors (GLS_E_WANT_READ until the peer answers), data both
 * ways, close_notify, and an I/O error on a closed descriptor. */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "glasstls/gls_sock.h"
#include "harness.h"

static const char *const names[] = {"localhost"};

TEST(nonblocking_handshake_and_data)
{
    int sv[2];
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    CHECK_OK(gls_config_add_generated_cert(scfg, names, 1, 1, NULL));
    CHECK_OK(gls_config_danger_accept_any_cert(ccfg));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    gls_conn *c = gls_client_new(ccfg, "localhost");
    gls_conn *s = gls_server_new(scfg);
    int ce = GLS_E_WANT_READ;
    int se = GLS_E_WANT_READ;
    int rounds = 0;
    int first_server = gls_sock_handshake(s, sv[1]); /* nothing sent yet */
    CHECK_EQ(first_server, GLS_E_WANT_READ);
    while ((ce != GLS_OK || se != GLS_OK) && rounds++ < 100) {
        if (ce != GLS_OK) {
            ce = gls_sock_handshake(c, sv[0]);
            CHECK(ce == GLS_OK || ce == GLS_E_WANT_READ);
        }
        if (se != GLS_OK) {
            se = gls_sock_handshake(s, sv[1]);
            CHECK(se == GLS_OK || se == GLS_E_WANT_READ);
        }
    }
    CHECK_OK(ce);
    CHECK_OK(se);
    size_t put = 0;
    size_t got = 0;
    char buf[64];
    CHECK_OK(gls_sock_write(c, sv[0], "over a socket", 13, &put));
    CHECK_EQ(put, 13);
    int err = GLS_E_WANT_READ;
    for (int i = 0; i < 100 && err == GLS_E_WANT_READ; i++) {
        err = gls_sock_read(s, sv[1], buf, sizeof buf, &got);
    }
    CHECK_OK(err);
    CHECK_EQ(got, 13);
    CHECK(memcmp(buf, "over a socket", 13) == 0);
    CHECK_OK(gls_sock_close(c, sv[0]));
    err = GLS_E_WANT_READ;
    for (int i = 0; i < 100 && err == GLS_E_WANT_READ; i++) {
        err = gls_sock_read(s, sv[1], buf, sizeof buf, &got);
    }
    CHECK_ERR(err, GLS_E_CLOSED);
    close(sv[0]);
    close(sv[1]);
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(scfg);
    gls_config_free(ccfg);
}

TEST(peer_gone_is_an_io_error)
{
    int sv[2];
    gls_config *ccfg = gls_config_new();
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    close(sv[1]);
    gls_conn *c = gls_client_new(ccfg, "localhost");
    int err = gls_sock_handshake(c, sv[0]);
    CHECK(err == GLS_E_IO || err == GLS_E_UNEXPECTED_EOF);
    close(sv[0]);
    gls_conn_free(c);
    gls_config_free(ccfg);
}
