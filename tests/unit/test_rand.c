/* A handshake's random batch (crypto/rand.c): one system draw deals out every small value
 * a handshake side needs, each value distinct and wiped from the batch as it leaves; a
 * value that does not fit refills it, a large one bypasses it; a configured rng hook is
 * called exactly as without a batch (once per value, same lengths, same bytes).
 * A config's pool: one system draw for many handshakes, every value distinct across
 * threads, and a child of fork() never deals out a byte its parent also deals out. */
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

TEST(pool_deals_distinct_values_and_refills_when_empty)
{
    gls_rand_pool *p = gls_rand_pool_new();
    CHECK(p != NULL); /* Linux has MADV_WIPEONFORK since 4.14 */
    uint64_t fills;
    size_t left;
    size_t size;
    uint8_t a[32], b[32], big[GLS_RAND_POOL_MAX_DRAW + 1];
    gls_rand_pool_stats(p, &fills, &left);
    CHECK_EQ(fills, 0);
    CHECK_EQ(left, 0);
    CHECK_OK(gls_rand_pool_draw(p, a, sizeof a));
    gls_rand_pool_stats(p, &fills, &size);
    CHECK_EQ(fills, 1);
    CHECK_EQ(size + sizeof a, GLS_RAND_POOL_BYTES);
    size += sizeof a;
    CHECK_OK(gls_rand_pool_draw(p, b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0 && !all_zero(a, 32) && !all_zero(b, 32));
    CHECK_OK(gls_rand_pool_draw(p, big, sizeof big)); /* straight from the system */
    gls_rand_pool_stats(p, &fills, &left);
    CHECK_EQ(fills, 1);
    CHECK_EQ(left, size - 64);
    while (left >= sizeof a) { /* empty it */
        CHECK_OK(gls_rand_pool_draw(p, a, sizeof a));
        gls_rand_pool_stats(p, &fills, &left);
    }
    CHECK_EQ(fills, 1);
    CHECK_OK(gls_rand_pool_draw(p, a, sizeof a)); /* does not fit: a refill */
    gls_rand_pool_stats(p, &fills, &left);
    CHECK_EQ(fills, 2);
    CHECK_EQ(left, size - sizeof a);
    CHECK_OK(gls_rand_pool_draw(p, a, 0));
    gls_rand_pool_free(p);
}

#define POOL_THREADS 4
#define POOL_DRAWS   1000
struct pool_job {
    gls_rand_pool *p;
    uint8_t out[POOL_DRAWS][16];
    int err;
};

static void *pool_worker(void *arg)
{
    struct pool_job *j = arg;
    for (int i = 0; i < POOL_DRAWS && j->err == GLS_OK; i++) {
        j->err = gls_rand_pool_draw(j->p, j->out[i], sizeof j->out[i]);
    }
    return NULL;
}

static int cmp16(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

TEST(pool_shared_by_threads_deals_each_byte_once)
{
    static struct pool_job jobs[POOL_THREADS];
    static uint8_t all[POOL_THREADS * POOL_DRAWS][16];
    pthread_t t[POOL_THREADS];
    gls_rand_pool *p = gls_rand_pool_new();
    CHECK(p != NULL);
    for (int i = 0; i < POOL_THREADS; i++) {
        jobs[i].p = p;
        jobs[i].err = GLS_OK;
        CHECK(pthread_create(&t[i], NULL, pool_worker, &jobs[i]) == 0);
    }
    for (int i = 0; i < POOL_THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_OK(jobs[i].err);
        memcpy(all[i * POOL_DRAWS], jobs[i].out, sizeof jobs[i].out);
    }
    uint64_t fills;
    size_t left;
    gls_rand_pool_stats(p, &fills, &left);
    /* 64,000 bytes in draws of 16 from a pool a multiple of 64 bytes long: no waste */
    CHECK_EQ(fills * GLS_RAND_POOL_BYTES, POOL_THREADS * POOL_DRAWS * 16 + left);
    qsort(all, POOL_THREADS * POOL_DRAWS, 16, cmp16);
    for (size_t i = 1; i < POOL_THREADS * POOL_DRAWS; i++) {
        CHECK(memcmp(all[i - 1], all[i], 16) != 0);
    }
    gls_rand_pool_free(p);
}

/* Without MADV_WIPEONFORK the child's next 32 bytes would be the parent's next 32. */
TEST(pool_in_a_forked_child_starts_empty)
{
    gls_rand_pool *p = gls_rand_pool_new();
    CHECK(p != NULL);
    uint8_t first[32], mine[32], childs[32 + sizeof(uint64_t) + sizeof(size_t)];
    uint64_t fills;
    size_t left;
    size_t parent_left;
    int fds[2];
    CHECK_OK(gls_rand_pool_draw(p, first, sizeof first));
    gls_rand_pool_stats(p, &fills, &parent_left);
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        uint8_t v[32];
        int ok = gls_rand_pool_draw(p, v, sizeof v) == GLS_OK;
        gls_rand_pool_stats(p, &fills, &left);
        memcpy(childs, v, 32);
        memcpy(childs + 32, &fills, sizeof fills);
        memcpy(childs + 32 + sizeof fills, &left, sizeof left);
        ok = ok && write(fds[1], childs, sizeof childs) == (ssize_t)sizeof childs;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    int status = 0;
    CHECK(read(fds[0], childs, sizeof childs) == (ssize_t)sizeof childs);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
    CHECK_OK(gls_rand_pool_draw(p, mine, sizeof mine));
    CHECK(memcmp(mine, childs, 32) != 0);
    memcpy(&fills, childs + 32, sizeof fills);
    memcpy(&left, childs + 32 + sizeof fills, sizeof left);
    CHECK_EQ(fills, 1);          /* the child filled its own, empty pool */
    CHECK_EQ(left, parent_left); /* a fresh pool less one draw, as the parent's after its first */
    gls_rand_pool_stats(p, &fills, &left);
    CHECK_EQ(fills, 1);
    CHECK_EQ(left, parent_left - 32); /* the parent's pool went on where it was */
    gls_rand_pool_free(p);
}
