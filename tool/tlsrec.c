/* tool/tlsrec.c — record splitting (RFC 8446 §5.1, RFC 5246 §6.2.1), protection marking and
 * the plaintext handshake of a captured connection: ClientHello and ServerHello/HRR
 * (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1.2-3) with the extensions a decryptor needs, and
 * the TLS 1.2 ClientKeyExchange (RFC 5246 §7.4.7). The server's side is read first: its
 * ServerHello fixes the version, and the version decides where the client's protection
 * starts. Every parse goes through gls_reader. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/wire.h"
#include "glasstls/gls.h"
#include "tlsrec.h"

/* RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

#define CT_HEARTBEAT 24 /* RFC 6520 */

static const char *const side_name[2] = {"client->server", "server->client"};

__attribute__((format(printf, 3, 4))) static int problem(struct gls_tls_facts *f, int err,
                                                         const char *fmt, ...)
{
    if (f->problem[0] == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->problem, sizeof f->problem, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* see tlsrec.h */
int gls_tls_record_next(gls_reader *r, struct gls_tls_record *rec)
{
    gls_reader peek = *r;
    rec->type = gls_read_u8(&peek);
    rec->version = gls_read_u16(&peek);
    size_t len = gls_read_u16(&peek);
    rec->encrypted = false;
    if (peek.bad) {
        return GLS_E_WANT_READ;
    }
    if (rec->type < GLS_CT_CHANGE_CIPHER_SPEC || rec->type > CT_HEARTBEAT ||
        rec->version >> 8 != 3) {
        return GLS_E_DECODE;
    }
    if (len > GLS_TLS_MAX_FRAGMENT) {
        return GLS_E_RECORD_OVERFLOW;
    }
    rec->payload = gls_read_bytes(&peek, len);
    if (peek.bad) {
        return GLS_E_WANT_READ;
    }
    *r = peek;
    return GLS_OK;
}

/* see tlsrec.h */
bool gls_tls_looks_like_client(const uint8_t *p, size_t n)
{
    gls_reader r = gls_reader_init(p, n);
    uint8_t type = gls_read_u8(&r);
    uint16_t version = gls_read_u16(&r);
    (void)gls_read_u16(&r);
    uint8_t hs_type = gls_read_u8(&r);
    return !r.bad && type == GLS_CT_HANDSHAKE && version >> 8 == 3 &&
           hs_type == GLS_HS_CLIENT_HELLO;
}

/* ---- records ---- */

static int add_record(struct gls_tls_side *s, const struct gls_tls_record *rec)
{
    if (s->n_records == s->cap_records) {
        size_t cap = s->cap_records != 0 ? s->cap_records * 2 : 64;
        struct gls_tls_record *v = realloc(s->records, cap * sizeof *v);
        if (v == NULL) {
            return GLS_E_NO_MEMORY;
        }
        s->records = v;
        s->cap_records = cap;
    }
    s->records[s->n_records++] = *rec;
    return GLS_OK;
}

/* Splits one stream into records; a partial last record is noted, not an error. */
static int split(struct gls_tls_facts *f, int d, const uint8_t *p, size_t n)
{
    struct gls_tls_side *s = &f->side[d];
    gls_reader r = gls_reader_init(p, n);
    while (gls_reader_left(&r) > 0) {
        struct gls_tls_record rec;
        size_t at = n - gls_reader_left(&r);
        int err = gls_tls_record_next(&r, &rec);
        if (err == GLS_E_WANT_READ) {
            s->partial_tail = true;
            break;
        }
        if (err == GLS_E_RECORD_OVERFLOW) {
            return problem(f, err, "%s: offset %zu: record longer than %d bytes", side_name[d], at,
                           GLS_TLS_MAX_FRAGMENT);
        }
        if (err != GLS_OK) {
            return problem(f, err,
                           "%s: offset %zu: not a TLS record (content type %u, version 0x%04x)",
                           side_name[d], at, rec.type, rec.version);
        }
        rec.off = at;
        TRY(add_record(s, &rec));
        s->used = n - gls_reader_left(&r);
    }
    return GLS_OK;
}

/* ---- hello extensions ---- */

static void ch_server_name(struct gls_tls_facts *f, gls_reader *e)
{
    gls_reader list = gls_read_vector16(e, 1, 0xffff);
    while (gls_reader_left(&list) > 0 && !list.bad) {
        uint8_t type = gls_read_u8(&list);
        gls_bytes name = gls_read_opaque16(&list, 1, 0xffff);
        if (type == 0 && !list.bad && f->server_name[0] == 0) { /* host_name */
            size_t n = name.len < sizeof f->server_name ? name.len : sizeof f->server_name - 1;
            memcpy(f->server_name, name.p, n);
            f->server_name[n] = 0;
        }
    }
    gls_reader_close(e, &list);
}

static void ch_versions(struct gls_tls_facts *f, gls_reader *e)
{
    gls_reader list = gls_read_vector8(e, 2, 254);
    f->n_offered = 0;
    while (gls_reader_left(&list) > 0 && !list.bad) {
        uint16_t v = gls_read_u16(&list);
        if (f->n_offered < GLS_TLS_MAX_OFFERED) {
            f->offered[f->n_offered++] = v;
        }
    }
    gls_reader_close(e, &list);
}

/* Walks an extension block; sets *ems and *etm, and the hello-specific fields. */
static void hello_exts(struct gls_tls_facts *f, gls_reader *body, bool client, bool *ems, bool *etm)
{
    *ems = false;
    *etm = false;
    if (gls_reader_left(body) == 0) {
        return; /* RFC 5246 §7.4.1.2: extensions may be absent altogether */
    }
    gls_reader block = gls_read_vector16(body, 0, 0xffff);
    while (gls_reader_left(&block) > 0 && !block.bad) {
        uint16_t type = gls_read_u16(&block);
        gls_bytes data = gls_read_opaque16(&block, 0, 0xffff);
        if (block.bad) {
            break;
        }
        gls_reader e = gls_reader_init(data.p, data.len);
        if (type == GLS_EXT_EXTENDED_MASTER_SECRET) {
            *ems = true;
        } else if (type == GLS_EXT_ENCRYPT_THEN_MAC) {
            *etm = true;
        } else if (type == GLS_EXT_SUPPORTED_VERSIONS && client) {
            ch_versions(f, &e);
        } else if (type == GLS_EXT_SUPPORTED_VERSIONS) {
            f->version = gls_read_u16(&e);
        } else if (type == GLS_EXT_SERVER_NAME && client) {
            ch_server_name(f, &e);
        } else if (type == GLS_EXT_SESSION_TICKET && client) {
            f->client_ticket = gls_read_rest(&e);
        } else if (type == GLS_EXT_KEY_SHARE && !client) {
            f->group = gls_read_u16(&e); /* a HelloRetryRequest names the group only */
            f->server_share =
                gls_reader_left(&e) > 0 ? gls_read_opaque16(&e, 1, 0xffff) : gls_bytes_of(NULL, 0);
        } else {
            (void)gls_read_rest(&e); /* not needed to decrypt */
        }
        if (!gls_reader_done(&e)) {
            block.bad = true;
        }
    }
    gls_reader_close(body, &block);
}

/* ---- handshake messages ---- */

struct hello_exts_seen {
    bool ch_ems;
    bool ch_etm;
    bool sh_ems;
    bool sh_etm;
    bool shd;
};

/* RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2 */
static int on_client_hello(struct gls_tls_facts *f, gls_reader *b, struct hello_exts_seen *x)
{
    bool first = !f->have_client_hello;
    uint16_t version = gls_read_u16(b);
    uint8_t random[32];
    gls_read_fixed(b, random, sizeof random);
    gls_bytes sid = gls_read_opaque8(b, 0, 32);
    (void)gls_read_opaque16(b, 2, 0xfffe); /* cipher_suites */
    (void)gls_read_opaque8(b, 1, 0xff);    /* legacy_compression_methods */
    hello_exts(f, b, true, &x->ch_ems, &x->ch_etm);
    if (!gls_reader_done(b)) {
        return GLS_E_DECODE;
    }
    if (first) { /* after a HelloRetryRequest, the second ClientHello keeps the random */
        f->have_client_hello = true;
        f->client_version = version;
        memcpy(f->client_random, random, sizeof random);
        memcpy(f->client_session_id, sid.p, sid.len);
        f->client_session_id_len = sid.len;
    }
    return GLS_OK;
}

/* RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3; a HelloRetryRequest has the special random. */
static int on_server_hello(struct gls_tls_facts *f, gls_reader *b, struct hello_exts_seen *x)
{
    uint16_t legacy = gls_read_u16(b);
    uint8_t random[32];
    gls_read_fixed(b, random, sizeof random);
    gls_bytes sid = gls_read_opaque8(b, 0, 32);
    uint16_t suite = gls_read_u16(b);
    (void)gls_read_u8(b); /* legacy_compression_method */
    f->version = legacy;
    hello_exts(f, b, false, &x->sh_ems, &x->sh_etm);
    if (!gls_reader_done(b)) {
        return GLS_E_DECODE;
    }
    f->suite = suite;
    if (memcmp(random, hrr_random, sizeof random) == 0) {
        f->hrr = true;
        return GLS_OK;
    }
    f->have_server_hello = true;
    memcpy(f->server_random, random, sizeof random);
    memcpy(f->session_id, sid.p, sid.len);
    f->session_id_len = sid.len;
    return GLS_OK;
}

/* One whole plaintext message (raw: header included) from side d; GLS_E_DECODE if it is a
 * hello that does not parse. */
static int on_message(struct gls_tls_facts *f, int d, uint8_t type, gls_bytes raw,
                      struct hello_exts_seen *x)
{
    gls_reader b = gls_reader_init(raw.p + 4, raw.len - 4);
    if (d == GLS_TLS_C2S && type == GLS_HS_CLIENT_HELLO) {
        return on_client_hello(f, &b, x);
    }
    if (d == GLS_TLS_S2C && type == GLS_HS_SERVER_HELLO) {
        return on_server_hello(f, &b, x);
    }
    if (d == GLS_TLS_C2S && type == GLS_HS_CLIENT_KEY_EXCHANGE) {
        f->client_key_exchange = gls_read_rest(&b);
    }
    if (d == GLS_TLS_S2C && type == GLS_HS_SERVER_KEY_EXCHANGE && gls_reader_left(&b) >= 3 &&
        raw.p[4] == 3) { /* ECParameters: named_curve (RFC 8422 §5.4) */
        f->group = (uint16_t)(raw.p[5] << 8 | raw.p[6]);
    }
    if (d == GLS_TLS_S2C && type == GLS_HS_SERVER_HELLO_DONE) {
        x->shd = true;
    }
    return GLS_OK;
}

/* Adds a plaintext handshake fragment from record ri and handles every message it ends. */
static int hs_fragment(struct gls_tls_facts *f, int d, size_t ri, gls_bytes frag,
                       struct hello_exts_seen *x)
{
    struct gls_tls_side *s = &f->side[d];
    if (frag.len > s->hs_cap - s->hs_len) {
        return problem(f, GLS_E_MESSAGE_TOO_LARGE, "%s: plaintext handshake over %zu bytes",
                       side_name[d], GLS_TLS_MAX_HS_BYTES);
    }
    if (s->hs_parsed == s->hs_len) {
        s->hs_rec = ri; /* nothing pending: the next message starts here */
    }
    if (frag.len > 0) {
        memcpy(s->hs + s->hs_len, frag.p, frag.len);
        s->hs_len += frag.len;
    }
    for (;;) {
        gls_reader r = gls_reader_init(s->hs + s->hs_parsed, s->hs_len - s->hs_parsed);
        uint8_t type = gls_read_u8(&r);
        size_t len = gls_read_u24(&r);
        if (r.bad || gls_reader_left(&r) < len) {
            return GLS_OK; /* the message goes on in the next record */
        }
        gls_bytes raw = gls_bytes_of(s->hs + s->hs_parsed, 4 + len);
        s->hs_parsed += 4 + len;
        if (s->n_msgs < GLS_TLS_MAX_HS_MSGS) {
            struct gls_tls_hs_msg *m = &s->msgs[s->n_msgs++];
            m->type = type;
            m->raw = raw;
            m->record = s->hs_rec;
        } else {
            (void)problem(f, GLS_OK, "%s: over %d plaintext handshake messages", side_name[d],
                          GLS_TLS_MAX_HS_MSGS);
        }
        s->hs_rec = ri; /* any message after this one starts in this record */
        if (on_message(f, d, type, raw, x) != GLS_OK) {
            return problem(f, GLS_E_DECODE, "%s: record %zu: %s is malformed", side_name[d], ri,
                           type == GLS_HS_CLIENT_HELLO ? "ClientHello" : "ServerHello");
        }
    }
}

/* Sizes the plaintext handshake buffer once (an upper bound), so message views stay put. */
static int hs_alloc(struct gls_tls_facts *f, int d)
{
    struct gls_tls_side *s = &f->side[d];
    size_t total = 0;
    for (size_t i = 0; i < s->n_records; i++) {
        if (s->records[i].type == GLS_CT_HANDSHAKE && total < GLS_TLS_MAX_HS_BYTES) {
            total += s->records[i].payload.len;
        }
    }
    s->hs_cap = total < GLS_TLS_MAX_HS_BYTES ? total : GLS_TLS_MAX_HS_BYTES;
    s->hs = malloc(s->hs_cap > 0 ? s->hs_cap : 1);
    return s->hs != NULL ? GLS_OK : GLS_E_NO_MEMORY;
}

/* Marks side d's protected records and reads its plaintext handshake. */
static int walk(struct gls_tls_facts *f, int d, struct hello_exts_seen *x)
{
    struct gls_tls_side *s = &f->side[d];
    bool after_ccs = false;
    TRY(hs_alloc(f, d));
    s->first_encrypted = s->n_records;
    for (size_t i = 0; i < s->n_records; i++) {
        struct gls_tls_record *rec = &s->records[i];
        if (rec->type == GLS_CT_CHANGE_CIPHER_SPEC) {
            after_ccs |= f->version != GLS_TLS13; /* TLS 1.3: a compatibility no-op */
            continue;
        }
        rec->encrypted = rec->type == GLS_CT_APPLICATION_DATA || after_ccs;
        if (rec->encrypted) {
            if (s->first_encrypted == s->n_records) {
                s->first_encrypted = i;
            }
            continue;
        }
        if (rec->type == GLS_CT_HANDSHAKE) {
            TRY(hs_fragment(f, d, i, rec->payload, x));
        }
    }
    if (s->hs_parsed != s->hs_len && s->first_encrypted < s->n_records) {
        return problem(f, GLS_E_DECODE, "%s: a handshake message is cut by the key change",
                       side_name[d]);
    }
    return GLS_OK;
}

static bool side_has_ccs(const struct gls_tls_side *s)
{
    for (size_t i = 0; i < s->n_records; i++) {
        if (s->records[i].type == GLS_CT_CHANGE_CIPHER_SPEC) {
            return true;
        }
    }
    return false;
}

/* see tlsrec.h */
int gls_tls_scan(const uint8_t *c2s, size_t n_c2s, const uint8_t *s2c, size_t n_s2c,
                 struct gls_tls_facts *out)
{
    struct hello_exts_seen x;
    memset(out, 0, sizeof *out);
    memset(&x, 0, sizeof x);
    TRY(split(out, GLS_TLS_C2S, c2s, n_c2s));
    TRY(split(out, GLS_TLS_S2C, s2c, n_s2c));
    TRY(walk(out, GLS_TLS_S2C, &x)); /* first: the ServerHello decides the version */
    TRY(walk(out, GLS_TLS_C2S, &x));
    bool tls12 = out->have_server_hello && out->version != GLS_TLS13;
    out->ems = tls12 && x.ch_ems && x.sh_ems;
    out->etm = tls12 && x.ch_etm && x.sh_etm;
    out->resumed = tls12 && !x.shd && side_has_ccs(&out->side[GLS_TLS_S2C]);
    return GLS_OK;
}

/* see tlsrec.h */
void gls_tls_facts_free(struct gls_tls_facts *f)
{
    for (int d = 0; d < 2; d++) {
        free(f->side[d].records);
        free(f->side[d].hs);
    }
    memset(f, 0, sizeof *f);
}

/* Appends msgs [from, to) of side d to out; returns the new count. */
static size_t emit(const struct gls_tls_side *s, size_t from, size_t to,
                   const struct gls_tls_hs_msg **out, size_t cap, size_t n)
{
    for (size_t i = from; i < to && i < s->n_msgs; i++, n++) {
        if (n < cap) {
            out[n] = &s->msgs[i];
        }
    }
    return n;
}

/* see tlsrec.h */
size_t gls_tls_transcript(const struct gls_tls_facts *f, const struct gls_tls_hs_msg **out,
                          size_t cap)
{
    const struct gls_tls_side *c = &f->side[GLS_TLS_C2S];
    const struct gls_tls_side *s = &f->side[GLS_TLS_S2C];
    size_t ci = 1;
    size_t si = 0;
    size_t n = emit(c, 0, 1, out, cap, 0); /* ClientHello */
    if (f->hrr && s->n_msgs > 0 && s->msgs[0].type == GLS_HS_SERVER_HELLO) {
        n = emit(s, 0, 1, out, cap, n); /* HelloRetryRequest, then the second ClientHello */
        n = emit(c, 1, 2, out, cap, n);
        si = 1;
        ci = 2;
    }
    size_t flight_end = si;
    while (flight_end < s->n_msgs) {
        uint8_t t = s->msgs[flight_end++].type;
        if (t == GLS_HS_SERVER_HELLO_DONE ||
            (t == GLS_HS_SERVER_HELLO && f->version == GLS_TLS13)) {
            break;
        }
    }
    n = emit(s, si, flight_end, out, cap, n);
    n = emit(c, ci, c->n_msgs, out, cap, n);
    return emit(s, flight_end, s->n_msgs, out, cap, n);
}
