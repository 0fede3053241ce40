/* tests/fuzz/fuzz_hs.h — deterministic in-memory handshakes for the fuzz targets that get past
 * the first flight, and for the recorder of their seeds (record_seeds.c).
 *
 * Every scenario (TLS 1.3 full / HRR / resumed / client auth / ChaCha; TLS 1.2 ECDHE, DHE, RSA
 * key exchange, GCM, ChaCha20, CBC encrypt-then-MAC and MAC-then-encrypt, ticket and
 * session-id resumption, client auth) runs a real client against a real server with a fixed
 * RNG, a fixed clock, fixed certificates (fuzz_keys.h) and fixed ticket keys, so it is the same
 * bytes every time. Then a short post-handshake script: data both ways, a KeyUpdate (TLS 1.3),
 * close_notify.
 *
 * The side under test is the target; the other side is the peer. Through the config's record
 * hook (hs/cfg.h) the harness sees the plaintext of every record the peer is about to seal and
 * substitutes the next one from the fuzz input, so a mutated flight is still sealed under the
 * peer's real keys and the target decrypts it and parses the mutation.
 *
 * Input: one byte choosing the scenario, then records as [type u8][length u16][bytes]; when
 * the input runs out, the peer's own records go unchanged. A seed is the peer's records of an
 * unmutated run, so replaying it reproduces the real handshake. */
#ifndef GLS_FUZZ_HS_H
#define GLS_FUZZ_HS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "base/wire.h"
#include "fuzz_keys.h"
#include "glasstls/gls.h"
#include "hs/hs.h"

#define FUZZ_NOW ((int64_t)1800000000)

enum fuzz_resume { FZ_FULL, FZ_TICKET, FZ_SESSION_ID };

struct fuzz_scenario {
    const char *name;
    uint16_t version;
    uint16_t suite;
    bool hrr;
    bool client_auth;
    enum fuzz_resume resume;
    bool mte; /* TLS 1.2 CBC: MAC-then-encrypt (no encrypt_then_mac) */
    bool pq;  /* TLS 1.3: the default groups, X25519MLKEM768 first (others offer X25519 only) */
};

static const struct fuzz_scenario fuzz_scenarios[] = {
    {"tls13-full", 0x0304, 0x1301, false, false, FZ_FULL, false, false},
    {"tls13-hrr", 0x0304, 0x1301, true, false, FZ_FULL, false, false},
    {"tls13-resumed", 0x0304, 0x1301, false, false, FZ_TICKET, false, false},
    {"tls13-client-auth", 0x0304, 0x1302, false, true, FZ_FULL, false, false},
    {"tls13-chacha", 0x0304, 0x1303, false, false, FZ_FULL, false, false},
    {"tls12-ecdhe-gcm", 0x0303, 0xc02f, false, false, FZ_FULL, false, false},
    {"tls12-dhe-gcm", 0x0303, 0x009e, false, false, FZ_FULL, false, false},
    {"tls12-rsa-gcm", 0x0303, 0x009c, false, false, FZ_FULL, false, false},
    {"tls12-ecdhe-chacha", 0x0303, 0xcca8, false, false, FZ_FULL, false, false},
    {"tls12-cbc-etm", 0x0303, 0xc013, false, false, FZ_FULL, false, false},
    {"tls12-cbc-mte", 0x0303, 0xc027, false, false, FZ_FULL, true, false},
    {"tls12-ticket", 0x0303, 0xc02f, false, false, FZ_TICKET, false, false},
    {"tls12-session-id", 0x0303, 0xc030, false, false, FZ_SESSION_ID, false, false},
    {"tls12-client-auth", 0x0303, 0xc02f, false, true, FZ_FULL, false, false},
    /* appended, so that the first byte of older inputs still picks the same scenario */
    {"tls13-hybrid", 0x0304, 0x1301, false, false, FZ_FULL, false, true},
};
#define FUZZ_N_SCENARIOS (sizeof fuzz_scenarios / sizeof fuzz_scenarios[0])

/* ---- fixed RNG and clock ---- */

struct fuzz_rng {
    uint64_t s;
    uint64_t seed;
};

static int fuzz_rand(void *arg, uint8_t *out, size_t len)
{
    struct fuzz_rng *r = arg;
    for (size_t i = 0; i < len; i++) { /* a 64-bit LCG's top byte: fixed, not random */
        r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
        out[i] = (uint8_t)(r->s >> 56);
    }
    return GLS_OK;
}

