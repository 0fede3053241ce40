/* tool/explain_lessons.c — what `glasstls explain` makes of its recorded connections after
 * they ran (see explain.h): the forward-secrecy lesson (the recordings and the server's leaked
 * certificate key), the leaked ticket key, "record now, decrypt later" (explain_pq.c), RSA
 * timed against AES-GCM, and the plain answers that quote this run's values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "explain_pq.h"
#include "tool.h"

/* ---- the forward-secrecy lesson: decrypt the recordings with the leaked key ---- */

struct recovered {
    char text[2][512]; /* application data per direction */
    size_t len[2];
};

/* see explain.h */
void explain_print_quoted(const uint8_t *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r') {
            fputs("\\r", stdout);
        } else if (p[i] == '\n') {
            fputs("\\n", stdout);
        } else if (p[i] >= 0x20 && p[i] < 0x7f) {
            putchar(p[i]);
        } else {
            printf("\\x%02x", p[i]);
        }
    }
    putchar('"');
}

/* Each value the offline decryption derives: printed, or (arg: a jbuf) kept for --json. */
static void on_step(void *arg, const gls_secret_info *info)
{
    struct jbuf *steps = arg;
    if (steps != NULL) {
        jb_item(steps);
        jb_lit(steps, "{\"name\":");
        jb_text(steps, info->name);
        jb_lit(steps, ",\"value_hex\":");
        jb_hex(steps, info->value, info->len);
        jb_lit(steps, ",\"formula\":");
        jb_text(steps, info->formula);
        jb_lit(steps, "}");
        return;
    }
    printf("    %s%s%s = ", explain_c_on("\033[33m"), info->name, explain_c_on("\033[0m"));
    for (size_t i = 0; i < info->len; i++) {
        printf("%02x", info->value[i]);
    }
    printf("\n      formula: %s\n", info->formula);
}

static void on_plaintext(void *arg, int dir, const struct gls_offline_opened *o)
{
    struct recovered *r = arg;
    if (o->type == 23 && r->len[dir] + o->n <= sizeof r->text[dir]) {
        memcpy(r->text[dir] + r->len[dir], o->p, o->n);
        r->len[dir] += o->n;
    }
}

/* What one recording gave away (why is NULL if it was decrypted). */
struct outcome {
    const struct gls_offline_why *why;
    const struct recovered *r;
    bool same; /* the plaintext recovered equals what was sent */
};

static void lesson_print(const struct outcome *o)
{
    if (o->why != NULL) {
        printf("    cannot be decrypted: %s\n\n", o->why->text);
        return;
    }
    for (int d = 0; d < 2; d++) {
        printf("    recovered %s: ", d == 0 ? "client -> server" : "server -> client");
        explain_print_quoted((const uint8_t *)o->r->text[d], o->r->len[d]);
        printf("\n");
    }
    printf("    the recovered plaintext %s what was sent.\n\n",
           o->same ? "equals" : "DIFFERS FROM");
}

/* --json: one element of "lesson"."sessions". */
static void lesson_json(struct jbuf *out, const struct session_kind *k, const struct tape *t,
                        const struct outcome *o, const struct jbuf *steps)
{
    jb_item(out);
    jb_lit(out, "{\"title\":");
    jb_text(out, k->title);
    jb_lit(out, ",\"flag\":");
    jb_text(out, k->flag);
    jb_printf(out, ",\"recorded\":{\"client_to_server\":%zu,\"server_to_client\":%zu}", t->len[0],
              t->len[1]);
    jb_printf(out, ",\"decrypted\":%s", o->why == NULL ? "true" : "false");
    if (o->why != NULL) {
        jb_lit(out, ",\"reason_code\":");
        jb_text(out, o->why->code);
        jb_lit(out, ",\"reason\":");
        jb_text(out, o->why->text);
    }
    jb_lit(out, ",\"steps\":");
    jb_array(out, steps);
    if (o->why == NULL) {
        jb_lit(out, ",\"plaintext\":{\"client_to_server\":");
        jb_str(out, (const uint8_t *)o->r->text[0], o->r->len[0], true);
        jb_lit(out, ",\"server_to_client\":");
        jb_str(out, (const uint8_t *)o->r->text[1], o->r->len[1], true);
        jb_printf(out, "},\"matches_sent\":%s", o->same ? "true" : "false");
    }
    jb_lit(out, "}");
}

