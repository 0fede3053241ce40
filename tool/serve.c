/* tool/serve.c — the event loop behind `glasstls server` (serve.h): one thread, level-
 * triggered epoll over non-blocking sockets, the sans-I/O API in between. Every
 * connection sits in exactly one deadline list (silent, handshake, open, closing); each
 * list's timeout is fixed, so appending keeps it sorted and expiry only looks at heads.
 * A connection holds no gls_conn until its first byte arrives: 10,000 silent sockets
 * cost 10,000 small structs and file descriptors, nothing more. */
#define _GNU_SOURCE /* accept4 */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

enum list_id { L_SILENT, L_HANDSHAKE, L_OPEN, L_CLOSING, N_LISTS };

#define LINGER_MS        2000 /* after our last byte, how long the peer may take to close */
#define EVICT_SILENT_MS  1000 /* at the cap, a connection silent this long makes room */
#define MAX_REQUEST_LINE 8192

struct sconn {
    int fd;
    enum list_id list;
    int64_t deadline;
    struct sconn *prev, *next;
    gls_conn *tls; /* made when the first bytes arrive */
    uint32_t events;
    bool dead;      /* closed; freed once the current batch of events is done */
    bool eof;       /* the peer closed its side (or the socket failed) */
    bool logged;    /* the handshake failure has been reported */
    bool answered;  /* www: the response and close_notify are queued */
    size_t req_len; /* www: request bytes seen, no LF among them */
    uint8_t *pend;  /* echo: plaintext gls_conn_write has not taken yet */
    size_t pend_off, pend_len;
};

struct list {
    struct sconn *head, *tail;
    int timeout_ms;
};

/* "N things happened" at most once a second, not once per thing. */
struct ratelog {
    const char *what;
    unsigned long count;
    int64_t last;
};

