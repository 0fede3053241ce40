/* tool/explain.h — what the files of `glasstls explain` share: the connections it runs
 * (explain.c), their recordings, and the lessons, timing and answers made from them
 * (explain_lessons.c). Internal to the tool. */
#ifndef GLS_TOOL_EXPLAIN_H
#define GLS_TOOL_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explain_inputs.h"
#include "json.h"

/* What crossed the wire in one connection: [0] client to server, [1] back. */
struct tape {
    uint8_t *b[2];
    size_t len[2];
    size_t cap[2];
    bool bad; /* out of memory: the recording is incomplete */
};

/* One of the connections explain runs. */
struct session_kind {
    const char *flag;
    const char *title;
    uint16_t version;
    uint16_t suite;
    int ec_cert;
    int rsa_kx;
    uint16_t group;
};

#define N_KINDS 4
/* In run order: RSA, ECDHE, TLS 1.3 X25519, TLS 1.3 X25519MLKEM768. */
extern const struct session_kind explain_kinds[N_KINDS];

/* One connection as the lesson needs it: the recording, the server's key, what was sent. */
struct recording {
    struct tape tape;
    uint8_t *key_pem; /* the server's private key: "leaked" in the lesson */
    size_t key_len;
    uint8_t *cert_pem; /* its self-signed certificate */
    size_t cert_len;
    char verify[2][200];    /* what verification would have said: [0] system trust store, [1] this
                               certificate as the trust anchor */
    uint8_t ticket_key[32]; /* the server's ticket master key: "leaked" in the second scenario */
    int64_t rotation;
    int64_t now;
    bool have_ticket_key;
    bool exchanged;                       /* the request and reply went through */
    uint8_t draws[EXPLAIN_MAX_DRAWS][32]; /* both sides' 32-byte random draws: the X25519
                                             private keys the quantum lesson hands over */
    size_t n_draws;
    char sigalg[48];      /* the server's signature scheme in this handshake, or "" if none */
    bool ticket_in_clear; /* a TLS 1.2 NewSessionTicket crossed the wire unencrypted */
    /* for the answers: the start of a few client secrets (hex), and the agreement count */
    char pms[17];
    char master[17];
    char cwk[17];
    size_t same;
    size_t total;
};

/* What the client asks and the server answers after each handshake. */
extern const char explain_request[];
extern const char explain_reply[];

/* code (an ANSI escape) when colour is on, else "". */
const char *explain_c_on(const char *code);

/* Bytes in double quotes, CR and LF as \r and \n, other non-printing bytes as \xNN. */
void explain_print_quoted(const uint8_t *p, size_t n);

/* "* " and the text, wrapped at 92 columns with a two-space indent. */
void explain_print_bullet(const char *text);

/* After all the connections: the lessons, the timing and the answers, printed or (out not
 * NULL) appended to the JSON document's members. 0 if every check held. */
int explain_finale(const struct recording *recs, struct jbuf *out);

#endif
