/* examples/session_resume.c — keep a session across runs of a program.
 *
 *   session_resume HOST PORT CAFILE SESSION_FILE
 *
 * The first run makes a full handshake and saves the session the server gives
 * (the session callback fires when it arrives; TLS 1.3 tickets come after the
 * handshake, so we read the response first). The next run offers the saved
 * session and resumes: no certificate, one round trip less. The file holds a
 * secret — whoever has it can resume as us — so it is written mode 0600.
 *   cc session_resume.c $(pkg-config --cflags --libs glasstls) -o session_resume */
#include <fcntl.h>
#include <glasstls/gls.h>
#include <glasstls/gls_sock.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *session_path;

/* Called for each new session; the newest wins. */
static void save(void *arg, gls_conn *c, const uint8_t *session, size_t len)
{
    (void)arg;
    (void)c;
    int fd = open(session_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        if (write(fd, session, len) != (ssize_t)len) {
            fprintf(stderr, "cannot save the session\n");
        }
        close(fd);
    }
}

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
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE SESSION_FILE\n", argv[0]);
        return 2;
    }
    session_path = argv[4];
    gls_config *cfg = gls_config_new();
    gls_config_set_ca(cfg, argv[3], NULL);
    gls_config_set_session_callback(cfg, save, NULL);
    int fd = connect_to(argv[1], argv[2]);
    if (fd < 0) {
        return 1;
    }
    gls_conn *c = gls_client_new(cfg, argv[1]);
    /* offer the saved session, if any: right after gls_client_new. A session
     * that does not fit any more (expired, another server) is simply not used. */
    uint8_t saved[GLS_SESSION_MAX];
    int sfd = open(session_path, O_RDONLY);
    if (sfd >= 0) {
        ssize_t n = read(sfd, saved, sizeof saved);
        close(sfd);
        if (n > 0) {
            gls_conn_set_session(c, saved, (size_t)n);
        }
    }
    if (gls_sock_handshake(c, fd) != GLS_OK) {
        fprintf(stderr, "handshake failed: %s\n", gls_conn_error_detail(c));
        return 1;
    }
    gls_conn_info info;
    gls_conn_get_info(c, &info);
    printf("resumed: %s\n", info.resumed ? "yes" : "no");
    size_t put, got;
    char buf[4096];
    gls_sock_write(c, fd, "GET / HTTP/1.0\r\n\r\n", 18, &put);
    while (gls_sock_read(c, fd, buf, sizeof buf, &got) == GLS_OK) {
    }
    gls_sock_close(c, fd);
    gls_conn_free(c);
    gls_config_free(cfg);
    close(fd);
    return 0;
}
