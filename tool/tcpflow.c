/* tool/tcpflow.c — TCP stream reassembly (RFC 9293 §3.4): connections found by 4-tuple
 * through a small open-addressing index, sequence numbers unwrapped against the next
 * expected offset, out-of-order bytes kept in a sorted list of disjoint pieces, first copy
 * wins. Appending past the last piece (what follows a lost segment) is O(1) through a tail
 * pointer; other inserts walk the list, whose size max_ooo bounds. See tcpflow.h for the
 * policy and the limits. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "glasstls/gls.h"
#include "tcpflow.h"

/* One buffered out-of-order piece; the list never overlaps and is sorted by offset. */
struct gls_tcp_seg {
    struct gls_tcp_seg *next;
    uint64_t off;
    size_t len;
    uint8_t data[];
};

_Static_assert(sizeof(struct gls_tcp_seg) <= GLS_TCP_SEG_OVERHEAD, "piece bookkeeping");

#define DEFAULT_MAX_OOO    ((size_t)16 << 20)
#define MIN_MAX_OOO        ((size_t)64 << 10)
#define DEFAULT_MAX_STREAM ((size_t)1 << 30)
#define DEFAULT_MAX_GAPS   4096
#define DEFAULT_MAX_CONNS  ((size_t)1 << 20)
#define MAX_MAX_CONNS      ((size_t)1 << 30)

/* see tcpflow.h */
void gls_tcp_flows_init(struct gls_tcp_flows *f, const struct gls_tcp_limits *lim)
{
    memset(f, 0, sizeof *f);
    if (lim != NULL) {
        f->lim = *lim;
    }
    if (f->lim.max_ooo == 0) {
        f->lim.max_ooo = DEFAULT_MAX_OOO;
    } else if (f->lim.max_ooo < MIN_MAX_OOO) {
        f->lim.max_ooo = MIN_MAX_OOO;
    }
    if (f->lim.max_stream == 0) {
        f->lim.max_stream = DEFAULT_MAX_STREAM;
    }
    if (f->lim.max_gaps == 0) {
        f->lim.max_gaps = DEFAULT_MAX_GAPS;
    }
    if (f->lim.max_conns == 0) {
        f->lim.max_conns = DEFAULT_MAX_CONNS;
    } else if (f->lim.max_conns > MAX_MAX_CONNS) {
        f->lim.max_conns = MAX_MAX_CONNS;
    }
}

/* ---- one direction ---- */

/* Appends to the kept bytes; what does not fit under max_stream is counted as dropped. */
static int keep(struct gls_tcp_stream *s, const struct gls_tcp_limits *lim, const uint8_t *p,
                size_t n)
{
    if (s->truncated) {
        s->dropped += n;
        return GLS_OK;
    }
    size_t room = lim->max_stream - s->len;
    if (n > room) {
        s->dropped += n - room;
        n = room;
        s->truncated = true;
    }
    if (n > s->cap - s->len) {
        size_t cap = s->cap != 0 ? s->cap : 4096;
        while (cap - s->len < n && cap < lim->max_stream) {
            cap = cap > lim->max_stream / 2 ? lim->max_stream : cap * 2;
        }
        uint8_t *d = realloc(s->data, cap);
        if (d == NULL) {
            return GLS_E_NO_MEMORY;
        }
        s->data = d;
        s->cap = cap;
    }
    if (n > 0) {
        memcpy(s->data + s->len, p, n);
    }
    s->len += n;
    return GLS_OK;
}

/* Counts the bytes of [off, off + n), all before s->next, that differ from the kept copy. */
static void compare_kept(struct gls_tcp_stream *s, uint64_t off, const uint8_t *p, size_t n)
{
    if (off < s->kept_end) {
        uint64_t cut = s->kept_end - off;
        if (cut >= n) {
            return; /* inside a hole, or before the stream began */
        }
        p += cut;
        n -= (size_t)cut;
        off = s->kept_end;
    }
    uint64_t at = off - s->skipped;
    if (at >= s->len) {
        return; /* past the cut-off: not kept, nothing to compare */
    }
    size_t k = s->len - at < n ? (size_t)(s->len - at) : n;
    for (size_t i = 0; i < k; i++) {
        s->conflicts += s->data[at + i] != p[i];
    }
}

