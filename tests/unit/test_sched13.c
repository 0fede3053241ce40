/* The TLS 1.3 key schedule (keys/sched13.c, RFC 8446 §7.1-§7.3, §4.4.4, §4.2.11.2,
 * §4.6.1) walked through RFC 8448 byte for byte:
 *  - §3 Simple 1-RTT: from the (EC)DHE shared secret and the transcript of the
 *    messages in tests/vectors/rfc8448.txt, every secret, key, IV, finished key and
 *    Finished verify_data of the trace, and the resumption PSK from the ticket nonce;
 *  - §4 Resumed 0-RTT: early secret from that PSK, binder key, binder finished key,
 *    the binder over the truncated ClientHello, c e traffic, e exp master and the
 *    early write key and IV.
 * Expected values are the RFC 8448 trace's (quoted by label). Also: the sink sees
 * each id once, in derivation order, with the RFC value; advancing a stage wipes
 * the input stage; psk_ke's zero IKM; ids that are not Derive-Secret outputs. */
#include "harness.h"

#include "codec/codec_util.h"
#include "crypto/crypto.h"
#include "keys/hkdf.h"
#include "keys/sched13.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

static const gls_hash_alg *sha256(void)
{
    return gls_hash_get(crypto(), GLS_HASH_SHA256);
}

/* ---- a sink that keeps a copy of everything it is told ---- */

struct entry {
    enum gls_secret_id id;
    uint8_t v[64];
    size_t len;
};

struct log {
    struct entry e[64];
    size_t n;
    bool overflow;
};

static void log_fn(void *arg, enum gls_secret_id id, const uint8_t *v, size_t len)
{
    struct log *lg = arg;
    if (lg->n == sizeof lg->e / sizeof lg->e[0] || len > sizeof lg->e[0].v) {
        lg->overflow = true;
        return;
    }
    lg->e[lg->n].id = id;
    memcpy(lg->e[lg->n].v, v, len);
    lg->e[lg->n++].len = len;
}

