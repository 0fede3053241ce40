/* hs/common13.c — the TLS 1.3 steps both sides take: moving the key schedule
 * forward at the points RFC 8446 §7.1 names, installing traffic keys (§7.3),
 * Finished (§4.4.4), Certificate and CertificateVerify (§4.4.2, §4.4.3), the
 * compatibility change_cipher_spec (§D.4) and KeyUpdate (§4.6.3, §7.2). */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"
#include "keys/hkdf.h"

/* see hs.h */
int gls_hs13_install(gls_conn *c, bool write, const gls_secret *traffic)
{
    const struct gls_suite *s = c->sess.suite;
    const gls_aead_alg *a = gls_aead_get(c->cfg->crypto, s->cipher);
    uint8_t key[32];
    uint8_t iv[12];
    /* which of the four key/iv pairs (RFC 8446 §7.3) this is, for the trace; a
     * handshake traffic secret's finished_key is made under the same keying */
    bool client = c->is_server != write;
    bool hs = c->hs != NULL && (traffic == &c->hs->c_hs_traffic || traffic == &c->hs->s_hs_traffic);
    gls_secret *fk = !hs                               ? NULL
                     : traffic == &c->hs->c_hs_traffic ? &c->hs->c_finished_key
                                                       : &c->hs->s_finished_key;
    int err = gls_ks13_traffic_key_iv_fk(c->sess.hash, traffic, key, a->key_len, iv, sizeof iv, fk);
    if (err == GLS_OK) {
        gls_secret_sink sink = gls_hs_sink(c);
        static const enum gls_secret_id ids[2][2][2] = {
            {{GLS_SID_SERVER_APPLICATION_KEY, GLS_SID_SERVER_APPLICATION_IV},
             {GLS_SID_SERVER_HANDSHAKE_KEY, GLS_SID_SERVER_HANDSHAKE_IV}},
            {{GLS_SID_CLIENT_APPLICATION_KEY, GLS_SID_CLIENT_APPLICATION_IV},
             {GLS_SID_CLIENT_HANDSHAKE_KEY, GLS_SID_CLIENT_HANDSHAKE_IV}},
        };
        gls_secret_report(&sink, ids[client][hs][0], key, a->key_len);
        gls_secret_report(&sink, ids[client][hs][1], iv, sizeof iv);
        err =
            gls_rec_set_aead(write ? &c->wr : &c->rd, GLS_REC_TLS13, a, key, iv, sizeof iv, write);
    }
    gls_wipe(key, sizeof key);
    gls_wipe(iv, sizeof iv);
    if (err == GLS_OK && !write) {
        c->rd_epoch++;
    }
    return err;
}

static int digest(gls_conn *c, gls_digest *th)
{
    return gls_transcript_digest(&c->hs->transcript, th);
}

/* see hs.h */
int gls_hs13_handshake_secrets(gls_conn *c, gls_kex_secret *shared)
{
    struct gls_hs *hs = c->hs;
    gls_secret_sink sink = gls_hs_sink(c);
    gls_digest th;
    const gls_secret *psk = hs->psk_accepted ? &hs->resume.psk : NULL;
    int err = GLS_OK;
    if (psk != NULL && hs->early_for_psk && hs->early.h == c->sess.hash) {
        gls_ks13_early_again(&hs->early, &sink); /* the binder's: same PSK, same hash */
    } else {
        err = gls_ks13_early(&hs->early, c->sess.hash, psk, &sink);
    }
    hs->early_for_psk = false;
    if (err == GLS_OK) {
        err = gls_ks13_handshake(&hs->hs_secret, &hs->early, shared->b, shared->len, &sink);
    }
    gls_kex_secret_wipe(shared);
    TRY(err);
    TRY(digest(c, &th));
    return gls_ks13_hs_traffic(&hs->hs_secret, &th, &hs->c_hs_traffic, &hs->s_hs_traffic, &sink);
}

/* see hs.h */
int gls_hs13_master_secrets(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    gls_secret_sink sink = gls_hs_sink(c);
    gls_digest th;
    TRY(gls_ks13_master(&hs->master, &hs->hs_secret, &sink));
    TRY(digest(c, &th));
    static const enum gls_secret_id ids[3] = {GLS_SID_C_AP_TRAFFIC, GLS_SID_S_AP_TRAFFIC,
                                              GLS_SID_EXP_MASTER};
    gls_secret *const outs[3] = {&c->sess.c_ap_traffic, &c->sess.s_ap_traffic, &c->sess.exporter};
    return gls_ks13_derive_n(&hs->master.s, c->sess.hash, ids, 3, &th, outs, &sink);
}

