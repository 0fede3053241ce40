/* tool/fleet.h — the deployment options of `glasstls server` and `glasstls
 * client`: ticket keys shared through Redis or a key file, a TLS 1.2
 * session-id cache in Redis, sessions saved to and resumed from a file, and
 * exported keying material. server.c and client.c hook these in with a few
 * lines; everything else lives in fleet.c and session_file.c. */
#ifndef GLS_TOOL_FLEET_H
#define GLS_TOOL_FLEET_H

#include <getopt.h>

#include "glasstls/gls.h"

enum {
    FLEET_OPT_TICKET_KEYS = 0x100,
    FLEET_OPT_TICKET_PERIOD,
    FLEET_OPT_SESSION_CACHE,
    FLEET_OPT_KEYMAT_LABEL,
    FLEET_OPT_KEYMAT_LEN,
    FLEET_OPT_SESS_OUT,
    FLEET_OPT_SESS_IN,
};

/* Rows for the getopt_long tables. */
#define FLEET_SERVER_OPTIONS                                                                       \
    {"ticket-keys", required_argument, 0, FLEET_OPT_TICKET_KEYS},                                  \
        {"ticket-period", required_argument, 0, FLEET_OPT_TICKET_PERIOD},                          \
        {"session-cache", required_argument, 0, FLEET_OPT_SESSION_CACHE},                          \
        {"keymatexport", required_argument, 0, FLEET_OPT_KEYMAT_LABEL},                            \
        {"keymatexportlen", required_argument, 0, FLEET_OPT_KEYMAT_LEN},
#define FLEET_CLIENT_OPTIONS                                                                       \
    {"sess-out", required_argument, 0, FLEET_OPT_SESS_OUT},                                        \
        {"sess-in", required_argument, 0, FLEET_OPT_SESS_IN},                                      \
        {"keymatexport", required_argument, 0, FLEET_OPT_KEYMAT_LABEL},                            \
        {"keymatexportlen", required_argument, 0, FLEET_OPT_KEYMAT_LEN},

#define FLEET_SERVER_HELP                                                                          \
    "  --ticket-keys redis://HOST:PORT/NAME | FILE   share ticket keys with other servers\n"       \
    "                       (Redis: rotated by one of them; FILE: static keys, made if missing)\n" \
    "  --ticket-period N    seconds a ticket key stays current (default 3600)\n"                   \
    "  --session-cache redis://HOST:PORT/NAME   TLS 1.2 session ids in Redis\n"                    \
    "  --keymatexport LABEL [--keymatexportlen N]   print exported keying material\n"
#define FLEET_CLIENT_HELP                                                                          \
    "  --sess-out FILE      save the session (secret: mode 0600) when it arrives\n"                \
    "  --sess-in FILE       offer the session saved in FILE\n"                                     \
    "  --keymatexport LABEL [--keymatexportlen N]   print exported keying material\n"

/* One of the options above: GLS_OK or an error; GLS_E_UNSUPPORTED if opt is not ours. */
int fleet_option(int opt, const char *arg);
/* After the options: installs the hooks on the config (connects to Redis,
 * reads or makes the key file). Prints what it does on stderr. */
int fleet_server_setup(gls_config *cfg);
int fleet_client_setup(gls_config *cfg);
/* Client: right after gls_client_new (offers the --sess-in session). */
void fleet_client_conn(gls_conn *c);
/* After a handshake: prints "Keying material: HEX" if asked to. */
void fleet_after_handshake(gls_conn *c);
/* Closes the store connection. */
void fleet_shutdown(void);

/* session_file.c: the session file of --sess-out / --sess-in. */
int session_file_write(const char *path, const uint8_t *session, size_t len);
/* Reads at most cap bytes; GLS_E_FILE if it cannot. */
int session_file_read(const char *path, uint8_t *buf, size_t cap, size_t *len);

#endif
