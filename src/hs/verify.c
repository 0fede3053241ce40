/* hs/verify.c — certificate policy on top of crypto/x509.c: which trust store,
 * which time, which name (RFC 6125), and the explicit, loudly named way to skip
 * it all. A client with no trust configured fails closed. */
#include <stdio.h>
#include <string.h>

#include "hs/hs.h"

/* The program's verify callback sees the chain, the name and our verdict, and
 * has the last word. */
static int ask_verify_callback(gls_conn *c, const char *name, int verdict, char *reason, size_t cap)
{
    const struct gls_session *s = &c->sess;
    gls_cert_view chain[GLS_CFG_MAX_CHAIN];
    for (size_t i = 0; i < s->n_peer; i++) {
        gls_bytes der = gls_cert_der(s->peer_chain[i]);
        chain[i].der = der.p;
        chain[i].len = der.len;
    }
    int err = c->cfg->verify_cb(c->cfg->verify_arg, c, chain, s->n_peer, name, verdict);
    if (err > 0) {
        err = GLS_E_CERT_UNTRUSTED; /* not a GLS_E_* code: a rejection all the same */
    }
    gls_hs_event(c, "verify callback %s the certificate (built-in verdict: %s)",
                 err == GLS_OK ? "accepted" : "rejected", gls_error_name(verdict));
    if (err != GLS_OK && err != verdict) {
        snprintf(reason, cap, "rejected by the verify callback (built-in verdict: %s)",
                 gls_error_name(verdict));
    }
    return err;
}

/* see hs.h */
int gls_hs_verify_peer(gls_conn *c)
{
    const gls_config *cfg = c->cfg;
    struct gls_session *s = &c->sess;
    char reason[200];
    if (cfg->danger_accept_any) {
        gls_hs_event(c, "peer certificate NOT verified (danger_accept_any_cert)");
        s->peer_verified = false;
        gls_hs_note_peer_id(c);
        return GLS_OK;
    }
    const char *name =
        c->is_server || s->server_name[0] == 0 || cfg->danger_chain_only ? NULL : s->server_name;
    time_t now = (time_t)gls_hs_now(c);
    int err = GLS_E_CERT_NO_TRUST;
    snprintf(reason, sizeof reason, "no trust store configured");
    /* a client certificate must allow TLS client use; a server's, server use and the name */
    if (cfg->trust != NULL) {
        err = c->is_server ? gls_x509_verify_client(cfg->trust, s->peer_chain, s->n_peer, now,
                                                    reason, sizeof reason)
                           : gls_x509_verify(cfg->trust, s->peer_chain, s->n_peer, name, now,
                                             reason, sizeof reason);
    }
    if (cfg->verify_cb != NULL) {
        err = ask_verify_callback(c, name, err, reason, sizeof reason);
    }
    if (err != GLS_OK) {
        return gls_hs_reject(c, err, "certificate verify failed: %s", reason);
    }
    s->peer_verified = true;
    s->peer_name_checked = name != NULL;
    gls_hs_note_peer_id(c);
    gls_hs_event(c, "peer certificate verified%s%s", name ? " for " : " (name NOT checked)",
                 name ? name : "");
    return GLS_OK;
}

/* see hs.h */
void gls_hs_note_peer_id(gls_conn *c)
{
    struct gls_session *s = &c->sess;
    struct gls_peer_id *id = &s->peer_id;
    memset(id, 0, sizeof *id);
    if (s->n_peer == 0) {
        return;
    }
    gls_bytes der = gls_cert_der(s->peer_chain[0]);
    if (gls_hash(gls_hash_get(c->cfg->crypto, GLS_HASH_SHA256), der.p, der.len, id->leaf_sha256) !=
        GLS_OK) {
        return; /* no identity noted: the session is not kept with one it lacks */
    }
    gls_cert_subject(s->peer_chain[0], id->subject, sizeof id->subject);
    id->flags = (uint8_t)(GLS_PEER_PRESENT | (s->peer_verified ? GLS_PEER_VERIFIED : 0) |
                          (s->peer_name_checked ? GLS_PEER_NAME_CHECKED : 0));
}

/* Parses a kept chain (opaque16 DER entries) into certs; false if any fails. */
static bool parse_kept_chain(const struct gls_ticket *t, gls_cert **certs, size_t *n)
{
    gls_reader r = gls_reader_init(t->peer_chain, t->peer_chain_len);
    *n = 0;
    while (gls_reader_left(&r) > 0 && *n < GLS_CFG_MAX_CHAIN) {
        gls_bytes der = gls_read_opaque16(&r, 1, 65535);
        if (r.bad || gls_cert_from_der(der.p, der.len, &certs[*n]) != GLS_OK) {
            break;
        }
        (*n)++;
    }
    if (gls_reader_done(&r) && *n > 0) {
        return true;
    }
    for (size_t i = 0; i < *n; i++) {
        gls_cert_free(certs[i]);
    }
    *n = 0;
    return false;
}

