/* tests/conformance/test_conf_client.c — what our client answers to ServerHellos and
 * HelloRetryRequests a broken or hostile server may send, one table row per case: RFC 8446
 * §4.1.3 (ServerHello fields, downgrade sentinels), §4.1.4 (HelloRetryRequest), §4.2 (only
 * solicited extensions, and only where they belong), §4.2.1, §4.2.8, Appendix D.5; RFC 5246
 * §7.4.1.3, RFC 5746, RFC 5077. The server's messages are written by conf.h; the client's
 * ClientHello is read back (its session id is what a ServerHello echoes). A row expects the
 * client to take the message (and wait for more, or answer with a second ClientHello) or the
 * exact fatal alert, plus, for many rows, the sentence naming the rule. */
#include "conf.h"

enum { CC_BOTH, CC_12, CC_13, CC_COUNT };
static gls_config *ccfgs[CC_COUNT];

static gls_config *ccfg_of(int kind)
{
    if (ccfgs[kind] == NULL) {
        gls_config *cfg = gls_config_new();
        uint16_t min = kind == CC_13 ? 0x0304 : 0x0303;
        uint16_t max = kind == CC_12 ? 0x0303 : 0x0304;
        if (cfg == NULL || gls_config_danger_accept_any_cert(cfg) != GLS_OK ||
            gls_config_set_resumption(cfg, 0, 3600) != GLS_OK ||
            gls_config_set_versions(cfg, min, max) != GLS_OK) {
            abort();
        }
        ccfgs[kind] = cfg;
    }
    return ccfgs[kind];
}

/* The session id of the ClientHello being answered. */
static uint8_t ch_sid[32];
static size_t ch_sid_len;

/* Reads our client's ClientHello from its output (plaintext records) and keeps its session id.
 * Returns false if the output is not a ClientHello. */
static bool read_client_hello(gls_conn *c)
{
    static uint8_t hs[4096];
    size_t n = 0;
    size_t len = 0;
    const uint8_t *p = conf_out(c, &len);
    while (len >= 5) {
        size_t k = (size_t)p[3] << 8 | p[4];
        if (k + 5 > len) {
            return false;
        }
        if (p[0] == CT_HANDSHAKE && n + k <= sizeof hs) {
            memcpy(hs + n, p + 5, k);
            n += k;
        }
        p += 5 + k;
        len -= 5 + k;
    }
    if (n < 4 + 2 + 32 + 1 || hs[0] != HT_CLIENT_HELLO) {
        return false;
    }
    ch_sid_len = hs[4 + 2 + 32];
    memcpy(ch_sid, hs + 4 + 2 + 32 + 1, ch_sid_len);
    gls_conn_net_out_done(c, conf_out(c, &len) ? len : 0);
    return true;
}

static struct hello S;
static uint8_t sbody[70000];
static uint8_t smsg[70004];
static uint8_t srecs[80000];

/* ServerHello of s as records; frag 0: one record. */
static size_t server_hello_records(const struct hello *s, size_t frag)
{
    size_t n = server_hello_body(s, sbody, sizeof sbody);
    struct bb w;
    bb_init(&w, smsg, sizeof smsg);
    bb_u8(&w, HT_SERVER_HELLO);
    bb_u24(&w, n);
    bb_bytes(&w, sbody, n);
    return records_of(CT_HANDSHAKE, 0x0303, smsg, w.n, frag ? frag : 16384, srecs, sizeof srecs);
}

/* ---- ServerHello makers ---- */

typedef void (*smk_fn)(struct hello *s, int arg);

static void sh_share(struct hello *s, unsigned group, const char *key)
{
    uint8_t b[300];
    struct bb w;
    bb_init(&w, b, sizeof b);
    bb_u16(&w, group);
    bb_open(&w, 2);
    bb_hex(&w, key);
    bb_close(&w);
    h_set(s, X_KEY_SHARE, w.b, w.n);
}

static void sh_version(struct hello *s, unsigned v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    h_set(s, X_VERSIONS, b, 2);
}

