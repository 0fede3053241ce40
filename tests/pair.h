/* tests/pair.h — an in-memory client and server driven through the public
 * sans-I/O API: bytes one side emits are handed to the other, optionally a few
 * at a time, until both are quiet. */
#ifndef GLS_TESTS_PAIR_H
#define GLS_TESTS_PAIR_H

#include <stdio.h>
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

#endif
