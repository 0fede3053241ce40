/* bench/bench_libs.c — glasstls, OpenSSL's libssl and GnuTLS set up alike for
 * each scenario of bench_util.h, and driven over the same pipes. Every client
 * verifies the chain against the one trust anchor and checks the host name.
 * Full-handshake scenarios issue no tickets and cache no sessions anywhere;
 * resumption scenarios issue exactly one ticket (or keep one session by id)
 * per connection in every library. GnuTLS brings its own crypto (nettle, GMP);
 * glasstls and libssl share libcrypto. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <openssl/core_names.h>
#include <openssl/ssl.h>

#include "bench_util.h"
#include "glasstls/gls.h"
#include "hs/cfg.h" /* no_tickets: TLS 1.2 sessions by id only (no public setter yet) */

#define SESSION_SLOTS 64

struct gnutls_slot {
    uint8_t id[64];
    size_t id_len;
    uint8_t *data;
    size_t len;
};

struct bench_ep {
    enum bench_lib lib;
    const struct bench_scn *scn;
    gls_config *gs;
    gls_config *gc;
    SSL_CTX *os;
    SSL_CTX *oc;
    SSL_SESSION *osess;
    gnutls_certificate_credentials_t tsc;
    gnutls_certificate_credentials_t tcc;
    gnutls_priority_t tprio;
    gnutls_datum_t tkey;                     /* server ticket key */
    gnutls_datum_t tsess;                    /* the client's session to offer */
    struct gnutls_slot slots[SESSION_SLOTS]; /* the server's session-id cache */
    size_t next_slot;
    bool resumable; /* a session is there to offer */
};

struct end {
    struct bench_pipe *in;
    struct bench_pipe *out;
};

struct bench_pair {
    struct bench_ep *ep;
    struct bench_pipe c2s;
    struct bench_pipe s2c;
    struct end ends[2]; /* client, server */
    gls_conn *g[2];
    SSL *o[2];
    gnutls_session_t t[2];
    bool alive[2];
};

static bool resumes(const struct bench_ep *ep)
{
    return ep->scn->resume != BENCH_FULL;
}

/* ---- glasstls ---- */

static gls_config *gls_cfg(const struct bench_scn *scn, bool server)
{
    uint16_t group = scn->kx == BENCH_FFDHE2048 ? 0x0100 : 0x001d;
    gls_config *cfg = gls_config_new();
    const struct bench_cert *bc = bench_cert_get(scn->cert);
    if (cfg == NULL || gls_config_set_versions(cfg, scn->version, scn->version) != GLS_OK ||
        gls_config_set_suites(cfg, &scn->suite, 1) != GLS_OK ||
        gls_config_set_groups(cfg, &group, 1) != GLS_OK ||
        gls_config_enable_rsa_key_exchange(cfg, scn->kx == BENCH_RSA_KX) != GLS_OK ||
        gls_config_set_resumption(cfg, scn->resume != BENCH_FULL, 7200) != GLS_OK ||
        gls_config_set_open_on_read(cfg, scn->gls_open_on_read) != GLS_OK) {
        bench_die("glasstls config");
    }
    cfg->no_tickets = scn->resume == BENCH_SESSION_ID;
    int err = server ? gls_config_add_cert_pem(cfg, (const uint8_t *)bc->cert_pem, bc->cert_len,
                                               (const uint8_t *)bc->key_pem, bc->key_len)
                     : gls_config_set_ca(cfg, bc->ca_path, NULL);
    if (err != GLS_OK) {
        bench_die("glasstls certificate or trust");
    }
    return cfg;
}

static size_t gls_flush(gls_conn *from, struct bench_pipe *p)
{
    size_t moved = 0;
    size_t len = 0;
    const uint8_t *out = gls_conn_net_out(from, &len);
    while (len > 0) {
        size_t k = bench_pipe_write(p, out, len);
        if (k == 0) {
            break;
        }
        gls_conn_net_out_done(from, k);
        moved += k;
        out = gls_conn_net_out(from, &len);
    }
    return moved;
}

