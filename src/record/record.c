/* record/record.c — record framing and the four protection modes (RFC 8446
 * §5.1-§5.3, RFC 5246 §6.2, RFC 5288 §3, RFC 7905 §2, RFC 7366). Records are
 * opened in place and sealed straight into the output buffer; nothing here
 * allocates except installing keys. */
#include "record/record.h"

#include <string.h>

#include "base/wire.h"

#define TAG_LEN      16
#define EXPLICIT_LEN 8
#define CBC_BLOCK    16
/* TLS 1.3 puts the content type after the content. Sealing from, or opening into, a
 * buffer the type byte is not part of takes a second AEAD call for that one byte,
 * which costs libcrypto a fresh keystream block and its per-call overhead (about
 * 250 instructions with AES-GCM, 700 with ChaCha20-Poly1305). Below this size a
 * copy costs less, so smaller records are copied next to their type byte and run
 * through the AEAD in one call. */
#define SMALL_RECORD 4096

/* see record.h */
size_t gls_rec_max_fragment(const struct gls_rec_dir *d)
{
    switch (d->mode) {
    case GLS_REC_PLAIN:
        return GLS_MAX_PLAINTEXT;
    case GLS_REC_TLS13:
        return GLS_MAX_CIPHERTEXT13;
    default:
        return GLS_MAX_CIPHERTEXT12;
    }
}

/* IV || CBC(data [|| MAC] || padding) [|| MAC]: gls_cbc_seal pads minimally, with
 * 1 to 16 bytes, the length byte included (RFC 5246 §6.2.3.2, RFC 7366 §3). */
static size_t cbc_fragment_len(const struct gls_rec_dir *d, size_t n)
{
    size_t body = d->cbc_etm ? n : n + d->cbc_mac_len;
    size_t ct = (body / CBC_BLOCK + 1) * CBC_BLOCK;
    return CBC_BLOCK + ct + (d->cbc_etm ? d->cbc_mac_len : 0);
}

/* see record.h */
size_t gls_rec_sealed_len(const struct gls_rec_dir *d, size_t n)
{
    switch (d->mode) {
    case GLS_REC_PLAIN:
        return GLS_RECORD_HEADER + n;
    case GLS_REC_TLS13:
        return GLS_RECORD_HEADER + n + 1 + TAG_LEN;
    case GLS_REC_TLS12_GCM:
        return GLS_RECORD_HEADER + EXPLICIT_LEN + n + TAG_LEN;
    case GLS_REC_TLS12_CHACHA:
        return GLS_RECORD_HEADER + n + TAG_LEN;
    case GLS_REC_TLS12_CBC:
        return GLS_RECORD_HEADER + cbc_fragment_len(d, n);
    }
    return 0;
}

/* see record.h */
void gls_rec_dir_wipe(struct gls_rec_dir *d)
{
    uint16_t version = d->version;
    gls_aead_free(d->aead);
    gls_cbc_free(d->cbc);
    gls_wipe(d, sizeof *d);
    d->mode = GLS_REC_PLAIN;
    d->version = version;
}

/* see record.h */
int gls_rec_set_aead(struct gls_rec_dir *d, enum gls_rec_mode mode, const gls_aead_alg *a,
                     const uint8_t *key, const uint8_t *iv, size_t iv_len, bool encrypt)
{
    gls_aead_ctx *x = NULL;
    size_t want_iv = mode == GLS_REC_TLS12_GCM ? 4 : 12;
    if (iv_len != want_iv || mode == GLS_REC_PLAIN || mode == GLS_REC_TLS12_CBC) {
        return GLS_E_INTERNAL;
    }
    if (d->aead != NULL && d->mode == mode && gls_aead_rekey(d->aead, a, key, encrypt) == GLS_OK) {
        x = d->aead; /* the next epoch's key in the same libcrypto context */
        d->aead = NULL;
    } else {
        TRY(gls_aead_new(a, key, encrypt, &x));
    }
    gls_rec_dir_wipe(d);
    d->mode = mode;
    d->aead = x;
    memcpy(d->iv, iv, iv_len);
    return GLS_OK;
}

/* see record.h */
int gls_rec_set_cbc(struct gls_rec_dir *d, const gls_crypto *c, size_t key_len,
                    const gls_hash_alg *mac, const uint8_t *key, const uint8_t *mac_key, bool etm,
                    bool encrypt)
{
    gls_cbc_ctx *x = NULL;
    TRY(gls_cbc_new(c, key_len, mac, key, mac_key, encrypt, etm, &x));
    gls_rec_dir_wipe(d);
    d->mode = GLS_REC_TLS12_CBC;
    d->cbc = x;
    d->cbc_mac_len = mac->len;
    d->cbc_etm = etm;
    return GLS_OK;
}

