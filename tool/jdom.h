/* tool/jdom.h — a small JSON reader for the tool's own documents (RFC 8259): `explain --html`
 * renders the page from the same JSON `explain --json` prints, so the two cannot disagree.
 * Strings are decoded to UTF-8; numbers are kept as their text. Depth is bounded. */
#ifndef GLS_TOOL_JDOM_H
#define GLS_TOOL_JDOM_H

#include <stdbool.h>
#include <stddef.h>

enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
    enum jkind kind;
    bool b;
    char *s;            /* J_STR: decoded, NUL-terminated; J_NUM: the number's text */
    char *key;          /* member name when inside an object */
    struct jnode *kids; /* J_ARR / J_OBJ: first element or member */
    struct jnode *next; /* next sibling */
};

/* Parses text[0..len); NULL on malformed input or out of memory. */
struct jnode *jdom_parse(const char *text, size_t len);
void jdom_free(struct jnode *n);
/* The member called key of an object, or NULL. */
const struct jnode *jget(const struct jnode *obj, const char *key);
/* The member's string (J_STR), or NULL. */
const char *jstr(const struct jnode *obj, const char *key);

#endif