/* Gives up on the bytes before off: a hole, listed in gaps. */
static int skip_to(struct gls_tcp_stream *s, const struct gls_tcp_limits *lim, uint64_t off)
{
    uint64_t hole = off - s->next;
    if (!s->truncated && s->n_gaps == lim->max_gaps) {
        s->truncated = true;
    }
    if (!s->truncated) {
        if (s->n_gaps == s->gaps_cap) {
            size_t cap = s->gaps_cap != 0 ? s->gaps_cap * 2 : 8;
            struct gls_tcp_gap *g = realloc(s->gaps, cap * sizeof *g);
            if (g == NULL) {
                return GLS_E_NO_MEMORY;
            }
            s->gaps = g;
            s->gaps_cap = cap;
        }
        s->gaps[s->n_gaps].at = s->len;
        s->gaps[s->n_gaps].len = hole;
        s->n_gaps++;
    }
    s->skipped += hole;
    s->next = off;
    s->kept_end = off;
    return GLS_OK;
}

/* Moves buffered pieces that now continue the stream into the kept bytes. */
static int flush(struct gls_tcp_stream *s, const struct gls_tcp_limits *lim)
{
    while (s->ooo != NULL && s->ooo->off == s->next) {
        struct gls_tcp_seg *h = s->ooo;
        TRY(keep(s, lim, h->data, h->len));
        s->next += h->len;
        s->ooo = h->next;
        s->ooo_bytes -= h->len + GLS_TCP_SEG_OVERHEAD;
        if (s->ooo == NULL) {
            s->ooo_tail = NULL;
        }
        free(h);
    }
    return GLS_OK;
}

/* Puts the new piece [o, o + n) where *link points: straight into the kept bytes when it
 * continues the stream, else into a list node. *link moves past it. */
static int place(struct gls_tcp_stream *s, const struct gls_tcp_limits *lim,
                 struct gls_tcp_seg ***link, uint64_t o, const uint8_t *p, size_t n)
{
    if (*link == &s->ooo && o == s->next) {
        TRY(keep(s, lim, p, n));
        s->next += n;
        return GLS_OK;
    }
    struct gls_tcp_seg *g = malloc(sizeof *g + n);
    if (g == NULL) {
        return GLS_E_NO_MEMORY;
    }
    g->off = o;
    g->len = n;
    memcpy(g->data, p, n);
    g->next = **link;
    **link = g;
    *link = &g->next;
    if (g->next == NULL) {
        s->ooo_tail = g;
    }
    s->ooo_bytes += n + GLS_TCP_SEG_OVERHEAD;
    return GLS_OK;
}

/* Inserts [o, o + n) (o >= s->next): only the parts no buffered piece covers yet (first copy
 * wins); covered parts are compared and counted as conflicts where they differ. */
static int insert(struct gls_tcp_stream *s, const struct gls_tcp_limits *lim, uint64_t o,
                  const uint8_t *p, size_t n)
{
    struct gls_tcp_seg **link = &s->ooo;
    uint64_t end = o + n;
    if (s->ooo_tail != NULL && o >= s->ooo_tail->off + s->ooo_tail->len) {
        link = &s->ooo_tail->next; /* the usual case after a loss: past everything buffered */
    }
    while (o < end) {
        struct gls_tcp_seg *cur = *link;
        if (cur != NULL && cur->off + cur->len <= o) {
            link = &cur->next;
            continue;
        }
        uint64_t stop = cur == NULL || cur->off >= end ? end : cur->off;
        if (o < stop) {
            size_t k = (size_t)(stop - o);
            TRY(place(s, lim, &link, o, p, k));
            p += k;
            o += k;
            continue;
        }
        uint64_t cur_end = cur->off + cur->len;
        size_t k = (size_t)((end < cur_end ? end : cur_end) - o);
        const uint8_t *old = cur->data + (o - cur->off);
        for (size_t i = 0; i < k; i++) {
            s->conflicts += old[i] != p[i];
        }
        p += k;
        o += k;
        link = &cur->next;
    }
    return GLS_OK;
}

