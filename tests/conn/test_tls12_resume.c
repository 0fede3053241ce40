/* TLS 1.2 session resumption through the public API (RFC 5246 §7.3, RFC 5077,
 * RFC 7627 §5.3): resumption by ticket and by session id (abbreviated
 * handshake, data flows, both sides report it), a foreign ticket, an expired
 * ticket (server and client clocks), the EMS rules (a client that drops EMS
 * gets a full handshake; a server that resumes without EMS is refused), and
 * the bound of the server's session-id cache. */
#include "base/wire.h"
#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

static const char *const names[] = {"localhost", "127.0.0.1"};

static int64_t server_now;
static int64_t client_now;

static int64_t server_clock(void *arg)
{
    (void)arg;
    return server_now;
}

static int64_t client_clock(void *arg)
{
    (void)arg;
    return client_now;
}

static void make_pair(gls_config **scfg, gls_config **ccfg)
{
    *scfg = gls_config_new();
    *ccfg = gls_config_new();
    if (gls_config_add_generated_cert(*scfg, names, 2, 1, NULL) != GLS_OK) {
        fprintf(stderr, "cannot make a certificate\n");
        abort();
    }
    (void)gls_config_set_versions(*scfg, 0x0303, 0x0303);
    (void)gls_config_set_versions(*ccfg, 0x0303, 0x0303);
    (void)gls_config_danger_accept_any_cert(*ccfg);
}

static int exchange(gls_conn *from, gls_conn *to, const char *msg)
{
    size_t put = 0;
    size_t got = 0;
    char buf[256];
    int err = gls_conn_write(from, msg, strlen(msg), &put);
    if (err != GLS_OK || put != strlen(msg)) {
        return err ? err : GLS_E_INTERNAL;
    }
    pair_move(from, to, 0);
    err = gls_conn_read(to, buf, sizeof buf, &got);
    if (err != GLS_OK) {
        return err;
    }
    return got == strlen(msg) && memcmp(buf, msg, got) == 0 ? GLS_OK : GLS_E_INTERNAL;
}

/* One connection: the handshake result, and whether each side says resumed
 * (-1 if the handshake failed). Data flows both ways when it succeeds. */
struct outcome {
    int err;
    int client_resumed;
    int server_resumed;
    size_t client_peer_certs;
};

static struct outcome connect_once(gls_config *s, gls_config *c)
{
    struct outcome o = {0, -1, -1, 0};
    gls_conn_info info;
    gls_conn *cc = gls_client_new(c, "localhost");
    gls_conn *sc = gls_server_new(s);
    o.err = pair_handshake(cc, sc, 0);
    if (o.err == GLS_OK && gls_conn_get_info(cc, &info) == GLS_OK) {
        o.client_resumed = info.resumed;
        o.client_peer_certs = info.peer_certs;
    }
    if (o.err == GLS_OK && gls_conn_get_info(sc, &info) == GLS_OK) {
        o.server_resumed = info.resumed;
    }
    if (o.err == GLS_OK) {
        o.err = exchange(cc, sc, "from the client");
    }
    if (o.err == GLS_OK) {
        o.err = exchange(sc, cc, "from the server");
    }
    gls_conn_free(cc);
    gls_conn_free(sc);
    return o;
}

TEST(resumption_by_ticket)
{
    gls_config *s, *c;
    make_pair(&s, &c);
    struct outcome o = connect_once(s, c);
    CHECK_OK(o.err);
    CHECK_EQ(o.client_resumed, 0);
    CHECK_EQ(o.server_resumed, 0);
    CHECK_EQ(o.client_peer_certs, 1);
    for (int i = 0; i < 2; i++) { /* the same ticket resumes again (not reissued) */
        o = connect_once(s, c);
        CHECK_OK(o.err);
        CHECK_EQ(o.client_resumed, 1);
        CHECK_EQ(o.server_resumed, 1);
        CHECK_EQ(o.client_peer_certs, 0);
    }
    /* a client that also speaks TLS 1.3 offers the TLS 1.2 ticket to this server */
    gls_config_free(c);
    c = gls_config_new();
    CHECK_OK(gls_config_danger_accept_any_cert(c));
    CHECK_OK(connect_once(s, c).err);
    o = connect_once(s, c);
    CHECK_OK(o.err);
    CHECK_EQ(o.client_resumed, 1);
    gls_config_free(s);
    gls_config_free(c);
}

