/* tool/explain_inputs.c — see explain_inputs.h. The recording is read back with decrypt's
 * machinery (tlsrec.h for the plaintext handshake, the client's key log for the protected
 * records); the hashes and the classic master secret are computed here with the library's
 * primitives (trace.h) and checked independently by tests/tool/explain_selfcheck.sh. */
#include "explain_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define MAX_MSGS    40
#define MAX_OPENED  64
#define HEX_IN_TEXT 24 /* bytes of a message shown in the text output (all of it in JSON) */

struct opened {
    int dir;
    unsigned epoch;
    uint64_t seq;
    uint8_t type;
    size_t index;
    uint8_t *p;
    size_t n;
};

struct msg {
    int dir;
    uint8_t type;
    const uint8_t *p; /* header included */
    size_t n;
    bool protected_;
    const char *name; /* NULL: by type */
    bool outside; /* listed, but not in the transcript (a ClientHello replaced by message_hash) */
};

struct view {
    const struct explain_capture *cap;
    struct gls_tls_facts f;
    struct opened rec[MAX_OPENED];
    size_t n_rec;
    struct msg m[MAX_MSGS];
    size_t n_msgs;
    bool text;
    struct jbuf *j;
    uint8_t client_priv[32]; /* the client's X25519 private key, once key_shares found it */
    bool have_client_priv;
    bool hybrid_differs; /* the recomputed hybrid secret is not the one the client reported */
    struct gls_trace_suite suite; /* the negotiated suite's hash and record protection */
    uint8_t message_hash[4 + 48]; /* after a HelloRetryRequest: replaces ClientHello1 */
};

/* Zeroes secrets before the memory goes back. */
static void gls_wipe_tool_bytes(void *p, size_t n)
{
    volatile uint8_t *b = p;
    while (n-- > 0) {
        *b++ = 0;
    }
}

static void on_opened(void *arg, int dir, const struct gls_offline_opened *o)
{
    struct view *v = arg;
    if (v->n_rec == MAX_OPENED) {
        return;
    }
    struct opened *r = &v->rec[v->n_rec];
    r->p = malloc(o->n > 0 ? o->n : 1);
    if (r->p == NULL) {
        return;
    }
    memcpy(r->p, o->p, o->n);
    r->n = o->n;
    r->dir = dir;
    r->epoch = o->epoch;
    r->seq = o->seq;
    r->type = o->type;
    r->index = o->index;
    v->n_rec++;
}

static const char *msg_name(uint8_t type)
{
    switch (type) {
    case 1:
        return "ClientHello";
    case 2:
        return "ServerHello";
    case 4:
        return "NewSessionTicket";
    case 8:
        return "EncryptedExtensions";
    case 11:
        return "Certificate";
    case 12:
        return "ServerKeyExchange";
    case 13:
        return "CertificateRequest";
    case 14:
        return "ServerHelloDone";
    case 15:
        return "CertificateVerify";
    case 16:
        return "ClientKeyExchange";
    case 20:
        return "Finished";
    case 24:
        return "KeyUpdate";
    default:
        return "unknown";
    }
}

static void add_msg(struct view *v, int dir, const uint8_t *p, size_t n, bool protected_)
{
    if (v->n_msgs < MAX_MSGS && n >= 4) {
        v->m[v->n_msgs++] = (struct msg){dir, p[0], p, n, protected_, NULL, false};
    }
}

/* Which side sent a plaintext handshake message: the client's if it is one of the client's
 * stream's messages. */
static int sender(const struct view *v, const struct gls_tls_hs_msg *m)
{
    const struct gls_tls_side *c = &v->f.side[GLS_TLS_C2S];
    for (size_t i = 0; i < c->n_msgs; i++) {
        if (c->msgs[i].raw.p == m->raw.p) {
            return 0;
        }
    }
    return 1;
}

/* After a HelloRetryRequest the transcript starts with message_hash = 0xfe, 00 00 Hash.length,
 * Hash(ClientHello1) in place of the first ClientHello (RFC 8446 §4.4.1). */
static void hello_retry(struct view *v, const struct gls_tls_hs_msg *ch1)
{
    size_t hl = 0;
    uint8_t h[48];
    if (gls_trace_hash(v->suite.sha384, ch1->raw.p, ch1->raw.len, h, &hl) != GLS_OK) {
        return;
    }
    v->m[v->n_msgs - 1].outside = true;
    v->message_hash[0] = 254;
    v->message_hash[1] = 0;
    v->message_hash[2] = 0;
    v->message_hash[3] = (uint8_t)hl;
    memcpy(v->message_hash + 4, h, hl);
    add_msg(v, 0, v->message_hash, 4 + hl, false);
    v->m[v->n_msgs - 1].name = "message_hash";
}

