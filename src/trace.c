/* trace.c — offline decryption of recorded sessions for `decrypt` and `explain`: the TLS 1.2
 * RSA pre-master secret decrypted with the server's key (RFC 5246 §7.4.7.1), master secret
 * and key block (§8.1, §6.3, RFC 7627 §4), the Finished check (§7.4.9); NSS key-log lines;
 * TLS 1.3 traffic keys (RFC 8446 §7.3) and records (§5.2). Every value goes to the caller's
 * step callback by its keys/names.h name. Also the generated certificate as PEM, and the
 * timing of RSA against AES-GCM that `explain` prints. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/wire.h"
#include "crypto/crypto.h"
#include "hs/cfg.h"
#include "hs/resume.h"
#include "hs/suites.h"
#include "keys/names.h"
#include "keys/prf12.h"
#include "keys/sched13.h"
#include "record/record.h"
#include "trace.h"

#define SCRATCH (5 + 16384 + 2048 + 256)

struct gls_offline_keys {
    gls_crypto *crypto;
    const struct gls_suite *suite;
    const gls_hash_alg *hash;
    uint16_t version;
    struct gls_rec_dir hs[2]; /* TLS 1.3 handshake traffic keys */
    struct gls_rec_dir ap[2]; /* TLS 1.2 keys; TLS 1.3 application traffic keys */
    bool have_hs[2];
    bool have_ap[2];
    bool check_client_finished;
    uint8_t client_verify[GLS_VERIFY_DATA_LEN];
    gls_secret ms12;          /* TLS 1.2 master secret (for a session that resumes this one) */
    gls_secret ap_secret[2];  /* TLS 1.3 current application traffic secrets (KeyUpdate) */
    unsigned ap_epoch[2];     /* 1 for secret 0, +1 per KeyUpdate */
    gls_offline_step_fn step; /* where KeyUpdate's new values are reported */
    void *step_arg;
    uint8_t buf[SCRATCH];
};

struct step {
    gls_offline_step_fn fn;
    void *arg;
};

static void on_step(void *arg, enum gls_secret_id id, const uint8_t *v, size_t len)
{
    const struct step *s = arg;
    if (id == GLS_SID_PRE_MASTER_SECRET || id == GLS_SID_DHE_SHARED_SECRET) {
        return; /* reported once, with where it came from (report_as) */
    }
    gls_secret_info info = gls_secret_info_of(id, v, len);
    s->fn(s->arg, &info);
}

/* A step reported with its own formula (a value read or decrypted rather than derived). */
static void report_as(const struct step *s, enum gls_secret_id id, const char *formula,
                      const char *who, const uint8_t *v, size_t len)
{
    if (s->fn != NULL) {
        gls_secret_info info = gls_secret_info_of(id, v, len);
        info.formula = formula;
        info.who = who;
        s->fn(s->arg, &info);
    }
}

