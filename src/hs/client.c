/* hs/client.c — the client's first flight and the ServerHello that splits the
 * road: ClientHello construction offering TLS 1.3 and/or 1.2 (RFC 8446 §4.1.2,
 * RFC 5246 §7.4.1.2), and the version decision on ServerHello (RFC 8446 §4.1.3,
 * §4.2.1), including the downgrade sentinel check. */
#include <string.h>

#include "base/wire.h"
#include "hs/hs.h"
#include "hs/negotiate.h"

/* RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random from a TLS 1.3
 * server that negotiated TLS 1.2. */
static const uint8_t downgrade12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
/* ... and from a TLS 1.2 (or 1.3) server that negotiated TLS 1.1 or below. */
static const uint8_t downgrade11[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};

/* The suites this client offers, in preference order. */
static void offer_suites(gls_conn *c)
{
    const gls_config *cfg = c->cfg;
    struct gls_hs *hs = c->hs;
    hs->n_offered_suites = 0;
    for (size_t i = 0; i < cfg->n_suites; i++) {
        const struct gls_suite *s = gls_suite_get(cfg->suites[i]);
        if (s == NULL || s->version < cfg->min_version || s->version > cfg->max_version) {
            continue;
        }
        if (s->version == GLS_TLS12 && s->kx == GLS_KX_RSA && !cfg->rsa_kx) {
            continue;
        }
        hs->offered_suites[hs->n_offered_suites++] = s->id;
    }
}

/* Room for the lists a ClientHello carries: the views in struct gls_exts point here. */
struct hello_bufs {
    uint8_t suites[2 * GLS_CFG_MAX_SUITES];
    uint8_t groups[2 * GLS_CFG_MAX_GROUPS];
    uint8_t sigalgs[2 * GLS_CFG_MAX_SIGALGS];
    uint8_t alpn[GLS_CFG_MAX_ALPN * (GLS_CFG_MAX_ALPN_LEN + 1)];
    uint8_t versions[4];
    uint8_t point_formats[1];
    uint8_t psk_modes[1];
    uint8_t key[GLS_MAX_SHARES * GLS_KEX_MAX_SHARE];
    uint8_t shares[2 + GLS_MAX_SHARES * (4 + GLS_KEX_MAX_SHARE)];
    uint8_t psk_ids[2 + GLS_MAX_TICKET_LARGE + 4];
    uint8_t binders[1 + GLS_MAX_HASH];
};

static bool is_post_quantum(uint16_t group)
{
    gls_kex_kind k = gls_kex_group_kind(group);
    return k == GLS_KEX_HYBRID || k == GLS_KEX_KEM;
}

/* The key shares a client offers (RFC 8446 §4.2.8): one for the first
 * configured group, and when that is post-quantum a second one for the first
 * classical group, as browsers do, so that a server without ML-KEM answers at
 * once rather than with a HelloRetryRequest. After an HRR: the group asked for. */
static int make_shares(gls_conn *c, struct gls_exts *e, struct hello_bufs *b)
{
    struct gls_key_share_entry ks[GLS_MAX_SHARES];
    struct gls_hs *hs = c->hs;
    const gls_config *cfg = c->cfg;
    uint16_t want[GLS_MAX_SHARES] = {hs->hrr_group ? hs->hrr_group : cfg->groups[0]};
    bool after_hrr = hs->hrr;
    size_t n = 1;
    size_t off = 0;
    for (size_t i = 0; !after_hrr && is_post_quantum(want[0]) && i < cfg->n_groups; i++) {
        if (!is_post_quantum(cfg->groups[i])) {
            want[n++] = cfg->groups[i];
            break;
        }
    }
    bool same = hs->hrr && hs->hrr_group == 0; /* a cookie-only HRR: the same shares again */
    n = same ? hs->n_kex : n;
    for (size_t i = 0; i < GLS_MAX_SHARES && !same; i++) {
        gls_kex_free(hs->kex[i]);
        hs->kex[i] = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        want[i] = same ? hs->kex_group[i] : want[i];
        if (!same) {
            TRY(gls_kex_new(cfg->crypto, want[i], gls_hs_rng(c), &hs->kex[i]));
        }
        TRY(gls_kex_public(hs->kex[i], b->key + off, sizeof b->key - off, &len));
        hs->kex_group[i] = want[i];
        ks[i].group = want[i];
        ks[i].key = gls_bytes_of(b->key + off, len);
        off += len;
    }
    hs->n_kex = n;
    e->shares = gls_key_shares_put(b->shares, sizeof b->shares, ks, n);
    gls_exts_set(e, GLS_X_KEY_SHARE);
    return GLS_OK;
}

