/* sock.c — the blocking/non-blocking socket helper (gls_sock.h), using only
 * the public sans-I/O API. Output is always flushed before input is read, so
 * flights and alerts reach the peer before we wait on it. The *_timeout forms
 * poll before every recv and send against one deadline for the whole call. */
#define _GNU_SOURCE /* clock_gettime under -std=c11 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "glasstls/gls_sock.h"

#define NO_DEADLINE (-1)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t deadline_after(int timeout_ms)
{
    return timeout_ms < 0 ? NO_DEADLINE : now_ms() + timeout_ms;
}

/* Waits until fd is ready for events or the deadline passes (GLS_E_TIMEOUT). Without a
 * deadline it returns at once: the recv or send that follows blocks, or says EAGAIN. */
static int wait_ready(int fd, short events, int64_t deadline)
{
    if (deadline == NO_DEADLINE) {
        return GLS_OK;
    }
    for (;;) {
        int64_t left = deadline - now_ms();
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, left > 0 ? (int)(left > 1000000 ? 1000000 : left) : 0);
        if (n > 0) {
            return GLS_OK; /* readable, writable, or an error/hangup the next call reports */
        }
        if (n < 0 && errno != EINTR) {
            return GLS_E_IO;
        }
        if (n == 0 && left <= 0) {
            return GLS_E_TIMEOUT;
        }
    }
}

static int flush_until(gls_conn *c, int fd, int64_t deadline)
{
    for (;;) {
        size_t n = 0;
        const uint8_t *out = gls_conn_net_out(c, &n);
        if (n == 0) {
            return GLS_OK;
        }
        int err = wait_ready(fd, POLLOUT, deadline);
        if (err != GLS_OK) {
            return err;
        }
        ssize_t k = send(fd, out, n, MSG_NOSIGNAL | (deadline != NO_DEADLINE ? MSG_DONTWAIT : 0));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (deadline != NO_DEADLINE) {
                continue; /* poll said writable but the room was taken: wait again */
            }
            return GLS_E_WANT_WRITE;
        }
        if (k <= 0) {
            return GLS_E_IO;
        }
        gls_conn_net_out_done(c, (size_t)k);
    }
}

/* Reads once from fd into the connection. Never GLS_OK without having read: once the peer
 * has closed (its close_notify came, even inside a handshake, and the connection takes
 * nothing after it) GLS_E_CLOSED, and with a full input buffer GLS_E_WANT_READ (the pending
 * plaintext must be read first), so that no caller loops on a connection that cannot move. */
static int fill(gls_conn *c, int fd, int64_t deadline)
{
    size_t room = 0;
    if ((gls_conn_wants(c) & GLS_CLOSED) != 0) {
        return gls_conn_error(c) != GLS_OK ? gls_conn_error(c) : GLS_E_CLOSED;
    }
    uint8_t *in = gls_conn_net_in(c, &room);
    if (room == 0) {
        return in == NULL ? GLS_E_NO_MEMORY : GLS_E_WANT_READ;
    }
    for (;;) {
        int err = wait_ready(fd, POLLIN, deadline);
        if (err != GLS_OK) {
            return err;
        }
        ssize_t k = recv(fd, in, room, deadline != NO_DEADLINE ? MSG_DONTWAIT : 0);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (deadline != NO_DEADLINE) {
                continue;
            }
            return GLS_E_WANT_READ;
        }
        if (k < 0) {
            return GLS_E_IO;
        }
        return gls_conn_net_in_done(c, (size_t)k);
    }
}

static int handshake_until(gls_conn *c, int fd, int64_t deadline)
{
    for (;;) {
        int err = flush_until(c, fd, deadline);
        if (err != GLS_OK) {
            return err;
        }
        if (gls_conn_error(c) != GLS_OK) {
            return gls_conn_error(c); /* the alert, if any, has been sent */
        }
        if (gls_conn_handshake_done(c)) {
            return GLS_OK;
        }
        err = fill(c, fd, deadline);
        if (err != GLS_OK && gls_conn_error(c) == GLS_OK) {
            return err; /* WANT_READ, IO, TIMEOUT, CLOSED: nothing more comes by looping */
        }
    }
}

static int read_until(gls_conn *c, int fd, void *buf, size_t cap, size_t *got, int64_t deadline)
{
    for (;;) {
        int err = gls_conn_read(c, buf, cap, got);
        int flushed = flush_until(c, fd, deadline); /* e.g. a KeyUpdate answer */
        if (err != GLS_E_WANT_READ) {
            return err;
        }
        if (flushed != GLS_OK && flushed != GLS_E_WANT_WRITE) {
            return flushed;
        }
        err = fill(c, fd, deadline);
        if (err != GLS_OK) {
            if (err == GLS_E_WANT_READ || err == GLS_E_IO || err == GLS_E_TIMEOUT) {
                return err;
            }
            (void)flush_until(c, fd, deadline); /* send our alert */
            return err;
        }
    }
}

static int write_until(gls_conn *c, int fd, const void *buf, size_t len, size_t *put,
                       int64_t deadline)
{
    const uint8_t *p = buf;
    *put = 0;
    while (*put < len) {
        size_t n = 0;
        int err = gls_conn_write(c, p + *put, len - *put, &n);
        if (err != GLS_OK && err != GLS_E_WANT_WRITE) {
            return err;
        }
        *put += n;
        err = flush_until(c, fd, deadline);
        if (err != GLS_OK) {
            return err;
        }
    }
    return GLS_OK;
}

/* see gls_sock.h */
int gls_sock_flush(gls_conn *c, int fd)
{
    return flush_until(c, fd, NO_DEADLINE);
}

/* see gls_sock.h */
int gls_sock_handshake(gls_conn *c, int fd)
{
    return handshake_until(c, fd, NO_DEADLINE);
}

/* see gls_sock.h */
int gls_sock_read(gls_conn *c, int fd, void *buf, size_t cap, size_t *got)
{
    return read_until(c, fd, buf, cap, got, NO_DEADLINE);
}

/* see gls_sock.h */
int gls_sock_write(gls_conn *c, int fd, const void *buf, size_t len, size_t *put)
{
    return write_until(c, fd, buf, len, put, NO_DEADLINE);
}

/* see gls_sock.h */
int gls_sock_close(gls_conn *c, int fd)
{
    int err = gls_conn_close(c);
    int flushed = flush_until(c, fd, NO_DEADLINE);
    return err != GLS_OK ? err : flushed;
}

/* see gls_sock.h */
int gls_sock_flush_timeout(gls_conn *c, int fd, int timeout_ms)
{
    return flush_until(c, fd, deadline_after(timeout_ms));
}

/* see gls_sock.h */
int gls_sock_handshake_timeout(gls_conn *c, int fd, int timeout_ms)
{
    return handshake_until(c, fd, deadline_after(timeout_ms));
}

/* see gls_sock.h */
int gls_sock_read_timeout(gls_conn *c, int fd, void *buf, size_t cap, size_t *got, int timeout_ms)
{
    return read_until(c, fd, buf, cap, got, deadline_after(timeout_ms));
}

/* see gls_sock.h */
int gls_sock_write_timeout(gls_conn *c, int fd, const void *buf, size_t len, size_t *put,
                           int timeout_ms)
{
    return write_until(c, fd, buf, len, put, deadline_after(timeout_ms));
}

/* see gls_sock.h */
int gls_sock_close_timeout(gls_conn *c, int fd, int timeout_ms)
{
    int err = gls_conn_close(c);
    int flushed = flush_until(c, fd, deadline_after(timeout_ms));
    return err != GLS_OK ? err : flushed;
}
