/* config_hooks.c — the config setters for deployment (see gls.h): sessions
 * and ticket keys that outlive a process, the external session-id store,
 * trust from memory, and the verify, ClientHello and client-certificate
 * callbacks. Like config.c, each refuses once the config is in use, except
 * gls_config_set_ticket_keys, whose keys are locked. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/secret.h"
#include "hs/cfg.h"

#define MAX_CA_PEM_CERTS 1024

static int writable(gls_config *cfg)
{
    if (cfg == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    return atomic_load(&cfg->frozen) ? GLS_E_CONFIG_FROZEN : GLS_OK;
}

static int64_t config_now(const gls_config *cfg)
{
    return cfg->clock != NULL ? cfg->clock(cfg->clock_arg) : (int64_t)time(NULL);
}

/* see gls.h */
int gls_config_set_session_callback(gls_config *cfg, gls_session_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->session_cb = fn;
    cfg->session_cb_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_ticket_keys(gls_config *cfg, const gls_ticket_key *keys, size_t n)
{
    if (cfg == NULL || keys == NULL || n == 0 || n > GLS_TICKET_KEYS_MAX) {
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_keyring_set(cfg->keyring, keys, n, config_now(cfg));
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_ticket_rotation(gls_config *cfg, uint32_t period_seconds,
                                   gls_ticket_rotate_fn fn, void *arg)
{
    TRY(writable(cfg));
    if (fn == NULL || period_seconds == 0) {
        return GLS_E_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&cfg->keyring->lock);
    cfg->keyring->period = period_seconds;
    cfg->keyring->rotate = fn;
    cfg->keyring->rotate_arg = arg;
    pthread_mutex_unlock(&cfg->keyring->lock);
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_session_id_cache(gls_config *cfg, gls_session_put_fn put, gls_session_get_fn get,
                                    gls_session_remove_fn remove, void *arg)
{
    TRY(writable(cfg));
    if (put == NULL || get == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    cfg->sid_put = put;
    cfg->sid_get = get;
    cfg->sid_remove = remove;
    cfg->sid_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_add_ca_pem(gls_config *cfg, const uint8_t *pem, size_t len)
{
    size_t n = 0;
    int err = GLS_OK;
    TRY(writable(cfg));
    if (pem == NULL || len == 0) {
        return GLS_E_INVALID_ARGUMENT;
    }
    gls_cert **certs = calloc(MAX_CA_PEM_CERTS, sizeof *certs);
    if (certs == NULL) {
        return GLS_E_NO_MEMORY;
    }
    err = gls_cert_chain_from_pem(pem, len, certs, MAX_CA_PEM_CERTS, &n);
    if (err == GLS_OK && n == 0) {
        err = GLS_E_CERT_BAD;
    }
    if (err == GLS_OK && cfg->trust == NULL) {
        err = gls_trust_new_empty(&cfg->trust);
    }
    for (size_t i = 0; i < n; i++) {
        if (err == GLS_OK) {
            err = gls_trust_add(cfg->trust, certs[i]);
        }
        gls_cert_free(certs[i]);
    }
    free(certs);
    return err;
}

/* see gls.h */
int gls_config_set_verify_callback(gls_config *cfg, gls_verify_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->verify_cb = fn;
    cfg->verify_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_client_hello_callback(gls_config *cfg, gls_client_hello_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->hello_cb = fn;
    cfg->hello_arg = arg;
    return GLS_OK;
}

/* see gls.h */
int gls_config_set_client_cert_callback(gls_config *cfg, gls_client_cert_fn fn, void *arg)
{
    TRY(writable(cfg));
    cfg->client_cert_cb = fn;
    cfg->client_cert_arg = arg;
    return GLS_OK;
}
