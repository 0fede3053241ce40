/* hs/resume12.c — TLS 1.2 session resumption for both sides: session tickets
 * (RFC 5077 §3) and session ids (RFC 5246 §7.3, §7.4.1.2) leading to the
 * abbreviated handshake. Our policy (RFC 7627 §5.3 and a step further): only
 * sessions made with the extended master secret are kept or resumed, and only
 * by a handshake that negotiates it again; anything else is a full handshake
 * (server) or, if a server resumes without it, a handshake_failure (client).
 * The flights themselves stay in server12.c and client12.c. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"

#define MAX_TICKET_HINT (7 * 24 * 3600) /* we keep no ticket longer than a week */

/* ---- server ---- */

/* A stored session resumes only with EMS, for the same server name, in a
 * suite we still enable and the client offers now. */
static bool session_fits(gls_conn *c, const struct gls_client_hello *ch, const struct gls_ticket *t)
{
    const gls_config *cfg = c->cfg;
    const struct gls_suite *s = gls_suite_get(t->suite);
    bool ours = false;
    for (size_t i = 0; i < cfg->n_suites; i++) {
        ours |= cfg->suites[i] == t->suite;
    }
    return t->version == GLS_TLS12 && t->ems && s != NULL && s->version == GLS_TLS12 && ours &&
           (s->kx != GLS_KX_RSA || cfg->rsa_kx) && gls_u16_list_has(ch->suites, t->suite) &&
           gls_hs_session_fits_identity(c, t);
}

/* The session the client offers: the ticket if it sent one, else the id. */
static bool find_session(gls_conn *c, const struct gls_client_hello *ch, struct gls_ticket *t)
{
    gls_bytes ticket = ch->ext.session_ticket;
    if (c->hs->ticket_ext12 && ticket.len > 0) {
        return gls_hs_ticket_open(c, ticket.p, ticket.len, t);
    }
    return ch->session_id.len == 32 && gls_hs_session_id_get(c, ch->session_id.p, t);
}

/* see hs.h */
int gls_server12_try_resume(gls_conn *c, const struct gls_client_hello *ch)
{
    struct gls_hs *hs = c->hs;
    bool resumable = c->cfg->resumption && hs->ems;
    hs->ticket_ext12 = !c->cfg->no_tickets && gls_exts_has(&ch->ext, GLS_X_SESSION_TICKET);
    hs->ticket12 = resumable && hs->ticket_ext12;
    hs->session_id_len = 0;
    /* RFC 7627 §5.3: a session made with extended master secret, offered without it, aborts
     * the handshake (handshake_failure, as OpenSSL and tlsfuzzer) */
    if (c->cfg->resumption && !gls_exts_has(&ch->ext, GLS_X_EXTENDED_MASTER_SECRET) &&
        find_session(c, ch, &hs->resume)) {
        bool ems_session = hs->resume.ems;
        gls_ticket_wipe(&hs->resume);
        if (ems_session) {
            return gls_hs_reject(c, GLS_E_HANDSHAKE_FAILURE,
                                 "ClientHello offers an extended-master-secret session without "
                                 "extended_master_secret (RFC 7627 §5.3)");
        }
    }
    /* RFC 5077 §3.4: a ticket resumes whatever the session id, even an empty one (then the
     * client learns of the resumption from the NewSessionTicket or ChangeCipherSpec) */
    if (resumable && find_session(c, ch, &hs->resume)) {
        if (!session_fits(c, ch, &hs->resume)) {
            gls_ticket_wipe(&hs->resume);
            gls_hs_event(c, "offered session does not fit this handshake: full handshake");
        } else {
            const struct gls_suite *s = gls_suite_get(hs->resume.suite);
            c->sess.suite = s;
            c->sess.hash = gls_hash_get(c->cfg->crypto, s->prf);
            hs->etm = !s->aead && !c->cfg->no_etm && gls_exts_has(&ch->ext, GLS_X_ENCRYPT_THEN_MAC);
            memcpy(hs->session_id, ch->session_id.p, ch->session_id.len); /* echo it */
            hs->session_id_len = ch->session_id.len;
            c->sess.resumed = true;
            gls_hs_adopt_peer_id(c, &hs->resume);
            /* RFC 5077 §3.1: renewing the ticket is up to the server. A ticket that
             * resumed stays valid (same key, same age), so none is issued again: no
             * sealing, no NewSessionTicket. Only a client that sent no session id
             * gets one, as that is how it learns of the resumption (§3.4). */
            if (hs->ticket12 && ch->ext.session_ticket.len > 0 && ch->session_id.len > 0) {
                hs->ticket12 = false;
            }
            gls_hs_event(c, "resuming the session (abbreviated handshake, %s%s)", s->name,
                         hs->ticket_ext12 && !hs->ticket12 ? "; the ticket stays valid" : "");
            return GLS_OK;
        }
    }
    if (resumable && !hs->ticket_ext12) { /* a new session known by id */
        hs->session_id_len = 32;
        return gls_rand(gls_hs_rng(c), hs->session_id, 32);
    }
    return GLS_OK;
}

