/* base/secret.h — the secret type and the two operations every secret needs:
 * a wipe the compiler cannot remove and a constant-time comparison. Secrets
 * (pre-master, master, stage and traffic secrets, finished keys, binders) live
 * in gls_secret and nowhere else outside crypto/'s opaque contexts. */
#ifndef GLS_BASE_SECRET_H
#define GLS_BASE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GLS_MAX_SECRET 64

typedef struct {
    uint8_t b[GLS_MAX_SECRET];
    uint8_t len;
} gls_secret;

/* Zeroes n bytes in a way the optimiser keeps. */
void gls_wipe(void *p, size_t n);
void gls_secret_wipe(gls_secret *s);
/* Sets s to a copy of n bytes (n <= GLS_MAX_SECRET); -1 if too long. */
int gls_secret_set(gls_secret *s, const uint8_t *p, size_t n);
/* Equality of n bytes in time independent of the contents. */
bool gls_ct_eq(const void *a, const void *b, size_t n);

/* The constant-time checker (tests/ct, run under valgrind memcheck) marks secrets undefined,
 * so any branch or address computed from them is reported. GLS_CT_DECLASSIFY marks a value
 * derived from secrets as public at the one point where the protocol reveals it anyway (a MAC
 * or Finished verdict, an authenticated plaintext length). A no-op unless the library is
 * built for that check (GLS_CT_VALGRIND: the glasstls_ct library of tests/CMakeLists.txt). */
#ifdef GLS_CT_VALGRIND
#include <valgrind/memcheck.h>
#define GLS_CT_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define GLS_CT_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif
