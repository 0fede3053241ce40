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

/* RFC 8446 §4.1.2, §4.2, §9.2: what every TLS 1.3 ClientHello must carry. */
static int check_client_hello(gls_conn *c, const struct gls_client_hello *ch)
{
    const struct gls_exts *e = &ch->ext;
    if (ch->compression.len != 1 || ch->compression.p[0] != 0) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "TLS 1.3 ClientHello.legacy_compression_methods must be exactly "
                             "{null}, got %zu methods (RFC 8446 §4.1.2)",
                             ch->compression.len);
    }
    static const struct {
        enum gls_ext_id id;
        const char *name;
    } needed[] = {
        {GLS_X_SUPPORTED_GROUPS, "supported_groups"},
        {GLS_X_KEY_SHARE, "key_share"},
        {GLS_X_SIGNATURE_ALGORITHMS, "signature_algorithms"},
    };
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
        if (!gls_exts_has(e, needed[i].id)) {
            return gls_hs_reject(c, GLS_E_MISSING_EXTENSION,
                                 "TLS 1.3 ClientHello without %s (RFC 8446 §9.2)", needed[i].name);
        }
    }
    /* RFC 8446 §4.2.9: a PSK offer needs psk_key_exchange_modes */
    if (gls_exts_has(e, GLS_X_PRE_SHARED_KEY) && !gls_exts_has(e, GLS_X_PSK_KEY_EXCHANGE_MODES)) {
        return gls_hs_reject(c, GLS_E_MISSING_EXTENSION,
                             "pre_shared_key without psk_key_exchange_modes (RFC 8446 §4.2.9)");
    }
    if (gls_exts_has(e, GLS_X_PRE_SHARED_KEY) && e->psk_ids_total != e->psk_binders_total) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "pre_shared_key has %u identities but %u binders (RFC 8446 §4.2.11)",
                             e->psk_ids_total, e->psk_binders_total);
    }
    /* RFC 8446 §4.2.2: a cookie only answers a HelloRetryRequest that carried one (we never
     * send one) */
    if (gls_exts_has(e, GLS_X_COOKIE)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "ClientHello carries a cookie we never sent (RFC 8446 §4.2.2)");
    }
    return GLS_OK;
}

/* RFC 8446 §4.2.11: accept the client's first ticket if it opens, is fresh,
 * fits the suite's hash and its binder verifies. A ticket that does not open
 * is ignored (full handshake); a bad binder is fatal. Call before the
 * ClientHello enters the transcript. */
static int try_resume(gls_conn *c, const gls_hs_msg *m, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    const struct gls_exts *e = &ch->ext;
    const gls_config *cfg = c->cfg;
    struct gls_psk_identity id;
    size_t n_binders = 0;
    hs->psk_accepted = false;
    /* RFC 8446 §4.2.9: psk_ke (no (EC)DHE) is refused; only psk_dhe_ke resumes */
    hs->client_psk_dhe = gls_u8_list_has(e->psk_modes, GLS_PSK_DHE_KE);
    gls_reader ids = gls_reader_init(e->psk_ids.p, e->psk_ids.len);
    if (!cfg->resumption || !hs->client_psk_dhe || !gls_exts_has(e, GLS_X_PRE_SHARED_KEY) ||
        !gls_psk_ids_next(&ids, &id)) {
        return GLS_OK;
    }
    gls_bytes first_binder = gls_opaque8_first(e->psk_binders, &n_binders);
    int64_t now = gls_hs_now(c);
    if (!gls_hs_ticket_open(c, id.identity.p, id.identity.len, &hs->resume)) {
        gls_hs_event(c, "ticket not accepted (expired, foreign or damaged): full handshake");
        return GLS_OK;
    }
    /* RFC 8446 §4.2.11.1, §8.3: the age the client reports must fit the ticket's */
    uint32_t reported_ms = id.obfuscated_age - hs->resume.age_add;
    int64_t expected_ms = (now - hs->resume.issued) * 1000;
    if ((int64_t)reported_ms > expected_ms + GLS_TICKET_AGE_SKEW_MS ||
        (int64_t)reported_ms + GLS_TICKET_AGE_SKEW_MS < expected_ms) {
        gls_hs_event(c, "ticket age %u ms does not match its issue time: full handshake",
                     reported_ms);
        gls_ticket_wipe(&hs->resume);
        return GLS_OK;
    }
    const struct gls_suite *ts = gls_suite_get(hs->resume.suite);
    if (hs->resume.version != GLS_TLS13 || ts == NULL || ts->prf != c->sess.suite->prf ||
        !gls_hs_session_fits_identity(c, &hs->resume)) {
        gls_ticket_wipe(&hs->resume);
        return GLS_OK;
    }
    gls_bytes truncated = gls_bytes_of(m->raw.p, 4 + ch->binders_offset);
    int err = gls_hs13_check_binder(c, c->sess.suite, truncated, first_binder);
    if (err == GLS_E_BAD_BINDER) {
        return gls_hs_reject(c, GLS_E_BAD_BINDER,
                             "the binder of PSK identity 0 does not verify (RFC 8446 §4.2.11.2)");
    }
    TRY(err);
    hs->psk_accepted = true;
    c->sess.resumed = true;
    gls_hs_adopt_peer_id(c, &hs->resume);
    gls_hs_event(c, "ticket accepted: resuming (no certificate this time)%s%s",
                 c->sess.peer_id.flags & GLS_PEER_PRESENT ? "; client was " : "",
                 c->sess.peer_id.subject);
    return GLS_OK;
}

