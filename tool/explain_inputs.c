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
        v->m[v->n_msgs++] = (struct msg){dir, p[0], p, n, protected_};
    }
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
        if (!tls13 && pm[i]->type == 4 && cfin != NULL) {
            add_msgs(v, cfin); /* the client's Finished precedes the ticket */
            cfin = NULL;
        }
        add_msg(v, i == 0 || pm[i]->type == 16 ? 0 : 1, pm[i]->raw.p, pm[i]->raw.len, false);
    }
    if (!tls13) {
        if (cfin != NULL) {
            add_msgs(v, cfin);
        }
        if (sfin != NULL) {
            add_msgs(v, sfin);
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

static void hex_out(const uint8_t *p, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        printf("%02x", p[i]);
    }
    if (n > max) {
        printf("... (%zu bytes; all of them in --json)", n);
    }
}

static void item(struct view *v, const char *key, const char *label, const uint8_t *p, size_t n)
{
    if (v->text) {
        printf("    %s = ", label);
        hex_out(p, n, 64);
        printf("\n");
    }
    if (v->j != NULL) {
        jb_lit(v->j, ",\"");
        jb_lit(v->j, key);
        jb_lit(v->j, "\":");
        jb_hex(v->j, p, n);
    }
}

static const struct msg *find_msg(const struct view *v, int dir, uint8_t type)
{
    for (size_t i = 0; i < v->n_msgs; i++) {
        if (v->m[i].type == type && (dir < 0 || v->m[i].dir == dir)) {
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
                printf("    key exchange X25519 (RFC 7748)%s; the private keys are shown only "
                       "because client and\n    server run in this process: a real endpoint "
                       "never reveals them, and deletes them\n",
                       v->f.group == GLS_GROUP_X25519MLKEM768 ? ", the hybrid's X25519 half" : "");
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

/* X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): each share is the ML-KEM part, then the X25519
 * part. The ML-KEM secret is decapsulated again from the client's seeds, the X25519 secret
 * recomputed, and their concatenation compared with the shared secret the client reported. */
static void hybrid_parts(struct view *v)
{
    enum { EK = 1184, CT = 1088, SS = 32 };
    gls_bytes sv = v->f.server_share;
    const struct msg *ch = find_msg(v, 0, 1);
    const uint8_t *dhe = NULL;
    size_t dhe_len = 0;
    uint8_t ek[EK];
    uint8_t both[2 * SS];
    if (v->f.group != GLS_GROUP_X25519MLKEM768 || !v->cap->have_kem_seeds || !v->have_client_priv ||
        sv.len != CT + 32 ||
        gls_trace_mlkem768_decaps(v->cap->kem_seeds, sv.p, CT, ek, both) != GLS_OK ||
        !contains(ch, ek, EK) || gls_trace_x25519(v->client_priv, sv.p + CT, both + SS) != GLS_OK) {
        return;
    }
    bool same = v->cap->secret(v->cap->secret_arg, "(EC)DHE shared secret", &dhe, &dhe_len) &&
                dhe_len == sizeof both && memcmp(dhe, both, sizeof both) == 0;
    if (v->text) {
        printf("    X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): the client's share is 1216 "
               "bytes, the ML-KEM-768\n    encapsulation key then its X25519 share; the "
               "server's is 1120, the ML-KEM ciphertext then\n    its X25519 share\n");
    }
    item(v, "mlkem_encapsulation_key",
         "client ML-KEM-768 encapsulation key (share bytes 0..1183, on the wire)", ek, EK);
    item(v, "mlkem_key_seeds",
         "client ML-KEM key seeds d || z (FIPS 203 KeyGen; this process drew them; never sent)",
         v->cap->kem_seeds, sizeof v->cap->kem_seeds);
    item(v, "mlkem_ciphertext", "server ML-KEM-768 ciphertext (share bytes 0..1087, on the wire)",
         sv.p, CT);
    item(v, "mlkem_shared_secret",
         "ML-KEM-768 shared secret = ML-KEM.Decaps(decapsulation key from d || z, ciphertext)",
         both, SS);
    item(v, "x25519_shared_secret",
         "X25519 shared secret = X25519(client ephemeral private key, server X25519 share)",
         both + SS, SS);
    item(v, "hybrid_shared_secret",
         "shared secret = ML-KEM-768 shared secret || X25519 shared secret (64 bytes)", both,
         sizeof both);
    if (v->text) {
        printf("      %s the (EC)DHE shared secret the client reported above\n",
               same ? "equals" : "DIFFERS FROM");
    }
    if (v->j != NULL) {
        jb_printf(v->j,
                  ",\"hybrid_group\":\"X25519MLKEM768\",\"client_share_len\":1216,"
                  "\"server_share_len\":1120,\"hybrid_matches_reported\":%s",
                  same ? "true" : "false");
    }
    v->hybrid_differs = !same;
    gls_wipe_tool_bytes(both, sizeof both);
}

/* Hash of the transcript messages [0, upto]. */
static bool prefix_hash(const struct view *v, size_t upto, uint8_t out[48], size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i <= upto; i++) {
        total += v->m[i].n;
    }
    uint8_t *b = malloc(total + 1);
    if (b == NULL) {
        return false;
    }
    size_t at = 0;
    for (size_t i = 0; i <= upto; i++) {
        memcpy(b + at, v->m[i].p, v->m[i].n);
        at += v->m[i].n;
    }
    bool ok = gls_trace_hash(false, b, total, out, len) == GLS_OK;
    free(b);
    return ok;
}

/* The index of the n-th (0-based) message of type in transcript order, or -1. */
static long msg_index(const struct view *v, uint8_t type, int dir)
{
    for (size_t i = 0; i < v->n_msgs; i++) {
        if (v->m[i].type == type && (dir < 0 || v->m[i].dir == dir)) {
            return (long)i;
        }
    }
    return -1;
}

struct hash_point {
    const char *covers;
    uint8_t type;
    int dir;
    const char *used_by;
};

static void transcript_hashes(struct view *v, const struct hash_point *pts, size_t n,
                              const char *json_key)
{
    if (v->text) {
        printf("    transcript hashes (SHA-256 of the messages' bytes, headers included):\n");
    }
    if (v->j != NULL) {
        jb_printf(v->j, ",\"%s\":[", json_key);
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        long at = msg_index(v, pts[i].type, pts[i].dir);
        uint8_t h[48];
        size_t hl = 0;
        if (at < 0 || !prefix_hash(v, (size_t)at, h, &hl)) {
            continue;
        }
        if (v->text) {
            printf("      Hash(%s) = ", pts[i].covers);
            hex_out(h, hl, 64);
            printf("\n        used by: %s\n", pts[i].used_by);
        }
        if (v->j != NULL) {
            jb_lit(v->j, first ? "{\"covers\":" : ",{\"covers\":");
            jb_text(v->j, pts[i].covers);
            jb_printf(v->j, ",\"messages\":%ld,\"value\":", at + 1);
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
            printf("      %-6s %-20s %5zu bytes%s ", m->dir == 0 ? "client" : "server",
                   msg_name(m->type), m->n, m->protected_ ? " (sent encrypted)" : "");
            hex_out(m->p, m->n, HEX_IN_TEXT);
            printf("\n");
        }
        if (v->j != NULL) {
            jb_lit(v->j, i == 0 ? "{\"side\":" : ",{\"side\":");
            jb_text(v->j, m->dir == 0 ? "client" : "server");
            jb_lit(v->j, ",\"type\":");
            jb_text(v->j, msg_name(m->type));
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
    static const struct hash_point pts[] = {
        {"ClientHello...ClientKeyExchange", 16, 0,
         "session_hash for extended_master_secret, and the client's verify_data"},
        {"ClientHello...client Finished[...NewSessionTicket]", 20, 0,
         "the server's verify_data (when a NewSessionTicket was sent, it is included)"},
    };
    uint8_t sh[48];
    size_t shl = 0;
    long cke = msg_index(v, 16, 0);
    if (cke >= 0 && prefix_hash(v, (size_t)cke, sh, &shl)) {
        item(v, "session_hash", "session_hash = Hash(ClientHello...ClientKeyExchange)", sh, shl);
    }
    /* the server's Finished hash runs through the ticket when there is one */
    long last = msg_index(v, 4, 1) >= 0 ? msg_index(v, 4, 1) : msg_index(v, 20, 0);
    struct hash_point p2 = pts[1];
    p2.type = last == msg_index(v, 4, 1) ? 4 : 20;
    p2.dir = p2.type == 4 ? 1 : 0;
    struct hash_point both[2] = {pts[0], p2};
    transcript_hashes(v, both, 2, "handshake_hashes");

    const uint8_t *pms = NULL;
    size_t pms_len = 0;
    uint8_t seed[64];
    uint8_t ms[48];
    memcpy(seed, v->f.client_random, 32);
    memcpy(seed + 32, v->f.server_random, 32);
    if (client_secret(v, "pre_master_secret", &pms, &pms_len) &&
        gls_trace_prf12(false, pms, pms_len, "master secret", seed, 64, ms, 48) == GLS_OK) {
        item(v, "master_secret",
             "master_secret (classic, RFC 5246 §8.1) = PRF(pre_master_secret, \"master secret\", "
             "client_random + server_random)",
             ms, 48);
        if (v->text) {
            printf(
                "      This session negotiated the extended master secret instead (shown above), "
                "so the classic one\n      is not used. The classic formula sees only the "
                "randoms, so an attacker who runs two\n      handshakes (triple handshake "
                "attack) can give two different connections the same master\n      secret; "
                "EMS hashes the whole handshake into it (session_hash), binding the keys to "
                "this\n      connection's certificate and key exchange (RFC 7627).\n");
        }
        if (v->j != NULL) {
            jb_lit(v->j, ",\"master_secret_used\":false,\"ems_why\":");
            jb_text(v->j, "The classic master secret depends only on the pre-master secret and "
                          "the randoms, so a man in the middle can make two connections share "
                          "it (the triple handshake attack). The extended master secret hashes "
                          "the whole handshake into it, binding the keys to this connection.");
        }
    }
    const uint8_t *ems = NULL;
    size_t ems_len = 0;
    if (client_secret(v, "extended_master_secret", &ems, &ems_len)) {
        item(v, "extended_master_secret", "extended_master_secret (used)", ems, ems_len);
    }
    /* AES-128-GCM suites: no MAC key, 16-byte key, 4-byte fixed IV (RFC 5288) */
    if (v->text) {
        printf("    key lengths (AES-128-GCM): mac_key_length 0, enc_key_length 16, "
               "fixed_iv_length 4;\n      key_block = 2 * (0 + 16 + 4) = 40 bytes\n");
    }
    if (v->j != NULL) {
        jb_lit(v->j, ",\"key_lengths\":{\"mac_key_length\":0,\"enc_key_length\":16,"
                     "\"fixed_iv_length\":4,\"key_block_length\":40}");
    }
}

/* TLS 1.3: every transcript hash beside its secrets, the ticket nonce. */
static void inputs13(struct view *v)
{
    static const struct hash_point pts[] = {
        {"ClientHello...ServerHello", 2, 1, "c hs traffic, s hs traffic"},
        {"ClientHello...CertificateVerify", 15, 1, "server Finished verify_data"},
        {"ClientHello...server Finished", 20, 1,
         "c ap traffic, s ap traffic, exp master, client Finished verify_data"},
        {"ClientHello...client Finished", 20, 0, "res master"},
    };
    transcript_hashes(v, pts, 4, "transcript_hash");
    const struct msg *nst = find_msg(v, 1, 4);
    if (nst != NULL && nst->n > 13) {
        size_t nonce_len = nst->p[12];
        if (13 + nonce_len <= nst->n) {
            item(v, "ticket_nonce", "ticket_nonce (from the NewSessionTicket)", nst->p + 13,
                 nonce_len);
        }
    }
    if (v->j != NULL) {
        jb_lit(v->j, ",\"key_lengths\":{\"key_length\":16,\"iv_length\":12,\"hash_length\":32}");
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
        if (wire == NULL || !client_secret(v, ivname, &iv, &iv_len) || wire->payload.len < 24) {
            continue;
        }
        const uint8_t *hdr = v->cap->wire[d] + wire->off;
        const uint8_t *pl = wire->payload.p;
        size_t pn = wire->payload.len;
        size_t explicit_len = tls13 ? 0 : 8;
        uint8_t nonce[12];
        uint8_t aad[13];
        size_t aad_len;
        if (tls13) {
            memcpy(nonce, iv, 12);
            for (int b = 0; b < 8; b++) {
                nonce[4 + b] ^= (uint8_t)(r->seq >> (56 - 8 * b));
            }
            memcpy(aad, hdr, 5);
            aad_len = 5;
        } else {
            memcpy(nonce, iv, 4);
            memcpy(nonce + 4, pl, 8);
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
            if (!tls13) {
                printf("      explicit nonce = ");
                hex_out(pl, 8, 8);
                printf("\n");
            }
            printf("      ciphertext = ");
            hex_out(pl + explicit_len, pn - explicit_len - 16, 48);
            printf("\n      tag = ");
            hex_out(pl + pn - 16, 16, 16);
            printf("\n      nonce = %s = ", tls13
                                                ? "write_iv XOR sequence number (RFC 8446 §5.3)"
                                                : "write_IV (4) || explicit nonce (8) (RFC 5288)");
            hex_out(nonce, 12, 12);
            printf("\n      additional data = %s = ",
                   tls13 ? "the record header" : "seq_num || type || version || plaintext length");
            hex_out(aad, aad_len, 13);
            printf("\n      AES-128-GCM-Decrypt(%s, nonce, additional data, ciphertext, tag) = "
                   "%zu bytes%s\n",
                   kname, r->n + (tls13 ? 1 : 0),
                   tls13 ? " (the content, then its real type byte 0x17)" : "");
        }
        if (v->j != NULL) {
            jb_lit(v->j, first ? "{\"direction\":" : ",{\"direction\":");
            jb_text(v->j, dirname);
            jb_printf(v->j, ",\"seq\":%llu,\"header\":", (unsigned long long)r->seq);
            jb_hex(v->j, hdr, 5);
            jb_lit(v->j, ",\"explicit_nonce\":");
            if (tls13) {
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
    struct decrypt_material m = {.keylog = cap->keylog, .keylog_len = cap->keylog_len};
    struct gls_offline_why why = {"", ""};
    int err = decrypt_streams(cap->wire[0], cap->wire_len[0], cap->wire[1], cap->wire_len[1], &m,
                              NULL, NULL, on_opened, v, &v->f, &why);
    bool ok = err == GLS_OK;
    if (ok) {
        order_messages(v);
        if (text) {
            printf("  Inputs: with these, every value above can be recomputed by hand or with "
                   "another\n  implementation (tests/tool/explain_selfcheck.sh does it with "
                   "Python):\n");
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
