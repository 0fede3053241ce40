/* hs/suites.c — the cipher suite table (RFC 8446 §B.4, RFC 5246, RFC 5288,
 * RFC 5289, RFC 7905) and the names of groups, signature schemes and handshake
 * messages. */
#include "hs/suites.h"

#include <string.h>
#include <strings.h>

#include "base/wire.h"

#define S13(id, name, ossl, cipher, prf)                                                           \
    {                                                                                              \
        id, name, ossl, GLS_TLS13, GLS_KX_ECDHE, GLS_AUTH_ANY, true, cipher, 0, GLS_HASH_SHA256,   \
            prf                                                                                    \
    }
#define A12(id, name, ossl, kx, auth, cipher, prf)                                                 \
    {                                                                                              \
        id, name, ossl, GLS_TLS12, kx, auth, true, cipher, 0, GLS_HASH_SHA256, prf                 \
    }
#define C12(id, name, ossl, kx, auth, keylen, mac, prf)                                            \
    {                                                                                              \
        id, name, ossl, GLS_TLS12, kx, auth, false, GLS_AEAD_AES_128_GCM, keylen, mac, prf         \
    }

#define SHA1   GLS_HASH_SHA1
#define SHA256 GLS_HASH_SHA256
#define SHA384 GLS_HASH_SHA384
#define G128   GLS_AEAD_AES_128_GCM
#define G256   GLS_AEAD_AES_256_GCM
#define CC     GLS_AEAD_CHACHA20_POLY1305
#define RSA    GLS_KX_RSA
#define DHE    GLS_KX_DHE
#define ECDHE  GLS_KX_ECDHE
#define A_RSA  GLS_AUTH_RSA
#define A_EC   GLS_AUTH_ECDSA

