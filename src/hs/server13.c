/* hs/server13.c — the TLS 1.3 server (RFC 8446 §2, §4, Appendix A.2): from
 * ClientHello to its whole first flight (ServerHello, EncryptedExtensions,
 * CertificateRequest, Certificate, CertificateVerify, Finished), the
 * HelloRetryRequest detour, the client's authentication and Finished, and the
 * post-handshake KeyUpdate. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

static int on_client_hello2(gls_conn *c, const gls_hs_msg *m);
static int on_certificate(gls_conn *c, const gls_hs_msg *m);
static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m);
static int on_finished(gls_conn *c, const gls_hs_msg *m);
static int on_key_update(gls_conn *c, const gls_hs_msg *m);

/* Read the table as the protocol: in this state, this message, handled here. */
static const struct gls_hs_edge server13[] = {
    /* state                  message                       handler                  flags */
    {ST_S13_WAIT_CH2, GLS_HS_CLIENT_HELLO, on_client_hello2, 0},
    {ST_S13_WAIT_CERT, GLS_HS_CERTIFICATE, on_certificate, 0},
    {ST_S13_WAIT_CV, GLS_HS_CERTIFICATE_VERIFY, on_certificate_verify, 0},
    {ST_S13_WAIT_FINISHED, GLS_HS_FINISHED, on_finished, 0},
    {ST_CONNECTED, GLS_HS_KEY_UPDATE, on_key_update, NO_TRANSCRIPT},
};

/* see hs.h */
int gls_server13_on_message(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs_dispatch(c, server13, sizeof server13 / sizeof server13[0], m);
}

/* RFC 8446 §4.1.2, §9.2: what every TLS 1.3 ClientHello must carry. */
static int check_client_hello(gls_conn *c, const struct gls_client_hello *ch)
{
    if (ch->compression.len != 1 || ch->compression.p[0] != 0) {
        return GLS_E_ILLEGAL_PARAMETER;
    }
    if (!gls_exts_has(&ch->ext, GLS_X_SUPPORTED_GROUPS) ||
        !gls_exts_has(&ch->ext, GLS_X_KEY_SHARE) ||
        !gls_exts_has(&ch->ext, GLS_X_SIGNATURE_ALGORITHMS)) {
        gls_hs_detail(c, "ClientHello lacks supported_groups, key_share or signature_algorithms");
        return GLS_E_MISSING_EXTENSION;
    }
    if (ch->session_id.len > sizeof c->hs.session_id) {
        return GLS_E_DECODE;
    }
    /* RFC 8446 §4.2.9: a PSK offer needs psk_key_exchange_modes */
    if (gls_exts_has(&ch->ext, GLS_X_PRE_SHARED_KEY) &&
        !gls_exts_has(&ch->ext, GLS_X_PSK_KEY_EXCHANGE_MODES)) {
        return GLS_E_MISSING_EXTENSION;
    }
    return GLS_OK;
}

/* RFC 8446 §4.2.11: accept the client's first ticket if it opens, is fresh,
 * fits the suite's hash and its binder verifies. A ticket that does not open
 * is ignored (full handshake); a bad binder is fatal. Call before the
 * ClientHello enters the transcript. */
static int try_resume(gls_conn *c, const gls_hs_msg *m, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = &c->hs;
    const struct gls_exts *e = &ch->ext;
    const gls_config *cfg = c->cfg;
    gls_secret binder;
    hs->psk_accepted = false;
    for (size_t i = 0; i < e->n_psk_modes; i++) {
        hs->client_psk_dhe |= e->psk_modes[i] == GLS_PSK_DHE_KE;
    }
    if (!cfg->resumption || !hs->client_psk_dhe || !gls_exts_has(e, GLS_X_PRE_SHARED_KEY) ||
        e->n_psk_ids == 0 || e->n_psk_binders == 0) {
        return GLS_OK;
    }
    if (e->psk_ids_total != e->psk_binders_total) {
        return GLS_E_ILLEGAL_PARAMETER;
    }
    int64_t now = gls_hs_now(c);
    if (!gls_hs_ticket_open(c, e->psk_ids[0].identity.p, e->psk_ids[0].identity.len, &hs->resume)) {
        gls_hs_event(c, "ticket not accepted (expired, foreign or damaged): full handshake");
        return GLS_OK;
    }
    /* RFC 8446 §4.2.11.1, §8.3: the age the client reports must fit the ticket's */
    uint32_t reported_ms = e->psk_ids[0].obfuscated_age - hs->resume.age_add;
    int64_t expected_ms = (now - hs->resume.issued) * 1000;
    if ((int64_t)reported_ms > expected_ms + GLS_TICKET_AGE_SKEW_MS ||
        (int64_t)reported_ms + GLS_TICKET_AGE_SKEW_MS < expected_ms) {
        gls_hs_event(c, "ticket age %u ms does not match its issue time: full handshake",
                     reported_ms);
        gls_ticket_wipe(&hs->resume);
        return GLS_OK;
    }
    const struct gls_suite *ts = gls_suite_get(hs->resume.suite);
    if (hs->resume.version != GLS_TLS13 || ts == NULL || ts->prf != c->sess.suite->prf) {
        return GLS_OK;
    }
    gls_bytes truncated = gls_bytes_of(m->raw.p, 4 + ch->binders_offset);
    TRY(gls_hs13_binder(c, c->sess.suite, truncated, &binder));
    bool ok =
        e->psk_binders[0].len == binder.len && gls_ct_eq(e->psk_binders[0].p, binder.b, binder.len);
    gls_secret_wipe(&binder);
    if (!ok) {
        return GLS_E_BAD_BINDER;
    }
    hs->psk_accepted = true;
    c->sess.resumed = true;
    gls_hs_event(c, "ticket accepted: resuming (no certificate this time)");
    return GLS_OK;
}

