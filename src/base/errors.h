/* base/errors.h — the one error table: every GLS_E_* code with its name, its
 * message and the alert it sends. The codes themselves are public (gls.h). */
#ifndef GLS_BASE_ERRORS_H
#define GLS_BASE_ERRORS_H

#include <stdbool.h>
#include <stdint.h>

#include "glasstls/gls.h"

/* True for codes that record a fatal alert received from the peer. */
bool gls_error_is_peer_alert(int err);
/* The error code for "peer sent alert `alert`". */
int gls_error_from_alert(uint8_t alert);
/* Number of rows in the table and row i's code (for tests: table complete, unique). */
int gls_error_count(void);
int gls_error_code_at(int i);

#endif
