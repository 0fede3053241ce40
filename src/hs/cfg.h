/* hs/cfg.h — the layout of gls_config, which the state machines read and
 * config.c fills. A config is frozen (read-only) once a connection holds it,
 * so the handshake code reads it from any thread without locks. */
#ifndef GLS_HS_CFG_H
#define GLS_HS_CFG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "glasstls/gls.h"
#include "hs/bufpool.h"
#include "hs/resume.h"
#include "hs/ticketkeys.h"

#define GLS_CFG_MAX_SUITES   32
#define GLS_CFG_MAX_GROUPS   16
#define GLS_CFG_MAX_SIGALGS  16
#define GLS_MAX_CERT_KEYS    4
#define GLS_CFG_MAX_CHAIN    10 /* certificates per chain, ours or the peer's */
#define GLS_CFG_MAX_ALPN     8
#define GLS_CFG_MAX_ALPN_LEN 255

/* Tests and fuzzers only (no public setter): sees, and may replace, the
 * plaintext and content type of every record a connection of this config is
 * about to seal. Returns the plaintext to seal (*n bytes, at most 2^14); the
 * fuzz targets use it to send mutated flights that still decrypt. */
typedef const uint8_t *(*gls_record_hook)(void *arg, uint8_t *type, const uint8_t *p, size_t *n);

/* One certificate chain with its private key. */
struct gls_cert_key {
    gls_cert *chain[GLS_CFG_MAX_CHAIN];
    size_t n;
    gls_pkey *key;
};

struct gls_config {
    atomic_int refs;
    atomic_bool frozen;
    gls_crypto *crypto;

    uint16_t min_version;
    uint16_t max_version;
    uint16_t suites[GLS_CFG_MAX_SUITES];
    size_t n_suites;
    uint16_t groups[GLS_CFG_MAX_GROUPS];
    size_t n_groups;
    uint16_t sigalgs[GLS_CFG_MAX_SIGALGS];
    size_t n_sigalgs;
    bool rsa_kx;
    bool no_etm; /* TLS 1.2: neither offer nor accept encrypt_then_mac (no public
                    setter: tests set it to exercise MAC-then-encrypt) */
    /* TLS 1.2, no public setters (tests set them): neither offer nor accept
     * extended_master_secret (RFC 7627 §5.3 cases); neither offer nor issue
     * session tickets, so sessions go by id */
    bool no_ems;
    bool no_tickets;

    struct gls_cert_key certs[GLS_MAX_CERT_KEYS];
    size_t n_certs;
    gls_trust *trust;
    bool danger_accept_any;
    bool danger_chain_only; /* client: verify the chain, never the name */
    enum gls_client_auth client_auth;

    char alpn[GLS_CFG_MAX_ALPN][GLS_CFG_MAX_ALPN_LEN + 1];
    size_t n_alpn;

    size_t max_hs_message;
    size_t max_chain;                /* longest peer chain accepted (<= GLS_CFG_MAX_CHAIN) */
    size_t max_idle_records;         /* consecutive empty records / warnings / CCS tolerated */
    bool open_on_read;               /* TLS 1.3 records after the handshake opened by read */
    size_t record_limit;             /* our record_size_limit (plaintext bytes) */
    uint64_t key_update_records;     /* TLS 1.3 automatic KeyUpdate interval */
    uint64_t key_update_min_records; /* a peer's KeyUpdates: one per this many records */

    /* resumption: tickets sealed under keys rotating every ticket_rotation
     * seconds; clients keep what they receive in the cache; TLS 1.2 servers
     * also keep sessions by id */
    bool resumption;
    bool keep_peer_chain; /* sessions keep the peer chain (set_session_keep_peer_chain) */
    uint32_t ticket_lifetime;
    int64_t ticket_rotation;
    uint8_t ticket_master[GLS_TICKET_KEY_LEN];
    struct gls_ticket_cache *tickets;
    struct gls_ticket_epochs *ticket_epochs; /* server: ticket keys derived once per epoch */
    struct gls_buf_pool *bufs; /* record buffers shared by this config's connections */
    struct gls_session_cache *sessions;
    gls_cert_cache *peer_certs;    /* parsed peer certificates seen (parsing only; verify runs) */
    struct gls_sni_memo *sni_memo; /* server: which certificates name the last SNI seen */

    gls_keylog_fn keylog;
    void *keylog_arg;
    gls_secret_fn secret_trace;
    void *secret_trace_arg;
    gls_event_fn event;
    void *event_arg;
    gls_rng rng;
    gls_rand_pool *rand_pool; /* the default rng's bytes (NULL: RAND_bytes per draw) */
    gls_clock_fn clock;
    void *clock_arg;
    gls_record_hook record_hook; /* NULL outside tests */
    void *record_hook_arg;

    /* deployment hooks (config_hooks.c; see gls.h) */
    gls_session_fn session_cb;
    void *session_cb_arg;
    struct gls_ticket_keyring *keyring; /* external ticket keys (n == 0: internal ones) */
    gls_session_put_fn sid_put;
    gls_session_get_fn sid_get;
    gls_session_remove_fn sid_remove;
    void *sid_arg;
    gls_verify_fn verify_cb;
    void *verify_arg;
    gls_client_hello_fn hello_cb;
    void *hello_arg;
    gls_client_cert_fn client_cert_cb;
    void *client_cert_arg;
};

/* The certificates (bit i: certs[i]) whose names match the last server name a
 * handshake asked about: X509_check_host parses the certificate's names each time,
 * and a server sees the same SNI again and again. Its own lock; the config's
 * certificates no longer change once connections use it (negotiate.c). */
struct gls_sni_memo {
    pthread_mutex_t lock;
    bool valid;
    uint32_t match;
    char name[256]; /* SNI host names are at most 255 bytes (RFC 6066 §3) */
};

/* Takes a reference for a connection and freezes the config (config.c). */
gls_config *gls_config_ref(gls_config *cfg);

#endif