/* Sends a NewSessionTicket (RFC 8446 §4.6.1) carrying the resumption PSK. */
static int send_ticket(gls_conn *c)
{
    struct gls_new_session_ticket nst;
    struct gls_ticket t;
    uint8_t nonce[8];
    uint8_t sealed[GLS_MAX_TICKET];
    size_t len = 0;
    gls_writer w;
    gls_secret_sink sink = gls_hs_sink(c);
    if (!c->cfg->resumption || !c->hs.client_psk_dhe) {
        return GLS_OK;
    }
    memset(&t, 0, sizeof t);
    memset(&nst, 0, sizeof nst);
    t.version = GLS_TLS13;
    t.suite = c->sess.suite->id;
    t.issued = gls_hs_now(c);
    t.lifetime = c->cfg->ticket_lifetime;
    memcpy(t.server_name, c->sess.server_name, sizeof t.server_name);
    int err = gls_rand(&c->cfg->rng, nonce, sizeof nonce);
    err = err ? err : gls_rand(&c->cfg->rng, (uint8_t *)&t.age_add, sizeof t.age_add);
    err = err ? err
              : gls_ks13_ticket_psk(c->sess.hash, &c->sess.res_master, nonce, sizeof nonce, &t.psk,
                                    &sink);
    err = err ? err : gls_hs_ticket_seal(c, &t, sealed, sizeof sealed, &len);
    nst.age_add = t.age_add;
    gls_ticket_wipe(&t);
    TRY(err);
    nst.tls13 = true;
    nst.lifetime = c->cfg->ticket_lifetime;
    nst.nonce = gls_bytes_of(nonce, sizeof nonce);
    nst.ticket = gls_bytes_of(sealed, len);
    TRY(gls_hs_begin(c, GLS_HS_NEW_SESSION_TICKET, &w));
    TRY(gls_new_session_ticket_write(&w, &nst));
    return gls_hs_end(c, &w, true);
}

/* ServerHello or HelloRetryRequest with the fields both share. */
static int send_server_hello(gls_conn *c, bool hrr, uint16_t group, gls_bytes key)
{
    struct gls_server_hello sh;
    gls_writer w;
    memset(&sh, 0, sizeof sh);
    sh.legacy_version = GLS_TLS12;
    sh.is_hrr = hrr;
    memcpy(sh.random, hrr ? gls_hrr_random : c->hs.server_random, 32);
    sh.session_id = gls_bytes_of(c->hs.session_id, c->hs.session_id_len);
    sh.cipher_suite = c->sess.suite->id;
    sh.has_exts = true;
    sh.ext.selected_version = GLS_TLS13;
    gls_exts_set(&sh.ext, GLS_X_SUPPORTED_VERSIONS);
    gls_exts_set(&sh.ext, GLS_X_KEY_SHARE);
    if (!hrr && c->hs.psk_accepted) {
        sh.ext.psk_selected = 0;
        gls_exts_set(&sh.ext, GLS_X_PRE_SHARED_KEY);
    }
    if (hrr) {
        sh.ext.hrr_group = group;
    } else {
        sh.ext.shares[0].group = group;
        sh.ext.shares[0].key = key;
        sh.ext.n_shares = 1;
    }
    TRY(gls_hs_begin(c, GLS_HS_SERVER_HELLO, &w));
    TRY(gls_server_hello_write(&w, &sh));
    return gls_hs_end(c, &w, false);
}

