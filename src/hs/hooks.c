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
        for (size_t i = 0; i < ch->ext.n_alpn; i++) {
            offered |=
                ch->ext.alpn[i].len == len && memcmp(ch->ext.alpn[i].p, choice->alpn, len) == 0;
        }
        if (!offered || len > GLS_CFG_MAX_ALPN_LEN) {
            gls_hs_detail(c,
                          "the ClientHello callback chose ALPN \"%s\", which the client did "
                          "not offer",
                          choice->alpn);
            return GLS_E_NO_APPLICATION_PROTOCOL;
        }
        memcpy(c->alpn_choice, choice->alpn, len + 1);
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

/* see hs.h */
int gls_hs_client_hello_hook(gls_conn *c, const struct gls_client_hello *ch)
{
    char names[GLS_MAX_ALPN][GLS_CFG_MAX_ALPN_LEN + 1];
    const char *alpn[GLS_MAX_ALPN];
    uint16_t legacy = ch->legacy_version;
    uint16_t suites[GLS_CFG_MAX_SUITES * 4];
    gls_client_hello_info info;
    gls_client_hello_choice choice;
    const struct gls_exts *e = &ch->ext;
    if (c->cfg->hello_cb == NULL) {
        return GLS_OK;
    }
    memset(&info, 0, sizeof info);
    memset(&choice, 0, sizeof choice);
    bool sni = gls_exts_has(e, GLS_X_SERVER_NAME) && e->server_name.len < sizeof names[0];
    char server_name[256];
    if (sni) {
        memcpy(server_name, e->server_name.p, e->server_name.len);
        server_name[e->server_name.len] = 0;
        info.server_name = server_name;
    }
    for (size_t i = 0; i < e->n_alpn && i < GLS_MAX_ALPN; i++) {
        size_t len = e->alpn[i].len < GLS_CFG_MAX_ALPN_LEN ? e->alpn[i].len : GLS_CFG_MAX_ALPN_LEN;
        memcpy(names[i], e->alpn[i].p, len);
        names[i][len] = 0;
        alpn[i] = names[i];
        info.n_alpn++;
    }
    info.alpn = alpn;
    bool sv = gls_exts_has(e, GLS_X_SUPPORTED_VERSIONS);
    info.versions = sv ? e->versions : &legacy;
    info.n_versions = sv ? e->n_versions : 1;
    info.sigalgs = e->sigalgs;
    info.n_sigalgs = e->n_sigalgs;
    info.groups = e->groups;
    info.n_groups = e->n_groups;
    for (size_t i = 0; i + 1 < ch->suites_raw.len && info.n_suites < sizeof suites / 2; i += 2) {
        suites[info.n_suites++] = gls_get_u16(ch->suites_raw.p + i);
    }
    info.suites = suites;
    int err = c->cfg->hello_cb(c->cfg->hello_arg, c, &info, &choice);
    if (err != GLS_OK) {
        gls_hs_detail(c, "refused by the ClientHello callback");
        return err > 0 ? GLS_E_HANDSHAKE_FAILURE : err;
    }
    return apply_choice(c, ch, &choice);
}

/* see hs.h */
int gls_hs_choose_alpn(gls_conn *c, const struct gls_exts *ch_ext)
{
    if (c->alpn_choice[0] != 0) {
        memcpy(c->sess.alpn, c->alpn_choice, sizeof c->sess.alpn);
        return GLS_OK;
    }
    return gls_choose_alpn(c->cfg, ch_ext, c->sess.alpn);
}

/* see hs.h */
void gls_hs_choose_client_cert(gls_conn *c, bool tls13)
{
    struct gls_hs *hs = &c->hs;
    const gls_config *cfg = c->cfg;
    size_t index = 0;
    hs->cert = NULL;
    if (cfg->client_cert_cb != NULL) {
        int k = cfg->client_cert_cb(cfg->client_cert_arg, c, hs->peer_sigalgs, hs->n_peer_sigalgs);
        if (k > 0 && (size_t)k <= cfg->n_certs &&
            gls_choose_sigalg(cfg, cfg->certs[k - 1].key, hs->peer_sigalgs, hs->n_peer_sigalgs,
                              tls13, &hs->sigalg) == GLS_OK) {
            hs->cert = &cfg->certs[k - 1];
        } else if (k != 0) {
            gls_hs_event(c, "certificate %d chosen by the callback cannot be used here", k);
        }
        return;
    }
    if (hs->n_peer_sigalgs > 0 &&
        gls_choose_cert(cfg, NULL, hs->peer_sigalgs, hs->n_peer_sigalgs, tls13, GLS_AUTH_ANY, NULL,
                        &index, &hs->sigalg) == GLS_OK) {
        hs->cert = &cfg->certs[index];
    }
}
