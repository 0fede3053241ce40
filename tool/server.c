/* tool/server.c — `glasstls server`: options, the config they build, the listening
 * sockets; the connections themselves are served by the event loop in serve.c (one
 * thread, epoll, deadlines, a connection cap). Answers HTTP GETs with a page describing
 * the connection (--www, the default) or echoes what arrives (--echo). Stops cleanly on
 * SIGINT/SIGTERM. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fleet.h"
#include "serve.h"
#include "tool.h"

static const char server_help[] =
    "usage: glasstls server [options]\n"
    "  --port N             listen port (default 4433)\n"
    "  --bind ADDR          listen address or name (default 127.0.0.1; every address of a\n"
    "                       name, e.g. localhost: 127.0.0.1 and ::1; '::' for all of IPv6)\n"
    "  --cert FILE --key FILE   certificate chain and key; repeat for RSA and ECDSA side by side\n"
    "                       (default: a fresh self-signed certificate for localhost, 127.0.0.1)\n"
    "  --www                answer HTTP GETs with a page describing the connection (default);\n"
    "                       ALPN: http/1.1 (never a protocol it does not speak)\n"
    "  --echo               echo received data back\n"
    "  --verify-client      require a client certificate (with --cafile)\n"
    "  --cafile FILE        CAs for client certificates\n"
    "  --tls1.2 | --tls1.3  only this version\n"
    "  --ciphers LIST       suites;  --groups LIST  groups;  --alpn LIST  protocols\n"
    "  --tls1.2-rsa-kx      enable TLS 1.2 RSA key exchange (no forward secrecy)\n"
    "  --keylog FILE        NSS key log (also SSLKEYLOGFILE)\n"
    "  --handshake-timeout S  seconds from connect to handshake done (default 10)\n"
    "  --idle-timeout S     seconds a connection may sit idle after the handshake; with --www,\n"
    "                       for the request line to arrive (default 60)\n"
    "  --max-conns N        open connections at most (default 10000); beyond it a new\n"
    "                       connection is closed at once, unless one that has sent nothing for\n"
    "                       a second can make room\n"
    "  --max N              exit after N connections\n"
    "  --log                one line on stderr per completed handshake: version, suite,\n"
    "                       group, ALPN, resumed\n" FLEET_SERVER_HELP;

static volatile sig_atomic_t stopping;
static bool log_handshakes; /* --log */

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

/* Every listening socket for addr:port (all addresses of a name). The first failure ends
 * it, with the reason in *why. */
static size_t listen_on(const char *addr, int port, int *fds, size_t cap, char *why, size_t n)
{
    struct addrinfo hints = {0};
    struct addrinfo *res = NULL;
    char service[8];
    size_t count = 0;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo(addr, service, &hints, &res);
    if (rc != 0) {
        snprintf(why, n, "%s", gai_strerror(rc));
        return 0;
    }
    for (struct addrinfo *ai = res; ai != NULL && count < cap; ai = ai->ai_next) {
        int one = 1;
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (ai->ai_family == AF_INET6) { /* so 127.0.0.1 and ::1 can both be bound */
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
            }
        }
        if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
            snprintf(why, n, "%s", strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            while (count > 0) {
                close(fds[--count]);
            }
            break;
        }
        char host[NI_MAXHOST];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) ==
            0) {
            fprintf(stderr,
                    ai->ai_family == AF_INET6 ? "listening on [%s]:%d\n" : "listening on %s:%d\n",
                    host, port);
        }
        fds[count++] = fd;
    }
    freeaddrinfo(res);
    return count;
}

