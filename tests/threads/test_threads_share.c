/* Many threads share one server config and the client configs (the documented threading
 * model: a config is read-only once used, and its caches and buffer pool have their own
 * locks): 8 threads run 2,400 in-memory handshakes between them, TLS 1.3 (tickets, taken from
 * and put into the shared client ticket cache; tickets sealed under the shared keys) and TLS
 * 1.2 (session ids in the shared server session cache), most of them resumed, every
 * connection's record buffers from the shared pools, data both ways. Run as a plain test, and
 * under ThreadSanitizer by `make tsan` (CI), which reports any data race. */
#include <pthread.h>
#include <stdatomic.h>

#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

#define THREADS    8
#define PER_THREAD 300

static gls_config *server_cfg;
static gls_config *client13; /* TLS 1.3: resumes by ticket */
static gls_config *client12; /* TLS 1.2: resumes by session id */
static atomic_int failures;
static atomic_int resumed;
static atomic_int done;

static void *worker(void *arg)
{
    size_t id = (size_t)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        gls_config *c = (i + (int)id) % 3 == 0 ? client12 : client13;
        gls_conn *cc = gls_client_new(c, "localhost");
        gls_conn *sc = gls_server_new(server_cfg);
        gls_conn_info info;
        int err = pair_handshake(cc, sc, 0);
        if (err == GLS_OK) {
            err = pair_exchange(cc, sc, "from the client");
        }
        if (err == GLS_OK) {
            err = pair_exchange(sc, cc, "from the server");
        }
        if (err == GLS_OK && gls_conn_get_info(sc, &info) == GLS_OK && info.resumed) {
            atomic_fetch_add(&resumed, 1);
        }
        if (err != GLS_OK) {
            atomic_fetch_add(&failures, 1);
            fprintf(stderr, "  thread %zu, handshake %d: %s\n", id, i, gls_error_name(err));
        }
        atomic_fetch_add(&done, 1);
        gls_conn_free(cc);
        gls_conn_free(sc);
    }
    return NULL;
}

TEST(threads_share_configs)
{
    static const char *const hosts[] = {"localhost"};
    server_cfg = gls_config_new();
    client13 = gls_config_new();
    client12 = gls_config_new();
    CHECK(server_cfg != NULL && client13 != NULL && client12 != NULL);
    CHECK_OK(gls_config_add_generated_cert(server_cfg, hosts, 1, 1, NULL));
    CHECK_OK(gls_config_danger_accept_any_cert(client13));
    CHECK_OK(gls_config_danger_accept_any_cert(client12));
    CHECK_OK(gls_config_set_versions(client13, 0x0304, 0x0304));
    CHECK_OK(gls_config_set_versions(client12, 0x0303, 0x0303));
    client12->no_tickets = true; /* TLS 1.2 by session id: the server's session cache */
    pthread_t t[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
    }
    for (size_t i = 0; i < THREADS; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
    }
    fprintf(stderr, "  %d handshakes, %d resumed, %d failed\n", atomic_load(&done),
            atomic_load(&resumed), atomic_load(&failures));
    CHECK_EQ(atomic_load(&done), THREADS * PER_THREAD);
    CHECK_EQ(atomic_load(&failures), 0);
    CHECK(atomic_load(&resumed) > THREADS * PER_THREAD / 2); /* the caches were really used */
    gls_config_free(server_cfg);
    gls_config_free(client13);
    gls_config_free(client12);
}
