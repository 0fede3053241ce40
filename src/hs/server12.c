/* hs/server12.c — the TLS 1.2 server (RFC 5246 §7.3, Figure 1): from the
 * ClientHello that chose TLS 1.2 to ServerHello (with the RFC 8446 §4.1.3
 * downgrade sentinel), Certificate, ServerKeyExchange (ECDHE RFC 8422 §5.4,
 * DHE RFC 7919), CertificateRequest, ServerHelloDone; then the client's
 * [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec and
 * Finished, and our [NewSessionTicket], ChangeCipherSpec and Finished; or the
 * abbreviated handshake of a resumed session (§7.3, RFC 5077). Extensions: RFC 5746, 7627,
 * 7366, 7301, 8422 §5.1.2. A ClientHello after the handshake (renegotiation)
 * is refused with a warning no_renegotiation alert (RFC 5246 §7.2.2: that alert is
 * always a warning) and the connection carries on, as OpenSSL's server does. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

static int on_certificate(gls_conn *c, const gls_hs_msg *m);
static int on_client_key_exchange(gls_conn *c, const gls_hs_msg *m);
static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m);
static int on_finished(gls_conn *c, const gls_hs_msg *m);
static int on_client_hello_again(gls_conn *c, const gls_hs_msg *m);

/* Read the table as the protocol: in this state, this message, handled here.
 * ChangeCipherSpec (ST_S12_WAIT_CCS -> ST_S12_WAIT_FINISHED) is not a handshake
 * message: gls_hs_on_ccs routes it to gls_hs12_on_ccs. */
static const struct gls_hs_edge server12[] = {
    /* state               message                        handler                 flags */
    {ST_S12_WAIT_CERT, GLS_HS_CERTIFICATE, on_certificate, 0},
    {ST_S12_WAIT_CKE, GLS_HS_CLIENT_KEY_EXCHANGE, on_client_key_exchange, 0},
    {ST_S12_WAIT_CV, GLS_HS_CERTIFICATE_VERIFY, on_certificate_verify, 0},
    {ST_S12_WAIT_FINISHED, GLS_HS_FINISHED, on_finished, 0},
    {ST_CONNECTED, GLS_HS_CLIENT_HELLO, on_client_hello_again, NO_TRANSCRIPT},
};

/* see hs.h */
int gls_server12_on_message(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs_dispatch(c, server12, sizeof server12 / sizeof server12[0], m);
}

/* RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random when a TLS 1.3
 * server negotiates TLS 1.2. */
static const uint8_t downgrade12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};

/* What the ClientHello says about extensions we answer (RFC 5746, 7627, 7366, 8422). */
static int read_client_extensions(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    const struct gls_exts *e = &ch->ext;
    if (!gls_u8_list_has(ch->compression, 0)) { /* RFC 5246 §7.4.1.2: null must be offered */
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "ClientHello.compression_methods (%zu) lacks null (RFC 5246 "
                             "§7.4.1.2)",
                             ch->compression.len);
    }
    if (gls_exts_has(e, GLS_X_RENEGOTIATION_INFO) && e->renegotiation_info.len != 0) {
        return gls_hs_reject(c, GLS_E_HANDSHAKE_FAILURE,
                             "initial ClientHello carries a non-empty renegotiation_info (RFC "
                             "5746 §3.6)");
    }
    hs->secure_reneg = gls_exts_has(e, GLS_X_RENEGOTIATION_INFO) ||
                       gls_u16_list_has(ch->suites, GLS_TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    if (!hs->secure_reneg) { /* RFC 5746 §4.3: allowed for an initial handshake */
        gls_hs_event(c, "client does not signal secure renegotiation (RFC 5746)");
    }
    hs->ems = !c->cfg->no_ems && gls_exts_has(e, GLS_X_EXTENDED_MASTER_SECRET);
    hs->etm = !c->sess.suite->aead && !c->cfg->no_etm && gls_exts_has(e, GLS_X_ENCRYPT_THEN_MAC);
    if (gls_exts_has(e, GLS_X_EC_POINT_FORMATS) && e->point_formats.len == 0) {
        return gls_hs_reject(c, GLS_E_DECODE,
                             "ec_point_formats is empty (RFC 8422 §5.1.2: <1..2^8-1>)");
    }
    if (c->sess.suite->kx == GLS_KX_ECDHE && gls_exts_has(e, GLS_X_EC_POINT_FORMATS)) {
        if (!gls_u8_list_has(e->point_formats, 0)) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "ec_point_formats lacks uncompressed (RFC 8422 §5.1.2)");
        }
    }
    hs->client_version = ch->legacy_version;
    return GLS_OK;
}

