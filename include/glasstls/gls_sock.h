/* glasstls/gls_sock.h — an optional socket helper built only on gls.h. It
 * moves bytes between a gls_conn and a file descriptor, blocking or not: on a
 * non-blocking descriptor, EAGAIN comes back as GLS_E_WANT_READ or
 * GLS_E_WANT_WRITE, to be retried when the descriptor is ready. */
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
/* Drives the handshake to completion (or to a want/error). */
int gls_sock_handshake(gls_conn *c, int fd);
/* Reads plaintext; GLS_E_CLOSED after the peer's close_notify. */
int gls_sock_read(gls_conn *c, int fd, void *buf, size_t cap, size_t *got);
/* Writes all of buf (blocking) or as much as possible (non-blocking). */
int gls_sock_write(gls_conn *c, int fd, const void *buf, size_t len, size_t *put);
/* Sends close_notify and flushes it. */
int gls_sock_close(gls_conn *c, int fd);

#if defined(__GNUC__) && !defined(GLS_NO_VISIBILITY)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
