/* libFuzzer target: arbitrary bytes as a server's answer to our ClientHello. */
#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gls_conn *c = gls_client_new(fuzz_client_cfg(), "localhost");
    if (c != NULL) {
        fuzz_feed(c, data, size);
        gls_conn_free(c);
    }
    return 0;
}
