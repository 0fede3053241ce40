/* libFuzzer target: what `glasstls decrypt` reads from a capture it did not make (tool/
 * modules, linked as the tool's tests link them). Input: [mode][rest].
 *   mode 0: rest is a capture file (pcap or pcapng, read by libpcap through a memfd), then
 *           TCP reassembly, then the TLS scan of every connection found;
 *   mode 1: rest is frames [link u8][len u16][frame] decoded one by one and reassembled
 *           (no libpcap in the way: the frame decoders and reassembly see every byte);
 *   mode 2: rest is [u16 keylog length][key log][u16 c2s length][c2s][s2c]: a recorded
 *           connection decrypted with a key log;
 *   mode 3: the same with [u16 PEM length][server key PEM] instead of a key log. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tool/pcap.h"
#include "tool/tcpflow.h"
#include "tool/tlsrec.h"
#include "tool/tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tool/main.c's helpers, which cmd_decrypt (linked in, never called here) refers to. */
int usage_error(const char *cmd, const char *fmt, ...)
{
    (void)cmd;
    (void)fmt;
    return 2;
}

int fail(const char *fmt, ...)
{
    (void)fmt;
    return 1;
}

static const struct gls_tcp_limits small = {1 << 20, 1 << 20, 64, 64};

static void no_data(void *arg, int dir, const struct gls_offline_opened *rec)
{
    (void)arg;
    (void)dir;
    (void)rec;
}

static void scan_flows(struct gls_tcp_flows *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct gls_tcp_stream *a = &f->conns[i].dir[0];
        const struct gls_tcp_stream *b = &f->conns[i].dir[1];
        struct gls_tls_facts facts;
        struct gls_offline_why why;
        struct decrypt_material m;
        memset(&m, 0, sizeof m);
        m.keylog = ""; /* no key log lines: the key lookups still run */
        memset(&why, 0, sizeof why);
        (void)decrypt_streams(a->data, gls_tcp_stream_contiguous(a), b->data,
                              gls_tcp_stream_contiguous(b), &m, NULL, NULL, no_data, NULL, &facts,
                              &why);
        gls_tls_facts_free(&facts);
    }
}

static void capture_file(const uint8_t *p, size_t n)
{
    int fd = memfd_create("fuzz-capture", 0);
    if (fd < 0) {
        return;
    }
    if (write(fd, p, n) == (ssize_t)n) {
        char path[64];
        char err[256];
        struct gls_tcp_flows f;
        struct gls_pcap_stats st;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (gls_pcap_read_flows(path, &small, &f, &st, err, sizeof err) == GLS_OK) {
            scan_flows(&f);
            gls_tcp_flows_free(&f);
        }
    }
    close(fd);
}

static void frames(const uint8_t *p, size_t n)
{
    static const int links[] = {GLS_LINK_NULL, GLS_LINK_EN10MB,    GLS_LINK_RAW,
                                GLS_LINK_LOOP, GLS_LINK_LINUX_SLL, GLS_LINK_IPV4,
                                GLS_LINK_IPV6, GLS_LINK_SLL2,      GLS_LINK_RAW_101};
    struct gls_tcp_flows f;
    gls_tcp_flows_init(&f, &small);
    uint64_t packet = 0;
    while (n >= 3) {
        int link = links[p[0] % (sizeof links / sizeof links[0])];
        size_t len = (size_t)p[1] << 8 | p[2];
        p += 3;
        n -= 3;
        len = len < n ? len : n;
        enum gls_frame_kind kind;
        struct gls_tcp_segment seg;
        bool cut = false;
        char why[128];
        memset(&seg, 0, sizeof seg);
        if (gls_pcap_decode_frame(link, p, len, len, &kind, &seg, &cut, why, sizeof why) ==
                GLS_OK &&
            kind == GLS_FRAME_TCP) {
            seg.packet = ++packet;
            if (gls_tcp_flows_add(&f, &seg) != GLS_OK) {
                break;
            }
        }
        p += len;
        n -= len;
    }
    if (gls_tcp_flows_finish(&f) == GLS_OK) {
        scan_flows(&f);
    }
    gls_tcp_flows_free(&f);
}

/* [u16 length][bytes] from *p; returns a view, advancing *p and *n. */
static const uint8_t *take16(const uint8_t **p, size_t *n, size_t *len)
{
    if (*n < 2) {
        *len = 0;
        return *p;
    }
    size_t l = (size_t)(*p)[0] << 8 | (*p)[1];
    *p += 2;
    *n -= 2;
    l = l < *n ? l : *n;
    const uint8_t *v = *p;
    *p += l;
    *n -= l;
    *len = l;
    return v;
}

static void streams(const uint8_t *p, size_t n, bool keylog)
{
    size_t mlen = 0;
    size_t c2s_len = 0;
    const uint8_t *mat = take16(&p, &n, &mlen);
    const uint8_t *c2s = take16(&p, &n, &c2s_len);
    struct decrypt_material m;
    memset(&m, 0, sizeof m);
    char *text = malloc(mlen + 1); /* a key log is text: give it its own exact buffer */
    if (text == NULL) {
        return;
    }
    memcpy(text, mat, mlen);
    text[mlen] = 0;
    if (keylog) {
        m.keylog = text;
        m.keylog_len = mlen;
    } else {
        m.key_pem = (const uint8_t *)text;
        m.key_len = mlen;
    }
    struct gls_tls_facts facts;
    struct gls_offline_why why;
    memset(&why, 0, sizeof why);
    (void)decrypt_streams(c2s, c2s_len, p, n, &m, NULL, NULL, no_data, NULL, &facts, &why);
    gls_tls_facts_free(&facts);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    switch (data[0] % 4) {
    case 0:
        capture_file(data + 1, size - 1);
        break;
    case 1:
        frames(data + 1, size - 1);
        break;
    case 2:
        streams(data + 1, size - 1, true);
        break;
    default:
        streams(data + 1, size - 1, false);
        break;
    }
    return 0;
}