/* Takes the payload bytes at stream offset off (negative: before the stream began). */
static int stream_data(struct gls_tcp_stream *s, const struct gls_tcp_limits *lim, int64_t off,
                       const uint8_t *p, size_t n)
{
    if (off < 0) {
        uint64_t cut = (uint64_t)(-off);
        if (cut >= n) {
            s->dropped += n;
            return GLS_OK;
        }
        s->dropped += cut;
        p += cut;
        n -= (size_t)cut;
        off = 0;
    }
    uint64_t o = (uint64_t)off;
    for (;;) {
        if (o < s->next) {
            uint64_t old = s->next - o;
            size_t k = old >= n ? n : (size_t)old;
            compare_kept(s, o, p, k); /* already delivered: the first copy stays */
            p += k;
            n -= k;
            o += k;
        }
        if (n == 0) {
            return GLS_OK;
        }
        if (o == s->next || s->ooo == NULL ||
            s->ooo_bytes + n + GLS_TCP_SEG_OVERHEAD <= lim->max_ooo) {
            break;
        }
        /* The buffer is full: give up on the oldest hole and deliver what follows it. */
        TRY(skip_to(s, lim, s->ooo->off));
        TRY(flush(s, lim));
    }
    TRY(insert(s, lim, o, p, n));
    return flush(s, lim);
}

/* seq - ref as a signed distance in sequence space (RFC 9293 §3.4: modulo 2^32). */
static int64_t seq_distance(uint32_t seq, uint32_t ref)
{
    uint32_t d = seq - ref;
    return d < 0x80000000u ? (int64_t)d : (int64_t)d - ((int64_t)1 << 32);
}

/* ---- the connection index ---- */

static bool ep_eq(const struct gls_tcp_endpoint *a, const struct gls_tcp_endpoint *b)
{
    return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, 16) == 0;
}

static int ep_cmp(const struct gls_tcp_endpoint *a, const struct gls_tcp_endpoint *b)
{
    if (a->family != b->family) {
        return a->family < b->family ? -1 : 1;
    }
    int c = memcmp(a->ip, b->ip, 16);
    if (c != 0) {
        return c;
    }
    return a->port == b->port ? 0 : (a->port < b->port ? -1 : 1);
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    return h;
}

static uint64_t ep_hash(uint64_t h, const struct gls_tcp_endpoint *e)
{
    uint8_t port[2] = {(uint8_t)(e->port >> 8), (uint8_t)e->port};
    h = fnv(h, &e->family, 1);
    h = fnv(h, e->ip, 16);
    return fnv(h, port, 2);
}

/* The same for (a, b) and (b, a). */
static uint64_t tuple_hash(const struct gls_tcp_endpoint *a, const struct gls_tcp_endpoint *b)
{
    if (ep_cmp(a, b) > 0) {
        const struct gls_tcp_endpoint *t = a;
        a = b;
        b = t;
    }
    return ep_hash(ep_hash(0xcbf29ce484222325ULL, a), b);
}

static bool conn_is(const struct gls_tcp_conn *c, const struct gls_tcp_endpoint *a,
                    const struct gls_tcp_endpoint *b)
{
    return (ep_eq(&c->ep[0], a) && ep_eq(&c->ep[1], b)) ||
           (ep_eq(&c->ep[0], b) && ep_eq(&c->ep[1], a));
}