/* Splits a record's plaintext into handshake messages. */
static void add_msgs(struct view *v, const struct opened *r)
{
    for (size_t at = 0; at + 4 <= r->n;) {
        size_t len = 4 + ((size_t)r->p[at + 1] << 16 | (size_t)r->p[at + 2] << 8 | r->p[at + 3]);
        if (at + len > r->n) {
            return;
        }
        add_msg(v, r->dir, r->p + at, len, true);
        at += len;
    }
}

/* The messages in transcript order (NewSessionTicket of TLS 1.3 last, outside it). */
static void order_messages(struct view *v)
{
    const struct gls_tls_hs_msg *pm[MAX_MSGS];
    size_t n = gls_tls_transcript(&v->f, pm, MAX_MSGS);
    bool tls13 = v->f.version == 0x0304;
    const struct opened *cfin = NULL;
    const struct opened *sfin = NULL;
    for (size_t i = 0; i < v->n_rec; i++) {
        const struct opened *r = &v->rec[i];
        if (!tls13 && r->index == 0) {
            *(r->dir == 0 ? &cfin : &sfin) = r;
        }
    }
    for (size_t i = 0; i < n && i < MAX_MSGS; i++) {
        if (!tls13 && !v->f.resumed && pm[i]->type == 4 && cfin != NULL) {
            add_msgs(v, cfin); /* the client's Finished precedes the ticket */
            cfin = NULL;
        }
        add_msg(v, sender(v, pm[i]), pm[i]->raw.p, pm[i]->raw.len, false);
        if (i == 0 && v->f.hrr) {
            hello_retry(v, pm[0]);
        } else if (i == 1 && v->f.hrr) {
            v->m[v->n_msgs - 1].name = "HelloRetryRequest";
        }
    }
    if (!tls13) {
        /* a full handshake: the client's Finished first; a resumed one: the server's */
        const struct opened *fin[2] = {v->f.resumed ? sfin : cfin, v->f.resumed ? cfin : sfin};
        for (int k = 0; k < 2; k++) {
            if (fin[k] != NULL) {
                add_msgs(v, fin[k]);
            }
        }
        return;
    }
    for (int pass = 0; pass < 3; pass++) { /* server flight, client Finished, tickets */
        for (size_t i = 0; i < v->n_rec; i++) {
            const struct opened *r = &v->rec[i];
            bool want = pass == 0   ? r->dir == 1 && r->epoch == 0
                        : pass == 1 ? r->dir == 0 && r->epoch == 0
                                    : r->dir == 1 && r->epoch == 1 && r->type == 22;
            if (want && r->type == 22) {
                add_msgs(v, r);
            }
        }
    }
}

/* ---- output: each item as a text line and a JSON member ---- */

/* Where the bytes a text line leaves out can be read: "; all of them in --json" for explain's
 * own run, nothing for client --explain (which has no --json). Set by explain_inputs. */
static const char *elsewhere = "";

static void hex_out(const uint8_t *p, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        printf("%02x", p[i]);
    }
    if (n > max) {
        printf("... (%zu bytes%s)", n, elsewhere);
    }
}

static void item(struct view *v, const char *key, const char *label, const uint8_t *p, size_t n)
{
    if (v->text) {
        printf("    %s = ", label);
        hex_out(p, n, 96);
        printf("\n");
    }
    if (v->j != NULL) {
        jb_lit(v->j, ",\"");
        jb_lit(v->j, key);
        jb_lit(v->j, "\":");
        jb_hex(v->j, p, n);
    }
}

/* The last message of type sent by dir (after a HelloRetryRequest, the second ClientHello and
 * the ServerHello proper), or NULL. */
static const struct msg *find_msg(const struct view *v, int dir, uint8_t type)
{
    for (size_t i = v->n_msgs; i-- > 0;) {
        if (v->m[i].type == type && v->m[i].dir == dir && v->m[i].name == NULL) {
            return &v->m[i];
        }
    }
    return NULL;
}

static bool contains(const struct msg *m, const uint8_t *x, size_t n)
{
    for (size_t i = 0; m != NULL && i + n <= m->n; i++) {
        if (memcmp(m->p + i, x, n) == 0) {
            return true;
        }
    }
    return false;
}

