/* tests/unit/test_record.c — the record layer (record/record.c; RFC 8446 §5, RFC 5246 §6.2,
 * RFC 5288, RFC 7905, RFC 7366): TLS 1.3 records sealed and opened byte for byte against the
 * RFC 8448 §3 trace; inner padding and its limits; header parsing; sequence numbers; every
 * single-bit flip and every truncation of a record in every mode, each with its exact error;
 * TLS 1.2 AEAD records against references built here from libcrypto's EVP; CBC records
 * checked through a raw crypto/ context; plaintext records; gls_rec_sealed_len against what
 * gls_rec_seal writes; and sealing into a buffer that is too small. */
#include "harness.h"

#include <openssl/evp.h>

#include "base/wire.h"
#include "record/record.h"

#define MAX_RECORD (GLS_RECORD_HEADER + GLS_MAX_CIPHERTEXT12)

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

/* A deterministic rng: byte i of the stream is (start + i) mod 256. */
static int counter_rng(void *arg, uint8_t *out, size_t len)
{
    unsigned *next = arg;
    for (size_t i = 0; i < len; i++) {
        out[i] = (uint8_t)(*next)++;
    }
    return GLS_OK;
}

/* ---- the protection modes under test, with fixed keys ---- */

struct prot {
    const char *name;
    enum gls_rec_mode mode;
    gls_aead_id aead;
    size_t cbc_key_len;
    gls_hash_id cbc_mac;
    bool etm;
};

static const struct prot prots[] = {
    {"plain", GLS_REC_PLAIN, 0, 0, 0, false},
    {"tls13-aes128gcm", GLS_REC_TLS13, GLS_AEAD_AES_128_GCM, 0, 0, false},
    {"tls13-aes256gcm", GLS_REC_TLS13, GLS_AEAD_AES_256_GCM, 0, 0, false},
    {"tls13-chacha20", GLS_REC_TLS13, GLS_AEAD_CHACHA20_POLY1305, 0, 0, false},
    {"tls12-aes128gcm", GLS_REC_TLS12_GCM, GLS_AEAD_AES_128_GCM, 0, 0, false},
    {"tls12-aes256gcm", GLS_REC_TLS12_GCM, GLS_AEAD_AES_256_GCM, 0, 0, false},
    {"tls12-chacha20", GLS_REC_TLS12_CHACHA, GLS_AEAD_CHACHA20_POLY1305, 0, 0, false},
    {"tls12-cbc128-sha1-mte", GLS_REC_TLS12_CBC, 0, 16, GLS_HASH_SHA1, false},
    {"tls12-cbc128-sha1-etm", GLS_REC_TLS12_CBC, 0, 16, GLS_HASH_SHA1, true},
    {"tls12-cbc128-sha256-mte", GLS_REC_TLS12_CBC, 0, 16, GLS_HASH_SHA256, false},
    {"tls12-cbc256-sha256-etm", GLS_REC_TLS12_CBC, 0, 32, GLS_HASH_SHA256, true},
    {"tls12-cbc256-sha384-mte", GLS_REC_TLS12_CBC, 0, 32, GLS_HASH_SHA384, false},
    {"tls12-cbc256-sha384-etm", GLS_REC_TLS12_CBC, 0, 32, GLS_HASH_SHA384, true},
};
#define N_PROTS (sizeof prots / sizeof prots[0])

struct keys {
    uint8_t key[32];
    uint8_t mac_key[48];
    uint8_t iv[12];
};

static struct keys keys_for(const struct prot *p)
{
    struct keys k;
    fill(k.key, sizeof k.key, 1 + (unsigned)p->aead + (unsigned)p->cbc_key_len);
    fill(k.mac_key, sizeof k.mac_key, 77 + (unsigned)p->cbc_mac);
    fill(k.iv, sizeof k.iv, 99 + (unsigned)p->mode);
    return k;
}

static size_t iv_len_for(enum gls_rec_mode mode)
{
    return mode == GLS_REC_TLS12_GCM ? 4 : 12;
}

/* Installs p's keys on d (which starts zeroed or already installed). */
static int install(const struct prot *p, struct gls_rec_dir *d, bool encrypt)
{
    struct keys k = keys_for(p);
    switch (p->mode) {
    case GLS_REC_PLAIN:
        gls_rec_dir_wipe(d);
        return GLS_OK;
    case GLS_REC_TLS12_CBC:
        return gls_rec_set_cbc(d, crypto(), p->cbc_key_len, gls_hash_get(crypto(), p->cbc_mac),
                               k.key, k.mac_key, p->etm, encrypt);
    default:
        return gls_rec_set_aead(d, p->mode, gls_aead_get(crypto(), p->aead), k.key, k.iv,
                                iv_len_for(p->mode), encrypt);
    }
}

/* A writer and a reader for p, both at sequence 0. */
static int pair_new(const struct prot *p, struct gls_rec_dir *w, struct gls_rec_dir *r)
{
    memset(w, 0, sizeof *w);
    memset(r, 0, sizeof *r);
    TRY(install(p, w, true));
    return install(p, r, false);
}

static void pair_free(struct gls_rec_dir *w, struct gls_rec_dir *r)
{
    gls_rec_dir_wipe(w);
    gls_rec_dir_wipe(r);
}

/* What the connection does with bytes off the wire: frame one record, then open it. */
static int deframe_open(struct gls_rec_dir *d, uint8_t *p, size_t avail,
                        struct gls_rec_content *out)
{
    uint8_t type = 0;
    size_t frag = 0;
    TRY(gls_rec_header(p, avail, gls_rec_max_fragment(d), &type, &frag));
    if (GLS_RECORD_HEADER + frag > avail) {
        return GLS_E_WANT_READ;
    }
    return gls_rec_open(d, p, GLS_RECORD_HEADER + frag, out);
}

/* ---- TLS 1.3 against RFC 8448 §3 (TLS_AES_128_GCM_SHA256) ---- */

/* {server} derive write traffic keys for handshake data */
#define RFC8448_S_HS_KEY "3fce516009c21727d0f2e4e86ee403bc"
#define RFC8448_S_HS_IV  "5d313eb2671276ee13000b30"
/* {client} derive write traffic keys for handshake data */
#define RFC8448_C_HS_KEY "dbfaa693d1762c5b666af5d950258d01"
#define RFC8448_C_HS_IV  "5bd3c71b836e0b76bb73265f"
/* {client} / {server} derive write traffic keys for application data */
#define RFC8448_C_AP_KEY "17422dda596ed5d9acd890e3c63f5051"
#define RFC8448_C_AP_IV  "5b78923dee08579033e523d9"
#define RFC8448_S_AP_KEY "9f02283b6c9c07efc26bb9f2ac92e356"
#define RFC8448_S_AP_IV  "cf782b88dd83549aadf1e984"

