/* tool/json.h — a small JSON writer for the tool's --json outputs: a buffer that
 * grows as text is appended and records running out of memory (bad) instead of
 * failing each call. */
#ifndef GLS_TOOL_JSON_H
#define GLS_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jbuf {
    char *p;
    size_t len;
    size_t cap;
    bool bad; /* out of memory: the document is incomplete */
};

void jb_put(struct jbuf *j, const char *s, size_t n);
void jb_printf(struct jbuf *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jb_lit(struct jbuf *j, const char *s);
/* A JSON string, all ASCII: quotes and backslashes escaped, control characters and
 * everything past 0x7e as \uXXXX (surrogate pairs past U+FFFF). Text is taken as UTF-8;
 * with latin1, or where the UTF-8 is not well formed, each byte is the code point of the
 * same value. */
void jb_str(struct jbuf *j, const uint8_t *p, size_t n, bool latin1);
/* A NUL-terminated string, or null for NULL. */
void jb_text(struct jbuf *j, const char *s);
/* Bytes as a lower-case hex string. */
void jb_hex(struct jbuf *j, const uint8_t *p, size_t n);
/* Starts one element of an array that a buffer holds alone: a comma before all but the first. */
void jb_item(struct jbuf *j);
/* Appends a buffer's bytes as an array. */
void jb_array(struct jbuf *j, const struct jbuf *items);

#endif
