/* tool/server.c — `glasstls server`: accept TLS connections, one thread each,
 * and answer HTTP GETs with a page describing the connection (--www, the
 * default) or echo what arrives (--echo). Stops cleanly on SIGINT/SIGTERM. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "glasstls/gls_sock.h"
#include "fleet.h"
#include "tool.h"

static const char server_help[] =
    "usage: glasstls server [options]\n"
    "  --port N             listen port (default 4433)\n"
    "  --bind ADDR          listen address (default 127.0.0.1)\n"
    "  --cert FILE --key FILE   certificate chain and key; repeat for RSA and ECDSA side by side\n"
    "                       (default: a fresh self-signed certificate for localhost, 127.0.0.1)\n"
    "  --www                answer HTTP GETs with a page describing the connection (default)\n"
    "  --echo               echo received data back\n"
    "  --verify-client      require a client certificate (with --cafile)\n"
    "  --cafile FILE        CAs for client certificates\n"
    "  --tls1.2 | --tls1.3  only this version\n"
    "  --ciphers LIST       suites;  --groups LIST  groups;  --alpn LIST  protocols\n"
    "  --tls1.2-rsa-kx      enable TLS 1.2 RSA key exchange (no forward secrecy)\n"
    "  --keylog FILE        NSS key log (also SSLKEYLOGFILE)\n"
    "  --max N              exit after N connections\n" FLEET_SERVER_HELP;

#define REQUEST_MS   10000
#define HANDSHAKE_MS 10000

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

struct session_arg {
    gls_config *cfg;
    int fd;
    bool echo;
};

/* Waits for the request line (ended by LF or CRLF; the rest of the request is not
 * needed), at most REQUEST_MS, and whatever arrives after it is ignored. */
static bool read_request_line(gls_conn *c, int fd)
{
    char req[8192];
    size_t have = 0;
    while (have < sizeof req) {
        size_t got = 0;
        if (gls_sock_read_timeout(c, fd, req + have, sizeof req - have, &got, REQUEST_MS) !=
            GLS_OK) {
            return false;
        }
        if (memchr(req + have, '\n', got) != NULL) {
            return true;
        }
        have += got;
    }
    return false; /* a request line longer than 8 KiB */
}

static void serve_www(gls_conn *c, int fd)
{
    if (!read_request_line(c, fd)) {
        return;
    }
    gls_conn_info info;
    char body[2048];
    char resp[3072];
    size_t put = 0;
    if (gls_conn_get_info(c, &info) != GLS_OK) {
        return;
    }
    int n = snprintf(
        body, sizeof body,
        "<html><body><h1>glasstls</h1><pre>\n"
        "Protocol       : %s\nCipher suite   : %s\nKey exchange   : %s\n"
        "Forward secret : %s\nALPN           : %s\nResumed        : %s\n"
        "</pre></body></html>\n",
        info.version == 0x0304 ? "TLSv1.3" : "TLSv1.2", info.suite_name ? info.suite_name : "?",
        info.group ? info.group_name : "RSA (no ephemeral key)", info.forward_secret ? "yes" : "no",
        info.alpn ? info.alpn : "none", info.resumed ? "yes" : "no");
    int m = snprintf(resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n\r\n%s",
                     n, body);
    (void)gls_sock_write(c, fd, resp, (size_t)m, &put);
}

static void serve_echo(gls_conn *c, int fd)
{
    uint8_t buf[16384];
    for (;;) {
        size_t got = 0;
        size_t put = 0;
        int err = gls_sock_read(c, fd, buf, sizeof buf, &got);
        if (got > 0 && gls_sock_write(c, fd, buf, got, &put) != GLS_OK) {
            return;
        }
        if (err != GLS_OK && err != GLS_E_WANT_READ) {
            return;
        }
    }
}

static void *serve(void *p)
{
    struct session_arg *a = p;
    gls_conn *c = gls_server_new(a->cfg);
    if (c != NULL) {
        int err = gls_sock_handshake_timeout(c, a->fd, HANDSHAKE_MS);
        if (err != GLS_OK) {
            fprintf(stderr, "glasstls server: handshake failed: %s: %s\n", gls_error_name(err),
                    gls_conn_error_detail(c));
        } else if (fleet_after_handshake(c), a->echo) {
            serve_echo(c, a->fd);
        } else {
            serve_www(c, a->fd);
        }
        (void)gls_sock_close(c, a->fd);
        gls_conn_free(c);
    }
    close(a->fd);
    free(a);
    return NULL;
}

