/* tests/fuzz/fuzz_keys.h — fixed keys and certificates for the fuzz targets and their seed
 * recorder (generated once with openssl; published on purpose: they protect nothing). Ed25519
 * and RSA PKCS#1 v1.5 sign deterministically, so a recorded flight replays byte for byte. */
#ifndef GLS_FUZZ_KEYS_H
#define GLS_FUZZ_KEYS_H

static const char FUZZ_SERVER_ED25519_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBVTCCAQegAwIBAgIUH4ohjF4nsghTjjxUFir3KsgbEeMwBQYDK2VwMBQxEjAQ\n"
    "BgNVBAMMCWxvY2FsaG9zdDAgFw0yNjEyMDIxMTUxNTFaGA8yMTI2MTEwODExNTE1\n"
    "MVowFDESMBAGA1UEAwwJbG9jYWxob3N0MCowBQYDK2VwAyEAr1iESplXioz9ZLtT\n"
    "bY7raF2zH8zP7+KC+t9cnxzsEuKjaTBnMB0GA1UdDgQWBBThsp/mGAFiL1Zvowft\n"
    "dFBKAF0erzAfBgNVHSMEGDAWgBThsp/mGAFiL1ZvowftdFBKAF0erzAPBgNVHRMB\n"
    "Af8EBTADAQH/MBQGA1UdEQQNMAuCCWxvY2FsaG9zdDAFBgMrZXADQQDbxPvC9Yrz\n"
    "AzTTF3GEV3JHsN8qAaZOouD4zeNi9VA2YUt3dsCT+OZ/2f/z12X7xIyeUK85Hjx1\n"
    "8KlQDQSJZTEA\n"
    "-----END CERTIFICATE-----\n";

static const char FUZZ_SERVER_ED25519_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIHxPSC11kmQLbA5gLIuiGPikLfuL1H+NFoeMthxyrt/Q\n"
    "-----END PRIVATE KEY-----\n";

static const char FUZZ_SERVER_RSA_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDITCCAgmgAwIBAgIUPD718yhFCIv2QSkyPeojx32uyXQwDQYJKoZIhvcNAQEL\n"
    "BQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjExNTE1M1oYDzIxMjYx\n"
    "MTA4MTE1MTUzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwggEiMA0GCSqGSIb3DQEB\n"
    "AQUAA4IBDwAwggEKAoIBAQCz1o2LksWdCAxTMb2Bs7j1F74V/Fki85DpmXg3JsPn\n"
    "3KUDjm/1p1KJZsRhpWZCVc1A8FKDP+4DIwcQ0Cjt+3RyIYDbGp8ix3AQ1Yp5/uMe\n"
    "XcftkZeTXRLtw/A6N4tkO0QLWuN9gZNoLpgSovC6QhpjDJILOuEIhVzRDbwKYi7a\n"
    "fmhnWec49/SA+CeBp1YI5ewRrlGOQhoDcCxofUuK2ZtJXG6ZvEgQT5aRNTw/IfvW\n"
    "R+Q/k/39a4SEAN4KVe6Dgz3Exm5JHcF8WRk6q+EOfoP16NlfqIsZn0Hl4wYElcZB\n"
    "WBZOfa6paSmlJVyYqUla+6ja1DLHlLDmAMlY3jNuPRbHAgMBAAGjaTBnMB0GA1Ud\n"
    "DgQWBBQHeLZp1CGyUgud8mONolfLAegfIzAfBgNVHSMEGDAWgBQHeLZp1CGyUgud\n"
    "8mONolfLAegfIzAPBgNVHRMBAf8EBTADAQH/MBQGA1UdEQQNMAuCCWxvY2FsaG9z\n"
    "dDANBgkqhkiG9w0BAQsFAAOCAQEAqA1Zs3h6bYO90Avyjfy7gb4oWpaICligEs1R\n"
    "Ui1k5TKbA1NISV5P4rIXAUK5FTUbDNK4zpuCc7Aa8j7NmmpCpDvUXlZeMSjU/sr4\n"
    "jMWGIxjMrQU/Vf1R0LFbcSafViETurYcd3pA1NphGXKcUX9QNAoG1ZkNpCfor4P3\n"
    "n7JZZEjfnXIIlLRrn74YP4JlTt0iNi0ZX72jQVzc3waIErTnjpTbp9odSwP+ZkuV\n"
    "3BA7hYW4K52FBVNT/9+A7MRZvQrroQKcxBmDx2IStlvav/k428mtKuYbNXwvjvDj\n"
    "c9ZL+JS+bltpibuRL0novYfZGzdwmHzKEmnQEek1K5DltAVDXg==\n"
    "-----END CERTIFICATE-----\n";

