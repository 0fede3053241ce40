/* msg/msg.h — the handshake message codecs: one struct, one parser and one writer per
 * message (RFC 8446 §4, RFC 5246 §7.4, RFC 8422 §5.4, RFC 5077 §3.3), and the extension
 * block shared by them (RFC 8446 §4.2 and the TLS 1.2 extensions of RFC 6066, 7301, 7366,
 * 7627, 5746, 5077, 8422, 8449). Parsers are pure: bytes in, a struct of views into those
 * bytes out (valid while the input lives), or an error; they check structure only
 * (GLS_E_DECODE), plus the few rules the RFCs tie to the block itself (duplicates,
 * per-message legality, pre_shared_key last). Writers are pure: struct in, bytes out.
 * Bodies only: the 4-byte handshake header is gls_hs_header_*. Layer 2: base/ only. */
#ifndef GLS_MSG_MSG_H
#define GLS_MSG_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

/* Lists a peer sends are never copied into arrays: a parsed struct keeps a view of each
 * list's wire body (its length prefix excluded), checked whole by the parser, and the
 * handlers choose by scanning it (gls_u16_list_*, gls_key_shares_next, ...). So a list of any
 * length the message allows is considered in full, with no memory that grows with it. Only
 * a certificate chain, which must be kept, has a cap. */
#define GLS_MAX_CERT_CHAIN 16

/* ---- handshake header (RFC 8446 §4: msg_type(1) + length(3)) ---- */

/* Writes type and a 24-bit body length (a length over 2^24-1 makes the writer bad). */
void gls_hs_header_write(gls_writer *w, uint8_t type, size_t body_len);
/* Reads type and body length; GLS_E_DECODE if fewer than 4 bytes. Does not read the body. */
GLS_MUST_CHECK int gls_hs_header_parse(gls_reader *r, uint8_t *type, uint32_t *body_len);

/* ---- extensions (RFC 8446 §4.2) ---- */

/* The extensions glasstls knows, as bit numbers of gls_exts.present. The order is the
 * canonical write order; pre_shared_key is last (RFC 8446 §4.2.11). */
enum gls_ext_id {
    GLS_X_SERVER_NAME,          /* RFC 6066 §3 */
    GLS_X_STATUS_REQUEST,       /* RFC 6066 §8, RFC 8446 §4.4.2.1 */
    GLS_X_SUPPORTED_GROUPS,     /* RFC 8446 §4.2.7, RFC 8422 §5.1.1 */
    GLS_X_EC_POINT_FORMATS,     /* RFC 8422 §5.1.2 */
    GLS_X_SIGNATURE_ALGORITHMS, /* RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1 */
    GLS_X_SIGNATURE_ALGORITHMS_CERT,
    GLS_X_ALPN,                    /* RFC 7301 */
    GLS_X_ENCRYPT_THEN_MAC,        /* RFC 7366 */
    GLS_X_EXTENDED_MASTER_SECRET,  /* RFC 7627 */
    GLS_X_RECORD_SIZE_LIMIT,       /* RFC 8449 */
    GLS_X_SESSION_TICKET,          /* RFC 5077 */
    GLS_X_CERTIFICATE_AUTHORITIES, /* RFC 8446 §4.2.4 */
    GLS_X_RENEGOTIATION_INFO,      /* RFC 5746 */
    GLS_X_SUPPORTED_VERSIONS,      /* RFC 8446 §4.2.1 */
    GLS_X_COOKIE,                  /* RFC 8446 §4.2.2 */
    GLS_X_PSK_KEY_EXCHANGE_MODES,  /* RFC 8446 §4.2.9 */
    GLS_X_KEY_SHARE,               /* RFC 8446 §4.2.8 */
    GLS_X_EARLY_DATA,              /* RFC 8446 §4.2.10 */
    GLS_X_PRE_SHARED_KEY,          /* RFC 8446 §4.2.11 */
    GLS_X_COUNT
};

