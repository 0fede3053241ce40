/* hs/hooks.c — the server's ClientHello callback (gls.h): what the client asks
 * for, shown to the program before we choose anything, and the program's
 * answers (another config, the ALPN protocol) applied. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

/* The hook's answers: another config (kept alive by the connection) and ALPN. */
static int apply_choice(gls_conn *c, const struct gls_client_hello *ch,
                        const gls_client_hello_choice *choice)
{
    if (choice->alpn != NULL) {
        size_t len = strlen(choice->alpn);
        bool offered = false;
        gls_reader it = gls_reader_init(ch->ext.alpn.p, ch->ext.alpn.len);
        while (gls_reader_left(&it) > 0 && !it.bad) {
            gls_bytes name = gls_read_opaque8(&it, 1, 255);
            offered |= name.len == len && memcmp(name.p, choice->alpn, len) == 0;
        }
        if (!offered || len > GLS_CFG_MAX_ALPN_LEN) {
            return gls_hs_reject(c, GLS_E_NO_APPLICATION_PROTOCOL,
                                 "the ClientHello callback chose ALPN \"%s\", which the client "
                                 "did not offer (RFC 7301 §3.2)",
                                 choice->alpn);
        }
        memcpy(c->hs->alpn_choice, choice->alpn, len + 1);
    }
    if (choice->config != NULL && choice->config != c->cfg) {
        gls_config *next = gls_config_ref(choice->config);
        if (c->cfg_first == NULL) {
            c->cfg_first = c->cfg; /* our buffers came from its pool: keep it alive */
        } else {
            gls_config_free(c->cfg);
        }
        c->cfg = next;
        gls_hs_event(c, "the ClientHello callback switched this connection to another config");
    }
    return GLS_OK;
}

#define HOOK_MAX_ALPN 16
#define HOOK_MAX_LIST 64

/* A u16 list body into an array (at most cap items). */
static size_t u16_list(gls_bytes body, uint16_t *out, size_t cap)
{
    size_t n = gls_u16_list_count(body);
    n = n < cap ? n : cap;
    for (size_t i = 0; i < n; i++) {
        out[i] = gls_u16_list_at(body, i);
    }
    return n;
}

/* see hs.h */
int gls_hs_client_hello_hook(gls_conn *c, const struct gls_client_hello *ch)
{
    char names[HOOK_MAX_ALPN][GLS_CFG_MAX_ALPN_LEN + 1];
    const char *alpn[HOOK_MAX_ALPN];
    char server_name[256];
    uint16_t versions[HOOK_MAX_LIST], sigalgs[HOOK_MAX_LIST], groups[HOOK_MAX_LIST];
    uint16_t suites[HOOK_MAX_LIST * 4];
    gls_client_hello_info info;
    gls_client_hello_choice choice;
    const struct gls_exts *e = &ch->ext;
    if (c->cfg->hello_cb == NULL) {
        return GLS_OK;
    }
    memset(&info, 0, sizeof info);
    memset(&choice, 0, sizeof choice);
    if (e->server_name.len > 0 && e->server_name.len < sizeof server_name) {
        memcpy(server_name, e->server_name.p, e->server_name.len);
        server_name[e->server_name.len] = 0;
        info.server_name = server_name;
    }
    gls_reader it = gls_reader_init(e->alpn.p, e->alpn.len);
    while (gls_exts_has(e, GLS_X_ALPN) && gls_reader_left(&it) > 0 && !it.bad &&
           info.n_alpn < HOOK_MAX_ALPN) {
        gls_bytes name = gls_read_opaque8(&it, 1, GLS_CFG_MAX_ALPN_LEN);
        memcpy(names[info.n_alpn], name.p, name.len);
        names[info.n_alpn][name.len] = 0;
        alpn[info.n_alpn] = names[info.n_alpn];
        info.n_alpn++;
    }
    info.alpn = alpn;
    if (gls_exts_has(e, GLS_X_SUPPORTED_VERSIONS)) {
        info.n_versions = u16_list(e->versions, versions, HOOK_MAX_LIST);
    } else {
        versions[0] = ch->legacy_version;
        info.n_versions = 1;
    }
    info.versions = versions;
    info.n_sigalgs = u16_list(e->sigalgs, sigalgs, HOOK_MAX_LIST);
    info.sigalgs = sigalgs;
    info.n_groups = u16_list(e->groups, groups, HOOK_MAX_LIST);
    info.groups = groups;
    info.n_suites = u16_list(ch->suites, suites, HOOK_MAX_LIST * 4);
    info.suites = suites;
    int err = c->cfg->hello_cb(c->cfg->hello_arg, c, &info, &choice);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err > 0 ? GLS_E_HANDSHAKE_FAILURE : err,
                             "refused by the ClientHello callback");
    }
    return apply_choice(c, ch, &choice);
}

/* see hs.h */
int gls_hs_choose_alpn(gls_conn *c, const struct gls_exts *ch_ext)
{
    char chosen[GLS_CFG_MAX_ALPN_LEN + 1];
    if (c->hs->alpn_choice[0] != 0) {
        return gls_session_set_name(&c->sess.alpn, c->hs->alpn_choice, strlen(c->hs->alpn_choice));
    }
    TRY(gls_choose_alpn(c->cfg, ch_ext, chosen));
    return gls_session_set_name(&c->sess.alpn, chosen, strlen(chosen));
}

/* see hs.h */
void gls_hs_choose_client_cert(gls_conn *c, bool tls13)
{
    struct gls_hs *hs = c->hs;
    const gls_config *cfg = c->cfg;
    size_t index = 0;
    hs->cert = NULL;
    if (cfg->client_cert_cb != NULL) {
        int k = cfg->client_cert_cb(cfg->client_cert_arg, c, hs->peer_sigalgs, hs->n_peer_sigalgs);
        uint8_t buf[2 * GLS_CFG_MAX_SIGALGS];
        gls_bytes peer = gls_u16_list_put(buf, sizeof buf, hs->peer_sigalgs, hs->n_peer_sigalgs);
        if (k > 0 && (size_t)k <= cfg->n_certs &&
            gls_choose_sigalg(cfg, cfg->certs[k - 1].key, peer, tls13, &hs->sigalg) == GLS_OK) {
            hs->cert = &cfg->certs[k - 1];
        } else if (k != 0) {
            gls_hs_event(c, "certificate %d chosen by the callback cannot be used here", k);
        }
        return;
    }
    if (hs->n_peer_sigalgs > 0 && gls_choose_client_cert(cfg, hs->peer_sigalgs, hs->n_peer_sigalgs,
                                                         tls13, &index, &hs->sigalg) == GLS_OK) {
        hs->cert = &cfg->certs[index];
    }
}
