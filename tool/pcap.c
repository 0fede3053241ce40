/* tool/pcap.c — capture files to TCP segments: libpcap reads the file (pcap or pcapng),
 * this file decodes each frame with the bounded reader: link header (Ethernet + 802.1Q,
 * Linux SLL/SLL2, loopback, raw), IPv4 (RFC 791 §3.1), IPv6 (RFC 8200 §3-4, extension
 * headers skipped), TCP (RFC 9293 §3.1), and hands the segment to tcpflow.c. A frame that
 * does not decode is counted and skipped; it never stops the read. */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "glasstls/gls.h"
#include "pcap.h"

#define ETHERTYPE_IPV4  0x0800
#define ETHERTYPE_IPV6  0x86dd
#define ETHERTYPE_VLAN  0x8100
#define ETHERTYPE_QINQ  0x88a8
#define ETHERTYPE_QINQ1 0x9100
#define PROTO_TCP       6

/* IPv6 next-header values (RFC 8200 §4; RFC 4302 for AH) */
#define IP6_HOPOPTS  0
#define IP6_ROUTING  43
#define IP6_FRAGMENT 44
#define IP6_AH       51
#define IP6_DSTOPTS  60

/* The frame being decoded: r reads the captured bytes; wire counts what the wire had. */
struct frame {
    gls_reader r;
    size_t caplen;
    size_t wirelen;
};

__attribute__((format(printf, 4, 5))) static int say(char *buf, size_t cap, int err,
                                                     const char *fmt, ...)
{
    if (cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, cap, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* Bytes of the frame on the wire from the read position on. */
static size_t wire_left(const struct frame *f)
{
    return f->wirelen - (f->caplen - gls_reader_left(&f->r));
}

/* A reader over the next min(n, captured) bytes; f->r moves past them. */
static gls_reader take_up_to(gls_reader *r, size_t n)
{
    size_t k = gls_reader_left(r) < n ? gls_reader_left(r) : n;
    gls_bytes b = gls_read_bytes(r, k);
    return gls_reader_init(b.p, b.len);
}

/* see pcap.h */
bool gls_pcap_link_supported(int link_type)
{
    switch (link_type) {
    case GLS_LINK_NULL:
    case GLS_LINK_EN10MB:
    case GLS_LINK_RAW:
    case GLS_LINK_RAW_101:
    case GLS_LINK_LOOP:
    case GLS_LINK_LINUX_SLL:
    case GLS_LINK_IPV4:
    case GLS_LINK_IPV6:
    case GLS_LINK_SLL2:
        return true;
    default:
        return false;
    }
}

/* The IP version from the first byte's high nibble (loopback and raw links). */
static int version_nibble(const gls_reader *r)
{
    return gls_reader_left(r) > 0 ? r->p[0] >> 4 : 0;
}

static int from_ethertype(uint16_t type)
{
    return type == ETHERTYPE_IPV4 ? 4 : (type == ETHERTYPE_IPV6 ? 6 : 0);
}

/* Skips the link header; *ipv is 4, 6, or 0 for a frame that carries no IP. */
static int link_layer(int lt, struct frame *f, int *ipv, char *why, size_t whycap)
{
    gls_reader *r = &f->r;
    uint16_t type = 0;
    switch (lt) {
    case GLS_LINK_EN10MB:
        (void)gls_read_bytes(r, 12); /* destination, source */
        type = gls_read_u16(r);
        for (int tags = 0; tags < 2; tags++) {
            if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ && type != ETHERTYPE_QINQ1) {
                break;
            }
            (void)gls_read_u16(r); /* tag control */
            type = gls_read_u16(r);
        }
        *ipv = from_ethertype(type);
        break;
    case GLS_LINK_LINUX_SLL:
        (void)gls_read_bytes(r, 14); /* packet type, address type and length, address */
        *ipv = from_ethertype(gls_read_u16(r));
        break;
    case GLS_LINK_SLL2:
        *ipv = from_ethertype(gls_read_u16(r));
        (void)gls_read_bytes(r, 18);
        break;
    case GLS_LINK_NULL:
    case GLS_LINK_LOOP:
        (void)gls_read_u32(r); /* address family, in either byte order: the nibble decides */
        *ipv = version_nibble(r);
        break;
    case GLS_LINK_RAW:
    case GLS_LINK_RAW_101:
        *ipv = version_nibble(r);
        break;
    case GLS_LINK_IPV4:
        *ipv = 4;
        break;
    case GLS_LINK_IPV6:
        *ipv = 6;
        break;
    default:
        return say(why, whycap, GLS_E_UNSUPPORTED, "link type %d is not supported", lt);
    }
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE, "link-layer header cut short (%zu bytes captured)",
                   f->caplen);
    }
    return GLS_OK;
}