/* Decrypts one recording with nothing but the server's private key; 0 if what happened is
 * what the lesson expects (RSA: the plaintext comes back; otherwise: it does not). Prints,
 * or (out not NULL) appends to the JSON lesson's "sessions". */
static int lesson_one(const struct session_kind *k, const struct recording *rec, struct jbuf *out,
                      bool ticket)
{
    struct decrypt_material m = {.key_pem = rec->key_pem, .key_len = rec->key_len};
    if (ticket) { /* the ticket key alone */
        m = (struct decrypt_material){
            .ticket_key = rec->ticket_key, .ticket_rotation = rec->rotation, .now = rec->now};
    }
    struct recovered r = {0};
    struct gls_tls_facts f;
    struct gls_offline_why why = {"", ""};
    struct jbuf steps = {0};
    if (out == NULL) {
        printf("  %s%s%s: %zu bytes client -> server, %zu bytes server -> client recorded.\n",
               explain_c_on("\033[1m"), k->title, explain_c_on("\033[0m"), rec->tape.len[0],
               rec->tape.len[1]);
    }
    int err = decrypt_streams(rec->tape.b[0], rec->tape.len[0], rec->tape.b[1], rec->tape.len[1],
                              &m, on_step, out != NULL ? &steps : NULL, on_plaintext, &r, &f, &why);
    gls_tls_facts_free(&f);
    struct outcome o = {err != GLS_OK ? &why : NULL, &r, false};
    o.same = err == GLS_OK && r.len[0] == strlen(explain_request) &&
             memcmp(r.text[0], explain_request, r.len[0]) == 0 &&
             r.len[1] == strlen(explain_reply) && memcmp(r.text[1], explain_reply, r.len[1]) == 0;
    if (out != NULL) {
        lesson_json(out, k, &rec->tape, &o, &steps);
    } else {
        lesson_print(&o);
    }
    free(steps.p);
    bool expect_open = ticket ? rec->ticket_in_clear : k->rsa_kx;
    if (err != GLS_OK) {
        return expect_open || strcmp(why.code, ticket ? "ticket_encrypted" : "forward_secret") != 0;
    }
    return !o.same || !expect_open;
}

/* "12-hour", "1-hour", "90-minute", "45-second": a rotation period in words. */
static void period_words(int64_t seconds, char *out, size_t cap)
{
    if (seconds > 0 && seconds % 3600 == 0) {
        snprintf(out, cap, "%lld-hour", (long long)(seconds / 3600));
    } else if (seconds > 0 && seconds % 60 == 0) {
        snprintf(out, cap, "%lld-minute", (long long)(seconds / 60));
    } else {
        snprintf(out, cap, "%lld-second", (long long)seconds);
    }
}

/* What rotation buys, with the epoch the servers of this run used (their configs' period). */
static void rotation_text(const struct recording *recs, size_t n, char *out, size_t cap)
{
    int64_t period = 0;
    for (size_t i = 0; i < n && period == 0; i++) {
        period = recs[i].have_ticket_key ? recs[i].rotation : 0;
    }
    char epoch[32];
    period_words(period, epoch, sizeof epoch);
    snprintf(out, cap,
             "What rotation buys: glasstls seals each ticket under a key derived from its ticket "
             "master for one %s epoch (and still accepts the previous epoch's), so a leaked "
             "epoch key opens only the TLS 1.2 recordings whose tickets were sealed in those "
             "hours. The master itself, which this demo leaked, opens every epoch until it is "
             "replaced: keep it in memory only, replace it regularly, and once the old keys are "
             "erased the TLS 1.2 recordings they covered are safe again. TLS 1.3 does not "
             "depend on it.",
             epoch);
}

