/* conn_hooks.c — per-connection deployment functions (see gls.h): sessions in
 * and out, user data, and the keying material exporters of RFC 8446 §7.5 and
 * RFC 5705 (with RFC 7627 §5.4). */
#include <stdlib.h>
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "keys/hkdf.h"
#include "keys/prf12.h"

#define MAX_EXPORT  8160 /* 255 * 32: HKDF-Expand's limit with SHA-256 */
#define MAX_SEED_12 160  /* our PRF's label + seed limit */

/* see gls.h */
int gls_conn_get_session(const gls_conn *c, uint8_t *buf, size_t cap, size_t *len)
{
    if (c == NULL || len == NULL || (buf == NULL && cap > 0)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    *len = c->own_session_len;
    if (c->own_session_len == 0) {
        return GLS_E_WANT_READ;
    }
    if (cap < c->own_session_len) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    memcpy(buf, c->own_session, c->own_session_len);
    return GLS_OK;
}

/* see gls.h */
int gls_conn_set_session(gls_conn *c, const uint8_t *session, size_t len)
{
    struct gls_ticket t;
    if (c == NULL || c->is_server || session == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    /* the ClientHello is written by gls_client_new; it can be rewritten only
     * while none of it has left and nothing has arrived */
    if (c->err != GLS_OK || c->state != ST_C_WAIT_SH || c->out_off != 0 || c->in_len != 0) {
        return GLS_E_UNSUPPORTED;
    }
    if (gls_session_decode(session, len, &t) != GLS_OK) {
        gls_hs_event(c, "the session given is damaged or of an unknown format: not offered");
        return GLS_OK; /* ignored, not an error */
    }
    if (c->offer == NULL && (c->offer = calloc(1, sizeof *c->offer)) == NULL) {
        gls_ticket_wipe(&t);
        return GLS_E_NO_MEMORY;
    }
    gls_ticket_wipe(c->offer); /* a session set before: replaced */
    *c->offer = t;             /* a move: the offer owns t's ticket and chain now */
    gls_wipe(&t, sizeof t);
    /* start again: a ClientHello that offers the session */
    gls_hs_wipe(c);
    gls_wipe(c->out, c->out_len);
    c->out_len = 0;
    c->state = ST_START;
    int err = gls_hs_start(c);
    if (err != GLS_OK) {
        c->err = err; /* nothing was sent: no alert to queue */
        c->state = ST_FAILED;
    }
    return err;
}

/* see gls.h */
void gls_conn_set_user_data(gls_conn *c, void *data)
{
    if (c != NULL) {
        c->user_data = data;
    }
}

/* see gls.h */
void *gls_conn_get_user_data(const gls_conn *c)
{
    return c != NULL ? c->user_data : NULL;
}

/* RFC 8446 §7.5: HKDF-Expand-Label(Derive-Secret(exporter_master_secret,
 * label, ""), "exporter", Hash(context_value), len). */
static int export13(const gls_conn *c, const char *label, const uint8_t *ctx, size_t ctx_len,
                    uint8_t *out, size_t len)
{
    const gls_hash_alg *h = c->sess.hash;
    uint8_t empty_hash[GLS_MAX_SECRET];
    uint8_t ctx_hash[GLS_MAX_SECRET];
    gls_secret derived;
    if (strlen(label) > 255 - 6) {
        return GLS_E_INVALID_ARGUMENT;
    }
    derived.len = (uint8_t)h->len;
    int err = gls_hash(h, NULL, 0, empty_hash);
    err = err ? err : gls_hash(h, ctx, ctx != NULL ? ctx_len : 0, ctx_hash);
    err = err ? err
              : gls_hkdf_expand_label(h, &c->sess.exporter, label, empty_hash, h->len, derived.b,
                                      h->len);
    err = err ? err : gls_hkdf_expand_label(h, &derived, "exporter", ctx_hash, h->len, out, len);
    gls_secret_wipe(&derived);
    return err;
}

/* RFC 5705 §4: PRF(master_secret, label, client_random + server_random
 * [+ context_value_length + context_value])[0..len). */
static int export12(const gls_conn *c, const char *label, const uint8_t *ctx, size_t ctx_len,
                    uint8_t *out, size_t len)
{
    uint8_t seed2[MAX_SEED_12];
    size_t n2 = 0;
    if (c->export12.len == 0) {
        return GLS_E_EMS_REQUIRED;
    }
    if (strlen(label) + 64 + (ctx != NULL ? 2 + ctx_len : 0) > MAX_SEED_12) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (ctx != NULL) {
        gls_put_u16(seed2, (uint16_t)ctx_len);
        memcpy(seed2 + 2, ctx, ctx_len);
        n2 = 2 + ctx_len;
    }
    return gls_prf12(c->sess.hash, c->export12.b, c->export12.len, label, c->export_randoms, 64,
                     seed2, n2, out, len);
}

/* see gls.h */
int gls_conn_export_keying_material(const gls_conn *c, const char *label, const uint8_t *context,
                                    size_t context_len, uint8_t *out, size_t len)
{
    if (c == NULL || label == NULL || out == NULL || len == 0 || len > MAX_EXPORT ||
        (context == NULL && context_len != 0)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (c->err != GLS_OK || c->state != ST_CONNECTED) {
        return GLS_E_NOT_CONNECTED;
    }
    return c->sess.version == GLS_TLS13 ? export13(c, label, context, context_len, out, len)
                                        : export12(c, label, context, context_len, out, len);
}
