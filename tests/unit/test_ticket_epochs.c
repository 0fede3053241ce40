/* The server's ticket keys derived once per rotation epoch (hs/resume.c, struct
 * gls_ticket_epochs): a ticket sealed through the cache opens without it and the other way
 * round (the same key as deriving it each time); the cache keeps the last two epochs, a new
 * epoch replaces the oldest, and an entry made under another master key is not used. The
 * entry's AEAD contexts are made once and survive a ticket that fails to open. */
#include <string.h>

#include "harness.h"

#include "crypto/crypto.h"
#include "hs/resume.h"

static gls_crypto *crypto(void)
{
    static gls_crypto *c;
    if (c == NULL && gls_crypto_new(&c) != GLS_OK) {
        abort();
    }
    return c;
}

static int counter_rng(void *arg, uint8_t *out, size_t len)
{
    uint8_t *n = arg;
    for (size_t i = 0; i < len; i++) {
        out[i] = (*n)++;
    }
    return GLS_OK;
}

static void make_ticket(struct gls_ticket *t, int64_t now)
{
    memset(t, 0, sizeof *t);
    t->version = 0x0303;
    t->suite = 0xc02f;
    t->ems = true;
    t->issued = now;
    t->lifetime = 7200;
    memset(t->psk.b, 0x4d, 48);
    t->psk.len = 48;
    strcpy(t->server_name, "example.com");
}

static bool opens(const uint8_t master[32], int64_t now, const uint8_t *tk, size_t n,
                  struct gls_ticket_epochs *epochs)
{
    struct gls_ticket t;
    memset(&t, 0, sizeof t);
    bool ok = gls_ticket_open(crypto(), master, now, 3600, tk, n, &t, epochs) && t.psk.len == 48 &&
              t.psk.b[0] == 0x4d && strcmp(t.server_name, "example.com") == 0;
    gls_ticket_wipe(&t);
    return ok;
}

TEST(cached_epoch_keys_seal_and_open_like_derived_ones)
{
    static struct gls_ticket_epochs ep;
    uint8_t master[32], other[32];
    uint8_t a[GLS_MAX_TICKET], b[GLS_MAX_TICKET];
    size_t alen = 0, blen = 0;
    uint8_t n = 0;
    const gls_rng rng = {counter_rng, &n};
    struct gls_ticket t;
    int64_t now = 100 * 3600;
    memset(master, 0x11, sizeof master);
    memset(other, 0x22, sizeof other);
    CHECK_OK(gls_ticket_epochs_init(&ep));
    make_ticket(&t, now);
    CHECK_OK(gls_ticket_seal(crypto(), master, now, 3600, &rng, &t, a, sizeof a, &alen, &ep));
    CHECK_OK(gls_ticket_seal(crypto(), master, now, 3600, &rng, &t, b, sizeof b, &blen, NULL));
    CHECK(ep.e[0].set && ep.e[0].epoch == 100 && !ep.e[1].set);
    CHECK(opens(master, now, a, alen, NULL)); /* sealed through the cache, opened without */
    CHECK(opens(master, now, b, blen, &ep));  /* and the other way round */
    CHECK(opens(master, now, a, alen, &ep));
    CHECK(!ep.e[1].set); /* the same epoch: no second entry */

    /* the entry's contexts are kept and shared: a damaged ticket (a flipped body byte, a
     * flipped tag byte) fails to open and leaves them usable for the next ticket */
    CHECK(ep.e[0].seal != NULL && ep.e[0].open != NULL);
    for (size_t at = 30; at < alen; at += alen - 31) {
        uint8_t bad[GLS_MAX_TICKET];
        memcpy(bad, a, alen);
        bad[at] ^= 1;
        CHECK(!opens(master, now, bad, alen, &ep));
        CHECK(opens(master, now, a, alen, &ep));
        CHECK(opens(master, now, b, blen, &ep));
    }
    CHECK_OK(gls_ticket_seal(crypto(), master, now, 3600, &rng, &t, b, sizeof b, &blen, &ep));
    CHECK(opens(master, now, b, blen, NULL)); /* the kept seal context seals a new one right */

    /* the next epoch: a second entry; the previous epoch's ticket still opens */
    CHECK(opens(master, now + 3600, a, alen, &ep));
    CHECK_OK(
        gls_ticket_seal(crypto(), master, now + 3600, 3600, &rng, &t, b, sizeof b, &blen, &ep));
    CHECK(ep.e[1].set && ep.e[1].epoch == 101);
    CHECK(opens(master, now + 3600, b, blen, NULL));

    /* another master key never uses the entries of the first */
    CHECK(!opens(other, now, a, alen, &ep));
    CHECK(!opens(other, now, a, alen, NULL));
    CHECK(ep.e[0].set && memcmp(ep.e[0].master, other, 32) == 0); /* it replaced the oldest */
    CHECK(opens(master, now + 3600, b, blen, &ep));

    /* two epochs on, the first epoch's ticket is refused whatever the cache holds */
    CHECK(!opens(master, now + 2 * 3600, a, alen, &ep));
    gls_ticket_wipe(&t);
    gls_ticket_epochs_free(&ep);
    static const uint8_t zero[sizeof ep.e] = {0};
    CHECK(memcmp(ep.e, zero, sizeof ep.e) == 0);
}
