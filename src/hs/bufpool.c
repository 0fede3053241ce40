/* hs/bufpool.c — the per-config pool of record buffers (see bufpool.h). */
#include "hs/bufpool.h"

#include <stdlib.h>

#include "glasstls/gls.h"

/* see bufpool.h */
int gls_pool_init(struct gls_buf_pool *p)
{
    p->n = 0;
    atomic_init(&p->hot, NULL);
    return pthread_mutex_init(&p->lock, NULL) == 0 ? GLS_OK : GLS_E_NO_MEMORY;
}

/* see bufpool.h */
void gls_pool_free(struct gls_buf_pool *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->free[i]);
    }
    free(atomic_exchange(&p->hot, NULL));
    p->n = 0;
    pthread_mutex_destroy(&p->lock);
}

/* see bufpool.h */
uint8_t *gls_pool_get(struct gls_buf_pool *p)
{
    uint8_t *buf = atomic_exchange_explicit(&p->hot, NULL, memory_order_acquire);
    if (buf != NULL) {
        return buf;
    }
    pthread_mutex_lock(&p->lock);
    if (p->n > 0) {
        buf = p->free[--p->n];
    }
    pthread_mutex_unlock(&p->lock);
    return buf != NULL ? buf : malloc(GLS_REC_BUF);
}

/* see bufpool.h */
void gls_pool_put(struct gls_buf_pool *p, uint8_t *buf)
{
    uint8_t *empty = NULL;
    if (buf == NULL || atomic_compare_exchange_strong_explicit(
                           &p->hot, &empty, buf, memory_order_release, memory_order_relaxed)) {
        return;
    }
    pthread_mutex_lock(&p->lock);
    if (p->n < GLS_POOL_MAX) {
        p->free[p->n++] = buf;
        buf = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    free(buf);
}
