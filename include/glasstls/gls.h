/* glasstls — the public API.
 *
 * glasstls is a TLS 1.3 / TLS 1.2 library whose protocol is its own code and
 * whose primitives come from OpenSSL's libcrypto. This header is everything a
 * program needs: error codes, and (as the engine lands) the config and
 * connection objects. Every function that can fail returns GLS_OK (0) or a
 * negative GLS_E_* code; the codes and their values are stable. */
#ifndef GLASSTLS_GLS_H
#define GLASSTLS_GLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ----
 * Bands: usage -1..-99, peer protocol -100.., certificate -200.., local policy
 * -300.., internal/resource -400.., "peer sent alert N" is -1000-N. */
enum {
    GLS_OK = 0,

    /* usage */
    GLS_E_INVALID_ARGUMENT = -1,
    GLS_E_CONFIG_FROZEN = -2,
    GLS_E_WANT_READ = -3,
    GLS_E_WANT_WRITE = -4,
    GLS_E_BUFFER_TOO_SMALL = -5,
    GLS_E_CLOSED = -6,
    GLS_E_NOT_CONNECTED = -7,
    GLS_E_IO = -8,
    GLS_E_FILE = -9,
    GLS_E_BAD_KEY_FILE = -10,
    GLS_E_UNSUPPORTED = -11,
    GLS_E_TIMEOUT = -12,
    GLS_E_KEY_MISMATCH = -13,
    GLS_E_BAD_CERT_FILE = -14,

    /* the peer broke the protocol */
    GLS_E_DECODE = -100,
    GLS_E_UNEXPECTED_MESSAGE = -101,
    GLS_E_ILLEGAL_PARAMETER = -102,
    GLS_E_DUPLICATE_EXTENSION = -103,
    GLS_E_UNSUPPORTED_EXTENSION = -104,
    GLS_E_BAD_RECORD_MAC = -105,
    GLS_E_RECORD_OVERFLOW = -106,
    GLS_E_BAD_FINISHED = -107,
    GLS_E_BAD_SIGNATURE = -108,
    GLS_E_HANDSHAKE_FAILURE = -109,
    GLS_E_PROTOCOL_VERSION = -110,
    GLS_E_INSUFFICIENT_SECURITY = -111,
    GLS_E_NO_APPLICATION_PROTOCOL = -112,
    GLS_E_MISSING_EXTENSION = -113,
    GLS_E_BAD_KEY_SHARE = -114,
    GLS_E_DOWNGRADE = -115,
    GLS_E_UNRECOGNIZED_NAME = -116,
    GLS_E_BAD_BINDER = -117,
    GLS_E_NO_RENEGOTIATION = -118,
    GLS_E_UNEXPECTED_EOF = -119,
    GLS_E_CERT_REQUIRED = -120,
    GLS_E_DECRYPT_ERROR = -121,
    GLS_E_TOO_MANY_KEY_UPDATES = -122,

    /* the peer's certificate */
    GLS_E_CERT_UNTRUSTED = -200,
    GLS_E_CERT_EXPIRED = -201,
    GLS_E_CERT_NOT_YET_VALID = -202,
    GLS_E_CERT_HOSTNAME = -203,
    GLS_E_CERT_BAD = -204,
    GLS_E_CERT_REVOKED = -205,
    GLS_E_CERT_UNSUPPORTED = -206,
    GLS_E_CERT_CHAIN_TOO_LONG = -207,
    GLS_E_CERT_NO_TRUST = -208,
    GLS_E_CERT_USAGE = -209,

    /* local policy */
    GLS_E_NO_SHARED_VERSION = -300,
    GLS_E_NO_SHARED_SUITE = -301,
    GLS_E_NO_SHARED_GROUP = -302,
    GLS_E_NO_SHARED_SIGALG = -303,
    GLS_E_NO_CERTIFICATE = -304,
    GLS_E_WEAK_DH_GROUP = -305,
    GLS_E_MESSAGE_TOO_LARGE = -306,
    GLS_E_EMS_REQUIRED = -307,

    /* internal and resources */
    GLS_E_INTERNAL = -400,
    GLS_E_NO_MEMORY = -401,
    GLS_E_CRYPTO = -402,
    GLS_E_RNG = -403,

    /* "the peer sent fatal alert N" is GLS_E_PEER_ALERT_BASE - N */
    GLS_E_PEER_ALERT_BASE = -1000,
};

/* A short stable name ("bad_record_mac") and a sentence a person can read. Both
 * are static strings; unknown codes get "unknown" and a generic sentence. */
