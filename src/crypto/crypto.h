/* crypto/crypto.h — the narrow interface between glasstls and libcrypto.
 *
 * Only src/crypto/ includes OpenSSL headers; no OpenSSL type escapes this
 * header. Algorithms are fetched once into a gls_crypto object (OpenSSL 3
 * fetches are costly) which is then shared read-only: a config owns one, and
 * every connection uses it from any thread. Contexts that hold key material
 * (hash, HMAC, AEAD, CBC, key-exchange and private keys) wipe it when freed.
 * All functions return GLS_OK or a negative GLS_E_* unless they say otherwise. */
#ifndef GLS_CRYPTO_CRYPTO_H
#define GLS_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/errors.h"

#define GLS_MAX_HASH 64 /* SHA-512 */

typedef struct gls_crypto gls_crypto;

/* ---- randomness ----
 * Every random byte glasstls itself draws comes through a gls_rng, so tests,
 * fuzzing and `explain` can be deterministic. */
typedef int (*gls_rng_fn)(void *arg, uint8_t *out, size_t len);
typedef struct {
    gls_rng_fn fn;
    void *arg;
} gls_rng;

/* The system CSPRNG (libcrypto's RAND_bytes); arg is unused. */
GLS_MUST_CHECK int gls_rand_system(void *arg, uint8_t *out, size_t len);
GLS_MUST_CHECK int gls_rand(const gls_rng *rng, uint8_t *out, size_t len);

/* A handshake's random bytes from one system draw. libcrypto 3.0 makes a getpid()
 * system call on every RAND_bytes (its fork check), and a handshake side draws
 * several small values (random, session id, private keys, ticket nonces): a batch
 * fills GLS_RAND_BATCH bytes in one call at the first draw and deals them out,
 * wiping each byte as it leaves; a draw that no longer fits refills it (one more
 * call), and one of at least half its size goes straight to the source. It is
 * per-handshake state (it lives in struct gls_hs and dies with it), never shared.
 * With a config's pool (below, the default where the kernel wipes on fork) the
 * batch only passes each draw on; it gathers draws where there is no pool.
 * A source other than the system CSPRNG (a config's rng hook: tests, fuzzing,
 * `explain`; or the config's pool below, which already draws in bulk) is called
 * exactly as if there were no batch, once per value with that value's length, so
 * deterministic outputs do not change. Pass &b->rng wherever a
 * gls_rng goes. */
#define GLS_RAND_BATCH 256
typedef struct gls_rand_batch {
    gls_rng rng;        /* draws from this batch */
    const gls_rng *src; /* where its bytes come from */
    size_t pos;         /* buf[pos..len) not yet handed out */
    size_t len;
    size_t fills; /* draws from the system source so far (tests) */
    uint8_t buf[GLS_RAND_BATCH];
} gls_rand_batch;
void gls_rand_batch_init(gls_rand_batch *b, const gls_rng *src);
void gls_rand_batch_wipe(gls_rand_batch *b);

/* A config's pool of system random bytes, shared by its connections. libcrypto 3.0's
 * DRBG makes a getpid() system call on every RAND_bytes (its fork check), a fifth of
 * a TLS 1.2 resumption's time on a virtual machine even at one draw per handshake
 * side. The pool fills GLS_RAND_POOL_BYTES with one RAND_bytes and deals them out
 * under a mutex, wiping each byte as it leaves; it never makes a byte of its own. It
 * lives in a page of its own marked MADV_WIPEONFORK: a child of fork() finds it empty
 * and refills from libcrypto (which reseeds after a fork), so parent and child never
 * share a byte. Where the kernel cannot wipe on fork, gls_rand_pool_new gives NULL and
 * the config draws from the system as before. A draw larger than
 * GLS_RAND_POOL_MAX_DRAW (an RSA padding string) goes straight to RAND_bytes.
 * gls_rand_pool_draw is a gls_rng_fn whose arg is the pool. */
