/* tests/tool/test_tlsrec.c — records and handshake facts (tool/tlsrec.c) on real TLS bytes:
 * the RFC 8448 §3 ClientHello and ServerHello wrapped in records, cut into many TCP segments
 * and read back from a pcapng; a record split at every byte between two segments and a
 * handshake message split at every byte between two records; OpenSSL's TLS 1.2 ECDHE
 * handshake (EMS, ClientKeyExchange, transcript order); HelloRetryRequest; resumption; the
 * exact errors for streams that are not TLS; and random mutations. */
#include "harness.h"
#include "tool_util.h"

/* ---- vectors: "[name]" hex sections in tests/vectors ---- */

static size_t load(const char *file, const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    char line[512];
    char want[128];
    snprintf(path, sizeof path, "%s/%s", GLS_TEST_VECTORS, file);
    snprintf(want, sizeof want, "[%s]", name);
    FILE *f = fopen(path, "r");
    size_t n = 0;
    bool in = false;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '[') {
            if (in) {
                break;
            }
            in = strncmp(line, want, strlen(want)) == 0;
        } else if (in && line[0] != '#') {
            n += unhex(line, buf + n, cap - n);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    if (n == 0) {
        fprintf(stderr, "no vector [%s] in %s\n", name, file);
        abort();
    }
    return n;
}

struct msg {
    uint8_t b[4096];
    size_t n;
};

static void load_msg(struct msg *m, const char *file, const char *name)
{
    m->n = load(file, name, m->b, sizeof m->b);
}

static void rec(struct gbuf *s, uint8_t type, uint16_t version, const uint8_t *p, size_t n)
{
    uint8_t h[5] = {type, (uint8_t)(version >> 8), (uint8_t)version, (uint8_t)(n >> 8), (uint8_t)n};
    gb_put(s, h, 5);
    gb_put(s, p, n);
}

static void ccs(struct gbuf *s)
{
    rec(s, 20, 0x0303, (const uint8_t *)"\x01", 1);
}

/* A protected record of n pseudo-random bytes. */
static void sealed(struct gbuf *s, uint8_t type, size_t n, uint64_t seed)
{
    uint8_t b[512];
    struct rng g = {seed};
    rng_fill(&g, b, n);
    rec(s, type, 0x0303, b, n);
}

#define RFC8448_CLIENT_RANDOM "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
#define RFC8448_SERVER_RANDOM "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928"

static struct msg ch13;
static struct msg sh13;

/* The RFC 8448 §3 flows as the wire would carry them (protected parts are stand-ins). */
static void rfc8448_streams(struct gbuf *c, struct gbuf *s)
{
    load_msg(&ch13, "rfc8448.txt", "client_hello");
    load_msg(&sh13, "rfc8448.txt", "server_hello");
    rec(c, 22, 0x0301, ch13.b, ch13.n);
    ccs(c);
    sealed(c, 23, 69, 1); /* client Finished */
    sealed(c, 23, 50, 2);
    rec(s, 22, 0x0303, sh13.b, sh13.n);
    ccs(s);
    sealed(s, 23, 500, 3); /* EE, Certificate, CertificateVerify, Finished */
    sealed(s, 23, 200, 4);
}