static int send_encrypted_extensions(gls_conn *c)
{
    struct gls_encrypted_extensions ee;
    gls_writer w;
    memset(&ee, 0, sizeof ee);
    if (c->sess.alpn[0] != 0) {
        ee.ext.alpn[0] = gls_bytes_of(c->sess.alpn, strlen(c->sess.alpn));
        ee.ext.n_alpn = 1;
        gls_exts_set(&ee.ext, GLS_X_ALPN);
    }
    if (c->sess.server_name[0] != 0) { /* RFC 6066 §3: acknowledge SNI */
        gls_exts_set(&ee.ext, GLS_X_SERVER_NAME);
    }
    if (c->hs.peer_record_limit) { /* RFC 8449 §4: answer with ours */
        ee.ext.record_size_limit = gls_hs_own_record_limit(c, true);
        gls_exts_set(&ee.ext, GLS_X_RECORD_SIZE_LIMIT);
    }
    TRY(gls_hs_begin(c, GLS_HS_ENCRYPTED_EXTENSIONS, &w));
    TRY(gls_encrypted_extensions_write(&w, &ee));
    return gls_hs_end(c, &w, false);
}

static int send_certificate_request(gls_conn *c)
{
    struct gls_certificate_request cr;
    gls_writer w;
    memset(&cr, 0, sizeof cr);
    cr.tls13 = true;
    for (size_t i = 0; i < c->cfg->n_sigalgs && i < GLS_MAX_SIGALGS; i++) {
        cr.ext.sigalgs[cr.ext.n_sigalgs++] = c->cfg->sigalgs[i];
    }
    gls_exts_set(&cr.ext, GLS_X_SIGNATURE_ALGORITHMS);
    c->hs.cert_requested = true;
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE_REQUEST, &w));
    TRY(gls_certificate_request_write(&w, &cr));
    return gls_hs_end(c, &w, false);
}

/* Everything after the group is settled: our share, ServerHello, the keys,
 * and the rest of the flight through Finished. */
static int send_flight(gls_conn *c, const struct gls_client_hello *ch, size_t share)
{
    struct gls_hs *hs = &c->hs;
    uint8_t pub[600];
    size_t pub_len = 0;
    gls_kex_secret shared;
    uint16_t group = ch->ext.shares[share].group;
    TRY(gls_kex_new(c->cfg->crypto, group, &c->cfg->rng, &hs->kex[0]));
    TRY(gls_kex_public(hs->kex[0], pub, sizeof pub, &pub_len));
    TRY(gls_kex_derive(hs->kex[0], ch->ext.shares[share].key.p, ch->ext.shares[share].key.len,
                       &shared));
    gls_kex_free(hs->kex[0]); /* the ephemeral key is gone now */
    hs->kex[0] = NULL;
    c->sess.group = group;
    TRY(gls_rand(&c->cfg->rng, hs->server_random, 32));
    int err = send_server_hello(c, false, group, gls_bytes_of(pub, pub_len));
    if (err != GLS_OK) {
        gls_kex_secret_wipe(&shared);
        return err;
    }
    TRY(gls_hs13_handshake_secrets(c, &shared));
    if (hs->session_id_len > 0) {
        TRY(gls_hs13_send_compat_ccs(c));
    }
    TRY(gls_hs13_install(c, true, &hs->s_hs_traffic));
    TRY(send_encrypted_extensions(c));
    if (!hs->psk_accepted) { /* RFC 8446 §4.3.2, §4.4.2: no certificates on resumption */
        if (c->cfg->client_auth != GLS_CLIENT_AUTH_NONE) {
            TRY(send_certificate_request(c));
        }
        TRY(gls_hs13_send_certificate(c, gls_bytes_of(NULL, 0)));
        TRY(gls_hs13_send_certificate_verify(c));
    }
    TRY(gls_hs13_send_finished(c, &hs->s_hs_traffic));
    TRY(gls_hs13_master_secrets(c));
    TRY(gls_hs13_install(c, true, &c->sess.s_ap_traffic));
    TRY(gls_hs13_install(c, false, &hs->c_hs_traffic));
    hs->state = hs->cert_requested ? ST_S13_WAIT_CERT : ST_S13_WAIT_FINISHED;
    return GLS_OK;
}

/* Chooses certificate and ALPN: what must hold before we answer at all. */
static int choose_auth(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = &c->hs;
    size_t index = 0;
    const char *sni = c->sess.server_name[0] ? c->sess.server_name : NULL;
    int err = gls_choose_cert(c->cfg, sni, ch->ext.sigalgs, ch->ext.n_sigalgs, true, GLS_AUTH_ANY,
                              NULL, &index, &hs->sigalg);
    if (err != GLS_OK) {
        gls_hs_detail(c, "no certificate fits the client's signature algorithms");
        return err;
    }
    hs->cert = &c->cfg->certs[index];
    c->sess.sigalg = hs->sigalg;
    err = gls_hs_choose_alpn(c, &ch->ext);
    if (err != GLS_OK) {
        gls_hs_detail(c, "no application protocol in common");
    }
    return err;
}