/* Certificate, group and ALPN: everything that must hold before we answer. */
static int choose(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    const struct gls_suite *s = c->sess.suite;
    size_t index = 0;
    const char *sni = c->sess.server_name[0] ? c->sess.server_name : NULL;
    int err = gls_choose_cert(c->cfg, sni, &ch->ext, false, s->auth, s->kx != GLS_KX_RSA, &index,
                              &hs->sigalg);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "no certificate of ours fits %s and the client's signature "
                             "algorithms (RFC 5246 §7.4.2, RFC 9155)",
                             s->name);
    }
    hs->cert = &c->cfg->certs[index];
    if (s->kx != GLS_KX_RSA) {
        c->sess.sigalg = hs->sigalg;
        err = gls_choose_group12(c->cfg, ch, s->kx, &c->sess.group);
        if (err != GLS_OK) {
            return gls_hs_reject(c, err,
                                 "no key exchange group in common for %s (RFC 8422 "
                                 "§5.1.1)",
                                 s->name);
        }
    }
    err = gls_hs_choose_alpn(c, &ch->ext);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "no protocol of the client's ALPN list is ours (RFC 7301 "
                             "§3.2)");
    }
    return GLS_OK;
}

static int send_server_hello(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_server_hello sh;
    struct gls_hs *hs = c->hs;
    uint8_t alpn[1 + GLS_CFG_MAX_ALPN_LEN];
    static const uint8_t uncompressed[1] = {0};
    gls_writer w;
    TRY(gls_rand(gls_hs_rng(c), hs->server_random, 32));
    if (c->cfg->max_version >= GLS_TLS13) {
        memcpy(hs->server_random + 24, downgrade12, 8);
    }
    memset(&sh, 0, sizeof sh);
    sh.legacy_version = GLS_TLS12;
    memcpy(sh.random, hs->server_random, 32);
    sh.session_id = gls_bytes_of(hs->session_id, hs->session_id_len); /* new, echoed or none */
    sh.cipher_suite = c->sess.suite->id;
    sh.has_exts = true;
    if (hs->secure_reneg) {
        gls_exts_set(&sh.ext, GLS_X_RENEGOTIATION_INFO); /* empty: initial handshake */
    }
    if (hs->ems) {
        gls_exts_set(&sh.ext, GLS_X_EXTENDED_MASTER_SECRET);
    }
    if (hs->etm) {
        gls_exts_set(&sh.ext, GLS_X_ENCRYPT_THEN_MAC);
    }
    if (hs->ticket12) { /* RFC 5077 §3.2: empty; a NewSessionTicket follows */
        gls_exts_set(&sh.ext, GLS_X_SESSION_TICKET);
    }
    if (c->sess.alpn[0] != 0) {
        gls_bytes name = gls_bytes_of(c->sess.alpn, strlen(c->sess.alpn));
        sh.ext.alpn = gls_opaque8_list_put(alpn, sizeof alpn, &name, 1);
        gls_exts_set(&sh.ext, GLS_X_ALPN);
    }
    if (gls_exts_has(&ch->ext, GLS_X_RECORD_SIZE_LIMIT)) { /* RFC 8449 §4 */
        sh.ext.record_size_limit = gls_hs_own_record_limit(c, false);
        gls_exts_set(&sh.ext, GLS_X_RECORD_SIZE_LIMIT);
    }
    if (c->sess.suite->kx == GLS_KX_ECDHE && gls_exts_has(&ch->ext, GLS_X_EC_POINT_FORMATS)) {
        sh.ext.point_formats = gls_bytes_of(uncompressed, 1);
        gls_exts_set(&sh.ext, GLS_X_EC_POINT_FORMATS);
    }
    TRY(gls_hs_begin(c, GLS_HS_SERVER_HELLO, &w));
    TRY(gls_server_hello_write(&w, &sh));
    return gls_hs_end(c, &w, false);
}

