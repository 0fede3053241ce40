/* crypto/rand.c — the system CSPRNG and the one way glasstls draws random
 * bytes: through a gls_rng, which a config may replace for tests and explain. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

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
        return gls_rand(b->src, out, len); /* a hook: each value drawn as before */
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
