/* libFuzzer target: our server in a real handshake of every kind (fuzz_hs.h), the client's
 * records replaced by the input's and sealed under the client's real keys, through the
 * post-handshake script. */
#include "fuzz_hs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run(data, size, true, NULL, NULL);
    return 0;
}
