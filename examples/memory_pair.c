/* examples/memory_pair.c — a client and a server in one process, no sockets:
 * the sans-I/O API moves bytes between them through memory. This is the whole
 * contract: whatever gls_conn_net_out shows goes to the peer's gls_conn_net_in.
 *   cc memory_pair.c $(pkg-config --cflags --libs glasstls) -o memory_pair */
#include <glasstls/gls.h>
#include <stdio.h>
#include <string.h>

/* Moves everything `from` has to send into `to`; returns the bytes moved. */
static size_t move(gls_conn *from, gls_conn *to)
{
    size_t len, room, moved = 0;
    const uint8_t *out;
    while ((out = gls_conn_net_out(from, &len)), len > 0) {
        uint8_t *in = gls_conn_net_in(to, &room);
        size_t n = len < room ? len : room;
        if (n == 0) {
            break; /* the receiver must read its plaintext first */
        }
        memcpy(in, out, n);
        gls_conn_net_out_done(from, n);
        gls_conn_net_in_done(to, n); /* errors are sticky: checked below */
        moved += n;
    }
    return moved;
}

int main(void)
{
    static const char *const names[] = {"localhost"};
    gls_config *scfg = gls_config_new(), *ccfg = gls_config_new();
    uint8_t fp[32];
    /* a throw-away certificate; the client pins it by fingerprint in real use,
     * here it trusts it blindly, which only an in-process demo may do */
    gls_config_add_generated_cert(scfg, names, 1, 1, fp);
    gls_config_danger_accept_any_cert(ccfg);
    gls_conn *client = gls_client_new(ccfg, "localhost");
    gls_conn *server = gls_server_new(scfg);
    while (move(client, server) + move(server, client) > 0) {
    }
    if (!gls_conn_handshake_done(client) || !gls_conn_handshake_done(server)) {
        fprintf(stderr, "handshake failed: %s / %s\n", gls_conn_error_detail(client),
                gls_conn_error_detail(server));
        return 1;
    }
    gls_conn_info info;
    gls_conn_get_info(client, &info);
    printf("%s with %s over %s\n", info.version == 0x0304 ? "TLS 1.3" : "TLS 1.2", info.suite_name,
           info.group_name);
    size_t put, got;
    char buf[64];
    gls_conn_write(client, "hello, server", 13, &put); /* queued, encrypted */
    move(client, server);
    if (gls_conn_read(server, buf, sizeof buf, &got) != GLS_OK) {
        return 1;
    }
    printf("server read: %.*s\n", (int)got, buf);
    gls_conn_free(client);
    gls_conn_free(server);
    gls_config_free(scfg); /* configs are reference-counted: free them when done */
    gls_config_free(ccfg);
    return 0;
}
