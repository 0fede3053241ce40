/* tests/tool/test_pcap.c — the capture reader (tool/pcap.c) on files written here by hand:
 * classic pcap and pcapng give the same flows; every supported link type; IPv4 and IPv6
 * (with an extension header); a disordered, retransmitted, overlapping conversation across
 * the sequence wrap; padding, snap-length cuts, fragments, non-TCP; the exact errors for bad
 * files and bad frames; and random mutations of a valid capture (run under the sanitizers). */
#include "harness.h"
#include "tool_util.h"

static uint8_t c2s[20000];
static uint8_t s2c[30000];

static void make_conv(struct conv *v, uint64_t seed, int family, size_t n0, size_t n1)
{
    struct rng g = {seed};
    rng_fill(&g, c2s, n0);
    rng_fill(&g, s2c, n1);
    v->ep[0] = family == 4 ? ep4(0x7f000001, 40001) : ep6(1, 40001);
    v->ep[1] = family == 4 ? ep4(0x7f000002, 4433) : ep6(2, 4433);
    v->isn[0] = 0xfffff000u;
    v->isn[1] = 0xffffff80u;
    v->data[0] = c2s;
    v->data[1] = s2c;
    v->len[0] = n0;
    v->len[1] = n1;
    conv_plan(v, &g, 1200);
    conv_disorder(v, &g, 8, 20, 20);
}

/* Writes v as a capture, reads it back and checks both streams exactly. */
static bool round_trip(const struct conv *v, int link, bool ng, struct gls_pcap_stats *st)
{
    struct cap c;
    char path[64];
    char err[256];
    struct gls_tcp_flows f;
    conv_capture(v, &c, link, ng);
    write_temp(c.b.p, c.b.len, path);
    int rc = gls_pcap_read_flows(path, NULL, &f, st, err, sizeof err);
    unlink(path);
    gb_free(&c.b);
    bool ok = rc == GLS_OK && f.n == 1;
    if (rc != GLS_OK) {
        fprintf(stderr, "  link %d ng %d: %s\n", link, ng, err);
    }
    if (ok) {
        const struct gls_tcp_conn *k = find_conn(&f, &v->ep[0], &v->ep[1]);
        ok = k != NULL && k->initiator_known && stream_is(&k->dir[0], v->data[0], v->len[0]) &&
             stream_is(&k->dir[1], v->data[1], v->len[1]) && st->packets == v->n &&
             st->tcp_segments == v->n && st->malformed == 0 && st->cut == 0;
    }
    gls_tcp_flows_free(&f);
    return ok;
}

TEST(pcap_and_pcapng_read_the_same)
{
    struct conv v;
    struct gls_pcap_stats st;
    make_conv(&v, 1, 4, 20000, 30000);
    CHECK(round_trip(&v, GLS_LINK_EN10MB, false, &st));
    CHECK_EQ(st.link_type, GLS_LINK_EN10MB);
    CHECK(round_trip(&v, GLS_LINK_EN10MB, true, &st));
    CHECK_EQ(st.link_type, GLS_LINK_EN10MB);
}

TEST(every_link_type_ipv4)
{
    static const int links[] = {GLS_LINK_EN10MB, GLS_LINK_LINUX_SLL, GLS_LINK_SLL2, GLS_LINK_NULL,
                                GLS_LINK_LOOP,   GLS_LINK_RAW_101,   GLS_LINK_IPV4};
    struct conv v;
    struct gls_pcap_stats st;
    make_conv(&v, 2, 4, 3000, 5000);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        for (int ng = 0; ng < 2; ng++) {
            if (!round_trip(&v, links[i], ng, &st)) {
                FAIL("link type %d, pcapng %d", links[i], ng);
            }
        }
    }
}

