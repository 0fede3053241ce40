/* base/errors.c — every error glasstls reports: its stable name, a sentence a
 * person can read, and the alert it sends (RFC 8446 §6.2 names the alerts). */
#include "base/errors.h"

#include <stddef.h>

#include "base/wire.h"

struct gls_error_info {
    int code;
    const char *name;
    uint8_t alert;
    const char *message;
};

/* clang-format off */
static const struct gls_error_info table[] = {
    /* code                           name                     alert                                message */
    {GLS_OK,                          "ok",                    GLS_ALERT_NONE,                      "success"},
    {GLS_E_INVALID_ARGUMENT,          "invalid_argument",      GLS_ALERT_NONE,                      "invalid argument"},
    {GLS_E_CONFIG_FROZEN,             "config_frozen",         GLS_ALERT_NONE,                      "config is in use by a connection and can no longer change"},
    {GLS_E_WANT_READ,                 "want_read",             GLS_ALERT_NONE,                      "more input from the network is needed"},
    {GLS_E_WANT_WRITE,                "want_write",            GLS_ALERT_NONE,                      "output to the network must drain first"},
    {GLS_E_BUFFER_TOO_SMALL,          "buffer_too_small",      GLS_ALERT_NONE,                      "output buffer too small"},
    {GLS_E_CLOSED,                    "closed",                GLS_ALERT_NONE,                      "connection is closed"},
    {GLS_E_NOT_CONNECTED,             "not_connected",         GLS_ALERT_NONE,                      "handshake has not finished"},
    {GLS_E_IO,                        "io",                    GLS_ALERT_NONE,                      "network I/O failed"},
    {GLS_E_FILE,                      "file",                  GLS_ALERT_NONE,                      "file could not be read"},
    {GLS_E_BAD_KEY_FILE,              "bad_key_file",          GLS_ALERT_NONE,                      "certificate or key could not be parsed"},
    {GLS_E_UNSUPPORTED,               "unsupported",           GLS_ALERT_NONE,                      "algorithm or feature not supported"},
    {GLS_E_TIMEOUT,                   "timeout",               GLS_ALERT_NONE,                      "the peer did not answer in time"},
    {GLS_E_KEY_MISMATCH,              "key_mismatch",          GLS_ALERT_NONE,                      "the private key does not match the certificate"},
    {GLS_E_BAD_CERT_FILE,             "bad_cert_file",         GLS_ALERT_NONE,                      "certificate chain could not be parsed"},

    {GLS_E_DECODE,                    "decode",                GLS_ALERT_DECODE_ERROR,              "malformed message"},
    {GLS_E_UNEXPECTED_MESSAGE,        "unexpected_message",    GLS_ALERT_UNEXPECTED_MESSAGE,        "message not allowed in this state"},
    {GLS_E_ILLEGAL_PARAMETER,         "illegal_parameter",     GLS_ALERT_ILLEGAL_PARAMETER,         "peer sent a value that is not allowed here"},
    {GLS_E_DUPLICATE_EXTENSION,       "dup_extension",         GLS_ALERT_ILLEGAL_PARAMETER,         "extension appears twice"},
    {GLS_E_UNSUPPORTED_EXTENSION,     "unsupported_extension", GLS_ALERT_UNSUPPORTED_EXTENSION,     "extension not allowed in this message"},
    {GLS_E_BAD_RECORD_MAC,            "bad_record_mac",        GLS_ALERT_BAD_RECORD_MAC,            "record failed authentication"},
    {GLS_E_RECORD_OVERFLOW,           "record_overflow",       GLS_ALERT_RECORD_OVERFLOW,           "record longer than the protocol allows"},
    {GLS_E_BAD_FINISHED,              "bad_finished",          GLS_ALERT_DECRYPT_ERROR,             "peer Finished did not verify"},
    {GLS_E_BAD_SIGNATURE,             "bad_signature",         GLS_ALERT_DECRYPT_ERROR,             "peer signature did not verify"},
    {GLS_E_HANDSHAKE_FAILURE,         "handshake_failure",     GLS_ALERT_HANDSHAKE_FAILURE,         "handshake failed"},
    {GLS_E_PROTOCOL_VERSION,          "protocol_version",      GLS_ALERT_PROTOCOL_VERSION,          "peer chose a protocol version we do not support"},
    {GLS_E_INSUFFICIENT_SECURITY,     "insufficient_security", GLS_ALERT_INSUFFICIENT_SECURITY,     "peer parameters are too weak"},
    {GLS_E_NO_APPLICATION_PROTOCOL,   "no_application_protocol", GLS_ALERT_NO_APPLICATION_PROTOCOL, "no application protocol (ALPN) in common"},
    {GLS_E_MISSING_EXTENSION,         "missing_extension",     GLS_ALERT_MISSING_EXTENSION,         "required extension missing"},
    {GLS_E_BAD_KEY_SHARE,             "bad_key_share",         GLS_ALERT_ILLEGAL_PARAMETER,         "peer key share is not a valid public value"},
    {GLS_E_DOWNGRADE,                 "downgrade",             GLS_ALERT_ILLEGAL_PARAMETER,         "downgrade detected: server random carries the TLS 1.3 sentinel"},
    {GLS_E_UNRECOGNIZED_NAME,         "unrecognized_name",     GLS_ALERT_UNRECOGNIZED_NAME,         "server name not recognised"},
    {GLS_E_BAD_BINDER,                "bad_binder",            GLS_ALERT_DECRYPT_ERROR,             "PSK binder did not verify"},
    {GLS_E_NO_RENEGOTIATION,          "no_renegotiation",      GLS_ALERT_NO_RENEGOTIATION,          "renegotiation is refused"},
    {GLS_E_UNEXPECTED_EOF,            "unexpected_eof",        GLS_ALERT_NONE,                      "peer closed the connection without close_notify"},
    {GLS_E_CERT_REQUIRED,             "cert_required",         GLS_ALERT_CERTIFICATE_REQUIRED,      "peer sent no certificate but one is required"},
    {GLS_E_DECRYPT_ERROR,             "decrypt_error",         GLS_ALERT_DECRYPT_ERROR,             "a cryptographic check on peer data failed"},
    {GLS_E_TOO_MANY_KEY_UPDATES,      "too_many_key_updates",  GLS_ALERT_UNEXPECTED_MESSAGE,        "peer sent KeyUpdates faster than the configured bound"},
    {GLS_E_INAPPROPRIATE_FALLBACK,    "inappropriate_fallback", GLS_ALERT_INAPPROPRIATE_FALLBACK,   "peer signalled a version fallback but a higher version is in common"},

    {GLS_E_CERT_UNTRUSTED,            "cert_untrusted",        GLS_ALERT_UNKNOWN_CA,                "certificate verify failed: unknown CA"},
    {GLS_E_CERT_EXPIRED,              "cert_expired",          GLS_ALERT_CERTIFICATE_EXPIRED,       "certificate verify failed: certificate has expired"},
    {GLS_E_CERT_NOT_YET_VALID,        "cert_not_yet_valid",    GLS_ALERT_BAD_CERTIFICATE,           "certificate verify failed: certificate is not yet valid"},
    {GLS_E_CERT_HOSTNAME,             "cert_hostname",         GLS_ALERT_BAD_CERTIFICATE,           "certificate verify failed: hostname mismatch"},
    {GLS_E_CERT_BAD,                  "cert_bad",              GLS_ALERT_BAD_CERTIFICATE,           "certificate verify failed: bad certificate"},
    {GLS_E_CERT_REVOKED,              "cert_revoked",          GLS_ALERT_CERTIFICATE_REVOKED,       "certificate verify failed: certificate revoked"},
    {GLS_E_CERT_UNSUPPORTED,          "cert_unsupported",      GLS_ALERT_UNSUPPORTED_CERTIFICATE,   "certificate verify failed: unsupported certificate"},
    {GLS_E_CERT_CHAIN_TOO_LONG,       "cert_chain_too_long",   GLS_ALERT_BAD_CERTIFICATE,           "certificate verify failed: chain too long"},
    {GLS_E_CERT_NO_TRUST,             "cert_no_trust",         GLS_ALERT_UNKNOWN_CA,                "certificate verify failed: no trust store configured"},
    {GLS_E_CERT_USAGE,                "cert_usage",            GLS_ALERT_UNSUPPORTED_CERTIFICATE,   "certificate verify failed: key usage does not allow this use"},

    {GLS_E_NO_SHARED_VERSION,         "no_shared_version",     GLS_ALERT_PROTOCOL_VERSION,          "no protocol version in common"},
    {GLS_E_NO_SHARED_SUITE,           "no_shared_suite",       GLS_ALERT_HANDSHAKE_FAILURE,         "no cipher suite in common"},
    {GLS_E_NO_SHARED_GROUP,           "no_shared_group",       GLS_ALERT_HANDSHAKE_FAILURE,         "no key exchange group in common"},
    {GLS_E_NO_SHARED_SIGALG,          "no_shared_sigalg",      GLS_ALERT_HANDSHAKE_FAILURE,         "no signature scheme in common"},
    {GLS_E_NO_CERTIFICATE,            "no_certificate",        GLS_ALERT_HANDSHAKE_FAILURE,         "no certificate fits what the peer accepts"},
    {GLS_E_WEAK_DH_GROUP,             "weak_dh_group",         GLS_ALERT_INSUFFICIENT_SECURITY,     "finite-field DH group smaller than 2048 bits"},
    {GLS_E_MESSAGE_TOO_LARGE,         "message_too_large",     GLS_ALERT_ILLEGAL_PARAMETER,         "handshake message larger than the configured limit"},
    {GLS_E_EMS_REQUIRED,              "ems_required",          GLS_ALERT_HANDSHAKE_FAILURE,         "extended master secret required but not negotiated"},

    {GLS_E_INTERNAL,                  "internal",              GLS_ALERT_INTERNAL_ERROR,            "internal error"},
    {GLS_E_NO_MEMORY,                 "no_memory",             GLS_ALERT_INTERNAL_ERROR,            "out of memory"},
    {GLS_E_CRYPTO,                    "crypto",                GLS_ALERT_INTERNAL_ERROR,            "cryptographic library operation failed"},
    {GLS_E_RNG,                       "rng",                   GLS_ALERT_INTERNAL_ERROR,            "random number generator failed"},
};
/* clang-format on */

