/* hs/common12.c — the TLS 1.2 steps both sides take: master secret (RFC 5246
 * §8.1, RFC 7627 §4) and key block (§6.3), change_cipher_spec and the key
 * switch it marks (§7.1), Finished (§7.4.9), and the TLS 1.2 Certificate
 * message (§7.4.2, §7.4.6); the keys of an abbreviated handshake from a
 * stored master secret (§7.3). Which keys a direction gets: the client writes with
 * the client_write_* pieces, the server with the server_write_* ones. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"

/* hs->ms12's HMAC, keyed once when the master secret is known. */
static int ms12_key(struct gls_hs *hs, const gls_hash_alg *h)
{
    if (hs->ms12_key == NULL) {
        TRY(gls_hmac_key_new(h, hs->ms12.b, hs->ms12.len, &hs->ms12_key));
    }
    return GLS_OK;
}

/* The key block (RFC 5246 §6.3) from hs->ms12 and this handshake's randoms. */
static int key_block(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    const struct gls_suite *s = c->sess.suite;
    gls_secret_sink sink = gls_hs_sink(c);
    gls_hmac_key_free(hs->ms12_key); /* hs->ms12 was just set */
    hs->ms12_key = NULL;
    TRY(ms12_key(hs, c->sess.hash));
    memset(&hs->kb, 0, sizeof hs->kb);
    if (s->aead) {
        hs->kb.key_len = gls_aead_get(c->cfg->crypto, s->cipher)->key_len;
        hs->kb.iv_len = s->cipher == GLS_AEAD_CHACHA20_POLY1305 ? 12 : 4;
    } else {
        hs->kb.mac_len = gls_hash_get(c->cfg->crypto, s->mac)->len;
        hs->kb.key_len = s->cbc_key_len;
    }
    gls_hs_event(c, "TLS 1.2 keys from the %smaster secret%s", hs->ems ? "extended " : "",
                 s->aead ? ""
                         : (hs->etm ? " (CBC, encrypt-then-MAC)" : " (CBC, MAC-then-encrypt)"));
    return gls_prf12_key_block_keyed(hs->ms12_key, hs->client_random, hs->server_random, &hs->kb,
                                     &sink);
}

/* see hs.h */
int gls_hs12_derive_keys(gls_conn *c, uint8_t *pms, size_t pms_len)
{
    struct gls_hs *hs = c->hs;
    gls_secret_sink sink = gls_hs_sink(c);
    gls_digest session_hash;
    int err = gls_transcript_digest(&hs->transcript, &session_hash);
    if (err == GLS_OK && hs->ems) {
        err = gls_prf12_ext_master(c->sess.hash, pms, pms_len, &session_hash, &hs->ms12, &sink);
    } else if (err == GLS_OK) {
        err = gls_prf12_master(c->sess.hash, pms, pms_len, hs->client_random, hs->server_random,
                               &hs->ms12, &sink);
    }
    gls_wipe(pms, pms_len); /* the pre-master secret's last use */
    TRY(err);
    return key_block(c);
}

/* see hs.h */
int gls_hs12_resume_keys(gls_conn *c, const gls_secret *ms)
{
    c->hs->ms12 = *ms;
    /* a key log (SSLKEYLOGFILE) needs a line for each client random, resumed ones too
     * (as OpenSSL and NSS write it); the trace has no new secret to show */
    gls_hs_keylog(c, GLS_SID_MASTER_SECRET_12, ms->b, ms->len);
    return key_block(c);
}

/* see hs.h */
void gls_hs12_session(gls_conn *c, struct gls_ticket *t)
{
    memset(t, 0, sizeof *t);
    t->version = GLS_TLS12;
    t->suite = c->sess.suite->id;
    t->psk = c->hs->ms12;
    t->ems = c->hs->ems;
    t->issued = gls_hs_now(c);
    t->lifetime = c->cfg->ticket_lifetime;
    gls_name_copy(t->server_name, sizeof t->server_name, c->sess.server_name);
    gls_hs_session_peer(c, t);
}

/* see hs.h */
void gls_hs12_strip_zeros(gls_kex_secret *s)
{
    size_t z = 0;
    while (z < s->len && s->b[z] == 0) {
        z++;
    }
    memmove(s->b, s->b + z, s->len - z);
    gls_wipe(s->b + s->len - z, z);
    s->len -= z;
}