static const char FUZZ_SERVER_RSA_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCz1o2LksWdCAxT\n"
    "Mb2Bs7j1F74V/Fki85DpmXg3JsPn3KUDjm/1p1KJZsRhpWZCVc1A8FKDP+4DIwcQ\n"
    "0Cjt+3RyIYDbGp8ix3AQ1Yp5/uMeXcftkZeTXRLtw/A6N4tkO0QLWuN9gZNoLpgS\n"
    "ovC6QhpjDJILOuEIhVzRDbwKYi7afmhnWec49/SA+CeBp1YI5ewRrlGOQhoDcCxo\n"
    "fUuK2ZtJXG6ZvEgQT5aRNTw/IfvWR+Q/k/39a4SEAN4KVe6Dgz3Exm5JHcF8WRk6\n"
    "q+EOfoP16NlfqIsZn0Hl4wYElcZBWBZOfa6paSmlJVyYqUla+6ja1DLHlLDmAMlY\n"
    "3jNuPRbHAgMBAAECggEAHH7sOcf9cRbz4QDaLuGb9pYXBCPSufOPLDyprE+Drksr\n"
    "iIc63Vlwfh4fEvvi2rL+zYHnCS4JmEymE3dwbNkxx93gLZenzJp+euRjR1ZohYjF\n"
    "o7K0qmCOncc02vyvJSgw7X2u21W7VkA/z4ArFdBgnv5Aa/Ad9Twwi12aRKjvFKa7\n"
    "Hkyd42RKKOsVnaDdXp0xGnLpGwkh+ZsQL/BhyDdUpWUjX9ikxyM9dyk6ybEkiHv4\n"
    "B+FpTVM/9I5f2Xt8Q1Reiqns+1MSOvynWenflKpxpH2W3GEkaIMSCu817biw5j41\n"
    "qfCozG7g8Rjz2snjcQfiQsUdT4vbJ7ShglYzmTRRzQKBgQD8WvcqzPVG4boft9jF\n"
    "MT1ojyCuJ4zO23qWmOlvLrIoox5Hgd7LPSEsGTpHTXFG7Y35XV7IziB6MO7o7jx+\n"
    "HKEjHT3nyPxgmdHoMEcVJwlv9TRERVBcX4KCdCgOScl+m0xDkgCrWJCZ62INubMv\n"
    "pvIZameSnZDCLfYA8vG9Y2omjQKBgQC2b3gXq+qtl55oNbjY6dZylTPHqnJDoZ3a\n"
    "d4sKzVqXkpzY4n4t7mJt6PsX+glmRANUx9G1D9LK7IvQs70ZNj3Gto9AeFB5mOH6\n"
    "HS95XitGPtKy29nraRsek6ISimDUosCfyfo3GGaJPiKW+PN0+tFiHMhg/TS9HgiC\n"
    "b6scI2d3owKBgEchuPPmi+ir7dPM9Zw30fBsD7EnUshoEzjp5zrAtdVAjWNolw1A\n"
    "sN4GSmgYyypMAa3dhL8jYwIuUtlzdbeyiDUmo/F2tLTiBsnk+dRbiYx2WII563nu\n"
    "LhJpfXTxlYtLaQbO28NwlmnccGogAwMWkr1ZQdKQ+WHSpLoFwOA6aoxtAoGBALRT\n"
    "TCZBxQ7fPjGNYG/v+wt5VRw36wfUmR4XaXU89B28SpLKlaQ67EntrzvM5zuRYKWN\n"
    "eUh6IoZ3999Luk9QYRGo48H66ri2mC9MZ9+UaDvf3w3x594cHzVDAkFHTF0BnlqT\n"
    "H2MUGE3x/+iwnJx1Sz+qaZoMzfNc21ZqoHyItj33AoGBALWu0Y1/qNg6hrvOVFKF\n"
    "dUg9eRjKnvyS2Blcl2Jxl6Z6fWdUv6ayGUi+S9kDhRt31kLhxEv55ucu/bo7QlLh\n"
    "4LPkOEgjmQBmFt2z62dfpukfaAgV1KnQa4xnHgu9O0Dl+xecWmGFtn5bp58RrKtB\n"
    "xF7nJpCmg9aDmrWhixGxX2Qx\n"
    "-----END PRIVATE KEY-----\n";

