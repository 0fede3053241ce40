/* Certificate, CertificateRequest and CertificateVerify in both versions' forms (RFC 8446
 * §4.4.2, §4.3.2, §4.4.3; RFC 5246 §7.4.2, §7.4.4, §7.4.8): hand encodings against the
 * writer; RFC 8448 §3 and OpenSSL-captured messages parsed and re-written byte for byte;
 * every truncation and length +-1; entry extensions; the chain cap; random round trips. */
#include "harness.h"

#include "codec/codec_util.h"

static int parse_cert13(const uint8_t *p, size_t n)
{
    static struct gls_certificate c;
    gls_reader r = gls_reader_init(p, n);
    return gls_certificate_parse(&r, true, &c);
}

static int parse_cert12(const uint8_t *p, size_t n)
{
    static struct gls_certificate c;
    gls_reader r = gls_reader_init(p, n);
    return gls_certificate_parse(&r, false, &c);
}

static int rewrite_cert(bool tls13, const uint8_t *p, size_t n, uint8_t *out, size_t cap,
                        size_t *len)
{
    static struct gls_certificate c;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_certificate_parse(&r, tls13, &c));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_certificate_write(&w, &c));
    *len = w.len;
    return GLS_OK;
}

static int rewrite_cert13(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    return rewrite_cert(true, p, n, out, cap, len);
}

static int rewrite_cert12(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    return rewrite_cert(false, p, n, out, cap, len);
}

static int parse_cr13(const uint8_t *p, size_t n)
{
    struct gls_certificate_request cr;
    gls_reader r = gls_reader_init(p, n);
    return gls_certificate_request_parse(&r, true, &cr);
}

static int parse_cr12(const uint8_t *p, size_t n)
{
    struct gls_certificate_request cr;
    gls_reader r = gls_reader_init(p, n);
    return gls_certificate_request_parse(&r, false, &cr);
}

static int rewrite_cr(bool tls13, const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_certificate_request cr;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_certificate_request_parse(&r, tls13, &cr));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_certificate_request_write(&w, &cr));
    *len = w.len;
    return GLS_OK;
}

static int rewrite_cr13(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    return rewrite_cr(true, p, n, out, cap, len);
}

static int rewrite_cr12(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    return rewrite_cr(false, p, n, out, cap, len);
}

static int parse_cv(const uint8_t *p, size_t n)
{
    struct gls_certificate_verify cv;
    gls_reader r = gls_reader_init(p, n);
    return gls_certificate_verify_parse(&r, &cv);
}

static int rewrite_cv(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    struct gls_certificate_verify cv;
    gls_reader r = gls_reader_init(p, n);
    TRY(gls_certificate_verify_parse(&r, &cv));
    gls_writer w = gls_writer_init(out, cap);
    TRY(gls_certificate_verify_write(&w, &cv));
    *len = w.len;
    return GLS_OK;
}

static const char *const rfc = "rfc8448.txt";
static const char *const capture = "openssl_handshakes.txt";

TEST(certificate13_by_hand)
{
    struct tb t;
    tb_init(&t);
    tb_opaque(&t, 1, "c7c7");
    tb_open(&t, 3);
    tb_opaque(&t, 3, "3003020101"); /* leaf, with an OCSP response */
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_STATUS_REQUEST);
    tb_u8(&t, 1);
    tb_opaque(&t, 3, "0a0b0c");
    tb_close(&t);
    tb_close(&t);
    tb_opaque(&t, 3, "3003020102"); /* intermediate, no extensions */
    tb_opaque(&t, 2, "");
    tb_close(&t);

    static struct gls_certificate c;
    memset(&c, 0, sizeof c);
    c.tls13 = true;
    c.context = gls_bytes_of("\xc7\xc7", 2);
    c.entries[0].cert_data = gls_bytes_of("\x30\x03\x02\x01\x01", 5);
    c.entries[0].ocsp_response = gls_bytes_of("\x0a\x0b\x0c", 3);
    c.entries[1].cert_data = gls_bytes_of("\x30\x03\x02\x01\x02", 5);
    c.n_entries = 2;
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_certificate_write(&w, &c));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(rewrites_exactly(rewrite_cert13, t.buf, t.len));
    CHECK(all_truncations_fail(parse_cert13, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_cert13, &t, 0, GLS_E_DECODE));
    static struct gls_certificate p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_certificate_parse(&r, true, &p));
    CHECK_EQ(p.n_entries, 2);
    CHECK_EQ(p.n_total, 2);
    CHECK_EQ(p.entries[0].ocsp_response.len, 3);
    CHECK_EQ(p.entries[1].ocsp_response.len, 0);
}

