/* tool/explain_keys.c — the fixed server keys and self-signed certificates `explain --seed N`
 * uses so that a run can be repeated byte for byte (a fresh run generates new ones). They
 * were made once with `openssl req -x509` for CN=localhost, valid for ten years from
 * 2026-12; being published here, they protect nothing: demo use only. RSA-2048 serves the
 * TLS 1.2 sessions (RSA key transport and the ECDHE signature, PKCS #1 v1.5, which is
 * deterministic); Ed25519 (deterministic signatures, RFC 8032) serves TLS 1.3. */
#include "explain_keys.h"

static const char rsa_cert[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIDHzCCAgegAwIBAgIUHNTUTWtbA+joLN+BvSP/+I6aXbgwDQYJKoZIhvcNAQEL\n"
                               "BQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTIwMjEyMTY0NVoXDTM2MTEy\n"
                               "OTEyMTY0NVowFDESMBAGA1UEAwwJbG9jYWxob3N0MIIBIjANBgkqhkiG9w0BAQEF\n"
                               "AAOCAQ8AMIIBCgKCAQEAoxBPa7rbsJI6D1mnqKSxGaDBpm2/4RoS2wVp/G+XdY6d\n"
                               "ZFzdI+9XL5hOyPOgB5bieJsrEpiFXwoCnIB+ZAdDwKSlXGcqld++HgY0NoqzHKDn\n"
                               "o5HHmQyu0k8Lp+Gk/VORYAe2ywKdFlIRzCIAoHpNZclslh5IwE2+Ej/BMPShoE9f\n"
                               "ftHw3Gc4SljykssZmx9LbKAgoVBk44nTpQLK50D4R1Hk62tMMsJuGlHeXmGruQta\n"
                               "tv7eyIikuMnVodz6vMg3NWWm5SPb18ulu8wM7ynlJEP/9RmG7sMr2QYPLERUMwcv\n"
                               "ioX2jdAqbzpjQ4ANI5xYHcJaOo27RQcgmKA+11HpVwIDAQABo2kwZzAdBgNVHQ4E\n"
                               "FgQUDHgN094K1i5LDQdqMc1mZZGkC8MwHwYDVR0jBBgwFoAUDHgN094K1i5LDQdq\n"
                               "Mc1mZZGkC8MwDwYDVR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3Qw\n"
                               "DQYJKoZIhvcNAQELBQADggEBAAZzeQwI0a9e5E8c8aKvfeqiDPxm+GNFZ6jmAwMV\n"
                               "UcXWw2oRK0XBcduWPRcqlnDfFkw6ArVF9IJ01EusCy5JLARNyBdjb+fMY8eJ1PM1\n"
                               "+rGrQfmBltXzS74QhlJlFiX5kBdPxs3LAM9Fip8/ReqX1AF9RDZ5zTF+GHmFFGQ8\n"
                               "i99uPQYsO+gxVrkkKFvJjHinBqK6TmxfhlXNHkrc8IRhebGPz/x/NAxLvUW/6fQX\n"
                               "c8ddLoNbjcGjS9+ZjnISR3VjLsIBie+PC4PGSBTBXWDVHIKp4TgvVuQipQMaE36u\n"
                               "1BlgGyEKxN4tWQllmUGagyKE3FhhWIrfZ5fHcP0QfFa6KDs=\n"
                               "-----END CERTIFICATE-----\n";

static const char rsa_key[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCjEE9rutuwkjoP\n"
                              "WaeopLEZoMGmbb/hGhLbBWn8b5d1jp1kXN0j71cvmE7I86AHluJ4mysSmIVfCgKc\n"
                              "gH5kB0PApKVcZyqV374eBjQ2irMcoOejkceZDK7STwun4aT9U5FgB7bLAp0WUhHM\n"
                              "IgCgek1lyWyWHkjATb4SP8Ew9KGgT19+0fDcZzhKWPKSyxmbH0tsoCChUGTjidOl\n"
                              "AsrnQPhHUeTra0wywm4aUd5eYau5C1q2/t7IiKS4ydWh3Pq8yDc1ZablI9vXy6W7\n"
                              "zAzvKeUkQ//1GYbuwyvZBg8sRFQzBy+KhfaN0CpvOmNDgA0jnFgdwlo6jbtFByCY\n"
                              "oD7XUelXAgMBAAECggEACd7rDS3pWOXDzvm8jO20l2+5mTir31VOjo85gbbtl7JT\n"
                              "iRJCrrIGeJKYiPs6ajXc2AkokSkbawvg6Zaw+p7NSqQ3gFbxvH3Sn+BR7nqfP1yR\n"
                              "eRTSMiES6hcv25tB+2BrfJaASbIK+UwW2LZhjFVVnxOTglOApZIZ2eKdxWK27/cV\n"
                              "N6UBBRjOLf683FDlhWRx/c2JRumSgd+JebA/7EwZCJTeoG4lTsxiZL9rRDjcKyHi\n"
                              "nKS2dz3ImUVhBLZ91Gsy5ebwn3I48wk1onwXk49e620rLsl+dyVAT7ffVwFRVYOW\n"
                              "M7QrNlALRwfSNNcQdldebnghceFO0uNNDXCJENA1mQKBgQDgCGe9zVX8ZBtB8Dod\n"
                              "UfEtMD6X0EKNEJRu7FmPv/v6nLqPra0npRu+kelzM9NalQD/7WT6CatNCMac1tjm\n"
                              "PdbykBUI3lFghQ7V9nHtIRtk8HkRmD+2iD3khZtl3UwVag2ca6fLI1Luw99v7RK/\n"
                              "+TCCfTAu1oLcQA6+6gRAOjiLfwKBgQC6VMqV3mmW6610NdP3kTrOQb71H0uXpx5Y\n"
                              "6JpUCY1fMQCAv0H7qqfS9j0eR+BiXuYYPqtXfjjYXfFqG/qBYn5oCKW1dVFX03FH\n"
                              "g8O2XUXeWnu5gUb14ho8xvd43YbxBuKvWuZIxHWUm6LMv8wWNsogg3xPa06oPhps\n"
                              "wUC0zS1uKQKBgAxFqZkmFF29Bhk4lZZhlLqK+ALM77hWfisNW2Kae60gxL92HhQb\n"
                              "4UcxKv6aiiteGi3qzSs9OFsB7g9NXZhPLuUeq2hO9Vo6L7PcyiTZOWzwF1G1a1gO\n"
                              "YoWQJBESbEaIBrLY2tov1y0pIaY58Fr/xX6AaRFHwudZwvUGULFL/yj1AoGATdes\n"
                              "hq3TKOSuoxT1x8BZc9+NmjQHzYRYrkYGa0NOV01Oa3r7Ytspn32VjPf0KsSAlfJg\n"
                              "fH3T27hraavknHb8XhP2vncTk4BXG8xVT/Npg/oDJD142rIpyehJbKoHfNwmiaGN\n"
                              "AStp/7qBac5awZEEIk8r+LXYt3qyaWrW0HHDH/kCgYA7m1kgTDkW8bUv6AIK6xhp\n"
                              "0emT1/QdpJPchYnQbc4j50u7tSIbiuZFfRWV9h/WWMwR4mZQuPtfJAHHaRdkqwHJ\n"
                              "hChcJH42+G7Dcq0A0vK/8XgANlvzqBxPTUoitIUhH8HXvTf+KVb7PI3xa+GQw0xj\n"
                              "JLR11OWURhyRy3Lmw1Tvyw==\n"
                              "-----END PRIVATE KEY-----\n";

static const char ed_cert[] = "-----BEGIN CERTIFICATE-----\n"
                              "MIIBUzCCAQWgAwIBAgIUAYSZGz88a46oGdONxssr9QvrML4wBQYDK2VwMBQxEjAQ\n"
                              "BgNVBAMMCWxvY2FsaG9zdDAeFw0yNjEyMDIxMjE2NDZaFw0zNjExMjkxMjE2NDZa\n"
                              "MBQxEjAQBgNVBAMMCWxvY2FsaG9zdDAqMAUGAytlcAMhAKveAhCbJFJH470TDnUg\n"
                              "M+NArXF0hebJBmkt+duzBzvpo2kwZzAdBgNVHQ4EFgQUri/sGw+tUkVBlQQ5zyt/\n"
                              "59LcPmowHwYDVR0jBBgwFoAUri/sGw+tUkVBlQQ5zyt/59LcPmowDwYDVR0TAQH/\n"
                              "BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwBQYDK2VwA0EArQvVY1jdqNUa\n"
                              "Jr4lSLuQXSgEHowMoLd0gcri0iX1ndCLPddH6E6TxPAiAmfowbRXKa/0U2tea6E1\n"
                              "GlvnQLBmAA==\n"
                              "-----END CERTIFICATE-----\n";

static const char ed_key[] = "-----BEGIN PRIVATE KEY-----\n"
                             "MC4CAQAwBQYDK2VwBCIEIKJ5ecafFXeVgIvpEyRaJUvsCPBoDdCPQz3I2Kd8YBxx\n"
                             "-----END PRIVATE KEY-----\n";

/* see explain_keys.h */
void explain_fixed_keys(bool ec, const char **cert, const char **key)
{
    *cert = ec ? ed_cert : rsa_cert;
    *key = ec ? ed_key : rsa_key;
}
