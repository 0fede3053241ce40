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

/* The peer's list as sent, if the extension was there; else an empty list. */
static gls_bytes peer_list(const struct gls_exts *e, enum gls_ext_id id, gls_bytes list)
{
    return gls_exts_has(e, id) ? list : gls_bytes_of(NULL, 0);
}

/* see negotiate.h */
int gls_choose_version(const gls_config *cfg, const struct gls_client_hello *ch, uint16_t *version)
{
    const struct gls_exts *e = &ch->ext;
    if (gls_exts_has(e, GLS_X_SUPPORTED_VERSIONS)) { /* RFC 8446 §4.2.1: only this counts */
        for (uint16_t v = cfg->max_version; v >= cfg->min_version; v--) {
            if (gls_u16_list_has(e->versions, v)) {
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
        if (s == NULL || s->version != version || !gls_u16_list_has(ch->suites, s->id)) {
            continue;
        }
        if (version == GLS_TLS12) {
            if (s->kx == GLS_KX_RSA && !cfg->rsa_kx) {
                continue;
            }
            /* RSA key exchange needs an rsaEncryption key, not RSA-PSS, and no signature */
            if (s->kx == GLS_KX_RSA && !have_rsa_kx_key(cfg)) {
                continue;
            }
            size_t index = 0;
            uint16_t sigalg = 0;
            if (gls_choose_cert(cfg, NULL, &ch->ext, false, s->auth, s->kx != GLS_KX_RSA, &index,
                                &sigalg) != GLS_OK) {
                continue; /* no certificate of ours this client could accept */
            }
            /* RFC 8422 §5.1.1, RFC 7919 §4: an ECDHE suite needs a curve in common (a DHE
             * suite later in our order then gets its chance) */
            uint16_t group = 0;
            if (s->kx != GLS_KX_RSA && gls_choose_group12(cfg, ch, s->kx, &group) != GLS_OK) {
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
    return (g & 0xff00) == 0x0100; /* RFC 7919 §2: the FFDHE range 0x0100-0x01ff */
}

static bool is_post_quantum(uint16_t g)
{
    gls_kex_kind k = gls_kex_group_kind(g);
    return k == GLS_KEX_HYBRID || k == GLS_KEX_KEM;
}

/* see negotiate.h */
int gls_choose_group13(const gls_config *cfg, const struct gls_client_hello *ch, uint16_t *group,
                       gls_bytes *share, bool *hrr)
{
    const struct gls_exts *e = &ch->ext;
    struct gls_key_share_entry ks;
    gls_reader it = gls_reader_init(e->shares.p, e->shares.len);
    /* RFC 8446 §4.2.8: each share is for a group the client lists, in the list's order, so
     * one cursor over supported_groups also catches a second share for a group */
    size_t at = 0;
    size_t n_groups = gls_u16_list_count(e->groups);
    while (gls_key_shares_next(&it, &ks)) {
        while (at < n_groups && gls_u16_list_at(e->groups, at) != ks.group) {
            at++;
        }
        if (at == n_groups) {
            return GLS_E_ILLEGAL_PARAMETER;
        }
        at++;
    }
    /* When our most preferred group the client supports is post-quantum, it
     * wins even without a share (then via HelloRetryRequest): it protects
     * against recording now and decrypting later. Among classical groups a
     * share in hand avoids the HRR. */
    for (size_t i = 0; i < cfg->n_groups; i++) {
        uint16_t g = cfg->groups[i];
        if (!gls_u16_list_has(e->groups, g)) {
            continue;
        }
        if (!is_post_quantum(g)) {
            break;
        }
        *group = g;
        *hrr = !gls_key_shares_find(e->shares, g, &ks);
        *share = *hrr ? gls_bytes_of(NULL, 0) : ks.key;
        return GLS_OK;
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        if (gls_key_shares_find(e->shares, cfg->groups[i], &ks)) {
            *group = cfg->groups[i];
            *share = ks.key;
            *hrr = false;
            return GLS_OK;
        }
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        if (gls_u16_list_has(e->groups, cfg->groups[i])) {
            *group = cfg->groups[i];
            *share = gls_bytes_of(NULL, 0);
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
    gls_bytes groups = peer_list(e, GLS_X_SUPPORTED_GROUPS, e->groups);
    bool client_ffdhe = false;
    for (size_t i = 0; i < gls_u16_list_count(groups); i++) {
        client_ffdhe |= is_ffdhe(gls_u16_list_at(groups, i));
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        uint16_t g = cfg->groups[i];
        if (is_post_quantum(g) || is_ffdhe(g) != (kx == GLS_KX_DHE)) { /* PQ: TLS 1.3 only */
            continue;
        }
        if (gls_u16_list_has(groups, g) ||
            (kx == GLS_KX_DHE && !client_ffdhe && g == GLS_GROUP_FFDHE2048)) {
            *group = g;
            return GLS_OK;
        }
    }
    /* RFC 8422 §5.1.1: a client that sends no supported_groups is taken to support
     * secp256r1, the curve every ECC client implements */
    if (kx == GLS_KX_ECDHE && !gls_exts_has(e, GLS_X_SUPPORTED_GROUPS) &&
        has_u16(cfg->groups, cfg->n_groups, GLS_GROUP_SECP256R1)) {
        *group = GLS_GROUP_SECP256R1;
        return GLS_OK;
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

/* RFC 8446 §4.2.3: in TLS 1.3 an ECDSA scheme names the curve too; TLS 1.2 (RFC 8422 §5.1.3,
 * RFC 5246 §7.4.1.4.1) lets any offered hash go with any curve. */
static bool fits_version(const gls_pkey *key, uint16_t s, bool tls13)
{
    if (!gls_sig_key_fits(key, s)) {
        return false;
    }
    gls_key_type t = gls_pkey_type(key);
    if (!tls13 || (t != GLS_KEY_EC_P256 && t != GLS_KEY_EC_P384)) {
        return true;
    }
    return s ==
           (t == GLS_KEY_EC_P256 ? GLS_SIG_ECDSA_SECP256R1_SHA256 : GLS_SIG_ECDSA_SECP384R1_SHA384);
}

/* see negotiate.h */
int gls_choose_sigalg(const gls_config *cfg, const gls_pkey *key, gls_bytes peer, bool tls13,
                      uint16_t *out)
{
    for (size_t i = 0; i < cfg->n_sigalgs; i++) {
        uint16_t s = cfg->sigalgs[i];
        if (tls13 && is_pkcs1(s)) {
            continue;
        }
        if (gls_u16_list_has(peer, s) && fits_version(key, s, tls13)) {
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
        !fits_version(peer_key, scheme, tls13)) {
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
        gls_reader it = gls_reader_init(ch_ext->alpn.p, ch_ext->alpn.len);
        gls_bytes name;
        while (gls_opaque8_next(&it, &name)) {
            if (name.len == len && memcmp(name.p, cfg->alpn[i], len) == 0) {
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
    return curve == 0 || gls_u16_list_has(peer->groups, curve);
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

/* Bit i set: cfg->certs[i] names server_name. The answer depends only on the
 * certificates and the name, so the config keeps the last one (struct
 * gls_sni_memo); a name too long for it, or no memo, is matched afresh. */
_Static_assert(GLS_MAX_CERT_KEYS <= 32, "one bit per certificate");

static uint32_t certs_naming(const gls_config *cfg, const char *server_name)
{
    struct gls_sni_memo *m = cfg->sni_memo;
    size_t len = strlen(server_name);
    uint32_t match = 0;
    bool memo = m != NULL && len < sizeof m->name;
    if (memo) {
        pthread_mutex_lock(&m->lock);
        bool hit = m->valid && strcmp(m->name, server_name) == 0;
        match = m->match;
        pthread_mutex_unlock(&m->lock);
        if (hit) {
            return match;
        }
        match = 0;
    }
    for (size_t i = 0; i < cfg->n_certs; i++) {
        if (gls_cert_matches_name(cfg->certs[i].chain[0], server_name)) {
            match |= (uint32_t)1 << i;
        }
    }
    if (memo) {
        pthread_mutex_lock(&m->lock);
        memcpy(m->name, server_name, len + 1);
        m->match = match;
        m->valid = true;
        pthread_mutex_unlock(&m->lock);
    }
    return match;
}

/* see negotiate.h */
int gls_choose_cert(const gls_config *cfg, const char *server_name, const struct gls_exts *peer,
                    bool tls13, enum gls_auth auth, bool need_sig, size_t *index, uint16_t *sigalg)
{
    gls_bytes sigalgs = peer_list(peer, GLS_X_SIGNATURE_ALGORITHMS, peer->sigalgs);
    uint32_t naming = server_name != NULL ? certs_naming(cfg, server_name) : 0;
    /* two passes: certificates naming the SNI first, then any */
    for (int pass = server_name != NULL ? 0 : 1; pass < 2; pass++) {
        for (size_t i = 0; i < cfg->n_certs; i++) {
            const struct gls_cert_key *ck = &cfg->certs[i];
            if (pass == 0 && (naming & ((uint32_t)1 << i)) == 0) {
                continue;
            }
            if (!auth_fits(ck->key, auth) || (!tls13 && !curve_listed(ck->key, peer))) {
                continue;
            }
            if (!need_sig) { /* RSA key exchange: the key decrypts, it signs nothing */
                if (gls_pkey_type(ck->key) != GLS_KEY_RSA) {
                    continue;
                }
                *index = i;
                *sigalg = 0;
                return GLS_OK;
            }
            if (gls_choose_sigalg(cfg, ck->key, sigalgs, tls13, sigalg) == GLS_OK) {
                *index = i;
                return GLS_OK;
            }
        }
    }
    return GLS_E_NO_CERTIFICATE;
}

/* see negotiate.h */
int gls_choose_client_cert(const gls_config *cfg, const uint16_t *accepted, size_t n, bool tls13,
                           size_t *index, uint16_t *sigalg)
{
    struct gls_exts peer;
    uint8_t buf[2 * GLS_CFG_MAX_SIGALGS];
    memset(&peer, 0, sizeof peer);
    peer.sigalgs = gls_u16_list_put(buf, sizeof buf, accepted, n);
    gls_exts_set(&peer, GLS_X_SIGNATURE_ALGORITHMS);
    return gls_choose_cert(cfg, NULL, &peer, tls13, GLS_AUTH_ANY, true, index, sigalg);
}