/* see hs.h */
int gls_server12_send_ticket(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    struct gls_new_session_ticket nst;
    struct gls_ticket t;
    uint8_t sealed[GLS_MAX_TICKET_LARGE];
    size_t len = 0;
    gls_writer w;
    if (!hs->ticket12) {
        return GLS_OK;
    }
    gls_hs12_session(c, &t);
    if (c->sess.resumed) { /* a resumed session keeps its age: it does not live forever */
        t.issued = hs->resume.issued;
        t.lifetime = hs->resume.lifetime;
    }
    int err = gls_hs_ticket_seal(
        c, &t, sealed, t.peer_chain_len > 0 ? GLS_MAX_TICKET_LARGE : GLS_MAX_TICKET, &len);
    int64_t left = (int64_t)t.lifetime - (gls_hs_now(c) - t.issued);
    gls_ticket_wipe(&t);
    TRY(err);
    memset(&nst, 0, sizeof nst);
    nst.lifetime = left > 0 ? (uint32_t)left : 0;
    nst.ticket = gls_bytes_of(sealed, len);
    TRY(gls_hs_begin(c, GLS_HS_NEW_SESSION_TICKET, &w));
    TRY(gls_new_session_ticket_write(&w, &nst));
    return gls_hs_end(c, &w, false); /* TLS 1.2: part of the transcript */
}

/* see hs.h */
void gls_server12_cache_session(gls_conn *c)
{
    struct gls_ticket t;
    if (c->sess.resumed || c->hs->session_id_len != 32 || !c->cfg->resumption || !c->hs->ems) {
        return;
    }
    gls_hs12_session(c, &t);
    gls_hs_session_id_put(c, c->hs->session_id, &t);
    gls_ticket_wipe(&t);
}

/* ---- client ---- */

/* see hs.h */
int gls_client12_find_session(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    hs->offered12 = false;
    if (!gls_hs_client_take_session(c, GLS_TLS12, &hs->resume)) {
        return GLS_OK;
    }
    for (size_t i = 0; i < hs->n_offered_suites; i++) {
        hs->offered12 |= hs->offered_suites[i] == hs->resume.suite;
    }
    hs->offered12 &= hs->resume.ems;
    if (!hs->offered12) {
        gls_ticket_wipe(&hs->resume);
        return GLS_OK;
    }
    if (hs->resume.ticket_len == 0) { /* by id */
        memcpy(hs->session_id, hs->resume.session_id, hs->resume.session_id_len);
        hs->session_id_len = hs->resume.session_id_len;
        return GLS_OK;
    }
    /* RFC 5077 §3.4: a fresh id, which the server echoes when it accepts */
    hs->session_id_len = 32;
    return gls_rand(gls_hs_rng(c), hs->session_id, 32);
}

