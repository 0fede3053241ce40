/* TLS 1.2 ServerKeyExchange and ClientKeyExchange (RFC 8422 §5.4, §5.7; RFC 5246 §7.4.3,
 * §7.4.7): hand encodings against the writer, every truncation and length +-1, the
 * named_curve rule, and OpenSSL-captured messages re-written byte for byte. The params view
 * is checked with libcrypto as an oracle: the captured RSA-PSS signature verifies over
 * client_random || server_random || params under the captured certificate's key. */
#include "harness.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "codec/codec_util.h"

static enum gls_kx kx_under_test;

static int parse_ske(const uint8_t *p, size_t n)
{
    struct gls_server_key_exchange ske;
    gls_reader r = gls_reader_init(p, n);
    return gls_server_key_exchange_parse(&r, kx_under_test, &ske);
}

static int rewrite_ske(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_server_key_exchange ske;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_server_key_exchange_parse(&r, kx_under_test, &ske));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_server_key_exchange_write(&w, &ske));
    *len = w.len;
    return GLS_OK;
}

static int parse_cke(const uint8_t *p, size_t n)
{
    struct gls_client_key_exchange cke;
    gls_reader r = gls_reader_init(p, n);
    return gls_client_key_exchange_parse(&r, kx_under_test, &cke);
}

static int rewrite_cke(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_client_key_exchange cke;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_client_key_exchange_parse(&r, kx_under_test, &cke));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_client_key_exchange_write(&w, &cke));
    *len = w.len;
    return GLS_OK;
}

TEST(server_key_exchange_ecdhe_by_hand)
{
    struct tb t;
    tb_init(&t);
    tb_u8(&t, 3); /* named_curve */
    tb_u16(&t, GLS_GROUP_SECP256R1);
    tb_opaque(&t, 1, "04 0102 0304");
    size_t params_len = t.len;
    tb_u16(&t, GLS_SIG_ECDSA_SECP256R1_SHA256);
    tb_opaque(&t, 2, "3006020101020101");
    struct gls_server_key_exchange ske;
    memset(&ske, 0, sizeof ske);
    ske.kx = GLS_KX_ECDHE;
    ske.group = GLS_GROUP_SECP256R1;
    ske.point = gls_bytes_of("\x04\x01\x02\x03\x04", 5);
    ske.scheme = GLS_SIG_ECDSA_SECP256R1_SHA256;
    ske.signature = gls_bytes_of("\x30\x06\x02\x01\x01\x02\x01\x01", 8);
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_server_key_exchange_write(&w, &ske));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_ske_params_write(&w, &ske));
    CHECK(same_bytes(out, w.len, t.buf, params_len));
    kx_under_test = GLS_KX_ECDHE;
    CHECK(rewrites_exactly(rewrite_ske, t.buf, t.len));
    CHECK(all_truncations_fail(parse_ske, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_ske, &t, 0, GLS_E_DECODE));
    struct gls_server_key_exchange p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_server_key_exchange_parse(&r, GLS_KX_ECDHE, &p));
    CHECK(p.params.p == t.buf && p.params.len == params_len);

    /* RFC 8422 §5.4: explicit curves (1, 2) are not accepted */
    t.buf[0] = 1;
    CHECK_ERR(parse_ske(t.buf, t.len), GLS_E_ILLEGAL_PARAMETER);
    uint8_t buf[32];
    size_t n = unhex("03 0017 00 0403 0000", buf, sizeof buf); /* empty point */
    CHECK_ERR(parse_ske(buf, n), GLS_E_DECODE);
    n = unhex("03 0017 01 04 0403 0000", buf, sizeof buf); /* empty signature: structure ok */
    CHECK_OK(parse_ske(buf, n));
    r = gls_reader_init(buf, n);
    CHECK_ERR(gls_server_key_exchange_parse(&r, GLS_KX_RSA, &p), GLS_E_INTERNAL);
}

