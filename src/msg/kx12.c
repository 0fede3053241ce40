/* msg/kx12.c — TLS 1.2 ServerKeyExchange and ClientKeyExchange for ECDHE (RFC 8422 §5.4,
 * §5.7), DHE (RFC 5246 §7.4.3, §7.4.7.2) and RSA (RFC 5246 §7.4.7.1): parse and write. The
 * caller says which form to expect (it follows from the negotiated suite). The signed params
 * are kept as a view so the handler can verify client_random || server_random || params. */
#include "msg/msg.h"

#include <string.h>

#include "base/errors.h"

#define CURVE_TYPE_NAMED_CURVE 3 /* RFC 8422 §5.4 ECCurveType */

/* Reads ServerECDHParams or ServerDHParams; GLS_E_ILLEGAL_PARAMETER for a non-named curve. */
static int read_params(gls_reader *r, struct gls_server_key_exchange *out)
{
    if (out->kx == GLS_KX_DHE) {
        out->dh_p = gls_read_opaque16(r, 1, 65535);
        out->dh_g = gls_read_opaque16(r, 1, 65535);
        out->dh_ys = gls_read_opaque16(r, 1, 65535);
        return GLS_OK;
    }
    uint8_t curve_type = gls_read_u8(r);
    if (!r->bad && curve_type != CURVE_TYPE_NAMED_CURVE) {
        return GLS_E_ILLEGAL_PARAMETER; /* explicit curves are deprecated (RFC 8422 §5.4) */
    }
    out->group = gls_read_u16(r);
    out->point = gls_read_opaque8(r, 1, 255);
    return GLS_OK;
}

/* see msg.h */
int gls_server_key_exchange_parse(gls_reader *r, enum gls_kx kx,
                                  struct gls_server_key_exchange *out)
{
    memset(out, 0, sizeof *out);
    if (kx != GLS_KX_ECDHE && kx != GLS_KX_DHE) {
        return GLS_E_INTERNAL;
    }
    out->kx = kx;
    const uint8_t *params_at = r->p;
    TRY(read_params(r, out));
    if (r->bad) {
        return GLS_E_DECODE;
    }
    out->params = gls_bytes_of(params_at, (size_t)(r->p - params_at));
    out->scheme = gls_read_u16(r);
    out->signature = gls_read_opaque16(r, 0, 65535);
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_ske_params_write(gls_writer *w, const struct gls_server_key_exchange *ske)
{
    if (ske->kx == GLS_KX_DHE) {
        gls_write_opaque16(w, ske->dh_p.p, ske->dh_p.len);
        gls_write_opaque16(w, ske->dh_g.p, ske->dh_g.len);
        gls_write_opaque16(w, ske->dh_ys.p, ske->dh_ys.len);
    } else if (ske->kx == GLS_KX_ECDHE) {
        gls_write_u8(w, CURVE_TYPE_NAMED_CURVE);
        gls_write_u16(w, ske->group);
        gls_write_opaque8(w, ske->point.p, ske->point.len);
    } else {
        return GLS_E_INTERNAL;
    }
    return gls_writer_result(w);
}

/* see msg.h */
int gls_server_key_exchange_write(gls_writer *w, const struct gls_server_key_exchange *ske)
{
    TRY(gls_ske_params_write(w, ske));
    gls_write_u16(w, ske->scheme);
    gls_write_opaque16(w, ske->signature.p, ske->signature.len);
    return gls_writer_result(w);
}

/* see msg.h */
int gls_client_key_exchange_parse(gls_reader *r, enum gls_kx kx,
                                  struct gls_client_key_exchange *out)
{
    memset(out, 0, sizeof *out);
    out->kx = kx;
    switch (kx) {
    case GLS_KX_ECDHE:
        out->exchange = gls_read_opaque8(r, 1, 255);
        break;
    case GLS_KX_DHE:
        out->exchange = gls_read_opaque16(r, 1, 65535);
        break;
    case GLS_KX_RSA:
        out->exchange = gls_read_opaque16(r, 0, 65535);
        break;
    default:
        return GLS_E_INTERNAL;
    }
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_client_key_exchange_write(gls_writer *w, const struct gls_client_key_exchange *cke)
{
    switch (cke->kx) {
    case GLS_KX_ECDHE:
        gls_write_opaque8(w, cke->exchange.p, cke->exchange.len);
        break;
    case GLS_KX_DHE:
    case GLS_KX_RSA:
        gls_write_opaque16(w, cke->exchange.p, cke->exchange.len);
        break;
    default:
        return GLS_E_INTERNAL;
    }
    return gls_writer_result(w);
}