const char *gls_error_name(int err);
const char *gls_error_message(int err);
/* The TLS alert description this error sends (or, for a peer alert, received). */
int gls_error_alert(int err);

/* ---- tracing ----
 * Secrets leave the library only through these callbacks, which are off unless
 * a caller installs them. */

/* One derived secret, named as the RFC names it. */
typedef struct {
    const char *name;    /* "master_secret", "c hs traffic", "client_write_key" */
    const char *formula; /* how it was made, inputs named: "PRF(pre_master_secret, ...)" */
    const char *who;     /* who can compute it, in a phrase */
    const uint8_t *value;
    size_t len;
} gls_secret_info;

/* NSS key-log line without newline, e.g. "CLIENT_RANDOM <hex> <hex>". */
typedef void (*gls_keylog_fn)(void *arg, const char *line);
typedef void (*gls_secret_fn)(void *arg, const gls_secret_info *info);

/* ---- names ---- */
/* IANA name of a cipher suite, or NULL if glasstls does not know it. */
const char *gls_suite_name(uint16_t suite);
/* A suite by IANA or OpenSSL name (case-insensitive); 0 if unknown. */
uint16_t gls_suite_from_name(const char *name);
/* Every suite glasstls knows, TLS 1.3 first; returns how many (at most cap written). */
size_t gls_suite_list(uint16_t *out, size_t cap);
/* A suite's key exchange: "TLS1.3" (any group), "ECDHE", "DHE" or "RSA"; NULL if unknown. */
const char *gls_suite_kx(uint16_t suite);
/* "x25519", "secp256r1", "ffdhe2048", ...; "unknown" otherwise. */
const char *gls_group_name(uint16_t group);
/* A group by name ("x25519", "secp256r1" or "P-256", "ffdhe2048"); 0 if unknown. */
uint16_t gls_group_from_name(const char *name);
/* "rsa_pss_rsae_sha256", ...; "unknown" otherwise. */
const char *gls_sigalg_name(uint16_t scheme);

/* ---- config ----
 * A config holds everything connections share: versions, suites, groups,
 * signature schemes, certificates and keys, trust, ALPN, callbacks and limits.
 * It is reference-counted; once a connection has taken it, setters return
 * GLS_E_CONFIG_FROZEN, so it is shared read-only between threads. */
typedef struct gls_config gls_config;
typedef struct gls_conn gls_conn;

enum gls_client_auth { GLS_CLIENT_AUTH_NONE, GLS_CLIENT_AUTH_OPTIONAL, GLS_CLIENT_AUTH_REQUIRED };

gls_config *gls_config_new(void);
/* Drops the caller's reference; the config lives on while connections use it. */
void gls_config_free(gls_config *cfg);
/* min/max of 0x0303 (TLS 1.2) and 0x0304 (TLS 1.3). Default: both. */
int gls_config_set_versions(gls_config *cfg, uint16_t min, uint16_t max);
/* Cipher suites (IANA numbers) in preference order; both versions' suites in one list. */
int gls_config_set_suites(gls_config *cfg, const uint16_t *suites, size_t n);
/* Key exchange groups in preference order (default x25519, secp256r1, secp384r1, ffdhe2048,
 * ffdhe3072). */
int gls_config_set_groups(gls_config *cfg, const uint16_t *groups, size_t n);
int gls_config_set_sigalgs(gls_config *cfg, const uint16_t *schemes, size_t n);
/* A certificate chain (PEM, leaf first) and its private key, from files. Repeat to
 * offer several (RSA and ECDSA side by side); the server picks by SNI and the
 * client's signature schemes. GLS_E_FILE: a file cannot be read; GLS_E_BAD_KEY_FILE:
 * the key cannot be parsed; GLS_E_BAD_CERT_FILE: the chain cannot be parsed;
 * GLS_E_KEY_MISMATCH: the key is not the one the leaf certificate names. */
int gls_config_add_cert_files(gls_config *cfg, const char *chain_pem, const char *key_file);
int gls_config_add_cert_pem(gls_config *cfg, const uint8_t *chain_pem, size_t chain_len,
                            const uint8_t *key, size_t key_len);
/* Generates a fresh self-signed certificate in memory for names (DNS names or
 * IP literals) with an ECDSA P-256 key (ec != 0) or RSA-2048, and adds it. Its
 * SHA-256 fingerprint goes to fingerprint (may be NULL). */