/* ServerKeyExchange: a fresh key in the chosen group, signed with the randoms. */
static int send_server_key_exchange(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    struct gls_server_key_exchange ske;
    uint8_t pub[1024];
    uint8_t content[64 + 3 * (2 + 1024)];
    uint8_t sig[1024];
    size_t pub_len = 0;
    size_t sig_len = 0;
    gls_writer w;
    memset(&ske, 0, sizeof ske);
    ske.kx = c->sess.suite->kx;
    TRY(gls_kex_new(c->cfg->crypto, c->sess.group, gls_hs_rng(c), &hs->kex[0]));
    hs->n_kex = 1;
    TRY(gls_kex_public(hs->kex[0], pub, sizeof pub, &pub_len));
    if (ske.kx == GLS_KX_ECDHE) {
        ske.group = c->sess.group;
        ske.point = gls_bytes_of(pub, pub_len);
    } else {
        TRY(gls_ffdhe_params(c->sess.group, &ske.dh_p, &ske.dh_g));
        ske.dh_ys = gls_bytes_of(pub, pub_len);
    }
    memcpy(content, hs->client_random, 32);
    memcpy(content + 32, hs->server_random, 32);
    gls_writer pw = gls_writer_init(content + 64, sizeof content - 64);
    TRY(gls_ske_params_write(&pw, &ske));
    TRY(gls_writer_result(&pw));
    TRY(gls_sig_sign(hs->cert->key, hs->sigalg, content, 64 + pw.len, sig, sizeof sig, &sig_len));
    ske.scheme = hs->sigalg;
    ske.signature = gls_bytes_of(sig, sig_len);
    TRY(gls_hs_begin(c, GLS_HS_SERVER_KEY_EXCHANGE, &w));
    TRY(gls_server_key_exchange_write(&w, &ske));
    return gls_hs_end(c, &w, false);
}

static int send_certificate_request(gls_conn *c)
{
    static const uint8_t types[2] = {1, 64}; /* rsa_sign, ecdsa_sign (RFC 8422 §5.5) */
    struct gls_certificate_request cr;
    uint16_t schemes[GLS_CFG_MAX_SIGALGS];
    uint8_t sigalgs[2 * GLS_CFG_MAX_SIGALGS];
    size_t n = 0;
    gls_writer w;
    memset(&cr, 0, sizeof cr);
    cr.cert_types = gls_bytes_of(types, sizeof types);
    for (size_t i = 0; i < c->cfg->n_sigalgs; i++) {
        if (gls_hs12_cv_scheme_ok(c->cfg->sigalgs[i])) {
            schemes[n++] = c->cfg->sigalgs[i];
        }
    }
    cr.sigalgs = gls_u16_list_put(sigalgs, sizeof sigalgs, schemes, n);
    c->hs->cert_requested = true;
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE_REQUEST, &w));
    TRY(gls_certificate_request_write(&w, &cr));
    return gls_hs_end(c, &w, false);
}

static int send_server_hello_done(gls_conn *c)
{
    gls_writer w;
    TRY(gls_hs_begin(c, GLS_HS_SERVER_HELLO_DONE, &w));
    return gls_hs_end(c, &w, false);
}

/* RFC 5246 §7.3: ServerHello, [NewSessionTicket], ChangeCipherSpec, Finished
 * with the keys of the resumed session. */
static int send_abbreviated(gls_conn *c, const gls_hs_msg *m, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    int err = gls_hs_choose_alpn(c, &ch->ext);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "no protocol of the client's ALPN list is ours (RFC 7301 "
                             "§3.2)");
    }
    TRY(gls_transcript_choose(&hs->transcript, c->sess.hash, false));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    TRY(send_server_hello(c, ch));
    TRY(gls_hs12_resume_keys(c, &hs->resume.psk));
    TRY(gls_server12_send_ticket(c)); /* carries hs->ms12 */
    TRY(gls_hs12_send_ccs(c));
    TRY(gls_hs12_send_finished(c));
    c->state = ST_S12_WAIT_CCS;
    return GLS_OK;
}

/* see hs.h */
int gls_server12_on_client_hello(gls_conn *c, const gls_hs_msg *m,
                                 const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    const struct gls_suite *suite = NULL;
    int err = gls_choose_suite(c->cfg, ch, GLS_TLS12, &suite);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "none of the %zu offered cipher suites is a TLS 1.2 suite we enable "
                             "with a certificate, signature scheme and group the client accepts "
                             "(RFC 5246 §7.4.1.2, RFC 9155, RFC 8422 §5.1)",
                             gls_u16_list_count(ch->suites));
    }
    c->sess.suite = suite;
    c->sess.hash = gls_hash_get(c->cfg->crypto, suite->prf);
    TRY(read_client_extensions(c, ch));
    TRY(gls_hs_record_limit(c, &ch->ext, false));
    TRY(gls_server12_try_resume(c, ch)); /* resume12.c */
    if (c->sess.resumed) {
        return send_abbreviated(c, m, ch);
    }
    TRY(choose(c, ch));
    bool client_auth = c->cfg->client_auth != GLS_CLIENT_AUTH_NONE;
    TRY(gls_transcript_choose(&hs->transcript, c->sess.hash, client_auth));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    gls_hs_event(c, "chose TLS 1.2, %s%s%s", suite->name, suite->kx == GLS_KX_RSA ? "" : ", ",
                 suite->kx == GLS_KX_RSA ? "" : gls_group_name(c->sess.group));
    TRY(send_server_hello(c, ch));
    TRY(gls_hs12_send_certificate(c));
    if (suite->kx != GLS_KX_RSA) {
        TRY(send_server_key_exchange(c));
    }
    if (client_auth) {
        TRY(send_certificate_request(c));
    }
    TRY(send_server_hello_done(c));
    c->state = client_auth ? ST_S12_WAIT_CERT : ST_S12_WAIT_CKE;
    return GLS_OK;
}

