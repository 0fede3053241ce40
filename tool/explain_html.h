/* tool/explain_html.h — `explain --html FILE` (see explain_html.c). */
#ifndef GLS_TOOL_EXPLAIN_HTML_H
#define GLS_TOOL_EXPLAIN_HTML_H

#include <stddef.h>

/* Writes the page for the explain JSON document json[0..len) to path; 0 on success. */
int explain_html(const char *json, size_t len, const char *path);

#endif
