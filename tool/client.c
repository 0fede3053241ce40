/* tool/client.c — `glasstls client`: connect, handshake, print what was
 * negotiated, then pipe stdin to the server and the server to stdout. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "glasstls/gls_sock.h"
#include "fleet.h"
#include "tool.h"

static const char client_help[] =
    "usage: glasstls client [options] HOST[:PORT]     (default port 443)\n"
    "  --cafile FILE        trust these CAs (default: the system bundle)\n"
    "  --insecure           DANGER: accept any certificate (no authentication)\n"
    "  --servername NAME    SNI and the name to verify (default: HOST)\n"
    "  --tls1.2 | --tls1.3  only this version\n"
    "  --ciphers LIST       suites, IANA or OpenSSL names, comma-separated\n"
    "  --kx rsa|dhe|ecdhe   TLS 1.2 with this key exchange only (rsa: no forward secrecy)\n"
    "  --groups LIST        key exchange groups (x25519,secp256r1,secp384r1,ffdhe2048,...)\n"
    "  --alpn LIST          ALPN protocols, comma-separated\n"
    "  --cert FILE --key FILE   client certificate chain and key\n"
    "  --keylog FILE        NSS key log (also SSLKEYLOGFILE)\n"
    "  --get PATH           send an HTTP/1.1 GET and print the response\n"
    "  --resume             connect twice; the second connection resumes the first\n"
    "  --key-update         send a KeyUpdate (asking the server to update too) after the\n"
    "                       handshake (TLS 1.3)\n"
    "  --trace              print handshake messages and secrets as they happen\n"
    "  --timeout S          seconds to connect, and again to finish the handshake\n"
    "                       (default 10)\n"
    "  --quiet              no summary\n"
    "  --explain            explain this connection: every message and secret with its\n"
    "                       formula, what the server proved, what the wire "
    "showed\n" FLEET_CLIENT_HELP;

struct client_opts {
    const char *host;
    const char *port;
    const char *servername;
    const char *get;
    bool quiet;
    bool trace;
    bool resume;
    bool key_update;
    int timeout_ms; /* to connect, and again for the handshake */
    bool explain;
};

/* "host:port", or "[v6]:port". */
static const char *host_port(const char *host, const char *port)
{
    static char buf[300];
    snprintf(buf, sizeof buf, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
    return buf;
}

/* Waits for a non-blocking connect to finish within ms; 0, or the errno that ended it. */
static int connect_wait(int fd, int ms)
{
    struct pollfd p = {fd, POLLOUT, 0};
    int n;
    do {
        n = poll(&p, 1, ms);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        return ETIMEDOUT;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        return errno;
    }
    return err;
}

/* Connects to the first address of host that answers within timeout_ms each; says why not
 * ("Connection refused", "timed out after 10 s") when none does. */
static int connect_tcp(const char *host, const char *port, int timeout_ms)
{
    struct addrinfo hints = {0};
    struct addrinfo *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "glasstls: cannot connect to %s: %s\n", host_port(host, port),
                gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    int why = 0;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            why = errno;
            continue;
        }
        why = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
        if (why == EINPROGRESS) {
            why = connect_wait(fd, timeout_ms);
        }
        if (why != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (why == ETIMEDOUT) {
            fprintf(stderr, "glasstls: cannot connect to %s: timed out after %g s\n",
                    host_port(host, port), timeout_ms / 1000.0);
        } else {
            fprintf(stderr, "glasstls: cannot connect to %s: %s\n", host_port(host, port),
                    strerror(why));
        }
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); /* the data phase blocks */
    return fd;
}

static void trace_line(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    (void)arg;
    fprintf(stderr, "  %s\n", line);
}

static void trace_secret(void *arg, gls_conn *c, const gls_secret_info *s)
{
    (void)c;
    (void)arg;
    fprintf(stderr, "  secret %s = ", s->name);
    for (size_t i = 0; i < s->len; i++) {
        fprintf(stderr, "%02x", s->value[i]);
    }
    fprintf(stderr, "\n      = %s\n", s->formula);
}

/* Reads what the socket has (one recv: the socket is readable) and writes
 * every plaintext byte it completes to stdout. GLS_E_CLOSED at close_notify. */
