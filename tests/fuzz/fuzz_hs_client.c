/* libFuzzer target: our client in a real handshake of every kind (fuzz_hs.h), the server's
 * records replaced by the input's and sealed under the server's real keys, through the
 * post-handshake script (data, KeyUpdate, NewSessionTicket, close_notify). */
#include "fuzz_hs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run(data, size, false, NULL, NULL);
    return 0;
}