/* TCP header and payload; r holds the captured part of a wire-byte segment. */
static int tcp(gls_reader *r, size_t wire, struct gls_tcp_segment *seg, bool *cut, char *why,
               size_t whycap)
{
    size_t avail = gls_reader_left(r);
    if (wire < 20) {
        return say(why, whycap, GLS_E_DECODE, "TCP segment of %zu bytes is shorter than 20", wire);
    }
    seg->src.port = gls_read_u16(r);
    seg->dst.port = gls_read_u16(r);
    seg->seq = gls_read_u32(r);
    (void)gls_read_u32(r); /* acknowledgment number */
    uint16_t off_flags = gls_read_u16(r);
    (void)gls_read_bytes(r, 6); /* window, checksum, urgent pointer */
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE, "TCP header cut short: %zu of 20 bytes captured",
                   avail);
    }
    size_t doff = (size_t)(off_flags >> 12) * 4;
    if (doff < 20) {
        return say(why, whycap, GLS_E_DECODE, "TCP data offset %zu is below 20", doff);
    }
    if (doff > wire) {
        return say(why, whycap, GLS_E_DECODE,
                   "TCP data offset %zu is beyond the segment's %zu bytes", doff, wire);
    }
    (void)gls_read_bytes(r, doff - 20);
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE,
                   "TCP options cut short: %zu of %zu header bytes captured", avail, doff);
    }
    seg->flags = (uint8_t)(off_flags & 0x1f);
    gls_bytes payload = gls_read_rest(r);
    seg->payload = payload.p;
    seg->len = payload.len;
    *cut = payload.len < wire - doff;
    return GLS_OK;
}

/* IPv4 header (RFC 791 §3.1); the rest goes to tcp(). */
static int ipv4(struct frame *f, enum gls_frame_kind *kind, struct gls_tcp_segment *seg, bool *cut,
                char *why, size_t whycap)
{
    gls_reader *r = &f->r;
    size_t avail = gls_reader_left(r);
    size_t wire = wire_left(f);
    uint8_t vihl = gls_read_u8(r);
    (void)gls_read_u8(r); /* DSCP, ECN */
    size_t total = gls_read_u16(r);
    (void)gls_read_u16(r); /* identification */
    uint16_t frag = gls_read_u16(r);
    (void)gls_read_u8(r); /* TTL */
    uint8_t proto = gls_read_u8(r);
    (void)gls_read_u16(r); /* checksum */
    gls_read_fixed(r, seg->src.ip, 4);
    gls_read_fixed(r, seg->dst.ip, 4);
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE, "IPv4 header cut short: %zu of 20 bytes captured",
                   avail);
    }
    size_t ihl = (size_t)(vihl & 15) * 4;
    if (vihl >> 4 != 4) {
        return say(why, whycap, GLS_E_DECODE, "IP version %u where IPv4 was expected", vihl >> 4);
    }
    if (ihl < 20) {
        return say(why, whycap, GLS_E_DECODE, "IPv4 header length %zu is below 20", ihl);
    }
    if (total == 0) {
        total = wire; /* segmentation offload: the stack left the length to the NIC */
    }
    if (total < ihl || total > wire) {
        return say(why, whycap, GLS_E_DECODE,
                   "IPv4 total length %zu does not fit header length %zu and frame's %zu bytes",
                   total, ihl, wire);
    }
    (void)gls_read_bytes(r, ihl - 20);
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE, "IPv4 options cut short: %zu of %zu bytes captured",
                   avail, ihl);
    }
    seg->src.family = seg->dst.family = 4;
    if ((frag & 0x3fff) != 0) { /* more fragments, or a fragment offset */
        *kind = GLS_FRAME_FRAGMENT;
        return GLS_OK;
    }
    if (proto != PROTO_TCP) {
        *kind = GLS_FRAME_NOT_TCP;
        return GLS_OK;
    }
    gls_reader body = take_up_to(r, total - ihl); /* drops Ethernet padding */
    TRY(tcp(&body, total - ihl, seg, cut, why, whycap));
    *kind = GLS_FRAME_TCP;
    return GLS_OK;
}

