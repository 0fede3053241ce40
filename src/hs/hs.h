/* hs/hs.h — the connection object as the state machines see it: the state
 * names (one enum, in flow order), a handshake message, the transition-table
 * row, and the few services the handlers share (send a message, fragment into
 * records, report an event or a secret). The handlers themselves live in
 * client.c, client13.c, server.c and server13.c (TLS 1.2 in *12.c). */
#ifndef GLS_HS_HS_H
#define GLS_HS_HS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/secret.h"
#include "crypto/crypto.h"
#include "hs/cfg.h"
#include "hs/state.h"
#include "hs/suites.h"
#include "keys/names.h"
#include "msg/msg.h"
#include "record/record.h"

/* One state enum for both sides and versions, grouped in flow order. */
enum gls_hs_state {
    ST_START,
    /* client */
    ST_C_WAIT_SH, /* ClientHello sent; ServerHello decides the version */
    ST_C13_WAIT_EE,
    ST_C13_WAIT_CERT_CR,
    ST_C13_WAIT_CERT,
    ST_C13_WAIT_CV,
    ST_C13_WAIT_FINISHED,
    ST_C12_WAIT_CERT,
    ST_C12_WAIT_SKE,
    ST_C12_WAIT_CR_SHD,
    ST_C12_WAIT_SHD,
    ST_C12_WAIT_NST,
    ST_C12_WAIT_CCS,
    ST_C12_WAIT_FINISHED,
    /* server */
    ST_S_WAIT_CH,
    ST_S13_WAIT_CH2, /* after HelloRetryRequest */
    ST_S13_WAIT_CERT,
    ST_S13_WAIT_CV,
    ST_S13_WAIT_FINISHED,
    ST_S12_WAIT_CERT,
    ST_S12_WAIT_CKE,
    ST_S12_WAIT_CV,
    ST_S12_WAIT_CCS,
    ST_S12_WAIT_FINISHED,
    /* both */
    ST_CONNECTED,
    ST_CLOSED,
    ST_FAILED,
    ST_COUNT
};

const char *gls_hs_state_name(enum gls_hs_state s);

/* One whole, reassembled handshake message. raw is header + body, for the transcript. */
typedef struct {
    uint8_t type;
    gls_bytes body;
    gls_bytes raw;
} gls_hs_msg;

typedef int (*gls_hs_handler)(gls_conn *c, const gls_hs_msg *m);

/* A row of a transition table: in this state, this message, handled here. */
struct gls_hs_edge {
    enum gls_hs_state state;
    uint8_t type;
    gls_hs_handler handler;
    unsigned flags;
};
#define NO_TRANSCRIPT  1u  /* the handler does not add the message to the transcript */
#define GLS_DETAIL_MAX 256 /* bytes of an error detail, NUL included */

struct gls_conn {
    gls_config *cfg;
    bool is_server;
    int err;      /* sticky first error */
    char *detail; /* error detail a person can read (GLS_DETAIL_MAX, allocated when there is one) */
    bool peer_closed; /* close_notify received */
    bool sent_close;  /* close_notify queued */

    struct gls_rec_dir rd;
    struct gls_rec_dir wr;
    unsigned rd_epoch;   /* bumped when read keys change (RFC 8446 §5.1 boundary rule) */
    size_t send_limit;   /* largest plaintext per record we send (peer's record_size_limit) */
    size_t idle_records; /* consecutive records that carried nothing */
    size_t recv_limit;   /* largest plaintext per protected record we accept (ours) */
    /* TLS 1.3 KeyUpdate bound (gls_hs13_on_key_update): records received since the
     * peer's last KeyUpdate, KeyUpdates it may still send now, and whether we already
     * answered an update_requested since our last application data */
    uint64_t ku_records;
    unsigned ku_tokens;
    bool ku_answered;

