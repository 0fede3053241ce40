/* tests/tool/tool_util.h — shared by the capture tests: a growable buffer, writers for
 * classic pcap and pcapng files (global header + record headers; SHB + IDB + EPB blocks),
 * hand-built frames (link header, IPv4 or IPv6, TCP, lengths right, checksums zero), a
 * fixed-seed PRNG, and a two-sided conversation that is cut into segments. Include after
 * harness.h. */
#ifndef GLS_TESTS_TOOL_UTIL_H
#define GLS_TESTS_TOOL_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool/pcap.h"
#include "tool/tcpflow.h"
#include "tool/tlsrec.h"

/* ---- growable buffer ---- */

struct gbuf {
    uint8_t *p;
    size_t len;
    size_t cap;
};

static inline void gb_put(struct gbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap != 0 ? b->cap : 1024;
        while (cap < b->len + n) {
            cap *= 2;
        }
        b->p = realloc(b->p, cap);
        if (b->p == NULL) {
            abort();
        }
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
}

static inline void gb_le(struct gbuf *b, uint64_t v, int width)
{
    uint8_t t[8];
    for (int i = 0; i < width; i++) {
        t[i] = (uint8_t)(v >> (8 * i));
    }
    gb_put(b, t, (size_t)width);
}

static inline void gb_free(struct gbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- capture files ---- */

struct cap {
    struct gbuf b;
    bool ng;
    uint32_t ts;
};

/* A classic pcap (little-endian, microseconds) or a pcapng with one interface. */
static inline void cap_init(struct cap *c, uint32_t link, bool ng)
{
    memset(c, 0, sizeof *c);
    c->ng = ng;
    if (!ng) {
        gb_le(&c->b, 0xa1b2c3d4, 4); /* magic */
        gb_le(&c->b, 2, 2);          /* version 2.4 */
        gb_le(&c->b, 4, 2);
        gb_le(&c->b, 0, 4); /* thiszone */
        gb_le(&c->b, 0, 4); /* sigfigs */
        gb_le(&c->b, 262144, 4);
        gb_le(&c->b, link, 4);
        return;
    }
    gb_le(&c->b, 0x0a0d0d0a, 4); /* Section Header Block */
    gb_le(&c->b, 28, 4);
    gb_le(&c->b, 0x1a2b3c4d, 4);
    gb_le(&c->b, 1, 2);
    gb_le(&c->b, 0, 2);
    gb_le(&c->b, UINT64_MAX, 8); /* section length: unknown */
    gb_le(&c->b, 28, 4);
    gb_le(&c->b, 1, 4); /* Interface Description Block */
    gb_le(&c->b, 20, 4);
    gb_le(&c->b, link, 2);
    gb_le(&c->b, 0, 2);
    gb_le(&c->b, 262144, 4);
    gb_le(&c->b, 20, 4);
}

static inline void cap_add(struct cap *c, const uint8_t *frame, size_t caplen, size_t wirelen)
{
    static const uint8_t zero[4];
    c->ts++;
    if (!c->ng) {
        gb_le(&c->b, 1700000000, 4);
        gb_le(&c->b, c->ts, 4);
        gb_le(&c->b, caplen, 4);
        gb_le(&c->b, wirelen, 4);
        gb_put(&c->b, frame, caplen);
        return;
    }
    size_t pad = (4 - caplen % 4) % 4;
    size_t total = 32 + caplen + pad;
    gb_le(&c->b, 6, 4); /* Enhanced Packet Block */
    gb_le(&c->b, total, 4);
    gb_le(&c->b, 0, 4); /* interface 0 */
    gb_le(&c->b, 0, 4); /* timestamp high, low */
    gb_le(&c->b, c->ts, 4);
    gb_le(&c->b, caplen, 4);
    gb_le(&c->b, wirelen, 4);
    gb_put(&c->b, frame, caplen);
    gb_put(&c->b, zero, pad);
    gb_le(&c->b, total, 4);
}

/* Writes bytes to a fresh temporary file; path gets its name. */
static inline void write_temp(const uint8_t *p, size_t n, char path[64])
{
    snprintf(path, 64, "/tmp/gls_cap_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, p, n) != (ssize_t)n) {
        perror("write_temp");
        abort();
    }
    close(fd);
}

/* ---- frames ---- */

struct pkt {
    struct gls_tcp_endpoint src;
    struct gls_tcp_endpoint dst;
    uint32_t seq;
    uint8_t flags;
    const uint8_t *data;
    size_t len;
    bool tcp_options; /* 12 bytes of NOP, NOP, timestamps: data offset 8 */
    bool v6_ext;      /* an IPv6 hop-by-hop header before TCP */
    bool vlan;        /* an 802.1Q tag (Ethernet) */
};

static inline void be(uint8_t *p, uint32_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[width - 1 - i] = (uint8_t)(v >> (8 * i));
    }
}

