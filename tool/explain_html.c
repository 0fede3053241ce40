/* tool/explain_html.c — `explain --html FILE`: one self-contained page rendered from the JSON
 * document `explain --json` prints (so the two say the same): the connections side by side,
 * each handshake message as annotated bytes, each secret as a node of the derivation graph
 * with its formula and links to its inputs, the lessons and the answers. No network fetch, no
 * script needed (details/summary folds the bytes), print-friendly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_html.h"
#include "jdom.h"

static void esc(FILE *f, const char *s)
{
    for (; s != NULL && *s != 0; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* An id fragment from a secret name: letters and digits, others as '-'. */
static void anchor(FILE *f, int session, const char *name)
{
    fprintf(f, "s%d-", session);
    for (const char *p = name; *p != 0; p++) {
        fputc((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                  ? *p
                  : '-',
              f);
    }
}

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#111;background:#fff}"
    "h1{font-size:1.6em}h2{border-bottom:2px solid #ccc;margin-top:2em}"
    ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(24em,1fr));gap:1em}"
    ".col{border:1px solid #bbb;border-radius:6px;padding:.6em;min-width:0}"
    ".node{border:1px solid #d9c36a;background:#fffbe6;border-radius:5px;padding:.4em;"
    "margin:.5em 0}.node.pub{border-color:#8ab;background:#eef7fb}"
    ".node:target{outline:3px solid #e60}"
    "code,.hex{font:12px/1.35 ui-monospace,monospace;overflow-wrap:anywhere}"
    ".hex span{padding:0 1px}.t{background:#fdd}.l{background:#ddf}.v{background:#dfd}"
    ".r{background:#ffd}.who{color:#555;font-size:.9em}.from a{margin-right:.5em}"
    ".ok{color:#060;font-weight:bold}.no{color:#a00;font-weight:bold}"
    "table{border-collapse:collapse;width:100%;table-layout:fixed}"
    "td,th{border:1px solid #ccc;padding:.3em;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}.node th{width:36%}td code{word-break:break-all}"
    "@media print{.cols{display:block}.col{break-inside:avoid-page;margin-bottom:1em}"
    "details{display:block}details>summary{list-style:none}body{margin:0}"
    ".node{background:none}.node:target{outline:none}}";

/* Names a formula may mention, beyond the session's own secrets: the shown inputs. */
static const char *const input_names[] = {"client_random", "server_random", "session_hash",
                                          "ticket_nonce",  "ClientHello",   NULL};

static bool mentions(const char *formula, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = formula; (p = strstr(p, name)) != NULL; p++) {
        bool left = p == formula || !((p[-1] >= 'a' && p[-1] <= 'z') || p[-1] == '_');
        char r = p[n];
        bool right = !((r >= 'a' && r <= 'z') || r == '_' || (r >= 'A' && r <= 'Z'));
        if (left && right) {
            return true;
        }
    }
    return false;
}

/* One secret as a graph node: value, formula, who, and links to the secrets it is made from. */
static void secret_node(FILE *f, int si, const struct jnode *x, const struct jnode *secrets)
{
    const char *name = jstr(x, "name");
    const char *formula = jstr(x, "formula");
    fputs("<div class=\"node\" id=\"", f);
    anchor(f, si, name);
    fputs("\"><b>", f);
    esc(f, name);
    fputs("</b><br><code>", f);
    esc(f, jstr(x, "value_hex"));
    fputs("</code><br><i>", f);
    esc(f, formula);
    fputs("</i>", f);
    bool any = false;
    for (const struct jnode *y = secrets->kids; y != NULL && formula != NULL; y = y->next) {
        const char *other = jstr(y, "name");
        if (other == NULL || strcmp(other, name) == 0 || strcmp(jstr(y, "side"), "client") != 0 ||
            !mentions(formula, other)) {
            continue;
        }
        fputs(any ? "" : "<div class=\"from\">made from: ", f);
        any = true;
        fputs("<a href=\"#", f);
        anchor(f, si, other);
        fputs("\">", f);
        esc(f, other);
        fputs("</a>", f);
    }
    for (size_t i = 0; input_names[i] != NULL && formula != NULL; i++) {
        if (mentions(formula, input_names[i])) {
            fputs(any ? "" : "<div class=\"from\">made from: ", f);
            any = true;
            fprintf(f, "<a href=\"#s%d-inputs\">%s</a>", si, input_names[i]);
        }
    }
    fputs(any ? "</div>" : "", f);
    if (jstr(x, "who") != NULL) {
        fputs("<div class=\"who\">who can compute it: ", f);
        esc(f, jstr(x, "who"));
        fputs("</div>", f);
    }
    fputs("</div>\n", f);
}