/* The second scenario: the server's ticket key leaks instead. */
static int ticket_lesson(const struct recording *recs, size_t n, struct jbuf *out)
{
    char rotation[768];
    rotation_text(recs, n, rotation, sizeof rotation);
    struct jbuf items = {0};
    int rc = 0;
    if (out == NULL) {
        printf("%s== The same recordings, and a leaked ticket key ==%s\n\n",
               explain_c_on("\033[1m"), explain_c_on("\033[0m"));
        printf(
            "  This time the server's certificate key stays safe, but its session-ticket key\n"
            "  leaks. A TLS 1.2 server sends its NewSessionTicket in the clear, and the ticket\n"
            "  is the master secret sealed under that key; TLS 1.3 sends tickets encrypted.\n\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (!recs[i].tape.bad && recs[i].exchanged && recs[i].have_ticket_key) {
            rc |= lesson_one(&explain_kinds[i], &recs[i], out != NULL ? &items : NULL, true);
        } else {
            rc = 1;
        }
    }
    if (out == NULL) {
        explain_print_bullet(rotation);
        printf("\n");
    } else {
        jb_lit(out, ",\"ticket_key_sessions\":");
        jb_array(out, &items);
        jb_lit(out, ",\"ticket_rotation\":");
        jb_text(out, rotation);
    }
    free(items.p);
    return rc;
}

/* The lesson over all the recordings: printed, or (out not NULL) as the JSON "lesson". */
static int lesson(const struct recording *recs, size_t n, struct jbuf *out)
{
    struct jbuf items = {0};
    int rc = 0;
    if (out == NULL) {
        printf("%s== The forward-secrecy lesson: a recording and a leaked key ==%s\n\n",
               explain_c_on("\033[1m"), explain_c_on("\033[0m"));
        printf("  Each connection above was recorded byte for byte, and then the client sent\n"
               "  \"GET /secret HTTP/1.1\" and the server answered. Years later the server's\n"
               "  private key leaks. Here is what the recording and the key alone give away:\n\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (!recs[i].tape.bad && recs[i].exchanged) {
            rc |= lesson_one(&explain_kinds[i], &recs[i], out != NULL ? &items : NULL, false);
            continue;
        }
        rc = 1;
        if (out == NULL) {
            printf("  %s: not recorded\n", explain_kinds[i].title);
            continue;
        }
        jb_item(&items);
        jb_lit(&items, "{\"title\":");
        jb_text(&items, explain_kinds[i].title);
        jb_lit(&items, ",\"flag\":");
        jb_text(&items, explain_kinds[i].flag);
        jb_lit(&items, ",\"decrypted\":false,\"reason_code\":\"not_recorded\","
                       "\"reason\":\"the connection was not recorded\",\"steps\":[]}");
    }
    if (out != NULL) {
        jb_lit(out, ",\"lesson\":{\"sessions\":");
        jb_array(out, &items);
    }
    rc |= ticket_lesson(recs, n, out);
    if (out != NULL) {
        jb_lit(out, "}");
    }
    free(items.p);
    return rc;
}

/* ---- why bulk data uses symmetric keys: RSA against AES-GCM, timed here and now ---- */

#define MEGABYTE 1000000.0

/* What the section and the answer quote, from one gls_trace_measure. */
struct speed_view {
    double rsa_us;         /* one RSA private-key operation */
    double aes_mb_per_s;   /* AES-128-GCM, MB (10^6 bytes) per second */
    double kb_per_rsa_op;  /* AES-128-GCM kilobytes (10^3) in the time of one RSA operation */
    size_t rsa_max;        /* most bytes one PKCS#1 v1.5 encryption carries: k - 11 */
    size_t ops_per_mb;     /* RSA operations a megabyte would take */
    double mb_rsa_seconds; /* ... and their time */
    double mb_aes_seconds; /* a megabyte under AES-128-GCM */
};

static void speed_derive(const struct gls_speed *sp, struct speed_view *v)
{
    v->rsa_us = sp->rsa_op_seconds * 1e6;
    v->aes_mb_per_s = sp->aead_bytes_per_second / MEGABYTE;
    v->kb_per_rsa_op = sp->rsa_op_seconds * sp->aead_bytes_per_second / 1000.0;
    v->rsa_max = sp->rsa_bits / 8 - 11; /* RFC 8017 §7.2.1 */
    v->ops_per_mb = ((size_t)MEGABYTE + v->rsa_max - 1) / v->rsa_max;
    v->mb_rsa_seconds = (double)v->ops_per_mb * sp->rsa_op_seconds;
    v->mb_aes_seconds = MEGABYTE / sp->aead_bytes_per_second;
}

