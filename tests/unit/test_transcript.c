/* The handshake transcript (keys/transcript.c, RFC 8446 §4.4.1): the running digest
 * equals the one-shot hash of the concatenated messages under SHA-256 and SHA-384,
 * before and after the hash is chosen; keep_other, drop_other and choosing twice;
 * the HelloRetryRequest rewrite against a hand-built message_hash || HRR; and
 * digest_with, which must leave the transcript as it was. The RFC 8448 §3
 * transcript hashes pin the whole thing to published values. */
#include "harness.h"

#include "codec/codec_util.h"
#include "crypto/crypto.h"
#include "keys/transcript.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        fprintf(stderr, "gls_crypto_new failed\n");
        abort();
    }
    return c;
}

static const gls_hash_alg *alg(gls_hash_id id)
{
    return gls_hash_get(crypto(), id);
}

/* Three fake handshake messages of awkward sizes (the middle one spans several
 * SHA-384 blocks), and their concatenation. */
struct msgs {
    uint8_t buf[700];
    gls_bytes m[3];
    size_t total;
};

static void make_msgs(struct msgs *s)
{
    static const size_t lens[3] = {131, 517, 36};
    size_t off = 0;
    for (size_t i = 0; i < sizeof s->buf; i++) {
        s->buf[i] = (uint8_t)(i * 37 + 11);
    }
    for (int i = 0; i < 3; i++) {
        s->m[i] = gls_bytes_of(s->buf + off, lens[i]);
        off += lens[i];
    }
    s->total = off;
}

/* digest_as(id) equals Hash_id(p[0..n)). */
static bool digest_is(const gls_transcript *t, gls_hash_id id, const uint8_t *p, size_t n)
{
    uint8_t want[GLS_MAX_HASH];
    gls_digest d;
    if (gls_hash(alg(id), p, n, want) != GLS_OK || gls_transcript_digest_as(t, id, &d) != GLS_OK) {
        return false;
    }
    return d.len == alg(id)->len && memcmp(d.b, want, d.len) == 0;
}

static bool chosen_digest_is(const gls_transcript *t, gls_hash_id id, const uint8_t *p, size_t n)
{
    uint8_t want[GLS_MAX_HASH];
    gls_digest d;
    if (gls_hash(alg(id), p, n, want) != GLS_OK || gls_transcript_digest(t, &d) != GLS_OK) {
        return false;
    }
    return d.len == alg(id)->len && memcmp(d.b, want, d.len) == 0;
}

TEST(digest_before_and_after_choose)
{
    static const gls_hash_id ids[2] = {GLS_HASH_SHA256, GLS_HASH_SHA384};
    struct msgs s;
    make_msgs(&s);
    for (int k = 0; k < 2; k++) {
        gls_transcript t;
        gls_digest d;
        CHECK_OK(gls_transcript_init(&t, crypto()));
        CHECK(digest_is(&t, GLS_HASH_SHA256, s.buf, 0));
        CHECK(digest_is(&t, GLS_HASH_SHA384, s.buf, 0));
        CHECK_ERR(gls_transcript_digest(&t, &d), GLS_E_INTERNAL); /* no hash chosen yet */
        size_t so_far = 0;
        for (int i = 0; i < 2; i++) {
            CHECK_OK(gls_transcript_add(&t, s.m[i]));
            so_far += s.m[i].len;
            CHECK(digest_is(&t, GLS_HASH_SHA256, s.buf, so_far));
            CHECK(digest_is(&t, GLS_HASH_SHA384, s.buf, so_far));
        }
        CHECK_OK(gls_transcript_choose(&t, alg(ids[k]), false));
        CHECK(chosen_digest_is(&t, ids[k], s.buf, so_far));
        CHECK_OK(gls_transcript_add(&t, s.m[2]));
        CHECK(chosen_digest_is(&t, ids[k], s.buf, s.total));
        CHECK(digest_is(&t, ids[k], s.buf, s.total));
        CHECK_ERR(gls_transcript_digest_as(&t, ids[1 - k], &d), GLS_E_INTERNAL); /* dropped */
        CHECK_EQ(gls_transcript_len(&t), s.total);
        gls_transcript_free(&t);
    }
}

TEST(keep_other_then_drop)
{
    struct msgs s;
    gls_transcript t;
    gls_digest d;
    make_msgs(&s);
    CHECK_OK(gls_transcript_init(&t, crypto()));
    CHECK_OK(gls_transcript_add(&t, s.m[0]));
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA384), true));
    CHECK_OK(gls_transcript_add(&t, s.m[1]));
    CHECK_OK(gls_transcript_add(&t, s.m[2]));
    /* TLS 1.2 CertificateVerify under the other hash, while the PRF hash runs on */
    CHECK(digest_is(&t, GLS_HASH_SHA256, s.buf, s.total));
    CHECK(chosen_digest_is(&t, GLS_HASH_SHA384, s.buf, s.total));
    gls_transcript_drop_other(&t);
    CHECK_ERR(gls_transcript_digest_as(&t, GLS_HASH_SHA256, &d), GLS_E_INTERNAL);
    CHECK(chosen_digest_is(&t, GLS_HASH_SHA384, s.buf, s.total));
    CHECK(digest_is(&t, GLS_HASH_SHA384, s.buf, s.total));
    gls_transcript_drop_other(&t); /* idempotent */
    CHECK(chosen_digest_is(&t, GLS_HASH_SHA384, s.buf, s.total));
    gls_transcript_free(&t);
}

