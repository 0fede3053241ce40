/* tests/conformance/conf.h — the test side of the conformance tables: a byte builder, a
 * ClientHello / ServerHello description with an ordered extension list that rows change one
 * field at a time, the writer that turns it into bytes (written here, independently of the
 * library's msg/ writers), and drivers that feed those bytes to our server or client and read
 * back the outcome: a ServerHello (with what it chose), a HelloRetryRequest, or the exact
 * plaintext alert (level and description), plus the error sentence
 * (gls_conn_error_detail). Numbers are IANA's, spelled here, not taken from wire.h. */
#ifndef GLS_TESTS_CONF_H
#define GLS_TESTS_CONF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"
#include "pair.h"

#include "hs/hs.h"

/* Table rows name only the fields they care about. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* ---- IANA numbers (RFC 8446 §4, §6; RFC 5246 §7.2) ---- */
enum {
    HT_CLIENT_HELLO = 1,
    HT_SERVER_HELLO = 2,
    HT_ENCRYPTED_EXTENSIONS = 8,
    HT_CERTIFICATE = 11,
    HT_SERVER_KEY_EXCHANGE = 12,
    HT_SERVER_HELLO_DONE = 14,
    CT_CCS = 20,
    CT_ALERT = 21,
    CT_HANDSHAKE = 22,
    CT_APPDATA = 23,
};
enum {
    X_SERVER_NAME = 0,
    X_STATUS_REQUEST = 5,
    X_GROUPS = 10,
    X_POINT_FORMATS = 11,
    X_SIGALGS = 13,
    X_HEARTBEAT = 15,
    X_ALPN = 16,
    X_PADDING = 21,
    X_ETM = 22,
    X_EMS = 23,
    X_RECORD_SIZE_LIMIT = 28,
    X_SESSION_TICKET = 35,
    X_PSK = 41,
    X_EARLY_DATA = 42,
    X_VERSIONS = 43,
    X_COOKIE = 44,
    X_PSK_MODES = 45,
    X_CERT_AUTHORITIES = 47,
    X_OID_FILTERS = 48,
    X_POST_HS_AUTH = 49,
    X_SIGALGS_CERT = 50,
    X_KEY_SHARE = 51,
    X_RENEGOTIATION_INFO = 0xff01,
};
enum { /* alert descriptions */
       AL_UNEXPECTED_MESSAGE = 10,
       AL_BAD_RECORD_MAC = 20,
       AL_RECORD_OVERFLOW = 22,
       AL_HANDSHAKE_FAILURE = 40,
       AL_ILLEGAL_PARAMETER = 47,
       AL_DECODE_ERROR = 50,
       AL_DECRYPT_ERROR = 51,
       AL_PROTOCOL_VERSION = 70,
       AL_INSUFFICIENT_SECURITY = 71,
       AL_INAPPROPRIATE_FALLBACK = 86,
       AL_NO_RENEGOTIATION = 100,
       AL_MISSING_EXTENSION = 109,
       AL_UNSUPPORTED_EXTENSION = 110,
       AL_UNRECOGNIZED_NAME = 112,
       AL_NO_APPLICATION_PROTOCOL = 120,
};
enum {
    G_SECP256R1 = 0x0017,
    G_SECP384R1 = 0x0018,
    G_SECP521R1 = 0x0019,
    G_X25519 = 0x001d,
    G_X448 = 0x001e,
    G_FFDHE2048 = 0x0100,
    G_FFDHE3072 = 0x0101,
    G_FFDHE8192 = 0x0104,
};
enum {
    S_RSA_PKCS1_SHA1 = 0x0201,
    S_ECDSA_SHA1 = 0x0203,
    S_RSA_PKCS1_SHA256 = 0x0401,
    S_ECDSA_P256_SHA256 = 0x0403,
    S_ECDSA_P384_SHA384 = 0x0503,
    S_ECDSA_P521_SHA512 = 0x0603,
    S_RSA_PSS_RSAE_SHA256 = 0x0804,
    S_ED25519 = 0x0807,
};
enum {
    CS_AES128_GCM = 0x1301,
    CS_AES256_GCM = 0x1302,
    CS_CHACHA = 0x1303,
    CS_ECDHE_ECDSA_AES128_GCM = 0xc02b,
    CS_ECDHE_RSA_AES128_GCM = 0xc02f,
    CS_DHE_RSA_AES128_GCM = 0x009e,
    CS_RSA_AES128_GCM = 0x009c,
    CS_RSA_3DES = 0x000a,
    CS_ECDHE_RSA_3DES = 0xc012,
    CS_SCSV_RENEG = 0x00ff,
    CS_SCSV_FALLBACK = 0x5600,
};