static void speed_print(const struct gls_speed *sp, const struct speed_view *v)
{
    printf("%s== Why bulk data uses symmetric keys ==%s\n\n", explain_c_on("\033[1m"),
           explain_c_on("\033[0m"));
    printf("  Timed on this machine just now (MB = 10^6 bytes, KB = 10^3):\n");
    printf("  one RSA-%zu private-key operation (the server's decryption of a pre-master secret)\n"
           "  takes %.0f µs (%u timed);\n",
           sp->rsa_bits, v->rsa_us, sp->rsa_ops);
    printf("  AES-128-GCM encrypts %.0f MB/s (16 KiB records, %.0f MB timed): in the time of one\n"
           "  RSA operation it encrypts %.0f KB.\n",
           v->aes_mb_per_s, (double)sp->aead_bytes / MEGABYTE, v->kb_per_rsa_op);
    printf("  RSA-%zu with PKCS#1 v1.5 encrypts at most %zu bytes per operation, so a 1 MB\n"
           "  download under RSA alone would need %zu private-key operations: %.2f s of work,\n"
           "  against %.3f ms with AES-128-GCM, %.0f times longer.\n\n",
           sp->rsa_bits, v->rsa_max, v->ops_per_mb, v->mb_rsa_seconds, v->mb_aes_seconds * 1e3,
           v->mb_rsa_seconds / v->mb_aes_seconds);
}

static void speed_json(struct jbuf *out, const struct gls_speed *sp, const struct speed_view *v)
{
    jb_printf(out,
              ",\"speed\":{\"rsa_bits\":%zu,\"rsa_private_ops_timed\":%u,"
              "\"rsa_private_op_us\":%.3f,",
              sp->rsa_bits, sp->rsa_ops, v->rsa_us);
    jb_printf(out, "\"aes_128_gcm_bytes_timed\":%zu,\"aes_128_gcm_bytes_per_second\":%.0f,",
              sp->aead_bytes, sp->aead_bytes_per_second);
    jb_printf(out, "\"aes_128_gcm_kb_per_rsa_op\":%.3f,\"rsa_max_bytes_per_op\":%zu,",
              v->kb_per_rsa_op, v->rsa_max);
    jb_printf(out, "\"rsa_ops_per_mb\":%zu,\"mb_rsa_seconds\":%.6f,\"mb_aes_seconds\":%.9f}",
              v->ops_per_mb, v->mb_rsa_seconds, v->mb_aes_seconds);
}

/* Times RSA (the RSA session's leaked key) against AES-128-GCM; false if it failed. */
static bool measure(const struct recording *rsa, struct gls_speed *sp, struct speed_view *v,
                    struct jbuf *out)
{
    int err = rsa->key_pem != NULL ? gls_trace_measure(rsa->key_pem, rsa->key_len, sp)
                                   : GLS_E_INVALID_ARGUMENT;
    bool ok = err == GLS_OK && sp->rsa_op_seconds > 0 && sp->aead_bytes_per_second > 0;
    if (!ok) {
        fprintf(stderr, "glasstls explain: the speed measurement failed: %s\n",
                gls_error_message(err));
        if (out != NULL) {
            jb_lit(out, ",\"speed\":null");
        }
        return false;
    }
    speed_derive(sp, v);
    if (out != NULL) {
        speed_json(out, sp, v);
    } else {
        speed_print(sp, v);
    }
    return true;
}

/* ---- plain answers ---- */

struct answer {
    const char *question;
    const char *answer; /* NULL: made with this run's values (see tied_answer) */
};