int gls_config_add_generated_cert(gls_config *cfg, const char *const *names, size_t n, int ec,
                                  uint8_t fingerprint[32]);
/* The validity period of the leaf of the i-th certificate added (0 first), in seconds
 * since the Unix epoch, so a program can warn about a certificate that has expired or is
 * not yet valid. GLS_E_INVALID_ARGUMENT if there is no such certificate. */
int gls_config_cert_validity(const gls_config *cfg, size_t i, int64_t *not_before,
                             int64_t *not_after);
/* Trust: a CA file and/or directory, or the system bundle. A client with no
 * trust configured fails closed (GLS_E_CERT_NO_TRUST). */
int gls_config_set_ca(gls_config *cfg, const char *cafile, const char *capath);
int gls_config_use_system_ca(gls_config *cfg);
/* Accept any peer certificate without verification. Only for tests and the
 * `explain` demo: with it, anyone on the path can impersonate the peer. */
int gls_config_danger_accept_any_cert(gls_config *cfg);
/* Client: verify the server's chain against the trust store but never its name.
 * Without it, gls_client_new(cfg, NULL) on a config with trust fails closed
 * (the connection's error is GLS_E_INVALID_ARGUMENT); with it, any server
 * holding any certificate the trust store accepts is taken, and
 * gls_conn_info.peer_name_checked says 0. */
int gls_config_danger_verify_chain_only(gls_config *cfg);
/* ALPN protocols in preference order. */
int gls_config_set_alpn(gls_config *cfg, const char *const *protos, size_t n);
int gls_config_set_client_auth(gls_config *cfg, enum gls_client_auth mode);
/* TLS 1.2 RSA key exchange (no forward secrecy): off by default. */
int gls_config_enable_rsa_key_exchange(gls_config *cfg, int on);
/* The largest record plaintext we accept, advertised with record_size_limit
 * (RFC 8449; 64..16384, default 16384). Peers' limits are always honoured. */
int gls_config_set_record_size_limit(gls_config *cfg, size_t n);
/* TLS 1.3: send a KeyUpdate on our own after this many records under one key
 * (default 2^23, well inside the AEAD limits of RFC 8446 §5.5). */
int gls_config_set_key_update_interval(gls_config *cfg, uint64_t records);
/* TLS 1.3: bound on the KeyUpdates a peer may send (each costs a key
 * derivation, and a requested one an answer): after a burst of 4, at most one
 * per `records` records received (default 16, 1..2^24); beyond it the
 * connection fails with GLS_E_TOO_MANY_KEY_UPDATES (unexpected_message). Any
 * number of update_requested KeyUpdates received while we send no application
 * data are answered with one KeyUpdate (RFC 8446 §4.6.3). */
int gls_config_set_key_update_min_records(gls_config *cfg, uint64_t records);
/* Longest certificate chain accepted from a peer, leaf included (1..10, default 10). */
int gls_config_set_max_chain(gls_config *cfg, size_t n);
/* How many records in a row may carry nothing (empty application data,
 * change_cipher_spec, ignored warning alerts, handshake messages after the
 * handshake such as KeyUpdate and NewSessionTicket; only application data
 * resets the count) before the peer is cut off with
 * unexpected_message (default 32). Input is otherwise processed one record at
 * a time: at most one received record is ever buffered. */
int gls_config_set_max_idle_records(gls_config *cfg, size_t n);
/* Largest handshake message accepted (default 65536). */
int gls_config_set_max_handshake_message(gls_config *cfg, size_t n);
/* Session resumption (default on, tickets valid 7200 s). A server issues
 * tickets sealed under keys that rotate every 12 hours; a client keeps the
 * tickets it receives in the config's cache (per server name) and offers one
 * on its next connection to that server. TLS 1.2 resumes by ticket (RFC 5077)
 * or, for clients that take no tickets, by session id (the server keeps 256
 * sessions); only sessions made with the extended master secret are kept,
 * and they resume only when it is negotiated again (RFC 7627 §5.3). */
