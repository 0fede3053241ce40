/* examples/https_get.c — a blocking HTTPS GET with certificate verification.
 *
 *   https_get HOST PORT CAFILE [PATH]
 *
 * Connects with a plain socket, lets gls_sock drive the handshake (verifying
 * the server's chain against CAFILE and its name against HOST), sends one
 * request and prints the response. Build against the installed library:
 *   cc https_get.c $(pkg-config --cflags --libs glasstls) -o https_get */
#include <glasstls/gls.h>
#include <glasstls/gls_sock.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE [PATH]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1], *path = argc > 4 ? argv[4] : "/";
    gls_config *cfg = gls_config_new();
    /* trust: only the CAs in CAFILE (gls_config_use_system_ca for the system bundle) */
    int err = gls_config_set_ca(cfg, argv[3], NULL);
    if (err != GLS_OK) {
        fprintf(stderr, "%s: %s\n", argv[3], gls_error_message(err));
        return 1;
    }
    int fd = connect_to(host, argv[2]);
    if (fd < 0) {
        fprintf(stderr, "cannot connect to %s:%s\n", host, argv[2]);
        return 1;
    }
    /* the name given here is sent as SNI and checked against the certificate */
    gls_conn *c = gls_client_new(cfg, host);
    err = gls_sock_handshake(c, fd);
    if (err != GLS_OK) {
        /* the sentence says why (e.g. "hostname mismatch (wanted ...)"); the alert went out */
        fprintf(stderr, "handshake failed: %s\n", gls_conn_error_detail(c));
        return 1;
    }
    char req[512];
    size_t put = 0, got = 0;
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
    err = gls_sock_write(c, fd, req, (size_t)n, &put); /* blocking: writes all of it */
    char buf[4096];
    while (err == GLS_OK && (err = gls_sock_read(c, fd, buf, sizeof buf, &got)) == GLS_OK) {
        fwrite(buf, 1, got, stdout);
    }
    /* GLS_E_CLOSED: the server sent close_notify, a clean end of the response */
    int rc = err == GLS_E_CLOSED || err == GLS_E_UNEXPECTED_EOF ? 0 : 1;
    if (rc != 0) {
        fprintf(stderr, "read: %s\n", gls_error_message(err));
    }
    gls_sock_close(c, fd);
    gls_conn_free(c);
    gls_config_free(cfg);
    close(fd);
    return rc;
}