static size_t gls_feed(gls_conn *to, struct bench_pipe *p)
{
    size_t moved = 0;
    while (bench_pipe_len(p) > 0) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t k = bench_pipe_read(p, in, room);
        if (k == 0) {
            break; /* the receiver's plaintext must be read first */
        }
        moved += k;
        if (gls_conn_net_in_done(to, k) != GLS_OK) {
            break;
        }
    }
    return moved;
}

static bool gls_pump(struct bench_pair *p)
{
    gls_conn *c = p->g[0];
    gls_conn *s = p->g[1];
    for (int round = 0; round < 100; round++) {
        size_t m = gls_flush(c, &p->c2s) + gls_feed(s, &p->c2s);
        m += gls_flush(s, &p->s2c) + gls_feed(c, &p->s2c);
        if (m == 0) {
            break;
        }
    }
    return gls_conn_error(c) == GLS_OK && gls_conn_error(s) == GLS_OK &&
           gls_conn_handshake_done(c) && gls_conn_handshake_done(s);
}

static bool gls_connect(struct bench_pair *p)
{
    gls_conn_info info;
    struct bench_ep *ep = p->ep;
    p->g[0] = gls_client_new(ep->gc, BENCH_HOST);
    p->g[1] = gls_server_new(ep->gs);
    p->alive[0] = p->g[0] != NULL;
    p->alive[1] = p->g[1] != NULL;
    bool pumped = p->alive[0] && p->alive[1] && gls_pump(p);
    if (!pumped && getenv("GLS_BENCH_DEBUG") != NULL) {
        fprintf(stderr, "glasstls: client %s / server %s\n", gls_conn_error_detail(p->g[0]),
                gls_conn_error_detail(p->g[1]));
    }
    return pumped && gls_conn_get_info(p->g[0], &info) == GLS_OK && info.peer_verified &&
           info.suite == ep->scn->suite && info.version == ep->scn->version &&
           (info.resumed != 0) == ep->resumable;
}

static bool gls_move(struct bench_pair *p, int from, const uint8_t *in, uint8_t *out, size_t n)
{
    gls_conn *w = p->g[from];
    gls_conn *r = p->g[1 - from];
    struct bench_pipe *pipe = from == 0 ? &p->c2s : &p->s2c;
    size_t put = 0;
    size_t got = 0;
    while (put < n) {
        size_t k = 0;
        if (gls_conn_write(w, in + put, n - put, &k) != GLS_OK) {
            return false;
        }
        put += k;
        gls_flush(w, pipe);
    }
    while (got < n) {
        size_t k = 0;
        gls_flush(w, pipe);
        gls_feed(r, pipe);
        int err = gls_conn_read(r, out + got, n - got, &k);
        if (err != GLS_OK && err != GLS_E_WANT_READ) {
            return false;
        }
        if (err == GLS_E_WANT_READ && bench_pipe_len(pipe) == 0 && k == 0) {
            return false;
        }
        got += k;
    }
    return true;
}

/* ---- OpenSSL ---- */

static BIO_METHOD *pipe_method;

static int bio_write(BIO *b, const char *buf, int len)
{
    struct end *e = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    size_t k = bench_pipe_write(e->out, (const uint8_t *)buf, (size_t)len);
    if (k == 0) {
        BIO_set_retry_write(b);
        return -1;
    }
    return (int)k;
}

static int bio_read(BIO *b, char *buf, int len)
{
    struct end *e = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    size_t k = bench_pipe_read(e->in, (uint8_t *)buf, (size_t)len);
    if (k == 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    return (int)k;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct end *e = BIO_get_data(b);
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PENDING:
        return (long)bench_pipe_len(e->in);
    default:
        return 0;
    }
}

