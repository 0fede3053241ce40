/* The secret table and key-log lines (keys/names.c): every id has a name, a formula
 * and a who; bad ids are "unknown"; the NSS labels are exactly the SSLKEYLOGFILE
 * ones for exactly the logged values; key-log lines have the exact NSS form
 * "LABEL <64 hex client_random> <hex secret>" (checked on RFC 8448 §3 values);
 * unlabelled ids, empty or oversized values are GLS_E_INVALID_ARGUMENT and a
 * buffer one byte short is GLS_E_BUFFER_TOO_SMALL; the sink reports or stays off. */
#include "harness.h"

#include "codec/codec_util.h"
#include "keys/names.h"

TEST(every_id_is_described)
{
    for (int i = 0; i < GLS_SID_COUNT; i++) {
        enum gls_secret_id id = (enum gls_secret_id)i;
        gls_secret_info info = gls_secret_info_of(id, NULL, 0);
        if (info.name == NULL || info.formula == NULL || info.who == NULL || info.name[0] == 0 ||
            info.formula[0] == 0 || info.who[0] == 0 || strcmp(info.name, "unknown") == 0) {
            FAIL("secret id %d lacks a name, formula or who", i);
        }
        CHECK(strcmp(gls_secret_name(id), info.name) == 0);
        /* names are what `explain` shows: no two values share one */
        for (int j = 0; j < i; j++) {
            if (strcmp(gls_secret_name((enum gls_secret_id)j), info.name) == 0) {
                FAIL("ids %d and %d are both named \"%s\"", j, i, info.name);
            }
        }
    }
}

TEST(bad_id_is_unknown)
{
    static const uint8_t v[3] = {1, 2, 3};
    enum gls_secret_id bad[2] = {GLS_SID_COUNT, (enum gls_secret_id) - 1};
    for (int i = 0; i < 2; i++) {
        gls_secret_info info = gls_secret_info_of(bad[i], v, sizeof v);
        CHECK(strcmp(info.name, "unknown") == 0);
        CHECK(strcmp(info.formula, "") == 0 && strcmp(info.who, "") == 0);
        CHECK(info.value == v && info.len == sizeof v);
        CHECK(strcmp(gls_secret_name(bad[i]), "unknown") == 0);
        CHECK(gls_secret_keylog_label(bad[i]) == NULL);
    }
}

TEST(info_carries_the_value)
{
    static const uint8_t v[5] = {9, 8, 7, 6, 5};
    gls_secret_info info = gls_secret_info_of(GLS_SID_C_HS_TRAFFIC, v, sizeof v);
    CHECK(strcmp(info.name, "c hs traffic") == 0);
    CHECK(strstr(info.formula, "\"c hs traffic\"") != NULL);
    CHECK(info.value == v && info.len == 5);
}

/* The NSS key-log labels, and no label on anything else. */
TEST(keylog_labels_are_exactly_nss)
{
    static const struct {
        enum gls_secret_id id;
        const char *label;
    } want[] = {
        {GLS_SID_MASTER_SECRET_12, "CLIENT_RANDOM"},
        {GLS_SID_EXT_MASTER_SECRET_12, "CLIENT_RANDOM"},
        {GLS_SID_C_E_TRAFFIC, "CLIENT_EARLY_TRAFFIC_SECRET"},
        {GLS_SID_E_EXP_MASTER, "EARLY_EXPORTER_SECRET"},
        {GLS_SID_C_HS_TRAFFIC, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"},
        {GLS_SID_S_HS_TRAFFIC, "SERVER_HANDSHAKE_TRAFFIC_SECRET"},
        {GLS_SID_C_AP_TRAFFIC, "CLIENT_TRAFFIC_SECRET_0"},
        {GLS_SID_S_AP_TRAFFIC, "SERVER_TRAFFIC_SECRET_0"},
        {GLS_SID_EXP_MASTER, "EXPORTER_SECRET"},
    };
    for (int i = 0; i < GLS_SID_COUNT; i++) {
        const char *label = gls_secret_keylog_label((enum gls_secret_id)i);
        const char *expect = NULL;
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            if ((int)want[k].id == i) {
                expect = want[k].label;
            }
        }
        if (expect == NULL ? label != NULL : label == NULL || strcmp(label, expect) != 0) {
            FAIL("id %d (%s): label %s, want %s", i, gls_secret_name((enum gls_secret_id)i),
                 label ? label : "NULL", expect ? expect : "NULL");
        }
    }
}