    uint8_t *in; /* received, not yet processed network bytes */
    size_t in_len;
    size_t in_cap;
    uint8_t *out; /* sealed records waiting to be sent */
    size_t out_off;
    size_t out_len;
    size_t out_cap;
    bool out_pooled; /* out came from cfg->bufs (else it is a larger, owned buffer) */
    uint8_t *hsbuf;  /* handshake message reassembly */
    size_t hs_len;
    size_t hs_cap;
    gls_bytes app;       /* unread plaintext of the current application record (in `in`) */
    size_t app_consumed; /* bytes of `in` that the current application record spans */
    size_t sealed;       /* open-on-read: bytes of the unopened record at the front of `in` */

    enum gls_hs_state state;
    struct gls_hs *hs; /* handshake-only state; NULL once the handshake is over */
    struct gls_session sess;

    /* deployment (hs/session.c, export.c) */
    void *user_data;
    uint8_t *own_session; /* client: the newest session received, encoded (secret) */
    size_t own_session_len;
    struct gls_ticket *offer;   /* client: the session gls_conn_set_session gave */
    gls_secret export12;        /* TLS 1.2 with EMS: the master secret, for RFC 5705 */
    uint8_t export_randoms[64]; /* client and server random, once the handshake is over */
    unsigned kx_after;          /* the secret trace's key-exchange context, once it is over */
    gls_config *cfg_first;      /* server: the config before the ClientHello hook switched */
};

/* Dispatches m through a transition table: GLS_E_UNEXPECTED_MESSAGE if no row
 * matches. Debug builds check that the transcript grew by exactly m->raw. */
GLS_MUST_CHECK int gls_hs_dispatch(gls_conn *c, const struct gls_hs_edge *edges, size_t n,
                                   const gls_hs_msg *m);
/* Routes a message to the table of the current state's side and version. */
GLS_MUST_CHECK int gls_hs_on_message(gls_conn *c, const gls_hs_msg *m);
/* A change_cipher_spec record arrived (payload must be one byte 0x01). */
GLS_MUST_CHECK int gls_hs_on_ccs(gls_conn *c, gls_bytes payload);
/* Starts the handshake: a client sends ClientHello; a server waits. */
GLS_MUST_CHECK int gls_hs_start(gls_conn *c);
/* Wipes every handshake secret and frees handshake-only memory. */
void gls_hs_wipe(gls_conn *c);
/* Where the handshake draws its random bytes: the handshake's batch (one system draw
 * for the side's randoms, session id, private keys and ticket nonces; crypto.h), or the
 * config's rng when no handshake runs. */
const gls_rng *gls_hs_rng(const gls_conn *c);

/* Begin a handshake message of type: the writer points into a scratch buffer
 * after the 4-byte header. hs_end fills the length, adds the message to the
 * transcript (unless no_transcript) and queues it as handshake records under
 * the current write keys. */
GLS_MUST_CHECK int gls_hs_begin(gls_conn *c, uint8_t type, gls_writer *w);
GLS_MUST_CHECK int gls_hs_end(gls_conn *c, gls_writer *w, bool no_transcript);
/* Fragments p[0..n) into records of type under the current write keys and
 * appends them to the output buffer (growing it during the handshake). */
GLS_MUST_CHECK int gls_hs_send(gls_conn *c, uint8_t type, const uint8_t *p, size_t n);

/* The secret sink for this connection (feeds secret trace and key log). */
gls_secret_sink gls_hs_sink(gls_conn *c);
/* The key-log line alone for secret id (no trace): a value the connection takes
 * rather than makes, such as a resumed TLS 1.2 session's master secret. */
void gls_hs_keylog(gls_conn *c, enum gls_secret_id id, const uint8_t *v, size_t len);
/* Seconds since the epoch, from the config's clock hook or the system. */
int64_t gls_hs_now(const gls_conn *c);