static inline size_t build_tcp(uint8_t *o, const struct pkt *k)
{
    size_t hl = k->tcp_options ? 32 : 20;
    memset(o, 0, hl);
    be(o, k->src.port, 2);
    be(o + 2, k->dst.port, 2);
    be(o + 4, k->seq, 4);
    be(o + 8, 1, 4);
    o[12] = (uint8_t)((hl / 4) << 4);
    o[13] = k->flags;
    be(o + 14, 65535, 2);
    if (k->tcp_options) {
        static const uint8_t opts[12] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
        memcpy(o + 20, opts, 12);
    }
    if (k->len > 0) {
        memcpy(o + hl, k->data, k->len);
    }
    return hl + k->len;
}

/* IP header + TCP into o; returns the length. */
static inline size_t build_ip(uint8_t *o, const struct pkt *k)
{
    if (k->src.family == 4) {
        size_t n = build_tcp(o + 20, k);
        memset(o, 0, 20);
        o[0] = 0x45;
        be(o + 2, (uint32_t)(20 + n), 2);
        o[6] = 0x40; /* don't fragment */
        o[8] = 64;
        o[9] = 6;
        memcpy(o + 12, k->src.ip, 4);
        memcpy(o + 16, k->dst.ip, 4);
        return 20 + n;
    }
    size_t ext = k->v6_ext ? 8 : 0;
    size_t n = build_tcp(o + 40 + ext, k);
    memset(o, 0, 40 + ext);
    o[0] = 0x60;
    be(o + 4, (uint32_t)(ext + n), 2);
    o[6] = k->v6_ext ? 0 : 6;
    o[7] = 64;
    memcpy(o + 8, k->src.ip, 16);
    memcpy(o + 24, k->dst.ip, 16);
    if (k->v6_ext) {
        o[40] = 6; /* next: TCP; length 0 = 8 bytes; PadN */
        o[42] = 1;
        o[43] = 4;
    }
    return 40 + ext + n;
}

/* A whole frame of the given link type; returns its length. */
static inline size_t build_frame(uint8_t *o, int link, const struct pkt *k)
{
    uint16_t et = k->src.family == 4 ? 0x0800 : 0x86dd;
    size_t h = 0;
    switch (link) {
    case GLS_LINK_EN10MB:
        memset(o, 0x11, 12);
        h = 12;
        if (k->vlan) {
            be(o + h, 0x8100, 2);
            be(o + h + 2, 42, 2);
            h += 4;
        }
        be(o + h, et, 2);
        h += 2;
        break;
    case GLS_LINK_LINUX_SLL:
        memset(o, 0, 14);
        o[5] = 6;
        be(o + 14, et, 2);
        h = 16;
        break;
    case GLS_LINK_SLL2:
        memset(o, 0, 20);
        be(o, et, 2);
        o[11] = 6;
        h = 20;
        break;
    case GLS_LINK_NULL: /* host order, little-endian here */
        o[0] = k->src.family == 4 ? 2 : 10;
        o[1] = o[2] = o[3] = 0;
        h = 4;
        break;
    case GLS_LINK_LOOP:
        be(o, k->src.family == 4 ? 2 : 24, 4);
        h = 4;
        break;
    default: /* raw */
        break;
    }
    return h + build_ip(o + h, k);
}