/* Which message carries the block: it picks the legality row and each extension's form. */
enum gls_ext_ctx {
    GLS_CTX_CLIENT_HELLO,     /* both versions; unknown extensions are skipped */
    GLS_CTX_SERVER_HELLO,     /* TLS 1.3 ServerHello */
    GLS_CTX_HRR,              /* HelloRetryRequest */
    GLS_CTX_SERVER_HELLO_12,  /* TLS 1.2 ServerHello */
    GLS_CTX_SERVER_HELLO_ANY, /* a ServerHello whose version is not known yet: the union
                                 of the two rows; gls_server_hello_parse then narrows */
    GLS_CTX_ENCRYPTED_EXTENSIONS,
    GLS_CTX_CERTIFICATE_REQUEST, /* TLS 1.3; unknown extensions are skipped (§4.3.2) */
    GLS_CTX_CERTIFICATE,         /* a TLS 1.3 CertificateEntry */
    GLS_CTX_NEW_SESSION_TICKET,  /* TLS 1.3; unknown extensions are skipped (§4.6.1) */
    GLS_CTX_COUNT
};

struct gls_key_share_entry {
    uint16_t group;
    gls_bytes key; /* key_exchange<1..2^16-1> */
};

struct gls_psk_identity {
    gls_bytes identity; /* <1..2^16-1> */
    uint32_t obfuscated_age;
};

/* One extension block. A field is meaningful only if its bit is in `present`. Every list is
 * the view of its wire body (no length prefix): u16 items for groups, sigalgs(_cert) and
 * versions; u8 items for point formats and PSK modes; KeyShareEntry, PskIdentity, binder
 * and ProtocolName items otherwise. A writer writes the views as they are. */
struct gls_exts {
    uint32_t present; /* bit (1u << GLS_X_*) */
    /* The order of the known extensions: as seen on the wire (parse), or as wanted (write; 0
     * entries means canonical order). Lets a parsed block be re-written byte for byte
     * (unknown extensions, skipped by the parser, are not kept). */
    uint8_t order[GLS_X_COUNT];
    uint8_t n_order;

    gls_bytes server_name;        /* ClientHello: the host_name; empty in server messages */
    gls_bytes server_names;       /* ClientHello: body of server_name_list, checked whole */
    uint8_t status_type;          /* ClientHello, CertificateEntry: 1 (ocsp) */
    gls_bytes ocsp_responder_ids; /* ClientHello: body of responder_id_list */
    gls_bytes ocsp_request_exts;  /* ClientHello: body of request_extensions */
    gls_bytes ocsp_response;      /* CertificateEntry: OCSPResponse<1..2^24-1> */
    gls_bytes groups;             /* NamedGroup named_group_list<2..2^16-1> body */
    gls_bytes point_formats;      /* ec_point_format_list<1..2^8-1> body */
    gls_bytes sigalgs;            /* supported_signature_algorithms<2..2^16-2> body */
    gls_bytes sigalgs_cert;
    gls_bytes alpn; /* ProtocolName protocol_name_list<2..2^16-1> body; servers: one name */
    uint16_t record_size_limit;
    gls_bytes session_ticket;     /* ClientHello: the ticket (may be empty); empty from servers */
    gls_bytes cert_authorities;   /* body of authorities<3..2^16-1>, structure checked */
    gls_bytes renegotiation_info; /* renegotiated_connection<0..255> */
    gls_bytes versions;           /* ClientHello: versions<2..254> body */
    uint16_t selected_version;    /* ServerHello, HelloRetryRequest */
    gls_bytes cookie;
    gls_bytes psk_modes;              /* ke_modes<1..255> body */
    gls_bytes shares;                 /* ClientHello: client_shares<0..2^16-1> body */
    struct gls_key_share_entry share; /* ServerHello: server_share */
    uint16_t hrr_group;               /* HelloRetryRequest: selected_group */
    uint32_t max_early_data;          /* NewSessionTicket: max_early_data_size */
    gls_bytes psk_ids;                /* ClientHello: identities<7..2^16-1> body */
    gls_bytes psk_binders;            /* ClientHello: binders<33..2^16-1> body */
    /* ClientHello, parse: how many identities and binders were sent (the handler checks they
     * match, RFC 8446 §4.2.11). */
    uint16_t psk_ids_total;
    uint16_t psk_binders_total;
    uint16_t psk_selected; /* ServerHello: selected_identity */
    /* ClientHello, parse: where the binders list (its 2-byte length) starts in the input. */
    const uint8_t *psk_binders_at;
    /* parse, on error: the type of the extension at fault (GLS_EXT_NONE: the block itself) */
    uint32_t bad_type;
};

#define GLS_EXT_NONE 0x10000u

static inline bool gls_exts_has(const struct gls_exts *e, enum gls_ext_id id)
{
    return (e->present >> id) & 1u;
}

static inline void gls_exts_set(struct gls_exts *e, enum gls_ext_id id)
{
    e->present |= 1u << id;
}

