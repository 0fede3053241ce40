/* hs/session.c — sessions that leave the library: the public session byte
 * string (gls_conn_get_session / gls_conn_set_session), the client's choice
 * between a session set on the connection and the config's cache, and the
 * server's choice between external ticket keys and session stores (hooks of
 * gls.h) and the config's own. */
#include <stdlib.h>
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"

enum {
    TAG_VERSION = 1,
    TAG_SUITE = 2,
    TAG_SECRET = 3,
    TAG_EMS = 4,
    TAG_ISSUED = 5,
    TAG_LIFETIME = 6,
    TAG_AGE_ADD = 7,
    TAG_SERVER_NAME = 8,
    TAG_ALPN = 9,
    TAG_TICKET = 10,
    TAG_SESSION_ID = 11,
    TAG_PEER_FLAGS = 12, /* who the peer proved to be (resume.h, struct gls_peer_id) */
    TAG_PEER_LEAF = 13,
    TAG_PEER_SUBJECT = 14,
    TAG_PEER_CHAIN = 15, /* the peer's chain, if kept (gls_config_set_session_keep_peer_chain);
                          * readers that predate it skip it and resume with leaf and subject */
};

static const uint8_t magic[4] = {'G', 'L', 'S', 'S'};

static void field(gls_writer *w, uint8_t tag, const void *p, size_t n)
{
    gls_write_u8(w, tag);
    gls_write_opaque16(w, p, n);
}

