/* tool/json.c — the JSON writer explain and decrypt share: strings escaped to pure
 * ASCII, hex blobs, arrays, built in a growing buffer (see json.h). */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* see json.h */
void jb_put(struct jbuf *j, const char *s, size_t n)
{
    if (j->bad || n == 0) {
        return;
    }
    if (j->len + n + 1 > j->cap) {
        size_t cap = 2 * (j->len + n) + 4096;
        char *p = realloc(j->p, cap);
        if (p == NULL) {
            j->bad = true;
            return;
        }
        j->p = p;
        j->cap = cap;
    }
    memcpy(j->p + j->len, s, n);
    j->len += n;
}

/* see json.h */
void jb_printf(struct jbuf *j, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        j->bad = true;
        return;
    }
    jb_put(j, tmp, (size_t)n);
}

/* see json.h */
void jb_lit(struct jbuf *j, const char *s)
{
    jb_put(j, s, strlen(s));
}

/* The code point of the well-formed UTF-8 sequence at p (n bytes left) and its length; 0 if
 * the bytes there are not one. */
static size_t utf8_next(const uint8_t *p, size_t n, uint32_t *cp)
{
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000}; /* no overlong forms */
    size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || len > n) {
        return 0;
    }
    uint32_t v = p[0] & (0x7fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = v << 6 | (p[i] & 0x3fu);
    }
    if (v < least[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return 0;
    }
    *cp = v;
    return len;
}

/* see json.h */
void jb_str(struct jbuf *j, const uint8_t *p, size_t n, bool latin1)
{
    jb_lit(j, "\"");
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = p[i];
        size_t len = latin1 || cp < 0x80 ? 0 : utf8_next(p + i, n - i, &cp);
        if (len > 1) {
            i += len - 1;
        }
        if (cp == '"' || cp == '\\') {
            char esc[2] = {'\\', (char)cp};
            jb_put(j, esc, 2);
        } else if (cp >= 0x10000) {
            cp -= 0x10000;
            jb_printf(j, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else if (cp < 0x20 || cp >= 0x7f) {
            jb_printf(j, "\\u%04x", cp);
        } else {
            jb_put(j, (const char *)p + i, 1);
        }
    }
    jb_lit(j, "\"");
}

/* see json.h */
void jb_text(struct jbuf *j, const char *s)
{
    if (s == NULL) {
        jb_lit(j, "null");
    } else {
        jb_str(j, (const uint8_t *)s, strlen(s), false);
    }
}

/* see json.h */
void jb_hex(struct jbuf *j, const uint8_t *p, size_t n)
{
    jb_lit(j, "\"");
    for (size_t i = 0; i < n; i++) {
        jb_printf(j, "%02x", p[i]);
    }
    jb_lit(j, "\"");
}

/* see json.h */
void jb_item(struct jbuf *j)
{
    if (j->len > 0) {
        jb_lit(j, ",");
    }
}

/* see json.h */
void jb_array(struct jbuf *j, const struct jbuf *items)
{
    jb_lit(j, "[");
    jb_put(j, items->p, items->len);
    jb_lit(j, "]");
    j->bad |= items->bad;
}
