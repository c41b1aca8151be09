/*
 * joincode — the short codes residents type or read aloud to join a safety
 * walk (/w/K7QM4X). Pure: no HTTP, no database. Safe from any thread.
 *
 * New codes are JOINCODE_LEN characters from JOINCODE_ALPHABET, which leaves
 * out the look-alikes 0/O, 1/I/L (lower-case l is gone by upper-casing), so a
 * code read off a poster cannot be mistyped into another valid new code.
 *
 * Decision on older codes: walks created before this module (such as the
 * seeded NORRBY1) have codes of 4 to 12 ASCII letters and digits that may
 * contain the look-alikes. joincode_normalize accepts that wider "legacy"
 * form, so every stored code still resolves; it does not map 0 to O or 1 to I,
 * because a legacy code may contain either and the mapping would make two
 * stored codes collide. Lookups compare the normalized form exactly, so the
 * database stores codes normalized (upper case).
 */
#ifndef TRYGG_JOINCODE_H
#define TRYGG_JOINCODE_H

#include <stddef.h>

/* Characters of new codes: digits 2-9 and A-Z without I, L, O (31 symbols). */
#define JOINCODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
/* Length of a new code: 31^6 = 887 503 681 codes. */
#define JOINCODE_LEN 6
/* Accepted length of any code, legacy ones included. */
#define JOINCODE_MIN_LEN 4
#define JOINCODE_MAX_LEN 12
/* Longest user input looked at, separators and surrounding blanks included. */
#define JOINCODE_INPUT_MAX 64
/* A buffer that holds any normalized code and its NUL. */
#define JOINCODE_BUF (JOINCODE_MAX_LEN + 1)

/*
 * Writes a fresh random code of JOINCODE_LEN characters and a NUL into out
 * (cap >= JOINCODE_LEN + 1), drawn uniformly from JOINCODE_ALPHABET with
 * getrandom(2). The caller stores it and retries with a new code when the
 * UNIQUE constraint says it is taken. Returns 0, or -1 when cap is too small
 * or the kernel's random source fails (out is then "").
 */
int joincode_generate(char *out, size_t cap);

/*
 * Turns what a person typed or a URL carried into the stored form: blanks
 * (space, tab) and hyphens are dropped wherever they are (a code may be
 * written "K7Q-M4X" or " k7q m4x "); ASCII letters are upper-cased. The rest must be
 * JOINCODE_MIN_LEN..JOINCODE_MAX_LEN ASCII letters and digits (legacy codes
 * such as NORRBY1 included, see above). Writes the code and a NUL into out
 * (cap >= JOINCODE_BUF). Returns 0, or -1 for NULL, any other character
 * (non-ASCII included), a wrong length, input longer than JOINCODE_INPUT_MAX
 * or a small cap; out is then "" (when cap > 0).
 */
int joincode_normalize(const char *in, char *out, size_t cap);

/*
 * 1 when code is exactly a new-form code: JOINCODE_LEN characters, all in
 * JOINCODE_ALPHABET (upper case). 0 otherwise, legacy codes included.
 */
int joincode_is_new_form(const char *code);

#endif
