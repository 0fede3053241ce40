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

/* Everything declared in the glasstls headers is the library's exported interface: it
 * is built with hidden visibility and these headers alone make a name public. */
#if defined(__GNUC__) && !defined(GLS_NO_VISIBILITY)
#pragma GCC visibility push(default)
#endif

/* ---- version ----
 * The version of these headers; gls_version() gives the library's at run time.
 * Soname policy (docs/API.md): libglasstls.so.0.MINOR while MAJOR is 0 (a new
 * MINOR may change the ABI), libglasstls.so.MAJOR from 1.0 on. */
#define GLS_VERSION_MAJOR  0
#define GLS_VERSION_MINOR  1
#define GLS_VERSION_PATCH  0
#define GLS_VERSION_STRING "0.1.0"
/* MAJOR*10000 + MINOR*100 + PATCH, for #if comparisons. */
#define GLS_VERSION_NUMBER (GLS_VERSION_MAJOR * 10000 + GLS_VERSION_MINOR * 100 + GLS_VERSION_PATCH)
/* The running library's version, "MAJOR.MINOR.PATCH" (static string). */
const char *gls_version(void);

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
    GLS_E_INAPPROPRIATE_FALLBACK = -123,

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

/* NSS key-log line without newline, e.g. "CLIENT_RANDOM <hex> <hex>". The
 * trace and key-log callbacks receive the connection they are about (for
 * gls_conn_get_user_data); they must not free it. */
typedef struct gls_conn gls_conn;
typedef void (*gls_keylog_fn)(void *arg, gls_conn *c, const char *line);
typedef void (*gls_secret_fn)(void *arg, gls_conn *c, const gls_secret_info *info);

/* ---- key exchange groups ----
 * NamedGroup numbers (IANA TLS Supported Groups) for gls_config_set_groups. */
#define GLS_GROUP_SECP256R1         0x0017
#define GLS_GROUP_SECP384R1         0x0018
#define GLS_GROUP_SECP521R1         0x0019
#define GLS_GROUP_X25519            0x001d
#define GLS_GROUP_X448              0x001e
#define GLS_GROUP_FFDHE2048         0x0100
#define GLS_GROUP_FFDHE3072         0x0101
#define GLS_GROUP_FFDHE4096         0x0102
#define GLS_GROUP_FFDHE6144         0x0103
#define GLS_GROUP_FFDHE8192         0x0104
#define GLS_GROUP_MLKEM768          0x0201 /* TLS 1.3 only; pure ML-KEM, off by default */
#define GLS_GROUP_MLKEM1024         0x0202 /* TLS 1.3 only; pure ML-KEM, off by default */
#define GLS_GROUP_SECP256R1MLKEM768 0x11eb /* TLS 1.3 only; hybrid, P-256 share first */
#define GLS_GROUP_X25519MLKEM768    0x11ec /* TLS 1.3 only; hybrid, ML-KEM share first */

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
/* Key exchange groups (GLS_GROUP_*) in preference order. Default: X25519MLKEM768, x25519,
 * secp256r1, x448, secp521r1, secp384r1, ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144,
 * ffdhe8192 (OpenSSL 3.0's set, with the hybrid first). A TLS 1.3 client sends a key share
 * for the first group, and when that is a post-quantum group also one for the first
 * classical group, so a server without ML-KEM needs no HelloRetryRequest. */
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
/* Open-on-read (default off). After a TLS 1.3 handshake, a received record is
 * framed by gls_conn_net_in_done but opened only by gls_conn_read, as libssl's
 * SSL_read and GnuTLS's gnutls_record_recv do. When cap is at least the record's
 * fragment length less 17 (its content, unless the peer padded it), the record is
 * decrypted straight from the input buffer into buf, with no copy through the
 * library; otherwise it is opened in place and copied out over as many reads as
 * it takes. The cost: what a record holds is known only when it is read, so
 * post-handshake messages (NewSessionTicket, KeyUpdate) and alerts (close_notify)
 * take effect inside gls_conn_read, and GLS_CAN_READ may be set for a record that
 * carries no application data (the read then says GLS_E_WANT_READ or
 * GLS_E_CLOSED). A record that fails authentication leaves nothing in buf. Bytes
 * of buf past *got are unspecified after any read. */
