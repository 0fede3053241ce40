/* glasstls/gls_sock.h — an optional socket helper built only on gls.h. It
 * moves bytes between a gls_conn and a file descriptor, blocking or not: on a
 * non-blocking descriptor, EAGAIN comes back as GLS_E_WANT_READ or
 * GLS_E_WANT_WRITE, to be retried when the descriptor is ready.
 *
 * A blocking call without a time limit waits as long as the peer wants: a peer
 * that stops sending (or sends a byte a second) holds it for ever. Programs that
 * face untrusted peers use the *_timeout forms: each bounds the whole call, not
 * each read, and returns GLS_E_TIMEOUT once timeout_ms milliseconds have passed
 * (the connection stays usable; the caller decides to retry or close). They wait
 * with poll(2), so they work on blocking and non-blocking descriptors alike and
 * never return GLS_E_WANT_READ or GLS_E_WANT_WRITE. A negative timeout_ms means no
 * limit (the call behaves as its form without _timeout). */
#ifndef GLASSTLS_GLS_SOCK_H
#define GLASSTLS_GLS_SOCK_H

#include "glasstls/gls.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(GLS_NO_VISIBILITY)
#pragma GCC visibility push(default)
#endif

/* Sends all pending output. */
int gls_sock_flush(gls_conn *c, int fd);
/* Drives the handshake to completion (or to a want/error); GLS_E_CLOSED if the peer
 * sent close_notify before it completed (it never will). */
int gls_sock_handshake(gls_conn *c, int fd);
/* Reads plaintext; GLS_E_CLOSED after the peer's close_notify. */
int gls_sock_read(gls_conn *c, int fd, void *buf, size_t cap, size_t *got);
/* Writes all of buf (blocking) or as much as possible (non-blocking). */
int gls_sock_write(gls_conn *c, int fd, const void *buf, size_t len, size_t *put);
/* Sends close_notify and flushes it. */
int gls_sock_close(gls_conn *c, int fd);

/* The same, each finished within timeout_ms or GLS_E_TIMEOUT (see above). */
int gls_sock_flush_timeout(gls_conn *c, int fd, int timeout_ms);
int gls_sock_handshake_timeout(gls_conn *c, int fd, int timeout_ms);
int gls_sock_read_timeout(gls_conn *c, int fd, void *buf, size_t cap, size_t *got, int timeout_ms);
int gls_sock_write_timeout(gls_conn *c, int fd, const void *buf, size_t len, size_t *put,
                           int timeout_ms);
int gls_sock_close_timeout(gls_conn *c, int fd, int timeout_ms);

#if defined(__GNUC__) && !defined(GLS_NO_VISIBILITY)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
