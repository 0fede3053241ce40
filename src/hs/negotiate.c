/* hs/negotiate.c — the pure choosers (see negotiate.h): server preference
 * order throughout, the peer's lists consulted for membership only. */
#include "hs/negotiate.h"

#include <string.h>

#include "base/wire.h"

static bool has_u16(const uint16_t *list, size_t n, uint16_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] == v) {
            return true;
        }
    }
    return false;
}

/* see negotiate.h */
int gls_choose_version(const gls_config *cfg, const struct gls_client_hello *ch, uint16_t *version)
{
    const struct gls_exts *e = &ch->ext;
    if (gls_exts_has(e, GLS_X_SUPPORTED_VERSIONS)) { /* RFC 8446 §4.2.1: only this counts */
        for (uint16_t v = cfg->max_version; v >= cfg->min_version; v--) {
            if (has_u16(e->versions, e->n_versions, v)) {
                *version = v;
                return GLS_OK;
            }
        }
        return GLS_E_NO_SHARED_VERSION;
    }
    if (ch->legacy_version >= GLS_TLS12 && cfg->min_version <= GLS_TLS12) {
        *version = GLS_TLS12;
        return GLS_OK;
    }
    return GLS_E_NO_SHARED_VERSION;
}

/* RSA key exchange encrypts to the certificate key: it needs an rsaEncryption
 * key (an RSASSA-PSS key may only sign). */
static bool have_rsa_kx_key(const gls_config *cfg)
{
    for (size_t i = 0; i < cfg->n_certs; i++) {
        if (gls_pkey_type(cfg->certs[i].key) == GLS_KEY_RSA) {
            return true;
        }
    }
    return false;
}

/* see negotiate.h */
int gls_choose_suite(const gls_config *cfg, const struct gls_client_hello *ch, uint16_t version,
                     const struct gls_suite **out)
{
    for (size_t i = 0; i < cfg->n_suites; i++) {
        const struct gls_suite *s = gls_suite_get(cfg->suites[i]);
        if (s == NULL || s->version != version || !gls_u16_list_has(ch->suites_raw, s->id)) {
            continue;
        }
        if (version == GLS_TLS12) {
            if (s->kx == GLS_KX_RSA && !cfg->rsa_kx) {
                continue;
            }
            size_t index = 0;
            uint16_t sigalg = 0;
            if (gls_choose_cert(cfg, NULL, ch->ext.sigalgs, ch->ext.n_sigalgs, false, s->auth,
                                &ch->ext, &index, &sigalg) != GLS_OK) {
                continue; /* no certificate of ours this client could accept */
            }
            /* RSA key exchange needs an rsaEncryption key, not RSA-PSS */
            if (s->kx == GLS_KX_RSA && !have_rsa_kx_key(cfg)) {
                continue;
            }
        }
        *out = s;
        return GLS_OK;
    }
    return GLS_E_NO_SHARED_SUITE;
}

static bool is_ffdhe(uint16_t g)
{
    return gls_kex_group_kind(g) == GLS_KEX_FFDH;
}

static bool is_post_quantum(uint16_t g)
{
    gls_kex_kind k = gls_kex_group_kind(g);
    return k == GLS_KEX_HYBRID || k == GLS_KEX_KEM;
}

/* see negotiate.h */
int gls_choose_group13(const gls_config *cfg, const struct gls_client_hello *ch, uint16_t *group,
                       size_t *share_index, bool *hrr)
{
    const struct gls_exts *e = &ch->ext;
    /* RFC 8446 §4.2.8: every share must be for a group the client lists, once */
    for (size_t i = 0; i < e->n_shares; i++) {
        if (!has_u16(e->groups, e->n_groups, e->shares[i].group)) {
            return GLS_E_ILLEGAL_PARAMETER;
        }
        for (size_t j = 0; j < i; j++) {
            if (e->shares[j].group == e->shares[i].group) {
                return GLS_E_ILLEGAL_PARAMETER;
            }
        }
    }
    /* When our most preferred group the client supports is post-quantum, it
     * wins even without a share (then via HelloRetryRequest): it protects
     * against recording now and decrypting later. Among classical groups a
     * share in hand avoids the HRR. */
    for (size_t i = 0; i < cfg->n_groups; i++) {
        uint16_t g = cfg->groups[i];
        if (!has_u16(e->groups, e->n_groups, g)) {
            continue;
        }
        if (!is_post_quantum(g)) {
            break;
        }
        for (size_t j = 0; j < e->n_shares; j++) {
            if (e->shares[j].group == g) {
                *group = g;
                *share_index = j;
                *hrr = false;
                return GLS_OK;
            }
        }
        *group = g;
        *share_index = 0;
        *hrr = true;
        return GLS_OK;
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        for (size_t j = 0; j < e->n_shares; j++) {
            if (e->shares[j].group == cfg->groups[i]) {
                *group = cfg->groups[i];
                *share_index = j;
                *hrr = false;
                return GLS_OK;
            }
        }
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        if (has_u16(e->groups, e->n_groups, cfg->groups[i])) {
            *group = cfg->groups[i];
            *share_index = 0;
            *hrr = true;
            return GLS_OK;
        }
    }
    return GLS_E_NO_SHARED_GROUP;
}

