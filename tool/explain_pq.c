/* tool/explain_pq.c — "record now, decrypt later": an adversary records TLS 1.3 sessions
 * today and later runs Shor's algorithm on a quantum computer, which computes an X25519
 * private key from its public share. No such computer exists, so the adversary is handed the
 * private keys this process made (each checked against the recorded share). With them it
 * opens the recordings for real, through decrypt's machinery (decrypt_streams with the
 * recovered shared secret, trace.h's gls_offline_keys_from_dhe13): the plain X25519 session
 * opens key by key; the X25519MLKEM768 session does not, because the ML-KEM-768 half of its
 * shared secret (draft-ietf-tls-ecdhe-mlkem: ML-KEM first, then X25519) stays unknown. */
#include "explain_pq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "tool.h"

#define X25519_LEN 32
#define MLKEM_SS   32

static const char adversary[] =
    "An adversary records TLS 1.3 sessions today and keeps them until it has a quantum "
    "computer. Shor's algorithm solves the discrete logarithm: from a recorded X25519 public "
    "share it computes the private key. No such machine exists yet, so this demo simulates it "
    "by handing the adversary the X25519 ephemeral private keys this process generated (each "
    "checked against the share recorded on the wire). The server's certificate key and ticket "
    "key stay secret: the adversary needs neither.";

static const char rests_on[] =
    "What the hybrid rests on: its key schedule takes ML-KEM-768's shared secret and "
    "X25519's, concatenated (ML-KEM first in X25519MLKEM768), as one input to HKDF-Extract, "
    "so whoever wants the keys needs both. Shor's algorithm breaks discrete logarithms (X25519, "
    "P-256, finite-field DH) and factoring (RSA), but ML-KEM rests on the module "
    "learning-with-errors problem (module-LWE), for which no efficient quantum or classical "
    "algorithm is known: the ML-KEM secret cannot be computed from the recorded encapsulation "
    "key and ciphertext. And should ML-KEM ever fall to a classical attack, X25519 still "
    "stands against today's computers: the hybrid holds as long as either half holds.";

/* What the hybrid does not protect, naming the signature schemes these recordings used. */
static void not_protected_text(const struct pq_recording *recs, size_t n, char *out, size_t cap)
{
    char schemes[128] = "";
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sig = recs[i].sigalg != NULL ? recs[i].sigalg : "";
        if (sig[0] == 0 || strstr(schemes, sig) != NULL) {
            continue;
        }
        int w = snprintf(schemes + at, sizeof schemes - at, "%s%s", at > 0 ? ", " : "", sig);
        at += w > 0 && (size_t)w < sizeof schemes - at ? (size_t)w : 0;
    }
    snprintf(out, cap,
             "What it does not protect: authentication is still classical. The certificate and "
             "the CertificateVerify signature (%s%s; RSA, ECDSA and EdDSA alike) would fall to "
             "the same quantum computer. That does not endanger a recording: a signature only "
             "matters while the handshake runs, and forging one later changes nothing that was "
             "recorded. But an attacker with a quantum computer at connection time could forge "
             "the server's signature, sit in the middle and read that live connection; stopping "
             "that needs post-quantum signatures (ML-DSA certificates), a separate change. TLS "
             "1.2 recordings and anything RSA key exchange protected fall to the same adversary.",
             schemes[0] != 0 ? schemes : "whatever scheme was used",
             schemes[0] != 0 ? " in these recordings" : "");
}

/* What the adversary found and did with one recording. */
struct attack {
    struct gls_tls_facts f;
    bool hybrid;
    bool have_keys;            /* the client's X25519 share and private key were found */
    const uint8_t *client_pub; /* views into the recorded ClientHello / ServerHello */
    const uint8_t *server_pub;
    size_t client_share_len; /* the whole key_share entry's key_exchange, as recorded */
    uint8_t priv[X25519_LEN];
    uint8_t x_ss[X25519_LEN];
    uint8_t dhe[MLKEM_SS + X25519_LEN]; /* the secret tried */
    size_t dhe_len;
    /* what the recording gave back */
    char text[2][512];
    size_t len[2];
    int err;
    struct gls_offline_why why;
    bool same; /* the plaintext equals what was sent */
};

/* Zeroes the private key and secrets before the memory goes (a plain memset may be elided). */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *b = p;
    while (n-- > 0) {
        *b++ = 0;
    }
}

static bool contains(gls_bytes m, const uint8_t *x, size_t n)
{
    for (size_t i = 0; i + n <= m.len; i++) {
        if (memcmp(m.p + i, x, n) == 0) {
            return true;
        }
    }
    return false;
}

