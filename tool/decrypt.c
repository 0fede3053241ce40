/* tool/decrypt.c — `glasstls decrypt CAPTURE [--key SERVER_KEY.pem] [--keylog FILE] [--json]`:
 * reads a pcap/pcapng capture, finds the TLS connections in it, and decrypts what the given
 * material allows (the server's RSA key for TLS 1.2 RSA key exchange; an NSS key log for any
 * session), or says why not. The cryptography is the library's (trace.h); this file finds the
 * sessions (pcap.h, tcpflow.h, tlsrec.h) and prints them.
 *
 * --json prints one object (schema version 1; fields are only ever added):
 *   {"version":1, "capture":"FILE", "sessions":[{
 *      "client":"IP:PORT", "server":"IP:PORT", "tls_version":"TLS 1.2"|"TLS 1.3"|null,
 *      "suite":"TLS_..."|null, "key_exchange":"RSA"|"ECDHE"|"DHE"|"TLS1.3"|null,
 *      "sni":"..."|null, "decrypted":true|false,
 *      "reason":null|{"code":"forward_secret"|"wrong_key"|"no_keylog_line"|"bad_key"|
 *                     "unsupported"|"record_failed"|"no_material"|"not_tls", "text":"..."},
 *      "client_to_server":{"records":N, "application_data":"HEX", "alerts":N},
 *      "server_to_client":{...same...}}]}
 *   application_data is the concatenated plaintext of the direction's application_data
 *   records, lower-case hex (what could be opened before any failure).
 * Exit status: 0 when the capture was read (whether or not sessions decrypted), 1 when it
 * cannot be read, 2 for bad arguments. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "pcap.h"
#include "tcpflow.h"
#include "tlsrec.h"
#include "tool.h"

#define MAX_TRANSCRIPT (256 * 1024)

/* The handshake transcript the client's Finished covers: every plaintext message in order up
 * to the server's NewSessionTicket (which follows the client's Finished). */
static uint8_t *collect_transcript(const struct gls_tls_facts *f, size_t *len, size_t *thru_cke)
{
    const struct gls_tls_hs_msg *msgs[64];
    size_t n = gls_tls_transcript(f, msgs, 64);
    uint8_t *buf = malloc(MAX_TRANSCRIPT);
    *len = 0;
    *thru_cke = 0;
    if (buf == NULL || n > 64) {
        free(buf);
        return NULL;
    }
    for (size_t i = 0; i < n && msgs[i]->type != 4; i++) {
        if (*len + msgs[i]->raw.len > MAX_TRANSCRIPT) {
            free(buf);
            return NULL;
        }
        memcpy(buf + *len, msgs[i]->raw.p, msgs[i]->raw.len);
        *len += msgs[i]->raw.len;
        if (msgs[i]->type == 16) {
            *thru_cke = *len;
        }
    }
    return buf;
}

static int why_set(struct gls_offline_why *why, int err, const char *code, const char *text)
{
    why->code = code;
    snprintf(why->text, sizeof why->text, "%s", text);
    return err;
}

/* Keys from the key log when it has the session, else from the RSA key. */
static int derive(const struct gls_offline_session *s, const struct decrypt_material *m,
                  gls_offline_step_fn step, void *arg, gls_offline_keys **k,
                  struct gls_offline_why *why)
{
    const char *kx = s->version == 0x0304 ? "TLS1.3" : gls_suite_kx(s->suite);
    bool rsa = kx != NULL && strcmp(kx, "RSA") == 0;
    int err = GLS_E_FILE;
    if (m->keylog_len > 0) {
        err = gls_offline_keys_from_keylog(s, m->keylog, m->keylog_len, k, step, arg, why);
        if (err != GLS_E_FILE || m->key_len == 0 || !rsa) {
            return err;
        }
    }
    if (m->key_len > 0) {
        return gls_offline_keys_from_rsa(s, m->key_pem, m->key_len, k, step, arg, why);
    }
    if (!rsa) {
        /* the RSA path says why a long-term key cannot help */
        return gls_offline_keys_from_rsa(s, NULL, 0, k, step, arg, why);
    }
    return why_set(why, GLS_E_INVALID_ARGUMENT, "no_material",
                   "RSA key exchange: --key with the server's private key (or --keylog) would "
                   "decrypt it");
}

/* The protected records of one side, as the library wants them. */
static int open_side(gls_offline_keys *k, const struct gls_tls_side *side, int dir,
                     gls_offline_data_fn data, void *arg, struct gls_offline_why *why)
{
    struct gls_offline_record *r = calloc(side->n_records + 1, sizeof *r);
    size_t n = 0;
    if (r == NULL) {
        return why_set(why, GLS_E_NO_MEMORY, "unsupported", "out of memory");
    }
    for (size_t i = 0; i < side->n_records; i++) {
        const struct gls_tls_record *x = &side->records[i];
        if (x->encrypted) {
            r[n++] = (struct gls_offline_record){x->type, x->version, x->payload.p, x->payload.len};
        }
    }
    int err = gls_offline_open_records(k, dir, r, n, data, arg, why);
    free(r);
    return err;
}

/* see tool.h */
int decrypt_streams(const uint8_t *c2s, size_t n_c2s, const uint8_t *s2c, size_t n_s2c,
                    const struct decrypt_material *m, gls_offline_step_fn step, void *step_arg,
                    gls_offline_data_fn data, void *data_arg, struct gls_tls_facts *facts,
                    struct gls_offline_why *why)
{
    int err = gls_tls_scan(c2s, n_c2s, s2c, n_s2c, facts);
    if (!facts->have_client_hello || !facts->have_server_hello) {
        return why_set(why, err != GLS_OK ? err : GLS_E_DECODE, "not_tls",
                       facts->problem[0] != 0 ? facts->problem : "no complete TLS handshake");
    }
    struct gls_offline_session s = {
        .version = facts->version,
        .suite = facts->suite,
        .client_version = facts->client_version,
        .ems = facts->ems,
        .etm = facts->etm,
        .cke = facts->client_key_exchange.p,
        .cke_len = facts->client_key_exchange.len,
    };
    memcpy(s.client_random, facts->client_random, 32);
    memcpy(s.server_random, facts->server_random, 32);
    uint8_t *t = NULL;
    if (facts->version != 0x0304 && !facts->resumed) {
        t = collect_transcript(facts, &s.transcript_len, &s.through_cke);
        s.transcript = t;
    }
    gls_offline_keys *k = NULL;
    err = derive(&s, m, step, step_arg, &k, why);
    free(t);
    if (err == GLS_OK) {
        err = open_side(k, &facts->side[GLS_TLS_C2S], GLS_OFFLINE_C2S, data, data_arg, why);
    }
    if (err == GLS_OK) {
        err = open_side(k, &facts->side[GLS_TLS_S2C], GLS_OFFLINE_S2C, data, data_arg, why);
    }
    gls_offline_keys_free(k);
    return err;
}
