/* keys/names.c — the table of every derived secret: RFC name, formula with its
 * inputs named, who can compute it, NSS key-log label; the reporting sink and
 * the key-log line (see names.h). RFC 5246 §6.3, §7.4.9, §8.1; RFC 7627 §4;
 * RFC 8446 §4.4.4, §4.2.11.2, §4.6.1, §7.1-§7.3, §7.5. */
#include "keys/names.h"

#include <string.h>

struct secret_desc {
    const char *name;
    const char *formula;
    const char *who;
    const char *keylog; /* NSS label or NULL */
};

#define WHO_12                                                                                     \
    "client and server; after RSA key exchange also anyone holding the server's private key "      \
    "and a recording of the handshake (after (EC)DHE, nobody else)"
#define WHO_13_EARLY "client and server; anyone holding the PSK (for a ticket: the ticket key)"
#define WHO_13       "client and server; others need an (EC)DHE private key (or the PSK, in psk_ke mode)"

/* clang-format off */
static const struct secret_desc table[GLS_SID_COUNT] = {
    [GLS_SID_PRE_MASTER_SECRET] = {"pre_master_secret",
        "RSA: client_version || 46 random bytes, encrypted to the server; "
        "(EC)DHE: the shared secret Z (DHE: leading zero bytes removed)",
        WHO_12, NULL},
    [GLS_SID_MASTER_SECRET_12] = {"master_secret",
        "PRF(pre_master_secret, \"master secret\", ClientHello.random + ServerHello.random)[0..47]",
        WHO_12, "CLIENT_RANDOM"},
    [GLS_SID_EXT_MASTER_SECRET_12] = {"extended_master_secret",
        "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47], "
        "session_hash = Hash(ClientHello...ClientKeyExchange)",
        WHO_12, "CLIENT_RANDOM"},
    [GLS_SID_KEY_BLOCK] = {"key_block",
        "PRF(master_secret, \"key expansion\", server_random + client_random)",
        WHO_12, NULL},
    [GLS_SID_CLIENT_WRITE_MAC_KEY] = {"client_write_MAC_key",
        "key_block[0 .. mac_key_length)", WHO_12, NULL},
    [GLS_SID_SERVER_WRITE_MAC_KEY] = {"server_write_MAC_key",
        "key_block[mac_key_length .. 2*mac_key_length)", WHO_12, NULL},
    [GLS_SID_CLIENT_WRITE_KEY_12] = {"client_write_key",
        "key_block[2*mac_key_length .. +enc_key_length)", WHO_12, NULL},
    [GLS_SID_SERVER_WRITE_KEY_12] = {"server_write_key",
        "key_block[2*mac_key_length + enc_key_length .. +enc_key_length)", WHO_12, NULL},
    [GLS_SID_CLIENT_WRITE_IV_12] = {"client_write_IV",
        "key_block[2*mac_key_length + 2*enc_key_length .. +fixed_iv_length)", WHO_12, NULL},
    [GLS_SID_SERVER_WRITE_IV_12] = {"server_write_IV",
        "key_block[2*mac_key_length + 2*enc_key_length + fixed_iv_length .. +fixed_iv_length)",
        WHO_12, NULL},
    [GLS_SID_CLIENT_VERIFY_DATA_12] = {"client verify_data",
        "PRF(master_secret, \"client finished\", Hash(handshake_messages))[0..11]",
        WHO_12, NULL},
    [GLS_SID_SERVER_VERIFY_DATA_12] = {"server verify_data",
        "PRF(master_secret, \"server finished\", Hash(handshake_messages))[0..11]",
        WHO_12, NULL},

    [GLS_SID_EARLY_SECRET] = {"Early Secret",
        "HKDF-Extract(salt = 0, IKM = PSK or 0^Hash.length)", WHO_13_EARLY, NULL},
    [GLS_SID_EXT_BINDER_KEY] = {"ext binder",
        "Derive-Secret(Early Secret, \"ext binder\", \"\")", WHO_13_EARLY, NULL},
    [GLS_SID_RES_BINDER_KEY] = {"res binder",
        "Derive-Secret(Early Secret, \"res binder\", \"\")", WHO_13_EARLY, NULL},
    [GLS_SID_BINDER_FINISHED_KEY] = {"binder finished_key",
        "HKDF-Expand-Label(binder_key, \"finished\", \"\", Hash.length)", WHO_13_EARLY, NULL},
    [GLS_SID_PSK_BINDER] = {"PSK binder",
        "HMAC(binder finished_key, Transcript-Hash(Truncate(ClientHello)))", WHO_13_EARLY, NULL},
    [GLS_SID_C_E_TRAFFIC] = {"c e traffic",
        "Derive-Secret(Early Secret, \"c e traffic\", ClientHello)",
        WHO_13_EARLY, "CLIENT_EARLY_TRAFFIC_SECRET"},
    [GLS_SID_E_EXP_MASTER] = {"e exp master",
        "Derive-Secret(Early Secret, \"e exp master\", ClientHello)",
        WHO_13_EARLY, "EARLY_EXPORTER_SECRET"},
    [GLS_SID_CLIENT_EARLY_KEY] = {"client_early_write_key",
        "HKDF-Expand-Label(client_early_traffic_secret, \"key\", \"\", key_length)",
        WHO_13_EARLY, NULL},
    [GLS_SID_CLIENT_EARLY_IV] = {"client_early_write_iv",
        "HKDF-Expand-Label(client_early_traffic_secret, \"iv\", \"\", iv_length)",
        WHO_13_EARLY, NULL},
    [GLS_SID_DHE_SHARED_SECRET] = {"(EC)DHE shared secret",
        "X25519: the function's output; ECDH: x-coordinate of the shared point; "
        "FFDHE: g^xy mod p, left-padded to the size of p",
        "client and server only (own private key, peer's key share)", NULL},
    [GLS_SID_DERIVED_FOR_HANDSHAKE] = {"derived (for handshake)",
        "Derive-Secret(Early Secret, \"derived\", \"\")", WHO_13_EARLY, NULL},
    [GLS_SID_HANDSHAKE_SECRET] = {"Handshake Secret",
        "HKDF-Extract(salt = Derive-Secret(Early Secret, \"derived\", \"\"), "
        "IKM = (EC)DHE shared secret)",
        WHO_13, NULL},
    [GLS_SID_C_HS_TRAFFIC] = {"c hs traffic",
        "Derive-Secret(Handshake Secret, \"c hs traffic\", ClientHello...ServerHello)",
        WHO_13, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"},
    [GLS_SID_S_HS_TRAFFIC] = {"s hs traffic",
        "Derive-Secret(Handshake Secret, \"s hs traffic\", ClientHello...ServerHello)",
        WHO_13, "SERVER_HANDSHAKE_TRAFFIC_SECRET"},
    [GLS_SID_CLIENT_HANDSHAKE_KEY] = {"client_handshake_write_key",
        "HKDF-Expand-Label(client_handshake_traffic_secret, \"key\", \"\", key_length)",
        WHO_13, NULL},
    [GLS_SID_CLIENT_HANDSHAKE_IV] = {"client_handshake_write_iv",
        "HKDF-Expand-Label(client_handshake_traffic_secret, \"iv\", \"\", iv_length)",
        WHO_13, NULL},
    [GLS_SID_SERVER_HANDSHAKE_KEY] = {"server_handshake_write_key",
        "HKDF-Expand-Label(server_handshake_traffic_secret, \"key\", \"\", key_length)",
        WHO_13, NULL},
    [GLS_SID_SERVER_HANDSHAKE_IV] = {"server_handshake_write_iv",
        "HKDF-Expand-Label(server_handshake_traffic_secret, \"iv\", \"\", iv_length)",
        WHO_13, NULL},
    [GLS_SID_SERVER_FINISHED_KEY] = {"server finished_key",
        "HKDF-Expand-Label(server_handshake_traffic_secret, \"finished\", \"\", Hash.length)",
        WHO_13, NULL},
    [GLS_SID_SERVER_VERIFY_DATA_13] = {"server Finished verify_data",
        "HMAC(server finished_key, Transcript-Hash(ClientHello...CertificateVerify))",
        WHO_13, NULL},
    [GLS_SID_DERIVED_FOR_MASTER] = {"derived (for master)",
        "Derive-Secret(Handshake Secret, \"derived\", \"\")", WHO_13, NULL},
    [GLS_SID_MASTER_SECRET_13] = {"Master Secret",
        "HKDF-Extract(salt = Derive-Secret(Handshake Secret, \"derived\", \"\"), "
        "IKM = 0^Hash.length)",
        WHO_13, NULL},
    [GLS_SID_C_AP_TRAFFIC] = {"c ap traffic",
        "Derive-Secret(Master Secret, \"c ap traffic\", ClientHello...server Finished)",
        WHO_13, "CLIENT_TRAFFIC_SECRET_0"},
    [GLS_SID_S_AP_TRAFFIC] = {"s ap traffic",
        "Derive-Secret(Master Secret, \"s ap traffic\", ClientHello...server Finished)",
        WHO_13, "SERVER_TRAFFIC_SECRET_0"},
    [GLS_SID_EXP_MASTER] = {"exp master",
        "Derive-Secret(Master Secret, \"exp master\", ClientHello...server Finished)",
        WHO_13, "EXPORTER_SECRET"},
    [GLS_SID_CLIENT_APPLICATION_KEY] = {"client_application_write_key",
        "HKDF-Expand-Label(client_application_traffic_secret_N, \"key\", \"\", key_length)",
        WHO_13, NULL},
    [GLS_SID_CLIENT_APPLICATION_IV] = {"client_application_write_iv",
        "HKDF-Expand-Label(client_application_traffic_secret_N, \"iv\", \"\", iv_length)",
        WHO_13, NULL},
    [GLS_SID_SERVER_APPLICATION_KEY] = {"server_application_write_key",
        "HKDF-Expand-Label(server_application_traffic_secret_N, \"key\", \"\", key_length)",
        WHO_13, NULL},
    [GLS_SID_SERVER_APPLICATION_IV] = {"server_application_write_iv",
        "HKDF-Expand-Label(server_application_traffic_secret_N, \"iv\", \"\", iv_length)",
        WHO_13, NULL},
    [GLS_SID_CLIENT_FINISHED_KEY] = {"client finished_key",
        "HKDF-Expand-Label(client_handshake_traffic_secret, \"finished\", \"\", Hash.length)",
        WHO_13, NULL},
    [GLS_SID_CLIENT_VERIFY_DATA_13] = {"client Finished verify_data",
        "HMAC(client finished_key, Transcript-Hash(ClientHello...server Finished "
        "[...client CertificateVerify]))",
        WHO_13, NULL},
    [GLS_SID_RES_MASTER] = {"res master",
        "Derive-Secret(Master Secret, \"res master\", ClientHello...client Finished)",
        WHO_13, NULL},
    [GLS_SID_TICKET_PSK] = {"ticket PSK",
        "HKDF-Expand-Label(resumption_master_secret, \"resumption\", ticket_nonce, Hash.length)",
        "client and server; anyone with the server's ticket key (stateless tickets)", NULL},
    [GLS_SID_C_AP_TRAFFIC_NEXT] = {"c ap traffic N+1",
        "HKDF-Expand-Label(client_application_traffic_secret_N, \"traffic upd\", \"\", "
        "Hash.length)",
        WHO_13, NULL},
    [GLS_SID_S_AP_TRAFFIC_NEXT] = {"s ap traffic N+1",
        "HKDF-Expand-Label(server_application_traffic_secret_N, \"traffic upd\", \"\", "
        "Hash.length)",
        WHO_13, NULL},
};
/* clang-format on */

static const struct secret_desc *desc_of(enum gls_secret_id id)
{
    if ((unsigned)id >= GLS_SID_COUNT) {
        return NULL;
    }
    return &table[id];
}

/* see names.h */
void gls_secret_report(const gls_secret_sink *s, enum gls_secret_id id, const uint8_t *v,
                       size_t len)
{
    if (s != NULL && s->fn != NULL) {
        s->fn(s->arg, id, v, len);
    }
}

/* see names.h */
const char *gls_secret_name(enum gls_secret_id id)
{
    const struct secret_desc *d = desc_of(id);
    return d != NULL ? d->name : "unknown";
}

/* see names.h */
const char *gls_secret_keylog_label(enum gls_secret_id id)
{
    const struct secret_desc *d = desc_of(id);
    return d != NULL ? d->keylog : NULL;
}

/* see names.h */
gls_secret_info gls_secret_info_of(enum gls_secret_id id, const uint8_t *v, size_t len)
{
    const struct secret_desc *d = desc_of(id);
    gls_secret_info info = {"unknown", "", "", v, len};
    if (d != NULL) {
        info.name = d->name;
        info.formula = d->formula;
        info.who = d->who;
    }
    return info;
}

static char *put_hex(char *p, const uint8_t *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *p++ = digits[v[i] >> 4];
        *p++ = digits[v[i] & 15];
    }
    return p;
}

/* see names.h */
int gls_keylog_line(enum gls_secret_id id, const uint8_t client_random[32], const uint8_t *v,
                    size_t len, char *out, size_t cap)
{
    const char *label = gls_secret_keylog_label(id);
    if (label == NULL || client_random == NULL || v == NULL || len == 0 || out == NULL ||
        len > GLS_MAX_KEYLOG_SECRET) {
        return GLS_E_INVALID_ARGUMENT;
    }
    size_t label_len = strlen(label);
    size_t need = label_len + 1 + 64 + 1 + 2 * len + 1; /* spaces and the NUL */
    if (cap < need) {
        return GLS_E_BUFFER_TOO_SMALL;
    }
    char *p = out;
    memcpy(p, label, label_len);
    p += label_len;
    *p++ = ' ';
    p = put_hex(p, client_random, 32);
    *p++ = ' ';
    p = put_hex(p, v, len);
    *p = '\0';
    return GLS_OK;
}
