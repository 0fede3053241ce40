/* tests/codec/codec_util.h — shared by the codec tests: a hand encoder that records where
 * each length prefix is (so every length can be bent by +-1), a loader for the captured and
 * RFC 8448 messages in tests/vectors, a fixed-seed PRNG (Go's testing/quick idea), and the
 * generic checks: every truncation fails, every length +-1 fails, parse->write is exact.
 * Include after harness.h. */
#ifndef GLS_TESTS_CODEC_UTIL_H
#define GLS_TESTS_CODEC_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/wire.h"
#include "msg/msg.h"

/* ---- a hand encoder with length bookkeeping ---- */

struct tb_len {
    size_t off;
    uint8_t width;
};

struct tb {
    uint8_t buf[8192];
    size_t len;
    size_t open_at[16];
    uint8_t open_w[16];
    int depth;
    struct tb_len lens[256];
    size_t n_lens;
};

static inline void tb_init(struct tb *t)
{
    memset(t, 0, sizeof *t);
}

static inline void tb_be(struct tb *t, uint32_t v, int width)
{
    if (t->len + (size_t)width > sizeof t->buf) {
        abort();
    }
    for (int i = width - 1; i >= 0; i--) {
        t->buf[t->len++] = (uint8_t)(v >> (8 * i));
    }
}

static inline void tb_u8(struct tb *t, uint32_t v)
{
    tb_be(t, v, 1);
}

static inline void tb_u16(struct tb *t, uint32_t v)
{
    tb_be(t, v, 2);
}

static inline void tb_u24(struct tb *t, uint32_t v)
{
    tb_be(t, v, 3);
}

static inline void tb_u32(struct tb *t, uint32_t v)
{
    tb_be(t, v, 4);
}

static inline void tb_bytes(struct tb *t, const void *p, size_t n)
{
    if (t->len + n > sizeof t->buf) {
        abort();
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static inline void tb_hex(struct tb *t, const char *hex)
{
    t->len += unhex(hex, t->buf + t->len, sizeof t->buf - t->len);
}

/* Opens a length prefix of `width` bytes; tb_close fills it and records where it is. */
static inline void tb_open(struct tb *t, int width)
{
    t->open_at[t->depth] = t->len;
    t->open_w[t->depth++] = (uint8_t)width;
    tb_be(t, 0, width);
}

static inline void tb_close(struct tb *t)
{
    t->depth--;
    size_t at = t->open_at[t->depth];
    uint8_t w = t->open_w[t->depth];
    size_t n = t->len - at - w;
    for (int i = w - 1; i >= 0; i--) {
        t->buf[at + (size_t)(w - 1 - i)] = (uint8_t)(n >> (8 * i));
    }
    t->lens[t->n_lens].off = at;
    t->lens[t->n_lens++].width = w;
}

/* opaque with a prefix, in one call */
static inline void tb_opaque(struct tb *t, int width, const char *hex)
{
    tb_open(t, width);
    tb_hex(t, hex);
    tb_close(t);
}

static inline void tb_str(struct tb *t, int width, const char *s)
{
    tb_open(t, width);
    tb_bytes(t, s, strlen(s));
    tb_close(t);
}

/* Starts an extension: type, then an open 2-byte length (close with tb_close). */
static inline void tb_ext(struct tb *t, uint16_t type)
{
    tb_u16(t, type);
    tb_open(t, 2);
}

/* ---- vectors: "[name]" sections of hex in tests/vectors/<file> ---- */

/* Loads section `name` of `file` into buf; returns its length (0 if missing). */
static inline size_t load_vector(const char *file, const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    char line[512];
    char want[128];
    snprintf(path, sizeof path, "%s/%s", GLS_TEST_VECTORS, file);
    snprintf(want, sizeof want, "[%s]", name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "  cannot open %s\n", path);
        return 0;
    }
    size_t n = 0;
    bool in = name[0] == 0; /* "" = the whole file (single-message .hex files) */
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#') {
            continue;
        }
        if (line[0] == '[') {
            if (in && name[0] != 0) {
                break;
            }
            in = strncmp(line, want, strlen(want)) == 0;
            continue;
        }
        if (in) {
            n += unhex(line, buf + n, cap - n);
        }
    }
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "  no vector [%s] in %s\n", name, file);
    }
    return n;
}

