/* tool/explain_live.c — `glasstls client HOST:PORT --explain`: the explanation for one real
 * connection to any server. The client's side is all we can see: every message and every
 * secret it derives (with formula and who can compute it), what the server proved and how,
 * what an observer of the wire learned, and the inputs (explain_inputs.c) — the client's own
 * ephemeral private key among them; the server's stays the server's. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "explain_inputs.h"
#include "fleet.h"
#include "glasstls/gls_sock.h"
#include "tool.h"

#define LIVE_MAX_SECRETS 64
#define LIVE_TAPE        (1u << 20)
#define LIVE_MAX_VALUE   1024 /* an ffdhe8192 pre-master secret */

struct explain_live {
    FILE *user_keylog;   /* --keylog / SSLKEYLOGFILE: still written */
    uint8_t last_ms[48]; /* the TLS 1.2 master secret of the connection before (--resume) */
    bool have_last_ms;
    struct explain_capture cap;
    uint8_t *tape[2];
    size_t len[2];
    char keylog[8192];
    size_t keylog_len;
    struct {
        char name[64];
        uint8_t v[LIVE_MAX_VALUE];
        size_t len;
    } seen[LIVE_MAX_SECRETS];
    size_t n;
};

static void live_event(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    (void)arg;
    printf("  client %s\n", line);
}

static void live_secret(void *arg, gls_conn *c, const gls_secret_info *info)
{
    (void)c;
    struct explain_live *l = arg;
    if (l->n < LIVE_MAX_SECRETS && info->len <= LIVE_MAX_VALUE) {
        snprintf(l->seen[l->n].name, sizeof l->seen[l->n].name, "%s", info->name);
        memcpy(l->seen[l->n].v, info->value, info->len);
        l->seen[l->n].len = info->len;
        l->n++;
    }
    printf("  client secret %s (%zu bytes)\n           = ", info->name, info->len);
    for (size_t i = 0; i < info->len; i++) {
        printf("%02x", info->value[i]);
    }
    printf("\n           formula: %s\n           who can compute it: %s\n", info->formula,
           info->who);
}

static void live_keylog(void *arg, gls_conn *c, const char *line)
{
    struct explain_live *l = arg;
    if (l->user_keylog != NULL) {
        keylog_to_file(l->user_keylog, c, line);
    }
    size_t n = strlen(line);
    if (l->keylog_len + n + 1 < sizeof l->keylog) {
        memcpy(l->keylog + l->keylog_len, line, n);
        l->keylog[l->keylog_len + n] = '\n';
        l->keylog_len += n + 1;
    }
}

static int live_rng(void *arg, uint8_t *out, size_t len)
{
    struct explain_live *l = arg;
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(out + got, len - got, 0);
        if (n <= 0) {
            return GLS_E_RNG;
        }
        got += (size_t)n;
    }
    explain_capture_draw(&l->cap, out, len);
    return GLS_OK;
}

static bool live_value(void *arg, const char *name, const uint8_t **v, size_t *len)
{
    const struct explain_live *l = arg;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->seen[i].name, name) == 0) {
            *v = l->seen[i].v;
            *len = l->seen[i].len;
            return true;
        }
    }
    return false;
}

static void record(struct explain_live *l, int d, const uint8_t *p, size_t n)
{
    if (l->len[d] + n <= LIVE_TAPE) {
        memcpy(l->tape[d] + l->len[d], p, n);
        l->len[d] += n;
    }
}

/* Moves bytes between the connection and the socket, recording both directions, until the
 * handshake is done (then for up to linger_ms more, for tickets) or it fails. */
static int pump(gls_conn *c, int fd, struct explain_live *l, int linger_ms)
{
    int waited = 0;
    for (;;) {
        size_t n = 0;
        const uint8_t *out = gls_conn_net_out(c, &n);
        if (n > 0) {
            ssize_t k = send(fd, out, n, MSG_NOSIGNAL);
            if (k <= 0) {
                return GLS_E_IO;
            }
            record(l, 0, out, (size_t)k);
            gls_conn_net_out_done(c, (size_t)k);
            continue;
        }
        if (gls_conn_wants(c) & GLS_CLOSED) {
            return gls_conn_error(c) != 0 ? gls_conn_error(c) : GLS_E_CLOSED;
        }
        bool done = gls_conn_handshake_done(c);
        struct pollfd p = {fd, POLLIN, 0};
        int slice = done ? 100 : 10000;
        int r = poll(&p, 1, slice);
        if (r == 0) {
            if (!done) {
                return GLS_E_TIMEOUT;
            }
            waited += slice;
            if (waited >= linger_ms) {
                return GLS_OK;
            }
            continue;
        }
        uint8_t *in = gls_conn_net_in(c, &n);
        ssize_t k = r > 0 ? recv(fd, in, n, 0) : -1;
        if (k <= 0) {
            return done ? GLS_OK : GLS_E_IO;
        }
        record(l, 1, in, (size_t)k);
        (void)gls_conn_net_in_done(c, (size_t)k);
        char sink[256];
        size_t got = 0;
        while (done && gls_conn_read(c, sink, sizeof sink, &got) == GLS_OK && got > 0) {
        }
    }
}

