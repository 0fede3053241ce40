/* tests/fuzz/record_seeds.c — writes the seed corpora of the fuzz targets from real in-memory
 * handshakes (fuzz_hs.h): `record_seeds DIR` fills DIR/hs_server, DIR/hs_client, DIR/record and
 * DIR/decrypt. Run by hand (see docs/ROBUSTNESS.md) when the harness or a scenario changes;
 * the committed corpora are its output plus what fuzzing found, minimised.
 *   hs_server/<scenario>: the client's records of that handshake (the server is the target);
 *   hs_client/<scenario>: the server's records;
 *   decrypt/<scenario>-keylog: both directions' bytes and the client's key log (mode 2);
 *     decrypt/tls12-rsa-gcm-pem: the RSA session with the server's key (mode 3);
 *     decrypt/<scenario>-pcap, -pcapng: the connection as capture files over Ethernet and
 *     Linux cooked v2 (mode 0), and -frames: raw frames (mode 1), for a few scenarios;
 *   record/<mode>-<op>: small records of every protection mode and operation. */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "fuzz_hs.h"
#include "tool/tool_util.h"

/* snprintf that stops the program rather than cut a path or name short. */
__attribute__((format(printf, 3, 4))) static void fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out, cap, f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "record_seeds: a path longer than %zu bytes\n", cap - 1);
        exit(1);
    }
}

static void write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    fmt(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static void make_dir(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot make %s\n", dir);
        exit(1);
    }
}

/* The raw bytes of the recorded connection, each way, and the client's key log. */
struct wire {
    struct gbuf dir[2];
    struct gbuf keylog;
};

static void on_wire(void *arg, int from_server, const uint8_t *p, size_t n)
{
    struct wire *w = arg;
    gb_put(&w->dir[from_server], p, n);
}

static void on_keylog(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    struct wire *w = arg;
    gb_put(&w->keylog, line, strlen(line));
    gb_put(&w->keylog, "\n", 1);
}

static void put16(struct gbuf *b, size_t n)
{
    uint8_t h[2] = {(uint8_t)(n >> 8), (uint8_t)n};
    gb_put(b, h, 2);
}

static void decrypt_seeds(const char *dir, size_t i, struct wire *w)
{
    const char *name = fuzz_scenarios[i].name;
    char file[128];
    struct gbuf s;
    memset(&s, 0, sizeof s);
    uint8_t mode = 2;
    gb_put(&s, &mode, 1);
    put16(&s, w->keylog.len);
    gb_put(&s, w->keylog.p, w->keylog.len);
    put16(&s, w->dir[0].len);
    gb_put(&s, w->dir[0].p, w->dir[0].len);
    gb_put(&s, w->dir[1].p, w->dir[1].len);
    fmt(file, sizeof file, "%s-keylog", name);
    write_file(dir, file, s.p, s.len);
    if (strcmp(name, "tls12-rsa-gcm") == 0) {
        s.p[0] = 3;
        s.len = 1;
        put16(&s, strlen(FUZZ_SERVER_RSA_KEY));
        gb_put(&s, FUZZ_SERVER_RSA_KEY, strlen(FUZZ_SERVER_RSA_KEY));
        put16(&s, w->dir[0].len);
        gb_put(&s, w->dir[0].p, w->dir[0].len);
        gb_put(&s, w->dir[1].p, w->dir[1].len);
        fmt(file, sizeof file, "%s-pem", name);
        write_file(dir, file, s.p, s.len);
    }
    gb_free(&s);
    if (i % 4 != 0 && strcmp(name, "tls12-rsa-gcm") != 0) {
        return; /* captures of a few scenarios are enough */
    }
    static struct conv v;
    struct rng g = {0x1234 + i};
    memset(&v, 0, sizeof v);
    v.ep[0] = ep4(0x0a000001, 40000);
    v.ep[1] = ep4(0x0a000002, 443);
    v.isn[0] = 1000;
    v.isn[1] = 2000000;
    v.data[0] = w->dir[0].p;
    v.data[1] = w->dir[1].p;
    v.len[0] = w->dir[0].len;
    v.len[1] = w->dir[1].len;
    conv_plan(&v, &g, 1400);
    for (int ng = 0; ng < 2; ng++) {
        struct cap c;
        conv_capture(&v, &c, ng ? GLS_LINK_SLL2 : GLS_LINK_EN10MB, ng);
        struct gbuf f;
        memset(&f, 0, sizeof f);
        mode = 0;
        gb_put(&f, &mode, 1);
        gb_put(&f, c.b.p, c.b.len);
        fmt(file, sizeof file, "%s-%s", name, ng ? "pcapng" : "pcap");
        write_file(dir, file, f.p, f.len);
        gb_free(&f);
        gb_free(&c.b);
    }
    /* mode 1: the same segments as raw IPv4 frames */
    static uint8_t scratch[65536];
    static uint8_t frame[70000];
    struct gbuf f;
    memset(&f, 0, sizeof f);
    mode = 1;
    gb_put(&f, &mode, 1);
    for (size_t k = 0; k < v.n; k++) {
        struct gls_tcp_segment sg = conv_seg(&v, k, scratch);
        struct pkt pk = {sg.src, sg.dst, sg.seq, sg.flags, sg.payload, sg.len, false, false, false};
        size_t n = build_frame(frame, GLS_LINK_IPV4, &pk);
        uint8_t link = 5; /* index of GLS_LINK_IPV4 in fuzz_decrypt.c's table */
        gb_put(&f, &link, 1);
        put16(&f, n);
        gb_put(&f, frame, n);
    }
    fmt(file, sizeof file, "%s-frames", name);
    write_file(dir, file, f.p, f.len);
    gb_free(&f);
}

