/* msg/ext.c — the extension block (RFC 8446 §4.2): parse and write of every extension
 * glasstls knows, duplicate detection, the per-message legality table (RFC 8446 §4.2,
 * plus the TLS 1.2 ServerHello row from RFC 5246 §7.4.1.4, 5746, 5077, 7301, 7366, 7627,
 * 8422, 8449, 6066), the "pre_shared_key is last" rule (§4.2.11), and the PSK binder
 * helpers (§4.2.11.2). Each extension's form may depend on the message (ctx). */
#include "msg/msg.h"

#include <string.h>

#include "base/errors.h"
#include "base/wire.h"

#define BIT(x) (1u << GLS_X_##x)

/* The RFC 8446 §4.2 table, one row per message, plus the TLS 1.2 ServerHello. */
static const uint32_t allowed[GLS_CTX_COUNT] = {
    [GLS_CTX_CLIENT_HELLO] = (1u << GLS_X_COUNT) - 1,
    [GLS_CTX_SERVER_HELLO] = BIT(PRE_SHARED_KEY) | BIT(SUPPORTED_VERSIONS) | BIT(KEY_SHARE),
    [GLS_CTX_HRR] = BIT(COOKIE) | BIT(SUPPORTED_VERSIONS) | BIT(KEY_SHARE),
    [GLS_CTX_SERVER_HELLO_12] = BIT(SERVER_NAME) | BIT(STATUS_REQUEST) | BIT(EC_POINT_FORMATS) |
                                BIT(ALPN) | BIT(ENCRYPT_THEN_MAC) | BIT(EXTENDED_MASTER_SECRET) |
                                BIT(RECORD_SIZE_LIMIT) | BIT(SESSION_TICKET) |
                                BIT(RENEGOTIATION_INFO),
    [GLS_CTX_SERVER_HELLO_ANY] = BIT(PRE_SHARED_KEY) | BIT(SUPPORTED_VERSIONS) | BIT(KEY_SHARE) |
                                 BIT(SERVER_NAME) | BIT(STATUS_REQUEST) | BIT(EC_POINT_FORMATS) |
                                 BIT(ALPN) | BIT(ENCRYPT_THEN_MAC) | BIT(EXTENDED_MASTER_SECRET) |
                                 BIT(RECORD_SIZE_LIMIT) | BIT(SESSION_TICKET) |
                                 BIT(RENEGOTIATION_INFO),
    [GLS_CTX_ENCRYPTED_EXTENSIONS] = BIT(SERVER_NAME) | BIT(SUPPORTED_GROUPS) | BIT(ALPN) |
                                     BIT(RECORD_SIZE_LIMIT) | BIT(EARLY_DATA),
    [GLS_CTX_CERTIFICATE_REQUEST] = BIT(STATUS_REQUEST) | BIT(SIGNATURE_ALGORITHMS) |
                                    BIT(SIGNATURE_ALGORITHMS_CERT) | BIT(CERTIFICATE_AUTHORITIES),
    [GLS_CTX_CERTIFICATE] = BIT(STATUS_REQUEST),
    [GLS_CTX_NEW_SESSION_TICKET] = BIT(EARLY_DATA),
};

/* Messages whose receiver ignores extensions it does not know (RFC 8446 §4.1.2, §4.3.2,
 * §4.6.1). Elsewhere an unknown one answers a request we never made (§4.2). */
static bool skips_unknown(enum gls_ext_ctx ctx)
{
    return ctx == GLS_CTX_CLIENT_HELLO || ctx == GLS_CTX_CERTIFICATE_REQUEST ||
           ctx == GLS_CTX_NEW_SESSION_TICKET;
}

/* Reads a u16 list (length width 1 or 2, byte bounds min..max) as a view of its body; an odd
 * length makes r bad. */
static gls_bytes read_u16_list(gls_reader *r, uint8_t width, size_t min, size_t max)
{
    gls_bytes b = width == 1 ? gls_read_opaque8(r, min, max) : gls_read_opaque16(r, min, max);
    if (b.len % 2 != 0) {
        r->bad = true;
    }
    return b;
}