static int say(struct gls_offline_why *why, int err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int say(struct gls_offline_why *why, int err, const char *code, const char *fmt, ...)
{
    va_list ap;
    why->code = code;
    va_start(ap, fmt);
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    va_end(ap);
    return err;
}

/* see trace.h */
void gls_offline_keys_free(gls_offline_keys *k)
{
    if (k == NULL) {
        return;
    }
    for (int d = 0; d < 2; d++) {
        gls_rec_dir_wipe(&k->hs[d]);
        gls_rec_dir_wipe(&k->ap[d]);
        gls_secret_wipe(&k->ap_secret[d]);
    }
    gls_secret_wipe(&k->ms12);
    gls_crypto_free(k->crypto);
    gls_wipe(k, sizeof *k);
    free(k);
}

/* A keys object for the session's suite and version. */
static int keys_new(const struct gls_offline_session *s, gls_offline_keys **out,
                    struct gls_offline_why *why)
{
    const struct gls_suite *suite = gls_suite_get(s->suite);
    if (suite == NULL || (s->version != GLS_TLS12 && s->version != GLS_TLS13) ||
        suite->version != s->version) {
        return say(why, GLS_E_UNSUPPORTED, "unsupported",
                   "cipher suite 0x%04x with version 0x%04x is not one glasstls can decrypt",
                   s->suite, s->version);
    }
    gls_offline_keys *k = calloc(1, sizeof *k);
    if (k == NULL) {
        return say(why, GLS_E_NO_MEMORY, "unsupported", "out of memory");
    }
    int err = gls_crypto_new(&k->crypto);
    if (err != GLS_OK) {
        free(k);
        return say(why, err, "unsupported", "cannot set up the crypto library");
    }
    k->suite = suite;
    k->version = s->version;
    k->ap_epoch[0] = 1;
    k->ap_epoch[1] = 1;
    k->hash = gls_hash_get(k->crypto, suite->prf);
    *out = k;
    return GLS_OK;
}

/* Installs direction d's TLS 1.2 keys from the key block (d 0: client_write_*). */
static int install12(gls_offline_keys *k, const struct gls_key_block12 *kb, int d, bool etm)
{
    const struct gls_suite *s = k->suite;
    const uint8_t *key = d == 0 ? kb->c_key : kb->s_key;
    k->have_ap[d] = true;
    if (s->aead) {
        enum gls_rec_mode mode =
            s->cipher == GLS_AEAD_CHACHA20_POLY1305 ? GLS_REC_TLS12_CHACHA : GLS_REC_TLS12_GCM;
        return gls_rec_set_aead(&k->ap[d], mode, gls_aead_get(k->crypto, s->cipher), key,
                                d == 0 ? kb->c_iv : kb->s_iv, kb->iv_len, false);
    }
    return gls_rec_set_cbc(&k->ap[d], k->crypto, s->cbc_key_len, gls_hash_get(k->crypto, s->mac),
                           key, d == 0 ? kb->c_mac : kb->s_mac, etm, false);
}

/* Key lengths of one suite's TLS 1.2 key block (RFC 5246 §6.3; RFC 5288: a 4-byte GCM salt;
 * RFC 7905: a 12-byte ChaCha20 IV; CBC: no fixed IV). */
static const size_t aead_key_len[GLS_AEAD_COUNT] = {
    [GLS_AEAD_AES_128_GCM] = 16, [GLS_AEAD_AES_256_GCM] = 32, [GLS_AEAD_CHACHA20_POLY1305] = 32};
static const size_t hash_len[GLS_HASH_COUNT] = {
    [GLS_HASH_SHA1] = 20, [GLS_HASH_SHA256] = 32, [GLS_HASH_SHA384] = 48, [GLS_HASH_SHA512] = 64};

static void key_lens12(const struct gls_suite *s, struct gls_key_block12 *kb)
{
    if (s->aead) {
        kb->key_len = aead_key_len[s->cipher];
        kb->iv_len = s->cipher == GLS_AEAD_CHACHA20_POLY1305 ? 12 : 4;
    } else {
        kb->mac_len = hash_len[s->mac];
        kb->key_len = s->cbc_key_len;
    }
}

/* see trace.h */
int gls_trace_suite_facts(uint16_t suite, struct gls_trace_suite *out)
{
    static const char *const aead_name[GLS_AEAD_COUNT] = {[GLS_AEAD_AES_128_GCM] = "AES-128-GCM",
                                                          [GLS_AEAD_AES_256_GCM] = "AES-256-GCM",
                                                          [GLS_AEAD_CHACHA20_POLY1305] =
                                                              "ChaCha20-Poly1305"};
    static const char *const mac_name[GLS_HASH_COUNT] = {[GLS_HASH_SHA1] = "HMAC-SHA1",
                                                         [GLS_HASH_SHA256] = "HMAC-SHA256",
                                                         [GLS_HASH_SHA384] = "HMAC-SHA384",
                                                         [GLS_HASH_SHA512] = "HMAC-SHA512"};
    const struct gls_suite *s = gls_suite_get(suite);
    if (s == NULL) {
        return GLS_E_UNSUPPORTED;
    }
    struct gls_key_block12 kb;
    memset(&kb, 0, sizeof kb);
    key_lens12(s, &kb);
    memset(out, 0, sizeof *out);
    out->version = s->version;
    out->sha384 = s->prf == GLS_HASH_SHA384;
    out->hash_len = hash_len[s->prf];
    out->aead = s->aead;
    out->chacha = s->aead && s->cipher == GLS_AEAD_CHACHA20_POLY1305;
    out->cipher =
        s->aead ? aead_name[s->cipher] : (s->cbc_key_len == 32 ? "AES-256-CBC" : "AES-128-CBC");
    out->mac = s->aead ? NULL : mac_name[s->mac];
    out->mac_key_len = kb.mac_len;
    out->enc_key_len = kb.key_len;
    out->fixed_iv_len = s->version == GLS_TLS13 ? 12 : kb.iv_len;
    return GLS_OK;
}

/* Key block from the master secret, both directions installed, and the client's expected
 * verify_data when the transcript is known. */
static int keys12_from_master(gls_offline_keys *k, const struct gls_offline_session *s,
                              const gls_secret *ms, const gls_secret_sink *sink)
{
    struct gls_key_block12 kb;
    memset(&kb, 0, sizeof kb);
    key_lens12(k->suite, &kb);
    k->ms12 = *ms;
    int err = gls_prf12_key_block(k->hash, ms, s->client_random, s->server_random, &kb, sink);
    if (err == GLS_OK) {
        err = install12(k, &kb, 0, s->etm);
    }
    if (err == GLS_OK) {
        err = install12(k, &kb, 1, s->etm);
    }
    gls_key_block12_wipe(&kb);
    if (err == GLS_OK && s->transcript_len > 0) {
        gls_digest th;
        th.len = k->hash->len;
        err = gls_hash(k->hash, s->transcript, s->transcript_len, th.b);
        if (err == GLS_OK) {
            err = gls_prf12_verify_data(k->hash, ms, true, &th, k->client_verify, sink);
        }
        k->check_client_finished = err == GLS_OK;
    }
    return err;
}

/* Master secret from the pre-master secret (wiped here), then the key block. */
static int keys12_from_pms(gls_offline_keys *k, const struct gls_offline_session *s,
                           gls_secret *pms, const gls_secret_sink *sink)
{
    gls_secret ms;
    int err;
    if (s->ems) {
        gls_digest sh;
        sh.len = k->hash->len;
        err = gls_hash(k->hash, s->transcript, s->through_cke, sh.b);
        if (err == GLS_OK) {
            err = gls_prf12_ext_master(k->hash, pms->b, pms->len, &sh, &ms, sink);
        }
    } else {
        err = gls_prf12_master(k->hash, pms->b, pms->len, s->client_random, s->server_random, &ms,
                               sink);
    }
    gls_secret_wipe(pms);
    if (err == GLS_OK) {
        err = keys12_from_master(k, s, &ms, sink);
    }
    gls_secret_wipe(&ms);
    return err;
}

/* The session's key exchange, when the server's long-term key cannot open it. */
static int not_rsa_kx(const struct gls_offline_session *s, struct gls_offline_why *why)
{
    const char *kx = gls_suite_kx(s->suite);
    if (s->version == GLS_TLS13) {
        kx = "TLS 1.3 (EC)DHE";
    }
    return say(why, GLS_E_INSUFFICIENT_SECURITY, "forward_secret",
               "forward secret: the key exchange was %s; the long-term key only signed, and the "
               "ephemeral keys are gone. Only a key log written by an endpoint can decrypt it%s",
               kx != NULL ? kx : "unknown",
               s->version == GLS_TLS13 ? ""
                                       : " (or, if the server sent a ticket, its ticket key: "
                                         "TLS 1.2 sends the ticket in the clear)");
}

/* The EncryptedPreMasterSecret without its 2-byte length (RFC 5246 §7.4.7.1). */
static gls_bytes encrypted_pms(const struct gls_offline_session *s)
{
    gls_reader r = gls_reader_init(s->cke, s->cke_len);
    gls_bytes v = gls_read_opaque16(&r, 1, 65535);
    return gls_reader_done(&r) ? v : gls_bytes_of(s->cke, s->cke_len);
}

/* see trace.h */
int gls_offline_keys_from_rsa(const struct gls_offline_session *s, const uint8_t *key_pem,
                              size_t key_len, gls_offline_keys **out, gls_offline_step_fn step,
                              void *arg, struct gls_offline_why *why)
{
    struct step st = {step, arg};
    gls_secret_sink sink = {step != NULL ? on_step : NULL, &st};
    gls_pkey *key = NULL;
    gls_secret pms;
    *out = NULL;
    if (s->version == GLS_TLS13 || gls_suite_kx(s->suite) == NULL ||
        strcmp(gls_suite_kx(s->suite), "RSA") != 0) {
        return not_rsa_kx(s, why);
    }
    if (s->cke_len == 0 || (s->ems && s->through_cke == 0)) {
        return say(why, GLS_E_UNSUPPORTED, "unsupported",
                   s->cke_len == 0 ? "the recording has no ClientKeyExchange"
                                   : "extended master secret: the handshake transcript is missing");
    }
    if (gls_pkey_from_pem(key_pem, key_len, &key) != GLS_OK || gls_pkey_type(key) != GLS_KEY_RSA) {
        gls_pkey_free(key);
        return say(why, GLS_E_BAD_KEY_FILE, "bad_key",
                   "the key is not a readable RSA private key, so it cannot open an RSA key "
                   "exchange");
    }
    TRY(keys_new(s, out, why));
    gls_bytes enc = encrypted_pms(s);
    int err = gls_rsa_decrypt_pms(key, s->client_version, enc.p, enc.len, &pms);
    gls_pkey_free(key);
    if (err == GLS_OK) {
        report_as(&st, GLS_SID_PRE_MASTER_SECRET,
                  "RSA-decrypt(server private key, ClientKeyExchange.exchange_keys) "
                  "(RFC 5246 §7.4.7.1)",
                  "anyone with the server's private key and a recording", pms.b, pms.len);
        err = keys12_from_pms(*out, s, &pms, &sink);
    }
    if (err != GLS_OK) {
        gls_offline_keys_free(*out);
        *out = NULL;
        return say(why, err, "unsupported", "key derivation failed: %s", gls_error_name(err));
    }
    return GLS_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        return (c | 0x20) - 'a' + 10;
    }
    return -1;
}

