/* keys/sched13.h — the TLS 1.3 key schedule (RFC 8446 §7.1) as three typed
 * stages. Each stage is made only from the one before, and advancing wipes
 * the input stage. Every value is announced to a gls_secret_sink by name. */
#ifndef GLS_KEYS_SCHED13_H
#define GLS_KEYS_SCHED13_H

#include <stdbool.h>

#include "base/secret.h"
#include "crypto/crypto.h"
#include "keys/names.h"
#include "keys/transcript.h"

/* The early and handshake stages may carry their Derive-Secret(s, "derived", "")
 * (the next Extract's salt), made while their HMAC was keyed for another label (the
 * binder key; the handshake traffic secrets) and announced when the next stage is
 * made, as if made then. */
typedef struct {
    const gls_hash_alg *h;
    gls_secret s;
    gls_secret derived; /* when has_derived */
    bool has_derived;
} gls_early_secret;

typedef struct {
    const gls_hash_alg *h;
    gls_secret s;
    gls_secret derived; /* when has_derived */
    bool has_derived;
} gls_handshake_secret;

typedef struct {
    const gls_hash_alg *h;
    gls_secret s;
} gls_master_secret;

/* Early Secret = HKDF-Extract(0, PSK or zeros). psk may be NULL. */
GLS_MUST_CHECK int gls_ks13_early(gls_early_secret *out, const gls_hash_alg *h,
                                  const gls_secret *psk, const gls_secret_sink *sink);
/* Announces an early secret made before (for a binder) again, where the schedule
 * would make it: the same value from the same PSK, without a second Extract. */
void gls_ks13_early_again(const gls_early_secret *e, const gls_secret_sink *sink);
/* Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE).
 * Wipes *in. dhe may be NULL/0 for psk_ke. */
GLS_MUST_CHECK int gls_ks13_handshake(gls_handshake_secret *out, gls_early_secret *in,
                                      const uint8_t *dhe, size_t dhe_len,
                                      const gls_secret_sink *sink);
/* Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). Wipes *in. */
GLS_MUST_CHECK int gls_ks13_master(gls_master_secret *out, gls_handshake_secret *in,
                                   const gls_secret_sink *sink);
/* Derive-Secret(stage, label of id, transcript hash th) for the ids that are
 * Derive-Secret outputs (c/s hs traffic, c/s ap traffic, exp master, res
 * master, binder keys with th = Hash("")). */
GLS_MUST_CHECK int gls_ks13_derive(const gls_secret *stage, const gls_hash_alg *h,
                                   enum gls_secret_id id, const gls_digest *th, gls_secret *out,
                                   const gls_secret_sink *sink);
/* The same for n ids from one stage and one th, the stage's HMAC keyed once; outs[i]
 * gets ids[i]'s secret. */
GLS_MUST_CHECK int gls_ks13_derive_n(const gls_secret *stage, const gls_hash_alg *h,
                                     const enum gls_secret_id *ids, size_t n, const gls_digest *th,
                                     gls_secret *const *outs, const gls_secret_sink *sink);
/* client_/server_handshake_traffic_secret = Derive-Secret(hs, "c hs traffic" / "s hs
 * traffic", th), and, under the same keying, hs's "derived" for the master stage. */
GLS_MUST_CHECK int gls_ks13_hs_traffic(gls_handshake_secret *hs, const gls_digest *th,
                                       gls_secret *c_out, gls_secret *s_out,
                                       const gls_secret_sink *sink);
/* finished_key = HKDF-Expand-Label(base, "finished", "", Hash.length);
 * verify_data = HMAC(finished_key, th). client picks the names reported. */
GLS_MUST_CHECK int gls_ks13_finished(const gls_hash_alg *h, const gls_secret *base,
                                     const gls_digest *th, bool client, gls_secret *out,
                                     const gls_secret_sink *sink);
/* write_key and write_iv from a traffic secret (RFC 8446 §7.3). */
GLS_MUST_CHECK int gls_ks13_traffic_key_iv(const gls_hash_alg *h, const gls_secret *traffic,
                                           uint8_t *key, size_t key_len, uint8_t *iv,
                                           size_t iv_len);
/* The same, and under the same keying the secret's finished_key (a handshake traffic
 * secret's, for gls_ks13_finished_with_key later); not announced here. */
GLS_MUST_CHECK int gls_ks13_traffic_key_iv_fk(const gls_hash_alg *h, const gls_secret *traffic,
                                              uint8_t *key, size_t key_len, uint8_t *iv,
                                              size_t iv_len, gls_secret *finished_key);
/* gls_ks13_finished with the finished_key made before: announces it, then verify_data. */
GLS_MUST_CHECK int gls_ks13_finished_with_key(const gls_hash_alg *h, const gls_secret *finished_key,
                                              const gls_digest *th, bool client, gls_secret *out,
                                              const gls_secret_sink *sink);
/* application_traffic_secret_N+1 = HKDF-Expand-Label(N, "traffic upd", "", Hash.length). */
GLS_MUST_CHECK int gls_ks13_next_traffic(const gls_hash_alg *h, const gls_secret *cur, bool client,
                                         gls_secret *next, const gls_secret_sink *sink);
/* The resumption PSK binder (RFC 8446 §4.2.11.2): binder_key = Derive-Secret(
 * early, "res binder", ""), finished_key from it, binder = HMAC(finished_key, th)
 * where th hashes the transcript through the truncated ClientHello. Under the same
 * keying it also makes early's "derived". */
GLS_MUST_CHECK int gls_ks13_binder(gls_early_secret *early, const gls_digest *th,
                                   gls_secret *binder, const gls_secret_sink *sink);
/* The ticket PSK = HKDF-Expand-Label(res_master, "resumption", nonce, Hash.length). */
GLS_MUST_CHECK int gls_ks13_ticket_psk(const gls_hash_alg *h, const gls_secret *res_master,
                                       const uint8_t *nonce, size_t nonce_len, gls_secret *psk,
                                       const gls_secret_sink *sink);

#endif
