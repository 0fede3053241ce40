/* tests/harness.h — the tiny test harness. Each test file is one executable:
 *   TEST(name) { CHECK(cond); CHECK_ERR(call, GLS_E_X); CHECK_HEX(buf, len, "00ff"); }
 * Tests register themselves; main() runs them all and prints "N passed, N
 * failed". A test fails at its first failed check. */
#ifndef GLS_TESTS_HARNESS_H
#define GLS_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glasstls/gls.h"

typedef void (*test_fn)(void);
struct test_case {
    const char *name;
    test_fn fn;
};

static struct test_case test_cases[512];
static size_t test_count;
static bool test_failed;

#define TEST(id)                                                                                   \
    static void test_##id(void);                                                                   \
    __attribute__((constructor)) static void register_##id(void)                                   \
    {                                                                                              \
        test_cases[test_count].name = #id;                                                         \
        test_cases[test_count++].fn = test_##id;                                                   \
    }                                                                                              \
    static void test_##id(void)

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                                          \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fprintf(stderr, "\n");                                                                     \
        test_failed = true;                                                                        \
        return;                                                                                    \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            FAIL("CHECK(%s) failed", #cond);                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            FAIL("%s == %lld, expected %s == %lld", #a, a_, #b, b_);                               \
        }                                                                                          \
    } while (0)

#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        int e_ = (call);                                                                           \
        if (e_ != GLS_OK) {                                                                        \
            FAIL("%s returned %d (%s)", #call, e_, gls_error_name(e_));                            \
        }                                                                                          \
    } while (0)

#define CHECK_ERR(call, want)                                                                      \
    do {                                                                                           \
        int e_ = (call);                                                                           \
        if (e_ != (want)) {                                                                        \
            FAIL("%s returned %d (%s), expected %s", #call, e_, gls_error_name(e_), #want);        \
        }                                                                                          \
    } while (0)

/* Decodes hex (whitespace ignored) into out; returns the byte count. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p >= '0' && *p <= '9') {
            v = *p - '0';
        } else if (*p >= 'a' && *p <= 'f') {
            v = *p - 'a' + 10;
        } else if (*p >= 'A' && *p <= 'F') {
            v = *p - 'A' + 10;
        } else {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            if (n >= cap) {
                fprintf(stderr, "unhex: buffer too small\n");
                abort();
            }
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

static inline void hex_of(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

#define CHECK_HEX(buf, len, hex)                                                                   \
    do {                                                                                           \
        static uint8_t want_[4096];                                                                \
        size_t wn_ = unhex((hex), want_, sizeof want_);                                            \
        if (wn_ != (size_t)(len) || memcmp((buf), want_, wn_) != 0) {                              \
            static char got_[8193];                                                                \
            hex_of((const uint8_t *)(buf), (size_t)(len) > 4096 ? 4096 : (size_t)(len), got_);     \
            FAIL("%s differs:\n    got  %s\n    want %s", #buf, got_, (hex));                      \
        }                                                                                          \
    } while (0)

int main(int argc, char **argv)
{
    size_t passed = 0;
    size_t failed = 0;
    for (size_t i = 0; i < test_count; i++) {
        if (argc > 1 && strstr(test_cases[i].name, argv[1]) == NULL) {
            continue;
        }
        test_failed = false;
        test_cases[i].fn();
        if (test_failed) {
            failed++;
            fprintf(stderr, "FAIL %s\n", test_cases[i].name);
        } else {
            passed++;
        }
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

#endif
