/* keys/names.c — the table of every derived secret: RFC name, formula with its
 * inputs named, who can compute it, NSS key-log label; the reporting sink and
 * the key-log line (see names.h). RFC 5246 §6.3, §7.4.9, §8.1; RFC 7627 §4;
 * RFC 8446 §4.4.4, §4.2.11.2, §4.6.1, §7.1-§7.3, §7.5. */
#include "keys/names.h"

#include <stdbool.h>
#include <string.h>

/* Who can compute a value depends on the connection that made it (gls_kx_ctx): a class per
 * table row, and one sentence per (class, context). */
enum who_class {
    WHO_PMS12,  /* TLS 1.2 pre-master secret */
    WHO_KX12,   /* TLS 1.2 values made from the master secret */
    WHO_EARLY,  /* TLS 1.3 Early Secret stage */
    WHO_DHE,    /* the (EC)DHE shared secret itself */
    WHO_HS13,   /* TLS 1.3 Handshake and Master stages */
    WHO_TICKET, /* TLS 1.3 ticket PSK */
};

struct secret_desc {
    const char *name;
    const char *formula;
    enum who_class who;
    const char *keylog;   /* NSS label or NULL */
    const char *rfc_name; /* the RFC's long name where it differs from name, or NULL */
};

/* clang-format off */
static const struct secret_desc table[GLS_SID_COUNT] = {
    [GLS_SID_PRE_MASTER_SECRET] = {"pre_master_secret",
        "RSA: client_version || 46 random bytes, encrypted to the server; "
        "(EC)DHE: the shared secret Z (DHE: leading zero bytes removed)",
        WHO_PMS12, NULL, NULL},
    [GLS_SID_MASTER_SECRET_12] = {"master_secret",
        "PRF(pre_master_secret, \"master secret\", client_random + server_random)[0..47]",
        WHO_KX12, "CLIENT_RANDOM", NULL},
    [GLS_SID_EXT_MASTER_SECRET_12] = {"extended_master_secret",
        "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47], "
        "session_hash = Hash(ClientHello...ClientKeyExchange)",
        WHO_KX12, "CLIENT_RANDOM", "master_secret (RFC 7627)"},
    [GLS_SID_KEY_BLOCK] = {"key_block",
        "PRF(master_secret, \"key expansion\", server_random + client_random)",
        WHO_KX12, NULL, NULL},
    [GLS_SID_CLIENT_WRITE_MAC_KEY] = {"client_write_MAC_key",
        "key_block[0 .. mac_key_length)", WHO_KX12, NULL, NULL},
    [GLS_SID_SERVER_WRITE_MAC_KEY] = {"server_write_MAC_key",
        "key_block[mac_key_length .. 2*mac_key_length)", WHO_KX12, NULL, NULL},
    [GLS_SID_CLIENT_WRITE_KEY_12] = {"client_write_key",
        "key_block[2*mac_key_length .. +enc_key_length)", WHO_KX12, NULL, NULL},
    [GLS_SID_SERVER_WRITE_KEY_12] = {"server_write_key",
        "key_block[2*mac_key_length + enc_key_length .. +enc_key_length)", WHO_KX12, NULL, NULL},
    [GLS_SID_CLIENT_WRITE_IV_12] = {"client_write_IV",
        "key_block[2*mac_key_length + 2*enc_key_length .. +fixed_iv_length)", WHO_KX12, NULL,
        NULL},
    [GLS_SID_SERVER_WRITE_IV_12] = {"server_write_IV",
        "key_block[2*mac_key_length + 2*enc_key_length + fixed_iv_length .. +fixed_iv_length)",
        WHO_KX12, NULL, NULL},
    [GLS_SID_CLIENT_VERIFY_DATA_12] = {"client verify_data",
        "PRF(master_secret, \"client finished\", Hash(handshake_messages))[0..11]",
        WHO_KX12, NULL, NULL},
    [GLS_SID_SERVER_VERIFY_DATA_12] = {"server verify_data",
        "PRF(master_secret, \"server finished\", Hash(handshake_messages))[0..11]",
        WHO_KX12, NULL, NULL},

    [GLS_SID_EARLY_SECRET] = {"Early Secret",
        "HKDF-Extract(salt = 0, IKM = PSK or 0^Hash.length)", WHO_EARLY, NULL, NULL},
    [GLS_SID_EXT_BINDER_KEY] = {"ext binder",
        "Derive-Secret(Early Secret, \"ext binder\", \"\")", WHO_EARLY, NULL, "binder_key"},
    [GLS_SID_RES_BINDER_KEY] = {"res binder",
        "Derive-Secret(Early Secret, \"res binder\", \"\")", WHO_EARLY, NULL, "binder_key"},
    [GLS_SID_BINDER_FINISHED_KEY] = {"binder finished_key",
        "HKDF-Expand-Label(res binder, \"finished\", \"\", Hash.length)", WHO_EARLY, NULL, NULL},
    [GLS_SID_PSK_BINDER] = {"PSK binder",
        "HMAC(binder finished_key, Transcript-Hash(Truncate(ClientHello)))", WHO_EARLY, NULL,
        NULL},
    [GLS_SID_C_E_TRAFFIC] = {"c e traffic",
        "Derive-Secret(Early Secret, \"c e traffic\", ClientHello)",
        WHO_EARLY, "CLIENT_EARLY_TRAFFIC_SECRET", "client_early_traffic_secret"},
    [GLS_SID_E_EXP_MASTER] = {"e exp master",
        "Derive-Secret(Early Secret, \"e exp master\", ClientHello)",
        WHO_EARLY, "EARLY_EXPORTER_SECRET", "early_exporter_master_secret"},
    [GLS_SID_CLIENT_EARLY_KEY] = {"client_early_write_key",
        "HKDF-Expand-Label(c e traffic, \"key\", \"\", key_length)", WHO_EARLY, NULL, NULL},
    [GLS_SID_CLIENT_EARLY_IV] = {"client_early_write_iv",
        "HKDF-Expand-Label(c e traffic, \"iv\", \"\", iv_length)", WHO_EARLY, NULL, NULL},
    [GLS_SID_DHE_SHARED_SECRET] = {"(EC)DHE shared secret",
        "X25519(own ephemeral private key, peer's public share); ECDH: x-coordinate of the "
        "shared point; FFDHE: g^xy mod p, left-padded to the size of p",
        WHO_DHE, NULL, NULL},
    [GLS_SID_DERIVED_FOR_HANDSHAKE] = {"derived (for handshake)",
        "Derive-Secret(Early Secret, \"derived\", \"\")", WHO_EARLY, NULL, NULL},
    [GLS_SID_HANDSHAKE_SECRET] = {"Handshake Secret",
        "HKDF-Extract(salt = derived (for handshake), IKM = (EC)DHE shared secret)",
        WHO_HS13, NULL, NULL},
    [GLS_SID_C_HS_TRAFFIC] = {"c hs traffic",
        "Derive-Secret(Handshake Secret, \"c hs traffic\", ClientHello...ServerHello)",
        WHO_HS13, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "client_handshake_traffic_secret"},
    [GLS_SID_S_HS_TRAFFIC] = {"s hs traffic",
        "Derive-Secret(Handshake Secret, \"s hs traffic\", ClientHello...ServerHello)",
        WHO_HS13, "SERVER_HANDSHAKE_TRAFFIC_SECRET", "server_handshake_traffic_secret"},
    [GLS_SID_CLIENT_HANDSHAKE_KEY] = {"client_handshake_write_key",
        "HKDF-Expand-Label(c hs traffic, \"key\", \"\", key_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_CLIENT_HANDSHAKE_IV] = {"client_handshake_write_iv",
        "HKDF-Expand-Label(c hs traffic, \"iv\", \"\", iv_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_SERVER_HANDSHAKE_KEY] = {"server_handshake_write_key",
        "HKDF-Expand-Label(s hs traffic, \"key\", \"\", key_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_SERVER_HANDSHAKE_IV] = {"server_handshake_write_iv",
        "HKDF-Expand-Label(s hs traffic, \"iv\", \"\", iv_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_SERVER_FINISHED_KEY] = {"server finished_key",
        "HKDF-Expand-Label(s hs traffic, \"finished\", \"\", Hash.length)", WHO_HS13, NULL, NULL},
    [GLS_SID_SERVER_VERIFY_DATA_13] = {"server Finished verify_data",
        "HMAC(server finished_key, Transcript-Hash(ClientHello...CertificateVerify))",
        WHO_HS13, NULL, NULL},
    [GLS_SID_DERIVED_FOR_MASTER] = {"derived (for master)",
        "Derive-Secret(Handshake Secret, \"derived\", \"\")", WHO_HS13, NULL, NULL},
    [GLS_SID_MASTER_SECRET_13] = {"Master Secret",
        "HKDF-Extract(salt = derived (for master), IKM = 0^Hash.length)", WHO_HS13, NULL, NULL},
    [GLS_SID_C_AP_TRAFFIC] = {"c ap traffic",
        "Derive-Secret(Master Secret, \"c ap traffic\", ClientHello...server Finished)",
        WHO_HS13, "CLIENT_TRAFFIC_SECRET_0", "client_application_traffic_secret_0"},
    [GLS_SID_S_AP_TRAFFIC] = {"s ap traffic",
        "Derive-Secret(Master Secret, \"s ap traffic\", ClientHello...server Finished)",
        WHO_HS13, "SERVER_TRAFFIC_SECRET_0", "server_application_traffic_secret_0"},
    [GLS_SID_EXP_MASTER] = {"exp master",
        "Derive-Secret(Master Secret, \"exp master\", ClientHello...server Finished)",
        WHO_HS13, "EXPORTER_SECRET", "exporter_master_secret"},
    [GLS_SID_CLIENT_APPLICATION_KEY] = {"client_application_write_key",
        "HKDF-Expand-Label(c ap traffic, \"key\", \"\", key_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_CLIENT_APPLICATION_IV] = {"client_application_write_iv",
        "HKDF-Expand-Label(c ap traffic, \"iv\", \"\", iv_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_SERVER_APPLICATION_KEY] = {"server_application_write_key",
        "HKDF-Expand-Label(s ap traffic, \"key\", \"\", key_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_SERVER_APPLICATION_IV] = {"server_application_write_iv",
        "HKDF-Expand-Label(s ap traffic, \"iv\", \"\", iv_length)", WHO_HS13, NULL, NULL},
    [GLS_SID_CLIENT_FINISHED_KEY] = {"client finished_key",
        "HKDF-Expand-Label(c hs traffic, \"finished\", \"\", Hash.length)", WHO_HS13, NULL, NULL},
    [GLS_SID_CLIENT_VERIFY_DATA_13] = {"client Finished verify_data",
        "HMAC(client finished_key, Transcript-Hash(ClientHello...server Finished "
        "[...client CertificateVerify]))",
        WHO_HS13, NULL, NULL},
    [GLS_SID_RES_MASTER] = {"res master",
        "Derive-Secret(Master Secret, \"res master\", ClientHello...client Finished)",
        WHO_HS13, NULL, "resumption_master_secret"},
    [GLS_SID_TICKET_PSK] = {"ticket PSK",
        "HKDF-Expand-Label(res master, \"resumption\", ticket_nonce, Hash.length)",
        WHO_TICKET, NULL, NULL},
    [GLS_SID_C_AP_TRAFFIC_NEXT] = {"c ap traffic N+1",
        "HKDF-Expand-Label(c ap traffic N, \"traffic upd\", \"\", Hash.length)",
        WHO_HS13, NULL, "client_application_traffic_secret_N+1"},
    [GLS_SID_S_AP_TRAFFIC_NEXT] = {"s ap traffic N+1",
        "HKDF-Expand-Label(s ap traffic N, \"traffic upd\", \"\", Hash.length)",
        WHO_HS13, NULL, "server_application_traffic_secret_N+1"},
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

/* One sentence per (class, context). */
static const char *who_text(enum who_class w, unsigned ctx)
{
    unsigned kx = ctx & GLS_KXC_KIND;
    switch (w) {
    case WHO_PMS12:
        return kx == GLS_KXC_RSA
                   ? "the client, which made it up, and the server; and anyone who ever holds the "
                     "server's RSA private key and a recording (it crossed the wire encrypted to "
                     "that key)"
               : kx == GLS_KXC_DHE || kx == GLS_KXC_ECDHE
                   ? "client and server only: each combines its own ephemeral private key with "
                     "the other's public share; both private keys are thrown away after the "
                     "handshake"
                   : "client and server";
    case WHO_KX12:
        if (kx == GLS_KXC_RESUMED12) {
            return "client and server; the master secret came from the resumed session, so also "
                   "anyone with the server's ticket key (or session cache) and a recording of "
                   "the ticket";
        }
        if (ctx & GLS_KXC_TICKET12) {
            return kx == GLS_KXC_RSA
                       ? "client and server; anyone with the server's RSA private key and a "
                         "recording; and anyone with the server's ticket key and a recording "
                         "(the NewSessionTicket, sent in the clear, carries the master secret "
                         "sealed under that key)"
                       : "client and server; nobody else without an ephemeral private key, "
                         "EXCEPT anyone with the server's ticket key and a recording: the "
                         "NewSessionTicket, sent in the clear, carries the master secret sealed "
                         "under that key";
        }
        return kx == GLS_KXC_RSA ? "client and server; and anyone with the server's RSA private "
                                   "key and a recording of the handshake"
               : kx == GLS_KXC_DHE || kx == GLS_KXC_ECDHE
                   ? "client and server; nobody else without an ephemeral private key (gone "
                     "after the handshake)"
                   : "client and server";
    case WHO_EARLY:
        return kx == GLS_KXC_13_DHE
                   ? "anyone: without a PSK this is a public constant, the same in every "
                     "connection that uses this hash"
               : kx == GLS_KXC_13_PSK_DHE || kx == GLS_KXC_13_PSK_KE
                   ? "client and server; anyone holding the PSK (for a ticket: whoever holds the "
                     "server's ticket key and the ticket)"
                   : "client and server; anyone holding the PSK if one is used (without one, a "
                     "public constant)";
    case WHO_DHE:
        return ctx & GLS_KXC_HYBRID
                   ? "client and server only: each combines its own ephemeral (EC)DH private key "
                     "with the other's share, and the ML-KEM part is known to the server, which "
                     "encapsulated it, and to the client, which decapsulates it with its private "
                     "key"
                   : "client and server only: each combines its own ephemeral private key with "
                     "the other's public share";
    case WHO_HS13:
        if ((ctx & GLS_KXC_HYBRID) && kx == GLS_KXC_13_DHE) {
            return "client and server; others need BOTH one side's ephemeral (EC)DH private key "
                   "(which a quantum computer could compute from the recorded share) AND the "
                   "ML-KEM shared secret (which needs the client's decapsulation key)";
        }
        return kx == GLS_KXC_13_DHE
                   ? "client and server; others need one side's ephemeral (EC)DHE private key, "
                     "deleted after the handshake (the certificate key and the ticket key do not "
                     "help)"
               : kx == GLS_KXC_13_PSK_DHE
                   ? "client and server; others need both the PSK (or the ticket key and the "
                     "ticket) and one side's ephemeral (EC)DHE private key"
               : kx == GLS_KXC_13_PSK_KE ? "client and server; anyone with the PSK (psk_ke: no "
                                           "(EC)DHE, so no forward secrecy for this PSK)"
                                         : "client and server; others need an (EC)DHE private "
                                           "key (or the PSK, in psk_ke mode)";
    case WHO_TICKET:
        return "client and server; also whoever holds the server's ticket key and the ticket (in "
               "TLS 1.3 the ticket travels encrypted, and a psk_dhe_ke resumption adds a fresh "
               "(EC)DHE, so the ticket key alone opens neither recording)";
    }
    return "";
}

/* The formulas that differ by key exchange. */
static const char *formula_in(enum gls_secret_id id, unsigned ctx, const char *dflt)
{
    unsigned kx = ctx & GLS_KXC_KIND;
    bool no_psk = kx == GLS_KXC_13_DHE;
    switch (id) {
    case GLS_SID_PRE_MASTER_SECRET:
        return kx == GLS_KXC_RSA ? "client_version (2 bytes) || 46 random bytes, made by the "
                                   "client and sent encrypted to the server's RSA key "
                                   "(RFC 5246 §7.4.7.1)"
               : kx == GLS_KXC_ECDHE
                   ? "ECDH(own ephemeral private key, peer's ephemeral public key): X25519 "
                     "output, or the x-coordinate of the shared point (RFC 8422 §5.10)"
               : kx == GLS_KXC_DHE ? "g^(xy) mod p from the two ephemeral DH keys, leading zero "
                                     "bytes removed (RFC 5246 §8.1.2)"
                                   : dflt;
    case GLS_SID_EARLY_SECRET:
        return no_psk ? "HKDF-Extract(salt = 0, IKM = 0^Hash.length): no PSK, so a public "
                        "constant (RFC 8446 §7.1)"
               : kx == GLS_KXC_13_PSK_DHE || kx == GLS_KXC_13_PSK_KE
                   ? "HKDF-Extract(salt = 0, IKM = PSK)"
                   : dflt;
    case GLS_SID_DHE_SHARED_SECRET:
        return ctx & GLS_KXC_HYBRID
                   ? "hybrid: both shared secrets concatenated in the group's order "
                     "(draft-ietf-tls-ecdhe-mlkem): X25519MLKEM768 = ML-KEM-768 shared secret "
                     "(32 bytes) || X25519 shared secret (32 bytes); SecP256r1MLKEM768 = P-256 "
                     "ECDH x-coordinate (32) || ML-KEM-768 shared secret (32)"
                   : dflt;
    case GLS_SID_DERIVED_FOR_HANDSHAKE:
        return no_psk ? "Derive-Secret(Early Secret, \"derived\", \"\"): a public constant too"
                      : dflt;
    case GLS_SID_SERVER_VERIFY_DATA_13: /* a PSK handshake has no Certificate(Verify) */
        return kx == GLS_KXC_13_PSK_DHE || kx == GLS_KXC_13_PSK_KE
                   ? "HMAC(server finished_key, Transcript-Hash(ClientHello...EncryptedExtensions))"
                   : dflt;
    default:
        return dflt;
    }
}

/* see names.h */
gls_secret_info gls_secret_info_in(enum gls_secret_id id, unsigned ctx, const uint8_t *v,
                                   size_t len)
{
    const struct secret_desc *d = desc_of(id);
    gls_secret_info info = {"unknown", "", "", v, len};
    if (d != NULL) {
        info.name = d->name;
        info.formula = formula_in(id, ctx, d->formula);
        info.who = who_text(d->who, ctx);
    }
    return info;
}

/* see names.h */
gls_secret_info gls_secret_info_of(enum gls_secret_id id, const uint8_t *v, size_t len)
{
    return gls_secret_info_in(id, GLS_KXC_UNKNOWN, v, len);
}

/* see names.h */
const char *gls_secret_rfc_name(enum gls_secret_id id)
{
    const struct secret_desc *d = desc_of(id);
    return d != NULL ? d->rfc_name : NULL;
}

/* see names.h */
int gls_secret_id_by_name(const char *name)
{
    for (int i = 0; i < GLS_SID_COUNT; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
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