static bool rfc8448_facts_ok(const struct gls_tls_facts *t)
{
    char cr[65];
    char sr[65];
    hex_of(t->client_random, 32, cr);
    hex_of(t->server_random, 32, sr);
    const struct gls_tls_hs_msg *order[4];
    size_t n = gls_tls_transcript(t, order, 4);
    bool ok = t->have_client_hello && t->have_server_hello && !t->hrr &&
              strcmp(cr, RFC8448_CLIENT_RANDOM) == 0 && strcmp(sr, RFC8448_SERVER_RANDOM) == 0 &&
              t->suite == 0x1301 && t->version == 0x0304 && t->client_version == 0x0303 &&
              t->n_offered == 1 && t->offered[0] == 0x0304 &&
              strcmp(t->server_name, "server") == 0 && !t->ems && !t->etm && !t->resumed &&
              t->client_key_exchange.len == 0 && t->side[0].n_records == 4 &&
              t->side[1].n_records == 4 && t->side[0].first_encrypted == 2 &&
              t->side[1].first_encrypted == 2 && !t->side[0].records[1].encrypted &&
              t->side[0].records[2].encrypted && n == 2 && order[0]->raw.len == ch13.n &&
              memcmp(order[0]->raw.p, ch13.b, ch13.n) == 0 && order[1]->raw.len == sh13.n &&
              memcmp(order[1]->raw.p, sh13.b, sh13.n) == 0 && t->problem[0] == 0;
    if (!ok) {
        fprintf(stderr, "  facts: cr %s sr %s suite %04x version %04x problem '%s'\n", cr, sr,
                t->suite, t->version, t->problem);
    }
    return ok;
}

TEST(rfc8448_hellos_through_a_capture)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    rfc8448_streams(&c, &s);
    struct conv v;
    struct rng g = {21};
    v.ep[0] = ep6(1, 50000);
    v.ep[1] = ep6(2, 443);
    v.isn[0] = 0xffffffa0u; /* wraps inside the ClientHello */
    v.isn[1] = 0xfffffff0u;
    v.data[0] = c.p;
    v.data[1] = s.p;
    v.len[0] = c.len;
    v.len[1] = s.len;
    conv_plan(&v, &g, 40);
    conv_disorder(&v, &g, 10, 30, 30);
    CHECK(v.n > 40);
    struct cap k;
    char path[64];
    char err[256];
    struct gls_tcp_flows f;
    conv_capture(&v, &k, GLS_LINK_EN10MB, true);
    write_temp(k.b.p, k.b.len, path);
    CHECK_OK(gls_pcap_read_flows(path, NULL, &f, NULL, err, sizeof err));
    unlink(path);
    gb_free(&k.b);
    CHECK_EQ(f.n, 1);
    const struct gls_tcp_stream *cs = &f.conns[0].dir[0];
    const struct gls_tcp_stream *ss = &f.conns[0].dir[1];
    CHECK(stream_is(cs, c.p, c.len));
    struct gls_tls_facts t;
    CHECK_OK(gls_tls_scan(cs->data, gls_tcp_stream_contiguous(cs), ss->data,
                          gls_tcp_stream_contiguous(ss), &t));
    CHECK(rfc8448_facts_ok(&t));
    CHECK(t.side[0].records[0].payload.p == cs->data + 5); /* views into the stream */
    CHECK_EQ(t.side[1].used, s.len);
    gls_tls_facts_free(&t);
    gls_tcp_flows_free(&f);
    gb_free(&c);
    gb_free(&s);
}

TEST(record_split_at_every_byte_between_two_segments)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    rfc8448_streams(&c, &s);
    size_t first = 5 + ch13.n; /* the ClientHello record */
    for (size_t k = 1; k < first + 5; k++) {
        for (int reversed = 0; reversed < 2; reversed++) {
            struct conv v;
            v.ep[0] = ep4(1, 1);
            v.ep[1] = ep4(2, 2);
            v.isn[0] = 0xffffffffu - (uint32_t)k; /* the wrap moves with the split */
            v.isn[1] = 7;
            v.data[0] = c.p;
            v.data[1] = s.p;
            v.len[0] = c.len;
            v.len[1] = s.len;
            v.n = 0;
            conv_push(&v, 0, GLS_TCP_SYN, 0, 0);
            conv_push(&v, 1, GLS_TCP_SYN | GLS_TCP_ACK, 0, 0);
            conv_push(&v, 0, GLS_TCP_ACK, reversed ? k : 0, reversed ? c.len - k : k);
            conv_push(&v, 0, GLS_TCP_ACK, reversed ? 0 : k, reversed ? k : c.len - k);
            conv_push(&v, 1, GLS_TCP_ACK, 0, s.len);
            struct gls_tcp_flows f;
            struct gls_tls_facts t;
            gls_tcp_flows_init(&f, NULL);
            CHECK_OK(conv_feed(&v, &f));
            const struct gls_tcp_conn *cn = &f.conns[0];
            CHECK_OK(
                gls_tls_scan(cn->dir[0].data, cn->dir[0].len, cn->dir[1].data, cn->dir[1].len, &t));
            if (!rfc8448_facts_ok(&t)) {
                FAIL("split at %zu, reversed %d", k, reversed);
            }
            gls_tls_facts_free(&t);
            gls_tcp_flows_free(&f);
        }
    }
    gb_free(&c);
    gb_free(&s);
}