static const struct option server_long[] = {
    {"port", required_argument, 0, 'p'},
    {"bind", required_argument, 0, 'b'},
    {"cert", required_argument, 0, 'C'},
    {"key", required_argument, 0, 'K'},
    {"www", no_argument, 0, 'w'},
    {"echo", no_argument, 0, 'e'},
    {"verify-client", no_argument, 0, 'v'},
    {"cafile", required_argument, 0, 'A'},
    {"tls1.2", no_argument, 0, '2'},
    {"tls1.3", no_argument, 0, '3'},
    {"ciphers", required_argument, 0, 'c'},
    {"groups", required_argument, 0, 'g'},
    {"alpn", required_argument, 0, 'a'},
    {"tls1.2-rsa-kx", no_argument, 0, 'R'},
    {"keylog", required_argument, 0, 'L'},
    {"max", required_argument, 0, 'm'},
    {"handshake-timeout", required_argument, 0, 'H'},
    {"idle-timeout", required_argument, 0, 'I'},
    {"max-conns", required_argument, 0, 'N'},
    {"log", no_argument, 0, 'l'},
    {"help", no_argument, 0, 'h'},
    FLEET_SERVER_OPTIONS{0, 0, 0, 0},
};

/* What the options ask for. Options that set the config directly do so as they are
 * parsed; the rest wait here until build_config, which runs once all are known. */
struct server_opts {
    int port;
    const char *bind;
    const char *certs[4];
    const char *keys[4];
    size_t n_certs;
    size_t n_keys;
    const char *alpn;
    bool echo;
    long max;
    int handshake_ms;
    int idle_ms;
    long max_conns;
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
    case 'a':
        o->alpn = arg; /* applied in build_config: --www filters it */
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
    case 'H':
        return parse_seconds(arg, &o->handshake_ms);
    case 'I':
        return parse_seconds(arg, &o->idle_ms);
    case 'l':
        log_handshakes = true;
        return GLS_OK;
    case 'N':
        o->max_conns = atol(arg);
        return o->max_conns > 0 && o->max_conns <= 1000000 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    default:
        return opt >= FLEET_OPT_TICKET_KEYS ? fleet_option(opt, arg)
                                            : apply_common_option(cfg, opt, arg);
    }
}

static int load_certs(gls_config *cfg, struct server_opts *o)
{
    if (o->n_certs != o->n_keys) {
        fprintf(stderr, "glasstls server: --cert and --key come in pairs (%zu --cert, %zu --key)\n",
                o->n_certs, o->n_keys);
        return GLS_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < o->n_certs; i++) {
        TRY_TOOL(load_cert_pair(cfg, "server", o->certs[i], o->keys[i]));
        warn_cert_validity(cfg, i, o->certs[i]);
    }
    if (o->n_certs == 0) {
        static const char *const names[] = {"localhost", "127.0.0.1"};
        uint8_t fp[32];
        TRY_TOOL(gls_config_add_generated_cert(cfg, names, 2, 1, fp));
        fprintf(stderr, "generated a self-signed ECDSA P-256 certificate for localhost, "
                        "127.0.0.1\nSHA-256 fingerprint: ");
        for (int i = 0; i < 32; i++) {
            fprintf(stderr, "%02X%s", fp[i], i < 31 ? ":" : "\n");
        }
    }
    return GLS_OK;
}

/* ALPN: as asked; for --www only the protocols it speaks, http/1.1 when none is asked. */
static int set_alpn(gls_config *cfg, const struct server_opts *o)
{
    char buf[512];
    const char *keep[8];
    size_t n = 0;
    if (o->alpn == NULL) {
        return o->echo ? GLS_OK : gls_config_set_alpn(cfg, (const char *[]){SERVE_WWW_ALPN}, 1);
    }
    snprintf(buf, sizeof buf, "%s", o->alpn);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t != NULL && n < 8;
         t = strtok_r(NULL, ",", &save)) {
        if (o->echo || strcmp(t, SERVE_WWW_ALPN) == 0) {
            keep[n++] = t;
        } else {
            fprintf(stderr, "glasstls server: --www speaks only %s: not offering '%s'\n",
                    SERVE_WWW_ALPN, t);
        }
    }
    if (n == 0) {
        keep[n++] = SERVE_WWW_ALPN;
    }
    return gls_config_set_alpn(cfg, keep, n);
}

static int build_config(gls_config *cfg, struct server_opts *o)
{
    if (o->keylog == NULL) {
        o->keylog = open_keylog(NULL);
    }
    TRY_TOOL(load_certs(cfg, o));
    TRY_TOOL(set_alpn(cfg, o));
    TRY_TOOL(fleet_server_setup(cfg));
    if (o->keylog != NULL) {
        TRY_TOOL(gls_config_set_keylog(cfg, keylog_to_file, o->keylog));
    }
    return GLS_OK;
}