/* Counts the NewSessionTicket messages a server sends (its event lines). */
static void count_nst(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    if (strncmp(line, "-> NewSessionTicket", 19) == 0) {
        ++*(int *)arg;
    }
}

/* RFC 5077 §3.1: a server may renew a ticket; ours does not on resumption (no
 * NewSessionTicket, no session_ticket in the ServerHello), and the client keeps the
 * ticket it has, which resumes again with its original age. */
TEST(ticket_not_reissued_on_resumption)
{
    gls_config *s, *c;
    int sent = 0;
    make_pair(&s, &c);
    CHECK_OK(gls_config_set_event_trace(s, count_nst, &sent));
    struct outcome o = connect_once(s, c);
    CHECK_OK(o.err);
    CHECK_EQ(o.server_resumed, 0);
    CHECK_EQ(sent, 1);
    for (int i = 0; i < 3; i++) {
        o = connect_once(s, c);
        CHECK_OK(o.err);
        CHECK_EQ(o.client_resumed, 1);
        CHECK_EQ(o.server_resumed, 1);
        CHECK_EQ(sent, 1);
    }
    gls_config_free(s);
    gls_config_free(c);
}

/* Sessions by id: neither side uses tickets, the server keeps the session. */
TEST(resumption_by_session_id)
{
    gls_config *s, *c;
    make_pair(&s, &c);
    c->no_tickets = true;
    struct outcome o = connect_once(s, c);
    CHECK_OK(o.err);
    CHECK_EQ(o.client_resumed, 0);
    for (int i = 0; i < 2; i++) { /* an id resumes more than once */
        o = connect_once(s, c);
        CHECK_OK(o.err);
        CHECK_EQ(o.client_resumed, 1);
        CHECK_EQ(o.server_resumed, 1);
    }
    /* a server that issues no tickets falls back to ids for a ticket client */
    gls_config *c2 = gls_config_new();
    CHECK_OK(gls_config_set_versions(c2, 0x0303, 0x0303));
    CHECK_OK(gls_config_danger_accept_any_cert(c2));
    s->no_tickets = true;
    CHECK_OK(connect_once(s, c2).err);
    o = connect_once(s, c2);
    CHECK_OK(o.err);
    CHECK_EQ(o.server_resumed, 1);
    gls_config_free(s);
    gls_config_free(c);
    gls_config_free(c2);
}

TEST(foreign_ticket_means_full_handshake)
{
    gls_config *s, *s2, *c, *c2;
    make_pair(&s, &c);
    make_pair(&s2, &c2);
    CHECK_OK(connect_once(s, c).err);
    struct outcome o = connect_once(s2, c); /* s2 cannot open s's ticket */
    CHECK_OK(o.err);
    CHECK_EQ(o.client_resumed, 0);
    CHECK_EQ(o.server_resumed, 0);
    o = connect_once(s2, c); /* but the new ticket from s2 works */
    CHECK_EQ(o.client_resumed, 1);
    gls_config_free(s);
    gls_config_free(s2);
    gls_config_free(c);
    gls_config_free(c2);
}

/* Does the client's first record (its ClientHello) carry a non-empty ticket? */
static bool offers_ticket(const gls_conn *cc)
{
    size_t len = 0;
    struct gls_client_hello ch;
    const uint8_t *out = gls_conn_net_out(cc, &len);
    if (len < 9 || out[0] != GLS_CT_HANDSHAKE || out[5] != GLS_HS_CLIENT_HELLO) {
        return false;
    }
    gls_reader r = gls_reader_init(out + 9, len - 9);
    return gls_client_hello_parse(&r, &ch) == GLS_OK &&
           gls_exts_has(&ch.ext, GLS_X_SESSION_TICKET) && ch.ext.session_ticket.len > 0;
}

