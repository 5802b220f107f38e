/*
 * usage_int.h - internals of the usage-log reader shared by its files:
 * the shape table, values read from a row, normalisation into buckets,
 * timestamps, the CSV tokeniser, JSON lookups and 64-bit hash tables.
 */
#ifndef TOKCAST_USAGE_INT_H
#define TOKCAST_USAGE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <csv.h>
#include <jansson.h>

#include "tci.h"

/* Shape flags: which counts contain which (PRICING-FACTS.md). */
#define TCI_IN_HAS_READ 1u	/* "input" includes cache reads */
#define TCI_IN_HAS_WRITE 2u	/* "input" includes cache writes */
#define TCI_OUT_NO_REASONING 4u	/* reasoning is added to "output" */
#define TCI_CSV_ONLY 8u		/* never detected inside JSON */

/* The most groups a detection rule has. */
#define TCI_DETECT_MAX 4

/*
 * A record shape: how to recognise it and where each key lives. A group
 * is alternatives separated by '|', a path is dotted ("a.b.c"); a JSON
 * lookup tries flat keys with dots as well as nested objects. Count keys
 * are looked up in the usage object, the others (time, model, id, tier,
 * batch, class) from the usage object outwards to the record's root.
 */
struct tci_shape {
	const char *name;
	const char *detect[TCI_DETECT_MAX];	/* all groups must exist */
	const char *avoid;			/* a group that must not */
	const char *path[TC_KEY_COUNT];
	unsigned flags;
	tc_time_unit unit;			/* of numeric times */
};

/* The shape named name, or NULL. */
const struct tci_shape *tci_shape_find(const char *name);

/* The i-th shape in detection order, or NULL past the end. */
const struct tci_shape *tci_shape_at(size_t i);

/* The shape used when only a mapping says where counts are. */
const struct tci_shape *tci_shape_mapped(void);

/* Default names of context keys when a shape gives none. */
const char *tci_shape_context(tc_usage_key key);

/* A value read from a row, before interpretation. */
enum tci_val_kind {
	TCI_VAL_NONE = 0,	/* absent */
	TCI_VAL_STR,
	TCI_VAL_INT,
	TCI_VAL_REAL,
	TCI_VAL_BOOL,
	TCI_VAL_ARRAY,		/* a JSON array, in json */
	TCI_VAL_OTHER		/* an object or null */
};

struct tci_val {
	enum tci_val_kind kind;
	const char *s;		/* TCI_VAL_STR: not NUL-terminated */
	size_t n;
	int64_t i;		/* TCI_VAL_INT, TCI_VAL_BOOL */
	double d;		/* TCI_VAL_REAL */
	json_t *json;		/* TCI_VAL_ARRAY */
};

/* Turns a JSON value into a tci_val (NULL gives TCI_VAL_NONE). */
void tci_val_json(json_t *j, struct tci_val *v);

/*
 * Reads a token count. Returns NULL on success, else the reason ("not a
 * number", "negative", ...). An absent or empty value is not handled here.
 */
const char *tci_val_count(const struct tci_val *v, uint64_t *out);

/* Counts read from one row, before normalisation. */
struct tci_raw {
	uint64_t n[TC_KEY_COUNT];
	unsigned have;		/* bit (1u << key) per key present */
};

/*
 * Turns raw counts read with a shape's flags into disjoint buckets in u.
 * Returns NULL, or the reason the counts are inconsistent (written into
 * why).
 */
const char *tci_usage_normalize(unsigned flags, const struct tci_raw *raw,
				tc_usage *u, char *why, size_t size);

/*
 * Timestamps. Text is ISO 8601 or a number; numbers are offsets in unit
 * from origin when origin is not TC_TIME_NONE, else epoch times. Return
 * TC_OK, TC_ERR_PARSE or TC_ERR_LIMIT.
 */
tc_status tci_time_text(const char *s, size_t n, tc_time_unit unit,
			int64_t origin, int64_t *us);
tc_status tci_time_int(int64_t v, tc_time_unit unit, int64_t origin,
		       int64_t *us);
tc_status tci_time_real(double v, tc_time_unit unit, int64_t origin,
			int64_t *us);

/*
 * 1 when the text s[0..n) is a time tci_time_text reads as an epoch
 * number (not ISO 8601), white space around it aside.
 */
int tci_time_is_number(const char *s, size_t n);

/* A 64-bit hash of a byte string (for ids; collisions are negligible). */
uint64_t tci_hash64(const char *s, size_t n);

/* An open-addressing map from 64-bit keys to 64-bit values. */
struct tci_u64map {
	uint64_t *keys;		/* 0 marks an empty slot */
	int64_t *vals;
	size_t cap;		/* a power of two, or 0 */
	size_t len;
};

void tci_u64map_free(struct tci_u64map *m);
/* The value slot of key, or NULL when absent. */
int64_t *tci_u64map_get(const struct tci_u64map *m, uint64_t key);
/* Sets key to val. Returns TC_OK or TC_ERR_NOMEM. */
tc_status tci_u64map_put(struct tci_u64map *m, uint64_t key, int64_t val);