/* Decodes n hex digits at p into out (n/2 bytes); false on a non-hex digit. */
static bool unhex(const char *p, size_t n, uint8_t *out)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        int hi = hexval(p[i]);
        int lo = hexval(p[i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return n % 2 == 0;
}

/* One key-log line "LABEL <64 hex client_random> <hex secret>": its secret if the label and
 * client random match. */
static bool line_secret(const char *p, size_t n, const char *label, const uint8_t cr[32],
                        gls_secret *out)
{
    size_t ll = strlen(label);
    uint8_t got[32];
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t')) {
        n--;
    }
    if (n < ll + 1 + 64 + 2 || memcmp(p, label, ll) != 0 || p[ll] != ' ' || p[ll + 65] != ' ' ||
        !unhex(p + ll + 1, 64, got) || memcmp(got, cr, 32) != 0) {
        return false;
    }
    size_t hex = n - (ll + 66);
    if (hex > 2 * GLS_MAX_SECRET || !unhex(p + ll + 66, hex, out->b)) {
        return false;
    }
    out->len = (uint8_t)(hex / 2);
    return true;
}

/* The first line of the key log with this label and client random. */
static bool find_secret(const char *log, size_t len, const char *label, const uint8_t cr[32],
                        gls_secret *out)
{
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(log + at, '\n', len - at);
        size_t end = nl != NULL ? (size_t)(nl - log) : len;
        if (line_secret(log + at, end - at, label, cr, out)) {
            return true;
        }
        at = end + 1;
    }
    return false;
}

/* TLS 1.3: write key and IV of one traffic secret, reported and installed. */
static int install13(gls_offline_keys *k, const struct step *st, int d, bool hs,
                     const gls_secret *traffic)
{
    static const enum gls_secret_id ids[2][2][2] = {
        {{GLS_SID_CLIENT_APPLICATION_KEY, GLS_SID_CLIENT_APPLICATION_IV},
         {GLS_SID_CLIENT_HANDSHAKE_KEY, GLS_SID_CLIENT_HANDSHAKE_IV}},
        {{GLS_SID_SERVER_APPLICATION_KEY, GLS_SID_SERVER_APPLICATION_IV},
         {GLS_SID_SERVER_HANDSHAKE_KEY, GLS_SID_SERVER_HANDSHAKE_IV}},
    };
    const gls_aead_alg *a = gls_aead_get(k->crypto, k->suite->cipher);
    gls_secret_sink sink = {st->fn != NULL ? on_step : NULL, (void *)st};
    uint8_t key[32];
    uint8_t iv[12];
    int err = gls_ks13_traffic_key_iv(k->hash, traffic, key, a->key_len, iv, sizeof iv);
    if (err == GLS_OK) {
        gls_secret_report(&sink, ids[d][hs][0], key, a->key_len);
        gls_secret_report(&sink, ids[d][hs][1], iv, sizeof iv);
        err = gls_rec_set_aead(hs ? &k->hs[d] : &k->ap[d], GLS_REC_TLS13, a, key, iv, sizeof iv,
                               false);
    }
    gls_wipe(key, sizeof key);
    gls_wipe(iv, sizeof iv);
    if (err == GLS_OK) {
        *(hs ? &k->have_hs[d] : &k->have_ap[d]) = true;
    }
    return err;
}