/* The ephemeral X25519 keys: a 32-byte random draw whose public key appears in a message. */
static void key_shares(struct view *v)
{
    bool tls13 = v->f.version == 0x0304;
    const struct msg *where[2] = {tls13 ? find_msg(v, 0, 1) : find_msg(v, 0, 16),
                                  tls13 ? find_msg(v, 1, 2) : find_msg(v, 1, 12)};
    static const char *const who[2] = {"client", "server"};
    bool any = false;
    for (int d = 0; d < 2; d++) {
        for (size_t i = 0; i < v->cap->n_draws; i++) {
            uint8_t pub[32];
            if (gls_trace_x25519_public(v->cap->draws[i], pub) != GLS_OK ||
                !contains(where[d], pub, sizeof pub)) {
                continue;
            }
            char key[64];
            char label[96];
            if (!any && v->text) {
                printf("    key exchange X25519 (RFC 7748)%s; %s: a real endpoint never reveals "
                       "%s, and deletes %s\n",
                       v->f.group == GLS_GROUP_X25519MLKEM768 ? ", the hybrid's X25519 half" : "",
                       v->cap->in_process ? "the private keys are shown only because client "
                                            "and\n    server run in this process"
                                          : "the client's private key is shown only because "
                                            "this process is\n    the client (the server's "
                                            "stays the server's)",
                       v->cap->in_process ? "them" : "it", v->cap->in_process ? "them" : "it");
            }
            if (d == 0) {
                memcpy(v->client_priv, v->cap->draws[i], 32);
                v->have_client_priv = true;
            }
            any = true;
            snprintf(key, sizeof key, "%s_public_share", who[d]);
            snprintf(label, sizeof label, "%s public share (on the wire)", who[d]);
            item(v, key, label, pub, sizeof pub);
            snprintf(key, sizeof key, "%s_ephemeral_private_key", who[d]);
            snprintf(label, sizeof label,
                     "%s ephemeral private key (this process made it; never sent)", who[d]);
            item(v, key, label, v->cap->draws[i], 32);
            break;
        }
    }
    if (v->j != NULL) {
        jb_lit(v->j, ",\"private_keys_note\":");
        jb_text(v->j, any ? "ephemeral private keys are shown because client and server run in "
                            "this process; a real endpoint never reveals them"
                          : NULL);
    }
}

/* see explain_inputs.h */
void explain_capture_draw(struct explain_capture *cap, const uint8_t *p, size_t len)
{
    if (len == 32 && cap->n_draws < EXPLAIN_MAX_DRAWS) {
        memcpy(cap->draws[cap->n_draws++], p, 32);
    }
    if (len == 64) { /* the client's ML-KEM key seeds d || z */
        memcpy(cap->kem_seeds, p, 64);
        cap->have_kem_seeds = true;
    }
}

/* The hybrid groups (draft-ietf-tls-ecdhe-mlkem): each share and the shared secret are the
 * two parts concatenated, in the group's order. */
struct hybrid {
    uint16_t group;
    const char *name;
    const char *ec;  /* the classical half */
    size_t ec_share; /* its public share's length */
    bool kem_first;  /* X25519MLKEM768: ML-KEM part first; SecP256r1MLKEM768: EC part first */
    bool ec_again;   /* the classical half is recomputed here (X25519), not only split */
};
static const struct hybrid hybrids[] = {
    {GLS_GROUP_X25519MLKEM768, "X25519MLKEM768", "X25519", 32, true, true},
    {GLS_GROUP_SECP256R1MLKEM768, "SecP256r1MLKEM768", "P-256", 65, false, false},
};

/* A hybrid group's shares split into their halves: the ML-KEM secret decapsulated again from
 * the client's seeds, the X25519 secret recomputed (the P-256 half is split, not recomputed),
 * and their concatenation compared with the shared secret the client reported. */
