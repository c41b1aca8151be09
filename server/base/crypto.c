/*
 * crypto — see crypto.h. Wraps OpenSSL (SHA-256, HMAC, constant-time compare),
 * libargon2 and getrandom(2). Must not log anything it is given.
 */
#include "crypto.h"

#include <argon2.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <string.h>
#include <sys/random.h>

#define CRYPTO_SALT_BYTES 16
#define CRYPTO_HASH_BYTES 32

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void crypto_sha256_hex(const void *s, size_t len, char out[CRYPTO_SHA256_HEX])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)s, len, d);
    to_hex(d, sizeof d, out);
}

int crypto_hmac_sha256_hex(const char *key, const void *msg, size_t len,
                           char out[CRYPTO_SHA256_HEX])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (!HMAC(EVP_sha256(), key, (int)strlen(key), msg, len, mac, &maclen) ||
        maclen != SHA256_DIGEST_LENGTH)
        return -1;
    to_hex(mac, maclen, out);
    return 0;
}

int crypto_random(void *buf, size_t nbytes)
{
    size_t got = 0;
    while (got < nbytes) {
        ssize_t n = getrandom((unsigned char *)buf + got, nbytes - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

int crypto_random_hex(char *buf, size_t nbytes)
{
    unsigned char raw[64];
    if (nbytes > sizeof raw || crypto_random(raw, nbytes) != 0)
        return -1;
    to_hex(raw, nbytes, buf);
    return 0;
}

int crypto_equal(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

int crypto_password_hash(const char *password, uint32_t m_kib, uint32_t t, char *out, size_t cap)
{
    unsigned char salt[CRYPTO_SALT_BYTES];
    if (crypto_random(salt, sizeof salt) != 0)
        return -1;
    int rc = argon2id_hash_encoded(t, m_kib, CRYPTO_ARGON2_P, password, strlen(password), salt,
                                   sizeof salt, CRYPTO_HASH_BYTES, out, cap);
    return rc == ARGON2_OK ? 0 : -1;
}

int crypto_password_verify(const char *encoded, const char *password)
{
    return encoded && *encoded && argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}
