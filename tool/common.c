/* tool/common.c — helpers the subcommands share: name lists, key logs, the
 * connection summary. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
const char *group_words(const gls_conn_info *info)
{
    bool resumed12 = info->resumed && info->version != 0x0304;
    return info->group                    ? info->group_name
           : resumed12                    ? "none (resumed: no key exchange)"
           : strcmp(info->kx, "RSA") == 0 ? "none (RSA key exchange)"
                                          : "DHE with the server's own group";
}

/* see tool.h */
const char *forward_secrecy_words(const gls_conn_info *info)
{
    /* a resumed TLS 1.2 session reuses the master secret its ticket or cache entry holds */
    return !info->forward_secret ? "NO"
           : info->resumed && info->version != 0x0304
               ? "NO: resumed, its keys come from the earlier session's master secret, which the "
                 "server's ticket key (or session cache) also holds"
               : "yes";
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
    fprintf(f, "Group     : %s\n", group_words(&info));
    fprintf(f, "Signature : %s\n", info.sigalg ? gls_sigalg_name(info.sigalg) : "none");
    fprintf(f, "Forward secrecy: %s\n", forward_secrecy_words(&info));
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

/* see tool.h */
int parse_seconds(const char *arg, int *ms)
{
    char *end = NULL;
    double v = strtod(arg, &end);
    if (end == arg || *end != 0 || !(v >= 0.001 && v <= 86400)) {
        return GLS_E_INVALID_ARGUMENT;
    }
    *ms = (int)(v * 1000 + 0.5);
    return GLS_OK;
}

/* see tool.h */
const char *option_error(const char *arg, int err)
{
    static char why[256];
    FILE *f = err == GLS_E_FILE && arg != NULL ? fopen(arg, "r") : NULL;
    if (err != GLS_E_FILE || arg == NULL || f != NULL) {
        if (f != NULL) {
            fclose(f);
        }
        return gls_error_message(err);
    }
    snprintf(why, sizeof why, "cannot read it: %s", strerror(errno));
    return why;
}

static bool readable(const char *cmd, const char *flag, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "glasstls %s: %s %s: cannot read it: %s\n", cmd, flag, path,
                strerror(errno));
        return false;
    }
    fclose(f);
    return true;
}

/* see tool.h */
int load_cert_pair(gls_config *cfg, const char *cmd, const char *cert, const char *key)
{
    if (!readable(cmd, "--cert", cert) || !readable(cmd, "--key", key)) {
        return GLS_E_FILE;
    }
    int err = gls_config_add_cert_files(cfg, cert, key);
    switch (err) {
    case GLS_OK:
        break;
    case GLS_E_BAD_CERT_FILE:
        fprintf(stderr, "glasstls %s: --cert %s: no certificate in it could be parsed (PEM)\n", cmd,
                cert);
        break;
    case GLS_E_BAD_KEY_FILE:
        fprintf(stderr, "glasstls %s: --key %s: the private key could not be parsed\n", cmd, key);
        break;
    case GLS_E_KEY_MISMATCH:
        fprintf(stderr, "glasstls %s: --key %s does not match the certificate in --cert %s\n", cmd,
                key, cert);
        break;
    default:
        fprintf(stderr, "glasstls %s: --cert %s / --key %s: %s\n", cmd, cert, key,
                gls_error_message(err));
    }
    return err;
}

static void utc_line(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
        snprintf(out, cap, "%lld", (long long)t);
    }
}

/* see tool.h */
void warn_cert_validity(gls_config *cfg, size_t i, const char *file)
{
    int64_t from = 0;
    int64_t until = 0;
    int64_t now = (int64_t)time(NULL);
    char when[64];
    if (gls_config_cert_validity(cfg, i, &from, &until) != GLS_OK) {
        return;
    }
    if (now > until) {
        utc_line(until, when, sizeof when);
        fprintf(stderr,
                "glasstls server: WARNING: the certificate in %s expired on %s (notAfter); "
                "clients will refuse it\n",
                file, when);
    } else if (now < from) {
        utc_line(from, when, sizeof when);
        fprintf(stderr,
                "glasstls server: WARNING: the certificate in %s is not valid before %s "
                "(notBefore); clients will refuse it\n",
                file, when);
    }
}

/* see tool.h */
bool use_colour(int fd)
{
    const char *no = getenv("NO_COLOR");
    return isatty(fd) && (no == NULL || *no == 0);
}