static const char FUZZ_CLIENT_ED25519_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBQjCB9aADAgECAhRDCh8c5FoPn1/RwnVwqAPN2wXYiTAFBgMrZXAwFjEUMBIG\n"
    "A1UEAwwLZnV6ei1jbGllbnQwIBcNMjYxMjAyMTE1MTU0WhgPMjEyNjExMDgxMTUx\n"
    "NTRaMBYxFDASBgNVBAMMC2Z1enotY2xpZW50MCowBQYDK2VwAyEAATjehUOW/YRm\n"
    "wZ8byuy90iecV9jxHPb9FRxjj9Ei/QejUzBRMB0GA1UdDgQWBBRxB91j8qO1EJj/\n"
    "BffU0jLz3Yk6fjAfBgNVHSMEGDAWgBRxB91j8qO1EJj/BffU0jLz3Yk6fjAPBgNV\n"
    "HRMBAf8EBTADAQH/MAUGAytlcANBAKzzz0FBmgXTO6GDYrrja36iN603ugdJY0kc\n"
    "691Ywz45i0p/duz8dxqKscA57r0Dl9dbN15fRahvhGASHme62A8=\n"
    "-----END CERTIFICATE-----\n";

static const char FUZZ_CLIENT_ED25519_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIL/+LeYA3wBS9lmfY4D/9TAIa/t94qgu+sdjAmM5U1lH\n"
    "-----END PRIVATE KEY-----\n";

static const char FUZZ_CLIENT_RSA_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDFzCCAf+gAwIBAgIUeA5+pKZXaNuC/BWVxrTAu8F/0fUwDQYJKoZIhvcNAQEL\n"
    "BQAwGjEYMBYGA1UEAwwPZnV6ei1jbGllbnQtcnNhMCAXDTI2MTIwMjExNTE1NVoY\n"
    "DzIxMjYxMTA4MTE1MTU1WjAaMRgwFgYDVQQDDA9mdXp6LWNsaWVudC1yc2EwggEi\n"
    "MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCjakeeCuPdZOFjz5IJTpvNx5OX\n"
    "Qf6A+kKUQWYhVXiYgwrMwhjb5XDbRUSS9uwOGrxefFz9ALAtHruvo2Aiq9qCyhD9\n"
    "M0n/nzVkNNPKJWqpL++5ib3lsKgfAvHKGLkRUMWGxdE6VQAj6i0aMUdcvpElFWOT\n"
    "R3hQsknjio5CAMOs7etk1tvQqU5VKsX316JPqrsYC/HoFsvMtW28OgWzbbawfrEY\n"
    "xBeHCBWzMLhn5F35eyw3fLdEjH1c3HOwHAFG7v1gU/aUVBoTJat607pV5sVuhrYH\n"
    "UiHJZn30hyRdiQpzVxKE0l9DErTTCWrHHj/GAo7WL2ddQ5Mh6AXO84K5KWV7AgMB\n"
    "AAGjUzBRMB0GA1UdDgQWBBRoHU3EyWdEM3bQhghDtr7Tns+ZDzAfBgNVHSMEGDAW\n"
    "gBRoHU3EyWdEM3bQhghDtr7Tns+ZDzAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3\n"
    "DQEBCwUAA4IBAQB+I/qDKHsgbx0H7hXZoAJ8ZYW+de2Wwu6PaZPkmU7VC5QmIwHY\n"
    "+y2MHHCqs1m9imNbjTeggaYR91rjhZXX1iB3oZBAUzaUFQsIYZxOvYgR+5TXcEfW\n"
    "ub5D+5a8wtnQqbQsKRb7qungNg2Xq5k/T/RgspYixtMxqOsaq4/dRpt7f8j6H0/Q\n"
    "8OlkUrA3OBL5aN4vD+cHltfYo2da9qrgo/or4rJ51nJcmuka2ztqVH+/4c11z3fh\n"
    "cEf+cqi1bSxQF9r1vDDgZP9w7v6UIWD2wKKtzsG1rG7waYefNhCXhGDluxRD2kny\n"
    "FMY1NVQq0Nodz5Y7J7tzd2mKfs0i3o5wQx4d\n"
    "-----END CERTIFICATE-----\n";

