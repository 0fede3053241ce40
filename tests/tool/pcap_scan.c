/* tests/tool/pcap_scan.c — prints what the capture reader finds in a pcap/pcapng file: one
 * block per TCP connection with its streams and, when it is TLS, the handshake facts. The
 * tests/tool shell scripts check real captures with it; it is not a test by itself.
 *   usage: pcap_scan FILE */
#include <stdio.h>
#include <string.h>

#include "glasstls/gls.h"
#include "tool/pcap.h"
#include "tool/tcpflow.h"
#include "tool/tlsrec.h"

static void print_tls(const struct gls_tcp_conn *c)
{
    int cd = 0;
    if (!c->initiator_known &&
        gls_tls_looks_like_client(c->dir[1].data, gls_tcp_stream_contiguous(&c->dir[1]))) {
        cd = 1;
    }
    const struct gls_tcp_stream *cs = &c->dir[cd];
    const struct gls_tcp_stream *ss = &c->dir[1 - cd];
    struct gls_tls_facts t;
    int err = gls_tls_scan(cs->data, gls_tcp_stream_contiguous(cs), ss->data,
                           gls_tcp_stream_contiguous(ss), &t);
    printf("  tls %s version=0x%04x suite=0x%04x sni=%s hrr=%d ems=%d etm=%d resumed=%d "
           "ch=%d sh=%d cke=%zu\n",
           err == GLS_OK ? "ok" : gls_error_name(err), t.version, t.suite,
           t.server_name[0] != 0 ? t.server_name : "-", t.hrr, t.ems, t.etm, t.resumed,
           t.have_client_hello, t.have_server_hello, t.client_key_exchange.len);
    printf("  client_random=");
    for (int i = 0; i < 32; i++) {
        printf("%02x", t.client_random[i]);
    }
    printf(" server_random=");
    for (int i = 0; i < 32; i++) {
        printf("%02x", t.server_random[i]);
    }
    printf("\n");
    for (int d = 0; d < 2; d++) {
        const struct gls_tls_side *s = &t.side[d];
        printf("  %s records=%zu first_encrypted=%zu handshake=", d == 0 ? "c2s" : "s2c",
               s->n_records, s->first_encrypted);
        for (size_t i = 0; i < s->n_msgs; i++) {
            printf("%s%u", i > 0 ? "," : "", s->msgs[i].type);
        }
        printf("%s\n", s->partial_tail ? " partial_tail" : "");
    }
    if (t.problem[0] != 0) {
        printf("  problem: %s\n", t.problem);
    }
    gls_tls_facts_free(&t);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_scan FILE\n");
        return 2;
    }
    struct gls_tcp_flows f;
    struct gls_pcap_stats st;
    char err[256];
    int rc = gls_pcap_read_flows(argv[1], NULL, &f, &st, err, sizeof err);
    if (rc != GLS_OK) {
        fprintf(stderr, "pcap_scan: %s\n", err);
        gls_tcp_flows_free(&f);
        return 1;
    }
    printf("link=%d packets=%llu tcp=%llu not_tcp=%llu malformed=%llu connections=%zu\n",
           st.link_type, (unsigned long long)st.packets, (unsigned long long)st.tcp_segments,
           (unsigned long long)st.not_tcp, (unsigned long long)st.malformed, f.n);
    if (st.problem[0] != 0) {
        printf("problem: %s\n", st.problem);
    }
    for (size_t i = 0; i < f.n; i++) {
        const struct gls_tcp_conn *c = &f.conns[i];
        char a[64];
        char b[64];
        gls_tcp_endpoint_format(&c->ep[0], a, sizeof a);
        gls_tcp_endpoint_format(&c->ep[1], b, sizeof b);
        printf("conn %zu %s -> %s%s bytes=%zu/%zu gaps=%zu/%zu\n", i, a, b,
               c->initiator_known ? "" : " (initiator unknown)", c->dir[0].len, c->dir[1].len,
               c->dir[0].n_gaps, c->dir[1].n_gaps);
        print_tls(c);
    }
    gls_tcp_flows_free(&f);
    return 0;
}