/* Checks that b is a list of opaque8<min..255> items and counts them. */
static bool is_opaque8_list(gls_bytes b, size_t min, size_t *count)
{
    gls_reader r = gls_reader_init(b.p, b.len);
    *count = 0;
    while (!r.bad && gls_reader_left(&r) > 0) {
        gls_read_opaque8(&r, min, 255);
        (*count)++;
    }
    return gls_reader_done(&r);
}

/* Checks that b is a list of opaque16<1..2^16-1> items (DistinguishedName, ResponderID). */
static bool is_opaque16_list(gls_bytes b)
{
    gls_reader r = gls_reader_init(b.p, b.len);
    while (!r.bad && gls_reader_left(&r) > 0) {
        gls_read_opaque16(&r, 1, 65535);
    }
    return gls_reader_done(&r);
}

/* ---- one parser per extension: read from d (the extension_data); structure errors make d
 * bad; the caller checks d was consumed exactly ---- */

static void parse_empty(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)d;
    (void)ctx;
    (void)e;
}

/* RFC 6066 §3: ServerName server_name_list<1..2^16-1>; a host_name (type 0) is a HostName<1..>,
 * any other type's data begins with a 16-bit length. server_name is the first host_name (empty if
 * none); which types repeat, or whether the name is a DNS name, is for the handler. Server
 * messages send the extension empty. */
static void parse_server_name(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    if (ctx != GLS_CTX_CLIENT_HELLO) {
        return;
    }
    e->server_names = gls_read_opaque16(d, 1, 65535);
    gls_reader list = gls_reader_init(e->server_names.p, e->server_names.len);
    while (!list.bad && gls_reader_left(&list) > 0) {
        bool host = gls_read_u8(&list) == 0;
        gls_bytes name = gls_read_opaque16(&list, host ? 1 : 0, 65535);
        if (host && e->server_name.p == NULL) {
            e->server_name = name;
        }
    }
    if (!gls_reader_done(&list)) {
        d->bad = true;
    }
}

/* RFC 6066 §8 (request), RFC 8446 §4.4.2.1 (CertificateEntry: CertificateStatus). */
static void parse_status_request(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    if (ctx != GLS_CTX_CLIENT_HELLO && ctx != GLS_CTX_CERTIFICATE) {
        return; /* an empty acknowledgement or request */
    }
    e->status_type = gls_read_u8(d);
    if (e->status_type != 1) { /* ocsp is the only type with a defined body */
        d->bad = true;
        return;
    }
    if (ctx == GLS_CTX_CERTIFICATE) {
        e->ocsp_response = gls_read_opaque24(d, 1, 0xffffff);
        return;
    }
    e->ocsp_responder_ids = gls_read_opaque16(d, 0, 65535);
    e->ocsp_request_exts = gls_read_opaque16(d, 0, 65535);
    if (!is_opaque16_list(e->ocsp_responder_ids)) {
        d->bad = true;
    }
}

static void parse_groups(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->groups = read_u16_list(d, 2, 2, 65534);
}

/* ec_point_format_list<1..2^8-1>. A ClientHello's may be empty here: TLS 1.3 ignores the
 * extension (tlsfuzzer sends it empty), and the TLS 1.2 server refuses an empty one itself. */
static void parse_point_formats(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    e->point_formats = gls_read_opaque8(d, ctx == GLS_CTX_CLIENT_HELLO ? 0 : 1, 255);
}

static void parse_sigalgs(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->sigalgs = read_u16_list(d, 2, 2, 65534);
}

static void parse_sigalgs_cert(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->sigalgs_cert = read_u16_list(d, 2, 2, 65534);
}

/* RFC 7301 §3.1: non-empty names; a server's list holds exactly one. */
static void parse_alpn(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    size_t count = 0;
    e->alpn = gls_read_opaque16(d, 2, 65535);
    if (!is_opaque8_list(e->alpn, 1, &count) || (ctx != GLS_CTX_CLIENT_HELLO && count != 1)) {
        d->bad = true;
    }
}

static void parse_record_size_limit(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->record_size_limit = gls_read_u16(d);
}

/* RFC 5077 §3.2: the client's extension_data is the ticket itself; the server's is empty. */
static void parse_session_ticket(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    if (ctx == GLS_CTX_CLIENT_HELLO) {
        e->session_ticket = gls_read_rest(d);
    }
}