/* A handshake message's bytes: type, length, and (hellos) version and random marked. */
static void message_bytes(FILE *f, const struct jnode *m)
{
    const char *hex = jstr(m, "hex");
    const char *type = jstr(m, "type");
    size_t n = hex != NULL ? strlen(hex) / 2 : 0;
    bool hello =
        type != NULL && (strcmp(type, "ClientHello") == 0 || strcmp(type, "ServerHello") == 0);
    fprintf(f, "<details><summary>%s %s, %zu bytes%s</summary><div class=\"hex\">", jstr(m, "side"),
            type, n,
            jget(m, "encrypted_on_wire") != NULL && jget(m, "encrypted_on_wire")->b
                ? " (encrypted on the wire; shown decrypted)"
                : "");
    for (size_t i = 0; i < n; i++) {
        const char *cls = i == 0            ? "t"
                          : i < 4           ? "l"
                          : hello && i < 6  ? "v"
                          : hello && i < 38 ? "r"
                                            : "";
        fprintf(f, "<span class=\"%s\">%.2s</span>", cls, hex + 2 * i);
    }
    fputs("</div><small>red: message type; blue: length; green: version; yellow: random</small>"
          "</details>\n",
          f);
}

static void hex_row(FILE *f, const char *label, const char *hex)
{
    if (hex != NULL) {
        fprintf(f, "<tr><th>%s</th><td><code>", label);
        esc(f, hex);
        fputs("</code></td></tr>\n", f);
    }
}

static void inputs(FILE *f, int si, const struct jnode *in)
{
    static const char *const keys[] = {"client_random",
                                       "server_random",
                                       "client_public_share",
                                       "client_ephemeral_private_key",
                                       "server_public_share",
                                       "server_ephemeral_private_key",
                                       "session_hash",
                                       "master_secret",
                                       "extended_master_secret",
                                       "ticket_nonce",
                                       "mlkem_encapsulation_key",
                                       "mlkem_key_seeds",
                                       "mlkem_ciphertext",
                                       "mlkem_shared_secret",
                                       "x25519_shared_secret",
                                       "hybrid_shared_secret",
                                       NULL};
    fprintf(f, "<div class=\"node pub\" id=\"s%d-inputs\"><b>inputs</b><table>\n", si);
    for (size_t i = 0; keys[i] != NULL; i++) {
        hex_row(f, keys[i], jstr(in, keys[i]));
    }
    const struct jnode *th = jget(in, "transcript_hash");
    th = th != NULL ? th : jget(in, "handshake_hashes");
    for (const struct jnode *t = th != NULL ? th->kids : NULL; t != NULL; t = t->next) {
        fputs("<tr><th>Hash(", f);
        esc(f, jstr(t, "covers"));
        fputs(")</th><td><code>", f);
        esc(f, jstr(t, "value"));
        fputs("</code><br>used by ", f);
        esc(f, jstr(t, "used_by"));
        fputs("</td></tr>\n", f);
    }
    fputs("</table>", f);
    if (jstr(in, "private_keys_note") != NULL) {
        fputs("<p><small>", f);
        esc(f, jstr(in, "private_keys_note"));
        fputs("</small></p>", f);
    }
    const struct jnode *recs = jget(in, "records");
    for (const struct jnode *r = recs != NULL ? recs->kids : NULL; r != NULL; r = r->next) {
        fputs("<p><b>one application record ", f);
        esc(f, jstr(r, "direction"));
        fputs("</b></p><table>", f);
        hex_row(f, "header", jstr(r, "header"));
        hex_row(f, "explicit nonce", jstr(r, "explicit_nonce"));
        hex_row(f, "ciphertext", jstr(r, "ciphertext"));
        hex_row(f, "tag", jstr(r, "tag"));
        hex_row(f, "nonce", jstr(r, "nonce"));
        hex_row(f, "additional data", jstr(r, "aad"));
        hex_row(f, "decrypted", jstr(r, "plaintext_hex"));
        fputs("<tr><th>keys</th><td>", f);
        esc(f, jstr(r, "key"));
        fputs(", ", f);
        esc(f, jstr(r, "iv"));
        fputs("</td></tr></table>\n", f);
    }
    fputs("</div>\n", f);
}