#define GLS_RAND_POOL_MAX_DRAW 256
#define GLS_RAND_POOL_BYTES    4032 /* a multiple of 64: draws of 16, 32 or 64 leave no tail */
typedef struct gls_rand_pool gls_rand_pool;
gls_rand_pool *gls_rand_pool_new(void);
void gls_rand_pool_free(gls_rand_pool *p);
GLS_MUST_CHECK int gls_rand_pool_draw(void *arg, uint8_t *out, size_t len);
/* For tests: system draws made so far, and bytes not yet handed out. */
void gls_rand_pool_stats(gls_rand_pool *p, uint64_t *fills, size_t *left);

/* ---- the algorithm set ---- */
GLS_MUST_CHECK int gls_crypto_new(gls_crypto **out);
void gls_crypto_free(gls_crypto *c);

/* ---- hashes: SHA-1 (HMAC in CBC suites only), SHA-256, SHA-384, SHA-512 ---- */
typedef enum {
    GLS_HASH_SHA1,
    GLS_HASH_SHA256,
    GLS_HASH_SHA384,
    GLS_HASH_SHA512,
    GLS_HASH_COUNT
} gls_hash_id;

/* A fetched hash algorithm. `len` is the output size, `block` the block size. */
typedef struct gls_hash_alg {
    gls_hash_id id;
    size_t len;
    size_t block;
    const char *name; /* "SHA256" */
    void *impl;       /* crypto/ only */
} gls_hash_alg;

const gls_hash_alg *gls_hash_get(const gls_crypto *c, gls_hash_id id);
GLS_MUST_CHECK int gls_hash(const gls_hash_alg *h, const uint8_t *p, size_t n, uint8_t *out);

/* A running hash whose current value can be read without ending it (for the
 * transcript). */
typedef struct gls_hash_ctx gls_hash_ctx;
GLS_MUST_CHECK int gls_hash_ctx_new(const gls_hash_alg *h, gls_hash_ctx **out);
GLS_MUST_CHECK int gls_hash_update(gls_hash_ctx *x, const uint8_t *p, size_t n);
/* The hash of everything so far; x keeps running. out holds h->len bytes. */
GLS_MUST_CHECK int gls_hash_peek(const gls_hash_ctx *x, uint8_t *out);
/* The hash of everything so far followed by extra[0..n), without adding extra. */
GLS_MUST_CHECK int gls_hash_peek_with(const gls_hash_ctx *x, const uint8_t *extra, size_t n,
                                      uint8_t *out);
void gls_hash_ctx_free(gls_hash_ctx *x);

/* ---- HMAC ---- */
GLS_MUST_CHECK int gls_hmac(const gls_hash_alg *h, const uint8_t *key, size_t klen,
                            const uint8_t *p, size_t n, uint8_t *out);
/* A keyed HMAC that can be run many times under one key (PRF, HKDF-Expand). */
typedef struct gls_hmac_key gls_hmac_key;
GLS_MUST_CHECK int gls_hmac_key_new(const gls_hash_alg *h, const uint8_t *key, size_t klen,
                                    gls_hmac_key **out);
/* HMAC(key, p1 || p2 || p3); any part may be NULL/0. out holds h->len bytes. The key keeps
 * one working digest state for its runs, so one thread at a time runs it. */
GLS_MUST_CHECK int gls_hmac_run(gls_hmac_key *k, const uint8_t *p1, size_t n1, const uint8_t *p2,
                                size_t n2, const uint8_t *p3, size_t n3, uint8_t *out);
void gls_hmac_key_free(gls_hmac_key *k);
/* A short-lived key in room the caller provides (on its stack): keying allocates
 * nothing. *out points into sp; gls_hmac_key_done wipes it (never gls_hmac_key_free). */
#define GLS_HMAC_KEY_SPACE 512
typedef struct {
    _Alignas(16) unsigned char b[GLS_HMAC_KEY_SPACE];
} gls_hmac_key_space;
GLS_MUST_CHECK int gls_hmac_key_init(gls_hmac_key_space *sp, const gls_hash_alg *h,
                                     const uint8_t *key, size_t klen, gls_hmac_key **out);
void gls_hmac_key_done(gls_hmac_key *k);
/* The hash a key was made for. */
const gls_hash_alg *gls_hmac_key_hash(const gls_hmac_key *k);