/* Checks the 4-byte handshake header of msg (type and exact length). */
static inline bool hs_header_ok(const uint8_t *msg, size_t len, uint8_t want_type)
{
    gls_reader r = gls_reader_init(msg, len);
    uint8_t type = 0;
    uint32_t body = 0;
    if (gls_hs_header_parse(&r, &type, &body) != GLS_OK || type != want_type || body + 4 != len) {
        fprintf(stderr, "  bad handshake header: type %u len %u of %zu\n", type, body, len);
        return false;
    }
    return true;
}

/* ---- fixed-seed PRNG (xorshift64*) ---- */

struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform-enough in [lo, hi]. */
static inline size_t rng_range(struct rng *g, size_t lo, size_t hi)
{
    return lo + (size_t)(rng_next(g) % (hi - lo + 1));
}

static inline bool rng_bool(struct rng *g)
{
    return rng_next(g) & 1;
}

/* A pool that backs random views. */
struct pool {
    uint8_t buf[65536];
    size_t used;
};

static inline gls_bytes pool_bytes(struct pool *p, struct rng *g, size_t n)
{
    if (p->used + n > sizeof p->buf) {
        p->used = 0; /* tests use a fresh struct per iteration */
    }
    uint8_t *at = p->buf + p->used;
    for (size_t i = 0; i < n; i++) {
        at[i] = (uint8_t)rng_next(g);
    }
    p->used += n;
    return gls_bytes_of(at, n);
}

/* ---- random extension blocks ---- */

static inline bool ext_allowed(enum gls_ext_ctx ctx, int id)
{
    struct gls_exts one;
    memset(&one, 0, sizeof one);
    one.present = 1u << id;
    return gls_exts_check(&one, ctx) == GLS_OK;
}

/* A u16 list body of 1..cap random items, in the pool. */
static inline gls_bytes rand_u16s(struct rng *g, struct pool *pl, size_t cap)
{
    return pool_bytes(pl, g, 2 * rng_range(g, 1, cap));
}

/* A u8 list body of 1..cap random items, in the pool. */
static inline gls_bytes rand_u8s(struct rng *g, struct pool *pl, size_t cap)
{
    return pool_bytes(pl, g, rng_range(g, 1, cap));
}

/* A list body of k items, each a length prefix of `width` bytes and min..max random bytes,
 * then `tail` random bytes (PskIdentity's age); contiguous in the pool. */
static inline gls_bytes rand_items(struct rng *g, struct pool *pl, size_t k, size_t width,
                                   size_t min, size_t max, size_t tail)
{
    if (pl->used + k * (width + max + tail) > sizeof pl->buf) {
        pl->used = 0; /* keep the list contiguous */
    }
    uint8_t *at = pl->buf + pl->used;
    size_t total = 0;
    for (size_t i = 0; i < k; i++) {
        size_t n = rng_range(g, min, max);
        gls_bytes b = pool_bytes(pl, g, width + n + tail);
        if (width == 2) {
            ((uint8_t *)b.p)[0] = (uint8_t)(n >> 8);
        }
        ((uint8_t *)b.p)[width - 1] = (uint8_t)n;
        total += b.len;
    }
    return gls_bytes_of(at, total);
}

/* A list body of 1..3 opaque16<1..> items (DistinguishedNames, ResponderIDs). */
static inline gls_bytes rand_opaque16_list(struct rng *g, struct pool *pl)
{
    size_t k = rng_range(g, 1, 3);
    if (pl->used + 3 * 22 > sizeof pl->buf) {
        pl->used = 0; /* keep the list contiguous */
    }
    uint8_t *at = pl->buf + pl->used;
    size_t total = 0;
    for (size_t i = 0; i < k; i++) {
        size_t n = rng_range(g, 1, 20);
        gls_bytes b = pool_bytes(pl, g, 2 + n);
        ((uint8_t *)b.p)[0] = 0;
        ((uint8_t *)b.p)[1] = (uint8_t)n;
        total += 2 + n;
    }
    return gls_bytes_of(at, total);
}

static inline void rand_psk(struct rng *g, struct pool *pl, struct gls_exts *e)
{
    e->psk_ids = rand_items(g, pl, rng_range(g, 1, 4), 2, 1, 40, 4);
    e->psk_binders = rand_items(g, pl, rng_range(g, 1, 4), 1, 32, 64, 0);
}