/* Installs one direction's keys from the key block. */
static int install(gls_conn *c, bool write)
{
    struct gls_hs *hs = c->hs;
    const struct gls_suite *s = c->sess.suite;
    bool client_keys = c->is_server != write;
    struct gls_rec_dir *d = write ? &c->wr : &c->rd;
    const uint8_t *key = client_keys ? hs->kb.c_key : hs->kb.s_key;
    if (s->aead) {
        const uint8_t *iv = client_keys ? hs->kb.c_iv : hs->kb.s_iv;
        enum gls_rec_mode mode =
            s->cipher == GLS_AEAD_CHACHA20_POLY1305 ? GLS_REC_TLS12_CHACHA : GLS_REC_TLS12_GCM;
        return gls_rec_set_aead(d, mode, gls_aead_get(c->cfg->crypto, s->cipher), key, iv,
                                hs->kb.iv_len, write);
    }
    const uint8_t *mac = client_keys ? hs->kb.c_mac : hs->kb.s_mac;
    return gls_rec_set_cbc(d, c->cfg->crypto, s->cbc_key_len, gls_hash_get(c->cfg->crypto, s->mac),
                           key, mac, hs->etm, write);
}

/* see hs.h */
int gls_hs12_on_ccs(gls_conn *c)
{
    TRY(install(c, false));
    c->rd_epoch++;
    gls_hs_event(c, "<- ChangeCipherSpec: peer's records are protected from here on");
    c->state = c->is_server ? ST_S12_WAIT_FINISHED : ST_C12_WAIT_FINISHED;
    return GLS_OK;
}

/* see hs.h */
int gls_hs12_send_ccs(gls_conn *c)
{
    static const uint8_t ccs[1] = {1};
    TRY(gls_hs_send(c, GLS_CT_CHANGE_CIPHER_SPEC, ccs, sizeof ccs));
    gls_hs_event(c, "-> ChangeCipherSpec");
    return install(c, true);
}

/* verify_data of one side over the transcript so far. */
static int verify_data(gls_conn *c, bool client, uint8_t out[GLS_VERIFY_DATA_LEN])
{
    gls_digest th;
    gls_secret_sink sink = gls_hs_sink(c);
    TRY(gls_transcript_digest(&c->hs->transcript, &th));
    TRY(ms12_key(c->hs, c->sess.hash));
    return gls_prf12_verify_data_keyed(c->hs->ms12_key, client, &th, out, &sink);
}

/* see hs.h */
int gls_hs12_check_finished(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_finished fin;
    uint8_t expect[GLS_VERIFY_DATA_LEN];
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_finished_parse(&r, GLS_VERIFY_DATA_LEN, &fin));
    TRY(verify_data(c, c->is_server, expect)); /* the peer's side */
    bool ok = gls_ct_eq(fin.verify_data.p, expect, sizeof expect);
    gls_wipe(expect, sizeof expect);
    GLS_CT_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        return gls_hs_reject(c, GLS_E_BAD_FINISHED,
                             "peer Finished.verify_data is wrong (RFC 5246 "
                             "§7.4.9)");
    }
    return gls_transcript_add(&c->hs->transcript, m->raw);
}

/* see hs.h */
int gls_hs12_send_finished(gls_conn *c)
{
    struct gls_finished fin;
    uint8_t value[GLS_VERIFY_DATA_LEN];
    gls_writer w;
    TRY(verify_data(c, !c->is_server, value));
    fin.verify_data = gls_bytes_of(value, sizeof value);
    int err = gls_hs_begin(c, GLS_HS_FINISHED, &w);
    if (err == GLS_OK) {
        err = gls_finished_write(&w, &fin);
    }
    if (err == GLS_OK) {
        err = gls_hs_end(c, &w, false);
    }
    gls_wipe(value, sizeof value);
    return err;
}

/* see hs.h */
int gls_hs12_send_certificate(gls_conn *c)
{
    struct gls_certificate cert;
    gls_writer w;
    memset(&cert, 0, sizeof cert);
    const struct gls_cert_key *ck = c->hs->cert;
    for (size_t i = 0; ck != NULL && i < ck->n && i < GLS_MAX_CERT_CHAIN; i++) {
        cert.entries[cert.n_entries++].cert_data = gls_cert_der(ck->chain[i]);
    }
    TRY(gls_hs_begin(c, GLS_HS_CERTIFICATE, &w));
    TRY(gls_certificate_write(&w, &cert));
    return gls_hs_end(c, &w, false);
}

/* see hs.h */
int gls_hs12_on_certificate(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_certificate cert;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    TRY(gls_certificate_parse(&r, false, &cert));
    TRY(gls_transcript_add(&c->hs->transcript, m->raw));
    c->hs->peer_sent_cert = cert.n_entries > 0;
    return gls_hs_load_peer_chain(c, &cert);
}

/* see hs.h */
bool gls_hs12_cv_scheme_ok(uint16_t scheme)
{
    gls_hash_id h = gls_sig_hash(scheme);
    return h == GLS_HASH_SHA256 || h == GLS_HASH_SHA384;
}
