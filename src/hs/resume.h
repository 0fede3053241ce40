/* hs/resume.h — session resumption state that outlives a connection: the
 * server's ticket sealing (RFC 8446 §4.6.1, RFC 5077 §4) under keys that
 * rotate with time, the client's cache of tickets (and TLS 1.2 session ids),
 * keyed by server name, and the server's TLS 1.2 session-id cache (RFC 5246
 * §7.3). The caches are the mutable objects a config owns; each has its own
 * lock. */
#ifndef GLS_HS_RESUME_H
#define GLS_HS_RESUME_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/secret.h"
#include "crypto/crypto.h"

#define GLS_MAX_TICKET 1024 /* the tickets we seal, unless a kept chain needs more */
/* A peer chain kept in a session (gls_config_set_session_keep_peer_chain): the
 * certificates as opaque16 DER, at most this many bytes in all; a longer chain
 * is not kept (the session keeps the leaf's hash and subject only). A ticket
 * that carries one is at most GLS_MAX_TICKET_LARGE, the largest ticket we seal,
 * open, or accept from a server. */
#define GLS_MAX_PEER_CHAIN_KEPT 4096
#define GLS_MAX_TICKET_LARGE    (GLS_MAX_TICKET + GLS_MAX_PEER_CHAIN_KEPT)
#define GLS_TICKET_CACHE        32
#define GLS_TICKET_KEY_LEN      32
#define GLS_TICKET_AGE_SKEW_MS  (60 * 1000) /* tolerated clock difference in ticket ages */
#define GLS_SESSION_CACHE       256         /* server: TLS 1.2 sessions kept by id */

/* Who the peer proved to be when a session was made, so that resuming it
 * reports the same identity (issue 9 item 3): the leaf certificate's SHA-256
 * and its subject line (cut to fit). */
#define GLS_PEER_SUBJECT      200
#define GLS_PEER_PRESENT      1u /* the peer authenticated with a certificate */
#define GLS_PEER_VERIFIED     2u /* its chain verified against our trust store */
#define GLS_PEER_NAME_CHECKED 4u /* client: and the server name was checked in it */
struct gls_peer_id {
    uint8_t flags;
    uint8_t leaf_sha256[32];
    char subject[GLS_PEER_SUBJECT];
};

/* What a ticket carries (sealed inside the ticket for a server; kept beside
 * it by a client). The ticket and the chain are heap blocks the struct owns:
 * gls_ticket_wipe frees them, gls_ticket_copy duplicates them, and a plain
 * struct assignment is a move (the source must then be forgotten, not wiped). */
struct gls_ticket {
    uint16_t version;
    uint16_t suite;
    gls_secret psk; /* TLS 1.3 resumption PSK, or TLS 1.2 master secret */
    bool ems;       /* TLS 1.2: extended master secret was used */
    int64_t issued; /* seconds since the epoch */
    uint32_t lifetime;
    uint32_t age_add;
    char server_name[256]; /* the SNI it was made for: it resumes under no other */
    struct gls_peer_id peer;
    uint8_t *peer_chain; /* NULL, or the peer's chain as kept (GLS_MAX_PEER_CHAIN_KEPT) */
    size_t peer_chain_len;
    /* client side only */
    uint8_t *ticket; /* NULL, or the ticket as received (at most GLS_MAX_TICKET_LARGE) */
    size_t ticket_len;
    uint8_t session_id[32]; /* TLS 1.2: the server's id for the session (no ticket) */
    size_t session_id_len;
};

/* Wipes t and frees what it owns; t is then empty (all zero). */
void gls_ticket_wipe(struct gls_ticket *t);
/* *dst = a deep copy of *src (dst must own nothing). On allocation failure the
 * copy has neither ticket nor chain and false is returned. */
bool gls_ticket_copy(struct gls_ticket *dst, const struct gls_ticket *src);
/* Replaces t's ticket (or chain) with a copy of p[0..n); false (and none) if
 * out of memory. */
bool gls_ticket_set_ticket(struct gls_ticket *t, const uint8_t *p, size_t n);
bool gls_ticket_set_chain(struct gls_ticket *t, const uint8_t *p, size_t n);
/* Is p[0..n) a well-formed kept chain: 1..GLS_CFG_MAX_CHAIN certificates as
 * opaque16 (each non-empty), at most GLS_MAX_PEER_CHAIN_KEPT bytes? */