static const struct answer answers[] = {
    {"What are the pre-master secret, the master secret and the session keys, and which private "
     "key is meant?",
     NULL},
    {"Is the RSA pre-master secret ephemeral, and is it forward secret?", NULL},
    {"Do both sides hold the same keys, and what is each key for?", NULL},
    {"Why does bulk data use symmetric keys?", NULL},
    {"What did TLS 1.3 change?",
     "TLS 1.3 removed RSA key exchange: every full handshake is (EC)DHE, and so is a resumption "
     "in psk_dhe_ke mode (the only one glasstls and browsers use); the other mode, psk_ke, "
     "resumes with the PSK alone and is not forward secret with respect to the ticket key. It "
     "encrypts the handshake after ServerHello, sends its session tickets encrypted, and "
     "replaces the PRF with the HKDF schedule of stages (Early, Handshake, Master) shown above."},
    {"How does the client know it is talking to the real server?",
     "Key exchange alone only proves the client shares keys with *someone*; authentication ties "
     "that someone to the name. The Certificate binds the server's name to a public key, and a "
     "certificate authority the client trusts signed that binding (here nobody did: the "
     "certificate is self-signed, which is why the demo skipped verification; see 'Had it "
     "checked' above). In TLS 1.2 ECDHE/DHE the ServerKeyExchange carries a signature with that "
     "key over client_random + server_random + the key exchange parameters (the group and the "
     "server's ephemeral public key): the randoms make it "
     "valid for this handshake only (no replay), and signing the key stops anyone on the path "
     "from swapping in their own. In TLS 1.3 CertificateVerify signs the hash of the whole "
     "transcript so far, which covers the key shares and everything negotiated. Finished then "
     "proves each side derived the same keys from that transcript, so nothing was changed on "
     "the way. With RSA key exchange nothing is signed at all: the server's Finished is its "
     "only proof that it holds the private key, because only that key could decrypt the "
     "pre-master secret the Finished is computed from."},
    {"What do PRF, HKDF, labels, 'ephemeral', key agreement and key transport mean?",
     "The TLS 1.2 PRF stretches a secret and a seed into as many pseudo-random bytes as needed "
     "by chaining HMAC (P_SHA256); HKDF does the same job in TLS 1.3 in two steps: Extract "
     "concentrates a secret's randomness into one key, Expand turns a key into several outputs. "
     "A label (\"master secret\", \"key expansion\", \"c hs traffic\") is an ASCII string "
     "mixed into each derivation so that every output has one purpose and no two can collide. "
     "Ephemeral, the E of DHE and ECDHE, means a key pair made for one handshake and thrown "
     "away: that is what gives forward secrecy. Fresh per session is weaker: the RSA "
     "pre-master secret is new each time but travels under a long-lived key. In key agreement "
     "(DH, ECDH) both sides contribute and the secret never travels; in key transport (RSA) "
     "one side picks the secret and sends it encrypted. The server's own key pair cannot protect "
     "the server-to-client direction by itself: anyone can encrypt to a public key, but what the "
     "server encrypts with its private key anyone can open with the public one, so the two "
     "sides first need a shared secret, and symmetric keys for both directions come from it."},
};

static void symmetric_answer(char *out, size_t cap, const struct gls_speed *sp,
                             const struct speed_view *v)
{
    static const char use[] = "The public key is used once, to agree on (or authenticate the "
                              "agreement of) a symmetric key.";
    if (v == NULL) {
        snprintf(out, cap,
                 "Bulk data uses symmetric keys because public-key operations are thousands of "
                 "times slower per byte and cannot encrypt long messages. %s",
                 use);
        return;
    }
    snprintf(out, cap,
             "Bulk data uses symmetric keys because public-key operations are far slower and "
             "cannot encrypt long messages: on this machine one RSA-%zu private-key operation "
             "took %.0f µs, time in which AES-128-GCM encrypts %.0f KB. RSA-%zu fits at most "
             "%zu bytes in one operation, so a 1 MB download would need %zu of them, %.2f s of "
             "work against %.3f ms with AES-128-GCM. %s",
             sp->rsa_bits, v->rsa_us, v->kb_per_rsa_op, sp->rsa_bits, v->rsa_max, v->ops_per_mb,
             v->mb_rsa_seconds, v->mb_aes_seconds * 1e3, use);
}