int gls_config_set_resumption(gls_config *cfg, int on, uint32_t lifetime_seconds);
/* Callbacks. Secrets leave the library only through keylog and secret trace. */
int gls_config_set_keylog(gls_config *cfg, gls_keylog_fn fn, void *arg);
int gls_config_set_secret_trace(gls_config *cfg, gls_secret_fn fn, void *arg);
/* Human-readable protocol events ("-> ClientHello", "chose TLS_AES_128_GCM_SHA256"). */
typedef void (*gls_event_fn)(void *arg, const char *line);
int gls_config_set_event_trace(gls_config *cfg, gls_event_fn fn, void *arg);
/* Randomness and time, replaceable for deterministic tests and demos. */
typedef int (*gls_random_fn)(void *arg, uint8_t *out, size_t len);
typedef int64_t (*gls_clock_fn)(void *arg); /* seconds since the Unix epoch */
int gls_config_set_rng(gls_config *cfg, gls_random_fn fn, void *arg);
int gls_config_set_clock(gls_config *cfg, gls_clock_fn fn, void *arg);

/* ---- connection (sans-I/O) ----
 * The caller moves bytes: put received bytes where gls_conn_net_in says, report
 * them with gls_conn_net_in_done, send what gls_conn_net_out shows and report
 * it with gls_conn_net_out_done. Plaintext goes through read and write. */
/* server_name is the name checked in the server's certificate (and sent as
 * SNI unless it is an IP literal). NULL or "" on a config with trust and
 * without gls_config_danger_verify_chain_only gives a connection whose error
 * is GLS_E_INVALID_ARGUMENT: a chain without a name proves nothing. */
gls_conn *gls_client_new(gls_config *cfg, const char *server_name);
gls_conn *gls_server_new(gls_config *cfg);
void gls_conn_free(gls_conn *c); /* wipes everything */

uint8_t *gls_conn_net_in(gls_conn *c, size_t *room);
int gls_conn_net_in_done(gls_conn *c, size_t n);
const uint8_t *gls_conn_net_out(const gls_conn *c, size_t *len);
void gls_conn_net_out_done(gls_conn *c, size_t n);
/* GLS_E_WANT_READ when no plaintext is ready; GLS_E_CLOSED after close_notify. */
int gls_conn_read(gls_conn *c, void *buf, size_t cap, size_t *got);
/* Queues up to len bytes (as many as fit in the output buffer); *put says how many. */
int gls_conn_write(gls_conn *c, const void *buf, size_t len, size_t *put);
int gls_conn_close(gls_conn *c); /* queues close_notify */
/* TLS 1.3: sends a KeyUpdate; request_peer asks the peer to update too. */
int gls_conn_key_update(gls_conn *c, int request_peer);

enum {
    GLS_WANT_NET_IN = 1,
    GLS_WANT_NET_OUT = 2,
    GLS_CAN_WRITE = 4,
    GLS_CAN_READ = 8,
    GLS_CLOSED = 16,
};
unsigned gls_conn_wants(const gls_conn *c);
int gls_conn_handshake_done(const gls_conn *c);
int gls_conn_error(const gls_conn *c); /* sticky; 0 if none */
/* A sentence for the connection's error, with detail when there is some
 * ("certificate verify failed: hostname mismatch (wanted example.com)"). */
const char *gls_conn_error_detail(const gls_conn *c);

/* What was negotiated. */
typedef struct {
    uint16_t version;
    uint16_t suite;
    uint16_t group; /* 0 for RSA key exchange */
    uint16_t sigalg;
    const char *suite_name;
    const char *kx; /* "TLS1.3", "ECDHE", "DHE" or "RSA" (as gls_suite_kx) */
    const char *group_name;
    const char *alpn; /* NULL if none */
    const char *server_name;
    int resumed;
    int forward_secret;
    int peer_verified;
    size_t peer_certs;
    int peer_name_checked; /* client: the server's certificate was checked for server_name */
    /* The peer authenticated with a certificate, in this handshake or in the
     * session this one resumes (then peer_certs is 0, and the leaf's SHA-256 and
     * subject still come from gls_conn_peer_leaf_sha256 and gls_conn_peer_subject(c, 0)). */
    int peer_authenticated;
} gls_conn_info;
int gls_conn_get_info(const gls_conn *c, gls_conn_info *info);
/* The subject of the peer's i-th certificate as one line ("CN=example.com, O=...").
 * On a resumed connection, i = 0 gives the leaf's subject as the session kept it. */
int gls_conn_peer_subject(const gls_conn *c, size_t i, char *buf, size_t cap);
/* The SHA-256 of the peer's leaf certificate (DER), also on a resumed
 * connection; GLS_E_INVALID_ARGUMENT if the peer authenticated with none. */
int gls_conn_peer_leaf_sha256(const gls_conn *c, uint8_t out[32]);
/* The DER of the peer's i-th certificate (0 = leaf). */
int gls_conn_peer_cert(const gls_conn *c, size_t i, const uint8_t **der, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