TEST(handshake_message_split_at_every_byte_between_two_records)
{
    load_msg(&ch13, "rfc8448.txt", "client_hello");
    load_msg(&sh13, "rfc8448.txt", "server_hello");
    for (size_t j = 1; j < ch13.n; j++) {
        struct gbuf c = {0};
        struct gbuf s = {0};
        rec(&c, 22, 0x0301, ch13.b, j);
        rec(&c, 22, 0x0303, ch13.b + j, ch13.n - j);
        ccs(&c);
        sealed(&c, 23, 69, 1);
        rec(&s, 22, 0x0303, sh13.b, j < sh13.n ? j : sh13.n); /* the ServerHello too */
        if (j < sh13.n) {
            rec(&s, 22, 0x0303, sh13.b + j, sh13.n - j);
        }
        sealed(&s, 23, 100, 2);
        struct gls_tls_facts t;
        CHECK_OK(gls_tls_scan(c.p, c.len, s.p, s.len, &t));
        char cr[65];
        hex_of(t.client_random, 32, cr);
        CHECK(strcmp(cr, RFC8448_CLIENT_RANDOM) == 0);
        CHECK_EQ(t.suite, 0x1301);
        CHECK_EQ(t.version, 0x0304);
        CHECK_EQ(t.side[0].n_msgs, 1);
        CHECK_EQ(t.side[0].msgs[0].record, 0); /* where it starts */
        CHECK_EQ(t.side[1].n_msgs, 1);
        CHECK_EQ(t.side[1].msgs[0].record, 0);
        CHECK(t.side[0].msgs[0].raw.len == ch13.n);
        CHECK(memcmp(t.side[0].msgs[0].raw.p, ch13.b, ch13.n) == 0);
        CHECK_EQ(t.side[0].first_encrypted, 3);
        gls_tls_facts_free(&t);
        gb_free(&c);
        gb_free(&s);
    }
}

/* ---- TLS 1.2: OpenSSL's ECDHE-RSA-AES128-GCM-SHA256 handshake with client auth ---- */

static struct msg m12[9];
enum { CH, SH, CERT, SKE, CR, SHD, CCERT, CKE, NST };

static void load12(void)
{
    static const char *const names[9] = {
        "tls12_ecdhe_c_client_hello",        "tls12_ecdhe_s_server_hello",
        "tls12_ecdhe_s_certificate",         "tls12_ecdhe_s_server_key_exchange",
        "tls12_ecdhe_s_certificate_request", "tls12_ecdhe_s_server_hello_done",
        "tls12_ecdhe_c_certificate",         "tls12_ecdhe_c_client_key_exchange",
        "tls12_ecdhe_s_new_session_ticket"};
    for (int i = 0; i < 9; i++) {
        load_msg(&m12[i], "openssl_handshakes.txt", names[i]);
    }
}