/* Sends a NewSessionTicket (RFC 8446 §4.6.1) carrying the resumption PSK. */
static int send_ticket(gls_conn *c)
{
    struct gls_new_session_ticket nst;
    struct gls_ticket t;
    uint8_t nonce[8];
    uint8_t sealed[GLS_MAX_TICKET_LARGE];
    size_t len = 0;
    gls_writer w;
    gls_secret_sink sink = gls_hs_sink(c);
    if (!c->cfg->resumption || !c->hs->client_psk_dhe) {
        return GLS_OK;
    }
    memset(&t, 0, sizeof t);
    memset(&nst, 0, sizeof nst);
    t.version = GLS_TLS13;
    t.suite = c->sess.suite->id;
    t.issued = gls_hs_now(c);
    t.lifetime = c->cfg->ticket_lifetime;
    gls_name_copy(t.server_name, sizeof t.server_name, c->sess.server_name);
    gls_hs_session_peer(c, &t);
    int err = gls_rand(gls_hs_rng(c), nonce, sizeof nonce);
    err = err ? err : gls_rand(gls_hs_rng(c), (uint8_t *)&t.age_add, sizeof t.age_add);
    err = err ? err
              : gls_ks13_ticket_psk(c->sess.hash, &c->sess.res_master, nonce, sizeof nonce, &t.psk,
                                    &sink);
    err = err ? err
              : gls_hs_ticket_seal(c, &t, sealed,
                                   t.peer_chain_len > 0 ? GLS_MAX_TICKET_LARGE : GLS_MAX_TICKET,
                                   &len);
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
    memcpy(sh.random, hrr ? gls_hrr_random : c->hs->server_random, 32);
    sh.session_id = gls_bytes_of(c->hs->session_id, c->hs->session_id_len);
    sh.cipher_suite = c->sess.suite->id;
    sh.has_exts = true;
    sh.ext.selected_version = GLS_TLS13;
    gls_exts_set(&sh.ext, GLS_X_SUPPORTED_VERSIONS);
    gls_exts_set(&sh.ext, GLS_X_KEY_SHARE);
    if (!hrr && c->hs->psk_accepted) {
        sh.ext.psk_selected = 0;
        gls_exts_set(&sh.ext, GLS_X_PRE_SHARED_KEY);
    }
    if (hrr) {
        sh.ext.hrr_group = group;
    } else {
        sh.ext.share.group = group;
        sh.ext.share.key = key;
    }
    TRY(gls_hs_begin(c, GLS_HS_SERVER_HELLO, &w));
    TRY(gls_server_hello_write(&w, &sh));
    return gls_hs_end(c, &w, false);
}