/* ---- AEAD: in-place seal and open, the key set up once ---- */
typedef enum {
    GLS_AEAD_AES_128_GCM,
    GLS_AEAD_AES_256_GCM,
    GLS_AEAD_CHACHA20_POLY1305,
    GLS_AEAD_COUNT
} gls_aead_id;

typedef struct gls_aead_alg {
    gls_aead_id id;
    size_t key_len;
    size_t nonce_len; /* 12 */
    size_t tag_len;   /* 16 */
    const char *name;
    void *impl; /* crypto/ only */
} gls_aead_alg;

const gls_aead_alg *gls_aead_get(const gls_crypto *c, gls_aead_id id);

typedef struct gls_aead_ctx gls_aead_ctx;
/* encrypt selects seal (true) or open (false); the key is copied and wiped on free. */
GLS_MUST_CHECK int gls_aead_new(const gls_aead_alg *a, const uint8_t *key, bool encrypt,
                                gls_aead_ctx **out);
/* Encrypts buf[0..len) in place and writes the tag_len-byte tag to tag. */
GLS_MUST_CHECK int gls_aead_seal(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad,
                                 size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag);
/* Encrypts p1[0..n1) || p2[0..n2) into out (n1 + n2 bytes) straight from the
 * caller's buffers — seal into the output buffer without a copy first. Each
 * part must either be the matching place in out or not overlap it. */
GLS_MUST_CHECK int gls_aead_seal_parts(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad,
                                       size_t aad_len, const uint8_t *p1, size_t n1,
                                       const uint8_t *p2, size_t n2, uint8_t *out, uint8_t *tag);
/* Decrypts buf[0..len) in place; GLS_E_BAD_RECORD_MAC if the tag does not verify
 * (buf is then wiped). */
GLS_MUST_CHECK int gls_aead_open(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad,
                                 size_t aad_len, uint8_t *buf, size_t len, const uint8_t *tag);
/* Decrypts in[0..len) out of place: the first min(n1, len) bytes of plaintext to
 * out1, the rest to out2 (each not overlapping in, or exactly in place) — opening
 * straight into a caller's buffer. GLS_E_BAD_RECORD_MAC if the tag does not
 * verify; both outputs are then wiped, so no unauthenticated byte is left. */
GLS_MUST_CHECK int gls_aead_open_to(gls_aead_ctx *x, const uint8_t *nonce, const uint8_t *aad,
                                    size_t aad_len, const uint8_t *in, size_t len,
                                    const uint8_t *tag, uint8_t *out1, size_t n1, uint8_t *out2);
/* Keys x afresh with key (the same algorithm and direction), as gls_aead_new would,
 * reusing libcrypto's context: TLS 1.3 moves from handshake to application keys this
 * way. GLS_E_INTERNAL if a or encrypt differ from x's. */
GLS_MUST_CHECK int gls_aead_rekey(gls_aead_ctx *x, const gls_aead_alg *a, const uint8_t *key,
                                  bool encrypt);
void gls_aead_free(gls_aead_ctx *x);

/* ---- CBC record protection (TLS 1.2): AES-128/256-CBC with HMAC ----
 * MAC-then-encrypt (RFC 5246 §6.2.3.2) with a constant-time padding and MAC
 * check (Lucky Thirteen), or encrypt-then-MAC (RFC 7366). */
typedef struct gls_cbc_ctx gls_cbc_ctx;
/* key_len 16 or 32; mac hash SHA-1, SHA-256 or SHA-384; mac key is mac->len bytes. */
GLS_MUST_CHECK int gls_cbc_new(const gls_crypto *c, size_t key_len, const gls_hash_alg *mac,
                               const uint8_t *key, const uint8_t *mac_key, bool encrypt, bool etm,
                               gls_cbc_ctx **out);
/* Bytes a record of n plaintext bytes grows by at most (IV + MAC + padding). */
size_t gls_cbc_overhead(const gls_cbc_ctx *x);
/* Protects one record. hdr11 = seq_num(8) || type(1) || version(2); the length
 * is filled in here as the MAC requires. iv is 16 fresh random bytes. Writes
 * IV || ciphertext (|| MAC for EtM) to out, which holds n + overhead bytes;
 * sets *out_len. in and out must not overlap. */