/* {server} send handshake record: payload (657 octets), EncryptedExtensions, Certificate,
 * CertificateVerify and Finished. */
static const char rfc8448_flight[] =
    "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000"
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b"
    "0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d323630"
    "3733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d01"
    "0101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826"
    "d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0cc"
    "b0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d0"
    "3e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304"
    "023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5"
    "b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf3"
    "6b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3e"
    "b7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b4"
    "2b4de100000f00008408040080"
    "5a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d3"
    "3a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac"
    "027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea2"
    "0d53dfacd42f74f3"
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";

/* {server} send handshake record: complete record (679 octets) */
static const char rfc8448_flight_record[] =
    "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40a"
    "a2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f5261"
    "34aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183e"
    "f3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e"
    "d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd610928d809810e4b7ed1a"
    "8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a8"
    "9441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63"
    "d3e688611ea5e22f4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26"
    "f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c6258f1"
    "00d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e1b7a6c7178af36879018e3f252107f24"
    "3d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7c"
    "ca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe"
    "5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8af"
    "e67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614"
    "636c0b9b68c19ed2e31c0b3b66763038ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f"
    "60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5"
    "d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b";

/* {client} send handshake record: the client Finished, payload and complete record */
static const char rfc8448_client_finished[] =
    "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";
static const char rfc8448_client_finished_record[] =
    "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac"
    "98fc46deb384bd1caeacab6867d726c40546";

/* {client} / {server} send application_data record: payload 00 01 .. 31 (50 octets); the
 * server's is its second record under its application key (the first is its ticket). */
static const char rfc8448_app_data[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627"
    "28292a2b2c2d2e2f3031";
static const char rfc8448_client_app_record[] =
    "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b39"
    "5bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4";
static const char rfc8448_server_app_record[] =
    "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6df"
    "fc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d";

static uint8_t kat_pt[1024];
static uint8_t kat_rec[1024];
static uint8_t kat_out[1024];

/* Seals pt_hex as inner type `type` at sequence seq under key/iv and compares with rec_hex;
 * then opens rec_hex and compares with pt_hex. */
static void check_kat13(const char *key_hex, const char *iv_hex, uint64_t seq, uint8_t type,
                        const char *pt_hex, const char *rec_hex)
{
    uint8_t key[16];
    uint8_t iv[12];
    struct gls_rec_dir w = {0};
    struct gls_rec_dir r = {0};
    struct gls_rec_content c;
    size_t written = 0;
    const gls_aead_alg *a = gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM);
    CHECK_EQ(unhex(key_hex, key, sizeof key), 16);
    CHECK_EQ(unhex(iv_hex, iv, sizeof iv), 12);
    size_t n = unhex(pt_hex, kat_pt, sizeof kat_pt);
    size_t rec_len = unhex(rec_hex, kat_rec, sizeof kat_rec);
    CHECK_OK(gls_rec_set_aead(&w, GLS_REC_TLS13, a, key, iv, 12, true));
    CHECK_OK(gls_rec_set_aead(&r, GLS_REC_TLS13, a, key, iv, 12, false));
    w.seq = seq;
    r.seq = seq;
    CHECK_EQ(gls_rec_sealed_len(&w, n), rec_len);
    CHECK_OK(gls_rec_seal(&w, type, kat_pt, n, NULL, kat_out, sizeof kat_out, &written));
    CHECK_HEX(kat_out, written, rec_hex);
    CHECK_EQ(w.seq, seq + 1);

    CHECK_OK(deframe_open(&r, kat_rec, rec_len, &c));
    CHECK_EQ(c.type, type);
    CHECK_EQ(c.data.len, n);
    CHECK(memcmp(c.data.p, kat_pt, n) == 0);
    CHECK(c.data.p == kat_rec + GLS_RECORD_HEADER); /* opened in place */
    CHECK_EQ(r.seq, seq + 1);
    pair_free(&w, &r);
}

TEST(rfc8448_server_flight_record)
{
    check_kat13(RFC8448_S_HS_KEY, RFC8448_S_HS_IV, 0, GLS_CT_HANDSHAKE, rfc8448_flight,
                rfc8448_flight_record);
}

TEST(rfc8448_client_finished_record)
{
    check_kat13(RFC8448_C_HS_KEY, RFC8448_C_HS_IV, 0, GLS_CT_HANDSHAKE, rfc8448_client_finished,
                rfc8448_client_finished_record);
}

TEST(rfc8448_application_data_records)
{
    check_kat13(RFC8448_C_AP_KEY, RFC8448_C_AP_IV, 0, GLS_CT_APPLICATION_DATA, rfc8448_app_data,
                rfc8448_client_app_record);
    check_kat13(RFC8448_S_AP_KEY, RFC8448_S_AP_IV, 1, GLS_CT_APPLICATION_DATA, rfc8448_app_data,
                rfc8448_server_app_record);
}

/* The server's second application record does not open at sequence 0: the nonce is iv ^ seq. */
TEST(rfc8448_record_at_wrong_sequence)
{
    uint8_t key[16];
    uint8_t iv[12];
    struct gls_rec_dir r = {0};
    struct gls_rec_content c;
    unhex(RFC8448_S_AP_KEY, key, sizeof key);
    unhex(RFC8448_S_AP_IV, iv, sizeof iv);
    CHECK_OK(gls_rec_set_aead(&r, GLS_REC_TLS13, gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM), key,
                              iv, 12, false));
    size_t n = unhex(rfc8448_server_app_record, kat_rec, sizeof kat_rec);
    CHECK_ERR(deframe_open(&r, kat_rec, n, &c), GLS_E_BAD_RECORD_MAC);
    CHECK_EQ(r.seq, 0);
    gls_rec_dir_wipe(&r);
}

/* ---- TLS 1.3 record shape, and records crafted with a raw AEAD context ---- */