struct loop {
    const struct serve_params *p;
    int ep;
    int spare_fd; /* given up to accept (and drop) a connection when out of descriptors */
    struct list lists[N_LISTS];
    struct sconn *dead; /* closed this batch, linked by next: events may still name them */
    size_t open;
    long accepted;
    bool accepting;
    struct ratelog refused, evicted, hs_timeouts, idle_timeouts;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void rate_flush(struct ratelog *r, int64_t now, bool force)
{
    if (r->count > 0 && (force || now - r->last >= 1000)) {
        fprintf(stderr, "glasstls server: %lu %s\n", r->count, r->what);
        r->count = 0;
        r->last = now;
    }
}

static void rate_note(struct ratelog *r, int64_t now)
{
    r->count++;
    rate_flush(r, now, false);
}

/* ---- deadline lists ---- */

static void list_remove(struct loop *L, struct sconn *s)
{
    struct list *l = &L->lists[s->list];
    *(s->prev ? &s->prev->next : &l->head) = s->next;
    *(s->next ? &s->next->prev : &l->tail) = s->prev;
    s->prev = s->next = NULL;
}

/* Appends s to list id with the list's deadline counted from `from` (sorted insert from
 * the tail: `from` is now or, moving from the silent list, the time of accept). */
static void list_add(struct loop *L, struct sconn *s, enum list_id id, int64_t from)
{
    struct list *l = &L->lists[id];
    struct sconn *after = l->tail;
    s->list = id;
    s->deadline = from + l->timeout_ms;
    while (after != NULL && after->deadline > s->deadline) {
        after = after->prev;
    }
    s->prev = after;
    s->next = after ? after->next : l->head;
    *(s->next ? &s->next->prev : &l->tail) = s;
    *(after ? &after->next : &l->head) = s;
}

static void list_move(struct loop *L, struct sconn *s, enum list_id id, int64_t from)
{
    list_remove(L, s);
    list_add(L, s, id, from);
}

/* ---- connections ---- */

/* Closes a connection. The struct itself goes at the end of the batch (reap), since an
 * event for it may still wait in the batch (a connection evicted at the cap). */
static void conn_free(struct loop *L, struct sconn *s)
{
    list_remove(L, s);
    epoll_ctl(L->ep, EPOLL_CTL_DEL, s->fd, NULL);
    close(s->fd);
    gls_conn_free(s->tls);
    s->tls = NULL;
    free(s->pend);
    s->pend = NULL;
    s->dead = true;
    s->next = L->dead;
    L->dead = s;
    L->open--;
}

static void reap(struct loop *L)
{
    while (L->dead != NULL) {
        struct sconn *s = L->dead;
        L->dead = s->next;
        free(s);
    }
}

/* Sends what the connection has queued. False when the socket failed. */
static bool push(struct sconn *s, bool *progress)
{
    for (;;) {
        size_t n = 0;
        const uint8_t *out = gls_conn_net_out(s->tls, &n);
        if (n == 0) {
            return true;
        }
        ssize_t k = send(s->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        gls_conn_net_out_done(s->tls, (size_t)k);
        *progress = true;
    }
}

/* A silent connection's first byte (or its end): the TLS connection is made now. False
 * when there is none to make: the peer left without a word, or setup failed. */
static bool first_byte(struct loop *L, struct sconn *s)
{
    char b;
    ssize_t k = recv(s->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return true; /* spurious: still silent */
    }
    if (k <= 0) {
        return false;
    }
    s->tls = gls_server_new(L->p->cfg);
    if (s->tls == NULL ||
        (L->p->setup_conn != NULL && L->p->setup_conn(L->p->setup_arg, s->tls) != 0)) {
        return false;
    }
    list_move(L, s, L_HANDSHAKE, s->deadline - L->lists[L_SILENT].timeout_ms);
    return true;
}

/* One recv into the connection. False when the socket failed. */
static bool pull(struct sconn *s, bool *progress)
{
    size_t room = 0;
    uint8_t *in = gls_conn_net_in(s->tls, &room);
    if (in == NULL) {
        return false; /* no buffer to be had */
    }
    if (room == 0 || s->eof) {
        return true;
    }
    ssize_t k = recv(s->fd, in, room, MSG_DONTWAIT);
    if (k < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
    s->eof = k == 0;
    (void)gls_conn_net_in_done(s->tls, (size_t)k); /* errors are sticky: read below */
    *progress = true;
    return true;
}

/* --www: the page that describes the connection. */
static void queue_page(struct sconn *s)
{
    gls_conn_info info;
    char body[2048];
    char resp[3072];
    size_t put = 0;
    if (gls_conn_get_info(s->tls, &info) != GLS_OK) {
        return;
    }
    int n = snprintf(body, sizeof body,
                     "<html><body><h1>glasstls</h1><pre>\n"
                     "Protocol       : %s\nCipher suite   : %s\nKey exchange   : %s\n"
                     "Forward secret : %s\nALPN           : %s\nResumed        : %s\n"
                     "</pre></body></html>\n",
                     info.version == 0x0304 ? "TLSv1.3" : "TLSv1.2",
                     info.suite_name ? info.suite_name : "?", group_words(&info),
                     forward_secrecy_words(&info), info.alpn ? info.alpn : "none",
                     info.resumed ? "yes" : "no");
    int m = snprintf(resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n\r\n%s",
                     n, body);
    (void)gls_conn_write(s->tls, resp, (size_t)m, &put); /* fits: one record's worth */
}

/* --www: reads the request until its first line has ended (LF or CRLF), answers, and
 * queues close_notify; later bytes are read and dropped. */
static void www_step(struct sconn *s, bool *progress)
{
    char buf[4096];
    size_t got = 0;
    int err;
    while ((err = gls_conn_read(s->tls, buf, sizeof buf, &got)) == GLS_OK && got > 0) {
        *progress = true;
        if (s->answered) {
            continue;
        }
        if (memchr(buf, '\n', got) != NULL) {
            queue_page(s);
            (void)gls_conn_close(s->tls);
            s->answered = true;
        } else if ((s->req_len += got) > MAX_REQUEST_LINE) {
            (void)gls_conn_close(s->tls); /* no request line in 8 KiB: not HTTP */
            s->answered = true;
        }
    }
    if (err == GLS_E_CLOSED && !s->answered) {
        (void)gls_conn_close(s->tls); /* the client left before asking: answer its close */
        s->answered = true;
    }
}

/* --echo: writes back what arrives; what the output cannot take yet waits in pend, and
 * nothing more is read until it has gone. */
static void echo_step(struct sconn *s, bool *progress)
{
    uint8_t buf[16384];
    for (;;) {
        size_t put = 0;
        if (s->pend_len > 0) {
            (void)gls_conn_write(s->tls, s->pend + s->pend_off, s->pend_len, &put);
            s->pend_off += put;
            s->pend_len -= put;
            *progress |= put > 0;
            if (s->pend_len > 0) {
                return;
            }
            free(s->pend);
            s->pend = NULL;
        }
        size_t got = 0;
        int err = gls_conn_read(s->tls, buf, sizeof buf, &got);
        if (err == GLS_E_CLOSED) {
            (void)gls_conn_close(s->tls); /* answer close_notify with ours */
            return;
        }
        if (err != GLS_OK || got == 0) {
            return;
        }
        *progress = true;
        (void)gls_conn_write(s->tls, buf, got, &put);
        if (put < got) {
            s->pend = malloc(got - put);
            if (s->pend == NULL) {
                s->eof = true;
                return;
            }
            memcpy(s->pend, buf + put, got - put);
            s->pend_off = 0;
            s->pend_len = got - put;
        }
    }
}

static void app_step(struct loop *L, struct sconn *s, bool *progress)
{
    if (s->list == L_HANDSHAKE) {
        int err = gls_conn_error(s->tls);
        if (err != GLS_OK && !s->logged) {
            fprintf(stderr, "glasstls server: handshake failed: %s: %s\n", gls_error_name(err),
                    gls_conn_error_detail(s->tls));
            s->logged = true;
        }
        if (!gls_conn_handshake_done(s->tls)) {
            return;
        }
        list_move(L, s, L_OPEN, now_ms());
        *progress = true;
        if (L->p->after_handshake != NULL) {
            L->p->after_handshake(s->tls);
        }
    }
    if (s->list != L_OPEN || gls_conn_error(s->tls) != GLS_OK) {
        return;
    }
    if (L->p->echo) {
        echo_step(s, progress);
    } else {
        www_step(s, progress);
    }
}

/* After our last byte: close our side and let the peer read it before the socket goes
 * (closing with unread input would reset the connection and lose the alert or page). */
static void start_linger(struct loop *L, struct sconn *s)
{
    shutdown(s->fd, SHUT_WR);
    list_move(L, s, L_CLOSING, now_ms());
    gls_conn_free(s->tls);
    s->tls = NULL;
}

/* Drops what arrives on a connection that is closing; frees it at the peer's end. */
static void linger_step(struct loop *L, struct sconn *s)
{
    char buf[4096];
    for (int i = 0; i < 16; i++) {
        ssize_t k = recv(s->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            conn_free(L, s);
            return;
        }
        if (k < 0) {
            return;
        }
    }
}

static void set_events(struct loop *L, struct sconn *s, uint32_t ev)
{
    if (ev != s->events) {
        struct epoll_event e = {.events = ev, .data.ptr = s};
        epoll_ctl(L->ep, EPOLL_CTL_MOD, s->fd, &e);
        s->events = ev;
    }
}

/* Moves one connection as far as it can go without waiting, then decides what to wait
 * for next, or closes it. */
static void drive(struct loop *L, struct sconn *s)
{
    if (s->dead) {
        return;
    }
    if (s->list == L_CLOSING) {
        linger_step(L, s);
        return;
    }
    if (s->tls == NULL) {
        if (!first_byte(L, s)) {
            conn_free(L, s);
            return;
        }
        if (s->tls == NULL) {
            return;
        }
    }
    bool ok = true;
    bool active = false;
    for (int round = 0; round < 16 && ok; round++) {
        bool progress = false;
        ok = pull(s, &progress);
        if (ok) {
            app_step(L, s, &progress);
            ok = push(s, &progress);
        }
        active |= progress;
        if (!progress) {
            break;
        }
    }
    if (!ok) {
        conn_free(L, s);
        return;
    }
    unsigned w = gls_conn_wants(s->tls);
    bool out = (w & GLS_WANT_NET_OUT) != 0;
    if (!out && (gls_conn_error(s->tls) != GLS_OK || s->answered || (w & GLS_CLOSED))) {
        if (s->eof) {
            conn_free(L, s);
        } else {
            start_linger(L, s);
        }
        return;
    }
    if (s->eof && !out) {
        conn_free(L, s); /* the peer left without close_notify */
        return;
    }
    if (active && s->list == L_OPEN && L->p->echo) {
        list_move(L, s, L_OPEN, now_ms()); /* the idle deadline restarts */
    } /* (--www: the request line must come within one idle period of the handshake) */
    uint32_t ev = (w & GLS_WANT_NET_IN) && !s->eof ? EPOLLIN : 0;
    set_events(L, s, ev | (out ? EPOLLOUT : 0));
}

/* ---- accepting ---- */

/* At the cap: the oldest connection that has sent nothing for a second makes room (so
 * silent sockets cannot lock real clients out); failing that, the new one is closed. */
static bool make_room(struct loop *L, int64_t now)
{
    if (L->open < L->p->max_conns) {
        return true;
    }
    struct sconn *oldest = L->lists[L_SILENT].head;
    if (oldest != NULL &&
        now - (oldest->deadline - L->lists[L_SILENT].timeout_ms) >= EVICT_SILENT_MS) {
        conn_free(L, oldest);
        rate_note(&L->evicted, now);
        return true;
    }
    return false;
}

static void accept_one(struct loop *L, int fd, int64_t now)
{
    if (!make_room(L, now)) {
        close(fd);
        rate_note(&L->refused, now);
        return;
    }
    struct sconn *s = calloc(1, sizeof *s);
    struct epoll_event e = {.events = EPOLLIN};
    if (s == NULL) {
        close(fd);
        return;
    }
    s->fd = fd;
    s->events = EPOLLIN;
    e.data.ptr = s;
    if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &e) != 0) {
        close(fd);
        free(s);
        return;
    }
    list_add(L, s, L_SILENT, now);
    L->open++;
    L->accepted++;
    if (L->p->max > 0 && L->accepted >= L->p->max) {
        L->accepting = false; /* --max: serve these, then exit */
        for (size_t i = 0; i < L->p->n_listen; i++) {
            epoll_ctl(L->ep, EPOLL_CTL_DEL, L->p->listen_fds[i], NULL);
        }
    }
}

static void accept_some(struct loop *L, int lfd)
{
    int64_t now = now_ms();
    for (int i = 0; i < 64 && L->accepting; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            accept_one(L, fd, now);
            continue;
        }
        if ((errno == EMFILE || errno == ENFILE) && L->spare_fd >= 0) {
            close(L->spare_fd); /* out of descriptors: take the connection only to close it */
            fd = accept(lfd, NULL, NULL);
            if (fd >= 0) {
                close(fd);
            }
            L->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            rate_note(&L->refused, now);
            continue;
        }
        return; /* EAGAIN, or an error of one pending connection */
    }
}