static int drain_socket(gls_conn *c, int fd, uint8_t *buf, size_t cap)
{
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(c, &room);
    ssize_t k = recv(fd, in, room, 0);
    if (k < 0) {
        return GLS_E_IO;
    }
    int err = gls_conn_net_in_done(c, (size_t)k); /* k == 0: end of stream */
    for (;;) {
        size_t got = 0;
        int rerr = gls_conn_read(c, buf, cap, &got);
        if (got > 0) {
            fwrite(buf, 1, got, stdout);
            fflush(stdout);
        }
        if (rerr != GLS_OK) {
            err = rerr == GLS_E_WANT_READ ? err : rerr;
            break;
        }
    }
    int flushed = gls_sock_flush(c, fd); /* e.g. our KeyUpdate answer, or an alert */
    return err != GLS_OK ? err : flushed;
}

/* Copies stdin to the connection and the connection to stdout until the
 * peer closes. At the end of stdin we send close_notify and keep reading. */
static int pipe_data(gls_conn *c, int fd)
{
    struct pollfd p[2] = {{0, POLLIN, 0}, {fd, POLLIN, 0}};
    bool stdin_open = true;
    uint8_t buf[16384];
    for (;;) {
        p[0].fd = stdin_open ? 0 : -1;
        if (poll(p, 2, -1) < 0) {
            return GLS_E_IO;
        }
        if (stdin_open && (p[0].revents & (POLLIN | POLLHUP))) {
            ssize_t n = read(0, buf, sizeof buf);
            size_t put = 0;
            int err = GLS_OK;
            if (n <= 0) {
                stdin_open = false;
                err = gls_sock_close(c, fd);
            } else {
                err = gls_sock_write(c, fd, buf, (size_t)n, &put);
            }
            if (err != GLS_OK) {
                return err;
            }
            continue;
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            int err = drain_socket(c, fd, buf, sizeof buf);
            if (err == GLS_E_CLOSED) {
                return GLS_OK;
            }
            if (err != GLS_OK) {
                return err;
            }
        }
    }
}

/* Reads briefly so that a NewSessionTicket sent after the handshake arrives,
 * then closes politely. */
static int wait_for_ticket(gls_conn *c, int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, 300) > 0) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(c, &room);
        ssize_t k = recv(fd, in, room, 0);
        if (k <= 0 || gls_conn_net_in_done(c, (size_t)k) != GLS_OK) {
            break;
        }
    }
    (void)gls_sock_close(c, fd);
    return GLS_OK;
}

static int send_get(gls_conn *c, int fd, const char *host, const char *path)
{
    char req[2048];
    size_t put = 0;
    int n =
        snprintf(req, sizeof req,
                 "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nUser-Agent: glasstls\r\n\r\n",
                 path, host);
    if (n < 0 || (size_t)n >= sizeof req) {
        return GLS_E_INVALID_ARGUMENT;
    }
    return gls_sock_write(c, fd, req, (size_t)n, &put);
}

/* --kx: TLS 1.2 only, with the suites of one key exchange. */
static int restrict_kx(gls_config *cfg, const char *kx)
{
    uint16_t all[64];
    uint16_t keep[32];
    size_t n = 0;
    size_t total = gls_suite_list(all, 64);
    if (strcasecmp(kx, "rsa") != 0 && strcasecmp(kx, "dhe") != 0 && strcasecmp(kx, "ecdhe") != 0) {
        return GLS_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < total && i < 64 && n < 32; i++) {
        if (strcasecmp(gls_suite_kx(all[i]), kx) == 0) {
            keep[n++] = all[i];
        }
    }
    int err = gls_config_set_versions(cfg, 0x0303, 0x0303);
    err = err ? err : gls_config_set_suites(cfg, keep, n);
    if (err == GLS_OK && strcasecmp(kx, "rsa") == 0) {
        fprintf(stderr, "note: RSA key exchange gives no forward secrecy: whoever gets the "
                        "server's private key can decrypt a recording of this session.\n");
        err = gls_config_enable_rsa_key_exchange(cfg, 1);
    }
    return err;
}