/* The last value reported under id (NULL if none). */
static const struct entry *logged(const struct log *lg, enum gls_secret_id id)
{
    for (size_t i = lg->n; i > 0; i--) {
        if (lg->e[i - 1].id == id) {
            return &lg->e[i - 1];
        }
    }
    return NULL;
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

/* Loads an rfc8448.txt message and adds it to the transcript. */
static size_t add_msg(gls_transcript *t, const char *name, uint8_t *buf, size_t cap)
{
    size_t n = load_vector("rfc8448.txt", name, buf, cap);
    if (n < 4 || gls_transcript_add(t, gls_bytes_of(buf, n)) != GLS_OK) {
        return 0;
    }
    return n;
}

static void set_secret(gls_secret *s, const char *hex)
{
    s->len = (uint8_t)unhex(hex, s->b, sizeof s->b);
}

/* RFC 8448 §3 "{server} extract secret "handshake"": IKM, the x25519 shared secret. */
#define RFC8448_ECDHE "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d"

/* The state of the §3 walk: the running transcript and the secrets one phase
 * hands to the next. Every report goes to lg. */
struct walk {
    struct log *lg;
    gls_secret_sink sink;
    gls_transcript t;
    uint8_t msg[2048];
    gls_handshake_secret hs;
    gls_master_secret ms;
    gls_secret chs;
    gls_secret shs;
    gls_secret rms;
};

/* {server} extract "early", derive "derived", extract "handshake", derive the
 * handshake traffic secrets over CH..SH and their write keys. */
static void walk_handshake(struct walk *w)
{
    const gls_hash_alg *h = sha256();
    gls_early_secret early;
    gls_digest th;
    uint8_t dhe[32];
    uint8_t key[16];
    uint8_t iv[12];
    const struct entry *e;

    unhex(RFC8448_ECDHE, dhe, sizeof dhe);
    CHECK_OK(gls_ks13_early(&early, h, NULL, &w->sink)); /* no PSK */
    CHECK(early.h == h);
    CHECK_HEX(early.s.b, early.s.len,
              "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
    CHECK_OK(gls_ks13_handshake(&w->hs, &early, dhe, sizeof dhe, &w->sink));
    CHECK((e = logged(w->lg, GLS_SID_DERIVED_FOR_HANDSHAKE)) != NULL);
    CHECK_HEX(e->v, e->len, "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
    CHECK_HEX(w->hs.s.b, w->hs.s.len,
              "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac");

    CHECK(add_msg(&w->t, "client_hello", w->msg, sizeof w->msg) == 196);
    CHECK(add_msg(&w->t, "server_hello", w->msg, sizeof w->msg) == 90);
    CHECK_OK(gls_transcript_choose(&w->t, h, false));
    CHECK_OK(gls_transcript_digest(&w->t, &th));
    CHECK_HEX(th.b, th.len, "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
    /* as the engine derives them: one keying, which also makes the master stage's
     * "derived" (checked against RFC 8448 when walk_server_finished announces it) */
    CHECK(!w->hs.has_derived);
    CHECK_OK(gls_ks13_hs_traffic(&w->hs, &th, &w->chs, &w->shs, &w->sink));
    CHECK(w->hs.has_derived);
    CHECK_HEX(w->chs.b, w->chs.len,
              "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
    CHECK_HEX(w->shs.b, w->shs.len,
              "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
    CHECK((e = logged(w->lg, GLS_SID_C_HS_TRAFFIC)) != NULL && e->len == 32);
    CHECK((e = logged(w->lg, GLS_SID_S_HS_TRAFFIC)) != NULL && e->len == 32);
    CHECK(logged(w->lg, GLS_SID_DERIVED_FOR_MASTER) == NULL); /* not announced yet */

    /* {server} derive write traffic keys for handshake data (AES-128-GCM), and under
     * the same keying the finished_key RFC 8448 shows at "calculate finished" */
    gls_secret fk;
    CHECK_OK(gls_ks13_traffic_key_iv_fk(h, &w->shs, key, sizeof key, iv, sizeof iv, &fk));
    CHECK_HEX(key, sizeof key, "3fce516009c21727d0f2e4e86ee403bc");
    CHECK_HEX(iv, sizeof iv, "5d313eb2671276ee13000b30");
    CHECK_HEX(fk.b, fk.len, "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
    /* {server} derive read traffic keys for handshake data (the client's write keys) */
    CHECK_OK(gls_ks13_traffic_key_iv_fk(h, &w->chs, key, sizeof key, iv, sizeof iv, &fk));
    CHECK_HEX(key, sizeof key, "dbfaa693d1762c5b666af5d950258d01");
    CHECK_HEX(iv, sizeof iv, "5bd3c71b836e0b76bb73265f");
    CHECK_HEX(fk.b, fk.len, "b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4");
    CHECK_OK(gls_ks13_traffic_key_iv(h, &w->chs, key, sizeof key, iv, sizeof iv));
    CHECK_HEX(key, sizeof key, "dbfaa693d1762c5b666af5d950258d01"); /* the same without it */
}

/* {server} calculate finished over CH..CertificateVerify, derive "derived",
 * extract "master", derive the application secrets over CH..server Finished. */
static void walk_server_finished(struct walk *w, gls_secret *cap)
{
    const gls_hash_alg *h = sha256();
    gls_digest th;
    gls_secret fin;
    gls_secret sap;
    gls_secret exp;
    uint8_t key[16];
    uint8_t iv[12];
    const struct entry *e;

    CHECK(add_msg(&w->t, "encrypted_extensions", w->msg, sizeof w->msg) == 40);
    CHECK(add_msg(&w->t, "certificate", w->msg, sizeof w->msg) == 445);
    CHECK(add_msg(&w->t, "certificate_verify", w->msg, sizeof w->msg) == 136);
    CHECK_OK(gls_transcript_digest(&w->t, &th));
    CHECK_OK(gls_ks13_finished(h, &w->shs, &th, false, &fin, &w->sink));
    CHECK((e = logged(w->lg, GLS_SID_SERVER_FINISHED_KEY)) != NULL);
    CHECK_HEX(e->v, e->len, "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
    CHECK_HEX(fin.b, fin.len, "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
    CHECK(add_msg(&w->t, "server_finished", w->msg, sizeof w->msg) == 36);
    CHECK(fin.len == 32 && memcmp(w->msg + 4, fin.b, 32) == 0); /* the Finished message */

    CHECK_OK(gls_ks13_master(&w->ms, &w->hs, &w->sink));
    CHECK(!w->hs.has_derived && all_zero(&w->hs.derived, sizeof w->hs.derived)); /* wiped */
    CHECK((e = logged(w->lg, GLS_SID_DERIVED_FOR_MASTER)) != NULL);
    CHECK_HEX(e->v, e->len, "43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4");
    CHECK_HEX(w->ms.s.b, w->ms.s.len,
              "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919");

    CHECK_OK(gls_transcript_digest(&w->t, &th));
    CHECK_HEX(th.b, th.len, "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");
    CHECK_OK(gls_ks13_derive(&w->ms.s, h, GLS_SID_C_AP_TRAFFIC, &th, cap, &w->sink));
    CHECK_HEX(cap->b, cap->len, "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5");
    CHECK_OK(gls_ks13_derive(&w->ms.s, h, GLS_SID_S_AP_TRAFFIC, &th, &sap, &w->sink));
    CHECK_HEX(sap.b, sap.len, "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
    CHECK_OK(gls_ks13_derive(&w->ms.s, h, GLS_SID_EXP_MASTER, &th, &exp, &w->sink));
    CHECK_HEX(exp.b, exp.len, "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50");

    /* {server} derive write traffic keys for application data */
    CHECK_OK(gls_ks13_traffic_key_iv(h, &sap, key, sizeof key, iv, sizeof iv));
    CHECK_HEX(key, sizeof key, "9f02283b6c9c07efc26bb9f2ac92e356");
    CHECK_HEX(iv, sizeof iv, "cf782b88dd83549aadf1e984");
}

/* {client} calculate finished over CH..server Finished, its application write
 * keys, derive "res master" over CH..client Finished. */
static void walk_client_finished(struct walk *w, const gls_secret *cap)
{
    const gls_hash_alg *h = sha256();
    gls_digest th;
    gls_secret fin;
    uint8_t key[16];
    uint8_t iv[12];
    const struct entry *e;

    CHECK_OK(gls_transcript_digest(&w->t, &th));
    CHECK_OK(gls_ks13_finished(h, &w->chs, &th, true, &fin, &w->sink));
    CHECK((e = logged(w->lg, GLS_SID_CLIENT_FINISHED_KEY)) != NULL);
    CHECK_HEX(e->v, e->len, "b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4");
    CHECK_HEX(fin.b, fin.len, "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
    CHECK(add_msg(&w->t, "client_finished", w->msg, sizeof w->msg) == 36);
    CHECK(fin.len == 32 && memcmp(w->msg + 4, fin.b, 32) == 0);

    /* {client} derive write traffic keys for application data */
    CHECK_OK(gls_ks13_traffic_key_iv(h, cap, key, sizeof key, iv, sizeof iv));
    CHECK_HEX(key, sizeof key, "17422dda596ed5d9acd890e3c63f5051");
    CHECK_HEX(iv, sizeof iv, "5b78923dee08579033e523d9");

    CHECK_OK(gls_transcript_digest(&w->t, &th));
    CHECK_HEX(th.b, th.len, "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d");
    CHECK_OK(gls_ks13_derive(&w->ms.s, h, GLS_SID_RES_MASTER, &th, &w->rms, &w->sink));
    CHECK_HEX(w->rms.b, w->rms.len,
              "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c");
}

/* {server} generate resumption secret "tls13 resumption" with the ticket's nonce. */
static void walk_ticket(struct walk *w)
{
    gls_secret psk;
    size_t n = load_vector("rfc8448.txt", "new_session_ticket", w->msg, sizeof w->msg);
    CHECK(n == 205);
    gls_reader r = gls_reader_init(w->msg + 4, n - 4);
    (void)gls_read_u32(&r); /* ticket_lifetime */
    (void)gls_read_u32(&r); /* ticket_age_add */
    gls_bytes nonce = gls_read_opaque8(&r, 0, 255);
    CHECK(!r.bad);
    CHECK_HEX(nonce.p, nonce.len, "0000");
    CHECK_OK(gls_ks13_ticket_psk(sha256(), &w->rms, nonce.p, nonce.len, &psk, &w->sink));
    CHECK_HEX(psk.b, psk.len, "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
}

/* The whole §3 schedule, value by value, in the trace's order. */
static void walk_simple(struct log *lg)
{
    static struct walk w;
    gls_secret cap;
    memset(lg, 0, sizeof *lg);
    memset(&w, 0, sizeof w);
    w.lg = lg;
    w.sink.fn = log_fn;
    w.sink.arg = lg;
    CHECK_OK(gls_transcript_init(&w.t, crypto()));
    walk_handshake(&w);
    if (!test_failed) {
        walk_server_finished(&w, &cap);
    }
    if (!test_failed) {
        walk_client_finished(&w, &cap);
    }
    if (!test_failed) {
        walk_ticket(&w);
    }
    gls_transcript_free(&w.t);
    CHECK(!lg->overflow);
}

TEST(rfc8448_simple_1rtt)
{
    static struct log lg;
    walk_simple(&lg);
}

/* The sink hears every value once, in the order the schedule makes them, with the
 * RFC 8448 §3 value (the input (EC)DHE secret included). */
TEST(rfc8448_sink_order)
{
    static const struct {
        enum gls_secret_id id;
        const char *hex;
    } want[] = {
        {GLS_SID_EARLY_SECRET, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"},
        {GLS_SID_DERIVED_FOR_HANDSHAKE,
         "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba"},
        {GLS_SID_DHE_SHARED_SECRET, RFC8448_ECDHE},
        {GLS_SID_HANDSHAKE_SECRET,
         "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac"},
        {GLS_SID_C_HS_TRAFFIC, "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"},
        {GLS_SID_S_HS_TRAFFIC, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"},
        {GLS_SID_SERVER_FINISHED_KEY,
         "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8"},
        {GLS_SID_SERVER_VERIFY_DATA_13,
         "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718"},
        {GLS_SID_DERIVED_FOR_MASTER,
         "43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4"},
        {GLS_SID_MASTER_SECRET_13,
         "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919"},
        {GLS_SID_C_AP_TRAFFIC, "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"},
        {GLS_SID_S_AP_TRAFFIC, "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"},
        {GLS_SID_EXP_MASTER, "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50"},
        {GLS_SID_CLIENT_FINISHED_KEY,
         "b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4"},
        {GLS_SID_CLIENT_VERIFY_DATA_13,
         "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61"},
        {GLS_SID_RES_MASTER, "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c"},
        {GLS_SID_TICKET_PSK, "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3"},
    };
    static struct log lg;
    walk_simple(&lg);
    if (test_failed) {
        return;
    }
    CHECK_EQ(lg.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < lg.n; i++) {
        if (lg.e[i].id != want[i].id) {
            FAIL("report %zu is %s, expected %s", i, gls_secret_name(lg.e[i].id),
                 gls_secret_name(want[i].id));
        }
        CHECK_HEX(lg.e[i].v, lg.e[i].len, want[i].hex);
    }
}

/* Advancing a stage wipes the stage it was made from: every byte, length included. */
TEST(advancing_wipes_input_stage)
{
    const gls_hash_alg *h = sha256();
    gls_early_secret early;
    gls_handshake_secret hs;
    gls_master_secret ms;
    uint8_t dhe[32];
    unhex(RFC8448_ECDHE, dhe, sizeof dhe);
    CHECK_OK(gls_ks13_early(&early, h, NULL, NULL));
    CHECK(!all_zero(&early.s, sizeof early.s));
    CHECK_OK(gls_ks13_handshake(&hs, &early, dhe, sizeof dhe, NULL));
    CHECK(all_zero(&early.s, sizeof early.s));
    CHECK(!all_zero(&hs.s, sizeof hs.s));
    CHECK_OK(gls_ks13_master(&ms, &hs, NULL));
    CHECK(all_zero(&hs.s, sizeof hs.s));
    CHECK_HEX(ms.s.b, ms.s.len, "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919");
}

/* RFC 8448 §4 {client} extract secret "early" from the PSK of §3's ticket. */
static void resumed_early(gls_early_secret *early, const gls_secret_sink *sink)
{
    gls_secret psk;
    set_secret(&psk, "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
    CHECK_OK(gls_ks13_early(early, sha256(), &psk, sink));
    CHECK_HEX(early->s.b, early->s.len,
              "9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c");
}

/* The §4 ClientHello (512 octets). It ends in binders<33..> = 00 21 | 20 | binder
 * (35 octets); the "ClientHello prefix" the binder covers is everything before. */
static size_t load_resumed_ch(uint8_t *ch, size_t cap)
{
    size_t n = load_vector("rfc8448.txt", "resumed_client_hello", ch, cap);
    if (n != 512 || ch[0] != 1 || ch[1] != 0x00 || ch[2] != 0x01 || ch[3] != 0xfc ||
        ch[n - 35] != 0x00 || ch[n - 34] != 0x21 || ch[n - 33] != 0x20) {
        return 0;
    }
    return n;
}

/* RFC 8448 §4 {client} calculate PSK binder: binder key, its finished key, and the
 * binder over the hash of the truncated ClientHello; it is the binder sent. */
TEST(rfc8448_resumed_binder)
{
    static uint8_t ch[1024];
    static struct log lg;
    const gls_secret_sink sink = {log_fn, &lg};
    gls_early_secret early;
    gls_transcript t;
    gls_secret binder;
    gls_secret k;
    gls_digest th;
    gls_digest empty;
    const struct entry *e;

    memset(&lg, 0, sizeof lg);
    resumed_early(&early, &sink);
    size_t n = load_resumed_ch(ch, sizeof ch);
    CHECK(n == 512);
    /* the prefix's hash, after an empty transcript, as the engine computes it */
    CHECK_OK(gls_transcript_init(&t, crypto()));
    int err = gls_transcript_digest_with(&t, GLS_HASH_SHA256, gls_bytes_of(ch, n - 35), &th);
    gls_transcript_free(&t);
    CHECK_OK(err);
    CHECK_HEX(th.b, th.len, "63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14");

    CHECK_OK(gls_ks13_binder(&early, &th, &binder, &sink));
    CHECK((e = logged(&lg, GLS_SID_RES_BINDER_KEY)) != NULL);
    CHECK_HEX(e->v, e->len, "69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256");
    CHECK((e = logged(&lg, GLS_SID_BINDER_FINISHED_KEY)) != NULL);
    CHECK_HEX(e->v, e->len, "5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa");
    CHECK_HEX(binder.b, binder.len,
              "3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d");
    CHECK(binder.len == 32 && memcmp(ch + n - 32, binder.b, 32) == 0); /* the binder sent */
    CHECK((e = logged(&lg, GLS_SID_PSK_BINDER)) != NULL);
    CHECK(e->len == 32 && memcmp(e->v, binder.b, 32) == 0);

    /* the binder's keying also made the handshake stage's salt: the same value
     * gls_ks13_handshake derives from an early secret without it, announced then */
    gls_early_secret plain;
    gls_handshake_secret hs1;
    gls_handshake_secret hs2;
    static struct log lg2;
    const gls_secret_sink sink2 = {log_fn, &lg2};
    memset(&lg2, 0, sizeof lg2);
    CHECK(early.has_derived);
    resumed_early(&plain, NULL);
    CHECK(!plain.has_derived);
    CHECK_OK(gls_ks13_handshake(&hs1, &plain, NULL, 0, NULL));
    CHECK((e = logged(&lg, GLS_SID_DERIVED_FOR_HANDSHAKE)) == NULL);
    gls_early_secret copy = early;
    CHECK_OK(gls_ks13_handshake(&hs2, &copy, NULL, 0, &sink2));
    CHECK((e = logged(&lg2, GLS_SID_DERIVED_FOR_HANDSHAKE)) != NULL);
    CHECK(e->len == 32 && memcmp(e->v, early.derived.b, 32) == 0);
    CHECK(hs1.s.len == 32 && memcmp(hs1.s.b, hs2.s.b, 32) == 0);
    CHECK(!copy.has_derived && all_zero(&copy.derived, sizeof copy.derived));

    /* the binder key is also a plain Derive-Secret(early, "res binder", "") */
    CHECK_OK(gls_hash(sha256(), NULL, 0, empty.b));
    empty.len = 32;
    CHECK_OK(gls_ks13_derive(&early.s, sha256(), GLS_SID_RES_BINDER_KEY, &empty, &k, NULL));
    CHECK_HEX(k.b, k.len, "69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256");
    CHECK(!lg.overflow);
}

/* RFC 8448 §4 {client} derive secret "tls13 c e traffic" and "tls13 e exp master"
 * over the whole ClientHello, and the early application data write key and IV. */
TEST(rfc8448_resumed_early_traffic)
{
    static uint8_t ch[1024];
    const gls_hash_alg *h = sha256();
    gls_early_secret early;
    gls_transcript t;
    gls_secret cet;
    gls_secret eem;
    gls_digest th;
    uint8_t key[16];
    uint8_t iv[12];

    resumed_early(&early, NULL);
    size_t n = load_resumed_ch(ch, sizeof ch);
    CHECK(n == 512);
    CHECK_OK(gls_transcript_init(&t, crypto()));
    int err = gls_transcript_add(&t, gls_bytes_of(ch, n));
    err = err ? err : gls_transcript_choose(&t, h, false);
    err = err ? err : gls_transcript_digest(&t, &th);
    gls_transcript_free(&t);
    CHECK_OK(err);
    CHECK_HEX(th.b, th.len, "08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913");

    CHECK_OK(gls_ks13_derive(&early.s, h, GLS_SID_C_E_TRAFFIC, &th, &cet, NULL));
    CHECK_HEX(cet.b, cet.len, "3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62");
    CHECK_OK(gls_ks13_derive(&early.s, h, GLS_SID_E_EXP_MASTER, &th, &eem, NULL));
    CHECK_HEX(eem.b, eem.len, "b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df");
    CHECK_OK(gls_ks13_traffic_key_iv(h, &cet, key, sizeof key, iv, sizeof iv));
    CHECK_HEX(key, sizeof key, "920205a5b7bf2115e6fc5c2942834f54");
    CHECK_HEX(iv, sizeof iv, "6d475f0993c8e564610db2b9");
}

/* psk_ke (no (EC)DHE): the Handshake Secret extracts from Hash.length zeros, and no
 * shared secret is reported. */
TEST(psk_ke_uses_zero_ikm)
{
    static struct log lg;
    const gls_hash_alg *h = sha256();
    const gls_secret_sink sink = {log_fn, &lg};
    const uint8_t zeros[32] = {0};
    gls_early_secret e1;
    gls_early_secret e2;
    gls_handshake_secret hs1;
    gls_handshake_secret hs2;
    gls_secret psk;
    memset(&lg, 0, sizeof lg);
    set_secret(&psk, "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
    CHECK_OK(gls_ks13_early(&e1, h, &psk, NULL));
    CHECK_OK(gls_ks13_early(&e2, h, &psk, NULL));
    CHECK_OK(gls_ks13_handshake(&hs1, &e1, NULL, 0, &sink));
    CHECK(logged(&lg, GLS_SID_DHE_SHARED_SECRET) == NULL);
    const struct entry *salt = logged(&lg, GLS_SID_DERIVED_FOR_HANDSHAKE);
    CHECK(salt != NULL);
    CHECK_OK(gls_ks13_handshake(&hs2, &e2, zeros, sizeof zeros, NULL));
    CHECK(hs1.s.len == 32 && hs2.s.len == 32 && memcmp(hs1.s.b, hs2.s.b, 32) == 0);
    /* and it is HKDF-Extract(Derive-Secret(Early, "derived", ""), 0^32) */
    gls_secret prk;
    CHECK_OK(gls_hkdf_extract(h, salt->v, salt->len, zeros, sizeof zeros, &prk));
    CHECK(prk.len == 32 && memcmp(prk.b, hs1.s.b, 32) == 0);
}

/* gls_ks13_derive only knows the Derive-Secret outputs. */
TEST(derive_refuses_other_ids)
{
    static const enum gls_secret_id not_derived[] = {
        GLS_SID_EARLY_SECRET,       GLS_SID_HANDSHAKE_SECRET,  GLS_SID_MASTER_SECRET_13,
        GLS_SID_DERIVED_FOR_MASTER, GLS_SID_TICKET_PSK,        GLS_SID_CLIENT_FINISHED_KEY,
        GLS_SID_MASTER_SECRET_12,   GLS_SID_C_AP_TRAFFIC_NEXT, GLS_SID_COUNT,
    };
    const gls_hash_alg *h = sha256();
    gls_secret s;
    gls_secret out;
    gls_digest th;
    memset(&s, 1, sizeof s);
    s.len = 32;
    memset(&th, 2, sizeof th);
    th.len = 32;
    for (size_t i = 0; i < sizeof not_derived / sizeof not_derived[0]; i++) {
        CHECK_ERR(gls_ks13_derive(&s, h, not_derived[i], &th, &out, NULL), GLS_E_INTERNAL);
    }
}

/* Both handshake traffic secrets from one keying of the RFC 8448 §3 handshake secret
 * (transcript hash of ClientHello..ServerHello): the RFC's bytes, reported in order; a
 * list with an id that is not a Derive-Secret output is refused before anything is made. */
TEST(derive_n_keys_the_stage_once_rfc8448)
{
    gls_secret stage;
    gls_digest th;
    gls_secret c_hs;
    gls_secret s_hs;
    gls_secret *const outs[2] = {&c_hs, &s_hs};
    static const enum gls_secret_id ids[2] = {GLS_SID_C_HS_TRAFFIC, GLS_SID_S_HS_TRAFFIC};
    static const enum gls_secret_id bad[2] = {GLS_SID_C_HS_TRAFFIC, GLS_SID_HANDSHAKE_SECRET};
    static struct log lg;
    const gls_secret_sink sink = {log_fn, &lg};
    stage.len = (uint8_t)unhex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac",
                               stage.b, sizeof stage.b);
    th.len = unhex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8", th.b,
                   sizeof th.b);
    memset(&lg, 0, sizeof lg);
    CHECK_OK(gls_ks13_derive_n(&stage, sha256(), ids, 2, &th, outs, &sink));
    CHECK_HEX(c_hs.b, c_hs.len, "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
    CHECK_HEX(s_hs.b, s_hs.len, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
    CHECK_EQ(lg.n, 2);
    CHECK(lg.e[0].id == GLS_SID_C_HS_TRAFFIC && lg.e[1].id == GLS_SID_S_HS_TRAFFIC);
    CHECK_ERR(gls_ks13_derive_n(&stage, sha256(), bad, 2, &th, outs, &sink), GLS_E_INTERNAL);
    CHECK_EQ(lg.n, 2);

    uint8_t key[16];
    uint8_t iv[12];
    CHECK_OK(gls_ks13_traffic_key_iv(sha256(), &s_hs, key, sizeof key, iv, sizeof iv));
    CHECK_HEX(key, sizeof key, "3fce516009c21727d0f2e4e86ee403bc");
    CHECK_HEX(iv, sizeof iv, "5d313eb2671276ee13000b30");
}
