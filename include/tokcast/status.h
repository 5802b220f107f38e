/*
 * tokcast/status.h - status codes, error records and diagnostic lists.
 *
 * Every library function that can fail returns a tc_status and, when the
 * caller passes one, fills a caller-owned tc_error with the file, line,
 * element and message of the first problem. The library never prints and
 * never exits. Functions that find many problems at once (validation) also
 * append them to a tc_diags list.
 */
#ifndef TOKCAST_STATUS_H
#define TOKCAST_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. Numbers are never reused or renumbered. */
typedef enum tc_status {
	TC_OK = 0,		/* success */
	TC_ERR_NOMEM = 1,	/* out of memory */
	TC_ERR_IO = 2,		/* a file cannot be opened, read, written */
	TC_ERR_PARSE = 3,	/* the input is malformed */
	TC_ERR_INVALID = 4,	/* well-formed input that breaks the schema */
	TC_ERR_LIMIT = 5,	/* the input exceeds a safety limit */
	TC_ERR_ARG = 6,		/* the caller passed an invalid argument */
	TC_ERR_NOT_FOUND = 7,	/* a named item does not exist */
	TC_ERR_NUMERIC = 8,	/* a numerical method failed to converge */
	TC_ERR_UNSUPPORTED = 9,	/* valid input this version cannot handle */
	TC_ERR_INTERNAL = 10	/* a bug in tokcast */
} tc_status;

/* A short English description of a status, never NULL. */
const char *tc_strerror(tc_status status);

#define TC_ERROR_FILE_MAX 1024
#define TC_ERROR_ELEMENT_MAX 256
#define TC_ERROR_MESSAGE_MAX 1024

/*
 * The first error of a call, filled by the library. Fields that do not
 * apply are empty strings or 0. Zero-initialise before use.
 */
typedef struct tc_error {
	tc_status status;
	char file[TC_ERROR_FILE_MAX];		/* input file, or "" */
	long line;				/* 1-based, 0 if unknown */
	long column;				/* 1-based, 0 if unknown */
	char element[TC_ERROR_ELEMENT_MAX];	/* e.g. "node 'chat'" */
	char message[TC_ERROR_MESSAGE_MAX];	/* what was expected */
} tc_error;

/*
 * Formats err as "file:line:column: element: message", leaving out the
 * parts that are empty, into buf (always NUL-terminated when size > 0).
 * Returns buf.
 */
char *tc_error_format(const tc_error *err, char *buf, size_t size);

typedef enum tc_severity {
	TC_SEV_WARNING = 0,
	TC_SEV_ERROR = 1
} tc_severity;

/* One problem found by a reader or a validator. */
typedef struct tc_diag {
	tc_severity severity;
	tc_status status;	/* the class of problem, for errors */
	const char *file;	/* "" if unknown */
	long line;
	long column;
	const char *element;	/* "" if none */
	const char *message;
} tc_diag;

/* An ordered list of diagnostics, owned by its creator. */
typedef struct tc_diags tc_diags;

/* Returns a new empty list, or NULL when out of memory. */
tc_diags *tc_diags_new(void);
void tc_diags_free(tc_diags *diags);
size_t tc_diags_count(const tc_diags *diags);
size_t tc_diags_errors(const tc_diags *diags);
size_t tc_diags_warnings(const tc_diags *diags);
/* The i-th diagnostic, valid until the list is freed or grows. */
const tc_diag *tc_diags_get(const tc_diags *diags, size_t i);
/*
 * Formats diagnostic d as "file:line: warning|error: element: message".
 * Returns buf.
 */
char *tc_diag_format(const tc_diag *d, char *buf, size_t size);

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *tc_version(void);

#ifdef __cplusplus
}
#endif

#endif