/* The length of the ClientHello key_share entry {group, length, key_exchange} whose
 * key_exchange ends at end, or 0. */
static size_t share_len_ending_at(gls_bytes ch, const uint8_t *end, uint16_t group)
{
    for (size_t len = X25519_LEN; (size_t)(end - ch.p) >= len + 4; len++) {
        const uint8_t *h = end - len - 4;
        if (h[0] == group >> 8 && h[1] == (group & 0xff) && h[2] == len >> 8 &&
            h[3] == (len & 0xff)) {
            return len;
        }
    }
    return 0;
}

/* The shares from the recording, and the client's X25519 private key "from Shor": the draw
 * whose public key is the share the ClientHello carries. */
static bool find_keys(const struct pq_recording *r, struct attack *a)
{
    const struct gls_tls_side *c = &a->f.side[GLS_TLS_C2S];
    gls_bytes ss = a->f.server_share;
    if (c->n_msgs == 0 || !a->f.have_server_hello || ss.len < X25519_LEN) {
        return false;
    }
    a->server_pub = ss.p + ss.len - X25519_LEN; /* both groups end with the X25519 share */
    for (size_t i = 0; i < r->n_draws; i++) {
        uint8_t pub[X25519_LEN];
        if (gls_trace_x25519_public(r->draws[i], pub) != GLS_OK ||
            !contains(c->msgs[0].raw, pub, sizeof pub)) {
            continue;
        }
        const gls_bytes ch = c->msgs[0].raw;
        for (size_t at = 0; at + X25519_LEN <= ch.len; at++) {
            if (memcmp(ch.p + at, pub, X25519_LEN) == 0) {
                a->client_pub = ch.p + at;
                a->client_share_len = share_len_ending_at(ch, ch.p + at + X25519_LEN, r->group);
                break;
            }
        }
        memcpy(a->priv, r->draws[i], X25519_LEN);
        return gls_trace_x25519(a->priv, a->server_pub, a->x_ss) == GLS_OK;
    }
    return false;
}

struct out {
    bool color;
    struct jbuf *steps; /* --json: the derivation; NULL: printed */
};

static void on_step(void *arg, const gls_secret_info *info)
{
    struct out *o = arg;
    if (o->steps != NULL) {
        jb_item(o->steps);
        jb_lit(o->steps, "{\"name\":");
        jb_text(o->steps, info->name);
        jb_lit(o->steps, ",\"value_hex\":");
        jb_hex(o->steps, info->value, info->len);
        jb_lit(o->steps, ",\"formula\":");
        jb_text(o->steps, info->formula);
        jb_lit(o->steps, "}");
        return;
    }
    printf("    %s%s%s = ", o->color ? "\033[33m" : "", info->name, o->color ? "\033[0m" : "");
    for (size_t i = 0; i < info->len; i++) {
        printf("%02x", info->value[i]);
    }
    printf("\n      formula: %s\n", info->formula);
}

static void on_plaintext(void *arg, int dir, const struct gls_offline_opened *o)
{
    struct attack *a = arg;
    if (o->type == 23 && a->len[dir] + o->n <= sizeof a->text[dir]) {
        memcpy(a->text[dir] + a->len[dir], o->p, o->n);
        a->len[dir] += o->n;
    }
}

static const char *attempt_formula(bool hybrid)
{
    return hybrid ? "ML-KEM-768 shared secret || X25519 shared secret, where the ML-KEM part is "
                    "UNKNOWN (guessed here as 32 zero bytes: one of 2^256 possibilities) and the "
                    "X25519 part is recovered: X25519(client private key computed from its "
                    "recorded share, server's recorded X25519 share)"
                  : "X25519(client private key computed from its recorded share, server's "
                    "recorded X25519 share)";
}

static void print_keys(const struct pq_recording *r, const struct attack *a, bool color);

/* The attack on one recording: keys (printed unless JSON), then decrypt_streams with the
 * secret it can form. */
