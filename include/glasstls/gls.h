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

#ifdef __cplusplus
}
#endif
#endif