static int apply_option(gls_config *cfg, struct client_opts *o, int opt, const char *arg,
                        const char **cert, const char **key, FILE **keylog)
{
    switch (opt) {
    case 'I':
        fprintf(stderr, "WARNING: --insecure: the server's certificate is NOT verified; anyone "
                        "on the path can impersonate it.\n");
        return gls_config_danger_accept_any_cert(cfg);
    case 'S':
        o->servername = arg;
        return GLS_OK;
    case 'C':
        *cert = arg;
        return GLS_OK;
    case 'K':
        *key = arg;
        return GLS_OK;
    case 'L':
        *keylog = open_keylog(arg);
        return *keylog ? GLS_OK : GLS_E_FILE;
    case 'G':
        o->get = arg;
        return GLS_OK;
    case 'T':
        o->trace = true;
        return GLS_OK;
    case 'q':
        o->quiet = true;
        return GLS_OK;
    case 'r':
        o->resume = true;
        return GLS_OK;
    case 'X':
        return restrict_kx(cfg, arg);
    case 'u':
        o->key_update = true;
        return GLS_OK;
    case 'W':
        return parse_seconds(arg, &o->timeout_ms);
    case 'E':
        o->explain = true;
        return GLS_OK;
    default:
        return opt >= FLEET_OPT_TICKET_KEYS ? fleet_option(opt, arg)
                                            : apply_common_option(cfg, opt, arg);
    }
}

static const struct option client_long[] = {
    {"cafile", required_argument, 0, 'A'},
    {"insecure", no_argument, 0, 'I'},
    {"servername", required_argument, 0, 'S'},
    {"tls1.2", no_argument, 0, '2'},
    {"tls1.3", no_argument, 0, '3'},
    {"ciphers", required_argument, 0, 'c'},
    {"groups", required_argument, 0, 'g'},
    {"alpn", required_argument, 0, 'a'},
    {"cert", required_argument, 0, 'C'},
    {"key", required_argument, 0, 'K'},
    {"keylog", required_argument, 0, 'L'},
    {"get", required_argument, 0, 'G'},
    {"trace", no_argument, 0, 'T'},
    {"quiet", no_argument, 0, 'q'},
    {"resume", no_argument, 0, 'r'},
    {"kx", required_argument, 0, 'X'},
    {"key-update", no_argument, 0, 'u'},
    {"timeout", required_argument, 0, 'W'},
    {"explain", no_argument, 0, 'E'},
    {"help", no_argument, 0, 'h'},
    FLEET_CLIENT_OPTIONS{0, 0, 0, 0},
};

/* Splits HOST[:PORT] (and [v6]:PORT). */
static void split_target(char *target, struct client_opts *o)
{
    o->host = target;
    o->port = "443";
    char *colon = strrchr(target, ':');
    if (target[0] == '[') {
        char *end = strchr(target, ']');
        if (end != NULL) {
            *end = 0;
            o->host = target + 1;
            if (end[1] == ':') {
                o->port = end + 2;
            }
        }
    } else if (colon != NULL && strchr(target, ':') == colon) {
        *colon = 0;
        o->port = colon + 1;
    }
}

/* Connects, handshakes, prints the summary, then talks. With `first_of_two`
 * the data phase is only a short wait for the session ticket. */
