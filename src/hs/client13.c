/* hs/client13.c — the TLS 1.3 client after ServerHello (RFC 8446 §2, §4,
 * Appendix A.1): HelloRetryRequest, EncryptedExtensions, the server's
 * Certificate/CertificateVerify, Finished, our own authentication if asked,
 * and post-handshake NewSessionTicket and KeyUpdate. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

static int on_encrypted_extensions(gls_conn *c, const gls_hs_msg *m);
static int on_certificate_request(gls_conn *c, const gls_hs_msg *m);
static int on_certificate(gls_conn *c, const gls_hs_msg *m);
static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m);
static int on_finished(gls_conn *c, const gls_hs_msg *m);
static int on_new_session_ticket(gls_conn *c, const gls_hs_msg *m);
static int on_key_update(gls_conn *c, const gls_hs_msg *m);

/* Read the table as the protocol: in this state, this message, handled here. */
static const struct gls_hs_edge client13[] = {
    /* state                  message                       handler                  flags */
    {ST_C13_WAIT_EE, GLS_HS_ENCRYPTED_EXTENSIONS, on_encrypted_extensions, 0},
    {ST_C13_WAIT_CERT_CR, GLS_HS_CERTIFICATE_REQUEST, on_certificate_request, 0},
    {ST_C13_WAIT_CERT_CR, GLS_HS_CERTIFICATE, on_certificate, 0},
    {ST_C13_WAIT_CERT, GLS_HS_CERTIFICATE, on_certificate, 0},
    {ST_C13_WAIT_CV, GLS_HS_CERTIFICATE_VERIFY, on_certificate_verify, 0},
    {ST_C13_WAIT_FINISHED, GLS_HS_FINISHED, on_finished, 0},
    {ST_CONNECTED, GLS_HS_NEW_SESSION_TICKET, on_new_session_ticket, NO_TRANSCRIPT},
    {ST_CONNECTED, GLS_HS_KEY_UPDATE, on_key_update, NO_TRANSCRIPT},
};

/* see hs.h */
int gls_client13_on_message(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs_dispatch(c, client13, sizeof client13 / sizeof client13[0], m);
}

/* Checks what TLS 1.3 ServerHello and HelloRetryRequest share (RFC 8446 §4.1.3). */
static int check_hello13(gls_conn *c, const struct gls_server_hello *sh)
{
    struct gls_hs *hs = c->hs;
    bool offered = false;
    for (size_t i = 0; i < hs->n_offered_suites; i++) {
        offered |= hs->offered_suites[i] == sh->cipher_suite;
    }
    const struct gls_suite *s = gls_suite_get(sh->cipher_suite);
    if (!offered || s == NULL || s->version != GLS_TLS13) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server chose cipher suite 0x%04x, which we did not offer for TLS "
                             "1.3 (RFC 8446 §4.1.3)",
                             sh->cipher_suite);
    }
    if (sh->session_id.len != hs->session_id_len ||
        memcmp(sh->session_id.p, hs->session_id, hs->session_id_len) != 0) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "legacy_session_id_echo does not echo our session id (RFC 8446 "
                             "§4.1.3)");
    }
    if (sh->compression != 0) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "legacy_compression_method %u is not 0 (RFC 8446 §4.1.3)",
                             sh->compression);
    }
    if (c->sess.suite != NULL && c->sess.suite != s) { /* RFC 8446 §4.1.4: same as HRR */
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "ServerHello changes the cipher suite HelloRetryRequest chose (RFC "
                             "8446 §4.1.4)");
    }
    c->sess.suite = s;
    c->sess.hash = gls_hash_get(c->cfg->crypto, s->prf);
    return GLS_OK;
}