int gls_config_set_open_on_read(gls_config *cfg, int on);
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
/* Keep the peer's whole certificate chain (DER) in the sessions this config
 * makes (default off: a session keeps the leaf's SHA-256, its subject and the
 * verification flags only). A server keeps the client's chain in its tickets
 * (TLS 1.3 and 1.2) and session-id cache entries, a client the server's chain in
 * its cached and exported sessions; a connection that resumes such a session
 * reports the chain again (gls_conn_info.peer_certs, gls_conn_peer_cert,
 * gls_conn_peer_subject). A chain over 4096 bytes (certificates as 2-byte
 * length + DER) is not kept: the session is made without it, and a connection
 * resuming it reports peer_authenticated = 1 with peer_certs = 0 (leaf hash and
 * subject only). Tickets that carry a chain are up to 5120 bytes instead of
 * 1024. A session whose kept chain does not match its leaf hash is not resumed. */
int gls_config_set_session_keep_peer_chain(gls_config *cfg, int on);
/* Callbacks. Secrets leave the library only through keylog and secret trace. */
int gls_config_set_keylog(gls_config *cfg, gls_keylog_fn fn, void *arg);
int gls_config_set_secret_trace(gls_config *cfg, gls_secret_fn fn, void *arg);
/* Human-readable protocol events ("-> ClientHello", "chose TLS_AES_128_GCM_SHA256"). */
typedef void (*gls_event_fn)(void *arg, gls_conn *c, const char *line);
int gls_config_set_event_trace(gls_config *cfg, gls_event_fn fn, void *arg);
/* Randomness and time, replaceable for deterministic tests and demos. By default a
 * config draws its random bytes from libcrypto (RAND_bytes) 4 KB at a time into a
 * pool its connections share, kept in memory the kernel wipes in a child of fork():
 * a forked process never reuses its parent's bytes. A hook replaces the pool; NULL
 * brings it back. */
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
     * session this one resumes (then peer_certs is the chain kept in the session
     * (gls_config_set_session_keep_peer_chain), or 0 if none was kept, and the
     * leaf's SHA-256 and subject still come from gls_conn_peer_leaf_sha256 and
     * gls_conn_peer_subject(c, 0)). */
    int peer_authenticated;
} gls_conn_info;
int gls_conn_get_info(const gls_conn *c, gls_conn_info *info);
/* The subject of the peer's i-th certificate as one line ("CN=example.com, O=...").
 * On a resumed connection, i = 0 gives the leaf's subject as the session kept it. */
int gls_conn_peer_subject(const gls_conn *c, size_t i, char *buf, size_t cap);
/* The SHA-256 of the peer's leaf certificate (DER), also on a resumed
 * connection; GLS_E_INVALID_ARGUMENT if the peer authenticated with none. */
int gls_conn_peer_leaf_sha256(const gls_conn *c, uint8_t out[32]);
/* The DER of the peer's i-th certificate (0 = leaf); on a resumed connection,
 * of the chain the session kept (i < peer_certs). */
int gls_conn_peer_cert(const gls_conn *c, size_t i, const uint8_t **der, size_t *len);

/* ---- deployment: sessions, ticket keys, trust and per-connection hooks ----
 * Callbacks run synchronously inside gls_conn_net_in_done/read/write (or
 * gls_client_new) on the thread driving that connection; a callback shared by
 * connections of several threads must do its own locking. */

/* Sessions (client). A session is an opaque, versioned byte string: the TLS 1.3
 * ticket and its resumption PSK, or the TLS 1.2 ticket or session id and its
 * master secret, with the server name, ALPN, issue time and lifetime. THE BYTES
 * ARE SECRET: whoever holds them can decrypt nothing recorded, but can resume
 * the session as this client. Keep them as you would a private key. */
