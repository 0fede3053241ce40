/* base/bytes.c — the bounds-checked reader and writer (see bytes.h). Every
 * function here checks before it touches memory; a failure is sticky. */
#include "base/bytes.h"

#include <string.h>

#include "base/errors.h"

/* see bytes.h */
gls_reader gls_reader_init(const uint8_t *p, size_t len)
{
    gls_reader r = {p, p, false};
    if (p == NULL) {
        r.bad = len != 0;
    } else {
        r.end = p + len;
    }
    return r;
}

/* see bytes.h */
size_t gls_reader_left(const gls_reader *r)
{
    return r->bad ? 0 : (size_t)(r->end - r->p);
}

/* see bytes.h */
bool gls_reader_done(const gls_reader *r)
{
    return !r->bad && r->p == r->end;
}

/* Takes n bytes or fails; the single place that advances a reader. */
static const uint8_t *take(gls_reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *at = r->p;
    if (n > 0) { /* an empty reader may sit on NULL: no arithmetic on it */
        r->p += n;
    }
    return at;
}

static uint64_t read_be(gls_reader *r, size_t n)
{
    const uint8_t *p = take(r, n);
    uint64_t v = 0;
    if (p == NULL) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

/* see bytes.h */
uint8_t gls_read_u8(gls_reader *r)
{
    return (uint8_t)read_be(r, 1);
}

/* see bytes.h */
uint16_t gls_read_u16(gls_reader *r)
{
    return (uint16_t)read_be(r, 2);
}

/* see bytes.h */
uint32_t gls_read_u24(gls_reader *r)
{
    return (uint32_t)read_be(r, 3);
}

/* see bytes.h */
uint32_t gls_read_u32(gls_reader *r)
{
    return (uint32_t)read_be(r, 4);
}

/* see bytes.h */
uint64_t gls_read_u64(gls_reader *r)
{
    return read_be(r, 8);
}

/* see bytes.h */
void gls_read_fixed(gls_reader *r, uint8_t *out, size_t n)
{
    const uint8_t *p = take(r, n);
    if (p == NULL) {
        memset(out, 0, n);
        return;
    }
    memcpy(out, p, n);
}

/* see bytes.h */
gls_bytes gls_read_bytes(gls_reader *r, size_t n)
{
    gls_bytes b = {NULL, 0};
    const uint8_t *p = take(r, n);
    if (p != NULL) {
        b.p = p;
        b.len = n;
    }
    return b;
}

static gls_bytes read_opaque(gls_reader *r, size_t width, size_t min, size_t max)
{
    gls_bytes none = {NULL, 0};
    size_t n = (size_t)read_be(r, width);
    if (r->bad) {
        return none;
    }
    if (n < min || n > max) {
        r->bad = true;
        return none;
    }
    return gls_read_bytes(r, n);
}

/* see bytes.h */
gls_bytes gls_read_opaque8(gls_reader *r, size_t min, size_t max)
{
    return read_opaque(r, 1, min, max);
}

/* see bytes.h */
gls_bytes gls_read_opaque16(gls_reader *r, size_t min, size_t max)
{
    return read_opaque(r, 2, min, max);
}

/* see bytes.h */
gls_bytes gls_read_opaque24(gls_reader *r, size_t min, size_t max)
{
    return read_opaque(r, 3, min, max);
}

static gls_reader read_vector(gls_reader *r, size_t width, size_t min, size_t max)
{
    gls_bytes b = read_opaque(r, width, min, max);
    gls_reader sub = gls_reader_init(b.p, b.len);
    sub.bad = r->bad;
    return sub;
}

/* see bytes.h */
gls_reader gls_read_vector8(gls_reader *r, size_t min, size_t max)
{
    return read_vector(r, 1, min, max);
}

/* see bytes.h */
gls_reader gls_read_vector16(gls_reader *r, size_t min, size_t max)
{
    return read_vector(r, 2, min, max);
}

/* see bytes.h */
gls_reader gls_read_vector24(gls_reader *r, size_t min, size_t max)
{
    return read_vector(r, 3, min, max);
}

/* see bytes.h */
void gls_reader_close(gls_reader *parent, const gls_reader *sub)
{
    if (!gls_reader_done(sub)) {
        parent->bad = true;
    }
}

/* see bytes.h */
gls_bytes gls_read_rest(gls_reader *r)
{
    return gls_read_bytes(r, gls_reader_left(r));
}

/* see bytes.h */
gls_writer gls_writer_init(uint8_t *buf, size_t cap)
{
    gls_writer w = {buf, 0, cap, buf == NULL && cap != 0, NULL, NULL};
    return w;
}

/* see bytes.h */
uint8_t *gls_write_reserve(gls_writer *w, size_t n)
{
    if (!w->bad && w->cap - w->len < n &&
        (w->grow == NULL || n > SIZE_MAX - w->len || !w->grow(w, w->len + n))) {
        w->bad = true;
    }
    if (w->bad || w->cap - w->len < n) {
        w->bad = true;
        return NULL;
    }
    uint8_t *at = w->buf != NULL ? w->buf + w->len : NULL; /* NULL with cap 0 */
    w->len += n;
    return at;
}

static void write_be(gls_writer *w, uint64_t v, size_t n)
{
    uint8_t *p = gls_write_reserve(w, n);
    if (p == NULL) {
        return;
    }
    for (size_t i = n; i > 0; i--) {
        p[i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

/* see bytes.h */
void gls_write_u8(gls_writer *w, uint8_t v)
{
    write_be(w, v, 1);
}

/* see bytes.h */
void gls_write_u16(gls_writer *w, uint16_t v)
{
    write_be(w, v, 2);
}

/* see bytes.h */
void gls_write_u24(gls_writer *w, uint32_t v)
{
    if (v > 0xffffff) {
        w->bad = true;
        return;
    }
    write_be(w, v, 3);
}

/* see bytes.h */
void gls_write_u32(gls_writer *w, uint32_t v)
{
    write_be(w, v, 4);
}

/* see bytes.h */
void gls_write_u64(gls_writer *w, uint64_t v)
{
    write_be(w, v, 8);
}

/* see bytes.h */
void gls_write_bytes(gls_writer *w, const void *p, size_t n)
{
    uint8_t *at = gls_write_reserve(w, n);
    if (at != NULL && n > 0) {
        memcpy(at, p, n);
    }
}

/* see bytes.h */
gls_mark gls_write_open(gls_writer *w, uint8_t width)
{
    gls_mark m = {w->len, width};
    if (width < 1 || width > 3) {
        w->bad = true;
        return m;
    }
    write_be(w, 0, width);
    return m;
}

/* see bytes.h */
void gls_write_close(gls_writer *w, gls_mark m)
{
    if (w->bad) {
        return;
    }
    size_t body = w->len - m.at - m.width;
    if (body >= ((size_t)1 << (8 * m.width))) {
        w->bad = true;
        return;
    }
    for (size_t i = m.width; i > 0; i--) {
        w->buf[m.at + i - 1] = (uint8_t)body;
        body >>= 8;
    }
}

static void write_opaque(gls_writer *w, uint8_t width, const void *p, size_t n)
{
    gls_mark m = gls_write_open(w, width);
    gls_write_bytes(w, p, n);
    gls_write_close(w, m);
}

/* see bytes.h */
void gls_write_opaque8(gls_writer *w, const void *p, size_t n)
{
    write_opaque(w, 1, p, n);
}

/* see bytes.h */
void gls_write_opaque16(gls_writer *w, const void *p, size_t n)
{
    write_opaque(w, 2, p, n);
}

/* see bytes.h */
void gls_write_opaque24(gls_writer *w, const void *p, size_t n)
{
    write_opaque(w, 3, p, n);
}

/* see bytes.h */
int gls_writer_result(const gls_writer *w)
{
    return w->bad ? GLS_E_INTERNAL : GLS_OK;
}
