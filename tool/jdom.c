/* tool/jdom.c — see jdom.h. A recursive-descent reader over a cursor; every failure returns
 * NULL and frees what was built. */
#include "jdom.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct cur {
    const char *p;
    const char *end;
};

static void skip_ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t')) {
        c->p++;
    }
}

static bool lit(struct cur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) {
        return false;
    }
    c->p += n;
    return true;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char h = p[i];
        int d = h >= '0' && h <= '9'   ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                       : -1;
        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string at c->p (after its opening quote); decoded into a fresh buffer. */
static char *string(struct cur *c)
{
    const char *start = c->p;
    size_t n = 0;
    while (c->p < c->end && *c->p != '"') {
        c->p += *c->p == '\\' && c->p + 1 < c->end ? 2 : 1;
        n++;
    }
    if (c->p >= c->end) {
        return NULL;
    }
    char *out = malloc(4 * n + 1);
    size_t o = 0;
    if (out == NULL) {
        return NULL;
    }
    for (const char *p = start; p < c->p;) {
        if (*p != '\\') {
            out[o++] = *p++;
            continue;
        }
        char e = p[1];
        p += 2;
        if (e == 'u' && c->p - p >= 4 && hex4(p) >= 0) {
            uint32_t cp = (uint32_t)hex4(p);
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && c->p - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
                hex4(p + 2) >= 0xdc00 && hex4(p + 2) < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)hex4(p + 2) - 0xdc00);
                p += 6;
            }
            o += put_utf8(out + o, cp);
            continue;
        }
        static const char from[] = "\"\\/bfnrt";
        static const char to[] = "\"\\/\b\f\n\r\t";
        const char *at = e != 0 ? strchr(from, e) : NULL;
        if (at == NULL) {
            free(out);
            return NULL;
        }
        out[o++] = to[at - from];
    }
    out[o] = 0;
    c->p++; /* the closing quote */
    return out;
}

static struct jnode *value(struct cur *c, int depth);

/* Elements of an array or members of an object, up to the closing bracket. */
static bool children(struct cur *c, struct jnode *n, bool obj, int depth)
{
    struct jnode **tail = &n->kids;
    skip_ws(c);
    if (c->p < c->end && *c->p == (obj ? '}' : ']')) {
        c->p++;
        return true;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(c);
        if (obj) {
            if (c->p >= c->end || *c->p != '"') {
                return false;
            }
            c->p++;
            key = string(c);
            skip_ws(c);
            if (key == NULL || c->p >= c->end || *c->p != ':') {
                free(key);
                return false;
            }
            c->p++;
        }
        struct jnode *k = value(c, depth + 1);
        if (k == NULL) {
            free(key);
            return false;
        }
        k->key = key;
        *tail = k;
        tail = &k->next;
        skip_ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == (obj ? '}' : ']')) {
            c->p++;
            return true;
        }
        return false;
    }
}

static struct jnode *value(struct cur *c, int depth)
{
    skip_ws(c);
    struct jnode *n = calloc(1, sizeof *n);
    if (n == NULL || c->p >= c->end || depth > MAX_DEPTH) {
        free(n);
        return NULL;
    }
    bool ok = true;
    char ch = *c->p;
    if (ch == '{' || ch == '[') {
        c->p++;
        n->kind = ch == '{' ? J_OBJ : J_ARR;
        ok = children(c, n, ch == '{', depth);
    } else if (ch == '"') {
        c->p++;
        n->kind = J_STR;
        n->s = string(c);
        ok = n->s != NULL;
    } else if (lit(c, "true") || lit(c, "false")) {
        n->kind = J_BOOL;
        n->b = c->p[-1] == 'e' && c->p[-2] == 'u';
    } else if (lit(c, "null")) {
        n->kind = J_NULL;
    } else {
        const char *start = c->p;
        while (c->p < c->end && strchr("+-0123456789.eE", *c->p) != NULL) {
            c->p++;
        }
        n->kind = J_NUM;
        n->s = c->p > start ? strndup(start, (size_t)(c->p - start)) : NULL;
        ok = n->s != NULL;
    }
    if (!ok) {
        jdom_free(n);
        return NULL;
    }
    return n;
}

/* see jdom.h */
struct jnode *jdom_parse(const char *text, size_t len)
{
    struct cur c = {text, text + len};
    struct jnode *n = value(&c, 0);
    skip_ws(&c);
    if (n != NULL && c.p != c.end) {
        jdom_free(n);
        return NULL;
    }
    return n;
}

/* see jdom.h */
void jdom_free(struct jnode *n)
{
    while (n != NULL) {
        struct jnode *next = n->next;
        jdom_free(n->kids);
        free(n->s);
        free(n->key);
        free(n);
        n = next;
    }
}

/* see jdom.h */
const struct jnode *jget(const struct jnode *obj, const char *key)
{
    if (obj == NULL || obj->kind != J_OBJ) {
        return NULL;
    }
    for (const struct jnode *k = obj->kids; k != NULL; k = k->next) {
        if (k->key != NULL && strcmp(k->key, key) == 0) {
            return k;
        }
    }
    return NULL;
}

/* see jdom.h */
const char *jstr(const struct jnode *obj, const char *key)
{
    const struct jnode *n = jget(obj, key);
    return n != NULL && n->kind == J_STR ? n->s : NULL;
}