/* see hs.h */
int gls_hs13_resumption_secret(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    gls_secret_sink sink = gls_hs_sink(c);
    gls_digest th;
    if (!c->cfg->resumption) { /* no ticket is issued or kept: nothing would use it */
        gls_secret_wipe(&hs->master.s);
        return GLS_OK;
    }
    TRY(digest(c, &th));
    int err = gls_ks13_derive(&hs->master.s, c->sess.hash, GLS_SID_RES_MASTER, &th,
                              &c->sess.res_master, &sink);
    gls_secret_wipe(&hs->master.s); /* its last use */
    return err;
}

/* Finished verify_data for base (RFC 8446 §4.4.4) over the transcript so far. */
static int finished_value(gls_conn *c, const gls_secret *base, bool ours, gls_secret *out)
{
    gls_digest th;
    gls_secret_sink sink = gls_hs_sink(c);
    bool client = c->is_server != ours;
    gls_secret *fk = base == &c->hs->c_hs_traffic   ? &c->hs->c_finished_key
                     : base == &c->hs->s_hs_traffic ? &c->hs->s_finished_key
                                                    : NULL;
    TRY(digest(c, &th));
    if (fk != NULL && fk->len == c->sess.hash->len) { /* made with the handshake keys */
        int err = gls_ks13_finished_with_key(c->sess.hash, fk, &th, client, out, &sink);
        gls_secret_wipe(fk); /* its one use */
        return err;
    }
    return gls_ks13_finished(c->sess.hash, base, &th, client, out, &sink);
}

/* see hs.h */
int gls_hs13_check_finished(gls_conn *c, const gls_secret *base, const gls_hs_msg *m)
{
    struct gls_finished fin;
    gls_secret expect;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_finished_parse(&r, c->sess.hash->len, &fin));
    TRY(finished_value(c, base, false, &expect));
    bool ok = gls_ct_eq(fin.verify_data.p, expect.b, expect.len);
    gls_secret_wipe(&expect);
    GLS_CT_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        return gls_hs_reject(c, GLS_E_BAD_FINISHED,
                             "peer Finished.verify_data is wrong (RFC 8446 "
                             "§4.4.4)");
    }
    return gls_transcript_add(&c->hs->transcript, m->raw);
}

/* see hs.h */
int gls_hs13_send_finished(gls_conn *c, const gls_secret *base)
{
    struct gls_finished fin;
    gls_secret value;
    gls_writer w;
    TRY(finished_value(c, base, true, &value));
    fin.verify_data = gls_bytes_of(value.b, value.len);
    int err = gls_hs_begin(c, GLS_HS_FINISHED, &w);
    if (err == GLS_OK) {
        err = gls_finished_write(&w, &fin);
    }
    if (err == GLS_OK) {
        err = gls_hs_end(c, &w, false);
    }
    gls_secret_wipe(&value);
    return err;
}

/* see hs.h */
int gls_hs13_send_certificate(gls_conn *c, gls_bytes context)
{
    struct gls_certificate cert;
    gls_writer w;
    memset(&cert, 0, sizeof cert);
    cert.tls13 = true;
    cert.context = context;
    const struct gls_cert_key *ck = c->hs->cert;
    for (size_t i = 0; ck != NULL && i < ck->n && i < GLS_MAX_CERT_CHAIN; i++) {
        cert.entries[cert.n_entries++].cert_data = gls_cert_der(ck->chain[i]);
    }
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE, &w));
    TRY(gls_certificate_write(&w, &cert));
    return gls_hs_end(c, &w, false);
}

/* The content a CertificateVerify signs (RFC 8446 §4.4.3): 64 spaces, the
 * context string, a zero byte, and the transcript hash. */
static size_t cv_content(bool server, const gls_digest *th, uint8_t *out)
{
    static const char sctx[] = "TLS 1.3, server CertificateVerify";
    static const char cctx[] = "TLS 1.3, client CertificateVerify";
    memset(out, 0x20, 64);
    memcpy(out + 64, server ? sctx : cctx, sizeof sctx); /* with the terminating zero byte */
    memcpy(out + 64 + sizeof sctx, th->b, th->len);
    return 64 + sizeof sctx + th->len;
}