static void hybrid_parts(struct view *v)
{
    enum { EK = 1184, CT = 1088, SS = 32 };
    const struct hybrid *hy = NULL;
    for (size_t i = 0; i < sizeof hybrids / sizeof hybrids[0]; i++) {
        hy = hybrids[i].group == v->f.group ? &hybrids[i] : hy;
    }
    gls_bytes sv = v->f.server_share;
    const struct msg *ch = find_msg(v, 0, 1);
    const uint8_t *dhe = NULL;
    size_t dhe_len = 0;
    uint8_t ek[EK];
    uint8_t kem[SS];
    uint8_t both[2 * SS];
    if (hy == NULL || !v->cap->have_kem_seeds || sv.len != CT + hy->ec_share ||
        !v->cap->secret(v->cap->secret_arg, "(EC)DHE shared secret", &dhe, &dhe_len) ||
        dhe_len != sizeof both) {
        return;
    }
    const uint8_t *ct = sv.p + (hy->kem_first ? 0 : hy->ec_share);
    const uint8_t *sv_ec = sv.p + (hy->kem_first ? CT : 0);
    uint8_t *kem_half = both + (hy->kem_first ? 0 : SS);
    uint8_t *ec_half = both + (hy->kem_first ? SS : 0);
    if (gls_trace_mlkem768_decaps(v->cap->kem_seeds, ct, CT, ek, kem) != GLS_OK ||
        !contains(ch, ek, EK)) {
        return;
    }
    memcpy(kem_half, kem, SS);
    if (hy->ec_again) {
        if (!v->have_client_priv || gls_trace_x25519(v->client_priv, sv_ec, ec_half) != GLS_OK) {
            return;
        }
    } else {
        memcpy(ec_half, dhe + (hy->kem_first ? SS : 0), SS);
    }
    bool same = memcmp(dhe, both, sizeof both) == 0;
    size_t cs = EK + hy->ec_share;
    if (v->text) {
        printf("    %s (draft-ietf-tls-ecdhe-mlkem): the client's share is %zu bytes, %s; the "
               "server's\n    is %zu, %s\n",
               hy->name, cs,
               hy->kem_first ? "the ML-KEM-768 encapsulation key then its X25519 share"
                             : "its P-256 share then the ML-KEM-768 encapsulation key",
               sv.len,
               hy->kem_first ? "the ML-KEM ciphertext then its X25519 share"
                             : "its P-256 share then the ML-KEM ciphertext");
    }
    char label[160];
    snprintf(label, sizeof label,
             "client ML-KEM-768 encapsulation key (share bytes %zu..%zu, on the wire)",
             hy->kem_first ? (size_t)0 : hy->ec_share, (hy->kem_first ? 0 : hy->ec_share) + EK - 1);
    item(v, "mlkem_encapsulation_key", label, ek, EK);
    item(v, "mlkem_key_seeds",
         "client ML-KEM key seeds d || z (FIPS 203 KeyGen; this process drew them; never sent)",
         v->cap->kem_seeds, sizeof v->cap->kem_seeds);
    snprintf(label, sizeof label,
             "server ML-KEM-768 ciphertext (share bytes %zu..%zu, on the wire)",
             hy->kem_first ? (size_t)0 : hy->ec_share, (hy->kem_first ? 0 : hy->ec_share) + CT - 1);
    item(v, "mlkem_ciphertext", label, ct, CT);
    snprintf(label, sizeof label, "server %s share (share bytes %zu..%zu, on the wire)", hy->ec,
             hy->kem_first ? (size_t)CT : 0, (hy->kem_first ? CT : 0) + hy->ec_share - 1);
    item(v, hy->kem_first ? "server_x25519_share" : "server_p256_share", label, sv_ec,
         hy->ec_share);
    item(v, "mlkem_shared_secret",
         "ML-KEM-768 shared secret = ML-KEM.Decaps(decapsulation key from d || z, ciphertext)",
         kem_half, SS);
    item(v, hy->kem_first ? "x25519_shared_secret" : "p256_shared_secret",
         hy->ec_again ? "X25519 shared secret = X25519(client ephemeral private key, server "
                        "X25519 share)"
                      : "P-256 shared secret (ECDH x-coordinate: the reported secret's first 32 "
                        "bytes, not recomputed here)",
         ec_half, SS);
    snprintf(label, sizeof label, "shared secret = %s || %s (64 bytes)",
             hy->kem_first ? "ML-KEM-768 shared secret" : "P-256 shared secret",
             hy->kem_first ? "X25519 shared secret" : "ML-KEM-768 shared secret");
    item(v, "hybrid_shared_secret", label, both, sizeof both);
    if (v->text) {
        printf("      %s the (EC)DHE shared secret the client reported above\n",
               same ? "equals" : "DIFFERS FROM");
    }
    if (v->j != NULL) {
        jb_printf(v->j,
                  ",\"hybrid_group\":\"%s\",\"client_share_len\":%zu,"
                  "\"server_share_len\":%zu,\"hybrid_matches_reported\":%s",
                  hy->name, cs, sv.len, same ? "true" : "false");
    }
    v->hybrid_differs = !same;
    gls_wipe_tool_bytes(both, sizeof both);
    gls_wipe_tool_bytes(kem, sizeof kem);
}

/* Hash (the suite's) of the transcript messages [0, upto]. */
static bool prefix_hash(const struct view *v, size_t upto, uint8_t out[48], size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i <= upto; i++) {
        total += v->m[i].outside ? 0 : v->m[i].n;
    }
    uint8_t *b = malloc(total + 1);
    if (b == NULL) {
        return false;
    }
    size_t at = 0;
    for (size_t i = 0; i <= upto; i++) {
        if (!v->m[i].outside) {
            memcpy(b + at, v->m[i].p, v->m[i].n);
            at += v->m[i].n;
        }
    }
    bool ok = gls_trace_hash(v->suite.sha384, b, total, out, len) == GLS_OK;
    free(b);
    return ok;
}

/* The index of the last message of type sent by dir (see find_msg), or -1. */
static long msg_index(const struct view *v, uint8_t type, int dir)
{
    const struct msg *m = find_msg(v, dir, type);
    return m != NULL ? (long)(m - v->m) : -1;
}

/* A message as the transcript labels name it: "ServerHello", "client Finished". Certificate,
 * CertificateVerify and Finished come from both sides: the client's say so (and Finished both). */
