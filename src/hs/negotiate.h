/* hs/negotiate.h — the pure choosers a server (and a client checking a
 * server) uses: version, suite, group, signature scheme, ALPN. Each takes the
 * config and what the peer offered and returns a decision or the GLS_E_* that
 * names why none is possible. No state (but a memo of which certificates name the
 * last SNI, kept in the config), no I/O: easy to test. (RFC 8446 §4.1.1,
 * §4.2.1, §4.2.3, §4.2.7, §4.2.8; RFC 5246 §7.4.1.4.1; RFC 8422 §5.1; RFC 7301 §3.2.) */
#ifndef GLS_HS_NEGOTIATE_H
#define GLS_HS_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hs/cfg.h"
#include "hs/suites.h"
#include "msg/msg.h"

/* The version a server picks for ClientHello ch: TLS 1.3 if ch offers 0x0304 in
 * supported_versions and cfg allows it; else TLS 1.2 if legacy_version >= 0x0303
 * (or supported_versions lists 0x0303) and cfg allows it. GLS_E_NO_SHARED_VERSION
 * (protocol_version alert) otherwise. */
GLS_MUST_CHECK int gls_choose_version(const gls_config *cfg, const struct gls_client_hello *ch,
                                      uint16_t *version);

/* Server preference: the first suite of cfg->suites (of `version`) that ch
 * offers; for TLS 1.2 also usable with our certificates (ECDSA suites need an
 * EC certificate, RSA-auth suites an RSA one), with RSA key exchange only if
 * cfg->rsa_kx, and DHE only if ... (always allowed: RFC 7919 groups). */
GLS_MUST_CHECK int gls_choose_suite(const gls_config *cfg, const struct gls_client_hello *ch,
                                    uint16_t version, const struct gls_suite **out);

/* TLS 1.3 group choice (RFC 8446 §4.2.8): walk cfg->groups in order; the first
 * one for which ch has a key share -> *share set to its key_exchange, *hrr false. Else
 * the first cfg group listed in ch's supported_groups -> *hrr true (send
 * HelloRetryRequest for it). Else GLS_E_NO_SHARED_GROUP. A key_share for a group
 * not in ch's supported_groups, or two for one group, is GLS_E_ILLEGAL_PARAMETER.
 * Both lists are scanned whole, in place. */
GLS_MUST_CHECK int gls_choose_group13(const gls_config *cfg, const struct gls_client_hello *ch,
                                      uint16_t *group, gls_bytes *share, bool *hrr);

/* TLS 1.2 ECDHE/DHE group choice: the first cfg group (EC groups for ECDHE,
 * ffdhe groups for DHE) in ch's supported_groups; for DHE with no ffdhe group
 * listed by the client (RFC 7919 §4: a client that sends no FFDHE group) use
 * ffdhe2048. GLS_E_NO_SHARED_GROUP otherwise. */
GLS_MUST_CHECK int gls_choose_group12(const gls_config *cfg, const struct gls_client_hello *ch,
                                      enum gls_kx kx, uint16_t *group);

/* Signature scheme for signing with key: the first scheme of cfg->sigalgs that the peer
 * lists (peer: the u16 list body; empty when the peer sent no signature_algorithms), that
 * fits key and, if tls13, is not rsa_pkcs1_* and names the key's curve (RFC 8446 §4.2.3).
 * In TLS 1.2 an ECDSA key signs with any ECDSA scheme offered (RFC 8422 §5.1.3). A TLS 1.2
 * peer that sent no signature_algorithms implies only SHA-1 schemes (RFC 5246 §7.4.1.4.1),
 * which glasstls refuses: never a scheme it did not offer. GLS_E_NO_SHARED_SIGALG if none. */
GLS_MUST_CHECK int gls_choose_sigalg(const gls_config *cfg, const gls_pkey *key, gls_bytes peer,
                                     bool tls13, uint16_t *out);

/* Checks a scheme the peer used: offered by us (cfg->sigalgs), fits the peer's
 * key (per version, as in gls_choose_sigalg), and (tls13) not rsa_pkcs1_*.
 * GLS_E_ILLEGAL_PARAMETER otherwise. */
GLS_MUST_CHECK int gls_check_peer_sigalg(const gls_config *cfg, const gls_pkey *peer_key,
                                         uint16_t scheme, bool tls13);

/* ALPN (RFC 7301 §3.2): the first of cfg->alpn that ch offers, written to out
 * (NUL-terminated). No ALPN configured or none offered: *out = "" and GLS_OK.
 * Both offered but no overlap: GLS_E_NO_APPLICATION_PROTOCOL. */
GLS_MUST_CHECK int gls_choose_alpn(const gls_config *cfg, const struct gls_exts *ch_ext,
                                   char out[GLS_CFG_MAX_ALPN_LEN + 1]);

/* The certificate of cfg to present: among cfg->certs, prefer one whose leaf
 * matches server_name (if given; gls_cert_matches_name), then one for which
 * gls_choose_sigalg finds a scheme in peer's signature_algorithms; for TLS 1.2 the
 * suite's auth (RSA/ECDSA) must match the key type, and an ECDSA key's curve must be in
 * peer's supported_groups (RFC 8422 §5.3). need_sig false (RSA key exchange): an
 * rsaEncryption key, no scheme (*sigalg 0). Returns its index; GLS_E_NO_CERTIFICATE if
 * none. */
GLS_MUST_CHECK int gls_choose_cert(const gls_config *cfg, const char *server_name,
                                   const struct gls_exts *peer, bool tls13, enum gls_auth auth,
                                   bool need_sig, size_t *index, uint16_t *sigalg);

/* A client's certificate for a CertificateRequest: `accepted` holds those of our schemes
 * (cfg->sigalgs order) that the request lists; as gls_choose_cert otherwise. */
GLS_MUST_CHECK int gls_choose_client_cert(const gls_config *cfg, const uint16_t *accepted, size_t n,
                                          bool tls13, size_t *index, uint16_t *sigalg);

#endif
