/* tests/ct/ct.h — the constant-time checks (tests/ct/test_ct_*.c) run under valgrind memcheck
 * (tests/CMakeLists.txt: `valgrind --error-exitcode=1 --suppressions=libcrypto.supp`). A
 * secret is marked undefined; memcheck then reports every conditional branch and every memory
 * address computed from it. The library under test is built with GLS_CT_VALGRIND, so its
 * GLS_CT_DECLASSIFY points (a verdict, an authenticated length) mark what the protocol reveals
 * anyway as public. libcrypto's internals are out of scope (libcrypto.supp hides reports whose
 * innermost frame is in libcrypto): what is checked is our code around it.
 * Without valgrind the tests still run and check results (the client requests are no-ops). */
#ifndef GLS_TESTS_CT_H
#define GLS_TESTS_CT_H

#include <valgrind/memcheck.h>

#define CT_SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define CT_PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
/* 1 under valgrind: the tests say so, so a run outside it is not taken for a check. */
#define CT_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)

#endif