static void msg_label(const struct msg *m, char *out, size_t cap)
{
    const char *name = m->name != NULL ? m->name : msg_name(m->type);
    bool both = m->type == 11 || m->type == 15;
    if (m->type == 20 || (both && m->dir == 0)) {
        snprintf(out, cap, "%s %s", m->dir == 0 ? "client" : "server", name);
    } else {
        snprintf(out, cap, "%s", name);
    }
}

/* A transcript hash: of the messages [0, upto], and the values that use it. */
struct hash_point {
    long upto;
    char used_by[200];
};

/* Adds use to the point through upto (one point per distinct upto, in transcript order). */
static void add_point(struct hash_point *pts, size_t *n, size_t cap, long upto, const char *use)
{
    if (upto < 0) {
        return;
    }
    size_t i = 0;
    while (i < *n && pts[i].upto < upto) {
        i++;
    }
    if (i < *n && pts[i].upto == upto) {
        size_t len = strlen(pts[i].used_by);
        snprintf(pts[i].used_by + len, sizeof pts[i].used_by - len, ", %s", use);
        return;
    }
    if (*n == cap) {
        return;
    }
    memmove(pts + i + 1, pts + i, (*n - i) * sizeof pts[0]);
    pts[i].upto = upto;
    snprintf(pts[i].used_by, sizeof pts[i].used_by, "%s", use);
    (*n)++;
}

static void transcript_hashes(struct view *v, const struct hash_point *pts, size_t n,
                              const char *json_key)
{
    const char *hash = v->suite.sha384 ? "SHA-384" : "SHA-256";
    if (v->text) {
        printf("    transcript hashes (%s, the suite's hash, of the messages' bytes, headers "
               "included):\n",
               hash);
        if (v->f.hrr) {
            printf("      after the HelloRetryRequest, message_hash (0xfe, 00 00 %02x, "
                   "Hash(ClientHello1)) stands\n      in for the first ClientHello (RFC 8446 "
                   "§4.4.1)\n",
                   v->suite.sha384 ? 48 : 32);
        }
    }
    if (v->j != NULL) {
        jb_printf(v->j, ",\"%s\":[", json_key);
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        uint8_t h[48];
        size_t hl = 0;
        char last[48];
        char covers[128];
        if (!prefix_hash(v, (size_t)pts[i].upto, h, &hl)) {
            continue;
        }
        msg_label(&v->m[pts[i].upto], last, sizeof last);
        snprintf(covers, sizeof covers, "%sClientHello...%s",
                 v->f.hrr ? "message_hash, HelloRetryRequest, " : "", last);
        if (v->text) {
            printf("      Hash(%s) = ", covers);
            hex_out(h, hl, 64);
            printf("\n        used by: %s\n", pts[i].used_by);
        }
        if (v->j != NULL) {
            jb_lit(v->j, first ? "{\"covers\":" : ",{\"covers\":");
            jb_text(v->j, covers);
            jb_printf(v->j, ",\"messages\":%ld,\"value\":", pts[i].upto + 1);
            jb_hex(v->j, h, hl);
            jb_lit(v->j, ",\"used_by\":");
            jb_text(v->j, pts[i].used_by);
            jb_lit(v->j, "}");
        }
        first = false;
    }
    if (v->j != NULL) {
        jb_lit(v->j, "]");
    }
}

static void messages(struct view *v)
{
    if (v->text) {
        printf("    handshake messages in transcript order (type, 3-byte length, body):\n");
    }
    if (v->j != NULL) {
        jb_lit(v->j, ",\"messages\":[");
    }
    for (size_t i = 0; i < v->n_msgs; i++) {
        const struct msg *m = &v->m[i];
        if (v->text) {
            printf("      %-6s %-20s %5zu bytes%s%s ", m->dir == 0 ? "client" : "server",
                   m->name != NULL ? m->name : msg_name(m->type), m->n,
                   m->protected_ ? " (sent encrypted)" : "",
                   m->outside       ? " (not hashed: message_hash below stands in for it)"
                   : m->type == 254 ? " (made by both sides, never sent)"
                                    : "");
            hex_out(m->p, m->n, HEX_IN_TEXT);
            printf("\n");
        }
        if (v->j != NULL) {
            jb_lit(v->j, i == 0 ? "{\"side\":" : ",{\"side\":");
            jb_text(v->j, m->dir == 0 ? "client" : "server");
            jb_lit(v->j, ",\"type\":");
            jb_text(v->j, m->name != NULL ? m->name : msg_name(m->type));
            jb_printf(v->j, ",\"encrypted_on_wire\":%s,\"hex\":", m->protected_ ? "true" : "false");
            jb_hex(v->j, m->p, m->n);
            jb_lit(v->j, "}");
        }
    }
    if (v->j != NULL) {
        jb_lit(v->j, "]");
    }
}