/* ---- deadlines ---- */

static void expire(struct loop *L, int64_t now)
{
    static const enum list_id order[] = {L_SILENT, L_HANDSHAKE, L_OPEN, L_CLOSING};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        struct list *l = &L->lists[order[i]];
        while (l->head != NULL && l->head->deadline <= now) {
            struct sconn *s = l->head;
            if (order[i] == L_OPEN) {
                rate_note(&L->idle_timeouts, now);
                (void)gls_conn_close(s->tls); /* a polite goodbye, if the socket takes it */
                bool ignored = false;
                (void)push(s, &ignored);
            } else if (order[i] != L_CLOSING) {
                rate_note(&L->hs_timeouts, now);
            }
            conn_free(L, s);
        }
    }
}

static int next_wait_ms(struct loop *L, int64_t now)
{
    int64_t wait = 1000; /* at least once a second: rate-limited log lines, signals */
    for (int i = 0; i < N_LISTS; i++) {
        if (L->lists[i].head != NULL && L->lists[i].head->deadline - now < wait) {
            wait = L->lists[i].head->deadline - now;
        }
    }
    return wait < 0 ? 0 : (int)wait;
}

static void flush_logs(struct loop *L, int64_t now, bool force)
{
    rate_flush(&L->refused, now, force);
    rate_flush(&L->evicted, now, force);
    rate_flush(&L->hs_timeouts, now, force);
    rate_flush(&L->idle_timeouts, now, force);
}

