/* tests/tool/test_tcpflow.c — TCP reassembly (tool/tcpflow.c): in order, out of order,
 * retransmitted, overlapping, across the 2^32 sequence wrap, both directions, interleaved
 * connections, a capture begun mid-stream, holes, the first-copy-wins policy, and the memory
 * limits. Segments go straight in; test_pcap.c checks the same through capture files. */
#include "harness.h"
#include "tool_util.h"

static uint8_t c2s[60000];
static uint8_t s2c[90000];

static void conv_init(struct conv *v, struct rng *g, size_t n0, size_t n1, uint32_t isn0,
                      uint32_t isn1)
{
    rng_fill(g, c2s, n0);
    rng_fill(g, s2c, n1);
    v->ep[0] = ep4(0xc0000201, 51000);
    v->ep[1] = ep4(0xc0000202, 443);
    v->isn[0] = isn0;
    v->isn[1] = isn1;
    v->data[0] = c2s;
    v->data[1] = s2c;
    v->len[0] = n0;
    v->len[1] = n1;
}

/* Reassembles v and checks both directions are exactly the original bytes. */
static bool reassembles(const struct conv *v, uint64_t want_conflicts)
{
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    bool ok = conv_feed(v, &f) == GLS_OK && f.n == 1;
    if (ok) {
        const struct gls_tcp_conn *c = &f.conns[0];
        ok = c->initiator_known && ep_same(&c->ep[0], &v->ep[0]) &&
             stream_is(&c->dir[0], v->data[0], v->len[0]) &&
             stream_is(&c->dir[1], v->data[1], v->len[1]) &&
             c->dir[0].conflicts + c->dir[1].conflicts == want_conflicts && c->dir[0].saw_syn &&
             c->dir[1].saw_fin;
    }
    gls_tcp_flows_free(&f);
    return ok;
}

TEST(in_order_both_directions)
{
    struct rng g = {1};
    struct conv v;
    conv_init(&v, &g, 5000, 7000, 1000, 2000000);
    conv_plan(&v, &g, 1460);
    CHECK(reassembles(&v, 0));
}

TEST(disorder_retransmission_overlap_across_wrap)
{
    /* Both ISNs just below 2^32: sequence numbers wrap a few hundred bytes in. */
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct rng g = {seed};
        struct conv v;
        conv_init(&v, &g, rng_range(&g, 1, 20000), rng_range(&g, 1, 30000), 0xffffff00u,
                  0xfffffff0u - (uint32_t)seed);
        conv_plan(&v, &g, rng_range(&g, 1, 1460));
        conv_disorder(&v, &g, rng_range(&g, 1, 30), rng_range(&g, 0, 40), rng_range(&g, 0, 40));
        if (!reassembles(&v, 0)) {
            FAIL("seed %llu", (unsigned long long)seed);
        }
    }
}

TEST(isn_at_every_wrap_distance)
{
    struct rng g = {7};
    struct conv v;
    for (uint32_t back = 0; back < 64; back++) {
        conv_init(&v, &g, 300, 200, 0u - back, 0x7fffffffu - back);
        conv_plan(&v, &g, 17);
        conv_disorder(&v, &g, 4, 5, 5);
        CHECK(reassembles(&v, 0));
    }
}

TEST(two_interleaved_connections_stay_apart)
{
    static uint8_t a[2][3000];
    static uint8_t b[2][3000];
    struct rng g = {3};
    struct conv v[2];
    for (int i = 0; i < 2; i++) {
        rng_fill(&g, a[i], sizeof a[i]);
        rng_fill(&g, b[i], sizeof b[i]);
        v[i].ep[0] = ep4(0x0a000001, (uint16_t)(40000 + i)); /* same hosts, other port */
        v[i].ep[1] = ep4(0x0a000002, 443);
        v[i].isn[0] = 100u * (uint32_t)i; /* same-looking sequence numbers */
        v[i].isn[1] = 5000;
        v[i].data[0] = a[i];
        v[i].data[1] = b[i];
        v[i].len[0] = sizeof a[i];
        v[i].len[1] = sizeof b[i];
        conv_plan(&v[i], &g, 100);
        conv_disorder(&v[i], &g, 5, 5, 5);
    }
    struct gls_tcp_flows f;
    static uint8_t scratch[65536];
    gls_tcp_flows_init(&f, NULL);
    for (size_t k = 0; k < v[0].n || k < v[1].n; k++) {
        for (int i = 0; i < 2; i++) {
            if (k < v[i].n) {
                struct gls_tcp_segment s = conv_seg(&v[i], k, scratch);
                CHECK_OK(gls_tcp_flows_add(&f, &s));
            }
        }
    }
    CHECK_OK(gls_tcp_flows_finish(&f));
    CHECK_EQ(f.n, 2);
    for (int i = 0; i < 2; i++) {
        const struct gls_tcp_conn *c = find_conn(&f, &v[i].ep[0], &v[i].ep[1]);
        CHECK(c != NULL);
        CHECK(stream_is(&c->dir[0], a[i], sizeof a[i]));
        CHECK(stream_is(&c->dir[1], b[i], sizeof b[i]));
    }
    gls_tcp_flows_free(&f);
}

