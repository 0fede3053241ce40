/* hs/client12.c — the TLS 1.2 client after ServerHello (RFC 5246 §7.3,
 * Figure 1): the server's Certificate, ServerKeyExchange (ECDHE RFC 8422 §5.4,
 * DHE §7.4.3), CertificateRequest, ServerHelloDone; our flight ([Certificate],
 * ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished); the
 * server's [NewSessionTicket], ChangeCipherSpec and Finished; or, resuming
 * (§7.3, RFC 5077), the server's [NewSessionTicket], CCS and Finished first. Extensions: RFC 5746,
 * 7627, 7366, 7301. Renegotiation is refused (a HelloRequest gets no_renegotiation). */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

static int on_certificate(gls_conn *c, const gls_hs_msg *m);
static int on_server_key_exchange(gls_conn *c, const gls_hs_msg *m);
static int on_certificate_request(gls_conn *c, const gls_hs_msg *m);
static int on_server_hello_done(gls_conn *c, const gls_hs_msg *m);
static int on_new_session_ticket(gls_conn *c, const gls_hs_msg *m);
static int on_finished(gls_conn *c, const gls_hs_msg *m);
static int on_hello_request(gls_conn *c, const gls_hs_msg *m);

/* Read the table as the protocol: in this state, this message, handled here.
 * ChangeCipherSpec (ST_C12_WAIT_CCS -> ST_C12_WAIT_FINISHED) is not a handshake
 * message: gls_hs_on_ccs routes it to gls_hs12_on_ccs. */
static const struct gls_hs_edge client12[] = {
    /* state               message                        handler                 flags */
    {ST_C12_WAIT_CERT, GLS_HS_CERTIFICATE, on_certificate, 0},
    {ST_C12_WAIT_SKE, GLS_HS_SERVER_KEY_EXCHANGE, on_server_key_exchange, 0},
    {ST_C12_WAIT_CR_SHD, GLS_HS_CERTIFICATE_REQUEST, on_certificate_request, 0},
    {ST_C12_WAIT_CR_SHD, GLS_HS_SERVER_HELLO_DONE, on_server_hello_done, 0},
    {ST_C12_WAIT_SHD, GLS_HS_SERVER_HELLO_DONE, on_server_hello_done, 0},
    {ST_C12_WAIT_NST, GLS_HS_NEW_SESSION_TICKET, on_new_session_ticket, 0},
    {ST_C12_WAIT_FINISHED, GLS_HS_FINISHED, on_finished, 0},
    {ST_CONNECTED, GLS_HS_HELLO_REQUEST, on_hello_request, NO_TRANSCRIPT},
};

/* see hs.h */
int gls_client12_on_message(gls_conn *c, const gls_hs_msg *m)
{
    return gls_hs_dispatch(c, client12, sizeof client12 / sizeof client12[0], m);
}

static bool offered(const struct gls_hs *hs, uint16_t suite)
{
    for (size_t i = 0; i < hs->n_offered_suites; i++) {
        if (hs->offered_suites[i] == suite) {
            return true;
        }
    }
    return false;
}

/* RFC 7301 §3.1: the server selects exactly one protocol that we offered. */
static int check_alpn(gls_conn *c, const struct gls_exts *e)
{
    if (!gls_exts_has(e, GLS_X_ALPN)) {
        return GLS_OK;
    }
    bool ok = false;
    size_t n = 0;
    gls_bytes p = gls_opaque8_first(e->alpn, &n);
    for (size_t i = 0; i < c->cfg->n_alpn; i++) {
        ok |= strlen(c->cfg->alpn[i]) == p.len && memcmp(c->cfg->alpn[i], p.p, p.len) == 0;
    }
    if (n != 1 || !ok) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server selected an ALPN protocol we did not offer (RFC 7301 §3.1)");
    }
    TRY(gls_session_set_name(&c->sess.alpn, p.p, p.len));
    return GLS_OK;
}

