/* tool/fleet.c — ticket keys and TLS 1.2 sessions shared by a fleet of
 * `glasstls server` processes through Redis (hiredis; the library itself only
 * offers the hooks), a static ticket-key file, and the client's session file.
 *
 * Redis layout, under NAME from redis://HOST:PORT/NAME:
 *   NAME              the ticket keys, current first: lines "CREATED NAME_HEX SECRET_HEX"
 *   NAME:rotate:T     a lock (SET NX, 30 s) taken by the one server that replaces the
 *                     current key made at T
 *   NAME:sid:ID_HEX   a TLS 1.2 session by id (the library's session bytes), with its lifetime
 * Every server may rotate: the first to see the current key's period over takes
 * the lock, puts a fresh key first and keeps the previous one after it (so its
 * tickets still open); the others pick the new keys up when they ask again.
 * When Redis is unreachable the servers go on: with the ticket keys they hold,
 * and with full handshakes instead of session-id resumption. One line is
 * logged when the store goes away and one when it is back. */
#include <errno.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fleet.h"

#define KEYS_KEPT      2 /* the current key and the previous one */
#define LOCK_SECONDS   30
#define RECONNECT_WAIT 1 /* seconds between attempts while the store is down */

static struct {
    const char *ticket_keys;
    uint32_t period;
    const char *session_cache;
    const char *keymat_label;
    size_t keymat_len;
    const char *sess_out;
    const char *sess_in;
} fo = {.period = 3600, .keymat_len = 20};

/* One Redis connection, shared by the server's threads under a lock. */
struct store {
    pthread_mutex_t lock;
    const char *what; /* "ticket-key store", "session cache" */
    char host[256];
    int port;
    char name[256];
    redisContext *ctx;
    bool down;
    time_t retry_at;
};

static struct store key_store = {.lock = PTHREAD_MUTEX_INITIALIZER, .what = "ticket-key store"};
static struct store sid_store = {.lock = PTHREAD_MUTEX_INITIALIZER, .what = "session cache"};

/* see fleet.h */
int fleet_option(int opt, const char *arg)
{
    switch (opt) {
    case FLEET_OPT_TICKET_KEYS:
        fo.ticket_keys = arg;
        return GLS_OK;
    case FLEET_OPT_TICKET_PERIOD:
        fo.period = (uint32_t)strtoul(arg, NULL, 10);
        return fo.period > 0 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    case FLEET_OPT_SESSION_CACHE:
        fo.session_cache = arg;
        return strncmp(arg, "redis://", 8) == 0 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    case FLEET_OPT_KEYMAT_LABEL:
        fo.keymat_label = arg;
        return GLS_OK;
    case FLEET_OPT_KEYMAT_LEN:
        fo.keymat_len = strtoul(arg, NULL, 10);
        return fo.keymat_len > 0 && fo.keymat_len <= 1024 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    case FLEET_OPT_SESS_OUT:
        fo.sess_out = arg;
        return GLS_OK;
    case FLEET_OPT_SESS_IN:
        fo.sess_in = arg;
        return GLS_OK;
    default:
        return GLS_E_UNSUPPORTED;
    }
}

/* redis://HOST:PORT/NAME into s. */
static int parse_url(const char *url, struct store *s)
{
    const char *p = url + 8;
    const char *colon = strchr(p, ':');
    const char *slash = colon ? strchr(colon, '/') : NULL;
    if (strncmp(url, "redis://", 8) != 0 || colon == NULL || slash == NULL || slash[1] == 0 ||
        (size_t)(colon - p) >= sizeof s->host || strlen(slash + 1) >= sizeof s->name) {
        return GLS_E_INVALID_ARGUMENT;
    }
    memcpy(s->host, p, (size_t)(colon - p));
    s->host[colon - p] = 0;
    s->port = atoi(colon + 1);
    snprintf(s->name, sizeof s->name, "%s", slash + 1);
    return s->port > 0 && s->port < 65536 ? GLS_OK : GLS_E_INVALID_ARGUMENT;
}