static inline struct gls_tcp_endpoint ep4(uint32_t a, uint16_t port)
{
    struct gls_tcp_endpoint e;
    memset(&e, 0, sizeof e);
    e.family = 4;
    be(e.ip, a, 4);
    e.port = port;
    return e;
}

static inline struct gls_tcp_endpoint ep6(uint8_t last, uint16_t port)
{
    struct gls_tcp_endpoint e;
    memset(&e, 0, sizeof e);
    e.family = 6;
    e.ip[0] = 0x20;
    e.ip[1] = 0x01;
    e.ip[2] = 0x0d;
    e.ip[3] = 0xb8;
    e.ip[15] = last;
    e.port = port;
    return e;
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

static inline size_t rng_range(struct rng *g, size_t lo, size_t hi)
{
    return lo + (size_t)(rng_next(g) % (hi - lo + 1));
}

static inline void rng_fill(struct rng *g, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)rng_next(g);
    }
}

/* ---- a conversation cut into segments ---- */

/* One planned segment: bytes [off, off + len) of one side's stream (or none), with flags.
 * bogus: send len different bytes instead of the stream's. */
struct plan {
    int side; /* 0 client->server, 1 server->client */
    uint8_t flags;
    size_t off;
    size_t len;
    bool bogus;
};

struct conv {
    struct gls_tcp_endpoint ep[2]; /* [0] client, [1] server */
    uint32_t isn[2];
    const uint8_t *data[2];
    size_t len[2];
    struct plan plan[4096];
    size_t n;
};

static inline void conv_push(struct conv *v, int side, uint8_t flags, size_t off, size_t len)
{
    if (v->n == sizeof v->plan / sizeof v->plan[0]) {
        abort();
    }
    struct plan p = {side, flags, off, len, false};
    v->plan[v->n++] = p;
}

/* SYN, SYN-ACK, ACK; each side's bytes in segments of 1..max_seg; FIN from both. */
static inline void conv_plan(struct conv *v, struct rng *g, size_t max_seg)
{
    v->n = 0;
    conv_push(v, 0, GLS_TCP_SYN, 0, 0);
    conv_push(v, 1, GLS_TCP_SYN | GLS_TCP_ACK, 0, 0);
    conv_push(v, 0, GLS_TCP_ACK, 0, 0);
    size_t at[2] = {0, 0};
    while (at[0] < v->len[0] || at[1] < v->len[1]) {
        int s = at[0] < v->len[0] && (at[1] >= v->len[1] || (rng_next(g) & 1)) ? 0 : 1;
        size_t k = rng_range(g, 1, max_seg);
        if (k > v->len[s] - at[s]) {
            k = v->len[s] - at[s];
        }
        conv_push(v, s, GLS_TCP_ACK | GLS_TCP_PSH, at[s], k);
        at[s] += k;
    }
    conv_push(v, 0, GLS_TCP_FIN | GLS_TCP_ACK, v->len[0], 0);
    conv_push(v, 1, GLS_TCP_FIN | GLS_TCP_ACK, v->len[1], 0);
}

/* The segment for plan entry i; bogus bytes come from scratch. */
static inline struct gls_tcp_segment conv_seg(const struct conv *v, size_t i, uint8_t *scratch)
{
    const struct plan *p = &v->plan[i];
    struct gls_tcp_segment s;
    memset(&s, 0, sizeof s);
    s.src = v->ep[p->side];
    s.dst = v->ep[1 - p->side];
    s.flags = p->flags;
    bool syn = (p->flags & GLS_TCP_SYN) != 0;
    s.seq = v->isn[p->side] + (syn ? 0 : 1) + (uint32_t)p->off;
    s.payload = v->data[p->side] + p->off;
    s.len = p->len;
    if (p->bogus) {
        for (size_t k = 0; k < p->len; k++) {
            scratch[k] = (uint8_t)(v->data[p->side][p->off + k] ^ 0x5a);
        }
        s.payload = scratch;
    }
    s.packet = i + 1;
    return s;
}

/* Reorders the data segments (not the handshake) in windows of w, then appends dups
 * retransmissions of random segments and overlaps random ranges spanning several. */
