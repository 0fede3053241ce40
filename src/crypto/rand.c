/* crypto/rand.c — the system CSPRNG and the one way glasstls draws random
 * bytes: through a gls_rng, which a config may replace for tests and explain.
 *
 * Small draws (randoms, session ids, nonces: a few per handshake) come from a
 * per-thread pool that RAND_bytes refills POOL bytes at a time. Each RAND_bytes
 * call costs a getpid() system call in libcrypto 3.0 (its fork check) besides
 * the DRBG's own setup, which made up a tenth of a TLS 1.2 resumption's time.
 * The pool is fork-safe (a pthread_atfork child handler makes every pool stale),
 * bytes handed out are wiped from it at once, and a thread's pool is wiped when
 * the thread ends. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/internal.h"

#define POOL      512 /* bytes fetched from libcrypto at a time */
#define POOL_DRAW 64  /* larger draws go to RAND_bytes directly */

struct pool {
    uint8_t b[POOL];
    size_t left; /* unused bytes at the end of b */
    unsigned generation;
};

static _Thread_local struct pool tpool;
static atomic_uint generation = 1; /* bumped in a forked child: every pool is stale */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static bool exit_key_ok;

static void after_fork_child(void)
{
    atomic_fetch_add(&generation, 1);
}

static void wipe_at_exit(void *p)
{
    struct pool *pl = p;
    OPENSSL_cleanse(pl->b, sizeof pl->b);
    pl->left = 0;
}

static void setup(void)
{
    (void)pthread_atfork(NULL, NULL, after_fork_child);
    exit_key_ok = pthread_key_create(&exit_key, wipe_at_exit) == 0;
}

static int rand_direct(uint8_t *out, size_t len)
{
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
int gls_rand_system(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    struct pool *pl = &tpool;
    if (len > POOL_DRAW || pthread_once(&once, setup) != 0 || !exit_key_ok) {
        return rand_direct(out, len);
    }
    unsigned gen = atomic_load(&generation);
    if (pl->generation != gen || pl->left < len) {
        OPENSSL_cleanse(pl->b, sizeof pl->b);
        pl->left = 0;
        if (rand_direct(pl->b, sizeof pl->b) != GLS_OK) {
            return GLS_E_RNG;
        }
        if (pthread_getspecific(exit_key) == NULL && pthread_setspecific(exit_key, pl) != 0) {
            OPENSSL_cleanse(pl->b, sizeof pl->b);
            return rand_direct(out, len);
        }
        pl->left = sizeof pl->b;
        pl->generation = gen;
    }
    uint8_t *p = pl->b + sizeof pl->b - pl->left;
    memcpy(out, p, len);
    OPENSSL_cleanse(p, len); /* nothing handed out stays behind */
    pl->left -= len;
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