/* TLS 1.3 keys from the four traffic-secret lines (the handshake ones are optional). */
static int keys13_from_log(gls_offline_keys *k, const struct gls_offline_session *s,
                           const char *log, size_t len, const struct step *st)
{
    static const struct {
        const char *label;
        enum gls_secret_id id;
        int dir;
        bool hs;
    } want[] = {
        {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", GLS_SID_C_HS_TRAFFIC, 0, true},
        {"SERVER_HANDSHAKE_TRAFFIC_SECRET", GLS_SID_S_HS_TRAFFIC, 1, true},
        {"CLIENT_TRAFFIC_SECRET_0", GLS_SID_C_AP_TRAFFIC, 0, false},
        {"SERVER_TRAFFIC_SECRET_0", GLS_SID_S_AP_TRAFFIC, 1, false},
    };
    int err = GLS_OK;
    for (size_t i = 0; i < sizeof want / sizeof want[0] && err == GLS_OK; i++) {
        gls_secret t;
        if (!find_secret(log, len, want[i].label, s->client_random, &t)) {
            continue;
        }
        report_as(st, want[i].id, "read from the key log", "whoever holds the key log", t.b, t.len);
        err = t.len == k->hash->len ? install13(k, st, want[i].dir, want[i].hs, &t) : GLS_E_DECODE;
        if (err == GLS_OK && !want[i].hs) {
            k->ap_secret[want[i].dir] = t;
        }
        gls_secret_wipe(&t);
    }
    return err;
}

/* see trace.h */
int gls_offline_keys_from_keylog(const struct gls_offline_session *s, const char *keylog,
                                 size_t len, gls_offline_keys **out, gls_offline_step_fn step,
                                 void *arg, struct gls_offline_why *why)
{
    struct step st = {step, arg};
    gls_secret_sink sink = {step != NULL ? on_step : NULL, &st};
    int err = GLS_OK;
    *out = NULL;
    TRY(keys_new(s, out, why));
    gls_offline_keys *k = *out;
    k->step = step;
    k->step_arg = arg;
    if (s->version == GLS_TLS13) {
        err = keys13_from_log(k, s, keylog, len, &st);
    } else {
        gls_secret ms;
        if (!find_secret(keylog, len, "CLIENT_RANDOM", s->client_random, &ms)) {
            ms.len = 0;
        } else if (ms.len != GLS_MASTER_SECRET_LEN) {
            err = GLS_E_DECODE;
        }
        if (ms.len == GLS_MASTER_SECRET_LEN) {
            report_as(&st, s->ems ? GLS_SID_EXT_MASTER_SECRET_12 : GLS_SID_MASTER_SECRET_12,
                      "read from the key log (CLIENT_RANDOM line)", "whoever holds the key log",
                      ms.b, ms.len);
            err = keys12_from_master(k, s, &ms, &sink);
        }
        gls_secret_wipe(&ms);
    }
    if (err == GLS_OK && (!k->have_ap[0] || !k->have_ap[1])) {
        err =
            say(why, GLS_E_FILE, "no_keylog_line",
                "the key log has no %s line for this session (client_random %02x%02x%02x%02x...)",
                s->version == GLS_TLS13 ? "CLIENT_TRAFFIC_SECRET_0/SERVER_TRAFFIC_SECRET_0"
                                        : "CLIENT_RANDOM",
                s->client_random[0], s->client_random[1], s->client_random[2], s->client_random[3]);
    } else if (err != GLS_OK) {
        err = say(why, err, "unsupported", "a key-log secret does not fit this session's suite");
    }
    if (err != GLS_OK) {
        gls_offline_keys_free(k);
        *out = NULL;
    }
    return err;
}

/* Opens one record under d's keys into k->buf; *c views the plaintext. */
static int open_one(struct gls_offline_keys *k, struct gls_rec_dir *d,
                    const struct gls_offline_record *r, struct gls_rec_content *c)
{
    if (r->len > SCRATCH - 5) {
        return GLS_E_RECORD_OVERFLOW;
    }
    k->buf[0] = r->type;
    k->buf[1] = (uint8_t)(r->version >> 8);
    k->buf[2] = (uint8_t)r->version;
    k->buf[3] = (uint8_t)(r->len >> 8);
    k->buf[4] = (uint8_t)r->len;
    if (r->len > 0) {
        memcpy(k->buf + 5, r->payload, r->len);
    }
    return gls_rec_open(d, k->buf, 5 + r->len, c);
}

/* TLS 1.2: the first record must be a Finished (the client's: with the right verify_data). */
static bool finished_ok(const gls_offline_keys *k, int dir, const struct gls_rec_content *c)
{
    if (c->type != GLS_CT_HANDSHAKE || c->data.len != 4 + GLS_VERIFY_DATA_LEN ||
        c->data.p[0] != GLS_HS_FINISHED) {
        return false;
    }
    return dir != GLS_OFFLINE_C2S || !k->check_client_finished ||
           gls_ct_eq(c->data.p + 4, k->client_verify, GLS_VERIFY_DATA_LEN);
}

/* TLS 1.3: handshake keys while they open the records, then application keys. *epoch says
 * which opened it. */
static int open13(gls_offline_keys *k, int dir, const struct gls_offline_record *r, bool *in_hs,
                  struct gls_rec_content *c, unsigned *epoch)
{
    if (*in_hs && k->have_hs[dir]) {
        if (open_one(k, &k->hs[dir], r, c) == GLS_OK) {
            *epoch = 0;
            return GLS_OK;
        }
    }
    int err = open_one(k, &k->ap[dir], r, c);
    *epoch = k->ap_epoch[dir];
    if (err == GLS_OK) {
        *in_hs = false;
    } else if (*in_hs && !k->have_hs[dir]) {
        c->type = 0; /* a handshake record whose key the key log did not give */
        c->data = gls_bytes_of(NULL, 0);
        *epoch = 0;
        return GLS_OK;
    }
    return err;
}

/* True if the plaintext handshake record p[0..n) holds a KeyUpdate (RFC 8446 §4.6.3; it must
 * end its record, §5.1). */
static bool has_key_update(const uint8_t *p, size_t n)
{
    gls_reader r = gls_reader_init(p, n);
    while (gls_reader_left(&r) > 0) {
        uint8_t type = gls_read_u8(&r);
        (void)gls_read_opaque24(&r, 0, (1u << 24) - 1);
        if (r.bad) {
            return false;
        }
        if (type == GLS_HS_KEY_UPDATE) {
            return true;
        }
    }
    return false;
}

/* After a KeyUpdate from dir: application_traffic_secret_N+1, reported, and its keys. */
static int follow_key_update(gls_offline_keys *k, int dir)
{
    struct step st = {k->step, k->step_arg};
    gls_secret_sink sink = {st.fn != NULL ? on_step : NULL, &st};
    gls_secret next;
    if (k->ap_secret[dir].len == 0) {
        return GLS_E_UNSUPPORTED;
    }
    TRY(gls_ks13_next_traffic(k->hash, &k->ap_secret[dir], dir == GLS_OFFLINE_C2S, &next, &sink));
    int err = install13(k, &st, dir, false, &next);
    gls_secret_wipe(&k->ap_secret[dir]);
    k->ap_secret[dir] = next;
    gls_secret_wipe(&next);
    k->ap_epoch[dir]++;
    return err;
}

/* see trace.h */
int gls_offline_open_records(gls_offline_keys *k, int dir, const struct gls_offline_record *recs,
                             size_t n, gls_offline_data_fn fn, void *arg,
                             struct gls_offline_why *why)
{
    bool in_hs = true;
    if (dir != GLS_OFFLINE_C2S && dir != GLS_OFFLINE_S2C) {
        return say(why, GLS_E_INVALID_ARGUMENT, "unsupported", "no such direction");
    }
    for (size_t i = 0; i < n; i++) {
        struct gls_rec_content c;
        unsigned epoch = 1;
        struct gls_rec_dir *used = &k->ap[dir];
        int err = k->version == GLS_TLS13 ? open13(k, dir, &recs[i], &in_hs, &c, &epoch)
                                          : open_one(k, &k->ap[dir], &recs[i], &c);
        if (k->version == GLS_TLS13 && epoch == 0) {
            used = &k->hs[dir];
        }
        bool first12 = k->version == GLS_TLS12 && i == 0;
        if (first12 && (err != GLS_OK || !finished_ok(k, dir, &c))) {
            return say(why, GLS_E_BAD_FINISHED, "wrong_key",
                       "the %s Finished does not verify: this key did not make this session",
                       dir == GLS_OFFLINE_C2S ? "client's" : "server's");
        }
        if (err != GLS_OK && k->version == GLS_TLS13 && in_hs && i == 0) {
            return say(why, GLS_E_BAD_RECORD_MAC, "wrong_key",
                       "the first protected record does not open: these secrets did not make "
                       "this session");
        }
        if (err != GLS_OK) {
            return say(why, err, "record_failed", "%s record %zu does not open (%s)%s",
                       dir == GLS_OFFLINE_C2S ? "client -> server" : "server -> client", i,
                       gls_error_name(err),
                       k->ap_epoch[dir] > 1 ? " after following a KeyUpdate" : "");
        }
        if (fn != NULL) {
            struct gls_offline_opened o = {i,      epoch,    c.type == 0 ? 0 : used->seq - 1,
                                           c.type, c.data.p, c.data.len};
            fn(arg, dir, &o);
        }
        if (k->version == GLS_TLS13 && epoch > 0 && c.type == GLS_CT_HANDSHAKE &&
            has_key_update(c.data.p, c.data.len)) {
            err = follow_key_update(k, dir);
            if (err != GLS_OK) {
                return say(why, err, "record_failed",
                           "%s KeyUpdate after record %zu cannot be followed (%s)",
                           dir == GLS_OFFLINE_C2S ? "client -> server" : "server -> client", i,
                           gls_error_name(err));
            }
        }
    }
    if (k->version == GLS_TLS13 && in_hs && n > 5 && !k->have_hs[dir]) {
        return say(why, GLS_E_BAD_RECORD_MAC, "wrong_key",
                   "no record opens under the key log's application traffic secret: it did not "
                   "make this session");
    }
    return GLS_OK;
}

#define GLS_TLS13_MAX_FLIGHT (256 * 1024) /* the server's encrypted flight kept, at most */

/* TLS 1.3: the server's protected flight opened under its handshake keys (k->hs[1], which
 * this advances) and appended to tr[*len..] through the server's Finished. */
static int server_flight(gls_offline_keys *k, const struct gls_offline_record *recs, size_t n,
                         uint8_t *tr, size_t cap, size_t *len, struct gls_offline_why *why)
{
    size_t start = *len;
    for (size_t i = 0; i < n; i++) {
        struct gls_rec_content c;
        if (open_one(k, &k->hs[1], &recs[i], &c) != GLS_OK) {
            return i == 0 ? say(why, GLS_E_BAD_RECORD_MAC, "wrong_key",
                                "the server's first protected record (EncryptedExtensions) does "
                                "not open under the server_handshake_write_key derived from this "
                                "shared secret: it did not make this session")
                          : say(why, GLS_E_BAD_RECORD_MAC, "record_failed",
                                "server -> client record %zu does not open", i);
        }
        if (c.type != GLS_CT_HANDSHAKE || *len + c.data.len > cap) {
            continue;
        }
        memcpy(tr + *len, c.data.p, c.data.len);
        *len += c.data.len;
        for (size_t at = start; at + 4 <= *len;) { /* complete through a Finished? */
            size_t mlen = 4 + ((size_t)tr[at + 1] << 16 | (size_t)tr[at + 2] << 8 | tr[at + 3]);
            if (at + mlen > *len) {
                break;
            }
            if (tr[at] == GLS_HS_FINISHED) {
                *len = at + mlen;
                return GLS_OK;
            }
            at += mlen;
        }
    }
    return say(why, GLS_E_DECODE, "record_failed",
               "the server's protected flight ends before its Finished");
}

/* The TLS 1.3 schedule from (EC)DHE to both directions' traffic keys (see trace.h). */
static int keys13_from_dhe(gls_offline_keys *k, const struct gls_offline_session *s,
                           const uint8_t *dhe, size_t dhe_len, const struct gls_offline_record *s2c,
                           size_t n, const struct step *st, struct gls_offline_why *why)
{
    gls_secret_sink sink = {st->fn != NULL ? on_step : NULL, (void *)st};
    static const struct step quiet = {NULL, NULL};
    gls_early_secret early = {0};
    gls_handshake_secret hs = {0};
    gls_master_secret ms = {0};
    gls_secret t[4];
    gls_digest th = {.len = k->hash->len};
    size_t cap = s->transcript_len + GLS_TLS13_MAX_FLIGHT;
    size_t len = s->transcript_len;
    uint8_t *tr = malloc(cap);
    memset(t, 0, sizeof t);
    if (tr == NULL) {
        return say(why, GLS_E_NO_MEMORY, "unsupported", "out of memory");
    }
    memcpy(tr, s->transcript, len);
    int err = gls_ks13_early(&early, k->hash, NULL, &sink);
    err = err ? err : gls_ks13_handshake(&hs, &early, dhe, dhe_len, &sink);
    err = err ? err : gls_hash(k->hash, tr, len, th.b);
    err = err ? err : gls_ks13_derive(&hs.s, k->hash, GLS_SID_C_HS_TRAFFIC, &th, &t[0], &sink);
    err = err ? err : gls_ks13_derive(&hs.s, k->hash, GLS_SID_S_HS_TRAFFIC, &th, &t[1], &sink);
    err = err ? err : install13(k, st, 1, true, &t[1]);
    err = err ? err : install13(k, st, 0, true, &t[0]);
    if (err != GLS_OK) {
        err = say(why, err, "unsupported", "key derivation failed: %s", gls_error_name(err));
    } else {
        err = server_flight(k, s2c, n, tr, cap, &len, why);
    }
    if (err == GLS_OK) {
        err = install13(k, &quiet, 1, true, &t[1]); /* back to sequence number 0 */
        err = err ? err : gls_hash(k->hash, tr, len, th.b);
        err = err ? err : gls_ks13_master(&ms, &hs, &sink);
        err = err ? err : gls_ks13_derive(&ms.s, k->hash, GLS_SID_C_AP_TRAFFIC, &th, &t[2], &sink);
        err = err ? err : gls_ks13_derive(&ms.s, k->hash, GLS_SID_S_AP_TRAFFIC, &th, &t[3], &sink);
        err = err ? err : install13(k, st, 1, false, &t[3]);
        err = err ? err : install13(k, st, 0, false, &t[2]);
        if (err == GLS_OK) {
            k->ap_secret[0] = t[2];
            k->ap_secret[1] = t[3];
        } else {
            err = say(why, err, "unsupported", "key derivation failed: %s", gls_error_name(err));
        }
    }
    gls_secret_wipe(&early.s);
    gls_secret_wipe(&hs.s);
    gls_secret_wipe(&ms.s);
    for (size_t i = 0; i < 4; i++) {
        gls_secret_wipe(&t[i]);
    }
    gls_wipe(tr, cap);
    free(tr);
    return err;
}

/* see trace.h */
int gls_offline_keys_from_dhe13(const struct gls_offline_session *s, const uint8_t *dhe,
                                size_t dhe_len, const char *dhe_formula,
                                const struct gls_offline_record *s2c, size_t n,
                                gls_offline_keys **out, gls_offline_step_fn step, void *arg,
                                struct gls_offline_why *why)
{
    struct step st = {step, arg};
    *out = NULL;
    if (s->version != GLS_TLS13 || s->transcript_len == 0 || dhe_len == 0) {
        return say(why, GLS_E_UNSUPPORTED, "unsupported",
                   "only a TLS 1.3 full handshake opens from its shared secret");
    }
    TRY(keys_new(s, out, why));
    gls_offline_keys *k = *out;
    k->step = step;
    k->step_arg = arg;
    report_as(&st, GLS_SID_DHE_SHARED_SECRET, dhe_formula, "whoever recovered it", dhe, dhe_len);
    int err = keys13_from_dhe(k, s, dhe, dhe_len, s2c, n, &st, why);
    if (err != GLS_OK) {
        gls_offline_keys_free(k);
        *out = NULL;
    }
    return err;
}

/* see trace.h */
bool gls_offline_master_secret(const gls_offline_keys *k, uint8_t out[48])
{
    if (k == NULL || k->version != GLS_TLS12 || k->ms12.len != GLS_MASTER_SECRET_LEN) {
        return false;
    }
    memcpy(out, k->ms12.b, GLS_MASTER_SECRET_LEN);
    return true;
}

/* TLS 1.2 keys from a master secret obtained some other way, reported with its origin. */
static int keys_from_master_as(const struct gls_offline_session *s, const uint8_t master[48],
                               gls_offline_keys **out, gls_offline_step_fn step, void *arg,
                               struct gls_offline_why *why, const char *formula, const char *who)
{
    struct step st = {step, arg};
    gls_secret_sink sink = {step != NULL ? on_step : NULL, &st};
    gls_secret ms = {.len = GLS_MASTER_SECRET_LEN};
    *out = NULL;
    if (s->version != GLS_TLS12) {
        return say(why, GLS_E_UNSUPPORTED, "unsupported", "only TLS 1.2 sessions resume this way");
    }
    TRY(keys_new(s, out, why));
    memcpy(ms.b, master, GLS_MASTER_SECRET_LEN);
    report_as(&st, s->ems ? GLS_SID_EXT_MASTER_SECRET_12 : GLS_SID_MASTER_SECRET_12, formula, who,
              ms.b, ms.len);
    int err = keys12_from_master(*out, s, &ms, &sink);
    gls_secret_wipe(&ms);
    if (err != GLS_OK) {
        gls_offline_keys_free(*out);
        *out = NULL;
        return say(why, err, "unsupported", "key derivation failed: %s", gls_error_name(err));
    }
    return GLS_OK;
}

/* see trace.h */
int gls_offline_keys_from_master(const struct gls_offline_session *s, const uint8_t master[48],
                                 gls_offline_keys **out, gls_offline_step_fn step, void *arg,
                                 struct gls_offline_why *why)
{
    return keys_from_master_as(s, master, out, step, arg, why,
                               "carried over from the full handshake this session resumes "
                               "(RFC 5246 §7.3)",
                               "whoever opened the session it resumes");
}

/* see trace.h */
int gls_trace_ticket_key(const gls_config *cfg, uint8_t key[32], int64_t *rotation)
{
    if (cfg == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    memcpy(key, cfg->ticket_master, GLS_TICKET_KEY_LEN);
    *rotation = cfg->ticket_rotation;
    return GLS_OK;
}

/* see trace.h */
int gls_trace_set_ticket_key(gls_config *cfg, const uint8_t key[32])
{
    if (cfg == NULL) {
        return GLS_E_INVALID_ARGUMENT;
    }
    if (atomic_load(&cfg->frozen)) {
        return GLS_E_CONFIG_FROZEN;
    }
    memcpy(cfg->ticket_master, key, GLS_TICKET_KEY_LEN);
    return GLS_OK;
}

/* see trace.h */
int gls_offline_keys_from_ticket(const struct gls_offline_session *s, const uint8_t *ticket,
                                 size_t ticket_len, const uint8_t key[32], int64_t rotation,
                                 int64_t now, gls_offline_keys **out, gls_offline_step_fn step,
                                 void *arg, struct gls_offline_why *why)
{
    struct gls_ticket t;
    gls_crypto *cr = NULL;
    *out = NULL;
    if (s->version == GLS_TLS13) {
        return say(why, GLS_E_INSUFFICIENT_SECURITY, "ticket_encrypted",
                   "TLS 1.3 sends its NewSessionTicket encrypted under the application traffic "
                   "keys, so the recording holds no ticket for the ticket key to open (and a "
                   "psk_dhe_ke resumption mixes in a fresh (EC)DHE)");
    }
    if (ticket_len == 0) {
        return say(why, GLS_E_UNSUPPORTED, "unsupported", "the recording has no NewSessionTicket");
    }
    TRY(gls_crypto_new(&cr));
    memset(&t, 0, sizeof t);
    bool ok = gls_ticket_open(cr, key, now, rotation, ticket, ticket_len, &t) &&
              t.version == GLS_TLS12 && t.psk.len == GLS_MASTER_SECRET_LEN;
    gls_crypto_free(cr);
    if (!ok) {
        gls_ticket_wipe(&t);
        return say(why, GLS_E_BAD_KEY_FILE, "wrong_key",
                   "the NewSessionTicket does not open under this ticket key");
    }
    uint8_t ms[GLS_MASTER_SECRET_LEN];
    memcpy(ms, t.psk.b, sizeof ms);
    gls_ticket_wipe(&t);
    int err = keys_from_master_as(s, ms, out, step, arg, why,
                                  "unsealed from the NewSessionTicket with the server's ticket key "
                                  "(AES-256-GCM)",
                                  "anyone with the server's ticket key and a recording");
    gls_wipe(ms, sizeof ms);
    return err;
}

/* see trace.h */
int gls_trace_hash(bool sha384, const uint8_t *p, size_t n, uint8_t out[48], size_t *len)
{
    gls_crypto *c = NULL;
    TRY(gls_crypto_new(&c));
    const gls_hash_alg *h = gls_hash_get(c, sha384 ? GLS_HASH_SHA384 : GLS_HASH_SHA256);
    *len = h->len;
    int err = gls_hash(h, p, n, out);
    gls_crypto_free(c);
    return err;
}

/* see trace.h */
int gls_trace_prf12(bool sha384, const uint8_t *secret, size_t secret_len, const char *label,
                    const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    gls_crypto *c = NULL;
    TRY(gls_crypto_new(&c));
    const gls_hash_alg *h = gls_hash_get(c, sha384 ? GLS_HASH_SHA384 : GLS_HASH_SHA256);
    int err = gls_prf12(h, secret, secret_len, label, seed, seed_len, NULL, 0, out, out_len);
    gls_crypto_free(c);
    return err;
}

/* A "random" source that hands out one given private key. */
static int give_key(void *arg, uint8_t *out, size_t len)
{
    memcpy(out, arg, len);
    return GLS_OK;
}

/* see trace.h */
int gls_trace_x25519_public(const uint8_t priv[32], uint8_t pub[32])
{
    uint8_t sk[32];
    gls_crypto *c = NULL;
    gls_kex *k = NULL;
    size_t len = 0;
    memcpy(sk, priv, sizeof sk);
    gls_rng rng = {give_key, sk};
    TRY(gls_crypto_new(&c));
    int err = gls_kex_new(c, GLS_GROUP_X25519, &rng, &k);
    err = err ? err : gls_kex_public(k, pub, 32, &len);
    err = err ? err : len == 32 ? GLS_OK : GLS_E_INTERNAL;
    gls_kex_free(k);
    gls_crypto_free(c);
    gls_wipe(sk, sizeof sk);
    return err;
}

/* see trace.h */
int gls_trace_x25519(const uint8_t priv[32], const uint8_t peer[32], uint8_t out[32])
{
    uint8_t sk[32];
    gls_crypto *c = NULL;
    gls_kex *k = NULL;
    gls_kex_secret z;
    memcpy(sk, priv, sizeof sk);
    gls_rng rng = {give_key, sk};
    TRY(gls_crypto_new(&c));
    int err = gls_kex_new(c, GLS_GROUP_X25519, &rng, &k);
    err = err ? err : gls_kex_finish(k, peer, 32, &z);
    err = err ? err : z.len == 32 ? GLS_OK : GLS_E_INTERNAL;
    if (err == GLS_OK) {
        memcpy(out, z.b, 32);
    }
    gls_kex_secret_wipe(&z);
    gls_kex_free(k);
    gls_crypto_free(c);
    gls_wipe(sk, sizeof sk);
    return err;
}

/* see trace.h */
int gls_trace_mlkem768_decaps(const uint8_t seeds[64], const uint8_t *ct, size_t ct_len,
                              uint8_t ek[1184], uint8_t ss[32])
{
    uint8_t dz[64];
    gls_crypto *c = NULL;
    gls_kex *k = NULL;
    gls_kex_secret z;
    size_t len = 0;
    memcpy(dz, seeds, sizeof dz);
    gls_rng rng = {give_key, dz};
    TRY(gls_crypto_new(&c));
    int err = gls_kex_new(c, GLS_GROUP_MLKEM768, &rng, &k);
    err = err ? err : gls_kex_public(k, ek, 1184, &len);
    err = err ? err : gls_kex_finish(k, ct, ct_len, &z);
    err = err ? err : len == 1184 && z.len == 32 ? GLS_OK : GLS_E_INTERNAL;
    if (err == GLS_OK) {
        memcpy(ss, z.b, 32);
    }
    gls_kex_secret_wipe(&z);
    gls_kex_free(k);
    gls_crypto_free(c);
    gls_wipe(dz, sizeof dz);
    return err;
}

/* see trace.h */
bool gls_trace_secret_names(const char *name, const char **rfc_name, const char **keylog_label)
{
    int id = gls_secret_id_by_name(name);
    if (id < 0) {
        return false;
    }
    *rfc_name = gls_secret_rfc_name((enum gls_secret_id)id);
    *keylog_label = gls_secret_keylog_label((enum gls_secret_id)id);
    return true;
}

/* see trace.h */
int gls_trace_generate_cert_pem(int ec, const char *const *names, size_t n, uint8_t **cert_pem,
                                size_t *cert_len, uint8_t **key_pem, size_t *key_len)
{
    gls_cert *cert = NULL;
    gls_pkey *key = NULL;
    *cert_pem = NULL;
    *key_pem = NULL;
    TRY(gls_cert_self_signed(ec ? GLS_KEY_EC_P256 : GLS_KEY_RSA, names, n, 30, &cert, &key));
    int err = gls_cert_to_pem(cert, cert_pem, cert_len);
    if (err == GLS_OK) {
        err = gls_pkey_to_pem(key, key_pem, key_len);
    }
    gls_cert_free(cert);
    gls_pkey_free(key);
    if (err != GLS_OK) {
        gls_pem_free(*cert_pem, *cert_pem != NULL ? *cert_len : 0);
        *cert_pem = NULL;
    }
    return err;
}

/* see trace.h */
void gls_trace_pem_free(uint8_t *p, size_t len)
{
    gls_pem_free(p, len);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* RSA private-key operations: the TLS 1.2 server's decryption of a pre-master secret. */
static int time_rsa(const gls_pkey *key, struct gls_speed *out)
{
    gls_secret pms = {.len = 48};
    gls_secret got = {0};
    uint8_t enc[1024];
    size_t enc_len = 0;
    int err = gls_rand_system(NULL, pms.b, pms.len);
    pms.b[0] = 0x03;
    pms.b[1] = 0x03;
    err = err ? err : gls_rsa_encrypt_pms(key, &pms, enc, sizeof enc, &enc_len);
    double start = now_seconds();
    double spent = 0;
    while (err == GLS_OK && (spent < 0.1 || out->rsa_ops < 3)) {
        err = gls_rsa_decrypt_pms(key, 0x0303, enc, enc_len, &got);
        out->rsa_ops++;
        spent = now_seconds() - start;
    }
    if (err == GLS_OK && !gls_ct_eq(got.b, pms.b, pms.len)) {
        err = GLS_E_CRYPTO; /* the decryption timed is not the one asked for */
    }
    out->rsa_op_seconds = out->rsa_ops > 0 ? spent / out->rsa_ops : 0;
    gls_secret_wipe(&pms);
    gls_secret_wipe(&got);
    return err;
}

/* AES-128-GCM seals of 16 KiB records under a random key. */
static int time_aead(struct gls_speed *out)
{
    enum { RECORD = 16384 };
    gls_crypto *c = NULL;
    gls_aead_ctx *x = NULL;
    uint8_t key[16];
    uint8_t nonce[12] = {0};
    uint8_t tag[16];
    uint8_t *buf = calloc(1, RECORD);
    int err = buf != NULL ? gls_crypto_new(&c) : GLS_E_NO_MEMORY;
    err = err ? err : gls_rand_system(NULL, key, sizeof key);
    err = err ? err : gls_aead_new(gls_aead_get(c, GLS_AEAD_AES_128_GCM), key, true, &x);
    double start = now_seconds();
    double spent = 0;
    for (uint32_t seq = 0; err == GLS_OK && spent < 0.2; seq++) {
        memcpy(nonce + 8, &seq, sizeof seq); /* a fresh nonce per record */
        err = gls_aead_seal(x, nonce, NULL, 0, buf, RECORD, tag);
        out->aead_bytes += RECORD;
        spent = now_seconds() - start;
    }
    out->aead_bytes_per_second = spent > 0 ? (double)out->aead_bytes / spent : 0;
    gls_wipe(key, sizeof key);
    gls_aead_free(x);
    gls_crypto_free(c);
    free(buf);
    return err;
}

/* see trace.h */
int gls_trace_measure(const uint8_t *key_pem, size_t key_len, struct gls_speed *out)
{
    gls_pkey *key = NULL;
    memset(out, 0, sizeof *out);
    TRY(gls_pkey_from_pem(key_pem, key_len, &key));
    int err = gls_pkey_type(key) == GLS_KEY_RSA ? GLS_OK : GLS_E_INVALID_ARGUMENT;
    out->rsa_bits = gls_pkey_bits(key);
    err = err ? err : time_rsa(key, out);
    gls_pkey_free(key);
    return err ? err : time_aead(out);
}
