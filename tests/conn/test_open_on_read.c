/* Open-on-read (gls_config_set_open_on_read): TLS 1.3 records after the
 * handshake are opened by gls_conn_read, straight into the caller's buffer when
 * it can hold the plaintext. Every byte arrives whatever the buffer size, in
 * both AEAD families; a tampered record fails with bad_record_mac and leaves
 * nothing of itself in the caller's buffer; tickets, KeyUpdate and close_notify
 * take effect on read, and what they carried is wiped from the buffer. */
#include <string.h>

#include "base/bytes.h"
#include "harness.h"
#include "pair.h"

#define BIG 16384

static uint8_t sent[BIG];
static uint8_t rbuf[BIG + 64];

/* A pair with open-on-read on both sides and one suite. */
static void start(gls_config **s, gls_config **c, gls_conn **cc, gls_conn **sc, uint16_t suite)
{
    pair_configs(s, c, 1, 0x0304);
    CHECK_OK(gls_config_set_suites(*s, &suite, 1));
    CHECK_OK(gls_config_set_suites(*c, &suite, 1));
    CHECK_OK(gls_config_set_open_on_read(*s, 1));
    CHECK_OK(gls_config_set_open_on_read(*c, 1));
    CHECK_OK(pair_run(*s, *c, cc, sc, 0));
}

/* Bytes that are never 0 nor 0x5a, so a leaked byte of them shows in a 0x5a-filled buffer. */
static void pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(0x80 | ((i * 7 + seed) & 0x7f));
    }
}

/* Writes n bytes from the client, then reads them on the server `cap` bytes at
 * a time; GLS_OK if they all came, in order, and nothing more. */
static int send_and_read(gls_conn *cc, gls_conn *sc, size_t n, size_t cap, unsigned seed)
{
    size_t put = 0;
    size_t got = 0;
    pattern(sent, n, seed);
    TRY(gls_conn_write(cc, sent, n, &put));
    if (put != n) {
        return GLS_E_INTERNAL;
    }
    pair_move(cc, sc, 0);
    while (got < n) {
        size_t k = 0;
        if ((gls_conn_wants(sc) & GLS_CAN_READ) == 0) {
            return GLS_E_INTERNAL;
        }
        TRY(gls_conn_read(sc, rbuf + got, cap < n - got ? cap : n - got, &k));
        got += k;
    }
    size_t k = 0;
    int err = gls_conn_read(sc, rbuf, sizeof rbuf, &k);
    if (err != GLS_E_WANT_READ || k != 0) {
        return GLS_E_INTERNAL;
    }
    return memcmp(rbuf, sent, n) == 0 ? GLS_OK : GLS_E_INTERNAL;
}

TEST(every_byte_arrives_whatever_the_buffer)
{
    static const uint16_t suites[] = {0x1301, 0x1303};
    static const size_t sizes[] = {1, 17, 1024, 4095, 4096, 4097, BIG};
    static const size_t caps[] = {0 /* exact */, BIG + 64, 1000, 7, 1};
    for (size_t s = 0; s < 2; s++) {
        gls_config *scfg, *ccfg;
        gls_conn *cc, *sc;
        start(&scfg, &ccfg, &cc, &sc, suites[s]);
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            for (size_t j = 0; j < sizeof caps / sizeof caps[0]; j++) {
                size_t cap = caps[j] == 0 ? sizes[i] : caps[j];
                CHECK_OK(send_and_read(cc, sc, sizes[i], cap, (unsigned)(i * 5 + j)));
            }
        }
        /* and the other way, with the server writing */
        CHECK_OK(send_and_read(sc, cc, BIG, BIG, 3));
        CHECK_OK(send_and_read(sc, cc, 100, 10, 4));
        pair_free(cc, sc, scfg, ccfg);
    }
}

/* Two records in the input at once: each read opens the next one. */
TEST(coalesced_records_each_read_in_turn)
{
    gls_config *scfg, *ccfg;
    gls_conn *cc, *sc;
    size_t put = 0;
    size_t got = 0;
    start(&scfg, &ccfg, &cc, &sc, 0x1301);
    CHECK_OK(gls_conn_write(cc, "first", 5, &put));
    CHECK_OK(gls_conn_write(cc, "second", 6, &put));
    pair_move(cc, sc, 0);
    CHECK_OK(gls_conn_read(sc, rbuf, sizeof rbuf, &got));
    CHECK(got == 5 && memcmp(rbuf, "first", 5) == 0);
    CHECK_OK(gls_conn_read(sc, rbuf, sizeof rbuf, &got));
    CHECK(got == 6 && memcmp(rbuf, "second", 6) == 0);
    CHECK_ERR(gls_conn_read(sc, rbuf, sizeof rbuf, &got), GLS_E_WANT_READ);
    pair_free(cc, sc, scfg, ccfg);
}

/* A flipped bit: nothing is refused until the read, which fails with
 * bad_record_mac (the client reads that alert) and leaves no byte of
 * plaintext in the buffer, whether it was opened straight into it (cap large)
 * or in place (cap small). */