/* RFC 8446 §4.1.4: the server asks for another key share (and maybe a cookie). */
static int on_hello_retry_request(gls_conn *c, const gls_hs_msg *m,
                                  const struct gls_server_hello *sh)
{
    struct gls_hs *hs = c->hs;
    if (hs->hrr) { /* only one HRR per handshake */
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "a second HelloRetryRequest (RFC 8446 §4.1.4)");
    }
    TRY(check_hello13(c, sh));
    uint16_t group = sh->ext.hrr_group;
    bool ours = false;
    for (size_t i = 0; i < c->cfg->n_groups; i++) {
        ours |= c->cfg->groups[i] == group;
    }
    bool changes = gls_exts_has(&sh->ext, GLS_X_COOKIE);
    if (gls_exts_has(&sh->ext, GLS_X_KEY_SHARE)) {
        if (!ours) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "HelloRetryRequest selects group 0x%04x, which we did not offer "
                                 "(RFC 8446 §4.2.8)",
                                 group);
        }
        bool sent = false;
        for (size_t i = 0; i < hs->n_kex; i++) {
            sent |= group == hs->kex_group[i];
        }
        if (sent) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "HelloRetryRequest selects %s, for which we already sent a share "
                                 "(RFC 8446 §4.2.8)",
                                 gls_group_name(group));
        }
        changes = true;
    }
    if (!changes) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "HelloRetryRequest would not change the ClientHello (RFC 8446 "
                             "§4.1.4)");
    }
    if (gls_exts_has(&sh->ext, GLS_X_COOKIE)) {
        if (sh->ext.cookie.len > sizeof hs->cookie) {
            return gls_hs_reject(c, GLS_E_DECODE,
                                 "HelloRetryRequest cookie of %zu bytes is more than we keep",
                                 sh->ext.cookie.len);
        }
        memcpy(hs->cookie, sh->ext.cookie.p, sh->ext.cookie.len);
        hs->cookie_len = sh->ext.cookie.len;
    }
    const struct gls_suite *ps = gls_suite_get(hs->resume.suite);
    if (hs->psk_offered && (ps == NULL || ps->prf != c->sess.suite->prf)) {
        hs->psk_offered = false; /* RFC 8446 §4.1.4: the PSK no longer fits */
    }
    gls_hs_event(c, "HelloRetryRequest: server wants a %s key share",
                 gls_group_name(group ? group : hs->kex_group[0]));
    hs->hrr = true;
    hs->hrr_group = gls_exts_has(&sh->ext, GLS_X_KEY_SHARE) ? group : 0; /* 0: same shares */
    TRY(gls_transcript_choose(&hs->transcript, c->sess.hash, false));
    TRY(gls_transcript_hrr_rewrite(&hs->transcript));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    TRY(gls_hs13_send_compat_ccs(c));
    return gls_client_send_hello(c);
}

/* see hs.h */
int gls_client13_on_server_hello(gls_conn *c, const gls_hs_msg *m,
                                 const struct gls_server_hello *sh)
{
    struct gls_hs *hs = c->hs;
    gls_kex_secret shared;
    if (sh->is_hrr) {
        return on_hello_retry_request(c, m, sh);
    }
    TRY(check_hello13(c, sh));
    if (gls_exts_has(&sh->ext, GLS_X_PRE_SHARED_KEY)) { /* RFC 8446 §4.2.11 */
        const struct gls_suite *ps = gls_suite_get(hs->resume.suite);
        if (!hs->psk_offered || sh->ext.psk_selected != 0 || ps == NULL ||
            ps->prf != c->sess.suite->prf) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "server selected PSK %u, which we did not offer or whose hash "
                                 "differs from the suite's (RFC 8446 §4.2.11)",
                                 sh->ext.psk_selected);
        }
        hs->psk_accepted = true;
        c->sess.resumed = true;
        gls_hs_adopt_peer_id(c, &hs->resume); /* as verified when the ticket came */
        gls_hs_event(c, "server accepted our ticket: resumed session");
    }
    if (!gls_exts_has(&sh->ext, GLS_X_KEY_SHARE)) { /* psk_ke is not offered */
        return gls_hs_reject(c, GLS_E_MISSING_EXTENSION,
                             "ServerHello without key_share; we offer psk_dhe_ke only (RFC 8446 "
                             "§4.2.9)");
    }
    size_t i = 0;
    while (i < hs->n_kex && hs->kex_group[i] != sh->ext.share.group) {
        i++;
    }
    if (i == hs->n_kex) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server key share is for %s, for which we sent no share (RFC 8446 "
                             "§4.2.8)",
                             gls_group_name(sh->ext.share.group));
    }
    TRY(gls_kex_finish(hs->kex[i], sh->ext.share.key.p, sh->ext.share.key.len, &shared));
    c->sess.group = hs->kex_group[i];
    memcpy(hs->server_random, sh->random, 32);
    gls_hs_event(c, "TLS 1.3, %s, key exchange %s", c->sess.suite->name,
                 gls_group_name(c->sess.group));
    for (size_t j = 0; j < hs->n_kex; j++) { /* ephemeral keys go at once */
        gls_kex_free(hs->kex[j]);
        hs->kex[j] = NULL;
    }
    if (!hs->hrr) {
        TRY(gls_transcript_choose(&hs->transcript, c->sess.hash, false));
    }
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    TRY(gls_hs13_handshake_secrets(c, &shared));
    TRY(gls_hs13_install(c, false, &hs->s_hs_traffic));
    /* our next record (or an alert about the server's flight) goes under c hs traffic */
    TRY(gls_hs13_install(c, true, &hs->c_hs_traffic));
    c->state = ST_C13_WAIT_EE;
    return GLS_OK;
}

static int on_encrypted_extensions(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_encrypted_extensions ee;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_encrypted_extensions_parse(&r, &ee));
    TRY(gls_client_check_solicited(c, &ee.ext, 0));
    TRY(gls_hs_record_limit(c, &ee.ext, true));
    if (gls_exts_has(&ee.ext, GLS_X_ALPN)) { /* RFC 7301 §3.1: exactly one we offered */
        bool offered = false;
        size_t n = 0;
        gls_bytes p = gls_opaque8_first(ee.ext.alpn, &n);
        for (size_t i = 0; i < c->cfg->n_alpn; i++) {
            offered |= strlen(c->cfg->alpn[i]) == p.len && memcmp(c->cfg->alpn[i], p.p, p.len) == 0;
        }
        if (n != 1 || !offered) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "server selected an ALPN protocol we did not offer (RFC 7301 "
                                 "§3.1)");
        }
        TRY(gls_session_set_name(&c->sess.alpn, p.p, p.len));
    }
    TRY(gls_transcript_add(&c->hs->transcript, m->raw));
    c->state = c->hs->psk_accepted ? ST_C13_WAIT_FINISHED : ST_C13_WAIT_CERT_CR;
    return GLS_OK;
}

