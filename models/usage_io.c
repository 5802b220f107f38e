/*
 * usage_io.c - the low-level pieces of the usage reader: a line reader
 * over gzip or plain files, the CSV tokeniser around libcsv, dotted-path
 * lookups in JSON, and 64-bit hashing with an open-addressing map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "usage_int.h"

#define CHUNK ((size_t)1 << 18)

tc_status tci_lines_open(struct tci_lines *l, const char *path,
			 tc_error *err)
{
	gzFile gz;

	memset(l, 0, sizeof *l);
	gz = gzopen(path, "rb");
	if (!gz)
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "cannot open: %s",
				 errno ? strerror(errno) : "out of memory");
	gzbuffer(gz, (unsigned)CHUNK);
	l->buf = malloc(CHUNK);
	if (!l->buf) {
		gzclose(gz);
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	}
	l->cap = CHUNK;
	l->gz = gz;
	return TC_OK;
}

void tci_lines_close(struct tci_lines *l)
{
	if (l->gz)
		gzclose((gzFile)l->gz);
	free(l->buf);
	memset(l, 0, sizeof *l);
}

/* Makes room for more bytes: moves held bytes down, grows when full. */
static tc_status make_room(struct tci_lines *l)
{
	char *nb;

	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	if (l->end < l->cap)
		return TC_OK;
	if (l->cap >= TCI_LINE_MAX)
		return TC_ERR_LIMIT;
	nb = realloc(l->buf, l->cap * 2);
	if (!nb)
		return TC_ERR_NOMEM;
	l->buf = nb;
	l->cap *= 2;
	return TC_OK;
}

/* Reads more of the file; sets eof at its end. */
static tc_status fill(struct tci_lines *l, const char *path, tc_error *err)
{
	tc_status st = make_room(l);
	int n, zerr;
	const char *msg;

	if (st == TC_ERR_LIMIT)
		return tci_error(err, st, path, l->line + 1, NULL,
				 "line longer than %zu bytes", TCI_LINE_MAX);
	if (st != TC_OK)
		return tci_error(err, st, path, 0, NULL, "out of memory");
	n = gzread((gzFile)l->gz, l->buf + l->end,
		   (unsigned)(l->cap - l->end));
	msg = gzerror((gzFile)l->gz, &zerr);

	/* A gzip stream cut short ends with Z_BUF_ERROR, not a clean end. */
	if (n < 0 || (n == 0 && (!gzeof((gzFile)l->gz) || zerr != Z_OK))) {
		return tci_error(err, TC_ERR_IO, path, l->line + 1, NULL,
				 "cannot read: %s",
				 zerr == Z_ERRNO ? strerror(errno) : msg);
	}
	if (n == 0)
		l->eof = 1;
	l->end += (size_t)n;
	return TC_OK;
}

int tci_lines_next(struct tci_lines *l, const char *path, const char **s,
		   size_t *n, tc_error *err)
{
	char *nl;
	size_t scanned = 0;
	tc_status st;

	for (;;) {
		nl = memchr(l->buf + l->start + scanned, '\n',
			    l->end - l->start - scanned);
		if (nl || (l->eof && l->end > l->start))
			break;
		if (l->eof)
			return 0;
		scanned = l->end - l->start;
		st = fill(l, path, err);
		if (st != TC_OK)
			return -(int)st;
	}
	*s = l->buf + l->start;
	*n = nl ? (size_t)(nl - *s) + 1 : l->end - l->start;
	l->start += *n;
	l->line++;
	return 1;
}

/* libcsv callbacks: collect a field, mark the end of a record. */
static void on_field(void *s, size_t n, void *data)
{
	struct tci_csv *c = data;
	size_t *no, *nl, cap;

	if (c->nfields >= TCI_CSV_MAX_FIELDS) {
		c->overflow = 1;
		return;
	}
	if (c->nfields == c->cap) {
		cap = c->cap ? c->cap * 2 : 16;
		no = realloc(c->off, cap * sizeof *no);
		if (no)
			c->off = no;
		nl = realloc(c->len, cap * sizeof *nl);
		if (nl)
			c->len = nl;
		if (!no || !nl) {
			c->nomem = 1;
			return;
		}
		c->cap = cap;
	}
	c->off[c->nfields] = c->text.len;
	c->len[c->nfields] = n;

	/* With CSV_APPEND_NULL the field ends in a NUL: keep it too. */
	if (tci_buf_add(&c->text, s ? s : "", s ? n + 1 : 1) != TC_OK)
		c->nomem = 1;
	c->nfields++;
}

static void on_record(int ch, void *data)
{
	((struct tci_csv *)data)->complete = 1;
}

/*
 * libcsv's white space around unquoted fields, for tab-separated files:
 * libcsv tests for white space before the delimiter, so its default
 * (space and tab) would swallow the tabs.
 */
static int space_only(unsigned char c)
{
	return c == ' ';
}

char tci_csv_sniff(const char *line, size_t n)
{
	size_t counts[3] = {0, 0, 0}, i;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (line[i] == ',')
			counts[0]++;
		else if (line[i] == ';')
			counts[1]++;
		else if (line[i] == '\t')
			counts[2]++;
	}
	if (counts[2] > counts[0] && counts[2] >= counts[1])
		return '\t';
	return counts[1] > counts[0] ? ';' : ',';
}

