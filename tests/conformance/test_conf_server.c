/* tests/conformance/test_conf_server.c — what our server answers to ClientHellos a real peer, a
 * GREASEing browser or an attacker may send, one table row per case, grouped by RFC section:
 * RFC 8446 §4.1.2 (fields), §4.2 (extension rules), §4.2.1-§4.2.11 (each extension), §9.2
 * (mandatory extensions), §9.3 and RFC 8701 (GREASE, unknown values), Appendix D.5 (old
 * versions); RFC 5246 §7.4.1.2-§7.4.1.4 and RFC 9155 (TLS 1.2 hello, signature schemes), RFC
 * 8422 / 7919 (curves and DHE), RFC 5746, 7627, 7301, 8449, 6066, 5077; RFC 8446 §5.1 (hello
 * records). Every hello is written by conf.h, not by the library. A row expects a ServerHello
 * (and what it chose), a HelloRetryRequest, or the exact fatal alert, and for many rows the
 * sentence gls_conn_error_detail gives. */
#include "conf.h"

/* ---- server configurations ---- */

enum { CFG_BOTH, CFG_RSA_KX, CFG_EC, CFG_ALPN, CFG_12, CFG_13, CFG_COUNT };
static gls_config *cfgs[CFG_COUNT];

static gls_config *make_cfg(int kind)
{
    static const char *const names[] = {"localhost"};
    gls_config *cfg = gls_config_new();
    bool ok = cfg != NULL && gls_config_add_generated_cert(cfg, names, 1, 1, NULL) == GLS_OK &&
              gls_config_set_resumption(cfg, 1, 3600) == GLS_OK;
    if (ok && kind != CFG_EC) {
        ok = gls_config_add_generated_cert(cfg, names, 1, 0, NULL) == GLS_OK;
    }
    if (ok && kind == CFG_ALPN) {
        static const char *const protos[] = {"h2"};
        ok = gls_config_set_alpn(cfg, protos, 1) == GLS_OK;
    }
    if (ok && kind == CFG_12) {
        ok = gls_config_set_versions(cfg, 0x0303, 0x0303) == GLS_OK;
    }
    if (ok && kind == CFG_13) {
        ok = gls_config_set_versions(cfg, 0x0304, 0x0304) == GLS_OK;
    }
    if (!ok) {
        fprintf(stderr, "cannot make server config %d\n", kind);
        abort();
    }
    cfg->rsa_kx = kind == CFG_RSA_KX; /* no public setter: RSA key exchange is off by default */
    return cfg;
}

static gls_config *cfg_of(int kind)
{
    if (cfgs[kind] == NULL) {
        cfgs[kind] = make_cfg(kind);
    }
    return cfgs[kind];
}

/* ---- one row ---- */

typedef void (*mk_fn)(struct hello *h, int arg);

struct srow {
    const char *sec;
    const char *what;
    mk_fn mk;
    int arg;
    int cfg;
    int want;                               /* W_* or a fatal alert description */
    uint16_t version, suite, group, sigalg; /* W_HELLO: what the server chose (0: any) */
    const char *says;                       /* a part of the error sentence */
    size_t frag;                            /* record size (0: 16384) */
};

static struct hello H; /* large: one, reused */
static uint8_t body[140000];
static uint8_t msg[140004];
static uint8_t recs[160000];

/* Writes the ClientHello of h as records of frag bytes; returns their length. */
static size_t client_hello_records(const struct hello *h, size_t frag)
{
    size_t n = client_hello_body(h, body, sizeof body);
    struct bb w;
    bb_init(&w, msg, sizeof msg);
    bb_u8(&w, HT_CLIENT_HELLO);
    bb_u24(&w, n);
    bb_bytes(&w, body, n);
    return records_of(CT_HANDSHAKE, 0x0301, msg, w.n, frag ? frag : 16384, recs, sizeof recs);
}

/* Checks a server's answer against a row's expectation; reports and returns false if off. */
static bool check_answer(gls_conn *s, const struct srow *r, int err)
{
    struct answer a = answer_of(s);
    gls_conn_info info;
    const char *detail = gls_conn_error_detail(s);
    conf_rows++;
    if (r->want < 256) {
        if (!a.alert || a.level != 2 || a.desc != r->want || err == GLS_OK) {
            conf_report(r->sec, r->what, "wanted %s, got %s (%s; alert=%d level %d desc %d)",
                        want_name(r->want), gls_error_name(err), detail, a.alert, a.level, a.desc);
            return false;
        }
        if (r->says != NULL && strstr(detail, r->says) == NULL) {
            conf_report(r->sec, r->what, "sentence \"%s\" lacks \"%s\"", detail, r->says);
            return false;
        }
        return true;
    }
    if (err != GLS_OK || !a.hello || a.hrr != (r->want == W_HRR)) {
        conf_report(r->sec, r->what, "wanted %s, got %s (%s; %zu bytes out%s)", want_name(r->want),
                    gls_error_name(err), detail, a.len, a.alert ? ", an alert" : "");
        return false;
    }
    if (gls_conn_get_info(s, &info) != GLS_OK) {
        conf_report(r->sec, r->what, "no connection info");
        return false;
    }
    if ((r->want == W_RESUMED) != (info.resumed != 0)) {
        conf_report(r->sec, r->what, "resumed is %d", info.resumed);
        return false;
    }
    if ((r->version && info.version != r->version) || (r->suite && info.suite != r->suite) ||
        (r->group && info.group != r->group) || (r->sigalg && info.sigalg != r->sigalg)) {
        conf_report(r->sec, r->what,
                    "chose version %04x suite %04x group %04x sigalg %04x, wanted %04x %04x "
                    "%04x %04x",
                    info.version, info.suite, info.group, info.sigalg, r->version, r->suite,
                    r->group, r->sigalg);
        return false;
    }
    return true;
}

static bool run_row(const struct srow *r)
{
    r->mk(&H, r->arg);
    size_t n = client_hello_records(&H, r->frag);
    gls_conn *s = gls_server_new(cfg_of(r->cfg));
    int err = conf_feed(s, recs, n);
    bool ok = check_answer(s, r, err);
    gls_conn_free(s);
    return ok;
}

static void run_rows(const struct srow *rows, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += !run_row(&rows[i]);
    }
    if (failed > 0) {
        test_failed = true;
        fprintf(stderr, "  %zu of %zu rows failed\n", failed, n);
    }
}

#define ROWS(t) run_rows(t, sizeof(t) / sizeof((t)[0]))

/* ---- hello makers: a base hello and one change, picked by arg ---- */

static void base13(struct hello *h, int arg)
{
    (void)arg;
    h13(h);
}

static void base12(struct hello *h, int arg)
{
    (void)arg;
    h12(h);
}

static void legacy13(struct hello *h, int v)
{
    h13(h);
    h->version = (uint16_t)v;
}

static void legacy12(struct hello *h, int v)
{
    h12(h);
    h->version = (uint16_t)v;
}

static void sid_len13(struct hello *h, int n)
{
    h13(h);
    memset(h->sid, 0x5a, sizeof h->sid);
    h->sid_len = (size_t)n;
}

static void sid_len12(struct hello *h, int n)
{
    h12(h);
    memset(h->sid, 0x5a, sizeof h->sid);
    h->sid_len = (size_t)n;
}

/* n unknown suites, then the base suites (long lists are scanned whole). */
static void many_suites13(struct hello *h, int n)
{
    h13(h);
    h->suites_len = 0;
    for (int i = 0; i < n; i++) {
        h_suite_add(h, 0x1400 + (unsigned)(i % 0x0c00)); /* unassigned and repeated */
    }
    h_suite_add(h, CS_AES128_GCM);
}

static void many_suites12(struct hello *h, int n)
{
    h12(h);
    h->suites_len = 0;
    for (int i = 0; i < n; i++) {
        h_suite_add(h, 0x1400 + (unsigned)(i % 0x0c00));
    }
    h_suite_add(h, CS_ECDHE_ECDSA_AES128_GCM);
}

static void unknown_suites(struct hello *h, int which)
{
    h13(h);
    if (which == 0) {
        h_suites(h, 3, 0x1306, 0x0a0a, 0xff00);
    } else if (which == 1) {
        h_suites(h, 2, CS_ECDHE_ECDSA_AES128_GCM, CS_ECDHE_RSA_AES128_GCM);
    } else {
        h_suites(h, 3, CS_SCSV_RENEG, CS_SCSV_FALLBACK, CS_CHACHA);
    }
}

static const uint16_t grease[16] = {0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
                                    0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa};

/* RFC 8701: a GREASE value first in every list, and a GREASE extension (arg: which value). */
static void grease13(struct hello *h, int i)
{
    unsigned g = grease[i];
    h13(h);
    h->suites_len = 0;
    h_suite_add(h, g);
    h_suite_add(h, CS_AES128_GCM);
    h_u16_list(h, X_GROUPS, 2, 3, g, G_X25519, G_SECP256R1);
    uint8_t ks[128];
    struct bb w;
    bb_init(&w, ks, sizeof ks);
    bb_open(&w, 2);
    bb_u16(&w, g);
    bb_open(&w, 2);
    bb_u8(&w, 0);
    bb_close(&w);
    bb_u16(&w, G_X25519);
    bb_open(&w, 2);
    bb_hex(&w, x25519_key);
    bb_close(&w);
    bb_close(&w);
    h_set(h, X_KEY_SHARE, w.b, w.n);
    h_u16_list(h, X_SIGALGS, 2, 3, g, S_ECDSA_P256_SHA256, S_RSA_PSS_RSAE_SHA256);
    h_u16_list(h, X_VERSIONS, 1, 3, g, 0x0304, 0x0303);
    h_set_hex(h, X_PSK_MODES, "02 2a 01"); /* a GREASE-like unknown mode too */
    h_to_front(h, X_VERSIONS);
    h_add(h, g, NULL, 0);
    uint8_t one = 0;
    h_add(h, (g ^ 0x1010) & 0xffff, &one, 1); /* a second GREASE extension, one byte long */
}

static void grease12(struct hello *h, int i)
{
    unsigned g = grease[i];
    h12(h);
    h->suites_len = 0;
    h_suite_add(h, g);
    h_suite_add(h, CS_ECDHE_ECDSA_AES128_GCM);
    h_u16_list(h, X_GROUPS, 2, 3, g, G_X25519, G_SECP256R1);
    h_u16_list(h, X_SIGALGS, 2, 2, g, S_ECDSA_P256_SHA256);
    h_add(h, g, NULL, 0);
}

