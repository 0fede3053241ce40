/* hs/ticketkeys.h — ticket keys a program supplies (gls_config_set_ticket_keys)
 * instead of the config's internal rotating ones, and the hook that rotates
 * them (a fleet shares them). A ticket sealed under them is
 * key name (16) || nonce (12) || AES-256-GCM(ticket body) || tag (16), with the
 * name as additional data. */
#ifndef GLS_HS_TICKETKEYS_H
#define GLS_HS_TICKETKEYS_H

#include "glasstls/gls.h"
#include "hs/resume.h"

/* External ticket keys (gls_config_set_ticket_keys) and the rotation hook;
 * locked, as keys may change while connections use the config. */
struct gls_ticket_keyring {
    pthread_mutex_t lock;
    gls_ticket_key keys[GLS_TICKET_KEYS_MAX];
    size_t n;
    uint32_t period;
    gls_ticket_rotate_fn rotate;
    void *rotate_arg;
    int64_t next_ask; /* no hook call before this (after a "not yet") */
    bool rotating;    /* a handshake is in the hook */
};

GLS_MUST_CHECK int gls_keyring_init(struct gls_ticket_keyring *k);
void gls_keyring_free(struct gls_ticket_keyring *k);
/* Replaces the keys (created 0 becomes now). */
void gls_keyring_set(struct gls_ticket_keyring *k, const gls_ticket_key *keys, size_t n,
                     int64_t now);
/* Seals t under the current key, calling the rotation hook first if due.
 * GLS_E_UNSUPPORTED if the ring has no keys. */
GLS_MUST_CHECK int gls_keyring_seal(struct gls_ticket_keyring *k, const gls_crypto *cr,
                                    const gls_rng *rng, int64_t now, const struct gls_ticket *t,
                                    uint8_t *out, size_t cap, size_t *len);
/* Opens a ticket sealed under any of the keys; false otherwise or if expired. */
bool gls_keyring_open(struct gls_ticket_keyring *k, const gls_crypto *cr, int64_t now,
                      const uint8_t *in, size_t n, struct gls_ticket *t);
bool gls_keyring_active(struct gls_ticket_keyring *k);

#endif
