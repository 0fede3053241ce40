/* tool/tcpflow.h — TCP stream reassembly for `glasstls decrypt` (RFC 9293 §3.4 sequence
 * numbers). Segments go in one at a time, in capture order; each connection (4-tuple, a new
 * one when a SYN with a new ISN reuses it) comes out as two byte streams, one per direction.
 *
 * Policy, the same as most IDS reassemblers (Snort's "first", Suricata's default on Linux-like
 * targets): the FIRST copy of a byte that arrives wins. Retransmissions and overlaps never
 * change bytes already kept or buffered; when they carry different bytes, the byte count is
 * added to `conflicts` (a sign of a broken capture or of evasion). Sequence numbers wrap at
 * 2^32; stream offsets are 64-bit, so streams longer than 4 GiB also work. A hole that the
 * capture never fills is skipped at the end (or when the out-of-order buffer is full): the
 * stream carries on after it and the hole is listed in `gaps`. Memory is bounded per
 * direction by gls_tcp_limits. */
#ifndef GLS_TOOL_TCPFLOW_H
#define GLS_TOOL_TCPFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

/* TCP header flags (RFC 9293 §3.1) */
#define GLS_TCP_FIN 0x01
#define GLS_TCP_SYN 0x02
#define GLS_TCP_RST 0x04
#define GLS_TCP_PSH 0x08
#define GLS_TCP_ACK 0x10

/* One end of a connection. Unused address bytes are zero, so endpoints compare with memcmp. */
struct gls_tcp_endpoint {
    uint8_t family; /* 4 or 6 */
    uint8_t ip[16]; /* IPv4 in the first 4 bytes */
    uint16_t port;
};

/* One decoded TCP segment, as pcap.c hands it over. The payload is only borrowed. */
struct gls_tcp_segment {
    struct gls_tcp_endpoint src;
    struct gls_tcp_endpoint dst;
    uint32_t seq;
    uint8_t flags; /* GLS_TCP_* */
    const uint8_t *payload;
    size_t len;
    uint64_t packet; /* 1-based packet number in the capture, for reports */
};

/* Bounds on memory. A zero field takes its default. */
struct gls_tcp_limits {
    size_t max_ooo;    /* out-of-order bytes buffered per direction, bookkeeping included: 16 MiB
                          (at least 64 KiB); one segment may go past it */
    size_t max_stream; /* reassembled bytes kept per direction: 1 GiB */
    size_t max_gaps;   /* holes listed per direction before it is cut off: 4096 */
    size_t max_conns;  /* connections tracked: 1 Mi */
};

/* `len` bytes the capture never had, missing just before data[at]. */
struct gls_tcp_gap {
    size_t at;
    uint64_t len;
};

struct gls_tcp_seg; /* private: one buffered out-of-order piece */
/* What a buffered piece costs beyond its payload, counted against max_ooo. */
#define GLS_TCP_SEG_OVERHEAD 32

/* One direction of a connection. The public fields are final after gls_tcp_flows_finish. */
struct gls_tcp_stream {
    uint8_t *data; /* the reassembled bytes, holes left out (see gaps); owned */
    size_t len;
    struct gls_tcp_gap *gaps; /* in stream order; owned */
    size_t n_gaps;
    bool saw_syn;
    bool saw_fin;
    bool saw_rst;
    bool truncated;     /* stopped keeping bytes: max_stream or max_gaps was reached */
    uint64_t dropped;   /* bytes not kept: past the cut-off, or before the first seen segment */
    uint64_t conflicts; /* retransmitted or overlapping bytes that differed from the kept ones */
    uint64_t segments;  /* segments seen in this direction */

    /* private */
    bool started;
    uint32_t base;     /* sequence number of stream offset 0 (ISN + 1, or the first seen seq) */
    uint64_t next;     /* stream offset of the next byte expected */
    uint64_t skipped;  /* bytes of all holes so far: data index = offset - skipped */
    uint64_t kept_end; /* stream offset where the last hole ended (compare bytes from here) */
    size_t cap;
    size_t gaps_cap;
    struct gls_tcp_seg *ooo; /* sorted, disjoint, all beyond next */
    struct gls_tcp_seg *ooo_tail;
    size_t ooo_bytes; /* payload plus GLS_TCP_SEG_OVERHEAD per piece */
};

/* A connection: dir[0] carries bytes from ep[0] to ep[1], dir[1] the reverse. */
struct gls_tcp_conn {
    struct gls_tcp_endpoint ep[2];
    struct gls_tcp_stream dir[2];
    bool initiator_known; /* ep[0] sent the SYN (or ep[1] the SYN-ACK): ep[0] is the client */
    uint64_t first_packet;
};

struct gls_tcp_flows {
    struct gls_tcp_conn *conns; /* in order of first appearance */
    size_t n;
    struct gls_tcp_limits lim;
    uint64_t untracked; /* segments dropped because max_conns connections were open */

    /* private */
    size_t cap;
    uint32_t *index; /* open addressing: 1 + conns index of the newest conn per 4-tuple */
    size_t index_cap;
};

/* Starts an empty set with lim (NULL: defaults). Cannot fail; allocates nothing yet. */
void gls_tcp_flows_init(struct gls_tcp_flows *f, const struct gls_tcp_limits *lim);

/* Adds one segment. GLS_OK, or GLS_E_NO_MEMORY (f stays consistent and must still be freed).
 * Segments past a limit are counted, never an error. */
GLS_MUST_CHECK int gls_tcp_flows_add(struct gls_tcp_flows *f, const struct gls_tcp_segment *seg);

/* Ends the capture: every hole still open is skipped and listed in gaps, every buffered
 * byte moves into data. Call once, after the last segment. GLS_OK or GLS_E_NO_MEMORY. */
GLS_MUST_CHECK int gls_tcp_flows_finish(struct gls_tcp_flows *f);

/* Frees everything f owns (f may be freshly initialised) and leaves it empty. */
void gls_tcp_flows_free(struct gls_tcp_flows *f);

/* How many bytes at the start of s have no hole in them: what a TLS scan may read. */
size_t gls_tcp_stream_contiguous(const struct gls_tcp_stream *s);

/* "192.0.2.1:443" or "[2001:db8::1]:443" into buf (always terminated). */
void gls_tcp_endpoint_format(const struct gls_tcp_endpoint *e, char *buf, size_t cap);

#endif