static bool client_secret(const struct view *v, const char *name, const uint8_t **p, size_t *n)
{
    return v->cap->secret(v->cap->secret_arg, name, p, n);
}

/* TLS 1.2: session hash, the classic master secret beside the extended one, key lengths. */
static void inputs12(struct view *v)
{
    struct hash_point pts[4];
    size_t n = 0;
    long cke = msg_index(v, 16, 0);
    long cfin = msg_index(v, 20, 0);
    long sfin = msg_index(v, 20, 1);
    uint8_t sh[48];
    size_t shl = 0;
    if (v->f.ems && cke >= 0 && prefix_hash(v, (size_t)cke, sh, &shl)) {
        item(v, "session_hash", "session_hash = Hash(ClientHello...ClientKeyExchange)", sh, shl);
        add_point(pts, &n, 4, cke, "session_hash for extended_master_secret");
    }
    add_point(pts, &n, 4, cfin - 1, "the client's verify_data");
    add_point(pts, &n, 4, sfin - 1, "the server's verify_data");
    transcript_hashes(v, pts, n, "handshake_hashes");

    const uint8_t *pms = NULL;
    size_t pms_len = 0;
    uint8_t seed[64];
    uint8_t ms[48];
    memcpy(seed, v->f.client_random, 32);
    memcpy(seed + 32, v->f.server_random, 32);
    if (client_secret(v, "pre_master_secret", &pms, &pms_len) &&
        gls_trace_prf12(v->suite.sha384, pms, pms_len, "master secret", seed, 64, ms, 48) ==
            GLS_OK) {
        item(v, "master_secret",
             v->f.ems ? "master_secret (classic, RFC 5246 §8.1) = PRF(pre_master_secret, "
                        "\"master secret\", client_random + server_random)"
                      : "master_secret (classic, RFC 5246 §8.1; used) = PRF(pre_master_secret, "
                        "\"master secret\", client_random + server_random)",
             ms, 48);
        if (v->text && v->f.ems) {
            printf(
                "      This session negotiated the extended master secret instead (shown above), "
                "so the classic one\n      is not used. The classic formula sees only the "
                "randoms, so an attacker who runs two\n      handshakes (triple handshake "
                "attack) can give two different connections the same master\n      secret; "
                "EMS hashes the whole handshake into it (session_hash), binding the keys to "
                "this\n      connection's certificate and key exchange (RFC 7627).\n");
        } else if (v->text) {
            printf("      This session did NOT negotiate the extended master secret (RFC 7627), so "
                   "this classic\n      one is its master secret. It sees only the randoms: an "
                   "attacker who runs two\n      handshakes (triple handshake attack) can give "
                   "two different connections the same\n      master secret. The extended master "
                   "secret would hash the whole handshake into it.\n");
        }
        if (v->j != NULL) {
            jb_printf(v->j, ",\"master_secret_used\":%s,\"ems_why\":", v->f.ems ? "false" : "true");
            jb_text(v->j, "The classic master secret depends only on the pre-master secret and "
                          "the randoms, so a man in the middle can make two connections share "
                          "it (the triple handshake attack). The extended master secret hashes "
                          "the whole handshake into it, binding the keys to this connection.");
        }
    }
    if (v->f.resumed && v->text) {
        printf("    master_secret: the resumed session's, not derived in this handshake (it "
               "travels, sealed,\n      in the ticket or stays in the server's session cache)\n");
    }
    const uint8_t *ems = NULL;
    size_t ems_len = 0;
    if (client_secret(v, "extended_master_secret", &ems, &ems_len)) {
        item(v, "extended_master_secret", "extended_master_secret (used)", ems, ems_len);
    }
    const struct gls_trace_suite *su = &v->suite;
    size_t kb = 2 * (su->mac_key_len + su->enc_key_len + su->fixed_iv_len);
    if (v->text) {
        printf("    key lengths (%s%s%s): mac_key_length %zu, enc_key_length %zu, fixed_iv_length "
               "%zu;\n      key_block = 2 * (%zu + %zu + %zu) = %zu bytes\n",
               su->cipher, su->mac != NULL ? " with " : "", su->mac != NULL ? su->mac : "",
               su->mac_key_len, su->enc_key_len, su->fixed_iv_len, su->mac_key_len, su->enc_key_len,
               su->fixed_iv_len, kb);
    }
    if (v->j != NULL) {
        jb_printf(v->j,
                  ",\"key_lengths\":{\"mac_key_length\":%zu,\"enc_key_length\":%zu,"
                  "\"fixed_iv_length\":%zu,\"key_block_length\":%zu}",
                  su->mac_key_len, su->enc_key_len, su->fixed_iv_len, kb);
    }
}

