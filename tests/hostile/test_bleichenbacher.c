/* The Bleichenbacher oracle, asked of our TLS 1.2 server (RFC 5246 §7.4.7.1,
 * RFC 8446 §C.5 history; ROBOT, 2017): with RSA key exchange on, a scripted
 * client (our real ClientHello, then a flight built by hand: raw RSA for the
 * ClientKeyExchange, the extended master secret, the key block and a sealed
 * Finished) sends pre-master secrets that are well formed, badly padded, of
 * the wrong version or of the wrong length. The server must show nothing at
 * ClientKeyExchange or ChangeCipherSpec, and answer the Finished record with
 * the very same bytes for every malformed secret as for a well-formed secret
 * the sender does not know (the keys differ, so the Finished record does not
 * open: bad_record_mac). A known well-formed secret with a correct Finished
 * completes; with a wrong verify_data it fails with bad_finished. */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/wire.h"
#include "harness.h"
#include "hs/hs.h"
#include "pair.h"

static const char *const names[] = {"localhost"};

enum kind {
    VALID,          /* (d) the pre-master secret we derive our keys from */
    VALID_BAD_FIN,  /* (e) the same, with a wrong verify_data */
    VALID_UNKNOWN,  /* a well-formed secret other than the one we derive from */
    BAD_BLOCK_TYPE, /* (a) 00 01 instead of 00 02 */
    NO_SEPARATOR,   /* (a) no zero byte ends the padding */
    SHORT_PADDING,  /* (a) the zero separator inside the first 8 padding bytes */
    WRONG_VERSION,  /* (b) the secret starts 03 02 */
    SHORT_SECRET,   /* (c) 47 bytes */
    LONG_SECRET,    /* (c) 49 bytes */
    EMPTY_SECRET,   /* (c) 0 bytes */
};

struct script {
    gls_config *s;
    gls_config *c;
    gls_conn *sc;
    gls_conn *cc;
    uint8_t msgs[16384]; /* handshake messages, for the transcript hash */
    size_t msgs_len;
    uint8_t client_random[32];
    uint8_t server_random[32];
    EVP_PKEY *pub;
};

/* Appends the handshake records of conn's output to the transcript and
 * delivers them to peer. */
static int take_flight(struct script *sc, gls_conn *from, gls_conn *to)
{
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    for (size_t off = 0; off + 5 <= len;) {
        size_t n = (size_t)(out[off + 3] << 8 | out[off + 4]);
        if (out[off] != GLS_CT_HANDSHAKE || off + 5 + n > len ||
            sc->msgs_len + n > sizeof sc->msgs) {
            return GLS_E_INTERNAL;
        }
        memcpy(sc->msgs + sc->msgs_len, out + off + 5, n);
        sc->msgs_len += n;
        off += 5 + n;
    }
    return pair_move(from, to, 0) == len ? GLS_OK : GLS_E_INTERNAL;
}

/* A TLS 1.2 server with RSA key exchange only; our client's hello; the
 * server's flight (delivered to the client, for the server's key). */
static int script_start(struct script *st)
{
    static const uint16_t suite = 0x009c; /* TLS_RSA_WITH_AES_128_GCM_SHA256 */
    const uint8_t *der = NULL;
    size_t der_len = 0;
    memset(st, 0, sizeof *st);
    st->s = gls_config_new();
    st->c = gls_config_new();
    TRY(gls_config_add_generated_cert(st->s, names, 1, 0, NULL));
    TRY(gls_config_set_versions(st->s, 0x0303, 0x0303));
    TRY(gls_config_set_versions(st->c, 0x0303, 0x0303));
    TRY(gls_config_set_suites(st->s, &suite, 1));
    TRY(gls_config_set_suites(st->c, &suite, 1));
    TRY(gls_config_enable_rsa_key_exchange(st->s, 1));
    TRY(gls_config_enable_rsa_key_exchange(st->c, 1));
    TRY(gls_config_danger_accept_any_cert(st->c));
    TRY(gls_config_set_resumption(st->s, 0, 7200)); /* no NewSessionTicket in the way */
    st->cc = gls_client_new(st->c, "localhost");
    st->sc = gls_server_new(st->s);
    TRY(take_flight(st, st->cc, st->sc));
    memcpy(st->client_random, st->msgs + 6, 32);
    size_t ch_len = st->msgs_len;
    TRY(take_flight(st, st->sc, st->cc));
    if (st->msgs[ch_len] != GLS_HS_SERVER_HELLO || gls_conn_error(st->sc) != GLS_OK) {
        return GLS_E_INTERNAL;
    }
    memcpy(st->server_random, st->msgs + ch_len + 6, 32);
    TRY(gls_conn_peer_cert(st->cc, 0, &der, &der_len));
    X509 *x = d2i_X509(NULL, &der, (long)der_len);
    st->pub = x ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    return st->pub != NULL ? GLS_OK : GLS_E_INTERNAL;
}