/* Logs a change of the store's state, once per change. */
static void store_state(struct store *s, bool up, const char *why)
{
    if (up && s->down) {
        fprintf(stderr, "glasstls server: %s redis://%s:%d/%s is reachable again\n", s->what,
                s->host, s->port, s->name);
    } else if (!up && !s->down) {
        fprintf(stderr,
                "glasstls server: %s redis://%s:%d/%s is unreachable (%s): serving on with %s\n",
                s->what, s->host, s->port, s->name, why,
                s == &key_store ? "the ticket keys already held"
                                : "full handshakes for TLS 1.2 session ids");
    }
    s->down = !up;
}

/* A command on the store (lock held), connecting first if needed; NULL if the
 * store cannot be reached. The caller frees the reply. */
static redisReply *store_command(struct store *s, const char *fmt, ...)
{
    struct timeval tv = {0, 300 * 1000};
    time_t now = time(NULL);
    if (s->ctx == NULL) {
        if (s->down && now < s->retry_at) {
            return NULL;
        }
        s->ctx = redisConnectWithTimeout(s->host, s->port, tv);
        if (s->ctx == NULL || s->ctx->err) {
            store_state(s, false, s->ctx ? s->ctx->errstr : "out of memory");
            redisFree(s->ctx);
            s->ctx = NULL;
            s->retry_at = now + RECONNECT_WAIT;
            return NULL;
        }
        redisSetTimeout(s->ctx, tv);
    }
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(s->ctx, fmt, ap);
    va_end(ap);
    if (r == NULL) { /* the connection broke: drop it, try again next time */
        store_state(s, false, s->ctx->errstr[0] ? s->ctx->errstr : "connection lost");
        redisFree(s->ctx);
        s->ctx = NULL;
        s->retry_at = now + RECONNECT_WAIT;
        return NULL;
    }
    store_state(s, true, NULL);
    return r;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

static bool unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            return false;
        }
        out[i] = (uint8_t)v;
    }
    return s[2 * n] == 0 || s[2 * n] == ' ' || s[2 * n] == '\n';
}

/* "CREATED NAME SECRET" lines into keys; returns how many (0 if malformed). */
static size_t parse_keys(const char *text, gls_ticket_key *keys, size_t cap)
{
    size_t n = 0;
    const char *line = text;
    while (line != NULL && *line != 0 && n < cap) {
        char name[33], secret[65];
        long long created;
        if (sscanf(line, "%lld %32s %64s", &created, name, secret) != 3 ||
            !unhex(name, keys[n].name, sizeof keys[n].name) ||
            !unhex(secret, keys[n].secret, sizeof keys[n].secret)) {
            return 0;
        }
        keys[n++].created = created;
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return n;
}

static size_t format_keys(const gls_ticket_key *keys, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < n && len < cap; i++) {
        char name[33], secret[65];
        hex(keys[i].name, sizeof keys[i].name, name);
        hex(keys[i].secret, sizeof keys[i].secret, secret);
        len += (size_t)snprintf(out + len, cap - len, "%lld %s %s\n", (long long)keys[i].created,
                                name, secret);
    }
    return len;
}

static int fresh_key(gls_ticket_key *k, int64_t now)
{
    k->created = now;
    return getrandom(k->name, sizeof k->name, 0) == (ssize_t)sizeof k->name &&
                   getrandom(k->secret, sizeof k->secret, 0) == (ssize_t)sizeof k->secret
               ? GLS_OK
               : GLS_E_RNG;
}

/* The keys stored in Redis, rotated first if their period is over and we get
 * the lock. -1 if the store is unreachable. */
