/* trace.h — what `explain` and `decrypt` need from inside the library, and nothing else:
 * offline decryption of a recorded session (RFC 5246 §6.3, §7.4.7.1, §7.4.9, §8.1; RFC 7627
 * §4; RFC 8446 §5.2, §7.3) from the server's RSA private key or an NSS key log, with every
 * derived value reported by name; and a generated certificate handed out as PEM so that
 * `explain` can "leak" its key, and a timing of RSA against AES-GCM. The one internal header the
 * tool may include (STYLE §2): it exposes no internal type. Offline decryption is read-only
 * analysis; it never touches a live connection. */
#ifndef GLS_TRACE_H
#define GLS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "glasstls/gls.h"

/* What a recording says about one session: the plaintext handshake facts. */
struct gls_offline_session {
    uint16_t version;        /* negotiated: 0x0303 or 0x0304 */
    uint16_t suite;          /* negotiated cipher suite */
    uint16_t client_version; /* ClientHello.legacy_version: the RSA pre-master's first bytes */
    uint8_t client_random[32];
    uint8_t server_random[32];
    bool ems; /* extended_master_secret in both hellos (TLS 1.2) */
    bool etm; /* encrypt_then_mac in both hellos (TLS 1.2 CBC) */
    /* TLS 1.2 ClientKeyExchange body as sent (RSA: EncryptedPreMasterSecret with its 2-byte
     * length). */
    const uint8_t *cke;
    size_t cke_len;
    /* The plaintext handshake messages (headers included) in transcript order, from
     * ClientHello through the client's last message before its Finished. through_cke is how
     * many of these bytes run through ClientKeyExchange (the EMS session hash covers those).
     * May be empty: then the client's Finished is authenticated but its verify_data is not
     * recomputed, and an EMS session cannot be decrypted from the RSA key. */
    const uint8_t *transcript;
    size_t transcript_len;
    size_t through_cke;
};

/* Why a session could not be decrypted: a stable code and a sentence.
 * codes: "forward_secret" (the key exchange was (EC)DHE or TLS 1.3 and no key log was
 * given), "wrong_key" (the Finished record does not verify under the derived keys),
 * "no_keylog_line" (the key log has no line for this client_random), "bad_key" (the key
 * cannot be read or is not RSA), "unsupported" (suite or version), "record_failed" (a later
 * record did not authenticate). */
struct gls_offline_why {
    const char *code;
    char text[320];
};

/* Each derived value, named as the RFC names it (keys/names.h), as it is derived. */
typedef void (*gls_offline_step_fn)(void *arg, const gls_secret_info *info);

/* The record keys of both directions of one recorded session. Opaque. */
typedef struct gls_offline_keys gls_offline_keys;

/* TLS 1.2 with RSA key exchange: decrypts the pre-master secret from the ClientKeyExchange
 * with the server's private key (PEM), then the master secret and key block. Reports every
 * value to step (may be NULL). Errors, with *why filled: GLS_E_INSUFFICIENT_SECURITY
 * "forward_secret" when the session's key exchange is not RSA (the long-term key only signed),
 * GLS_E_BAD_KEY_FILE "bad_key", GLS_E_UNSUPPORTED "unsupported", GLS_E_NO_MEMORY. A key that
 * did not make the session is only found out by gls_offline_open_records. */
GLS_MUST_CHECK int gls_offline_keys_from_rsa(const struct gls_offline_session *s,
                                             const uint8_t *key_pem, size_t key_len,
                                             gls_offline_keys **out, gls_offline_step_fn step,
                                             void *arg, struct gls_offline_why *why);

/* From an NSS key log (SSLKEYLOGFILE text, any number of sessions): the CLIENT_RANDOM line
 * (TLS 1.2 master secret) or the CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET and
 * CLIENT_/SERVER_TRAFFIC_SECRET_0 lines (TLS 1.3) for s->client_random. GLS_E_FILE
 * "no_keylog_line" if the needed lines are not there; GLS_E_UNSUPPORTED "unsupported". */
GLS_MUST_CHECK int gls_offline_keys_from_keylog(const struct gls_offline_session *s,
                                                const char *keylog, size_t len,
                                                gls_offline_keys **out, gls_offline_step_fn step,
                                                void *arg, struct gls_offline_why *why);

void gls_offline_keys_free(gls_offline_keys *k);

/* TLS 1.2: the master secret the keys were made from (48 bytes), for carrying it over to a
 * session that resumes this one (RFC 5077 / RFC 5246 §7.3: an abbreviated handshake reuses
 * it). False for TLS 1.3 keys. */
bool gls_offline_master_secret(const gls_offline_keys *k, uint8_t out[48]);

/* TLS 1.2 keys of a resumed session from the master secret of the session it resumes. */
GLS_MUST_CHECK int gls_offline_keys_from_master(const struct gls_offline_session *s,
                                                const uint8_t master[48], gls_offline_keys **out,
                                                gls_offline_step_fn step, void *arg,
                                                struct gls_offline_why *why);

