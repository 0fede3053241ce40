/* hs/bufpool.h — record buffers shared by the connections of one config. A
 * connection takes a buffer when bytes arrive or records are sealed and gives
 * it back as soon as it is empty, so an idle connection holds none, and in
 * steady state the record path reuses buffers instead of allocating. The pool
 * is the config's second internally locked object (with the session caches). */
#ifndef GLS_HS_BUFPOOL_H
#define GLS_HS_BUFPOOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/wire.h"

/* One record buffer: a header and the largest TLS 1.2 ciphertext (which also
 * holds any sealed 2^14-byte record of either version). */
#define GLS_REC_BUF  (GLS_RECORD_HEADER + GLS_MAX_CIPHERTEXT12)
#define GLS_POOL_MAX 64 /* free buffers kept; more are returned to the allocator */

struct gls_buf_pool {
    /* the buffer given back last, taken and returned with one atomic exchange (the
     * steady state of a connection: one buffer out and back per record) */
    _Atomic(uint8_t *) hot;
    pthread_mutex_t lock; /* the rest */
    uint8_t *free[GLS_POOL_MAX];
    size_t n;
};

GLS_MUST_CHECK int gls_pool_init(struct gls_buf_pool *p);
/* Frees every pooled buffer. */
void gls_pool_free(struct gls_buf_pool *p);
/* A GLS_REC_BUF-byte buffer (from the pool, or newly allocated); NULL if out of memory. */
uint8_t *gls_pool_get(struct gls_buf_pool *p);
/* Gives buf back. Its contents are not secret: records are opened in place and
 * read plaintext is wiped by gls_conn_read. */
void gls_pool_put(struct gls_buf_pool *p, uint8_t *buf);

#endif
