/* tool/explain_keys.h — fixed demo keys for `explain --seed` (see explain_keys.c). */
#ifndef GLS_TOOL_EXPLAIN_KEYS_H
#define GLS_TOOL_EXPLAIN_KEYS_H

#include <stdbool.h>

/* The fixed certificate and PKCS #8 private key (PEM, NUL-terminated): Ed25519 if ec, else
 * RSA-2048. */
void explain_fixed_keys(bool ec, const char **cert, const char **key);

#endif