/* The CSV tokeniser: libcsv fed one physical line at a time. */
struct tci_csv {
	struct csv_parser parser;
	tci_buf text;		/* the fields of the current record */
	size_t *off;		/* field i starts at text.data + off[i] */
	size_t *len;
	size_t nfields;
	size_t cap;
	int complete;		/* a record ended during the last feed */
	int overflow;		/* more than TCI_CSV_MAX_FIELDS fields */
	int nomem;
};

#define TCI_CSV_MAX_FIELDS 4096

/* The delimiter of a header line: ',', ';' or tab, whichever is most. */
char tci_csv_sniff(const char *line, size_t n);
tc_status tci_csv_init(struct tci_csv *c, char delim);
void tci_csv_free(struct tci_csv *c);
/*
 * Feeds one line (with its newline, or without at the end of the file
 * when last is set). Returns TC_OK; c->complete tells whether a record
 * ended. TC_ERR_NOMEM or TC_ERR_LIMIT on failure.
 */
tc_status tci_csv_feed(struct tci_csv *c, const char *line, size_t n,
		       int last);
/* Starts the next record after a complete one was used. */
void tci_csv_next(struct tci_csv *c);

/*
 * The value at a dotted path in a JSON object: flat keys containing dots
 * and nested objects are both found. NULL when absent.
 */
json_t *tci_json_path(json_t *obj, const char *path, size_t n);
/* The first of '|'-separated alternative paths present in obj, or NULL. */
json_t *tci_json_alt(json_t *obj, const char *alts);

/* A line reader over a gzip or plain file. */
struct tci_lines {
	void *gz;		/* gzFile */
	char *buf;
	size_t cap;
	size_t start;		/* the next line begins here */
	size_t end;		/* bytes held */
	long line;		/* number of the last line returned */
	int eof;
};

#define TCI_LINE_MAX ((size_t)64 << 20)

tc_status tci_lines_open(struct tci_lines *l, const char *path,
			 tc_error *err);
void tci_lines_close(struct tci_lines *l);
/*
 * The next line, with its newline if it has one. Returns 1 with a line,
 * 0 at the end, or -(tc_status) on failure (err filled).
 */
int tci_lines_next(struct tci_lines *l, const char *path, const char **s,
		   size_t *n, tc_error *err);

/* A node of the breadth-first search for the usage object. */
struct tci_node {
	json_t *v;
	long parent;		/* index of the parent node, -1 at the root */
	long depth;
	const struct tci_shape *shape;	/* when a usage object */
};

#define TCI_NODES_MAX 10000
#define TCI_TEXT_MAX 256
#define TCI_BLOCK_TOKENS 512

struct tc_usage_reader {
	char *path;
	tc_usage_opts opts;
	struct tci_lines lines;
	int csv_mode;		/* CSV, else JSON Lines */
	int pass;		/* 1: the look-ahead for ids, 2: reading */
	int done;		/* 0, TC_USAGE_END or the failing status */
	tc_error err;		/* the failure, repeated to every caller */

	/* CSV: the tokeniser, the header, the column of each key. */
	struct tci_csv csv;
	char delim;
	char **header;
	size_t ncols;
	long col[TC_KEY_COUNT];
	const struct tci_shape *shape;	/* fixed, or NULL to detect */
	const struct tci_shape *last_shape;

	/* JSON: the current record and the path to its usage object. */
	json_t *root;
	struct tci_node *nodes;
	size_t nnodes;
	size_t cap_nodes;
	long usage_node;
	long *hits;		/* the usage objects found in the record */
	size_t nhits;
	size_t cap_hits;
	size_t pos;		/* the one being read */

	/* The current row. */
	long row_line;
	const char *bad;	/* why the row cannot be read, or NULL */
	int null_usage;		/* the row says "usage": null */
	char why[512];
	char model[TCI_TEXT_MAX];
	char class_name[TCI_TEXT_MAX];
	char id[TCI_TEXT_MAX];
	int has_id;
	json_t *hash_ids;
	uint64_t auto_times;	/* epoch numbers, no unit or origin given */

	/* De-duplication: ids seen more than once -> copies still ahead. */
	uint64_t *ids;
	size_t nids;
	size_t cap_ids;
	struct tci_u64map dups;

	/* Prefix-cache blocks of hash_ids -> the time last seen. */
	struct tci_u64map blocks;

	tc_usage_totals totals;
	tc_diags *bad_rows;
};

/*
 * Reads the record of the current row into u (file usage_record.c).
 * Returns NULL, or why the row is bad.
 */
const char *tci_usage_record(tc_usage_reader *r, tc_usage *u);

/*
 * Finds the usage objects of the current JSON record: every object of a
 * known shape at the shallowest depth where one is. Returns how many; with
 * none, r->why says so. Turns OTLP attribute lists into objects first.
 */
size_t tci_usage_find(tc_usage_reader *r);

/* True when the record searched holds "usage": null (or usageMetadata). */
int tci_usage_null(const tc_usage_reader *r);

/* Picks the shape of a CSV file from its header; fills r->col. */
tc_status tci_usage_csv_columns(tc_usage_reader *r, tc_error *err);

#endif