/* A TLS 1.3 ServerHello our client takes: x25519, TLS_AES_128_GCM_SHA256. */
static void sh13(struct hello *s)
{
    memset(s, 0, offsetof(struct hello, data));
    s->version = 0x0303;
    memset(s->random, 0x44, 32);
    memcpy(s->sid, ch_sid, ch_sid_len);
    s->sid_len = ch_sid_len;
    s->suite = CS_AES128_GCM;
    sh_version(s, 0x0304);
    sh_share(s, G_X25519, x25519_key2);
}

/* A HelloRetryRequest asking for secp256r1. */
static void hrr13(struct hello *s)
{
    sh13(s);
    memcpy(s->random, hrr_random, 32);
    h_set_hex(s, X_KEY_SHARE, "0017");
}

/* A TLS 1.2 ServerHello our client takes: ECDHE_RSA, a new session id. */
static void sh12(struct hello *s)
{
    memset(s, 0, offsetof(struct hello, data));
    s->version = 0x0303;
    memset(s->random, 0x55, 32);
    memset(s->sid, 0x66, 32);
    s->sid_len = 32;
    s->suite = CS_ECDHE_RSA_AES128_GCM;
    h_set_hex(s, X_RENEGOTIATION_INFO, "00");
    h_set(s, X_EMS, NULL, 0);
}

static void base_sh13(struct hello *s, int arg)
{
    (void)arg;
    sh13(s);
}

static void base_sh12(struct hello *s, int arg)
{
    (void)arg;
    sh12(s);
}

static void base_hrr(struct hello *s, int arg)
{
    (void)arg;
    hrr13(s);
}

static void selected_version(struct hello *s, int v)
{
    sh13(s);
    sh_version(s, (unsigned)v);
}

static void legacy_no_sv(struct hello *s, int v)
{
    sh12(s);
    s->version = (uint16_t)v;
}

static void legacy_sv(struct hello *s, int v)
{
    sh13(s);
    s->version = (uint16_t)v;
}

static void suite13(struct hello *s, int suite)
{
    sh13(s);
    s->suite = (uint16_t)suite;
}

static void suite12(struct hello *s, int suite)
{
    sh12(s);
    s->suite = (uint16_t)suite;
}

static void comp13(struct hello *s, int c)
{
    sh13(s);
    s->compression = (uint8_t)c;
}

static void comp12(struct hello *s, int c)
{
    sh12(s);
    s->compression = (uint8_t)c;
}

/* legacy_session_id_echo changes (RFC 8446 §4.1.3). */
static void sid13(struct hello *s, int which)
{
    sh13(s);
    if (which == 0) {
        s->sid[0] ^= 1;
    } else if (which == 1) {
        s->sid_len = 0;
    } else {
        s->sid_len = 31;
    }
}

/* TLS 1.2: the server "resumes" with the id our TLS 1.3 ClientHello carried for middleboxes. */
static void sid12_echo(struct hello *s, int arg)
{
    (void)arg;
    sh12(s);
    memcpy(s->sid, ch_sid, ch_sid_len);
    s->sid_len = ch_sid_len;
}