/* TLS 1.3: every transcript hash beside its secrets, the ticket nonces. */
static void inputs13(struct view *v)
{
    struct hash_point pts[6];
    size_t n = 0;
    long sfin = msg_index(v, 20, 1);
    long cfin = msg_index(v, 20, 0);
    add_point(pts, &n, 6, msg_index(v, 2, 1), "c hs traffic, s hs traffic");
    add_point(pts, &n, 6, sfin - 1, "server Finished verify_data");
    add_point(pts, &n, 6, sfin, "c ap traffic, s ap traffic, exp master");
    add_point(pts, &n, 6, cfin - 1, "client Finished verify_data");
    add_point(pts, &n, 6, cfin, "res master");
    transcript_hashes(v, pts, n, "transcript_hash");
    size_t tickets = 0;
    for (size_t i = 0; i < v->n_msgs; i++) {
        const struct msg *nst = &v->m[i];
        size_t nonce_len = nst->n > 13 ? nst->p[12] : 0;
        if (nst->type != 4 || nst->dir != 1 || nonce_len == 0 || 13 + nonce_len > nst->n) {
            continue;
        }
        char label[80];
        snprintf(label, sizeof label, "ticket_nonce (from NewSessionTicket %zu)", ++tickets);
        if (tickets > 1 || v->j == NULL) {
            if (v->text) {
                printf("    %s = ", label);
                hex_out(nst->p + 13, nonce_len, 64);
                printf("\n");
            }
            continue;
        }
        item(v, "ticket_nonce", label, nst->p + 13, nonce_len);
    }
    if (v->j != NULL) {
        jb_printf(v->j,
                  ",\"key_lengths\":{\"key_length\":%zu,\"iv_length\":12,\"hash_length\":%zu}",
                  v->suite.enc_key_len, v->suite.hash_len);
    }
}

/* One application record each way: header, parts, nonce, decryption. */
static void records(struct view *v)
{
    bool tls13 = v->f.version == 0x0304;
    if (v->j != NULL) {
        jb_lit(v->j, ",\"records\":[");
    }
    bool first = true;
    for (int d = 0; d < 2; d++) {
        const struct opened *r = NULL;
        for (size_t i = 0; i < v->n_rec && r == NULL; i++) {
            if (v->rec[i].dir == d && v->rec[i].type == 23) {
                r = &v->rec[i];
            }
        }
        const struct gls_tls_side *side = &v->f.side[d];
        const struct gls_tls_record *wire = NULL;
        for (size_t i = 0, k = 0; r != NULL && i < side->n_records; i++) {
            if (side->records[i].encrypted && k++ == r->index) {
                wire = &side->records[i];
            }
        }
        const char *kname =
            tls13 ? (d ? "server_application_write_key" : "client_application_write_key")
                  : (d ? "server_write_key" : "client_write_key");
        const char *ivname =
            tls13 ? (d ? "server_application_write_iv" : "client_application_write_iv")
                  : (d ? "server_write_IV" : "client_write_IV");
        const uint8_t *iv = NULL;
        size_t iv_len = 0;
        if (wire == NULL || !v->suite.aead || !client_secret(v, ivname, &iv, &iv_len) ||
            wire->payload.len < 24) {
            continue; /* CBC records are not broken down here */
        }
        const uint8_t *hdr = v->cap->wire[d] + wire->off;
        const uint8_t *pl = wire->payload.p;
        size_t pn = wire->payload.len;
        bool xor_nonce = tls13 || v->suite.chacha; /* RFC 8446 §5.3, RFC 7905 §2 */
        size_t explicit_len = xor_nonce ? 0 : 8;
        uint8_t nonce[12];
        uint8_t aad[13];
        size_t aad_len;
        if (xor_nonce) {
            memcpy(nonce, iv, 12);
            for (int b = 0; b < 8; b++) {
                nonce[4 + b] ^= (uint8_t)(r->seq >> (56 - 8 * b));
            }
        } else {
            memcpy(nonce, iv, 4);
            memcpy(nonce + 4, pl, 8);
        }
        if (tls13) {
            memcpy(aad, hdr, 5);
            aad_len = 5;
        } else {
            for (int b = 0; b < 8; b++) {
                aad[b] = (uint8_t)(r->seq >> (56 - 8 * b));
            }
            aad[8] = 23;
            aad[9] = hdr[1];
            aad[10] = hdr[2];
            aad[11] = (uint8_t)(r->n >> 8);
            aad[12] = (uint8_t)r->n;
            aad_len = 13;
        }
        const char *dirname = d ? "server_to_client" : "client_to_server";
        if (v->text) {
            printf("    one application record %s, sequence number %llu:\n",
                   d ? "server -> client" : "client -> server", (unsigned long long)r->seq);
            printf("      header %02x%02x%02x%02x%02x (type 23, version %02x%02x, length %zu)\n",
                   hdr[0], hdr[1], hdr[2], hdr[3], hdr[4], hdr[1], hdr[2], pn);
            if (!xor_nonce) {
                printf("      explicit nonce = ");
                hex_out(pl, 8, 8);
                printf("\n");
            }
            printf("      ciphertext = ");
            hex_out(pl + explicit_len, pn - explicit_len - 16, 48);
            printf("\n      tag = ");
            hex_out(pl + pn - 16, 16, 16);
            printf("\n      nonce = %s = ", tls13 ? "write_iv XOR sequence number (RFC 8446 §5.3)"
                                            : xor_nonce
                                                ? "write_IV XOR sequence number (RFC 7905)"
                                                : "write_IV (4) || explicit nonce (8) (RFC 5288)");
            hex_out(nonce, 12, 12);
            printf("\n      additional data = %s = ",
                   tls13 ? "the record header" : "seq_num || type || version || plaintext length");
            hex_out(aad, aad_len, 13);
            printf("\n      %s-Decrypt(%s, nonce, additional data, ciphertext, tag) = "
                   "%zu bytes%s\n",
                   v->suite.cipher, kname, r->n + (tls13 ? 1 : 0),
                   tls13 ? " (the content, then its real type byte 0x17)" : "");
        }
        if (v->j != NULL) {
            jb_lit(v->j, first ? "{\"direction\":" : ",{\"direction\":");
            jb_text(v->j, dirname);
            jb_printf(v->j, ",\"seq\":%llu,\"header\":", (unsigned long long)r->seq);
            jb_hex(v->j, hdr, 5);
            jb_lit(v->j, ",\"explicit_nonce\":");
            if (xor_nonce) {
                jb_lit(v->j, "null");
            } else {
                jb_hex(v->j, pl, 8);
            }
            jb_lit(v->j, ",\"ciphertext\":");
            jb_hex(v->j, pl + explicit_len, pn - explicit_len - 16);
            jb_lit(v->j, ",\"tag\":");
            jb_hex(v->j, pl + pn - 16, 16);
            jb_lit(v->j, ",\"key\":");
            jb_text(v->j, kname);
            jb_lit(v->j, ",\"iv\":");
            jb_text(v->j, ivname);
            jb_lit(v->j, ",\"nonce\":");
            jb_hex(v->j, nonce, 12);
            jb_lit(v->j, ",\"aad\":");
            jb_hex(v->j, aad, aad_len);
            jb_lit(v->j, ",\"plaintext_hex\":");
            jb_hex(v->j, r->p, r->n);
            jb_lit(v->j, "}");
        }
        first = false;
    }
    if (v->j != NULL) {
        jb_lit(v->j, "]");
    }
}