static int one_connection(gls_config *cfg, const struct client_opts *o, bool first_of_two)
{
    int rc = 1;
    int err;
    int fd = connect_tcp(o->host, o->port, o->timeout_ms);
    gls_conn *c = fd < 0 ? NULL : gls_client_new(cfg, o->servername ? o->servername : o->host);
    fleet_client_conn(c);
    if (c != NULL) {
        err = gls_sock_handshake_timeout(c, fd, o->timeout_ms);
        if (err == GLS_E_TIMEOUT) {
            fprintf(stderr, "glasstls: handshake failed: timeout: no answer from %s within %g s\n",
                    host_port(o->host, o->port), o->timeout_ms / 1000.0);
        } else if (err != GLS_OK) {
            fprintf(stderr, "glasstls: handshake failed: %s: %s\n", gls_error_name(err),
                    gls_conn_error(c) ? gls_conn_error_detail(c) : gls_error_message(err));
        } else {
            if (!o->quiet) {
                gls_conn_info info;
                int verified = gls_conn_get_info(c, &info) == GLS_OK && info.peer_verified;
                print_summary(stderr, c, verified ? "ok" : "NOT verified (--insecure)");
            }
            fleet_after_handshake(c);
            err = o->key_update ? gls_conn_key_update(c, 1) : GLS_OK;
            err = err ? err : gls_sock_flush(c, fd);
            if (first_of_two) {
                err = err ? err : wait_for_ticket(c, fd);
            } else {
                err = err ? err : o->get ? send_get(c, fd, o->host, o->get) : GLS_OK;
                err = err ? err : pipe_data(c, fd);
            }
            if (err != GLS_OK) {
                fprintf(stderr, "glasstls: %s: %s\n", gls_error_name(err),
                        gls_conn_error(c) ? gls_conn_error_detail(c) : gls_error_message(err));
            }
            rc = err == GLS_OK ? 0 : 1;
        }
    }
    gls_conn_free(c);
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

/* --explain: the one hook into explain_live.c; with --resume, the second connection (which
 * resumes the first) is explained too. */
static int explain_connection(gls_config *cfg, const struct client_opts *o, FILE *keylog)
{
    struct explain_live *l = explain_live_new(cfg, keylog);
    int rc = l != NULL ? 0 : 1;
    for (int i = 0; rc == 0 && i < (o->resume ? 2 : 1); i++) {
        if (i > 0) {
            printf("\n--- second connection (resumption) ---\n\n");
        }
        int fd = connect_tcp(o->host, o->port, o->timeout_ms);
        rc = fd < 0 ? 1 : explain_live(l, cfg, fd, o->servername ? o->servername : o->host);
        if (fd >= 0) {
            close(fd);
        }
    }
    explain_live_free(l);
    return rc;
}

/* see tool.h */
int cmd_client(int argc, char **argv)
{
    struct client_opts o = {.timeout_ms = 10000};
    const char *cert = NULL;
    const char *key = NULL;
    FILE *keylog = NULL;
    bool have_ca = false;
    int opt;
    gls_config *cfg = gls_config_new();
    if (cfg == NULL) {
        return fail("cannot create config");
    }
    optind = 1;
    int li = 0;
    while ((opt = getopt_long(argc, argv, "", client_long, &li)) != -1) {
        if (opt == 'h') {
            fputs(client_help, stdout);
            gls_config_free(cfg);
            return 0;
        }
        have_ca |= opt == 'A' || opt == 'I';
        int err = opt == '?' ? GLS_E_INVALID_ARGUMENT
                             : apply_option(cfg, &o, opt, optarg, &cert, &key, &keylog);
        if (err != GLS_OK) {
            gls_config_free(cfg);
            return usage_error("client", "bad option %s%s %s: %s", opt == '?' ? "" : "--",
                               opt == '?' ? argv[optind - 1] : client_long[li].name,
                               optarg ? optarg : "", option_error(optarg, err));
        }
    }
    if (optind != argc - 1) {
        gls_config_free(cfg);
        return usage_error("client", "expected one HOST[:PORT]");
    }
    split_target(argv[optind], &o);
    if (keylog == NULL) {
        keylog = open_keylog(NULL);
    }
    int err = GLS_OK;
    if ((cert == NULL) != (key == NULL)) {
        fprintf(stderr, "glasstls client: --cert and --key go together\n");
        err = GLS_E_INVALID_ARGUMENT;
    } else if (cert != NULL) {
        err = load_cert_pair(cfg, "client", cert, key);
    }
    if (err == GLS_OK && !have_ca) {
        err = gls_config_use_system_ca(cfg);
    }
    if (err == GLS_OK && keylog != NULL) {
        err = gls_config_set_keylog(cfg, keylog_to_file, keylog);
    }
    err = err ? err : fleet_client_setup(cfg);
    if (err == GLS_OK && o.trace) {
        err = gls_config_set_event_trace(cfg, trace_line, NULL);
        err = err ? err : gls_config_set_secret_trace(cfg, trace_secret, NULL);
    }
    if (err != GLS_OK) {
        gls_config_free(cfg);
        return usage_error("client", "%s", gls_error_message(err));
    }
    int rc = o.explain ? explain_connection(cfg, &o, keylog) : one_connection(cfg, &o, o.resume);
    if (rc == 0 && o.resume && !o.explain) {
        fprintf(stderr, "--- second connection (resumption) ---\n");
        rc = one_connection(cfg, &o, false);
    }
    gls_config_free(cfg);
    if (keylog != NULL) {
        fclose(keylog);
    }
    return rc;
}