/* Largest session gls_conn_get_session produces (a session from a server whose
 * tickets carry a chain, or with a kept chain, can pass 1 KiB; others stay under). */
#define GLS_SESSION_MAX 10240

/* Copies the newest session this connection received into buf. GLS_E_WANT_READ
 * if there is none yet (TLS 1.3 tickets arrive after the handshake: read, then
 * ask again); GLS_E_BUFFER_TOO_SMALL (with *len set to the size needed). */
int gls_conn_get_session(const gls_conn *c, uint8_t *buf, size_t cap, size_t *len);
/* Offers session on this client connection's handshake; call it right after
 * gls_client_new, before any bytes are moved. A session that no longer fits
 * (another server name, expired, a version or suite this config no longer
 * allows, damaged or from a newer format) is ignored: the handshake is a full
 * one, not an error. A session is offered at most once. */
int gls_conn_set_session(gls_conn *c, const uint8_t *session, size_t len);
/* Called on the client when a new session arrives: after a TLS 1.2 handshake,
 * and for each TLS 1.3 NewSessionTicket (these come after the handshake). The
 * bytes are valid during the call only. */
typedef void (*gls_session_fn)(void *arg, gls_conn *c, const uint8_t *session, size_t len);
int gls_config_set_session_callback(gls_config *cfg, gls_session_fn fn, void *arg);

/* Ticket keys (server). By default a config seals tickets under its own random
 * keys, rotated every 12 hours (the previous key still opens tickets). A fleet
 * instead supplies keys: every server holding the same keys resumes every
 * other's tickets. */
typedef struct {
    uint8_t name[16];   /* written in each ticket, to find the key that opens it; not secret */
    uint8_t secret[32]; /* the AES-256-GCM key; secret */
    int64_t created;    /* when it became current, seconds since the epoch (0: now) */
} gls_ticket_key;
#define GLS_TICKET_KEYS_MAX 4

/* keys[0] seals new tickets; all n (1..GLS_TICKET_KEYS_MAX) open them. Unlike
 * the other setters this one also works on a config in use (it is locked
 * inside), so a program may install keys from another thread at any time. */
int gls_config_set_ticket_keys(gls_config *cfg, const gls_ticket_key *keys, size_t n);
/* Called when the current key has been current for period seconds (from its
 * created time), during the handshake that first notices: it writes up to cap
 * keys (current first) and returns how many, or 0 to keep the present ones.
 * If it returns the same current key (another server has not rotated yet) it
 * is asked again after min(period/16, 60) seconds (at least 1). Only one
 * handshake at a time calls it; the others go on with the present keys. */
typedef size_t (*gls_ticket_rotate_fn)(void *arg, int64_t now, gls_ticket_key *keys, size_t cap);
int gls_config_set_ticket_rotation(gls_config *cfg, uint32_t period_seconds,
                                   gls_ticket_rotate_fn fn, void *arg);

/* TLS 1.2 session-id cache (server) in an external store, replacing the
 * config's own 256-entry cache. Session bytes are secret (as above). put
 * stores a new session (lifetime in seconds); get copies the session stored
 * under id into buf and returns GLS_OK, or returns any error if there is none
 * (the handshake then goes on in full); remove drops a session that no longer
 * fits. Each may be called from any connection's thread. */
typedef int (*gls_session_put_fn)(void *arg, const uint8_t *id, size_t id_len,
                                  const uint8_t *session, size_t len, uint32_t lifetime);
typedef int (*gls_session_get_fn)(void *arg, const uint8_t *id, size_t id_len, uint8_t *buf,
                                  size_t cap, size_t *len);
typedef void (*gls_session_remove_fn)(void *arg, const uint8_t *id, size_t id_len);
int gls_config_set_session_id_cache(gls_config *cfg, gls_session_put_fn put, gls_session_get_fn get,
                                    gls_session_remove_fn remove, void *arg);

/* Trust from memory: adds the CA certificates of a PEM buffer to the trust
 * store (created empty if the config has none). */