static void script_free(struct script *st)
{
    EVP_PKEY_free(st->pub);
    gls_conn_free(st->cc);
    gls_conn_free(st->sc);
    gls_config_free(st->s);
    gls_config_free(st->c);
}

/* The PKCS #1 v1.5 block for this case, then raw RSA (no padding). */
static int encrypt_case(const struct script *st, enum kind k, const uint8_t pms[48], uint8_t *ct,
                        size_t *ct_len)
{
    uint8_t em[512];
    size_t n = (size_t)EVP_PKEY_get_size(st->pub);
    size_t mlen = k == SHORT_SECRET ? 47 : k == LONG_SECRET ? 49 : k == EMPTY_SECRET ? 0 : 48;
    if (n < 128 || n > sizeof em) { /* RSA-1024 .. RSA-4096 */
        return GLS_E_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        em[i] = (uint8_t)(0x11 + i % 200); /* nonzero padding and filler */
    }
    em[0] = 0;
    em[1] = k == BAD_BLOCK_TYPE ? 1 : 2;
    if (k == SHORT_PADDING) {
        em[2 + 4] = 0; /* PKCS #1 wants at least 8 padding bytes */
    } else if (k != NO_SEPARATOR) {
        em[n - mlen - 1] = 0;
    }
    if (mlen > 0) {
        memcpy(em + n - mlen, pms, mlen < 48 ? mlen : 48);
    }
    if (k == VALID_UNKNOWN) {
        em[n - 1] ^= 0x5a; /* well formed, but not the secret we know */
    }
    if (k == WRONG_VERSION) {
        em[n - 48 + 1] = 0x02;
    }
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(st->pub, NULL);
    *ct_len = n;
    int ok = x != NULL && EVP_PKEY_encrypt_init(x) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(x, RSA_NO_PADDING) == 1 &&
             EVP_PKEY_encrypt(x, ct, ct_len, em, n) == 1;
    EVP_PKEY_CTX_free(x);
    return ok && *ct_len == n ? GLS_OK : GLS_E_CRYPTO;
}

/* Hands one record of type to the server. */
static int deliver(gls_conn *sc, uint8_t type, const uint8_t *p, size_t n)
{
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(sc, &room);
    if (room < 5 + n) {
        return GLS_E_INTERNAL;
    }
    in[0] = type;
    in[1] = 3;
    in[2] = 3;
    in[3] = (uint8_t)(n >> 8);
    in[4] = (uint8_t)n;
    memcpy(in + 5, p, n);
    return gls_conn_net_in_done(sc, 5 + n);
}

/* The Finished record the client would send had the server taken pms. */
static int sealed_finished(struct script *st, const uint8_t pms[48], bool wrong, uint8_t *rec,
                           size_t *rec_len)
{
    const gls_crypto *cr = st->s->crypto;
    const gls_hash_alg *h = gls_hash_get(cr, GLS_HASH_SHA256);
    gls_secret_sink none = {NULL, NULL};
    gls_digest th;
    gls_secret ms;
    struct gls_key_block12 kb;
    struct gls_rec_dir wr;
    uint8_t fin[4 + GLS_VERIFY_DATA_LEN] = {GLS_HS_FINISHED, 0, 0, GLS_VERIFY_DATA_LEN};
    gls_rng rng = {gls_rand_system, NULL};
    th.len = h->len;
    TRY(gls_hash(h, st->msgs, st->msgs_len, th.b)); /* ClientHello..ClientKeyExchange */
    TRY(gls_prf12_ext_master(h, pms, 48, &th, &ms, &none));
    memset(&kb, 0, sizeof kb);
    kb.key_len = 16;
    kb.iv_len = 4;
    TRY(gls_prf12_key_block(h, &ms, st->client_random, st->server_random, &kb, &none));
    TRY(gls_prf12_verify_data(h, &ms, true, &th, fin + 4, &none));
    fin[4] ^= wrong ? 1 : 0;
    memset(&wr, 0, sizeof wr);
    wr.version = GLS_TLS12;
    TRY(gls_rec_set_aead(&wr, GLS_REC_TLS12_GCM, gls_aead_get(cr, GLS_AEAD_AES_128_GCM), kb.c_key,
                         kb.c_iv, 4, true));
    int err = gls_rec_seal(&wr, GLS_CT_HANDSHAKE, fin, sizeof fin, &rng, rec, 256, rec_len);
    gls_rec_dir_wipe(&wr);
    return err;
}

/* What the server did with one case. */
struct seen {
    int err;
    bool quiet_at_cke; /* no output, no error after ClientKeyExchange */
    bool quiet_at_ccs; /* ... and after ChangeCipherSpec */
    bool done;
    uint8_t out[256];
    size_t out_len;
};