GLS_MUST_CHECK int gls_cbc_seal(gls_cbc_ctx *x, const uint8_t hdr11[11], const uint8_t *iv,
                                const uint8_t *in, size_t n, uint8_t *out, size_t *out_len);
/* Opens the record fragment buf[0..len) in place. On success the plaintext is
 * buf[off .. off + *pt_len). Any failure (padding, MAC, length) is
 * GLS_E_BAD_RECORD_MAC, reached in time independent of where it failed. */
GLS_MUST_CHECK int gls_cbc_open(gls_cbc_ctx *x, const uint8_t hdr11[11], uint8_t *buf, size_t len,
                                size_t *off, size_t *pt_len);
void gls_cbc_free(gls_cbc_ctx *x);

/* ---- key exchange, KEM-shaped (STYLE §12.4) ----
 * `group` is the IANA NamedGroup (GLS_GROUP_*). Three steps fit every kind:
 *   client: gls_kex_new (its key) and gls_kex_public (its share);
 *   server: gls_kex_respond, one shot — (EC)DH makes a key and derives, a KEM
 *           encapsulates — giving the server's share and the secret;
 *   client: gls_kex_finish — (EC)DH derives, a KEM decapsulates.
 * TLS 1.2, where the server speaks first, runs new/public/finish on the server
 * and respond (or new/finish) on the client. Groups: X25519, X448, P-256,
 * P-384, P-521, FFDHE 2048-8192, ML-KEM-768/1024, X25519MLKEM768 and
 * SecP256r1MLKEM768. */
typedef struct gls_kex gls_kex;
/* A shared secret. FFDHE's is as long as p (up to 1024 bytes), too long for
 * a gls_secret; a hybrid's is both secrets (64 bytes). Same wiping rules. */
#define GLS_MAX_KEX_SECRET 1024
typedef struct {
    uint8_t b[GLS_MAX_KEX_SECRET];
    size_t len;
} gls_kex_secret;
/* The largest share of any group, either direction (ML-KEM-1024's 1,568-byte
 * key and ciphertext); the group table is checked against it. */
#define GLS_KEX_MAX_SHARE 1568
/* What kind of key exchange a group is; the handshake asks, never infers. */
typedef enum {
    GLS_KEX_NONE,   /* not a group we know */
    GLS_KEX_EC,     /* X25519, X448, NIST curves: TLS 1.2 ECDHE and TLS 1.3 */
    GLS_KEX_FFDH,   /* RFC 7919 groups: TLS 1.2 DHE and TLS 1.3 */
    GLS_KEX_HYBRID, /* ECDH + ML-KEM: TLS 1.3 only */
    GLS_KEX_KEM,    /* ML-KEM alone: TLS 1.3 only */
} gls_kex_kind;
void gls_kex_secret_wipe(gls_kex_secret *s);
bool gls_kex_supported(uint16_t group);
gls_kex_kind gls_kex_group_kind(uint16_t group);
/* The size of the client's (server == false) or server's share: X25519 32,
 * X448 56, P-256/384/521 65/97/133, FFDHE |p|, ML-KEM-768 1184/1088,
 * ML-KEM-1024 1568/1568, X25519MLKEM768 1216/1120, SecP256r1MLKEM768
 * 1249/1153; 0 for an unknown group. */
size_t gls_kex_share_len(uint16_t group, bool server);
/* The largest share in the group table (for the test that GLS_KEX_MAX_SHARE holds). */
size_t gls_kex_max_share_len(void);
/* Makes an ephemeral key pair (or KEM key), its private part drawn from rng. */
GLS_MUST_CHECK int gls_kex_new(const gls_crypto *c, uint16_t group, const gls_rng *rng,
                               gls_kex **out);
/* The share as it goes on the wire: X25519/X448 raw; P-256/384/521 the
 * uncompressed point (0x04 || X || Y); FFDHE the value left-padded to |p|;
 * ML-KEM the encapsulation key; a hybrid both, in the draft's order. */
