/* base/wire.h — IANA numbers used on the wire: protocol versions, content
 * types, handshake types, extensions, alerts, cipher suites, named groups and
 * signature schemes (RFC 8446 §4, §6, Appendix B; RFC 5246 Appendix A; the IANA
 * TLS registries). Names follow IANA. Only constants live here. */
#ifndef GLS_BASE_WIRE_H
#define GLS_BASE_WIRE_H

#include "glasstls/gls.h"

/* Protocol versions */
#define GLS_TLS12 0x0303
#define GLS_TLS13 0x0304

/* ContentType (RFC 8446 §5.1) */
#define GLS_CT_CHANGE_CIPHER_SPEC 20
#define GLS_CT_ALERT              21
#define GLS_CT_HANDSHAKE          22
#define GLS_CT_APPLICATION_DATA   23

/* HandshakeType (RFC 8446 §4, RFC 5246 §7.4) */
#define GLS_HS_HELLO_REQUEST        0
#define GLS_HS_CLIENT_HELLO         1
#define GLS_HS_SERVER_HELLO         2
#define GLS_HS_NEW_SESSION_TICKET   4
#define GLS_HS_END_OF_EARLY_DATA    5
#define GLS_HS_ENCRYPTED_EXTENSIONS 8
#define GLS_HS_CERTIFICATE          11
#define GLS_HS_SERVER_KEY_EXCHANGE  12
#define GLS_HS_CERTIFICATE_REQUEST  13
#define GLS_HS_SERVER_HELLO_DONE    14
#define GLS_HS_CERTIFICATE_VERIFY   15
#define GLS_HS_CLIENT_KEY_EXCHANGE  16
#define GLS_HS_FINISHED             20
#define GLS_HS_KEY_UPDATE           24
#define GLS_HS_MESSAGE_HASH         254

/* ExtensionType */
#define GLS_EXT_SERVER_NAME                  0
#define GLS_EXT_STATUS_REQUEST               5
#define GLS_EXT_SUPPORTED_GROUPS             10
#define GLS_EXT_EC_POINT_FORMATS             11
#define GLS_EXT_SIGNATURE_ALGORITHMS         13
#define GLS_EXT_ALPN                         16
#define GLS_EXT_SIGNED_CERTIFICATE_TIMESTAMP 18
#define GLS_EXT_ENCRYPT_THEN_MAC             22
#define GLS_EXT_EXTENDED_MASTER_SECRET       23
#define GLS_EXT_RECORD_SIZE_LIMIT            28
#define GLS_EXT_SESSION_TICKET               35
#define GLS_EXT_PRE_SHARED_KEY               41
#define GLS_EXT_EARLY_DATA                   42
#define GLS_EXT_SUPPORTED_VERSIONS           43
#define GLS_EXT_COOKIE                       44
#define GLS_EXT_PSK_KEY_EXCHANGE_MODES       45
#define GLS_EXT_CERTIFICATE_AUTHORITIES      47
#define GLS_EXT_SIGNATURE_ALGORITHMS_CERT    50
#define GLS_EXT_KEY_SHARE                    51
#define GLS_EXT_RENEGOTIATION_INFO           0xff01

/* AlertLevel and AlertDescription (RFC 8446 §6) */
#define GLS_ALERT_LEVEL_WARNING 1
#define GLS_ALERT_LEVEL_FATAL   2

#define GLS_ALERT_CLOSE_NOTIFY                    0
#define GLS_ALERT_UNEXPECTED_MESSAGE              10
#define GLS_ALERT_BAD_RECORD_MAC                  20
#define GLS_ALERT_RECORD_OVERFLOW                 22
#define GLS_ALERT_HANDSHAKE_FAILURE               40
#define GLS_ALERT_BAD_CERTIFICATE                 42
#define GLS_ALERT_UNSUPPORTED_CERTIFICATE         43
#define GLS_ALERT_CERTIFICATE_REVOKED             44
#define GLS_ALERT_CERTIFICATE_EXPIRED             45
#define GLS_ALERT_CERTIFICATE_UNKNOWN             46
#define GLS_ALERT_ILLEGAL_PARAMETER               47
#define GLS_ALERT_UNKNOWN_CA                      48
#define GLS_ALERT_ACCESS_DENIED                   49
#define GLS_ALERT_DECODE_ERROR                    50
#define GLS_ALERT_DECRYPT_ERROR                   51
#define GLS_ALERT_PROTOCOL_VERSION                70
#define GLS_ALERT_INSUFFICIENT_SECURITY           71
#define GLS_ALERT_INTERNAL_ERROR                  80
#define GLS_ALERT_INAPPROPRIATE_FALLBACK          86
#define GLS_ALERT_USER_CANCELED                   90
#define GLS_ALERT_NO_RENEGOTIATION                100
#define GLS_ALERT_MISSING_EXTENSION               109
#define GLS_ALERT_UNSUPPORTED_EXTENSION           110
#define GLS_ALERT_UNRECOGNIZED_NAME               112
#define GLS_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE 113
#define GLS_ALERT_UNKNOWN_PSK_IDENTITY            115
#define GLS_ALERT_CERTIFICATE_REQUIRED            116
#define GLS_ALERT_NO_APPLICATION_PROTOCOL         120
/* Not an alert: "this error sends no alert" in the error table. */
#define GLS_ALERT_NONE 255