static void comp13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0: /* {1} */
        h->comp[0] = 1;
        h->comp_len = 1;
        break;
    case 1: /* {0, 1} */
        h->comp[1] = 1;
        h->comp_len = 2;
        break;
    case 2: /* {1, 0} */
        h->comp[0] = 1;
        h->comp_len = 2;
        break;
    case 3: /* empty */
        h->comp_len = 0;
        break;
    default: /* 255 methods, null among them */
        for (int i = 0; i < 255; i++) {
            h->comp[i] = (uint8_t)(254 - i); /* 254 .. 0 */
        }
        h->comp_len = 255;
        break;
    }
}

static void comp12(struct hello *h, int which)
{
    h12(h);
    switch (which) {
    case 0:
        h->comp[0] = 1;
        h->comp_len = 1;
        break;
    case 1:
        h->comp[1] = 1;
        h->comp_len = 2;
        break;
    case 2:
        h->comp[0] = 1;
        h->comp_len = 2;
        break;
    case 3:
        h->comp_len = 0;
        break;
    case 4:
        for (int i = 0; i < 255; i++) {
            h->comp[i] = (uint8_t)(254 - i); /* 254 .. 0 */
        }
        h->comp_len = 255;
        break;
    default: /* 255 methods, none null */
        for (int i = 0; i < 255; i++) {
            h->comp[i] = (uint8_t)(i + 1);
        }
        h->comp_len = 255;
        break;
    }
}

/* Structure faults of the fixed part and the block (each a decode_error). */
static void broken13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0: /* cipher_suites empty */
        h->suites_len = 0;
        break;
    case 1: /* cipher_suites of odd length */
        h_suite_add(h, 0x13);
        h->suites_len--;
        break;
    case 2: /* cipher_suites length says one more than there is */
        h->suites_len_delta = 1;
        break;
    case 3: /* a byte after the extension block */
        h->n_trailing = 1;
        break;
    case 4: /* session id of 33 bytes */
        h->sid_len = 33;
        break;
    case 5: /* an extension whose body overruns the block: a lying last length */
        h->n_trailing = 0;
        h_add(h, 0x1234, (const uint8_t *)"\x00\x05", 2);
        h->exts[h->n_exts - 1].len = 1;
        h->n_trailing = 1;
        h->trailing[0] = 0;
        break;
    default: /* the extension block length exceeds the message */
        h->suites_len_delta = -2;
        break;
    }
}

/* Each extension of the base hello sent twice (arg: index in the base hello's list). */
static void dup13(struct hello *h, int i)
{
    h13(h);
    struct ext e = h->exts[i];
    h_add(h, e.type, h->data + e.off, e.len);
    h_to_end(h, X_PSK_MODES);
}

static void dup12(struct hello *h, int i)
{
    h12(h);
    struct ext e = h->exts[i];
    h_add(h, e.type, h->data + e.off, e.len);
}

/* An unknown extension, twice; a GREASE one twice. */
static void dup_unknown(struct hello *h, int type)
{
    h13(h);
    h_add(h, (uint32_t)type, (const uint8_t *)"ab", 2);
    h_add(h, (uint32_t)type, (const uint8_t *)"cd", 2);
}

/* Extensions we do not know (or do not do), with odd bodies, are skipped (RFC 8446 §4.1.2). */
static void unknown_ext(struct hello *h, int type)
{
    static uint8_t junk[300];
    memset(junk, 0xee, sizeof junk);
    h13(h);
    h_add(h, (uint32_t)type, junk, (size_t)(type % 7) * 40);
    h_to_end(h, X_PSK_MODES);
}

/* A missing mandatory TLS 1.3 extension (RFC 8446 §9.2). */
static void missing13(struct hello *h, int type)
{
    h13(h);
    h_del(h, (uint32_t)type);
}

/* supported_versions bodies. */
static void sv13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0:
        h_u16_list(h, X_VERSIONS, 1, 1, 0x0304);
        break;
    case 1:
        h_u16_list(h, X_VERSIONS, 1, 1, 0x0303);
        break;
    case 2:
        h_u16_list(h, X_VERSIONS, 1, 2, 0x0303, 0x0304); /* our preference decides */
        break;
    case 3:
        h_u16_list(h, X_VERSIONS, 1, 2, 0x7f1c, 0x0304); /* a draft version first */
        break;
    case 4:
        h_u16_list(h, X_VERSIONS, 1, 3, 0x0305, 0x0400, 0x0304);
        break;
    case 5:
        h_u16_list(h, X_VERSIONS, 1, 1, 0x0302);
        break;
    case 6:
        h_u16_list(h, X_VERSIONS, 1, 2, 0x0301, 0x0302);
        break;
    case 7:
        h_u16_list(h, X_VERSIONS, 1, 1, 0x0300);
        break;
    case 8:
        h_set_hex(h, X_VERSIONS, "00"); /* versions<2..254>: empty */
        break;
    case 9:
        h_set_hex(h, X_VERSIONS, "03 0304 03"); /* odd */
        break;
    case 10:
        h_set_hex(h, X_VERSIONS, "04 0304"); /* length overruns */
        break;
    case 11: { /* 126 unknown versions, then TLS 1.3: 254 bytes, the most allowed */
        uint8_t b[255];
        b[0] = 254;
        for (int i = 0; i < 126; i++) {
            b[1 + 2 * i] = 0x7a;
            b[2 + 2 * i] = (uint8_t)i;
        }
        b[253] = 3;
        b[254] = 4;
        h_set(h, X_VERSIONS, b, sizeof b);
        break;
    }
    case 12:
        h_u16_list(h, X_VERSIONS, 1, 1, 0x0303);
        h->version = 0x0301; /* the list decides, not legacy_version */
        break;
    default:
        h_u16_list(h, X_VERSIONS, 1, 2, 0x0304, 0x0303);
        h->version = 0x0302; /* legacy_version 0x0302 is fine with TLS 1.3 offered */
        break;
    }
}

/* signature_algorithms in TLS 1.3 (arg picks the list). */
static void sig13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0:
        h_set_hex(h, X_SIGALGS, "0000"); /* empty */
        break;
    case 1:
        h_set_hex(h, X_SIGALGS, "0003 040305"); /* odd */
        break;
    case 2:
        h_u16_list(h, X_SIGALGS, 2, 2, S_RSA_PKCS1_SHA1, S_ECDSA_SHA1); /* SHA-1 only */
        break;
    case 3:
        h_u16_list(h, X_SIGALGS, 2, 1, S_RSA_PKCS1_SHA256); /* not in TLS 1.3 */
        break;
    case 4:
        h_u16_list(h, X_SIGALGS, 2, 1, S_ECDSA_P384_SHA384); /* P-256 key: the curve binds */
        break;
    case 5:
        h_u16_list(h, X_SIGALGS, 2, 1, S_RSA_PSS_RSAE_SHA256);
        break;
    case 6:
        h_u16_list(h, X_SIGALGS, 2, 1, S_ECDSA_P256_SHA256);
        break;
    default:
        h_set_hex(h, X_SIGALGS_CERT, "0003 040305"); /* signature_algorithms_cert: odd */
        break;
    }
}

/* n unknown signature schemes (repeating), then one we can use. */
static void many_sigalgs13(struct hello *h, int n)
{
    static uint8_t b[65536];
    struct bb w;
    h13(h);
    bb_init(&w, b, sizeof b);
    bb_open(&w, 2);
    for (int i = 0; i < n; i++) {
        bb_u16(&w, 0xfe00 + (unsigned)(i % 200));
    }
    bb_u16(&w, S_RSA_PSS_RSAE_SHA256);
    bb_close(&w);
    h_set(h, X_SIGALGS, w.b, w.n);
}

static void many_sigalgs12(struct hello *h, int n)
{
    static uint8_t b[65536];
    struct bb w;
    h12(h);
    bb_init(&w, b, sizeof b);
    bb_open(&w, 2);
    for (int i = 0; i < n; i++) {
        bb_u16(&w, 0xfe00 + (unsigned)(i % 200));
    }
    bb_u16(&w, S_ECDSA_P256_SHA256);
    bb_close(&w);
    h_set(h, X_SIGALGS, w.b, w.n);
}

/* TLS 1.2 signature schemes (RFC 5246 §7.4.1.4.1, RFC 9155, RFC 8422 §5.1.3). */
static void sig12(struct hello *h, int which)
{
    h12(h);
    switch (which) {
    case 0: /* none sent: the defaults are SHA-1, which we refuse */
        h_del(h, X_SIGALGS);
        break;
    case 1:
        h_u16_list(h, X_SIGALGS, 2, 2, S_RSA_PKCS1_SHA1, S_ECDSA_SHA1);
        break;
    case 2: /* ECDSA P-256 key, SHA-384 */
        h_u16_list(h, X_SIGALGS, 2, 1, S_ECDSA_P384_SHA384);
        break;
    case 3: /* ECDSA P-256 key, SHA-512 */
        h_u16_list(h, X_SIGALGS, 2, 1, S_ECDSA_P521_SHA512);
        break;
    case 4: /* RSA only: the ECDHE_RSA suite with PKCS#1 */
        h_u16_list(h, X_SIGALGS, 2, 1, S_RSA_PKCS1_SHA256);
        break;
    case 5:
        h_u16_list(h, X_SIGALGS, 2, 1, S_RSA_PSS_RSAE_SHA256);
        break;
    case 6: /* none sent, RSA key exchange offered too */
        h_del(h, X_SIGALGS);
        h_suite_add(h, CS_RSA_AES128_GCM);
        break;
    case 7: /* SHA-1 only, RSA key exchange offered too */
        h_u16_list(h, X_SIGALGS, 2, 2, S_RSA_PKCS1_SHA1, S_ECDSA_SHA1);
        h_suite_add(h, CS_RSA_AES128_GCM);
        break;
    case 8: /* no extensions at all: a bare RFC 5246 hello */
        h->no_exts = true;
        h_suite_add(h, CS_RSA_AES128_GCM);
        break;
    case 9: /* an empty extension block */
        h->n_exts = 0;
        h_suite_add(h, CS_RSA_AES128_GCM);
        break;
    default: /* ed25519 only: our keys cannot */
        h_u16_list(h, X_SIGALGS, 2, 1, S_ED25519);
        break;
    }
}

