/* config.c — gls_config: defaults, setters, and the freeze that makes a config
 * safe to share. Every setter refuses once a connection has taken the config
 * (GLS_E_CONFIG_FROZEN). Defaults prefer forward-secret AEAD suites and X25519. */
#include <stdlib.h>
#include <string.h>

#include "base/wire.h"
#include "base/secret.h"
#include "hs/cfg.h"

static const uint16_t default_suites[] = {
    GLS_TLS_AES_128_GCM_SHA256,
    GLS_TLS_AES_256_GCM_SHA384,
    GLS_TLS_CHACHA20_POLY1305_SHA256,
    GLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    GLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    GLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    GLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    GLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    GLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    GLS_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    GLS_TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    GLS_TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    GLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    GLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    GLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
    GLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    GLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    GLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    GLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    GLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    GLS_TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,
    GLS_TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
    GLS_TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
    GLS_TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
    /* RSA key exchange: listed, but used only when enabled */
    GLS_TLS_RSA_WITH_AES_128_GCM_SHA256,
    GLS_TLS_RSA_WITH_AES_256_GCM_SHA384,
    GLS_TLS_RSA_WITH_AES_128_CBC_SHA256,
    GLS_TLS_RSA_WITH_AES_256_CBC_SHA256,
    GLS_TLS_RSA_WITH_AES_128_CBC_SHA,
    GLS_TLS_RSA_WITH_AES_256_CBC_SHA,
};

/* OpenSSL 3.0's default groups and order, with the hybrid X25519MLKEM768 in
 * front (as OpenSSL 3.5, Chrome and Firefox). Pure ML-KEM is off by default. */
static const uint16_t default_groups[] = {
    GLS_GROUP_X25519MLKEM768, GLS_GROUP_X25519,    GLS_GROUP_SECP256R1, GLS_GROUP_X448,
    GLS_GROUP_SECP521R1,      GLS_GROUP_SECP384R1, GLS_GROUP_FFDHE2048, GLS_GROUP_FFDHE3072,
    GLS_GROUP_FFDHE4096,      GLS_GROUP_FFDHE6144, GLS_GROUP_FFDHE8192,
};

static const uint16_t default_sigalgs[] = {
    GLS_SIG_ECDSA_SECP256R1_SHA256, GLS_SIG_ECDSA_SECP384R1_SHA384,
    GLS_SIG_ECDSA_SECP521R1_SHA512, GLS_SIG_ED25519,
    GLS_SIG_RSA_PSS_RSAE_SHA256,    GLS_SIG_RSA_PSS_RSAE_SHA384,
    GLS_SIG_RSA_PSS_RSAE_SHA512,    GLS_SIG_RSA_PSS_PSS_SHA256,
    GLS_SIG_RSA_PSS_PSS_SHA384,     GLS_SIG_RSA_PSS_PSS_SHA512,
    GLS_SIG_RSA_PKCS1_SHA256,       GLS_SIG_RSA_PKCS1_SHA384,
    GLS_SIG_RSA_PKCS1_SHA512,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The rng a config has unless the caller sets one: its pool of system bytes, or
 * RAND_bytes per draw where the pool is not available (crypto.h). */
static void default_rng(gls_config *cfg)
{
    cfg->rng.fn = cfg->rand_pool != NULL ? gls_rand_pool_draw : gls_rand_system;
    cfg->rng.arg = cfg->rand_pool;
}

static void sni_memo_free(struct gls_sni_memo *m)
{
    if (m != NULL) {
        pthread_mutex_destroy(&m->lock);
        free(m);
    }
}

/* see gls.h */
gls_config *gls_config_new(void)
{
    gls_config *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL) {
        return NULL;
    }
    if (gls_crypto_new(&cfg->crypto) != GLS_OK) {
        free(cfg);
        return NULL;
    }
    atomic_init(&cfg->refs, 1);
    atomic_init(&cfg->frozen, false);
    cfg->min_version = GLS_TLS12;
    cfg->max_version = GLS_TLS13;
    memcpy(cfg->suites, default_suites, sizeof default_suites);
    cfg->n_suites = COUNT(default_suites);
    memcpy(cfg->groups, default_groups, sizeof default_groups);
    cfg->n_groups = COUNT(default_groups);
    memcpy(cfg->sigalgs, default_sigalgs, sizeof default_sigalgs);
    cfg->n_sigalgs = COUNT(default_sigalgs);
    cfg->max_hs_message = 65536;
    cfg->max_chain = GLS_CFG_MAX_CHAIN;
    cfg->max_idle_records = 32;
    cfg->record_limit = GLS_MAX_PLAINTEXT;
    cfg->key_update_records = (uint64_t)1 << 23;
    cfg->key_update_min_records = 16;
    cfg->rand_pool = gls_rand_pool_new();
    cfg->sni_memo = calloc(1, sizeof *cfg->sni_memo);
    if (cfg->sni_memo != NULL && pthread_mutex_init(&cfg->sni_memo->lock, NULL) != 0) {
        free(cfg->sni_memo);
        cfg->sni_memo = NULL;
    }
    default_rng(cfg);
    cfg->resumption = true;
    cfg->ticket_lifetime = 7200;
    cfg->ticket_rotation = 12 * 3600;
    cfg->tickets = calloc(1, sizeof *cfg->tickets);
    cfg->sessions = calloc(1, sizeof *cfg->sessions);
    cfg->bufs = calloc(1, sizeof *cfg->bufs);
    cfg->keyring = calloc(1, sizeof *cfg->keyring);
    cfg->ticket_epochs = calloc(1, sizeof *cfg->ticket_epochs);
    if (cfg->ticket_epochs == NULL || gls_ticket_epochs_init(cfg->ticket_epochs) != GLS_OK ||
        cfg->keyring == NULL || gls_keyring_init(cfg->keyring) != GLS_OK || cfg->tickets == NULL ||
        gls_ticket_cache_init(cfg->tickets) != GLS_OK || cfg->sessions == NULL ||
        gls_session_cache_init(cfg->sessions) != GLS_OK || cfg->bufs == NULL ||
        gls_pool_init(cfg->bufs) != GLS_OK || gls_cert_cache_new(&cfg->peer_certs) != GLS_OK ||
        gls_rand_system(NULL, cfg->ticket_master, sizeof cfg->ticket_master) != GLS_OK) {
        gls_cert_cache_free(cfg->peer_certs);
        gls_rand_pool_free(cfg->rand_pool);
        sni_memo_free(cfg->sni_memo);
        free(cfg->ticket_epochs);
        free(cfg->tickets);
        free(cfg->sessions);
        free(cfg->keyring);
        free(cfg->bufs);
        gls_crypto_free(cfg->crypto);
        free(cfg);
        return NULL;
    }
    return cfg;
}

