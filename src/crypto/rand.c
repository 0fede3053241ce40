/* crypto/rand.c — the system CSPRNG and the one way glasstls draws random
 * bytes: through a gls_rng, which a config may replace for tests and explain. */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/rand.h>

#include "crypto/internal.h"

/* see crypto.h */
int gls_rand_system(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    while (len > 0) {
        int n = len > INT_MAX ? INT_MAX : (int)len;
        if (RAND_bytes(out, n) != 1) {
            return GLS_E_RNG;
        }
        out += n;
        len -= (size_t)n;
    }
    return GLS_OK;
}

/* see crypto.h */
int gls_rand(const gls_rng *rng, uint8_t *out, size_t len)
{
    if (rng == NULL || rng->fn == NULL) {
        return gls_rand_system(NULL, out, len);
    }
    return rng->fn(rng->arg, out, len) == GLS_OK ? GLS_OK : GLS_E_RNG;
}

static bool is_system(const gls_rng *rng)
{
    return rng == NULL || rng->fn == NULL || rng->fn == gls_rand_system;
}

/* The gls_rng_fn of a batch (see crypto.h). */
static int batch_draw(void *arg, uint8_t *out, size_t len)
{
    gls_rand_batch *b = arg;
    if (!is_system(b->src)) {
        return gls_rand(b->src, out, len); /* a hook or a pool: each value as before */
    }
    if (len > b->len - b->pos) {
        if (len >= GLS_RAND_BATCH / 2) { /* large (an RSA padding string): no refill */
            b->fills++;
            return gls_rand_system(NULL, out, len);
        }
        OPENSSL_cleanse(b->buf, sizeof b->buf);
        b->pos = 0;
        b->len = 0;
        TRY(gls_rand_system(NULL, b->buf, sizeof b->buf));
        b->fills++;
        b->len = sizeof b->buf;
    }
    memcpy(out, b->buf + b->pos, len);
    OPENSSL_cleanse(b->buf + b->pos, len); /* a byte handed out is not kept */
    b->pos += len;
    return GLS_OK;
}

/* see crypto.h */
void gls_rand_batch_init(gls_rand_batch *b, const gls_rng *src)
{
    memset(b, 0, sizeof *b);
    b->src = src;
    b->rng.fn = batch_draw;
    b->rng.arg = b;
}

/* see crypto.h */
void gls_rand_batch_wipe(gls_rand_batch *b)
{
    OPENSSL_cleanse(b->buf, sizeof b->buf);
    b->pos = 0;
    b->len = 0;
}

/* ---- a config's pool (see crypto.h) ---- */

#define POOL_PAGE 4096

/* The page marked MADV_WIPEONFORK: all zero in a child, which is an empty pool. */
struct pool_page {
    uint64_t fills; /* RAND_bytes calls that filled buf (tests) */
    size_t pos;     /* buf[pos..len) not yet handed out */
    size_t len;
    uint8_t buf[GLS_RAND_POOL_BYTES];
};
_Static_assert(sizeof(struct pool_page) <= POOL_PAGE, "the pool fits its page");

struct gls_rand_pool {
    pthread_mutex_t lock;
    struct pool_page *page;
};

/* see crypto.h */
gls_rand_pool *gls_rand_pool_new(void)
{
#ifdef MADV_WIPEONFORK
    gls_rand_pool *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return NULL;
    }
    void *page = mmap(NULL, POOL_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        free(p);
        return NULL;
    }
    /* Without the wipe a child would deal out its parent's bytes: no pool then. */
    if (madvise(page, POOL_PAGE, MADV_WIPEONFORK) != 0 || pthread_mutex_init(&p->lock, NULL) != 0) {
        munmap(page, POOL_PAGE);
        free(p);
        return NULL;
    }
    p->page = page;
    return p;
#else
    return NULL;
#endif
}

/* see crypto.h */
void gls_rand_pool_free(gls_rand_pool *p)
{
    if (p == NULL) {
        return;
    }
    OPENSSL_cleanse(p->page, POOL_PAGE);
    munmap(p->page, POOL_PAGE);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* see crypto.h */
int gls_rand_pool_draw(void *arg, uint8_t *out, size_t len)
{
    gls_rand_pool *p = arg;
    if (len > GLS_RAND_POOL_MAX_DRAW) {
        return gls_rand_system(NULL, out, len);
    }
    int err = GLS_OK;
    pthread_mutex_lock(&p->lock);
    struct pool_page *pg = p->page;
    if (len > pg->len - pg->pos) {
        OPENSSL_cleanse(pg->buf, sizeof pg->buf);
        pg->pos = 0;
        pg->len = 0;
        err = gls_rand_system(NULL, pg->buf, sizeof pg->buf);
        if (err == GLS_OK) {
            pg->fills++;
            pg->len = sizeof pg->buf;
        }
    }
    if (err == GLS_OK) {
        memcpy(out, pg->buf + pg->pos, len);
        OPENSSL_cleanse(pg->buf + pg->pos, len); /* a byte handed out is not kept */
        pg->pos += len;
    }
    pthread_mutex_unlock(&p->lock);
    return err;
}

/* see crypto.h */
void gls_rand_pool_stats(gls_rand_pool *p, uint64_t *fills, size_t *left)
{
    pthread_mutex_lock(&p->lock);
    *fills = p->page->fills;
    *left = p->page->len - p->page->pos;
    pthread_mutex_unlock(&p->lock);
}