/* n unknown groups, then secp256r1, with key shares for the unknown ones first (arg = n). */
static void many_groups13(struct hello *h, int n)
{
    static uint8_t g[65536];
    static uint8_t ks[65536];
    struct bb w;
    struct bb k;
    h13(h);
    bb_init(&w, g, sizeof g);
    bb_init(&k, ks, sizeof ks);
    bb_open(&w, 2);
    bb_open(&k, 2);
    for (int i = 0; i < n; i++) {
        unsigned grp = 0x2000 + (unsigned)i;
        bb_u16(&w, grp);
        if (i < 3000) {
            bb_u16(&k, grp);
            bb_open(&k, 2);
            bb_u8(&k, (unsigned)i);
            bb_close(&k);
        }
    }
    bb_u16(&w, G_SECP256R1);
    bb_u16(&k, G_SECP256R1);
    bb_open(&k, 2);
    bb_hex(&k, p256_key);
    bb_close(&k);
    bb_close(&w);
    bb_close(&k);
    h_set(h, X_GROUPS, w.b, w.n);
    h_set(h, X_KEY_SHARE, k.b, k.n);
}

/* supported_groups / key_share in TLS 1.3. */
static void groups13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0:
        h_set_hex(h, X_GROUPS, "0000");
        break;
    case 1:
        h_set_hex(h, X_GROUPS, "0003 001d00");
        break;
    case 2: /* only groups we do not know */
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, 0x0a0a);
        h_set_hex(h, X_KEY_SHARE, "0005 0042 0001 07");
        break;
    case 3: /* no shares: HelloRetryRequest */
        h_set_hex(h, X_KEY_SHARE, "0000");
        break;
    case 4: /* a share for a group not in supported_groups */
        h_u16_list(h, X_GROUPS, 2, 1, G_SECP256R1);
        break;
    case 5: { /* two shares for one group */
        uint8_t b[200];
        struct bb w;
        bb_init(&w, b, sizeof b);
        bb_open(&w, 2);
        for (int i = 0; i < 2; i++) {
            bb_u16(&w, G_X25519);
            bb_open(&w, 2);
            bb_hex(&w, x25519_key);
            bb_close(&w);
        }
        bb_close(&w);
        h_set(h, X_KEY_SHARE, w.b, w.n);
        break;
    }
    case 6: { /* shares in the other order than supported_groups */
        uint8_t b[200];
        struct bb w;
        bb_init(&w, b, sizeof b);
        bb_open(&w, 2);
        bb_u16(&w, G_SECP256R1);
        bb_open(&w, 2);
        bb_hex(&w, p256_key);
        bb_close(&w);
        bb_u16(&w, G_X25519);
        bb_open(&w, 2);
        bb_hex(&w, x25519_key);
        bb_close(&w);
        bb_close(&w);
        h_set(h, X_KEY_SHARE, w.b, w.n);
        break;
    }
    case 7: /* a share with an empty key_exchange */
        h_set_hex(h, X_KEY_SHARE, "0004 001d 0000");
        break;
    case 8: /* client_shares length overruns */
        h_set_hex(h, X_KEY_SHARE, "0009 001d 0001 07");
        break;
    case 9: /* a share for a group we do not know, then x25519 */
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, G_X25519);
        {
            uint8_t b[200];
            struct bb w;
            bb_init(&w, b, sizeof b);
            bb_open(&w, 2);
            bb_u16(&w, 0x0042);
            bb_open(&w, 2);
            bb_hex(&w, "0102030405");
            bb_close(&w);
            bb_u16(&w, G_X25519);
            bb_open(&w, 2);
            bb_hex(&w, x25519_key);
            bb_close(&w);
            bb_close(&w);
            h_set(h, X_KEY_SHARE, w.b, w.n);
        }
        break;
    case 10: /* our preferred group listed, a share for the other only: no retry needed */
        h_share(h, G_SECP256R1, p256_key);
        break;
    case 11: /* a share only for an unknown group we list: HelloRetryRequest for x25519 */
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, G_X25519);
        h_set_hex(h, X_KEY_SHARE, "0005 0042 0001 07");
        break;
    default: /* key_share of odd structure: a group without its length */
        h_set_hex(h, X_KEY_SHARE, "0002 001d");
        break;
    }
}

/* TLS 1.2 curves, DHE and point formats (RFC 8422 §5.1, RFC 7919 §4). */
static void groups12(struct hello *h, int which)
{
    h12(h);
    h_suites(h, 3, CS_ECDHE_ECDSA_AES128_GCM, CS_ECDHE_RSA_AES128_GCM, CS_DHE_RSA_AES128_GCM);
    switch (which) {
    case 0: /* no usable curve but a DHE suite shared: DHE */
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, 0x0a0a);
        break;
    case 1: /* an FFDHE group we do not know, no curve: no DHE either (RFC 7919 §4) */
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, 0x01fc); /* unassigned FFDHE code point */
        break;
    case 2: /* ffdhe3072 named: that one */
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, G_FFDHE3072);
        break;
    case 3: /* no supported_groups: any curve (RFC 8422 §4) */
        h_del(h, X_GROUPS);
        break;
    case 4: /* only curves we do not know, and no DHE suite */
        h_suites(h, 2, CS_ECDHE_ECDSA_AES128_GCM, CS_ECDHE_RSA_AES128_GCM);
        h_u16_list(h, X_GROUPS, 2, 2, 0x0042, 0x0a0a);
        break;
    case 5: /* point formats without uncompressed */
        h_set_hex(h, X_POINT_FORMATS, "01 01");
        break;
    case 6: /* uncompressed among others */
        h_set_hex(h, X_POINT_FORMATS, "03 01 02 00");
        break;
    case 7: /* point formats empty */
        h_set_hex(h, X_POINT_FORMATS, "00");
        break;
    case 8: /* only secp384r1: the P-256 ECDSA certificate does not fit, the RSA one does */
        h_u16_list(h, X_GROUPS, 2, 1, G_SECP384R1);
        h_suites(h, 2, CS_ECDHE_ECDSA_AES128_GCM, CS_ECDHE_RSA_AES128_GCM);
        break;
    default: { /* 30000 unknown groups, then secp256r1 */
        static uint8_t b[65536];
        struct bb w;
        bb_init(&w, b, sizeof b);
        bb_open(&w, 2);
        for (int i = 0; i < 30000; i++) {
            bb_u16(&w, 0x2000 + (unsigned)(i % 3000));
        }
        bb_u16(&w, G_SECP256R1);
        bb_close(&w);
        h_set(h, X_GROUPS, w.b, w.n);
        break;
    }
    }
}

/* Other extensions of the ClientHello, by arg. */
static void misc13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0: /* a cookie we never sent (RFC 8446 §4.2.2) */
        h_set_hex(h, X_COOKIE, "0003 010203");
        break;
    case 1: /* cookie<1..2^16-1>: empty */
        h_set_hex(h, X_COOKIE, "0000");
        break;
    case 2: /* early_data without a PSK: ignored (we never take 0-RTT) */
        h_set(h, X_EARLY_DATA, NULL, 0);
        break;
    case 3: /* record_size_limit below 64 */
        h_set_hex(h, X_RECORD_SIZE_LIMIT, "003f");
        break;
    case 4: /* record_size_limit of 3 bytes */
        h_set_hex(h, X_RECORD_SIZE_LIMIT, "004000");
        break;
    case 5: /* record_size_limit 64 */
        h_set_hex(h, X_RECORD_SIZE_LIMIT, "0040");
        break;
    case 6: /* server_name with an empty host name */
        h_set_hex(h, X_SERVER_NAME, "0003 00 0000");
        break;
    case 7: /* server_name of type 1 */
        h_set_hex(h, X_SERVER_NAME, "0004 01 0001 61");
        break;
    case 8: /* a name we have no certificate for: the default one serves */
        h_sni(h, "other.example");
        break;
    case 9: /* extended_master_secret with a body */
        h_set_hex(h, X_EMS, "00");
        break;
    case 10: /* heartbeat (RFC 6520): not done, the extension is ignored */
        h_set_hex(h, X_HEARTBEAT, "01");
        break;
    case 11: /* padding (RFC 7685) of 65000 bytes */
    {
        static uint8_t pad[65000];
        h_set(h, X_PADDING, pad, sizeof pad);
        break;
    }
    case 12: /* status_request, OCSP, well formed */
        h_set_hex(h, X_STATUS_REQUEST, "01 0000 0000");
        break;
    case 13: /* status_request of an unknown type */
        h_set_hex(h, X_STATUS_REQUEST, "02 0000 0000");
        break;
    case 14: /* post_handshake_auth, oid_filters (unknown to us): skipped */
        h_set(h, X_POST_HS_AUTH, NULL, 0);
        h_set_hex(h, X_OID_FILTERS, "0000");
        break;
    case 15: /* psk_key_exchange_modes empty */
        h_set_hex(h, X_PSK_MODES, "00");
        break;
    case 16: /* certificate_authorities of one name */
        h_set_hex(h, X_CERT_AUTHORITIES, "0006 0004 300a3108");
        break;
    case 18: /* ec_point_formats empty: a TLS 1.2 extension a TLS 1.3 server ignores */
        h_set_hex(h, X_POINT_FORMATS, "00");
        break;
    default: /* certificate_authorities empty (authorities<3..2^16-1>) */
        h_set_hex(h, X_CERT_AUTHORITIES, "0000");
        break;
    }
    h_to_end(h, X_PSK_MODES);
}

/* server_name host names (RFC 6066 §3): a zero byte, the length bound, more than one name. */
static void sni(struct hello *h, int which)
{
    char name[300];
    size_t len = which % 10 == 2 ? 256 : 255;
    if (which >= 10) {
        h12(h);
        which -= 10;
    } else {
        h13(h);
    }
    switch (which) {
    case 0: /* "local\0host" */
        h_set_hex(h, X_SERVER_NAME, "000d 00 000a 6c6f63616c00686f7374");
        break;
    case 1: /* a zero byte at the end */
        h_set_hex(h, X_SERVER_NAME, "000d 00 000a 6c6f63616c686f737400");
        break;
    case 2: /* 256 bytes */
    case 3: /* 255 bytes: no certificate for it, the default one serves */
        memset(name, 'a', len);
        for (size_t i = 60; i < len; i += 61) {
            name[i] = '.';
        }
        name[len] = 0;
        h_sni(h, name);
        break;
    case 4: /* two host_names */
        h_set_hex(h, X_SERVER_NAME, "0012 00 0007 63616c686f7374 00 0005 6f74686572");
        break;
    case 5: /* a host_name, then a name of another type */
        h_set_hex(h, X_SERVER_NAME, "0011 00 0009 6c6f63616c686f7374 01 0002 6162");
        break;
    case 6: /* a name of another type, then the host_name */
        h_set_hex(h, X_SERVER_NAME, "0011 01 0002 6162 00 0009 6c6f63616c686f7374");
        break;
    case 7: /* two names of type 1 */
        h_set_hex(h, X_SERVER_NAME, "0009 01 0002 6162 01 0001 63");
        break;
    case 8: /* "local<BEL>host" */
        h_set_hex(h, X_SERVER_NAME, "000d 00 000a 6c6f63616c07686f7374");
        break;
    default: /* "localhos\u0105" in UTF-8 */
        h_set_hex(h, X_SERVER_NAME, "000d 00 000a 6c6f63616c686f73c485");
        break;
    }
}

