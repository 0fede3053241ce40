/* Post-quantum key exchange end to end, in memory: the default client and
 * server agree on X25519MLKEM768 in one round trip; a server without ML-KEM
 * takes the client's second (X25519) share, again without HelloRetryRequest;
 * a server preferring a hybrid asks for it with HelloRetryRequest when the
 * client sent no share for it (both hybrids); the pure ML-KEM groups when
 * configured; TLS 1.2 never uses a TLS 1.3-only group. */
#include "harness.h"
#include "pair.h"

#include "base/bytes.h"

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* Runs a handshake between fresh connections on these configs; *hrr tells
 * whether the server's first answer was a HelloRetryRequest, *shares how many
 * key shares the first ClientHello carried. Returns the negotiated group, or 0. */
static uint16_t run(gls_config *scfg, gls_config *ccfg, bool *hrr, size_t *shares)
{
    gls_conn *cc = gls_client_new(ccfg, "localhost");
    gls_conn *sc = gls_server_new(scfg);
    gls_conn_info ci, si;
    size_t len = 0;
    uint16_t group = 0;
    const uint8_t *out = gls_conn_net_out(cc, &len);
    /* count the ClientHello's key shares: the 0x0033 extension's entries */
    *shares = 0;
    for (size_t i = 9; i + 6 < len; i++) {
        if (out[i] == 0x00 && out[i + 1] == 0x33 &&
            gls_get_u16(out + i + 2) == gls_get_u16(out + i + 4) + 2) {
            size_t end = i + 6 + gls_get_u16(out + i + 4);
            for (size_t p = i + 6; p + 4 <= end; p += 4 + gls_get_u16(out + p + 2)) {
                (*shares)++;
            }
            break;
        }
    }
    pair_move(cc, sc, 0);
    out = gls_conn_net_out(sc, &len);
    *hrr = len > 43 && memcmp(out + 11, hrr_random, 32) == 0;
    if (pair_handshake(cc, sc, 0) == GLS_OK && gls_conn_get_info(cc, &ci) == GLS_OK &&
        gls_conn_get_info(sc, &si) == GLS_OK && ci.group == si.group &&
        pair_exchange(cc, sc, "pq hello") == GLS_OK &&
        pair_exchange(sc, cc, "pq reply") == GLS_OK) {
        group = ci.group;
    }
    gls_conn_free(cc);
    gls_conn_free(sc);
    return group;
}

static void configs(gls_config **s, gls_config **c, uint16_t version)
{
    pair_configs(s, c, 1, version);
    (void)gls_config_set_resumption(*c, 0, 7200);
}

TEST(default_pair_is_x25519mlkem768_in_one_round_trip)
{
    gls_config *s, *c;
    bool hrr = true;
    size_t shares = 0;
    configs(&s, &c, 0x0304);
    CHECK_EQ(run(s, c, &hrr, &shares), GLS_GROUP_X25519MLKEM768);
    CHECK(!hrr);
    CHECK_EQ(shares, 2); /* X25519MLKEM768 and X25519, as browsers send */
    pair_free(NULL, NULL, s, c);
}

TEST(server_without_mlkem_takes_the_x25519_share)
{
    static const uint16_t classic[] = {GLS_GROUP_X25519, GLS_GROUP_SECP256R1};
    gls_config *s, *c;
    bool hrr = true;
    size_t shares = 0;
    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_groups(s, classic, 2));
    CHECK_EQ(run(s, c, &hrr, &shares), GLS_GROUP_X25519);
    CHECK(!hrr);
    pair_free(NULL, NULL, s, c);
}

/* The client lists the hybrid but sends only an X25519 share: the default
 * server prefers the hybrid and asks for it; the client answers with it. */
TEST(server_asks_for_the_hybrid_with_hello_retry_request)
{
    static const uint16_t x_first[] = {GLS_GROUP_X25519, GLS_GROUP_X25519MLKEM768};
    static const uint16_t p_first[] = {GLS_GROUP_X25519, GLS_GROUP_SECP256R1MLKEM768};
    static const uint16_t p_only[] = {GLS_GROUP_SECP256R1MLKEM768, GLS_GROUP_X25519};
    gls_config *s, *c;
    bool hrr = false;
    size_t shares = 0;
    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_groups(c, x_first, 2));
    CHECK_EQ(run(s, c, &hrr, &shares), GLS_GROUP_X25519MLKEM768);
    CHECK(hrr);
    CHECK_EQ(shares, 1);
    pair_free(NULL, NULL, s, c);

    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_groups(c, p_first, 2));
    CHECK_OK(gls_config_set_groups(s, p_only, 2));
    hrr = false;
    CHECK_EQ(run(s, c, &hrr, &shares), GLS_GROUP_SECP256R1MLKEM768);
    CHECK(hrr);
    pair_free(NULL, NULL, s, c);
}

/* A server that put a classical group first keeps its order. */
TEST(server_preferring_classical_keeps_its_order)
{
    static const uint16_t classic_first[] = {GLS_GROUP_X25519, GLS_GROUP_X25519MLKEM768};
    gls_config *s, *c;
    bool hrr = true;
    size_t shares = 0;
    configs(&s, &c, 0x0304);
    CHECK_OK(gls_config_set_groups(s, classic_first, 2));
    CHECK_EQ(run(s, c, &hrr, &shares), GLS_GROUP_X25519);
    CHECK(!hrr);
    pair_free(NULL, NULL, s, c);
}

TEST(secp256r1mlkem768_and_pure_mlkem_when_configured)
{
    static const uint16_t groups[][2] = {
        {GLS_GROUP_SECP256R1MLKEM768, GLS_GROUP_SECP256R1},
        {GLS_GROUP_MLKEM768, GLS_GROUP_X25519},
        {GLS_GROUP_MLKEM1024, GLS_GROUP_X25519},
    };
    for (size_t i = 0; i < 3; i++) {
        gls_config *s, *c;
        bool hrr = true;
        size_t shares = 0;
        configs(&s, &c, 0x0304);
        CHECK_OK(gls_config_set_groups(s, groups[i], 2));
        CHECK_OK(gls_config_set_groups(c, groups[i], 2));
        CHECK_EQ(run(s, c, &hrr, &shares), groups[i][0]);
        CHECK(!hrr);
        CHECK_EQ(shares, 2);
        pair_free(NULL, NULL, s, c);
    }
}

/* TLS 1.2 has no KEMs: default configs agree on X25519 ECDHE. */
TEST(tls12_never_uses_a_tls13_only_group)
{
    gls_config *s, *c;
    bool hrr = true;
    size_t shares = 9;
    configs(&s, &c, 0x0303);
    CHECK_EQ(run(s, c, &hrr, &shares), GLS_GROUP_X25519);
    CHECK_EQ(shares, 0);
    pair_free(NULL, NULL, s, c);
}