TEST(certificate13_entry_extension_rules)
{
    uint8_t buf[128];
    size_t n;
    /* an extension the client never asked for (SCT here) is refused */
    n = unhex("00 00000c 000002 3000 0005 0012 0001 00", buf, sizeof buf);
    CHECK_ERR(parse_cert13(buf, n), GLS_E_UNSUPPORTED_EXTENSION);
    n = unhex("00 00000c 000002 3000 0005 0033 0001 00", buf, sizeof buf);
    CHECK_ERR(parse_cert13(buf, n), GLS_E_ILLEGAL_PARAMETER); /* known, wrong message */
    n = unhex("00 00000f 000002 3000 0008 0005 0004 01000000", buf, sizeof buf);
    CHECK_ERR(parse_cert13(buf, n), GLS_E_DECODE); /* empty OCSPResponse */
    n = unhex("00 000019 000002 3000 0012 0005 0005 01000001aa 0005 0005 01000001aa", buf,
              sizeof buf);
    CHECK_ERR(parse_cert13(buf, n), GLS_E_DUPLICATE_EXTENSION);
    n = unhex("00 000005 000000 0000", buf, sizeof buf);
    CHECK_ERR(parse_cert13(buf, n), GLS_E_DECODE); /* empty cert_data */
    n = unhex("00 000000", buf, sizeof buf);
    CHECK_OK(parse_cert13(buf, n)); /* an empty chain is a meaning check */
}

TEST(certificate12_by_hand_and_chain_cap)
{
    struct tb t;
    tb_init(&t);
    tb_open(&t, 3);
    tb_opaque(&t, 3, "3003020101");
    tb_opaque(&t, 3, "30020500");
    tb_close(&t);
    static struct gls_certificate c;
    memset(&c, 0, sizeof c);
    c.entries[0].cert_data = gls_bytes_of("\x30\x03\x02\x01\x01", 5);
    c.entries[1].cert_data = gls_bytes_of("\x30\x02\x05\x00", 4);
    c.n_entries = 2;
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_certificate_write(&w, &c));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(rewrites_exactly(rewrite_cert12, t.buf, t.len));
    CHECK(all_truncations_fail(parse_cert12, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_cert12, &t, 0, GLS_E_DECODE));

    tb_init(&t);
    tb_open(&t, 3);
    for (int i = 0; i < 20; i++) {
        tb_opaque(&t, 3, "3000");
    }
    tb_close(&t);
    static struct gls_certificate p;
    gls_reader r = gls_reader_init(t.buf, t.len);
    CHECK_OK(gls_certificate_parse(&r, false, &p));
    CHECK_EQ(p.n_entries, GLS_MAX_CERT_CHAIN);
    CHECK_EQ(p.n_total, 20);
    t.buf[t.len - 3] = 0xff; /* the 20th entry's length: still checked */
    CHECK_ERR(parse_cert12(t.buf, t.len), GLS_E_DECODE);
}

TEST(real_certificates)
{
    static uint8_t m[4096];
    size_t n = load_vector(rfc, "certificate", m, sizeof m);
    CHECK_EQ(n, 445);
    CHECK(hs_header_ok(m, n, GLS_HS_CERTIFICATE));
    CHECK(rewrites_exactly(rewrite_cert13, m + 4, n - 4));
    CHECK(all_truncations_fail(parse_cert13, m + 4, n - 4, NULL));
    static struct gls_certificate c;
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_certificate_parse(&r, true, &c));
    CHECK_EQ(c.context.len, 0);
    CHECK_EQ(c.n_entries, 1);
    CHECK_EQ(c.entries[0].cert_data.len, 0x1b0);
    CHECK_HEX(c.entries[0].cert_data.p, 4, "308201ac");
    CHECK_EQ(c.entries[0].ocsp_response.len, 0);

    static const struct {
        const char *name;
        bool tls13;
        size_t entries;
    } caps[] = {
        {"tls13_s_certificate", true, 1},
        {"tls13_c_certificate", true, 0},
        {"tls12_ecdhe_s_certificate", false, 1},
        {"tls12_ecdhe_c_certificate", false, 0},
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        n = load_vector(capture, caps[i].name, m, sizeof m);
        CHECK(hs_header_ok(m, n, GLS_HS_CERTIFICATE));
        CHECK(rewrites_exactly(caps[i].tls13 ? rewrite_cert13 : rewrite_cert12, m + 4, n - 4));
        r = gls_reader_init(m + 4, n - 4);
        CHECK_OK(gls_certificate_parse(&r, caps[i].tls13, &c));
        CHECK_EQ(c.n_entries, caps[i].entries);
    }
    /* a 1.3 message read as 1.2 (and back) does not parse */
    n = load_vector(capture, "tls13_s_certificate", m, sizeof m);
    CHECK_ERR(parse_cert12(m + 4, n - 4), GLS_E_DECODE);
}