TEST(tls13_sealed_record_shape)
{
    static uint8_t pt[GLS_MAX_PLAINTEXT];
    static uint8_t out[MAX_RECORD];
    static const size_t lens[] = {0, 1, 100, GLS_MAX_PLAINTEXT};
    static const uint8_t types[] = {GLS_CT_ALERT, GLS_CT_HANDSHAKE, GLS_CT_APPLICATION_DATA};
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    CHECK_OK(pair_new(&prots[1], &w, &r));
    fill(pt, sizeof pt, 5);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        for (size_t t = 0; t < sizeof types; t++) {
            size_t written = 0;
            struct gls_rec_content c;
            size_t n = lens[i];
            CHECK_OK(gls_rec_seal(&w, types[t], pt, n, NULL, out, sizeof out, &written));
            CHECK_EQ(written, GLS_RECORD_HEADER + n + 1 + 16);
            CHECK_EQ(out[0], GLS_CT_APPLICATION_DATA); /* RFC 8446 §5.2: opaque_type */
            CHECK_EQ(gls_get_u16(out + 1), 0x0303);    /* legacy_record_version */
            CHECK_EQ(gls_get_u16(out + 3), n + 1 + 16);
            CHECK_OK(deframe_open(&r, out, written, &c));
            CHECK_EQ(c.type, types[t]);
            CHECK_EQ(c.data.len, n);
            CHECK(n == 0 || memcmp(c.data.p, pt, n) == 0);
        }
    }
    pair_free(&w, &r);
}

static const uint8_t craft_key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t craft_iv[12] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                                     0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};

/* A TLS 1.3 record whose TLSInnerPlaintext is inner[0..n) exactly, under craft_key at
 * sequence 0, with the given outer type; sealed with crypto/'s AEAD, not the record layer. */
static size_t craft13(uint8_t outer_type, const uint8_t *inner, size_t n, uint8_t *out)
{
    gls_aead_ctx *x = NULL;
    const gls_aead_alg *a = gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM);
    out[0] = outer_type;
    gls_put_u16(out + 1, 0x0303);
    gls_put_u16(out + 3, (uint16_t)(n + 16));
    memmove(out + GLS_RECORD_HEADER, inner, n);
    if (gls_aead_new(a, craft_key, true, &x) != GLS_OK ||
        gls_aead_seal(x, craft_iv, out, GLS_RECORD_HEADER, out + GLS_RECORD_HEADER, n,
                      out + GLS_RECORD_HEADER + n) != GLS_OK) {
        abort();
    }
    gls_aead_free(x);
    return GLS_RECORD_HEADER + n + 16;
}

static uint8_t inner[GLS_MAX_CIPHERTEXT13];
static uint8_t crafted[MAX_RECORD];

/* Opens a crafted record with a fresh reader at sequence 0. */
static int open_crafted(size_t len, struct gls_rec_content *c)
{
    struct gls_rec_dir r = {0};
    const gls_aead_alg *a = gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM);
    int err = gls_rec_set_aead(&r, GLS_REC_TLS13, a, craft_key, craft_iv, 12, false);
    if (err == GLS_OK) {
        err = deframe_open(&r, crafted, len, c);
    }
    gls_rec_dir_wipe(&r);
    return err;
}

/* content (len bytes of a pattern) || type || zeros bytes of padding */
static size_t inner_of(size_t len, uint8_t type, size_t zeros)
{
    fill(inner, len, 9);
    inner[len] = type;
    memset(inner + len + 1, 0, zeros);
    return len + 1 + zeros;
}

TEST(tls13_padding_is_stripped)
{
    static const size_t pads[] = {0, 1, 2, 15, 16, 17, 200};
    for (size_t i = 0; i < sizeof pads / sizeof pads[0]; i++) {
        struct gls_rec_content c;
        size_t len = craft13(GLS_CT_APPLICATION_DATA, inner, inner_of(5, GLS_CT_HANDSHAKE, pads[i]),
                             crafted);
        CHECK_OK(open_crafted(len, &c));
        CHECK_EQ(c.type, GLS_CT_HANDSHAKE);
        CHECK_EQ(c.data.len, 5);
        fill(inner, 5, 9);
        CHECK(memcmp(c.data.p, inner, 5) == 0);
    }
    /* an empty content is the record layer's to return (whether it is allowed is not) */
    struct gls_rec_content c;
    size_t len = craft13(GLS_CT_APPLICATION_DATA, inner, inner_of(0, GLS_CT_ALERT, 3), crafted);
    CHECK_OK(open_crafted(len, &c));
    CHECK_EQ(c.type, GLS_CT_ALERT);
    CHECK_EQ(c.data.len, 0);
    /* a zero inside the content is content: only trailing zeros are padding */
    static const uint8_t mid_zero[] = {0x41, 0x00, 0x42, 0x00, GLS_CT_APPLICATION_DATA, 0, 0};
    len = craft13(GLS_CT_APPLICATION_DATA, mid_zero, sizeof mid_zero, crafted);
    CHECK_OK(open_crafted(len, &c));
    CHECK_EQ(c.type, GLS_CT_APPLICATION_DATA);
    CHECK_HEX(c.data.p, c.data.len, "41004200");
}

TEST(tls13_all_zero_inner_plaintext)
{
    static const size_t zeros[] = {1, 2, 16, 1000};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        struct gls_rec_content c;
        memset(inner, 0, zeros[i]);
        size_t len = craft13(GLS_CT_APPLICATION_DATA, inner, zeros[i], crafted);
        CHECK_ERR(open_crafted(len, &c), GLS_E_UNEXPECTED_MESSAGE);
    }
}

/* RFC 8446 §5.2: protected records are application_data on the outside; any other outer
 * type is refused even when its tag (which covers the type) is valid. */
TEST(tls13_outer_type_not_application_data)
{
    static const uint8_t outer[] = {
        GLS_CT_CHANGE_CIPHER_SPEC, GLS_CT_ALERT, GLS_CT_HANDSHAKE, 0, 24, 255};
    for (size_t i = 0; i < sizeof outer; i++) {
        struct gls_rec_content c;
        size_t len = craft13(outer[i], inner, inner_of(10, GLS_CT_HANDSHAKE, 0), crafted);
        CHECK_ERR(open_crafted(len, &c), GLS_E_UNEXPECTED_MESSAGE);
    }
}

