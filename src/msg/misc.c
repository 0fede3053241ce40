/* msg/misc.c — the small messages: EncryptedExtensions (RFC 8446 §4.3.1), Finished (RFC 8446
 * §4.4.4, RFC 5246 §7.4.9), NewSessionTicket (RFC 8446 §4.6.1, RFC 5077 §3.3), KeyUpdate
 * (RFC 8446 §4.6.3), and the empty ServerHelloDone and HelloRequest (RFC 5246 §7.4.5,
 * §7.4.1.1). Parse and write, structure only (KeyUpdate's value range aside). */
#include "msg/msg.h"

#include <string.h>

#include "base/errors.h"

/* see msg.h */
int gls_encrypted_extensions_parse(gls_reader *r, struct gls_encrypted_extensions *out)
{
    TRY(gls_exts_parse(r, GLS_CTX_ENCRYPTED_EXTENSIONS, &out->ext));
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_encrypted_extensions_write(gls_writer *w, const struct gls_encrypted_extensions *ee)
{
    return gls_exts_write(w, GLS_CTX_ENCRYPTED_EXTENSIONS, &ee->ext);
}

/* see msg.h */
int gls_finished_parse(gls_reader *r, size_t verify_len, struct gls_finished *out)
{
    out->verify_data = gls_read_bytes(r, verify_len);
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_finished_write(gls_writer *w, const struct gls_finished *f)
{
    gls_write_bytes(w, f->verify_data.p, f->verify_data.len);
    return gls_writer_result(w);
}

/* see msg.h */
int gls_new_session_ticket_parse(gls_reader *r, bool tls13, struct gls_new_session_ticket *out)
{
    memset(out, 0, sizeof *out);
    out->tls13 = tls13;
    out->lifetime = gls_read_u32(r);
    if (!tls13) {
        out->ticket = gls_read_opaque16(r, 0, 65535);
        return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
    }
    out->age_add = gls_read_u32(r);
    out->nonce = gls_read_opaque8(r, 0, 255);
    out->ticket = gls_read_opaque16(r, 1, 65535);
    TRY(gls_exts_parse(r, GLS_CTX_NEW_SESSION_TICKET, &out->ext));
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_new_session_ticket_write(gls_writer *w, const struct gls_new_session_ticket *t)
{
    gls_write_u32(w, t->lifetime);
    if (!t->tls13) {
        gls_write_opaque16(w, t->ticket.p, t->ticket.len);
        return gls_writer_result(w);
    }
    gls_write_u32(w, t->age_add);
    gls_write_opaque8(w, t->nonce.p, t->nonce.len);
    gls_write_opaque16(w, t->ticket.p, t->ticket.len);
    return gls_exts_write(w, GLS_CTX_NEW_SESSION_TICKET, &t->ext);
}

/* see msg.h */
int gls_key_update_parse(gls_reader *r, struct gls_key_update *out)
{
    out->request_update = gls_read_u8(r);
    if (!gls_reader_done(r)) {
        return GLS_E_DECODE;
    }
    /* RFC 8446 §4.6.3: any other value is an illegal_parameter */
    return out->request_update <= 1 ? GLS_OK : GLS_E_ILLEGAL_PARAMETER;
}

/* see msg.h */
int gls_key_update_write(gls_writer *w, const struct gls_key_update *ku)
{
    gls_write_u8(w, ku->request_update);
    return gls_writer_result(w);
}

/* see msg.h */
int gls_server_hello_done_parse(gls_reader *r)
{
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_hello_request_parse(gls_reader *r)
{
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
void gls_hs_header_write(gls_writer *w, uint8_t type, size_t body_len)
{
    gls_write_u8(w, type);
    if (body_len > 0xffffff) {
        w->bad = true;
        return;
    }
    gls_write_u24(w, (uint32_t)body_len);
}

/* see msg.h */
int gls_hs_header_parse(gls_reader *r, uint8_t *type, uint32_t *body_len)
{
    *type = gls_read_u8(r);
    *body_len = gls_read_u24(r);
    return r->bad ? GLS_E_DECODE : GLS_OK;
}