/* True if name is an IP literal (not sent as SNI, RFC 6066 §3). */
static bool is_ip_literal(const char *name)
{
    bool dotted = true;
    for (const char *p = name; *p; p++) {
        if (*p == ':') {
            return true;
        }
        if (!((*p >= '0' && *p <= '9') || *p == '.')) {
            dotted = false;
        }
    }
    return dotted;
}

static void hello_extensions(gls_conn *c, struct gls_exts *e, struct hello_bufs *b, bool tls12,
                             bool tls13)
{
    const gls_config *cfg = c->cfg;
    gls_bytes names[GLS_CFG_MAX_ALPN];
    if (c->sess.server_name[0] && !is_ip_literal(c->sess.server_name)) {
        e->server_name = gls_bytes_of(c->sess.server_name, strlen(c->sess.server_name));
        gls_exts_set(e, GLS_X_SERVER_NAME);
    }
    uint16_t groups[GLS_CFG_MAX_GROUPS];
    size_t n_groups = 0;
    for (size_t i = 0; i < cfg->n_groups; i++) {
        if (tls13 || !is_post_quantum(cfg->groups[i])) { /* ML-KEM groups are TLS 1.3 only */
            groups[n_groups++] = cfg->groups[i];
        }
    }
    e->groups = gls_u16_list_put(b->groups, sizeof b->groups, groups, n_groups);
    gls_exts_set(e, GLS_X_SUPPORTED_GROUPS);
    e->sigalgs = gls_u16_list_put(b->sigalgs, sizeof b->sigalgs, cfg->sigalgs, cfg->n_sigalgs);
    gls_exts_set(e, GLS_X_SIGNATURE_ALGORITHMS);
    for (size_t i = 0; i < cfg->n_alpn; i++) {
        names[i] = gls_bytes_of(cfg->alpn[i], strlen(cfg->alpn[i]));
    }
    if (cfg->n_alpn > 0) {
        e->alpn = gls_opaque8_list_put(b->alpn, sizeof b->alpn, names, cfg->n_alpn);
        gls_exts_set(e, GLS_X_ALPN);
    }
    if (tls12) {
        b->point_formats[0] = 0; /* uncompressed (RFC 8422 §5.1.2) */
        e->point_formats = gls_bytes_of(b->point_formats, 1);
        gls_exts_set(e, GLS_X_EC_POINT_FORMATS);
        if (!cfg->no_ems) { /* the test-only switch for RFC 7627 §5.3 */
            gls_exts_set(e, GLS_X_EXTENDED_MASTER_SECRET);
        }
        if (cfg->resumption &&
            !cfg->no_tickets) { /* RFC 5077 §3.2: our ticket, or empty to ask for one */
            if (c->hs->offered12) {
                e->session_ticket = gls_bytes_of(c->hs->resume.ticket, c->hs->resume.ticket_len);
            }
            gls_exts_set(e, GLS_X_SESSION_TICKET);
            c->hs->ticket_ext12 = true;
        }
        if (!cfg->no_etm) { /* TLS 1.2: the test-only MAC-then-encrypt switch */
            gls_exts_set(e, GLS_X_ENCRYPT_THEN_MAC);
        }
        gls_exts_set(e, GLS_X_RENEGOTIATION_INFO); /* empty: initial handshake */
    }
    e->record_size_limit = gls_hs_own_record_limit(c, tls13);
    gls_exts_set(e, GLS_X_RECORD_SIZE_LIMIT);
    if (tls13) {
        static const uint16_t versions[2] = {GLS_TLS13, GLS_TLS12};
        e->versions = gls_u16_list_put(b->versions, sizeof b->versions, versions, tls12 ? 2 : 1);
        gls_exts_set(e, GLS_X_SUPPORTED_VERSIONS);
        b->psk_modes[0] = GLS_PSK_DHE_KE;
        e->psk_modes = gls_bytes_of(b->psk_modes, 1);
        gls_exts_set(e, GLS_X_PSK_KEY_EXCHANGE_MODES);
    }
}

/* Picks a cached ticket for this server (first ClientHello only) whose suite
 * we still offer. */
static void find_ticket(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    hs->psk_offered = false;
    if (!c->cfg->resumption || c->sess.server_name[0] == 0 || !hs->offered_tls13) {
        return;
    }
    if (!gls_hs_client_take_session(c, GLS_TLS13, &hs->resume)) {
        return;
    }
    for (size_t i = 0; i < hs->n_offered_suites; i++) {
        hs->psk_offered |= hs->offered_suites[i] == hs->resume.suite;
    }
}