/* see cfg.h */
gls_config *gls_config_ref(gls_config *cfg)
{
    atomic_fetch_add(&cfg->refs, 1);
    atomic_store(&cfg->frozen, true);
    return cfg;
}

/* see gls.h */
void gls_config_free(gls_config *cfg)
{
    if (cfg == NULL || atomic_fetch_sub(&cfg->refs, 1) != 1) {
        return;
    }
    for (size_t i = 0; i < cfg->n_certs; i++) {
        for (size_t j = 0; j < cfg->certs[i].n; j++) {
            gls_cert_free(cfg->certs[i].chain[j]);
        }
        gls_pkey_free(cfg->certs[i].key);
    }
    gls_trust_free(cfg->trust);
    gls_crypto_free(cfg->crypto);
    gls_pool_free(cfg->bufs);
    free(cfg->bufs);
    gls_ticket_cache_free(cfg->tickets);
    free(cfg->tickets);
    gls_session_cache_free(cfg->sessions);
    free(cfg->sessions);
    gls_cert_cache_free(cfg->peer_certs);
    gls_keyring_free(cfg->keyring);
    free(cfg->keyring);
    gls_ticket_epochs_free(cfg->ticket_epochs);
    free(cfg->ticket_epochs);
    gls_rand_pool_free(cfg->rand_pool);
    sni_memo_free(cfg->sni_memo);
    gls_wipe(cfg, sizeof *cfg);
    free(cfg);
}

