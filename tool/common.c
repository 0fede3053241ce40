/* tool/common.c — helpers the subcommands share: name lists, key logs, the
 * connection summary. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static int parse_list(const char *list, uint16_t *out, size_t cap, size_t *n,
                      uint16_t (*lookup)(const char *))
{
    char buf[1024];
    *n = 0;
    if (strlen(list) >= sizeof buf) {
        return -1;
    }
    strcpy(buf, list);
    for (char *save = NULL, *tok = strtok_r(buf, ",:", &save); tok != NULL;
         tok = strtok_r(NULL, ",:", &save)) {
        uint16_t id = lookup(tok);
        if (id == 0 || *n == cap) {
            fprintf(stderr, "glasstls: unknown or too many names: '%s'\n", tok);
            return -1;
        }
        out[(*n)++] = id;
    }
    return *n > 0 ? 0 : -1;
}

/* see tool.h */
int parse_suites(const char *list, uint16_t *out, size_t cap, size_t *n)
{
    return parse_list(list, out, cap, n, gls_suite_from_name);
}

/* see tool.h */
int parse_groups(const char *list, uint16_t *out, size_t cap, size_t *n)
{
    return parse_list(list, out, cap, n, gls_group_from_name);
}

/* see tool.h */
int apply_common_option(gls_config *cfg, int opt, const char *arg)
{
    uint16_t list[32];
    size_t n = 0;
    switch (opt) {
    case 'A':
        return gls_config_set_ca(cfg, arg, NULL);
    case '2':
        return gls_config_set_versions(cfg, 0x0303, 0x0303);
    case '3':
        return gls_config_set_versions(cfg, 0x0304, 0x0304);
    case 'c':
        return parse_suites(arg, list, 32, &n) == 0 ? gls_config_set_suites(cfg, list, n)
                                                    : GLS_E_INVALID_ARGUMENT;
    case 'g':
        return parse_groups(arg, list, 32, &n) == 0 ? gls_config_set_groups(cfg, list, n)
                                                    : GLS_E_INVALID_ARGUMENT;
    case 'a': {
        char buf[512];
        const char *protos[8];
        snprintf(buf, sizeof buf, "%s", arg);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && n < 8;
             t = strtok_r(NULL, ",", &save)) {
            protos[n++] = t;
        }
        return gls_config_set_alpn(cfg, protos, n);
    }
    default:
        return GLS_E_INVALID_ARGUMENT;
    }
}

/* see tool.h */
FILE *open_keylog(const char *path)
{
    if (path == NULL) {
        path = getenv("SSLKEYLOGFILE");
    }
    if (path == NULL || *path == 0) {
        return NULL;
    }
    FILE *f = fopen(path, "a");
    if (f == NULL) {
        fprintf(stderr, "glasstls: cannot open key log %s\n", path);
        return NULL;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

/* see tool.h */
void keylog_to_file(void *arg, gls_conn *c, const char *line)
{
    (void)c;
    fprintf((FILE *)arg, "%s\n", line);
}

/* see tool.h */
void print_summary(FILE *f, const gls_conn *c, const char *verify_result)
{
    gls_conn_info info;
    if (gls_conn_get_info(c, &info) != GLS_OK) {
        return;
    }
    fprintf(f, "---\n");
    fprintf(f, "Protocol  : %s\n", info.version == 0x0304 ? "TLSv1.3" : "TLSv1.2");
    fprintf(f, "Cipher    : %s\n", info.suite_name ? info.suite_name : "?");
    const char *group = info.group                    ? info.group_name
                        : strcmp(info.kx, "RSA") == 0 ? "none (RSA key exchange)"
                                                      : "DHE with the server's own group";
    fprintf(f, "Group     : %s\n", group);
    fprintf(f, "Signature : %s\n", info.sigalg ? gls_sigalg_name(info.sigalg) : "none");
    fprintf(f, "Forward secrecy: %s\n", info.forward_secret ? "yes" : "NO");
    fprintf(f, "ALPN      : %s\n", info.alpn ? info.alpn : "none");
    fprintf(f, "Resumed   : %s\n", info.resumed ? "yes" : "no");
    fprintf(f, "Peer certificates: %zu\n", info.peer_certs);
    for (size_t i = 0; i < info.peer_certs; i++) {
        char subject[256];
        if (gls_conn_peer_subject(c, i, subject, sizeof subject) == GLS_OK) {
            fprintf(f, "  %zu subject: %s\n", i, subject);
        }
    }
    fprintf(f, "Verify    : %s\n", verify_result);
    fprintf(f, "---\n");
}