/* see explain.h */
void explain_print_bullet(const char *text)
{
    size_t col = 2;
    fputs("* ", stdout);
    for (const char *p = text; *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (col > 2 && col + 1 + n > 92) {
            fputs("\n  ", stdout);
            col = 2;
        } else if (col > 2) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, n, stdout);
        col += n;
        p += n;
        p += strspn(p, " ");
    }
    putchar('\n');
}

/* ---- counting the connections this run made, in words ---- */

static const char *ordinal(size_t i)
{
    static const char *const w[] = {"first", "second", "third", "fourth", "fifth", "sixth"};
    return i < sizeof w / sizeof w[0] ? w[i] : "next";
}

/* "one", "two", ...: how many connections ran. */
static const char *count_word(size_t n)
{
    static const char *const w[] = {"no", "one", "two", "three", "four", "five", "six"};
    return n < sizeof w / sizeof w[0] ? w[n] : "several";
}

/* How many connections ran (made secrets). */
static size_t connections_run(const struct recording *recs)
{
    size_t n = 0;
    for (size_t i = 0; i < N_KINDS; i++) {
        n += recs[i].total > 0;
    }
    return n;
}

/* "first", "second and third", "second, third and fourth": the ordinals of the connections
 * that ran with (rsa non-zero) or without RSA key exchange. */
static void ordinals(const struct recording *recs, int rsa, char *out, size_t cap)
{
    size_t pick[N_KINDS];
    size_t n = 0;
    for (size_t i = 0; i < N_KINDS; i++) {
        if (recs[i].total > 0 && (explain_kinds[i].rsa_kx != 0) == (rsa != 0)) {
            pick[n++] = i;
        }
    }
    out[0] = 0;
    for (size_t j = 0, at = 0; j < n && at < cap; j++) {
        const char *sep = j == 0 ? "" : j + 1 == n ? " and " : ", ";
        int w = snprintf(out + at, cap - at, "%s%s", sep, ordinal(pick[j]));
        at += w > 0 ? (size_t)w : 0;
    }
}

/* The answers that quote this run's values (question i of answers[]). */
static void tied_answer(size_t i, const struct recording *recs, char *out, size_t cap)
{
    char rsa_ord[64];
    char other_ord[96];
    ordinals(recs, 1, rsa_ord, sizeof rsa_ord);
    ordinals(recs, 0, other_ord, sizeof other_ord);
    const struct recording *rsa = NULL;
    for (size_t k = 0; k < N_KINDS && rsa == NULL; k++) {
        rsa = explain_kinds[k].rsa_kx && recs[k].total > 0 ? &recs[k] : NULL;
    }
    if (i == 0) {
        snprintf(out, cap,
                 "The pre-master secret is the value both sides start from in TLS 1.2. With RSA "
                 "key exchange the client makes it up and encrypts it to the server: in the "
                 "%s connection it began %s (0303 is the client's version). With (EC)DHE it "
                 "is the Diffie-Hellman result instead. The master secret is PRF(pre-master "
                 "secret, ...) (here %s...), and the session keys are cut from PRF(master "
                 "secret, \"key expansion\", randoms) (client_write_key %s...). The 'private "
                 "key' of RSA key exchange is the server's long-term certificate key: the one "
                 "the lesson above leaked.",
                 rsa_ord, rsa != NULL ? rsa->pms : "?", rsa != NULL ? rsa->master : "?",
                 rsa != NULL ? rsa->cwk : "?");
    } else if (i == 1) {
        snprintf(out, cap,
                 "That RSA pre-master secret is ephemeral (new each session) but not forward "
                 "secret: it travels encrypted under a key that lives for years, which is why "
                 "the lesson above could open the %s connection's recording with the leaked "
                 "key. (EC)DHE private keys exist only for one handshake, so the same key could "
                 "not open the %s.",
                 rsa_ord, other_ord);
    } else {
        size_t at = 0;
        bool all = true;
        for (size_t k = 0; k < N_KINDS; k++) {
            all = all && recs[k].same == recs[k].total;
        }
        int w = snprintf(out, cap, "%s: the server derived the same value for",
                         all ? "Yes" : "Not every time");
        at = w > 0 ? (size_t)w : 0;
        size_t n = connections_run(recs);
        for (size_t k = 0, j = 0; k < N_KINDS && at < cap; k++) {
            if (recs[k].total == 0) {
                continue;
            }
            const char *sep = j == 0 ? " " : j + 1 == n ? " and " : ", ";
            w = j == 0 ? snprintf(out + at, cap - at,
                                  "%s%zu of the client's %zu secrets in the "
                                  "%s connection",
                                  sep, recs[k].same, recs[k].total, ordinal(k))
                       : snprintf(out + at, cap - at, "%s%zu of %zu in the %s", sep, recs[k].same,
                                  recs[k].total, ordinal(k));
            at += w > 0 ? (size_t)w : 0;
            j++;
        }
        if (at < cap) {
            snprintf(out + at, cap - at,
                     ". No key crossed the wire: what travels is the RSA pre-master secret "
                     "(encrypted to the server's key, in the %s connection only) and each "
                     "side's Finished verify_data (encrypted), which proves the keys are shared "
                     "without revealing them. Each key has one job, fixed by its label and by "
                     "who writes: client_write_key encrypts client-to-server records, "
                     "server_write_key the other direction; TLS 1.3 adds separate handshake and "
                     "application traffic secrets.",
                     rsa_ord);
        }
    }
}