/* libcrypto's own randomness (RSA encryption padding, signature nonces) made fixed too, so
 * that even a TLS 1.2 RSA key exchange replays: the deprecated RAND_METHOD override is the one
 * hook OpenSSL 3.0 offers for it. Tests only. */
static uint64_t fuzz_ossl_state;

static int fuzz_ossl_bytes(unsigned char *buf, int num)
{
    for (int i = 0; i < num; i++) {
        fuzz_ossl_state = fuzz_ossl_state * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = (unsigned char)(fuzz_ossl_state >> 56);
    }
    return 1;
}

static int fuzz_ossl_status(void)
{
    return 1;
}

static void fuzz_fix_libcrypto_rand(void)
{
    static RAND_METHOD m = {NULL, fuzz_ossl_bytes, NULL, NULL, fuzz_ossl_bytes, fuzz_ossl_status};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    if (RAND_set_rand_method(&m) != 1) {
        abort();
    }
#pragma GCC diagnostic pop
}

static int64_t fuzz_clock(void *arg)
{
    (void)arg;
    return FUZZ_NOW;
}

/* ---- the record hook: record (seed) or substitute (fuzz) the peer's plaintext ---- */

struct fuzz_feed {
    const uint8_t *data; /* substitute records from here */
    size_t size;
    size_t pos;
    uint8_t *rec; /* or record the peer's records here (recorder) */
    size_t rec_len;
    size_t rec_cap;
};

static struct fuzz_feed fuzz_in;

static const uint8_t *fuzz_hook(void *arg, uint8_t *type, const uint8_t *p, size_t *n)
{
    struct fuzz_feed *f = arg;
    if (f->rec != NULL) {
        if (f->rec_len + 3 + *n <= f->rec_cap) {
            f->rec[f->rec_len] = *type;
            f->rec[f->rec_len + 1] = (uint8_t)(*n >> 8);
            f->rec[f->rec_len + 2] = (uint8_t)*n;
            memcpy(f->rec + f->rec_len + 3, p, *n);
            f->rec_len += 3 + *n;
        }
        return p;
    }
    if (f->size - f->pos < 3) {
        return p; /* input used up: the peer's own record */
    }
    const uint8_t *h = f->data + f->pos;
    size_t len = (size_t)h[1] << 8 | h[2];
    f->pos += 3;
    if (len > f->size - f->pos) {
        len = f->size - f->pos;
    }
    *type = h[0];
    *n = len;
    f->pos += len;
    return h + 3;
}

/* ---- configs, made once per scenario ---- */

struct fuzz_side {
    gls_config *cfg;
    struct fuzz_rng rng;
};

static struct fuzz_side fuzz_servers[FUZZ_N_SCENARIOS];
static struct fuzz_side fuzz_clients[FUZZ_N_SCENARIOS];

static void fuzz_die(const char *what)
{
    fprintf(stderr, "fuzz harness: %s\n", what);
    abort();
}

static void fuzz_common(struct fuzz_side *side, uint64_t seed)
{
    side->cfg = gls_config_new();
    side->rng.seed = seed;
    side->rng.s = seed;
    if (side->cfg == NULL || gls_config_set_rng(side->cfg, fuzz_rand, &side->rng) != GLS_OK ||
        gls_config_set_clock(side->cfg, fuzz_clock, NULL) != GLS_OK ||
        gls_config_danger_accept_any_cert(side->cfg) != GLS_OK) {
        fuzz_die("config");
    }
    memset(side->cfg->ticket_master, 0x5a, sizeof side->cfg->ticket_master); /* fixed keys */
}

static int fuzz_add_pem(gls_config *cfg, const char *cert, const char *key)
{
    return gls_config_add_cert_pem(cfg, (const uint8_t *)cert, strlen(cert), (const uint8_t *)key,
                                   strlen(key));
}