TEST(choose_rules)
{
    gls_transcript t;
    gls_digest d;
    CHECK_OK(gls_transcript_init(&t, crypto()));
    CHECK_ERR(gls_transcript_choose(&t, alg(GLS_HASH_SHA1), false), GLS_E_UNSUPPORTED);
    CHECK_ERR(gls_transcript_choose(&t, alg(GLS_HASH_SHA512), true), GLS_E_UNSUPPORTED);
    CHECK_ERR(gls_transcript_digest_as(&t, GLS_HASH_SHA512, &d), GLS_E_UNSUPPORTED);
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), true));
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), true)); /* same hash again: fine */
    CHECK_ERR(gls_transcript_choose(&t, alg(GLS_HASH_SHA384), true), GLS_E_INTERNAL);
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), false)); /* now drops SHA-384 */
    CHECK_ERR(gls_transcript_digest_as(&t, GLS_HASH_SHA384, &d), GLS_E_INTERNAL);
    CHECK_ERR(gls_transcript_choose(&t, alg(GLS_HASH_SHA384), false), GLS_E_INTERNAL);
    CHECK(chosen_digest_is(&t, GLS_HASH_SHA256, NULL, 0));
    gls_transcript_free(&t);

    /* choosing after the other was chosen and dropped, the other way round */
    CHECK_OK(gls_transcript_init(&t, crypto()));
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA384), false));
    CHECK_ERR(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), false), GLS_E_INTERNAL);
    CHECK_ERR(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), true), GLS_E_INTERNAL);
    CHECK(chosen_digest_is(&t, GLS_HASH_SHA384, NULL, 0));
    gls_transcript_free(&t);
}

/* Hash(message_hash(254) || 00 00 Hash.length || Hash(CH1) || rest) built by hand. */
static bool hrr_digest_is(const gls_transcript *t, gls_hash_id id, gls_bytes ch1,
                          const uint8_t *rest, size_t rest_len)
{
    uint8_t buf[4 + GLS_MAX_HASH + 1024];
    const gls_hash_alg *h = alg(id);
    if (gls_hash(h, ch1.p, ch1.len, buf + 4) != GLS_OK || rest_len > 1024) {
        return false;
    }
    buf[0] = 254;
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = (uint8_t)h->len;
    memcpy(buf + 4 + h->len, rest, rest_len);
    return digest_is(t, id, buf, 4 + h->len + rest_len);
}

TEST(hrr_rewrite_both_hashes)
{
    struct msgs s;
    gls_transcript t;
    make_msgs(&s);
    gls_bytes ch1 = s.m[0];
    const uint8_t *rest = s.m[1].p; /* HRR || CH2, contiguous in s.buf */
    size_t rest_len = s.m[1].len + s.m[2].len;
    CHECK_OK(gls_transcript_init(&t, crypto()));
    CHECK_OK(gls_transcript_add(&t, ch1));
    CHECK_OK(gls_transcript_hrr_rewrite(&t)); /* both hashes still running */
    CHECK_EQ(gls_transcript_len(&t), ch1.len);
    CHECK(hrr_digest_is(&t, GLS_HASH_SHA256, ch1, rest, 0));
    CHECK(hrr_digest_is(&t, GLS_HASH_SHA384, ch1, rest, 0));
    CHECK_OK(gls_transcript_add(&t, s.m[1]));
    CHECK_OK(gls_transcript_add(&t, s.m[2]));
    CHECK(hrr_digest_is(&t, GLS_HASH_SHA256, ch1, rest, rest_len));
    CHECK(hrr_digest_is(&t, GLS_HASH_SHA384, ch1, rest, rest_len));
    CHECK_EQ(gls_transcript_len(&t), s.total);
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA384), false));
    CHECK(hrr_digest_is(&t, GLS_HASH_SHA384, ch1, rest, rest_len));
    gls_transcript_free(&t);
}