static BIO *pipe_bio(struct end *e)
{
    if (pipe_method == NULL) {
        pipe_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bench pipe");
        if (pipe_method == NULL || BIO_meth_set_write(pipe_method, bio_write) != 1 ||
            BIO_meth_set_read(pipe_method, bio_read) != 1 ||
            BIO_meth_set_ctrl(pipe_method, bio_ctrl) != 1) {
            bench_die("BIO method");
        }
    }
    BIO *b = BIO_new(pipe_method);
    if (b == NULL) {
        bench_die("BIO");
    }
    BIO_set_data(b, e);
    BIO_set_init(b, 1);
    return b;
}

static EVP_PKEY *ffdhe2048(void)
{
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    if (ctx == NULL || EVP_PKEY_paramgen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_group_name(ctx, "ffdhe2048") != 1 || EVP_PKEY_paramgen(ctx, &pk) != 1) {
        bench_die("ffdhe2048 parameters");
    }
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static SSL_CTX *ossl_ctx(const struct bench_scn *scn, bool server)
{
    const struct bench_cert *bc = bench_cert_get(scn->cert);
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    int v = scn->version == 0x0304 ? TLS1_3_VERSION : TLS1_2_VERSION;
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, v) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, v) != 1 ||
        SSL_CTX_set1_groups_list(ctx, "X25519") != 1 ||
        (v == TLS1_3_VERSION ? SSL_CTX_set_ciphersuites(ctx, scn->ossl_suite)
                             : SSL_CTX_set_cipher_list(ctx, scn->ossl_suite)) != 1) {
        bench_die("OpenSSL context");
    }
    /* sessions: kept by hand on the client; a server cache only for session ids */
    SSL_CTX_set_session_cache_mode(ctx, server && scn->resume == BENCH_SESSION_ID
                                            ? SSL_SESS_CACHE_SERVER
                                            : SSL_SESS_CACHE_OFF);
    if (scn->resume != BENCH_TICKET) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    if (server) {
        if (SSL_CTX_use_certificate(ctx, bc->x509) != 1 ||
            SSL_CTX_use_PrivateKey(ctx, bc->key) != 1 ||
            SSL_CTX_set_num_tickets(ctx, scn->resume == BENCH_TICKET ? 1 : 0) != 1) {
            bench_die("OpenSSL server context");
        }
        if (scn->kx == BENCH_FFDHE2048 && SSL_CTX_set0_tmp_dh_pkey(ctx, ffdhe2048()) != 1) {
            bench_die("OpenSSL DH parameters");
        }
    } else {
        if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), bc->x509) != 1) {
            bench_die("OpenSSL trust anchor");
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    return ctx;
}