static void parse_cert_authorities(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->cert_authorities = gls_read_opaque16(d, 3, 65535);
    if (!is_opaque16_list(e->cert_authorities)) {
        d->bad = true;
    }
}

static void parse_renegotiation_info(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->renegotiation_info = gls_read_opaque8(d, 0, 255);
}

static void parse_supported_versions(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    if (ctx == GLS_CTX_CLIENT_HELLO) {
        e->versions = read_u16_list(d, 1, 2, 254);
    } else {
        e->selected_version = gls_read_u16(d);
    }
}

static void parse_cookie(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->cookie = gls_read_opaque16(d, 1, 65535);
}

static void parse_psk_modes(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    (void)ctx;
    e->psk_modes = gls_read_opaque8(d, 1, 255);
}

/* key_exchange<1..2^16-1>: an empty one is read here and refused by the key exchange as an
 * invalid public value (illegal_parameter, RFC 8446 §4.2.8.1-2), as tlsfuzzer expects. */
static struct gls_key_share_entry read_share(gls_reader *r)
{
    struct gls_key_share_entry ks;
    ks.group = gls_read_u16(r);
    ks.key = gls_read_opaque16(r, 0, 65535);
    return ks;
}

/* RFC 8446 §4.2.8: a list (ClientHello), one entry (ServerHello) or a group (HRR). */
static void parse_key_share(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    if (ctx == GLS_CTX_HRR) {
        e->hrr_group = gls_read_u16(d);
        return;
    }
    if (ctx != GLS_CTX_CLIENT_HELLO) {
        e->share = read_share(d);
        return;
    }
    e->shares = gls_read_opaque16(d, 0, 65535);
    gls_reader list = gls_reader_init(e->shares.p, e->shares.len);
    while (!list.bad && gls_reader_left(&list) > 0) {
        (void)read_share(&list);
    }
    if (!gls_reader_done(&list)) {
        d->bad = true;
    }
}

static void parse_early_data(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    if (ctx == GLS_CTX_NEW_SESSION_TICKET) {
        e->max_early_data = gls_read_u32(d);
    }
}

/* RFC 8446 §4.2.11: OfferedPsks in ClientHello, selected_identity in ServerHello. */
static void parse_psk(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e)
{
    size_t n = 0;
    if (ctx != GLS_CTX_CLIENT_HELLO) {
        e->psk_selected = gls_read_u16(d);
        return;
    }
    e->psk_ids = gls_read_opaque16(d, 7, 65535);
    gls_reader ids = gls_reader_init(e->psk_ids.p, e->psk_ids.len);
    while (!ids.bad && gls_reader_left(&ids) > 0) {
        gls_read_opaque16(&ids, 1, 65535);
        gls_read_u32(&ids);
        n++;
    }
    e->psk_ids_total = (uint16_t)n;
    e->psk_binders_at = d->p;
    e->psk_binders = gls_read_opaque16(d, 33, 65535);
    if (!gls_reader_done(&ids) || !is_opaque8_list(e->psk_binders, 32, &n)) {
        d->bad = true;
    }
    e->psk_binders_total = (uint16_t)n;
}

/* ---- one writer per extension: the extension_data only ---- */

static void write_empty(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)w;
    (void)ctx;
    (void)e;
}

static void write_server_name(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx != GLS_CTX_CLIENT_HELLO) {
        return;
    }
    gls_mark list = gls_write_open(w, 2);
    gls_write_u8(w, 0); /* host_name */
    gls_write_opaque16(w, e->server_name.p, e->server_name.len);
    gls_write_close(w, list);
}

static void write_status_request(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx != GLS_CTX_CLIENT_HELLO && ctx != GLS_CTX_CERTIFICATE) {
        return;
    }
    gls_write_u8(w, e->status_type);
    if (ctx == GLS_CTX_CERTIFICATE) {
        gls_write_opaque24(w, e->ocsp_response.p, e->ocsp_response.len);
        return;
    }
    gls_write_opaque16(w, e->ocsp_responder_ids.p, e->ocsp_responder_ids.len);
    gls_write_opaque16(w, e->ocsp_request_exts.p, e->ocsp_request_exts.len);
}

static void write_groups(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque16(w, e->groups.p, e->groups.len);
}

static void write_point_formats(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque8(w, e->point_formats.p, e->point_formats.len);
}

