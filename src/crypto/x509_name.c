/* crypto/x509_name.c — does a certificate name this host? The server uses it
 * to pick a certificate by SNI; the rules are RFC 6125's as libcrypto applies
 * them (subjectAltName first, no partial wildcards). */
#include <openssl/x509v3.h>

#include "crypto/internal.h"

/* see crypto.h */
bool gls_cert_matches_name(const gls_cert *c, const char *name)
{
    if (c == NULL || name == NULL) {
        return false;
    }
    if (X509_check_ip_asc(c->x509, name, 0) == 1) {
        return true;
    }
    return X509_check_host(c->x509, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
}