/* Entry points of the per-side, per-version files. */
GLS_MUST_CHECK int gls_client_send_hello(gls_conn *c);
GLS_MUST_CHECK int gls_client_on_server_hello_msg(gls_conn *c, const gls_hs_msg *m);
/* GLS_E_UNSUPPORTED_EXTENSION if a server message carries an extension the
 * ClientHello did not send (RFC 8446 §4.2), also_allowed aside (HRR cookie). */
GLS_MUST_CHECK int gls_client_check_solicited(gls_conn *c, const struct gls_exts *e,
                                              uint32_t also_allowed);
GLS_MUST_CHECK int gls_server_on_client_hello_msg(gls_conn *c, const gls_hs_msg *m);
GLS_MUST_CHECK int gls_client13_on_server_hello(gls_conn *c, const gls_hs_msg *m,
                                                const struct gls_server_hello *sh);
GLS_MUST_CHECK int gls_server13_on_client_hello(gls_conn *c, const gls_hs_msg *m,
                                                const struct gls_client_hello *ch);
GLS_MUST_CHECK int gls_client13_on_message(gls_conn *c, const gls_hs_msg *m);
GLS_MUST_CHECK int gls_server13_on_message(gls_conn *c, const gls_hs_msg *m);
/* TLS 1.2 (client12.c, server12.c) */
GLS_MUST_CHECK int gls_client12_on_server_hello(gls_conn *c, const gls_hs_msg *m,
                                                const struct gls_server_hello *sh);
GLS_MUST_CHECK int gls_server12_on_client_hello(gls_conn *c, const gls_hs_msg *m,
                                                const struct gls_client_hello *ch);
GLS_MUST_CHECK int gls_client12_on_message(gls_conn *c, const gls_hs_msg *m);
GLS_MUST_CHECK int gls_server12_on_message(gls_conn *c, const gls_hs_msg *m);

/* ---- TLS 1.2 pieces both sides use (common12.c) ---- */
/* Master secret (extended when negotiated, over the transcript so far, which
 * must end with ClientKeyExchange) and key block from the pre-master secret,
 * which is wiped here. */
GLS_MUST_CHECK int gls_hs12_derive_keys(gls_conn *c, uint8_t *pms, size_t pms_len);
/* Abbreviated handshake (RFC 5246 §7.3): the key block from a resumed
 * session's master secret (copied into hs->ms12) and this handshake's randoms. */
GLS_MUST_CHECK int gls_hs12_resume_keys(gls_conn *c, const gls_secret *ms);
/* The session this handshake made (master secret, suite, EMS, now, our
 * lifetime, server name), for a ticket or a session cache. Wipe t after use. */
void gls_hs12_session(gls_conn *c, struct gls_ticket *t);
/* RFC 5246 §8.1.2: a DHE pre-master secret loses its leading zero bytes (the
 * freed tail is wiped). */
void gls_hs12_strip_zeros(gls_kex_secret *s);
/* change_cipher_spec arrived in a *_WAIT_CCS state: install the read keys. */
GLS_MUST_CHECK int gls_hs12_on_ccs(gls_conn *c);
/* Sends change_cipher_spec, then installs the write keys. */
GLS_MUST_CHECK int gls_hs12_send_ccs(gls_conn *c);
/* Checks the peer's Finished over the transcript so far and adds it. */
GLS_MUST_CHECK int gls_hs12_check_finished(gls_conn *c, const gls_hs_msg *m);
GLS_MUST_CHECK int gls_hs12_send_finished(gls_conn *c);
/* Certificate (TLS 1.2 form) with c->hs->cert's chain, or empty. */
GLS_MUST_CHECK int gls_hs12_send_certificate(gls_conn *c);
/* Parses the peer's Certificate into c->sess.peer_chain (may be empty). */
GLS_MUST_CHECK int gls_hs12_on_certificate(gls_conn *c, const gls_hs_msg *m);
/* True if a TLS 1.2 CertificateVerify can use scheme: its hash runs in the
 * transcript (SHA-256, SHA-384) and it can sign a digest (not Ed25519). */