bool gls_peer_chain_well_formed(const uint8_t *p, size_t n);

/* The client's ticket cache. */
struct gls_ticket_cache {
    pthread_mutex_t lock;
    struct gls_ticket entries[GLS_TICKET_CACHE];
    size_t n;
};

GLS_MUST_CHECK int gls_ticket_cache_init(struct gls_ticket_cache *c);
void gls_ticket_cache_free(struct gls_ticket_cache *c);
/* Stores a copy of t (replacing the oldest entry when full). */
void gls_ticket_cache_put(struct gls_ticket_cache *c, const struct gls_ticket *t);
/* Takes (removes) a ticket for server_name of `version` that is still valid at
 * now; tickets are used once (RFC 8446 §C.4). false if none. */
bool gls_ticket_cache_take(struct gls_ticket_cache *c, const char *server_name, uint16_t version,
                           int64_t now, struct gls_ticket *out);

/* The server's TLS 1.2 session-id cache: a bounded ring (the oldest entry
 * goes when it is full); entries expire with their lifetime; secrets are
 * wiped when an entry goes. */
struct gls_session_cache {
    pthread_mutex_t lock;
    struct gls_session_entry {
        uint8_t id[32];
        struct gls_ticket s; /* version 0 = empty slot */
    } entries[GLS_SESSION_CACHE];
    size_t next; /* the slot the next put overwrites (the oldest) */
};

GLS_MUST_CHECK int gls_session_cache_init(struct gls_session_cache *c);
void gls_session_cache_free(struct gls_session_cache *c);
/* Stores a copy of s under id (overwriting the oldest entry). */
void gls_session_cache_put(struct gls_session_cache *c, const uint8_t id[32],
                           const struct gls_ticket *s);
/* Copies the session stored under id if it is still valid at now (an expired
 * one is wiped); false if none. Entries stay: a session id may resume again. */
bool gls_session_cache_get(struct gls_session_cache *c, const uint8_t id[32], int64_t now,
                           struct gls_ticket *out);

/* Server: the ticket keys of the last two rotation epochs, each derived from the
 * config's master key once (HKDF-Expand) instead of at every seal and open. A config
 * cache shared by its connections behind the mutex; each entry remembers the master key
 * it came from, and keys are wiped when replaced and when freed. */
#define GLS_TICKET_EPOCHS 2
struct gls_ticket_epochs {
    pthread_mutex_t lock;
    struct gls_ticket_epoch {
        bool set;
        uint64_t epoch;
        uint8_t master[GLS_TICKET_KEY_LEN];
        uint8_t key[32];
        gls_aead_ctx *seal; /* keyed with key when first needed; used under lock */
        gls_aead_ctx *open;
    } e[GLS_TICKET_EPOCHS];
    size_t next; /* the entry the next new epoch replaces */
};
GLS_MUST_CHECK int gls_ticket_epochs_init(struct gls_ticket_epochs *k);
void gls_ticket_epochs_free(struct gls_ticket_epochs *k);

/* Server: seals t into out (epoch || nonce || AES-256-GCM(t) || tag) under the
 * key of the current rotation epoch, derived from master (through epochs when not
 * NULL). */
GLS_MUST_CHECK int gls_ticket_seal(const gls_crypto *cr, const uint8_t master[GLS_TICKET_KEY_LEN],
                                   int64_t now, int64_t rotation, const gls_rng *rng,
                                   const struct gls_ticket *t, uint8_t *out, size_t cap,
                                   size_t *len, struct gls_ticket_epochs *epochs);
/* Server: opens a ticket sealed in the current or the previous epoch; expired,
 * foreign or damaged tickets yield false (never an error: the handshake goes
 * on without resumption). epochs as for gls_ticket_seal. */
bool gls_ticket_open(const gls_crypto *cr, const uint8_t master[GLS_TICKET_KEY_LEN], int64_t now,
                     int64_t rotation, const uint8_t *in, size_t n, struct gls_ticket *t,
                     struct gls_ticket_epochs *epochs);

/* The plaintext inside a ticket (both ways of sealing use it). */
void gls_ticket_body_write(gls_writer *w, const struct gls_ticket *t);
bool gls_ticket_body_read(gls_reader *r, struct gls_ticket *t);

#endif