/* RFC 8446 §5.4: TLSInnerPlaintext (content, type and padding) must not exceed 2^14 + 1. */
TEST(tls13_inner_plaintext_overflow)
{
    struct gls_rec_content c;
    size_t len = craft13(GLS_CT_APPLICATION_DATA, inner,
                         inner_of(GLS_MAX_PLAINTEXT + 1, GLS_CT_APPLICATION_DATA, 0), crafted);
    CHECK_ERR(open_crafted(len, &c), GLS_E_RECORD_OVERFLOW);
    /* content at the limit but padded past it */
    len = craft13(GLS_CT_APPLICATION_DATA, inner,
                  inner_of(GLS_MAX_PLAINTEXT, GLS_CT_APPLICATION_DATA, 1), crafted);
    CHECK_ERR(open_crafted(len, &c), GLS_E_RECORD_OVERFLOW);
    /* the largest fragment the header accepts, nearly all padding */
    len = craft13(GLS_CT_APPLICATION_DATA, inner,
                  inner_of(0, GLS_CT_ALERT, GLS_MAX_CIPHERTEXT13 - 16 - 1), crafted);
    CHECK_EQ(len, GLS_RECORD_HEADER + GLS_MAX_CIPHERTEXT13);
    CHECK_ERR(open_crafted(len, &c), GLS_E_RECORD_OVERFLOW);
    /* exactly 2^14 + 1: full content, or short content with padding up to the limit */
    len = craft13(GLS_CT_APPLICATION_DATA, inner,
                  inner_of(GLS_MAX_PLAINTEXT, GLS_CT_APPLICATION_DATA, 0), crafted);
    CHECK_OK(open_crafted(len, &c));
    CHECK_EQ(c.data.len, GLS_MAX_PLAINTEXT);
    len = craft13(GLS_CT_APPLICATION_DATA, inner,
                  inner_of(10, GLS_CT_HANDSHAKE, GLS_MAX_PLAINTEXT - 10), crafted);
    CHECK_OK(open_crafted(len, &c));
    CHECK_EQ(c.type, GLS_CT_HANDSHAKE);
    CHECK_EQ(c.data.len, 10);
    /* one byte over the header's limit never reaches the AEAD */
    len = craft13(GLS_CT_APPLICATION_DATA, inner,
                  inner_of(0, GLS_CT_ALERT, GLS_MAX_CIPHERTEXT13 - 16), crafted);
    CHECK_ERR(open_crafted(len, &c), GLS_E_RECORD_OVERFLOW);
}

/* ---- header parsing ---- */

TEST(header_parse)
{
    uint8_t h[5] = {GLS_CT_HANDSHAKE, 3, 3, 0x01, 0x02};
    uint8_t type = 0;
    size_t len = 0;
    for (size_t n = 0; n < 5; n++) {
        CHECK_ERR(gls_rec_header(h, n, 16384, &type, &len), GLS_E_WANT_READ);
    }
    CHECK_OK(gls_rec_header(h, 5, 16384, &type, &len));
    CHECK_EQ(type, GLS_CT_HANDSHAKE);
    CHECK_EQ(len, 0x0102);
    /* the length limit, either side of it */
    gls_put_u16(h + 3, 16384);
    CHECK_OK(gls_rec_header(h, 5, 16384, &type, &len));
    gls_put_u16(h + 3, 16385);
    CHECK_ERR(gls_rec_header(h, 5, 16384, &type, &len), GLS_E_RECORD_OVERFLOW);
    gls_put_u16(h + 3, 0xffff);
    CHECK_ERR(gls_rec_header(h, 5, GLS_MAX_CIPHERTEXT12, &type, &len), GLS_E_RECORD_OVERFLOW);
    /* RFC 8446 §5.1: the version's form is 0x03xx; its minor byte is not checked here */
    gls_put_u16(h + 3, 10);
    static const uint16_t good[] = {0x0300, 0x0301, 0x0303, 0x0304, 0x03ff};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        gls_put_u16(h + 1, good[i]);
        CHECK_OK(gls_rec_header(h, 5, 16384, &type, &len));
    }
    static const uint16_t bad[] = {0x0000, 0x0203, 0x0403, 0x1303, 0xfefd, 0x8003};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gls_put_u16(h + 1, bad[i]);
        CHECK_ERR(gls_rec_header(h, 5, 16384, &type, &len), GLS_E_DECODE);
    }
}

TEST(max_fragment_per_mode)
{
    for (size_t i = 0; i < N_PROTS; i++) {
        struct gls_rec_dir w;
        struct gls_rec_dir r;
        CHECK_OK(pair_new(&prots[i], &w, &r));
        size_t want = prots[i].mode == GLS_REC_PLAIN   ? 16384
                      : prots[i].mode == GLS_REC_TLS13 ? 16384 + 256
                                                       : 16384 + 2048;
        CHECK_EQ(gls_rec_max_fragment(&r), want);
        pair_free(&w, &r);
    }
}

/* ---- sequence numbers, tampering and truncation, in every protected mode ---- */

static uint8_t rec_a[MAX_RECORD];
static uint8_t rec_b[MAX_RECORD];
static uint8_t tmp[MAX_RECORD];

static void check_sequence(const struct prot *p)
{
    uint8_t pt[40];
    unsigned ivs = 0;
    gls_rng rng = {counter_rng, &ivs};
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    struct gls_rec_content c;
    size_t a_len = 0;
    size_t b_len = 0;
    CHECK_OK(pair_new(p, &w, &r));
    fill(pt, sizeof pt, 3);
    CHECK_OK(
        gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, sizeof pt, &rng, rec_a, MAX_RECORD, &a_len));
    CHECK_OK(
        gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, sizeof pt, &rng, rec_b, MAX_RECORD, &b_len));
    CHECK_EQ(w.seq, 2);
    /* the second record first: refused, and the failure does not advance the sequence */
    memcpy(tmp, rec_b, b_len);
    CHECK_ERR(deframe_open(&r, tmp, b_len, &c), GLS_E_BAD_RECORD_MAC);
    CHECK_EQ(r.seq, 0);
    memcpy(tmp, rec_a, a_len);
    CHECK_OK(deframe_open(&r, tmp, a_len, &c));
    CHECK_EQ(r.seq, 1);
    memcpy(tmp, rec_b, b_len);
    CHECK_OK(deframe_open(&r, tmp, b_len, &c));
    CHECK_EQ(r.seq, 2);
    /* a replay of either is refused */
    memcpy(tmp, rec_b, b_len);
    CHECK_ERR(deframe_open(&r, tmp, b_len, &c), GLS_E_BAD_RECORD_MAC);
    memcpy(tmp, rec_a, a_len);
    CHECK_ERR(deframe_open(&r, tmp, a_len, &c), GLS_E_BAD_RECORD_MAC);
    pair_free(&w, &r);
}

