/* The system random source (crypto/rand.c): small draws come from a per-thread pool
 * refilled by RAND_bytes. Draws never repeat, large draws bypass the pool, and a
 * forked child never hands out the bytes its parent's pool still held. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#include "crypto/crypto.h"

TEST(draws_differ_across_many_refills)
{
    uint8_t prev[32], cur[32];
    CHECK_OK(gls_rand_system(NULL, prev, sizeof prev));
    for (int i = 0; i < 200; i++) { /* several pool refills */
        CHECK_OK(gls_rand_system(NULL, cur, sizeof cur));
        CHECK(memcmp(prev, cur, sizeof cur) != 0);
        memcpy(prev, cur, sizeof cur);
    }
    uint8_t big[4096], zero[4096] = {0};
    CHECK_OK(gls_rand_system(NULL, big, sizeof big)); /* beside the pool */
    CHECK(memcmp(big, zero, sizeof big) != 0);
    CHECK_OK(gls_rand_system(NULL, cur, 0));
}

/* The parent fills its pool, forks; the child's next draw must not be the parent's. */
TEST(fork_child_does_not_repeat_the_parents_bytes)
{
    uint8_t first[16], parent[32], child[32];
    int fds[2];
    CHECK_OK(gls_rand_system(NULL, first, sizeof first)); /* the pool now holds more */
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        uint8_t b[32];
        int ok = gls_rand_system(NULL, b, sizeof b) == GLS_OK &&
                 write(fds[1], b, sizeof b) == (ssize_t)sizeof b;
        _exit(ok ? 0 : 1);
    }
    CHECK_OK(gls_rand_system(NULL, parent, sizeof parent));
    CHECK_EQ(read(fds[0], child, sizeof child), (ssize_t)sizeof child);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(memcmp(parent, child, sizeof child) != 0);
    close(fds[0]);
    close(fds[1]);
}