/* see hs.h */
int gls_client12_on_server_hello(gls_conn *c, const gls_hs_msg *m,
                                 const struct gls_server_hello *sh)
{
    struct gls_hs *hs = c->hs;
    const struct gls_suite *s = gls_suite_get(sh->cipher_suite);
    if (s == NULL || s->version != GLS_TLS12 || !offered(hs, sh->cipher_suite)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server chose cipher suite 0x%04x, which we did not offer for TLS "
                             "1.2 (RFC 5246 §7.4.1.3)",
                             sh->cipher_suite);
    }
    if (sh->compression != 0) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server chose compression method %u; we offered only null (RFC 5246 "
                             "§7.4.1.3)",
                             sh->compression);
    }
    TRY(gls_client12_check_resume(c, sh)); /* an echoed session id: resumption (resume12.c) */
    /* RFC 5746 §3.4: we sent the SCSV; the server must answer with an empty renegotiation_info */
    if (!gls_exts_has(&sh->ext, GLS_X_RENEGOTIATION_INFO) || sh->ext.renegotiation_info.len != 0) {
        return gls_hs_reject(c, GLS_E_HANDSHAKE_FAILURE,
                             "server answered without an empty renegotiation_info (RFC 5746 "
                             "§3.4)");
    }
    /* RFC 8422 §5.2: a server's ec_point_formats lists uncompressed */
    if (gls_exts_has(&sh->ext, GLS_X_EC_POINT_FORMATS) &&
        !gls_u8_list_has(sh->ext.point_formats, 0)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "ServerHello ec_point_formats lacks uncompressed (RFC 8422 §5.2)");
    }
    TRY(check_alpn(c, &sh->ext));
    TRY(gls_hs_record_limit(c, &sh->ext, false));
    hs->ems = gls_exts_has(&sh->ext, GLS_X_EXTENDED_MASTER_SECRET);
    hs->etm = !s->aead && !c->cfg->no_etm && gls_exts_has(&sh->ext, GLS_X_ENCRYPT_THEN_MAC);
    c->sess.suite = s;
    c->sess.hash = gls_hash_get(c->cfg->crypto, s->prf);
    memcpy(hs->server_random, sh->random, 32);
    for (size_t i = 0; i < hs->n_kex; i++) { /* the TLS 1.3 key share is not needed */
        gls_kex_free(hs->kex[i]);
        hs->kex[i] = NULL;
    }
    hs->n_kex = 0;
    /* keep the other hash running: a CertificateVerify may need it */
    TRY(gls_transcript_choose(&hs->transcript, c->sess.hash, true));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    gls_hs_event(c, "TLS 1.2, %s%s%s", s->name, hs->ems ? ", extended master secret" : "",
                 c->sess.resumed ? ", resumed session" : "");
    if (c->sess.resumed) { /* RFC 5246 §7.3: the abbreviated handshake */
        gls_transcript_drop_other(&hs->transcript);
        TRY(gls_hs12_resume_keys(c, &hs->resume.psk));
        c->state = hs->ticket12 ? ST_C12_WAIT_NST : ST_C12_WAIT_CCS;
        return GLS_OK;
    }
    c->state = ST_C12_WAIT_CERT;
    return GLS_OK;
}

/* The server's key must fit the suite: ECDSA suites an EC key, RSA ones an RSA
 * key (rsaEncryption for RSA key exchange). */
static bool key_fits_suite(const gls_pkey *k, const struct gls_suite *s)
{
    gls_key_type t = gls_pkey_type(k);
    if (s->kx == GLS_KX_RSA) {
        return t == GLS_KEY_RSA;
    }
    if (s->auth == GLS_AUTH_ECDSA) {
        return t == GLS_KEY_EC_P256 || t == GLS_KEY_EC_P384 || t == GLS_KEY_ED25519;
    }
    return t == GLS_KEY_RSA || t == GLS_KEY_RSA_PSS;
}

static int on_certificate(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs12_on_certificate(c, m));
    if (!c->hs->peer_sent_cert) {
        return gls_hs_reject(c, GLS_E_DECODE,
                             "server sent an empty Certificate (RFC 5246 §7.4.2: the server's "
                             "chain starts with its own certificate)");
    }
    if (!key_fits_suite(gls_cert_pubkey(c->sess.peer_chain[0]), c->sess.suite)) {
        return gls_hs_reject(c, GLS_E_CERT_UNSUPPORTED,
                             "server certificate key does not fit %s (RFC 5246 §7.4.2)",
                             c->sess.suite->name);
    }
    TRY(gls_hs_verify_peer(c));
    c->state = c->sess.suite->kx == GLS_KX_RSA ? ST_C12_WAIT_CR_SHD : ST_C12_WAIT_SKE;
    return GLS_OK;
}

/* RFC 5246 §7.4.3: the signature covers client_random || server_random || params. */
static int check_ske_signature(gls_conn *c, const struct gls_server_key_exchange *ske)
{
    uint8_t content[64 + 3 * (2 + 1024) + 8];
    const gls_pkey *pub = gls_cert_pubkey(c->sess.peer_chain[0]);
    if (ske->params.len > sizeof content - 64) {
        return gls_hs_reject(c, GLS_E_HANDSHAKE_FAILURE,
                             "ServerKeyExchange parameters of %zu bytes are more than we take",
                             ske->params.len);
    }
    if (gls_check_peer_sigalg(c->cfg, pub, ske->scheme, false) != GLS_OK) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "server signed ServerKeyExchange with %s, which we did not offer or "
                             "which does not fit its key (RFC 5246 §7.4.3)",
                             gls_sigalg_name(ske->scheme));
    }
    memcpy(content, c->hs->client_random, 32);
    memcpy(content + 32, c->hs->server_random, 32);
    memcpy(content + 64, ske->params.p, ske->params.len);
    int err = gls_sig_verify(pub, ske->scheme, content, 64 + ske->params.len, ske->signature.p,
                             ske->signature.len);
    if (err != GLS_OK) {
        return gls_hs_reject(c, err,
                             "ServerKeyExchange signature did not verify (RFC 5246 "
                             "§7.4.3)");
    }
    c->sess.sigalg = ske->scheme;
    return GLS_OK;
}