int gls_config_add_ca_pem(gls_config *cfg, const uint8_t *pem, size_t len);

/* One certificate of a chain, DER-encoded. */
typedef struct {
    const uint8_t *der;
    size_t len;
} gls_cert_view;
/* Called after the built-in verification of the peer's chain (leaf first)
 * against expected_name (NULL on a server, or a client without a name), with
 * its verdict: GLS_OK or the GLS_E_CERT_* it reached. Return GLS_OK to accept
 * (pinning, a private PKI) or a negative GLS_E_* to reject; that error, and its
 * alert, end the handshake. Not called with danger_accept_any_cert. */
typedef int (*gls_verify_fn)(void *arg, gls_conn *c, const gls_cert_view *chain, size_t n,
                             const char *expected_name, int verdict);
int gls_config_set_verify_callback(gls_config *cfg, gls_verify_fn fn, void *arg);

/* What a ClientHello asks for, for a server's per-connection choices. The
 * arrays are valid during the callback only. */
typedef struct {
    const char *server_name; /* NULL without SNI */
    const char *const *alpn; /* protocols offered, in the client's order */
    size_t n_alpn;
    const uint16_t *versions; /* supported_versions (or legacy_version alone) */
    size_t n_versions;
    const uint16_t *sigalgs;
    size_t n_sigalgs;
    const uint16_t *groups;
    size_t n_groups;
    const uint16_t *suites;
    size_t n_suites;
} gls_client_hello_info;
/* Answers the callback may give; zeroed before the call, so leaving a field
 * alone keeps the config's own choice. */
typedef struct {
    gls_config *config; /* go on with this config instead: its certificates (so this is how a
                           certificate is picked), trust, versions, suites, ALPN, limits */
    const char *alpn;   /* answer this protocol; it must be one the client offered */
} gls_client_hello_choice;
/* Called once per handshake on a server, after the ClientHello is parsed and
 * before anything is chosen. Return GLS_OK to go on, or a negative GLS_E_* to
 * refuse (with its alert). The config switched to is referenced by the
 * connection (the caller keeps its own reference) and frozen; tickets are then
 * sealed and opened with its keys. An ALPN answer the client did not offer is
 * GLS_E_NO_APPLICATION_PROTOCOL. Not called for a second ClientHello after
 * HelloRetryRequest. */
typedef int (*gls_client_hello_fn)(void *arg, gls_conn *c, const gls_client_hello_info *hello,
                                   gls_client_hello_choice *choice);
int gls_config_set_client_hello_callback(gls_config *cfg, gls_client_hello_fn fn, void *arg);

/* Client certificate choice: called on a client when the server asks for a
 * certificate, with the server's acceptable signature schemes. Return the
 * 1-based index of the config's certificate to use, or 0 to send none. Without
 * it the client sends its first usable certificate. */
typedef int (*gls_client_cert_fn)(void *arg, gls_conn *c, const uint16_t *sigalgs, size_t n);
int gls_config_set_client_cert_callback(gls_config *cfg, gls_client_cert_fn fn, void *arg);

/* Per-connection data for callbacks (never touched by glasstls). */
void gls_conn_set_user_data(gls_conn *c, void *data);
void *gls_conn_get_user_data(const gls_conn *c);

/* Keying material exporter: TLS 1.3 (RFC 8446 §7.5) or TLS 1.2 (RFC 5705),
 * after the handshake. context may be NULL (no context, which differs from an
 * empty one in TLS 1.2). TLS 1.2 only with the extended master secret (RFC
 * 7627 §5.4): GLS_E_EMS_REQUIRED otherwise. len: 1..8160 bytes; TLS 1.2 takes
 * label and context of 94 bytes together at most. */
int gls_conn_export_keying_material(const gls_conn *c, const char *label, const uint8_t *context,
                                    size_t context_len, uint8_t *out, size_t len);

#if defined(__GNUC__) && !defined(GLS_NO_VISIBILITY)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