/* ClientHello: 0..8 KeyShareEntry items (group, key<1..97>); elsewhere one entry. */
static inline void rand_shares(struct rng *g, struct pool *pl, enum gls_ext_ctx ctx,
                               struct gls_exts *e)
{
    if (ctx == GLS_CTX_CLIENT_HELLO) {
        size_t k = rng_range(g, 0, 8);
        if (pl->used + k * (4 + 97) > sizeof pl->buf) {
            pl->used = 0;
        }
        uint8_t *at = pl->buf + pl->used;
        size_t total = 0;
        for (size_t i = 0; i < k; i++) {
            total += pool_bytes(pl, g, 2).len; /* the group */
            total += rand_items(g, pl, 1, 2, 1, 97, 0).len;
        }
        e->shares = gls_bytes_of(at, total);
    } else {
        e->share.group = (uint16_t)rng_next(g);
        e->share.key = pool_bytes(pl, g, rng_range(g, 1, 97));
    }
    e->hrr_group = (uint16_t)rng_next(g);
}

/* Fills extension id's fields with random values of the form it has in ctx. */
static inline void rand_ext(struct rng *g, struct pool *pl, enum gls_ext_ctx ctx, int id,
                            struct gls_exts *e)
{
    bool ch = ctx == GLS_CTX_CLIENT_HELLO;
    switch (id) {
    case GLS_X_SERVER_NAME:
        e->server_name = ch ? pool_bytes(pl, g, rng_range(g, 1, 40)) : gls_bytes_of(NULL, 0);
        break;
    case GLS_X_STATUS_REQUEST:
        e->status_type = 1;
        if (ch) {
            e->ocsp_responder_ids = rng_bool(g) ? rand_opaque16_list(g, pl) : gls_bytes_of(NULL, 0);
            e->ocsp_request_exts = pool_bytes(pl, g, rng_range(g, 0, 10));
        } else if (ctx == GLS_CTX_CERTIFICATE) {
            e->ocsp_response = pool_bytes(pl, g, rng_range(g, 1, 300));
        }
        break;
    case GLS_X_SUPPORTED_GROUPS:
        e->groups = rand_u16s(g, pl, 32);
        break;
    case GLS_X_EC_POINT_FORMATS:
        e->point_formats = rand_u8s(g, pl, 8);
        break;
    case GLS_X_SIGNATURE_ALGORITHMS:
        e->sigalgs = rand_u16s(g, pl, 32);
        break;
    case GLS_X_SIGNATURE_ALGORITHMS_CERT:
        e->sigalgs_cert = rand_u16s(g, pl, 32);
        break;
    case GLS_X_ALPN:
        e->alpn = rand_items(g, pl, ch ? rng_range(g, 1, 8) : 1, 1, 1, 30, 0);
        break;
    case GLS_X_RECORD_SIZE_LIMIT:
        e->record_size_limit = (uint16_t)rng_next(g);
        break;
    case GLS_X_SESSION_TICKET:
        e->session_ticket = ch ? pool_bytes(pl, g, rng_range(g, 0, 200)) : gls_bytes_of(NULL, 0);
        break;
    case GLS_X_CERTIFICATE_AUTHORITIES:
        e->cert_authorities = rand_opaque16_list(g, pl);
        break;
    case GLS_X_RENEGOTIATION_INFO:
        e->renegotiation_info = pool_bytes(pl, g, rng_range(g, 0, 48));
        break;
    case GLS_X_SUPPORTED_VERSIONS:
        e->versions = ch ? rand_u16s(g, pl, 16) : gls_bytes_of(NULL, 0);
        e->selected_version = (uint16_t)rng_next(g);
        break;
    case GLS_X_COOKIE:
        e->cookie = pool_bytes(pl, g, rng_range(g, 1, 100));
        break;
    case GLS_X_PSK_KEY_EXCHANGE_MODES:
        e->psk_modes = rand_u8s(g, pl, 8);
        break;
    case GLS_X_KEY_SHARE:
        rand_shares(g, pl, ctx, e);
        if (ctx == GLS_CTX_HRR) {
            memset(&e->share, 0, sizeof e->share);
        }
        break;
    case GLS_X_EARLY_DATA:
        e->max_early_data = ctx == GLS_CTX_NEW_SESSION_TICKET ? (uint32_t)rng_next(g) : 0;
        break;
    case GLS_X_PRE_SHARED_KEY:
        if (ch) {
            rand_psk(g, pl, e);
        } else {
            e->psk_selected = (uint16_t)rng_next(g);
        }
        break;
    default: /* encrypt_then_mac, extended_master_secret: empty */
        break;
    }
}

/* A random block for ctx: each allowed extension with probability 1/2, in canonical or in a
 * shuffled order. */
