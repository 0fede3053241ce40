/* tool/explain_pq.h — `explain`'s "record now, decrypt later" lesson (see explain_pq.c). */
#ifndef GLS_TOOL_EXPLAIN_PQ_H
#define GLS_TOOL_EXPLAIN_PQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* One recorded TLS 1.3 connection as the lesson needs it. */
struct pq_recording {
    const char *title;
    const char *flag;
    uint16_t group;         /* GLS_GROUP_X25519 or GLS_GROUP_X25519MLKEM768 */
    const uint8_t *wire[2]; /* [0] client to server */
    size_t wire_len[2];
    const uint8_t (*draws)[32]; /* the 32-byte random draws of both sides: the X25519 private
                                   keys among them */
    size_t n_draws;
    bool recorded;      /* whole, with the request and reply */
    const char *sigalg; /* the server's signature scheme in that handshake ("" if unknown) */
};

/* A future adversary with a quantum computer, simulated by handing it the recordings' X25519
 * private keys, opens each recording with decrypt's machinery as far as it can: printed
 * (out NULL, color for the headings) or appended to out as the JSON member "quantum_lesson".
 * 0 if what happened is what the lesson expects: every X25519 recording opens to exactly
 * request and reply, and no hybrid recording opens. */
int explain_pq_lesson(const struct pq_recording *recs, size_t n, const char *request,
                      const char *reply, bool color, struct jbuf *out);

#endif