/* RFC 8448 §3: a valid X25519 public value. */
static const char x25519_key[] = "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c";
static const char x25519_key2[] =
    "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f";
/* The P-256 base point, uncompressed: a valid public value (SEC 1 §2.3.3). */
static const char p256_key[] = "04"
                               "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                               "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

/* ---- a byte builder with nested length prefixes ---- */

struct bb {
    uint8_t *b;
    size_t cap;
    size_t n;
    size_t open[8];
    uint8_t width[8];
    int depth;
};

static inline void bb_init(struct bb *w, uint8_t *buf, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->b = buf;
    w->cap = cap;
}

static inline void bb_u8(struct bb *w, unsigned v)
{
    if (w->n >= w->cap) {
        fprintf(stderr, "builder full\n");
        abort();
    }
    w->b[w->n++] = (uint8_t)v;
}

static inline void bb_u16(struct bb *w, unsigned v)
{
    bb_u8(w, v >> 8);
    bb_u8(w, v);
}

static inline void bb_u24(struct bb *w, size_t v)
{
    bb_u8(w, (unsigned)(v >> 16));
    bb_u16(w, (unsigned)v);
}

static inline void bb_bytes(struct bb *w, const void *p, size_t n)
{
    if (w->n + n > w->cap) {
        fprintf(stderr, "builder full\n");
        abort();
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static inline void bb_hex(struct bb *w, const char *hex)
{
    uint8_t tmp[4096];
    bb_bytes(w, tmp, unhex(hex, tmp, sizeof tmp));
}

static inline void bb_open(struct bb *w, uint8_t width)
{
    w->open[w->depth] = w->n;
    w->width[w->depth++] = width;
    for (uint8_t i = 0; i < width; i++) {
        bb_u8(w, 0);
    }
}

static inline void bb_close(struct bb *w)
{
    int d = --w->depth;
    size_t len = w->n - w->open[d] - w->width[d];
    for (uint8_t i = 0; i < w->width[d]; i++) {
        w->b[w->open[d] + i] = (uint8_t)(len >> (8 * (w->width[d] - 1 - i)));
    }
}

/* ---- a hello: fixed fields and an ordered list of extensions ---- */

#define MAX_EXTS 600
struct ext {
    uint32_t type; /* > 0xffff: not written */
    size_t off;
    size_t len;
};

struct hello {
    uint16_t version;
    uint8_t random[32];
    uint8_t sid[40];
    size_t sid_len;
    uint8_t suites[70000]; /* cipher_suites body as sent; may be odd or huge */
    size_t suites_len;
    int suites_len_delta; /* added to the written length */
    uint8_t comp[300];
    size_t comp_len;
    uint16_t suite; /* ServerHello */
    uint8_t compression;
    bool no_exts;
    uint8_t trailing[4]; /* bytes after the extension block */
    size_t n_trailing;
    struct ext exts[MAX_EXTS];
    size_t n_exts;
    size_t used;
    uint8_t data[140000]; /* extension bodies (not cleared between rows) */
};

static inline void h_suites(struct hello *h, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    h->suites_len = 0;
    for (int i = 0; i < n; i++) {
        unsigned v = va_arg(ap, unsigned);
        h->suites[h->suites_len++] = (uint8_t)(v >> 8);
        h->suites[h->suites_len++] = (uint8_t)v;
    }
    va_end(ap);
}

static inline void h_suite_add(struct hello *h, unsigned v)
{
    h->suites[h->suites_len++] = (uint8_t)(v >> 8);
    h->suites[h->suites_len++] = (uint8_t)v;
}

/* Appends another extension of type (even if one is there) with body p[0..n). */
static inline void h_add(struct hello *h, uint32_t type, const uint8_t *p, size_t n)
{
    if (h->used + n > sizeof h->data || h->n_exts == MAX_EXTS) {
        abort();
    }
    if (n > 0) { /* an empty body may come as NULL */
        memmove(h->data + h->used, p, n);
    }
    struct ext *e = &h->exts[h->n_exts++];
    e->type = type;
    e->off = h->used;
    e->len = n;
    h->used += n;
}

/* Sets (replacing in place, or appending) the extension type with body p[0..n). */
static inline void h_set(struct hello *h, uint32_t type, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < h->n_exts; i++) {
        if (h->exts[i].type == type) {
            if (h->used + n > sizeof h->data) {
                abort();
            }
            memmove(h->data + h->used, p, n);
            h->exts[i].off = h->used;
            h->exts[i].len = n;
            h->used += n;
            return;
        }
    }
    h_add(h, type, p, n);
}

static inline void h_set_hex(struct hello *h, uint32_t type, const char *hex)
{
    uint8_t tmp[4096];
    h_set(h, type, tmp, unhex(hex, tmp, sizeof tmp));
}

static inline void h_del(struct hello *h, uint32_t type)
{
    size_t k = 0;
    for (size_t i = 0; i < h->n_exts; i++) {
        if (h->exts[i].type != type) {
            h->exts[k++] = h->exts[i];
        }
    }
    h->n_exts = k;
}

static inline bool h_has(const struct hello *h, uint32_t type)
{
    for (size_t i = 0; i < h->n_exts; i++) {
        if (h->exts[i].type == type) {
            return true;
        }
    }
    return false;
}

/* Moves extension type to the end of the list. */
static inline void h_to_end(struct hello *h, uint32_t type)
{
    for (size_t i = 0; i < h->n_exts; i++) {
        if (h->exts[i].type == type) {
            struct ext e = h->exts[i];
            memmove(&h->exts[i], &h->exts[i + 1], (h->n_exts - i - 1) * sizeof e);
            h->exts[h->n_exts - 1] = e;
            return;
        }
    }
}

/* Moves extension type to the front of the list. */
static inline void h_to_front(struct hello *h, uint32_t type)
{
    for (size_t i = 0; i < h->n_exts; i++) {
        if (h->exts[i].type == type) {
            struct ext e = h->exts[i];
            memmove(&h->exts[1], &h->exts[0], i * sizeof e);
            h->exts[0] = e;
            return;
        }
    }
}

/* Extension bodies made of u16 lists: width 1 or 2 length prefix. */
static inline void h_u16_list(struct hello *h, uint32_t type, uint8_t width, int n, ...)
{
    uint8_t tmp[512];
    struct bb w;
    va_list ap;
    bb_init(&w, tmp, sizeof tmp);
    bb_open(&w, width);
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        bb_u16(&w, va_arg(ap, unsigned));
    }
    va_end(ap);
    bb_close(&w);
    h_set(h, type, w.b, w.n);
}