static void record_seeds(const char *dir)
{
    static const uint8_t sample[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    char file[64];
    for (int mode = 0; mode < 8; mode++) {
        for (int op = 0; op < 4; op++) {
            uint8_t in[2 + sizeof sample + 8];
            size_t n = 2;
            in[0] = (uint8_t)mode;
            in[1] = (uint8_t)op;
            memcpy(in + n, sample, sizeof sample - 1);
            n += sizeof sample - 1;
            if (op == 2) { /* inner plaintext: content, type, padding */
                in[n++] = 23;
                memset(in + n, 0, 4);
                n += 4;
            }
            fmt(file, sizeof file, "mode%d-op%d", mode, op);
            write_file(dir, file, in, n);
        }
    }
}

/* --check DIR: each committed scenario seed (DIR/hs_server/<name>, DIR/hs_client/<name>) must
 * still replay into a complete handshake as the scenario plans it; otherwise the harness or
 * the library changed the bytes and the seeds must be recorded again. */
static int check(const char *dir)
{
    static uint8_t buf[1 << 20];
    int bad = 0;
    for (size_t i = 0; i < FUZZ_N_SCENARIOS; i++) {
        for (int target_server = 1; target_server >= 0; target_server--) {
            char path[512];
            fmt(path, sizeof path, "%s/%s/%s", dir, target_server ? "hs_server" : "hs_client",
                fuzz_scenarios[i].name);
            FILE *f = fopen(path, "rb");
            size_t n = f != NULL ? fread(buf, 1, sizeof buf, f) : 0;
            if (f != NULL) {
                fclose(f);
            }
            fuzz_run(buf, n, target_server != 0, NULL, NULL);
            bool ok = n > 0 && fuzz_last.client_done && fuzz_last.server_done &&
                      fuzz_last.client_err == GLS_OK && fuzz_last.server_err == GLS_OK &&
                      fuzz_last.resumed == (fuzz_scenarios[i].resume != FZ_FULL);
            printf("%-4s %s (errors %s / %s)\n", ok ? "ok" : "FAIL", path,
                   gls_error_name(fuzz_last.client_err), gls_error_name(fuzz_last.server_err));
            bad |= !ok;
        }
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--check") == 0) {
        return check(argv[2]);
    }
    if (argc != 2) {
        fprintf(stderr, "usage: record_seeds DIR | record_seeds --check DIR\n");
        return 2;
    }
    char sub[4][512];
    const char *names[4] = {"hs_server", "hs_client", "record", "decrypt"};
    make_dir(argv[1]);
    for (int k = 0; k < 4; k++) {
        fmt(sub[k], sizeof sub[k], "%s/%s", argv[1], names[k]);
        make_dir(sub[k]);
    }
    static uint8_t buf[1 << 20];
    for (size_t i = 0; i < FUZZ_N_SCENARIOS; i++) {
        for (int target_server = 1; target_server >= 0; target_server--) {
            uint8_t sel = (uint8_t)i;
            struct wire w;
            memset(&w, 0, sizeof w);
            buf[0] = sel;
            fuzz_in.rec = buf + 1;
            fuzz_in.rec_len = 0;
            fuzz_in.rec_cap = sizeof buf - 1;
            if (fuzz_servers[i].cfg == NULL) {
                fuzz_make(i);
            }
            fuzz_clients[i].cfg->keylog = on_keylog;
            fuzz_clients[i].cfg->keylog_arg = &w;
            fuzz_run(&sel, 1, target_server != 0, on_wire, &w);
            fuzz_clients[i].cfg->keylog = NULL;
            fuzz_in.rec = NULL;
            write_file(sub[target_server ? 0 : 1], fuzz_scenarios[i].name, buf,
                       1 + fuzz_in.rec_len);
            if (target_server) {
                decrypt_seeds(sub[3], i, &w);
            }
            printf("%-20s %s: %zu bytes of %s records, wire %zu/%zu, done %d/%d, resumed %d\n",
                   fuzz_scenarios[i].name, target_server ? "hs_server" : "hs_client",
                   fuzz_in.rec_len, target_server ? "client" : "server", w.dir[0].len, w.dir[1].len,
                   fuzz_last.client_done, fuzz_last.server_done, fuzz_last.resumed);
            if (!fuzz_last.client_done || !fuzz_last.server_done || fuzz_last.client_err ||
                fuzz_last.server_err ||
                fuzz_last.resumed != (fuzz_scenarios[i].resume != FZ_FULL)) {
                fprintf(stderr, "%s: the recorded handshake did not complete as planned\n",
                        fuzz_scenarios[i].name);
                return 1;
            }
            gb_free(&w.dir[0]);
            gb_free(&w.dir[1]);
            gb_free(&w.keylog);
        }
    }
    record_seeds(sub[2]);
    return 0;
}