/* see explain_inputs.h */
bool explain_inputs(const struct explain_capture *cap, bool text, struct jbuf *j)
{
    struct view *v = calloc(1, sizeof *v);
    if (v == NULL) {
        return false;
    }
    v->cap = cap;
    elsewhere = cap->in_process ? "; all of them in --json" : "";
    struct decrypt_material m = {.keylog = cap->keylog, .keylog_len = cap->keylog_len};
    struct gls_offline_why why = {"", ""};
    int err = decrypt_streams(cap->wire[0], cap->wire_len[0], cap->wire[1], cap->wire_len[1], &m,
                              NULL, NULL, on_opened, v, &v->f, &why);
    bool ok = err == GLS_OK;
    ok = ok && gls_trace_suite_facts(v->f.suite, &v->suite) == GLS_OK;
    if (ok) {
        order_messages(v);
        if (text) {
            printf("  Inputs: with these, every value above can be recomputed by hand or with "
                   "another\n  implementation (%s does it with Python):\n",
                   cap->in_process ? "tests/tool/explain_selfcheck.sh"
                                   : "tests/tool/explain_live_truth.sh");
        }
        v->text = text;
        v->j = j;
        item(v, "client_random", "client_random (in ClientHello)", v->f.client_random, 32);
        item(v, "server_random", "server_random (in ServerHello)", v->f.server_random, 32);
        key_shares(v);
        hybrid_parts(v);
        messages(v);
        if (v->f.version == 0x0304) {
            inputs13(v);
        } else {
            inputs12(v);
        }
        records(v);
        if (cap->server_key_pem != NULL && j != NULL) {
            jb_lit(j, ",\"server_private_key_pem\":");
            jb_str(j, cap->server_key_pem, cap->server_key_len, true);
        }
        if (text) {
            printf("\n");
        }
        ok = !v->hybrid_differs;
    } else if (text) {
        printf("  (the recording could not be read back: %s)\n\n", why.text);
    }
    gls_tls_facts_free(&v->f);
    for (size_t i = 0; i < v->n_rec; i++) {
        free(v->rec[i].p);
    }
    gls_wipe_tool_bytes(v->client_priv, sizeof v->client_priv);
    free(v);
    return ok;
}