static void field_uint(gls_writer *w, uint8_t tag, uint64_t v, size_t width)
{
    uint8_t b[8];
    for (size_t i = 0; i < width; i++) {
        b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
    field(w, tag, b, width);
}

/* see hs.h */
int gls_session_encode(const struct gls_ticket *t, const char *alpn, uint8_t *out, size_t cap,
                       size_t *len)
{
    uint8_t tmp[GLS_SESSION_MAX];
    gls_writer w = gls_writer_init(tmp, sizeof tmp);
    gls_write_bytes(&w, magic, sizeof magic);
    gls_write_u8(&w, GLS_SESSION_FORMAT);
    field_uint(&w, TAG_VERSION, t->version, 2);
    field_uint(&w, TAG_SUITE, t->suite, 2);
    field(&w, TAG_SECRET, t->psk.b, t->psk.len);
    field_uint(&w, TAG_EMS, t->ems ? 1 : 0, 1);
    field_uint(&w, TAG_ISSUED, (uint64_t)t->issued, 8);
    field_uint(&w, TAG_LIFETIME, t->lifetime, 4);
    field_uint(&w, TAG_AGE_ADD, t->age_add, 4);
    field(&w, TAG_SERVER_NAME, t->server_name, strlen(t->server_name));
    if (alpn != NULL && alpn[0] != 0) {
        field(&w, TAG_ALPN, alpn, strlen(alpn));
    }
    if (t->ticket_len > 0) {
        field(&w, TAG_TICKET, t->ticket, t->ticket_len);
    }
    if (t->session_id_len > 0) {
        field(&w, TAG_SESSION_ID, t->session_id, t->session_id_len);
    }
    if (t->peer.flags & GLS_PEER_PRESENT) {
        field_uint(&w, TAG_PEER_FLAGS, t->peer.flags, 1);
        field(&w, TAG_PEER_LEAF, t->peer.leaf_sha256, sizeof t->peer.leaf_sha256);
        field(&w, TAG_PEER_SUBJECT, t->peer.subject, strlen(t->peer.subject));
        if (t->peer_chain_len > 0) {
            field(&w, TAG_PEER_CHAIN, t->peer_chain, t->peer_chain_len);
        }
    }
    int err = gls_writer_result(&w);
    *len = w.len;
    if (err == GLS_OK && w.len > cap) {
        err = GLS_E_BUFFER_TOO_SMALL;
    } else if (err == GLS_OK) {
        memcpy(out, tmp, w.len);
    }
    gls_wipe(tmp, sizeof tmp);
    return err;
}

static uint64_t uint_of(gls_bytes v, size_t width, bool *ok)
{
    uint64_t x = 0;
    *ok &= v.len == width;
    for (size_t i = 0; i < v.len && i < 8; i++) {
        x = x << 8 | v.p[i];
    }
    return x;
}

/* One field into t; unknown tags are skipped (newer writers may add some). */
static bool decode_field(uint8_t tag, gls_bytes v, struct gls_ticket *t, unsigned *seen)
{
    bool ok = true;
    *seen |= tag < 32 ? 1u << tag : 0;
    switch (tag) {
    case TAG_VERSION:
        t->version = (uint16_t)uint_of(v, 2, &ok);
        break;
    case TAG_SUITE:
        t->suite = (uint16_t)uint_of(v, 2, &ok);
        break;
    case TAG_SECRET:
        ok = v.len > 0 && gls_secret_set(&t->psk, v.p, v.len) == 0;
        break;
    case TAG_EMS:
        t->ems = uint_of(v, 1, &ok) != 0;
        break;
    case TAG_ISSUED:
        t->issued = (int64_t)uint_of(v, 8, &ok);
        break;
    case TAG_LIFETIME:
        t->lifetime = (uint32_t)uint_of(v, 4, &ok);
        break;
    case TAG_AGE_ADD:
        t->age_add = (uint32_t)uint_of(v, 4, &ok);
        break;
    case TAG_SERVER_NAME:
        ok = v.len < sizeof t->server_name && memchr(v.p, 0, v.len) == NULL;
        if (ok) {
            memcpy(t->server_name, v.p, v.len);
            t->server_name[v.len] = 0;
        }
        break;
    case TAG_TICKET:
        ok = v.len <= GLS_MAX_TICKET_LARGE && gls_ticket_set_ticket(t, v.p, v.len);
        break;
    case TAG_SESSION_ID:
        ok = v.len > 0 && v.len <= sizeof t->session_id;
        if (ok) {
            memcpy(t->session_id, v.p, v.len);
            t->session_id_len = v.len;
        }
        break;
    case TAG_PEER_FLAGS:
        t->peer.flags = (uint8_t)uint_of(v, 1, &ok);
        break;
    case TAG_PEER_LEAF:
        ok = v.len == sizeof t->peer.leaf_sha256;
        if (ok) {
            memcpy(t->peer.leaf_sha256, v.p, v.len);
        }
        break;
    case TAG_PEER_SUBJECT:
        ok = v.len < sizeof t->peer.subject && memchr(v.p, 0, v.len) == NULL;
        if (ok) {
            memcpy(t->peer.subject, v.p, v.len);
            t->peer.subject[v.len] = 0;
        }
        break;
    case TAG_PEER_CHAIN: /* checked against the leaf's hash when it is used (verify.c) */
        ok = gls_peer_chain_well_formed(v.p, v.len) && gls_ticket_set_chain(t, v.p, v.len);
        break;
    default: /* TAG_ALPN and newer fields: informational here */
        break;
    }
    return ok;
}

/* see hs.h */
int gls_session_decode(const uint8_t *in, size_t n, struct gls_ticket *t)
{
    const unsigned required = 1u << TAG_VERSION | 1u << TAG_SUITE | 1u << TAG_SECRET |
                              1u << TAG_ISSUED | 1u << TAG_LIFETIME | 1u << TAG_SERVER_NAME;
    unsigned seen = 0;
    bool ok = in != NULL && n > sizeof magic && memcmp(in, magic, sizeof magic) == 0;
    memset(t, 0, sizeof *t);
    if (!ok) {
        return GLS_E_DECODE;
    }
    gls_reader r = gls_reader_init(in + sizeof magic, n - sizeof magic);
    ok = gls_read_u8(&r) == GLS_SESSION_FORMAT;
    while (ok && gls_reader_left(&r) > 0) {
        uint8_t tag = gls_read_u8(&r);
        gls_bytes v = gls_read_opaque16(&r, 0, 65535);
        ok = !r.bad && decode_field(tag, v, t, &seen);
    }
    bool peer = (t->peer.flags & GLS_PEER_PRESENT) != 0; /* an identity comes whole */
    ok = ok && peer == ((seen & 1u << TAG_PEER_LEAF) != 0) && (peer || t->peer_chain == NULL);
    if (!ok || r.bad || (seen & required) != required) {
        gls_ticket_wipe(t);
        return GLS_E_DECODE;
    }
    return GLS_OK;
}

/* see hs.h */
void gls_hs_client_new_session(gls_conn *c, const struct gls_ticket *t)
{
    uint8_t buf[GLS_SESSION_MAX];
    size_t len = 0;
    gls_ticket_cache_put(c->cfg->tickets, t);
    if (gls_session_encode(t, c->sess.alpn, buf, sizeof buf, &len) != GLS_OK) {
        return; /* the cache still has it */
    }
    if (c->own_session != NULL) { /* as long as this session: it may carry a chain */
        gls_wipe(c->own_session, c->own_session_len);
        free(c->own_session);
        c->own_session_len = 0;
    }
    c->own_session = malloc(len);
    if (c->own_session != NULL) {
        memcpy(c->own_session, buf, len);
        c->own_session_len = len;
    }
    gls_wipe(buf, len);
    if (c->own_session != NULL && c->cfg->session_cb != NULL) {
        c->cfg->session_cb(c->cfg->session_cb_arg, c, c->own_session, len);
    }
}

/* Does the session set on the connection fit this handshake? */
static bool offer_fits(gls_conn *c, const struct gls_ticket *t, uint16_t version)
{
    const struct gls_suite *s = gls_suite_get(t->suite);
    int64_t now = gls_hs_now(c);
    bool suite_ok = false;
    for (size_t i = 0; i < c->cfg->n_suites; i++) {
        suite_ok |= c->cfg->suites[i] == t->suite;
    }
    return t->version == version && s != NULL && s->version == version && suite_ok &&
           strcmp(t->server_name, c->sess.server_name) == 0 && now >= t->issued &&
           now - t->issued < (int64_t)t->lifetime &&
           (version == GLS_TLS13 ? t->ticket_len > 0 : t->ticket_len + t->session_id_len > 0) &&
           gls_hs_kept_chain_ok(c, t);
}

/* see hs.h */
bool gls_hs_client_take_session(gls_conn *c, uint16_t version, struct gls_ticket *out)
{
    if (c->offer != NULL && c->offer->version == version) {
        bool fits = offer_fits(c, c->offer, version);
        if (fits) {
            *out = *c->offer; /* a move */
            gls_wipe(c->offer, sizeof *c->offer);
        } else {
            gls_hs_event(c, "the session set on the connection does not fit: not offered");
            gls_ticket_wipe(c->offer);
        }
        free(c->offer);
        c->offer = NULL;
        if (fits) {
            return true;
        }
    }
    return gls_ticket_cache_take(c->cfg->tickets, c->sess.server_name, version, gls_hs_now(c), out);
}

/* see hs.h */
int gls_hs_ticket_seal(gls_conn *c, const struct gls_ticket *t, uint8_t *out, size_t cap,
                       size_t *len)
{
    const gls_config *cfg = c->cfg;
    if (gls_keyring_active(cfg->keyring)) {
        int err = gls_keyring_seal(cfg->keyring, cfg->crypto, gls_hs_rng(c), gls_hs_now(c), t, out,
                                   cap, len);
        if (err != GLS_E_UNSUPPORTED) {
            return err;
        }
        /* a hook that has given no key yet: our own keys meanwhile */
    }
    return gls_ticket_seal(cfg->crypto, cfg->ticket_master, gls_hs_now(c), cfg->ticket_rotation,
                           gls_hs_rng(c), t, out, cap, len);
}

/* see hs.h */
bool gls_hs_ticket_open(gls_conn *c, const uint8_t *in, size_t n, struct gls_ticket *t)
{
    const gls_config *cfg = c->cfg;
    int64_t now = gls_hs_now(c);
    if (gls_keyring_active(cfg->keyring) &&
        gls_keyring_open(cfg->keyring, cfg->crypto, now, in, n, t)) {
        return true;
    }
    return gls_ticket_open(cfg->crypto, cfg->ticket_master, now, cfg->ticket_rotation, in, n, t);
}

/* see hs.h */
void gls_hs_session_id_put(gls_conn *c, const uint8_t id[32], const struct gls_ticket *t)
{
    const gls_config *cfg = c->cfg;
    uint8_t buf[GLS_SESSION_MAX];
    size_t len = 0;
    if (cfg->sid_put == NULL) {
        gls_session_cache_put(cfg->sessions, id, t);
        return;
    }
    if (gls_session_encode(t, c->sess.alpn, buf, sizeof buf, &len) == GLS_OK &&
        cfg->sid_put(cfg->sid_arg, id, 32, buf, len, t->lifetime) != GLS_OK) {
        gls_hs_event(c, "external session cache did not store the session");
    }
    gls_wipe(buf, sizeof buf);
}

/* see hs.h */
bool gls_hs_session_id_get(gls_conn *c, const uint8_t id[32], struct gls_ticket *t)
{
    const gls_config *cfg = c->cfg;
    uint8_t buf[GLS_SESSION_MAX];
    size_t len = 0;
    int64_t now = gls_hs_now(c);
    if (cfg->sid_get == NULL) {
        return gls_session_cache_get(cfg->sessions, id, now, t);
    }
    bool ok = cfg->sid_get(cfg->sid_arg, id, 32, buf, sizeof buf, &len) == GLS_OK &&
              len <= sizeof buf && gls_session_decode(buf, len, t) == GLS_OK;
    gls_wipe(buf, sizeof buf);
    if (ok && (now < t->issued || now - t->issued >= (int64_t)t->lifetime)) {
        gls_ticket_wipe(t);
        gls_hs_session_id_remove(c, id);
        ok = false;
    }
    return ok;
}

/* see hs.h */
void gls_hs_session_id_remove(gls_conn *c, const uint8_t id[32])
{
    if (c->cfg->sid_remove != NULL) {
        c->cfg->sid_remove(c->cfg->sid_arg, id, 32);
    }
}