TEST(every_link_type_ipv6)
{
    static const int links[] = {GLS_LINK_EN10MB, GLS_LINK_LINUX_SLL, GLS_LINK_SLL2, GLS_LINK_NULL,
                                GLS_LINK_LOOP,   GLS_LINK_RAW_101,   GLS_LINK_IPV6};
    struct conv v;
    struct gls_pcap_stats st;
    make_conv(&v, 3, 6, 3000, 5000);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        if (!round_trip(&v, links[i], i % 2 == 0, &st)) {
            FAIL("link type %d", links[i]);
        }
    }
}

/* Reads a one-interface capture of the given frames; returns the read's result. */
static int read_frames(int link, bool ng, const uint8_t *const *frames, const size_t *caplen,
                       const size_t *wirelen, size_t n, struct gls_tcp_flows *f,
                       struct gls_pcap_stats *st, char *err)
{
    struct cap c;
    char path[64];
    cap_init(&c, (uint32_t)link, ng);
    for (size_t i = 0; i < n; i++) {
        cap_add(&c, frames[i], caplen[i], wirelen[i]);
    }
    write_temp(c.b.p, c.b.len, path);
    int rc = gls_pcap_read_flows(path, NULL, f, st, err, 256);
    unlink(path);
    gb_free(&c.b);
    return rc;
}

static size_t frame_of(uint8_t *out, int link, uint32_t seq, uint8_t flags, const char *data)
{
    struct pkt k = {ep4(0x0a000001, 1234),
                    ep4(0x0a000002, 443),
                    seq,
                    flags,
                    (const uint8_t *)data,
                    strlen(data),
                    false,
                    false,
                    false};
    return build_frame(out, link, &k);
}

TEST(ethernet_padding_is_not_data)
{
    static uint8_t fr[2][100];
    size_t n0 = frame_of(fr[0], GLS_LINK_EN10MB, 99, GLS_TCP_SYN, "");
    size_t n1 = frame_of(fr[1], GLS_LINK_EN10MB, 100, GLS_TCP_ACK, "x");
    memset(fr[1] + n1, 0xee, 60 - n1); /* pad to the 60-byte minimum with junk */
    n1 = 60;
    const uint8_t *frames[2] = {fr[0], fr[1]};
    size_t len[2] = {n0 < 60 ? 60 : n0, n1};
    memset(fr[0] + n0, 0, 60 - n0);
    struct gls_tcp_flows f;
    struct gls_pcap_stats st;
    char err[256];
    CHECK_OK(read_frames(GLS_LINK_EN10MB, false, frames, len, len, 2, &f, &st, err));
    CHECK_EQ(f.n, 1);
    CHECK(stream_is(&f.conns[0].dir[0], (const uint8_t *)"x", 1));
    gls_tcp_flows_free(&f);
}

TEST(snap_length_cut_leaves_a_gap)
{
    static uint8_t fr[3][200];
    static char d1[101];
    memset(d1, 'a', 100);
    size_t n0 = frame_of(fr[0], GLS_LINK_EN10MB, 0, GLS_TCP_SYN, "");
    size_t n1 = frame_of(fr[1], GLS_LINK_EN10MB, 1, GLS_TCP_ACK, d1);
    size_t n2 = frame_of(fr[2], GLS_LINK_EN10MB, 101, GLS_TCP_ACK, "tail");
    const uint8_t *frames[3] = {fr[0], fr[1], fr[2]};
    size_t cap[3] = {n0, n1 - 60, n2}; /* frame 2 lost its last 60 bytes */
    size_t wire[3] = {n0, n1, n2};
    struct gls_tcp_flows f;
    struct gls_pcap_stats st;
    char err[256];
    CHECK_OK(read_frames(GLS_LINK_EN10MB, true, frames, cap, wire, 3, &f, &st, err));
    CHECK_EQ(st.cut, 1);
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK_EQ(s->len, 44);
    CHECK_EQ(s->n_gaps, 1);
    CHECK_EQ(s->gaps[0].at, 40);
    CHECK_EQ(s->gaps[0].len, 60);
    CHECK(memcmp(s->data + 40, "tail", 4) == 0);
    gls_tcp_flows_free(&f);
}