GLS_MUST_CHECK int gls_kex_public(const gls_kex *k, uint8_t *out, size_t cap, size_t *len);
/* Server, one shot: checks the client's share, writes the server's share
 * (out holds at least gls_kex_share_len(group, true) bytes) and the secret.
 * A bad share (wrong length, point not on the curve or the identity, FFDHE Y
 * not in 1 < Y < p-1, an all-zero X25519/X448 result, an ML-KEM key failing
 * the FIPS 203 §7.2 checks, either half of a hybrid) is GLS_E_BAD_KEY_SHARE. */
GLS_MUST_CHECK int gls_kex_respond(const gls_crypto *c, uint16_t group, const gls_rng *rng,
                                   const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap,
                                   size_t *out_len, gls_kex_secret *shared);
/* Client: checks the server's share and derives (or decapsulates) the shared
 * secret: X25519/X448 raw (all-zero rejected); ECDH the x-coordinate; FFDHE
 * left-padded to |p| (RFC 8446 §7.4.1); ML-KEM 32 bytes; a hybrid both
 * secrets concatenated. A bad share is GLS_E_BAD_KEY_SHARE. */
GLS_MUST_CHECK int gls_kex_finish(gls_kex *k, const uint8_t *peer, size_t peer_len,
                                  gls_kex_secret *shared);
/* FFDHE in TLS 1.2 (server sends p, g, Ys): derive against explicit params. The
 * client makes its own key in the same group. p under 2048 bits is
 * GLS_E_WEAK_DH_GROUP; over 8192 bits GLS_E_HANDSHAKE_FAILURE; p even or g not
 * in 1 < g < p-1 GLS_E_ILLEGAL_PARAMETER. The peer's Y may then be 1..|p| bytes
 * (TLS 1.2 does not pad it); the public value and secret are still |p| bytes,
 * so a TLS 1.2 caller strips the secret's leading zeros (RFC 5246 §8.1.2). */
GLS_MUST_CHECK int gls_kex_new_ffdh_params(const gls_crypto *c, const uint8_t *p, size_t plen,
                                           const uint8_t *g, size_t glen, const gls_rng *rng,
                                           gls_kex **out);
/* The RFC 7919 group's prime and generator for TLS 1.2 ServerKeyExchange. */
GLS_MUST_CHECK int gls_ffdhe_params(uint16_t group, gls_bytes *p, gls_bytes *g);
void gls_kex_free(gls_kex *k);

/* ---- keys and certificates ---- */
typedef struct gls_pkey gls_pkey; /* a public or private key */
typedef struct gls_cert gls_cert; /* one X.509 certificate */

typedef enum {
    GLS_KEY_RSA,
    GLS_KEY_RSA_PSS,
    GLS_KEY_EC_P256,
    GLS_KEY_EC_P384,
    GLS_KEY_ED25519,
    GLS_KEY_OTHER
} gls_key_type;

/* Private keys from PEM or DER: PKCS#8, PKCS#1 (RSA), SEC1 (EC). */
GLS_MUST_CHECK int gls_pkey_from_pem(const uint8_t *p, size_t n, gls_pkey **out);
GLS_MUST_CHECK int gls_pkey_from_der(const uint8_t *p, size_t n, gls_pkey **out);
GLS_MUST_CHECK int gls_pkey_load_file(const char *path, gls_pkey **out);
gls_key_type gls_pkey_type(const gls_pkey *k);
size_t gls_pkey_bits(const gls_pkey *k);
/* True if priv's public half equals the key in cert. */
bool gls_pkey_matches_cert(const gls_pkey *priv, const gls_cert *cert);
void gls_pkey_free(gls_pkey *k);

GLS_MUST_CHECK int gls_cert_from_der(const uint8_t *p, size_t n, gls_cert **out);
/* The certificate's notBefore and notAfter, in seconds since the Unix epoch. */
GLS_MUST_CHECK int gls_cert_validity(const gls_cert *c, int64_t *not_before, int64_t *not_after);
/* Every certificate of a PEM file, leaf first; *n set to how many (at most cap). */
GLS_MUST_CHECK int gls_cert_chain_from_pem(const uint8_t *p, size_t len, gls_cert **out, size_t cap,
                                           size_t *n);
