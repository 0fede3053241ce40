/* hs/suites.h — what each cipher suite, group and signature scheme means:
 * key exchange, authentication, record protection, PRF/HKDF hash, and the
 * names people and OpenSSL use for them. */
#ifndef GLS_HS_SUITES_H
#define GLS_HS_SUITES_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "glasstls/gls.h"
#include "msg/msg.h"

/* TLS 1.3 suites name neither key exchange nor authentication: kx and auth
 * are meaningful for TLS 1.2 suites only. */
enum gls_auth { GLS_AUTH_ANY, GLS_AUTH_RSA, GLS_AUTH_ECDSA };

struct gls_suite {
    uint16_t id;
    const char *name; /* IANA */
    const char *ossl; /* OpenSSL's name */
    uint16_t version; /* GLS_TLS13 or GLS_TLS12 */
    enum gls_kx kx;   /* TLS 1.2 */
    enum gls_auth auth;
    bool aead;          /* else CBC */
    gls_aead_id cipher; /* when aead */
    size_t cbc_key_len; /* when CBC: 16 or 32 */
    gls_hash_id mac;    /* when CBC: HMAC hash */
    gls_hash_id prf;    /* PRF (1.2) or HKDF (1.3) hash */
};

const struct gls_suite *gls_suite_get(uint16_t id);
const struct gls_suite *gls_suite_by_name(const char *name);
const char *gls_hs_type_name(uint8_t type);
/* The IANA name of an extension type ("0x1234" style names are not made: "unknown"). */
const char *gls_ext_type_name(uint32_t type);

#endif
