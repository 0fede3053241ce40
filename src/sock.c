/* sock.c — the blocking/non-blocking socket helper (gls_sock.h), using only
 * the public sans-I/O API. Output is always flushed before input is read, so
 * flights and alerts reach the peer before we wait on it. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "glasstls/gls_sock.h"

/* see gls_sock.h */
int gls_sock_flush(gls_conn *c, int fd)
{
    for (;;) {
        size_t n = 0;
        const uint8_t *out = gls_conn_net_out(c, &n);
        if (n == 0) {
            return GLS_OK;
        }
        ssize_t k = send(fd, out, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return GLS_E_WANT_WRITE;
        }
        if (k <= 0) {
            return GLS_E_IO;
        }
        gls_conn_net_out_done(c, (size_t)k);
    }
}

/* Reads once from fd into the connection. */
static int fill(gls_conn *c, int fd)
{
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(c, &room);
    if (room == 0) {
        return GLS_OK;
    }
    for (;;) {
        ssize_t k = recv(fd, in, room, 0);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return GLS_E_WANT_READ;
        }
        if (k < 0) {
            return GLS_E_IO;
        }
        return gls_conn_net_in_done(c, (size_t)k);
    }
}

/* see gls_sock.h */
int gls_sock_handshake(gls_conn *c, int fd)
{
    for (;;) {
        int err = gls_sock_flush(c, fd);
        if (err != GLS_OK) {
            return err;
        }
        if (gls_conn_error(c) != GLS_OK) {
            return gls_conn_error(c); /* the alert, if any, has been sent */
        }
        if (gls_conn_handshake_done(c)) {
            return GLS_OK;
        }
        err = fill(c, fd);
        if (err == GLS_E_WANT_READ || err == GLS_E_IO) {
            return err;
        }
    }
}

/* see gls_sock.h */
int gls_sock_read(gls_conn *c, int fd, void *buf, size_t cap, size_t *got)
{
    for (;;) {
        int err = gls_conn_read(c, buf, cap, got);
        int flushed = gls_sock_flush(c, fd); /* e.g. a KeyUpdate answer */
        if (err != GLS_E_WANT_READ) {
            return err;
        }
        if (flushed != GLS_OK && flushed != GLS_E_WANT_WRITE) {
            return flushed;
        }
        err = fill(c, fd);
        if (err != GLS_OK) {
            if (err == GLS_E_WANT_READ || err == GLS_E_IO) {
                return err;
            }
            (void)gls_sock_flush(c, fd); /* send our alert */
            return err;
        }
    }
}

/* see gls_sock.h */
int gls_sock_write(gls_conn *c, int fd, const void *buf, size_t len, size_t *put)
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
        err = gls_sock_flush(c, fd);
        if (err != GLS_OK) {
            return err;
        }
    }
    return GLS_OK;
}

/* see gls_sock.h */
int gls_sock_close(gls_conn *c, int fd)
{
    int err = gls_conn_close(c);
    int flushed = gls_sock_flush(c, fd);
    return err != GLS_OK ? err : flushed;
}
