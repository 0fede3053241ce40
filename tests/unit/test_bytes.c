/* The reader and writer: every length form, truncation, overrun, nesting. */
#include <string.h>

#include "harness.h"

#include "base/bytes.h"

TEST(read_fixed_widths)
{
    static const uint8_t in[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    gls_reader r = gls_reader_init(in, sizeof in);
    CHECK_EQ(gls_read_u8(&r), 1);
    CHECK_EQ(gls_read_u16(&r), 0x0203);
    CHECK_EQ(gls_read_u24(&r), 0x040506);
    CHECK_EQ(gls_read_u32(&r), 0x0708090a);
    CHECK(gls_reader_done(&r));
}

TEST(read_past_end_is_sticky)
{
    static const uint8_t in[] = {1, 2, 3};
    gls_reader r = gls_reader_init(in, sizeof in);
    CHECK_EQ(gls_read_u32(&r), 0);
    CHECK(r.bad);
    CHECK_EQ(gls_read_u8(&r), 0); /* still bad, even though a byte is there */
    CHECK(!gls_reader_done(&r));
    CHECK_EQ(gls_reader_left(&r), 0);
}

TEST(opaque_bounds)
{
    static const uint8_t in[] = {0, 3, 'a', 'b', 'c'};
    gls_reader r = gls_reader_init(in, sizeof in);
    gls_bytes b = gls_read_opaque16(&r, 1, 3);
    CHECK(gls_reader_done(&r));
    CHECK_EQ(b.len, 3);
    CHECK(memcmp(b.p, "abc", 3) == 0);

    r = gls_reader_init(in, sizeof in);
    b = gls_read_opaque16(&r, 4, 10); /* below min */
    CHECK(r.bad);
    CHECK(b.p == NULL && b.len == 0);

    r = gls_reader_init(in, sizeof in);
    gls_read_opaque16(&r, 0, 2); /* above max */
    CHECK(r.bad);

    r = gls_reader_init(in, 4); /* declared 3, only 2 present */
    gls_read_opaque16(&r, 0, 100);
    CHECK(r.bad);
}

TEST(opaque8_and_24)
{
    static const uint8_t in[] = {2, 0xaa, 0xbb, 0, 0, 1, 0xcc};
    gls_reader r = gls_reader_init(in, sizeof in);
    gls_bytes a = gls_read_opaque8(&r, 0, 255);
    gls_bytes b = gls_read_opaque24(&r, 0, 1 << 24);
    CHECK(gls_reader_done(&r));
    CHECK_EQ(a.len, 2);
    CHECK_EQ(b.len, 1);
    CHECK_EQ(b.p[0], 0xcc);
}

TEST(vector_must_close_exactly)
{
    /* a u16 list of length 4 holding one u16: one byte pair left over */
    static const uint8_t in[] = {0, 4, 0, 1, 0, 2};
    gls_reader r = gls_reader_init(in, sizeof in);
    gls_reader list = gls_read_vector16(&r, 2, 100);
    CHECK_EQ(gls_read_u16(&list), 1);
    gls_reader_close(&r, &list);
    CHECK(r.bad);

    r = gls_reader_init(in, sizeof in);
    list = gls_read_vector16(&r, 2, 100);
    while (gls_reader_left(&list) > 0) {
        gls_read_u16(&list);
    }
    gls_reader_close(&r, &list);
    CHECK(gls_reader_done(&r));
}

TEST(vector_of_failed_parent_is_bad)
{
    static const uint8_t in[] = {0, 9, 1};
    gls_reader r = gls_reader_init(in, sizeof in);
    gls_reader sub = gls_read_vector16(&r, 0, 100);
    CHECK(sub.bad);
    CHECK(r.bad);
}

TEST(every_truncation_fails)
{
    /* struct { u8; opaque<0..255>; u16 list<2..2^16-2>; } fully consumed */
    static const uint8_t in[] = {7, 2, 0xde, 0xad, 0, 4, 0, 1, 0, 2};
    for (size_t n = 0; n <= sizeof in; n++) {
        gls_reader r = gls_reader_init(in, n);
        gls_read_u8(&r);
        gls_read_opaque8(&r, 0, 255);
        gls_reader list = gls_read_vector16(&r, 2, 65534);
        while (gls_reader_left(&list) > 0) {
            gls_read_u16(&list);
        }
        gls_reader_close(&r, &list);
        CHECK_EQ(gls_reader_done(&r), n == sizeof in);
    }
}

TEST(null_input)
{
    gls_reader r = gls_reader_init(NULL, 0);
    CHECK(gls_reader_done(&r));
    gls_read_u8(&r);
    CHECK(r.bad);
}

TEST(writer_nested_lengths)
{
    uint8_t buf[32];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    gls_write_u8(&w, 1);
    gls_mark outer = gls_write_open(&w, 3);
    gls_mark inner = gls_write_open(&w, 2);
    gls_write_u16(&w, 0x0a0b);
    gls_write_close(&w, inner);
    gls_write_opaque8(&w, "xy", 2);
    gls_write_close(&w, outer);
    CHECK_OK(gls_writer_result(&w));
    CHECK_HEX(buf, w.len, "01 000007 0002 0a0b 02 7879");
}

TEST(writer_overflow_is_sticky)
{
    uint8_t buf[3];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    gls_write_u16(&w, 1);
    gls_write_u16(&w, 2);
    CHECK(w.bad);
    CHECK_EQ(w.len, 2);
    gls_write_u8(&w, 3); /* would fit, but the writer is bad */
    CHECK_EQ(w.len, 2);
    CHECK_ERR(gls_writer_result(&w), GLS_E_INTERNAL);
}

/* A grow hook moves the bytes to a bigger buffer (three of them here, used in
 * turn); open length prefixes survive the move, and a refusal fails the write. */
static uint8_t grown[3][64];
static int n_grown;

static bool grow_into_next(gls_writer *w, size_t need)
{
    if (n_grown == 3 || need > sizeof grown[0]) {
        return false;
    }
    memcpy(grown[n_grown], w->buf, w->len);
    w->buf = grown[n_grown++];
    w->cap = need; /* just enough, so every later write grows again */
    return true;
}

TEST(writer_grow_hook_moves_and_keeps_marks)
{
    uint8_t first[4];
    gls_writer w = gls_writer_init(first, sizeof first);
    CHECK(w.grow == NULL);
    w.grow = grow_into_next;
    gls_mark m = gls_write_open(&w, 2);
    gls_write_u16(&w, 0x0102);
    gls_write_bytes(&w, "abc", 3); /* first move */
    gls_write_close(&w, m);
    gls_write_u8(&w, 9); /* second move */
    CHECK_OK(gls_writer_result(&w));
    CHECK_EQ(n_grown, 2);
    CHECK(w.buf == grown[1]);
    CHECK_HEX(w.buf, w.len, "0005010261626309");
    gls_write_bytes(&w, grown[2], 60); /* more than the hook gives: the write fails */
    CHECK_ERR(gls_writer_result(&w), GLS_E_INTERNAL);
    CHECK_EQ(w.len, 8);
}

TEST(writer_length_too_long_for_prefix)
{
    static uint8_t buf[400];
    static uint8_t body[300];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    gls_write_opaque8(&w, body, sizeof body);
    CHECK(w.bad);
}

TEST(writer_u24_range)
{
    uint8_t buf[8];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    gls_write_u24(&w, 0x1000000);
    CHECK(w.bad);
}

TEST(round_trip_u64)
{
    uint8_t buf[8];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    gls_write_u64(&w, 0x0102030405060708ull);
    gls_reader r = gls_reader_init(buf, w.len);
    CHECK(gls_read_u64(&r) == 0x0102030405060708ull);
    CHECK(gls_reader_done(&r));
}
