/* libFuzzer target: arbitrary bytes as a client's first flight to a server. */
#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gls_conn *c = gls_server_new(fuzz_server_cfg());
    if (c != NULL) {
        fuzz_feed(c, data, size);
        gls_conn_free(c);
    }
    return 0;
}