static void write_sigalgs(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque16(w, e->sigalgs.p, e->sigalgs.len);
}

static void write_sigalgs_cert(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque16(w, e->sigalgs_cert.p, e->sigalgs_cert.len);
}

static void write_alpn(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque16(w, e->alpn.p, e->alpn.len);
}

static void write_record_size_limit(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_u16(w, e->record_size_limit);
}

static void write_session_ticket(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx == GLS_CTX_CLIENT_HELLO) {
        gls_write_bytes(w, e->session_ticket.p, e->session_ticket.len);
    }
}

static void write_cert_authorities(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque16(w, e->cert_authorities.p, e->cert_authorities.len);
}

static void write_renegotiation_info(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque8(w, e->renegotiation_info.p, e->renegotiation_info.len);
}

static void write_supported_versions(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx == GLS_CTX_CLIENT_HELLO) {
        gls_write_opaque8(w, e->versions.p, e->versions.len);
    } else {
        gls_write_u16(w, e->selected_version);
    }
}

static void write_cookie(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque16(w, e->cookie.p, e->cookie.len);
}

static void write_psk_modes(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    (void)ctx;
    gls_write_opaque8(w, e->psk_modes.p, e->psk_modes.len);
}

static void write_share(gls_writer *w, const struct gls_key_share_entry *ks)
{
    gls_write_u16(w, ks->group);
    gls_write_opaque16(w, ks->key.p, ks->key.len);
}

static void write_key_share(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx == GLS_CTX_HRR) {
        gls_write_u16(w, e->hrr_group);
        return;
    }
    if (ctx != GLS_CTX_CLIENT_HELLO) {
        write_share(w, &e->share);
        return;
    }
    gls_write_opaque16(w, e->shares.p, e->shares.len);
}

static void write_early_data(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx == GLS_CTX_NEW_SESSION_TICKET) {
        gls_write_u32(w, e->max_early_data);
    }
}

static void write_psk(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (ctx != GLS_CTX_CLIENT_HELLO) {
        gls_write_u16(w, e->psk_selected);
        return;
    }
    gls_write_opaque16(w, e->psk_ids.p, e->psk_ids.len);
    if (gls_psk_binders_write(w, e) != GLS_OK) {
        w->bad = true;
    }
}

struct ext_codec {
    uint16_t type;
    void (*parse)(gls_reader *d, enum gls_ext_ctx ctx, struct gls_exts *e);
    void (*write)(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e);
};

/* One row per extension: its wire type, parser and writer. */
#define CODEC(name, fn) [GLS_X_##name] = {GLS_EXT_##name, parse_##fn, write_##fn}

static const struct ext_codec codecs[GLS_X_COUNT] = {
    CODEC(SERVER_NAME, server_name),
    CODEC(STATUS_REQUEST, status_request),
    CODEC(SUPPORTED_GROUPS, groups),
    CODEC(EC_POINT_FORMATS, point_formats),
    CODEC(SIGNATURE_ALGORITHMS, sigalgs),
    CODEC(SIGNATURE_ALGORITHMS_CERT, sigalgs_cert),
    CODEC(ALPN, alpn),
    CODEC(ENCRYPT_THEN_MAC, empty),
    CODEC(EXTENDED_MASTER_SECRET, empty),
    CODEC(RECORD_SIZE_LIMIT, record_size_limit),
    CODEC(SESSION_TICKET, session_ticket),
    CODEC(CERTIFICATE_AUTHORITIES, cert_authorities),
    CODEC(RENEGOTIATION_INFO, renegotiation_info),
    CODEC(SUPPORTED_VERSIONS, supported_versions),
    CODEC(COOKIE, cookie),
    CODEC(PSK_KEY_EXCHANGE_MODES, psk_modes),
    CODEC(KEY_SHARE, key_share),
    CODEC(EARLY_DATA, early_data),
    CODEC(PRE_SHARED_KEY, psk),
};

/* see msg.h */
uint16_t gls_ext_wire_type(enum gls_ext_id id)
{
    return (unsigned)id < GLS_X_COUNT ? codecs[id].type : 0;
}

static int ext_id_of(uint16_t type)
{
    for (int i = 0; i < GLS_X_COUNT; i++) {
        if (codecs[i].type == type) {
            return i;
        }
    }
    return -1;
}