/* see hs.h */
int gls_client12_check_resume(gls_conn *c, const struct gls_server_hello *sh)
{
    struct gls_hs *hs = c->hs;
    bool echo = hs->session_id_len > 0 && sh->session_id.len == hs->session_id_len &&
                memcmp(sh->session_id.p, hs->session_id, hs->session_id_len) == 0;
    hs->ticket12 = gls_exts_has(&sh->ext, GLS_X_SESSION_TICKET);
    if (hs->ticket12 && !hs->ticket_ext12) {
        return gls_hs_reject(c, GLS_E_UNSUPPORTED_EXTENSION,
                             "server sent session_ticket, which we did not offer (RFC 5077 "
                             "§3.2)");
    }
    if (!echo) { /* full handshake; keep the id the server gave the new session */
        gls_ticket_wipe(&hs->resume);
        hs->offered12 = false;
        memcpy(hs->session_id, sh->session_id.p, sh->session_id.len);
        hs->session_id_len = sh->session_id.len;
        return GLS_OK;
    }
    if (!hs->offered12) { /* an echo of our (TLS 1.3 compatibility) id */
        return gls_hs_reject(
            c, GLS_E_ILLEGAL_PARAMETER,
            "server claims to resume a TLS 1.2 session we did not offer (RFC 5246 §7.4.1.3)");
    }
    if (sh->cipher_suite != hs->resume.suite) {
        return gls_hs_reject(
            c, GLS_E_ILLEGAL_PARAMETER,
            "server resumed our session with another cipher suite (RFC 5246 §7.4.1.3)");
    }
    if (!gls_exts_has(&sh->ext, GLS_X_EXTENDED_MASTER_SECRET)) {
        return gls_hs_reject(
            c, GLS_E_EMS_REQUIRED,
            "server resumed an extended-master-secret session without it (RFC 7627 §5.3)");
    }
    c->sess.resumed = true;
    gls_hs_adopt_peer_id(c, &hs->resume); /* as verified (or not) when the session was made */
    return GLS_OK;
}

/* see hs.h */
int gls_client12_on_ticket(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_hs *hs = c->hs;
    struct gls_new_session_ticket nst;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_new_session_ticket_parse(&r, false, &nst));
    TRY(gls_transcript_add(&hs->transcript, m->raw));
    /* RFC 5077 §3.3: an empty ticket means none; one too big for us is dropped */
    if (nst.ticket.len > 0 && nst.ticket.len <= GLS_MAX_TICKET_LARGE &&
        gls_ticket_set_ticket(&hs->resume, nst.ticket.p, nst.ticket.len)) {
        hs->resume.lifetime = nst.lifetime;
        hs->new_ticket12 = true;
    }
    return GLS_OK;
}

/* see hs.h */
void gls_client12_store_session(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    struct gls_ticket t;
    if (!c->cfg->resumption || !hs->ems || c->sess.server_name[0] == 0) {
        return; /* sessions without EMS are never resumed */
    }
    gls_hs12_session(c, &t);
    if (hs->new_ticket12) {
        if (!gls_ticket_set_ticket(&t, hs->resume.ticket, hs->resume.ticket_len)) {
            gls_ticket_wipe(&t);
            return;
        }
        if (hs->resume.lifetime != 0) { /* 0: unspecified (RFC 5077 §3.3) */
            t.lifetime = hs->resume.lifetime;
        }
        if (t.lifetime > MAX_TICKET_HINT) {
            t.lifetime = MAX_TICKET_HINT;
        }
    } else if (c->sess.resumed && hs->resume.ticket_len > 0) {
        /* resumed by a ticket the server did not renew: the same ticket, its age going on */
        if (!gls_ticket_set_ticket(&t, hs->resume.ticket, hs->resume.ticket_len)) {
            gls_ticket_wipe(&t);
            return;
        }
        t.issued = hs->resume.issued;
        t.lifetime = hs->resume.lifetime;
    } else if (hs->session_id_len == 32) {
        memcpy(t.session_id, hs->session_id, 32);
        t.session_id_len = 32;
        if (c->sess.resumed) { /* the same session again: its age goes on */
            t.issued = hs->resume.issued;
            t.lifetime = hs->resume.lifetime;
        }
    } else {
        gls_ticket_wipe(&t);
        return;
    }
    gls_hs_client_new_session(c, &t);
    gls_hs_event(c, "TLS 1.2 session kept for resumption (%s)",
                 t.ticket_len > 0 ? "ticket" : "session id");
    gls_ticket_wipe(&t);
}
