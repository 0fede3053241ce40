/* tests/pair.h — an in-memory client and server driven through the public
 * sans-I/O API: bytes one side emits are handed to the other, optionally a few
 * at a time, until both are quiet. */
#ifndef GLS_TESTS_PAIR_H
#define GLS_TESTS_PAIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glasstls/gls.h"

/* Moves up to `chunk` bytes (0 = all) of from's output into to's input.
 * Returns the number moved. */
static inline size_t pair_move(gls_conn *from, gls_conn *to, size_t chunk)
{
    size_t len = 0;
    size_t moved = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    while (len > 0) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t n = len < room ? len : room;
        if (chunk != 0 && n > chunk) {
            n = chunk;
        }
        if (n == 0) {
            break; /* the receiver must be read first */
        }
        memcpy(in, out, n);
        gls_conn_net_out_done(from, n);
        moved += n;
        if (gls_conn_net_in_done(to, n) != GLS_OK) {
            break;
        }
        out = gls_conn_net_out(from, &len);
    }
    return moved;
}

/* Pumps until neither side has output. Returns 0 when both finished the
 * handshake, else the first error seen (client's first). */
static inline int pair_handshake(gls_conn *client, gls_conn *server, size_t chunk)
{
    for (int round = 0; round < 10000; round++) {
        size_t a = pair_move(client, server, chunk);
        size_t b = pair_move(server, client, chunk);
        if (a == 0 && b == 0) {
            break;
        }
    }
    if (gls_conn_error(client) != GLS_OK) {
        return gls_conn_error(client);
    }
    if (gls_conn_error(server) != GLS_OK) {
        return gls_conn_error(server);
    }
    return gls_conn_handshake_done(client) && gls_conn_handshake_done(server) ? GLS_OK
                                                                              : GLS_E_INTERNAL;
}

/* A server config with a fresh certificate (ECDSA P-256 if ec, else RSA) for
 * localhost and 127.0.0.1, and a client config trusting any certificate
 * (chain verification has its own tests); both limited to `version`. */
static inline void pair_configs(gls_config **scfg, gls_config **ccfg, int ec, uint16_t version)
{
    static const char *const hosts[] = {"localhost", "127.0.0.1"};
    *scfg = gls_config_new();
    *ccfg = gls_config_new();
    if (gls_config_add_generated_cert(*scfg, hosts, 2, ec, NULL) != GLS_OK) {
        fprintf(stderr, "cannot make a certificate\n");
        abort();
    }
    (void)gls_config_set_versions(*scfg, version, version);
    (void)gls_config_set_versions(*ccfg, version, version);
    (void)gls_config_danger_accept_any_cert(*ccfg);
}

/* A client (to "localhost") and a server from these configs, handshake pumped. */
static inline int pair_run(gls_config *scfg, gls_config *ccfg, gls_conn **cc, gls_conn **sc,
                           size_t chunk)
{
    *cc = gls_client_new(ccfg, "localhost");
    *sc = gls_server_new(scfg);
    return pair_handshake(*cc, *sc, chunk);
}

/* Writes msg on `from` and reads it back on `to` (then moves any answer, such
 * as a KeyUpdate, back). GLS_OK if it arrived intact. */
static inline int pair_exchange(gls_conn *from, gls_conn *to, const char *msg)
{
    size_t put = 0;
    size_t got = 0;
    char buf[256];
    int err = gls_conn_write(from, msg, strlen(msg), &put);
    if (err != GLS_OK || put != strlen(msg)) {
        return err ? err : GLS_E_INTERNAL;
    }
    pair_move(from, to, 0);
    err = gls_conn_read(to, buf, sizeof buf, &got);
    if (err != GLS_OK) {
        return err;
    }
    pair_move(to, from, 0);
    return got == strlen(msg) && memcmp(buf, msg, got) == 0 ? GLS_OK : GLS_E_INTERNAL;
}

/* Frees both connections and both configs (any may be NULL). */
static inline void pair_free(gls_conn *cc, gls_conn *sc, gls_config *s, gls_config *c)
{
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(s);
    gls_config_free(c);
}

#endif