TEST(records_open_only_in_order)
{
    for (size_t i = 1; i < N_PROTS; i++) {
        check_sequence(&prots[i]);
        if (test_failed) {
            FAIL("mode %s", prots[i].name);
        }
    }
}

/* The error a single-bit flip at byte i of rec[0..len) must give (see flip_every_bit). */
static int flip_error(const struct prot *p, const uint8_t *flipped, size_t i, size_t len,
                      size_t max_fragment)
{
    if (i == 0) {
        return p->mode == GLS_REC_TLS13 ? GLS_E_UNEXPECTED_MESSAGE : GLS_E_BAD_RECORD_MAC;
    }
    if (i == 1) {
        return GLS_E_DECODE;
    }
    if (i == 3 || i == 4) {
        size_t frag = gls_get_u16(flipped + 3);
        if (frag > max_fragment) {
            return GLS_E_RECORD_OVERFLOW;
        }
        if (GLS_RECORD_HEADER + frag > len) {
            return GLS_E_WANT_READ; /* the stream now frames a longer record */
        }
    }
    return GLS_E_BAD_RECORD_MAC;
}

/* Every single-bit flip of a sealed record, framed and opened as the connection would:
 *  - outer type: TLS 1.3 refuses a type other than application_data before any crypto
 *    (UNEXPECTED_MESSAGE); TLS 1.2 authenticates the type, so BAD_RECORD_MAC;
 *  - version major byte: not 3, so DECODE from the header;
 *  - version minor byte: authenticated (TLS 1.3: the header is the AAD; TLS 1.2: the
 *    record's version goes into the MAC/AAD), so BAD_RECORD_MAC;
 *  - length: RECORD_OVERFLOW over the mode's limit, WANT_READ if it now claims more bytes
 *    than there are, else the shorter record fails to authenticate, BAD_RECORD_MAC;
 *  - anything in the fragment (explicit nonce, IV, ciphertext, tag, MAC): BAD_RECORD_MAC. */
static void flip_every_bit(const struct prot *p)
{
    uint8_t pt[40];
    unsigned ivs = 0;
    gls_rng rng = {counter_rng, &ivs};
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    size_t len = 0;
    CHECK_OK(pair_new(p, &w, &r));
    fill(pt, sizeof pt, 4);
    CHECK_OK(
        gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, sizeof pt, &rng, rec_a, MAX_RECORD, &len));
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            struct gls_rec_content c;
            memcpy(tmp, rec_a, len);
            tmp[i] ^= (uint8_t)(1u << bit);
            int want = flip_error(p, tmp, i, len, gls_rec_max_fragment(&r));
            int got = deframe_open(&r, tmp, len, &c);
            if (got != want) {
                FAIL("%s: byte %zu bit %d: %s, expected %s", p->name, i, bit, gls_error_name(got),
                     gls_error_name(want));
            }
            CHECK_EQ(r.seq, 0);
        }
    }
    memcpy(tmp, rec_a, len); /* and the untouched record still opens */
    struct gls_rec_content c;
    CHECK_OK(deframe_open(&r, tmp, len, &c));
    pair_free(&w, &r);
}

TEST(every_bit_flip_is_refused)
{
    for (size_t i = 1; i < N_PROTS; i++) {
        flip_every_bit(&prots[i]);
    }
}

/* Every shorter fragment (the header's length made to match) fails to authenticate; in TLS
 * 1.3 that includes fragments shorter than tag plus type (< 17 bytes). */
static void truncate_every_length(const struct prot *p)
{
    uint8_t pt[40];
    unsigned ivs = 0;
    gls_rng rng = {counter_rng, &ivs};
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    size_t len = 0;
    CHECK_OK(pair_new(p, &w, &r));
    fill(pt, sizeof pt, 4);
    CHECK_OK(
        gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, sizeof pt, &rng, rec_a, MAX_RECORD, &len));
    for (size_t frag = 0; frag < len - GLS_RECORD_HEADER; frag++) {
        struct gls_rec_content c;
        memcpy(tmp, rec_a, GLS_RECORD_HEADER + frag);
        gls_put_u16(tmp + 3, (uint16_t)frag);
        int got = deframe_open(&r, tmp, GLS_RECORD_HEADER + frag, &c);
        if (got != GLS_E_BAD_RECORD_MAC) {
            FAIL("%s: fragment of %zu bytes: %s", p->name, frag, gls_error_name(got));
        }
    }
    CHECK_EQ(r.seq, 0);
    pair_free(&w, &r);
}

TEST(truncated_fragments_are_refused)
{
    for (size_t i = 1; i < N_PROTS; i++) {
        truncate_every_length(&prots[i]);
    }
}

/* gls_rec_open takes one whole record as gls_rec_header framed it. */
TEST(open_contract)
{
    uint8_t rec[64];
    struct gls_rec_dir d = {0};
    struct gls_rec_content c;
    memset(rec, 0, sizeof rec);
    rec[0] = GLS_CT_HANDSHAKE;
    gls_put_u16(rec + 1, 0x0303);
    gls_put_u16(rec + 3, 10);
    for (size_t n = 0; n < GLS_RECORD_HEADER; n++) {
        CHECK_ERR(gls_rec_open(&d, rec, n, &c), GLS_E_DECODE);
    }
    CHECK_ERR(gls_rec_open(&d, rec, 14, &c), GLS_E_INTERNAL);
    CHECK_ERR(gls_rec_open(&d, rec, 16, &c), GLS_E_INTERNAL);
    CHECK_OK(gls_rec_open(&d, rec, 15, &c));
    CHECK_EQ(c.data.len, 10);
}

/* ---- TLS 1.2 AEAD records against references built from EVP ---- */

/* ct_tag = AEAD(key, nonce, aad, pt) || tag, straight from libcrypto. */
static void ref_aead(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t nonce[12],
                     const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t n,
                     uint8_t *ct_tag)
{
    int outl = 0;
    uint8_t fin[16];
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (x == NULL || EVP_EncryptInit_ex(x, cipher, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
        EVP_EncryptInit_ex(x, NULL, NULL, key, nonce) != 1 ||
        EVP_EncryptUpdate(x, NULL, &outl, aad, (int)aad_len) != 1 ||
        EVP_EncryptUpdate(x, ct_tag, &outl, pt, (int)n) != 1 || (size_t)outl != n ||
        EVP_EncryptFinal_ex(x, fin, &outl) != 1 || outl != 0 ||
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, ct_tag + n) != 1) {
        abort();
    }
    EVP_CIPHER_CTX_free(x);
}