TEST(server_key_exchange_dhe_by_hand)
{
    struct tb t;
    tb_init(&t);
    tb_opaque(&t, 2, "ffffffffffffffff");
    tb_opaque(&t, 2, "02");
    tb_opaque(&t, 2, "1234");
    size_t params_len = t.len;
    tb_u16(&t, GLS_SIG_RSA_PSS_RSAE_SHA256);
    tb_opaque(&t, 2, "5a5a5a");
    struct gls_server_key_exchange ske;
    memset(&ske, 0, sizeof ske);
    ske.kx = GLS_KX_DHE;
    ske.dh_p = gls_bytes_of("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    ske.dh_g = gls_bytes_of("\x02", 1);
    ske.dh_ys = gls_bytes_of("\x12\x34", 2);
    ske.scheme = GLS_SIG_RSA_PSS_RSAE_SHA256;
    ske.signature = gls_bytes_of("ZZZ", 3);
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_server_key_exchange_write(&w, &ske));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    kx_under_test = GLS_KX_DHE;
    CHECK(rewrites_exactly(rewrite_ske, t.buf, t.len));
    CHECK(all_truncations_fail(parse_ske, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_ske, &t, 0, GLS_E_DECODE));
    struct gls_server_key_exchange p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_server_key_exchange_parse(&r, GLS_KX_DHE, &p));
    CHECK(p.params.p == t.buf && p.params.len == params_len);
    uint8_t buf[32];
    size_t n = unhex("0000 0001 02 0001 03 0401 0000", buf, sizeof buf); /* empty dh_p */
    CHECK_ERR(parse_ske(buf, n), GLS_E_DECODE);
}

TEST(client_key_exchange_by_hand)
{
    static const struct {
        enum gls_kx kx;
        int width;
        const char *hex;
    } cases[] = {
        {GLS_KX_ECDHE, 1, "04aabbccdd"},
        {GLS_KX_DHE, 2, "0102030405"},
        {GLS_KX_RSA, 2, "00112233445566778899"},
    };
    for (size_t i = 0; i < 3; i++) {
        struct tb t;
        tb_init(&t);
        tb_opaque(&t, cases[i].width, cases[i].hex);
        struct gls_client_key_exchange cke;
        cke.kx = cases[i].kx;
        cke.exchange = gls_bytes_of(t.buf + cases[i].width, t.len - (size_t)cases[i].width);
        uint8_t out[64];
        gls_writer w = gls_writer_init(out, sizeof out);
        CHECK_OK(gls_client_key_exchange_write(&w, &cke));
        CHECK(same_bytes(out, w.len, t.buf, t.len));
        kx_under_test = cases[i].kx;
        CHECK(rewrites_exactly(rewrite_cke, t.buf, t.len));
        CHECK(all_truncations_fail(parse_cke, t.buf, t.len, NULL));
        CHECK(all_lengths_bent_fail(parse_cke, &t, 0, GLS_E_DECODE));
    }
    uint8_t buf[4] = {0, 0, 0};
    kx_under_test = GLS_KX_ECDHE;
    CHECK_ERR(parse_cke(buf, 1), GLS_E_DECODE); /* point<1..255> */
    kx_under_test = GLS_KX_DHE;
    CHECK_ERR(parse_cke(buf, 2), GLS_E_DECODE); /* dh_Yc<1..2^16-1> */
    kx_under_test = GLS_KX_RSA;
    CHECK_OK(parse_cke(buf, 2)); /* an empty encrypted PMS is the handler's problem */
    CHECK_ERR(parse_cke(buf, 3), GLS_E_DECODE);
}

static const char *const capture = "openssl_handshakes.txt";

/* Loads a captured message and returns a pointer to its body. */
static const uint8_t *body_of(const char *name, uint8_t type, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n = load_vector(capture, name, buf, cap);
    if (n < 4 || !hs_header_ok(buf, n, type)) {
        *len = 0;
        return buf;
    }
    *len = n - 4;
    return buf + 4;
}