static void fuzz_make(size_t i)
{
    const struct fuzz_scenario *sc = &fuzz_scenarios[i];
    struct fuzz_side *s = &fuzz_servers[i];
    struct fuzz_side *c = &fuzz_clients[i];
    static const uint16_t sig13[] = {0x0807};
    static const uint16_t sig12[] = {0x0401};
    static const uint16_t groups12[] = {0x001d, 0x0017, 0x0100};
    static const uint16_t groups13[] = {0x001d};
    static const uint16_t hrr_client[] = {0x001d, 0x0017};
    static const uint16_t hrr_server[] = {0x0017};
    bool tls13 = sc->version == 0x0304;
    fuzz_fix_libcrypto_rand();
    fuzz_common(s, 0x5e5e5e5e00000000ULL + i);
    fuzz_common(c, 0xc1c1c1c100000000ULL + i);
    int err = fuzz_add_pem(s->cfg, FUZZ_SERVER_ED25519_CERT, FUZZ_SERVER_ED25519_KEY);
    err = err ? err : fuzz_add_pem(s->cfg, FUZZ_SERVER_RSA_CERT, FUZZ_SERVER_RSA_KEY);
    err = err ? err : gls_config_set_client_auth(s->cfg, GLS_CLIENT_AUTH_OPTIONAL);
    err = err ? err : gls_config_enable_rsa_key_exchange(s->cfg, 1);
    err = err ? err : gls_config_enable_rsa_key_exchange(c->cfg, 1);
    err = err ? err : gls_config_set_versions(c->cfg, sc->version, sc->version);
    err = err ? err : gls_config_set_suites(c->cfg, &sc->suite, 1);
    err = err ? err : gls_config_set_suites(s->cfg, &sc->suite, 1);
    err = err ? err : gls_config_set_sigalgs(c->cfg, tls13 ? sig13 : sig12, 1);
    err = err ? err : gls_config_set_sigalgs(s->cfg, tls13 ? sig13 : sig12, 1);
    if (!tls13) {
        err = err ? err : gls_config_set_groups(c->cfg, groups12, 3);
    } else if (!sc->pq) { /* ML-KEM's keygen, encaps and decaps only where they are fuzzed */
        err = err ? err : gls_config_set_groups(c->cfg, groups13, 1);
    }
    if (sc->hrr) {
        err = err ? err : gls_config_set_groups(c->cfg, hrr_client, 2);
        err = err ? err : gls_config_set_groups(s->cfg, hrr_server, 1);
    }
    if (sc->client_auth) {
        err = err ? err
                  : (tls13 ? fuzz_add_pem(c->cfg, FUZZ_CLIENT_ED25519_CERT, FUZZ_CLIENT_ED25519_KEY)
                           : fuzz_add_pem(c->cfg, FUZZ_CLIENT_RSA_CERT, FUZZ_CLIENT_RSA_KEY));
    }
    if (err != GLS_OK) {
        fuzz_die(gls_error_message(err));
    }
    c->cfg->no_etm = sc->mte;
    s->cfg->no_etm = sc->mte;
    c->cfg->no_tickets = sc->resume == FZ_SESSION_ID;
    s->cfg->no_tickets = sc->resume == FZ_SESSION_ID;
    s->cfg->record_hook_arg = &fuzz_in;
    c->cfg->record_hook_arg = &fuzz_in;
}

/* Forgets every session either side keeps, and restarts both RNGs (and libcrypto's). */
static void fuzz_reset(size_t i)
{
    fuzz_ossl_state = 0x0551;
    struct fuzz_side *sides[2] = {&fuzz_servers[i], &fuzz_clients[i]};
    for (int k = 0; k < 2; k++) {
        gls_config *cfg = sides[k]->cfg;
        for (size_t e = 0; e < cfg->tickets->n; e++) {
            gls_ticket_wipe(&cfg->tickets->entries[e]);
        }
        cfg->tickets->n = 0;
        for (size_t e = 0; e < GLS_SESSION_CACHE; e++) { /* the used entries only: cheaper */
            if (cfg->sessions->entries[e].s.version != 0) {
                gls_ticket_wipe(&cfg->sessions->entries[e].s);
                memset(cfg->sessions->entries[e].id, 0, 32);
            }
        }
        cfg->sessions->next = 0;
        sides[k]->rng.s = sides[k]->rng.seed;
        cfg->record_hook = NULL;
    }
}

/* The state a resumed scenario's first, unmutated connection leaves (the sessions both
 * caches keep, both RNGs and libcrypto's): taken once, then restored instead of making the
 * session again, which would double the cost of every resumed execution. Deterministic, so
 * the restored state is the one the connection would leave. */
struct fuzz_cache_copy {
    struct gls_ticket tickets[GLS_TICKET_CACHE];
    size_t n_tickets;
    struct gls_session_cache *sessions; /* a copy of the entries (next included) */
};