static inline void rand_exts(struct rng *g, struct pool *pl, enum gls_ext_ctx ctx,
                             struct gls_exts *e)
{
    memset(e, 0, sizeof *e);
    for (int id = 0; id < GLS_X_COUNT; id++) {
        if (ext_allowed(ctx, id) && rng_bool(g)) {
            gls_exts_set(e, (enum gls_ext_id)id);
            rand_ext(g, pl, ctx, id, e);
            e->order[e->n_order++] = (uint8_t)id;
        }
    }
    if (rng_bool(g)) {
        e->n_order = 0; /* canonical */
        return;
    }
    for (size_t i = e->n_order; i > 1; i--) {
        size_t j = rng_range(g, 0, i - 1);
        uint8_t tmp = e->order[i - 1];
        e->order[i - 1] = e->order[j];
        e->order[j] = tmp;
    }
}

/* ---- generic checks over a parse wrapper ---- */

/* Parses body (len bytes) as one message kind; returns the parser's result. */
typedef int (*parse_fn)(const uint8_t *p, size_t n);
/* Parses then writes again into out; returns the first error. */
typedef int (*rewrite_fn)(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *out_len);

/* Parses a heap copy of exactly n bytes, so ASan sees any read past the end. */
static inline int parse_exact(parse_fn parse, const uint8_t *p, size_t n)
{
    uint8_t *copy = malloc(n > 0 ? n : 1);
    if (n > 0) {
        memcpy(copy, p, n);
    }
    int err = parse(n > 0 ? copy : NULL, n);
    free(copy);
    return err;
}

/* Every proper prefix fails with GLS_E_DECODE, except lengths listed in ok_at (a 1.2 hello
 * that ends after its compression field is complete); -1 ends the list. */
static inline bool all_truncations_fail(parse_fn parse, const uint8_t *p, size_t n,
                                        const long *ok_at)
{
    for (size_t k = 0; k < n; k++) {
        bool ok_here = false;
        for (const long *o = ok_at; o != NULL && *o >= 0; o++) {
            ok_here |= (size_t)*o == k;
        }
        int err = parse_exact(parse, p, k);
        if (ok_here ? err != GLS_OK : err != GLS_E_DECODE) {
            fprintf(stderr, "  prefix %zu of %zu: got %s\n", k, n, gls_error_name(err));
            return false;
        }
    }
    return true;
}

/* Every recorded length field of t, bent by +1 and by -1, makes the parse fail with `want`. */
static inline bool all_lengths_bent_fail(parse_fn parse, const struct tb *t, size_t skip, int want)
{
    static uint8_t copy[8192];
    for (size_t i = 0; i < t->n_lens; i++) {
        for (int delta = -1; delta <= 1; delta += 2) {
            memcpy(copy, t->buf, t->len);
            const struct tb_len *l = &t->lens[i];
            uint32_t v = 0;
            for (int j = 0; j < l->width; j++) {
                v = v << 8 | copy[l->off + (size_t)j];
            }
            v = (uint32_t)((int64_t)v + delta);
            for (int j = l->width - 1; j >= 0; j--) {
                copy[l->off + (size_t)j] = (uint8_t)v;
                v >>= 8;
            }
            int err = parse_exact(parse, copy + skip, t->len - skip);
            if (err != want) {
                fprintf(stderr, "  length at %zu (width %u) %+d: got %s\n", l->off - skip, l->width,
                        delta, gls_error_name(err));
                return false;
            }
        }
    }
    return true;
}

/* parse -> write gives back exactly the input. */
static inline bool rewrites_exactly(rewrite_fn rw, const uint8_t *p, size_t n)
{
    static uint8_t out[70000];
    size_t got = 0;
    int err = rw(p, n, out, sizeof out, &got);
    if (err != GLS_OK) {
        fprintf(stderr, "  rewrite failed: %s\n", gls_error_name(err));
        return false;
    }
    if (got != n || memcmp(out, p, n) != 0) {
        static char a[140001];
        static char b[140001];
        hex_of(p, n, a);
        hex_of(out, got, b);
        fprintf(stderr, "  rewrite differs:\n    in  %s\n    out %s\n", a, b);
        return false;
    }
    return true;
}

/* Writes with w into a buffer and compares with want (len n). */
static inline bool same_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t n)
{
    if (got_len == n && memcmp(got, want, n) == 0) {
        return true;
    }
    static char a[20000];
    static char b[20000];
    hex_of(got, got_len > 9000 ? 9000 : got_len, a);
    hex_of(want, n > 9000 ? 9000 : n, b);
    fprintf(stderr, "  bytes differ:\n    got  %s\n    want %s\n", a, b);
    return false;
}

#endif
