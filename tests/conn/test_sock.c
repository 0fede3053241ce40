/* The socket helper over a socketpair: blocking-free handshake with
 * non-blocking descriptors (GLS_E_WANT_READ until the peer answers), data both
 * ways, close_notify, an I/O error on a closed descriptor, and the *_timeout
 * forms: a silent peer, a peer that drips bytes, a peer that never reads. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "glasstls/gls_sock.h"
#include "harness.h"

static void pair_free_all(gls_conn *c, gls_conn *s, gls_config *ccfg, gls_config *scfg)
{
    gls_conn_free(c);
    gls_conn_free(s);
    gls_config_free(ccfg);
    gls_config_free(scfg);
}

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

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

TEST(handshake_timeout_with_a_silent_peer)
{
    int sv[2];
    struct timespec t0;
    gls_config *scfg = gls_config_new();
    CHECK_OK(gls_config_add_generated_cert(scfg, names, 1, 1, NULL));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0); /* blocking */
    gls_conn *s = gls_server_new(scfg);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(gls_sock_handshake_timeout(s, sv[1], 200), GLS_E_TIMEOUT);
    long ms = elapsed_ms(&t0);
    CHECK(ms >= 190 && ms < 1000);
    CHECK_EQ(gls_conn_error(s), GLS_OK); /* a timeout is the caller's to act on */
    CHECK_ERR(gls_sock_handshake_timeout(s, sv[1], 0), GLS_E_TIMEOUT);
    close(sv[0]);
    close(sv[1]);
    gls_conn_free(s);
    gls_config_free(scfg);
}

struct drip {
    int fd;
    int count;
};

/* The start of a ClientHello record, one byte every 40 ms. */
static void *drip_bytes(void *p)
{
    const struct drip *d = p;
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03,
                                    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    for (int i = 0; i < d->count && i < (int)sizeof hello; i++) {
        if (send(d->fd, hello + i, 1, MSG_NOSIGNAL) != 1) {
            break;
        }
        usleep(40000);
    }
    return NULL;
}