static void loop_init(struct loop *L, const struct serve_params *p)
{
    static char refused[96];
    memset(L, 0, sizeof *L);
    L->p = p;
    L->accepting = true;
    L->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    L->lists[L_SILENT].timeout_ms = p->handshake_ms;
    L->lists[L_HANDSHAKE].timeout_ms = p->handshake_ms;
    L->lists[L_OPEN].timeout_ms = p->idle_ms;
    L->lists[L_CLOSING].timeout_ms = p->idle_ms < LINGER_MS ? p->idle_ms : LINGER_MS;
    snprintf(refused, sizeof refused,
             "new connection(s) closed at once: %zu open, the limit (--max-conns)", p->max_conns);
    L->refused.what = refused;
    L->evicted.what = "connection(s) silent for a second or more closed at the limit to make room";
    L->hs_timeouts.what = "connection(s) closed at the handshake deadline (--handshake-timeout)";
    L->idle_timeouts.what = "idle connection(s) closed (--idle-timeout)";
}

/* see serve.h */
int serve_loop(const struct serve_params *p)
{
    struct loop L;
    struct epoll_event evs[256];
    loop_init(&L, p);
    L.ep = epoll_create1(EPOLL_CLOEXEC);
    if (L.ep < 0) {
        return GLS_E_IO;
    }
    for (size_t i = 0; i < p->n_listen; i++) {
        struct epoll_event e = {.events = EPOLLIN, .data.u64 = i};
        epoll_ctl(L.ep, EPOLL_CTL_ADD, p->listen_fds[i], &e);
    }
    while (!*p->stopping && (L.accepting || L.open > 0)) {
        int64_t now = now_ms();
        int n = epoll_wait(L.ep, evs, 256, next_wait_ms(&L, now));
        if (n < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 < p->n_listen) { /* listeners carry their index */
                accept_some(&L, p->listen_fds[evs[i].data.u64]);
            } else {
                drive(&L, evs[i].data.ptr);
            }
        }
        now = now_ms();
        expire(&L, now);
        reap(&L);
        flush_logs(&L, now, false);
    }
    for (int i = 0; i < N_LISTS; i++) {
        while (L.lists[i].head != NULL) {
            conn_free(&L, L.lists[i].head);
        }
    }
    reap(&L);
    flush_logs(&L, now_ms(), true);
    close(L.ep);
    if (L.spare_fd >= 0) {
        close(L.spare_fd);
    }
    return GLS_OK;
}
