/*
 * scn_yaml.h - a bounded YAML document tree for the scenario reader.
 *
 * libyaml's event parser feeds a small tree of scalars, sequences and
 * mappings that keeps each node's 1-based line and column. Aliases are
 * shared, never copied, and the nodes they would expand to are counted
 * against a limit, so an alias bomb is refused after a few thousand
 * events. Internal to scenarios/.
 */
#ifndef TOKCAST_SCN_YAML_H
#define TOKCAST_SCN_YAML_H

#include <stddef.h>
#include "tci.h"

enum scn_ytype {
	SCN_Y_SCALAR = 0,
	SCN_Y_SEQ,
	SCN_Y_MAP
};

/*
 * One node. A mapping's kids alternate key and value. Nodes reached
 * through an alias are the anchored node itself.
 */
typedef struct scn_ynode {
	enum scn_ytype type;
	char *text;		/* scalars: NUL-terminated value */
	size_t len;
	int quoted;		/* 1 for a single or double quoted scalar */
	int open;		/* 1 while its end event has not come */
	long line, column;	/* 1-based start */
	size_t weight;		/* nodes it expands to, aliases included */
	struct scn_ynode **kids;
	size_t n, cap;
} scn_ynode;

/* Safety limits; zero fields take the defaults. */
typedef struct scn_ylimits {
	size_t max_bytes;	/* file size, default 1 MiB */
	size_t max_depth;	/* nesting, default 64 */
	size_t max_nodes;	/* nodes after alias expansion, 100,000 */
} scn_ylimits;

/* A parsed document: every node (for freeing) and the root. */
typedef struct scn_ydoc {
	scn_ynode **all;
	size_t n, cap;
	scn_ynode *root;	/* NULL for an empty document */
} scn_ydoc;

/*
 * Parses one YAML document from data[0..size). file names it in
 * messages. Malformed YAML is TC_ERR_PARSE and a limit TC_ERR_LIMIT,
 * both with err's line and column set; duplicate keys, keys that are
 * not scalars and further documents are errors appended to diags
 * (*errors counts them) while parsing goes on. TC_ERR_NOMEM. On
 * failure doc is emptied.
 */
tc_status scn_yaml_parse(const char *data, size_t size, const char *file,
			 const scn_ylimits *lim, scn_ydoc *doc,
			 tc_diags *diags, size_t *errors, tc_error *err);

/* Reads a whole file (at most lim->max_bytes) and parses it. */
tc_status scn_yaml_load(const char *path, const scn_ylimits *lim,
			scn_ydoc *doc, tc_diags *diags, size_t *errors,
			tc_error *err);

void scn_ydoc_free(scn_ydoc *doc);

/* The value of key in a mapping, or NULL. */
const scn_ynode *scn_ymap_get(const scn_ynode *map, const char *key);

/* "a scalar", "a list", "a mapping". */
const char *scn_ytype_name(const scn_ynode *node);

#endif
