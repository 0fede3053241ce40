/* record/record.h — record framing and protection (RFC 8446 §5, RFC 5246 §6.2).
 *
 * The record layer knows nothing of handshake semantics: it frames bytes of a
 * content type into records, protects them under whatever keys the handshake
 * installed for a direction, and opens received records in place. Keys arrive
 * as raw key and IV bytes; deriving them is keys/'s business. Sequence numbers
 * start at zero whenever keys are installed. */
#ifndef GLS_RECORD_RECORD_H
#define GLS_RECORD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "crypto/crypto.h"

/* How a direction is protected. */
enum gls_rec_mode {
    GLS_REC_PLAIN,        /* no keys yet */
    GLS_REC_TLS13,        /* AEAD, nonce = iv ^ seq, inner content type (RFC 8446 §5.2) */
    GLS_REC_TLS12_GCM,    /* AES-GCM, nonce = salt(4) || explicit(8) (RFC 5288) */
    GLS_REC_TLS12_CHACHA, /* ChaCha20-Poly1305, nonce = iv ^ seq (RFC 7905) */
    GLS_REC_TLS12_CBC,    /* CBC + HMAC, MtE or EtM (RFC 5246 §6.2.3.2, RFC 7366) */
};

/* One direction's protection state. */
struct gls_rec_dir {
    enum gls_rec_mode mode;
    gls_aead_ctx *aead;
    gls_cbc_ctx *cbc;
    size_t cbc_mac_len; /* CBC only: the HMAC's length, for exact record sizes */
    bool cbc_etm;       /* CBC only: encrypt-then-MAC (RFC 7366) */
    uint8_t iv[12];
    uint64_t seq;
    uint16_t version; /* legacy_record_version written on sealed records */
};

/* Content of an opened record: its type and a view of its plaintext (inside
 * the buffer that was opened in place). */
struct gls_rec_content {
    uint8_t type;
    gls_bytes data;
};

/* The largest record fragment accepted for a mode (plaintext limit plus the
 * expansion the RFC allows). */
size_t gls_rec_max_fragment(const struct gls_rec_dir *d);
/* Bytes a record of n plaintext bytes takes on the wire, header included:
 * exactly what gls_rec_seal writes for it. */
size_t gls_rec_sealed_len(const struct gls_rec_dir *d, size_t n);

/* Installs AEAD keys: mode TLS13, TLS12_GCM (iv = 4-byte salt) or TLS12_CHACHA
 * (iv 12 bytes). Frees the previous keys. seq restarts at 0. */
GLS_MUST_CHECK int gls_rec_set_aead(struct gls_rec_dir *d, enum gls_rec_mode mode,
                                    const gls_aead_alg *a, const uint8_t *key, const uint8_t *iv,
                                    size_t iv_len, bool encrypt);
/* Installs CBC keys (TLS 1.2). */
GLS_MUST_CHECK int gls_rec_set_cbc(struct gls_rec_dir *d, const gls_crypto *c, size_t key_len,
                                   const gls_hash_alg *mac, const uint8_t *key,
                                   const uint8_t *mac_key, bool etm, bool encrypt);
/* Frees and wipes a direction's keys; back to plaintext. */
void gls_rec_dir_wipe(struct gls_rec_dir *d);

/* Parses a record header: type, version and fragment length. GLS_E_WANT_READ
 * if fewer than 5 bytes; GLS_E_RECORD_OVERFLOW if the length exceeds max;
 * GLS_E_DECODE for a version byte pair that is not 0x03xx. */
GLS_MUST_CHECK int gls_rec_header(const uint8_t *p, size_t n, size_t max_fragment, uint8_t *type,
                                  size_t *frag_len);

/* Opens one whole record p[0 .. 5 + frag_len) in place (len must match the
 * header's length: GLS_E_INTERNAL otherwise); plaintext records pass through.
 * TLS 1.3: strips padding and reads the inner type. Errors:
 * GLS_E_BAD_RECORD_MAC, GLS_E_RECORD_OVERFLOW (plaintext over 2^14, or a TLS
 * 1.3 TLSInnerPlaintext over 2^14 + 1), GLS_E_UNEXPECTED_MESSAGE (TLS 1.3: outer
 * type not application_data, or no non-zero inner type). On failure the
 * sequence number does not advance and the fragment's bytes are unspecified. */
GLS_MUST_CHECK int gls_rec_open(struct gls_rec_dir *d, uint8_t *p, size_t len,
                                struct gls_rec_content *out);

/* True if gls_rec_open_to opens the whole record p[0..len) into cap bytes: TLS
 * 1.3 records whose inner plaintext (content, type, padding) fits in cap bytes,
 * or in cap + 1 for records over 4 KiB (the type byte then spills; smaller
 * records open faster in place and copied, see record.c). */
bool gls_rec_can_open_to(const struct gls_rec_dir *d, size_t len, size_t cap);
/* Opens one TLS 1.3 record like gls_rec_open, but decrypts it out of place
 * straight into dst[0..cap) (the caller's read buffer): out->data then points
 * into dst, and p keeps the ciphertext. GLS_E_INTERNAL unless
 * gls_rec_can_open_to(d, len, cap). On any failure dst[0..cap) holds nothing of
 * the record (what was decrypted is wiped) and the sequence number does not
 * advance. */
GLS_MUST_CHECK int gls_rec_open_to(struct gls_rec_dir *d, uint8_t *p, size_t len, uint8_t *dst,
                                   size_t cap, struct gls_rec_content *out);

/* Seals one record of type with n <= 2^14 plaintext bytes into out, header
 * included; *written is the record's length, gls_rec_sealed_len(d, n). rng
 * supplies CBC IVs. GLS_E_INTERNAL, with nothing written, if n > 2^14 or cap is
 * too small. pt may be out + 5 (sealing in place) except in CBC mode, where pt
 * and out must not overlap. */
GLS_MUST_CHECK int gls_rec_seal(struct gls_rec_dir *d, uint8_t type, const uint8_t *pt, size_t n,
                                const gls_rng *rng, uint8_t *out, size_t cap, size_t *written);

#endif