/* proved: sni is whether the ClientHello named the server (not for an IP address). */
static void proved(const gls_conn *c, bool sni)
{
    gls_conn_info info;
    if (gls_conn_get_info(c, &info) != GLS_OK) {
        return;
    }
    printf("\n  What the server proved, and how:\n");
    if (info.resumed) {
        printf("    nothing was signed and no certificate was sent: this handshake resumed an "
               "earlier session,\n    and the server proved it holds that session's secret %s "
               "its Finished.\n    Its identity is the one the earlier session authenticated "
               "(%s).\n",
               info.version == 0x0304 ? "(the PSK) by accepting the binder and sending"
                                      : "(the master secret) with",
               info.peer_authenticated ? "that session checked the certificate"
                                       : "not authenticated then either");
    } else if (info.version == 0x0304) {
        printf("    CertificateVerify: a %s signature with the certificate's key over the hash of "
               "the\n    whole transcript so far (key shares included); then its Finished, an "
               "HMAC under keys\n    only a holder of the (EC)DHE result could derive.\n",
               gls_sigalg_name(info.sigalg));
    } else if (strcmp(info.kx, "RSA") == 0) {
        printf("    nothing was signed (RSA key exchange): its Finished is its only proof of the "
               "private key,\n    because only that key could decrypt the pre-master secret.\n");
    } else {
        printf("    ServerKeyExchange: a %s signature with the certificate's key over\n"
               "    client_random + server_random + its key exchange parameters (the group "
               "and its\n    ephemeral public key); then its Finished.\n",
               gls_sigalg_name(info.sigalg));
    }
    if (!info.resumed) {
        printf("    certificate chain: %s\n",
               info.peer_verified ? "verified against the trust store, for this name"
                                  : "NOT verified (--insecure): the signatures prove only that "
                                    "the server holds the key of the certificate it sent");
    }
    printf("\n  What an observer of the wire learned: %s everything in "
           "both\n  hellos (versions, suites, key shares, randoms); the chosen %s and %s;\n  %s;"
           "\n  and the sizes and timing of every record. Not the keys, not the application "
           "data.\n",
           sni ? "the server name (SNI) and" : "(no server name was sent: an IP address)",
           info.version == 0x0304 ? "TLS 1.3" : "TLS 1.2", info.suite_name,
           info.resumed             ? "no certificate (a resumption sends none)"
           : info.version == 0x0304 ? "but not the certificate (TLS 1.3 encrypts it)"
                                    : "the server's certificate chain (TLS 1.2 sends it in the "
                                      "clear)");
}

/* The TLS 1.2 master secret the connection just explained derived (extended or classic), for
 * the next connection, which may resume it (--resume); false if there is none. */
static bool remember_master(struct explain_live *l, uint8_t ms[48])
{
    const uint8_t *v = NULL;
    size_t len = 0;
    if ((live_value(l, "extended_master_secret", &v, &len) ||
         live_value(l, "master_secret", &v, &len)) &&
        len == 48) {
        memcpy(ms, v, 48);
        return true;
    }
    if (l->have_last_ms && live_value(l, "key_block", &v, &len)) {
        memcpy(ms, l->last_ms, 48); /* it resumed again: the same master secret */
        return true;
    }
    return false;
}

/* A resumed TLS 1.2 handshake derives no master secret, so the client's key log has no line
 * for it: the inputs are read back with the master secret of the connection before (which
 * this one resumed, with --resume), written as a key-log line for this client_random. If it
 * is not the one, the Finished does not verify and the read-back says so. */