/* "peer sent fatal alert: <name> (<number>)" for every alert RFC 8446 names. */
/* clang-format off */
static const struct {
    uint8_t alert;
    const char *message;
} peer_alerts[] = {
    {GLS_ALERT_CLOSE_NOTIFY, "peer sent alert close_notify (0)"},
    {GLS_ALERT_UNEXPECTED_MESSAGE, "peer sent fatal alert unexpected_message (10)"},
    {GLS_ALERT_BAD_RECORD_MAC, "peer sent fatal alert bad_record_mac (20)"},
    {GLS_ALERT_RECORD_OVERFLOW, "peer sent fatal alert record_overflow (22)"},
    {GLS_ALERT_HANDSHAKE_FAILURE, "peer sent fatal alert handshake_failure (40)"},
    {GLS_ALERT_BAD_CERTIFICATE, "peer sent fatal alert bad_certificate (42)"},
    {GLS_ALERT_UNSUPPORTED_CERTIFICATE, "peer sent fatal alert unsupported_certificate (43)"},
    {GLS_ALERT_CERTIFICATE_REVOKED, "peer sent fatal alert certificate_revoked (44)"},
    {GLS_ALERT_CERTIFICATE_EXPIRED, "peer sent fatal alert certificate_expired (45)"},
    {GLS_ALERT_CERTIFICATE_UNKNOWN, "peer sent fatal alert certificate_unknown (46)"},
    {GLS_ALERT_ILLEGAL_PARAMETER, "peer sent fatal alert illegal_parameter (47)"},
    {GLS_ALERT_UNKNOWN_CA, "peer sent fatal alert unknown_ca (48)"},
    {GLS_ALERT_ACCESS_DENIED, "peer sent fatal alert access_denied (49)"},
    {GLS_ALERT_DECODE_ERROR, "peer sent fatal alert decode_error (50)"},
    {GLS_ALERT_DECRYPT_ERROR, "peer sent fatal alert decrypt_error (51)"},
    {GLS_ALERT_PROTOCOL_VERSION, "peer sent fatal alert protocol_version (70)"},
    {GLS_ALERT_INSUFFICIENT_SECURITY, "peer sent fatal alert insufficient_security (71)"},
    {GLS_ALERT_INTERNAL_ERROR, "peer sent fatal alert internal_error (80)"},
    {GLS_ALERT_INAPPROPRIATE_FALLBACK, "peer sent fatal alert inappropriate_fallback (86)"},
    {GLS_ALERT_USER_CANCELED, "peer sent alert user_canceled (90)"},
    {GLS_ALERT_NO_RENEGOTIATION, "peer sent alert no_renegotiation (100)"},
    {GLS_ALERT_MISSING_EXTENSION, "peer sent fatal alert missing_extension (109)"},
    {GLS_ALERT_UNSUPPORTED_EXTENSION, "peer sent fatal alert unsupported_extension (110)"},
    {GLS_ALERT_UNRECOGNIZED_NAME, "peer sent fatal alert unrecognized_name (112)"},
    {GLS_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE, "peer sent fatal alert bad_certificate_status_response (113)"},
    {GLS_ALERT_UNKNOWN_PSK_IDENTITY, "peer sent fatal alert unknown_psk_identity (115)"},
    {GLS_ALERT_CERTIFICATE_REQUIRED, "peer sent fatal alert certificate_required (116)"},
    {GLS_ALERT_NO_APPLICATION_PROTOCOL, "peer sent fatal alert no_application_protocol (120)"},
};
/* clang-format on */