struct fuzz_snapshot {
    struct fuzz_cache_copy side[2]; /* server, client */
    uint64_t rng[2];
    uint64_t ossl;
};

static struct fuzz_snapshot *fuzz_snaps[FUZZ_N_SCENARIOS];

static void fuzz_copy_caches(gls_config *from_cfg, struct fuzz_cache_copy *to, bool restore)
{
    struct gls_ticket_cache *tc = from_cfg->tickets;
    struct gls_session_cache *sc = from_cfg->sessions;
    if (!restore) {
        for (size_t e = 0; e < tc->n; e++) {
            (void)gls_ticket_copy(&to->tickets[e], &tc->entries[e]);
        }
        to->n_tickets = tc->n;
        to->sessions = calloc(1, sizeof *to->sessions);
        if (to->sessions == NULL) {
            fuzz_die("snapshot");
        }
        for (size_t e = 0; e < GLS_SESSION_CACHE; e++) {
            if (sc->entries[e].s.version != 0) {
                memcpy(to->sessions->entries[e].id, sc->entries[e].id, 32);
                (void)gls_ticket_copy(&to->sessions->entries[e].s, &sc->entries[e].s);
            }
        }
        to->sessions->next = sc->next;
        return;
    }
    for (size_t e = 0; e < to->n_tickets; e++) { /* into caches fuzz_reset emptied */
        (void)gls_ticket_copy(&tc->entries[e], &to->tickets[e]);
    }
    tc->n = to->n_tickets;
    for (size_t e = 0; e < GLS_SESSION_CACHE; e++) {
        if (to->sessions->entries[e].s.version != 0) {
            memcpy(sc->entries[e].id, to->sessions->entries[e].id, 32);
            (void)gls_ticket_copy(&sc->entries[e].s, &to->sessions->entries[e].s);
        }
    }
    sc->next = to->sessions->next;
}

static void fuzz_snapshot_take(size_t i)
{
    struct fuzz_snapshot *sn = calloc(1, sizeof *sn);
    struct fuzz_side *sides[2] = {&fuzz_servers[i], &fuzz_clients[i]};
    if (sn == NULL) {
        fuzz_die("snapshot");
    }
    for (int k = 0; k < 2; k++) {
        fuzz_copy_caches(sides[k]->cfg, &sn->side[k], false);
        sn->rng[k] = sides[k]->rng.s;
    }
    sn->ossl = fuzz_ossl_state;
    fuzz_snaps[i] = sn;
}

static void fuzz_snapshot_restore(size_t i)
{
    struct fuzz_snapshot *sn = fuzz_snaps[i];
    struct fuzz_side *sides[2] = {&fuzz_servers[i], &fuzz_clients[i]};
    for (int k = 0; k < 2; k++) {
        fuzz_copy_caches(sides[k]->cfg, &sn->side[k], true);
        sides[k]->rng.s = sn->rng[k];
    }
    fuzz_ossl_state = sn->ossl;
}

/* ---- moving bytes ---- */

static void fuzz_drain_reads(gls_conn *c)
{
    uint8_t buf[4096];
    size_t got = 0;
    while (gls_conn_read(c, buf, sizeof buf, &got) == GLS_OK && got > 0) {
    }
}

static size_t fuzz_move(gls_conn *from, gls_conn *to)
{
    size_t len = 0;
    size_t moved = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    while (len > 0 && gls_conn_error(to) == GLS_OK) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t n = len < room ? len : room;
        if (in == NULL || n == 0) {
            fuzz_drain_reads(to);
            in = gls_conn_net_in(to, &room);
            n = len < room ? len : room;
            if (in == NULL || n == 0) {
                break;
            }
        }
        memcpy(in, out, n);
        gls_conn_net_out_done(from, n);
        moved += n;
        (void)gls_conn_net_in_done(to, n);
        fuzz_drain_reads(to);
        out = gls_conn_net_out(from, &len);
    }
    if (gls_conn_error(to) != GLS_OK) { /* the receiver is done: drop the rest */
        gls_conn_net_out(from, &len);
        gls_conn_net_out_done(from, len);
    }
    return moved;
}

/* Observers of the raw bytes each way (the recorder keeps them for decrypt's seeds). */
typedef void (*fuzz_wire_fn)(void *arg, int from_server, const uint8_t *p, size_t n);