/* see record.h */
int gls_rec_header(const uint8_t *p, size_t n, size_t max_fragment, uint8_t *type, size_t *frag_len)
{
    if (n < GLS_RECORD_HEADER) {
        return GLS_E_WANT_READ;
    }
    *type = p[0];
    *frag_len = gls_get_u16(p + 3);
    /* RFC 8446 §5.1: legacy_record_version is ignored except for its form */
    if (p[1] != 3) {
        return GLS_E_DECODE;
    }
    if (*frag_len > max_fragment) {
        return GLS_E_RECORD_OVERFLOW;
    }
    return GLS_OK;
}

/* The per-record nonce iv ^ seq (RFC 8446 §5.3, RFC 7905 §2). */
static void xor_nonce(const struct gls_rec_dir *d, uint8_t nonce[12])
{
    memcpy(nonce, d->iv, 12);
    for (int i = 0; i < 8; i++) {
        nonce[11 - i] ^= (uint8_t)(d->seq >> (8 * i));
    }
}

/* TLS 1.2 additional data: seq_num || type || version || length (RFC 5246 §6.2.3.3).
 * Opening uses the record's own version, so a record whose header version is not the one
 * it was sealed with fails its MAC. */
static void aad12(const struct gls_rec_dir *d, uint8_t type, uint16_t version, size_t len,
                  uint8_t out[13])
{
    gls_put_u64(out, d->seq);
    out[8] = type;
    gls_put_u16(out + 9, version);
    gls_put_u16(out + 11, (uint16_t)len);
}

/* Opens a TLS 1.3 record: in place when dst is NULL, else out of place into
 * dst[0..cap) with at most the last inner-plaintext byte in a one-byte spill (the
 * content type of an unpadded record; the caller checked the room). */
static int open13(struct gls_rec_dir *d, uint8_t *p, size_t len, uint8_t *dst, size_t cap,
                  struct gls_rec_content *out)
{
    uint8_t nonce[12];
    uint8_t spill = 0;
    uint8_t *body = p + GLS_RECORD_HEADER;
    size_t n = len - GLS_RECORD_HEADER;
    /* RFC 8446 §5.2: protected records carry outer type application_data */
    if (p[0] != GLS_CT_APPLICATION_DATA) {
        return GLS_E_UNEXPECTED_MESSAGE;
    }
    if (n < TAG_LEN + 1) {
        return GLS_E_BAD_RECORD_MAC;
    }
    n -= TAG_LEN;
    uint8_t *pt = dst != NULL ? dst : body;
    size_t n1 = dst != NULL && cap < n ? cap : n;
    if (n - n1 > sizeof spill) {
        return GLS_E_INTERNAL;
    }
    xor_nonce(d, nonce);
    TRY(gls_aead_open_to(d->aead, nonce, p, GLS_RECORD_HEADER, body, n, body + n, pt, n1, &spill));
    int err = GLS_OK;
    size_t k = n1; /* TLSInnerPlaintext without its padding, ending in the type */
    if (n > GLS_MAX_PLAINTEXT + 1) {
        /* RFC 8446 §5.4: the whole TLSInnerPlaintext, padding included, is at most 2^14 + 1 */
        err = GLS_E_RECORD_OVERFLOW;
    } else if (n1 < n && spill != 0) {
        out->type = spill;
    } else {
        while (k > 0 && pt[k - 1] == 0) { /* strip padding */
            k--;
        }
        if (k == 0) { /* RFC 8446 §5.4: no non-zero type octet */
            err = GLS_E_UNEXPECTED_MESSAGE;
        } else {
            out->type = pt[--k];
        }
    }
    if (err != GLS_OK) {
        gls_wipe(pt, n1); /* a refused record leaves nothing behind */
        return err;
    }
    out->data = gls_bytes_of(pt, k);
    return GLS_OK;
}