/* Room for max_conns descriptors, raising RLIMIT_NOFILE if need be (and lowering the cap
 * to what the hard limit allows, with a word). */
static void fit_fd_limit(long *max_conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)*max_conns + 64; /* stdio, listeners, epoll, key log, spare */
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want) {
        return;
    }
    struct rlimit up = {want, rl.rlim_max >= want ? rl.rlim_max : want};
    if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
        return;
    }
    up.rlim_cur = rl.rlim_max;
    up.rlim_max = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &up) == 0 && rl.rlim_max > 64) {
        *max_conns = (long)(rl.rlim_max - 64);
        fprintf(stderr, "glasstls server: the open-file limit (%lu) allows only %ld connections\n",
                (unsigned long)rl.rlim_max, *max_conns);
    }
}

/* After each handshake: what fleet options print, then the --log line. */
static void after_handshake(gls_conn *c)
{
    gls_conn_info info;
    fleet_after_handshake(c);
    if (!log_handshakes || gls_conn_get_info(c, &info) != GLS_OK) {
        return;
    }
    fprintf(stderr, "glasstls server: handshake: %s %s group %s alpn %s resumed %s\n",
            info.version == 0x0304 ? "TLSv1.3" : "TLSv1.2", info.suite_name ? info.suite_name : "?",
            info.group ? info.group_name : "none", info.alpn ? info.alpn : "none",
            info.resumed ? "yes" : "no");
}

static int run(gls_config *cfg, struct server_opts *o)
{
    int fds[8];
    char why[256] = "";
    size_t n = listen_on(o->bind, o->port, fds, 8, why, sizeof why);
    if (n == 0) {
        return fail("cannot listen on %s:%d: %s", o->bind, o->port, why);
    }
    fit_fd_limit(&o->max_conns);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal; /* no SA_RESTART: epoll_wait returns at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "limits: handshake %g s, idle %g s, %ld connections\n",
            o->handshake_ms / 1000.0, o->idle_ms / 1000.0, o->max_conns);
    struct serve_params p = {
        .cfg = cfg,
        .listen_fds = fds,
        .n_listen = n,
        .echo = o->echo,
        .max = o->max,
        .handshake_ms = o->handshake_ms,
        .idle_ms = o->idle_ms,
        .max_conns = (size_t)o->max_conns,
        .stopping = &stopping,
        .after_handshake = after_handshake,
    };
    int err = serve_loop(&p);
    for (size_t i = 0; i < n; i++) {
        close(fds[i]);
    }
    return err == GLS_OK ? 0 : fail("event loop: %s", strerror(errno));
}

/* see tool.h */
int cmd_server(int argc, char **argv)
{
    struct server_opts o = {.port = 4433,
                            .bind = "127.0.0.1",
                            .handshake_ms = 10000,
                            .idle_ms = 60000,
                            .max_conns = 10000};
    int opt;
    int li = 0;
    gls_config *cfg = gls_config_new();
    if (cfg == NULL) {
        return fail("cannot create config");
    }
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", server_long, &li)) != -1) {
        if (opt == 'h') {
            fputs(server_help, stdout);
            gls_config_free(cfg);
            return 0;
        }
        int err = opt == '?' ? GLS_E_INVALID_ARGUMENT : server_option(cfg, &o, opt, optarg);
        if (err != GLS_OK) {
            gls_config_free(cfg);
            return usage_error("server", "bad option %s%s %s: %s", opt == '?' ? "" : "--",
                               opt == '?' ? argv[optind - 1] : server_long[li].name,
                               optarg ? optarg : "", option_error(optarg, err));
        }
    }
    if (optind != argc) {
        gls_config_free(cfg);
        return usage_error("server", "unexpected argument '%s'", argv[optind]);
    }
    int err = build_config(cfg, &o);
    int rc = err == GLS_OK ? run(cfg, &o) : fail("server setup failed: %s", gls_error_message(err));
    gls_config_free(cfg);
    fleet_shutdown();
    if (o.keylog != NULL) {
        fclose(o.keylog);
    }
    return rc;
}