static int send_encrypted_extensions(gls_conn *c)
{
    struct gls_encrypted_extensions ee;
    uint8_t alpn[1 + GLS_CFG_MAX_ALPN_LEN];
    gls_writer w;
    memset(&ee, 0, sizeof ee);
    if (c->sess.alpn[0] != 0) {
        gls_bytes name = gls_bytes_of(c->sess.alpn, strlen(c->sess.alpn));
        ee.ext.alpn = gls_opaque8_list_put(alpn, sizeof alpn, &name, 1);
        gls_exts_set(&ee.ext, GLS_X_ALPN);
    }
    if (c->sess.server_name[0] != 0) { /* RFC 6066 §3: acknowledge SNI */
        gls_exts_set(&ee.ext, GLS_X_SERVER_NAME);
    }
    if (c->hs->peer_record_limit) { /* RFC 8449 §4: answer with ours */
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
    uint8_t sigalgs[2 * GLS_CFG_MAX_SIGALGS];
    gls_writer w;
    memset(&cr, 0, sizeof cr);
    cr.tls13 = true;
    cr.ext.sigalgs = gls_u16_list_put(sigalgs, sizeof sigalgs, c->cfg->sigalgs, c->cfg->n_sigalgs);
    gls_exts_set(&cr.ext, GLS_X_SIGNATURE_ALGORITHMS);
    c->hs->cert_requested = true;
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE_REQUEST, &w));
    TRY(gls_certificate_request_write(&w, &cr));
    return gls_hs_end(c, &w, false);
}

/* Everything after the group is settled: our share, ServerHello, the keys,
 * and the rest of the flight through Finished. */
static int send_flight(gls_conn *c, uint16_t group, gls_bytes share)
{
    struct gls_hs *hs = c->hs;
    uint8_t pub[GLS_KEX_MAX_SHARE];
    size_t pub_len = 0;
    gls_kex_secret shared;
    /* (EC)DH: our key and the secret; KEM: encapsulate to the client's key */
    TRY(gls_kex_respond(c->cfg->crypto, group, gls_hs_rng(c), share.p, share.len, pub, sizeof pub,
                        &pub_len, &shared));
    c->sess.group = group;
    TRY(gls_rand(gls_hs_rng(c), hs->server_random, 32));
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
    c->state = hs->cert_requested ? ST_S13_WAIT_CERT : ST_S13_WAIT_FINISHED;
    return GLS_OK;
}

/* Chooses certificate and ALPN: what must hold before we answer at all. */
static int choose_auth(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    size_t index = 0;
    const char *sni = c->sess.server_name[0] ? c->sess.server_name : NULL;
    int err = gls_choose_cert(c->cfg, sni, &ch->ext, true, GLS_AUTH_ANY, true, &index, &hs->sigalg);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "none of our certificates can sign with the %zu schemes of "
                             "signature_algorithms (RFC 8446 §4.2.3, §4.4.2.2)",
                             gls_u16_list_count(ch->ext.sigalgs));
    }
    hs->cert = &c->cfg->certs[index];
    c->sess.sigalg = hs->sigalg;
    err = gls_hs_choose_alpn(c, &ch->ext);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "no protocol of the client's ALPN list is ours (RFC 7301 "
                             "§3.2)");
    }
    return GLS_OK;
}

/* The group, and the client's share for it (none: HelloRetryRequest). */
static int choose_group(gls_conn *c, const struct gls_client_hello *ch, uint16_t *group,
                        gls_bytes *share, bool *hrr)
{
    int err = gls_choose_group13(c->cfg, ch, group, share, hrr);
    if (err == GLS_E_ILLEGAL_PARAMETER) {
        return gls_hs_reject(c, err,
                             "a key_share entry names a group not in supported_groups, out of "
                             "its order, or twice (RFC 8446 §4.2.8)");
    }
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "no group of the %zu in supported_groups is one we enable (RFC "
                             "8446 §4.2.7)",
                             gls_u16_list_count(ch->ext.groups));
    }
    return GLS_OK;
}

/* see hs.h */
int gls_server13_on_client_hello(gls_conn *c, const gls_hs_msg *m,
                                 const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    const struct gls_suite *suite = NULL;
    uint16_t group = 0;
    gls_bytes share;
    bool hrr = false;
    TRY(check_client_hello(c, ch));
    TRY(gls_hs_record_limit(c, &ch->ext, true));
    hs->skip_early = gls_exts_has(&ch->ext, GLS_X_EARLY_DATA); /* we never accept 0-RTT */
    hs->peer_record_limit = gls_exts_has(&ch->ext, GLS_X_RECORD_SIZE_LIMIT);
    if (gls_choose_suite(c->cfg, ch, GLS_TLS13, &suite) != GLS_OK) {
        return gls_hs_reject(c, GLS_E_NO_SHARED_SUITE,
                             "none of the %zu offered cipher suites is a TLS 1.3 suite we enable "
                             "(RFC 8446 §4.1.1)",
                             gls_u16_list_count(ch->suites));
    }
    TRY(choose_group(c, ch, &group, &share, &hrr));
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
        return send_flight(c, group, share);
    }
    /* RFC 8446 §4.1.4: ClientHello1 collapses into message_hash */
    TRY(gls_transcript_hrr_rewrite(&hs->transcript));
    hs->hrr = true;
    hs->hrr_group = group;
    TRY(send_server_hello(c, true, group, gls_bytes_of(NULL, 0)));
    if (hs->session_id_len > 0) {
        TRY(gls_hs13_send_compat_ccs(c));
    }
    c->state = ST_S13_WAIT_CH2;
    return GLS_OK;
}

