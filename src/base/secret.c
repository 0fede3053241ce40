/* base/secret.c — wiping and constant-time comparison (see secret.h). Kept in
 * layer 0 with libc only: explicit_bzero is a wipe the compiler may not elide. */
#include "base/secret.h"

#include <string.h>

#include "glasstls/gls.h"

/* see secret.h */
void gls_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        explicit_bzero(p, n);
    }
}

/* see secret.h */
void gls_secret_wipe(gls_secret *s)
{
    gls_wipe(s, sizeof *s);
}

/* see secret.h */
int gls_secret_set(gls_secret *s, const uint8_t *p, size_t n)
{
    if (n > GLS_MAX_SECRET) {
        return GLS_E_INTERNAL;
    }
    memcpy(s->b, p, n);
    s->len = (uint8_t)n;
    return GLS_OK;
}

/* see secret.h */
bool gls_ct_eq(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= (uint8_t)(x[i] ^ y[i]);
    }
    return d == 0;
}