static const EVP_CIPHER *evp_of(gls_aead_id id)
{
    switch (id) {
    case GLS_AEAD_AES_128_GCM:
        return EVP_aes_128_gcm();
    case GLS_AEAD_AES_256_GCM:
        return EVP_aes_256_gcm();
    default:
        return EVP_chacha20_poly1305();
    }
}

static const uint64_t seqs[] = {0, 1, 0x0102030405060708u, 0xfffffffffffffffeu};

/* One TLS 1.2 AEAD record at sequence seq against the reference: header, explicit nonce
 * (GCM: the sequence number, RFC 5288 §3) or none (ChaCha20: iv ^ seq, RFC 7905 §2), AAD
 * seq || type || version || plaintext length (RFC 5246 §6.2.3.3). */
static void check_aead12(const struct prot *p, uint64_t seq, size_t n)
{
    static uint8_t pt[1000];
    static uint8_t want[1100];
    uint8_t nonce[12];
    uint8_t aad[13];
    struct keys k = keys_for(p);
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    struct gls_rec_content c;
    size_t written = 0;
    bool gcm = p->mode == GLS_REC_TLS12_GCM;
    size_t explicit_len = gcm ? 8 : 0;
    CHECK_OK(pair_new(p, &w, &r));
    w.seq = seq;
    r.seq = seq;
    fill(pt, n, (unsigned)n);
    CHECK_OK(gls_rec_seal(&w, GLS_CT_HANDSHAKE, pt, n, NULL, rec_a, MAX_RECORD, &written));
    CHECK_EQ(written, 5 + explicit_len + n + 16);

    memcpy(nonce, k.iv, 12);
    if (gcm) {
        gls_put_u64(nonce + 4, seq); /* salt(4) || seq */
    } else {
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
        }
    }
    gls_put_u64(aad, seq);
    aad[8] = GLS_CT_HANDSHAKE;
    gls_put_u16(aad + 9, 0x0303);
    gls_put_u16(aad + 11, (uint16_t)n);
    want[0] = GLS_CT_HANDSHAKE;
    gls_put_u16(want + 1, 0x0303);
    gls_put_u16(want + 3, (uint16_t)(explicit_len + n + 16));
    if (gcm) {
        gls_put_u64(want + 5, seq);
    }
    ref_aead(evp_of(p->aead), k.key, nonce, aad, sizeof aad, pt, n, want + 5 + explicit_len);
    CHECK(memcmp(rec_a, want, written) == 0);

    CHECK_OK(deframe_open(&r, rec_a, written, &c));
    CHECK_EQ(c.type, GLS_CT_HANDSHAKE);
    CHECK_EQ(c.data.len, n);
    CHECK(n == 0 || memcmp(c.data.p, pt, n) == 0);
    CHECK_EQ(r.seq, seq + 1);
    pair_free(&w, &r);
}

TEST(tls12_aead_against_evp)
{
    static const size_t lens[] = {0, 1, 16, 37, 1000};
    for (size_t i = 0; i < N_PROTS; i++) {
        if (prots[i].mode != GLS_REC_TLS12_GCM && prots[i].mode != GLS_REC_TLS12_CHACHA) {
            continue;
        }
        for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++) {
            for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
                check_aead12(&prots[i], seqs[s], lens[l]);
                if (test_failed) {
                    FAIL("%s seq %llu len %zu", prots[i].name, (unsigned long long)seqs[s],
                         lens[l]);
                }
            }
        }
    }
}

/* TLS 1.3 with ChaCha20-Poly1305 and AES-256-GCM (RFC 8448 covers AES-128-GCM only):
 * nonce iv ^ seq, AAD the header, inner plaintext content || type. */
static void check_aead13(const struct prot *p, uint64_t seq)
{
    uint8_t pt[60];
    uint8_t inner13[61];
    uint8_t want[100];
    uint8_t nonce[12];
    struct keys k = keys_for(p);
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    size_t written = 0;
    CHECK_OK(pair_new(p, &w, &r));
    w.seq = seq;
    fill(pt, sizeof pt, 8);
    CHECK_OK(gls_rec_seal(&w, GLS_CT_ALERT, pt, sizeof pt, NULL, rec_a, MAX_RECORD, &written));
    memcpy(nonce, k.iv, 12);
    for (int i = 0; i < 8; i++) {
        nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
    }
    memcpy(inner13, pt, sizeof pt);
    inner13[sizeof pt] = GLS_CT_ALERT;
    want[0] = GLS_CT_APPLICATION_DATA;
    gls_put_u16(want + 1, 0x0303);
    gls_put_u16(want + 3, sizeof inner13 + 16);
    ref_aead(evp_of(p->aead), k.key, nonce, want, 5, inner13, sizeof inner13, want + 5);
    CHECK_EQ(written, 5 + sizeof inner13 + 16);
    CHECK(memcmp(rec_a, want, written) == 0);
    pair_free(&w, &r);
}

TEST(tls13_aead_against_evp)
{
    for (size_t i = 0; i < N_PROTS; i++) {
        if (prots[i].mode != GLS_REC_TLS13) {
            continue;
        }
        for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++) {
            check_aead13(&prots[i], seqs[s]);
            if (test_failed) {
                FAIL("%s seq %llu", prots[i].name, (unsigned long long)seqs[s]);
            }
        }
    }
}

/* ---- TLS 1.2 CBC through the record layer ---- */

/* A CBC record at sequence seq: header, the IV drawn from rng on the wire, and a fragment
 * that a raw crypto/ context opens under seq || type || 0x0303, so the record layer gave the
 * MAC the right header; then the record layer opens it too. */
