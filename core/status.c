/*
 * status.c - status descriptions, error records and diagnostic lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tci.h"

static const char *const status_text[] = {
	[TC_OK] = "success",
	[TC_ERR_NOMEM] = "out of memory",
	[TC_ERR_IO] = "input/output error",
	[TC_ERR_PARSE] = "malformed input",
	[TC_ERR_INVALID] = "invalid input",
	[TC_ERR_LIMIT] = "input exceeds a safety limit",
	[TC_ERR_ARG] = "invalid argument",
	[TC_ERR_NOT_FOUND] = "not found",
	[TC_ERR_NUMERIC] = "numerical method failed",
	[TC_ERR_UNSUPPORTED] = "not supported",
	[TC_ERR_INTERNAL] = "internal error",
};

const char *tc_strerror(tc_status status)
{
	size_t n = sizeof status_text / sizeof status_text[0];

	if ((size_t)status >= n || !status_text[status])
		return "unknown status";
	return status_text[status];
}

const char *tc_version(void)
{
	return TC_VERSION_STRING;
}

void tci_error_clear(tc_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

static void error_fill(tc_error *err, tc_status status, const char *file,
		       long line, long column, const char *element,
		       const char *fmt, va_list ap)
{
	err->status = status;
	tci_strlcpy(err->file, file ? file : "", sizeof err->file);
	err->line = line;
	err->column = column;
	tci_strlcpy(err->element, element ? element : "", sizeof err->element);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
}

tc_status tci_error(tc_error *err, tc_status status, const char *file,
		    long line, const char *element, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->status != TC_OK)
		return status;
	va_start(ap, fmt);
	error_fill(err, status, file, line, 0, element, fmt, ap);
	va_end(ap);
	return status;
}

tc_status tci_error_at(tc_error *err, tc_status status, const char *file,
		       long line, long column, const char *element,
		       const char *fmt, ...)
{
	va_list ap;

	if (!err || err->status != TC_OK)
		return status;
	va_start(ap, fmt);
	error_fill(err, status, file, line, column, element, fmt, ap);
	va_end(ap);
	return status;
}

/* Appends "text" and a separator to buf at *pos, within size. */
static void put(char *buf, size_t size, size_t *pos, const char *text,
		const char *sep)
{
	int n;

	if (*pos >= size)
		return;
	n = snprintf(buf + *pos, size - *pos, "%s%s", text, sep);
	if (n > 0)
		*pos += (size_t)n;
}

static char *location_format(const char *file, long line, long column,
			     const char *element, const char *message,
			     const char *severity, char *buf, size_t size)
{
	size_t pos = 0;
	char num[32];

	if (!buf || size == 0)
		return buf;
	buf[0] = '\0';
	if (file && *file)
		put(buf, size, &pos, file, line > 0 ? ":" : ": ");
	if (line > 0) {
		snprintf(num, sizeof num, "%ld", line);
		put(buf, size, &pos, num, column > 0 ? ":" : ": ");
	}
	if (line > 0 && column > 0) {
		snprintf(num, sizeof num, "%ld", column);
		put(buf, size, &pos, num, ": ");
	}
	if (severity)
		put(buf, size, &pos, severity, ": ");
	if (element && *element)
		put(buf, size, &pos, element, ": ");
	put(buf, size, &pos, message ? message : "", "");
	return buf;
}

char *tc_error_format(const tc_error *err, char *buf, size_t size)
{
	const char *msg = err->message[0] ? err->message
					  : tc_strerror(err->status);

	return location_format(err->file, err->line, err->column,
			       err->element, msg, NULL, buf, size);
}

char *tc_diag_format(const tc_diag *d, char *buf, size_t size)
{
	const char *sev = d->severity == TC_SEV_ERROR ? "error" : "warning";

	return location_format(d->file, d->line, d->column, d->element,
			       d->message, sev, buf, size);
}

struct tc_diags {
	tc_diag *items;
	size_t count;
	size_t cap;
	size_t errors;
};

tc_diags *tc_diags_new(void)
{
	return calloc(1, sizeof(tc_diags));
}

static void diag_release(tc_diag *d)
{
	free((char *)d->file);
	free((char *)d->element);
	free((char *)d->message);
}

void tc_diags_free(tc_diags *diags)
{
	size_t i;

	if (!diags)
		return;
	for (i = 0; i < diags->count; i++)
		diag_release(&diags->items[i]);
	free(diags->items);
	free(diags);
}

size_t tc_diags_count(const tc_diags *diags)
{
	return diags ? diags->count : 0;
}

size_t tc_diags_errors(const tc_diags *diags)
{
	return diags ? diags->errors : 0;
}

size_t tc_diags_warnings(const tc_diags *diags)
{
	return diags ? diags->count - diags->errors : 0;
}

const tc_diag *tc_diags_get(const tc_diags *diags, size_t i)
{
	if (!diags || i >= diags->count)
		return NULL;
	return &diags->items[i];
}

static tc_status diags_grow(tc_diags *diags)
{
	size_t cap;
	tc_diag *items;

	if (diags->count < diags->cap)
		return TC_OK;
	cap = diags->cap ? diags->cap * 2 : 16;
	items = realloc(diags->items, cap * sizeof *items);
	if (!items)
		return TC_ERR_NOMEM;
	diags->items = items;
	diags->cap = cap;
	return TC_OK;
}

static tc_status diags_push(tc_diags *diags, tc_severity sev,
			    tc_status status, const char *file, long line,
			    long column, const char *element,
			    const char *message)
{
	tc_diag *d;

	if (diags_grow(diags) != TC_OK)
		return TC_ERR_NOMEM;
	d = &diags->items[diags->count];
	d->severity = sev;
	d->status = status;
	d->line = line;
	d->column = column;
	d->file = tci_strdup(file ? file : "");
	d->element = tci_strdup(element ? element : "");
	d->message = tci_strdup(message ? message : "");
	if (!d->file || !d->element || !d->message) {
		diag_release(d);
		return TC_ERR_NOMEM;
	}
	diags->count++;
	if (sev == TC_SEV_ERROR)
		diags->errors++;
	return TC_OK;
}

tc_status tci_diag(tc_diags *diags, tc_severity sev, tc_status status,
		   const char *file, long line, long column,
		   const char *element, const char *fmt, ...)
{
	char message[TC_ERROR_MESSAGE_MAX];
	va_list ap;

	if (!diags)
		return TC_OK;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	return diags_push(diags, sev, status, file, line, column, element,
			  message);
}

tc_status tci_diags_append(tc_diags *dst, const tc_diags *src)
{
	size_t i;
	const tc_diag *d;

	for (i = 0; dst && i < tc_diags_count(src); i++) {
		d = &src->items[i];
		if (diags_push(dst, d->severity, d->status, d->file, d->line,
			       d->column, d->element, d->message) != TC_OK)
			return TC_ERR_NOMEM;
	}
	return TC_OK;
}