TEST(non_tcp_and_fragments_are_counted)
{
    static uint8_t fr[5][200];
    size_t len[5];
    len[0] = frame_of(fr[0], GLS_LINK_EN10MB, 5, GLS_TCP_ACK, "ok");
    memcpy(fr[1], fr[0], len[0]);
    fr[1][12] = 0x08; /* ARP */
    fr[1][13] = 0x06;
    len[1] = len[0];
    memcpy(fr[2], fr[0], len[0]);
    fr[2][14 + 9] = 17; /* UDP */
    len[2] = len[0];
    memcpy(fr[3], fr[0], len[0]);
    fr[3][14 + 6] = 0x20; /* more fragments */
    len[3] = len[0];
    struct pkt k = {ep6(1, 1), ep6(2, 2), 1,    GLS_TCP_ACK, (const uint8_t *)"v6",
                    2,         false,     true, false};
    len[4] = build_frame(fr[4], GLS_LINK_EN10MB, &k);
    fr[4][14 + 40] = 44; /* the hop-by-hop header now says: a fragment header follows */
    const uint8_t *frames[5] = {fr[0], fr[1], fr[2], fr[3], fr[4]};
    struct gls_tcp_flows f;
    struct gls_pcap_stats st;
    char err[256];
    CHECK_OK(read_frames(GLS_LINK_EN10MB, false, frames, len, len, 5, &f, &st, err));
    CHECK_EQ(st.packets, 5);
    CHECK_EQ(st.tcp_segments, 1);
    CHECK_EQ(st.not_tcp, 2);
    CHECK_EQ(st.fragments, 2);
    CHECK_EQ(st.malformed, 0);
    CHECK(stream_is(&f.conns[0].dir[0], (const uint8_t *)"ok", 2));
    gls_tcp_flows_free(&f);
}

TEST(missing_and_foreign_files_are_clear_errors)
{
    struct gls_tcp_flows f;
    struct gls_pcap_stats st;
    char err[256];
    CHECK_ERR(gls_pcap_read_flows("/nonexistent/x.pcap", NULL, &f, &st, err, sizeof err),
              GLS_E_FILE);
    CHECK(strcmp(err, "/nonexistent/x.pcap: No such file or directory") == 0);
    gls_tcp_flows_free(&f);

    char path[64];
    const char *text = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    write_temp((const uint8_t *)text, strlen(text), path);
    CHECK_ERR(gls_pcap_read_flows(path, NULL, &f, NULL, err, sizeof err), GLS_E_FILE);
    unlink(path);
    CHECK(strstr(err, "unknown file format") != NULL);
    gls_tcp_flows_free(&f);

    write_temp((const uint8_t *)"", 0, path);
    CHECK_ERR(gls_pcap_read_flows(path, NULL, &f, NULL, err, sizeof err), GLS_E_FILE);
    unlink(path);
    gls_tcp_flows_free(&f);
}

TEST(unsupported_link_type_is_named)
{
    struct cap c;
    char path[64];
    char err[256];
    struct gls_tcp_flows f;
    cap_init(&c, 105, false); /* IEEE 802.11 */
    write_temp(c.b.p, c.b.len, path);
    CHECK_ERR(gls_pcap_read_flows(path, NULL, &f, NULL, err, sizeof err), GLS_E_UNSUPPORTED);
    unlink(path);
    gb_free(&c.b);
    CHECK(strstr(err, "link type 105 (IEEE802_11) is not supported") != NULL);
    CHECK(!gls_pcap_link_supported(105));
    gls_tcp_flows_free(&f);
}

