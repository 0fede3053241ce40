/* hs/ticketkeys.c — external ticket keys and their rotation hook (see
 * ticketkeys.h). The hook is called outside the lock, by one handshake at a
 * time; the others seal with the keys in place meanwhile. */
#include "hs/ticketkeys.h"

#include <string.h>

#define NAME_LEN  16
#define NONCE_LEN 12
#define TAG_LEN   16

/* see ticketkeys.h */
int gls_keyring_init(struct gls_ticket_keyring *k)
{
    memset(k, 0, sizeof *k);
    return pthread_mutex_init(&k->lock, NULL) == 0 ? GLS_OK : GLS_E_NO_MEMORY;
}

/* see ticketkeys.h */
void gls_keyring_free(struct gls_ticket_keyring *k)
{
    pthread_mutex_destroy(&k->lock);
    gls_wipe(k->keys, sizeof k->keys);
}

static void set_locked(struct gls_ticket_keyring *k, const gls_ticket_key *keys, size_t n,
                       int64_t now)
{
    gls_wipe(k->keys, sizeof k->keys);
    memcpy(k->keys, keys, n * sizeof *keys);
    k->n = n;
    for (size_t i = 0; i < n; i++) {
        if (k->keys[i].created == 0) {
            k->keys[i].created = now;
        }
    }
}

/* see ticketkeys.h */
void gls_keyring_set(struct gls_ticket_keyring *k, const gls_ticket_key *keys, size_t n,
                     int64_t now)
{
    pthread_mutex_lock(&k->lock);
    set_locked(k, keys, n, now);
    k->next_ask = 0;
    pthread_mutex_unlock(&k->lock);
}

/* see ticketkeys.h */
bool gls_keyring_active(struct gls_ticket_keyring *k)
{
    pthread_mutex_lock(&k->lock);
    bool active = k->n > 0 || k->rotate != NULL;
    pthread_mutex_unlock(&k->lock);
    return active;
}

/* Calls the rotation hook if the current key's period is over (or there is
 * no key yet) and no other handshake is in it. */
static void maybe_rotate(struct gls_ticket_keyring *k, int64_t now)
{
    gls_ticket_key fresh[GLS_TICKET_KEYS_MAX];
    pthread_mutex_lock(&k->lock);
    bool due = k->rotate != NULL && !k->rotating && now >= k->next_ask &&
               (k->n == 0 || now - k->keys[0].created >= (int64_t)k->period);
    if (!due) {
        pthread_mutex_unlock(&k->lock);
        return;
    }
    k->rotating = true;
    pthread_mutex_unlock(&k->lock);

    memset(fresh, 0, sizeof fresh);
    size_t n = k->rotate(k->rotate_arg, now, fresh, GLS_TICKET_KEYS_MAX);

    pthread_mutex_lock(&k->lock);
    int64_t retry = k->period / 16 < 1 ? 1 : k->period / 16 > 60 ? 60 : k->period / 16;
    if (n > 0 && n <= GLS_TICKET_KEYS_MAX) {
        set_locked(k, fresh, n, now);
    }
    if (k->n == 0 || now - k->keys[0].created >= (int64_t)k->period) {
        k->next_ask = now + retry; /* not rotated (yet): ask again a little later */
    }
    k->rotating = false;
    pthread_mutex_unlock(&k->lock);
    gls_wipe(fresh, sizeof fresh);
}

/* see ticketkeys.h */
int gls_keyring_seal(struct gls_ticket_keyring *k, const gls_crypto *cr, const gls_rng *rng,
                     int64_t now, const struct gls_ticket *t, uint8_t *out, size_t cap, size_t *len)
{
    uint8_t name[NAME_LEN];
    uint8_t secret[32];
    gls_aead_ctx *x = NULL;
    maybe_rotate(k, now);
    pthread_mutex_lock(&k->lock);
    bool have = k->n > 0;
    if (have) {
        memcpy(name, k->keys[0].name, NAME_LEN);
        memcpy(secret, k->keys[0].secret, sizeof secret);
    }
    pthread_mutex_unlock(&k->lock);
    if (!have) {
        return GLS_E_UNSUPPORTED;
    }
    gls_writer w = gls_writer_init(out, cap);
    gls_write_bytes(&w, name, NAME_LEN);
    uint8_t *nonce = gls_write_reserve(&w, NONCE_LEN);
    size_t body_at = w.len;
    gls_ticket_body_write(&w, t);
    uint8_t *tag = gls_write_reserve(&w, TAG_LEN);
    int err = gls_writer_result(&w);
    err = err ? err : gls_rand(rng, nonce, NONCE_LEN);
    err = err ? err : gls_aead_new(gls_aead_get(cr, GLS_AEAD_AES_256_GCM), secret, true, &x);
    gls_wipe(secret, sizeof secret);
    if (err == GLS_OK) {
        err = gls_aead_seal(x, nonce, out, NAME_LEN, out + body_at, (size_t)(tag - out) - body_at,
                            tag);
    }
    gls_aead_free(x);
    *len = w.len;
    return err;
}

/* see ticketkeys.h */
bool gls_keyring_open(struct gls_ticket_keyring *k, const gls_crypto *cr, int64_t now,
                      const uint8_t *in, size_t n, struct gls_ticket *t)
{
    uint8_t buf[GLS_MAX_TICKET_LARGE];
    uint8_t secret[32];
    gls_aead_ctx *x = NULL;
    bool found = false;
    if (n < NAME_LEN + NONCE_LEN + TAG_LEN || n > sizeof buf) {
        return false;
    }
    maybe_rotate(k, now);
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < k->n && !found; i++) {
        if (memcmp(k->keys[i].name, in, NAME_LEN) == 0) {
            memcpy(secret, k->keys[i].secret, sizeof secret);
            found = true;
        }
    }
    pthread_mutex_unlock(&k->lock);
    if (!found) {
        return false;
    }
    memcpy(buf, in, n);
    size_t body_len = n - NAME_LEN - NONCE_LEN - TAG_LEN;
    uint8_t *body = buf + NAME_LEN + NONCE_LEN;
    bool ok =
        gls_aead_new(gls_aead_get(cr, GLS_AEAD_AES_256_GCM), secret, false, &x) == GLS_OK &&
        gls_aead_open(x, buf + NAME_LEN, buf, NAME_LEN, body, body_len, body + body_len) == GLS_OK;
    gls_wipe(secret, sizeof secret);
    gls_aead_free(x);
    if (ok) {
        gls_reader r = gls_reader_init(body, body_len);
        ok = gls_ticket_body_read(&r, t);
    }
    gls_wipe(buf, sizeof buf);
    if (ok && (now < t->issued || now - t->issued >= (int64_t)t->lifetime)) {
        ok = false;
    }
    if (!ok) {
        gls_ticket_wipe(t);
    }
    return ok;
}
