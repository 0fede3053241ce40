/* keys/transcript.h — the handshake transcript (RFC 8446 §4.4.1, RFC 5246
 * §7.4.9): a running hash of every handshake message, readable at any point,
 * and the HelloRetryRequest rule that replaces ClientHello1 by a synthetic
 * message_hash message.
 *
 * The hash is not known until ServerHello picks the suite, so the transcript
 * runs SHA-256 and SHA-384 side by side from the first byte, then drops the one
 * not chosen (see transcript.c for why this beats buffering). A TLS 1.2 client
 * that may have to sign a CertificateVerify under the other hash keeps both until
 * it has signed. */
#ifndef GLS_KEYS_TRANSCRIPT_H
#define GLS_KEYS_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "crypto/crypto.h"

/* One hash value (a transcript hash, a session_hash). */
typedef struct {
    uint8_t b[GLS_MAX_HASH];
    size_t len;
} gls_digest;

typedef struct {
    const gls_hash_alg *alg[2]; /* SHA-256, SHA-384 */
    gls_hash_ctx *run[2];       /* NULL once dropped */
    const gls_hash_alg *chosen; /* NULL until gls_transcript_choose */
    size_t len;                 /* bytes passed to gls_transcript_add */
} gls_transcript;

/* Starts an empty transcript running SHA-256 and SHA-384. On failure nothing
 * is left allocated; gls_transcript_free is safe on a zeroed or failed one. */
GLS_MUST_CHECK int gls_transcript_init(gls_transcript *t, const gls_crypto *c);
void gls_transcript_free(gls_transcript *t);

/* Adds one handshake message (header included) as sent or received. */
GLS_MUST_CHECK int gls_transcript_add(gls_transcript *t, gls_bytes msg);
/* Bytes passed to gls_transcript_add so far (the HRR rewrite does not change it). */
size_t gls_transcript_len(const gls_transcript *t);

/* Fixes the suite's hash (SHA-256 or SHA-384, else GLS_E_UNSUPPORTED). Unless
 * keep_other, the other hash is dropped at once; otherwise it keeps running
 * until gls_transcript_drop_other. Choosing a different hash later is
 * GLS_E_INTERNAL. */
GLS_MUST_CHECK int gls_transcript_choose(gls_transcript *t, const gls_hash_alg *h, bool keep_other);
void gls_transcript_drop_other(gls_transcript *t);

/* The hash of everything so far under the chosen hash (GLS_E_INTERNAL before
 * gls_transcript_choose). */
GLS_MUST_CHECK int gls_transcript_digest(const gls_transcript *t, gls_digest *out);
/* The same under SHA-256 or SHA-384 while that hash still runs (TLS 1.2
 * CertificateVerify); GLS_E_INTERNAL if it was dropped, GLS_E_UNSUPPORTED for
 * another hash. */
GLS_MUST_CHECK int gls_transcript_digest_as(const gls_transcript *t, gls_hash_id id,
                                            gls_digest *out);

/* The digest under hash id of the transcript followed by extra, which is not
 * added (PSK binders hash a ClientHello truncated before its binders). */
GLS_MUST_CHECK int gls_transcript_digest_with(const gls_transcript *t, gls_hash_id id,
                                              gls_bytes extra, gls_digest *out);

/* RFC 8446 §4.4.1: on HelloRetryRequest, replaces the transcript (which must
 * hold ClientHello1 only) by message_hash(254) || 00 00 Hash.length ||
 * Hash(ClientHello1), for each hash still running. Call it before adding the
 * HelloRetryRequest itself. */
GLS_MUST_CHECK int gls_transcript_hrr_rewrite(gls_transcript *t);

#endif