TEST(certificate_request13)
{
    struct tb t;
    tb_init(&t);
    tb_opaque(&t, 1, "");
    tb_open(&t, 2);
    tb_ext(&t, GLS_EXT_SIGNATURE_ALGORITHMS);
    tb_opaque(&t, 2, "0804 0403");
    tb_close(&t);
    tb_close(&t);
    struct gls_certificate_request cr;
    memset(&cr, 0, sizeof cr);
    cr.tls13 = true;
    gls_exts_set(&cr.ext, GLS_X_SIGNATURE_ALGORITHMS);
    cr.ext.sigalgs = gls_bytes_of("\x08\x04\x04\x03", 4);
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_certificate_request_write(&w, &cr));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(rewrites_exactly(rewrite_cr13, t.buf, t.len));
    CHECK(all_truncations_fail(parse_cr13, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_cr13, &t, 0, GLS_E_DECODE));

    uint8_t buf[64];
    size_t n = unhex("00 0000", buf, sizeof buf); /* extensions<2..2^16-1> */
    CHECK_ERR(parse_cr13(buf, n), GLS_E_DECODE);
    n = unhex("00 0004 fafa 0000", buf, sizeof buf); /* unknown ones are ignored (§4.3.2) */
    CHECK_OK(parse_cr13(buf, n));
    n = unhex("00 0006 0033 0002 001d", buf, sizeof buf);
    CHECK_ERR(parse_cr13(buf, n), GLS_E_ILLEGAL_PARAMETER);

    static uint8_t m[1024];
    n = load_vector(capture, "tls13_s_certificate_request", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_CERTIFICATE_REQUEST));
    CHECK(rewrites_exactly(rewrite_cr13, m + 4, n - 4));
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_certificate_request_parse(&r, true, &cr));
    CHECK_EQ(gls_u16_list_count(cr.ext.sigalgs), 16);
    CHECK_EQ(gls_u16_list_at(cr.ext.sigalgs, 0), GLS_SIG_ECDSA_SECP256R1_SHA256);
}

TEST(certificate_request12)
{
    struct tb t;
    tb_init(&t);
    tb_opaque(&t, 1, "01 40"); /* rsa_sign, ecdsa_sign */
    tb_opaque(&t, 2, "0401 0403");
    tb_open(&t, 2);
    tb_opaque(&t, 2, "300d310b");
    tb_opaque(&t, 2, "3000");
    tb_close(&t);
    struct gls_certificate_request cr;
    memset(&cr, 0, sizeof cr);
    cr.cert_types = gls_bytes_of("\x01\x40", 2);
    cr.sigalgs = gls_bytes_of("\x04\x01\x04\x03", 4);
    static const uint8_t cas[] = {0, 4, 0x30, 0x0d, 0x31, 0x0b, 0, 2, 0x30, 0};
    cr.authorities = gls_bytes_of(cas, sizeof cas);
    uint8_t out[256];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_certificate_request_write(&w, &cr));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(rewrites_exactly(rewrite_cr12, t.buf, t.len));
    CHECK(all_truncations_fail(parse_cr12, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_cr12, &t, 0, GLS_E_DECODE));

    uint8_t buf[64];
    size_t n = unhex("00 0002 0401 0000", buf, sizeof buf); /* no certificate types */
    CHECK_ERR(parse_cr12(buf, n), GLS_E_DECODE);
    n = unhex("01 01 0000 0000", buf, sizeof buf); /* no signature algorithms */
    CHECK_ERR(parse_cr12(buf, n), GLS_E_DECODE);
    n = unhex("01 01 0002 0401 0002 0000", buf, sizeof buf); /* an empty DistinguishedName */
    CHECK_ERR(parse_cr12(buf, n), GLS_E_DECODE);

    static uint8_t m[1024];
    n = load_vector(capture, "tls12_ecdhe_s_certificate_request", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_CERTIFICATE_REQUEST));
    CHECK(rewrites_exactly(rewrite_cr12, m + 4, n - 4));
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_certificate_request_parse(&r, false, &cr));
    CHECK_HEX(cr.cert_types.p, cr.cert_types.len, "010240");
    CHECK_EQ(gls_u16_list_count(cr.sigalgs), 20);
    CHECK_EQ(cr.authorities.len, 0);
}