static void share13(struct hello *s, int which)
{
    sh13(s);
    switch (which) {
    case 0: /* a group we list but sent no share for */
        sh_share(s, G_SECP384R1, p256_key);
        break;
    case 1: /* a group we never named */
        sh_share(s, 0x0042, "0102");
        break;
    case 2: /* no key_share */
        h_del(s, X_KEY_SHARE);
        break;
    case 3: /* an empty key */
        h_set_hex(s, X_KEY_SHARE, "001d 0000");
        break;
    case 4: /* a list, as a client sends it */
        h_set_hex(
            s, X_KEY_SHARE,
            "0024 001d 0020 c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        break;
    default: /* the group alone, as in a HelloRetryRequest */
        h_set_hex(s, X_KEY_SHARE, "001d");
        break;
    }
}

/* Extensions a TLS 1.3 ServerHello must not carry (RFC 8446 §4.2). */
static void ext13(struct hello *s, int which)
{
    sh13(s);
    switch (which) {
    case 0:
        h_set_hex(s, X_ALPN, "0003 026832");
        break;
    case 1:
        h_set(s, X_EARLY_DATA, NULL, 0);
        break;
    case 2:
        h_set_hex(s, X_COOKIE, "0001 01");
        break;
    case 3:
        h_set(s, 0xfafa, NULL, 0);
        break;
    case 4:
        h_add(s, X_VERSIONS, (const uint8_t *)"\x03\x04", 2);
        break;
    case 5: /* pre_shared_key: we offered none */
        h_set_hex(s, X_PSK, "0000");
        break;
    case 6:
        h_set(s, X_SERVER_NAME, NULL, 0);
        break;
    case 7:
        h_set(s, X_EMS, NULL, 0);
        break;
    case 8: /* supported_versions of 3 bytes */
        h_set_hex(s, X_VERSIONS, "030400");
        break;
    case 9:
        s->n_trailing = 1;
        break;
    case 10: /* the extension block cut short */
        s->no_exts = true;
        s->trailing[0] = 0;
        s->trailing[1] = 9;
        s->n_trailing = 2;
        break;
    default:
        h_set_hex(s, X_SIGALGS, "0002 0403");
        break;
    }
}

/* TLS 1.2 ServerHello extensions (RFC 5246 §7.4.1.4, RFC 5746, 5077, 7301). */
static void ext12(struct hello *s, int which)
{
    sh12(s);
    switch (which) {
    case 0: /* no renegotiation_info */
        h_del(s, X_RENEGOTIATION_INFO);
        break;
    case 1: /* renegotiation_info not empty */
        h_set_hex(s, X_RENEGOTIATION_INFO, "02 0102");
        break;
    case 2: /* session_ticket: we did not offer it */
        h_set(s, X_SESSION_TICKET, NULL, 0);
        break;
    case 3: /* ALPN: we did not offer it */
        h_set_hex(s, X_ALPN, "0003 026832");
        break;
    case 4: /* a TLS 1.3 extension */
        sh_share(s, G_X25519, x25519_key2);
        break;
    case 5: /* an unknown extension */
        h_set(s, 0x1234, NULL, 0);
        break;
    case 6: /* no extended_master_secret: taken (no resumption comes of it) */
        h_del(s, X_EMS);
        break;
    case 7: /* no extensions at all */
        s->no_exts = true;
        break;
    case 8: /* the TLS 1.3 downgrade sentinel */
        memcpy(s->random + 24, "DOWNGRD\x01", 8);
        break;
    case 9: /* the TLS 1.1 downgrade sentinel */
        memcpy(s->random + 24, "DOWNGRD\x00", 8);
        break;
    case 11: /* ec_point_formats without uncompressed */
        h_set_hex(s, X_POINT_FORMATS, "01 01");
        break;
    case 12: /* ec_point_formats with uncompressed among others */
        h_set_hex(s, X_POINT_FORMATS, "03 010200");
        break;
    default: /* a duplicate */
        h_add(s, X_EMS, NULL, 0);
        break;
    }
}

/* HelloRetryRequest variants (RFC 8446 §4.1.4). */
static void hrr(struct hello *s, int which)
{
    hrr13(s);
    switch (which) {
    case 0: /* nothing would change */
        h_del(s, X_KEY_SHARE);
        break;
    case 1: /* the group we already sent */
        h_set_hex(s, X_KEY_SHARE, "001d");
        break;
    case 2: /* a group we never named */
        h_set_hex(s, X_KEY_SHARE, "0042");
        break;
    case 3: /* a cookie only */
        h_del(s, X_KEY_SHARE);
        h_set_hex(s, X_COOKIE, "0004 c0c0c0c0");
        break;
    case 4: /* an empty cookie */
        h_set_hex(s, X_COOKIE, "0000");
        break;
    case 5:
        h_set(s, 0x1234, NULL, 0);
        break;
    case 6:
        s->suite = 0x1304;
        break;
    case 7:
        s->compression = 1;
        break;
    case 8:
        s->sid[0] ^= 1;
        break;
    case 9:
        sh_version(s, 0x0303);
        break;
    case 10: /* key_share of 3 bytes */
        h_set_hex(s, X_KEY_SHARE, "001700");
        break;
    case 11: /* ALPN does not belong in a HelloRetryRequest */
        h_set_hex(s, X_ALPN, "0003 026832");
        break;
    case 12: /* a ServerHello-style key_share */
        sh_share(s, G_SECP256R1, p256_key);
        break;
    case 13: /* no supported_versions: a TLS 1.2 ServerHello with the HRR random */
        h_del(s, X_VERSIONS);
        break;
    case 15: /* legacy_version not 0x0303 (RFC 8446 §4.1.4: the same fields as a ServerHello) */
        s->version = 0x0301;
        break;
    default: /* key share and cookie */
        h_set_hex(s, X_COOKIE, "0002 abcd");
        break;
    }
}

/* After a HelloRetryRequest for secp256r1: the ServerHello. */
static void after_hrr(struct hello *s, int which)
{
    sh13(s);
    switch (which) {
    case 0: /* the share for the group asked for */
        sh_share(s, G_SECP256R1, p256_key);
        break;
    case 1: /* the first group after all */
        break;
    case 2: /* another suite than the HelloRetryRequest's */
        sh_share(s, G_SECP256R1, p256_key);
        s->suite = CS_AES256_GCM;
        break;
    case 3: /* a second HelloRetryRequest */
        hrr13(s);
        h_set_hex(s, X_KEY_SHARE, "0018");
        break;
    default: /* TLS 1.2 now */
        sh12(s);
        break;
    }
}

/* ---- rows ---- */

/* Outcome of a client row besides W_WAIT and alerts: answered with a second ClientHello. */
enum { W_CH2 = 2000 };

struct crow {
    const char *sec;
    const char *what;
    smk_fn mk;
    int arg;
    int cfg;
    int want;
    const char *says;
    smk_fn pre; /* a first message (a HelloRetryRequest) fed before */
    int pre_arg;
    size_t frag;
};

static bool second_client_hello(const gls_conn *c)
{
    size_t len = 0;
    const uint8_t *p = conf_out(c, &len);
    while (len >= 5 && p[0] == CT_CCS) { /* the compatibility CCS may come first */
        size_t k = 5 + ((size_t)p[3] << 8 | p[4]);
        p += k;
        len = len > k ? len - k : 0;
    }
    return len > 9 && p[0] == CT_HANDSHAKE && p[5] == HT_CLIENT_HELLO;
}

static bool run_crow(const struct crow *r)
{
    gls_conn *c = gls_client_new(ccfg_of(r->cfg), "localhost");
    bool ok = read_client_hello(c);
    int err = GLS_OK;
    conf_rows++;
    if (!ok) {
        conf_report(r->sec, r->what, "no ClientHello from our client");
        gls_conn_free(c);
        return false;
    }
    if (r->pre != NULL) {
        r->pre(&S, r->pre_arg);
        err = conf_feed(c, srecs, server_hello_records(&S, 0));
        if (err != GLS_OK || !second_client_hello(c)) {
            conf_report(r->sec, r->what, "the first message was not taken: %s",
                        gls_error_name(err));
            gls_conn_free(c);
            return false;
        }
        size_t len = 0;
        gls_conn_net_out_done(c, conf_out(c, &len) ? len : 0);
    }
    r->mk(&S, r->arg);
    err = conf_feed(c, srecs, server_hello_records(&S, r->frag));
    struct answer a = answer_of(c);
    const char *detail = gls_conn_error_detail(c);
    if (r->want < 256) {
        ok = a.alert && a.level == 2 && a.desc == r->want && err != GLS_OK;
        if (!ok) {
            conf_report(r->sec, r->what, "wanted %s, got %s (%s; %zu bytes out)",
                        want_name(r->want), gls_error_name(err), detail, a.len);
        } else if (r->says != NULL && strstr(detail, r->says) == NULL) {
            conf_report(r->sec, r->what, "sentence \"%s\" lacks \"%s\"", detail, r->says);
            ok = false;
        }
    } else {
        ok = err == GLS_OK && !a.alert && (r->want != W_CH2 || second_client_hello(c));
        if (!ok) {
            conf_report(r->sec, r->what, "wanted %s, got %s (%s)",
                        r->want == W_CH2 ? "a second ClientHello" : want_name(r->want),
                        gls_error_name(err), detail);
        }
    }
    gls_conn_free(c);
    return ok;
}

static void run_crows(const struct crow *rows, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += !run_crow(&rows[i]);
    }
    if (failed > 0) {
        test_failed = true;
        fprintf(stderr, "  %zu of %zu rows failed\n", failed, n);
    }
}