static int listen_on(const char *bind_addr, int port)
{
    struct sockaddr_in sa = {0};
    int one = 1;
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) {
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static const struct option server_long[] = {
    {"port", required_argument, 0, 'p'},    {"bind", required_argument, 0, 'b'},
    {"cert", required_argument, 0, 'C'},    {"key", required_argument, 0, 'K'},
    {"www", no_argument, 0, 'w'},           {"echo", no_argument, 0, 'e'},
    {"verify-client", no_argument, 0, 'v'}, {"cafile", required_argument, 0, 'A'},
    {"tls1.2", no_argument, 0, '2'},        {"tls1.3", no_argument, 0, '3'},
    {"ciphers", required_argument, 0, 'c'}, {"groups", required_argument, 0, 'g'},
    {"alpn", required_argument, 0, 'a'},    {"tls1.2-rsa-kx", no_argument, 0, 'R'},
    {"keylog", required_argument, 0, 'L'},  {"max", required_argument, 0, 'm'},
    {"help", no_argument, 0, 'h'},          FLEET_SERVER_OPTIONS{0, 0, 0, 0},
};

struct server_opts {
    int port;
    const char *bind;
    const char *certs[4];
    const char *keys[4];
    size_t n_certs;
    size_t n_keys;
    bool echo;
    long max;
    FILE *keylog;
};

static int server_option(gls_config *cfg, struct server_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case 'p':
        o->port = atoi(arg);
        return o->port > 0 && o->port < 65536 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    case 'b':
        o->bind = arg;
        return GLS_OK;
    case 'C':
        return o->n_certs < 4 ? (o->certs[o->n_certs++] = arg, GLS_OK) : GLS_E_INVALID_ARGUMENT;
    case 'K':
        return o->n_keys < 4 ? (o->keys[o->n_keys++] = arg, GLS_OK) : GLS_E_INVALID_ARGUMENT;
    case 'w':
        o->echo = false;
        return GLS_OK;
    case 'e':
        o->echo = true;
        return GLS_OK;
    case 'v':
        return gls_config_set_client_auth(cfg, GLS_CLIENT_AUTH_REQUIRED);
    case 'R':
        return gls_config_enable_rsa_key_exchange(cfg, 1);
    case 'L':
        o->keylog = open_keylog(arg);
        return o->keylog ? GLS_OK : GLS_E_FILE;
    case 'm':
        o->max = atol(arg);
        return o->max > 0 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    default:
        return opt >= FLEET_OPT_TICKET_KEYS ? fleet_option(opt, arg)
                                            : apply_common_option(cfg, opt, arg);
    }
}

static int load_certs(gls_config *cfg, struct server_opts *o)
{
    if (o->n_certs != o->n_keys) {
        return GLS_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < o->n_certs; i++) {
        int err = gls_config_add_cert_files(cfg, o->certs[i], o->keys[i]);
        if (err != GLS_OK) {
            fprintf(stderr, "glasstls server: %s / %s: %s\n", o->certs[i], o->keys[i],
                    gls_error_message(err));
            return err;
        }
    }
    if (o->n_certs == 0) {
        static const char *const names[] = {"localhost", "127.0.0.1"};
        uint8_t fp[32];
        int err = gls_config_add_generated_cert(cfg, names, 2, 1, fp);
        if (err != GLS_OK) {
            return err;
        }
        fprintf(stderr, "generated a self-signed ECDSA P-256 certificate for localhost, "
                        "127.0.0.1\nSHA-256 fingerprint: ");
        for (int i = 0; i < 32; i++) {
            fprintf(stderr, "%02X%s", fp[i], i < 31 ? ":" : "\n");
        }
    }
    return GLS_OK;
}

static void accept_loop(gls_config *cfg, int lfd, struct server_opts *o)
{
    long served = 0;
    while (!stopping && (o->max == 0 || served < o->max)) {
        struct pollfd p = {lfd, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) {
            continue;
        }
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        struct session_arg *a = malloc(sizeof *a);
        pthread_t t;
        if (a == NULL) {
            close(fd);
            continue;
        }
        a->cfg = cfg;
        a->fd = fd;
        a->echo = o->echo;
        served++;
        if (o->max != 0 && served == o->max) {
            serve(a); /* the last one in this thread, so we exit after it */
            break;
        }
        if (pthread_create(&t, NULL, serve, a) != 0) {
            close(fd);
            free(a);
            continue;
        }
        pthread_detach(t);
    }
}

/* see tool.h */
int cmd_server(int argc, char **argv)
{
    struct server_opts o = {.port = 4433, .bind = "127.0.0.1"};
    int opt;
    gls_config *cfg = gls_config_new();
    if (cfg == NULL) {
        return fail("cannot create config");
    }
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", server_long, NULL)) != -1) {
        if (opt == 'h') {
            fputs(server_help, stdout);
            gls_config_free(cfg);
            return 0;
        }
        int err = opt == '?' ? GLS_E_INVALID_ARGUMENT : server_option(cfg, &o, opt, optarg);
        if (err != GLS_OK) {
            gls_config_free(cfg);
            return usage_error("server", "bad option %s: %s", argv[optind - 1],
                               gls_error_message(err));
        }
    }
    if (optind != argc) {
        gls_config_free(cfg);
        return usage_error("server", "unexpected argument '%s'", argv[optind]);
    }
    if (o.keylog == NULL) {
        o.keylog = open_keylog(NULL);
    }
    int err = load_certs(cfg, &o);
    err = err ? err : fleet_server_setup(cfg);
    if (err == GLS_OK && o.keylog != NULL) {
        err = gls_config_set_keylog(cfg, keylog_to_file, o.keylog);
    }
    if (err != GLS_OK) {
        gls_config_free(cfg);
        return fail("server setup: %s", gls_error_message(err));
    }
    int lfd = listen_on(o.bind, o.port);
    if (lfd < 0) {
        gls_config_free(cfg);
        return fail("cannot listen on %s:%d", o.bind, o.port);
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "listening on %s:%d\n", o.bind, o.port);
    accept_loop(cfg, lfd, &o);
    close(lfd);
    gls_config_free(cfg);
    fleet_shutdown();
    if (o.keylog != NULL) {
        fclose(o.keylog);
    }
    return 0;
}
