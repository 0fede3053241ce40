/* tool/tool.h — what the glasstls subcommands share: option parsing helpers,
 * config building from common options, and the connection summary. */
#ifndef GLS_TOOL_TOOL_H
#define GLS_TOOL_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "glasstls/gls.h"
#include "tlsrec.h"
#include "trace.h"

int cmd_client(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_decrypt(int argc, char **argv);

/* Prints "glasstls: msg" to stderr and returns 2 (usage) or 1 (runtime). */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses a comma-separated list of names (suites or groups) into IANA numbers. */
int parse_suites(const char *list, uint16_t *out, size_t cap, size_t *n);
int parse_groups(const char *list, uint16_t *out, size_t cap, size_t *n);

/* Options client and server share: --cafile (A), --tls1.2 (2), --tls1.3 (3),
 * --ciphers (c), --groups (g), --alpn (a). GLS_E_INVALID_ARGUMENT otherwise. */
int apply_common_option(gls_config *cfg, int opt, const char *arg);

/* Returns from the calling function with x's error, if any. */
#define TRY_TOOL(x)                                                                                \
    do {                                                                                           \
        int try_err_ = (x);                                                                        \
        if (try_err_ != GLS_OK) {                                                                  \
            return try_err_;                                                                       \
        }                                                                                          \
    } while (0)

/* A duration in seconds ("10", "0.5") as milliseconds, 1 ms .. 1 day. */
int parse_seconds(const char *arg, int *ms);
/* Why an option's value was refused: for a file, the system's reason (strerror). */
const char *option_error(const char *arg, int err);
/* Adds --cert/--key; on failure prints which file is at fault and why ("glasstls CMD:
 * --key FILE does not match the certificate in --cert FILE") and returns the error. */
int load_cert_pair(gls_config *cfg, const char *cmd, const char *cert, const char *key);
/* Warns (stderr) when the i-th certificate of cfg, from file, has expired or is not yet
 * valid. */
void warn_cert_validity(gls_config *cfg, size_t i, const char *file);
/* Colour on fd only for a terminal, and never with NO_COLOR set (no-color.org). */
bool use_colour(int fd);

/* The key-log file for --keylog or SSLKEYLOGFILE; NULL if neither. */
FILE *open_keylog(const char *path);
void keylog_to_file(void *arg, gls_conn *c, const char *line);
/* explain_live.c: `client --explain`. explain_live_new takes over cfg's traces and rng (its
 * trust settings kept; key-log lines still go to keylog if not NULL), before any connection
 * uses cfg; explain_live then runs one handshake on the connected socket fd, explained from
 * the client's side (0 if it completed), as often as asked (--resume: twice). */
struct explain_live;
struct explain_live *explain_live_new(gls_config *cfg, FILE *keylog);
int explain_live(struct explain_live *l, gls_config *cfg, int fd, const char *server_name);
void explain_live_free(struct explain_live *l);

/* What the summary and the --www page say of a connection's key exchange group (or why there
 * is none) and of its forward secrecy: "yes", "NO", or why a resumed TLS 1.2 session is not. */
const char *group_words(const gls_conn_info *info);
const char *forward_secrecy_words(const gls_conn_info *info);
/* Prints the negotiated parameters and the peer chain. */
void print_summary(FILE *f, const gls_conn *c, const char *verify_result);

/* decrypt.c: TLS 1.2 sessions opened so far, by session id and ticket, so that a later
 * abbreviated handshake resuming one can be opened with its master secret. */
#define DECRYPT_MAX_KNOWN 64
struct decrypt_known {
    struct {
        uint8_t sid[32];
        size_t sid_len;
        uint8_t *ticket; /* owned copy, or NULL */
        size_t ticket_len;
        uint8_t ms[48];
    } s[DECRYPT_MAX_KNOWN];
    size_t n;
};
void decrypt_known_free(struct decrypt_known *k);

/* decrypt.c: what may open a recorded session (either part may be empty). */
struct decrypt_material {
    const uint8_t *key_pem; /* the server's private key, PEM */
    size_t key_len;
    const char *keylog; /* NSS key-log text */
    size_t keylog_len;
    struct decrypt_known *known; /* may be NULL */
    const uint8_t *ticket_key;   /* the server's ticket master key (explain's lesson), or NULL */
    int64_t ticket_rotation;
    int64_t now;
    /* TLS 1.3: the key exchange's shared secret, recovered some other way (explain's quantum
     * adversary), with the formula that says how; dhe_len 0 if none */
    const uint8_t *dhe;
    size_t dhe_len;
    const char *dhe_formula;
};
/* Scans one recorded connection (c2s: the client's bytes, s2c: the server's) into *facts
 * (free with gls_tls_facts_free whatever the result), derives its keys from m (steps to
 * step, may be NULL) and opens both directions' protected records (each to data). GLS_OK, or
 * an error with *why saying why the session cannot be (fully) decrypted. */
int decrypt_streams(const uint8_t *c2s, size_t n_c2s, const uint8_t *s2c, size_t n_s2c,
                    const struct decrypt_material *m, gls_offline_step_fn step, void *step_arg,
                    gls_offline_data_fn data, void *data_arg, struct gls_tls_facts *facts,
                    struct gls_offline_why *why);

#endif