/* Which RFC 7919 group has this prime (for the report), or 0. */
static uint16_t ffdhe_group_of(gls_bytes p)
{
    static const uint16_t groups[] = {GLS_GROUP_FFDHE2048, GLS_GROUP_FFDHE3072, GLS_GROUP_FFDHE4096,
                                      GLS_GROUP_FFDHE6144, GLS_GROUP_FFDHE8192};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        gls_bytes gp;
        gls_bytes gg;
        if (gls_ffdhe_params(groups[i], &gp, &gg) == GLS_OK && gp.len == p.len &&
            memcmp(gp.p, p.p, p.len) == 0) {
            return groups[i];
        }
    }
    return 0;
}

/* Our key pair for the server's parameters, and the shared secret into hs->pms. */
static int make_key(gls_conn *c, const struct gls_server_key_exchange *ske)
{
    struct gls_hs *hs = c->hs;
    const gls_config *cfg = c->cfg;
    gls_bytes peer = ske->kx == GLS_KX_ECDHE ? ske->point : ske->dh_ys;
    if (ske->kx == GLS_KX_ECDHE) {
        bool ours = false;
        for (size_t i = 0; i < cfg->n_groups; i++) {
            ours |= cfg->groups[i] == ske->group;
        }
        /* RFC 8422 §5.4: a curve we offered (not a TLS 1.3-only or FFDHE group) */
        if (!ours || gls_kex_group_kind(ske->group) != GLS_KEX_EC) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "server chose group %s, which we did not offer (RFC 8422 "
                                 "§5.4)",
                                 gls_group_name(ske->group));
        }
        TRY(gls_kex_new(cfg->crypto, ske->group, gls_hs_rng(c), &hs->kex[0]));
        c->sess.group = ske->group;
    } else {
        int err = gls_kex_new_ffdh_params(cfg->crypto, ske->dh_p.p, ske->dh_p.len, ske->dh_g.p,
                                          ske->dh_g.len, gls_hs_rng(c), &hs->kex[0]);
        if (err == GLS_E_WEAK_DH_GROUP) {
            return gls_hs_reject(c, err, "server's DH prime has only %zu bits (RFC 7919 §4)",
                                 ske->dh_p.len * 8);
        }
        TRY(err);
        c->sess.group = ffdhe_group_of(ske->dh_p);
    }
    hs->n_kex = 1;
    TRY(gls_kex_finish(hs->kex[0], peer.p, peer.len, &hs->pms));
    if (ske->kx == GLS_KX_DHE) {
        gls_hs12_strip_zeros(&hs->pms);
    }
    return GLS_OK;
}

static int on_server_key_exchange(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_server_key_exchange ske;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_server_key_exchange_parse(&r, c->sess.suite->kx, &ske));
    TRY(check_ske_signature(c, &ske));
    TRY(make_key(c, &ske));
    TRY(gls_transcript_add(&c->hs->transcript, m->raw));
    gls_hs_event(c, "key exchange %s",
                 c->sess.group ? gls_group_name(c->sess.group) : "DHE (server's own group)");
    c->state = ST_C12_WAIT_CR_SHD;
    return GLS_OK;
}

static int on_certificate_request(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_certificate_request cr;
    struct gls_hs *hs = c->hs;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_certificate_request_parse(&r, false, &cr));
    hs->cert_requested = true;
    hs->n_peer_sigalgs = 0;
    /* ours that the server lists (its list scanned whole), and that a CertificateVerify
     * over our transcript hashes can use */
    for (size_t i = 0; i < c->cfg->n_sigalgs; i++) {
        uint16_t s = c->cfg->sigalgs[i];
        if (gls_hs12_cv_scheme_ok(s) && gls_u16_list_has(cr.sigalgs, s)) {
            hs->peer_sigalgs[hs->n_peer_sigalgs++] = s;
        }
    }
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    c->state = ST_C12_WAIT_SHD;
    return GLS_OK;
}

/* ClientKeyExchange: our (EC)DH public value, or the RSA-encrypted pre-master
 * secret; then the master secret over the transcript through it. */
