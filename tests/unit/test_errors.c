/* The error table: complete, unique, in its bands, every row with an alert. */
#include "harness.h"

#include "base/errors.h"
#include "base/secret.h"
#include "base/wire.h"

TEST(codes_unique_and_named)
{
    int n = gls_error_count();
    CHECK(n > 40);
    for (int i = 0; i < n; i++) {
        int code = gls_error_code_at(i);
        CHECK(code <= 0 && code > GLS_E_PEER_ALERT_BASE);
        CHECK(strcmp(gls_error_name(code), "unknown") != 0);
        CHECK(strlen(gls_error_message(code)) > 5);
        for (int j = i + 1; j < n; j++) {
            CHECK(gls_error_code_at(j) != code);
            CHECK(strcmp(gls_error_name(gls_error_code_at(j)), gls_error_name(code)) != 0);
        }
    }
}

TEST(peer_protocol_errors_send_alerts)
{
    for (int i = 0; i < gls_error_count(); i++) {
        int code = gls_error_code_at(i);
        if (code <= -100 && code > -400 && code != GLS_E_UNEXPECTED_EOF) {
            CHECK(gls_error_alert(code) != GLS_ALERT_NONE);
        }
    }
    CHECK_EQ(gls_error_alert(GLS_E_DECODE), GLS_ALERT_DECODE_ERROR);
    CHECK_EQ(gls_error_alert(GLS_E_BAD_RECORD_MAC), GLS_ALERT_BAD_RECORD_MAC);
    CHECK_EQ(gls_error_alert(GLS_E_BAD_FINISHED), GLS_ALERT_DECRYPT_ERROR);
    CHECK_EQ(gls_error_alert(GLS_E_CERT_UNTRUSTED), GLS_ALERT_UNKNOWN_CA);
}

TEST(peer_alert_codes)
{
    int e = gls_error_from_alert(GLS_ALERT_HANDSHAKE_FAILURE);
    CHECK_EQ(e, -1040);
    CHECK(gls_error_is_peer_alert(e));
    CHECK(!gls_error_is_peer_alert(GLS_E_DECODE));
    CHECK_EQ(gls_error_alert(e), GLS_ALERT_HANDSHAKE_FAILURE);
    CHECK(strcmp(gls_error_name(e), "peer_alert") == 0);
    CHECK(strcmp(gls_error_name(-999), "unknown") == 0);
}

TEST(ct_eq_and_wipe)
{
    uint8_t a[4] = {1, 2, 3, 4};
    uint8_t b[4] = {1, 2, 3, 5};
    CHECK(gls_ct_eq(a, a, 4));
    CHECK(!gls_ct_eq(a, b, 4));
    CHECK(gls_ct_eq(a, b, 3));
    gls_secret s;
    CHECK_OK(gls_secret_set(&s, a, 4));
    CHECK_EQ(s.len, 4);
    gls_secret_wipe(&s);
    CHECK_EQ(s.len, 0);
    CHECK_EQ(s.b[0], 0);
    uint8_t big[GLS_MAX_SECRET + 1] = {0};
    CHECK_ERR(gls_secret_set(&s, big, sizeof big), GLS_E_INTERNAL);
}

TEST(peer_alert_messages_name_the_alert)
{
    CHECK(strcmp(gls_error_message(GLS_E_PEER_ALERT_BASE - 40),
                 "peer sent fatal alert handshake_failure (40)") == 0);
    CHECK(strcmp(gls_error_message(GLS_E_PEER_ALERT_BASE - 116),
                 "peer sent fatal alert certificate_required (116)") == 0);
    CHECK(strstr(gls_error_message(GLS_E_PEER_ALERT_BASE - 200), "unknown kind") != NULL);
}
