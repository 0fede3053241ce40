/* tool/session_file.c — the session file of `glasstls client --sess-out` and
 * `--sess-in`: the library's session bytes as they are, written with mode
 * 0600 (they are secret) through a temporary file and a rename, so a reader
 * never sees half a session. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet.h"

/* see fleet.h */
int session_file_write(const char *path, const uint8_t *session, size_t len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        return GLS_E_FILE;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return GLS_E_FILE;
    }
    bool ok = write(fd, session, len) == (ssize_t)len;
    ok &= close(fd) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return GLS_E_FILE;
    }
    return GLS_OK;
}

/* see fleet.h */
int session_file_read(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return GLS_E_FILE;
    }
    ssize_t n = read(fd, buf, cap);
    close(fd);
    if (n <= 0) {
        return GLS_E_FILE;
    }
    *len = (size_t)n;
    return GLS_OK;
}