/* see hs.h */
int gls_hs13_send_certificate_verify(gls_conn *c)
{
    uint8_t content[64 + 34 + GLS_MAX_HASH];
    uint8_t sig[1024];
    size_t sig_len = 0;
    gls_digest th;
    gls_writer w;
    struct gls_certificate_verify cv;
    TRY(digest(c, &th));
    size_t n = cv_content(c->is_server, &th, content);
    TRY(gls_sig_sign(c->hs->cert->key, c->hs->sigalg, content, n, sig, sizeof sig, &sig_len));
    cv.scheme = c->hs->sigalg;
    cv.signature = gls_bytes_of(sig, sig_len);
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE_VERIFY, &w));
    TRY(gls_certificate_verify_write(&w, &cv));
    return gls_hs_end(c, &w, false);
}

/* see hs.h */
int gls_hs13_on_certificate(gls_conn *c, const gls_hs_msg *m, gls_bytes context)
{
    struct gls_certificate cert;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_certificate_parse(&r, true, &cert));
    /* RFC 8446 §4.4.2: the context echoes the request's (empty for the server) */
    if (cert.context.len != context.len ||
        (context.len > 0 && memcmp(cert.context.p, context.p, context.len) != 0)) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "certificate_request_context does not echo the request's (RFC 8446 "
                             "§4.4.2)");
    }
    /* RFC 8446 §4.4.2: entry extensions answer ones in ClientHello / CertificateRequest; we
     * never send status_request */
    for (size_t i = 0; i < cert.n_entries; i++) {
        if (cert.entries[i].ocsp_response.len > 0) {
            return gls_hs_reject(c, GLS_E_UNSUPPORTED_EXTENSION,
                                 "CertificateEntry %zu carries status_request, which we did not "
                                 "send (RFC 8446 §4.4.2)",
                                 i);
        }
    }
    TRY(gls_transcript_add(&c->hs->transcript, m->raw));
    if (cert.n_entries == 0) {
        c->hs->peer_sent_cert = false;
        if (!c->is_server) { /* RFC 8446 §4.4.2.4 */
            return gls_hs_reject(c, GLS_E_DECODE,
                                 "server sent an empty Certificate (RFC 8446 §4.4.2.4)");
        }
        if (c->cfg->client_auth == GLS_CLIENT_AUTH_REQUIRED) {
            return gls_hs_reject(c, GLS_E_CERT_REQUIRED,
                                 "client sent no certificate but one is required (RFC 8446 "
                                 "§4.4.2.4)");
        }
        return GLS_OK;
    }
    c->hs->peer_sent_cert = true;
    TRY(gls_hs_load_peer_chain(c, &cert));
    return gls_hs_verify_peer(c);
}

/* see hs.h */
int gls_hs13_on_certificate_verify(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_certificate_verify cv;
    uint8_t content[64 + 34 + GLS_MAX_HASH];
    gls_digest th;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_certificate_verify_parse(&r, &cv));
    const gls_pkey *pub = gls_cert_pubkey(c->sess.peer_chain[0]);
    if (gls_check_peer_sigalg(c->cfg, pub, cv.scheme, true) != GLS_OK) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "peer signed with %s, which we did not offer or which does not fit "
                             "its key",
                             gls_sigalg_name(cv.scheme));
    }
    TRY(digest(c, &th));
    size_t n = cv_content(!c->is_server, &th, content);
    TRY(gls_sig_verify(pub, cv.scheme, content, n, cv.signature.p, cv.signature.len));
    if (!c->is_server) {
        c->sess.sigalg = cv.scheme;
    }
    return gls_transcript_add(&c->hs->transcript, m->raw);
}

/* see hs.h */
int gls_hs13_send_compat_ccs(gls_conn *c)
{
    static const uint8_t ccs[1] = {1};
    if (c->hs->sent_ccs) {
        return GLS_OK;
    }
    c->hs->sent_ccs = true;
    struct gls_rec_dir saved = c->wr; /* the CCS record is never protected */
    memset(&c->wr, 0, sizeof c->wr);
    c->wr.version = GLS_TLS12;
    int err = gls_hs_send(c, GLS_CT_CHANGE_CIPHER_SPEC, ccs, sizeof ccs);
    c->wr = saved;
    return err;
}

/* Moves one direction to its next application traffic secret (RFC 8446 §7.2). */
static int next_traffic(gls_conn *c, bool write)
{
    bool client_secret = c->is_server != write;
    gls_secret *cur = client_secret ? &c->sess.c_ap_traffic : &c->sess.s_ap_traffic;
    gls_secret next;
    gls_secret_sink sink = gls_hs_sink(c);
    TRY(gls_ks13_next_traffic(c->sess.hash, cur, client_secret, &next, &sink));
    gls_secret_wipe(cur);
    *cur = next;
    gls_secret_wipe(&next);
    return gls_hs13_install(c, write, cur);
}

