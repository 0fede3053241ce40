/* keys/names.h — every secret the two key schedules derive, by name. One id per
 * value and per formula (the extended master secret has its own id); a const
 * table gives each its RFC name, its formula with the inputs named, who can
 * compute it, and its NSS key-log label. Derivations announce each value to a
 * gls_secret_sink; the sink is the only way a secret leaves keys/ (STYLE §7).
 * RFC 5246 §6.3, §7.4.9, §8.1; RFC 7627 §4; RFC 8446 §4.4, §4.6.1, §7.1-§7.5;
 * the NSS key-log format (SSLKEYLOGFILE). */
#ifndef GLS_KEYS_NAMES_H
#define GLS_KEYS_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "glasstls/gls.h"

enum gls_secret_id {
    /* ---- TLS 1.2 (RFC 5246, RFC 7627) ---- */
    GLS_SID_PRE_MASTER_SECRET,
    GLS_SID_MASTER_SECRET_12,
    GLS_SID_EXT_MASTER_SECRET_12,
    GLS_SID_KEY_BLOCK,
    GLS_SID_CLIENT_WRITE_MAC_KEY,
    GLS_SID_SERVER_WRITE_MAC_KEY,
    GLS_SID_CLIENT_WRITE_KEY_12,
    GLS_SID_SERVER_WRITE_KEY_12,
    GLS_SID_CLIENT_WRITE_IV_12,
    GLS_SID_SERVER_WRITE_IV_12,
    GLS_SID_CLIENT_VERIFY_DATA_12,
    GLS_SID_SERVER_VERIFY_DATA_12,

    /* ---- TLS 1.3 (RFC 8446 §7.1), in derivation order ---- */
    GLS_SID_EARLY_SECRET,
    GLS_SID_EXT_BINDER_KEY,
    GLS_SID_RES_BINDER_KEY,
    GLS_SID_BINDER_FINISHED_KEY,
    GLS_SID_PSK_BINDER,
    GLS_SID_C_E_TRAFFIC,
    GLS_SID_E_EXP_MASTER,
    GLS_SID_CLIENT_EARLY_KEY,
    GLS_SID_CLIENT_EARLY_IV,
    GLS_SID_DHE_SHARED_SECRET,
    GLS_SID_DERIVED_FOR_HANDSHAKE,
    GLS_SID_HANDSHAKE_SECRET,
    GLS_SID_C_HS_TRAFFIC,
    GLS_SID_S_HS_TRAFFIC,
    GLS_SID_CLIENT_HANDSHAKE_KEY,
    GLS_SID_CLIENT_HANDSHAKE_IV,
    GLS_SID_SERVER_HANDSHAKE_KEY,
    GLS_SID_SERVER_HANDSHAKE_IV,
    GLS_SID_SERVER_FINISHED_KEY,
    GLS_SID_SERVER_VERIFY_DATA_13,
    GLS_SID_DERIVED_FOR_MASTER,
    GLS_SID_MASTER_SECRET_13,
    GLS_SID_C_AP_TRAFFIC,
    GLS_SID_S_AP_TRAFFIC,
    GLS_SID_EXP_MASTER,
    GLS_SID_CLIENT_APPLICATION_KEY,
    GLS_SID_CLIENT_APPLICATION_IV,
    GLS_SID_SERVER_APPLICATION_KEY,
    GLS_SID_SERVER_APPLICATION_IV,
    GLS_SID_CLIENT_FINISHED_KEY,
    GLS_SID_CLIENT_VERIFY_DATA_13,
    GLS_SID_RES_MASTER,
    GLS_SID_TICKET_PSK,
    GLS_SID_C_AP_TRAFFIC_NEXT,
    GLS_SID_S_AP_TRAFFIC_NEXT,

    GLS_SID_COUNT
};

/* Where derived secrets are announced. fn NULL (or the sink pointer NULL) turns
 * reporting off. fn is called synchronously; v is valid only during the call. */
typedef struct {
    void (*fn)(void *arg, enum gls_secret_id id, const uint8_t *v, size_t len);
    void *arg;
} gls_secret_sink;

/* Announces v[0..len) as secret `id` to s (nothing if s or s->fn is NULL). */
void gls_secret_report(const gls_secret_sink *s, enum gls_secret_id id, const uint8_t *v,
                       size_t len);

/* The RFC name ("master_secret", "c hs traffic"); "unknown" for a bad id. */
const char *gls_secret_name(enum gls_secret_id id);
/* The NSS key-log label ("CLIENT_RANDOM", ...) or NULL if the value is not logged. */
const char *gls_secret_keylog_label(enum gls_secret_id id);
/* What made a connection's secrets: picks the formula and who-can-compute sentence that are
 * true for it (gls_secret_info_in). The kind, ORed with GLS_KXC_TICKET12 when a TLS 1.2
 * NewSessionTicket is issued in the handshake (it carries the master secret, sealed under the
 * server's ticket key, in the clear), or with GLS_KXC_HYBRID for a hybrid group. */
enum {
    GLS_KXC_UNKNOWN = 0,
    GLS_KXC_RSA = 1,        /* TLS 1.2 RSA key transport */
    GLS_KXC_DHE = 2,        /* TLS 1.2 DHE */
    GLS_KXC_ECDHE = 3,      /* TLS 1.2 ECDHE */
    GLS_KXC_RESUMED12 = 4,  /* TLS 1.2 abbreviated handshake */
    GLS_KXC_13_DHE = 5,     /* TLS 1.3 full handshake: (EC)DHE, no PSK */
    GLS_KXC_13_PSK_DHE = 6, /* TLS 1.3 psk_dhe_ke */
    GLS_KXC_13_PSK_KE = 7,  /* TLS 1.3 psk_ke (glasstls neither offers nor accepts it) */
    GLS_KXC_KIND = 0xff,
    GLS_KXC_TICKET12 = 0x100,
    GLS_KXC_HYBRID = 0x200, /* TLS 1.3 with a hybrid group (ECDH + ML-KEM) */
};
gls_secret_info gls_secret_info_in(enum gls_secret_id id, unsigned ctx, const uint8_t *v,
                                   size_t len);
/* The RFC's long name ("client_handshake_traffic_secret") where it differs from the short
 * one, or NULL. With the key-log label, the three names one value goes by. */
const char *gls_secret_rfc_name(enum gls_secret_id id);
/* The id whose short name is name, or -1. */
int gls_secret_id_by_name(const char *name);
/* Name, formula and who-can-compute for id, with value v[0..len) attached (v may
 * be NULL). A bad id yields name "unknown" and empty formula and who. */
gls_secret_info gls_secret_info_of(enum gls_secret_id id, const uint8_t *v, size_t len);

/* The largest secret a key-log line carries, and a buffer size that holds any
 * line: the longest label (31) + 2 spaces + 64 + 2 * 64 hex digits + NUL. */
#define GLS_MAX_KEYLOG_SECRET 64
#define GLS_KEYLOG_LINE_MAX   256

/* The key-log line "LABEL <64 hex of client_random> <hex of v>" (lower-case hex,
 * NUL-terminated, no newline) into out[0..cap). GLS_E_INVALID_ARGUMENT if id has
 * no NSS label or v is empty; GLS_E_BUFFER_TOO_SMALL if cap is too small. */
GLS_MUST_CHECK int gls_keylog_line(enum gls_secret_id id, const uint8_t client_random[32],
                                   const uint8_t *v, size_t len, char *out, size_t cap);

#endif