TEST(tampered_record_leaves_nothing_in_the_buffer)
{
    static const size_t caps[] = {BIG + 64, 1000, 999, 10};
    for (size_t s = 0; s < 2; s++) {
        for (size_t j = 0; j < sizeof caps / sizeof caps[0]; j++) {
            gls_config *scfg, *ccfg;
            gls_conn *cc, *sc;
            size_t put = 0;
            size_t len = 0;
            size_t got = 99;
            start(&scfg, &ccfg, &cc, &sc, s == 0 ? 0x1301 : 0x1303);
            pattern(sent, 1000, 9);
            CHECK_OK(gls_conn_write(cc, sent, 1000, &put));
            uint8_t *out = (uint8_t *)gls_conn_net_out(cc, &len);
            CHECK(len > 100);
            out[5 + (j * 331) % (len - 5)] ^= 0x04; /* ciphertext or tag */
            pair_move(cc, sc, 0);
            CHECK_EQ(gls_conn_error(sc), GLS_OK); /* not opened yet */
            CHECK(gls_conn_wants(sc) & GLS_CAN_READ);
            memset(rbuf, 0x5a, sizeof rbuf);
            CHECK_ERR(gls_conn_read(sc, rbuf, caps[j], &got), GLS_E_BAD_RECORD_MAC);
            CHECK_EQ(got, 0);
            for (size_t i = 0; i < sizeof rbuf; i++) {
                CHECK(rbuf[i] == 0x5a || rbuf[i] == 0);
            }
            CHECK_EQ(gls_conn_error(sc), GLS_E_BAD_RECORD_MAC);
            CHECK(gls_conn_wants(sc) & GLS_CLOSED);
            pair_move(sc, cc, 0); /* the alert, itself opened when the client reads */
            CHECK_ERR(gls_conn_read(cc, rbuf, sizeof rbuf, &got),
                      GLS_E_PEER_ALERT_BASE - 20); /* bad_record_mac */
            pair_free(cc, sc, scfg, ccfg);
        }
    }
}

/* The server's ticket waits sealed until the client reads: the read opens it
 * into the buffer, stores the session, wipes what it held and says
 * GLS_E_WANT_READ. The next connection resumes with it. */
TEST(ticket_taken_on_read_and_wiped_from_buffer)
{
    gls_config *scfg, *ccfg;
    gls_conn *cc, *sc;
    gls_conn_info info;
    size_t got = 0;
    size_t len = 0;
    uint8_t session[GLS_SESSION_MAX];
    start(&scfg, &ccfg, &cc, &sc, 0x1301);
    CHECK_ERR(gls_conn_get_session(cc, session, sizeof session, &len), GLS_E_WANT_READ);
    CHECK(gls_conn_wants(cc) & GLS_CAN_READ);
    memset(rbuf, 0x5a, sizeof rbuf);
    CHECK_ERR(gls_conn_read(cc, rbuf, sizeof rbuf, &got), GLS_E_WANT_READ);
    CHECK_EQ(got, 0);
    for (size_t i = 0; i < sizeof rbuf; i++) {
        CHECK(rbuf[i] == 0x5a || rbuf[i] == 0);
    }
    CHECK(rbuf[0] == 0); /* it did pass through the buffer, and was wiped */
    CHECK_OK(gls_conn_get_session(cc, session, sizeof session, &len));
    CHECK_OK(pair_exchange(cc, sc, "after the ticket"));
    gls_conn_free(cc);
    gls_conn_free(sc);
    CHECK_OK(pair_run(scfg, ccfg, &cc, &sc, 0));
    CHECK_OK(gls_conn_get_info(cc, &info));
    CHECK(info.resumed);
    pair_free(cc, sc, scfg, ccfg);
}

/* A KeyUpdate asking for an answer is answered when the client reads the record
 * after it; close_notify shows as readable and the read says GLS_E_CLOSED. */
TEST(key_update_and_close_notify_on_read)
{
    gls_config *scfg, *ccfg;
    gls_conn *cc, *sc;
    size_t got = 0;
    size_t len = 0;
    start(&scfg, &ccfg, &cc, &sc, 0x1303);
    CHECK_ERR(gls_conn_read(cc, rbuf, sizeof rbuf, &got), GLS_E_WANT_READ); /* the ticket */
    CHECK_OK(gls_conn_key_update(sc, 1));
    CHECK_OK(send_and_read(sc, cc, 300, 300, 1));
    gls_conn_net_out(cc, &len);
    CHECK(len > 0); /* the client's KeyUpdate answer */
    pair_move(cc, sc, 0);
    CHECK_OK(send_and_read(cc, sc, 300, 300, 2)); /* the server opens under the new key */
    CHECK_OK(send_and_read(sc, cc, BIG, BIG, 5));
    CHECK_OK(gls_conn_close(sc));
    pair_move(sc, cc, 0);
    CHECK((gls_conn_wants(cc) & (GLS_CAN_READ | GLS_CLOSED)) == GLS_CAN_READ);
    CHECK_ERR(gls_conn_read(cc, rbuf, sizeof rbuf, &got), GLS_E_CLOSED);
    CHECK(gls_conn_wants(cc) & GLS_CLOSED);
    CHECK_EQ(gls_conn_error(cc), GLS_OK);
    pair_free(cc, sc, scfg, ccfg);
}

/* Off by default, and like every setting frozen once a connection uses the config. */
TEST(setting_is_frozen_once_used)
{
    gls_config *scfg, *ccfg;
    gls_conn *cc, *sc;
    size_t put = 0;
    pair_configs(&scfg, &ccfg, 1, 0x0304);
    CHECK_OK(pair_run(scfg, ccfg, &cc, &sc, 0));
    CHECK_ERR(gls_config_set_open_on_read(ccfg, 1), GLS_E_CONFIG_FROZEN);
    CHECK_OK(gls_conn_write(cc, "x", 1, &put));
    pair_move(cc, sc, 0);
    CHECK_EQ(gls_conn_error(sc), GLS_OK);
    pair_free(cc, sc, scfg, ccfg);
}
