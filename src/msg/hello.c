/* msg/hello.c — ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and ServerHello /
 * HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4, RFC 5246 §7.4.1.3): parse and write, structure
 * only. A TLS 1.2 hello may end right after the compression field (no extension block). The
 * version, suite and compression choices are checked by the handshake handlers. */
#include "msg/msg.h"

#include <string.h>

#include "base/errors.h"

/* RFC 8446 §4.1.3: SHA-256("HelloRetryRequest"). */
const uint8_t gls_hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* see msg.h */
int gls_client_hello_parse(gls_reader *r, struct gls_client_hello *out)
{
    const uint8_t *start = r->p;
    memset(out, 0, sizeof *out);
    out->legacy_version = gls_read_u16(r);
    gls_read_fixed(r, out->random, sizeof out->random);
    out->session_id = gls_read_opaque8(r, 0, 32);
    out->suites = gls_read_opaque16(r, 2, 65534);
    out->compression = gls_read_opaque8(r, 1, 255);
    if (r->bad || out->suites.len % 2 != 0) {
        return GLS_E_DECODE;
    }
    if (gls_reader_left(r) > 0) {
        out->has_exts = true;
        TRY(gls_exts_parse(r, GLS_CTX_CLIENT_HELLO, &out->ext));
        if (gls_exts_has(&out->ext, GLS_X_PRE_SHARED_KEY)) {
            out->binders_offset = (size_t)(out->ext.psk_binders_at - start);
        }
    }
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_client_hello_write(gls_writer *w, const struct gls_client_hello *ch)
{
    if (ch->session_id.len > 32) {
        return GLS_E_INTERNAL;
    }
    gls_write_u16(w, ch->legacy_version);
    gls_write_bytes(w, ch->random, sizeof ch->random);
    gls_write_opaque8(w, ch->session_id.p, ch->session_id.len);
    gls_write_opaque16(w, ch->suites.p, ch->suites.len);
    gls_write_opaque8(w, ch->compression.p, ch->compression.len);
    if (ch->has_exts) {
        TRY(gls_exts_write(w, GLS_CTX_CLIENT_HELLO, &ch->ext));
    }
    return gls_writer_result(w);
}

/* see msg.h */
int gls_server_hello_parse(gls_reader *r, struct gls_server_hello *out)
{
    memset(out, 0, sizeof *out);
    out->legacy_version = gls_read_u16(r);
    gls_read_fixed(r, out->random, sizeof out->random);
    out->session_id = gls_read_opaque8(r, 0, 32);
    out->cipher_suite = gls_read_u16(r);
    out->compression = gls_read_u8(r);
    if (r->bad) {
        return GLS_E_DECODE;
    }
    /* RFC 8446 §4.1.3: the random marks a HelloRetryRequest (a public constant) */
    out->is_hrr = memcmp(out->random, gls_hrr_random, sizeof gls_hrr_random) == 0;
    if (gls_reader_left(r) > 0) {
        out->has_exts = true;
        enum gls_ext_ctx ctx = out->is_hrr ? GLS_CTX_HRR : GLS_CTX_SERVER_HELLO_ANY;
        TRY(gls_exts_parse(r, ctx, &out->ext));
        if (!out->is_hrr) {
            bool v13 = gls_exts_has(&out->ext, GLS_X_SUPPORTED_VERSIONS);
            TRY(gls_exts_check(&out->ext, v13 ? GLS_CTX_SERVER_HELLO : GLS_CTX_SERVER_HELLO_12));
        }
    }
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_server_hello_write(gls_writer *w, const struct gls_server_hello *sh)
{
    if (sh->session_id.len > 32) {
        return GLS_E_INTERNAL;
    }
    gls_write_u16(w, sh->legacy_version);
    gls_write_bytes(w, sh->is_hrr ? gls_hrr_random : sh->random, 32);
    gls_write_opaque8(w, sh->session_id.p, sh->session_id.len);
    gls_write_u16(w, sh->cipher_suite);
    gls_write_u8(w, sh->compression);
    if (sh->has_exts) {
        enum gls_ext_ctx ctx = GLS_CTX_SERVER_HELLO_12;
        if (sh->is_hrr) {
            ctx = GLS_CTX_HRR;
        } else if (gls_exts_has(&sh->ext, GLS_X_SUPPORTED_VERSIONS)) {
            ctx = GLS_CTX_SERVER_HELLO;
        }
        TRY(gls_exts_write(w, ctx, &sh->ext));
    }
    return gls_writer_result(w);
}
