/* msg/cert.c — Certificate (RFC 8446 §4.4.2, RFC 5246 §7.4.2), CertificateRequest (RFC 8446
 * §4.3.2, RFC 5246 §7.4.4) and CertificateVerify (RFC 8446 §4.4.3, RFC 5246 §7.4.8): parse
 * and write, in both versions' forms. Certificates stay opaque DER here; crypto/ decodes
 * them. Whether a chain is acceptable, or signature_algorithms present, is for hs/. */
#include "msg/msg.h"

#include <string.h>

#include "base/errors.h"

/* One TLS 1.3 CertificateEntry's extensions: only status_request is known (§4.4.2.1). */
static int parse_entry_exts(gls_reader *r, struct gls_cert_entry *entry)
{
    struct gls_exts ext;
    TRY(gls_exts_parse(r, GLS_CTX_CERTIFICATE, &ext));
    entry->ocsp_response = ext.ocsp_response;
    return GLS_OK;
}

/* see msg.h */
int gls_certificate_parse(gls_reader *r, bool tls13, struct gls_certificate *out)
{
    memset(out, 0, sizeof *out);
    out->tls13 = tls13;
    if (tls13) {
        out->context = gls_read_opaque8(r, 0, 255);
    }
    gls_reader list = gls_read_vector24(r, 0, 0xffffff);
    while (!list.bad && gls_reader_left(&list) > 0) {
        struct gls_cert_entry entry = {{NULL, 0}, {NULL, 0}};
        entry.cert_data = gls_read_opaque24(&list, 1, 0xffffff);
        if (tls13 && !list.bad) {
            TRY(parse_entry_exts(&list, &entry));
        }
        if (out->n_entries < GLS_MAX_CERT_CHAIN) {
            out->entries[out->n_entries++] = entry;
        }
        out->n_total++;
    }
    gls_reader_close(r, &list);
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

static int write_entry_exts(gls_writer *w, const struct gls_cert_entry *entry)
{
    struct gls_exts ext;
    memset(&ext, 0, sizeof ext);
    if (entry->ocsp_response.len > 0) {
        gls_exts_set(&ext, GLS_X_STATUS_REQUEST);
        ext.status_type = 1; /* ocsp */
        ext.ocsp_response = entry->ocsp_response;
    }
    return gls_exts_write(w, GLS_CTX_CERTIFICATE, &ext);
}

/* see msg.h */
int gls_certificate_write(gls_writer *w, const struct gls_certificate *c)
{
    if (c->n_entries > GLS_MAX_CERT_CHAIN) {
        return GLS_E_INTERNAL;
    }
    if (c->tls13) {
        gls_write_opaque8(w, c->context.p, c->context.len);
    }
    gls_mark list = gls_write_open(w, 3);
    for (size_t i = 0; i < c->n_entries; i++) {
        const struct gls_cert_entry *entry = &c->entries[i];
        gls_write_opaque24(w, entry->cert_data.p, entry->cert_data.len);
        if (c->tls13) {
            TRY(write_entry_exts(w, entry));
        }
    }
    gls_write_close(w, list);
    return gls_writer_result(w);
}

/* RFC 5246 §7.4.4: DistinguishedName certificate_authorities<0..2^16-1>, each <1..2^16-1>. */
static gls_bytes read_authorities(gls_reader *r)
{
    gls_bytes all = gls_read_opaque16(r, 0, 65535);
    gls_reader list = gls_reader_init(all.p, all.len);
    while (!list.bad && gls_reader_left(&list) > 0) {
        gls_read_opaque16(&list, 1, 65535);
    }
    if (!gls_reader_done(&list)) {
        r->bad = true;
    }
    return all;
}

/* see msg.h */
int gls_certificate_request_parse(gls_reader *r, bool tls13, struct gls_certificate_request *out)
{
    memset(out, 0, sizeof *out);
    out->tls13 = tls13;
    if (tls13) {
        out->context = gls_read_opaque8(r, 0, 255);
        const uint8_t *exts_at = r->p;
        TRY(gls_exts_parse(r, GLS_CTX_CERTIFICATE_REQUEST, &out->ext));
        if (r->p - exts_at == 2) { /* extensions<2..2^16-1>: not empty */
            return GLS_E_DECODE;
        }
    } else {
        out->cert_types = gls_read_opaque8(r, 1, 255);
        out->sigalgs = gls_read_opaque16(r, 2, 65534);
        if (out->sigalgs.len % 2 != 0) {
            return GLS_E_DECODE;
        }
        out->authorities = read_authorities(r);
    }
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_certificate_request_write(gls_writer *w, const struct gls_certificate_request *cr)
{
    if (cr->tls13) {
        gls_write_opaque8(w, cr->context.p, cr->context.len);
        TRY(gls_exts_write(w, GLS_CTX_CERTIFICATE_REQUEST, &cr->ext));
        return gls_writer_result(w);
    }
    gls_write_opaque8(w, cr->cert_types.p, cr->cert_types.len);
    gls_write_opaque16(w, cr->sigalgs.p, cr->sigalgs.len);
    gls_write_opaque16(w, cr->authorities.p, cr->authorities.len);
    return gls_writer_result(w);
}

/* see msg.h */
int gls_certificate_verify_parse(gls_reader *r, struct gls_certificate_verify *out)
{
    out->scheme = gls_read_u16(r);
    out->signature = gls_read_opaque16(r, 0, 65535);
    return gls_reader_done(r) ? GLS_OK : GLS_E_DECODE;
}

/* see msg.h */
int gls_certificate_verify_write(gls_writer *w, const struct gls_certificate_verify *cv)
{
    gls_write_u16(w, cv->scheme);
    gls_write_opaque16(w, cv->signature.p, cv->signature.len);
    return gls_writer_result(w);
}