/* key_share with one entry (group, hex key). */
static inline void h_share(struct hello *h, unsigned group, const char *key_hex)
{
    uint8_t tmp[512];
    struct bb w;
    bb_init(&w, tmp, sizeof tmp);
    bb_open(&w, 2);
    bb_u16(&w, group);
    bb_open(&w, 2);
    bb_hex(&w, key_hex);
    bb_close(&w);
    bb_close(&w);
    h_set(h, X_KEY_SHARE, w.b, w.n);
}

static inline void h_sni(struct hello *h, const char *name)
{
    uint8_t tmp[300];
    struct bb w;
    bb_init(&w, tmp, sizeof tmp);
    bb_open(&w, 2);
    bb_u8(&w, 0);
    bb_open(&w, 2);
    bb_bytes(&w, name, strlen(name));
    bb_close(&w);
    bb_close(&w);
    h_set(h, X_SERVER_NAME, w.b, w.n);
}

/* A TLS 1.3 ClientHello as a browser sends it, minus GREASE. */
static inline void h13(struct hello *h)
{
    memset(h, 0, offsetof(struct hello, data));
    h->used = 0;
    h->version = 0x0303;
    memset(h->random, 0x11, 32);
    memset(h->sid, 0x22, 32);
    h->sid_len = 32;
    h_suites(h, 4, CS_AES128_GCM, CS_AES256_GCM, CS_CHACHA, CS_ECDHE_ECDSA_AES128_GCM);
    h->comp_len = 1;
    h_sni(h, "localhost");
    h_u16_list(h, X_GROUPS, 2, 2, G_X25519, G_SECP256R1);
    h_share(h, G_X25519, x25519_key);
    h_u16_list(h, X_SIGALGS, 2, 3, S_ECDSA_P256_SHA256, S_RSA_PSS_RSAE_SHA256, S_RSA_PKCS1_SHA256);
    h_u16_list(h, X_VERSIONS, 1, 2, 0x0304, 0x0303);
    h_set_hex(h, X_PSK_MODES, "01 01");
}