static void session_col(FILE *f, int si, const struct jnode *s)
{
    fputs("<div class=\"col\"><h3>", f);
    esc(f, jstr(s, "title"));
    fputs("</h3><p>", f);
    esc(f, jstr(s, "version"));
    fputs(", ", f);
    esc(f, jstr(s, "suite"));
    const struct jnode *fs = jget(s, "forward_secret");
    fprintf(f, ", forward secret: <span class=\"%s\">%s</span></p>\n",
            fs != NULL && fs->b ? "ok" : "no", fs != NULL && fs->b ? "yes" : "no");
    const struct jnode *in = jget(s, "inputs");
    const struct jnode *msgs = jget(in, "messages");
    fputs("<h4>Messages</h4>\n", f);
    for (const struct jnode *m = msgs != NULL ? msgs->kids : NULL; m != NULL; m = m->next) {
        message_bytes(f, m);
    }
    fputs("<h4>Inputs</h4>\n", f);
    inputs(f, si, in);
    fputs("<h4>Derivation (the client's values; the server derived the same)</h4>\n", f);
    const struct jnode *secrets = jget(s, "secrets");
    for (const struct jnode *x = secrets != NULL ? secrets->kids : NULL; x != NULL; x = x->next) {
        if (jstr(x, "side") != NULL && strcmp(jstr(x, "side"), "client") == 0) {
            secret_node(f, si, x, secrets);
        }
    }
    const struct jnode *v = jget(s, "verification");
    fputs("<h4>Authentication</h4><p>The demo skipped verification. Against the system trust "
          "store: ",
          f);
    esc(f, jstr(v, "system_trust_store"));
    fputs(". With this certificate as the trust anchor: ", f);
    esc(f, jstr(v, "certificate_as_anchor"));
    fputs(".</p></div>\n", f);
}