/* The wire type of a known extension. */
uint16_t gls_ext_wire_type(enum gls_ext_id id);

/* Reads extensions<0..2^16-1> (length included) for message ctx into *out (zeroed first).
 * Errors: a structure error -> GLS_E_DECODE; a type twice -> GLS_E_DUPLICATE_EXTENSION;
 * in ClientHello an extension after pre_shared_key -> GLS_E_ILLEGAL_PARAMETER; a known
 * extension not allowed in ctx (RFC 8446 §4.2 table) -> GLS_E_ILLEGAL_PARAMETER; an unknown
 * one where unknown ones are not skipped -> GLS_E_UNSUPPORTED_EXTENSION. */
GLS_MUST_CHECK int gls_exts_parse(gls_reader *r, enum gls_ext_ctx ctx, struct gls_exts *out);
/* GLS_E_ILLEGAL_PARAMETER if *e holds an extension not allowed in ctx. */
GLS_MUST_CHECK int gls_exts_check(const struct gls_exts *e, enum gls_ext_ctx ctx);
/* Writes the present extensions (length included): in e->order, then the rest in canonical
 * order, pre_shared_key always last. GLS_E_INTERNAL if one is not allowed in ctx, a count
 * exceeds its cap, or the writer failed. */
GLS_MUST_CHECK int gls_exts_write(gls_writer *w, enum gls_ext_ctx ctx, const struct gls_exts *e);

/* PSK binders (RFC 8446 §4.2.11.2). The binders list is the tail of the ClientHello, so a
 * client writes the ClientHello with placeholder binders of the right lengths, hashes the
 * message minus its last gls_psk_binders_len() bytes, computes the binders, and rewrites
 * the tail with gls_psk_binders_write over a writer on exactly those bytes. */
size_t gls_psk_binders_len(const struct gls_exts *e);
/* Writes binders<33..2^16-1> from e->psk_binders (the list body). */
GLS_MUST_CHECK int gls_psk_binders_write(gls_writer *w, const struct gls_exts *e);

/* ---- list views: scanning and building (RFC 8446 §3.4 vectors) ---- */

/* u16 lists (suites, groups, signature schemes, versions): a body of even length. */
static inline size_t gls_u16_list_count(gls_bytes list)
{
    return list.len / 2;
}
static inline uint16_t gls_u16_list_at(gls_bytes list, size_t i)
{
    return gls_get_u16(list.p + 2 * i);
}
/* True if the u16 list body `list` contains v. */
bool gls_u16_list_has(gls_bytes list, uint16_t v);
/* True if the u8 list body `list` (point formats, PSK modes, compression) contains v. */
bool gls_u8_list_has(gls_bytes list, uint8_t v);
/* Writes v[0..n) big-endian into buf (2n bytes of room) and returns the view. */
gls_bytes gls_u16_list_put(uint8_t *buf, size_t cap, const uint16_t *v, size_t n);

/* Iterators over a checked list body: init a reader on the body, then call next until it
 * returns false. */
bool gls_key_shares_next(gls_reader *it, struct gls_key_share_entry *out);
bool gls_psk_ids_next(gls_reader *it, struct gls_psk_identity *out);
bool gls_opaque8_next(gls_reader *it, gls_bytes *out); /* ALPN names, PSK binders */
/* The first share for group in a client_shares body; false if none. */
bool gls_key_shares_find(gls_bytes shares, uint16_t group, struct gls_key_share_entry *out);
/* The first item of an opaque8 list body (ALPN name, binder) and the item count. */
gls_bytes gls_opaque8_first(gls_bytes list, size_t *count);
/* Builders: each returns the view of what it wrote into buf (empty if it did not fit). */
gls_bytes gls_key_shares_put(uint8_t *buf, size_t cap, const struct gls_key_share_entry *v,
                             size_t n);
gls_bytes gls_opaque8_list_put(uint8_t *buf, size_t cap, const gls_bytes *v, size_t n);
gls_bytes gls_psk_ids_put(uint8_t *buf, size_t cap, const struct gls_psk_identity *v, size_t n);

/* ---- hello.c: ClientHello, ServerHello, HelloRetryRequest ---- */

/* The fixed ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3). */
extern const uint8_t gls_hrr_random[32];