static void resumed_keylog_line(struct explain_live *l)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *cr = l->tape[0] + 11; /* record header, handshake header, legacy_version */
    char line[13 + 1 + 64 + 1 + 96 + 2];
    size_t at = 0;
    if (!l->have_last_ms || l->len[0] < 43) {
        return;
    }
    memcpy(line, "CLIENT_RANDOM ", 14);
    at = 14;
    for (size_t i = 0; i < 32; i++, at += 2) {
        line[at] = digits[cr[i] >> 4];
        line[at + 1] = digits[cr[i] & 15];
    }
    line[at++] = ' ';
    for (size_t i = 0; i < 48; i++, at += 2) {
        line[at] = digits[l->last_ms[i] >> 4];
        line[at + 1] = digits[l->last_ms[i] & 15];
    }
    line[at++] = '\n';
    if (l->keylog_len + at <= sizeof l->keylog) {
        memcpy(l->keylog + l->keylog_len, line, at);
        l->keylog_len += at;
    }
}

/* Whether the client sent server_name as SNI: it does unless it is an IP literal (RFC 6066 §3). */
static bool sni_sent(const char *server_name)
{
    uint8_t addr[16];
    return server_name != NULL && server_name[0] != 0 &&
           inet_pton(AF_INET, server_name, addr) != 1 &&
           inet_pton(AF_INET6, server_name, addr) != 1;
}

/* see tool.h */
struct explain_live *explain_live_new(gls_config *cfg, FILE *keylog)
{
    struct explain_live *l = calloc(1, sizeof *l);
    if (l == NULL || (l->tape[0] = malloc(LIVE_TAPE)) == NULL ||
        (l->tape[1] = malloc(LIVE_TAPE)) == NULL) {
        explain_live_free(l);
        fail("explain: out of memory");
        return NULL;
    }
    l->user_keylog = keylog;
    int err = gls_config_set_event_trace(cfg, live_event, l);
    err = err ? err : gls_config_set_secret_trace(cfg, live_secret, l);
    err = err ? err : gls_config_set_keylog(cfg, live_keylog, l);
    err = err ? err : gls_config_set_rng(cfg, live_rng, l);
    if (err != GLS_OK) {
        explain_live_free(l);
        fail("explain: %s", gls_error_message(err));
        return NULL;
    }
    return l;
}

/* see tool.h */
void explain_live_free(struct explain_live *l)
{
    if (l == NULL) {
        return;
    }
    free(l->tape[0]);
    free(l->tape[1]);
    memset(l, 0, sizeof *l);
    free(l);
}

/* see tool.h */
int explain_live(struct explain_live *l, gls_config *cfg, int fd, const char *server_name)
{
    uint8_t *tape[2] = {l->tape[0], l->tape[1]};
    FILE *keylog = l->user_keylog;
    uint8_t ms[48];
    bool have_ms = remember_master(l, ms);
    memset(l, 0, sizeof *l); /* this connection's secrets, draws and recording only */
    l->tape[0] = tape[0];
    l->tape[1] = tape[1];
    l->user_keylog = keylog;
    memcpy(l->last_ms, ms, sizeof ms);
    l->have_last_ms = have_ms;
    memset(ms, 0, sizeof ms);
    printf("== A live connection to %s, explained from the client's side ==\n\n", server_name);
    fflush(stdout);
    gls_conn *c = gls_client_new(cfg, server_name);
    fleet_client_conn(c); /* --sess-in */
    int err = c == NULL ? GLS_E_NO_MEMORY : pump(c, fd, l, 1000);
    int rc = 0;
    if (err != GLS_OK) {
        fprintf(stderr, "glasstls: handshake failed: %s: %s\n", gls_error_name(err),
                c != NULL && gls_conn_error(c) ? gls_conn_error_detail(c) : gls_error_message(err));
        rc = 1;
    } else {
        gls_conn_info info;
        int verified = gls_conn_get_info(c, &info) == GLS_OK && info.peer_verified;
        printf("\n");
        print_summary(stdout, c, verified ? "ok" : "NOT verified (--insecure)");
        proved(c, sni_sent(server_name));
        printf("\n");
        l->cap.wire[0] = l->tape[0];
        l->cap.wire[1] = l->tape[1];
        l->cap.wire_len[0] = l->len[0];
        l->cap.wire_len[1] = l->len[1];
        if (info.resumed && info.version == 0x0303) {
            resumed_keylog_line(l);
        }
        l->cap.keylog = l->keylog;
        l->cap.keylog_len = l->keylog_len;
        l->cap.secret = live_value;
        l->cap.secret_arg = l;
        rc = explain_inputs(&l->cap, true, NULL) ? 0 : 1;
        (void)gls_sock_close_timeout(c, fd, 1000);
    }
    gls_conn_free(c);
    return rc;
}