static int writable(gls_config *cfg)
{
    if (cfg == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    return atomic_load(&cfg->frozen) ? GLS_E_CONFIG_FROZEN : GLS_OK;
}

/* see gls.h */
int gls_config_set_versions(gls_config *cfg, uint16_t min, uint16_t max)
{
    TRY(writable(cfg));
    if (min < GLS_TLS12 || max > GLS_TLS13 || min > max) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->min_version = min;
    cfg->max_version = max;
    return GLS_OK;
}

static int set_list(gls_config *cfg, uint16_t *dst, size_t *n_dst, size_t cap, const uint16_t *src,
                    size_t n, bool (*known)(uint16_t))
{
    TRY(writable(cfg));
    if (n == 0 || n > cap || src == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n; i++) {
        if (known != NULL && !known(src[i])) {
            return GLS_E_UNSUPPORTED;
        }
    }
    memcpy(dst, src, n * sizeof *src);
    *n_dst = n;
    return GLS_OK;
}

static bool suite_known(uint16_t s)
{
    for (size_t i = 0; i < COUNT(default_suites); i++) {
        if (default_suites[i] == s) {
            return true;
        }
    }
    return false;
}

/* see gls.h */
int gls_config_set_suites(gls_config *cfg, const uint16_t *suites, size_t n)
{
    return set_list(cfg, cfg->suites, &cfg->n_suites, GLS_CFG_MAX_SUITES, suites, n, suite_known);
}

/* see gls.h */
int gls_config_set_groups(gls_config *cfg, const uint16_t *groups, size_t n)
{
    return set_list(cfg, cfg->groups, &cfg->n_groups, GLS_CFG_MAX_GROUPS, groups, n,
                    gls_kex_supported);
}

/* see gls.h */
int gls_config_set_sigalgs(gls_config *cfg, const uint16_t *schemes, size_t n)
{
    return set_list(cfg, cfg->sigalgs, &cfg->n_sigalgs, GLS_CFG_MAX_SIGALGS, schemes, n,
                    gls_sig_supported);
}

static int add_cert(gls_config *cfg, struct gls_cert_key *ck)
{
    if (ck->n == 0 || !gls_pkey_matches_cert(ck->key, ck->chain[0])) {
        for (size_t j = 0; j < ck->n; j++) {
            gls_cert_free(ck->chain[j]);
        }
        gls_pkey_free(ck->key);
        return ck->n == 0 ? GLS_E_BAD_CERT_FILE : GLS_E_KEY_MISMATCH;
    }
    cfg->certs[cfg->n_certs++] = *ck;
    return GLS_OK;
}

/* see gls.h */
int gls_config_add_cert_files(gls_config *cfg, const char *chain_pem, const char *key_file)
{
    struct gls_cert_key ck = {0};
    TRY(writable(cfg));
    if (cfg->n_certs == GLS_MAX_CERT_KEYS || chain_pem == NULL || key_file == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(gls_pkey_load_file(key_file, &ck.key));
    int err = gls_cert_chain_load_file(chain_pem, ck.chain, GLS_CFG_MAX_CHAIN, &ck.n);
    if (err != GLS_OK) {
        gls_pkey_free(ck.key);
        return err == GLS_E_BAD_KEY_FILE ? GLS_E_BAD_CERT_FILE : err;
    }
    return add_cert(cfg, &ck);
}

/* see gls.h */
int gls_config_add_cert_pem(gls_config *cfg, const uint8_t *chain_pem, size_t chain_len,
                            const uint8_t *key, size_t key_len)
{
    struct gls_cert_key ck = {0};
    TRY(writable(cfg));
    if (cfg->n_certs == GLS_MAX_CERT_KEYS || chain_pem == NULL || key == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(gls_pkey_from_pem(key, key_len, &ck.key));
    int err = gls_cert_chain_from_pem(chain_pem, chain_len, ck.chain, GLS_CFG_MAX_CHAIN, &ck.n);
    if (err != GLS_OK) {
        gls_pkey_free(ck.key);
        return err == GLS_E_BAD_KEY_FILE ? GLS_E_BAD_CERT_FILE : err;
    }
    return add_cert(cfg, &ck);
}

/* see gls.h */
int gls_config_add_generated_cert(gls_config *cfg, const char *const *names, size_t n, int ec,
                                  uint8_t fingerprint[32])
{
    struct gls_cert_key ck = {0};
    TRY(writable(cfg));
    if (cfg->n_certs == GLS_MAX_CERT_KEYS || names == NULL || n == 0) {
        return GLS_E_INVALID_ARGUMENT;
    }
    TRY(gls_cert_self_signed(ec ? GLS_KEY_EC_P256 : GLS_KEY_RSA, names, n, 30, &ck.chain[0],
                             &ck.key));
    ck.n = 1;
    if (fingerprint != NULL) {
        int err = gls_cert_fingerprint(ck.chain[0], fingerprint);
        if (err != GLS_OK) {
            gls_cert_free(ck.chain[0]);
            gls_pkey_free(ck.key);
            return err;
        }
    }
    return add_cert(cfg, &ck);
}

/* see gls.h */
int gls_config_cert_validity(const gls_config *cfg, size_t i, int64_t *not_before,
                             int64_t *not_after)
{
    if (cfg == NULL || i >= cfg->n_certs || not_before == NULL || not_after == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    return gls_cert_validity(cfg->certs[i].chain[0], not_before, not_after);
}

/* see gls.h */
int gls_config_set_ca(gls_config *cfg, const char *cafile, const char *capath)
{
    gls_trust *t = NULL;
    TRY(writable(cfg));
    TRY(gls_trust_new_from(cafile, capath, &t));
    gls_trust_free(cfg->trust);
    cfg->trust = t;
    return GLS_OK;
}

/* see gls.h */
int gls_config_use_system_ca(gls_config *cfg)
{
    gls_trust *t = NULL;
    TRY(writable(cfg));
    TRY(gls_trust_new_default(&t));
    gls_trust_free(cfg->trust);
    cfg->trust = t;
    return GLS_OK;
}

/* see gls.h */
int gls_config_danger_accept_any_cert(gls_config *cfg)
{
    TRY(writable(cfg));
    cfg->danger_accept_any = true;
    return GLS_OK;
}

/* see gls.h */
int gls_config_danger_verify_chain_only(gls_config *cfg)
{
    TRY(writable(cfg));
    cfg->danger_chain_only = true;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_alpn(gls_config *cfg, const char *const *protos, size_t n)
{
    TRY(writable(cfg));
    if (n > GLS_CFG_MAX_ALPN || (n > 0 && protos == NULL)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = protos[i] == NULL ? 0 : strlen(protos[i]);
        if (len == 0 || len > GLS_CFG_MAX_ALPN_LEN) {
            return GLS_E_INVALID_ARGUMENT;
        }
    }
    for (size_t i = 0; i < n; i++) {
        strcpy(cfg->alpn[i], protos[i]);
    }
    cfg->n_alpn = n;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_client_auth(gls_config *cfg, enum gls_client_auth mode)
{
    TRY(writable(cfg));
    if (mode != GLS_CLIENT_AUTH_NONE && mode != GLS_CLIENT_AUTH_OPTIONAL &&
        mode != GLS_CLIENT_AUTH_REQUIRED) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->client_auth = mode;
    return GLS_OK;
}

/* see gls.h */
int gls_config_enable_rsa_key_exchange(gls_config *cfg, int on)
{
    TRY(writable(cfg));
    cfg->rsa_kx = on != 0;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_max_handshake_message(gls_config *cfg, size_t n)
{
    TRY(writable(cfg));
    if (n < 1024 || n > (1u << 24)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->max_hs_message = n;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_resumption(gls_config *cfg, int on, uint32_t lifetime_seconds)
{
    TRY(writable(cfg));
    if (lifetime_seconds == 0 || lifetime_seconds > 7 * 24 * 3600) { /* RFC 8446 §4.6.1 */
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->resumption = on != 0;
    cfg->ticket_lifetime = lifetime_seconds;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_session_keep_peer_chain(gls_config *cfg, int on)
{
    TRY(writable(cfg));
    cfg->keep_peer_chain = on != 0;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_record_size_limit(gls_config *cfg, size_t n)
{
    TRY(writable(cfg));
    if (n < 64 || n > GLS_MAX_PLAINTEXT) { /* RFC 8449 §4 */
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->record_limit = n;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_key_update_interval(gls_config *cfg, uint64_t records)
{
    TRY(writable(cfg));
    if (records == 0 || records > ((uint64_t)1 << 24)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->key_update_records = records;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_key_update_min_records(gls_config *cfg, uint64_t records)
{
    TRY(writable(cfg));
    if (records == 0 || records > ((uint64_t)1 << 24)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->key_update_min_records = records;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_max_chain(gls_config *cfg, size_t n)
{
    TRY(writable(cfg));
    if (n < 1 || n > GLS_CFG_MAX_CHAIN) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->max_chain = n;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_max_idle_records(gls_config *cfg, size_t n)
{
    TRY(writable(cfg));
    if (n < 1 || n > 1000000) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->max_idle_records = n;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_open_on_read(gls_config *cfg, int on)
{
    TRY(writable(cfg));
    cfg->open_on_read = on != 0;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_keylog(gls_config *cfg, gls_keylog_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->keylog = fn;
    cfg->keylog_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_secret_trace(gls_config *cfg, gls_secret_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->secret_trace = fn;
    cfg->secret_trace_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_event_trace(gls_config *cfg, gls_event_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->event = fn;
    cfg->event_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_rng(gls_config *cfg, gls_random_fn fn, void *arg)
{
    TRY(writable(cfg));
    if (fn == NULL) {
        default_rng(cfg);
        return GLS_OK;
    }
    cfg->rng.fn = fn;
    cfg->rng.arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_clock(gls_config *cfg, gls_clock_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->clock = fn;
    cfg->clock_arg = arg;
    return GLS_OK;
}