TEST(file_cut_inside_a_frame_keeps_what_came_before)
{
    for (int ng = 0; ng < 2; ng++) {
        static uint8_t fr[2][200];
        size_t len[2];
        len[0] = frame_of(fr[0], GLS_LINK_EN10MB, 10, GLS_TCP_ACK, "first");
        len[1] = frame_of(fr[1], GLS_LINK_EN10MB, 15, GLS_TCP_ACK, "second");
        struct cap c;
        char path[64];
        char err[256];
        struct gls_tcp_flows f;
        struct gls_pcap_stats st;
        cap_init(&c, GLS_LINK_EN10MB, ng);
        cap_add(&c, fr[0], len[0], len[0]);
        cap_add(&c, fr[1], len[1], len[1]);
        write_temp(c.b.p, c.b.len - 10, path); /* the capture was killed mid-write */
        CHECK_OK(gls_pcap_read_flows(path, NULL, &f, &st, err, sizeof err));
        unlink(path);
        gb_free(&c.b);
        CHECK(st.read_stopped);
        CHECK_EQ(st.packets, 1);
        CHECK(strstr(st.problem, "after frame 1: ") == st.problem);
        CHECK(strstr(st.problem, "truncated") != NULL);
        CHECK(stream_is(&f.conns[0].dir[0], (const uint8_t *)"first", 5));
        gls_tcp_flows_free(&f);
    }
}

/* Decodes a mangled Ethernet frame and checks the error sentence. */
static bool decode_fails(const uint8_t *fr, size_t caplen, size_t wirelen, const char *want)
{
    enum gls_frame_kind kind;
    struct gls_tcp_segment seg;
    bool cut;
    char why[160];
    int rc = gls_pcap_decode_frame(GLS_LINK_EN10MB, fr, caplen, wirelen, &kind, &seg, &cut, why,
                                   sizeof why);
    if (rc != GLS_E_DECODE || strcmp(why, want) != 0) {
        fprintf(stderr, "  got %d '%s', want '%s'\n", rc, why, want);
        return false;
    }
    return true;
}

TEST(bad_frames_say_what_is_wrong)
{
    uint8_t fr[200];
    uint8_t m[200];
    size_t n = frame_of(fr, GLS_LINK_EN10MB, 1, GLS_TCP_ACK, "0123456789"); /* 14+20+20+10 */
    CHECK(decode_fails(fr, 10, 10, "link-layer header cut short (10 bytes captured)"));
    CHECK(decode_fails(fr, 24, 24, "IPv4 header cut short: 10 of 20 bytes captured"));
    memcpy(m, fr, n);
    m[14] = 0x43;
    CHECK(decode_fails(m, n, n, "IPv4 header length 12 is below 20"));
    m[14] = 0x46; /* 4 bytes of options, 2 of them captured */
    CHECK(decode_fails(m, 14 + 22, n, "IPv4 options cut short: 22 of 24 bytes captured"));
    m[14] = 0x4f;
    CHECK(decode_fails(m, n, n,
                       "IPv4 total length 50 does not fit header length 60 and frame's 50 bytes"));
    memcpy(m, fr, n);
    m[14] = 0x35;
    CHECK(decode_fails(m, n, n, "IP version 3 where IPv4 was expected"));
    memcpy(m, fr, n);
    m[16] = 0x01; /* total length 256+50 */
    CHECK(decode_fails(m, n, n,
                       "IPv4 total length 306 does not fit header length 20 and frame's 50 bytes"));
    memcpy(m, fr, n);
    m[14 + 20 + 12] = 0xf0; /* data offset 60 */
    CHECK(decode_fails(m, n, n, "TCP data offset 60 is beyond the segment's 30 bytes"));
    m[14 + 20 + 12] = 0x40; /* data offset 16 */
    CHECK(decode_fails(m, n, n, "TCP data offset 16 is below 20"));
    memcpy(m, fr, n);
    m[17] = 20 + 12; /* total length: IP header + 12 bytes of TCP */
    CHECK(decode_fails(m, n, n, "TCP segment of 12 bytes is shorter than 20"));
    CHECK(decode_fails(fr, 14 + 20 + 8, n, "TCP header cut short: 8 of 20 bytes captured"));

    struct pkt k = {ep6(1, 1), ep6(2, 2), 1,    GLS_TCP_ACK, (const uint8_t *)"v6",
                    2,         false,     true, false};
    n = build_frame(fr, GLS_LINK_EN10MB, &k);
    CHECK(decode_fails(fr, 30, 30, "IPv6 header cut short: 16 of 40 bytes captured"));
    memcpy(m, fr, n);
    m[14 + 41] = 9; /* hop-by-hop of 80 bytes */
    CHECK(
        decode_fails(m, n, n, "IPv6 extension header 0 of 80 bytes exceeds the 30 payload bytes"));
    memcpy(m, fr, n);
    m[14 + 4] = 1; /* payload length 256+30 */
    CHECK(decode_fails(m, n, n,
                       "IPv6 payload length 286 exceeds the frame's 30 bytes after the header"));
}