/* Adds the pre_shared_key offer with a placeholder binder (RFC 8446 §4.2.11). */
static void offer_psk(gls_conn *c, struct gls_exts *e, struct hello_bufs *b)
{
    struct gls_ticket *t = &c->hs->resume;
    struct gls_psk_identity id;
    const struct gls_suite *s = gls_suite_get(t->suite);
    if (!c->hs->psk_offered || s == NULL) {
        return;
    }
    int64_t age_ms = (gls_hs_now(c) - t->issued) * 1000;
    id.identity = gls_bytes_of(t->ticket, t->ticket_len);
    id.obfuscated_age = (uint32_t)((uint64_t)age_ms + t->age_add);
    e->psk_ids = gls_psk_ids_put(b->psk_ids, sizeof b->psk_ids, &id, 1);
    size_t hlen = gls_hash_get(c->cfg->crypto, s->prf)->len;
    memset(b->binders, 0, sizeof b->binders); /* a placeholder of the right length */
    b->binders[0] = (uint8_t)hlen;
    e->psk_binders = gls_bytes_of(b->binders, 1 + hlen);
    gls_exts_set(e, GLS_X_PRE_SHARED_KEY);
}

/* Computes the binder over the ClientHello in w and writes it in place. */
static int fill_binder(gls_conn *c, gls_writer *w, struct gls_exts *e, struct hello_bufs *b)
{
    gls_secret binder;
    if (!gls_exts_has(e, GLS_X_PRE_SHARED_KEY)) {
        return GLS_OK;
    }
    size_t tail = gls_psk_binders_len(e);
    const struct gls_suite *s = gls_suite_get(c->hs->resume.suite);
    TRY(gls_hs13_binder(c, s, gls_bytes_of(w->buf, w->len - tail), &binder));
    b->binders[0] = (uint8_t)binder.len;
    memcpy(b->binders + 1, binder.b, binder.len);
    e->psk_binders = gls_bytes_of(b->binders, 1 + binder.len);
    gls_writer bw = gls_writer_init(w->buf + w->len - tail, tail);
    int err = gls_psk_binders_write(&bw, e);
    gls_secret_wipe(&binder);
    gls_wipe(b->binders, sizeof b->binders);
    TRY(err);
    return bw.len == tail ? GLS_OK : GLS_E_INTERNAL;
}

/* see hs.h */
int gls_client_send_hello(gls_conn *c)
{
    struct gls_hs *hs = c->hs;
    const gls_config *cfg = c->cfg;
    struct gls_client_hello ch;
    struct hello_bufs b;
    gls_writer w;
    bool tls13 = cfg->max_version >= GLS_TLS13;
    bool tls12 = cfg->min_version <= GLS_TLS12;

    memset(&ch, 0, sizeof ch);
    if (!hs->hrr) {
        TRY(gls_rand(gls_hs_rng(c), hs->client_random, 32));
        offer_suites(c);
        /* RFC 8446 §D.4: a non-empty legacy_session_id for middlebox compatibility */
        hs->session_id_len = tls13 ? 32 : 0;
        TRY(gls_rand(gls_hs_rng(c), hs->session_id, hs->session_id_len));
        hs->offered_tls13 = tls13;
        find_ticket(c);
        if (tls12 && !hs->psk_offered && cfg->resumption && c->sess.server_name[0] != 0) {
            TRY(gls_client12_find_session(c)); /* TLS 1.2 session (resume12.c) */
        }
    }
    if (hs->n_offered_suites == 0) {
        return GLS_E_NO_SHARED_SUITE;
    }
    ch.legacy_version = GLS_TLS12;
    memcpy(ch.random, hs->client_random, 32);
    ch.session_id = gls_bytes_of(hs->session_id, hs->session_id_len);
    ch.suites =
        gls_u16_list_put(b.suites, sizeof b.suites, hs->offered_suites, hs->n_offered_suites);
    static const uint8_t null_compression[1] = {0};
    ch.compression = gls_bytes_of(null_compression, 1);
    ch.has_exts = true;
    hello_extensions(c, &ch.ext, &b, tls12, tls13);
    if (tls13) {
        TRY(make_shares(c, &ch.ext, &b));
    }
    if (hs->cookie_len > 0) {
        ch.ext.cookie = gls_bytes_of(hs->cookie, hs->cookie_len);
        gls_exts_set(&ch.ext, GLS_X_COOKIE);
    }
    offer_psk(c, &ch.ext, &b);
    hs->sent_exts = ch.ext.present;
    c->wr.version = hs->hrr ? GLS_TLS12 : 0x0301; /* RFC 8446 §5.1: 0x0301 allowed first */
    TRY(gls_hs_begin(c, GLS_HS_CLIENT_HELLO, &w));
    TRY(gls_client_hello_write(&w, &ch));
    TRY(gls_writer_result(&w));
    w.buf[1] = (uint8_t)((w.len - 4) >> 16); /* the binder hashes the header too */
    w.buf[2] = (uint8_t)((w.len - 4) >> 8);
    w.buf[3] = (uint8_t)(w.len - 4);
    TRY(fill_binder(c, &w, &ch.ext, &b));
    TRY(gls_hs_end(c, &w, false));
    c->wr.version = GLS_TLS12;
    c->state = ST_C_WAIT_SH;
    return GLS_OK;
}