static int open12_aead(struct gls_rec_dir *d, uint8_t *p, size_t len, struct gls_rec_content *out)
{
    uint8_t nonce[12];
    uint8_t aad[13];
    uint8_t *body = p + GLS_RECORD_HEADER;
    size_t n = len - GLS_RECORD_HEADER;
    size_t explicit_len = d->mode == GLS_REC_TLS12_GCM ? EXPLICIT_LEN : 0;
    if (n < explicit_len + TAG_LEN) {
        return GLS_E_BAD_RECORD_MAC;
    }
    if (explicit_len > 0) { /* RFC 5288 §3: salt || nonce_explicit */
        memcpy(nonce, d->iv, 4);
        memcpy(nonce + 4, body, EXPLICIT_LEN);
    } else {
        xor_nonce(d, nonce);
    }
    size_t ct = n - explicit_len - TAG_LEN;
    aad12(d, p[0], gls_get_u16(p + 1), ct, aad);
    TRY(gls_aead_open(d->aead, nonce, aad, sizeof aad, body + explicit_len, ct,
                      body + explicit_len + ct));
    out->type = p[0];
    out->data = gls_bytes_of(body + explicit_len, ct);
    return GLS_OK;
}

static int open12_cbc(struct gls_rec_dir *d, uint8_t *p, size_t len, struct gls_rec_content *out)
{
    uint8_t hdr[11];
    size_t off = 0;
    size_t pt = 0;
    gls_put_u64(hdr, d->seq);
    hdr[8] = p[0];
    hdr[9] = p[1]; /* the record's own version, as in aad12 */
    hdr[10] = p[2];
    TRY(gls_cbc_open(d->cbc, hdr, p + GLS_RECORD_HEADER, len - GLS_RECORD_HEADER, &off, &pt));
    out->type = p[0];
    out->data = gls_bytes_of(p + GLS_RECORD_HEADER + off, pt);
    return GLS_OK;
}

/* see record.h */
int gls_rec_open(struct gls_rec_dir *d, uint8_t *p, size_t len, struct gls_rec_content *out)
{
    int err = GLS_OK;
    if (len < GLS_RECORD_HEADER) {
        return GLS_E_DECODE;
    }
    if (gls_get_u16(p + 3) != len - GLS_RECORD_HEADER) { /* not the record gls_rec_header framed */
        return GLS_E_INTERNAL;
    }
    switch (d->mode) {
    case GLS_REC_PLAIN:
        out->type = p[0];
        out->data = gls_bytes_of(p + GLS_RECORD_HEADER, len - GLS_RECORD_HEADER);
        return out->data.len > GLS_MAX_PLAINTEXT ? GLS_E_RECORD_OVERFLOW : GLS_OK;
    case GLS_REC_TLS13:
        err = open13(d, p, len, NULL, 0, out);
        break;
    case GLS_REC_TLS12_GCM:
    case GLS_REC_TLS12_CHACHA:
        err = open12_aead(d, p, len, out);
        break;
    case GLS_REC_TLS12_CBC:
        err = open12_cbc(d, p, len, out);
        break;
    }
    if (err == GLS_OK) {
        if (out->data.len > GLS_MAX_PLAINTEXT) {
            return GLS_E_RECORD_OVERFLOW;
        }
        d->seq++;
    }
    return err;
}

/* see record.h */
bool gls_rec_can_open_to(const struct gls_rec_dir *d, size_t len, size_t cap)
{
    /* the inner plaintext is the fragment less the tag; one byte of it may spill */
    if (d->mode != GLS_REC_TLS13 || len < GLS_RECORD_HEADER + TAG_LEN + 1) {
        return false;
    }
    size_t inner = len - GLS_RECORD_HEADER - TAG_LEN;
    return cap >= inner || (cap + 1 == inner && inner > SMALL_RECORD);
}

/* see record.h */
int gls_rec_open_to(struct gls_rec_dir *d, uint8_t *p, size_t len, uint8_t *dst, size_t cap,
                    struct gls_rec_content *out)
{
    if (!gls_rec_can_open_to(d, len, cap) || gls_get_u16(p + 3) != len - GLS_RECORD_HEADER) {
        return GLS_E_INTERNAL;
    }
    TRY(open13(d, p, len, dst, cap, out));
    d->seq++;
    return GLS_OK;
}

static void put_header(uint8_t *out, uint8_t type, uint16_t version, size_t len)
{
    out[0] = type;
    gls_put_u16(out + 1, version);
    gls_put_u16(out + 3, (uint16_t)len);
}

/* memmove that accepts an empty source (NULL pointer with n == 0). */
static void move_in(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n > 0) {
        memmove(dst, src, n);
    }
}

/* True if pt[0..n) lies apart from the record being written at out[0..len):
 * then the AEAD reads it where it is and writes the ciphertext once. */
