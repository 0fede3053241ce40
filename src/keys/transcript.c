/* keys/transcript.c — the running handshake hash (see transcript.h). Both
 * SHA-256 and SHA-384 run from the first byte: hashing a few kilobytes twice
 * costs less than buffering every message and keeps no copy of the handshake
 * around; TLS 1.2 client authentication may also need the other hash. */
#include "keys/transcript.h"

#include <string.h>

/* see transcript.h */
int gls_transcript_init(gls_transcript *t, const gls_crypto *c)
{
    memset(t, 0, sizeof *t);
    t->alg[0] = gls_hash_get(c, GLS_HASH_SHA256);
    t->alg[1] = gls_hash_get(c, GLS_HASH_SHA384);
    for (int i = 0; i < 2; i++) {
        int err = gls_hash_ctx_new(t->alg[i], &t->run[i]);
        if (err != GLS_OK) {
            gls_transcript_free(t);
            return err;
        }
    }
    return GLS_OK;
}

/* see transcript.h */
void gls_transcript_free(gls_transcript *t)
{
    for (int i = 0; i < 2; i++) {
        gls_hash_ctx_free(t->run[i]);
        t->run[i] = NULL;
    }
    t->chosen = NULL;
    t->len = 0;
}

/* see transcript.h */
int gls_transcript_add(gls_transcript *t, gls_bytes msg)
{
    for (int i = 0; i < 2; i++) {
        if (t->run[i] != NULL) {
            TRY(gls_hash_update(t->run[i], msg.p, msg.len));
        }
    }
    t->len += msg.len;
    return GLS_OK;
}

/* see transcript.h */
size_t gls_transcript_len(const gls_transcript *t)
{
    return t->len;
}

static int index_of(const gls_transcript *t, gls_hash_id id)
{
    for (int i = 0; i < 2; i++) {
        if (t->alg[i] != NULL && t->alg[i]->id == id) {
            return i;
        }
    }
    return -1;
}

/* see transcript.h */
int gls_transcript_choose(gls_transcript *t, const gls_hash_alg *h, bool keep_other)
{
    int i = index_of(t, h->id);
    if (i < 0) {
        return GLS_E_UNSUPPORTED;
    }
    if (t->chosen != NULL && t->chosen != t->alg[i]) {
        return GLS_E_INTERNAL;
    }
    if (t->run[i] == NULL) {
        return GLS_E_INTERNAL;
    }
    t->chosen = t->alg[i];
    if (!keep_other) {
        gls_transcript_drop_other(t);
    }
    return GLS_OK;
}

/* see transcript.h */
void gls_transcript_drop_other(gls_transcript *t)
{
    for (int i = 0; i < 2; i++) {
        if (t->chosen != NULL && t->alg[i] != t->chosen) {
            gls_hash_ctx_free(t->run[i]);
            t->run[i] = NULL;
        }
    }
}

/* see transcript.h */
int gls_transcript_digest_with(const gls_transcript *t, gls_hash_id id, gls_bytes extra,
                               gls_digest *out)
{
    int i = index_of(t, id);
    if (i < 0) {
        return GLS_E_UNSUPPORTED;
    }
    if (t->run[i] == NULL) {
        return GLS_E_INTERNAL;
    }
    TRY(gls_hash_peek_with(t->run[i], extra.p, extra.len, out->b));
    out->len = t->alg[i]->len;
    return GLS_OK;
}

/* see transcript.h */
int gls_transcript_digest_as(const gls_transcript *t, gls_hash_id id, gls_digest *out)
{
    return gls_transcript_digest_with(t, id, gls_bytes_of(NULL, 0), out);
}

/* see transcript.h */
int gls_transcript_digest(const gls_transcript *t, gls_digest *out)
{
    if (t->chosen == NULL) {
        return GLS_E_INTERNAL;
    }
    return gls_transcript_digest_as(t, t->chosen->id, out);
}

/* see transcript.h */
int gls_transcript_hrr_rewrite(gls_transcript *t)
{
    for (int i = 0; i < 2; i++) {
        uint8_t msg[4 + GLS_MAX_HASH];
        if (t->run[i] == NULL) {
            continue;
        }
        size_t n = t->alg[i]->len;
        TRY(gls_hash_peek(t->run[i], msg + 4));
        msg[0] = 254; /* message_hash */
        msg[1] = 0;
        msg[2] = 0;
        msg[3] = (uint8_t)n;
        gls_hash_ctx_free(t->run[i]);
        t->run[i] = NULL;
        TRY(gls_hash_ctx_new(t->alg[i], &t->run[i]));
        TRY(gls_hash_update(t->run[i], msg, 4 + n));
    }
    return GLS_OK;
}
