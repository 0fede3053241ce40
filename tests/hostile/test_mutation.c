/* Mutation smoke test: real handshake flights (TLS 1.3 and TLS 1.2, both
 * directions) with random bytes flipped, inserted, removed or cut off, fed to a
 * fresh peer. Whatever happens, nothing crashes (the sanitizer build watches),
 * a failure is one sticky GLS_E_* code, and what the peer queues afterwards is
 * whole records. A fixed seed keeps every run the same. */
#include "harness.h"
#include "pair.h"

static const char *const names[] = {"localhost"};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

struct flights {
    uint8_t c2s[8192]; /* the client's first flight */
    size_t c2s_len;
    uint8_t s2c[16384]; /* the server's answer to it */
    size_t s2c_len;
};

static void configs(uint16_t version, gls_config **s, gls_config **c)
{
    *s = gls_config_new();
    *c = gls_config_new();
    if (gls_config_add_generated_cert(*s, names, 1, 1, NULL) != GLS_OK ||
        gls_config_set_versions(*c, version, version) != GLS_OK ||
        gls_config_danger_accept_any_cert(*c) != GLS_OK) {
        abort();
    }
}

static size_t take_out(gls_conn *from, uint8_t *buf, size_t cap)
{
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    len = len < cap ? len : cap;
    if (len > 0) {
        memcpy(buf, out, len);
    }
    gls_conn_net_out_done(from, len);
    return len;
}

static void record(uint16_t version, struct flights *f)
{
    gls_config *s, *c;
    configs(version, &s, &c);
    gls_conn *cc = gls_client_new(c, "localhost");
    gls_conn *sc = gls_server_new(s);
    f->c2s_len = take_out(cc, f->c2s, sizeof f->c2s);
    size_t room = 0;
    memcpy(gls_conn_net_in(sc, &room), f->c2s, f->c2s_len);
    (void)gls_conn_net_in_done(sc, f->c2s_len);
    f->s2c_len = take_out(sc, f->s2c, sizeof f->s2c);
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(s);
    gls_config_free(c);
}

static size_t mutate(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t len = n;
    memcpy(out, in, n);
    int edits = 1 + (int)(next_rand() % 4);
    for (int e = 0; e < edits && len > 0; e++) {
        size_t at = next_rand() % len;
        switch (next_rand() % 5) {
        case 0: /* flip bits */
        case 1:
            out[at] ^= (uint8_t)(1 + next_rand() % 255);
            break;
        case 2: /* set an interesting value */
            out[at] = (uint8_t[]){0, 1, 0x7f, 0x80, 0xff}[next_rand() % 5];
            break;
        case 3: /* cut */
            len = at;
            break;
        default: /* insert a byte */
            if (len < cap) {
                memmove(out + at + 1, out + at, len - at);
                out[at] = (uint8_t)next_rand();
                len++;
            }
            break;
        }
    }
    return len;
}

/* True if p[0..n) is a sequence of whole TLS records. */
static bool whole_records(const uint8_t *p, size_t n)
{
    while (n >= 5) {
        size_t frag = (size_t)p[3] << 8 | p[4];
        if (n < 5 + frag) {
            return false;
        }
        p += 5 + frag;
        n -= 5 + frag;
    }
    return n == 0;
}

/* Feeds a mutated flight to a fresh server (to_server) or to a fresh client
 * that has sent its ClientHello. */
static int feed(uint16_t version, const uint8_t *m, size_t n, bool to_server)
{
    gls_config *s, *c;
    configs(version, &s, &c);
    gls_conn *x = to_server ? gls_server_new(s) : gls_client_new(c, "localhost");
    uint8_t sink[8192];
    (void)take_out(x, sink, sizeof sink); /* the client's own ClientHello */
    size_t off = 0;
    int ok = 1;
    while (off < n && gls_conn_error(x) == GLS_OK) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(x, &room);
        size_t k = n - off < room ? n - off : room;
        if (k == 0) {
            break;
        }
        memcpy(in, m + off, k);
        off += k;
        (void)gls_conn_net_in_done(x, k);
    }
    int err = gls_conn_error(x);
    if (err != GLS_OK) {
        size_t got = 0;
        char buf[16];
        ok = gls_conn_read(x, buf, sizeof buf, &got) == err; /* sticky */
        ok = ok && gls_conn_net_in_done(x, 1) == err;
    }
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(x, &len);
    ok = ok && whole_records(out, len);
    gls_conn_free(x);
    gls_config_free(s);
    gls_config_free(c);
    return ok;
}

static void smoke(uint16_t version, int rounds)
{
    static struct flights f;
    static uint8_t m[20000];
    record(version, &f);
    for (int i = 0; i < rounds; i++) {
        bool to_server = (i & 1) == 0;
        size_t n = to_server ? mutate(f.c2s, f.c2s_len, m, sizeof m)
                             : mutate(f.s2c, f.s2c_len, m, sizeof m);
        if (!feed(version, m, n, to_server)) {
            fprintf(stderr, "  round %d (%s) broke an invariant\n", i,
                    to_server ? "to server" : "to client");
            test_failed = true;
            return;
        }
    }
}

TEST(mutated_tls13_flights)
{
    smoke(0x0304, 2000);
}

TEST(mutated_tls12_flights)
{
    smoke(0x0303, 2000);
}