TEST(malformed_frame_in_a_file_is_skipped_and_reported)
{
    static uint8_t fr[3][200];
    size_t len[3];
    len[0] = frame_of(fr[0], GLS_LINK_EN10MB, 10, GLS_TCP_ACK, "abc");
    len[1] = frame_of(fr[1], GLS_LINK_EN10MB, 13, GLS_TCP_ACK, "XYZ");
    fr[1][14] = 0x41; /* bogus header length */
    len[2] = frame_of(fr[2], GLS_LINK_EN10MB, 13, GLS_TCP_ACK, "def");
    const uint8_t *frames[3] = {fr[0], fr[1], fr[2]};
    struct gls_tcp_flows f;
    struct gls_pcap_stats st;
    char err[256];
    CHECK_OK(read_frames(GLS_LINK_EN10MB, false, frames, len, len, 3, &f, &st, err));
    CHECK_EQ(st.malformed, 1);
    CHECK(strcmp(st.problem, "frame 2: IPv4 header length 4 is below 20") == 0);
    CHECK(stream_is(&f.conns[0].dir[0], (const uint8_t *)"abcdef", 6));
    gls_tcp_flows_free(&f);
}

/* One random mutation of buf (length *n, room cap). */
static void mutate(struct rng *g, uint8_t *buf, size_t *n, size_t cap)
{
    size_t op = rng_range(g, 0, 5);
    size_t at = *n > 0 ? rng_range(g, 0, *n - 1) : 0;
    if (*n == 0) {
        return;
    }
    if (op == 0) {
        buf[at] = (uint8_t)rng_next(g);
    } else if (op == 1) {
        buf[at] ^= (uint8_t)(1u << rng_range(g, 0, 7));
    } else if (op == 2) {
        *n = at; /* truncate */
    } else if (op == 3 && *n + 8 <= cap) {
        size_t k = rng_range(g, 1, 8);
        memmove(buf + at + k, buf + at, *n - at);
        rng_fill(g, buf + at, k);
        *n += k;
    } else if (op == 4) {
        size_t k = rng_range(g, 1, 8);
        k = k > *n - at ? *n - at : k;
        memmove(buf + at, buf + at + k, *n - at - k);
        *n -= k;
    } else {
        static const uint8_t edge[] = {0x00, 0x01, 0x05, 0x0f, 0x40, 0x45,
                                       0x4f, 0x60, 0x7f, 0x80, 0xf0, 0xff};
        buf[at] = edge[rng_range(g, 0, sizeof edge - 1)];
    }
}

