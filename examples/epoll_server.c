/* examples/epoll_server.c — an echo server for many clients at once: one
 * thread, non-blocking sockets, epoll, and the sans-I/O API driven by hand.
 *
 *   epoll_server PORT CERT KEY [MAX]   (exits after MAX connections; 0 = never)
 *
 * The rules a caller follows (docs/API.md): whenever the connection has output
 * (gls_conn_net_out), send it — flights, answers and alerts alike; feed what
 * arrives to gls_conn_net_in / gls_conn_net_in_done; read plaintext until
 * GLS_E_WANT_READ; after an error, flush the alert, then close.
 *   cc epoll_server.c $(pkg-config --cflags --libs glasstls) -o epoll_server */
#include <errno.h>
#include <fcntl.h>
#include <glasstls/gls.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct client {
    int fd;
    gls_conn *conn;
};

/* Sends what the connection has queued; false if the socket failed. */
static int flush(struct client *cl)
{
    size_t len;
    const uint8_t *out;
    while ((out = gls_conn_net_out(cl->conn, &len)), len > 0) {
        ssize_t k = send(cl->fd, out, len, MSG_NOSIGNAL);
        if (k < 0) {
            return errno == EAGAIN; /* the kernel is full: EPOLLOUT tells us when to go on */
        }
        gls_conn_net_out_done(cl->conn, (size_t)k);
    }
    return 1;
}

/* Handles readable input; returns 0 when the client is done. */
static int on_input(struct client *cl)
{
    for (;;) {
        size_t room;
        uint8_t *in = gls_conn_net_in(cl->conn, &room);
        ssize_t k = room > 0 ? recv(cl->fd, in, room, 0) : 0;
        if (k < 0 && errno == EAGAIN) {
            break;
        }
        if (k <= 0) {
            return 0; /* peer closed (or error) */
        }
        gls_conn_net_in_done(cl->conn, (size_t)k);
        /* plaintext, if any: echo it back (write queues it, encrypted) */
        char buf[16384];
        size_t got, put;
        while (gls_conn_read(cl->conn, buf, sizeof buf, &got) == GLS_OK) {
            gls_conn_write(cl->conn, buf, got, &put);
        }
        if (!flush(cl) || (gls_conn_wants(cl->conn) & GLS_CLOSED)) {
            return 0; /* an error: its alert was flushed above */
        }
    }
    return flush(cl);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PORT CERT KEY [MAX]\n", argv[0]);
        return 2;
    }
    long max = argc > 4 ? atol(argv[4]) : 0, served = 0;
    gls_config *cfg = gls_config_new();
    if (gls_config_add_cert_files(cfg, argv[2], argv[3]) != GLS_OK) {
        fprintf(stderr, "cannot load %s / %s\n", argv[2], argv[3]);
        return 1;
    }
    int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[1])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 512) != 0) {
        perror("listen");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    fprintf(stderr, "listening on 127.0.0.1:%s\n", argv[1]);
    while (max == 0 || served < max) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            struct client *cl = evs[i].data.ptr;
            if (cl == NULL) { /* the listening socket: a new client */
                int fd = accept(lfd, NULL, NULL);
                if (fd < 0) {
                    continue;
                }
                fcntl(fd, F_SETFL, O_NONBLOCK);
                cl = malloc(sizeof *cl);
                cl->fd = fd;
                cl->conn = gls_server_new(cfg); /* one per client; the config is shared */
                struct epoll_event cev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = cl};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                continue;
            }
            int alive = (evs[i].events & EPOLLIN) ? on_input(cl) : flush(cl);
            if (!alive || (evs[i].events & (EPOLLHUP | EPOLLERR))) {
                close(cl->fd);
                gls_conn_free(cl->conn);
                free(cl);
                served++;
            }
        }
    }
    close(ep);
    close(lfd);
    gls_config_free(cfg);
    fprintf(stderr, "served %ld connections\n", served);
    return 0;
}