/* libcrypto as an oracle: does sig (RSA-PSS-RSAE-SHA256, scheme 0x0804) verify? */
static bool rsa_pss_verifies(gls_bytes cert, const uint8_t *data, size_t n, gls_bytes sig)
{
    const unsigned char *q = cert.p;
    X509 *x = d2i_X509(NULL, &q, (long)cert.len);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    bool ok = x != NULL && md != NULL &&
              EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, X509_get0_pubkey(x)) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
              EVP_DigestVerify(md, sig.p, sig.len, data, n) == 1;
    EVP_MD_CTX_free(md);
    X509_free(x);
    return ok;
}

/* The captured ServerKeyExchange's signature verifies over the randoms and our params view. */
static bool captured_ske_verifies(const char *prefix, enum gls_kx kx)
{
    static uint8_t chb[4096];
    static uint8_t shb[4096];
    static uint8_t certb[4096];
    static uint8_t skeb[4096];
    static uint8_t data[4096];
    char name[64];
    size_t n;
    struct gls_client_hello ch;
    struct gls_server_hello sh;
    static struct gls_certificate cert;
    struct gls_server_key_exchange ske;
    snprintf(name, sizeof name, "%s_c_client_hello", prefix);
    const uint8_t *p = body_of(name, GLS_HS_CLIENT_HELLO, chb, sizeof chb, &n);
    gls_reader r = gls_reader_init(p, n);
    bool ok = gls_client_hello_parse(&r, &ch) == GLS_OK;
    snprintf(name, sizeof name, "%s_s_server_hello", prefix);
    p = body_of(name, GLS_HS_SERVER_HELLO, shb, sizeof shb, &n);
    r = gls_reader_init(p, n);
    ok = ok && gls_server_hello_parse(&r, &sh) == GLS_OK;
    p = body_of("tls12_ecdhe_s_certificate", GLS_HS_CERTIFICATE, certb, sizeof certb, &n);
    r = gls_reader_init(p, n);
    ok = ok && gls_certificate_parse(&r, false, &cert) == GLS_OK && cert.n_entries == 1;
    snprintf(name, sizeof name, "%s_s_server_key_exchange", prefix);
    p = body_of(name, GLS_HS_SERVER_KEY_EXCHANGE, skeb, sizeof skeb, &n);
    r = gls_reader_init(p, n);
    ok = ok && gls_server_key_exchange_parse(&r, kx, &ske) == GLS_OK;
    if (!ok || ske.scheme != GLS_SIG_RSA_PSS_RSAE_SHA256) {
        fprintf(stderr, "  %s: captured messages did not parse\n", prefix);
        return false;
    }
    memcpy(data, ch.random, 32);
    memcpy(data + 32, sh.random, 32);
    memcpy(data + 64, ske.params.p, ske.params.len);
    if (!rsa_pss_verifies(cert.entries[0].cert_data, data, 64 + ske.params.len, ske.signature)) {
        return false;
    }
    data[64 + ske.params.len - 1] ^= 1; /* and the oracle does notice a wrong byte */
    return !rsa_pss_verifies(cert.entries[0].cert_data, data, 64 + ske.params.len, ske.signature);
}