/* see negotiate.h */
int gls_choose_group12(const gls_config *cfg, const struct gls_client_hello *ch, enum gls_kx kx,
                       uint16_t *group)
{
    const struct gls_exts *e = &ch->ext;
    bool client_ffdhe = false;
    for (size_t i = 0; i < e->n_groups; i++) {
        client_ffdhe |= is_ffdhe(e->groups[i]);
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        uint16_t g = cfg->groups[i];
        if (is_post_quantum(g) || is_ffdhe(g) != (kx == GLS_KX_DHE)) { /* PQ: TLS 1.3 only */
            continue;
        }
        if (has_u16(e->groups, e->n_groups, g) ||
            (kx == GLS_KX_DHE && !client_ffdhe && g == GLS_GROUP_FFDHE2048)) {
            *group = g;
            return GLS_OK;
        }
    }
    /* RFC 7919 §4: a client naming no FFDHE group still takes ffdhe2048 */
    if (kx == GLS_KX_DHE && !client_ffdhe) {
        *group = GLS_GROUP_FFDHE2048;
        return GLS_OK;
    }
    return GLS_E_NO_SHARED_GROUP;
}

static bool is_pkcs1(uint16_t s)
{
    return s == GLS_SIG_RSA_PKCS1_SHA256 || s == GLS_SIG_RSA_PKCS1_SHA384 ||
           s == GLS_SIG_RSA_PKCS1_SHA512;
}

/* see negotiate.h */
int gls_choose_sigalg(const gls_config *cfg, const gls_pkey *key, const uint16_t *peer, size_t n,
                      bool tls13, uint16_t *out)
{
    for (size_t i = 0; i < cfg->n_sigalgs; i++) {
        uint16_t s = cfg->sigalgs[i];
        if (tls13 && is_pkcs1(s)) {
            continue;
        }
        bool listed =
            n == 0
                ? (!tls13 && (s == GLS_SIG_RSA_PKCS1_SHA256 || s == GLS_SIG_ECDSA_SECP256R1_SHA256))
                : has_u16(peer, n, s);
        if (listed && gls_sig_key_fits(key, s)) {
            *out = s;
            return GLS_OK;
        }
    }
    return GLS_E_NO_SHARED_SIGALG;
}

/* see negotiate.h */
int gls_check_peer_sigalg(const gls_config *cfg, const gls_pkey *peer_key, uint16_t scheme,
                          bool tls13)
{
    if ((tls13 && is_pkcs1(scheme)) || !has_u16(cfg->sigalgs, cfg->n_sigalgs, scheme) ||
        !gls_sig_key_fits(peer_key, scheme)) {
        return GLS_E_ILLEGAL_PARAMETER;
    }
    return GLS_OK;
}

/* see negotiate.h */
int gls_choose_alpn(const gls_config *cfg, const struct gls_exts *ch_ext,
                    char out[GLS_CFG_MAX_ALPN_LEN + 1])
{
    out[0] = 0;
    if (cfg->n_alpn == 0 || !gls_exts_has(ch_ext, GLS_X_ALPN)) {
        return GLS_OK;
    }
    for (size_t i = 0; i < cfg->n_alpn; i++) {
        size_t len = strlen(cfg->alpn[i]);
        for (size_t j = 0; j < ch_ext->n_alpn; j++) {
            if (ch_ext->alpn[j].len == len && memcmp(ch_ext->alpn[j].p, cfg->alpn[i], len) == 0) {
                memcpy(out, cfg->alpn[i], len + 1);
                return GLS_OK;
            }
        }
    }
    return GLS_E_NO_APPLICATION_PROTOCOL;
}

/* RFC 8422 §5.3: in TLS 1.2 an ECDSA certificate's curve must be one the client
 * lists in supported_groups (a client that sends none accepts any). */
static bool curve_listed(const gls_pkey *key, const struct gls_exts *peer)
{
    if (peer == NULL || !gls_exts_has(peer, GLS_X_SUPPORTED_GROUPS)) {
        return true;
    }
    gls_key_type t = gls_pkey_type(key);
    uint16_t curve = t == GLS_KEY_EC_P256   ? GLS_GROUP_SECP256R1
                     : t == GLS_KEY_EC_P384 ? GLS_GROUP_SECP384R1
                                            : 0;
    return curve == 0 || has_u16(peer->groups, peer->n_groups, curve);
}

static bool auth_fits(const gls_pkey *key, enum gls_auth auth)
{
    gls_key_type t = gls_pkey_type(key);
    switch (auth) {
    case GLS_AUTH_RSA:
        return t == GLS_KEY_RSA || t == GLS_KEY_RSA_PSS;
    case GLS_AUTH_ECDSA:
        return t == GLS_KEY_EC_P256 || t == GLS_KEY_EC_P384 || t == GLS_KEY_ED25519;
    default:
        return true;
    }
}

/* see negotiate.h */
int gls_choose_cert(const gls_config *cfg, const char *server_name, const uint16_t *peer_sigalgs,
                    size_t n, bool tls13, enum gls_auth auth, const struct gls_exts *peer_groups,
                    size_t *index, uint16_t *sigalg)
{
    /* two passes: certificates naming the SNI first, then any */
    for (int pass = server_name != NULL ? 0 : 1; pass < 2; pass++) {
        for (size_t i = 0; i < cfg->n_certs; i++) {
            const struct gls_cert_key *ck = &cfg->certs[i];
            if (pass == 0 && !gls_cert_matches_name(ck->chain[0], server_name)) {
                continue;
            }
            if (!auth_fits(ck->key, auth) || !curve_listed(ck->key, peer_groups)) {
                continue;
            }
            if (gls_choose_sigalg(cfg, ck->key, peer_sigalgs, n, tls13, sigalg) == GLS_OK) {
                *index = i;
                return GLS_OK;
            }
        }
    }
    return GLS_E_NO_CERTIFICATE;
}