/* clang-format off */
static const struct gls_suite suites[] = {
    S13(0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", G128, SHA256),
    S13(0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", G256, SHA384),
    S13(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", CC, SHA256),
    A12(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", ECDHE, A_EC, G128, SHA256),
    A12(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", ECDHE, A_RSA, G128, SHA256),
    A12(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", ECDHE, A_EC, G256, SHA384),
    A12(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", ECDHE, A_RSA, G256, SHA384),
    A12(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", ECDHE, A_EC, CC, SHA256),
    A12(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", ECDHE, A_RSA, CC, SHA256),
    A12(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", DHE, A_RSA, G128, SHA256),
    A12(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", DHE, A_RSA, G256, SHA384),
    A12(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", DHE, A_RSA, CC, SHA256),
    C12(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", ECDHE, A_EC, 16, SHA256, SHA256),
    C12(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", ECDHE, A_RSA, 16, SHA256, SHA256),
    C12(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", ECDHE, A_EC, 32, SHA384, SHA384),
    C12(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", ECDHE, A_RSA, 32, SHA384, SHA384),
    C12(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", ECDHE, A_EC, 16, SHA1, SHA256),
    C12(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", ECDHE, A_RSA, 16, SHA1, SHA256),
    C12(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", ECDHE, A_EC, 32, SHA1, SHA256),
    C12(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", ECDHE, A_RSA, 32, SHA1, SHA256),
    C12(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256", DHE, A_RSA, 16, SHA256, SHA256),
    C12(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256", DHE, A_RSA, 32, SHA256, SHA256),
    C12(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", DHE, A_RSA, 16, SHA1, SHA256),
    C12(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", DHE, A_RSA, 32, SHA1, SHA256),
    A12(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", RSA, A_RSA, G128, SHA256),
    A12(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", RSA, A_RSA, G256, SHA384),
    C12(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", RSA, A_RSA, 16, SHA256, SHA256),
    C12(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", RSA, A_RSA, 32, SHA256, SHA256),
    C12(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", RSA, A_RSA, 16, SHA1, SHA256),
    C12(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", RSA, A_RSA, 32, SHA1, SHA256),
};
/* clang-format on */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* see suites.h */
const struct gls_suite *gls_suite_get(uint16_t id)
{
    for (size_t i = 0; i < COUNT(suites); i++) {
        if (suites[i].id == id) {
            return &suites[i];
        }
    }
    return NULL;
}

/* see suites.h */
const struct gls_suite *gls_suite_by_name(const char *name)
{
    for (size_t i = 0; i < COUNT(suites); i++) {
        if (strcasecmp(suites[i].name, name) == 0 || strcasecmp(suites[i].ossl, name) == 0) {
            return &suites[i];
        }
    }
    return NULL;
}

/* see gls.h */
const char *gls_suite_name(uint16_t suite)
{
    const struct gls_suite *s = gls_suite_get(suite);
    return s != NULL ? s->name : NULL;
}

/* see gls.h */
size_t gls_suite_list(uint16_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < COUNT(suites); i++) {
        if (n < cap) {
            out[n] = suites[i].id;
        }
        n++;
    }
    return n;
}

/* see gls.h */
const char *gls_suite_kx(uint16_t suite)
{
    const struct gls_suite *s = gls_suite_get(suite);
    if (s == NULL) {
        return NULL;
    }
    if (s->version == GLS_TLS13) {
        return "TLS1.3";
    }
    return s->kx == GLS_KX_RSA ? "RSA" : s->kx == GLS_KX_DHE ? "DHE" : "ECDHE";
}

/* see gls.h */
uint16_t gls_suite_from_name(const char *name)
{
    const struct gls_suite *s = gls_suite_by_name(name);
    return s != NULL ? s->id : 0;
}

static const struct {
    uint16_t id;
    const char *name;
    const char *alias;
} groups[] = {
    {GLS_GROUP_X25519, "x25519", "X25519"},
    {GLS_GROUP_SECP256R1, "secp256r1", "P-256"},
    {GLS_GROUP_SECP384R1, "secp384r1", "P-384"},
    {GLS_GROUP_FFDHE2048, "ffdhe2048", "ffdhe2048"},
    {GLS_GROUP_FFDHE3072, "ffdhe3072", "ffdhe3072"},
    {GLS_GROUP_FFDHE4096, "ffdhe4096", "ffdhe4096"},
    {GLS_GROUP_X448, "x448", "X448"},
    {GLS_GROUP_SECP521R1, "secp521r1", "P-521"},
    {GLS_GROUP_FFDHE6144, "ffdhe6144", "ffdhe6144"},
    {GLS_GROUP_FFDHE8192, "ffdhe8192", "ffdhe8192"},
    {GLS_GROUP_X25519MLKEM768, "X25519MLKEM768", "x25519_mlkem768"},
    {GLS_GROUP_SECP256R1MLKEM768, "SecP256r1MLKEM768", "p256_mlkem768"},
    {GLS_GROUP_MLKEM768, "MLKEM768", "ML-KEM-768"},
    {GLS_GROUP_MLKEM1024, "MLKEM1024", "ML-KEM-1024"},
};

/* see gls.h */
const char *gls_group_name(uint16_t group)
{
    for (size_t i = 0; i < COUNT(groups); i++) {
        if (groups[i].id == group) {
            return groups[i].name;
        }
    }
    return "unknown";
}

/* see gls.h */
uint16_t gls_group_from_name(const char *name)
{
    for (size_t i = 0; i < COUNT(groups); i++) {
        if (strcasecmp(groups[i].name, name) == 0 || strcasecmp(groups[i].alias, name) == 0) {
            return groups[i].id;
        }
    }
    return 0;
}

/* see gls.h */
const char *gls_sigalg_name(uint16_t scheme)
{
    switch (scheme) {
    case GLS_SIG_RSA_PKCS1_SHA256:
        return "rsa_pkcs1_sha256";
    case GLS_SIG_RSA_PKCS1_SHA384:
        return "rsa_pkcs1_sha384";
    case GLS_SIG_RSA_PKCS1_SHA512:
        return "rsa_pkcs1_sha512";
    case GLS_SIG_ECDSA_SECP256R1_SHA256:
        return "ecdsa_secp256r1_sha256";
    case GLS_SIG_ECDSA_SECP384R1_SHA384:
        return "ecdsa_secp384r1_sha384";
    case GLS_SIG_ECDSA_SECP521R1_SHA512:
        return "ecdsa_secp521r1_sha512";
    case GLS_SIG_RSA_PSS_RSAE_SHA256:
        return "rsa_pss_rsae_sha256";
    case GLS_SIG_RSA_PSS_RSAE_SHA384:
        return "rsa_pss_rsae_sha384";
    case GLS_SIG_RSA_PSS_RSAE_SHA512:
        return "rsa_pss_rsae_sha512";
    case GLS_SIG_ED25519:
        return "ed25519";
    case GLS_SIG_RSA_PSS_PSS_SHA256:
        return "rsa_pss_pss_sha256";
    case GLS_SIG_RSA_PSS_PSS_SHA384:
        return "rsa_pss_pss_sha384";
    case GLS_SIG_RSA_PSS_PSS_SHA512:
        return "rsa_pss_pss_sha512";
    default:
        return "unknown";
    }
}

/* see suites.h */
const char *gls_hs_type_name(uint8_t type)
{
    switch (type) {
    case GLS_HS_HELLO_REQUEST:
        return "HelloRequest";
    case GLS_HS_CLIENT_HELLO:
        return "ClientHello";
    case GLS_HS_SERVER_HELLO:
        return "ServerHello";
    case GLS_HS_NEW_SESSION_TICKET:
        return "NewSessionTicket";
    case GLS_HS_END_OF_EARLY_DATA:
        return "EndOfEarlyData";
    case GLS_HS_ENCRYPTED_EXTENSIONS:
        return "EncryptedExtensions";
    case GLS_HS_CERTIFICATE:
        return "Certificate";
    case GLS_HS_SERVER_KEY_EXCHANGE:
        return "ServerKeyExchange";
    case GLS_HS_CERTIFICATE_REQUEST:
        return "CertificateRequest";
    case GLS_HS_SERVER_HELLO_DONE:
        return "ServerHelloDone";
    case GLS_HS_CERTIFICATE_VERIFY:
        return "CertificateVerify";
    case GLS_HS_CLIENT_KEY_EXCHANGE:
        return "ClientKeyExchange";
    case GLS_HS_FINISHED:
        return "Finished";
    case GLS_HS_KEY_UPDATE:
        return "KeyUpdate";
    default:
        return "unknown";
    }
}

/* see suites.h */
const char *gls_ext_type_name(uint32_t type)
{
    static const struct {
        uint16_t type;
        const char *name;
    } names[] = {
        {GLS_EXT_SERVER_NAME, "server_name"},
        {GLS_EXT_STATUS_REQUEST, "status_request"},
        {GLS_EXT_SUPPORTED_GROUPS, "supported_groups"},
        {GLS_EXT_EC_POINT_FORMATS, "ec_point_formats"},
        {GLS_EXT_SIGNATURE_ALGORITHMS, "signature_algorithms"},
        {GLS_EXT_ALPN, "application_layer_protocol_negotiation"},
        {GLS_EXT_ENCRYPT_THEN_MAC, "encrypt_then_mac"},
        {GLS_EXT_EXTENDED_MASTER_SECRET, "extended_master_secret"},
        {GLS_EXT_RECORD_SIZE_LIMIT, "record_size_limit"},
        {GLS_EXT_SESSION_TICKET, "session_ticket"},
        {GLS_EXT_PRE_SHARED_KEY, "pre_shared_key"},
        {GLS_EXT_EARLY_DATA, "early_data"},
        {GLS_EXT_SUPPORTED_VERSIONS, "supported_versions"},
        {GLS_EXT_COOKIE, "cookie"},
        {GLS_EXT_PSK_KEY_EXCHANGE_MODES, "psk_key_exchange_modes"},
        {GLS_EXT_CERTIFICATE_AUTHORITIES, "certificate_authorities"},
        {GLS_EXT_SIGNATURE_ALGORITHMS_CERT, "signature_algorithms_cert"},
        {GLS_EXT_KEY_SHARE, "key_share"},
        {GLS_EXT_RENEGOTIATION_INFO, "renegotiation_info"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].type == type) {
            return names[i].name;
        }
    }
    return "unknown";
}
