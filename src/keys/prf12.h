/* keys/prf12.h — the TLS 1.2 key schedule: P_hash and the PRF (RFC 5246 §5),
 * the master secret (§8.1) and extended master secret (RFC 7627 §4), the key
 * block cut into its pieces (§6.3), and Finished verify_data (§7.4.9). Every
 * value is announced to a gls_secret_sink by its id (names.h). The pre-master
 * secret belongs to the caller, who wipes it after deriving the master secret. */
#ifndef GLS_KEYS_PRF12_H
#define GLS_KEYS_PRF12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/secret.h"
#include "crypto/crypto.h"
#include "keys/names.h"
#include "keys/transcript.h"

#define GLS_MASTER_SECRET_LEN 48
#define GLS_VERIFY_DATA_LEN   12

/* PRF(secret, label, seed1 || seed2) = P_<h>(secret, label || seed1 || seed2),
 * truncated to len bytes. The HMAC is keyed once. label + seeds <= 160 bytes. */
GLS_MUST_CHECK int gls_prf12(const gls_hash_alg *h, const uint8_t *secret, size_t secret_len,
                             const char *label, const uint8_t *seed1, size_t n1,
                             const uint8_t *seed2, size_t n2, uint8_t *out, size_t len);

/* The same under an HMAC already keyed with the secret (gls_hmac_key_new): a handshake
 * keys its master secret once for the key block and both Finished messages. */
GLS_MUST_CHECK int gls_prf12_keyed(gls_hmac_key *k, const char *label, const uint8_t *seed1,
                                   size_t n1, const uint8_t *seed2, size_t n2, uint8_t *out,
                                   size_t len);

/* master_secret = PRF(pms, "master secret", client_random || server_random)[0..47]. */
GLS_MUST_CHECK int gls_prf12_master(const gls_hash_alg *h, const uint8_t *pms, size_t pms_len,
                                    const uint8_t client_random[32],
                                    const uint8_t server_random[32], gls_secret *ms,
                                    const gls_secret_sink *sink);
/* RFC 7627 §4: PRF(pms, "extended master secret", session_hash)[0..47], where
 * session_hash is the transcript hash through ClientKeyExchange. */
GLS_MUST_CHECK int gls_prf12_ext_master(const gls_hash_alg *h, const uint8_t *pms, size_t pms_len,
                                        const gls_digest *session_hash, gls_secret *ms,
                                        const gls_secret_sink *sink);

/* The key block's pieces for one suite (RFC 5246 §6.3). fixed_iv_len is 4 for
 * AES-GCM (RFC 5288 salt), 12 for ChaCha20-Poly1305 (RFC 7905), 0 for CBC. */
struct gls_key_block12 {
    size_t mac_len; /* 0 for AEAD suites */
    size_t key_len;
    size_t iv_len;
    uint8_t c_mac[GLS_MAX_HASH];
    uint8_t s_mac[GLS_MAX_HASH];
    uint8_t c_key[32];
    uint8_t s_key[32];
    uint8_t c_iv[12];
    uint8_t s_iv[12];
};

/* key_block = PRF(master_secret, "key expansion", server_random || client_random),
 * split into *kb (whose mac_len, key_len and iv_len the caller sets first). */
GLS_MUST_CHECK int gls_prf12_key_block(const gls_hash_alg *h, const gls_secret *ms,
                                       const uint8_t client_random[32],
                                       const uint8_t server_random[32], struct gls_key_block12 *kb,
                                       const gls_secret_sink *sink);
/* The same from the master secret's keyed HMAC (gls_prf12_keyed). */
GLS_MUST_CHECK int gls_prf12_key_block_keyed(gls_hmac_key *ms, const uint8_t client_random[32],
                                             const uint8_t server_random[32],
                                             struct gls_key_block12 *kb,
                                             const gls_secret_sink *sink);
void gls_key_block12_wipe(struct gls_key_block12 *kb);

/* verify_data = PRF(master_secret, "client finished" / "server finished",
 * Hash(handshake_messages))[0..11]. */
GLS_MUST_CHECK int gls_prf12_verify_data(const gls_hash_alg *h, const gls_secret *ms, bool client,
                                         const gls_digest *th, uint8_t out[GLS_VERIFY_DATA_LEN],
                                         const gls_secret_sink *sink);
/* The same from the master secret's keyed HMAC (gls_prf12_keyed). */
GLS_MUST_CHECK int gls_prf12_verify_data_keyed(gls_hmac_key *ms, bool client, const gls_digest *th,
                                               uint8_t out[GLS_VERIFY_DATA_LEN],
                                               const gls_secret_sink *sink);

#endif