/* The server's first flight packed as OpenSSL does: several messages per record. */
static void tls12_streams(struct gbuf *c, struct gbuf *s)
{
    struct gbuf flight = {0};
    load12();
    rec(c, 22, 0x0301, m12[CH].b, m12[CH].n);
    gb_put(&flight, m12[CCERT].b, m12[CCERT].n);
    gb_put(&flight, m12[CKE].b, m12[CKE].n);
    rec(c, 22, 0x0303, flight.p, flight.len);
    ccs(c);
    sealed(c, 22, 40, 5); /* Finished, protected */
    sealed(c, 23, 60, 6);
    flight.len = 0;
    for (int i = SH; i <= SHD; i++) {
        gb_put(&flight, m12[i].b, m12[i].n);
    }
    rec(s, 22, 0x0303, flight.p, 700);
    rec(s, 22, 0x0303, flight.p + 700, flight.len - 700);
    rec(s, 22, 0x0303, m12[NST].b, m12[NST].n);
    ccs(s);
    sealed(s, 22, 40, 7);
    sealed(s, 21, 26, 8); /* an alert after the key change: protected too */
    gb_free(&flight);
}

TEST(tls12_openssl_handshake_facts)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    tls12_streams(&c, &s);
    struct gls_tls_facts t;
    CHECK_OK(gls_tls_scan(c.p, c.len, s.p, s.len, &t));
    CHECK_EQ(t.version, 0x0303);
    CHECK_EQ(t.suite, 0xc02f);
    CHECK_EQ(t.client_version, 0x0303);
    CHECK_EQ(t.n_offered, 0);
    CHECK(t.ems);
    CHECK(!t.etm); /* offered by the client, not taken by the server */
    CHECK(!t.resumed);
    CHECK(!t.hrr);
    CHECK(strcmp(t.server_name, "localhost") == 0);
    CHECK_HEX(t.client_random, 32,
              "960f6ba917e992f9d61f73aa2fc0b09969f35bbcb41742f341e728d5bad9af50");
    CHECK_HEX(t.server_random, 32,
              "424b42b2de2f31ef023c7cbf7991bbe0296846cf8da70028444f574e47524401");
    CHECK_EQ(t.session_id_len, 0);
    CHECK(t.client_key_exchange.len == m12[CKE].n - 4);
    CHECK(memcmp(t.client_key_exchange.p, m12[CKE].b + 4, m12[CKE].n - 4) == 0);
    CHECK_EQ(t.side[0].first_encrypted, 3);
    CHECK_EQ(t.side[1].first_encrypted, 4);
    CHECK(t.side[0].records[3].encrypted && t.side[0].records[3].type == 22);
    CHECK(t.side[1].records[5].encrypted && t.side[1].records[5].type == 21);
    CHECK(!t.side[1].records[3].encrypted);
    const struct gls_tls_hs_msg *order[16];
    CHECK_EQ(gls_tls_transcript(&t, order, 16), 9);
    static const int want[9] = {CH, SH, CERT, SKE, CR, SHD, CCERT, CKE, NST};
    for (int i = 0; i < 9; i++) {
        const struct msg *m = &m12[want[i]];
        if (order[i]->raw.len != m->n || memcmp(order[i]->raw.p, m->b, m->n) != 0) {
            FAIL("transcript[%d] is not message %d", i, want[i]);
        }
    }
    CHECK_EQ(gls_tls_transcript(&t, order, 3), 9); /* the count, even when cap is smaller */
    gls_tls_facts_free(&t);
    gb_free(&c);
    gb_free(&s);
}

TEST(tls12_abbreviated_handshake_is_resumed)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    load12();
    rec(&c, 22, 0x0301, m12[CH].b, m12[CH].n);
    ccs(&c);
    sealed(&c, 22, 40, 1);
    rec(&s, 22, 0x0303, m12[SH].b, m12[SH].n);
    rec(&s, 22, 0x0303, m12[NST].b, m12[NST].n);
    ccs(&s);
    sealed(&s, 22, 40, 2);
    struct gls_tls_facts t;
    CHECK_OK(gls_tls_scan(c.p, c.len, s.p, s.len, &t));
    CHECK(t.resumed);
    CHECK(t.ems);
    CHECK_EQ(t.side[1].first_encrypted, 3);
    CHECK_EQ(t.side[0].first_encrypted, 2);
    gls_tls_facts_free(&t);
    gb_free(&c);
    gb_free(&s);
}