tc_status tci_csv_init(struct tci_csv *c, char delim)
{
	memset(c, 0, sizeof *c);
	if (csv_init(&c->parser, CSV_APPEND_NULL) != 0)
		return TC_ERR_NOMEM;
	csv_set_delim(&c->parser, (unsigned char)delim);
	if (delim == '\t')
		csv_set_space_func(&c->parser, space_only);
	tci_buf_init(&c->text);
	return TC_OK;
}

void tci_csv_free(struct tci_csv *c)
{
	csv_free(&c->parser);
	tci_buf_free(&c->text);
	free(c->off);
	free(c->len);
	memset(c, 0, sizeof *c);
}

/* Bytes given to libcsv at a time (see tci_csv_feed). */
#define CSV_SLICE 65536

/*
 * libcsv grows its field buffer by a fixed block, so a long field costs
 * a copy per block: quadratic, and minutes for a 10 MB field where
 * realloc cannot grow in place (AddressSanitizer, other allocators).
 * Setting the block to the buffer's size makes the growth geometric.
 */
static void grow_geometric(struct csv_parser *p)
{
	size_t size = csv_get_buffer_size(p);

	if (size > p->blk_size)
		csv_set_blk_size(p, size);
}

/* Feeds a line in slices, so the block size keeps up with the field. */
tc_status tci_csv_feed(struct tci_csv *c, const char *line, size_t n,
		       int last)
{
	size_t off, k;

	for (off = 0; off < n; off += k) {
		k = n - off < CSV_SLICE ? n - off : CSV_SLICE;
		grow_geometric(&c->parser);
		if (csv_parse(&c->parser, line + off, k, on_field, on_record,
			      c) != k)
			return csv_error(&c->parser) == CSV_ENOMEM ?
				       TC_ERR_NOMEM : TC_ERR_LIMIT;
	}
	if (last)
		csv_fini(&c->parser, on_field, on_record, c);
	if (c->nomem)
		return TC_ERR_NOMEM;
	return c->overflow ? TC_ERR_LIMIT : TC_OK;
}

void tci_csv_next(struct tci_csv *c)
{
	c->nfields = 0;
	c->complete = 0;
	tci_buf_reset(&c->text);
}

/* The value of the key s[0..n) in obj (keys are NUL-terminated). */
static json_t *get_n(json_t *obj, const char *s, size_t n)
{
	char key[256];

	if (n >= sizeof key)
		return NULL;
	memcpy(key, s, n);
	key[n] = '\0';
	return json_object_get(obj, key);
}

json_t *tci_json_path(json_t *obj, const char *path, size_t n)
{
	json_t *v;
	const char *dot;
	size_t k;

	if (!json_is_object(obj))
		return NULL;
	v = get_n(obj, path, n);
	if (v)
		return v;

	/* A prefix up to a dot may be a nested object holding the rest. */
	for (dot = memchr(path, '.', n); dot;
	     dot = memchr(dot + 1, '.', n - (size_t)(dot + 1 - path))) {
		k = (size_t)(dot - path);
		v = get_n(obj, path, k);
		if (json_is_object(v)) {
			v = tci_json_path(v, dot + 1, n - k - 1);
			if (v)
				return v;
		}
	}
	return NULL;
}

json_t *tci_json_alt(json_t *obj, const char *alts)
{
	const char *bar;
	json_t *v;

	while (alts && *alts) {
		bar = strchr(alts, '|');
		v = tci_json_path(obj, alts,
				  bar ? (size_t)(bar - alts) : strlen(alts));
		if (v && !json_is_null(v))
			return v;
		alts = bar ? bar + 1 : NULL;
	}
	return NULL;
}

uint64_t tci_hash64(const char *s, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	/* FNV-1a, then a strong finaliser (splitmix64) to spread bits. */
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(0x100000001b3);
	}
	h ^= h >> 30;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64_C(0x94d049bb133111eb);
	h ^= h >> 31;
	return h ? h : 1;
}

void tci_u64map_free(struct tci_u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* The slot of key, or of the empty slot where it would go. */
static size_t slot(const struct tci_u64map *m, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 32)) & (m->cap - 1);

	while (m->keys[i] != 0 && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int64_t *tci_u64map_get(const struct tci_u64map *m, uint64_t key)
{
	size_t i;

	key = key ? key : 1;
	if (m->cap == 0)
		return NULL;
	i = slot(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

/* Doubles the table, keeping the load under one half. */
static tc_status grow(struct tci_u64map *m)
{
	struct tci_u64map n = {0};
	size_t i, j;

	n.cap = m->cap ? m->cap * 2 : 1024;
	n.keys = calloc(n.cap, sizeof *n.keys);
	n.vals = malloc(n.cap * sizeof *n.vals);
	if (!n.keys || !n.vals) {
		tci_u64map_free(&n);
		return TC_ERR_NOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		j = slot(&n, m->keys[i]);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
	}
	n.len = m->len;
	tci_u64map_free(m);
	*m = n;
	return TC_OK;
}

tc_status tci_u64map_put(struct tci_u64map *m, uint64_t key, int64_t val)
{
	size_t i;

	key = key ? key : 1;
	if ((m->len + 1) * 2 > m->cap && grow(m) != TC_OK)
		return TC_ERR_NOMEM;
	i = slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->len++;
	}
	m->vals[i] = val;
	return TC_OK;
}