static bool ossl_step_ok(SSL *s, int rc)
{
    int e = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(s, rc);
    return e == SSL_ERROR_NONE || e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

static bool ossl_connect(struct bench_pair *p)
{
    struct bench_ep *ep = p->ep;
    SSL *c = p->o[0] = SSL_new(ep->oc);
    SSL *s = p->o[1] = SSL_new(ep->os);
    p->alive[0] = c != NULL;
    p->alive[1] = s != NULL;
    if (c == NULL || s == NULL) {
        return false;
    }
    BIO *cb = pipe_bio(&p->ends[0]);
    BIO *sb = pipe_bio(&p->ends[1]);
    SSL_set_bio(c, cb, cb); /* one BIO for both directions: SSL_set_bio takes one reference */
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (SSL_set_tlsext_host_name(c, BENCH_HOST) != 1 || SSL_set1_host(c, BENCH_HOST) != 1 ||
        (ep->resumable && SSL_set_session(c, ep->osess) != 1)) {
        return false;
    }
    bool done = false;
    for (int round = 0; round < 100 && !done; round++) {
        int rc = SSL_do_handshake(c);
        int rs = SSL_do_handshake(s);
        done = rc == 1 && rs == 1;
        if (!ossl_step_ok(c, rc) || !ossl_step_ok(s, rs)) {
            return false;
        }
    }
    return done && SSL_get_verify_result(c) == X509_V_OK &&
           (SSL_CIPHER_get_id(SSL_get_current_cipher(c)) & 0xffff) == ep->scn->suite &&
           SSL_session_reused(c) == (ep->resumable ? 1 : 0);
}

/* Takes the ticket (TLS 1.3: read after the handshake) and keeps the session. */
static bool ossl_keep_session(struct bench_pair *p)
{
    struct bench_ep *ep = p->ep;
    SSL *c = p->o[0];
    if (ep->scn->version == 0x0304) {
        uint8_t byte;
        int rd = SSL_read(c, &byte, 1);
        if (rd > 0 || SSL_get_error(c, rd) != SSL_ERROR_WANT_READ) {
            return false;
        }
    }
    SSL_SESSION_free(ep->osess);
    ep->osess = SSL_get1_session(c);
    /* closed cleanly (without sending close_notify): else SSL_free marks the
     * session bad and it cannot be resumed */
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(p->o[1], SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN); /* its cache too */
    return ep->osess != NULL && SSL_SESSION_is_resumable(ep->osess);
}

static bool ossl_move(struct bench_pair *p, int from, const uint8_t *in, uint8_t *out, size_t n)
{
    SSL *w = p->o[from];
    SSL *r = p->o[1 - from];
    size_t got = 0;
    if (SSL_write(w, in, (int)n) != (int)n) {
        return false;
    }
    while (got < n) {
        int k = SSL_read(r, out + got, (int)(n - got));
        if (k <= 0) {
            return false;
        }
        got += (size_t)k;
    }
    return true;
}

/* ---- GnuTLS ---- */

static ssize_t t_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct end *e = ptr;
    size_t k = bench_pipe_write(e->out, data, len);
    if (k == 0) {
        errno = EAGAIN;
        return -1;
    }
    return (ssize_t)k;
}

static ssize_t t_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct end *e = ptr;
    size_t k = bench_pipe_read(e->in, data, len);
    if (k == 0) {
        errno = EAGAIN;
        return -1;
    }
    return (ssize_t)k;
}

static int t_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    struct end *e = ptr;
    (void)ms;
    return bench_pipe_len(e->in) > 0 ? 1 : 0;
}

static int db_store(void *ptr, gnutls_datum_t key, gnutls_datum_t data)
{
    struct bench_ep *ep = ptr;
    struct gnutls_slot *s = &ep->slots[ep->next_slot++ % SESSION_SLOTS];
    if (key.size > sizeof s->id) {
        return -1;
    }
    free(s->data);
    s->data = malloc(data.size);
    if (s->data == NULL) {
        return -1;
    }
    memcpy(s->data, data.data, data.size);
    s->len = data.size;
    memcpy(s->id, key.data, key.size);
    s->id_len = key.size;
    return 0;
}

static gnutls_datum_t db_retrieve(void *ptr, gnutls_datum_t key)
{
    struct bench_ep *ep = ptr;
    gnutls_datum_t d = {NULL, 0};
    for (size_t i = 0; i < SESSION_SLOTS; i++) {
        struct gnutls_slot *s = &ep->slots[i];
        if (s->data != NULL && s->id_len == key.size && memcmp(s->id, key.data, key.size) == 0) {
            d.data = gnutls_malloc(s->len);
            if (d.data != NULL) {
                memcpy(d.data, s->data, s->len);
                d.size = (unsigned)s->len;
            }
            break;
        }
    }
    return d;
}

static int db_remove(void *ptr, gnutls_datum_t key)
{
    struct bench_ep *ep = ptr;
    for (size_t i = 0; i < SESSION_SLOTS; i++) {
        struct gnutls_slot *s = &ep->slots[i];
        if (s->data != NULL && s->id_len == key.size && memcmp(s->id, key.data, key.size) == 0) {
            free(s->data);
            s->data = NULL;
            return 0;
        }
    }
    return -1;
}