static const char *peer_alert_message(int err)
{
    for (size_t i = 0; i < sizeof peer_alerts / sizeof peer_alerts[0]; i++) {
        if (GLS_E_PEER_ALERT_BASE - peer_alerts[i].alert == err) {
            return peer_alerts[i].message;
        }
    }
    return "peer sent a fatal alert of an unknown kind";
}

static const struct gls_error_info *find(int err)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].code == err) {
            return &table[i];
        }
    }
    return NULL;
}

/* see errors.h */
bool gls_error_is_peer_alert(int err)
{
    return err <= GLS_E_PEER_ALERT_BASE && err >= GLS_E_PEER_ALERT_BASE - 255;
}

/* see errors.h */
int gls_error_from_alert(uint8_t alert)
{
    return GLS_E_PEER_ALERT_BASE - (int)alert;
}

/* see gls.h */
const char *gls_error_name(int err)
{
    const struct gls_error_info *e = find(err);
    if (e != NULL) {
        return e->name;
    }
    return gls_error_is_peer_alert(err) ? "peer_alert" : "unknown";
}

/* see gls.h */
const char *gls_error_message(int err)
{
    const struct gls_error_info *e = find(err);
    if (e != NULL) {
        return e->message;
    }
    return gls_error_is_peer_alert(err) ? peer_alert_message(err) : "unknown error";
}

/* see gls.h */
int gls_error_alert(int err)
{
    const struct gls_error_info *e = find(err);
    if (e != NULL) {
        return e->alert;
    }
    return gls_error_is_peer_alert(err) ? GLS_E_PEER_ALERT_BASE - err : GLS_ALERT_INTERNAL_ERROR;
}

/* see errors.h */
int gls_error_count(void)
{
    return (int)(sizeof table / sizeof table[0]);
}

/* see errors.h */
int gls_error_code_at(int i)
{
    return table[i].code;
}