/* Every extension type seen in one block, known or not (RFC 8446 §4.2: no type twice). */
struct seen_types {
    uint64_t bits[65536 / 64];
};

static bool seen_before(struct seen_types *s, uint16_t type)
{
    uint64_t bit = (uint64_t)1 << (type % 64);
    bool was = (s->bits[type / 64] & bit) != 0;
    s->bits[type / 64] |= bit;
    return was;
}

/* Parses one extension whose type is known to be id and allowed in ctx. */
static int parse_known(gls_reader *data, int id, enum gls_ext_ctx ctx, struct gls_exts *out)
{
    codecs[id].parse(data, ctx, out);
    if (!gls_reader_done(data)) {
        return GLS_E_DECODE;
    }
    gls_exts_set(out, (enum gls_ext_id)id);
    out->order[out->n_order++] = (uint8_t)id;
    return GLS_OK;
}

/* see msg.h */
int gls_exts_parse(gls_reader *r, enum gls_ext_ctx ctx, struct gls_exts *out)
{
    struct seen_types seen;
    memset(out, 0, sizeof *out);
    memset(&seen, 0, sizeof seen);
    out->bad_type = GLS_EXT_NONE;
    gls_reader list = gls_read_vector16(r, 0, 65535);
    while (!list.bad && gls_reader_left(&list) > 0) {
        if (ctx == GLS_CTX_CLIENT_HELLO && gls_exts_has(out, GLS_X_PRE_SHARED_KEY)) {
            out->bad_type = GLS_EXT_PRE_SHARED_KEY;
            return GLS_E_ILLEGAL_PARAMETER; /* RFC 8446 §4.2.11: pre_shared_key is last */
        }
        uint16_t type = gls_read_u16(&list);
        gls_reader data = gls_read_vector16(&list, 0, 65535);
        if (list.bad) {
            break;
        }
        out->bad_type = type;
        if (seen_before(&seen, type)) {
            return GLS_E_DUPLICATE_EXTENSION;
        }
        int id = ext_id_of(type);
        if (id < 0 && skips_unknown(ctx)) {
            continue;
        }
        if (id < 0) { /* a server answered with something no client asked for */
            return GLS_E_UNSUPPORTED_EXTENSION;
        }
        if ((allowed[ctx] & (1u << id)) == 0) { /* RFC 8446 §4.2: known, wrong message */
            return GLS_E_ILLEGAL_PARAMETER;
        }
        TRY(parse_known(&data, id, ctx, out));
    }
    if (list.bad || r->bad) {
        out->bad_type = GLS_EXT_NONE;
        return GLS_E_DECODE;
    }
    out->bad_type = GLS_EXT_NONE;
    return GLS_OK;
}

/* see msg.h */
int gls_exts_check(const struct gls_exts *e, enum gls_ext_ctx ctx)
{
    return (e->present & ~allowed[ctx]) != 0 ? GLS_E_ILLEGAL_PARAMETER : GLS_OK;
}

static void write_one(gls_writer *w, int id, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    gls_write_u16(w, codecs[id].type);
    gls_mark m = gls_write_open(w, 2);
    codecs[id].write(w, ctx, e);
    gls_write_close(w, m);
}

/* see msg.h */
int gls_exts_write(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e)
{
    if (gls_exts_check(e, ctx) != GLS_OK || e->n_order > GLS_X_COUNT) {
        return GLS_E_INTERNAL;
    }
    uint32_t todo = e->present & ~BIT(PRE_SHARED_KEY);
    gls_mark block = gls_write_open(w, 2);
    for (size_t i = 0; i < e->n_order; i++) {
        uint8_t id = e->order[i];
        if (id < GLS_X_COUNT && (todo & (1u << id)) != 0) {
            write_one(w, id, ctx, e);
            todo &= ~(1u << id);
        }
    }
    for (int id = 0; id < GLS_X_COUNT; id++) {
        if ((todo & (1u << id)) != 0) {
            write_one(w, id, ctx, e);
        }
    }
    if (gls_exts_has(e, GLS_X_PRE_SHARED_KEY)) {
        write_one(w, GLS_X_PRE_SHARED_KEY, ctx, e);
    }
    gls_write_close(w, block);
    return gls_writer_result(w);
}