/* The answers, printed or (out not NULL) as the JSON "answers"; v NULL if nothing was timed. */
static void print_answers(const struct recording *recs, const struct gls_speed *sp,
                          const struct speed_view *v, struct jbuf *out)
{
    char sym[768];
    char tied[3][1024];
    symmetric_answer(sym, sizeof sym, sp, v);
    for (size_t i = 0; i < 3; i++) {
        tied_answer(i, recs, tied[i], sizeof tied[i]);
    }
    if (out == NULL) {
        printf("%s== What the %s connections show ==%s\n\n", explain_c_on("\033[1m"),
               count_word(connections_run(recs)), explain_c_on("\033[0m"));
    } else {
        jb_lit(out, ",\"answers\":[");
    }
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        const char *a = answers[i].answer != NULL ? answers[i].answer : i < 3 ? tied[i] : sym;
        if (out == NULL) {
            explain_print_bullet(a);
            continue;
        }
        jb_lit(out, i > 0 ? ",{\"question\":" : "{\"question\":");
        jb_text(out, answers[i].question);
        jb_lit(out, ",\"answer\":");
        jb_text(out, a);
        jb_lit(out, "}");
    }
    if (out != NULL) {
        jb_lit(out, "]");
    }
}

/* The TLS 1.3 recordings (X25519, then the hybrid) for "record now, decrypt later". */
static int quantum_lesson(const struct recording *recs, struct jbuf *out)
{
    struct pq_recording pq[N_KINDS];
    size_t n = 0;
    for (size_t i = 0; i < N_KINDS; i++) {
        const struct recording *r = &recs[i];
        if (explain_kinds[i].version != 0x0304) {
            continue;
        }
        pq[n++] = (struct pq_recording){explain_kinds[i].title,
                                        explain_kinds[i].flag,
                                        explain_kinds[i].group,
                                        {r->tape.b[0], r->tape.b[1]},
                                        {r->tape.len[0], r->tape.len[1]},
                                        (const uint8_t(*)[32])r->draws,
                                        r->n_draws,
                                        !r->tape.bad && r->exchanged,
                                        r->sigalg};
    }
    bool color = explain_c_on("\033[0m")[0] != 0;
    return explain_pq_lesson(pq, n, explain_request, explain_reply, color, out);
}

/* see explain.h */
int explain_finale(const struct recording *recs, struct jbuf *out)
{
    struct gls_speed sp;
    struct speed_view v;
    int rc = lesson(recs, N_KINDS, out);
    rc |= quantum_lesson(recs, out);
    bool timed = measure(&recs[0], &sp, &v, out);
    print_answers(recs, &sp, timed ? &v : NULL, out);
    return rc | !timed;
}