/* see hs.h */
bool gls_hs_kept_chain_ok(gls_conn *c, const struct gls_ticket *t)
{
    gls_cert *certs[GLS_CFG_MAX_CHAIN];
    size_t n = 0;
    uint8_t leaf[32];
    if (t->peer_chain_len == 0) {
        return true;
    }
    bool ok = (t->peer.flags & GLS_PEER_PRESENT) && parse_kept_chain(t, certs, &n);
    if (ok) {
        gls_bytes der = gls_cert_der(certs[0]);
        ok = gls_hash(gls_hash_get(c->cfg->crypto, GLS_HASH_SHA256), der.p, der.len, leaf) ==
                 GLS_OK &&
             memcmp(leaf, t->peer.leaf_sha256, sizeof leaf) == 0; /* both public */
    }
    for (size_t i = 0; i < n; i++) {
        gls_cert_free(certs[i]);
    }
    if (!ok) {
        gls_hs_event(c, "the chain kept in the session does not match its leaf: not resumed");
    }
    return ok;
}

/* see hs.h */
void gls_hs_adopt_peer_id(gls_conn *c, const struct gls_ticket *t)
{
    struct gls_session *s = &c->sess;
    s->peer_id = t->peer;
    s->peer_verified = (t->peer.flags & GLS_PEER_VERIFIED) != 0;
    s->peer_name_checked = (t->peer.flags & GLS_PEER_NAME_CHECKED) != 0;
    if (s->n_peer == 0 && t->peer_chain_len > 0 && (t->peer.flags & GLS_PEER_PRESENT)) {
        (void)parse_kept_chain(t, s->peer_chain, &s->n_peer); /* checked before resuming */
    }
}

/* see hs.h */
void gls_hs_session_peer(gls_conn *c, struct gls_ticket *t)
{
    const struct gls_session *s = &c->sess;
    uint8_t buf[GLS_MAX_PEER_CHAIN_KEPT];
    gls_writer w = gls_writer_init(buf, sizeof buf);
    t->peer = s->peer_id;
    (void)gls_ticket_set_chain(t, NULL, 0);
    if (!c->cfg->keep_peer_chain || s->n_peer == 0 || !(s->peer_id.flags & GLS_PEER_PRESENT)) {
        return;
    }
    for (size_t i = 0; i < s->n_peer; i++) {
        gls_bytes der = gls_cert_der(s->peer_chain[i]);
        gls_write_opaque16(&w, der.p, der.len);
    }
    if (gls_writer_result(&w) != GLS_OK || !gls_ticket_set_chain(t, buf, w.len)) {
        gls_hs_event(c,
                     "the peer's chain is longer than a session keeps (%d bytes): session "
                     "made with its leaf's hash and subject only",
                     GLS_MAX_PEER_CHAIN_KEPT);
    }
}

/* see hs.h */
bool gls_hs_session_fits_identity(gls_conn *c, const struct gls_ticket *t)
{
    bool authenticated = (t->peer.flags & GLS_PEER_PRESENT) != 0;
    enum gls_client_auth mode = c->cfg->client_auth;
    if (strcmp(t->server_name, c->sess.server_name) != 0) {
        gls_hs_event(c, "session was made for server name \"%s\", not this one: full handshake",
                     t->server_name);
        return false;
    }
    if ((mode == GLS_CLIENT_AUTH_REQUIRED && !authenticated) ||
        (mode == GLS_CLIENT_AUTH_NONE && authenticated)) {
        gls_hs_event(c, "session %s client authentication, this server %s: full handshake",
                     authenticated ? "had" : "had no",
                     mode == GLS_CLIENT_AUTH_NONE ? "asks for none" : "requires it");
        return false;
    }
    return gls_hs_kept_chain_ok(c, t);
}

/* see hs.h (moved from common13.c to serve both versions) */
int gls_hs_load_peer_chain(gls_conn *c, const struct gls_certificate *cert)
{
    struct gls_session *s = &c->sess;
    if (cert->n_total > c->cfg->max_chain) {
        return gls_hs_reject(c, GLS_E_CERT_CHAIN_TOO_LONG,
                             "peer sent %zu certificates; the limit is %zu", cert->n_total,
                             c->cfg->max_chain);
    }
    for (size_t i = 0; i < cert->n_entries; i++) {
        int err =
            gls_cert_from_der_cached(c->cfg->peer_certs, cert->entries[i].cert_data.p,
                                     cert->entries[i].cert_data.len, &s->peer_chain[s->n_peer]);
        if (err != GLS_OK) {
            return gls_hs_reject(c, GLS_E_CERT_BAD, "peer certificate %zu could not be parsed", i);
        }
        s->n_peer++;
    }
    return GLS_OK;
}