/* Tickets live 100 s here. The server refuses one it finds too old (the
 * client still offers it by its own clock); a client drops one it finds
 * too old and does not offer it. */
TEST(expired_ticket_means_full_handshake)
{
    gls_config *s, *c;
    gls_conn_info info;
    make_pair(&s, &c);
    server_now = client_now = 1700000000;
    CHECK_OK(gls_config_set_clock(s, server_clock, NULL));
    CHECK_OK(gls_config_set_clock(c, client_clock, NULL));
    CHECK_OK(gls_config_set_resumption(s, 1, 100));
    CHECK_OK(connect_once(s, c).err);
    server_now += 100; /* the server's view: expired */
    client_now += 99;
    gls_conn *cc = gls_client_new(c, "localhost");
    gls_conn *sc = gls_server_new(s);
    CHECK(offers_ticket(cc));
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(gls_conn_get_info(sc, &info));
    CHECK_EQ(info.resumed, 0);
    gls_conn_free(cc);
    gls_conn_free(sc);
    /* the fresh ticket resumes just before its end, then the client lets it go */
    server_now += 99;
    client_now += 99;
    struct outcome o = connect_once(s, c); /* uses it; the new ticket keeps its age */
    CHECK_EQ(o.client_resumed, 1);
    server_now += 1;
    client_now += 1;
    cc = gls_client_new(c, "localhost");
    sc = gls_server_new(s);
    CHECK(!offers_ticket(cc));
    CHECK_OK(pair_handshake(cc, sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK_EQ(info.resumed, 0);
    pair_free(cc, sc, s, c);
}

/* RFC 7627 §5.3 on the server: a session made with EMS offered in a ClientHello without EMS
 * aborts the handshake with handshake_failure (as OpenSSL, and as tlsfuzzer's
 * test-extended-master-secret-extension expects), by ticket and by session id. */
TEST(ems_dropped_by_client_is_handshake_failure)
{
    for (int by_id = 0; by_id < 2; by_id++) {
        gls_config *s, *c;
        make_pair(&s, &c);
        c->no_tickets = by_id;
        CHECK_OK(connect_once(s, c).err);
        c->no_ems = true;
        struct outcome o = connect_once(s, c);
        CHECK_EQ(o.err, GLS_E_PEER_ALERT_BASE - 40); /* the server's handshake_failure */
        gls_config_free(s);
        gls_config_free(c);
    }
}

/* Takes the server's first record (its ServerHello), removes EMS from it and
 * hands everything to the client: a server that resumes without EMS. */
static int strip_ems_from_server_hello(gls_conn *sc, gls_conn *cc)
{
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(sc, &len);
    struct gls_server_hello sh;
    static uint8_t rec[16384];
    if (len < 9 || out[0] != GLS_CT_HANDSHAKE || out[5] != GLS_HS_SERVER_HELLO) {
        return GLS_E_INTERNAL;
    }
    size_t first = 5 + (size_t)(out[3] << 8 | out[4]);
    gls_reader r = gls_reader_init(out + 9, first - 9);
    if (gls_server_hello_parse(&r, &sh) != GLS_OK ||
        !gls_exts_has(&sh.ext, GLS_X_EXTENDED_MASTER_SECRET)) {
        return GLS_E_INTERNAL;
    }
    sh.ext.present &= ~(1u << GLS_X_EXTENDED_MASTER_SECRET);
    sh.ext.n_order = 0;
    gls_writer w = gls_writer_init(rec + 9, sizeof rec - 9);
    if (gls_server_hello_write(&w, &sh) != GLS_OK || 9 + w.len + len - first > sizeof rec) {
        return GLS_E_INTERNAL;
    }
    memcpy(rec, out, 5);
    rec[3] = (uint8_t)((w.len + 4) >> 8);
    rec[4] = (uint8_t)(w.len + 4);
    rec[5] = GLS_HS_SERVER_HELLO;
    rec[6] = (uint8_t)(w.len >> 16);
    rec[7] = (uint8_t)(w.len >> 8);
    rec[8] = (uint8_t)w.len;
    memcpy(rec + 9 + w.len, out + first, len - first);
    size_t total = 9 + w.len + len - first;
    gls_conn_net_out_done(sc, len);
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(cc, &room);
    if (room < total) {
        return GLS_E_INTERNAL;
    }
    memcpy(in, rec, total);
    return gls_conn_net_in_done(cc, total);
}

/* RFC 7627 §5.3 on the client: a ServerHello that resumes our EMS session
 * without EMS is refused with handshake_failure, by ticket and by id. */
TEST(server_resuming_without_ems_is_refused)
{
    for (int by_id = 0; by_id < 2; by_id++) {
        gls_config *s, *c;
        make_pair(&s, &c);
        c->no_tickets = by_id;
        CHECK_OK(connect_once(s, c).err);
        gls_conn *cc = gls_client_new(c, "localhost");
        gls_conn *sc = gls_server_new(s);
        pair_move(cc, sc, 0);
        CHECK_ERR(strip_ems_from_server_hello(sc, cc), GLS_E_EMS_REQUIRED);
        CHECK_EQ(gls_conn_error(cc), GLS_E_EMS_REQUIRED);
        pair_move(cc, sc, 0);
        CHECK_EQ(gls_conn_error(sc), GLS_E_PEER_ALERT_BASE - GLS_ALERT_HANDSHAKE_FAILURE);
        pair_free(cc, sc, s, c);
    }
}

/* The server keeps GLS_SESSION_CACHE sessions by id: the oldest goes when one
 * more arrives. Client a holds the first session; client b (no resumption of
 * its own) fills the rest of the cache. */
TEST(session_cache_is_bounded)
{
    gls_config *s, *a;
    make_pair(&s, &a);
    gls_config *b = gls_config_new();
    CHECK_OK(gls_config_set_versions(b, 0x0303, 0x0303));
    CHECK_OK(gls_config_danger_accept_any_cert(b));
    CHECK_OK(gls_config_set_resumption(b, 0, 7200));
    a->no_tickets = true;
    CHECK_OK(connect_once(s, a).err);
    for (int i = 0; i < GLS_SESSION_CACHE - 1; i++) {
        struct outcome o = connect_once(s, b);
        CHECK_OK(o.err);
        CHECK_EQ(o.server_resumed, 0);
    }
    struct outcome o = connect_once(s, a); /* the cache is full, a's session is in it */
    CHECK_OK(o.err);
    CHECK_EQ(o.server_resumed, 1);
    CHECK_OK(connect_once(s, b).err); /* one more: a's goes */
    o = connect_once(s, a);
    CHECK_OK(o.err);
    CHECK_EQ(o.client_resumed, 0);
    CHECK_EQ(o.server_resumed, 0);
    gls_config_free(s);
    gls_config_free(a);
    gls_config_free(b);
}

/* An rng hook that counts its calls and draws from the system. */
static int count_draws(void *arg, uint8_t *out, size_t len)
{
    (*(size_t *)arg)++;
    return gls_rand_system(NULL, out, len);
}

/* A config's random bytes come from its pool (crypto/rand.c): one system draw serves
 * many handshakes on each side; a caller's rng hook replaces it, and setting no hook
 * again brings it back. */
TEST(handshakes_draw_from_the_config_pool)
{
    gls_config *s, *c;
    uint64_t sfills, cfills;
    size_t sleft, cleft, before;
    make_pair(&s, &c);
    CHECK(s->rand_pool != NULL && c->rand_pool != NULL);
    for (int i = 0; i < 8; i++) {
        struct outcome o = connect_once(s, c);
        CHECK_OK(o.err);
        CHECK_EQ(o.client_resumed, i > 0);
    }
    gls_rand_pool_stats(s->rand_pool, &sfills, &sleft);
    gls_rand_pool_stats(c->rand_pool, &cfills, &cleft);
    CHECK_EQ(sfills, 1); /* eight handshakes, one RAND_bytes per side */
    CHECK_EQ(cfills, 1);
    CHECK(sleft < GLS_RAND_POOL_BYTES - 8 * 32); /* at least a random per handshake */
    CHECK(cleft < GLS_RAND_POOL_BYTES - 8 * 32);
    gls_config_free(s);
    gls_config_free(c);

    size_t calls = 0;
    make_pair(&s, &c);
    CHECK_OK(gls_config_set_rng(c, count_draws, &calls));
    gls_rand_pool_stats(c->rand_pool, &cfills, &before);
    CHECK_OK(connect_once(s, c).err);
    gls_rand_pool_stats(c->rand_pool, &cfills, &cleft);
    CHECK(calls > 0);
    CHECK_EQ(cfills, 0); /* the hook, not the pool */
    CHECK_EQ(cleft, before);
    gls_config_free(c);
    c = gls_config_new();
    CHECK_OK(gls_config_set_versions(c, 0x0303, 0x0303));
    CHECK_OK(gls_config_danger_accept_any_cert(c));
    CHECK_OK(gls_config_set_rng(c, count_draws, &calls));
    CHECK_OK(gls_config_set_rng(c, NULL, NULL)); /* back to the pool */
    calls = 0;
    CHECK_OK(connect_once(s, c).err);
    gls_rand_pool_stats(c->rand_pool, &cfills, &cleft);
    CHECK_EQ(calls, 0);
    CHECK_EQ(cfills, 1);
    gls_config_free(s);
    gls_config_free(c);
}

struct keylog_lines {
    size_t n;
    char line[8][256];
};

static void keep_keylog(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct keylog_lines *k = arg;
    if (k->n < 8) {
        snprintf(k->line[k->n], sizeof k->line[k->n], "%s", line);
    }
    k->n++;
}

/* A resumed TLS 1.2 connection writes its CLIENT_RANDOM line as a full one does (its own
 * client random, the session's master secret), on both sides, by ticket and by id; the
 * secret trace shows no new master secret for it. */
TEST(resumed_sessions_have_a_keylog_line)
{
    for (int by_id = 0; by_id < 2; by_id++) {
        gls_config *s, *c;
        struct keylog_lines sk = {0}, ck = {0};
        make_pair(&s, &c);
        c->no_tickets = by_id == 1;
        CHECK_OK(gls_config_set_keylog(s, keep_keylog, &sk));
        CHECK_OK(gls_config_set_keylog(c, keep_keylog, &ck));
        struct outcome o = connect_once(s, c);
        CHECK_OK(o.err);
        CHECK_EQ(o.client_resumed, 0);
        o = connect_once(s, c);
        CHECK_OK(o.err);
        CHECK_EQ(o.client_resumed, 1);
        CHECK_EQ(ck.n, 2);
        CHECK_EQ(sk.n, 2);
        for (size_t i = 0; i < 2; i++) {
            CHECK(strncmp(ck.line[i], "CLIENT_RANDOM ", 14) == 0);
            CHECK(strlen(ck.line[i]) == 14 + 64 + 1 + 96);
            CHECK(strcmp(ck.line[i], sk.line[i]) == 0); /* both sides agree */
        }
        CHECK(strncmp(ck.line[0] + 14, ck.line[1] + 14, 64) != 0);      /* a new client random */
        CHECK(strcmp(ck.line[0] + 14 + 65, ck.line[1] + 14 + 65) == 0); /* the same secret */
        gls_config_free(s);
        gls_config_free(c);
    }
}
