/*
 * crypto — the one place for hashing, signing, randomness and password
 * hashing. Pure: no HTTP, no database. Everything else calls these instead of
 * OpenSSL, libargon2 or getrandom directly.
 */
#ifndef TRYGG_CRYPTO_H
#define TRYGG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SHA256_HEX 65 /* 64 hex digits and a NUL */
#define CRYPTO_PASSWORD_HASH_MAX 128
/* argon2id at OWASP's minimum: the production default, kept unless a
 * configuration lowers it (tests do, to run fast). */
#define CRYPTO_ARGON2_M_KIB_DEFAULT 19456
#define CRYPTO_ARGON2_T_DEFAULT 2
#define CRYPTO_ARGON2_P 1

/* Lower-case hex SHA-256 of s[0..len) into out (CRYPTO_SHA256_HEX bytes). */
void crypto_sha256_hex(const void *s, size_t len, char out[CRYPTO_SHA256_HEX]);

/*
 * Lower-case hex HMAC-SHA256 of msg[0..len) with key into out
 * (CRYPTO_SHA256_HEX bytes). Returns 0, or -1 when OpenSSL fails.
 */
int crypto_hmac_sha256_hex(const char *key, const void *msg, size_t len,
                           char out[CRYPTO_SHA256_HEX]);

/* Fills buf with nbytes from the kernel's CSPRNG (getrandom). 0 or -1. */
int crypto_random(void *buf, size_t nbytes);

/* Fills buf with 2*nbytes lower-case hex digits of CSPRNG output and a NUL
 * (buf holds at least 2*nbytes+1). nbytes at most 64. 0 or -1. */
int crypto_random_hex(char *buf, size_t nbytes);

/* 1 when a[0..len) equals b[0..len), in time independent of where they differ. */
int crypto_equal(const void *a, const void *b, size_t len);

/*
 * Hashes password with argon2id (m_kib KiB, t passes, p = 1, 16-byte random
 * salt) into out as an encoded "$argon2id$..." string (cap at least
 * CRYPTO_PASSWORD_HASH_MAX). Returns 0 or -1.
 */
int crypto_password_hash(const char *password, uint32_t m_kib, uint32_t t, char *out, size_t cap);

/* 1 when password matches the encoded argon2id hash, else 0 (also for a malformed hash). */
int crypto_password_verify(const char *encoded, const char *password);

#endif