/* see hs.h */
int gls_server13_on_client_hello(gls_conn *c, const gls_hs_msg *m,
                                 const struct gls_client_hello *ch)
{
    struct gls_hs *hs = &c->hs;
    const struct gls_suite *suite = NULL;
    uint16_t group = 0;
    size_t share = 0;
    bool hrr = false;
    TRY(check_client_hello(c, ch));
    TRY(gls_hs_record_limit(c, &ch->ext, true));
    hs->skip_early = gls_exts_has(&ch->ext, GLS_X_EARLY_DATA); /* we never accept 0-RTT */
    hs->peer_record_limit = gls_exts_has(&ch->ext, GLS_X_RECORD_SIZE_LIMIT);
    TRY(gls_choose_suite(c->cfg, ch, GLS_TLS13, &suite));
    TRY(gls_choose_group13(c->cfg, ch, &group, &share, &hrr));
    TRY(choose_auth(c, ch));
    c->sess.suite = suite;
    c->sess.hash = gls_hash_get(c->cfg->crypto, suite->prf);
    TRY(try_resume(c, m, ch));
    memcpy(hs->session_id, ch->session_id.p, ch->session_id.len);
    hs->session_id_len = ch->session_id.len;
    gls_hs_event(c, "chose TLS 1.3, %s, %s%s", suite->name, gls_group_name(group),
                 hrr ? " (HelloRetryRequest: the client sent no share for it)" : "");
    TRY(gls_transcript_choose(&hs->transcript, c->sess.hash, false));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    if (!hrr) {
        return send_flight(c, ch, share);
    }
    /* RFC 8446 §4.1.4: ClientHello1 collapses into message_hash */
    TRY(gls_transcript_hrr_rewrite(&hs->transcript));
    hs->hrr = true;
    hs->hrr_group = group;
    TRY(send_server_hello(c, true, group, gls_bytes_of(NULL, 0)));
    if (hs->session_id_len > 0) {
        TRY(gls_hs13_send_compat_ccs(c));
    }
    hs->state = ST_S13_WAIT_CH2;
    return GLS_OK;
}

/* RFC 8446 §4.1.2: the second ClientHello answers our HelloRetryRequest. */
static int on_client_hello2(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = &c->hs;
    struct gls_client_hello ch;
    const struct gls_suite *suite = NULL;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_client_hello_parse(&r, &ch));
    TRY(check_client_hello(c, &ch));
    bool v13 = false;
    for (size_t i = 0; i < ch.ext.n_versions; i++) {
        v13 |= ch.ext.versions[i] == GLS_TLS13;
    }
    if (!v13 || memcmp(ch.random, hs->client_random, 32) != 0 ||
        ch.session_id.len != hs->session_id_len ||
        memcmp(ch.session_id.p, hs->session_id, hs->session_id_len) != 0) {
        return GLS_E_ILLEGAL_PARAMETER;
    }
    TRY(gls_choose_suite(c->cfg, &ch, GLS_TLS13, &suite));
    if (suite != c->sess.suite || ch.ext.n_shares != 1 || ch.ext.shares[0].group != hs->hrr_group) {
        gls_hs_detail(c, "second ClientHello does not answer the HelloRetryRequest");
        return GLS_E_ILLEGAL_PARAMETER;
    }
    TRY(choose_auth(c, &ch));
    TRY(try_resume(c, m, &ch));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    return send_flight(c, &ch, 0);
}

static int on_certificate(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs13_on_certificate(c, m, gls_bytes_of(NULL, 0)));
    c->hs.state = c->hs.peer_sent_cert ? ST_S13_WAIT_CV : ST_S13_WAIT_FINISHED;
    return GLS_OK;
}

static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs13_on_certificate_verify(c, m));
    c->hs.state = ST_S13_WAIT_FINISHED;
    return GLS_OK;
}

static int on_finished(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = &c->hs;
    TRY(gls_hs13_check_finished(c, &hs->c_hs_traffic, m));
    TRY(gls_hs13_install(c, false, &c->sess.c_ap_traffic));
    TRY(gls_hs13_resumption_secret(c));
    TRY(send_ticket(c));
    gls_hs_event(c, "handshake complete");
    hs->state = ST_CONNECTED;
    gls_hs_wipe(c);
    return GLS_OK;
}

static int on_key_update(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs13_on_key_update(c, m);
}