static const char FUZZ_CLIENT_RSA_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCjakeeCuPdZOFj\n"
    "z5IJTpvNx5OXQf6A+kKUQWYhVXiYgwrMwhjb5XDbRUSS9uwOGrxefFz9ALAtHruv\n"
    "o2Aiq9qCyhD9M0n/nzVkNNPKJWqpL++5ib3lsKgfAvHKGLkRUMWGxdE6VQAj6i0a\n"
    "MUdcvpElFWOTR3hQsknjio5CAMOs7etk1tvQqU5VKsX316JPqrsYC/HoFsvMtW28\n"
    "OgWzbbawfrEYxBeHCBWzMLhn5F35eyw3fLdEjH1c3HOwHAFG7v1gU/aUVBoTJat6\n"
    "07pV5sVuhrYHUiHJZn30hyRdiQpzVxKE0l9DErTTCWrHHj/GAo7WL2ddQ5Mh6AXO\n"
    "84K5KWV7AgMBAAECggEALYrKj8yYKZTaTb9FA0wBlu1mgBKX06krUfcR9/tCgzqO\n"
    "EXeMhwggFjPtQwoGyn1//tMo9SeycbitdOsSuUbsvGOFLZOULWXY8ubYGW+pFKKz\n"
    "7CDrp+4+RHpFGV4fgahhjEhoIZob0maKkFCogzvm5o9Z82tJKDAv8HamY9Wjsvcf\n"
    "jkZx01GijFz+I+OfDclPBPFLll2nIzeh1C51iKsvT/6/zRutczsRDSrJfghVaCt1\n"
    "1Sbwdn++7d2SfZd8ArvzUn2kuzeUZxJQKhXXr8XHKGEoUYB8LGoNFhQ7sEK5UKTK\n"
    "Mcj0a8oC60xtnY/ChGTt/8DeA9PlkhQkUCIwSAlHLQKBgQDPCXKc3ONHihXHmRfK\n"
    "MziWps4N/nyVqLvvBW4BTZCZOsuTerHJXjLqyInqHsgSKfNKOpTOaSO7dOD2LdVg\n"
    "u1RTPX75sWDf9zlROxgTh2GxVnEeLNZLsdNkn+HelvaQON/z36hHEAJT90dpNLTg\n"
    "jsr6K1GuB/gCZJ/4tz2Iy0Xe9QKBgQDKD9uij+a23ZcD80MUSMKcyE5t1lc2tcLN\n"
    "iX/V9dJZ0XovOxwobdPW0qFGLucOZDBqDJfh1Cq49Ip6qxWnIwznQToKvllq+YKj\n"
    "enQ8JDAOjGagG1b4mDLdALnLrhunTnjYkeA/OW2linAIgpbIlK2kJVXGx3AWD/lz\n"
    "EGa+WZiMrwKBgQCDZVKZHVMdXxSthYrkqBdc/WY+2WlGLj1/1+lV6F1B8l+rLK5S\n"
    "x3b3LOjibkC5zmf6jy1LxsyHtwjjFHmcl6dP4PKKE7oQyj1VQXTpR/2HZ/4IkZo7\n"
    "lhM8hH/8HcFEDOSNST/qQc3IbmKi8XFuJxHJLd773VDYa/ZfCiSCgcfJVQKBgHad\n"
    "qIldgEqI+kXPX+lgbR4sWB4SXVA4kwqlVO39SGaBmgBv6q+xCVJqg1H35puEJQec\n"
    "LOzc59d7dm9cT3G2GbUHjVMROtyZbB8bm3BSrgNcWEJUylFUx0cFTgxLQOCOKFK6\n"
    "D7INvFgZVHsqbemBng1l/VybZykMZ5ssXaQQZITxAoGALQLZQ9KpNlMMlfAuiep6\n"
    "bxLpAKegVmj7F+0A6vvT8kOjnaiJhn5qO2ONCz0PDg7jSayKq+pZSCV+v6Ngub0h\n"
    "77EpKSl82Ja8mLkonTSUOT2VC7q2+GoDk3HK3QTXwUCguT7DxvY0ba51Ap2GVwwx\n"
    "YIUPPQ7fdHBVkAPtl8MktZU=\n"
    "-----END PRIVATE KEY-----\n";

#endif
