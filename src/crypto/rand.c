/* crypto/rand.c — the system CSPRNG and the one way glasstls draws random
 * bytes: through a gls_rng, which a config may replace for tests and explain. */
#include <limits.h>

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