static void gnutls_setup(struct bench_ep *ep)
{
    const struct bench_cert *bc = bench_cert_get(ep->scn->cert);
    gnutls_datum_t cert = {(unsigned char *)bc->cert_pem, (unsigned)bc->cert_len};
    gnutls_datum_t key = {(unsigned char *)bc->key_pem, (unsigned)bc->key_len};
    if (gnutls_certificate_allocate_credentials(&ep->tsc) < 0 ||
        gnutls_certificate_allocate_credentials(&ep->tcc) < 0 ||
        gnutls_certificate_set_x509_key_mem2(ep->tsc, &cert, &key, GNUTLS_X509_FMT_PEM, NULL, 0) <
            0 ||
        gnutls_certificate_set_x509_trust_mem(ep->tcc, &cert, GNUTLS_X509_FMT_PEM) != 1 ||
        gnutls_priority_init(&ep->tprio, ep->scn->gnutls_prio, NULL) < 0) {
        bench_die("GnuTLS credentials");
    }
    if (ep->scn->kx == BENCH_FFDHE2048) {
        gnutls_certificate_set_known_dh_params(ep->tsc, GNUTLS_SEC_PARAM_MEDIUM);
    }
    if (ep->scn->resume == BENCH_TICKET && gnutls_session_ticket_key_generate(&ep->tkey) < 0) {
        bench_die("GnuTLS ticket key");
    }
}

static gnutls_session_t t_session(struct bench_pair *p, int side)
{
    struct bench_ep *ep = p->ep;
    const struct bench_scn *scn = ep->scn;
    gnutls_session_t s = NULL;
    unsigned flags = (side ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK;
    if (scn->resume != BENCH_TICKET) {
        flags |= GNUTLS_NO_TICKETS;
    } else if (side == 1) {
        flags |= GNUTLS_NO_AUTO_SEND_TICKET; /* one ticket, sent below, as the others do */
    }
    if (gnutls_init(&s, flags) < 0 || gnutls_priority_set(s, ep->tprio) < 0 ||
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, side ? ep->tsc : ep->tcc) < 0) {
        bench_die("GnuTLS session");
    }
    gnutls_transport_set_ptr(s, &p->ends[side]);
    gnutls_transport_set_push_function(s, t_push);
    gnutls_transport_set_pull_function(s, t_pull);
    gnutls_transport_set_pull_timeout_function(s, t_pull_timeout);
    if (side == 1 && scn->resume == BENCH_TICKET &&
        gnutls_session_ticket_enable_server(s, &ep->tkey) < 0) {
        bench_die("GnuTLS tickets");
    }
    if (side == 1 && scn->resume == BENCH_SESSION_ID) {
        gnutls_db_set_retrieve_function(s, db_retrieve);
        gnutls_db_set_store_function(s, db_store);
        gnutls_db_set_remove_function(s, db_remove);
        gnutls_db_set_ptr(s, ep);
    }
    if (side == 0) {
        if (gnutls_server_name_set(s, GNUTLS_NAME_DNS, BENCH_HOST, strlen(BENCH_HOST)) < 0) {
            bench_die("GnuTLS server name");
        }
        gnutls_session_set_verify_cert(s, BENCH_HOST, 0);
        if (ep->resumable && gnutls_session_set_data(s, ep->tsess.data, ep->tsess.size) < 0) {
            bench_die("GnuTLS session data");
        }
    }
    return s;
}

static bool t_step(gnutls_session_t s, bool *done)
{
    if (*done) {
        return true;
    }
    int rc = gnutls_handshake(s);
    *done = rc == 0;
    return rc == 0 || rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED;
}