/* Skips one IPv6 extension header of type nh; *wire shrinks by its size. */
static int ipv6_ext(gls_reader *r, uint8_t *nh, size_t *wire, char *why, size_t whycap)
{
    uint8_t next = gls_read_u8(r);
    size_t len = gls_read_u8(r);
    size_t size = *nh == IP6_AH ? (len + 2) * 4 : (len + 1) * 8;
    if (size > *wire) {
        return say(why, whycap, GLS_E_DECODE,
                   "IPv6 extension header %u of %zu bytes exceeds the %zu payload bytes", *nh, size,
                   *wire);
    }
    (void)gls_read_bytes(r, size - 2);
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE, "IPv6 extension header %u cut short", *nh);
    }
    *wire -= size;
    *nh = next;
    return GLS_OK;
}

/* IPv6 header and extension headers (RFC 8200 §3, §4); the rest goes to tcp(). */
static int ipv6(struct frame *f, enum gls_frame_kind *kind, struct gls_tcp_segment *seg, bool *cut,
                char *why, size_t whycap)
{
    gls_reader *r = &f->r;
    size_t avail = gls_reader_left(r);
    size_t wire = wire_left(f);
    uint32_t vtf = gls_read_u32(r);
    size_t plen = gls_read_u16(r);
    uint8_t nh = gls_read_u8(r);
    (void)gls_read_u8(r); /* hop limit */
    gls_read_fixed(r, seg->src.ip, 16);
    gls_read_fixed(r, seg->dst.ip, 16);
    if (r->bad) {
        return say(why, whycap, GLS_E_DECODE, "IPv6 header cut short: %zu of 40 bytes captured",
                   avail);
    }
    if (vtf >> 28 != 6) {
        return say(why, whycap, GLS_E_DECODE, "IP version %u where IPv6 was expected", vtf >> 28);
    }
    if (plen == 0) {
        plen = wire - 40; /* a jumbogram or segmentation offload: the frame tells the length */
    }
    if (plen > wire - 40) {
        return say(why, whycap, GLS_E_DECODE,
                   "IPv6 payload length %zu exceeds the frame's %zu bytes after the header", plen,
                   wire - 40);
    }
    seg->src.family = seg->dst.family = 6;
    gls_reader body = take_up_to(r, plen);
    for (int hops = 0; hops < 8 && nh != PROTO_TCP; hops++) {
        if (nh == IP6_FRAGMENT) {
            *kind = GLS_FRAME_FRAGMENT;
            return GLS_OK;
        }
        if (nh != IP6_HOPOPTS && nh != IP6_ROUTING && nh != IP6_DSTOPTS && nh != IP6_AH) {
            break;
        }
        TRY(ipv6_ext(&body, &nh, &plen, why, whycap));
    }
    if (nh != PROTO_TCP) {
        *kind = GLS_FRAME_NOT_TCP;
        return GLS_OK;
    }
    TRY(tcp(&body, plen, seg, cut, why, whycap));
    *kind = GLS_FRAME_TCP;
    return GLS_OK;
}

/* see pcap.h */
int gls_pcap_decode_frame(int link_type, const uint8_t *p, size_t caplen, size_t wirelen,
                          enum gls_frame_kind *kind, struct gls_tcp_segment *seg, bool *cut,
                          char *why, size_t whycap)
{
    struct frame f = {gls_reader_init(p, caplen), caplen, wirelen < caplen ? caplen : wirelen};
    int ipv = 0;
    memset(seg, 0, sizeof *seg);
    *kind = GLS_FRAME_NOT_TCP;
    *cut = false;
    if (whycap > 0) {
        why[0] = 0;
    }
    TRY(link_layer(link_type, &f, &ipv, why, whycap));
    if (ipv == 4) {
        return ipv4(&f, kind, seg, cut, why, whycap);
    }
    if (ipv == 6) {
        return ipv6(&f, kind, seg, cut, why, whycap);
    }
    bool by_nibble = link_type != GLS_LINK_EN10MB && link_type != GLS_LINK_LINUX_SLL &&
                     link_type != GLS_LINK_SLL2;
    if (by_nibble) {
        return say(why, whycap, GLS_E_DECODE, "neither IPv4 nor IPv6 (version nibble %d)", ipv);
    }
    return GLS_OK; /* another ethertype: ARP, LLDP, ... */
}