/* see msg.h */
size_t gls_psk_binders_len(const struct gls_exts *e)
{
    return 2 + e->psk_binders.len;
}

/* see msg.h */
int gls_psk_binders_write(gls_writer *w, const struct gls_exts *e)
{
    gls_write_opaque16(w, e->psk_binders.p, e->psk_binders.len);
    return gls_writer_result(w);
}

/* ---- list views ---- */

/* see msg.h */
bool gls_u16_list_has(gls_bytes list, uint16_t v)
{
    for (size_t i = 0; i + 1 < list.len; i += 2) {
        if (gls_get_u16(list.p + i) == v) {
            return true;
        }
    }
    return false;
}

/* see msg.h */
bool gls_u8_list_has(gls_bytes list, uint8_t v)
{
    return list.len > 0 && memchr(list.p, v, list.len) != NULL;
}

/* see msg.h */
gls_bytes gls_u16_list_put(uint8_t *buf, size_t cap, const uint16_t *v, size_t n)
{
    if (2 * n > cap) {
        return gls_bytes_of(buf, 0);
    }
    for (size_t i = 0; i < n; i++) {
        gls_put_u16(buf + 2 * i, v[i]);
    }
    return gls_bytes_of(buf, 2 * n);
}

/* see msg.h */
bool gls_key_shares_next(gls_reader *it, struct gls_key_share_entry *out)
{
    if (it->bad || gls_reader_left(it) == 0) {
        return false;
    }
    *out = read_share(it);
    return !it->bad;
}

/* see msg.h */
bool gls_psk_ids_next(gls_reader *it, struct gls_psk_identity *out)
{
    if (it->bad || gls_reader_left(it) == 0) {
        return false;
    }
    out->identity = gls_read_opaque16(it, 1, 65535);
    out->obfuscated_age = gls_read_u32(it);
    return !it->bad;
}

/* see msg.h */
bool gls_opaque8_next(gls_reader *it, gls_bytes *out)
{
    if (it->bad || gls_reader_left(it) == 0) {
        return false;
    }
    *out = gls_read_opaque8(it, 1, 255);
    return !it->bad;
}

/* see msg.h */
bool gls_key_shares_find(gls_bytes shares, uint16_t group, struct gls_key_share_entry *out)
{
    gls_reader it = gls_reader_init(shares.p, shares.len);
    while (gls_key_shares_next(&it, out)) {
        if (out->group == group) {
            return true;
        }
    }
    return false;
}

/* see msg.h */
gls_bytes gls_opaque8_first(gls_bytes list, size_t *count)
{
    gls_bytes first = gls_bytes_of(list.p, 0);
    gls_bytes item;
    gls_reader it = gls_reader_init(list.p, list.len);
    *count = 0;
    while (gls_opaque8_next(&it, &item)) {
        if ((*count)++ == 0) {
            first = item;
        }
    }
    return first;
}

/* see msg.h */
gls_bytes gls_key_shares_put(uint8_t *buf, size_t cap, const struct gls_key_share_entry *v,
                             size_t n)
{
    gls_writer w = gls_writer_init(buf, cap);
    for (size_t i = 0; i < n; i++) {
        write_share(&w, &v[i]);
    }
    return gls_bytes_of(buf, w.bad ? 0 : w.len);
}

/* see msg.h */
gls_bytes gls_opaque8_list_put(uint8_t *buf, size_t cap, const gls_bytes *v, size_t n)
{
    gls_writer w = gls_writer_init(buf, cap);
    for (size_t i = 0; i < n; i++) {
        gls_write_opaque8(&w, v[i].p, v[i].len);
    }
    return gls_bytes_of(buf, w.bad ? 0 : w.len);
}

/* see msg.h */
gls_bytes gls_psk_ids_put(uint8_t *buf, size_t cap, const struct gls_psk_identity *v, size_t n)
{
    gls_writer w = gls_writer_init(buf, cap);
    for (size_t i = 0; i < n; i++) {
        gls_write_opaque16(&w, v[i].identity.p, v[i].identity.len);
        gls_write_u32(&w, v[i].obfuscated_age);
    }
    return gls_bytes_of(buf, w.bad ? 0 : w.len);
}