bool gls_hs12_cv_scheme_ok(uint16_t scheme);

/* ---- TLS 1.2 resumption (resume12.c): tickets (RFC 5077), session ids ---- */
/* Server, after the ClientHello's extensions are read: resumes the offered
 * session (ticket or id) if it fits (sets c->sess.resumed, the suite, the id
 * to echo and hs->resume), else prepares a full handshake (a new session id
 * unless the client takes tickets). Decides whether a NewSessionTicket goes. */
GLS_MUST_CHECK int gls_server12_try_resume(gls_conn *c, const struct gls_client_hello *ch);
/* Server: the NewSessionTicket, if this handshake issues one (before our CCS). */
GLS_MUST_CHECK int gls_server12_send_ticket(gls_conn *c);
/* Server: keeps a completed full handshake's session under its id. */
void gls_server12_cache_session(gls_conn *c);
/* Client: takes a cached TLS 1.2 session for this server into hs->resume and
 * sets the ClientHello's session id (the stored id, or a fresh one beside a ticket). */
GLS_MUST_CHECK int gls_client12_find_session(gls_conn *c);
/* Client: does this ServerHello resume our session? Checks suite and EMS. */
GLS_MUST_CHECK int gls_client12_check_resume(gls_conn *c, const struct gls_server_hello *sh);
/* Client: a TLS 1.2 NewSessionTicket (added to the transcript; ticket kept in hs->resume). */
GLS_MUST_CHECK int gls_client12_on_ticket(gls_conn *c, const gls_hs_msg *m);
/* Client: keeps the completed handshake's session (ticket or id) in the cache. */
void gls_client12_store_session(gls_conn *c);

/* ---- TLS 1.3 pieces both sides use (common13.c) ---- */
/* Derives key and IV from a traffic secret and installs them for one direction. */
GLS_MUST_CHECK int gls_hs13_install(gls_conn *c, bool write, const gls_secret *traffic);
/* Early (no PSK) -> handshake secret from the (EC)DHE output, then both
 * handshake traffic secrets over the transcript so far (ClientHello..ServerHello). */
GLS_MUST_CHECK int gls_hs13_handshake_secrets(gls_conn *c, gls_kex_secret *shared);
/* Master secret and both application traffic secrets over the transcript so far
 * (..server Finished), plus the exporter master secret. */
GLS_MUST_CHECK int gls_hs13_master_secrets(gls_conn *c);
/* The resumption master secret over the transcript so far (..client Finished). */
GLS_MUST_CHECK int gls_hs13_resumption_secret(gls_conn *c);
/* Checks a peer Finished against base (its handshake traffic secret) and the
 * transcript so far; adds the message to the transcript on success. */
GLS_MUST_CHECK int gls_hs13_check_finished(gls_conn *c, const gls_secret *base,
                                           const gls_hs_msg *m);
GLS_MUST_CHECK int gls_hs13_send_finished(gls_conn *c, const gls_secret *base);
/* Certificate with our chain (or empty), and CertificateVerify over the transcript. */
GLS_MUST_CHECK int gls_hs13_send_certificate(gls_conn *c, gls_bytes context);
GLS_MUST_CHECK int gls_hs13_send_certificate_verify(gls_conn *c);
/* Parses and verifies the peer's Certificate (chain policy in verify.c). */
GLS_MUST_CHECK int gls_hs13_on_certificate(gls_conn *c, const gls_hs_msg *m, gls_bytes context);
/* Parses and checks the peer's CertificateVerify. */
GLS_MUST_CHECK int gls_hs13_on_certificate_verify(gls_conn *c, const gls_hs_msg *m);
#define GLS_KEY_UPDATE_BURST 4 /* KeyUpdates a peer may send before the rate bound applies */
/* KeyUpdate received on a connected TLS 1.3 connection (RFC 8446 §4.6.3): at
 * most GLS_KEY_UPDATE_BURST, then one per cfg->key_update_min_records records
 * received; one answer per run of requests while we send no data. */
