/* examples/fleet_keys.c — two servers that share ticket keys, so a session
 * made on one resumes on the other (a fleet behind a load balancer), with the
 * rotation hook as the place where keys are fetched from a shared store.
 *
 * The "store" here is a variable and the two servers live in one process,
 * connected to the client through memory; `glasstls server --ticket-keys
 * redis://...` does the same with Redis across machines (docs/DEPLOYMENT.md).
 *   cc fleet_keys.c $(pkg-config --cflags --libs glasstls) -o fleet_keys */
#include <glasstls/gls.h>
#include <stdio.h>
#include <string.h>

/* The shared store: current key first, the previous one still accepted. */
static gls_ticket_key store[2];
static size_t stored;

/* Rotation hook: asked when the current key's period ends. A real fleet reads
 * the store here (and one member writes a new key into it). */
static size_t fetch_keys(void *arg, int64_t now, gls_ticket_key *keys, size_t cap)
{
    (void)arg;
    (void)now;
    size_t n = stored < cap ? stored : cap;
    memcpy(keys, store, n * sizeof *keys);
    return n;
}

static size_t move(gls_conn *from, gls_conn *to)
{
    size_t len, room, moved = 0;
    const uint8_t *out;
    while ((out = gls_conn_net_out(from, &len)), len > 0) {
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t n = len < room ? len : room;
        if (n == 0) {
            break;
        }
        memcpy(in, out, n);
        gls_conn_net_out_done(from, n);
        gls_conn_net_in_done(to, n);
        moved += n;
    }
    return moved;
}

/* One connection; returns whether it resumed; the client's session goes to sess. */
static int connect_once(gls_config *server_cfg, gls_config *client_cfg, uint8_t *sess, size_t *len)
{
    gls_conn *c = gls_client_new(client_cfg, "localhost");
    gls_conn *s = gls_server_new(server_cfg);
    gls_conn_info info = {0};
    if (*len > 0) {
        gls_conn_set_session(c, sess, *len);
    }
    while (move(c, s) + move(s, c) > 0) {
    }
    gls_conn_get_info(c, &info);
    gls_conn_get_session(c, sess, GLS_SESSION_MAX, len); /* the ticket this server gave */
    gls_conn_free(c);
    gls_conn_free(s);
    return info.resumed;
}

int main(void)
{
    static const char *const names[] = {"localhost"};
    /* the fleet's first key: random in real life (name and secret) */
    memcpy(store[0].name, "fleet-key-0001..", 16);
    memset(store[0].secret, 0x42, sizeof store[0].secret);
    stored = 1;

    gls_config *server[2];
    for (int i = 0; i < 2; i++) {
        server[i] = gls_config_new();
        gls_config_add_generated_cert(server[i], names, 1, 1, NULL);
        gls_config_set_ticket_keys(server[i], store, stored);              /* at start */
        gls_config_set_ticket_rotation(server[i], 3600, fetch_keys, NULL); /* then hourly */
    }
    gls_config *client = gls_config_new();
    gls_config_danger_accept_any_cert(client); /* in-process demo only */

    uint8_t sess[GLS_SESSION_MAX];
    size_t len = 0;
    int first = connect_once(server[0], client, sess, &len);
    int second = connect_once(server[1], client, sess, &len);
    printf("server A: resumed %s; server B with A's ticket: resumed %s\n", first ? "yes" : "no",
           second ? "yes" : "no");
    for (int i = 0; i < 2; i++) {
        gls_config_free(server[i]);
    }
    gls_config_free(client);
    return !first && second ? 0 : 1;
}