static bool gnutls_connect(struct bench_pair *p)
{
    struct bench_ep *ep = p->ep;
    gnutls_session_t c = p->t[0] = t_session(p, 0);
    gnutls_session_t s = p->t[1] = t_session(p, 1);
    bool cd = false;
    bool sd = false;
    p->alive[0] = p->alive[1] = true;
    for (int round = 0; round < 100 && !(cd && sd); round++) {
        if (!t_step(c, &cd) || !t_step(s, &sd)) {
            return false;
        }
    }
    return cd && sd && (gnutls_session_is_resumed(c) != 0) == ep->resumable &&
           gnutls_cipher_get(c) == (ep->scn->suite == 0x1303 ? GNUTLS_CIPHER_CHACHA20_POLY1305
                                                             : GNUTLS_CIPHER_AES_128_GCM) &&
           gnutls_protocol_get_version(c) ==
               (ep->scn->version == 0x0304 ? GNUTLS_TLS1_3 : GNUTLS_TLS1_2);
}

static bool gnutls_keep_session(struct bench_pair *p)
{
    struct bench_ep *ep = p->ep;
    gnutls_session_t c = p->t[0];
    if (ep->scn->version == 0x0304) {
        uint8_t byte;
        if (gnutls_session_ticket_send(p->t[1], 1, 0) < 0 ||
            gnutls_record_recv(c, &byte, 1) != GNUTLS_E_AGAIN) {
            return false;
        }
    }
    gnutls_free(ep->tsess.data);
    ep->tsess.data = NULL;
    return gnutls_session_get_data2(c, &ep->tsess) == 0;
}

static bool gnutls_move(struct bench_pair *p, int from, const uint8_t *in, uint8_t *out, size_t n)
{
    size_t got = 0;
    if (gnutls_record_send(p->t[from], in, n) != (ssize_t)n) {
        return false;
    }
    while (got < n) {
        ssize_t k = gnutls_record_recv(p->t[1 - from], out + got, n - got);
        if (k <= 0) {
            return false;
        }
        got += (size_t)k;
    }
    return true;
}

/* ---- the common interface ---- */

/* see bench_util.h */
struct bench_ep *bench_ep_new(enum bench_lib lib, const struct bench_scn *scn)
{
    struct bench_ep *ep = calloc(1, sizeof *ep);
    if (ep == NULL) {
        bench_die("endpoint");
    }
    ep->lib = lib;
    ep->scn = scn;
    switch (lib) {
    case BENCH_GLS:
        ep->gs = gls_cfg(scn, true);
        ep->gc = gls_cfg(scn, false);
        break;
    case BENCH_OSSL:
        ep->os = ossl_ctx(scn, true);
        ep->oc = ossl_ctx(scn, false);
        break;
    default:
        gnutls_setup(ep);
        break;
    }
    /* the first handshake: full, and leaves the session the next one resumes */
    if (!bench_ep_handshake(ep)) {
        fprintf(stderr, "bench: %s, %s: first handshake\n", bench_lib_names[lib], scn->id);
        bench_die("setup");
    }
    ep->resumable = resumes(ep);
    return ep;
}

/* see bench_util.h */
void bench_ep_free(struct bench_ep *ep)
{
    if (ep == NULL) {
        return;
    }
    gls_config_free(ep->gs);
    gls_config_free(ep->gc);
    SSL_CTX_free(ep->os);
    SSL_CTX_free(ep->oc);
    SSL_SESSION_free(ep->osess);
    if (ep->lib == BENCH_GNUTLS) {
        gnutls_certificate_free_credentials(ep->tsc);
        gnutls_certificate_free_credentials(ep->tcc);
        gnutls_priority_deinit(ep->tprio);
        gnutls_free(ep->tkey.data);
        gnutls_free(ep->tsess.data);
        for (size_t i = 0; i < SESSION_SLOTS; i++) {
            free(ep->slots[i].data);
        }
    }
    free(ep);
}

