/* hs/state.h — what a connection knows during and after the handshake:
 * struct gls_hs (handshake-only state: its own allocation, wiped and freed
 * when the handshake ends, STYLE §12.2) and
 * struct gls_session (what was negotiated, and the secrets that outlive the
 * handshake: application traffic secrets for KeyUpdate, the resumption secret). */
#ifndef GLS_HS_STATE_H
#define GLS_HS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/secret.h"
#include "crypto/crypto.h"
#include "hs/cfg.h"
#include "hs/resume.h"
#include "hs/suites.h"
#include "keys/names.h"
#include "keys/prf12.h"
#include "keys/sched13.h"
#include "keys/transcript.h"

typedef struct gls_conn gls_conn;

#define GLS_HS_SCRATCH        (64 * 1024 + 4) /* largest handshake message we write */
#define GLS_HS_SCRATCH_MIN    2048            /* first size; doubles up to GLS_HS_SCRATCH */
#define GLS_MAX_OUT           (1024 * 1024)   /* output buffer cap */
#define GLS_MAX_SHARES        2               /* key shares a client offers */
#define GLS_MAX_COOKIE        512
#define GLS_MAX_EARLY_SKIP    (64 * 1024) /* rejected 0-RTT bytes a server skips */
#define GLS_MAX_EARLY_RECORDS 64          /* ... and records */

struct gls_hs {
    gls_rand_batch rand; /* this side's random bytes, one system draw (gls_hs_rng) */
    gls_transcript transcript;
    size_t sent_to_transcript; /* bytes of our own messages in it (debug check) */
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint8_t session_id[32];
    size_t session_id_len;
    uint8_t *scratch;    /* message being written */
    size_t scratch_cap;  /* its size: small first, grown while a message is written */
    size_t scratch_used; /* high-water mark of scratch, for the wipe */

    /* key exchange */
    gls_kex *kex[GLS_MAX_SHARES];
    uint16_t kex_group[GLS_MAX_SHARES];
    size_t n_kex;
    bool hrr;           /* a HelloRetryRequest happened */
    uint16_t hrr_group; /* the group it asked for */
    uint8_t cookie[GLS_MAX_COOKIE];
    size_t cookie_len;

    /* TLS 1.3 schedule */
    gls_early_secret early;
    bool early_for_psk; /* early was made from resume.psk for its binder: reused */
    gls_handshake_secret hs_secret;
    gls_master_secret master;
    gls_secret c_hs_traffic;
    gls_secret s_hs_traffic;
    gls_secret c_finished_key; /* made with the handshake keys (len 0 until then), */
    gls_secret s_finished_key; /* announced and used at Finished */

    /* authentication */
    const struct gls_cert_key *cert; /* ours */
    uint16_t sigalg;                 /* scheme we sign with */
    uint16_t peer_sigalgs[GLS_CFG_MAX_SIGALGS];
    size_t n_peer_sigalgs;
    bool cert_requested; /* client: server asked; server: we asked */
    uint8_t cr_context[32];
    size_t cr_context_len;
    bool peer_sent_cert;
    bool ccs_seen; /* TLS 1.3 middlebox-compatibility CCS already received */
    bool sent_ccs;
    bool offered_tls13;
    uint32_t sent_exts; /* client: the extensions of our last ClientHello (gls_exts bits) */
    /* resumption: the ticket a client offers, or the one a server accepted */
    struct gls_ticket resume;
    bool psk_offered;
    bool psk_accepted;
    bool client_psk_dhe;    /* server: the client can take tickets (psk_dhe_ke) */
    bool peer_record_limit; /* server: the client sent record_size_limit */
    bool skip_early;        /* server: the client sent early_data, which we reject */
    size_t early_skipped;
    size_t early_records;
    uint16_t offered_suites[GLS_CFG_MAX_SUITES];
    size_t n_offered_suites;

    /* TLS 1.2 (client12.c, server12.c, common12.c) */
    bool ems;                  /* extended master secret negotiated (RFC 7627) */
    bool etm;                  /* encrypt-then-MAC negotiated (RFC 7366; CBC suites) */
    bool secure_reneg;         /* server: the client signalled RFC 5746 support */
    uint16_t client_version;   /* server: ClientHello.legacy_version (RSA kx check) */
    gls_kex_secret pms;        /* client: (EC)DHE output, from ServerKeyExchange to send */
    gls_secret ms12;           /* master secret */
    gls_hmac_key *ms12_key;    /* its HMAC keyed once: key block and both Finished */
    struct gls_key_block12 kb; /* until both directions are installed */
    /* TLS 1.2 resumption (RFC 5077, RFC 5246 §7.3); the session is hs->resume */
    bool offered12;    /* client: hs->resume is a TLS 1.2 session we offer */
    bool ticket_ext12; /* client: we sent session_ticket; server: the client did */
    bool ticket12;     /* a NewSessionTicket comes (client) / goes (server) this handshake */
    bool new_ticket12; /* client: NewSessionTicket received, kept in hs->resume */
    char alpn_choice[GLS_CFG_MAX_ALPN_LEN + 1]; /* server: the ClientHello hook's ALPN answer */
};

struct gls_session {
    uint16_t version;
    const struct gls_suite *suite;
    const gls_hash_alg *hash; /* the suite's PRF/HKDF hash */
    uint16_t group;
    uint16_t sigalg; /* the scheme the server (peer or us) signed with */
    /* NUL-terminated, exactly sized on the heap (gls_session_set_name), or
     * gls_no_name ("") when there is none: an idle connection holds no 256-byte arrays */
    const char *alpn;
    const char *server_name;
    bool resumed;
    bool peer_verified;
    bool peer_name_checked;     /* client: server_name was checked in the verified chain */
    struct gls_peer_id peer_id; /* from peer_chain, or from the session resumed */
    gls_cert *peer_chain[GLS_CFG_MAX_CHAIN];
    size_t n_peer;
    gls_secret c_ap_traffic; /* current application traffic secrets (KeyUpdate) */
    gls_secret s_ap_traffic;
    gls_secret exporter;
    gls_secret res_master;
};

#define GLS_MAX_SERVER_NAME 255   /* longest server name kept (RFC 6066 §3: a DNS name) */
extern const char gls_no_name[1]; /* "": alpn or server_name when there is none */
/* Sets *dst to a heap copy of p[0..n) (gls_no_name when n is 0), freeing the old one. */
GLS_MUST_CHECK int gls_session_set_name(const char **dst, const void *p, size_t n);
/* Copies a name into a fixed array of cap bytes (cap > 0), cut to fit. */
void gls_name_copy(char *out, size_t cap, const char *name);
void gls_session_init(struct gls_session *s);
void gls_session_wipe(struct gls_session *s);

#endif