/* pre_shared_key offers that cannot resume (RFC 8446 §4.2.9, §4.2.11). */
static void psk13(struct hello *h, int which)
{
    static const char ids[] = "000a 0004 61626364 00000001";
    static const char binders[] =
        "0021 20 "
        "0000000000000000000000000000000000000000000000000000000000000000";
    uint8_t b[400];
    struct bb w;
    h13(h);
    bb_init(&w, b, sizeof b);
    bb_hex(&w, ids);
    bb_hex(&w, binders);
    switch (which) {
    case 0: /* a ticket that does not open: full handshake */
        h_set(h, X_PSK, w.b, w.n);
        break;
    case 1: /* pre_shared_key not last */
        h_set(h, X_PSK, w.b, w.n);
        h_to_front(h, X_PSK);
        break;
    case 2: /* without psk_key_exchange_modes */
        h_set(h, X_PSK, w.b, w.n);
        h_del(h, X_PSK_MODES);
        break;
    case 3: /* psk_ke only: no (EC)DHE-less resumption, a full handshake */
        h_set_hex(h, X_PSK_MODES, "01 00");
        h_set(h, X_PSK, w.b, w.n);
        break;
    case 4: /* two identities, one binder */
        bb_init(&w, b, sizeof b);
        bb_hex(&w, "0014 0004 61626364 00000001 0004 65666768 00000002");
        bb_hex(&w, binders);
        h_set(h, X_PSK, w.b, w.n);
        break;
    case 5: /* a binder of 31 bytes */
        bb_init(&w, b, sizeof b);
        bb_hex(&w, ids);
        bb_hex(&w, "0020 1f 00000000000000000000000000000000000000000000000000000000000000");
        h_set(h, X_PSK, w.b, w.n);
        break;
    case 6: /* an empty identity */
        bb_init(&w, b, sizeof b);
        bb_hex(&w, "0006 0000 00000001");
        bb_hex(&w, binders);
        h_set(h, X_PSK, w.b, w.n);
        break;
    case 7: /* no binders list at all */
        bb_init(&w, b, sizeof b);
        bb_hex(&w, ids);
        h_set(h, X_PSK, w.b, w.n);
        break;
    default: /* psk_ke only, and no key_share: nothing to do the handshake with */
        h_set_hex(h, X_PSK_MODES, "01 00");
        h_set(h, X_PSK, w.b, w.n);
        h_del(h, X_KEY_SHARE);
        break;
    }
    h_to_end(h, X_PSK_MODES);
    if (which != 1) {
        h_to_end(h, X_PSK);
    }
}

/* TLS 1.2 odds: renegotiation_info, SCSV, EMS, ALPN. */
static void misc12(struct hello *h, int which)
{
    h12(h);
    switch (which) {
    case 0: /* renegotiation_info not empty on an initial handshake (RFC 5746 §3.6) */
        h_set_hex(h, X_RENEGOTIATION_INFO, "0c 000102030405060708090a0b");
        break;
    case 1: /* no renegotiation_info, the SCSV instead */
        h_del(h, X_RENEGOTIATION_INFO);
        h_suite_add(h, CS_SCSV_RENEG);
        break;
    case 2: /* neither: allowed for an initial handshake (RFC 5746 §4.3) */
        h_del(h, X_RENEGOTIATION_INFO);
        break;
    case 3: /* renegotiation_info of a broken length */
        h_set_hex(h, X_RENEGOTIATION_INFO, "05 00");
        break;
    case 4: /* no extended_master_secret: the EMS session is refused */
        h_del(h, X_EMS);
        break;
    case 5: /* encrypt_then_mac with a body */
        h_set_hex(h, X_ETM, "00");
        break;
    case 6: /* only 3DES suites (refused: RFC 9325 §4.1) */
        h_suites(h, 2, CS_RSA_3DES, CS_ECDHE_RSA_3DES);
        break;
    case 7: /* a TLS 1.3 suite only, in a TLS 1.2 hello */
        h_suites(h, 1, CS_AES128_GCM);
        break;
    default: /* supported_versions listing only TLS 1.2 */
        h_u16_list(h, X_VERSIONS, 1, 1, 0x0303);
        break;
    }
}

/* TLS_FALLBACK_SCSV (RFC 7507 §3): a client that fell back says so. */
static void fallback(struct hello *h, int which)
{
    if (which == 13) {
        h13(h);
    } else {
        h12(h);
    }
    h_suite_add(h, CS_SCSV_FALLBACK);
}

/* ALPN (RFC 7301 §3.1, §3.2) against a server that speaks h2 only. */
static void alpn13(struct hello *h, int which)
{
    h13(h);
    switch (which) {
    case 0:
        h_set_hex(h, X_ALPN, "0003 026832");
        break;
    case 1: /* no overlap */
        h_set_hex(h, X_ALPN, "0009 08 687474702f312e31");
        break;
    case 2: /* empty list */
        h_set_hex(h, X_ALPN, "0000");
        break;
    case 3: /* a name of length 0 */
        h_set_hex(h, X_ALPN, "0004 00 026832");
        break;
    case 4: /* names overrun the list */
        h_set_hex(h, X_ALPN, "0003 036832");
        break;
    case 5: { /* 20000 names, then h2 */
        static uint8_t b[65536];
        struct bb w;
        bb_init(&w, b, sizeof b);
        bb_open(&w, 2);
        for (int i = 0; i < 20000; i++) {
            bb_u8(&w, 1);
            bb_u8(&w, 'a' + (unsigned)(i % 26));
        }
        bb_u8(&w, 2);
        bb_bytes(&w, "h2", 2);
        bb_close(&w);
        h_set(h, X_ALPN, w.b, w.n);
        break;
    }
    default: /* no ALPN at all: fine, nothing chosen */
        break;
    }
}

/* The largest hellos (RFC 8446 §4.1.2: no limit below what the vectors allow). */
static void big13(struct hello *h, int which)
{
    static uint8_t pad[65535];
    h13(h);
    switch (which) {
    case 0: /* a 65,477-byte padding extension: the block at its limit */
        h_set(h, X_PADDING, pad, 65535 - 4 - 10 - (h->used + 4 * h->n_exts) + 2);
        break;
    case 1: /* cipher_suites at its limit too: 32,766 of them, ours last */
        h->suites_len = 0;
        for (int i = 0; i < 32766; i++) {
            h_suite_add(h, i == 32765 ? CS_AES128_GCM : 0x1400 + (unsigned)(i % 0x0c00));
        }
        h_set(h, X_PADDING, pad, 60000);
        break;
    default: /* and 255 compression methods: the TLS 1.2 form of a huge hello */
        h12(h);
        h->suites_len = 0;
        for (int i = 0; i < 32766; i++) {
            h_suite_add(h, i == 32765 ? CS_ECDHE_ECDSA_AES128_GCM : 0x1400 + (unsigned)(i % 300));
        }
        for (int i = 0; i < 255; i++) {
            h->comp[i] = (uint8_t)(254 - i); /* 254 .. 0 */
        }
        h->comp_len = 255;
        h_set(h, X_PADDING, pad, 60000);
        break;
    }
}

/* ---- the tables ---- */

#define V13 0x0304
#define V12 0x0303