/* Records the first problem of the read, prefixed with where it happened. */
__attribute__((format(printf, 2, 3))) static void note(struct gls_pcap_stats *st, const char *fmt,
                                                       ...)
{
    if (st->problem[0] != 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->problem, sizeof st->problem, fmt, ap);
    va_end(ap);
}

static int one_frame(int lt, const struct pcap_pkthdr *h, const uint8_t *data,
                     struct gls_tcp_flows *flows, struct gls_pcap_stats *st)
{
    enum gls_frame_kind kind;
    struct gls_tcp_segment seg;
    bool cut = false;
    char why[160];
    int err =
        gls_pcap_decode_frame(lt, data, h->caplen, h->len, &kind, &seg, &cut, why, sizeof why);
    if (err != GLS_OK) {
        st->malformed++;
        note(st, "frame %llu: %s", (unsigned long long)st->packets, why);
        return GLS_OK;
    }
    if (kind == GLS_FRAME_FRAGMENT) {
        st->fragments++;
        return GLS_OK;
    }
    if (kind == GLS_FRAME_NOT_TCP) {
        st->not_tcp++;
        return GLS_OK;
    }
    st->tcp_segments++;
    st->cut += cut;
    seg.packet = st->packets;
    return gls_tcp_flows_add(flows, &seg);
}

static int read_frames(pcap_t *pc, struct gls_tcp_flows *flows, struct gls_pcap_stats *st,
                       char *err, size_t errcap)
{
    int lt = pcap_datalink(pc);
    st->link_type = lt;
    if (!gls_pcap_link_supported(lt)) {
        const char *name = pcap_datalink_val_to_name(lt);
        return say(err, errcap, GLS_E_UNSUPPORTED,
                   "link type %d (%s) is not supported: Ethernet, Linux cooked, loopback and "
                   "raw IP are",
                   lt, name != NULL ? name : "unknown");
    }
    struct pcap_pkthdr *h = NULL;
    const u_char *data = NULL;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
        st->packets++;
        int e = one_frame(lt, h, data, flows, st);
        if (e != GLS_OK) {
            return say(err, errcap, e, "frame %llu: %s", (unsigned long long)st->packets,
                       gls_error_message(e));
        }
    }
    if (rc == PCAP_ERROR) { /* a frame cut short or a damaged record header: stop there */
        st->read_stopped = true;
        note(st, "after frame %llu: %s", (unsigned long long)st->packets, pcap_geterr(pc));
    }
    return GLS_OK;
}

/* see pcap.h */
int gls_pcap_read_flows(const char *path, const struct gls_tcp_limits *lim,
                        struct gls_tcp_flows *out, struct gls_pcap_stats *stats, char *err,
                        size_t errcap)
{
    struct gls_pcap_stats local;
    struct gls_pcap_stats *st = stats != NULL ? stats : &local;
    char pcap_err[PCAP_ERRBUF_SIZE];
    memset(st, 0, sizeof *st);
    gls_tcp_flows_init(out, lim);
    if (errcap > 0) {
        err[0] = 0;
    }
    pcap_err[0] = 0;
    pcap_t *pc = pcap_open_offline(path, pcap_err);
    if (pc == NULL) { /* libpcap names the file in some messages, not in others */
        bool named = strncmp(pcap_err, path, strlen(path)) == 0;
        return say(err, errcap, GLS_E_FILE, "%s%s%s", named ? "" : path, named ? "" : ": ",
                   pcap_err);
    }
    int rc = read_frames(pc, out, st, err, errcap);
    pcap_close(pc);
    if (rc == GLS_OK) {
        rc = gls_tcp_flows_finish(out);
        if (rc != GLS_OK) {
            say(err, errcap, rc, "%s: %s", path, gls_error_message(rc));
        }
    }
    return rc;
}