TEST(handshake_timeout_bounds_a_dripping_peer)
{
    int sv[2];
    struct timespec t0;
    pthread_t t;
    gls_config *scfg = gls_config_new();
    CHECK_OK(gls_config_add_generated_cert(scfg, names, 1, 1, NULL));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct drip d = {sv[0], 20}; /* 20 bytes over 800 ms, never a whole hello */
    gls_conn *s = gls_server_new(scfg);
    CHECK(pthread_create(&t, NULL, drip_bytes, &d) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(gls_sock_handshake_timeout(s, sv[1], 300), GLS_E_TIMEOUT);
    long ms = elapsed_ms(&t0);
    CHECK(ms >= 290 && ms < 700); /* the deadline holds for the whole call */
    pthread_join(t, NULL);
    close(sv[0]);
    close(sv[1]);
    gls_conn_free(s);
    gls_config_free(scfg);
}

/* A handshake over a socketpair whose ends are then made blocking again. */
static void connected_pair(int sv[2], gls_config *scfg, gls_config *ccfg, gls_conn **c,
                           gls_conn **s)
{
    CHECK_OK(gls_config_add_generated_cert(scfg, names, 1, 1, NULL));
    CHECK_OK(gls_config_danger_accept_any_cert(ccfg));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    *c = gls_client_new(ccfg, "localhost");
    *s = gls_server_new(scfg);
    int ce = GLS_E_WANT_READ;
    int se = GLS_E_WANT_READ;
    for (int i = 0; i < 100 && (ce != GLS_OK || se != GLS_OK); i++) {
        ce = ce == GLS_OK ? ce : gls_sock_handshake(*c, sv[0]);
        se = se == GLS_OK ? se : gls_sock_handshake(*s, sv[1]);
    }
    CHECK_OK(ce);
    CHECK_OK(se);
    fcntl(sv[0], F_SETFL, 0);
    fcntl(sv[1], F_SETFL, 0);
}

TEST(read_timeout_then_data_still_flows)
{
    int sv[2];
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    gls_conn *c = NULL;
    gls_conn *s = NULL;
    char buf[64];
    size_t got = 0;
    size_t put = 0;
    connected_pair(sv, scfg, ccfg, &c, &s);
    /* the server's tickets (TLS 1.3) may be waiting: read until only silence is left */
    CHECK_ERR(gls_sock_read_timeout(c, sv[0], buf, sizeof buf, &got, 100), GLS_E_TIMEOUT);
    CHECK_ERR(gls_sock_read_timeout(s, sv[1], buf, sizeof buf, &got, 100), GLS_E_TIMEOUT);
    CHECK_OK(gls_sock_write_timeout(c, sv[0], "late", 4, &put, 1000));
    CHECK_EQ(put, 4);
    CHECK_OK(gls_sock_read_timeout(s, sv[1], buf, sizeof buf, &got, 1000));
    CHECK_EQ(got, 4);
    CHECK(memcmp(buf, "late", 4) == 0);
    CHECK_OK(gls_sock_close_timeout(c, sv[0], 1000));
    CHECK_ERR(gls_sock_read_timeout(s, sv[1], buf, sizeof buf, &got, 1000), GLS_E_CLOSED);
    close(sv[0]);
    close(sv[1]);
    pair_free_all(c, s, ccfg, scfg);
}

TEST(write_timeout_when_the_peer_never_reads)
{
    int sv[2];
    gls_config *scfg = gls_config_new();
    gls_config *ccfg = gls_config_new();
    gls_conn *c = NULL;
    gls_conn *s = NULL;
    static uint8_t big[1 << 20];
    size_t put = 0;
    struct timespec t0;
    connected_pair(sv, scfg, ccfg, &c, &s);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(gls_sock_write_timeout(c, sv[0], big, sizeof big, &put, 200), GLS_E_TIMEOUT);
    CHECK(put < sizeof big);
    CHECK(elapsed_ms(&t0) < 1000);
    CHECK_ERR(gls_sock_flush_timeout(c, sv[0], 50), GLS_E_TIMEOUT);
    close(sv[0]);
    close(sv[1]);
    pair_free_all(c, s, ccfg, scfg);
}

TEST(negative_timeout_is_no_limit)
{
    int sv[2];
    gls_config *scfg = gls_config_new();
    CHECK_OK(gls_config_add_generated_cert(scfg, names, 1, 1, NULL));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    gls_conn *s = gls_server_new(scfg);
    CHECK_ERR(gls_sock_handshake_timeout(s, sv[1], -1), GLS_E_WANT_READ);
    close(sv[0]);
    close(sv[1]);
    gls_conn_free(s);
    gls_config_free(scfg);
}

/* A peer that sends close_notify (a plaintext alert record) instead of a ClientHello, then
 * either hangs up or keeps sending. The connection takes nothing after a close_notify, so
 * the handshake can never finish: the helper must say GLS_E_CLOSED at once. It used to spin
 * (fill returned GLS_OK without reading once the buffer was full, and EOF after close_notify
 * was GLS_OK too), at 100% CPU and past any deadline. Run in a child so that a spin fails the
 * test instead of hanging it. */
static int handshake_after_close_notify(bool hang_up, bool with_timeout, long *cpu_ms)
{
    static const uint8_t close_notify[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00};
    static uint8_t junk[64 * 1024];
    int sv[2];
    int res[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || pipe(res) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        gls_config *scfg = gls_config_new();
        int err = gls_config_add_generated_cert(scfg, names, 1, 1, NULL);
        gls_conn *s = gls_server_new(scfg);
        if (err == GLS_OK) {
            err = with_timeout ? gls_sock_handshake_timeout(s, sv[1], 3000)
                               : gls_sock_handshake(s, sv[1]);
        }
        if (write(res[1], &err, sizeof err) != sizeof err) {
            _exit(2);
        }
        _exit(0);
    }
    close(sv[1]);
    (void)send(sv[0], close_notify, sizeof close_notify, MSG_NOSIGNAL);
    if (hang_up) {
        close(sv[0]);
    } else {
        memset(junk, 0x17, sizeof junk);
        fcntl(sv[0], F_SETFL, O_NONBLOCK);
        (void)send(sv[0], junk, sizeof junk, MSG_NOSIGNAL); /* as much as the socket takes */
    }
    int err = 1;
    int status = 0;
    for (int i = 0; i < 100 && err == 1; i++) { /* 5 s at most */
        if (waitpid(pid, &status, WNOHANG) == pid) {
            err = read(res[0], &err, sizeof err) == sizeof err ? err : -2;
            break;
        }
        usleep(50000);
    }
    if (err == 1) { /* still running: spinning (or stuck) */
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    *cpu_ms = ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000;
    if (!hang_up) {
        close(sv[0]);
    }
    close(res[0]);
    close(res[1]);
    return err;
}

TEST(close_notify_inside_the_handshake_ends_it_without_spinning)
{
    long cpu_ms = 0;
    CHECK_ERR(handshake_after_close_notify(true, false, &cpu_ms), GLS_E_CLOSED);
    CHECK_ERR(handshake_after_close_notify(true, true, &cpu_ms), GLS_E_CLOSED);
    CHECK_ERR(handshake_after_close_notify(false, false, &cpu_ms), GLS_E_CLOSED);
    CHECK_ERR(handshake_after_close_notify(false, true, &cpu_ms), GLS_E_CLOSED);
    CHECK(cpu_ms < 2000); /* the children, all together: no busy loop */
}
