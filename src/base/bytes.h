/* base/bytes.h — the one bounds-checked reader and the one writer for the TLS
 * presentation language (RFC 8446 §3, RFC 5246 §4). Every parse in glasstls goes
 * through gls_reader; every message is built with gls_writer. A failed read or
 * write marks the object bad (sticky) and yields zero or an empty view, so
 * codecs are straight-line code with one check at the end. No other module does
 * pointer arithmetic on wire bytes. Layer 0: depends on libc only. */
#ifndef GLS_BASE_BYTES_H
#define GLS_BASE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GLS_MUST_CHECK __attribute__((warn_unused_result))

/* Propagate a failure: evaluates expr once and returns it if negative. */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int try_err_ = (expr);                                                                     \
        if (try_err_ < 0) {                                                                        \
            return try_err_;                                                                       \
        }                                                                                          \
    } while (0)

/* A read-only view of bytes owned elsewhere. */
typedef struct {
    const uint8_t *p;
    size_t len;
} gls_bytes;

typedef struct {
    const uint8_t *p;   /* next unread byte */
    const uint8_t *end; /* one past the last readable byte */
    bool bad;           /* sticky: set by the first failed read */
} gls_reader;

typedef struct gls_writer {
    uint8_t *buf;
    size_t len; /* bytes written so far */
    size_t cap;
    bool bad; /* sticky: set by the first write that did not fit or close that failed */
    /* Optional: asked for room for need bytes when a write does not fit; may move
     * buf (marks are offsets, so they stay valid; pointers into buf do not).
     * Returns false to fail the write. NULL after gls_writer_init. */
    bool (*grow)(struct gls_writer *w, size_t need);
    void *grow_arg;
} gls_writer;

/* A reserved length prefix: where it starts and how wide it is. */
typedef struct {
    size_t at;
    uint8_t width;
} gls_mark;

static inline gls_bytes gls_bytes_of(const void *p, size_t len)
{
    gls_bytes b = {(const uint8_t *)p, len};
    return b;
}

/* ---- reader ---- */
gls_reader gls_reader_init(const uint8_t *p, size_t len);
size_t gls_reader_left(const gls_reader *r);
/* True only if nothing failed and every byte was consumed. */
bool gls_reader_done(const gls_reader *r);
uint8_t gls_read_u8(gls_reader *r);
uint16_t gls_read_u16(gls_reader *r);
uint32_t gls_read_u24(gls_reader *r);
uint32_t gls_read_u32(gls_reader *r);
uint64_t gls_read_u64(gls_reader *r);
/* Copies n bytes to out (zero-filled on failure). */
void gls_read_fixed(gls_reader *r, uint8_t *out, size_t n);
/* A view of the next n bytes (empty on failure). */
gls_bytes gls_read_bytes(gls_reader *r, size_t n);
/* opaque x<min..max> with an 8/16/24-bit length prefix. */
gls_bytes gls_read_opaque8(gls_reader *r, size_t min, size_t max);
gls_bytes gls_read_opaque16(gls_reader *r, size_t min, size_t max);
gls_bytes gls_read_opaque24(gls_reader *r, size_t min, size_t max);
/* T x<min..max>: a sub-reader over the vector body, for lists. */
gls_reader gls_read_vector8(gls_reader *r, size_t min, size_t max);
gls_reader gls_read_vector16(gls_reader *r, size_t min, size_t max);
gls_reader gls_read_vector24(gls_reader *r, size_t min, size_t max);
/* Marks parent bad if sub failed or has bytes left. */
void gls_reader_close(gls_reader *parent, const gls_reader *sub);
/* All remaining bytes as a view. */
gls_bytes gls_read_rest(gls_reader *r);

/* ---- writer ---- */
gls_writer gls_writer_init(uint8_t *buf, size_t cap);
void gls_write_u8(gls_writer *w, uint8_t v);
void gls_write_u16(gls_writer *w, uint16_t v);
void gls_write_u24(gls_writer *w, uint32_t v);
void gls_write_u32(gls_writer *w, uint32_t v);
void gls_write_u64(gls_writer *w, uint64_t v);
void gls_write_bytes(gls_writer *w, const void *p, size_t n);
/* Reserves n bytes and returns where they are (NULL and bad if they do not fit). */
uint8_t *gls_write_reserve(gls_writer *w, size_t n);
/* Reserves a width-byte (1, 2 or 3) length prefix for a vector body that follows. */
gls_mark gls_write_open(gls_writer *w, uint8_t width);
/* Fills in the length of everything written since the mark; fails (bad) if too long. */
void gls_write_close(gls_writer *w, gls_mark m);
/* opaque x<..> with its prefix in one call. */
void gls_write_opaque8(gls_writer *w, const void *p, size_t n);
void gls_write_opaque16(gls_writer *w, const void *p, size_t n);
void gls_write_opaque24(gls_writer *w, const void *p, size_t n);
/* GLS_OK, or GLS_E_INTERNAL if any write failed. */
GLS_MUST_CHECK int gls_writer_result(const gls_writer *w);

/* ---- big-endian helpers for fixed buffers outside the codecs ---- */
static inline void gls_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t gls_get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline void gls_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

#endif