GLS_MUST_CHECK int gls_cert_chain_load_file(const char *path, gls_cert **out, size_t cap,
                                            size_t *n);
/* The DER encoding (view valid while the cert lives). */
gls_bytes gls_cert_der(const gls_cert *c);
/* The subject public key (owned by the cert; do not free). */
const gls_pkey *gls_cert_pubkey(const gls_cert *c);
/* One-line subject and issuer ("CN=example.com, O=..."), truncated to cap. */
void gls_cert_subject(const gls_cert *c, char *out, size_t cap);
void gls_cert_issuer(const gls_cert *c, char *out, size_t cap);
/* True if the certificate's subjectAltName (or, lacking one, CN) matches the
 * DNS name or IP literal (RFC 6125 rules as in gls_x509_verify). */
bool gls_cert_matches_name(const gls_cert *c, const char *name);
/* SHA-256 fingerprint of the DER. */
GLS_MUST_CHECK int gls_cert_fingerprint(const gls_cert *c, uint8_t out[32]);
void gls_cert_free(gls_cert *c);
/* Keeps only the DER: frees the parsed certificate and its public key (a few KB
 * in libcrypto). gls_cert_der, _subject, _issuer and _fingerprint still work
 * (subject and issuer parse the DER again); nothing else may be called. */
void gls_cert_shed(gls_cert *c);

/* A small per-config cache of parsed peer certificates keyed by their DER (SHA-256,
 * then compared byte for byte), shared by threads: parsing (d2i_X509, a quarter of a
 * TLS 1.3 ECDSA handshake's instructions) happens once per certificate seen, not once
 * per handshake. Only parsing is saved: the caller still verifies every chain. */
typedef struct gls_cert_cache gls_cert_cache;
GLS_MUST_CHECK int gls_cert_cache_new(gls_cert_cache **out);
void gls_cert_cache_free(gls_cert_cache *cc);
/* As gls_cert_from_der, from the cache when this DER was parsed before (cc may be NULL). */
GLS_MUST_CHECK int gls_cert_from_der_cached(gls_cert_cache *cc, const uint8_t *p, size_t n,
                                            gls_cert **out);

/* A self-signed certificate and key for names (DNS names or IP literals), valid
 * from now-1h for `days`; key_type GLS_KEY_RSA (2048), GLS_KEY_EC_P256 or
 * GLS_KEY_ED25519. For the tool's and tests' generated certificates. */
GLS_MUST_CHECK int gls_cert_self_signed(gls_key_type key_type, const char *const *names,
                                        size_t n_names, int days, gls_cert **cert, gls_pkey **key);
/* PEM of a certificate, and of a private key (unencrypted PKCS#8), into a fresh
 * buffer *out of *len bytes (NUL-terminated beyond len); release it with
 * gls_pem_free, which wipes it. For `explain`'s leaked-key lesson. */
GLS_MUST_CHECK int gls_cert_to_pem(const gls_cert *c, uint8_t **out, size_t *len);
GLS_MUST_CHECK int gls_pkey_to_pem(const gls_pkey *k, uint8_t **out, size_t *len);
void gls_pem_free(uint8_t *p, size_t len);

/* ---- trust store and chain verification ---- */
typedef struct gls_trust gls_trust;
/* The system bundle (OpenSSL's default paths). */
GLS_MUST_CHECK int gls_trust_new_default(gls_trust **out);
/* A CA file and/or directory (either may be NULL, not both). */
GLS_MUST_CHECK int gls_trust_new_from(const char *cafile, const char *capath, gls_trust **out);
/* An empty store, to fill with gls_trust_add. */
GLS_MUST_CHECK int gls_trust_new_empty(gls_trust **out);
/* Adds one trusted certificate. */
GLS_MUST_CHECK int gls_trust_add(gls_trust *t, const gls_cert *c);
void gls_trust_free(gls_trust *t);

/* Verifies chain[0] (leaf) with intermediates chain[1..n) against t at time
 * `now`, for `name` (DNS name or IP literal, RFC 6125; NULL to skip the name
 * check). Returns GLS_OK or a GLS_E_CERT_* code and writes a reason a person can
 * read to reason ("certificate has expired (notAfter 2020-01-01 00:00:00 UTC)",
 * "hostname mismatch (wanted example.com)"). */