static int run_case(enum kind k, struct seen *seen)
{
    static const uint8_t ccs[1] = {1};
    struct script st;
    uint8_t pms[48];
    uint8_t cke[4 + 2 + 512];
    uint8_t rec[256];
    size_t ct_len = 0;
    size_t rec_len = 0;
    size_t len = 0;
    memset(seen, 0, sizeof *seen);
    int err = script_start(&st);
    for (size_t i = 0; i < 48; i++) {
        pms[i] = (uint8_t)(0xa0 ^ i);
    }
    pms[0] = 3;
    pms[1] = 3; /* the client_version of our ClientHello */
    err = err ? err : encrypt_case(&st, k, pms, cke + 6, &ct_len);
    if (err == GLS_OK) {
        size_t body = 2 + ct_len;
        uint8_t head[6] = {GLS_HS_CLIENT_KEY_EXCHANGE, 0,
                           (uint8_t)(body >> 8),       (uint8_t)body,
                           (uint8_t)(ct_len >> 8),     (uint8_t)ct_len};
        memcpy(cke, head, 6);
        memcpy(st.msgs + st.msgs_len, cke, 4 + body);
        st.msgs_len += 4 + body;
        err = sealed_finished(&st, pms, k == VALID_BAD_FIN, rec, &rec_len);
    }
    if (err == GLS_OK) { /* the server's answers are read below, not from deliver */
        (void)deliver(st.sc, GLS_CT_HANDSHAKE, cke, 6 + ct_len);
    }
    if (err == GLS_OK) {
        gls_conn_net_out(st.sc, &len);
        seen->quiet_at_cke = len == 0 && gls_conn_error(st.sc) == GLS_OK;
        (void)deliver(st.sc, GLS_CT_CHANGE_CIPHER_SPEC, ccs, 1);
        gls_conn_net_out(st.sc, &len);
        seen->quiet_at_ccs = seen->quiet_at_cke && len == 0 && gls_conn_error(st.sc) == GLS_OK;
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(st.sc, &room);
        if (room >= rec_len) {
            memcpy(in, rec, rec_len);
            (void)gls_conn_net_in_done(st.sc, rec_len);
        }
        const uint8_t *out = gls_conn_net_out(st.sc, &len);
        seen->out_len = len < sizeof seen->out ? len : sizeof seen->out;
        memcpy(seen->out, out, seen->out_len);
        seen->err = gls_conn_error(st.sc);
        seen->done = gls_conn_handshake_done(st.sc);
    }
    script_free(&st);
    return err;
}

TEST(valid_secret_completes)
{
    struct seen v;
    CHECK_OK(run_case(VALID, &v));
    CHECK(v.quiet_at_cke);
    CHECK(v.quiet_at_ccs);
    CHECK_OK(v.err);
    CHECK(v.done);
    /* ChangeCipherSpec, then the sealed Finished (8 explicit nonce + 16 + 16 tag) */
    CHECK_EQ(v.out_len, 6 + 5 + 8 + 16 + 16);
    CHECK_HEX(v.out, 6, "140303000101");
}

TEST(valid_secret_wrong_finished)
{
    struct seen v;
    CHECK_OK(run_case(VALID_BAD_FIN, &v));
    CHECK(v.quiet_at_cke);
    CHECK(v.quiet_at_ccs);
    CHECK_EQ(v.err, GLS_E_BAD_FINISHED);
    CHECK(!v.done);
    CHECK_EQ(gls_error_alert(GLS_E_BAD_FINISHED), GLS_ALERT_DECRYPT_ERROR);
    CHECK_EQ(v.out_len, 7);
    CHECK_HEX(v.out, v.out_len, "15030300020233"); /* fatal decrypt_error, in the clear */
}

/* Every malformed secret looks exactly like a well-formed one whose value the
 * sender does not know: nothing until Finished, then the same error and the
 * same bytes. */
TEST(malformed_secrets_are_indistinguishable)
{
    static const enum kind bad[] = {BAD_BLOCK_TYPE, NO_SEPARATOR, SHORT_PADDING, WRONG_VERSION,
                                    SHORT_SECRET,   LONG_SECRET,  EMPTY_SECRET};
    struct seen ref;
    CHECK_OK(run_case(VALID_UNKNOWN, &ref));
    CHECK(ref.quiet_at_cke);
    CHECK(ref.quiet_at_ccs);
    CHECK_EQ(ref.err, GLS_E_BAD_RECORD_MAC);
    CHECK_EQ(ref.out_len, 7);
    CHECK_HEX(ref.out, ref.out_len, "15030300020214"); /* fatal bad_record_mac, in the clear */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct seen s;
        CHECK_OK(run_case(bad[i], &s));
        if (!(s.quiet_at_cke && s.quiet_at_ccs && s.err == ref.err && s.out_len == ref.out_len &&
              memcmp(s.out, ref.out, ref.out_len) == 0 && !s.done)) {
            fprintf(stderr, "  case %zu differs: %s\n", i, gls_error_name(s.err));
        }
        CHECK(s.quiet_at_cke);
        CHECK(s.quiet_at_ccs);
        CHECK_EQ(s.err, ref.err);
        CHECK(!s.done);
        CHECK_EQ(s.out_len, ref.out_len);
        CHECK(memcmp(s.out, ref.out, ref.out_len) == 0);
    }
}