#define CROWS(t) run_crows(t, sizeof(t) / sizeof((t)[0]))

/* RFC 8446 §4.1.3, §4.2.1, Appendix D.5; RFC 5246 §7.4.1.3: version and fixed fields. */
TEST(server_hello_fields)
{
    static const struct crow rows[] = {
        {"8446 4.1.3", "baseline TLS 1.3 ServerHello", base_sh13, 0, CC_BOTH, W_WAIT},
        {"5246 7.4.1.3", "baseline TLS 1.2 ServerHello", base_sh12, 0, CC_BOTH, W_WAIT},
        {"5246 7.4.1.3", "TLS 1.2 ServerHello to a 1.2-only client", base_sh12, 0, CC_12, W_WAIT},
        {"8446 4.1.3", "a ServerHello in 1-byte records", base_sh13, 0, CC_BOTH, W_WAIT, .frag = 1},
        {"8446 4.2.1", "selected_version 0x0305", selected_version, 0x0305, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "server selected version 0x0305, which we did not offer"},
        {"8446 4.2.1", "selected_version 0x0303", selected_version, 0x0303, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2.1", "selected_version 0x7f1c (a draft)", selected_version, 0x7f1c, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2.1", "selected_version 0x0302", selected_version, 0x0302, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2.1", "supported_versions to a client that sent none", base_sh13, 0, CC_12,
         AL_UNSUPPORTED_EXTENSION, .says = "supported_versions"},
        {"8446 4.1.3", "TLS 1.2 ServerHello to a 1.3-only client", ext12, 7, CC_13,
         AL_PROTOCOL_VERSION},
        {"8996 5", "legacy_version 0x0302, no supported_versions", legacy_no_sv, 0x0302, CC_BOTH,
         AL_PROTOCOL_VERSION, .says = "0x0302"},
        {"8996 5", "legacy_version 0x0301", legacy_no_sv, 0x0301, CC_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "legacy_version 0x0300", legacy_no_sv, 0x0300, CC_BOTH, AL_PROTOCOL_VERSION},
        {"8446 4.1.3", "legacy_version 0x0304, no supported_versions", legacy_no_sv, 0x0304,
         CC_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "1.3 ServerHello with legacy_version 0x0300", legacy_sv, 0x0300, CC_BOTH,
         AL_PROTOCOL_VERSION, .says = "RFC 8446 D.5"},
        {"8446 D.5", "1.3 ServerHello with legacy_version 0x0200", legacy_sv, 0x0200, CC_BOTH,
         AL_PROTOCOL_VERSION},
        {"8446 4.1.3", "1.3 ServerHello with legacy_version 0x0301", legacy_sv, 0x0301, CC_BOTH,
         AL_PROTOCOL_VERSION, .says = "must be 0x0303"},
        {"8446 4.1.3", "1.3 ServerHello with legacy_version 0x0302", legacy_sv, 0x0302, CC_BOTH,
         AL_PROTOCOL_VERSION},
        {"8446 4.1.3", "1.3 ServerHello with legacy_version 0x0304", legacy_sv, 0x0304, CC_BOTH,
         AL_PROTOCOL_VERSION},
        {"8446 4.1.3", "suite 0x1304, not offered", suite13, 0x1304, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "which we did not offer for TLS 1.3"},
        {"8446 4.1.3", "a TLS 1.2 suite in a 1.3 ServerHello", suite13, CS_ECDHE_RSA_AES128_GCM,
         CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.3", "suite 0x0000", suite13, 0, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"5246 7.4.1.3", "a TLS 1.3 suite in a 1.2 ServerHello", suite12, CS_AES128_GCM, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "for TLS 1.2"},
        {"5246 7.4.1.3", "the renegotiation SCSV as a suite", suite12, CS_SCSV_RENEG, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"5246 7.4.1.3", "suite 0x0000 in TLS 1.2", suite12, 0, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"9325 4.1", "a 3DES suite", suite12, CS_ECDHE_RSA_3DES, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.3", "compression 1", comp13, 1, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "legacy_compression_method 1 is not 0"},
        {"5246 7.4.1.3", "TLS 1.2 compression 1", comp12, 1, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "we offered only null"},
        {"5246 7.4.1.3", "TLS 1.2 compression 255", comp12, 255, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.3", "session id echo differs", sid13, 0, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "legacy_session_id_echo does not echo"},
        {"8446 4.1.3", "session id echo empty", sid13, 1, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.3", "session id echo shorter", sid13, 2, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"5246 7.4.1.3", "TLS 1.2 echo of our 1.3 compatibility id", sid12_echo, 0, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "session we did not offer"},
    };
    CROWS(rows);
}

/* RFC 8446 §4.2, §4.2.8; RFC 5246 §7.4.1.4, RFC 5746 §3.4, RFC 5077 §3.2, RFC 7301 §3.1. */
TEST(server_hello_extensions)
{
    static const struct crow rows[] = {
        {"8446 4.2.8", "key share for a group we sent no share for", share13, 0, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "for which we sent no share"},
        {"8446 4.2.8", "key share for a group we never named", share13, 1, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2.8", "no key_share", share13, 2, CC_BOTH, AL_MISSING_EXTENSION,
         .says = "ServerHello without key_share"},
        {"8446 4.2.8", "a share with an empty key", share13, 3, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "not a valid public value"},
        {"8446 4.2.8", "a client-style share list", share13, 4, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.8", "the HelloRetryRequest form", share13, 5, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "ALPN in a 1.3 ServerHello", ext13, 0, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2", "early_data in a ServerHello", ext13, 1, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2", "cookie in a ServerHello", ext13, 2, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2", "an unknown extension", ext13, 3, CC_BOTH, AL_UNSUPPORTED_EXTENSION,
         .says = "which we did not offer"},
        {"8446 4.2", "supported_versions twice", ext13, 4, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "twice"},
        {"8446 4.2.11", "pre_shared_key: we offered none", ext13, 5, CC_BOTH,
         AL_UNSUPPORTED_EXTENSION},
        {"8446 4.2", "server_name in a 1.3 ServerHello", ext13, 6, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2", "extended_master_secret in a 1.3 ServerHello", ext13, 7, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "mixes TLS 1.2 and TLS 1.3 extensions"},
        {"8446 4.2.1", "supported_versions of 3 bytes", ext13, 8, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.3", "a byte after the extensions", ext13, 9, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.3", "the extension block cut short", ext13, 10, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "signature_algorithms in a ServerHello", ext13, 11, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"5746 3.4", "TLS 1.2 without renegotiation_info", ext12, 0, CC_BOTH, AL_HANDSHAKE_FAILURE,
         .says = "RFC 5746 §3.4"},
        {"5746 3.4", "TLS 1.2 renegotiation_info not empty", ext12, 1, CC_BOTH,
         AL_HANDSHAKE_FAILURE},
        {"5077 3.2", "session_ticket we did not offer", ext12, 2, CC_BOTH,
         AL_UNSUPPORTED_EXTENSION},
        {"7301 3.1", "ALPN we did not offer", ext12, 3, CC_BOTH, AL_UNSUPPORTED_EXTENSION},
        {"8446 4.2", "key_share in a TLS 1.2 ServerHello", ext12, 4, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2", "an unknown extension in TLS 1.2", ext12, 5, CC_BOTH,
         AL_UNSUPPORTED_EXTENSION},
        {"7627 5.2", "TLS 1.2 without extended_master_secret", ext12, 6, CC_BOTH, W_WAIT},
        {"5746 3.4", "TLS 1.2 with no extensions at all", ext12, 7, CC_BOTH, AL_HANDSHAKE_FAILURE},
        {"8446 4.1.3", "the TLS 1.2 downgrade sentinel", ext12, 8, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "downgrade sentinel"},
        {"8446 4.1.3", "the TLS 1.1 downgrade sentinel", ext12, 9, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.3", "the 1.2 sentinel to a 1.2-only client", ext12, 8, CC_12, W_WAIT},
        {"8446 4.1.3", "the 1.1 sentinel to a 1.2-only client", ext12, 9, CC_12,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2", "TLS 1.2 extended_master_secret twice", ext12, 10, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8422 5.2", "TLS 1.2 ec_point_formats without uncompressed", ext12, 11, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "lacks uncompressed"},
        {"8422 5.2", "TLS 1.2 ec_point_formats with uncompressed", ext12, 12, CC_BOTH, W_WAIT},
    };
    CROWS(rows);
}

/* RFC 8446 §4.1.4: HelloRetryRequest, and the ServerHello after it. */
TEST(hello_retry_request)
{
    static const struct crow rows[] = {
        {"8446 4.1.4", "a HelloRetryRequest for secp256r1", base_hrr, 0, CC_BOTH, W_CH2},
        {"8446 4.1.4", "nothing would change", hrr, 0, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "would not change the ClientHello"},
        {"8446 4.2.8", "the group we already sent a share for", hrr, 1, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "for which we already sent a share"},
        {"8446 4.2.8", "a group we never named", hrr, 2, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "which we did not offer"},
        {"8446 4.2.2", "a cookie only", hrr, 3, CC_BOTH, W_CH2},
        {"8446 4.2.2", "an empty cookie", hrr, 4, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "an unknown extension", hrr, 5, CC_BOTH, AL_UNSUPPORTED_EXTENSION},
        {"8446 4.1.4", "a suite we did not offer", hrr, 6, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.4", "compression 1", hrr, 7, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.4", "session id echo differs", hrr, 8, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.4", "selected_version 0x0303", hrr, 9, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.4", "legacy_version 0x0301", hrr, 15, CC_BOTH, AL_PROTOCOL_VERSION,
         .says = "must be 0x0303"},
        {"8446 4.2.8", "key_share of 3 bytes", hrr, 10, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "ALPN in a HelloRetryRequest", hrr, 11, CC_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2.8", "a ServerHello-style key_share", hrr, 12, CC_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.3", "the HelloRetryRequest random in TLS 1.2", hrr, 13, CC_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2.2", "key share and cookie", hrr, 14, CC_BOTH, W_CH2},
        {"8446 4.1.4", "then the ServerHello for secp256r1", after_hrr, 0, CC_BOTH, W_WAIT,
         .pre = base_hrr},
        {"8446 4.1.4", "then a ServerHello for the first group", after_hrr, 1, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "for which we sent no share", .pre = base_hrr},
        {"8446 4.1.4", "then a ServerHello with another suite", after_hrr, 2, CC_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "changes the cipher suite", .pre = base_hrr},
        {"8446 4.1.4", "then a second HelloRetryRequest", after_hrr, 3, CC_BOTH,
         AL_UNEXPECTED_MESSAGE, .says = "a second HelloRetryRequest", .pre = base_hrr},
        {"8446 4.1.4", "then a TLS 1.2 ServerHello", after_hrr, 4, CC_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "must select TLS 1.3", .pre = base_hrr},
        {"8446 4.1.4", "after a cookie-only retry, the first group", after_hrr, 1, CC_BOTH, W_WAIT,
         .pre = hrr, .pre_arg = 3},
    };
    CROWS(rows);
}
