/* tool/pcap.h — reading captures for `glasstls decrypt`: pcap and pcapng files (as tcpdump,
 * tshark and dumpcap write them; libpcap's pcap_open_offline reads both), one frame at a
 * time down to TCP: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 and v2, BSD
 * loopback (NULL and LOOP), raw IP; IPv4 (RFC 791) and IPv6 (RFC 8200, extension headers
 * skipped). IP fragments are counted, not reassembled. Every TCP segment goes to tcpflow.h.
 *
 *   struct gls_tcp_flows flows;
 *   struct gls_pcap_stats st;
 *   char err[256];
 *   if (gls_pcap_read_flows("x.pcapng", NULL, &flows, &st, err, sizeof err) != GLS_OK) ...
 *   for each flows.conns[i]: dir[0] client->server (when initiator_known), dir[1] back;
 *       gls_tcp_stream_contiguous(&dir[k]) bytes of dir[k].data are gap-free.
 *   gls_tcp_flows_free(&flows);
 */
#ifndef GLS_TOOL_PCAP_H
#define GLS_TOOL_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "tcpflow.h"

/* Link types by their LINKTYPE_/DLT_ numbers as pcap_datalink() reports them on Linux. */
#define GLS_LINK_NULL      0   /* BSD loopback, address family in host order */
#define GLS_LINK_EN10MB    1   /* Ethernet */
#define GLS_LINK_RAW       12  /* raw IPv4 or IPv6 (DLT_RAW on Linux; LINKTYPE_RAW is 101) */
#define GLS_LINK_RAW_101   101 /* LINKTYPE_RAW as written in files */
#define GLS_LINK_LOOP      108 /* OpenBSD loopback, address family in network order */
#define GLS_LINK_LINUX_SLL 113 /* Linux cooked capture v1 ("any" interface) */
#define GLS_LINK_IPV4      228
#define GLS_LINK_IPV6      229
#define GLS_LINK_SLL2      276 /* Linux cooked capture v2 */

/* What a capture held besides the TCP segments that went into the flows. */
struct gls_pcap_stats {
    uint64_t packets;      /* frames read */
    uint64_t tcp_segments; /* handed to reassembly */
    uint64_t not_tcp;      /* ARP, UDP, ICMP, ...: skipped */
    uint64_t fragments;    /* IP fragments: skipped (not reassembled) */
    uint64_t malformed;    /* frames that could not be decoded: skipped */
    uint64_t cut;          /* TCP payloads cut short by the snap length (leave a gap) */
    bool read_stopped;     /* libpcap met a cut or damaged frame record: what came before it
                              was read, nothing after (a capture killed mid-write) */
    int link_type;
    char problem[200]; /* the first malformed frame or file problem, "" if none */
};

/* What one frame turned out to be. */
enum gls_frame_kind {
    GLS_FRAME_TCP,      /* *seg is filled */
    GLS_FRAME_NOT_TCP,  /* something else, fine to skip */
    GLS_FRAME_FRAGMENT, /* an IP fragment */
};

/* Reads the capture at path into *out (initialised here with lim, NULL for defaults) and
 * finishes it (gls_tcp_flows_finish). stats may be NULL. Malformed frames are skipped and
 * counted, and a file cut inside a frame keeps what came before (stats->read_stopped): both
 * return GLS_OK, with the first problem described in stats->problem.
 * Errors, with a sentence in err: GLS_E_FILE (cannot open, not a capture, or a read error
 * libpcap reports), GLS_E_UNSUPPORTED (a link type not listed above), GLS_E_NO_MEMORY.
 * *out must be freed with gls_tcp_flows_free whatever the result. */
GLS_MUST_CHECK int gls_pcap_read_flows(const char *path, const struct gls_tcp_limits *lim,
                                       struct gls_tcp_flows *out, struct gls_pcap_stats *stats,
                                       char *err, size_t errcap);

/* True if frames of this link type can be decoded. */
bool gls_pcap_link_supported(int link_type);

/* Decodes one frame of link_type: caplen bytes at p were captured of a wirelen-byte frame.
 * GLS_OK with *kind (and *seg, whose payload points into p, for GLS_FRAME_TCP), or
 * GLS_E_DECODE with a sentence in why (truncated header, bad IP header length, TCP data
 * offset beyond the segment, ...), or GLS_E_UNSUPPORTED for an unknown link type. *cut is
 * set when the TCP payload was cut short by the snap length. */
GLS_MUST_CHECK int gls_pcap_decode_frame(int link_type, const uint8_t *p, size_t caplen,
                                         size_t wirelen, enum gls_frame_kind *kind,
                                         struct gls_tcp_segment *seg, bool *cut, char *why,
                                         size_t whycap);

#endif