/* One protected record as captured: outer type, legacy_record_version and fragment. */
struct gls_offline_record {
    uint8_t type;
    uint16_t version;
    const uint8_t *payload;
    size_t len;
};

enum { GLS_OFFLINE_C2S = 0, GLS_OFFLINE_S2C = 1 };

/* One record as opened: its index among the direction's protected records, which keys opened
 * it (epoch: TLS 1.3 0 = handshake traffic keys, 1 = application traffic secret 0, N+1 after
 * the Nth KeyUpdate of that direction; TLS 1.2 always 1), its sequence number under those
 * keys, its (inner) content type and its plaintext. A TLS 1.3 handshake record that could not
 * be opened because the key log lacks the handshake secret comes with type 0 and no bytes. */
struct gls_offline_opened {
    size_t index;
    unsigned epoch;
    uint64_t seq;
    uint8_t type;
    const uint8_t *p; /* valid only during the call */
    size_t n;
};

/* Called for each record opened (dir GLS_OFFLINE_C2S or _S2C). */
typedef void (*gls_offline_data_fn)(void *arg, int dir, const struct gls_offline_opened *rec);

/* Opens the protected records of one direction (dir GLS_OFFLINE_C2S or _S2C), in order.
 * TLS 1.2: the first is the Finished (checked: a record that does not open, or a client
 * verify_data that differs, is GLS_E_BAD_FINISHED "wrong_key"), then application data and
 * alerts. TLS 1.3: records under the handshake traffic keys, then under the application
 * traffic keys, following each KeyUpdate (RFC 8446 §4.6.3: the next record of that
 * direction is under application_traffic_secret_N+1, reported to the step callback given
 * when the keys were made); if the key log lacks the handshake secret and
 * more than 5 records open under neither, "wrong_key". A later record that does not open is
 * GLS_E_BAD_RECORD_MAC "record_failed": the records before it were delivered. */
GLS_MUST_CHECK int gls_offline_open_records(gls_offline_keys *k, int dir,
                                            const struct gls_offline_record *recs, size_t n,
                                            gls_offline_data_fn fn, void *arg,
                                            struct gls_offline_why *why);

/* A fresh self-signed certificate for names (RSA-2048, or ECDSA P-256 if ec) as PEM: the
 * certificate and its unencrypted PKCS#8 private key, each a NUL-terminated buffer to be
 * released with gls_trace_pem_free (which wipes it). For `explain`, which hands both to
 * gls_config_add_cert_pem and later "leaks" the key. */
GLS_MUST_CHECK int gls_trace_generate_cert_pem(int ec, const char *const *names, size_t n,
                                               uint8_t **cert_pem, size_t *cert_len,
                                               uint8_t **key_pem, size_t *key_len);
void gls_trace_pem_free(uint8_t *p, size_t len);

/* How fast this machine does the two kinds of work TLS asks of it: for `explain`'s "why bulk
 * data uses symmetric keys". */
struct gls_speed {
    size_t rsa_bits;              /* size of the key that was timed */
    unsigned rsa_ops;             /* private-key operations timed */
    double rsa_op_seconds;        /* seconds per private-key operation */
    size_t aead_bytes;            /* AES-128-GCM bytes sealed */
    double aead_bytes_per_second; /* AES-128-GCM seal throughput */
};

/* Times the RSA private key key_pem (PEM) decrypting a TLS 1.2 pre-master secret encrypted to
 * it, as a server does once per handshake (at least 3 operations and about 0.1 s), then
 * AES-128-GCM sealing 16 KiB records under a random key (about 0.2 s). GLS_E_BAD_KEY_FILE if
 * the key cannot be read, GLS_E_INVALID_ARGUMENT if it is not RSA. */
GLS_MUST_CHECK int gls_trace_measure(const uint8_t *key_pem, size_t key_len, struct gls_speed *out);

/* The server config's ticket-sealing master key (32 bytes) and rotation period in seconds:
 * only for `explain`'s lesson in which the ticket key leaks. */
GLS_MUST_CHECK int gls_trace_ticket_key(const gls_config *cfg, uint8_t key[32], int64_t *rotation);

/* Sets the server config's ticket master key (before any connection uses it): for
 * `explain --seed`, whose runs must repeat byte for byte. GLS_E_CONFIG_FROZEN afterwards. */
GLS_MUST_CHECK int gls_trace_set_ticket_key(gls_config *cfg, const uint8_t key[32]);

/* TLS 1.2: the keys of a recorded session from its NewSessionTicket (sent in the clear, RFC
 * 5077 §3.3), unsealed with the server's ticket master key as of time now: the ticket holds
 * the master secret. GLS_E_BAD_KEY_FILE "wrong_key" if the ticket does not open;
 * GLS_E_INSUFFICIENT_SECURITY "ticket_encrypted" for TLS 1.3, whose tickets travel encrypted. */