/* A TLS 1.2 ClientHello (RFC 5246 §7.4.1.2 with RFC 8422, 7627, 5746). */
static inline void h12(struct hello *h)
{
    memset(h, 0, offsetof(struct hello, data));
    h->used = 0;
    h->version = 0x0303;
    memset(h->random, 0x33, 32);
    h_suites(h, 2, CS_ECDHE_ECDSA_AES128_GCM, CS_ECDHE_RSA_AES128_GCM);
    h->comp_len = 1;
    h_sni(h, "localhost");
    h_u16_list(h, X_GROUPS, 2, 2, G_X25519, G_SECP256R1);
    h_set_hex(h, X_POINT_FORMATS, "01 00");
    h_u16_list(h, X_SIGALGS, 2, 3, S_ECDSA_P256_SHA256, S_RSA_PSS_RSAE_SHA256, S_RSA_PKCS1_SHA256);
    h_set(h, X_EMS, NULL, 0);
    h_set_hex(h, X_RENEGOTIATION_INFO, "00");
}

/* ClientHello body (RFC 8446 §4.1.2). */
static inline size_t client_hello_body(const struct hello *h, uint8_t *out, size_t cap)
{
    struct bb w;
    bb_init(&w, out, cap);
    bb_u16(&w, h->version);
    bb_bytes(&w, h->random, 32);
    bb_u8(&w, (unsigned)h->sid_len);
    bb_bytes(&w, h->sid, h->sid_len);
    bb_u16(&w, (unsigned)((int)h->suites_len + h->suites_len_delta));
    bb_bytes(&w, h->suites, h->suites_len);
    bb_u8(&w, (unsigned)h->comp_len);
    bb_bytes(&w, h->comp, h->comp_len);
    if (!h->no_exts) {
        bb_open(&w, 2);
        for (size_t i = 0; i < h->n_exts; i++) {
            bb_u16(&w, h->exts[i].type);
            bb_open(&w, 2);
            bb_bytes(&w, h->data + h->exts[i].off, h->exts[i].len);
            bb_close(&w);
        }
        bb_close(&w);
    }
    bb_bytes(&w, h->trailing, h->n_trailing);
    return w.n;
}

/* ServerHello body (RFC 8446 §4.1.3): uses version, random, sid, suite, compression, exts. */
static inline size_t server_hello_body(const struct hello *h, uint8_t *out, size_t cap)
{
    struct bb w;
    bb_init(&w, out, cap);
    bb_u16(&w, h->version);
    bb_bytes(&w, h->random, 32);
    bb_u8(&w, (unsigned)h->sid_len);
    bb_bytes(&w, h->sid, h->sid_len);
    bb_u16(&w, h->suite);
    bb_u8(&w, h->compression);
    if (!h->no_exts) {
        bb_open(&w, 2);
        for (size_t i = 0; i < h->n_exts; i++) {
            bb_u16(&w, h->exts[i].type);
            bb_open(&w, 2);
            bb_bytes(&w, h->data + h->exts[i].off, h->exts[i].len);
            bb_close(&w);
        }
        bb_close(&w);
    }
    bb_bytes(&w, h->trailing, h->n_trailing);
    return w.n;
}

