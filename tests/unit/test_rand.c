/* A handshake's random batch (crypto/rand.c): one system draw deals out every small value
 * a handshake side needs, each value distinct and wiped from the batch as it leaves; a
 * value that does not fit refills it, a large one bypasses it; a configured rng hook is
 * called exactly as without a batch (once per value, same lengths, same bytes). */
#include <string.h>

#include "harness.h"

#include "crypto/crypto.h"

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

/* What a TLS 1.3 server side draws: random, X25519 key, ticket nonce, age_add, seal nonce. */
TEST(one_system_draw_deals_distinct_values_and_wipes_them)
{
    static const gls_rng sys = {gls_rand_system, NULL};
    gls_rand_batch b;
    uint8_t random[32], key[32], nonce[32], age[4], seal[12];
    gls_rand_batch_init(&b, &sys);
    CHECK_EQ(b.fills, 0);
    CHECK_OK(gls_rand(&b.rng, random, sizeof random));
    CHECK_OK(gls_rand(&b.rng, key, sizeof key));
    CHECK_OK(gls_rand(&b.rng, nonce, sizeof nonce));
    CHECK_OK(gls_rand(&b.rng, age, sizeof age));
    CHECK_OK(gls_rand(&b.rng, seal, sizeof seal));
    CHECK_EQ(b.fills, 1);
    CHECK_EQ(b.pos, 32 + 32 + 32 + 4 + 12);
    CHECK(memcmp(random, key, 32) != 0);
    CHECK(memcmp(key, nonce, 32) != 0);
    CHECK(memcmp(random, nonce, 32) != 0);
    CHECK(!all_zero(random, 32) && !all_zero(key, 32) && !all_zero(seal, 12));
    CHECK(all_zero(b.buf, b.pos)); /* what was handed out is gone */
    CHECK(!all_zero(b.buf + b.pos, b.len - b.pos));
    gls_rand_batch_wipe(&b);
    CHECK(all_zero(b.buf, sizeof b.buf));
    CHECK_EQ(b.len, 0);
}

TEST(a_value_that_does_not_fit_refills_a_large_one_bypasses)
{
    static const gls_rng sys = {gls_rand_system, NULL};
    gls_rand_batch b;
    uint8_t v[GLS_RAND_BATCH / 2 - 1];
    uint8_t w[GLS_RAND_BATCH / 2 - 1];
    uint8_t x[GLS_RAND_BATCH / 2 - 1];
    uint8_t big[GLS_RAND_BATCH * 2];
    gls_rand_batch_init(&b, &sys);
    CHECK_OK(gls_rand(&b.rng, v, sizeof v));
    CHECK_OK(gls_rand(&b.rng, w, sizeof w));
    CHECK_EQ(b.fills, 1);
    CHECK_OK(gls_rand(&b.rng, x, sizeof x)); /* 2 bytes left: a refill */
    CHECK_EQ(b.fills, 2);
    CHECK_EQ(b.pos, sizeof x);
    CHECK(memcmp(v, w, sizeof v) != 0 && memcmp(w, x, sizeof w) != 0);
    CHECK_OK(gls_rand(&b.rng, big, sizeof big)); /* straight from the source */
    CHECK_EQ(b.fills, 3);
    CHECK_EQ(b.pos, sizeof x); /* the batch untouched */
    CHECK(!all_zero(big, sizeof big));
    CHECK_OK(gls_rand(&b.rng, v, 0));
    gls_rand_batch_wipe(&b);
}

struct hook {
    uint8_t next;
    size_t calls;
    size_t lens[8];
};

static int counting_hook(void *arg, uint8_t *out, size_t len)
{
    struct hook *h = arg;
    if (h->calls < 8) {
        h->lens[h->calls] = len;
    }
    h->calls++;
    for (size_t i = 0; i < len; i++) {
        out[i] = h->next++;
    }
    return GLS_OK;
}

static int failing_hook(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    (void)out;
    (void)len;
    return -1;
}

TEST(a_hook_is_called_as_without_a_batch)
{
    struct hook h = {0};
    const gls_rng hook = {counting_hook, &h};
    gls_rand_batch b;
    uint8_t a[32], s[32], k[4];
    gls_rand_batch_init(&b, &hook);
    CHECK_OK(gls_rand(&b.rng, a, sizeof a));
    CHECK_OK(gls_rand(&b.rng, s, sizeof s));
    CHECK_OK(gls_rand(&b.rng, k, sizeof k));
    CHECK_EQ(h.calls, 3); /* one call per value, with its length */
    CHECK_EQ(h.lens[0], 32);
    CHECK_EQ(h.lens[1], 32);
    CHECK_EQ(h.lens[2], 4);
    CHECK_EQ(a[0], 0);
    CHECK_EQ(s[0], 32);
    CHECK_EQ(k[3], 67);
    CHECK_EQ(b.fills, 0);
    CHECK(all_zero(b.buf, sizeof b.buf));
    const gls_rng bad = {failing_hook, NULL};
    gls_rand_batch_init(&b, &bad);
    CHECK_ERR(gls_rand(&b.rng, a, sizeof a), GLS_E_RNG);
}