/* RFC 8446 §4.1.2, Appendix D.5, RFC 5246 §7.4.1.2, Appendix E.1, RFC 8996. */
TEST(client_hello_versions)
{
    static const struct srow rows[] = {
        {"8446 D.5", "1.3 offered, legacy 0x0300", legacy13, 0x0300, CFG_BOTH, AL_PROTOCOL_VERSION,
         .says = "ClientHello.legacy_version 0x0300 with TLS 1.3 offered (RFC 8446 D.5)"},
        {"8446 D.5", "1.3 offered, legacy 0x0200", legacy13, 0x0200, CFG_BOTH, AL_PROTOCOL_VERSION,
         .says = "0x0200 with TLS 1.3 offered"},
        {"8446 D.5", "1.3 offered, legacy 0x0000", legacy13, 0x0000, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "1.3 offered, legacy 0x0103", legacy13, 0x0103, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "1.3 offered, legacy 0x0002", legacy13, 0x0002, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "1.3 offered, legacy 0x02ff", legacy13, 0x02ff, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "1.3-only server, legacy 0x0300", legacy13, 0x0300, CFG_13,
         AL_PROTOCOL_VERSION},
        {"8446 4.1.2", "legacy 0x0301 with 1.3 offered", legacy13, 0x0301, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "legacy 0x0302 with 1.3 offered", legacy13, 0x0302, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "legacy 0x0304 with 1.3 offered", legacy13, 0x0304, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "legacy 0x0400 with 1.3 offered", legacy13, 0x0400, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "legacy 0xffff with 1.3 offered", legacy13, 0xffff, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "1.3 and 1.2 offered, 1.2-only server", legacy13, 0x0303, CFG_12, W_HELLO,
         V12, CS_ECDHE_ECDSA_AES128_GCM},
        {"5246 E.1", "no supported_versions, legacy 0x0303", legacy12, 0x0303, CFG_BOTH, W_HELLO,
         V12},
        {"5246 E.1", "no supported_versions, legacy 0x0304", legacy12, 0x0304, CFG_BOTH, W_HELLO,
         V12},
        {"5246 E.1", "no supported_versions, legacy 0x0305", legacy12, 0x0305, CFG_BOTH, W_HELLO,
         V12},
        {"5246 E.1", "no supported_versions, legacy 0x0400", legacy12, 0x0400, CFG_BOTH, W_HELLO,
         V12},
        {"5246 E.1", "no supported_versions, legacy 0xffff", legacy12, 0xffff, CFG_BOTH, W_HELLO,
         V12},
        {"8996 5", "TLS 1.1 only", legacy12, 0x0302, CFG_BOTH, AL_PROTOCOL_VERSION,
         .says = "TLS 1.1 and below are refused"},
        {"8996 5", "TLS 1.0 only", legacy12, 0x0301, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 D.5", "SSL 3.0 only", legacy12, 0x0300, CFG_BOTH, AL_PROTOCOL_VERSION,
         .says = "SSL 3.0 and below"},
        {"8446 D.5", "SSL 2.0 version in a TLS record", legacy12, 0x0200, CFG_BOTH,
         AL_PROTOCOL_VERSION},
        {"8446 4.1.2", "TLS 1.2 hello to a 1.3-only server", base12, 0, CFG_13,
         AL_PROTOCOL_VERSION},
        {"8446 4.2.1", "versions {1.3}", sv13, 0, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.1", "versions {1.2}", sv13, 1, CFG_BOTH, W_HELLO, V12},
        {"8446 4.2.1", "versions {1.2, 1.3}: server preference", sv13, 2, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.1", "a draft version first", sv13, 3, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.1", "future versions first", sv13, 4, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.1", "versions {1.1}", sv13, 5, CFG_BOTH, AL_PROTOCOL_VERSION,
         .says = "supported_versions lists no version we speak"},
        {"8446 4.2.1", "versions {1.0, 1.1}", sv13, 6, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 4.2.1", "versions {SSL 3.0}", sv13, 7, CFG_BOTH, AL_PROTOCOL_VERSION},
        {"8446 4.2.1", "versions empty", sv13, 8, CFG_BOTH, AL_DECODE_ERROR,
         .says = "supported_versions) is malformed"},
        {"8446 4.2.1", "versions odd", sv13, 9, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.1", "versions overrun", sv13, 10, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.1", "126 unknown versions, then 1.3", sv13, 11, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.1", "versions {1.2}, legacy 0x0301: the list decides", sv13, 12, CFG_BOTH,
         W_HELLO, V12},
        {"8446 4.2.1", "1.3 offered, legacy 0x0302", sv13, 13, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.1", "versions {1.2} to a 1.3-only server", sv13, 1, CFG_13, AL_PROTOCOL_VERSION},
        {"8446 4.2.1", "versions {1.3} to a 1.2-only server", sv13, 0, CFG_12, AL_PROTOCOL_VERSION},
    };
    ROWS(rows);
}

/* RFC 8446 §4.1.2, RFC 5246 §7.4.1.2: the fixed fields. */
TEST(client_hello_fields)
{
    static const struct srow rows[] = {
        {"8446 4.1.2", "baseline TLS 1.3 hello", base13, 0, CFG_BOTH, W_HELLO, V13, CS_AES128_GCM,
         G_X25519, S_ECDSA_P256_SHA256},
        {"5246 7.4.1.2", "baseline TLS 1.2 hello", base12, 0, CFG_BOTH, W_HELLO, V12,
         CS_ECDHE_ECDSA_AES128_GCM, G_X25519, S_ECDSA_P256_SHA256},
        {"8446 4.1.2", "session id empty", sid_len13, 0, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "session id of 1 byte", sid_len13, 1, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "session id of 31 bytes", sid_len13, 31, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "session id of 33 bytes", sid_len13, 33, CFG_BOTH, AL_DECODE_ERROR,
         .says = "malformed before its extensions"},
        {"5246 7.4.1.2", "1.2: session id of 16 bytes", sid_len12, 16, CFG_BOTH, W_HELLO, V12},
        {"5246 7.4.1.2", "1.2: session id of 33 bytes", sid_len12, 33, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "cipher_suites empty", broken13, 0, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "cipher_suites odd", broken13, 1, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "cipher_suites length overruns", broken13, 2, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "a byte after the extensions", broken13, 3, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "session id length 33", broken13, 4, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "an extension overruns the block", broken13, 5, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "the block overruns the message", broken13, 6, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "compression {1}", comp13, 0, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "legacy_compression_methods must be exactly {null}"},
        {"8446 4.1.2", "compression {0, 1}", comp13, 1, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.2", "compression {1, 0}", comp13, 2, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.2", "compression empty", comp13, 3, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.1.2", "255 compression methods", comp13, 4, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"5246 7.4.1.2", "1.2: compression {1} (no null)", comp12, 0, CFG_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "lacks null"},
        {"5246 7.4.1.2", "1.2: compression {0, 1}", comp12, 1, CFG_BOTH, W_HELLO, V12},
        {"5246 7.4.1.2", "1.2: compression {1, 0}", comp12, 2, CFG_BOTH, W_HELLO, V12},
        {"5246 7.4.1.2", "1.2: compression empty", comp12, 3, CFG_BOTH, AL_DECODE_ERROR},
        {"5246 7.4.1.2", "1.2: 255 methods, null last", comp12, 4, CFG_BOTH, W_HELLO, V12},
        {"5246 7.4.1.2", "1.2: 255 methods, no null", comp12, 5, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.1.2", "100 unknown suites, then ours", many_suites13, 100, CFG_BOTH, W_HELLO, V13,
         CS_AES128_GCM},
        {"8446 4.1.2", "1,000 unknown suites, then ours", many_suites13, 1000, CFG_BOTH, W_HELLO,
         V13, CS_AES128_GCM},
        {"8446 4.1.2", "32,765 unknown suites, then ours", many_suites13, 32765, CFG_BOTH, W_HELLO,
         V13, CS_AES128_GCM},
        {"5246 7.4.1.2", "1.2: 64 unknown suites, then ours", many_suites12, 64, CFG_BOTH, W_HELLO,
         V12, CS_ECDHE_ECDSA_AES128_GCM},
        {"5246 7.4.1.2", "1.2: 32,765 unknown suites, then ours", many_suites12, 32765, CFG_BOTH,
         W_HELLO, V12, CS_ECDHE_ECDSA_AES128_GCM},
        {"8446 4.1.2", "only unknown suites", unknown_suites, 0, CFG_BOTH, AL_HANDSHAKE_FAILURE,
         .says = "none of the 3 offered cipher suites"},
        {"8446 4.1.2", "1.3: only TLS 1.2 suites", unknown_suites, 1, CFG_BOTH,
         AL_HANDSHAKE_FAILURE},
        {"8446 4.1.2", "SCSVs and one suite", unknown_suites, 2, CFG_BOTH, W_HELLO, V13, CS_CHACHA},
    };
    ROWS(rows);
}

/* RFC 8446 §4.2: extension rules; §9.3 and RFC 8701: unknown values are ignored. */
TEST(client_hello_extension_rules)
{
    static struct srow rows[64];
    size_t n = 0;
    /* h13's list: server_name, groups, key_share, sigalgs, versions, psk modes */
    static const char *const names13[] = {"server_name",        "supported_groups",
                                          "key_share",          "signature_algorithms",
                                          "supported_versions", "psk_key_exchange_modes"};
    for (int i = 0; i < 6; i++) {
        rows[n++] = (struct srow){"8446 4.2",
                                  names13[i],
                                  dup13,
                                  i,
                                  CFG_BOTH,
                                  AL_ILLEGAL_PARAMETER,
                                  .says = "twice (RFC 8446 §4.2)"};
    }
    /* h12's list: server_name, groups, point formats, sigalgs, ems, renegotiation_info */
    static const char *const names12[] = {
        "1.2 server_name",          "1.2 supported_groups",       "1.2 ec_point_formats",
        "1.2 signature_algorithms", "1.2 extended_master_secret", "1.2 renegotiation_info"};
    for (int i = 0; i < 6; i++) {
        rows[n++] =
            (struct srow){"5246 7.4.1.4", names12[i], dup12, i, CFG_BOTH, AL_ILLEGAL_PARAMETER};
    }
    static const int unknown[] = {0x1234, 0xfafa, 0x0a0a, X_HEARTBEAT, X_PADDING, 0xffff};
    for (int i = 0; i < 6; i++) {
        rows[n++] = (struct srow){"8446 4.2", "an unknown extension twice", dup_unknown, unknown[i],
                                  CFG_BOTH,   AL_ILLEGAL_PARAMETER};
    }
    static const int skipped[] = {0x1234, 0x0a0a,         0xfafa,        0xffff,         0x00ff,
                                  0x0012, 0x0017 + 0x100, X_OID_FILTERS, X_POST_HS_AUTH, 0x0039,
                                  0xfe0d, 0x4469,         0x001b,        0x0014};
    for (int i = 0; i < 14; i++) {
        rows[n++] = (struct srow){"8446 4.1.2", "an unknown extension is skipped",
                                  unknown_ext,  skipped[i],
                                  CFG_BOTH,     W_HELLO,
                                  V13};
    }
    static const int mandatory[] = {X_GROUPS, X_KEY_SHARE, X_SIGALGS};
    for (int i = 0; i < 3; i++) {
        rows[n++] = (struct srow){"8446 9.2",
                                  "1.3 without a mandatory extension",
                                  missing13,
                                  mandatory[i],
                                  CFG_BOTH,
                                  AL_MISSING_EXTENSION,
                                  .says = "TLS 1.3 ClientHello without"};
    }
    rows[n++] = (struct srow){"8446 4.2.1", "without supported_versions: TLS 1.2",
                              missing13,    X_VERSIONS,
                              CFG_BOTH,     W_HELLO,
                              V12,          CS_ECDHE_ECDSA_AES128_GCM};
    for (int i = 0; i < 16; i++) {
        rows[n++] = (struct srow){
            "8701 3", "GREASE everywhere (1.3)", grease13, i, CFG_BOTH, W_HELLO, V13, CS_AES128_GCM,
            G_X25519, S_ECDSA_P256_SHA256};
    }
    run_rows(rows, n);
    n = 0;
    for (int i = 0; i < 16; i++) {
        rows[n++] =
            (struct srow){"8701 3", "GREASE everywhere (1.2)", grease12, i, CFG_BOTH, W_HELLO,
                          V12,      CS_ECDHE_ECDSA_AES128_GCM, G_X25519};
    }
    run_rows(rows, n);
}

/* RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1, RFC 9155, RFC 8422 §5.1.3: signature schemes. */
TEST(client_hello_signature_algorithms)
{
    static const struct srow rows[] = {
        {"8446 4.2.3", "empty list", sig13, 0, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.3", "odd list", sig13, 1, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.3", "SHA-1 schemes only", sig13, 2, CFG_BOTH, AL_HANDSHAKE_FAILURE,
         .says = "none of our certificates can sign with the 2 schemes"},
        {"8446 4.2.3", "rsa_pkcs1_sha256 only: not for 1.3", sig13, 3, CFG_BOTH,
         AL_HANDSHAKE_FAILURE},
        {"8446 4.2.3", "ecdsa_secp384r1_sha384 only, P-256 key", sig13, 4, CFG_EC,
         AL_HANDSHAKE_FAILURE},
        {"8446 4.2.3", "rsa_pss_rsae_sha256 only: the RSA key", sig13, 5, CFG_BOTH, W_HELLO, V13, 0,
         0, S_RSA_PSS_RSAE_SHA256},
        {"8446 4.2.3", "ecdsa_secp256r1_sha256 only", sig13, 6, CFG_BOTH, W_HELLO, V13, 0, 0,
         S_ECDSA_P256_SHA256},
        {"8446 4.2.3", "signature_algorithms_cert odd", sig13, 7, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.3", "100 unknown schemes, then ours", many_sigalgs13, 100, CFG_BOTH, W_HELLO,
         V13, 0, 0, S_RSA_PSS_RSAE_SHA256},
        {"8446 4.2.3", "8,000 unknown schemes, then ours", many_sigalgs13, 8000, CFG_BOTH, W_HELLO,
         V13, 0, 0, S_RSA_PSS_RSAE_SHA256},
        {"8446 4.2.3", "32,000 unknown schemes, then ours", many_sigalgs13, 32000, CFG_BOTH,
         W_HELLO, V13, 0, 0, S_RSA_PSS_RSAE_SHA256},
        {"5246 7.4.1.4.1", "1.2: 32,000 unknown schemes, then ours", many_sigalgs12, 32000,
         CFG_BOTH, W_HELLO, V12, CS_ECDHE_ECDSA_AES128_GCM, 0, S_ECDSA_P256_SHA256},
        {"9155 3", "1.2: no signature_algorithms, no RSA key exchange", sig12, 0, CFG_BOTH,
         AL_HANDSHAKE_FAILURE, .says = "RFC 9155"},
        {"9155 3", "1.2: SHA-1 schemes only", sig12, 1, CFG_BOTH, AL_HANDSHAKE_FAILURE},
        {"8422 5.1.3", "1.2: P-256 key signs with SHA-384", sig12, 2, CFG_EC, W_HELLO, V12,
         CS_ECDHE_ECDSA_AES128_GCM, 0, S_ECDSA_P384_SHA384},
        {"8422 5.1.3", "1.2: P-256 key signs with SHA-512", sig12, 3, CFG_EC, W_HELLO, V12,
         CS_ECDHE_ECDSA_AES128_GCM, 0, S_ECDSA_P521_SHA512},
        {"5246 7.4.1.4.1", "1.2: rsa_pkcs1_sha256 only: the RSA suite", sig12, 4, CFG_BOTH, W_HELLO,
         V12, CS_ECDHE_RSA_AES128_GCM, 0, S_RSA_PKCS1_SHA256},
        {"5246 7.4.1.4.1", "1.2: rsa_pss_rsae_sha256 only", sig12, 5, CFG_BOTH, W_HELLO, V12,
         CS_ECDHE_RSA_AES128_GCM, 0, S_RSA_PSS_RSAE_SHA256},
        {"9155 3", "1.2: none sent, RSA key exchange allowed: no signature needed", sig12, 6,
         CFG_RSA_KX, W_HELLO, V12, CS_RSA_AES128_GCM},
        {"9155 3", "1.2: SHA-1 only, RSA key exchange allowed", sig12, 7, CFG_RSA_KX, W_HELLO, V12,
         CS_RSA_AES128_GCM},
        {"9155 3", "1.2: none sent, RSA key exchange offered but off", sig12, 6, CFG_BOTH,
         AL_HANDSHAKE_FAILURE},
        {"5246 7.4.1.2", "1.2: no extensions at all, RSA key exchange allowed", sig12, 8,
         CFG_RSA_KX, W_HELLO, V12, CS_RSA_AES128_GCM},
        {"5246 7.4.1.2", "1.2: no extensions at all", sig12, 8, CFG_BOTH, AL_HANDSHAKE_FAILURE},
        {"5246 7.4.1.2", "1.2: an empty extension block, RSA key exchange", sig12, 9, CFG_RSA_KX,
         W_HELLO, V12, CS_RSA_AES128_GCM},
        {"5246 7.4.1.4.1", "1.2: ed25519 only", sig12, 10, CFG_BOTH, AL_HANDSHAKE_FAILURE},
    };
    ROWS(rows);
}

/* RFC 8446 §4.2.7, §4.2.8; RFC 8422 §5.1; RFC 7919 §4: groups and key shares. */
TEST(client_hello_groups_and_key_shares)
{
    static const struct srow rows[] = {
        {"8446 4.2.7", "groups empty", groups13, 0, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.7", "groups odd", groups13, 1, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.7", "only unknown groups", groups13, 2, CFG_BOTH, AL_HANDSHAKE_FAILURE,
         .says = "no group of the 2 in supported_groups"},
        {"8446 4.2.8", "no shares: HelloRetryRequest", groups13, 3, CFG_BOTH, W_HRR},
        {"8446 4.2.8", "a share for a group not listed", groups13, 4, CFG_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "RFC 8446 §4.2.8"},
        {"8446 4.2.8", "two shares for one group", groups13, 5, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2.8", "shares out of supported_groups' order", groups13, 6, CFG_BOTH,
         AL_ILLEGAL_PARAMETER},
        {"8446 4.2.8", "a share with an empty key", groups13, 7, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"8446 4.2.8", "client_shares overruns", groups13, 8, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.8", "an unknown group's share, then x25519", groups13, 9, CFG_BOTH, W_HELLO, V13,
         0, G_X25519},
        {"8446 4.2.8", "a share for our second group: no retry", groups13, 10, CFG_BOTH, W_HELLO,
         V13, 0, G_SECP256R1},
        {"8446 4.2.8", "a share for an unknown group only: retry", groups13, 11, CFG_BOTH, W_HRR},
        {"8446 4.2.8", "a group without its key", groups13, 12, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.7", "60 unknown groups and shares, then secp256r1", many_groups13, 60, CFG_BOTH,
         W_HELLO, V13, 0, G_SECP256R1},
        {"8446 4.2.7", "3,000 unknown groups and shares, then secp256r1", many_groups13, 3000,
         CFG_BOTH, W_HELLO, V13, 0, G_SECP256R1},
        {"8446 4.2.7", "20,000 unknown groups, then secp256r1", many_groups13, 20000, CFG_BOTH,
         W_HELLO, V13, 0, G_SECP256R1},
        {"8422 5.1.1", "1.2: no usable curve, DHE shared: DHE", groups12, 0, CFG_BOTH, W_HELLO, V12,
         CS_DHE_RSA_AES128_GCM, G_FFDHE2048},
        {"7919 4", "1.2: an unknown FFDHE group only: no DHE", groups12, 1, CFG_BOTH,
         AL_HANDSHAKE_FAILURE},
        {"7919 4", "1.2: ffdhe3072 named", groups12, 2, CFG_BOTH, W_HELLO, V12,
         CS_DHE_RSA_AES128_GCM, G_FFDHE3072},
        {"8422 5.1.1", "1.2: no supported_groups: secp256r1", groups12, 3, CFG_BOTH, W_HELLO, V12,
         CS_ECDHE_ECDSA_AES128_GCM, G_SECP256R1},
        {"8422 5.1.1", "1.2: no usable curve, no DHE suite", groups12, 4, CFG_BOTH,
         AL_HANDSHAKE_FAILURE},
        {"8422 5.1.2", "1.2: point formats without uncompressed", groups12, 5, CFG_BOTH,
         AL_ILLEGAL_PARAMETER, .says = "ec_point_formats lacks uncompressed"},
        {"8422 5.1.2", "1.2: uncompressed among others", groups12, 6, CFG_BOTH, W_HELLO, V12},
        {"8422 5.1.2", "1.2: point formats empty", groups12, 7, CFG_BOTH, AL_DECODE_ERROR},
        {"8422 5.3", "1.2: secp384r1 only: the RSA certificate", groups12, 8, CFG_BOTH, W_HELLO,
         V12, CS_ECDHE_RSA_AES128_GCM, G_SECP384R1},
        {"8422 5.1.1", "1.2: 30,000 unknown groups, then secp256r1", groups12, 9, CFG_BOTH, W_HELLO,
         V12, CS_ECDHE_ECDSA_AES128_GCM, G_SECP256R1},
    };
    ROWS(rows);
}

/* RFC 8446 §4.2.2, §4.2.9-§4.2.11 and the other extensions of a ClientHello. */
TEST(client_hello_other_extensions)
{
    static const struct srow rows[] = {
        {"8446 4.2.2", "a cookie we never sent", misc13, 0, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "cookie we never sent"},
        {"8446 4.2.2", "an empty cookie", misc13, 1, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.10", "early_data without a PSK", misc13, 2, CFG_BOTH, W_HELLO, V13},
        {"8449 4", "record_size_limit 63", misc13, 3, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "record_size_limit 63 is below 64"},
        {"8449 4", "record_size_limit of 3 bytes", misc13, 4, CFG_BOTH, AL_DECODE_ERROR},
        {"8449 4", "record_size_limit 64", misc13, 5, CFG_BOTH, W_HELLO, V13},
        {"6066 3", "server_name empty", misc13, 6, CFG_BOTH, AL_DECODE_ERROR},
        {"6066 3", "server_name of type 1 only: no host name", misc13, 7, CFG_BOTH, W_HELLO, V13},
        {"6066 3", "a name we have no certificate for", misc13, 8, CFG_BOTH, W_HELLO, V13},
        {"6066 3", "a host_name with a zero byte", sni, 0, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "is not a DNS name"},
        {"6066 3", "a host_name ending in a zero byte", sni, 1, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"6066 3", "a host_name of 256 bytes", sni, 2, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "of 256 bytes"},
        {"6066 3", "a host_name of 255 bytes", sni, 3, CFG_BOTH, W_HELLO, V13},
        {"6066 3", "two host_names", sni, 4, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "two names of type 0"},
        {"6066 3", "a host_name, then a name of type 1: skipped", sni, 5, CFG_BOTH, W_HELLO, V13},
        {"6066 3", "a name of type 1, then a host_name", sni, 6, CFG_BOTH, W_HELLO, V13},
        {"6066 3", "two names of type 1", sni, 7, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"6066 3", "a host_name with a BEL", sni, 8, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"6066 3", "a host_name in UTF-8", sni, 9, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"6066 3", "1.2: a host_name with a zero byte", sni, 10, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"6066 3", "1.2: a host_name of 256 bytes", sni, 12, CFG_BOTH, AL_ILLEGAL_PARAMETER},
        {"6066 3", "1.2: a name of type 1, then a host_name", sni, 16, CFG_BOTH, W_HELLO, V12},
        {"7627 5.1", "extended_master_secret with a body", misc13, 9, CFG_BOTH, AL_DECODE_ERROR},
        {"6520 2", "heartbeat: ignored", misc13, 10, CFG_BOTH, W_HELLO, V13},
        {"7685 3", "65,000 bytes of padding", misc13, 11, CFG_BOTH, W_HELLO, V13},
        {"6066 8", "status_request", misc13, 12, CFG_BOTH, W_HELLO, V13},
        {"6066 8", "status_request of an unknown type", misc13, 13, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "post_handshake_auth, oid_filters", misc13, 14, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.9", "psk_key_exchange_modes empty", misc13, 15, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.4", "certificate_authorities", misc13, 16, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.4", "certificate_authorities empty", misc13, 17, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2", "an empty ec_point_formats in a 1.3 hello: ignored", misc13, 18, CFG_BOTH,
         W_HELLO, V13},
        {"8446 4.2.11", "a ticket that does not open: full handshake", psk13, 0, CFG_BOTH, W_HELLO,
         V13},
        {"8446 4.2.11", "pre_shared_key not last", psk13, 1, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "extension after pre_shared_key"},
        {"8446 4.2.9", "pre_shared_key without psk_key_exchange_modes", psk13, 2, CFG_BOTH,
         AL_MISSING_EXTENSION, .says = "without psk_key_exchange_modes"},
        {"8446 4.2.9", "psk_ke only: a full handshake", psk13, 3, CFG_BOTH, W_HELLO, V13},
        {"8446 4.2.11", "two identities, one binder", psk13, 4, CFG_BOTH, AL_ILLEGAL_PARAMETER,
         .says = "2 identities but 1 binders"},
        {"8446 4.2.11", "a binder of 31 bytes", psk13, 5, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.11", "an empty identity", psk13, 6, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 4.2.11", "no binders", psk13, 7, CFG_BOTH, AL_DECODE_ERROR},
        {"8446 9.2", "psk_ke only and no key_share", psk13, 8, CFG_BOTH, AL_MISSING_EXTENSION},
        {"5746 3.6", "1.2: renegotiation_info not empty", misc12, 0, CFG_BOTH, AL_HANDSHAKE_FAILURE,
         .says = "RFC 5746 §3.6"},
        {"5746 3.3", "1.2: the SCSV instead", misc12, 1, CFG_BOTH, W_HELLO, V12},
        {"5746 4.3", "1.2: neither", misc12, 2, CFG_BOTH, W_HELLO, V12},
        {"5746 3.2", "1.2: renegotiation_info overruns", misc12, 3, CFG_BOTH, AL_DECODE_ERROR},
        {"7627 5.2", "1.2: no extended_master_secret", misc12, 4, CFG_BOTH, W_HELLO, V12},
        {"7366 3", "1.2: encrypt_then_mac with a body", misc12, 5, CFG_BOTH, AL_DECODE_ERROR},
        {"9325 4.1", "1.2: 3DES suites only", misc12, 6, CFG_BOTH, AL_HANDSHAKE_FAILURE},
        {"8446 4.1.2", "1.2: a TLS 1.3 suite only", misc12, 7, CFG_BOTH, AL_HANDSHAKE_FAILURE},
        {"8446 4.2.1", "1.2: supported_versions {1.2}", misc12, 8, CFG_BOTH, W_HELLO, V12},
        {"7507 3", "1.2 hello with the fallback SCSV, 1.3 in common", fallback, 12, CFG_BOTH,
         AL_INAPPROPRIATE_FALLBACK, .says = "RFC 7507"},
        {"7507 3", "1.2 hello with the fallback SCSV, 1.2-only server", fallback, 12, CFG_12,
         W_HELLO, V12},
        {"7507 3", "1.3 hello with the fallback SCSV: 1.3 chosen", fallback, 13, CFG_BOTH, W_HELLO,
         V13},
        {"7301 3.2", "ALPN h2", alpn13, 0, CFG_ALPN, W_HELLO, V13},
        {"7301 3.2", "ALPN without overlap", alpn13, 1, CFG_ALPN, AL_NO_APPLICATION_PROTOCOL,
         .says = "RFC 7301 §3.2"},
        {"7301 3.1", "ALPN empty list", alpn13, 2, CFG_ALPN, AL_DECODE_ERROR},
        {"7301 3.1", "ALPN name of length 0", alpn13, 3, CFG_ALPN, AL_DECODE_ERROR},
        {"7301 3.1", "ALPN names overrun", alpn13, 4, CFG_ALPN, AL_DECODE_ERROR},
        {"7301 3.1", "20,000 names, then h2", alpn13, 5, CFG_ALPN, W_HELLO, V13},
        {"7301 3.2", "no ALPN offered", alpn13, 6, CFG_ALPN, W_HELLO, V13},
        {"7301 3.2", "ALPN offered to a server without ALPN", alpn13, 1, CFG_BOTH, W_HELLO, V13},
    };
    ROWS(rows);
}

/* RFC 8446 §4.1.2, §5.1: big hellos, fragmented across many records. */
TEST(client_hello_size_and_records)
{
    static const struct srow rows[] = {
        {"8446 4.1.2", "a 65,477-byte padding extension", big13, 0, CFG_BOTH, W_HELLO, V13},
        {"8446 4.1.2", "32,766 suites and 60,000 bytes of padding", big13, 1, CFG_BOTH, W_HELLO,
         V13, CS_AES128_GCM},
        {"5246 7.4.1.2", "1.2: 32,766 suites, 255 methods, padding", big13, 2, CFG_BOTH, W_HELLO,
         V12, CS_ECDHE_ECDSA_AES128_GCM},
        {"8446 5.1", "a 128 KiB hello in 4,000-byte records", big13, 1, CFG_BOTH, W_HELLO, V13,
         .frag = 4000},
        {"8446 5.1", "a hello in 1-byte records", base13, 0, CFG_BOTH, W_HELLO, V13, .frag = 1},
        {"8446 5.1", "a hello in 7-byte records", base13, 0, CFG_BOTH, W_HELLO, V13, .frag = 7},
        {"5246 6.2.1", "1.2: a hello in 3-byte records", base12, 0, CFG_BOTH, W_HELLO, V12,
         .frag = 3},
        {"8446 5.1", "a 60,000-byte-padded hello in 100-byte records", misc13, 11, CFG_BOTH,
         W_HELLO, V13, .frag = 100},
    };
    ROWS(rows);
}

/* ---- rows that are raw bytes: records around the hello (RFC 8446 §5, RFC 5246 §6.2) ---- */

struct brow {
    const char *sec;
    const char *what;
    const char *hex; /* fed as is; "CH" stands for the baseline hello's records */
    bool eof;        /* then the end of the stream */
    int want;
    const char *says;
};

static bool run_brow(const struct brow *r)
{
    static uint8_t in[200000];
    size_t n = 0;
    const char *ch = strstr(r->hex, "CH");
    h13(&H);
    if (ch != NULL) {
        char head[256];
        size_t k = (size_t)(ch - r->hex);
        memcpy(head, r->hex, k);
        head[k] = 0;
        n = unhex(head, in, sizeof in);
        size_t m = client_hello_records(&H, 0);
        memcpy(in + n, recs, m);
        n += m;
        n += unhex(ch + 2, in + n, sizeof in - n);
    } else {
        n = unhex(r->hex, in, sizeof in);
    }
    gls_conn *s = gls_server_new(cfg_of(CFG_BOTH));
    int err = conf_feed(s, in, n);
    if (r->eof && err == GLS_OK) {
        err = gls_conn_net_in_done(s, 0);
    }
    struct srow row = {r->sec, r->what, NULL, 0, CFG_BOTH, r->want, .says = r->says};
    bool ok = check_answer(s, &row, err);
    gls_conn_free(s);
    return ok;
}

/* RFC 8446 §5.1, §5.2, §6; RFC 5246 §6.2.1, §7.2; RFC 6176 (SSL 2.0), RFC 6520 (heartbeat). */
TEST(records_before_and_around_the_hello)
{
    static const struct brow rows[] = {
        {"6176", "an SSL 2.0 CLIENT-HELLO offering TLS 1.2",
         "80 2e 01 0303 0015 0000 0010 00002f 000035 00000a c02f00 c02b00 0100 "
         "11111111111111111111111111111111",
         false, AL_PROTOCOL_VERSION, "SSL 2.0-format ClientHello"},
        {"6520 4", "a heartbeat record before the hello", "18 0303 0003 01 0000", false,
         AL_UNEXPECTED_MESSAGE, "record content type 24"},
        {"8446 5", "an unknown record type", "19 0303 0001 00", false, AL_UNEXPECTED_MESSAGE},
        {"8446 5", "application data before the hello", "17 0303 0005 0102030405", false,
         AL_UNEXPECTED_MESSAGE, "before the handshake completed"},
        {"8446 5", "change_cipher_spec before the hello", "14 0303 0001 01", false,
         AL_UNEXPECTED_MESSAGE},
        {"8446 6", "an alert record of 3 bytes", "15 0303 0003 010000", false, AL_DECODE_ERROR},
        {"8446 5.1", "record version 0x0200", "16 0200 0004 01000000", false, AL_DECODE_ERROR,
         "record version 0200"},
        {"8446 5.1", "a zero-length handshake record", "16 0301 0000", false, AL_UNEXPECTED_MESSAGE,
         "zero-length handshake record"},
        {"8446 5.2", "a plaintext record of 16,385 bytes", "16 0301 4001", false,
         AL_RECORD_OVERFLOW, "16385 bytes"},
        {"8446 4.1.2", "a hello longer than any well-formed one", "16 0301 0004 01 020145", false,
         AL_DECODE_ERROR, "longer than any well-formed one"},
        {"8446 4.1.2", "a hello of 16 MiB announced", "16 0301 0004 01 ffffff", false,
         AL_DECODE_ERROR},
        {"8446 4.1.2", "a hello cut short, then the end", "16 0301 000b 01 000100 0303 1111111111",
         true, AL_DECODE_ERROR, "ended inside a handshake message"},
        {"8446 5.1", "a record cut short, then the end", "16 0301 0100 01", true, AL_DECODE_ERROR,
         "ended inside a record"},
        {"8446 4", "a ServerHello to a server", "16 0303 0004 02000000", false,
         AL_UNEXPECTED_MESSAGE, "expected ClientHello, got ServerHello"},
        {"8446 4", "a Finished to a server", "16 0303 0004 14000000", false, AL_UNEXPECTED_MESSAGE},
        {"5246 7.4.1.1", "a HelloRequest to a server", "16 0303 0004 00000000", false,
         AL_UNEXPECTED_MESSAGE},
        {"8446 4.1.2", "an empty ClientHello body", "16 0301 0004 01000000", false,
         AL_DECODE_ERROR},
        {"8446 5.1", "a hello, then a CCS record", "CH 14 0303 0001 01", false, W_HELLO},
        {"8446 5.1", "a warning alert before the hello", "15 0303 0002 01 70 CH", false, W_HELLO},
    };
    size_t failed = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        failed += !run_brow(&rows[i]);
    }
    CHECK_EQ(failed, 0);
}

/* ---- 0-RTT around a HelloRetryRequest (RFC 8446 §4.2.10, §4.1.2) ---- */

/* CH1 with early_data (and a PSK that will not open), a share only for a group we do not do:
 * HelloRetryRequest for x25519. */
static void ch1_early(struct hello *h, int with_early)
{
    psk13(h, 0);
    h_u16_list(h, X_GROUPS, 2, 2, 0x0042, G_X25519);
    h_set_hex(h, X_KEY_SHARE, "0005 0042 0001 07");
    if (with_early) {
        h_set(h, X_EARLY_DATA, NULL, 0);
    }
    h_to_end(h, X_PSK);
}

/* CH2: the share for x25519, no early_data, no PSK. */
static void ch2(struct hello *h, int arg)
{
    (void)arg;
    h13(h);
    h_u16_list(h, X_GROUPS, 2, 2, 0x0042, G_X25519);
}

struct erow {
    const char *what;
    bool early_ext; /* CH1 offers early_data */
    int n_before;   /* 0-RTT records between HelloRetryRequest and CH2 */
    size_t size;
    int n_after; /* 0-RTT records after CH2 */
    int want;    /* W_HELLO, a plaintext alert, or (after CH2) GLS_E_BAD_RECORD_MAC */
};

static bool run_erow(const struct erow *r)
{
    static uint8_t junk[16384];
    static uint8_t rec[16384 + 5];
    memset(junk, 0xa5, sizeof junk);
    gls_conn *s = gls_server_new(cfg_of(CFG_BOTH));
    ch1_early(&H, r->early_ext);
    int err = conf_feed(s, recs, client_hello_records(&H, 0));
    struct answer a = answer_of(s);
    bool ok = err == GLS_OK && a.hello && a.hrr;
    size_t len = 0;
    gls_conn_net_out_done(s, conf_out(s, &len) ? len : 0);
    rec[0] = CT_APPDATA;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(r->size >> 8);
    rec[4] = (uint8_t)r->size;
    memcpy(rec + 5, junk, r->size);
    for (int i = 0; ok && err == GLS_OK && i < r->n_before; i++) {
        err = conf_feed(s, rec, 5 + r->size);
    }
    if (err == GLS_OK) {
        ch2(&H, 0);
        err = conf_feed(s, recs, client_hello_records(&H, 0));
    }
    for (int i = 0; ok && err == GLS_OK && i < r->n_after; i++) {
        gls_conn_net_out_done(s, conf_out(s, &len) ? len : 0);
        err = conf_feed(s, rec, 5 + r->size);
    }
    struct srow row = {"8446 4.2.10", r->what, NULL, 0, CFG_BOTH, r->want};
    if (!ok) {
        conf_rows++;
        conf_report(row.sec, row.what, "no HelloRetryRequest for the first hello");
    } else if (r->want == GLS_E_BAD_RECORD_MAC) {
        conf_rows++;
        if (err != GLS_E_BAD_RECORD_MAC) {
            conf_report(row.sec, row.what, "wanted bad_record_mac, got %s", gls_error_name(err));
            ok = false;
        }
    } else {
        ok = check_answer(s, &row, err);
    }
    gls_conn_free(s);
    return ok;
}

TEST(early_data_after_hello_retry_request)
{
    static const struct erow rows[] = {
        {"no 0-RTT records", true, 0, 0, 0, W_HELLO},
        {"one 0-RTT record skipped", true, 1, 100, 0, W_HELLO},
        {"ten 0-RTT records skipped", true, 10, 1000, 0, W_HELLO},
        {"64 KiB of 0-RTT skipped", true, 4, 16384, 0, W_HELLO},
        {"more than 64 KiB of 0-RTT", true, 5, 16384, 0, AL_UNEXPECTED_MESSAGE},
        {"64 small 0-RTT records skipped", true, 64, 10, 0, W_HELLO},
        {"65 small 0-RTT records", true, 65, 10, 0, AL_UNEXPECTED_MESSAGE},
        {"0-RTT without early_data offered", false, 1, 100, 0, AL_UNEXPECTED_MESSAGE},
        {"0-RTT after the second hello", true, 1, 100, 1, GLS_E_BAD_RECORD_MAC},
        {"0-RTT before and after the second hello", true, 2, 100, 1, GLS_E_BAD_RECORD_MAC},
    };
    size_t failed = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        failed += !run_erow(&rows[i]);
    }
    CHECK_EQ(failed, 0);
}

/* ---- TLS 1.2 resumption by ticket (RFC 5077 §3.4, RFC 7627 §5.3) ---- */

static struct gls_ticket ticket12;

/* A TLS 1.2 ticket from a real handshake of our client with the CFG_BOTH server. */
static bool get_ticket12(void)
{
    if (ticket12.ticket_len > 0) {
        return true;
    }
    gls_config *c = gls_config_new();
    gls_conn *cc = NULL;
    gls_conn *sc = NULL;
    bool ok = c != NULL && gls_config_danger_accept_any_cert(c) == GLS_OK &&
              gls_config_set_versions(c, 0x0303, 0x0303) == GLS_OK &&
              gls_config_set_resumption(c, 1, 3600) == GLS_OK &&
              pair_run(cfg_of(CFG_BOTH), c, &cc, &sc, 0) == GLS_OK;
    ok = ok &&
         gls_ticket_cache_take(c->tickets, "localhost", 0x0303, (int64_t)time(NULL), &ticket12) &&
         ticket12.ticket_len > 0;
    gls_conn_free(cc);
    gls_conn_free(sc);
    gls_config_free(c);
    return ok;
}

static void resume12(struct hello *h, int which)
{
    h12(h);
    uint8_t t[GLS_MAX_TICKET];
    memcpy(t, ticket12.ticket, ticket12.ticket_len);
    h->sid_len = 0;
    switch (which) {
    case 1: /* a session id of its own beside the ticket */
        memset(h->sid, 0x77, 32);
        h->sid_len = 32;
        break;
    case 2:
        h->sid[0] = 0x77;
        h->sid_len = 1;
        break;
    case 3: /* no extended master secret now: no resumption */
        h_del(h, X_EMS);
        break;
    case 4: /* a damaged ticket */
        t[ticket12.ticket_len / 2] ^= 1;
        break;
    case 5: /* the ticket's suite no longer offered */
        h_suites(h, 1, CS_ECDHE_RSA_AES128_GCM);
        break;
    case 6: /* another server name */
        h_sni(h, "other.example");
        break;
    default:
        break;
    }
    h_set(h, X_SESSION_TICKET, t, which == 7 ? 0 : ticket12.ticket_len);
}

TEST(tls12_ticket_resumption)
{
    CHECK(get_ticket12());
    static const struct srow rows[] = {
        {"5077 3.4", "ticket, empty session id", resume12, 0, CFG_BOTH, W_RESUMED, V12},
        {"5077 3.4", "ticket and a 32-byte session id", resume12, 1, CFG_BOTH, W_RESUMED, V12},
        {"5077 3.4", "ticket and a 1-byte session id", resume12, 2, CFG_BOTH, W_RESUMED, V12},
        {"7627 5.3", "no extended_master_secret: handshake_failure", resume12, 3, CFG_BOTH,
         AL_HANDSHAKE_FAILURE, .says = "RFC 7627 §5.3"},
        {"5077 3.4", "a damaged ticket: a full handshake", resume12, 4, CFG_BOTH, W_HELLO, V12},
        {"5077 3.4", "the suite no longer offered", resume12, 5, CFG_BOTH, W_HELLO, V12},
        {"6066 3", "another server name", resume12, 6, CFG_BOTH, W_HELLO, V12},
        {"5077 3.2", "an empty ticket extension", resume12, 7, CFG_BOTH, W_HELLO, V12},
    };
    ROWS(rows);
}

/* ---- renegotiation (RFC 5246 §7.2.2, §7.4.1.1, RFC 5746 §4.2, §4.4) ---- */

static char events[8192];

static void keep_event(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    (void)arg;
    if (strlen(events) + strlen(line) + 2 < sizeof events) {
        strcat(events, line);
        strcat(events, "\n");
    }
}

TEST(tls12_renegotiation_is_refused_with_a_warning)
{
    static const uint8_t client_hello[6] = {1, 0, 0, 2, 3, 3};
    static const uint8_t hello_request[4] = {0, 0, 0, 0};
    gls_config *s = NULL;
    gls_config *c = NULL;
    gls_conn *cc = NULL;
    gls_conn *sc = NULL;
    size_t put = 0;
    conf_rows += 2;
    pair_configs(&s, &c, 1, 0x0303);
    CHECK_OK(gls_config_set_event_trace(c, keep_event, NULL));
    CHECK_OK(gls_config_set_event_trace(s, keep_event, NULL));
    /* the client renegotiates: the server says no with a warning and carries on */
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    events[0] = 0;
    CHECK_OK(gls_hs_send(cc, GLS_CT_HANDSHAKE, client_hello, sizeof client_hello));
    pair_move(cc, sc, 0);
    CHECK_OK(gls_conn_error(sc));
    CHECK(strstr(events, "-> alert 100 level 1") != NULL);
    pair_move(sc, cc, 0);
    CHECK(strstr(events, "<- alert 100 level 1") != NULL); /* the client saw a warning */
    CHECK_OK(gls_conn_write(sc, "still up", 8, &put));
    CHECK(gls_conn_handshake_done(sc));
    gls_conn_free(cc);
    gls_conn_free(sc);
    /* the server asks (HelloRequest): our client says no with a warning and carries on */
    CHECK_OK(pair_run(s, c, &cc, &sc, 0));
    events[0] = 0;
    CHECK_OK(gls_hs_send(sc, GLS_CT_HANDSHAKE, hello_request, sizeof hello_request));
    pair_move(sc, cc, 0);
    CHECK_OK(gls_conn_error(cc));
    CHECK(strstr(events, "HelloRequest: renegotiation refused (warning no_renegotiation)"));
    CHECK_OK(gls_conn_write(cc, "still up", 8, &put));
    pair_move(cc, sc, 0);
    CHECK(strstr(events, "<- alert 100 level 1") != NULL);
    pair_free(cc, sc, s, c);
}