static void attack(const struct pq_recording *r, struct attack *a, const char *request,
                   const char *reply, struct out *o)
{
    a->hybrid = r->group == GLS_GROUP_X25519MLKEM768;
    int err = gls_tls_scan(r->wire[0], r->wire_len[0], r->wire[1], r->wire_len[1], &a->f);
    a->have_keys = err == GLS_OK && find_keys(r, a);
    if (o->steps == NULL) {
        print_keys(r, a, o->color);
    }
    if (!a->have_keys) {
        a->err = GLS_E_UNSUPPORTED;
        a->why.code = "no_key_share";
        snprintf(a->why.text, sizeof a->why.text, "the recording holds no usable X25519 shares");
        return;
    }
    memset(a->dhe, 0, sizeof a->dhe); /* the hybrid's ML-KEM half: unknown, guessed as zeros */
    memcpy(a->dhe + (a->hybrid ? MLKEM_SS : 0), a->x_ss, X25519_LEN);
    a->dhe_len = (a->hybrid ? MLKEM_SS : 0) + X25519_LEN;
    struct decrypt_material m = {
        .dhe = a->dhe, .dhe_len = a->dhe_len, .dhe_formula = attempt_formula(a->hybrid)};
    struct gls_tls_facts f;
    a->why = (struct gls_offline_why){"", ""};
    a->err = decrypt_streams(r->wire[0], r->wire_len[0], r->wire[1], r->wire_len[1], &m, on_step, o,
                             on_plaintext, a, &f, &a->why);
    gls_tls_facts_free(&f);
    a->same = a->err == GLS_OK && a->len[0] == strlen(request) &&
              memcmp(a->text[0], request, a->len[0]) == 0 && a->len[1] == strlen(reply) &&
              memcmp(a->text[1], reply, a->len[1]) == 0;
}

/* ---- text ---- */