TEST(hello_retry_request_flow)
{
    load_msg(&ch13, "rfc8448.txt", "client_hello");
    load_msg(&sh13, "rfc8448.txt", "server_hello");
    struct msg hrr;
    hrr.n = unhex("02000036 0303"
                  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c" /* §4.1.3 */
                  "00 1301 00 000c 002b00020304 003300020017",
                  hrr.b, sizeof hrr.b);
    hrr.b[3] = (uint8_t)(hrr.n - 4);
    struct gbuf c = {0};
    struct gbuf s = {0};
    rec(&c, 22, 0x0301, ch13.b, ch13.n);
    ccs(&c); /* D.4: the compatibility CCS may come before the second ClientHello */
    rec(&c, 22, 0x0303, ch13.b, ch13.n);
    sealed(&c, 23, 69, 1);
    rec(&s, 22, 0x0303, hrr.b, hrr.n);
    ccs(&s);
    rec(&s, 22, 0x0303, sh13.b, sh13.n);
    sealed(&s, 23, 300, 2);
    struct gls_tls_facts t;
    CHECK_OK(gls_tls_scan(c.p, c.len, s.p, s.len, &t));
    CHECK(t.hrr);
    CHECK(t.have_server_hello);
    CHECK_EQ(t.version, 0x0304);
    CHECK_EQ(t.suite, 0x1301);
    CHECK_HEX(t.server_random, 32, RFC8448_SERVER_RANDOM);
    CHECK_HEX(t.client_random, 32, RFC8448_CLIENT_RANDOM);
    CHECK_EQ(t.side[0].first_encrypted, 3);
    CHECK_EQ(t.side[1].first_encrypted, 3);
    const struct gls_tls_hs_msg *order[8];
    CHECK_EQ(gls_tls_transcript(&t, order, 8), 4);
    CHECK(order[0] == &t.side[0].msgs[0] && order[1] == &t.side[1].msgs[0]);
    CHECK(order[2] == &t.side[0].msgs[1] && order[3] == &t.side[1].msgs[1]);
    CHECK(order[1]->raw.len == hrr.n);
    gls_tls_facts_free(&t);
    gb_free(&c);
    gb_free(&s);
}

TEST(streams_that_are_not_tls)
{
    struct gls_tls_facts t;
    const char *http = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    CHECK_ERR(gls_tls_scan((const uint8_t *)http, strlen(http), NULL, 0, &t), GLS_E_DECODE);
    CHECK(strcmp(t.problem,
                 "client->server: offset 0: not a TLS record (content type 71, version 0x4554)") ==
          0);
    gls_tls_facts_free(&t);

    struct gbuf c = {0};
    struct gbuf s = {0};
    rfc8448_streams(&c, &s);
    gb_put(&s, "SSH-2.0-x\r\n", 11);
    CHECK_ERR(gls_tls_scan(c.p, c.len, s.p, s.len, &t), GLS_E_DECODE);
    char want[128];
    snprintf(want, sizeof want,
             "server->client: offset %zu: not a TLS record (content type 83, version 0x5348)",
             s.len - 11);
    CHECK(strcmp(t.problem, want) == 0);
    CHECK_EQ(t.side[0].n_records, 4); /* what came before is kept */
    CHECK_EQ(t.side[1].n_records, 4);
    gls_tls_facts_free(&t);

    s.len -= 11;
    gb_put(&s, "\x17\x03\x03\x48\x01", 5); /* 18433 bytes: one too many */
    CHECK_ERR(gls_tls_scan(c.p, c.len, s.p, s.len, &t), GLS_E_RECORD_OVERFLOW);
    snprintf(want, sizeof want, "server->client: offset %zu: record longer than 18432 bytes",
             s.len - 5);
    CHECK(strcmp(t.problem, want) == 0);
    gls_tls_facts_free(&t);
    gb_free(&c);
    gb_free(&s);
}

