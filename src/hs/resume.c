/* hs/resume.c — ticket sealing, the client's ticket cache and the server's
 * TLS 1.2 session-id cache (see resume.h).
 * Ticket keys rotate: the key for epoch E = floor(now / rotation) is
 * HKDF-Expand(master, "glasstls ticket key" || E), and a ticket sealed in
 * epoch E opens in E and E+1, so nothing mutable is needed on the server. */
#include "hs/resume.h"

#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "hs/cfg.h"
#include "keys/hkdf.h"

/* 2: the peer's identity; 3: and the peer's chain when kept (may be empty). Format 2 tickets
 * (sealed before the chain could be kept) still open. */
#define TICKET_FORMAT    3
#define TICKET_FORMAT_V2 2

static void free_blob(uint8_t **p, size_t *n)
{
    if (*p != NULL) {
        gls_wipe(*p, *n);
        free(*p);
    }
    *p = NULL;
    *n = 0;
}

/* see resume.h */
void gls_ticket_wipe(struct gls_ticket *t)
{
    free_blob(&t->ticket, &t->ticket_len);
    free_blob(&t->peer_chain, &t->peer_chain_len);
    gls_wipe(t, sizeof *t);
}

static bool set_blob(uint8_t **p, size_t *n, const uint8_t *src, size_t len)
{
    free_blob(p, n);
    if (len == 0) {
        return true;
    }
    *p = malloc(len);
    if (*p == NULL) {
        return false;
    }
    memcpy(*p, src, len);
    *n = len;
    return true;
}

/* see resume.h */
bool gls_ticket_set_ticket(struct gls_ticket *t, const uint8_t *p, size_t n)
{
    return set_blob(&t->ticket, &t->ticket_len, p, n);
}

/* see resume.h */
bool gls_ticket_set_chain(struct gls_ticket *t, const uint8_t *p, size_t n)
{
    return set_blob(&t->peer_chain, &t->peer_chain_len, p, n);
}

/* see resume.h */
bool gls_ticket_copy(struct gls_ticket *dst, const struct gls_ticket *src)
{
    *dst = *src;
    dst->ticket = NULL;
    dst->ticket_len = 0;
    dst->peer_chain = NULL;
    dst->peer_chain_len = 0;
    bool ok = gls_ticket_set_ticket(dst, src->ticket, src->ticket_len);
    ok = ok && gls_ticket_set_chain(dst, src->peer_chain, src->peer_chain_len);
    if (!ok) {
        free_blob(&dst->ticket, &dst->ticket_len);
        free_blob(&dst->peer_chain, &dst->peer_chain_len);
    }
    return ok;
}

/* see resume.h */
bool gls_peer_chain_well_formed(const uint8_t *p, size_t n)
{
    size_t certs = 0;
    gls_reader r = gls_reader_init(p, n);
    while (n <= GLS_MAX_PEER_CHAIN_KEPT && gls_reader_left(&r) > 0 && certs < GLS_CFG_MAX_CHAIN) {
        (void)gls_read_opaque16(&r, 1, 65535);
        certs++;
    }
    return n > 0 && n <= GLS_MAX_PEER_CHAIN_KEPT && certs > 0 && gls_reader_done(&r);
}

/* see resume.h */
int gls_ticket_cache_init(struct gls_ticket_cache *c)
{
    memset(c, 0, sizeof *c);
    return pthread_mutex_init(&c->lock, NULL) == 0 ? GLS_OK : GLS_E_NO_MEMORY;
}

/* see resume.h */
void gls_ticket_cache_free(struct gls_ticket_cache *c)
{
    pthread_mutex_destroy(&c->lock);
    for (size_t i = 0; i < c->n; i++) {
        gls_ticket_wipe(&c->entries[i]);
    }
    gls_wipe(c->entries, sizeof c->entries);
}

/* see resume.h */
void gls_ticket_cache_put(struct gls_ticket_cache *c, const struct gls_ticket *t)
{
    pthread_mutex_lock(&c->lock);
    if (c->n == GLS_TICKET_CACHE) { /* drop the oldest */
        gls_ticket_wipe(&c->entries[0]);
        memmove(&c->entries[0], &c->entries[1], (GLS_TICKET_CACHE - 1) * sizeof c->entries[0]);
        c->n--;
    }
    if (gls_ticket_copy(&c->entries[c->n], t)) {
        c->n++;
    } else {
        gls_ticket_wipe(&c->entries[c->n]); /* out of memory: not kept */
    }
    pthread_mutex_unlock(&c->lock);
}

