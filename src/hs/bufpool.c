/* hs/bufpool.c — the per-config pool of record buffers (see bufpool.h). */
#include "hs/bufpool.h"

#include <stdlib.h>

#include "glasstls/gls.h"

/* see bufpool.h */
int gls_pool_init(struct gls_buf_pool *p)
{
    p->n = 0;
    return pthread_mutex_init(&p->lock, NULL) == 0 ? GLS_OK : GLS_E_NO_MEMORY;
}

/* see bufpool.h */
void gls_pool_free(struct gls_buf_pool *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->free[i]);
    }
    p->n = 0;
    pthread_mutex_destroy(&p->lock);
}

/* see bufpool.h */
uint8_t *gls_pool_get(struct gls_buf_pool *p)
{
    uint8_t *buf = NULL;
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
    if (buf == NULL) {
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