/* see hs.h */
int gls_hs13_send_key_update(gls_conn *c, bool request_peer)
{
    struct gls_key_update ku = {request_peer ? 1 : 0};
    uint8_t buf[5]; /* post-handshake: no scratch buffer, and no transcript */
    gls_writer w = gls_writer_init(buf, sizeof buf);
    gls_hs_header_write(&w, GLS_HS_KEY_UPDATE, 1);
    TRY(gls_key_update_write(&w, &ku));
    TRY(gls_writer_result(&w));
    gls_hs_event(c, "-> KeyUpdate (%s)",
                 request_peer ? "update_requested" : "update_not_requested");
    TRY(gls_hs_send(c, GLS_CT_HANDSHAKE, buf, w.len));
    return next_traffic(c, true);
}

/* see hs.h */
int gls_hs13_on_key_update(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_key_update ku;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_key_update_parse(&r, &ku));
    /* records between the previous KeyUpdate and this one's (which ends its record) */
    uint64_t earned = (c->ku_records > 0 ? c->ku_records - 1 : 0) / c->cfg->key_update_min_records;
    c->ku_tokens = earned >= GLS_KEY_UPDATE_BURST - c->ku_tokens ? GLS_KEY_UPDATE_BURST
                                                                 : c->ku_tokens + (unsigned)earned;
    c->ku_records = 0;
    if (c->ku_tokens == 0) {
        return gls_hs_reject(c, GLS_E_TOO_MANY_KEY_UPDATES,
                             "KeyUpdate after %d in a burst with fewer than %llu records between "
                             "(our bound; RFC 8446 §4.6.3 sets none)",
                             GLS_KEY_UPDATE_BURST,
                             (unsigned long long)c->cfg->key_update_min_records);
    }
    c->ku_tokens--;
    TRY(next_traffic(c, false));
    /* RFC 8446 §4.6.3: requests received while we are silent get one answer */
    if (ku.request_update == 1 && !c->sent_close && !c->ku_answered) {
        c->ku_answered = true;
        return gls_hs13_send_key_update(c, false);
    }
    return GLS_OK;
}

/* see hs.h */
uint16_t gls_hs_own_record_limit(const gls_conn *c, bool tls13)
{
    return (uint16_t)(c->cfg->record_limit + (tls13 ? 1 : 0));
}

/* see hs.h */
int gls_hs_record_limit(gls_conn *c, const struct gls_exts *peer, bool tls13)
{
    if (!gls_exts_has(peer, GLS_X_RECORD_SIZE_LIMIT)) {
        return GLS_OK;
    }
    size_t v = peer->record_size_limit;
    if (v < 64) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "record_size_limit %zu is below 64 (RFC 8449 §4)", v);
    }
    size_t content = tls13 ? v - 1 : v; /* TLS 1.3 counts the inner content type */
    c->send_limit = content < GLS_MAX_PLAINTEXT ? content : GLS_MAX_PLAINTEXT;
    c->recv_limit = c->cfg->record_limit;
    return GLS_OK;
}

/* see hs.h */
int gls_hs13_binder(gls_conn *c, const struct gls_suite *s, gls_bytes truncated, gls_secret *binder)
{
    gls_early_secret *early = &c->hs->early;
    gls_digest th;
    gls_secret_sink sink = gls_hs_sink(c);
    const gls_hash_alg *h = gls_hash_get(c->cfg->crypto, s->prf);
    c->hs->early_for_psk = false;
    TRY(gls_transcript_digest_with(&c->hs->transcript, s->prf, truncated, &th));
    TRY(gls_ks13_early(early, h, &c->hs->resume.psk, &sink));
    int err = gls_ks13_binder(early, &th, binder, &sink);
    if (err != GLS_OK) {
        gls_wipe(early, sizeof *early);
        return err;
    }
    c->hs->early_for_psk = true; /* the handshake stage starts from it if the PSK is taken */
    return GLS_OK;
}

/* see hs.h */
int gls_hs13_check_binder(gls_conn *c, const struct gls_suite *s, gls_bytes truncated,
                          gls_bytes received)
{
    gls_secret binder;
    TRY(gls_hs13_binder(c, s, truncated, &binder));
    bool ok = false;
    if (received.len == binder.len) { /* lengths are public; the bytes are compared blind */
        ok = gls_ct_eq(received.p, binder.b, binder.len);
        GLS_CT_DECLASSIFY(&ok, sizeof ok);
    }
    gls_secret_wipe(&binder);
    return ok ? GLS_OK : GLS_E_BAD_BINDER;
}