struct gls_client_hello { /* RFC 8446 §4.1.2, RFC 5246 §7.4.1.2 */
    uint16_t legacy_version;
    uint8_t random[32];
    gls_bytes session_id;  /* <0..32> */
    gls_bytes suites;      /* cipher_suites<2..2^16-2> body */
    gls_bytes compression; /* legacy_compression_methods<1..255> */
    bool has_exts;         /* false: a TLS 1.2 hello that ends after compression */
    struct gls_exts ext;
    /* parse: offset of the PSK binders list from the start of the body (0: no PSK); the
     * truncated ClientHello of RFC 8446 §4.2.11.2 is header || body[0..binders_offset). */
    size_t binders_offset;
};

GLS_MUST_CHECK int gls_client_hello_parse(gls_reader *r, struct gls_client_hello *out);
GLS_MUST_CHECK int gls_client_hello_write(gls_writer *w, const struct gls_client_hello *ch);

/* ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4, RFC 5246 §7.4.1.3). */
struct gls_server_hello {
    uint16_t legacy_version;
    uint8_t random[32];   /* the writer uses gls_hrr_random when is_hrr */
    gls_bytes session_id; /* legacy_session_id_echo<0..32> */
    uint16_t cipher_suite;
    uint8_t compression;
    bool is_hrr;
    bool has_exts; /* false: a TLS 1.2 hello that ends after compression */
    struct gls_exts ext;
};

/* The extension block is checked against the TLS 1.3 ServerHello row when it holds
 * supported_versions, else against the TLS 1.2 row; HelloRetryRequest has its own row. */
GLS_MUST_CHECK int gls_server_hello_parse(gls_reader *r, struct gls_server_hello *out);
GLS_MUST_CHECK int gls_server_hello_write(gls_writer *w, const struct gls_server_hello *sh);

/* ---- cert.c: Certificate, CertificateRequest, CertificateVerify ---- */

struct gls_cert_entry {
    gls_bytes cert_data;     /* ASN.1Cert / cert_data<1..2^24-1> */
    gls_bytes ocsp_response; /* TLS 1.3 status_request extension; empty if absent */
};

/* Certificate (RFC 8446 §4.4.2; RFC 5246 §7.4.2 when !tls13). */
struct gls_certificate {
    bool tls13;
    gls_bytes context; /* TLS 1.3: certificate_request_context<0..255> */
    struct gls_cert_entry entries[GLS_MAX_CERT_CHAIN];
    uint8_t n_entries;
    size_t n_total; /* parse: entries sent, including those beyond the cap */
};

GLS_MUST_CHECK int gls_certificate_parse(gls_reader *r, bool tls13, struct gls_certificate *out);
GLS_MUST_CHECK int gls_certificate_write(gls_writer *w, const struct gls_certificate *c);

/* CertificateRequest (RFC 8446 §4.3.2; RFC 5246 §7.4.4 when !tls13). */
struct gls_certificate_request {
    bool tls13;
    gls_bytes context;     /* TLS 1.3 */
    struct gls_exts ext;   /* TLS 1.3 */
    gls_bytes cert_types;  /* TLS 1.2: certificate_types<1..255> */
    gls_bytes sigalgs;     /* TLS 1.2: supported_signature_algorithms body */
    gls_bytes authorities; /* TLS 1.2: body of certificate_authorities<0..2^16-1> */
};

GLS_MUST_CHECK int gls_certificate_request_parse(gls_reader *r, bool tls13,
                                                 struct gls_certificate_request *out);
GLS_MUST_CHECK int gls_certificate_request_write(gls_writer *w,
                                                 const struct gls_certificate_request *cr);

/* CertificateVerify (RFC 8446 §4.4.3, RFC 5246 §7.4.8): the same form in both versions. */
struct gls_certificate_verify {
    uint16_t scheme;
    gls_bytes signature; /* <0..2^16-1> */
};

GLS_MUST_CHECK int gls_certificate_verify_parse(gls_reader *r, struct gls_certificate_verify *out);
GLS_MUST_CHECK int gls_certificate_verify_write(gls_writer *w,
                                                const struct gls_certificate_verify *cv);

/* ---- kx12.c: TLS 1.2 ServerKeyExchange, ClientKeyExchange ---- */

enum gls_kx {
    GLS_KX_ECDHE, /* RFC 8422 §5.4, §5.7 */
    GLS_KX_DHE,   /* RFC 5246 §7.4.3, §7.4.7.2 */
    GLS_KX_RSA,   /* RFC 5246 §7.4.7.1 (no ServerKeyExchange) */
};