/* The slot for (a, b): the one holding it, or the empty one where it would go. */
static size_t index_slot(const struct gls_tcp_flows *f, const struct gls_tcp_endpoint *a,
                         const struct gls_tcp_endpoint *b)
{
    size_t mask = f->index_cap - 1;
    size_t i = (size_t)tuple_hash(a, b) & mask;
    while (f->index[i] != 0 && !conn_is(&f->conns[f->index[i] - 1], a, b)) {
        i = (i + 1) & mask;
    }
    return i;
}

/* Makes conns[ci] the connection its 4-tuple finds (newer incarnations replace older). */
static void index_put(struct gls_tcp_flows *f, size_t ci)
{
    const struct gls_tcp_conn *c = &f->conns[ci];
    f->index[index_slot(f, &c->ep[0], &c->ep[1])] = (uint32_t)(ci + 1);
}

/* Keeps the index at most half full. */
static int index_grow(struct gls_tcp_flows *f)
{
    if ((f->n + 1) * 2 <= f->index_cap) {
        return GLS_OK;
    }
    size_t cap = f->index_cap != 0 ? f->index_cap * 2 : 64;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (idx == NULL) {
        return GLS_E_NO_MEMORY;
    }
    free(f->index);
    f->index = idx;
    f->index_cap = cap;
    for (size_t i = 0; i < f->n; i++) {
        index_put(f, i); /* in order, so the newest incarnation of a tuple wins */
    }
    return GLS_OK;
}

/* Opens a connection for seg's 4-tuple; *ci is its index. */
static int conn_new(struct gls_tcp_flows *f, const struct gls_tcp_segment *seg, size_t *ci)
{
    TRY(index_grow(f));
    if (f->n == f->cap) {
        size_t cap = f->cap != 0 ? f->cap * 2 : 16;
        struct gls_tcp_conn *c = realloc(f->conns, cap * sizeof *c);
        if (c == NULL) {
            return GLS_E_NO_MEMORY;
        }
        f->conns = c;
        f->cap = cap;
    }
    struct gls_tcp_conn *c = &f->conns[f->n];
    memset(c, 0, sizeof *c);
    uint8_t sa = seg->flags & (GLS_TCP_SYN | GLS_TCP_ACK);
    bool synack = sa == (GLS_TCP_SYN | GLS_TCP_ACK);
    c->ep[0] = synack ? seg->dst : seg->src;
    c->ep[1] = synack ? seg->src : seg->dst;
    c->initiator_known = sa == GLS_TCP_SYN || synack;
    c->first_packet = seg->packet;
    *ci = f->n++;
    index_put(f, *ci);
    return GLS_OK;
}

/* A SYN with a new ISN on a tuple whose stream has begun: the port was reused. */
static bool new_incarnation(const struct gls_tcp_stream *s, const struct gls_tcp_segment *seg)
{
    return (seg->flags & (GLS_TCP_SYN | GLS_TCP_ACK)) == GLS_TCP_SYN && s->started &&
           (uint32_t)(seg->seq + 1) != s->base;
}

/* Learns who the client is from a late SYN or SYN-ACK: dir[0] must be the client's. */
static void learn_initiator(struct gls_tcp_conn *c, int *d, uint8_t flags)
{
    uint8_t sa = flags & (GLS_TCP_SYN | GLS_TCP_ACK);
    if (c->initiator_known || (sa & GLS_TCP_SYN) == 0) {
        return;
    }
    int client = sa == GLS_TCP_SYN ? *d : 1 - *d;
    if (client == 1) {
        struct gls_tcp_endpoint e = c->ep[0];
        struct gls_tcp_stream s = c->dir[0];
        c->ep[0] = c->ep[1];
        c->ep[1] = e;
        c->dir[0] = c->dir[1];
        c->dir[1] = s;
        *d = 1 - *d;
    }
    c->initiator_known = true;
}

