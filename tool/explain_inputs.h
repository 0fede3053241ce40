/* tool/explain_inputs.h — the inputs of one explained connection, shown so that a reader (and
 * tests/tool/explain_selfcheck.sh) can recompute every printed secret: the randoms, the key
 * shares with the in-process ephemeral private keys, every handshake message's bytes, the
 * transcript hashes next to the secrets that use them, the classic master secret beside the
 * extended one, the key lengths, the ticket nonce, and one application record each way with
 * its nonce construction and decryption. Read from the recording with the client's key log. */
#ifndef GLS_TOOL_EXPLAIN_INPUTS_H
#define GLS_TOOL_EXPLAIN_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define EXPLAIN_MAX_DRAWS 64

/* What the connection left behind: the two directions' bytes, the client's key log, the
 * 32-byte random draws of both sides (private keys among them), the client's secrets. */
struct explain_capture {
    const uint8_t *wire[2]; /* [0] client to server */
    size_t wire_len[2];
    const char *keylog;
    size_t keylog_len;
    uint8_t draws[EXPLAIN_MAX_DRAWS][32];
    size_t n_draws;
    uint8_t kem_seeds[64]; /* the client's ML-KEM key seeds d || z (hybrid sessions) */
    bool have_kem_seeds;
    const uint8_t *server_key_pem; /* RSA key exchange: the key that decrypts the pre-master */
    size_t server_key_len;
    bool in_process; /* explain's own server: both sides' draws are here (else client only) */
    bool (*secret)(void *arg, const char *name, const uint8_t **v, size_t *len);
    void *secret_arg;
};

/* Keeps what an explained connection's random generator drew that the inputs show: each
 * 32-byte draw (the X25519 private keys among them) and the client's 64-byte ML-KEM seeds. */
void explain_capture_draw(struct explain_capture *cap, const uint8_t *p, size_t len);

/* Prints the inputs (text non-zero) and/or appends them as the JSON object "inputs" members
 * to j (may be NULL). False if the recording could not be read back. */
bool explain_inputs(const struct explain_capture *cap, bool text, struct jbuf *j);

#endif