/* CipherSuite: TLS 1.3 (RFC 8446 §B.4) */
#define GLS_TLS_AES_128_GCM_SHA256       0x1301
#define GLS_TLS_AES_256_GCM_SHA384       0x1302
#define GLS_TLS_CHACHA20_POLY1305_SHA256 0x1303
/* CipherSuite: TLS 1.2 */
#define GLS_TLS_RSA_WITH_AES_128_CBC_SHA                  0x002f
#define GLS_TLS_RSA_WITH_AES_256_CBC_SHA                  0x0035
#define GLS_TLS_RSA_WITH_AES_128_CBC_SHA256               0x003c
#define GLS_TLS_RSA_WITH_AES_256_CBC_SHA256               0x003d
#define GLS_TLS_RSA_WITH_AES_128_GCM_SHA256               0x009c
#define GLS_TLS_RSA_WITH_AES_256_GCM_SHA384               0x009d
#define GLS_TLS_DHE_RSA_WITH_AES_128_CBC_SHA              0x0033
#define GLS_TLS_DHE_RSA_WITH_AES_256_CBC_SHA              0x0039
#define GLS_TLS_DHE_RSA_WITH_AES_128_CBC_SHA256           0x0067
#define GLS_TLS_DHE_RSA_WITH_AES_256_CBC_SHA256           0x006b
#define GLS_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256           0x009e
#define GLS_TLS_DHE_RSA_WITH_AES_256_GCM_SHA384           0x009f
#define GLS_TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256     0xccaa
#define GLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA          0xc009
#define GLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA          0xc00a
#define GLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA            0xc013
#define GLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA            0xc014
#define GLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256       0xc023
#define GLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384       0xc024
#define GLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256         0xc027
#define GLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384         0xc028
#define GLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       0xc02b
#define GLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       0xc02c
#define GLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         0xc02f
#define GLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         0xc030
#define GLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   0xcca8
#define GLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 0xcca9
#define GLS_TLS_EMPTY_RENEGOTIATION_INFO_SCSV             0x00ff
#define GLS_TLS_FALLBACK_SCSV                             0x5600

/* NamedGroup (RFC 8446 §4.2.7, RFC 7919, draft-ietf-tls-ecdhe-mlkem): public,
 * GLS_GROUP_* in glasstls/gls.h. */

/* SignatureScheme (RFC 8446 §4.2.3) */
#define GLS_SIG_RSA_PKCS1_SHA256       0x0401
#define GLS_SIG_RSA_PKCS1_SHA384       0x0501
#define GLS_SIG_RSA_PKCS1_SHA512       0x0601
#define GLS_SIG_ECDSA_SECP256R1_SHA256 0x0403
#define GLS_SIG_ECDSA_SECP384R1_SHA384 0x0503
#define GLS_SIG_ECDSA_SECP521R1_SHA512 0x0603
#define GLS_SIG_RSA_PSS_RSAE_SHA256    0x0804
#define GLS_SIG_RSA_PSS_RSAE_SHA384    0x0805
#define GLS_SIG_RSA_PSS_RSAE_SHA512    0x0806
#define GLS_SIG_ED25519                0x0807
#define GLS_SIG_RSA_PSS_PSS_SHA256     0x0809
#define GLS_SIG_RSA_PSS_PSS_SHA384     0x080a
#define GLS_SIG_RSA_PSS_PSS_SHA512     0x080b

/* PskKeyExchangeMode (RFC 8446 §4.2.9) */
#define GLS_PSK_KE     0
#define GLS_PSK_DHE_KE 1

/* Record limits (RFC 8446 §5.1, §5.2) */
#define GLS_MAX_PLAINTEXT    16384
#define GLS_MAX_CIPHERTEXT13 (16384 + 256)
#define GLS_MAX_CIPHERTEXT12 (16384 + 2048)
#define GLS_RECORD_HEADER    5

#endif