TEST(openssl_server_key_exchanges)
{
    static uint8_t m[4096];
    size_t n;
    const uint8_t *body;
    struct gls_server_key_exchange ske;

    body =
        body_of("tls12_ecdhe_s_server_key_exchange", GLS_HS_SERVER_KEY_EXCHANGE, m, sizeof m, &n);
    kx_under_test = GLS_KX_ECDHE;
    CHECK(rewrites_exactly(rewrite_ske, body, n));
    CHECK(all_truncations_fail(parse_ske, body, n, NULL));
    gls_reader r = gls_reader_init(body, n);
    CHECK_OK(gls_server_key_exchange_parse(&r, GLS_KX_ECDHE, &ske));
    CHECK_EQ(ske.group, GLS_GROUP_X25519);
    CHECK_EQ(ske.point.len, 32);
    CHECK_EQ(ske.params.len, 1 + 2 + 1 + 32);
    CHECK_EQ(ske.scheme, GLS_SIG_RSA_PSS_RSAE_SHA256);
    CHECK_EQ(ske.signature.len, 256);
    CHECK(captured_ske_verifies("tls12_ecdhe", GLS_KX_ECDHE));

    body = body_of("tls12_dhe_s_server_key_exchange", GLS_HS_SERVER_KEY_EXCHANGE, m, sizeof m, &n);
    kx_under_test = GLS_KX_DHE;
    CHECK(rewrites_exactly(rewrite_ske, body, n));
    CHECK(all_truncations_fail(parse_ske, body, n, NULL));
    r = gls_reader_init(body, n);
    CHECK_OK(gls_server_key_exchange_parse(&r, GLS_KX_DHE, &ske));
    CHECK_EQ(ske.dh_p.len, 256);
    CHECK_HEX(ske.dh_g.p, ske.dh_g.len, "02");
    CHECK_EQ(ske.dh_ys.len, 256);
    CHECK_EQ(ske.params.len, 2 + 256 + 2 + 1 + 2 + 256);
    CHECK(captured_ske_verifies("tls12_dhe", GLS_KX_DHE));
    /* the wrong form does not parse */
    kx_under_test = GLS_KX_ECDHE;
    CHECK(parse_ske(body, n) != GLS_OK);
}

TEST(openssl_client_key_exchanges)
{
    static uint8_t m[4096];
    static const struct {
        const char *name;
        enum gls_kx kx;
        size_t len;
    } caps[] = {
        {"tls12_ecdhe_c_client_key_exchange", GLS_KX_ECDHE, 32},
        {"tls12_dhe_c_client_key_exchange", GLS_KX_DHE, 256},
        {"tls12_rsa_c_client_key_exchange", GLS_KX_RSA, 256},
    };
    for (size_t i = 0; i < 3; i++) {
        size_t n;
        const uint8_t *body = body_of(caps[i].name, GLS_HS_CLIENT_KEY_EXCHANGE, m, sizeof m, &n);
        kx_under_test = caps[i].kx;
        CHECK(rewrites_exactly(rewrite_cke, body, n));
        CHECK(all_truncations_fail(parse_cke, body, n, NULL));
        struct gls_client_key_exchange cke;
        gls_reader r = gls_reader_init(body, n);
        CHECK_OK(gls_client_key_exchange_parse(&r, caps[i].kx, &cke));
        CHECK_EQ(cke.exchange.len, caps[i].len);
    }
}

TEST(random_round_trips)
{
    static struct pool pl;
    static uint8_t a[70000];
    static uint8_t b[70000];
    struct rng g = {0xda3e39cb94b95bdbULL};
    for (int i = 0; i < 300; i++) {
        pl.used = 0;
        size_t len = 0;
        struct gls_server_key_exchange ske;
        memset(&ske, 0, sizeof ske);
        ske.kx = rng_bool(&g) ? GLS_KX_ECDHE : GLS_KX_DHE;
        ske.group = (uint16_t)rng_next(&g);
        ske.point = pool_bytes(&pl, &g, rng_range(&g, 1, 255));
        ske.dh_p = pool_bytes(&pl, &g, rng_range(&g, 1, 600));
        ske.dh_g = pool_bytes(&pl, &g, rng_range(&g, 1, 4));
        ske.dh_ys = pool_bytes(&pl, &g, rng_range(&g, 1, 600));
        ske.scheme = (uint16_t)rng_next(&g);
        ske.signature = pool_bytes(&pl, &g, rng_range(&g, 0, 600));
        gls_writer w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_server_key_exchange_write(&w, &ske));
        kx_under_test = ske.kx;
        CHECK_OK(rewrite_ske(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));

        struct gls_client_key_exchange cke;
        cke.kx = (enum gls_kx)rng_range(&g, 0, 2);
        cke.exchange = pool_bytes(&pl, &g, rng_range(&g, 1, cke.kx == GLS_KX_ECDHE ? 255 : 600));
        w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_client_key_exchange_write(&w, &cke));
        kx_under_test = cke.kx;
        CHECK_OK(rewrite_cke(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));
    }
}