/* RFC 8448 §3: ClientHello.random and the client handshake traffic secret. */
TEST(keylog_line_exact_format)
{
    static uint8_t ch[512];
    uint8_t secret[32];
    char line[GLS_KEYLOG_LINE_MAX];
    size_t n = load_vector("rfc8448.txt", "client_hello", ch, sizeof ch);
    CHECK(n > 38);
    const uint8_t *random = ch + 6; /* type(1) length(3) legacy_version(2) */
    CHECK_HEX(random, 32, "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7");
    unhex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", secret,
          sizeof secret);
    CHECK_OK(
        gls_keylog_line(GLS_SID_C_HS_TRAFFIC, random, secret, sizeof secret, line, sizeof line));
    CHECK(strcmp(line, "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
                       "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
                       "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21") == 0);
}

/* A TLS 1.2 master secret is 48 bytes: "CLIENT_RANDOM <64 hex> <96 hex>". */
TEST(keylog_line_client_random)
{
    uint8_t random[32];
    uint8_t ms[48];
    char line[GLS_KEYLOG_LINE_MAX];
    char want[GLS_KEYLOG_LINE_MAX];
    for (int i = 0; i < 32; i++) {
        random[i] = (uint8_t)(0xa0 + i);
    }
    for (int i = 0; i < 48; i++) {
        ms[i] = (uint8_t)(i * 5);
    }
    CHECK_OK(gls_keylog_line(GLS_SID_MASTER_SECRET_12, random, ms, sizeof ms, line, sizeof line));
    memcpy(want, "CLIENT_RANDOM ", 14);
    hex_of(random, 32, want + 14);
    want[14 + 64] = ' ';
    hex_of(ms, 48, want + 14 + 65);
    CHECK(strcmp(line, want) == 0);
    CHECK_EQ(strlen(line), 13 + 1 + 64 + 1 + 96);
}

TEST(keylog_line_errors)
{
    uint8_t random[32] = {0};
    uint8_t v[GLS_MAX_KEYLOG_SECRET + 1];
    char line[GLS_KEYLOG_LINE_MAX];
    memset(v, 0x42, sizeof v);
    /* no NSS label */
    CHECK_ERR(gls_keylog_line(GLS_SID_HANDSHAKE_SECRET, random, v, 32, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_RES_MASTER, random, v, 32, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_PRE_MASTER_SECRET, random, v, 48, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_COUNT, random, v, 32, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    /* empty, missing or oversized value; missing random or output */
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, random, v, 0, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, random, NULL, 32, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, random, v, sizeof v, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, NULL, v, 32, line, sizeof line),
              GLS_E_INVALID_ARGUMENT);
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, random, v, 32, NULL, sizeof line),
              GLS_E_INVALID_ARGUMENT);
}

/* "EXPORTER_SECRET " + 64 + " " + 64 + NUL = 146 bytes: 146 fits, 145 does not and
 * leaves the buffer untouched. The longest label with the largest secret fits in
 * GLS_KEYLOG_LINE_MAX. */
TEST(keylog_line_buffer_size)
{
    uint8_t random[32] = {0};
    uint8_t v[GLS_MAX_KEYLOG_SECRET];
    char line[GLS_KEYLOG_LINE_MAX];
    memset(v, 0x42, sizeof v);
    size_t need = strlen("EXPORTER_SECRET") + 1 + 64 + 1 + 64 + 1;
    CHECK_OK(gls_keylog_line(GLS_SID_EXP_MASTER, random, v, 32, line, need));
    CHECK_EQ(strlen(line), need - 1);
    memset(line, '#', sizeof line);
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, random, v, 32, line, need - 1),
              GLS_E_BUFFER_TOO_SMALL);
    CHECK(line[0] == '#');
    CHECK_ERR(gls_keylog_line(GLS_SID_EXP_MASTER, random, v, 32, line, 0), GLS_E_BUFFER_TOO_SMALL);
    CHECK_OK(gls_keylog_line(GLS_SID_C_HS_TRAFFIC, random, v, sizeof v, line, sizeof line));
    CHECK_EQ(strlen(line), 31 + 1 + 64 + 1 + 128);
}

struct seen {
    int calls;
    enum gls_secret_id id;
    const uint8_t *v;
    size_t len;
};

static void record(void *arg, enum gls_secret_id id, const uint8_t *v, size_t len)
{
    struct seen *s = arg;
    s->calls++;
    s->id = id;
    s->v = v;
    s->len = len;
}

TEST(secret_report_sink)
{
    static const uint8_t v[4] = {1, 2, 3, 4};
    struct seen s = {0};
    gls_secret_sink on = {record, &s};
    gls_secret_sink off = {NULL, &s};
    gls_secret_report(NULL, GLS_SID_EXP_MASTER, v, sizeof v);
    gls_secret_report(&off, GLS_SID_EXP_MASTER, v, sizeof v);
    CHECK_EQ(s.calls, 0);
    gls_secret_report(&on, GLS_SID_EXP_MASTER, v, sizeof v);
    CHECK_EQ(s.calls, 1);
    CHECK(s.id == GLS_SID_EXP_MASTER && s.v == v && s.len == sizeof v);
}