TEST(capture_begun_mid_stream)
{
    struct rng g = {4};
    struct conv v;
    conv_init(&v, &g, 4000, 4000, 123456, 654321);
    conv_plan(&v, &g, 500);
    /* Drop the handshake and everything up to the first data segment of each side past
     * plan entry 8; keep the rest in order. */
    size_t from[2] = {SIZE_MAX, SIZE_MAX};
    struct conv w = v;
    w.n = 0;
    for (size_t i = 8; i < v.n; i++) {
        const struct plan *p = &v.plan[i];
        if (from[p->side] == SIZE_MAX) {
            from[p->side] = p->off;
        }
        w.plan[w.n++] = *p;
    }
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&w, &f));
    CHECK_EQ(f.n, 1);
    const struct gls_tcp_conn *c = &f.conns[0];
    CHECK(!c->initiator_known);
    int d0 = ep_same(&c->ep[0], &v.ep[0]) ? 0 : 1;
    CHECK(stream_is(&c->dir[d0], c2s + from[0], 4000 - from[0]));
    CHECK(stream_is(&c->dir[1 - d0], s2c + from[1], 4000 - from[1]));
    CHECK(!c->dir[0].saw_syn);
    gls_tcp_flows_free(&f);
}

TEST(syn_ack_first_still_names_the_client)
{
    struct rng g = {5};
    struct conv v;
    conv_init(&v, &g, 100, 100, 1, 2);
    conv_plan(&v, &g, 50);
    v.plan[0] = v.plan[1]; /* the SYN was missed: the SYN-ACK comes first */
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&v, &f));
    CHECK(f.conns[0].initiator_known);
    CHECK(ep_same(&f.conns[0].ep[0], &v.ep[0]));
    CHECK(stream_is(&f.conns[0].dir[1], s2c, 100));
    /* no SYN from the client: its stream starts at its first data segment, offset 0 */
    CHECK(stream_is(&f.conns[0].dir[0], c2s, 100));
    gls_tcp_flows_free(&f);
}

TEST(server_speaks_first_without_handshake)
{
    /* No SYN at all and the server's segment first: the connection is opened from it, then
     * learns nothing; both directions still reassemble. */
    struct rng g = {6};
    struct conv v;
    conv_init(&v, &g, 10, 10, 1, 2);
    v.n = 0;
    conv_push(&v, 1, GLS_TCP_ACK, 0, 10);
    conv_push(&v, 0, GLS_TCP_ACK, 0, 10);
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&v, &f));
    CHECK(!f.conns[0].initiator_known);
    CHECK(ep_same(&f.conns[0].ep[0], &v.ep[1]));
    CHECK(stream_is(&f.conns[0].dir[0], s2c, 10));
    CHECK(stream_is(&f.conns[0].dir[1], c2s, 10));
    gls_tcp_flows_free(&f);
}

TEST(first_copy_wins_and_conflicts_are_counted)
{
    struct rng g = {8};
    struct conv v;
    conv_init(&v, &g, 300, 0, 77, 88);
    v.n = 0;
    conv_push(&v, 0, GLS_TCP_SYN, 0, 0);
    conv_push(&v, 0, GLS_TCP_ACK, 0, 100);
    conv_push(&v, 0, GLS_TCP_ACK, 50, 100); /* overlaps 50 kept bytes: those 50 differ */
    v.plan[v.n - 1].bogus = true;
    conv_push(&v, 0, GLS_TCP_ACK, 200, 100); /* out of order, genuine */
    conv_push(&v, 0, GLS_TCP_ACK, 150, 90);  /* bogus: 150..200 first, 40 over buffered bytes */
    v.plan[v.n - 1].bogus = true;
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&v, &f));
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK_EQ(s->conflicts, 50 + 40);
    CHECK_EQ(s->len, 300);
    CHECK(memcmp(s->data, c2s, 100) == 0);
    for (size_t i = 100; i < 200; i++) { /* the bogus copies came first here: they stay */
        CHECK(s->data[i] == (uint8_t)(c2s[i] ^ 0x5a));
    }
    CHECK(memcmp(s->data + 200, c2s + 200, 100) == 0); /* buffered first: stays */
    gls_tcp_flows_free(&f);
}