static int on_certificate(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs12_on_certificate(c, m));
    if (!c->hs->peer_sent_cert) {
        if (c->cfg->client_auth == GLS_CLIENT_AUTH_REQUIRED) {
            return gls_hs_reject(c, GLS_E_HANDSHAKE_FAILURE,
                                 "client sent no certificate but one is required (RFC 5246 "
                                 "§7.4.6)");
        }
    } else {
        TRY(gls_hs_verify_peer(c));
    }
    c->state = ST_S12_WAIT_CKE;
    return GLS_OK;
}

/* The pre-master secret: (EC)DH with our key, or RSA decryption with implicit
 * rejection (RFC 5246 §7.4.7.1: no branch on whether it worked). */
static int on_client_key_exchange(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    struct gls_client_key_exchange cke;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_client_key_exchange_parse(&r, c->sess.suite->kx, &cke));
    if (cke.kx == GLS_KX_RSA) {
        gls_secret pms;
        int err = gls_rsa_decrypt_pms(hs->cert->key, hs->client_version, cke.exchange.p,
                                      cke.exchange.len, &pms);
        TRY(err); /* a local fault only (wrong key type); bad input yields a random pms */
        memcpy(hs->pms.b, pms.b, pms.len);
        hs->pms.len = pms.len;
        gls_secret_wipe(&pms);
    } else {
        TRY(gls_kex_finish(hs->kex[0], cke.exchange.p, cke.exchange.len, &hs->pms));
        gls_kex_free(hs->kex[0]);
        hs->kex[0] = NULL;
        if (cke.kx == GLS_KX_DHE) {
            gls_hs12_strip_zeros(&hs->pms);
        }
    }
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    int err = gls_hs12_derive_keys(c, hs->pms.b, hs->pms.len);
    hs->pms.len = 0;
    TRY(err);
    c->state = hs->peer_sent_cert ? ST_S12_WAIT_CV : ST_S12_WAIT_CCS;
    return GLS_OK;
}

static int on_certificate_verify(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    struct gls_certificate_verify cv;
    gls_digest th;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_certificate_verify_parse(&r, &cv));
    const gls_pkey *pub = gls_cert_pubkey(c->sess.peer_chain[0]);
    if (!gls_hs12_cv_scheme_ok(cv.scheme) ||
        gls_check_peer_sigalg(c->cfg, pub, cv.scheme, false) != GLS_OK) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "client signed CertificateVerify with %s, which we did not ask for "
                             "or which does not fit its key (RFC 5246 §7.4.8)",
                             gls_sigalg_name(cv.scheme));
    }
    TRY(gls_transcript_digest_as(&hs->transcript, gls_sig_hash(cv.scheme), &th));
    TRY(gls_sig_verify_digest(pub, cv.scheme, th.b, th.len, cv.signature.p, cv.signature.len));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    gls_transcript_drop_other(&hs->transcript);
    c->state = ST_S12_WAIT_CCS;
    return GLS_OK;
}

static int on_finished(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs12_check_finished(c, m));
    if (!c->sess.resumed) { /* abbreviated: ours went first */
        TRY(gls_server12_send_ticket(c));
        TRY(gls_hs12_send_ccs(c));
        TRY(gls_hs12_send_finished(c));
        gls_server12_cache_session(c);
    }
    gls_hs_event(c, "handshake complete");
    c->state = ST_CONNECTED;
    gls_hs_wipe(c);
    return GLS_OK;
}

/* RFC 5746 §4.4 / STYLE §11: we never renegotiate. RFC 5246 §7.2.2: no_renegotiation is a
 * warning; like OpenSSL's server we then carry on with the connection as it is. */
static int on_client_hello_again(gls_conn *c, const gls_hs_msg *m)
{
    (void)m;
    gls_hs_event(c, "ClientHello on a connected session: renegotiation refused (warning "
                    "no_renegotiation)");
    return gls_hs_send_warning(c, GLS_ALERT_NO_RENEGOTIATION);
}