GLS_MUST_CHECK int gls_x509_verify(const gls_trust *t, gls_cert *const *chain, size_t n,
                                   const char *name, time_t now, char *reason, size_t cap);
/* The same for a client certificate a server received: the TLS client purpose
 * (extendedKeyUsage clientAuth where the certificate restricts its use), no name. */
GLS_MUST_CHECK int gls_x509_verify_client(const gls_trust *t, gls_cert *const *chain, size_t n,
                                          time_t now, char *reason, size_t cap);

/* ---- signatures (TLS SignatureScheme values, base/wire.h) ----
 * rsa_pkcs1_sha256/384/512, rsa_pss_rsae_sha256/384/512, rsa_pss_pss_sha256/384/512,
 * ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, ed25519. The TLS 1.2
 * ServerKeyExchange's legacy MD5+SHA1 is not supported (TLS 1.2 only here). */
bool gls_sig_supported(uint16_t scheme);
/* True if key can make/check signatures of this scheme (type, PSS vs rsaEncryption; an
 * ECDSA scheme fits any EC key, whatever curve its name says: TLS 1.3's curve binding is
 * checked by the caller). */
bool gls_sig_key_fits(const gls_pkey *k, uint16_t scheme);
/* Signs msg (hashed inside as the scheme says). sig holds cap bytes. */
GLS_MUST_CHECK int gls_sig_sign(const gls_pkey *key, uint16_t scheme, const uint8_t *msg, size_t n,
                                uint8_t *sig, size_t cap, size_t *sig_len);
/* GLS_OK or GLS_E_BAD_SIGNATURE. */
GLS_MUST_CHECK int gls_sig_verify(const gls_pkey *pub, uint16_t scheme, const uint8_t *msg,
                                  size_t n, const uint8_t *sig, size_t sig_len);

/* TLS 1.2 CertificateVerify over a running transcript hash: sign or verify a
 * digest already made with the scheme's hash (len must be that hash's size).
 * Ed25519 signs whole messages, so it is not available here (sign:
 * GLS_E_INVALID_ARGUMENT, verify: GLS_E_BAD_SIGNATURE). */
GLS_MUST_CHECK int gls_sig_sign_digest(const gls_pkey *key, uint16_t scheme, const uint8_t *digest,
                                       size_t len, uint8_t *sig, size_t cap, size_t *sig_len);
GLS_MUST_CHECK int gls_sig_verify_digest(const gls_pkey *pub, uint16_t scheme,
                                         const uint8_t *digest, size_t len, const uint8_t *sig,
                                         size_t sig_len);
/* The hash a scheme signs with (GLS_HASH_COUNT for Ed25519 or an unknown scheme). */
gls_hash_id gls_sig_hash(uint16_t scheme);

/* ---- RSA key exchange (TLS 1.2) ---- */
/* PKCS#1 v1.5 encryption of the 48-byte pre-master secret to pub. */
GLS_MUST_CHECK int gls_rsa_encrypt_pms(const gls_pkey *pub, const gls_secret *pms, uint8_t *out,
                                       size_t cap, size_t *out_len);
/* The same with the padding's random bytes drawn from rng (so a fixed rng gives the same
 * ciphertext: `explain --seed`). */
GLS_MUST_CHECK int gls_rsa_encrypt_pms_rng(const gls_pkey *pub, const gls_secret *pms,
                                           const gls_rng *rng, uint8_t *out, size_t cap,
                                           size_t *out_len);
/* RFC 5246 §7.4.7.1: decrypts with priv and always yields a 48-byte pms; on
 * any padding, length or version failure it is random, with no branch, error or
 * timing that differs. client_version is ClientHello.client_version. Errors are
 * returned only for local faults (wrong key type), never for bad input. */
GLS_MUST_CHECK int gls_rsa_decrypt_pms(const gls_pkey *priv, uint16_t client_version,
                                       const uint8_t *in, size_t n, gls_secret *pms);

#endif