TEST(partial_last_record_is_not_an_error)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    rfc8448_streams(&c, &s);
    size_t ch_rec = 5 + ch13.n;
    struct gls_tls_facts t;
    CHECK_OK(gls_tls_scan(c.p, ch_rec - 10, s.p, 3, &t));
    CHECK(t.side[0].partial_tail);
    CHECK(t.side[1].partial_tail);
    CHECK_EQ(t.side[0].n_records, 0);
    CHECK_EQ(t.side[0].used, 0);
    CHECK(!t.have_client_hello);
    gls_tls_facts_free(&t);
    CHECK_OK(gls_tls_scan(c.p, ch_rec + 2, NULL, 0, &t));
    CHECK_EQ(t.side[0].n_records, 1);
    CHECK_EQ(t.side[0].used, ch_rec);
    CHECK(t.have_client_hello);
    CHECK(!t.have_server_hello);
    CHECK_EQ(t.version, 0);
    gls_tls_facts_free(&t);
    gb_free(&c);
    gb_free(&s);
}

TEST(malformed_hellos_and_cut_messages)
{
    load_msg(&ch13, "rfc8448.txt", "client_hello");
    load_msg(&sh13, "rfc8448.txt", "server_hello");
    struct msg bad = ch13;
    bad.b[4 + 2 + 32] = 33; /* legacy_session_id longer than 32 */
    struct gbuf c = {0};
    struct gbuf s = {0};
    rec(&c, 22, 0x0301, bad.b, bad.n);
    struct gls_tls_facts t;
    CHECK_ERR(gls_tls_scan(c.p, c.len, NULL, 0, &t), GLS_E_DECODE);
    CHECK(strcmp(t.problem, "client->server: record 0: ClientHello is malformed") == 0);
    gls_tls_facts_free(&t);

    bad = sh13;
    bad.b[bad.n - 1] = 0x03; /* supported_versions with 3 bytes in a 2-byte extension */
    bad.b[bad.n - 3] = 0x03;
    bad.b[bad.n++] = 0x00;
    bad.b[3]++;
    bad.b[4 + 2 + 32 + 1 + 2 + 1 + 1]++; /* the extension block length */
    rec(&s, 22, 0x0303, bad.b, bad.n);
    CHECK_ERR(gls_tls_scan(NULL, 0, s.p, s.len, &t), GLS_E_DECODE);
    CHECK(strcmp(t.problem, "server->client: record 0: ServerHello is malformed") == 0);
    gls_tls_facts_free(&t);

    s.len = 0;
    rec(&s, 22, 0x0303, sh13.b, 20); /* a ServerHello cut by the key change */
    sealed(&s, 23, 40, 1);
    CHECK_ERR(gls_tls_scan(NULL, 0, s.p, s.len, &t), GLS_E_DECODE);
    CHECK(strcmp(t.problem, "server->client: a handshake message is cut by the key change") == 0);
    gls_tls_facts_free(&t);
    gb_free(&c);
    gb_free(&s);
}