static inline void conv_disorder(struct conv *v, struct rng *g, size_t w, size_t dups,
                                 size_t overlaps)
{
    size_t first = 3;
    size_t last = v->n - 2; /* keep the FINs at the end */
    for (size_t i = first; i + 1 < last; i++) {
        size_t j = i + rng_range(g, 0, w);
        if (j >= last) {
            j = last - 1;
        }
        struct plan t = v->plan[i];
        v->plan[i] = v->plan[j];
        v->plan[j] = t;
    }
    struct plan fins[2] = {v->plan[v->n - 2], v->plan[v->n - 1]};
    v->n -= 2;
    for (size_t k = 0; k < dups; k++) {
        struct plan p = v->plan[rng_range(g, first, last - 1)];
        size_t at = rng_range(g, first, v->n);
        memmove(&v->plan[at + 1], &v->plan[at], (v->n - at) * sizeof p);
        v->plan[at] = p;
        v->n++;
    }
    for (size_t k = 0; k < overlaps; k++) {
        int s = (int)(rng_next(g) & 1);
        if (v->len[s] < 2) {
            continue;
        }
        size_t a = rng_range(g, 0, v->len[s] - 2);
        size_t n = rng_range(g, 1, v->len[s] - a);
        n = n > 1400 ? 1400 : n;
        size_t at = rng_range(g, first, v->n);
        struct plan p = {s, GLS_TCP_ACK, a, n, false};
        memmove(&v->plan[at + 1], &v->plan[at], (v->n - at) * sizeof p);
        v->plan[at] = p;
        v->n++;
    }
    v->plan[v->n++] = fins[0];
    v->plan[v->n++] = fins[1];
}

/* Feeds the whole plan to f (or a given subset by skipping marked entries). */
static inline int conv_feed(const struct conv *v, struct gls_tcp_flows *f)
{
    static uint8_t scratch[65536];
    for (size_t i = 0; i < v->n; i++) {
        struct gls_tcp_segment s = conv_seg(v, i, scratch);
        int err = gls_tcp_flows_add(f, &s);
        if (err != GLS_OK) {
            return err;
        }
    }
    return gls_tcp_flows_finish(f);
}

/* Writes the plan as a capture of the given link type. */
static inline void conv_capture(const struct conv *v, struct cap *c, int link, bool ng)
{
    static uint8_t scratch[65536];
    static uint8_t frame[70000];
    cap_init(c, (uint32_t)link, ng);
    for (size_t i = 0; i < v->n; i++) {
        struct gls_tcp_segment s = conv_seg(v, i, scratch);
        struct pkt k = {s.src, s.dst,      s.seq,      s.flags,   s.payload,
                        s.len, i % 3 == 1, i % 2 == 1, i % 4 == 2};
        size_t n = build_frame(frame, link, &k);
        cap_add(c, frame, n, n);
    }
}

/* True if stream s holds exactly want (no gaps, nothing dropped). */
static inline bool stream_is(const struct gls_tcp_stream *s, const uint8_t *want, size_t n)
{
    if (s->len != n || s->n_gaps != 0 || s->truncated || (n > 0 && memcmp(s->data, want, n))) {
        fprintf(stderr, "  stream: len %zu (want %zu), gaps %zu, truncated %d\n", s->len, n,
                s->n_gaps, s->truncated);
        for (size_t i = 0; i < s->len && i < n; i++) {
            if (s->data[i] != want[i]) {
                fprintf(stderr, "  first difference at %zu\n", i);
                break;
            }
        }
        return false;
    }
    return true;
}

static inline bool ep_same(const struct gls_tcp_endpoint *a, const struct gls_tcp_endpoint *b)
{
    return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, 16) == 0;
}

/* The connection from client a to server b in f, or NULL. */
static inline const struct gls_tcp_conn *find_conn(const struct gls_tcp_flows *f,
                                                   const struct gls_tcp_endpoint *a,
                                                   const struct gls_tcp_endpoint *b)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct gls_tcp_conn *c = &f->conns[i];
        if (ep_same(&c->ep[0], a) && ep_same(&c->ep[1], b)) {
            return c;
        }
    }
    return NULL;
}

#endif