static bool pair_connect(struct bench_pair *p, struct bench_ep *ep)
{
    memset(p, 0, sizeof *p);
    p->ep = ep;
    p->ends[0].in = &p->s2c;
    p->ends[0].out = &p->c2s;
    p->ends[1].in = &p->c2s;
    p->ends[1].out = &p->s2c;
    switch (ep->lib) {
    case BENCH_GLS:
        return gls_connect(p);
    case BENCH_OSSL:
        return ossl_connect(p) && (!resumes(ep) || ossl_keep_session(p));
    default:
        return gnutls_connect(p) && (!resumes(ep) || gnutls_keep_session(p));
    }
}

static void pair_release(struct bench_pair *p, int side)
{
    if (!p->alive[side]) {
        return;
    }
    p->alive[side] = false;
    switch (p->ep->lib) {
    case BENCH_GLS:
        gls_conn_free(p->g[side]);
        break;
    case BENCH_OSSL:
        SSL_free(p->o[side]);
        break;
    default:
        gnutls_deinit(p->t[side]);
        break;
    }
}

/* see bench_util.h */
bool bench_ep_handshake(struct bench_ep *ep)
{
    struct bench_pair p;
    bool ok = pair_connect(&p, ep);
    if (!ok && getenv("GLS_BENCH_DEBUG") != NULL) {
        fprintf(stderr, "bench: %s, %s: handshake failed (resuming: %d)\n",
                bench_lib_names[ep->lib], ep->scn->id, ep->resumable);
    }
    pair_release(&p, 0);
    pair_release(&p, 1);
    bench_pipe_trim(&p.c2s);
    bench_pipe_trim(&p.s2c);
    if (p.c2s.buf != NULL || p.s2c.buf != NULL) { /* bytes left over: not clean */
        bench_pipe_release(p.c2s.buf);
        bench_pipe_release(p.s2c.buf);
        return false;
    }
    return ok;
}

/* see bench_util.h */
struct bench_pair *bench_pair_new(struct bench_ep *ep)
{
    struct bench_pair *p = bench_pipe_alloc(sizeof *p);
    if (p == NULL || !pair_connect(p, ep)) {
        bench_die("connection pair");
    }
    return p;
}

static bool pair_move(struct bench_pair *p, int from, const uint8_t *in, uint8_t *out, size_t n)
{
    switch (p->ep->lib) {
    case BENCH_GLS:
        return gls_move(p, from, in, out, n);
    case BENCH_OSSL:
        return ossl_move(p, from, in, out, n);
    default:
        return gnutls_move(p, from, in, out, n);
    }
}

/* see bench_util.h */
bool bench_pair_c2s(struct bench_pair *p, const uint8_t *in, uint8_t *out, size_t n)
{
    return pair_move(p, 0, in, out, n);
}

/* see bench_util.h */
bool bench_pair_s2c(struct bench_pair *p, const uint8_t *in, uint8_t *out, size_t n)
{
    return pair_move(p, 1, in, out, n);
}

/* see bench_util.h */
void bench_pair_trim(struct bench_pair *p)
{
    bench_pipe_trim(&p->c2s);
    bench_pipe_trim(&p->s2c);
}

/* see bench_util.h */
void bench_pair_free_side(struct bench_pair *p, int side)
{
    pair_release(p, side);
    if (!p->alive[0] && !p->alive[1]) {
        bench_pipe_release(p->c2s.buf);
        bench_pipe_release(p->s2c.buf);
        bench_pipe_release(p);
    }
}

/* see bench_util.h */
BIO *bench_ossl_pipe_bio(void)
{
    static struct end none;
    return pipe_bio(&none);
}

/* see bench_util.h */
void bench_ep_ossl_mode(struct bench_ep *ep, long mode)
{
    if (ep->os != NULL) {
        SSL_CTX_set_mode(ep->os, mode);
        SSL_CTX_set_mode(ep->oc, mode);
    }
}