static bool apart(const uint8_t *pt, size_t n, const uint8_t *out, size_t len)
{
    uintptr_t a = (uintptr_t)pt;
    uintptr_t b = (uintptr_t)out;
    return n == 0 || a + n <= b || a >= b + len;
}

static int seal13(struct gls_rec_dir *d, uint8_t type, const uint8_t *pt, size_t n, uint8_t *out)
{
    uint8_t nonce[12];
    uint8_t *body = out + GLS_RECORD_HEADER;
    bool in_place = !apart(pt, n, out, GLS_RECORD_HEADER + n + 1 + TAG_LEN);
    if (in_place || n < SMALL_RECORD) {
        move_in(body, pt, n); /* overlapping, already in place, or small: seal in place */
    }
    put_header(out, GLS_CT_APPLICATION_DATA, GLS_TLS12, n + 1 + TAG_LEN);
    xor_nonce(d, nonce);
    if (in_place || n < SMALL_RECORD) {
        body[n] = type;
        return gls_aead_seal(d->aead, nonce, out, GLS_RECORD_HEADER, body, n + 1, body + n + 1);
    }
    return gls_aead_seal_parts(d->aead, nonce, out, GLS_RECORD_HEADER, pt, n, &type, 1, body,
                               body + n + 1);
}

static int seal12_aead(struct gls_rec_dir *d, uint8_t type, const uint8_t *pt, size_t n,
                       uint8_t *out)
{
    uint8_t nonce[12];
    uint8_t aad[13];
    size_t explicit_len = d->mode == GLS_REC_TLS12_GCM ? EXPLICIT_LEN : 0;
    uint8_t *body = out + GLS_RECORD_HEADER + explicit_len;
    if (!apart(pt, n, out, GLS_RECORD_HEADER + explicit_len + n + TAG_LEN)) {
        move_in(body, pt, n); /* first: pt may be out + 5, where the explicit nonce goes */
        pt = body;
    }
    put_header(out, type, GLS_TLS12, explicit_len + n + TAG_LEN);
    if (explicit_len > 0) { /* the sequence number is a unique explicit nonce */
        memcpy(nonce, d->iv, 4);
        gls_put_u64(nonce + 4, d->seq);
        memcpy(out + GLS_RECORD_HEADER, nonce + 4, EXPLICIT_LEN);
    } else {
        xor_nonce(d, nonce);
    }
    aad12(d, type, GLS_TLS12, n, aad);
    return gls_aead_seal_parts(d->aead, nonce, aad, sizeof aad, pt, n, NULL, 0, body, body + n);
}

static int seal12_cbc(struct gls_rec_dir *d, uint8_t type, const uint8_t *pt, size_t n,
                      const gls_rng *rng, uint8_t *out, size_t *body_len)
{
    uint8_t hdr[11];
    uint8_t iv[16];
    gls_put_u64(hdr, d->seq);
    hdr[8] = type;
    gls_put_u16(hdr + 9, GLS_TLS12);
    TRY(gls_rand(rng, iv, sizeof iv));
    TRY(gls_cbc_seal(d->cbc, hdr, iv, pt, n, out + GLS_RECORD_HEADER, body_len));
    put_header(out, type, GLS_TLS12, *body_len);
    return GLS_OK;
}

/* see record.h */
int gls_rec_seal(struct gls_rec_dir *d, uint8_t type, const uint8_t *pt, size_t n,
                 const gls_rng *rng, uint8_t *out, size_t cap, size_t *written)
{
    size_t need = gls_rec_sealed_len(d, n);
    size_t body = 0;
    if (n > GLS_MAX_PLAINTEXT || cap < need) {
        return GLS_E_INTERNAL;
    }
    switch (d->mode) {
    case GLS_REC_PLAIN:
        put_header(out, type, d->version ? d->version : GLS_TLS12, n);
        move_in(out + GLS_RECORD_HEADER, pt, n);
        *written = need;
        return GLS_OK;
    case GLS_REC_TLS13:
        TRY(seal13(d, type, pt, n, out));
        break;
    case GLS_REC_TLS12_GCM:
    case GLS_REC_TLS12_CHACHA:
        TRY(seal12_aead(d, type, pt, n, out));
        break;
    case GLS_REC_TLS12_CBC:
        TRY(seal12_cbc(d, type, pt, n, rng, out, &body));
        need = GLS_RECORD_HEADER + body;
        break;
    }
    d->seq++;
    *written = need;
    return GLS_OK;
}
