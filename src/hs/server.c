/* hs/server.c — the server's first step: ClientHello parsed and checked, the
 * version chosen (RFC 8446 §4.1.2, §4.2.1, RFC 5246 §7.4.1.2), and the road
 * taken to the TLS 1.3 or TLS 1.2 state machine. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

/* see hs.h */
int gls_server_on_client_hello_msg(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_client_hello ch;
    uint16_t version = 0;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    if (m->type != GLS_HS_CLIENT_HELLO) {
        gls_hs_detail(c, "expected ClientHello, got %s", gls_hs_type_name(m->type));
        return GLS_E_UNEXPECTED_MESSAGE;
    }
    TRY(gls_client_hello_parse(&r, &ch));
    TRY(gls_hs_client_hello_hook(c, &ch));
    int err = gls_choose_version(c->cfg, &ch, &version);
    if (err != GLS_OK) {
        gls_hs_detail(c, "no protocol version in common (client offers legacy 0x%04x)",
                      ch.legacy_version);
        return err;
    }
    c->sess.version = version;
    memcpy(c->hs.client_random, ch.random, 32);
    if (gls_exts_has(&ch.ext, GLS_X_SERVER_NAME) &&
        ch.ext.server_name.len < sizeof c->sess.server_name) {
        memcpy(c->sess.server_name, ch.ext.server_name.p, ch.ext.server_name.len);
        c->sess.server_name[ch.ext.server_name.len] = 0;
    }
    if (version == GLS_TLS13) {
        return gls_server13_on_client_hello(c, m, &ch);
    }
    return gls_server12_on_client_hello(c, m, &ch); /* TLS 1.2: server12.c */
}