GLS_MUST_CHECK int gls_offline_keys_from_ticket(const struct gls_offline_session *s,
                                                const uint8_t *ticket, size_t ticket_len,
                                                const uint8_t key[32], int64_t rotation,
                                                int64_t now, gls_offline_keys **out,
                                                gls_offline_step_fn step, void *arg,
                                                struct gls_offline_why *why);

/* TLS 1.3: the keys of a recorded full handshake (no HelloRetryRequest) from its key
 * exchange's shared secret, recovered some other way (explain's "record now, decrypt later":
 * an adversary who solved the recorded X25519 shares). s->transcript holds ClientHello and
 * ServerHello. The Handshake Secret and handshake traffic keys come from the secret and
 * Hash(ClientHello...ServerHello); the server's protected records s2c[0..n) are opened with
 * them up to its Finished, whose transcript hash gives the Master Secret and the application
 * traffic keys. Every value goes to step, the secret itself with the caller's formula.
 * GLS_E_BAD_RECORD_MAC "wrong_key" if the server's first protected record does not open
 * under the derived handshake key (the secret did not make this session); "record_failed"
 * if the flight ends without a Finished; GLS_E_UNSUPPORTED "unsupported" for TLS 1.2. */
GLS_MUST_CHECK int gls_offline_keys_from_dhe13(const struct gls_offline_session *s,
                                               const uint8_t *dhe, size_t dhe_len,
                                               const char *dhe_formula,
                                               const struct gls_offline_record *s2c, size_t n,
                                               gls_offline_keys **out, gls_offline_step_fn step,
                                               void *arg, struct gls_offline_why *why);

/* ---- for `explain`, which shows the inputs so that a reader can recompute every value ---- */

/* Hash (SHA-256, or SHA-384 if sha384) of p[0..n) into out; *len gets 32 or 48. */
GLS_MUST_CHECK int gls_trace_hash(bool sha384, const uint8_t *p, size_t n, uint8_t out[48],
                                  size_t *len);
/* The TLS 1.2 PRF (RFC 5246 §5) with SHA-256 (or SHA-384): out_len bytes of
 * PRF(secret, label, seed). */
GLS_MUST_CHECK int gls_trace_prf12(bool sha384, const uint8_t *secret, size_t secret_len,
                                   const char *label, const uint8_t *seed, size_t seed_len,
                                   uint8_t *out, size_t out_len);
/* The X25519 public key of a private key (RFC 7748 §6.1). */
GLS_MUST_CHECK int gls_trace_x25519_public(const uint8_t priv[32], uint8_t pub[32]);
/* X25519(priv, peer) (RFC 7748 §6.1); GLS_E_BAD_KEY_SHARE for an all-zero result. */
GLS_MUST_CHECK int gls_trace_x25519(const uint8_t priv[32], const uint8_t peer[32],
                                    uint8_t out[32]);
/* ML-KEM-768 (FIPS 203): the key pair made from the seeds d || z (64 bytes, as the client
 * drew them): its encapsulation key to ek (1,184 bytes), and the decapsulation of the
 * ciphertext ct (1,088 bytes) with it to ss (32 bytes). */
GLS_MUST_CHECK int gls_trace_mlkem768_decaps(const uint8_t seeds[64], const uint8_t *ct,
                                             size_t ct_len, uint8_t ek[1184], uint8_t ss[32]);
/* What one cipher suite's keys are made of, for `explain`'s inputs (RFC 5246 §6.3, RFC 5288,
 * RFC 7905, RFC 8446 §5.3): the PRF/HKDF hash and the record protection. */
struct gls_trace_suite {
    uint16_t version;    /* GLS_TLS13 or GLS_TLS12 */
    bool sha384;         /* the PRF (TLS 1.2) or HKDF (TLS 1.3) hash is SHA-384, else SHA-256 */
    size_t hash_len;     /* 32 or 48 */
    bool aead;           /* else CBC with HMAC */
    bool chacha;         /* ChaCha20-Poly1305: nonce = IV XOR sequence number, no explicit part */
    const char *cipher;  /* "AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305", "AES-128-CBC", ... */
    const char *mac;     /* CBC: "HMAC-SHA1", "HMAC-SHA256" or "HMAC-SHA384"; AEAD: NULL */
    size_t mac_key_len;  /* TLS 1.2 key block pieces: 0 for AEAD */
    size_t enc_key_len;  /* 16 or 32 */
    size_t fixed_iv_len; /* TLS 1.2: 4 (GCM salt), 12 (ChaCha20), 0 (CBC); TLS 1.3: 12 */
};
/* The facts of suite; GLS_E_UNSUPPORTED if glasstls does not know it. */
GLS_MUST_CHECK int gls_trace_suite_facts(uint16_t suite, struct gls_trace_suite *out);

/* The other names of the secret called name: the RFC's long name (or NULL) and the NSS
 * key-log label (or NULL). False if no secret has that name. */
bool gls_trace_secret_names(const char *name, const char **rfc_name, const char **keylog_label);

#endif
