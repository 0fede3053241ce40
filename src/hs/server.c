/* hs/server.c — the server's first step: ClientHello parsed and checked, the
 * version chosen (RFC 8446 §4.1.2, §4.2.1, RFC 5246 §7.4.1.2), and the road
 * taken to the TLS 1.3 or TLS 1.2 state machine. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

/* RFC 8446 §4.1.2, §4.2.1, Appendix D.5, RFC 5246 §7.4.1.2, Appendix E: the version, from
 * supported_versions when present, else from legacy_version. */
static int choose_version(gls_conn *c, const struct gls_client_hello *ch, uint16_t *version)
{
    bool has_sv = gls_exts_has(&ch->ext, GLS_X_SUPPORTED_VERSIONS);
    if (ch->legacy_version <= 0x0300) {
        return gls_hs_reject(c, GLS_E_PROTOCOL_VERSION,
                             "ClientHello.legacy_version 0x%04x%s (RFC 8446 D.5)",
                             ch->legacy_version,
                             has_sv && gls_u16_list_has(ch->ext.versions, GLS_TLS13)
                                 ? " with TLS 1.3 offered"
                                 : ": SSL 3.0 and below are refused");
    }
    if (gls_choose_version(c->cfg, ch, version) == GLS_OK) {
        if (gls_u16_list_has(ch->suites, GLS_TLS_FALLBACK_SCSV) && *version < c->cfg->max_version) {
            return gls_hs_reject(c, GLS_E_INAPPROPRIATE_FALLBACK,
                                 "TLS_FALLBACK_SCSV with version 0x%04x chosen while we speak up "
                                 "to 0x%04x (RFC 7507 §3)",
                                 *version, c->cfg->max_version);
        }
        return GLS_OK;
    }
    if (has_sv) {
        return gls_hs_reject(c, GLS_E_NO_SHARED_VERSION,
                             "supported_versions lists no version we speak (%zu entries; RFC "
                             "8446 §4.2.1)",
                             gls_u16_list_count(ch->ext.versions));
    }
    return gls_hs_reject(c, GLS_E_NO_SHARED_VERSION,
                         "ClientHello.legacy_version 0x%04x without supported_versions: TLS 1.1 "
                         "and below are refused (RFC 8996)",
                         ch->legacy_version);
}

/* A DNS host name (RFC 6066 §3: ASCII, at most 255 bytes): letters, digits, '-', '.', and '_'. */
static bool is_dns_name(gls_bytes name)
{
    if (name.len > GLS_MAX_SERVER_NAME) {
        return false;
    }
    for (size_t i = 0; i < name.len; i++) {
        uint8_t ch = name.p[i];
        bool alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && ch != '-' && ch != '.' && ch != '_') {
            return false;
        }
    }
    return true;
}

/* RFC 6066 §3: at most one name of each type (names of types we do not know are skipped), and
 * the host_name a DNS name; either broken is illegal_parameter (as GnuTLS answers). */
static int check_server_name(gls_conn *c, const struct gls_exts *e)
{
    uint64_t types[4] = {0, 0, 0, 0};
    if (!gls_exts_has(e, GLS_X_SERVER_NAME)) {
        return GLS_OK;
    }
    gls_reader list = gls_reader_init(e->server_names.p, e->server_names.len);
    while (gls_reader_left(&list) > 0 && !list.bad) { /* the parser checked the list whole */
        uint8_t type = gls_read_u8(&list);
        (void)gls_read_opaque16(&list, 0, 65535);
        uint64_t bit = (uint64_t)1 << (type % 64);
        if ((types[type / 64] & bit) != 0) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "server_name lists two names of type %u (RFC 6066 §3)", type);
        }
        types[type / 64] |= bit;
    }
    if (e->server_name.len > 0 && !is_dns_name(e->server_name)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server_name host_name of %zu bytes is not a DNS name (a byte outside "
                             "letters, digits, '-', '.', '_', or over %u bytes; RFC 6066 §3)",
                             e->server_name.len, (unsigned)GLS_MAX_SERVER_NAME);
    }
    return GLS_OK;
}

/* see hs.h */
int gls_server_on_client_hello_msg(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_client_hello ch;
    uint16_t version = 0;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    if (m->type != GLS_HS_CLIENT_HELLO) {
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "expected ClientHello, got %s (RFC 8446 §4.1.2)",
                             gls_hs_type_name(m->type));
    }
    TRY(gls_hs_client_hello_parse(c, &r, &ch));
    TRY(check_server_name(c, &ch.ext));
    TRY(gls_hs_client_hello_hook(c, &ch));
    TRY(choose_version(c, &ch, &version));
    c->sess.version = version;
    memcpy(c->hs->client_random, ch.random, 32);
    if (gls_exts_has(&ch.ext, GLS_X_SERVER_NAME)) {
        TRY(gls_session_set_name(&c->sess.server_name, ch.ext.server_name.p,
                                 ch.ext.server_name.len));
    }
    if (version == GLS_TLS13) {
        return gls_server13_on_client_hello(c, m, &ch);
    }
    return gls_server12_on_client_hello(c, m, &ch); /* TLS 1.2: server12.c */
}
