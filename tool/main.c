/* tool/main.c — the glasstls command: dispatch to client, server, explain, decrypt. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

static const char help_text[] =
    "usage: glasstls COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  client HOST[:PORT]   connect with TLS and pipe stdin/stdout (like openssl s_client)\n"
    "  server               accept TLS connections (like openssl s_server)\n"
    "  explain              run TLS connections in-process and show every secret\n"
    "  decrypt CAPTURE      decrypt the TLS sessions of a capture (--key, --keylog)\n"
    "  help                 this text; 'glasstls COMMAND --help' for a command's options\n"
    "  version              print the version\n";

/* see tool.h */
int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "glasstls %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(try 'glasstls %s --help')\n", cmd);
    return 2;
}

/* see tool.h */
int fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "glasstls: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(help_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("glasstls 0.1.0\n");
        return 0;
    }
    if (strcmp(argv[1], "client") == 0) {
        return cmd_client(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "server") == 0) {
        return cmd_server(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "explain") == 0) {
        return cmd_explain(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "decrypt") == 0) {
        return cmd_decrypt(argc - 1, argv + 1);
    }
    fprintf(stderr, "glasstls: unknown command '%s'\n%s", argv[1], help_text);
    return 2;
}