struct gls_server_key_exchange {
    enum gls_kx kx;
    uint16_t group;  /* ECDHE: the named curve (curve_type named_curve) */
    gls_bytes point; /* ECDHE: public<1..255> */
    gls_bytes dh_p;  /* DHE: each <1..2^16-1> */
    gls_bytes dh_g;
    gls_bytes dh_ys;
    gls_bytes params; /* parse: the ServerECDHParams / ServerDHParams bytes as sent */
    uint16_t scheme;
    gls_bytes signature; /* <0..2^16-1> */
};

/* kx says which form to expect (GLS_KX_RSA -> GLS_E_INTERNAL). A curve_type other than
 * named_curve -> GLS_E_ILLEGAL_PARAMETER (RFC 8422 §5.4). The signature covers
 * client_random || server_random || out->params. */
GLS_MUST_CHECK int gls_server_key_exchange_parse(gls_reader *r, enum gls_kx kx,
                                                 struct gls_server_key_exchange *out);
/* Writes only the params: what the server signs after the two randoms. */
GLS_MUST_CHECK int gls_ske_params_write(gls_writer *w, const struct gls_server_key_exchange *ske);
GLS_MUST_CHECK int gls_server_key_exchange_write(gls_writer *w,
                                                 const struct gls_server_key_exchange *ske);

struct gls_client_key_exchange {
    enum gls_kx kx;
    /* ECDHE: the point<1..255>; DHE: dh_Yc<1..2^16-1>; RSA: EncryptedPreMasterSecret<0..2^16-1> */
    gls_bytes exchange;
};

GLS_MUST_CHECK int gls_client_key_exchange_parse(gls_reader *r, enum gls_kx kx,
                                                 struct gls_client_key_exchange *out);
GLS_MUST_CHECK int gls_client_key_exchange_write(gls_writer *w,
                                                 const struct gls_client_key_exchange *cke);

/* ---- misc.c: EncryptedExtensions, Finished, NewSessionTicket, KeyUpdate, empty bodies ---- */

struct gls_encrypted_extensions { /* RFC 8446 §4.3.1 */
    struct gls_exts ext;
};

GLS_MUST_CHECK int gls_encrypted_extensions_parse(gls_reader *r,
                                                  struct gls_encrypted_extensions *out);
GLS_MUST_CHECK int gls_encrypted_extensions_write(gls_writer *w,
                                                  const struct gls_encrypted_extensions *ee);

struct gls_finished { /* RFC 8446 §4.4.4, RFC 5246 §7.4.9 */
    gls_bytes verify_data;
};

/* The body must be exactly verify_len bytes (Hash.length in 1.3, 12 in 1.2). */
GLS_MUST_CHECK int gls_finished_parse(gls_reader *r, size_t verify_len, struct gls_finished *out);
GLS_MUST_CHECK int gls_finished_write(gls_writer *w, const struct gls_finished *f);

/* NewSessionTicket (RFC 8446 §4.6.1; RFC 5077 §3.3 when !tls13). */
struct gls_new_session_ticket {
    bool tls13;
    uint32_t lifetime;   /* ticket_lifetime (1.3) or ticket_lifetime_hint (1.2), seconds */
    uint32_t age_add;    /* 1.3 */
    gls_bytes nonce;     /* 1.3: <0..255> */
    gls_bytes ticket;    /* 1.3: <1..2^16-1>; 1.2: <0..2^16-1> */
    struct gls_exts ext; /* 1.3 */
};

GLS_MUST_CHECK int gls_new_session_ticket_parse(gls_reader *r, bool tls13,
                                                struct gls_new_session_ticket *out);
GLS_MUST_CHECK int gls_new_session_ticket_write(gls_writer *w,
                                                const struct gls_new_session_ticket *t);

struct gls_key_update {     /* RFC 8446 §4.6.3 */
    uint8_t request_update; /* 0 update_not_requested, 1 update_requested */
};

/* A request_update other than 0 or 1 -> GLS_E_ILLEGAL_PARAMETER. */
GLS_MUST_CHECK int gls_key_update_parse(gls_reader *r, struct gls_key_update *out);
GLS_MUST_CHECK int gls_key_update_write(gls_writer *w, const struct gls_key_update *ku);

/* ServerHelloDone (RFC 5246 §7.4.5) and HelloRequest (§7.4.1.1): empty bodies. */
GLS_MUST_CHECK int gls_server_hello_done_parse(gls_reader *r);
GLS_MUST_CHECK int gls_hello_request_parse(gls_reader *r);

#endif