GLS_MUST_CHECK int gls_hs13_on_key_update(gls_conn *c, const gls_hs_msg *m);
GLS_MUST_CHECK int gls_hs13_send_key_update(gls_conn *c, bool request_peer);
/* Honours the peer's record_size_limit (RFC 8449) if it sent one, and from then
 * on enforces ours (negotiated: both sent it). */
GLS_MUST_CHECK int gls_hs_record_limit(gls_conn *c, const struct gls_exts *peer, bool tls13);
/* The value we advertise (RFC 8449 §4: TLS 1.3 adds one for the content type). */
uint16_t gls_hs_own_record_limit(const gls_conn *c, bool tls13);
/* The resumption binder for the ticket in c->hs->resume over the transcript
 * followed by the truncated ClientHello (RFC 8446 §4.2.11.2). */
GLS_MUST_CHECK int gls_hs13_binder(gls_conn *c, const struct gls_suite *s, gls_bytes truncated,
                                   gls_secret *binder);
/* Server: the client's binder for c->hs->resume, compared in constant time:
 * GLS_OK or GLS_E_BAD_BINDER. */
GLS_MUST_CHECK int gls_hs13_check_binder(gls_conn *c, const struct gls_suite *s,
                                         gls_bytes truncated, gls_bytes received);
/* Sends the middlebox-compatibility change_cipher_spec once (RFC 8446 §D.4). */
GLS_MUST_CHECK int gls_hs13_send_compat_ccs(gls_conn *c);

/* ---- certificate policy (verify.c) ---- */
/* Parses the certificates of a Certificate message into c->sess.peer_chain. */
GLS_MUST_CHECK int gls_hs_load_peer_chain(gls_conn *c, const struct gls_certificate *cert);
/* Verifies the peer chain in c->sess.peer_chain for this side: the trust store,
 * the time, and (client) the server name. Sets a detail on failure. */
GLS_MUST_CHECK int gls_hs_verify_peer(gls_conn *c);
/* Notes who the peer is (leaf hash, subject, verification flags) in
 * c->sess.peer_id from c->sess.peer_chain, for tickets and sessions. */
void gls_hs_note_peer_id(gls_conn *c);
/* Resumption: takes the identity a session carries as this connection's
 * (peer_verified, peer_name_checked and the peer's identity), and the peer's
 * chain into c->sess.peer_chain if the session kept one. */
void gls_hs_adopt_peer_id(gls_conn *c, const struct gls_ticket *t);
/* A new session: who the peer is (c->sess.peer_id), and its chain if the config
 * keeps chains and it fits GLS_MAX_PEER_CHAIN_KEPT (else none, and an event
 * says so). t's chain is replaced. */
void gls_hs_session_peer(gls_conn *c, struct gls_ticket *t);
/* Is the chain a session kept (if any) whole: every certificate parses and the
 * first is the leaf whose hash the session carries? Sets an event line if not. */
bool gls_hs_kept_chain_ok(gls_conn *c, const struct gls_ticket *t);
/* Server: may this session resume here? Only under the server name it was
 * made for (RFC 8446 §4.6.1, RFC 6066 §3), and never across client
 * authentication: client_auth required takes only sessions where the client
 * authenticated, none takes only sessions where it did not (optional takes
 * both, and reports what the session carries). Sets an event line if not. */
bool gls_hs_session_fits_identity(gls_conn *c, const struct gls_ticket *t);
/* Picks our certificate and signature scheme for the peer's schemes (and SNI). */
GLS_MUST_CHECK int gls_hs_choose_cert(gls_conn *c, const uint16_t *peer_sigalgs, size_t n,
                                      bool tls13);

/* ---- sessions outside the config's caches (session.c) ---- */
#define GLS_SESSION_FORMAT 1
/* The public session byte string (gls.h): "GLSS", a format byte, then
 * tag-length-value fields; readers skip tags they do not know, so fields can
 * be added without a new format. GLS_E_BUFFER_TOO_SMALL with *len needed. */