/* Finds (or opens) seg's connection and direction; *ci is SIZE_MAX when it is not tracked. */
static int conn_find(struct gls_tcp_flows *f, const struct gls_tcp_segment *seg, size_t *ci, int *d)
{
    if (f->index_cap != 0) {
        uint32_t at = f->index[index_slot(f, &seg->src, &seg->dst)];
        if (at != 0) {
            struct gls_tcp_conn *c = &f->conns[at - 1];
            *d = ep_eq(&c->ep[0], &seg->src) ? 0 : 1;
            if (!new_incarnation(&c->dir[*d], seg)) {
                learn_initiator(c, d, seg->flags);
                *ci = at - 1;
                return GLS_OK;
            }
        }
    }
    if (f->n >= f->lim.max_conns) {
        f->untracked++;
        *ci = SIZE_MAX;
        return GLS_OK;
    }
    TRY(conn_new(f, seg, ci));
    *d = ep_eq(&f->conns[*ci].ep[0], &seg->src) ? 0 : 1;
    return GLS_OK;
}

/* see tcpflow.h */
int gls_tcp_flows_add(struct gls_tcp_flows *f, const struct gls_tcp_segment *seg)
{
    size_t ci = 0;
    int d = 0;
    TRY(conn_find(f, seg, &ci, &d));
    if (ci == SIZE_MAX) {
        return GLS_OK;
    }
    struct gls_tcp_stream *s = &f->conns[ci].dir[d];
    s->segments++;
    uint32_t seq = seg->seq;
    if (seg->flags & GLS_TCP_SYN) {
        s->saw_syn = true;
        seq++; /* RFC 9293 §3.4: the SYN occupies the ISN */
        if (!s->started) {
            s->started = true;
            s->base = seq;
        }
    }
    if (seg->flags & GLS_TCP_RST) {
        s->saw_rst = true;
        return GLS_OK; /* data on a RST is a diagnostic, not stream bytes */
    }
    if (seg->flags & GLS_TCP_FIN) {
        s->saw_fin = true;
    }
    if (seg->len == 0) {
        return GLS_OK;
    }
    if (!s->started) {
        s->started = true; /* the capture began mid-stream: this byte is offset 0 */
        s->base = seq;
    }
    int64_t off = (int64_t)s->next + seq_distance(seq, (uint32_t)(s->base + s->next));
    return stream_data(s, &f->lim, off, seg->payload, seg->len);
}

/* see tcpflow.h */
int gls_tcp_flows_finish(struct gls_tcp_flows *f)
{
    for (size_t i = 0; i < f->n; i++) {
        for (int d = 0; d < 2; d++) {
            struct gls_tcp_stream *s = &f->conns[i].dir[d];
            while (s->ooo != NULL) {
                TRY(skip_to(s, &f->lim, s->ooo->off));
                TRY(flush(s, &f->lim));
            }
        }
    }
    return GLS_OK;
}

static void stream_free(struct gls_tcp_stream *s)
{
    while (s->ooo != NULL) {
        struct gls_tcp_seg *h = s->ooo;
        s->ooo = h->next;
        free(h);
    }
    free(s->data);
    free(s->gaps);
}

/* see tcpflow.h */
void gls_tcp_flows_free(struct gls_tcp_flows *f)
{
    for (size_t i = 0; i < f->n; i++) {
        stream_free(&f->conns[i].dir[0]);
        stream_free(&f->conns[i].dir[1]);
    }
    free(f->conns);
    free(f->index);
    struct gls_tcp_limits lim = f->lim;
    memset(f, 0, sizeof *f);
    f->lim = lim;
}

/* see tcpflow.h */
size_t gls_tcp_stream_contiguous(const struct gls_tcp_stream *s)
{
    return s->n_gaps > 0 ? s->gaps[0].at : s->len;
}

/* see tcpflow.h */
void gls_tcp_endpoint_format(const struct gls_tcp_endpoint *e, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN];
    if (cap == 0) {
        return;
    }
    if (inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->ip, ip, sizeof ip) == NULL) {
        snprintf(ip, sizeof ip, "?");
    }
    snprintf(buf, cap, e->family == 6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)e->port);
}