TEST(mutated_capture_files_never_crash)
{
    struct conv v;
    make_conv(&v, 4, 4, 1500, 1500);
    static uint8_t buf[1 << 16];
    size_t ok = 0;
    uint64_t bad_frames = 0;
    for (int ng = 0; ng < 2; ng++) {
        struct cap c;
        conv_capture(&v, &c, ng ? GLS_LINK_LINUX_SLL : GLS_LINK_EN10MB, ng);
        CHECK(c.b.len + 64 < sizeof buf);
        struct rng g = {100 + (uint64_t)ng};
        for (int iter = 0; iter < 1000; iter++) {
            size_t n = c.b.len;
            memcpy(buf, c.b.p, n);
            size_t k = rng_range(&g, 1, 12);
            for (size_t j = 0; j < k; j++) {
                mutate(&g, buf, &n, sizeof buf);
            }
            char path[64];
            char err[256];
            struct gls_tcp_flows f;
            struct gls_pcap_stats st;
            write_temp(buf, n, path);
            int rc = gls_pcap_read_flows(path, NULL, &f, &st, err, sizeof err);
            unlink(path);
            CHECK(rc == GLS_OK || rc == GLS_E_FILE || rc == GLS_E_UNSUPPORTED);
            CHECK(rc == GLS_OK || err[0] != 0);
            CHECK(st.malformed == 0 || st.problem[0] != 0);
            ok += rc == GLS_OK;
            bad_frames += st.malformed + st.read_stopped;
            gls_tcp_flows_free(&f);
        }
        gb_free(&c.b);
    }
    CHECK(ok > 700 && bad_frames > 300); /* the mutations reached the frame decoder */
}

TEST(mutated_frames_never_crash)
{
    static const int links[] = {GLS_LINK_EN10MB, GLS_LINK_LINUX_SLL, GLS_LINK_SLL2,
                                GLS_LINK_NULL,   GLS_LINK_RAW,       GLS_LINK_IPV6};
    struct rng g = {7};
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    uint8_t data[300];
    rng_fill(&g, data, sizeof data);
    size_t counts[3] = {0, 0, 0};
    for (int iter = 0; iter < 30000; iter++) {
        int link = links[iter % 6];
        bool v6 = link == GLS_LINK_IPV6 || (iter / 6) % 2 == 1;
        struct pkt k = {v6 ? ep6(1, 5) : ep4(1, 5),
                        v6 ? ep6(2, 6) : ep4(2, 6),
                        (uint32_t)rng_next(&g) % 4096,
                        (uint8_t)rng_next(&g),
                        data,
                        rng_range(&g, 0, sizeof data),
                        (iter & 4) != 0,
                        (iter & 8) != 0,
                        (iter & 16) != 0};
        uint8_t fr[512];
        size_t n = build_frame(fr, link, &k);
        size_t muts = rng_range(&g, 0, 4);
        for (size_t j = 0; j < muts; j++) {
            mutate(&g, fr, &n, sizeof fr);
        }
        uint8_t *copy = malloc(n > 0 ? n : 1); /* exact size: ASan sees any overread */
        memcpy(copy, fr, n);
        enum gls_frame_kind kind;
        struct gls_tcp_segment seg;
        bool cut;
        char why[160];
        size_t wire = n + rng_range(&g, 0, 1) * rng_range(&g, 0, 100);
        int rc = gls_pcap_decode_frame(link, copy, n, wire, &kind, &seg, &cut, why, sizeof why);
        CHECK(rc == GLS_OK || (rc == GLS_E_DECODE && why[0] != 0));
        if (rc == GLS_OK && kind == GLS_FRAME_TCP) {
            CHECK(seg.len <= n);
            CHECK_OK(gls_tcp_flows_add(&f, &seg));
        }
        counts[rc == GLS_OK ? (kind == GLS_FRAME_TCP ? 0 : 1) : 2]++;
        free(copy);
    }
    CHECK_OK(gls_tcp_flows_finish(&f));
    for (size_t i = 0; i < f.n; i++) { /* the streams it made scan without trouble */
        struct gls_tls_facts t;
        const struct gls_tcp_stream *a = &f.conns[i].dir[0];
        const struct gls_tcp_stream *b = &f.conns[i].dir[1];
        int rc = gls_tls_scan(a->data, gls_tcp_stream_contiguous(a), b->data,
                              gls_tcp_stream_contiguous(b), &t);
        CHECK(rc == GLS_OK || t.problem[0] != 0);
        gls_tls_facts_free(&t);
    }
    gls_tcp_flows_free(&f);
    CHECK(counts[0] > 1000 && counts[1] > 100 && counts[2] > 1000); /* all kinds were hit */
}