static void hex_line(const char *label, const uint8_t *p, size_t n)
{
    printf("    %s\n      = ", label);
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

/* The shares and the X25519 secret, before decrypt_streams prints its steps. */
static void print_keys(const struct pq_recording *r, const struct attack *a, bool color)
{
    printf("  %s%s%s: %zu bytes client -> server, %zu bytes server -> client recorded.\n",
           color ? "\033[1m" : "", r->title, color ? "\033[0m" : "", r->wire_len[0],
           r->wire_len[1]);
    if (!a->have_keys) {
        return;
    }
    char what[256];
    size_t ek = a->client_share_len > X25519_LEN ? a->client_share_len - X25519_LEN : 0;
    size_t ct = a->f.server_share.len - X25519_LEN;
    snprintf(what, sizeof what,
             "client X25519 share (the last 32 bytes of its %zu-byte hybrid share, after the "
             "%zu-byte ML-KEM encapsulation key), recorded in ClientHello",
             a->client_share_len, ek);
    hex_line(a->hybrid ? what : "client X25519 share, recorded in ClientHello", a->client_pub,
             X25519_LEN);
    hex_line("its private key, as Shor's algorithm would compute it from that share", a->priv,
             X25519_LEN);
    snprintf(what, sizeof what,
             "server X25519 share (the last 32 bytes of its %zu-byte share, after the %zu-byte "
             "ML-KEM ciphertext), recorded in ServerHello",
             a->f.server_share.len, ct);
    hex_line(a->hybrid ? what : "server X25519 share, recorded in ServerHello", a->server_pub,
             X25519_LEN);
    hex_line("X25519 shared secret = X25519(that private key, the server's share)", a->x_ss,
             X25519_LEN);
    if (a->hybrid) {
        printf(
            "    ML-KEM-768 shared secret: UNKNOWN. The server drew it and sent it encapsulated\n"
            "      to the client's key (the %zu-byte ciphertext); only the client's\n"
            "      decapsulation key, deleted after the handshake, opens it, and Shor's\n"
            "      algorithm does not apply. The adversary tries its best guess:\n",
            ct);
    }
    printf("    the key schedule, key by key:\n");
}

static void print_outcome(const struct attack *a)
{
    if (a->err != GLS_OK) {
        printf("    cannot be decrypted: %s\n", a->why.text);
        if (a->hybrid) {
            printf("    The X25519 half alone is worth nothing: the ML-KEM half is 256 unknown "
                   "bits\n    of the same HKDF input.\n");
        }
        printf("\n");
        return;
    }
    for (int d = 0; d < 2; d++) {
        printf("    recovered %s: ", d == 0 ? "client -> server" : "server -> client");
        explain_print_quoted((const uint8_t *)a->text[d], a->len[d]);
        printf("\n");
    }
    printf("    the recovered plaintext %s what was sent.\n\n",
           a->same ? "equals" : "DIFFERS FROM");
}

/* ---- JSON: one element of "quantum_lesson"."sessions" ---- */

static void attack_json(struct jbuf *j, const struct pq_recording *r, const struct attack *a,
                        const struct jbuf *steps)
{
    jb_item(j);
    jb_lit(j, "{\"title\":");
    jb_text(j, r->title);
    jb_lit(j, ",\"flag\":");
    jb_text(j, r->flag);
    jb_lit(j, ",\"group\":");
    jb_text(j, gls_group_name(r->group));
    jb_printf(j, ",\"recorded\":{\"client_to_server\":%zu,\"server_to_client\":%zu}",
              r->wire_len[0], r->wire_len[1]);
    if (a->have_keys) {
        jb_lit(j, ",\"client_x25519_share\":");
        jb_hex(j, a->client_pub, X25519_LEN);
        jb_lit(j, ",\"client_x25519_private_key\":");
        jb_hex(j, a->priv, X25519_LEN);
        jb_lit(j, ",\"server_x25519_share\":");
        jb_hex(j, a->server_pub, X25519_LEN);
        jb_lit(j, ",\"x25519_shared_secret\":");
        jb_hex(j, a->x_ss, X25519_LEN);
        jb_printf(j, ",\"mlkem_shared_secret_known\":%s,\"attempted_shared_secret\":",
                  a->hybrid ? "false" : "true");
        jb_hex(j, a->dhe, a->dhe_len);
        jb_lit(j, ",\"attempt_formula\":");
        jb_text(j, attempt_formula(a->hybrid));
    }
    const struct gls_tls_side *sv = &a->f.side[GLS_TLS_S2C];
    if (sv->first_encrypted < sv->n_records) { /* what the derived handshake key must open */
        const struct gls_tls_record *x = &sv->records[sv->first_encrypted];
        jb_lit(j, ",\"first_server_record\":");
        jb_hex(j, r->wire[1] + x->off, 5 + x->payload.len);
    }
    jb_printf(j, ",\"decrypted\":%s", a->err == GLS_OK ? "true" : "false");
    if (a->err != GLS_OK) {
        jb_lit(j, ",\"reason_code\":");
        jb_text(j, a->why.code);
        jb_lit(j, ",\"reason\":");
        jb_text(j, a->why.text);
    }
    jb_lit(j, ",\"steps\":");
    jb_array(j, steps);
    if (a->err == GLS_OK) {
        jb_lit(j, ",\"plaintext\":{\"client_to_server\":");
        jb_str(j, (const uint8_t *)a->text[0], a->len[0], true);
        jb_lit(j, ",\"server_to_client\":");
        jb_str(j, (const uint8_t *)a->text[1], a->len[1], true);
        jb_printf(j, "},\"matches_sent\":%s", a->same ? "true" : "false");
    }
    jb_lit(j, "}");
}

/* see explain_pq.h */
int explain_pq_lesson(const struct pq_recording *recs, size_t n, const char *request,
                      const char *reply, bool color, struct jbuf *out)
{
    struct jbuf items = {0};
    int rc = 0;
    if (out == NULL) {
        printf("%s== Record now, decrypt later: the TLS 1.3 recordings and a quantum computer "
               "==%s\n\n",
               color ? "\033[1m" : "", color ? "\033[0m" : "");
        explain_print_bullet(adversary);
        printf("\n");
    }
    for (size_t i = 0; i < n; i++) {
        struct attack a;
        struct jbuf steps = {0};
        struct out o = {color, out != NULL ? &steps : NULL};
        memset(&a, 0, sizeof a);
        if (recs[i].recorded) {
            attack(&recs[i], &a, request, reply, &o);
        } else {
            a.err = GLS_E_UNSUPPORTED;
            a.why.code = "not_recorded";
            snprintf(a.why.text, sizeof a.why.text, "the connection was not recorded");
        }
        if (out != NULL) {
            attack_json(&items, &recs[i], &a, &steps);
        } else {
            print_outcome(&a);
        }
        bool hybrid = recs[i].group == GLS_GROUP_X25519MLKEM768;
        bool expected = hybrid ? a.err != GLS_OK && strcmp(a.why.code, "wrong_key") == 0
                               : a.err == GLS_OK && a.same;
        rc |= !expected;
        gls_tls_facts_free(&a.f);
        wipe(&a, sizeof a); /* the private key and secrets */
        free(steps.p);
    }
    char not_protected[768];
    not_protected_text(recs, n, not_protected, sizeof not_protected);
    if (out == NULL) {
        explain_print_bullet(rests_on);
        explain_print_bullet(not_protected);
        printf("\n");
    } else {
        jb_lit(out, ",\"quantum_lesson\":{\"adversary\":");
        jb_text(out, adversary);
        jb_lit(out, ",\"sessions\":");
        jb_array(out, &items);
        jb_lit(out, ",\"rests_on\":");
        jb_text(out, rests_on);
        jb_lit(out, ",\"does_not_protect\":");
        jb_text(out, not_protected);
        jb_lit(out, "}");
    }
    free(items.p);
    return rc;
}