/* RFC 8446 §4.1.2: the second ClientHello answers our HelloRetryRequest: the same hello
 * but for the one share we asked for (and no early_data, §4.2.10). */
static int check_client_hello2(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    struct gls_key_share_entry ks;
    size_t n_shares = 0;
    uint16_t first = 0;
    gls_reader it = gls_reader_init(ch->ext.shares.p, ch->ext.shares.len);
    while (gls_key_shares_next(&it, &ks)) {
        first = n_shares++ == 0 ? ks.group : first;
    }
    if (!gls_exts_has(&ch->ext, GLS_X_SUPPORTED_VERSIONS) ||
        !gls_u16_list_has(ch->ext.versions, GLS_TLS13)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "second ClientHello no longer offers TLS 1.3 (RFC 8446 §4.1.2)");
    }
    if (memcmp(ch->random, hs->client_random, 32) != 0 ||
        ch->session_id.len != hs->session_id_len ||
        memcmp(ch->session_id.p, hs->session_id, hs->session_id_len) != 0) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "second ClientHello changes random or legacy_session_id (RFC 8446 "
                             "§4.1.2)");
    }
    if (n_shares != 1 || first != hs->hrr_group) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "second ClientHello must carry exactly one key_share, for %s, the "
                             "group HelloRetryRequest selected (RFC 8446 §4.1.4, §4.2.8)",
                             gls_group_name(hs->hrr_group));
    }
    if (gls_exts_has(&ch->ext, GLS_X_EARLY_DATA)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "second ClientHello offers early_data (RFC 8446 §4.2.10)");
    }
    return GLS_OK;
}

static int on_client_hello2(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    struct gls_client_hello ch;
    struct gls_key_share_entry ks;
    const struct gls_suite *suite = NULL;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    hs->skip_early = false; /* RFC 8446 §4.2.10: 0-RTT ends before the second ClientHello */
    TRY(gls_hs_client_hello_parse(c, &r, &ch));
    if (ch.legacy_version <= 0x0300) {
        return gls_hs_reject(c, GLS_E_PROTOCOL_VERSION,
                             "ClientHello.legacy_version 0x%04x with TLS 1.3 offered (RFC 8446 "
                             "D.5)",
                             ch.legacy_version);
    }
    TRY(check_client_hello(c, &ch));
    TRY(check_client_hello2(c, &ch));
    if (gls_choose_suite(c->cfg, &ch, GLS_TLS13, &suite) != GLS_OK || suite != c->sess.suite) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "second ClientHello no longer offers %s, the suite HelloRetryRequest "
                             "selected (RFC 8446 §4.1.4)",
                             c->sess.suite->name);
    }
    if (!gls_key_shares_find(ch.ext.shares, hs->hrr_group, &ks) ||
        !gls_u16_list_has(ch.ext.groups, hs->hrr_group)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "second ClientHello no longer lists %s in supported_groups (RFC 8446 "
                             "§4.2.8)",
                             gls_group_name(hs->hrr_group));
    }
    TRY(choose_auth(c, &ch));
    TRY(try_resume(c, m, &ch));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    return send_flight(c, hs->hrr_group, ks.key);
}

static int on_certificate(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs13_on_certificate(c, m, gls_bytes_of(NULL, 0)));
    c->state = c->hs->peer_sent_cert ? ST_S13_WAIT_CV : ST_S13_WAIT_FINISHED;
    return GLS_OK;
}

static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs13_on_certificate_verify(c, m));
    c->state = ST_S13_WAIT_FINISHED;
    return GLS_OK;
}

static int on_finished(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    TRY(gls_hs13_check_finished(c, &hs->c_hs_traffic, m));
    TRY(gls_hs13_install(c, false, &c->sess.c_ap_traffic));
    TRY(gls_hs13_resumption_secret(c));
    TRY(send_ticket(c));
    gls_hs_event(c, "handshake complete");
    c->state = ST_CONNECTED;
    gls_hs_wipe(c);
    return GLS_OK;
}

static int on_key_update(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs13_on_key_update(c, m);
}