TEST(certificate_verify)
{
    struct tb t;
    tb_init(&t);
    tb_u16(&t, GLS_SIG_ED25519);
    tb_opaque(&t, 2, "5151515151");
    struct gls_certificate_verify cv = {GLS_SIG_ED25519, gls_bytes_of("QQQQQ", 5)};
    uint8_t out[64];
    gls_writer w = gls_writer_init(out, sizeof out);
    CHECK_OK(gls_certificate_verify_write(&w, &cv));
    CHECK(same_bytes(out, w.len, t.buf, t.len));
    CHECK(all_truncations_fail(parse_cv, t.buf, t.len, NULL));
    CHECK(all_lengths_bent_fail(parse_cv, &t, 0, GLS_E_DECODE));

    static uint8_t m[1024];
    size_t n = load_vector(rfc, "certificate_verify", m, sizeof m);
    CHECK_EQ(n, 136);
    CHECK(hs_header_ok(m, n, GLS_HS_CERTIFICATE_VERIFY));
    CHECK(rewrites_exactly(rewrite_cv, m + 4, n - 4));
    gls_reader r = gls_reader_init(m + 4, n - 4);
    CHECK_OK(gls_certificate_verify_parse(&r, &cv));
    CHECK_EQ(cv.scheme, GLS_SIG_RSA_PSS_RSAE_SHA256);
    CHECK_EQ(cv.signature.len, 128);
    CHECK_HEX(cv.signature.p, 4, "5a747c5d");
    n = load_vector(capture, "tls13_s_certificate_verify", m, sizeof m);
    CHECK(hs_header_ok(m, n, GLS_HS_CERTIFICATE_VERIFY));
    CHECK(rewrites_exactly(rewrite_cv, m + 4, n - 4));
    CHECK(all_truncations_fail(parse_cv, m + 4, n - 4, NULL));
}

TEST(random_round_trips)
{
    static struct pool pl;
    static uint8_t a[70000];
    static uint8_t b[70000];
    static struct gls_certificate c;
    struct rng g = {0x853c49e6748fea9bULL};
    for (int i = 0; i < 200; i++) {
        pl.used = 0;
        size_t len = 0;
        memset(&c, 0, sizeof c);
        c.tls13 = rng_bool(&g);
        c.context = c.tls13 ? pool_bytes(&pl, &g, rng_range(&g, 0, 40)) : gls_bytes_of(NULL, 0);
        c.n_entries = (uint8_t)rng_range(&g, 0, GLS_MAX_CERT_CHAIN);
        for (size_t k = 0; k < c.n_entries; k++) {
            c.entries[k].cert_data = pool_bytes(&pl, &g, rng_range(&g, 1, 600));
            if (c.tls13 && rng_bool(&g)) {
                c.entries[k].ocsp_response = pool_bytes(&pl, &g, rng_range(&g, 1, 100));
            }
        }
        gls_writer w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_certificate_write(&w, &c));
        CHECK_OK(rewrite_cert(c.tls13, a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));

        struct gls_certificate_request cr;
        memset(&cr, 0, sizeof cr);
        cr.tls13 = rng_bool(&g);
        if (cr.tls13) {
            cr.context = pool_bytes(&pl, &g, rng_range(&g, 0, 40));
            do {
                rand_exts(&g, &pl, GLS_CTX_CERTIFICATE_REQUEST, &cr.ext);
            } while (cr.ext.present == 0);
        } else {
            cr.cert_types = pool_bytes(&pl, &g, rng_range(&g, 1, 8));
            cr.sigalgs = rand_u16s(&g, &pl, 32);
            cr.authorities = rng_bool(&g) ? rand_opaque16_list(&g, &pl) : gls_bytes_of(NULL, 0);
        }
        w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_certificate_request_write(&w, &cr));
        CHECK_OK(rewrite_cr(cr.tls13, a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));

        struct gls_certificate_verify cv;
        cv.scheme = (uint16_t)rng_next(&g);
        cv.signature = pool_bytes(&pl, &g, rng_range(&g, 0, 600));
        w = gls_writer_init(a, sizeof a);
        CHECK_OK(gls_certificate_verify_write(&w, &cv));
        CHECK_OK(rewrite_cv(a, w.len, b, sizeof b, &len));
        CHECK(same_bytes(b, len, a, w.len));
    }
}
