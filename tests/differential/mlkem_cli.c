/* tests/differential/mlkem_cli — our ML-KEM (crypto/mlkem.c) over stdin/stdout, one request
 * a line, in hex, for the differential test against an independent implementation
 * (tests/differential/mlkem_node.sh). Requests and answers:
 *
 *   keygen SET D Z     ->  ok EK DK
 *   encaps SET EK M    ->  ok CT SS       or  error NAME  (the §7.2 input checks)
 *   decaps SET DK CT   ->  ok SS          or  error NAME  (the §7.3 input checks)
 *
 * SET is 768 or 1024. A line it cannot read is "error usage". Exits 0 at end of input. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/mlkem.h"
#include "glasstls/gls.h"

/* A line holds at most a decapsulation key and a ciphertext in hex, and the words. */
#define LINE_CAP (2 * (GLS_MLKEM_MAX_DK + GLS_MLKEM_MAX_CT) + 64)

static char line[LINE_CAP];
static char hexbuf[2 * GLS_MLKEM_MAX_DK + 1];
static uint8_t x[GLS_MLKEM_MAX_DK], y[GLS_MLKEM_MAX_DK], out1[GLS_MLKEM_MAX_DK],
    out2[GLS_MLKEM_MAX_DK];

static void put_hex(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hexbuf[2 * i] = digits[p[i] >> 4];
        hexbuf[2 * i + 1] = digits[p[i] & 15];
    }
    hexbuf[2 * n] = 0;
    fputc(' ', stdout);
    fputs(hexbuf, stdout);
}

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
}

/* Hex field into out: false unless it is well formed and exactly want bytes long (want 0:
 * any length up to cap, stored in *got). */
static bool field(const char *hex, uint8_t *out, size_t cap, size_t want, size_t *got)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap || strspn(hex, "0123456789abcdefABCDEF") != n) {
        return false;
    }
    for (size_t i = 0; i < n / 2; i++) {
        out[i] = (uint8_t)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    }
    *got = n / 2;
    return want == 0 || *got == want;
}

static void answer(char *req)
{
    char *f[4];
    size_t n = 0;
    size_t xn = 0, yn = 0;
    for (char *t = strtok(req, " \r\n"); t != NULL && n < 4; t = strtok(NULL, " \r\n")) {
        f[n++] = t;
    }
    if (n != 4 || (strcmp(f[1], "768") != 0 && strcmp(f[1], "1024") != 0)) {
        puts("error usage");
        return;
    }
    gls_mlkem_set set = strcmp(f[1], "768") == 0 ? GLS_MLKEM768 : GLS_MLKEM1024;
    int err;
    if (strcmp(f[0], "keygen") == 0) {
        if (!field(f[2], x, sizeof x, GLS_MLKEM_SEED, &xn) ||
            !field(f[3], y, sizeof y, GLS_MLKEM_SEED, &yn)) {
            puts("error usage");
            return;
        }
        err = gls_mlkem_keygen(set, x, y, out1, out2);
        if (err == GLS_OK) {
            fputs("ok", stdout);
            put_hex(out1, gls_mlkem_ek_len(set));
            put_hex(out2, gls_mlkem_dk_len(set));
        }
    } else if (strcmp(f[0], "encaps") == 0) {
        if (!field(f[2], x, sizeof x, 0, &xn) || !field(f[3], y, sizeof y, GLS_MLKEM_SEED, &yn)) {
            puts("error usage");
            return;
        }
        err = gls_mlkem_encaps(set, x, xn, y, out1, out2);
        if (err == GLS_OK) {
            fputs("ok", stdout);
            put_hex(out1, gls_mlkem_ct_len(set));
            put_hex(out2, GLS_MLKEM_SEED);
        }
    } else if (strcmp(f[0], "decaps") == 0) {
        if (!field(f[2], x, sizeof x, gls_mlkem_dk_len(set), &xn) ||
            !field(f[3], y, sizeof y, 0, &yn)) {
            puts("error usage");
            return;
        }
        err = gls_mlkem_decaps(set, x, y, yn, out1);
        if (err == GLS_OK) {
            fputs("ok", stdout);
            put_hex(out1, GLS_MLKEM_SEED);
        }
    } else {
        puts("error usage");
        return;
    }
    if (err != GLS_OK) {
        printf("error %s", gls_error_name(err));
    }
    fputc('\n', stdout);
}

int main(void)
{
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strchr(line, '\n') == NULL && !feof(stdin)) {
            fputs("mlkem_cli: line too long\n", stderr);
            return 2;
        }
        answer(line);
    }
    fflush(stdout);
    return ferror(stdout) ? 1 : 0;
}