TEST(record_next_errors)
{
    static const struct {
        const char *hex;
        int want;
    } cases[] = {
        {"16030100", GLS_E_WANT_READ},  {"1603010001", GLS_E_WANT_READ},
        {"1303010001ff", GLS_E_DECODE}, {"1903010001ff", GLS_E_DECODE},
        {"1602010001ff", GLS_E_DECODE}, {"17030348 01", GLS_E_RECORD_OVERFLOW},
        {"1703030000", GLS_OK},         {"18030000 0101", GLS_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t b[16];
        size_t n = unhex(cases[i].hex, b, sizeof b);
        gls_reader r = gls_reader_init(b, n);
        struct gls_tls_record rec_;
        CHECK_ERR(gls_tls_record_next(&r, &rec_), cases[i].want);
        CHECK_EQ(gls_reader_left(&r), cases[i].want == GLS_OK ? 0 : n); /* no move on error */
    }
}

TEST(looks_like_client)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    rfc8448_streams(&c, &s);
    CHECK(gls_tls_looks_like_client(c.p, c.len));
    CHECK(gls_tls_looks_like_client(c.p, 6));
    CHECK(!gls_tls_looks_like_client(c.p, 5));
    CHECK(!gls_tls_looks_like_client(s.p, s.len));
    CHECK(!gls_tls_looks_like_client(NULL, 0));
    CHECK(!gls_tls_looks_like_client((const uint8_t *)"GET / HTTP/1.1", 14));
    gb_free(&c);
    gb_free(&s);
}

/* Scans a heap copy of exactly n bytes of each side, so ASan sees any overread. */
static int scan_exact(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                      struct gls_tls_facts *t)
{
    uint8_t *ca = malloc(na > 0 ? na : 1);
    uint8_t *cb = malloc(nb > 0 ? nb : 1);
    memcpy(ca, a, na);
    memcpy(cb, b, nb);
    int rc = gls_tls_scan(ca, na, cb, nb, t);
    bool views_ok = true;
    for (int d = 0; d < 2; d++) {
        const struct gls_tls_side *s = &t->side[d];
        size_t sum = 0;
        for (size_t i = 0; i < s->n_records; i++) {
            sum += 5 + s->records[i].payload.len;
        }
        views_ok &= sum == s->used && s->first_encrypted <= s->n_records;
    }
    free(ca);
    free(cb);
    return views_ok ? rc : -9999;
}

TEST(mutated_streams_never_crash)
{
    struct gbuf c = {0};
    struct gbuf s = {0};
    tls12_streams(&c, &s);
    struct rng g = {31};
    static uint8_t a[8192];
    static uint8_t b[8192];
    CHECK(c.len <= sizeof a && s.len <= sizeof b);
    size_t results[5] = {0};
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(a, c.p, c.len);
        memcpy(b, s.p, s.len);
        size_t na = c.len;
        size_t nb = s.len;
        size_t k = rng_range(&g, 1, 6);
        for (size_t j = 0; j < k; j++) {
            uint8_t *p = (rng_next(&g) & 1) ? a : b;
            size_t n = p == a ? na : nb;
            if (n == 0) {
                continue;
            }
            size_t at = rng_range(&g, 0, n - 1);
            size_t op = rng_range(&g, 0, 3);
            if (op == 0) {
                p[at] = (uint8_t)rng_next(&g);
            } else if (op == 1) {
                p[at] ^= (uint8_t)(1u << rng_range(&g, 0, 7));
            } else if (op == 2) {
                p[at] = (uint8_t)(p[at] + (rng_next(&g) & 1 ? 1 : 0xff)); /* lengths +-1 */
            } else {
                *(p == a ? &na : &nb) = at;
            }
        }
        struct gls_tls_facts t;
        int rc = scan_exact(a, na, b, nb, &t);
        CHECK(rc == GLS_OK || rc == GLS_E_DECODE || rc == GLS_E_RECORD_OVERFLOW);
        CHECK(rc == GLS_OK || t.problem[0] != 0);
        results[rc == GLS_OK ? 0 : (rc == GLS_E_DECODE ? 1 : 2)]++;
        results[3] += t.have_server_hello;
        gls_tls_facts_free(&t);
    }
    CHECK(results[0] > 2500 && results[1] > 2500 && results[2] > 0 && results[3] > 2500);
    gb_free(&c);
    gb_free(&s);
}
