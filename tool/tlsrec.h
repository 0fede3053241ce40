/* tool/tlsrec.h — TLS records and handshake facts from the two reassembled byte streams of
 * one TCP connection, for `glasstls decrypt`. Splits each stream into records (RFC 8446
 * §5.1, RFC 5246 §6.2.1), marks which records are protected, and reads from the plaintext
 * handshake what a decryptor needs: the hellos (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1.2-3),
 * supported_versions (RFC 8446 §4.2.1), extended_master_secret (RFC 7627),
 * encrypt_then_mac (RFC 7366), ClientKeyExchange (RFC 5246 §7.4.7). No cryptography here.
 *
 * Where protection starts: in TLS 1.3 every protected record has outer type
 * application_data (23) and nothing else is protected (RFC 8446 §5.2), so ChangeCipherSpec
 * records (middlebox compatibility, D.4) and a second ClientHello after HelloRetryRequest
 * stay plaintext. In TLS 1.2 (and when the version is unknown) everything a side sends after
 * its ChangeCipherSpec is protected. Renegotiation is not followed. */
#ifndef GLS_TOOL_TLSREC_H
#define GLS_TOOL_TLSREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

/* The longest record fragment accepted: TLSCiphertext in TLS 1.2 (RFC 5246 §6.2.3). */
#define GLS_TLS_MAX_FRAGMENT (16384 + 2048)
/* Plaintext handshake messages kept per direction; more are parsed but not listed. */
#define GLS_TLS_MAX_HS_MSGS 32
/* Plaintext handshake bytes read per direction (certificate chains included). */
#define GLS_TLS_MAX_HS_BYTES ((size_t)1 << 20)
#define GLS_TLS_MAX_OFFERED  16

struct gls_tls_record {
    uint8_t type;      /* ContentType: 20 CCS, 21 alert, 22 handshake, 23 application data */
    uint16_t version;  /* legacy_record_version */
    size_t off;        /* where its 5-byte header starts in the stream */
    gls_bytes payload; /* the fragment: a view into the caller's stream */
    bool encrypted;    /* protected: the decryptor must open it */
};

/* A plaintext handshake message. raw includes the 4-byte header (what transcripts hash) and
 * views the facts' own buffer: valid until gls_tls_facts_free. */
struct gls_tls_hs_msg {
    uint8_t type;
    gls_bytes raw;
    size_t record; /* index of the record it starts in */
};

/* One direction of the connection. */
struct gls_tls_side {
    struct gls_tls_record *records; /* owned array */
    size_t n_records;
    size_t first_encrypted; /* index of the first protected record; n_records if none */
    size_t used;            /* stream bytes that formed whole records */
    bool partial_tail;      /* the stream ends inside a record: bytes from `used` on */
    struct gls_tls_hs_msg msgs[GLS_TLS_MAX_HS_MSGS]; /* plaintext handshake, in order */
    size_t n_msgs;

    /* private */
    uint8_t *hs; /* plaintext handshake bytes, sized once so views stay valid */
    size_t hs_len;
    size_t hs_cap;
    size_t hs_parsed;
    size_t hs_rec; /* the record where the first unparsed message starts */
    size_t cap_records;
};

enum { GLS_TLS_C2S = 0, GLS_TLS_S2C = 1 };

struct gls_tls_facts {
    struct gls_tls_side side[2]; /* [GLS_TLS_C2S], [GLS_TLS_S2C] */

    bool have_client_hello;
    uint16_t client_version; /* ClientHello.legacy_version (the RSA premaster's version) */
    uint16_t offered[GLS_TLS_MAX_OFFERED]; /* ClientHello supported_versions, if sent */
    size_t n_offered;
    uint8_t client_random[32];
    uint8_t client_session_id[32];
    size_t client_session_id_len;
    char server_name[256];   /* SNI host_name, "" if none */
    gls_bytes client_ticket; /* ClientHello session_ticket (RFC 5077 §3.2); empty if none */

    bool have_server_hello; /* the ServerHello proper, not a HelloRetryRequest */
    bool hrr;               /* a HelloRetryRequest came first */
    uint8_t server_random[32];
    uint8_t session_id[32]; /* ServerHello.legacy_session_id(_echo) */
    size_t session_id_len;
    uint16_t version; /* negotiated: supported_versions, else ServerHello.legacy_version; 0 */
    uint16_t suite;   /* 0 if no ServerHello */

    bool ems;                      /* extended_master_secret in both hellos (TLS 1.2) */
    bool etm;                      /* encrypt_then_mac in both hellos (TLS 1.2, CBC suites) */
    bool resumed;                  /* TLS 1.2 abbreviated handshake (no ServerHelloDone) */
    gls_bytes client_key_exchange; /* TLS 1.2 ClientKeyExchange body; empty if none */
    uint16_t group;                /* TLS 1.3 key_share / TLS 1.2 ECDHE named curve; 0 if unknown */
    gls_bytes server_share;        /* TLS 1.3 ServerHello key_share's key_exchange; empty if none */

    char problem[200]; /* the first problem met, "" if none */
};

/* Reads one record header and fragment from r into *rec (rec->off is left to the caller).
 * GLS_OK; GLS_E_WANT_READ if r ends inside the record (r unchanged); GLS_E_DECODE if the
 * bytes are not a record (unknown type, major version not 3); GLS_E_RECORD_OVERFLOW if the
 * length exceeds GLS_TLS_MAX_FRAGMENT. */
GLS_MUST_CHECK int gls_tls_record_next(gls_reader *r, struct gls_tls_record *rec);

/* True if the stream starts with a handshake record holding the start of a ClientHello:
 * tells which direction of a connection is the client's when the capture missed the SYN. */
bool gls_tls_looks_like_client(const uint8_t *p, size_t n);

/* Scans one connection: c2s is what the client sent, s2c what the server sent (each the
 * gap-free prefix of its stream; either may be empty). Fills *out, which must be freed with
 * gls_tls_facts_free whatever the result. GLS_OK when both streams are whole records (a
 * partial last record is fine: side.partial_tail) and the plaintext handshake parsed.
 * Otherwise out->problem says what and where, out holds everything found before it, and the
 * result is GLS_E_DECODE (not TLS, or a malformed hello), GLS_E_RECORD_OVERFLOW,
 * GLS_E_MESSAGE_TOO_LARGE (plaintext handshake over GLS_TLS_MAX_HS_BYTES) or
 * GLS_E_NO_MEMORY. The records' payload views point into c2s and s2c. */
GLS_MUST_CHECK int gls_tls_scan(const uint8_t *c2s, size_t n_c2s, const uint8_t *s2c, size_t n_s2c,
                                struct gls_tls_facts *out);

void gls_tls_facts_free(struct gls_tls_facts *f);

/* The plaintext handshake messages of both sides in transcript order: ClientHello,
 * [HelloRetryRequest, ClientHello,] the server's flight up to ServerHelloDone (TLS 1.3: the
 * ServerHello), the client's remaining messages, then the server's rest (a TLS 1.2
 * NewSessionTicket). Protected messages (Finished; TLS 1.3 after ServerHello) are not
 * here: the decryptor inserts them. Returns how many there are (at most cap are stored). */
size_t gls_tls_transcript(const struct gls_tls_facts *f, const struct gls_tls_hs_msg **out,
                          size_t cap);

#endif
