/* tests/fuzz/fuzz_conn.h — what the connection fuzz targets share: configs made
 * once per process, and feeding arbitrary bytes to a fresh connection. */
#ifndef GLS_FUZZ_CONN_H
#define GLS_FUZZ_CONN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glasstls/gls.h"

static inline gls_config *fuzz_server_cfg(void)
{
    static gls_config *cfg;
    if (cfg == NULL) {
        static const char *const names[] = {"localhost"};
        cfg = gls_config_new();
        if (cfg == NULL || gls_config_add_generated_cert(cfg, names, 1, 1, NULL) != GLS_OK ||
            gls_config_set_client_auth(cfg, GLS_CLIENT_AUTH_OPTIONAL) != GLS_OK) {
            abort();
        }
    }
    return cfg;
}

static inline gls_config *fuzz_client_cfg(void)
{
    static gls_config *cfg;
    if (cfg == NULL) {
        cfg = gls_config_new();
        if (cfg == NULL || gls_config_danger_accept_any_cert(cfg) != GLS_OK) {
            abort();
        }
    }
    return cfg;
}

/* Feeds data to c in pieces as the connection takes them; drains its output. */
static inline void fuzz_feed(gls_conn *c, const uint8_t *data, size_t size)
{
    size_t len = 0;
    gls_conn_net_out(c, &len);
    gls_conn_net_out_done(c, len);
    while (size > 0 && gls_conn_error(c) == GLS_OK) {
        size_t room = 0;
        uint8_t *in = gls_conn_net_in(c, &room);
        size_t n = size < room ? size : room;
        if (in == NULL || n == 0) {
            break;
        }
        memcpy(in, data, n);
        data += n;
        size -= n;
        (void)gls_conn_net_in_done(c, n);
        uint8_t buf[256];
        size_t got = 0;
        while (gls_conn_read(c, buf, sizeof buf, &got) == GLS_OK && got > 0) {
        }
        gls_conn_net_out(c, &len);
        gls_conn_net_out_done(c, len);
    }
}

#endif