/* see hs.h */
int gls_client_check_solicited(gls_conn *c, const struct gls_exts *e, uint32_t also_allowed)
{
    uint32_t extra = e->present & ~(c->hs->sent_exts | also_allowed);
    if (extra != 0) { /* RFC 8446 §4.2: responses only to what we asked */
        return gls_hs_reject(c, GLS_E_UNSUPPORTED_EXTENSION,
                             "server answered an extension we did not send: %s (RFC 8446 §4.2)",
                             gls_ext_type_name(gls_ext_wire_type(__builtin_ctz(extra))));
    }
    return GLS_OK;
}

/* RFC 8446 §4.1.3 / §4.2.1: which version did the server pick? */
static int server_version(gls_conn *c, const struct gls_server_hello *sh, uint16_t *version)
{
    const gls_config *cfg = c->cfg;
    if (sh->legacy_version <= 0x0300) {
        return gls_hs_reject(c, GLS_E_PROTOCOL_VERSION,
                             "ServerHello.legacy_version 0x%04x (RFC 8446 D.5)",
                             sh->legacy_version);
    }
    if (gls_exts_has(&sh->ext, GLS_X_SUPPORTED_VERSIONS)) {
        if (sh->ext.selected_version != GLS_TLS13 || !c->hs->offered_tls13) {
            return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                                 "server selected version 0x%04x, which we did not offer (RFC "
                                 "8446 §4.2.1)",
                                 sh->ext.selected_version);
        }
        if (sh->legacy_version != GLS_TLS12) {
            return gls_hs_reject(c, GLS_E_PROTOCOL_VERSION,
                                 "TLS 1.3 ServerHello.legacy_version 0x%04x, must be 0x0303 (RFC "
                                 "8446 §4.1.3)",
                                 sh->legacy_version);
        }
        *version = GLS_TLS13;
        return GLS_OK;
    }
    if (c->hs->hrr) {
        return gls_hs_reject(c, GLS_E_ILLEGAL_PARAMETER,
                             "after a HelloRetryRequest the ServerHello must select TLS 1.3 "
                             "(RFC 8446 §4.1.4)");
    }
    if (sh->legacy_version != GLS_TLS12 || cfg->min_version > GLS_TLS12) {
        return gls_hs_reject(c, GLS_E_PROTOCOL_VERSION,
                             "server chose protocol version 0x%04x, which we do not speak (RFC "
                             "8446 §4.1.3, RFC 8996)",
                             sh->legacy_version);
    }
    /* RFC 8446 §4.1.3: a TLS 1.3 client checks the downgrade sentinel */
    if ((cfg->max_version >= GLS_TLS13 && memcmp(sh->random + 24, downgrade12, 8) == 0) ||
        memcmp(sh->random + 24, downgrade11, 8) == 0) {
        return gls_hs_reject(c, GLS_E_DOWNGRADE,
                             "TLS 1.2 ServerHello.random ends with the downgrade sentinel (RFC "
                             "8446 §4.1.3)");
    }
    *version = GLS_TLS12;
    return GLS_OK;
}

/* see hs.h */
int gls_client_on_server_hello_msg(gls_conn *c, const gls_hs_msg *m)
{
    struct gls_server_hello sh;
    gls_reader r = gls_reader_init(m->body.p, m->body.len);
    uint16_t version = 0;
    if (m->type != GLS_HS_SERVER_HELLO) {
        return gls_hs_reject(c, GLS_E_UNEXPECTED_MESSAGE,
                             "expected ServerHello, got %s (RFC 8446 §4.1.3)",
                             gls_hs_type_name(m->type));
    }
    TRY(gls_hs_server_hello_parse(c, &r, &sh));
    TRY(gls_client_check_solicited(c, &sh.ext, sh.is_hrr ? 1u << GLS_X_COOKIE : 0));
    TRY(server_version(c, &sh, &version));
    c->sess.version = version;
    if (version == GLS_TLS13) {
        return gls_client13_on_server_hello(c, m, &sh);
    }
    return gls_client12_on_server_hello(c, m, &sh); /* TLS 1.2: client12.c */
}