/* see resume.h */
bool gls_ticket_cache_take(struct gls_ticket_cache *c, const char *server_name, uint16_t version,
                           int64_t now, struct gls_ticket *out)
{
    bool found = false;
    pthread_mutex_lock(&c->lock);
    for (size_t i = c->n; i > 0 && !found; i--) { /* newest first */
        struct gls_ticket *t = &c->entries[i - 1];
        if (t->version != version || strcmp(t->server_name, server_name) != 0 || now < t->issued ||
            now - t->issued >= (int64_t)t->lifetime) {
            continue;
        }
        *out = *t; /* a move: the entry's blobs go with it */
        memmove(t, t + 1, (c->n - i) * sizeof *t);
        gls_wipe(&c->entries[c->n - 1], sizeof *t);
        c->n--;
        found = true;
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}

static bool expired(const struct gls_ticket *t, int64_t now)
{
    return now < t->issued || now - t->issued >= (int64_t)t->lifetime;
}

/* see resume.h */
int gls_session_cache_init(struct gls_session_cache *c)
{
    memset(c, 0, sizeof *c);
    return pthread_mutex_init(&c->lock, NULL) == 0 ? GLS_OK : GLS_E_NO_MEMORY;
}

/* see resume.h */
void gls_session_cache_free(struct gls_session_cache *c)
{
    pthread_mutex_destroy(&c->lock);
    for (size_t i = 0; i < GLS_SESSION_CACHE; i++) {
        gls_ticket_wipe(&c->entries[i].s);
    }
    gls_wipe(c->entries, sizeof c->entries);
}

/* see resume.h */
void gls_session_cache_put(struct gls_session_cache *c, const uint8_t id[32],
                           const struct gls_ticket *s)
{
    pthread_mutex_lock(&c->lock);
    struct gls_session_entry *e = &c->entries[c->next];
    gls_ticket_wipe(&e->s);
    gls_wipe(e, sizeof *e);
    memcpy(e->id, id, 32);
    if (!gls_ticket_copy(&e->s, s)) {
        gls_ticket_wipe(&e->s); /* out of memory: not kept */
    }
    c->next = (c->next + 1) % GLS_SESSION_CACHE;
    pthread_mutex_unlock(&c->lock);
}

/* see resume.h */
bool gls_session_cache_get(struct gls_session_cache *c, const uint8_t id[32], int64_t now,
                           struct gls_ticket *out)
{
    bool found = false;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < GLS_SESSION_CACHE && !found; i++) {
        struct gls_session_entry *e = &c->entries[i];
        if (e->s.version == 0 || memcmp(e->id, id, 32) != 0) {
            continue;
        }
        if (expired(&e->s, now)) {
            gls_ticket_wipe(&e->s);
            gls_wipe(e, sizeof *e);
            break;
        }
        found = gls_ticket_copy(out, &e->s); /* out of memory: a full handshake */
        if (!found) {
            gls_ticket_wipe(out);
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}

static int derive_epoch_key(const gls_crypto *cr, const uint8_t master[GLS_TICKET_KEY_LEN],
                            uint64_t epoch, uint8_t key[32])
{
    uint8_t info[19 + 8];
    memcpy(info, "glasstls ticket key", 19);
    gls_put_u64(info + 19, epoch);
    return gls_hkdf_expand(gls_hash_get(cr, GLS_HASH_SHA256), master, GLS_TICKET_KEY_LEN, info,
                           sizeof info, key, 32);
}

/* see resume.h */
int gls_ticket_epochs_init(struct gls_ticket_epochs *k)
{
    memset(k, 0, sizeof *k);
    return pthread_mutex_init(&k->lock, NULL) == 0 ? GLS_OK : GLS_E_NO_MEMORY;
}

static void epoch_wipe(struct gls_ticket_epoch *e)
{
    gls_aead_free(e->seal); /* libcrypto cleanses the key schedules */
    gls_aead_free(e->open);
    gls_wipe(e, sizeof *e);
}

/* see resume.h */
void gls_ticket_epochs_free(struct gls_ticket_epochs *k)
{
    pthread_mutex_destroy(&k->lock);
    for (size_t i = 0; i < GLS_TICKET_EPOCHS; i++) {
        epoch_wipe(&k->e[i]);
    }
}

/* One AES-256-GCM seal (buf in place, tag out) or open (tag in) of a ticket under
 * the key of epoch: without a cache, a key derived and a context made for this
 * ticket alone; with one, the cached entry for this master and epoch (derived and
 * kept when missing, replacing the older entry) and its context for that direction,
 * made once and run under the cache's lock. */
static int epoch_crypt(const gls_crypto *cr, const uint8_t master[GLS_TICKET_KEY_LEN],
                       uint64_t epoch, struct gls_ticket_epochs *k, bool seal, const uint8_t *nonce,
                       const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag)
{
    const gls_aead_alg *a = gls_aead_get(cr, GLS_AEAD_AES_256_GCM);
    gls_aead_ctx *x = NULL;
    if (k == NULL) {
        uint8_t key[32];
        int err = derive_epoch_key(cr, master, epoch, key);
        err = err ? err : gls_aead_new(a, key, seal, &x);
        gls_wipe(key, sizeof key);
        if (err == GLS_OK) {
            err = seal ? gls_aead_seal(x, nonce, aad, aad_len, buf, len, tag)
                       : gls_aead_open(x, nonce, aad, aad_len, buf, len, tag);
        }
        gls_aead_free(x);
        return err;
    }
    int err = GLS_OK;
    pthread_mutex_lock(&k->lock);
    struct gls_ticket_epoch *hit = NULL;
    for (size_t i = 0; i < GLS_TICKET_EPOCHS && hit == NULL; i++) {
        struct gls_ticket_epoch *e = &k->e[i];
        if (e->set && e->epoch == epoch && gls_ct_eq(e->master, master, GLS_TICKET_KEY_LEN)) {
            hit = e;
        }
    }
    if (hit == NULL) {
        hit = &k->e[k->next];
        epoch_wipe(hit);
        err = derive_epoch_key(cr, master, epoch, hit->key);
        if (err == GLS_OK) {
            hit->set = true;
            hit->epoch = epoch;
            memcpy(hit->master, master, GLS_TICKET_KEY_LEN);
            k->next = (k->next + 1) % GLS_TICKET_EPOCHS;
        }
    }
    gls_aead_ctx **ctx = seal ? &hit->seal : &hit->open;
    if (err == GLS_OK && *ctx == NULL) {
        err = gls_aead_new(a, hit->key, seal, ctx);
    }
    if (err == GLS_OK) {
        err = seal ? gls_aead_seal(*ctx, nonce, aad, aad_len, buf, len, tag)
                   : gls_aead_open(*ctx, nonce, aad, aad_len, buf, len, tag);
    }
    pthread_mutex_unlock(&k->lock);
    return err;
}

static void ticket_body(gls_writer *w, const struct gls_ticket *t)
{
    gls_write_u8(w, TICKET_FORMAT);
    gls_write_u16(w, t->version);
    gls_write_u16(w, t->suite);
    gls_write_opaque8(w, t->psk.b, t->psk.len);
    gls_write_u8(w, t->ems ? 1 : 0);
    gls_write_u64(w, (uint64_t)t->issued);
    gls_write_u32(w, t->lifetime);
    gls_write_u32(w, t->age_add);
    gls_write_opaque8(w, t->server_name, strlen(t->server_name));
    gls_write_u8(w, t->peer.flags);
    gls_write_opaque8(w, t->peer.leaf_sha256,
                      t->peer.flags & GLS_PEER_PRESENT ? sizeof t->peer.leaf_sha256 : 0);
    gls_write_opaque8(w, t->peer.subject, strlen(t->peer.subject));
    gls_write_opaque16(w, t->peer_chain, t->peer_chain_len);
}

/* see resume.h */
int gls_ticket_seal(const gls_crypto *cr, const uint8_t master[GLS_TICKET_KEY_LEN], int64_t now,
                    int64_t rotation, const gls_rng *rng, const struct gls_ticket *t, uint8_t *out,
                    size_t cap, size_t *len, struct gls_ticket_epochs *epochs)
{
    uint64_t epoch = (uint64_t)(now / rotation);
    gls_writer w = gls_writer_init(out, cap);
    gls_write_u64(&w, epoch);
    uint8_t *nonce = gls_write_reserve(&w, 12);
    size_t body_at = w.len;
    ticket_body(&w, t);
    uint8_t *tag = gls_write_reserve(&w, 16);
    TRY(gls_writer_result(&w));
    TRY(gls_rand(rng, nonce, 12));
    int err = epoch_crypt(cr, master, epoch, epochs, true, nonce, out, 8, out + body_at,
                          (size_t)(tag - out) - body_at, tag);
    *len = w.len;
    return err;
}

static bool parse_body(gls_reader *r, struct gls_ticket *t)
{
    gls_bytes psk;
    gls_bytes name;
    uint8_t format = gls_read_u8(r);
    bool ok = format == TICKET_FORMAT || format == TICKET_FORMAT_V2;
    t->version = gls_read_u16(r);
    t->suite = gls_read_u16(r);
    psk = gls_read_opaque8(r, 1, GLS_MAX_SECRET);
    t->ems = gls_read_u8(r) != 0;
    t->issued = (int64_t)gls_read_u64(r);
    t->lifetime = gls_read_u32(r);
    t->age_add = gls_read_u32(r);
    name = gls_read_opaque8(r, 0, sizeof t->server_name - 1);
    t->peer.flags = gls_read_u8(r);
    gls_bytes leaf = gls_read_opaque8(r, 0, sizeof t->peer.leaf_sha256);
    gls_bytes subject = gls_read_opaque8(r, 0, sizeof t->peer.subject - 1);
    gls_bytes chain = {NULL, 0};
    if (format == TICKET_FORMAT) {
        chain = gls_read_opaque16(r, 0, GLS_MAX_PEER_CHAIN_KEPT);
    }
    bool present = (t->peer.flags & GLS_PEER_PRESENT) != 0;
    if (!ok || !gls_reader_done(r) || leaf.len != (present ? sizeof t->peer.leaf_sha256 : 0) ||
        (chain.len > 0 && (!present || !gls_peer_chain_well_formed(chain.p, chain.len))) ||
        gls_secret_set(&t->psk, psk.p, psk.len) != GLS_OK ||
        !gls_ticket_set_chain(t, chain.p, chain.len)) {
        return false;
    }
    memcpy(t->server_name, name.p, name.len);
    t->server_name[name.len] = 0;
    if (present) {
        memcpy(t->peer.leaf_sha256, leaf.p, leaf.len);
    }
    memcpy(t->peer.subject, subject.p, subject.len);
    t->peer.subject[subject.len] = 0;
    return true;
}

/* see resume.h */
bool gls_ticket_open(const gls_crypto *cr, const uint8_t master[GLS_TICKET_KEY_LEN], int64_t now,
                     int64_t rotation, const uint8_t *in, size_t n, struct gls_ticket *t,
                     struct gls_ticket_epochs *epochs)
{
    uint8_t buf[GLS_MAX_TICKET_LARGE];
    uint64_t current = (uint64_t)(now / rotation);
    if (n < 8 + 12 + 16 || n > sizeof buf) {
        return false;
    }
    memcpy(buf, in, n);
    gls_reader r = gls_reader_init(buf, n);
    uint64_t epoch = gls_read_u64(&r);
    if (epoch != current && epoch + 1 != current) {
        return false;
    }
    size_t body_len = n - 8 - 12 - 16;
    bool ok = epoch_crypt(cr, master, epoch, epochs, false, buf + 8, buf, 8, buf + 20, body_len,
                          buf + 20 + body_len) == GLS_OK;
    if (ok) {
        gls_reader body = gls_reader_init(buf + 20, body_len);
        ok = parse_body(&body, t);
    }
    gls_wipe(buf, n); /* all that was written */
    if (ok && (now < t->issued || now - t->issued >= (int64_t)t->lifetime)) {
        ok = false;
    }
    if (!ok) {
        gls_ticket_wipe(t);
    }
    return ok;
}

/* see resume.h */
void gls_ticket_body_write(gls_writer *w, const struct gls_ticket *t)
{
    ticket_body(w, t);
}

/* see resume.h */
bool gls_ticket_body_read(gls_reader *r, struct gls_ticket *t)
{
    return parse_body(r, t);
}