GLS_MUST_CHECK int gls_session_encode(const struct gls_ticket *t, const char *alpn, uint8_t *out,
                                      size_t cap, size_t *len);
/* GLS_E_DECODE for anything that is not a whole session of a known format. */
GLS_MUST_CHECK int gls_session_decode(const uint8_t *in, size_t n, struct gls_ticket *t);
/* Client: a new session arrived. Keeps it in the config's cache, as the
 * connection's newest session, and hands it to the session callback. */
void gls_hs_client_new_session(gls_conn *c, const struct gls_ticket *t);
/* Client: the session to offer for version: the one set on the connection if
 * it fits, else one from the config's cache. false if none. */
bool gls_hs_client_take_session(gls_conn *c, uint16_t version, struct gls_ticket *out);
/* Server: seals a ticket under the external ticket keys if the config has
 * some (rotating them when due), else under the internal rotating keys. */
GLS_MUST_CHECK int gls_hs_ticket_seal(gls_conn *c, const struct gls_ticket *t, uint8_t *out,
                                      size_t cap, size_t *len);
/* Server: opens a ticket the same way; false if it does not open. */
bool gls_hs_ticket_open(gls_conn *c, const uint8_t *in, size_t n, struct gls_ticket *t);
/* Server, TLS 1.2 session ids: the external store if set, else the config's cache. */
void gls_hs_session_id_put(gls_conn *c, const uint8_t id[32], const struct gls_ticket *t);
bool gls_hs_session_id_get(gls_conn *c, const uint8_t id[32], struct gls_ticket *t);
void gls_hs_session_id_remove(gls_conn *c, const uint8_t id[32]);

/* Server: the program's ClientHello callback, if any: may switch the config
 * and choose the ALPN answer (hooks.c). */
GLS_MUST_CHECK int gls_hs_client_hello_hook(gls_conn *c, const struct gls_client_hello *ch);
/* Client, asked for a certificate: the program's callback picks one (or
 * none), else the first that can sign with the server's schemes; sets
 * hs->cert (NULL: none) and hs->sigalg. */
void gls_hs_choose_client_cert(gls_conn *c, bool tls13);
/* Server: the ALPN answer: the hook's, else the config's choice (negotiate.c). */
GLS_MUST_CHECK int gls_hs_choose_alpn(gls_conn *c, const struct gls_exts *ch_ext);

/* Gives the (empty) output buffer back: to the pool, or freed if it was grown. */
void gls_hs_out_release(gls_conn *c);

/* Queues a warning alert (RFC 5246 §7.2: e.g. no_renegotiation, always a warning), unless
 * close_notify went already. The connection carries on. */
GLS_MUST_CHECK int gls_hs_send_warning(gls_conn *c, uint8_t alert);

/* gls_client_hello_parse / gls_server_hello_parse / gls_exts_parse, plus the sentence
 * naming what was wrong (gls_hs_reject) when they fail; what is the message's name. */
GLS_MUST_CHECK int gls_hs_client_hello_parse(gls_conn *c, gls_reader *r,
                                             struct gls_client_hello *ch);
GLS_MUST_CHECK int gls_hs_server_hello_parse(gls_conn *c, gls_reader *r,
                                             struct gls_server_hello *sh);
GLS_MUST_CHECK int gls_hs_exts_parse(gls_conn *c, const char *what, int err,
                                     const struct gls_exts *e);

/* Reports a protocol event line to the event trace, printf-style. */
void gls_hs_event(gls_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Refuses the peer (STYLE §12.6): records the sentence naming the rule it broke, for
 * gls_conn_error_detail and the event trace (the first sentence belongs to the first error),
 * and returns code. Every place the handshake refuses a peer goes through here. */
GLS_MUST_CHECK int gls_hs_reject(gls_conn *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
