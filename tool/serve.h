/* tool/serve.h — the event loop behind `glasstls server`: one thread, epoll, the
 * sans-I/O API, deadlines and a connection cap. server.c parses options and
 * builds the config; this file only moves connections along. */
#ifndef GLS_TOOL_SERVE_H
#define GLS_TOOL_SERVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "glasstls/gls.h"

struct serve_params {
    gls_config *cfg;
    const int *listen_fds; /* non-blocking listening sockets */
    size_t n_listen;
    bool echo;                             /* echo data back; else the --www responder */
    long max;                              /* exit after this many connections (0: never) */
    int handshake_ms;                      /* from accept to handshake done */
    int idle_ms;                           /* after the handshake, with nothing received or sent */
    size_t max_conns;                      /* open connections at most */
    const volatile sig_atomic_t *stopping; /* set by a signal handler: return */
    /* Called for each new gls_conn before it sees a byte (per-connection setup such
     * as a session to offer); a non-zero return drops the connection. May be NULL. */
    int (*setup_conn)(void *arg, gls_conn *c);
    void *setup_arg;
    /* Called once a connection's handshake is done (e.g. to print what it exported). May
     * be NULL. */
    void (*after_handshake)(gls_conn *c);
};

/* The www responder's default answer to ALPN: what it speaks. */
#define SERVE_WWW_ALPN "http/1.1"

/* Runs until *stopping is set, or until `max` connections have come and gone.
 * Logs to stderr. GLS_OK, or GLS_E_IO if epoll itself fails. */
int serve_loop(const struct serve_params *p);

#endif