static void fuzz_pump(gls_conn *cc, gls_conn *sc, fuzz_wire_fn wire, void *arg)
{
    for (int round = 0; round < 64; round++) {
        size_t len = 0;
        const uint8_t *out = gls_conn_net_out(cc, &len);
        if (wire != NULL && len > 0) {
            wire(arg, 0, out, len);
        }
        size_t a = fuzz_move(cc, sc);
        out = gls_conn_net_out(sc, &len);
        if (wire != NULL && len > 0) {
            wire(arg, 1, out, len);
        }
        size_t b = fuzz_move(sc, cc);
        if (a == 0 && b == 0) {
            break;
        }
    }
}

/* How the last fuzzed connection ended (the seed checker wants a clean, complete run). */
struct fuzz_outcome {
    bool client_done;
    bool server_done;
    int client_err;
    int server_err;
    int resumed;
};
static struct fuzz_outcome fuzz_last;

/* One connection of scenario i; the peer's records go through the hook if hooked. */
static void fuzz_connection(size_t i, bool hook_server, bool hook_client, fuzz_wire_fn wire,
                            void *arg)
{
    const struct fuzz_scenario *sc = &fuzz_scenarios[i];
    fuzz_servers[i].cfg->record_hook = hook_server ? fuzz_hook : NULL;
    fuzz_clients[i].cfg->record_hook = hook_client ? fuzz_hook : NULL;
    gls_conn *cc = gls_client_new(fuzz_clients[i].cfg, "localhost");
    gls_conn *s = gls_server_new(fuzz_servers[i].cfg);
    if (cc == NULL || s == NULL) {
        fuzz_die("connection");
    }
    fuzz_pump(cc, s, wire, arg);
    if (gls_conn_handshake_done(cc) && gls_conn_handshake_done(s)) {
        size_t put = 0;
        (void)gls_conn_write(cc, "client data", 11, &put);
        (void)gls_conn_write(s, "server data", 11, &put);
        fuzz_pump(cc, s, wire, arg);
        if (sc->version == 0x0304) {
            (void)gls_conn_key_update(hook_server ? s : cc, 1);
            (void)gls_conn_write(hook_server ? s : cc, "after update", 12, &put);
            fuzz_pump(cc, s, wire, arg);
            (void)gls_conn_write(hook_server ? cc : s, "answer", 6, &put);
            fuzz_pump(cc, s, wire, arg);
        }
        (void)gls_conn_close(cc);
        (void)gls_conn_close(s);
        fuzz_pump(cc, s, wire, arg);
    }
    gls_conn_info info;
    fuzz_last.client_done = gls_conn_handshake_done(cc) || gls_conn_error(cc) == GLS_E_CLOSED;
    fuzz_last.server_done = gls_conn_handshake_done(s) || gls_conn_error(s) == GLS_E_CLOSED;
    fuzz_last.client_err = gls_conn_error(cc);
    fuzz_last.server_err = gls_conn_error(s);
    fuzz_last.resumed = gls_conn_get_info(s, &info) == GLS_OK ? info.resumed : -1;
    gls_conn_free(cc);
    gls_conn_free(s);
    fuzz_servers[i].cfg->record_hook = NULL;
    fuzz_clients[i].cfg->record_hook = NULL;
}

/* Runs scenario data[0] with the target on one side; the rest of data replaces the peer's
 * records. A resumed scenario first makes its session with an unmutated handshake. */
static void fuzz_run(const uint8_t *data, size_t size, bool target_is_server, fuzz_wire_fn wire,
                     void *arg)
{
    if (size < 1) {
        return;
    }
    size_t i = data[0] % FUZZ_N_SCENARIOS;
    if (fuzz_servers[i].cfg == NULL) {
        fuzz_make(i);
    }
    fuzz_reset(i);
    if (fuzz_scenarios[i].resume != FZ_FULL && fuzz_snaps[i] != NULL) {
        fuzz_snapshot_restore(i);
    } else if (fuzz_scenarios[i].resume != FZ_FULL) {
        fuzz_connection(i, false, false, NULL, NULL);
        fuzz_servers[i].rng.s ^= 1; /* the resumed handshake draws other randoms */
        fuzz_clients[i].rng.s ^= 1;
        fuzz_snapshot_take(i);
    }
    fuzz_in.data = data + 1;
    fuzz_in.size = size - 1;
    fuzz_in.pos = 0;
    fuzz_connection(i, !target_is_server, target_is_server, wire, arg);
    fuzz_in.data = NULL;
    fuzz_in.size = 0;
}

#endif