static long redis_keys(int64_t now, gls_ticket_key *keys, size_t cap)
{
    struct store *s = &key_store;
    char text[1024];
    long n = -1;
    pthread_mutex_lock(&s->lock);
    redisReply *r = store_command(s, "GET %s", s->name);
    if (r != NULL) {
        n = r->type == REDIS_REPLY_STRING ? (long)parse_keys(r->str, keys, cap) : 0;
        freeReplyObject(r);
    }
    if (n >= 0 && (n == 0 || now - keys[0].created >= (int64_t)fo.period)) {
        /* one lock per generation: only one server replaces a given current key */
        r = store_command(s, "SET %s:rotate:%lld 1 NX EX %d", s->name,
                          n > 0 ? (long long)keys[0].created : 0LL, LOCK_SECONDS);
        bool mine = r != NULL && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        if (mine && fresh_key(&keys[n > 0 ? 1 : 0], now) == GLS_OK) {
            if (n > 0) { /* new key first, the previous one still accepted */
                gls_ticket_key t = keys[0];
                keys[0] = keys[1];
                keys[1] = t;
            }
            n = n + 1 > KEYS_KEPT ? KEYS_KEPT : n + 1;
            size_t len = format_keys(keys, (size_t)n, text, sizeof text);
            r = store_command(s, "SET %s %b", s->name, text, len);
            freeReplyObject(r);
            fprintf(stderr, "glasstls server: rotated the ticket keys in redis://%s:%d/%s\n",
                    s->host, s->port, s->name);
            memset(text, 0, sizeof text);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* The library's rotation hook: asked when the current key's period is over. */
static size_t rotate_hook(void *arg, int64_t now, gls_ticket_key *keys, size_t cap)
{
    (void)arg;
    long n = redis_keys(now, keys, cap);
    return n > 0 ? (size_t)n : 0; /* store down: keep the keys we have */
}

/* A static key file: read it, or make it with one fresh key (mode 0600). */
static int file_keys(gls_config *cfg, const char *path)
{
    gls_ticket_key keys[GLS_TICKET_KEYS_MAX];
    char text[1024];
    size_t len = 0;
    size_t n = 0;
    memset(keys, 0, sizeof keys);
    if (session_file_read(path, (uint8_t *)text, sizeof text - 1, &len) == GLS_OK) {
        text[len] = 0;
        n = parse_keys(text, keys, GLS_TICKET_KEYS_MAX);
        if (n == 0) {
            fprintf(stderr, "glasstls server: %s: not a ticket-key file\n", path);
            return GLS_E_FILE;
        }
    } else {
        if (errno != ENOENT || fresh_key(&keys[0], (int64_t)time(NULL)) != GLS_OK) {
            fprintf(stderr, "glasstls server: %s: %s\n", path, strerror(errno));
            return GLS_E_FILE;
        }
        n = 1;
        len = format_keys(keys, n, text, sizeof text);
        if (session_file_write(path, (const uint8_t *)text, len) != GLS_OK) {
            fprintf(stderr, "glasstls server: cannot write %s\n", path);
            return GLS_E_FILE;
        }
        fprintf(stderr, "glasstls server: made a ticket key in %s\n", path);
    }
    memset(text, 0, sizeof text);
    int err = gls_config_set_ticket_keys(cfg, keys, n);
    memset(keys, 0, sizeof keys);
    return err;
}

/* ---- TLS 1.2 session ids in Redis (the library's session-id cache hooks) ---- */

static void sid_key(const uint8_t *id, size_t id_len, char *out, size_t cap)
{
    char h[2 * 32 + 1];
    hex(id, id_len < 32 ? id_len : 32, h);
    snprintf(out, cap, "%s:sid:%s", sid_store.name, h);
}

static int sid_put(void *arg, const uint8_t *id, size_t id_len, const uint8_t *session, size_t len,
                   uint32_t lifetime)
{
    char key[512];
    (void)arg;
    sid_key(id, id_len, key, sizeof key);
    pthread_mutex_lock(&sid_store.lock);
    redisReply *r = store_command(&sid_store, "SET %s %b EX %u", key, session, len, lifetime);
    int err = r != NULL && r->type == REDIS_REPLY_STATUS ? GLS_OK : GLS_E_IO;
    freeReplyObject(r);
    pthread_mutex_unlock(&sid_store.lock);
    return err;
}

static int sid_get(void *arg, const uint8_t *id, size_t id_len, uint8_t *buf, size_t cap,
                   size_t *len)
{
    char key[512];
    (void)arg;
    sid_key(id, id_len, key, sizeof key);
    pthread_mutex_lock(&sid_store.lock);
    redisReply *r = store_command(&sid_store, "GET %s", key);
    int err = GLS_E_IO;
    if (r != NULL && r->type == REDIS_REPLY_STRING && r->len <= cap) {
        memcpy(buf, r->str, r->len);
        *len = r->len;
        err = GLS_OK;
    }
    freeReplyObject(r);
    pthread_mutex_unlock(&sid_store.lock);
    return err;
}

static void sid_remove(void *arg, const uint8_t *id, size_t id_len)
{
    char key[512];
    (void)arg;
    sid_key(id, id_len, key, sizeof key);
    pthread_mutex_lock(&sid_store.lock);
    freeReplyObject(store_command(&sid_store, "DEL %s", key));
    pthread_mutex_unlock(&sid_store.lock);
}

/* see fleet.h */
int fleet_server_setup(gls_config *cfg)
{
    int err = GLS_OK;
    if (fo.ticket_keys != NULL && strncmp(fo.ticket_keys, "redis://", 8) == 0) {
        gls_ticket_key keys[GLS_TICKET_KEYS_MAX];
        if (parse_url(fo.ticket_keys, &key_store) != GLS_OK) {
            return GLS_E_INVALID_ARGUMENT;
        }
        long n = redis_keys((int64_t)time(NULL), keys, GLS_TICKET_KEYS_MAX);
        if (n > 0) {
            err = gls_config_set_ticket_keys(cfg, keys, (size_t)n);
        }
        memset(keys, 0, sizeof keys);
        err = err ? err : gls_config_set_ticket_rotation(cfg, fo.period, rotate_hook, NULL);
        if (err == GLS_OK) {
            fprintf(stderr, "ticket keys: redis://%s:%d/%s (period %u s)%s\n", key_store.host,
                    key_store.port, key_store.name, fo.period,
                    n > 0 ? "" : "; own keys until the store answers");
        }
    } else if (fo.ticket_keys != NULL) {
        err = file_keys(cfg, fo.ticket_keys);
    }
    if (err == GLS_OK && fo.session_cache != NULL) {
        if (parse_url(fo.session_cache, &sid_store) != GLS_OK) {
            return GLS_E_INVALID_ARGUMENT;
        }
        err = gls_config_set_session_id_cache(cfg, sid_put, sid_get, sid_remove, NULL);
        fprintf(stderr, "TLS 1.2 session cache: redis://%s:%d/%s\n", sid_store.host, sid_store.port,
                sid_store.name);
    }
    return err;
}

static void save_session(void *arg, gls_conn *c, const uint8_t *session, size_t len)
{
    (void)arg;
    (void)c;
    if (session_file_write(fo.sess_out, session, len) != GLS_OK) {
        fprintf(stderr, "glasstls: cannot write the session to %s\n", fo.sess_out);
    }
}

/* see fleet.h */
int fleet_client_setup(gls_config *cfg)
{
    return fo.sess_out != NULL ? gls_config_set_session_callback(cfg, save_session, NULL) : GLS_OK;
}

/* see fleet.h */
void fleet_client_conn(gls_conn *c)
{
    uint8_t buf[GLS_SESSION_MAX];
    size_t len = 0;
    if (c == NULL || fo.sess_in == NULL) {
        return;
    }
    if (session_file_read(fo.sess_in, buf, sizeof buf, &len) != GLS_OK) {
        fprintf(stderr, "glasstls: cannot read the session in %s: full handshake\n", fo.sess_in);
        return;
    }
    int err = gls_conn_set_session(c, buf, len);
    memset(buf, 0, sizeof buf);
    if (err != GLS_OK) {
        fprintf(stderr, "glasstls: cannot offer the session: %s\n", gls_error_message(err));
    }
}

/* see fleet.h */
void fleet_after_handshake(gls_conn *c)
{
    uint8_t out[1024];
    char line[2 * sizeof out + 1];
    if (fo.keymat_label == NULL) {
        return;
    }
    int err = gls_conn_export_keying_material(c, fo.keymat_label, NULL, 0, out, fo.keymat_len);
    if (err != GLS_OK) {
        fprintf(stderr, "Keying material: none (%s)\n", gls_error_message(err));
        return;
    }
    for (size_t i = 0; i < fo.keymat_len; i++) {
        snprintf(line + 2 * i, 3, "%02X", out[i]);
    }
    fprintf(stderr, "Keying material: %s\n", line);
}

/* see fleet.h */
void fleet_shutdown(void)
{
    redisFree(key_store.ctx);
    key_store.ctx = NULL;
    redisFree(sid_store.ctx);
    sid_store.ctx = NULL;
}