static void check_cbc(const struct prot *p, uint64_t seq, size_t n)
{
    static uint8_t pt[GLS_MAX_PLAINTEXT];
    uint8_t hdr11[11];
    unsigned ivs = 0x40;
    gls_rng rng = {counter_rng, &ivs};
    struct keys k = keys_for(p);
    struct gls_rec_dir w;
    struct gls_rec_dir r;
    struct gls_rec_content c;
    gls_cbc_ctx *raw = NULL;
    size_t written = 0;
    size_t off = 0;
    size_t pt_len = 0;
    CHECK_OK(pair_new(p, &w, &r));
    w.seq = seq;
    r.seq = seq;
    fill(pt, n, (unsigned)n + 1);
    CHECK_OK(gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, n, &rng, rec_a, MAX_RECORD, &written));
    CHECK_EQ(written, gls_rec_sealed_len(&w, n));
    CHECK_EQ(rec_a[0], GLS_CT_APPLICATION_DATA);
    CHECK_EQ(gls_get_u16(rec_a + 1), 0x0303);
    CHECK_EQ(gls_get_u16(rec_a + 3), written - 5);
    for (size_t i = 0; i < 16; i++) {
        CHECK_EQ(rec_a[5 + i], 0x40 + i); /* the explicit IV is the rng's */
    }
    memcpy(tmp, rec_a, written);
    gls_put_u64(hdr11, seq);
    hdr11[8] = GLS_CT_APPLICATION_DATA;
    gls_put_u16(hdr11 + 9, 0x0303);
    CHECK_OK(gls_cbc_new(crypto(), p->cbc_key_len, gls_hash_get(crypto(), p->cbc_mac), k.key,
                         k.mac_key, false, p->etm, &raw));
    int err = gls_cbc_open(raw, hdr11, tmp + 5, written - 5, &off, &pt_len);
    gls_cbc_free(raw);
    CHECK_OK(err);
    CHECK_EQ(pt_len, n);
    CHECK(n == 0 || memcmp(tmp + 5 + off, pt, n) == 0);

    CHECK_OK(deframe_open(&r, rec_a, written, &c));
    CHECK_EQ(c.type, GLS_CT_APPLICATION_DATA);
    CHECK_EQ(c.data.len, n);
    CHECK(n == 0 || memcmp(c.data.p, pt, n) == 0);
    pair_free(&w, &r);
}

TEST(tls12_cbc_round_trip)
{
    static const size_t lens[] = {0, 1, 15, 16, 17, 100, GLS_MAX_PLAINTEXT};
    static const uint64_t cbc_seqs[] = {0, 3, 0x0102030405060708u};
    for (size_t i = 0; i < N_PROTS; i++) {
        if (prots[i].mode != GLS_REC_TLS12_CBC) {
            continue;
        }
        for (size_t s = 0; s < sizeof cbc_seqs / sizeof cbc_seqs[0]; s++) {
            for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
                check_cbc(&prots[i], cbc_seqs[s], lens[l]);
                if (test_failed) {
                    FAIL("%s seq %llu len %zu", prots[i].name, (unsigned long long)cbc_seqs[s],
                         lens[l]);
                }
            }
        }
    }
}

/* ---- plaintext records ---- */

TEST(plain_records)
{
    static uint8_t big[GLS_RECORD_HEADER + GLS_MAX_PLAINTEXT + 1];
    uint8_t out[32];
    static const uint8_t hello[] = {1, 0, 0, 2, 0xaa, 0xbb};
    struct gls_rec_dir d = {0};
    struct gls_rec_content c;
    size_t written = 0;
    /* no version set yet: 0x0303 */
    CHECK_OK(
        gls_rec_seal(&d, GLS_CT_HANDSHAKE, hello, sizeof hello, NULL, out, sizeof out, &written));
    CHECK_HEX(out, written, "160303 0006 0100 0002 aabb");
    d.version = 0x0301; /* RFC 8446 §5.1: a ClientHello may say 0x0301 */
    CHECK_OK(
        gls_rec_seal(&d, GLS_CT_HANDSHAKE, hello, sizeof hello, NULL, out, sizeof out, &written));
    CHECK_HEX(out, written, "160301 0006 0100 0002 aabb");
    CHECK_OK(deframe_open(&d, out, written, &c));
    CHECK_EQ(c.type, GLS_CT_HANDSHAKE);
    CHECK_HEX(c.data.p, c.data.len, "0100 0002 aabb");
    CHECK(c.data.p == out + 5);
    /* wiping keys keeps the version */
    gls_rec_dir_wipe(&d);
    CHECK_EQ(d.version, 0x0301);
    CHECK_EQ(d.mode, GLS_REC_PLAIN);
    /* 2^14 passes, 2^14 + 1 is record_overflow (RFC 8446 §5.1, RFC 5246 §6.2.1) */
    big[0] = GLS_CT_APPLICATION_DATA;
    gls_put_u16(big + 1, 0x0303);
    gls_put_u16(big + 3, GLS_MAX_PLAINTEXT);
    CHECK_OK(gls_rec_open(&d, big, GLS_RECORD_HEADER + GLS_MAX_PLAINTEXT, &c));
    CHECK_EQ(c.data.len, GLS_MAX_PLAINTEXT);
    gls_put_u16(big + 3, GLS_MAX_PLAINTEXT + 1);
    CHECK_ERR(gls_rec_open(&d, big, sizeof big, &c), GLS_E_RECORD_OVERFLOW);
    CHECK_ERR(deframe_open(&d, big, sizeof big, &c), GLS_E_RECORD_OVERFLOW);
}

/* ---- sizes and buffers ---- */

/* What each mode adds to n plaintext bytes, worked out from the RFCs here. */
static size_t expected_len(const struct prot *p, size_t n)
{
    size_t mac = p->cbc_mac == GLS_HASH_SHA1 ? 20 : p->cbc_mac == GLS_HASH_SHA256 ? 32 : 48;
    switch (p->mode) {
    case GLS_REC_PLAIN:
        return 5 + n;
    case GLS_REC_TLS13:
        return 5 + n + 1 + 16;
    case GLS_REC_TLS12_GCM:
        return 5 + 8 + n + 16;
    case GLS_REC_TLS12_CHACHA:
        return 5 + n + 16;
    case GLS_REC_TLS12_CBC:
        return p->etm ? 5 + 16 + (n / 16 + 1) * 16 + mac : 5 + 16 + ((n + mac) / 16 + 1) * 16;
    }
    return 0;
}

