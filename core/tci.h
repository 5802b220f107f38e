/*
 * tci.h - internal helpers shared by libtokcast's modules: error filling,
 * diagnostics, growable buffers, locale-independent number parsing and
 * dates. Names start with tci_; nothing here is public API.
 */
#ifndef TOKCAST_TCI_H
#define TOKCAST_TCI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "tokcast.h"

#if defined(__GNUC__)
#define TCI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TCI_PRINTF(a, b)
#endif

/*
 * Fills err (when not NULL) with status, location and a formatted message,
 * unless err already holds an error (the first error wins). file and
 * element may be NULL. Returns status, so callers can write
 * "return tci_error(err, ...)".
 */
tc_status tci_error(tc_error *err, tc_status status, const char *file,
		    long line, const char *element, const char *fmt, ...)
	TCI_PRINTF(6, 7);

/* Like tci_error, with a column too. */
tc_status tci_error_at(tc_error *err, tc_status status, const char *file,
		       long line, long column, const char *element,
		       const char *fmt, ...) TCI_PRINTF(7, 8);

/* Clears err to "no error". Accepts NULL. */
void tci_error_clear(tc_error *err);

/*
 * Appends a diagnostic to diags (NULL is allowed and drops it). Returns
 * TC_OK or TC_ERR_NOMEM.
 */
tc_status tci_diag(tc_diags *diags, tc_severity sev, tc_status status,
		   const char *file, long line, long column,
		   const char *element, const char *fmt, ...)
	TCI_PRINTF(8, 9);

/* Copies the diagnostics of src to the end of dst. */
tc_status tci_diags_append(tc_diags *dst, const tc_diags *src);

/* A growable byte buffer, always NUL-terminated once anything is added. */
typedef struct tci_buf {
	char *data;
	size_t len;
	size_t cap;
} tci_buf;

void tci_buf_init(tci_buf *b);
void tci_buf_free(tci_buf *b);
void tci_buf_reset(tci_buf *b);
tc_status tci_buf_add(tci_buf *b, const char *s, size_t n);
tc_status tci_buf_adds(tci_buf *b, const char *s);
tc_status tci_buf_addf(tci_buf *b, const char *fmt, ...) TCI_PRINTF(2, 3);
tc_status tci_buf_addc(tci_buf *b, char c);
/* Hands the buffer's memory to the caller (never NULL), leaving b empty. */
char *tci_buf_steal(tci_buf *b);

/* strdup that returns NULL for NULL input and on allocation failure. */
char *tci_strdup(const char *s);
char *tci_strndup(const char *s, size_t n);

/* Bounded copy that always NUL-terminates (when size > 0). */
void tci_strlcpy(char *dst, const char *src, size_t size);

/* True when s (length n) is only ASCII white space. */
int tci_is_blank(const char *s, size_t n);

/*
 * Trims ASCII white space at both ends of s[0..n); *start and *len get the
 * trimmed range.
 */
void tci_trim(const char *s, size_t n, const char **start, size_t *len);

/*
 * Locale-independent number parsing of the whole of s[0..n) after trimming
 * white space. Return TC_OK, or TC_ERR_PARSE when the text is not a number
 * (empty, trailing garbage) and TC_ERR_LIMIT when out of range.
 * tci_parse_double accepts "inf", "nan" only when allow_special.
 */
tc_status tci_parse_double(const char *s, size_t n, int allow_special,
			   double *out);
tc_status tci_parse_int64(const char *s, size_t n, int64_t *out);
/* "true"/"false"/"1"/"0" in any case, trimmed. */
tc_status tci_parse_bool(const char *s, size_t n, int *out);

/* Writes s as one CSV field, quoted (RFC 4180) when it holds a comma,
 * quote or line break. */
void tci_csv_field(FILE *fp, const char *s);

/* Locale-independent formatting of a double with %.17g or shortest. */
int tci_format_double(char *buf, size_t size, double v);

/*
 * Civil dates as days since 1970-01-01 (proleptic Gregorian, UTC).
 * tci_parse_date accepts YYYY-MM-DD exactly and checks the day exists.
 */
int64_t tci_days_from_civil(int64_t y, unsigned m, unsigned d);
void tci_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
tc_status tci_parse_date(const char *s, size_t n, int64_t *days);
/* Writes YYYY-MM-DD (buf of at least 11 bytes). */
void tci_format_date(int64_t days, char *buf, size_t size);
/* Day of week of a day number, 0 = Monday .. 6 = Sunday. */
int tci_weekday(int64_t days);

/* Turns off GSL's abort-on-error handler once per process. */
void tci_gsl_fence(void);

/* Levenshtein distance of two strings, capped at cap + 1. */
size_t tci_edit_distance(const char *a, const char *b, size_t cap);

#endif