TEST(hole_never_filled_becomes_a_gap)
{
    struct rng g = {9};
    struct conv v;
    conv_init(&v, &g, 1000, 0, 0xfffffffeu, 5);
    v.n = 0;
    conv_push(&v, 0, GLS_TCP_SYN, 0, 0);
    conv_push(&v, 0, GLS_TCP_ACK, 0, 300);
    conv_push(&v, 0, GLS_TCP_ACK, 600, 400); /* 300..600 never arrives */
    conv_push(&v, 0, GLS_TCP_ACK, 500, 50);  /* part of the hole: 500..550 */
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&v, &f));
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK_EQ(s->n_gaps, 2);
    CHECK_EQ(s->gaps[0].at, 300);
    CHECK_EQ(s->gaps[0].len, 200);
    CHECK_EQ(s->gaps[1].at, 350);
    CHECK_EQ(s->gaps[1].len, 50);
    CHECK_EQ(s->len, 750);
    CHECK_EQ(gls_tcp_stream_contiguous(s), 300);
    CHECK(memcmp(s->data, c2s, 300) == 0);
    CHECK(memcmp(s->data + 300, c2s + 500, 50) == 0);
    CHECK(memcmp(s->data + 350, c2s + 600, 400) == 0);
    gls_tcp_flows_free(&f);
}

TEST(out_of_order_buffer_is_bounded)
{
    struct rng g = {10};
    struct conv v;
    conv_init(&v, &g, 60000, 0, 42, 43);
    v.n = 0;
    conv_push(&v, 0, GLS_TCP_SYN, 0, 0);
    for (size_t off = 1000; off < 60000; off += 1000) {
        conv_push(&v, 0, GLS_TCP_ACK, off, 1000); /* the first 1000 bytes are missing */
    }
    conv_push(&v, 0, GLS_TCP_ACK, 0, 1000); /* too late: the hole was given up */
    struct gls_tcp_limits lim = {0};
    lim.max_ooo = 10000; /* raised to the 64 KiB floor */
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, &lim);
    CHECK_EQ(f.lim.max_ooo, 65536);
    f.lim.max_ooo = 10000; /* below the floor, to keep this test small */
    static uint8_t scratch[65536];
    for (size_t i = 0; i < v.n; i++) {
        struct gls_tcp_segment s = conv_seg(&v, i, scratch);
        CHECK_OK(gls_tcp_flows_add(&f, &s));
        CHECK(f.conns[0].dir[0].ooo_bytes <= 10000);
    }
    CHECK_OK(gls_tcp_flows_finish(&f));
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK_EQ(s->n_gaps, 1);
    CHECK_EQ(s->gaps[0].at, 0);
    CHECK_EQ(s->gaps[0].len, 1000);
    CHECK_EQ(s->len, 59000);
    CHECK(memcmp(s->data, c2s + 1000, 59000) == 0);
    gls_tcp_flows_free(&f);
}

TEST(stream_limit_truncates_and_counts)
{
    struct rng g = {11};
    struct conv v;
    conv_init(&v, &g, 50000, 10, 1, 2);
    conv_plan(&v, &g, 1000);
    struct gls_tcp_limits lim = {0};
    lim.max_stream = 12345;
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, &lim);
    CHECK_OK(conv_feed(&v, &f));
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK(s->truncated);
    CHECK_EQ(s->len, 12345);
    CHECK_EQ(s->dropped, 50000 - 12345);
    CHECK(memcmp(s->data, c2s, 12345) == 0);
    CHECK(stream_is(&f.conns[0].dir[1], s2c, 10));
    gls_tcp_flows_free(&f);
}

TEST(gap_limit_truncates)
{
    struct rng g = {12};
    struct conv v;
    conv_init(&v, &g, 1000, 0, 1, 2);
    v.n = 0;
    conv_push(&v, 0, GLS_TCP_SYN, 0, 0);
    for (size_t off = 0; off < 1000; off += 20) {
        conv_push(&v, 0, GLS_TCP_ACK, off + 10, 10); /* every other 10 bytes */
    }
    struct gls_tcp_limits lim = {0};
    lim.max_gaps = 5;
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, &lim);
    CHECK_OK(conv_feed(&v, &f));
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK_EQ(s->n_gaps, 5);
    CHECK(s->truncated);
    CHECK_EQ(s->len, 50);
    CHECK_EQ(gls_tcp_stream_contiguous(s), 0);
    gls_tcp_flows_free(&f);
}

TEST(connection_limit_counts_untracked)
{
    struct gls_tcp_limits lim = {0};
    lim.max_conns = 3;
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, &lim);
    uint8_t byte = 'x';
    for (uint16_t port = 1; port <= 10; port++) {
        struct gls_tcp_segment s = {ep4(1, port), ep4(2, 80), 7, GLS_TCP_ACK, &byte, 1, port};
        CHECK_OK(gls_tcp_flows_add(&f, &s));
    }
    CHECK_EQ(f.n, 3);
    CHECK_EQ(f.untracked, 7);
    gls_tcp_flows_free(&f);
}