TEST(sealed_len_is_what_seal_writes)
{
    static const size_t lens[] = {0,  1,  11, 12,  13,   15,    16,   17,
                                  31, 32, 33, 255, 1000, 16383, 16384};
    static uint8_t pt[GLS_MAX_PLAINTEXT];
    fill(pt, sizeof pt, 6);
    for (size_t i = 0; i < N_PROTS; i++) {
        unsigned ivs = 0;
        gls_rng rng = {counter_rng, &ivs};
        struct gls_rec_dir w;
        struct gls_rec_dir r;
        CHECK_OK(pair_new(&prots[i], &w, &r));
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            size_t n = lens[l];
            size_t written = 0;
            struct gls_rec_content c;
            CHECK_OK(gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, n, &rng, rec_a, MAX_RECORD,
                                  &written));
            if (written != gls_rec_sealed_len(&w, n) || written != expected_len(&prots[i], n)) {
                FAIL("%s len %zu: wrote %zu, sealed_len %zu, expected %zu", prots[i].name, n,
                     written, gls_rec_sealed_len(&w, n), expected_len(&prots[i], n));
            }
            CHECK(written - GLS_RECORD_HEADER <= gls_rec_max_fragment(&r));
            CHECK_OK(deframe_open(&r, rec_a, written, &c));
            CHECK_EQ(c.data.len, n);
            CHECK(n == 0 || memcmp(c.data.p, pt, n) == 0);
        }
        pair_free(&w, &r);
    }
}

/* Too small a buffer, or too much plaintext: an error, nothing written, sequence unchanged. */
TEST(seal_refuses_small_buffer)
{
    static uint8_t pt[GLS_MAX_PLAINTEXT + 1];
    static uint8_t out[MAX_RECORD + 64];
    for (size_t i = 0; i < N_PROTS; i++) {
        unsigned ivs = 0;
        gls_rng rng = {counter_rng, &ivs};
        struct gls_rec_dir w;
        struct gls_rec_dir r;
        size_t written = 0;
        CHECK_OK(pair_new(&prots[i], &w, &r));
        size_t need = gls_rec_sealed_len(&w, 100);
        memset(out, 0xa5, sizeof out);
        CHECK_ERR(gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, 100, &rng, out, need - 1, &written),
                  GLS_E_INTERNAL);
        CHECK_ERR(gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, 100, &rng, out, 0, &written),
                  GLS_E_INTERNAL);
        CHECK_ERR(gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, GLS_MAX_PLAINTEXT + 1, &rng, out,
                               sizeof out, &written),
                  GLS_E_INTERNAL);
        for (size_t j = 0; j < sizeof out; j++) {
            if (out[j] != 0xa5) {
                FAIL("%s: byte %zu written by a refused seal", prots[i].name, j);
            }
        }
        CHECK_EQ(w.seq, 0);
        CHECK_OK(gls_rec_seal(&w, GLS_CT_APPLICATION_DATA, pt, 100, &rng, out, need, &written));
        CHECK_EQ(written, need);
        CHECK_EQ(out[need], 0xa5);
        CHECK_EQ(w.seq, prots[i].mode == GLS_REC_PLAIN ? 0 : 1); /* plaintext has no sequence */
        pair_free(&w, &r);
    }
}

/* With pt at out + 5 the AEAD and plain modes seal in place, to the same bytes. */
TEST(seal_in_place)
{
    static uint8_t pt[300];
    fill(pt, sizeof pt, 12);
    for (size_t i = 0; i < N_PROTS; i++) {
        struct gls_rec_dir a;
        struct gls_rec_dir b;
        size_t a_len = 0;
        size_t b_len = 0;
        if (prots[i].mode == GLS_REC_TLS12_CBC) {
            continue;
        }
        CHECK_OK(pair_new(&prots[i], &a, &b));
        CHECK_OK(install(&prots[i], &b, true));
        CHECK_OK(
            gls_rec_seal(&a, GLS_CT_HANDSHAKE, pt, sizeof pt, NULL, rec_a, MAX_RECORD, &a_len));
        memcpy(rec_b + 5, pt, sizeof pt);
        CHECK_OK(gls_rec_seal(&b, GLS_CT_HANDSHAKE, rec_b + 5, sizeof pt, NULL, rec_b, MAX_RECORD,
                              &b_len));
        CHECK_EQ(a_len, b_len);
        if (memcmp(rec_a, rec_b, a_len) != 0) {
            FAIL("%s: sealing in place differs", prots[i].name);
        }
        pair_free(&a, &b);
    }
}

/* ---- installing keys ---- */

TEST(install_keys)
{
    uint8_t key[32] = {0};
    uint8_t iv[12] = {0};
    struct gls_rec_dir d = {0};
    const gls_aead_alg *gcm = gls_aead_get(crypto(), GLS_AEAD_AES_128_GCM);
    /* iv lengths: 4 for TLS 1.2 GCM's salt, 12 otherwise */
    CHECK_ERR(gls_rec_set_aead(&d, GLS_REC_TLS12_GCM, gcm, key, iv, 12, true), GLS_E_INTERNAL);
    CHECK_ERR(gls_rec_set_aead(&d, GLS_REC_TLS13, gcm, key, iv, 4, true), GLS_E_INTERNAL);
    CHECK_ERR(gls_rec_set_aead(&d, GLS_REC_PLAIN, gcm, key, iv, 12, true), GLS_E_INTERNAL);
    CHECK_ERR(gls_rec_set_aead(&d, GLS_REC_TLS12_CBC, gcm, key, iv, 12, true), GLS_E_INTERNAL);
    CHECK_EQ(d.mode, GLS_REC_PLAIN);
    d.version = 0x0303;
    CHECK_OK(gls_rec_set_aead(&d, GLS_REC_TLS13, gcm, key, iv, 12, true));
    d.seq = 41;
    /* new keys restart the sequence (RFC 8446 §5.3) */
    CHECK_OK(gls_rec_set_aead(&d, GLS_REC_TLS12_GCM, gcm, key, iv, 4, true));
    CHECK_EQ(d.mode, GLS_REC_TLS12_GCM);
    CHECK_EQ(d.seq, 0);
    d.seq = 7;
    CHECK_OK(gls_rec_set_cbc(&d, crypto(), 16, gls_hash_get(crypto(), GLS_HASH_SHA256), key, key,
                             true, true));
    CHECK_EQ(d.mode, GLS_REC_TLS12_CBC);
    CHECK_EQ(d.seq, 0);
    CHECK(d.aead == NULL);
    gls_rec_dir_wipe(&d);
    CHECK_EQ(d.mode, GLS_REC_PLAIN);
    CHECK(d.cbc == NULL);
    CHECK_EQ(d.version, 0x0303);
}
