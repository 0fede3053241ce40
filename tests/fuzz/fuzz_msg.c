/* libFuzzer target: every message parser of msg/ on arbitrary bytes (the first
 * byte picks the parser), and each successful parse written back. */
#include <stdint.h>
#include <string.h>

#include "glasstls/gls.h"
#include "msg/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile int written; /* write-back results: kept, so no compiler drops them */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[1 << 17];
    if (size < 1) {
        return 0;
    }
    uint8_t which = data[0];
    gls_reader r = gls_reader_init(data + 1, size - 1);
    gls_writer w = gls_writer_init(out, sizeof out);
    switch (which % 12) {
    case 0: {
        struct gls_client_hello ch;
        if (gls_client_hello_parse(&r, &ch) == GLS_OK) {
            written = gls_client_hello_write(&w, &ch);
        }
        break;
    }
    case 1: {
        struct gls_server_hello sh;
        if (gls_server_hello_parse(&r, &sh) == GLS_OK) {
            written = gls_server_hello_write(&w, &sh);
        }
        break;
    }
    case 2: {
        struct gls_encrypted_extensions ee;
        if (gls_encrypted_extensions_parse(&r, &ee) == GLS_OK) {
            written = gls_encrypted_extensions_write(&w, &ee);
        }
        break;
    }
    case 3:
    case 4: {
        struct gls_certificate c;
        if (gls_certificate_parse(&r, which % 12 == 3, &c) == GLS_OK) {
            written = gls_certificate_write(&w, &c);
        }
        break;
    }
    case 5:
    case 6: {
        struct gls_certificate_request cr;
        if (gls_certificate_request_parse(&r, which % 12 == 5, &cr) == GLS_OK) {
            written = gls_certificate_request_write(&w, &cr);
        }
        break;
    }
    case 7: {
        struct gls_certificate_verify cv;
        if (gls_certificate_verify_parse(&r, &cv) == GLS_OK) {
            written = gls_certificate_verify_write(&w, &cv);
        }
        break;
    }
    case 8:
    case 9: {
        struct gls_new_session_ticket t;
        if (gls_new_session_ticket_parse(&r, which % 12 == 8, &t) == GLS_OK) {
            written = gls_new_session_ticket_write(&w, &t);
        }
        break;
    }
    case 10: {
        struct gls_server_key_exchange ske;
        enum gls_kx kx = (which >> 4) & 1 ? GLS_KX_DHE : GLS_KX_ECDHE;
        if (gls_server_key_exchange_parse(&r, kx, &ske) == GLS_OK) {
            written = gls_server_key_exchange_write(&w, &ske);
        }
        break;
    }
    default: {
        struct gls_client_key_exchange cke;
        enum gls_kx kx = (enum gls_kx)((which >> 4) % 3);
        if (gls_client_key_exchange_parse(&r, kx, &cke) == GLS_OK) {
            written = gls_client_key_exchange_write(&w, &cke);
        }
        break;
    }
    }
    return 0;
}