static void lesson_rows(FILE *f, const struct jnode *arr)
{
    fputs("<table><tr><th>recording</th><th>opened?</th><th>what came out, or why not</th></tr>\n",
          f);
    for (const struct jnode *l = arr != NULL ? arr->kids : NULL; l != NULL; l = l->next) {
        const struct jnode *d = jget(l, "decrypted");
        bool open = d != NULL && d->b;
        fputs("<tr><td>", f);
        esc(f, jstr(l, "title"));
        fprintf(f, "</td><td class=\"%s\">%s</td><td>", open ? "no" : "ok", open ? "yes" : "no");
        if (open) {
            const struct jnode *p = jget(l, "plaintext");
            fputs("<code>", f);
            esc(f, jstr(p, "client_to_server"));
            fputs("</code><br><code>", f);
            esc(f, jstr(p, "server_to_client"));
            fputs("</code>", f);
        } else {
            esc(f, jstr(l, "reason"));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* "Record now, decrypt later": what the adversary recovered and each step it derived. */
static void quantum_section(FILE *f, const struct jnode *q)
{
    fputs("<h2 id=\"quantum\">Record now, decrypt later: a quantum adversary</h2>\n<p>", f);
    esc(f, jstr(q, "adversary"));
    fputs("</p>\n", f);
    const struct jnode *sessions = jget(q, "sessions");
    lesson_rows(f, sessions);
    for (const struct jnode *l = sessions != NULL ? sessions->kids : NULL; l != NULL; l = l->next) {
        fputs("<details><summary>", f);
        esc(f, jstr(l, "title"));
        fputs(": the adversary's keys and derivation</summary><table>\n", f);
        hex_row(f, "client X25519 share (recorded)", jstr(l, "client_x25519_share"));
        hex_row(f, "its private key, as Shor's algorithm would compute it",
                jstr(l, "client_x25519_private_key"));
        hex_row(f, "server X25519 share (recorded)", jstr(l, "server_x25519_share"));
        hex_row(f, "X25519 shared secret", jstr(l, "x25519_shared_secret"));
        const struct jnode *steps = jget(l, "steps");
        for (const struct jnode *st = steps != NULL ? steps->kids : NULL; st != NULL;
             st = st->next) {
            fputs("<tr><th>", f);
            esc(f, jstr(st, "name"));
            fputs("</th><td><code>", f);
            esc(f, jstr(st, "value_hex"));
            fputs("</code><br><i>", f);
            esc(f, jstr(st, "formula"));
            fputs("</i></td></tr>\n", f);
        }
        fputs("</table></details>\n", f);
    }
    fputs("<p>", f);
    esc(f, jstr(q, "rests_on"));
    fputs("</p>\n<p>", f);
    esc(f, jstr(q, "does_not_protect"));
    fputs("</p>\n", f);
}

/* see explain_html.h */
int explain_html(const char *json, size_t len, const char *path)
{
    struct jnode *d = jdom_parse(json, len);
    FILE *f = d != NULL ? fopen(path, "w") : NULL;
    if (f == NULL) {
        jdom_free(d);
        return 1;
    }
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width\">"
            "<title>glasstls explain</title><style>%s</style></head><body>\n",
            style);
    const struct jnode *sessions = jget(d, "sessions");
    size_t n_sessions = 0;
    for (const struct jnode *s = sessions != NULL ? sessions->kids : NULL; s != NULL; s = s->next) {
        n_sessions++;
    }
    static const char *const count[] = {"no connection", "one connection", "two connections",
                                        "three connections", "four connections"};
    fprintf(f, "<h1>How TLS makes its keys: %s, explained</h1>\n",
            n_sessions < sizeof count / sizeof count[0] ? count[n_sessions] : "the connections");
    fputs("<p>Client and server ran inside one process; every value below was derived by both "
          "and shown with its formula. Each secret is a node: follow <i>made from</i> to its "
          "inputs. Click a message to see its bytes.</p>\n",
          f);
    if (jget(d, "lesson") != NULL) { /* the whole run: the lessons and answers follow */
        fputs("<p><a href=\"#sessions\">Connections</a> · <a href=\"#lesson\">Forward "
              "secrecy</a> · <a href=\"#ticket\">Ticket key</a> · <a href=\"#quantum\">Record "
              "now, decrypt later</a> · <a href=\"#answers\">Answers</a></p>\n",
              f);
    }
    fputs("<h2 id=\"sessions\">The connections side by side</h2><div class=\"cols\">\n", f);
    int si = 0;
    for (const struct jnode *s = sessions != NULL ? sessions->kids : NULL; s != NULL;
         s = s->next, si++) {
        session_col(f, si, s);
    }
    fputs("</div>\n", f);
    const struct jnode *lesson = jget(d, "lesson");
    if (lesson != NULL) {
        fputs("<h2 id=\"lesson\">A recording and a leaked server key</h2>\n<p>Each connection was "
              "recorded; years later the server's private key leaks.</p>\n",
              f);
        lesson_rows(f, jget(lesson, "sessions"));
        fputs("<h2 id=\"ticket\">The same recordings and a leaked ticket key</h2>\n", f);
        lesson_rows(f, jget(lesson, "ticket_key_sessions"));
        fputs("<p>", f);
        esc(f, jstr(lesson, "ticket_rotation"));
        fputs("</p>\n", f);
    }
    const struct jnode *quantum = jget(d, "quantum_lesson");
    if (quantum != NULL) {
        quantum_section(f, quantum);
    }
    const struct jnode *answers = jget(d, "answers");
    if (answers != NULL) {
        fputs("<h2 id=\"answers\">Answers</h2>\n", f);
        for (const struct jnode *a = answers->kids; a != NULL; a = a->next) {
            fputs("<h3>", f);
            esc(f, jstr(a, "question"));
            fputs("</h3><p>", f);
            esc(f, jstr(a, "answer"));
            fputs("</p>\n", f);
        }
    }
    fputs("</body></html>\n", f);
    int rc = ferror(f) ? 1 : 0;
    rc |= fclose(f) != 0;
    jdom_free(d);
    return rc;
}