TEST(many_connections_grow_the_index)
{
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    for (int round = 0; round < 2; round++) {
        for (uint32_t i = 0; i < 3000; i++) {
            uint8_t byte = (uint8_t)i;
            struct gls_tcp_segment s = {
                ep4(i, 1000), ep4(~i, 443), 0x10000u * (uint32_t)round, GLS_TCP_ACK, &byte, 1, i};
            if (round == 1) {
                s.src = ep4(~i, 443); /* the answer, other direction */
                s.dst = ep4(i, 1000);
            }
            CHECK_OK(gls_tcp_flows_add(&f, &s));
        }
    }
    CHECK_OK(gls_tcp_flows_finish(&f));
    CHECK_EQ(f.n, 3000);
    for (uint32_t i = 0; i < 3000; i++) {
        CHECK_EQ(f.conns[i].dir[0].len, 1);
        CHECK_EQ(f.conns[i].dir[1].len, 1);
        CHECK_EQ(f.conns[i].dir[0].data[0], (uint8_t)i);
    }
    gls_tcp_flows_free(&f);
}

TEST(port_reuse_with_new_isn_opens_a_new_connection)
{
    struct rng g = {13};
    struct conv v;
    conv_init(&v, &g, 500, 500, 1000, 2000);
    conv_plan(&v, &g, 100);
    struct conv w = v;
    w.isn[0] = 900000;
    w.isn[1] = 800000;
    w.data[0] = c2s + 500;
    w.data[1] = s2c + 500;
    rng_fill(&g, c2s + 500, 500);
    rng_fill(&g, s2c + 500, 500);
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    static uint8_t scratch[65536];
    for (size_t i = 0; i < v.n; i++) {
        struct gls_tcp_segment s = conv_seg(&v, i, scratch);
        CHECK_OK(gls_tcp_flows_add(&f, &s));
    }
    struct gls_tcp_segment again = conv_seg(&v, 0, scratch); /* a retransmitted SYN: same */
    CHECK_OK(gls_tcp_flows_add(&f, &again));
    CHECK_OK(conv_feed(&w, &f));
    CHECK_EQ(f.n, 2);
    CHECK(stream_is(&f.conns[0].dir[0], c2s, 500));
    CHECK(stream_is(&f.conns[0].dir[1], s2c, 500));
    CHECK(stream_is(&f.conns[1].dir[0], c2s + 500, 500));
    CHECK(stream_is(&f.conns[1].dir[1], s2c + 500, 500));
    gls_tcp_flows_free(&f);
}

TEST(rst_ends_and_its_payload_is_ignored)
{
    struct rng g = {14};
    struct conv v;
    conv_init(&v, &g, 100, 0, 5, 6);
    v.n = 0;
    conv_push(&v, 0, GLS_TCP_SYN, 0, 0);
    conv_push(&v, 0, GLS_TCP_ACK, 0, 60);
    conv_push(&v, 0, GLS_TCP_RST, 60, 40);
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&v, &f));
    CHECK(f.conns[0].dir[0].saw_rst);
    CHECK(stream_is(&f.conns[0].dir[0], c2s, 60));
    gls_tcp_flows_free(&f);
}

TEST(segments_before_the_first_seen_are_dropped_not_kept)
{
    /* Mid-stream capture: a retransmission of earlier bytes arrives after the first seen. */
    struct rng g = {15};
    struct conv v;
    conv_init(&v, &g, 300, 0, 5, 6);
    v.n = 0;
    conv_push(&v, 0, GLS_TCP_ACK, 100, 100);
    conv_push(&v, 0, GLS_TCP_ACK, 50, 100); /* 50 bytes before offset 0, 50 already kept */
    conv_push(&v, 0, GLS_TCP_ACK, 200, 100);
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, NULL);
    CHECK_OK(conv_feed(&v, &f));
    const struct gls_tcp_stream *s = &f.conns[0].dir[0];
    CHECK(stream_is(s, c2s + 100, 200));
    CHECK_EQ(s->dropped, 50);
    CHECK_EQ(s->conflicts, 0);
    gls_tcp_flows_free(&f);
}

TEST(endpoint_format)
{
    char buf[64];
    struct gls_tcp_endpoint a = ep4(0xc0000201, 443);
    gls_tcp_endpoint_format(&a, buf, sizeof buf);
    CHECK(strcmp(buf, "192.0.2.1:443") == 0);
    struct gls_tcp_endpoint b = ep6(1, 8443);
    gls_tcp_endpoint_format(&b, buf, sizeof buf);
    CHECK(strcmp(buf, "[2001:db8::1]:8443") == 0);
    gls_tcp_endpoint_format(&b, buf, 5);
    CHECK(strcmp(buf, "[200") == 0);
}