static int send_client_key_exchange(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    struct gls_client_key_exchange cke;
    uint8_t buf[1024];
    size_t len = 0;
    gls_writer w;
    cke.kx = c->sess.suite->kx;
    if (cke.kx == GLS_KX_RSA) {
        gls_secret pms; /* RFC 5246 §7.4.7.1: client_version || 46 random bytes */
        pms.len = 48;
        pms.b[0] = 0x03;
        pms.b[1] = 0x03;
        int err = gls_rand(gls_hs_rng(c), pms.b + 2, 46);
        if (err == GLS_OK) {
            err = gls_rsa_encrypt_pms_rng(gls_cert_pubkey(c->sess.peer_chain[0]), &pms,
                                          gls_hs_rng(c), buf, sizeof buf, &len);
        }
        memcpy(hs->pms.b, pms.b, 48);
        hs->pms.len = 48;
        gls_secret_wipe(&pms);
        TRY(err);
    } else {
        TRY(gls_kex_public(hs->kex[0], buf, sizeof buf, &len));
    }
    cke.exchange = gls_bytes_of(buf, len);
    TRY(gls_hs_begin(c, GLS_HS_CLIENT_KEY_EXCHANGE, &w));
    TRY(gls_client_key_exchange_write(&w, &cke));
    TRY(gls_hs_end(c, &w, false));
    gls_kex_free(hs->kex[0]); /* the ephemeral key's work is done */
    hs->kex[0] = NULL;
    int err = gls_hs12_derive_keys(c, hs->pms.b, hs->pms.len);
    hs->pms.len = 0;
    return err;
}

/* CertificateVerify (RFC 5246 §7.4.8) over the handshake messages so far. */
static int send_certificate_verify(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    struct gls_certificate_verify cv;
    uint8_t sig[1024];
    size_t sig_len = 0;
    gls_digest th;
    gls_writer w;
    TRY(gls_transcript_digest_as(&hs->transcript, gls_sig_hash(hs->sigalg), &th));
    TRY(gls_sig_sign_digest(hs->cert->key, hs->sigalg, th.b, th.len, sig, sizeof sig, &sig_len));
    cv.scheme = hs->sigalg;
    cv.signature = gls_bytes_of(sig, sig_len);
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE_VERIFY, &w));
    TRY(gls_certificate_verify_write(&w, &cv));
    return gls_hs_end(c, &w, false);
}

/* The server's flight is complete: send ours. */
static int on_server_hello_done(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_server_hello_done_parse(&r));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    if (c->sess.suite->kx != GLS_KX_RSA && hs->kex[0] == NULL) {
        return GLS_E_UNEXPECTED_MESSAGE; /* unreachable through the table */
    }
    hs->cert = NULL;
    if (hs->cert_requested) {
        gls_hs_choose_client_cert(c, false);
        gls_hs_event(c, hs->cert ? "presenting our client certificate" : "no client certificate");
        TRY(gls_hs12_send_certificate(c));
    }
    TRY(send_client_key_exchange(c));
    if (hs->cert != NULL) {
        TRY(send_certificate_verify(c));
    }
    gls_transcript_drop_other(&hs->transcript);
    TRY(gls_hs12_send_ccs(c));
    TRY(gls_hs12_send_finished(c));
    c->state = hs->ticket12 ? ST_C12_WAIT_NST : ST_C12_WAIT_CCS;
    return GLS_OK;
}

/* RFC 5077 §3.3: the ticket comes before the server's ChangeCipherSpec. */
static int on_new_session_ticket(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_client12_on_ticket(c, m));
    c->state = ST_C12_WAIT_CCS;
    return GLS_OK;
}

static int on_finished(gls_conn *c, const gls_hs_msg *m)
{
    TRY(gls_hs12_check_finished(c, m));
    if (c->sess.resumed) { /* abbreviated: the server spoke first, we answer */
        TRY(gls_hs12_send_ccs(c));
        TRY(gls_hs12_send_finished(c));
    }
    gls_client12_store_session(c);
    gls_hs_event(c, "handshake complete");
    c->state = ST_CONNECTED;
    gls_hs_wipe(c);
    return GLS_OK;
}

/* RFC 5246 §7.4.1.1, RFC 5746 §4.2: we do not renegotiate; say so with a warning. */
static int on_hello_request(gls_conn *c, const gls_hs_msg *m)
{
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    if (gls_hello_request_parse(&r) != GLS_OK) {
        return gls_hs_reject(c, GLS_E_DECODE, "HelloRequest with a body (RFC 5246 §7.4.1.1)");
    }
    gls_hs_event(c, "HelloRequest: renegotiation refused (warning no_renegotiation)");
    return gls_hs_send_warning(c, GLS_ALERT_NO_RENEGOTIATION);
}