/* A handshake message (type, 24-bit length, body) cut into plaintext records of at most frag
 * bytes (record version 0x0301 for a first ClientHello, as RFC 8446 §5.1 allows). */
static inline size_t records_of(uint8_t ct, uint16_t rec_version, const uint8_t *p, size_t n,
                                size_t frag, uint8_t *out, size_t cap)
{
    struct bb w;
    bb_init(&w, out, cap);
    size_t off = 0;
    do {
        size_t k = n - off < frag ? n - off : frag;
        bb_u8(&w, ct);
        bb_u16(&w, rec_version);
        bb_u16(&w, (unsigned)k);
        bb_bytes(&w, p + off, k);
        off += k;
    } while (off < n);
    return w.n;
}

/* ---- feeding a connection and reading what it says ---- */

static inline int conf_feed(gls_conn *c, const uint8_t *p, size_t n)
{
    int err = GLS_OK;
    while (n > 0 && err == GLS_OK) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(c, &room);
        size_t k = n < room ? n : room;
        if (k == 0) {
            return gls_conn_error(c) ? gls_conn_error(c) : GLS_E_INTERNAL;
        }
        memcpy(in, p, k);
        err = gls_conn_net_in_done(c, k);
        p += k;
        n -= k;
    }
    return err;
}

static inline const uint8_t *conf_out(const gls_conn *c, size_t *len)
{
    if (c->out == NULL) {
        *len = 0;
        return (const uint8_t *)"";
    }
    return gls_conn_net_out(c, len);
}

/* What a connection answered. */
struct answer {
    bool alert; /* a plaintext alert record, nothing before it */
    uint8_t level;
    uint8_t desc;
    bool hello; /* a handshake record starting with a ServerHello / HRR */
    bool hrr;
    size_t len;
};

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static inline struct answer answer_of(const gls_conn *c)
{
    struct answer a;
    memset(&a, 0, sizeof a);
    const uint8_t *p = conf_out(c, &a.len);
    if (a.len == 7 && p[0] == CT_ALERT && p[1] == 3 && p[3] == 0 && p[4] == 2) {
        a.alert = true;
        a.level = p[5];
        a.desc = p[6];
    }
    if (a.len >= 5 + 4 + 2 + 32 && p[0] == CT_HANDSHAKE && p[5] == HT_SERVER_HELLO) {
        a.hello = true;
        a.hrr = memcmp(p + 5 + 4 + 2, hrr_random, 32) == 0;
    }
    return a;
}

/* Outcomes a row expects besides a fatal alert (0..255). */
enum {
    W_HELLO = 1000, /* ServerHello (not HRR), no error */
    W_HRR,          /* HelloRetryRequest */
    W_RESUMED,      /* ServerHello resuming the session */
    W_WAIT,         /* client: took the ServerHello and waits for more, no error */
};

static inline const char *want_name(int want)
{
    static char buf[32];
    switch (want) {
    case W_HELLO:
        return "ServerHello";
    case W_HRR:
        return "HelloRetryRequest";
    case W_RESUMED:
        return "resumed";
    case W_WAIT:
        return "accepted, waiting";
    default:
        snprintf(buf, sizeof buf, "fatal alert %d", want);
        return buf;
    }
}

/* Counts rows for the summary line. */
static size_t conf_rows;
static size_t conf_failed;

__attribute__((destructor)) static void conf_summary(void)
{
    fprintf(stderr, "%zu conformance rows, %zu failed\n", conf_rows, conf_failed);
}

static inline void conf_report(const char *sec, const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  row [%s] %s: ", sec, what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    conf_failed++;
}

#endif
