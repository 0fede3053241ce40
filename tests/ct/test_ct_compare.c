/* Constant time, checked by valgrind (tests/ct/ct.h): the comparisons of secret values.
 * - gls_ct_eq itself;
 * - the TLS 1.3 Finished check in a real handshake: the server's copy of the client handshake
 *   traffic secret is marked secret just before the client's Finished arrives, so the expected
 *   verify_data is undefined and only the verdict may be branched on (good and forged Finished);
 * - the TLS 1.2 Finished check: the server's master secret is marked secret after the
 *   ClientKeyExchange, before ChangeCipherSpec and Finished arrive (then the server's own
 *   NewSessionTicket, ChangeCipherSpec and Finished are made from it, without a branch);
 * - the TLS 1.3 binder check (gls_hs13_check_binder) with the ticket's PSK marked secret.
 * The ticket's own MAC is AES-GCM's tag, checked inside libcrypto (out of scope). */
#include "ct.h"
#include "harness.h"
#include "pair.h"

#include "base/wire.h"
#include "hs/hs.h"

static bool forge; /* the hook turns the client's Finished into a wrong one */

static const uint8_t *forge_finished(void *arg, uint8_t *type, const uint8_t *p, size_t *n)
{
    static uint8_t copy[GLS_MAX_PLAINTEXT];
    (void)arg;
    if (!forge || *type != GLS_CT_HANDSHAKE || *n < 5 || p[0] != GLS_HS_FINISHED) {
        return p;
    }
    memcpy(copy, p, *n);
    copy[*n - 1] ^= 0x80;
    return copy;
}

static void configs(uint16_t version, gls_config **s, gls_config **c)
{
    pair_configs(s, c, 1, version);
    (*c)->record_hook = forge_finished;
}

/* Moves the first record of from's output to to. */
static void move_one_record(gls_conn *from, gls_conn *to)
{
    size_t len = 0;
    size_t room = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    size_t n = len >= 5 ? 5 + ((size_t)out[3] << 8 | out[4]) : 0;
    uint8_t *in = gls_conn_net_in(to, &room);
    if (n == 0 || n > len || n > room) {
        abort();
    }
    memcpy(in, out, n);
    gls_conn_net_out_done(from, n);
    (void)gls_conn_net_in_done(to, n);
}

TEST(ct_eq)
{
    uint8_t a[48];
    uint8_t b[48];
    memset(a, 7, sizeof a);
    memcpy(b, a, sizeof b);
    CT_SECRET(a, sizeof a);
    bool same = gls_ct_eq(a, b, sizeof a);
    b[47] ^= 1;
    bool differ = gls_ct_eq(a, b, sizeof a);
    CT_PUBLIC(&same, sizeof same);
    CT_PUBLIC(&differ, sizeof differ);
    CHECK(same && !differ);
}

TEST(tls13_finished)
{
    for (int f = 0; f < 2; f++) {
        gls_config *s, *c;
        configs(0x0304, &s, &c);
        forge = f == 1;
        gls_conn *cc = gls_client_new(c, "localhost");
        gls_conn *sc = gls_server_new(s);
        pair_move(cc, sc, 0); /* ClientHello */
        pair_move(sc, cc, 0); /* the server's flight; the client answers with its Finished */
        CHECK(sc->hs->c_hs_traffic.len > 0);
        CT_SECRET(sc->hs->c_hs_traffic.b, sc->hs->c_hs_traffic.len);
        pair_move(cc, sc, 0);
        CHECK_EQ(gls_conn_error(sc), f == 0 ? GLS_OK : GLS_E_BAD_FINISHED);
        CHECK(f == 1 || gls_conn_handshake_done(sc));
        pair_free(cc, sc, s, c);
    }
    forge = false;
}

TEST(tls12_finished)
{
    for (int f = 0; f < 2; f++) {
        gls_config *s, *c;
        configs(0x0303, &s, &c);
        forge = f == 1;
        gls_conn *cc = gls_client_new(c, "localhost");
        gls_conn *sc = gls_server_new(s);
        pair_move(cc, sc, 0);    /* ClientHello */
        pair_move(sc, cc, 0);    /* ServerHello .. ServerHelloDone; the client answers */
        move_one_record(cc, sc); /* ClientKeyExchange: the master secret exists now */
        CHECK(sc->hs->ms12.len == 48);
        CT_SECRET(sc->hs->ms12.b, sc->hs->ms12.len);
        pair_move(cc, sc, 0); /* ChangeCipherSpec, Finished */
        CHECK_EQ(gls_conn_error(sc), f == 0 ? GLS_OK : GLS_E_BAD_FINISHED);
        CHECK(f == 1 || gls_conn_handshake_done(sc));
        pair_free(cc, sc, s, c);
    }
    forge = false;
}

TEST(tls13_binder)
{
    gls_config *s, *c;
    gls_secret good;
    uint8_t truncated[64];
    configs(0x0304, &s, &c);
    gls_conn *sc = gls_server_new(s);
    const struct gls_suite *suite = gls_suite_get(0x1301);
    memset(truncated, 0x17, sizeof truncated);
    CHECK(suite != NULL);
    CHECK_ERR(gls_secret_set(&sc->hs->resume.psk, truncated, 32), GLS_OK);
    CHECK_ERR(gls_hs13_binder(sc, suite, gls_bytes_of(truncated, sizeof truncated), &good), GLS_OK);
    CT_SECRET(sc->hs->resume.psk.b, sc->hs->resume.psk.len);
    CHECK_ERR(gls_hs13_check_binder(sc, suite, gls_bytes_of(truncated, sizeof truncated),
                                    gls_bytes_of(good.b, good.len)),
              GLS_OK);
    good.b[0] ^= 1;
    CHECK_ERR(gls_hs13_check_binder(sc, suite, gls_bytes_of(truncated, sizeof truncated),
                                    gls_bytes_of(good.b, good.len)),
              GLS_E_BAD_BINDER);
    gls_secret_wipe(&good);
    pair_free(NULL, sc, s, c);
}