static int on_certificate_request(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_certificate_request cr;
    struct gls_hs *hs = c->hs;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_certificate_request_parse(&r, true, &cr));
    if (!gls_exts_has(&cr.ext, GLS_X_SIGNATURE_ALGORITHMS)) {
        return gls_hs_reject(c, GLS_E_MISSING_EXTENSION,
                             "CertificateRequest without signature_algorithms (RFC 8446 "
                             "§4.3.2)");
    }
    if (cr.context.len > sizeof hs->cr_context) {
        return gls_hs_reject(c, GLS_E_DECODE,
                             "certificate_request_context of %zu bytes is more than we keep",
                             cr.context.len);
    }
    memcpy(hs->cr_context, cr.context.p, cr.context.len);
    hs->cr_context_len = cr.context.len;
    hs->cert_requested = true;
    hs->n_peer_sigalgs = 0; /* ours that the server lists (its list scanned whole) */
    for (size_t i = 0; i < c->cfg->n_sigalgs; i++) {
        if (gls_u16_list_has(cr.ext.sigalgs, c->cfg->sigalgs[i])) {
            hs->peer_sigalgs[hs->n_peer_sigalgs++] = c->cfg->sigalgs[i];
        }
    }
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    c->state = ST_C13_WAIT_CERT;
    return GLS_OK;
}

static int on_certificate(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs13_on_certificate(c, m, gls_bytes_of(NULL, 0)));
    c->state = ST_C13_WAIT_CV;
    return GLS_OK;
}

static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs13_on_certificate_verify(c, m));
    c->state = ST_C13_WAIT_FINISHED;
    return GLS_OK;
}

/* Our Certificate (and CertificateVerify if we have a fitting key), as asked. */
static int send_client_auth(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    if (!hs->cert_requested) {
        return GLS_OK;
    }
    gls_hs_choose_client_cert(c, true);
    gls_hs_event(c, hs->cert ? "presenting our client certificate" : "no client certificate");
    TRY(gls_hs13_send_certificate(c, gls_bytes_of(hs->cr_context, hs->cr_context_len)));
    if (hs->cert != NULL) {
        TRY(gls_hs13_send_certificate_verify(c));
    }
    return GLS_OK;
}

static int on_finished(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    TRY(gls_hs13_check_finished(c, &hs->s_hs_traffic, m));
    TRY(gls_hs13_master_secrets(c));
    TRY(gls_hs13_install(c, false, &c->sess.s_ap_traffic));
    TRY(gls_hs13_send_compat_ccs(c));
    TRY(send_client_auth(c));
    TRY(gls_hs13_send_finished(c, &hs->c_hs_traffic));
    TRY(gls_hs13_install(c, true, &c->sess.c_ap_traffic));
    TRY(gls_hs13_resumption_secret(c));
    gls_secret_wipe(&hs->c_hs_traffic);
    gls_secret_wipe(&hs->s_hs_traffic);
    gls_hs_event(c, "handshake complete");
    c->state = ST_CONNECTED;
    gls_hs_wipe(c);
    return GLS_OK;
}

static int on_new_session_ticket(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_new_session_ticket t;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_new_session_ticket_parse(&r, true, &t));
    if (!c->cfg->resumption || c->sess.server_name[0] == 0 || t.ticket.len > GLS_MAX_TICKET_LARGE) {
        return GLS_OK;
    }
    struct gls_ticket k;
    memset(&k, 0, sizeof k);
    k.version = GLS_TLS13;
    k.suite = c->sess.suite->id;
    k.issued = gls_hs_now(c);
    k.lifetime = t.lifetime < 7 * 24 * 3600 ? t.lifetime : 7 * 24 * 3600; /* RFC 8446 §4.6.1 */
    k.age_add = t.age_add;
    gls_name_copy(k.server_name, sizeof k.server_name, c->sess.server_name);
    gls_hs_session_peer(c, &k); /* the server as verified in this session */
    bool kept = gls_ticket_set_ticket(&k, t.ticket.p, t.ticket.len);
    gls_secret_sink sink = gls_hs_sink(c);
    int err = gls_ks13_ticket_psk(c->sess.hash, &c->sess.res_master, t.nonce.p, t.nonce.len, &k.psk,
                                  &sink);
    if (err == GLS_OK && k.lifetime > 0 && kept) {
        gls_hs_client_new_session(c, &k);
        gls_hs_event(c, "NewSessionTicket: kept for resumption (lifetime %u s)", k.lifetime);
    }
    gls_ticket_wipe(&k);
    return err;
}

static int on_key_update(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs13_on_key_update(c, m);
}