/* The engine's order: the HRR's suite is chosen first, then the rewrite. */
TEST(hrr_rewrite_after_choose)
{
    static const gls_hash_id ids[2] = {GLS_HASH_SHA256, GLS_HASH_SHA384};
    struct msgs s;
    make_msgs(&s);
    for (int k = 0; k < 2; k++) {
        gls_transcript t;
        gls_digest d;
        CHECK_OK(gls_transcript_init(&t, crypto()));
        CHECK_OK(gls_transcript_add(&t, s.m[0]));
        CHECK_OK(gls_transcript_choose(&t, alg(ids[k]), false));
        CHECK_OK(gls_transcript_hrr_rewrite(&t));
        CHECK_ERR(gls_transcript_digest_as(&t, ids[1 - k], &d), GLS_E_INTERNAL);
        CHECK_OK(gls_transcript_add(&t, s.m[1]));
        CHECK(hrr_digest_is(&t, ids[k], s.m[0], s.m[1].p, s.m[1].len));
        CHECK_OK(gls_transcript_digest(&t, &d));
        CHECK(hrr_digest_is(&t, ids[k], s.m[0], s.m[1].p, s.m[1].len));
        gls_transcript_free(&t);
    }
}

TEST(digest_with_leaves_transcript_alone)
{
    struct msgs s;
    gls_transcript t;
    gls_digest before;
    gls_digest with;
    gls_digest after;
    make_msgs(&s);
    CHECK_OK(gls_transcript_init(&t, crypto()));
    CHECK_OK(gls_transcript_add(&t, s.m[0]));
    CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), true));
    for (int i = 0; i < 2; i++) {
        gls_hash_id id = i == 0 ? GLS_HASH_SHA256 : GLS_HASH_SHA384;
        uint8_t want[GLS_MAX_HASH];
        CHECK_OK(gls_transcript_digest_as(&t, id, &before));
        CHECK_OK(gls_transcript_digest_with(&t, id, s.m[1], &with));
        CHECK_OK(gls_hash(alg(id), s.buf, s.m[0].len + s.m[1].len, want));
        CHECK(with.len == alg(id)->len && memcmp(with.b, want, with.len) == 0);
        CHECK_OK(gls_transcript_digest_as(&t, id, &after));
        CHECK(after.len == before.len && memcmp(after.b, before.b, before.len) == 0);
        CHECK(digest_is(&t, id, s.buf, s.m[0].len));
        /* an empty extra is the plain digest */
        CHECK_OK(gls_transcript_digest_with(&t, id, gls_bytes_of(NULL, 0), &with));
        CHECK(with.len == before.len && memcmp(with.b, before.b, before.len) == 0);
    }
    CHECK_EQ(gls_transcript_len(&t), s.m[0].len);
    CHECK_OK(gls_transcript_add(&t, s.m[1]));
    CHECK(chosen_digest_is(&t, GLS_HASH_SHA256, s.buf, s.m[0].len + s.m[1].len));
    CHECK_ERR(gls_transcript_digest_with(&t, GLS_HASH_SHA512, s.m[2], &with), GLS_E_UNSUPPORTED);
    gls_transcript_drop_other(&t);
    CHECK_ERR(gls_transcript_digest_with(&t, GLS_HASH_SHA384, s.m[2], &with), GLS_E_INTERNAL);
    gls_transcript_free(&t);
}

TEST(free_is_safe_on_zeroed_and_twice)
{
    gls_transcript t;
    memset(&t, 0, sizeof t);
    gls_transcript_free(&t);
    CHECK_OK(gls_transcript_init(&t, crypto()));
    gls_transcript_free(&t);
    gls_transcript_free(&t);
    CHECK(t.run[0] == NULL && t.run[1] == NULL && t.chosen == NULL);
}

/* RFC 8448 §3: the transcript hashes it prints for "c hs traffic" (CH..SH),
 * "c ap traffic" (CH..server Finished) and "res master" (CH..client Finished). */
TEST(rfc8448_transcript_hashes)
{
    static const char *const names[7] = {
        "client_hello",       "server_hello",    "encrypted_extensions", "certificate",
        "certificate_verify", "server_finished", "client_finished"};
    static uint8_t msg[2048];
    gls_transcript t;
    gls_digest d;
    CHECK_OK(gls_transcript_init(&t, crypto()));
    for (int i = 0; i < 7; i++) {
        size_t n = load_vector("rfc8448.txt", names[i], msg, sizeof msg);
        CHECK(n > 4);
        CHECK_OK(gls_transcript_add(&t, gls_bytes_of(msg, n)));
        if (i == 1) {
            CHECK_OK(gls_transcript_choose(&t, alg(GLS_HASH_SHA256), false));
            CHECK_OK(gls_transcript_digest(&t, &d));
            CHECK_HEX(d.b, d.len,
                      "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
        } else if (i == 5) {
            CHECK_OK(gls_transcript_digest(&t, &d));
            CHECK_HEX(d.b, d.len,
                      "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");
        }
    }
    CHECK_OK(gls_transcript_digest(&t, &d));
    CHECK_HEX(d.b, d.len, "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d");
    gls_transcript_free(&t);
}
