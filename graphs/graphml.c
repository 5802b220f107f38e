/*
 * graphml.c - the GraphML reader: a libxml2 SAX2 parser pulling the file
 * as it parses, so memory follows the graph, not the file.
 *
 * Safety: the parser never touches the network, never loads a DTD or an
 * external entity (a declaration of one stops the read), and checks every
 * internal entity twice: when declared, its fully expanded size must stay
 * under ENTITY_MAX (this refuses the billion laughs before any expansion),
 * and every reference adds its size to a running total that must stay
 * under EXPANSION_MAX (this refuses the quadratic blow-up). Depth and file
 * size are bounded by tc_graph_limits. libxml2's error handler is swapped
 * for ours during the read and restored after it.
 *
 * Policies (docs/graphml.md): the first <graph> is read, later top-level
 * graphs are skipped with a warning; graphs nested in nodes are flattened
 * into it; ports, hyperedges, endpoints and locators are skipped with a
 * warning; elements of other namespaces are skipped, except that yEd's
 * y:NodeLabel text becomes a node's label when it has none.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "graph_int.h"

/* libxml2 2.12 made the error record const in its handler type. */
#if LIBXML_VERSION >= 21200
typedef const xmlError tci_xml_error;
#else
typedef xmlError tci_xml_error;
#endif

#define GRAPHML_NS "http://graphml.graphdrawing.org/xmlns"
#define DEFAULT_MAX_BYTES ((size_t)1 << 30)
#define DEFAULT_MAX_DEPTH 256
#define ENTITY_MAX (64 * 1024)
#define EXPANSION_MAX (1024 * 1024)
#define ENTITIES_MAX 1000
#define TOP_GRAPH_DEPTH 2	/* <graphml><graph> */
#define IOBUF (1 << 20)	/* stdio buffer for the file */
#define LAG 16			/* edges whose ends are looked up later */
#define LAG_ID_MAX 48

/* What an open element is, as far as the reader cares. */
enum frame {
	F_SKIP = 0,	/* ignored with everything inside it */
	F_GRAPHML,
	F_KEY,
	F_DEFAULT,
	F_GRAPH,
	F_NODE,
	F_EDGE,
	F_DATA,
	F_DATA_XML,	/* an element inside <data> (yEd graphics) */
	F_NODELABEL	/* y:NodeLabel inside a node's <data> */
};

/* An internal entity: its name and fully expanded size. */
struct entity {
	char *name;
	size_t size;
};

/* A reference to a node id that was not declared yet. */
struct pending {
	size_t edge;
	size_t source_off;	/* offsets into reader.ids */
	size_t target_off;
};

/*
 * An edge whose ends are looked up a few edges later: the id table slots
 * are prefetched when the edge is read, so the lookups find them in the
 * cache instead of waiting on memory for each one.
 */
struct lagged {
	size_t edge;
	size_t sn, tn;
	char s[LAG_ID_MAX], t[LAG_ID_MAX];
};

struct reader {
	tc_graph *g;
	const char *file;
	xmlParserCtxtPtr ctxt;
	tc_error *err;
	tc_diags *warnings;
	tc_status st;		/* sticky: the first failure */
	int max_depth;

	int depth;
	unsigned char frame[DEFAULT_MAX_DEPTH + 2];
	tci_elem owner_kind[DEFAULT_MAX_DEPTH + 2];
	size_t owner[DEFAULT_MAX_DEPTH + 2];
	unsigned char directed[DEFAULT_MAX_DEPTH + 2];

	int root_ns;		/* 1: GraphML namespace, 0: none */
	const xmlChar *ns_uri;	/* libxml2's copy of the GraphML URI */
	int graphs;		/* top-level <graph> elements seen */
	int warned_port, warned_hyper, warned_nested, warned_locator;
	int warned_key_place;

	long key;		/* key being declared, -1 when none */
	long data_key;		/* key of the open <data> */
	size_t key_hint;	/* where the next key search starts */
	long data_line;
	int data_xml;		/* the <data> holds elements */
	tci_buf text;		/* text of the open <data> or <default> */

	tci_buf label;		/* y:NodeLabel text of the open node */
	int have_label;

	struct entity *ents;
	size_t nents;
	size_t expanded;

	struct lagged lag[LAG];
	size_t lag_first, nlag;

	struct pending *pend;
	size_t npend, cappend;
	tci_buf ids;
};

static long line_of(struct reader *r)
{
	return r->ctxt ? (long)xmlSAX2GetLineNumber(r->ctxt) : 0;
}

/* Records the first failure and stops the parser. */
static void fail(struct reader *r, tc_status st, long line,
		 const char *element, const char *fmt, ...)
	TCI_PRINTF(5, 6);

static void fail(struct reader *r, tc_status st, long line,
		 const char *element, const char *fmt, ...)
{
	char msg[TC_ERROR_MESSAGE_MAX];
	va_list ap;

	if (r->st != TC_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->st = st;
	tci_error(r->err, st, r->file, line, element, "%s", msg);
	if (r->ctxt)
		xmlStopParser(r->ctxt);
}

static void nomem(struct reader *r)
{
	fail(r, TC_ERR_NOMEM, 0, NULL, "out of memory");
}

static void warn(struct reader *r, long line, const char *element,
		 const char *fmt, ...) TCI_PRINTF(4, 5);

static void warn(struct reader *r, long line, const char *element,
		 const char *fmt, ...)
{
	char msg[TC_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (tci_diag(r->warnings, TC_SEV_WARNING, TC_OK, r->file, line, 0,
		     element, "%s", msg) != TC_OK)
		nomem(r);
}

/* ---- attributes ------------------------------------------------------ */

/* The SAX2 attribute array: five pointers per attribute. */
struct attrs {
	const xmlChar **a;
	int n;
};

/*
 * Finds the unprefixed attribute name; *len gets its value's length.
 * Returns the value (not NUL-terminated) or NULL.
 */
static const char *attr(const struct attrs *at, const char *name,
			size_t *len)
{
	int i;

	for (i = 0; i < at->n; i++) {
		const xmlChar **p = at->a + 5 * i;

		if (p[2] == NULL && p[0][0] == (xmlChar)name[0] &&
		    strcmp((const char *)p[0], name) == 0) {
			*len = (size_t)(p[4] - p[3]);
			return (const char *)p[3];
		}
	}
	return NULL;
}

/* Copies an attribute's value, trimmed, into buf; "" when absent. */
static const char *attr_copy(const struct attrs *at, const char *name,
			     char *buf, size_t size, int *present)
{
	const char *v, *t;
	size_t len, n;

	v = attr(at, name, &len);
	if (present)
		*present = v != NULL;
	if (!v) {
		buf[0] = '\0';
		return buf;
	}
	tci_trim(v, len, &t, &n);
	if (n >= size)
		n = size - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Element name for messages: "node 'n1'" etc. Built by hand, as it runs
 * for every edge.
 */
static void elem_name(char *buf, size_t size, const char *what,
		      const char *id, size_t len)
{
	size_t w = strlen(what);

	if (len > 200)
		len = 200;
	if (w + len + 4 > size)
		len = 0;
	memcpy(buf, what, w);
	if (!id || len == 0) {
		buf[w] = '\0';
		return;
	}
	buf[w] = ' ';
	buf[w + 1] = '\'';
	memcpy(buf + w + 2, id, len);
	buf[w + 2 + len] = '\'';
	buf[w + 3 + len] = '\0';
}

/* The element name of the node or edge that owns the open element. */
static void owner_name(struct reader *r, char *buf, size_t size)
{
	tci_elem kind = r->owner_kind[r->depth - 1];
	size_t i = r->owner[r->depth - 1];
	tc_edge_info e;

	if (kind == TCI_ELEM_NODE) {
		elem_name(buf, size, "node", tc_graph_node_id(r->g, i),
			  strlen(tc_graph_node_id(r->g, i)));
	} else if (kind == TCI_ELEM_EDGE) {
		tc_graph_edge(r->g, i, &e);
		if (*e.id)
			elem_name(buf, size, "edge", e.id, strlen(e.id));
		else
			snprintf(buf, size, "edge at line %ld", e.line);
	} else {
		snprintf(buf, size, "graph");
	}
}

/* ---- keys ------------------------------------------------------------ */

static const char *const domain_words[] = {
	"node", "edge", "graph", "all", "graphml", "port", "endpoint",
	"hyperedge",
};

/* Reads "for"; returns 0 on an unknown domain. */
static int parse_domain(const char *s, tc_key_domain *d)
{
	size_t i;

	if (*s == '\0') {
		*d = TC_FOR_ALL;
		return 1;
	}
	for (i = 0; i < sizeof domain_words / sizeof *domain_words; i++) {
		if (strcmp(s, domain_words[i]) == 0) {
			*d = (tc_key_domain)i;
			return 1;
		}
	}
	return 0;
}

/* Reads attr.type; returns 0 on an unknown type. */
static int parse_type(const char *s, tc_attr_type *t)
{
	static const struct {
		const char *word;
		tc_attr_type type;
	} types[] = {
		{"boolean", TC_ATTR_BOOLEAN}, {"int", TC_ATTR_INT},
		{"integer", TC_ATTR_INT},     {"long", TC_ATTR_LONG},
		{"float", TC_ATTR_FLOAT},     {"double", TC_ATTR_DOUBLE},
		{"string", TC_ATTR_STRING},
	};
	size_t i;

	for (i = 0; i < sizeof types / sizeof *types; i++) {
		if (strcmp(s, types[i].word) == 0) {
			*t = types[i].type;
			return 1;
		}
	}
	return 0;
}

/* True when two key domains can apply to the same element. */
static int domains_overlap(tc_key_domain a, tc_key_domain b)
{
	return a == b || a == TC_FOR_ALL || b == TC_FOR_ALL;
}

/*
 * Key ids must be unique. Real files (KEGG exports) reuse an id for keys
 * of different domains, which is unambiguous: accepted with a warning.
 * Returns 0 (and fails) when the new key would clash.
 */
static int key_id_free(struct reader *r, const char *id, tc_key_domain d,
		       long line, const char *el)
{
	const tc_key_info *k;
	size_t i;
	int reused = 0;

	for (i = 0; i < tc_graph_key_count(r->g); i++) {
		k = tc_graph_key(r->g, i);
		if (strcmp(k->id, id) != 0)
			continue;
		if (domains_overlap(k->domain, d)) {
			fail(r, TC_ERR_INVALID, line, el,
			     "key id declared twice for %s (first at line "
			     "%ld); key ids must be unique",
			     tc_key_domain_name(d), k->line);
			return 0;
		}
		reused = 1;
	}
	if (reused)
		warn(r, line, el, "key id reused for another domain (%s); "
		     "GraphML wants unique ids", tc_key_domain_name(d));
	return 1;
}

/* <key>: declares a key; the id must be new for its domain. */
static void start_key(struct reader *r, const struct attrs *at)
{
	char id[512], name[512], dom[64], type[128], el[600];
	tc_key_domain d = TC_FOR_ALL;
	tc_attr_type t = TC_ATTR_STRING;
	int has_id, has_name, has_type;
	size_t index;
	long line = line_of(r);

	attr_copy(at, "id", id, sizeof id, &has_id);
	attr_copy(at, "attr.name", name, sizeof name, &has_name);
	attr_copy(at, "for", dom, sizeof dom, NULL);
	attr_copy(at, "attr.type", type, sizeof type, &has_type);
	elem_name(el, sizeof el, "key", id, strlen(id));
	if (!has_id || *id == '\0') {
		fail(r, TC_ERR_PARSE, line, "key",
		     "a <key> needs an id attribute");
		return;
	}
	if (!parse_domain(dom, &d)) {
		warn(r, line, el, "unknown for=\"%s\"; read as \"all\"", dom);
		d = TC_FOR_ALL;
	}
	if (!key_id_free(r, id, d, line, el))
		return;
	if (has_type && !parse_type(type, &t))
		warn(r, line, el, "unknown attr.type \"%s\"; read as string",
		     type);
	if (tci_graph_add_key(r->g, id, has_name ? name : NULL, d, t, line,
			      &index) != TC_OK) {
		nomem(r);
		return;
	}
	r->key = (long)index;
}

/* </default>: sets the default of the open key. */
static void end_default(struct reader *r)
{
	const tc_key_info *k;
	char el[600];
	tc_status st;

	/* A default made of XML (yFiles, SVG) is no value tokcast reads. */
	if (r->key < 0 || r->data_xml)
		return;
	k = tc_graph_key(r->g, (size_t)r->key);
	st = tci_graph_set_key_default(r->g, (size_t)r->key,
				       r->text.data ? r->text.data : "",
				       r->text.len, r->data_line);
	if (st == TC_ERR_NOMEM) {
		nomem(r);
	} else if (st != TC_OK) {
		elem_name(el, sizeof el, "key", k->id, strlen(k->id));
		fail(r, TC_ERR_PARSE, r->data_line, el,
		     "default '%.100s' is not a valid %s",
		     r->text.data ? r->text.data : "",
		     tc_attr_type_name(k->type));
	}
}

/* ---- graph, node, edge ----------------------------------------------- */

/*
 * <graph>: the first top-level graph is read; a graph inside a node is
 * flattened into it; anything else is skipped.
 */
static enum frame start_graph(struct reader *r, const struct attrs *at)
{
	enum frame parent = r->frame[r->depth - 1];
	char dir[64];
	int has_dir;
	long line = line_of(r);

	attr_copy(at, "edgedefault", dir, sizeof dir, &has_dir);
	if (parent == F_GRAPHML && ++r->graphs > 1) {
		warn(r, line, "graph",
		     "only the first <graph> of a file is read; this one is "
		     "skipped");
		return F_SKIP;
	}
	if (parent != F_GRAPHML && parent != F_NODE) {
		warn(r, line, "graph",
		     "a <graph> directly inside a <graph> is not GraphML; "
		     "skipped");
		return F_SKIP;
	}
	if (parent == F_NODE && !r->warned_nested++)
		warn(r, line, "graph",
		     "nested graphs are flattened into the top-level graph");
	if (has_dir && strcmp(dir, "directed") == 0)
		r->directed[r->depth] = 1;
	else if (has_dir && strcmp(dir, "undirected") == 0)
		r->directed[r->depth] = 0;
	else if (has_dir) {
		fail(r, TC_ERR_PARSE, line, "graph",
		     "edgedefault is '%s', expected 'directed' or "
		     "'undirected'", dir);
		return F_SKIP;
	} else {
		warn(r, line, "graph", "no edgedefault (GraphML requires "
		     "one); edges are directed, the specification's default");
		r->directed[r->depth] = 1;
	}
	if (parent == F_GRAPHML)
		tci_graph_set_directed(r->g, r->directed[r->depth]);
	r->owner_kind[r->depth] = TCI_ELEM_GRAPH;
	r->owner[r->depth] = 0;
	return F_GRAPH;
}

/* <node>: adds a node; the id must be new. */
static enum frame start_node(struct reader *r, const struct attrs *at)
{
	const char *id, *t;
	size_t len, n, node;
	char el[600];
	long line = line_of(r);
	tc_status st;

	id = attr(at, "id", &len);
	if (id)
		tci_trim(id, len, &t, &n);
	if (!id || n == 0) {
		fail(r, TC_ERR_PARSE, line, "node",
		     "a <node> needs a non-empty id attribute");
		return F_SKIP;
	}
	st = tci_graph_add_node_at(r->g, t, n, line, &node);
	if (st == TC_ERR_INVALID) {
		elem_name(el, sizeof el, "node", t, n);
		fail(r, st, line, el, "node id declared twice (first at line "
		     "%ld)", tc_graph_node_line(r->g, node));
		return F_SKIP;
	}
	if (st != TC_OK) {
		nomem(r);
		return F_SKIP;
	}
	r->owner_kind[r->depth] = TCI_ELEM_NODE;
	r->owner[r->depth] = node;
	r->directed[r->depth] = r->directed[r->depth - 1];
	r->have_label = 0;
	tci_buf_reset(&r->label);
	return F_NODE;
}

/* Remembers an edge end that names a node not declared yet. */
static int add_pending(struct reader *r, size_t edge, const char *s,
		       size_t sn, const char *t, size_t tn)
{
	struct pending *p;

	if (r->npend == r->cappend) {
		size_t cap = r->cappend ? r->cappend * 2 : 16;

		p = realloc(r->pend, cap * sizeof *p);
		if (!p)
			return 0;
		r->pend = p;
		r->cappend = cap;
	}
	p = &r->pend[r->npend++];
	p->edge = edge;
	p->source_off = r->ids.len;
	if (tci_buf_add(&r->ids, s, sn) || tci_buf_addc(&r->ids, '\0'))
		return 0;
	p->target_off = r->ids.len;
	if (tci_buf_add(&r->ids, t, tn) || tci_buf_addc(&r->ids, '\0'))
		return 0;
	return 1;
}

/* The attributes of an <edge>, gathered in one pass. */
struct edge_attrs {
	const char *v[6];	/* id source target directed ports */
	size_t len[6];
};

enum { EA_ID, EA_SOURCE, EA_TARGET, EA_DIRECTED, EA_SPORT, EA_TPORT };

static void edge_attrs(const struct attrs *at, struct edge_attrs *ea)
{
	static const char *const names[6] = {
		"id", "source", "target", "directed", "sourceport",
		"targetport",
	};
	const xmlChar **p;
	int i, j;

	memset(ea, 0, sizeof *ea);
	for (i = 0; i < at->n; i++) {
		p = at->a + 5 * i;
		if (p[2] != NULL)
			continue;
		for (j = 0; j < 6; j++) {
			if (p[0][0] == (xmlChar)names[j][0] &&
			    strcmp((const char *)p[0], names[j]) == 0) {
				ea->v[j] = (const char *)p[3];
				ea->len[j] = (size_t)(p[4] - p[3]);
				break;
			}
		}
	}
}

/* Reads an edge's directed attribute; -1 when invalid. */
static int edge_directed(struct reader *r, const struct edge_attrs *ea)
{
	int b;

	if (!ea->v[EA_DIRECTED])
		return r->directed[r->depth - 1];
	if (tci_parse_bool(ea->v[EA_DIRECTED], ea->len[EA_DIRECTED], &b) !=
	    TC_OK)
		return -1;
	return b;
}

/*
 * Looks up an edge's ends; ids not declared yet are remembered for the end
 * of the document. Returns 0 when out of memory.
 */
static int resolve_ends(struct reader *r, size_t edge, const char *s,
			size_t sn, const char *t, size_t tn)
{
	size_t src, dst;

	if (tci_graph_find_node_n(r->g, s, sn, &src) &&
	    tci_graph_find_node_n(r->g, t, tn, &dst)) {
		tci_graph_set_edge_ends(r->g, edge, src, dst);
		return 1;
	}
	return add_pending(r, edge, s, sn, t, tn);
}

/* Resolves the oldest lagged edge. Returns 0 when out of memory. */
static int lag_pop(struct reader *r)
{
	struct lagged *l = &r->lag[r->lag_first];

	r->lag_first = (r->lag_first + 1) % LAG;
	r->nlag--;
	return resolve_ends(r, l->edge, l->s, l->sn, l->t, l->tn);
}

/* Resolves every lagged edge (at the end of the document). */
static void lag_flush(struct reader *r)
{
	while (r->nlag > 0 && r->st == TC_OK)
		if (!lag_pop(r))
			nomem(r);
}

/*
 * Adds the edge with its ends to be resolved: later in the lag ring when
 * the ids are short (the usual case), at once otherwise. Returns 0 when
 * out of memory.
 */
static int add_edge(struct reader *r, const struct edge_attrs *ea,
		    const char *id, int dir, long line, size_t *edge)
{
	const char *st, *tt;
	size_t sn, tn;
	struct lagged *l;

	tci_trim(ea->v[EA_SOURCE], ea->len[EA_SOURCE], &st, &sn);
	tci_trim(ea->v[EA_TARGET], ea->len[EA_TARGET], &tt, &tn);
	if (tci_graph_add_edge_at(r->g, 0, 0, dir, id, line, edge) != TC_OK)
		return 0;
	if (sn >= LAG_ID_MAX || tn >= LAG_ID_MAX)
		return resolve_ends(r, *edge, st, sn, tt, tn);
	if (r->nlag == LAG && !lag_pop(r))
		return 0;
	tci_graph_prefetch_node(r->g, st, sn);
	tci_graph_prefetch_node(r->g, tt, tn);
	l = &r->lag[(r->lag_first + r->nlag++) % LAG];
	l->edge = *edge;
	l->sn = sn;
	l->tn = tn;
	memcpy(l->s, st, sn);
	memcpy(l->t, tt, tn);
	return 1;
}

/* <edge>: checks its attributes and adds it. */
static enum frame start_edge(struct reader *r, const struct attrs *at)
{
	struct edge_attrs ea;
	const char *t;
	size_t n, edge;
	char id[512], el[600];
	int dir;
	long line = line_of(r);

	edge_attrs(at, &ea);
	tci_trim(ea.v[EA_ID] ? ea.v[EA_ID] : "", ea.len[EA_ID], &t, &n);
	if (n >= sizeof id)
		n = sizeof id - 1;
	memcpy(id, t, n);
	id[n] = '\0';
	elem_name(el, sizeof el, "edge", id, n);
	if (!ea.v[EA_SOURCE] || !ea.v[EA_TARGET]) {
		fail(r, TC_ERR_PARSE, line, el,
		     "an <edge> needs source and target attributes");
		return F_SKIP;
	}
	dir = edge_directed(r, &ea);
	if (dir < 0) {
		fail(r, TC_ERR_PARSE, line, el,
		     "directed must be true or false");
		return F_SKIP;
	}
	if ((ea.v[EA_SPORT] || ea.v[EA_TPORT]) && !r->warned_port++)
		warn(r, line, el, "ports are ignored; the edge joins the "
		     "nodes");
	if (!add_edge(r, &ea, ea.v[EA_ID] ? id : NULL, dir, line, &edge)) {
		nomem(r);
		return F_SKIP;
	}
	r->owner_kind[r->depth] = TCI_ELEM_EDGE;
	r->owner[r->depth] = edge;
	return F_EDGE;
}

/* Resolves the edge ends that named nodes declared after the edge. */
static void resolve_pending(struct reader *r)
{
	size_t i, s, t;
	tc_edge_info e;
	char el[600];
	const char *sid, *tid;

	for (i = 0; i < r->npend && r->st == TC_OK; i++) {
		const struct pending *p = &r->pend[i];

		sid = r->ids.data + p->source_off;
		tid = r->ids.data + p->target_off;
		tc_graph_edge(r->g, p->edge, &e);
		if (*e.id)
			elem_name(el, sizeof el, "edge", e.id, strlen(e.id));
		else
			snprintf(el, sizeof el, "edge '%.200s' -> '%.200s'",
				 sid, tid);
		if (!tc_graph_find_node(r->g, sid, &s)) {
			fail(r, TC_ERR_INVALID, e.line, el,
			     "source '%.200s' is not a declared node", sid);
			return;
		}
		if (!tc_graph_find_node(r->g, tid, &t)) {
			fail(r, TC_ERR_INVALID, e.line, el,
			     "target '%.200s' is not a declared node", tid);
			return;
		}
		tci_graph_set_edge_ends(r->g, p->edge, s, t);
	}
}

/* ---- data ------------------------------------------------------------ */

/*
 * The key with this id that applies to elements of kind elem, else the
 * first key with the id, else -1.
 */
static long key_for(struct reader *r, const char *id, size_t n,
		    tci_elem elem)
{
	size_t count = tc_graph_key_count(r->g), i, j;
	const tc_key_info *k;
	long first = -1;

	if (n == 0)
		return -1;

	/* Files give a node's values in key order: try the next key first. */
	for (j = 0; j < count; j++) {
		i = (r->key_hint + j) % count;
		k = tc_graph_key(r->g, i);
		if (k->id[0] != id[0] || strncmp(k->id, id, n) != 0 ||
		    k->id[n] != '\0')
			continue;
		if (tci_key_applies(k->domain, elem)) {
			r->key_hint = i + 1;
			return (long)i;
		}
		if (first < 0)
			first = (long)i;
	}
	return first;
}

/* <data>: finds its key; values outside nodes, edges and graphs drop. */
static enum frame start_data(struct reader *r, const struct attrs *at)
{
	enum frame parent = r->frame[r->depth - 1];
	const char *k, *t;
	size_t len, n;
	long key;
	char el[600];
	long line = line_of(r);

	/* Values of <graphml>, ports and nested graphs are not kept. */
	if (parent != F_NODE && parent != F_EDGE && parent != F_GRAPH)
		return F_SKIP;
	if (parent == F_GRAPH && r->depth - 1 != TOP_GRAPH_DEPTH)
		return F_SKIP;
	k = attr(at, "key", &len);
	if (!k) {
		owner_name(r, el, sizeof el);
		fail(r, TC_ERR_PARSE, line, el,
		     "a <data> needs a key attribute");
		return F_SKIP;
	}
	tci_trim(k, len, &t, &n);
	key = key_for(r, t, n, r->owner_kind[r->depth - 1]);
	if (key < 0 || !tci_key_applies(tc_graph_key(r->g, (size_t)key)->domain,
					r->owner_kind[r->depth - 1]))
		owner_name(r, el, sizeof el);
	if (key < 0) {
		fail(r, TC_ERR_INVALID, line, el,
		     "<data> refers to key '%.*s', which is not declared "
		     "(keys are declared before the graph)",
		     (int)(n > 200 ? 200 : n), t);
		return F_SKIP;
	}
	if (!tci_key_applies(tc_graph_key(r->g, (size_t)key)->domain,
			     r->owner_kind[r->depth - 1])) {
		warn(r, line, el, "key '%s' is declared for %s; value ignored",
		     tc_graph_key(r->g, (size_t)key)->id,
		     tc_key_domain_name(
			     tc_graph_key(r->g, (size_t)key)->domain));
		return F_SKIP;
	}
	r->data_key = key;
	r->data_line = line;
	r->data_xml = 0;
	tci_buf_reset(&r->text);
	r->owner_kind[r->depth] = r->owner_kind[r->depth - 1];
	r->owner[r->depth] = r->owner[r->depth - 1];
	return F_DATA;
}

/* </data>: stores the value unless the <data> held XML elements. */
static void end_data(struct reader *r)
{
	tci_elem kind = r->owner_kind[r->depth];
	size_t index = r->owner[r->depth];
	const tc_key_info *k = tc_graph_key(r->g, (size_t)r->data_key);
	char el[600];
	int replaced;
	tc_status st;

	if (r->data_xml)
		return;
	st = tci_graph_set_value(r->g, kind, index, (size_t)r->data_key,
				 r->text.data ? r->text.data : "",
				 r->text.len, r->data_line, &replaced);
	if (st == TC_ERR_NOMEM) {
		nomem(r);
		return;
	}
	if (st == TC_OK && !replaced)
		return;
	owner_name(r, el, sizeof el);
	if (st != TC_OK) {
		fail(r, TC_ERR_PARSE, r->data_line, el,
		     "value '%.100s' of key '%s' (%s) is %s %s",
		     r->text.data ? r->text.data : "", k->id, k->name,
		     st == TC_ERR_LIMIT ? "out of range for" : "not a valid",
		     tc_attr_type_name(k->type));
		return;
	}
	if (replaced)
		warn(r, r->data_line, el,
		     "key '%s' given twice; the last value is kept", k->id);
}

/* Finds or declares the node key "label" used for yEd labels. */
static long label_key(struct reader *r)
{
	size_t key;
	const char *id = "label";

	if (tc_graph_find_key(r->g, TC_FOR_NODE, "label", &key))
		return (long)key;
	if (tci_graph_key_by_id(r->g, id, strlen(id)) >= 0)
		id = "tokcast_label";
	if (tci_graph_add_key(r->g, id, "label", TC_FOR_NODE, TC_ATTR_STRING,
			      0, &key) != TC_OK) {
		nomem(r);
		return -1;
	}
	return (long)key;
}

/* </node>: a yEd label becomes the label when the node has none. */
static void end_node(struct reader *r)
{
	size_t node = r->owner[r->depth];
	long key;

	if (!r->have_label)
		return;
	r->have_label = 0;
	key = label_key(r);
	if (key < 0 || tci_graph_has_value(r->g, TCI_ELEM_NODE, node,
					   (size_t)key))
		return;
	if (tci_graph_set_value(r->g, TCI_ELEM_NODE, node, (size_t)key,
				r->label.data ? r->label.data : "",
				r->label.len, 0, NULL) == TC_ERR_NOMEM)
		nomem(r);
}

/* ---- SAX callbacks --------------------------------------------------- */

/* True when an element is in the GraphML namespace of this file. */
static int is_graphml(struct reader *r, const xmlChar *uri)
{
	if (!r->root_ns)
		return uri == NULL;
	if (uri && uri == r->ns_uri)
		return 1;

	/* libxml2 interns namespace names: remember the pointer. */
	if (uri && strcmp((const char *)uri, GRAPHML_NS) == 0) {
		r->ns_uri = uri;
		return 1;
	}
	return 0;
}

/* Checks the root element: <graphml>, in GraphML's namespace or none. */
static enum frame start_root(struct reader *r, const char *name,
			     const xmlChar *uri)
{
	long line = line_of(r);

	if (strcmp(name, "graphml") != 0) {
		fail(r, TC_ERR_PARSE, line, name,
		     "the root element is <%s>; a GraphML file starts with "
		     "<graphml>", name);
		return F_SKIP;
	}
	if (uri && strcmp((const char *)uri, GRAPHML_NS) != 0) {
		fail(r, TC_ERR_PARSE, line, "graphml",
		     "namespace '%.300s' is not GraphML's (expected '"
		     GRAPHML_NS "' or none)", (const char *)uri);
		return F_SKIP;
	}
	r->root_ns = uri != NULL;
	return F_GRAPHML;
}

/* Skips a GraphML element tokcast does not read, warning once. */
static enum frame skip_known(struct reader *r, const char *name)
{
	long line = line_of(r);

	if (strcmp(name, "port") == 0 && !r->warned_port++)
		warn(r, line, "port", "ports are ignored");
	else if (strcmp(name, "hyperedge") == 0 && !r->warned_hyper++)
		warn(r, line, "hyperedge", "hyperedges are ignored");
	else if (strcmp(name, "locator") == 0 && !r->warned_locator++)
		warn(r, line, "locator",
		     "locators (graphs in other files) are ignored");
	return F_SKIP;
}

/* A GraphML element inside the document: what it opens. */
static enum frame start_graphml_elem(struct reader *r, const char *name,
				     const struct attrs *at)
{
	enum frame parent = r->frame[r->depth - 1];

	/* The hot paths first: <data>, <node>, <edge>. */
	if (name[0] == 'd' && strcmp(name, "data") == 0)
		return start_data(r, at);
	if (name[0] == 'n' && strcmp(name, "node") == 0 && parent == F_GRAPH)
		return start_node(r, at);
	if (name[0] == 'e' && strcmp(name, "edge") == 0 && parent == F_GRAPH)
		return start_edge(r, at);
	if (strcmp(name, "key") == 0 &&
	    (parent == F_GRAPHML || parent == F_GRAPH)) {
		if (parent == F_GRAPH && !r->warned_key_place++)
			warn(r, line_of(r), "key",
			     "<key> inside <graph> (GraphML puts keys before "
			     "the graph); read anyway");
		start_key(r, at);
		return F_KEY;
	}
	if (strcmp(name, "default") == 0 && parent == F_KEY) {
		tci_buf_reset(&r->text);
		r->data_xml = 0;
		r->data_line = line_of(r);
		return F_DEFAULT;
	}
	if (strcmp(name, "graph") == 0 &&
	    (parent == F_GRAPHML || parent == F_NODE || parent == F_GRAPH))
		return start_graph(r, at);
	if (strcmp(name, "key") == 0)
		warn(r, line_of(r), "key",
		     "a <key> inside <%s> is not GraphML; ignored",
		     parent == F_NODE ? "node" : "edge");
	return skip_known(r, name);
}

static void on_start(void *ctx, const xmlChar *localname,
		     const xmlChar *prefix, const xmlChar *uri, int nns,
		     const xmlChar **ns, int nattrs, int ndefaulted,
		     const xmlChar **attrs)
{
	struct reader *r = ctx;
	const char *name = (const char *)localname;
	struct attrs at = {attrs, nattrs};
	enum frame parent, f = F_SKIP;

	if (r->st != TC_OK)
		return;
	if (r->depth >= r->max_depth) {
		fail(r, TC_ERR_LIMIT, line_of(r), name,
		     "elements nested deeper than %d levels", r->max_depth);
		return;
	}
	r->depth++;
	parent = r->depth > 1 ? r->frame[r->depth - 1] : F_SKIP;
	if (r->depth > 1) {
		r->owner_kind[r->depth] = r->owner_kind[r->depth - 1];
		r->owner[r->depth] = r->owner[r->depth - 1];
		r->directed[r->depth] = r->directed[r->depth - 1];
	}

	if (r->depth == 1)
		f = start_root(r, name, uri);
	else if (parent == F_DATA || parent == F_DATA_XML ||
		 parent == F_NODELABEL || parent == F_DEFAULT) {
		r->data_xml = 1;
		f = F_DATA_XML;
		if (strcmp(name, "NodeLabel") == 0 && !r->have_label &&
		    r->owner_kind[r->depth] == TCI_ELEM_NODE) {
			tci_buf_reset(&r->label);
			f = F_NODELABEL;
		}
	} else if (parent == F_SKIP)
		f = F_SKIP;
	else if (is_graphml(r, uri))
		f = start_graphml_elem(r, name, &at);
	r->frame[r->depth] = (unsigned char)f;
}

static void on_end(void *ctx, const xmlChar *localname,
		   const xmlChar *prefix, const xmlChar *uri)
{
	struct reader *r = ctx;

	if (r->st != TC_OK || r->depth <= 0)
		return;
	switch ((enum frame)r->frame[r->depth]) {
	case F_KEY:
		r->key = -1;
		break;
	case F_DEFAULT:
		end_default(r);
		break;
	case F_DATA:
		end_data(r);
		break;
	case F_NODE:
		end_node(r);
		break;
	case F_NODELABEL:
		r->have_label = 1;
		break;
	default:
		break;
	}
	r->depth--;
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct reader *r = ctx;
	tci_buf *b;

	if (r->st != TC_OK || r->depth <= 0)
		return;
	switch ((enum frame)r->frame[r->depth]) {
	case F_DATA:
	case F_DEFAULT:
		b = &r->text;
		break;
	case F_NODELABEL:
		b = &r->label;
		break;
	default:
		return;
	}
	if (b->len + (size_t)len > EXPANSION_MAX * 16) {
		fail(r, TC_ERR_LIMIT, line_of(r), "data",
		     "a value longer than %d bytes", EXPANSION_MAX * 16);
		return;
	}
	if (tci_buf_add(b, (const char *)ch, (size_t)len) != TC_OK)
		nomem(r);
}

/* ---- entities -------------------------------------------------------- */

/* The expanded size of a declared entity, or 0 when unknown. */
static size_t entity_size(const struct reader *r, const char *name,
			  size_t n)
{
	size_t i;

	for (i = 0; i < r->nents; i++)
		if (strncmp(r->ents[i].name, name, n) == 0 &&
		    r->ents[i].name[n] == '\0')
			return r->ents[i].size;
	return 0;
}

/*
 * The size of an entity's replacement text with every reference to an
 * earlier entity expanded (character and predefined references count as
 * their text). Saturates above ENTITY_MAX.
 */
static size_t expanded_size(const struct reader *r, const char *s)
{
	size_t size = 0;
	const char *p, *end;

	for (p = s; *p && size <= ENTITY_MAX; p++) {
		if ((*p != '&' && *p != '%') || p[1] == '#') {
			size++;
			continue;
		}
		end = strchr(p, ';');
		if (!end) {
			size++;
			continue;
		}
		size += entity_size(r, p + 1, (size_t)(end - p - 1));
		p = end;
	}
	return size;
}

/*
 * Entity declarations: external ones stop the read; internal ones are
 * measured fully expanded before libxml2 records them.
 */
static void on_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *public_id,
			   const xmlChar *system_id, xmlChar *content)
{
	struct reader *r = ctx;
	struct entity *e;
	size_t size;
	char el[300];

	if (r->st != TC_OK)
		return;
	elem_name(el, sizeof el, "entity", (const char *)name,
		  strlen((const char *)name));
	if (type != XML_INTERNAL_GENERAL_ENTITY &&
	    type != XML_INTERNAL_PARAMETER_ENTITY) {
		fail(r, TC_ERR_LIMIT, line_of(r), el,
		     "external entities are refused (tokcast never loads "
		     "files or URLs named in a document)");
		return;
	}
	size = expanded_size(r, content ? (const char *)content : "");
	if (size > ENTITY_MAX || r->nents >= ENTITIES_MAX) {
		fail(r, TC_ERR_LIMIT, line_of(r), el,
		     "entity expands to more than %d bytes (an entity "
		     "expansion attack?)", ENTITY_MAX);
		return;
	}
	e = realloc(r->ents, (r->nents + 1) * sizeof *e);
	if (!e) {
		nomem(r);
		return;
	}
	r->ents = e;
	e[r->nents].name = tci_strdup((const char *)name);
	e[r->nents].size = size;
	if (!e[r->nents].name) {
		nomem(r);
		return;
	}
	r->nents++;
	xmlSAX2EntityDecl(r->ctxt, name, type, public_id, system_id, content);
}

/* Counts every entity reference's expanded size against the budget. */
static void count_expansion(struct reader *r, const xmlChar *name)
{
	const char *n = (const char *)name;
	char el[300];

	r->expanded += entity_size(r, n, strlen(n));
	if (r->expanded > EXPANSION_MAX) {
		elem_name(el, sizeof el, "entity", n, strlen(n));
		fail(r, TC_ERR_LIMIT, line_of(r), el,
		     "entity references expand to more than %d bytes in "
		     "total (an entity expansion attack?)", EXPANSION_MAX);
	}
}

static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
	struct reader *r = ctx;

	if (r->st != TC_OK)
		return NULL;
	count_expansion(r, name);
	if (r->st != TC_OK)
		return NULL;
	return xmlSAX2GetEntity(r->ctxt, name);
}

static xmlEntityPtr on_get_pentity(void *ctx, const xmlChar *name)
{
	struct reader *r = ctx;

	if (r->st != TC_OK)
		return NULL;
	count_expansion(r, name);
	if (r->st != TC_OK)
		return NULL;
	return xmlSAX2GetParameterEntity(r->ctxt, name);
}

/* Never resolves anything outside the document. */
static xmlParserInputPtr on_resolve(void *ctx, const xmlChar *public_id,
				    const xmlChar *system_id)
{
	return NULL;
}

static void on_start_document(void *ctx)
{
	struct reader *r = ctx;

	xmlSAX2StartDocument(r->ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name,
			       const xmlChar *external_id,
			       const xmlChar *system_id)
{
	struct reader *r = ctx;

	if (system_id)
		warn(r, line_of(r), "DOCTYPE",
		     "external DTD '%.200s' not loaded", system_id);
	xmlSAX2InternalSubset(r->ctxt, name, external_id, system_id);
}

/* libxml2's errors: the first becomes ours, warnings become warnings. */
static void on_xml_error(void *ctx, tci_xml_error *e)
{
	struct reader *r = ctx;
	char msg[600];
	size_t n;

	if (!r || !e)
		return;
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (e->level == XML_ERR_WARNING) {
		warn(r, e->line, "", "XML: %s", msg);
		return;
	}
	if (e->code == XML_ERR_ENTITY_LOOP ||
	    (e->code == XML_ERR_INTERNAL_ERROR && strstr(msg, "depth")))
		fail(r, TC_ERR_LIMIT, e->line, "", "%s", msg);
	else
		fail(r, TC_ERR_PARSE, e->line, "",
		     "not well-formed XML: %s", msg);

	/* libxml2 knows the column too; keep it when this error is ours. */
	if (r->err && r->err->line == e->line && r->err->column == 0)
		r->err->column = e->int2;
}

/* ---- driving the parse ----------------------------------------------- */

static void sax_init(xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof *sax);
	sax->initialized = XML_SAX2_MAGIC;
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_text;
	sax->cdataBlock = on_text;
	sax->entityDecl = on_entity_decl;
	sax->getEntity = on_get_entity;
	sax->getParameterEntity = on_get_pentity;
	sax->resolveEntity = on_resolve;
	sax->startDocument = on_start_document;
	sax->internalSubset = on_internal_subset;
	sax->serror = on_xml_error;
}

static void reader_free(struct reader *r)
{
	size_t i;

	for (i = 0; i < r->nents; i++)
		free(r->ents[i].name);
	free(r->ents);
	free(r->pend);
	tci_buf_free(&r->ids);
	tci_buf_free(&r->text);
	tci_buf_free(&r->label);
	if (r->ctxt) {
		if (r->ctxt->myDoc)
			xmlFreeDoc(r->ctxt->myDoc);
		r->ctxt->myDoc = NULL;
		xmlFreeParserCtxt(r->ctxt);
	}
}

/* A source of bytes: a file or a memory buffer. */
struct source {
	FILE *fp;
	const char *data;
	size_t size, pos;
};

/* Reads the next chunk; returns its length (0 at the end, -1 error). */
static long source_read(struct source *s, char *buf, size_t size)
{
	size_t n;

	if (s->fp) {
		n = fread(buf, 1, size, s->fp);
		return ferror(s->fp) ? -1 : (long)n;
	}
	n = s->size - s->pos < size ? s->size - s->pos : size;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (long)n;
}

/*
 * True when the first bytes look like UCS-4, which libxml2 2.9 mishandles
 * (it crashes in its encoding switch); such files are refused up front.
 */
static int is_ucs4(const char *b, long n)
{
	static const char sig[4][4] = {
		{0, 0, 0, '<'}, {'<', 0, 0, 0}, {0, 0, '<', 0}, {0, '<', 0, 0},
	};
	int i;

	for (i = 0; n >= 4 && i < 4; i++)
		if (memcmp(b, sig[i], 4) == 0)
			return 1;
	return 0;
}

/* What libxml2 reads through: the source, its first bytes, a count. */
struct feed {
	struct reader *r;
	struct source *src;
	char head[4];
	long nhead, hpos;
	size_t total, max_bytes;
};

/*
 * libxml2's read callback: serves the bytes already peeked at, then the
 * source, bounding the total. Returns a length, 0 at the end, -1 to stop.
 */
static int feed_read(void *ctx, char *buf, int len)
{
	struct feed *f = ctx;
	long n;

	if (f->r->st != TC_OK || len <= 0)
		return -1;
	if (f->hpos < f->nhead) {
		n = f->nhead - f->hpos < len ? f->nhead - f->hpos : len;
		memcpy(buf, f->head + f->hpos, (size_t)n);
		f->hpos += n;
		return (int)n;
	}
	n = source_read(f->src, buf, (size_t)len);
	if (n < 0) {
		fail(f->r, TC_ERR_IO, 0, NULL, "cannot read: %s",
		     strerror(errno));
		return -1;
	}
	f->total += (size_t)n;
	if (f->total > f->max_bytes) {
		fail(f->r, TC_ERR_LIMIT, 0, NULL,
		     "larger than the limit of %zu bytes", f->max_bytes);
		return -1;
	}
	return (int)n;
}

static int feed_close(void *ctx)
{
	return 0;
}

/*
 * Peeks at the first bytes (empty files and UCS-4 are refused here), then
 * creates a pulling SAX parser over the source: libxml2 reads as it
 * parses, so memory stays bounded, and pull parsing is faster than
 * pushing chunks in libxml2 2.9.
 */
static int start_parser(struct reader *r, xmlSAXHandler *sax,
			struct feed *f)
{
	f->nhead = source_read(f->src, f->head, sizeof f->head);
	if (f->nhead < 0) {
		fail(r, TC_ERR_IO, 0, NULL, "cannot read: %s",
		     strerror(errno));
		return 0;
	}
	f->total = (size_t)f->nhead;
	if (f->nhead == 0) {
		fail(r, TC_ERR_PARSE, 0, NULL, "empty file: not GraphML");
		return 0;
	}
	if (is_ucs4(f->head, f->nhead)) {
		fail(r, TC_ERR_PARSE, 1, NULL,
		     "UCS-4 encoded documents are not supported (use UTF-8 "
		     "or UTF-16)");
		return 0;
	}
	r->ctxt = xmlCreateIOParserCtxt(sax, r, feed_read, feed_close, f,
					XML_CHAR_ENCODING_NONE);
	if (!r->ctxt) {
		if (r->st == TC_OK)
			nomem(r);
		return 0;
	}
	xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | XML_PARSE_NOENT |
					   XML_PARSE_NOCDATA);
	return 1;
}

/* Checks what the parse left: a root element, resolved edges. */
static void finish(struct reader *r)
{
	if (r->st != TC_OK)
		return;
	if (!r->ctxt->wellFormed) {
		fail(r, TC_ERR_PARSE, line_of(r), NULL,
		     "not well-formed XML");
		return;
	}
	if (r->frame[1] != F_GRAPHML) {
		fail(r, TC_ERR_PARSE, 0, NULL,
		     "no <graphml> element: not a GraphML file");
		return;
	}
	lag_flush(r);
	resolve_pending(r);
}

/* Parses a source into r->g with libxml2 fenced. */
static void parse(struct reader *r, struct source *src, size_t max_bytes)
{
	xmlStructuredErrorFunc old_fn = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	struct feed f = {r, src, {0}, 0, 0, 0, max_bytes};
	xmlSAXHandler sax;

	sax_init(&sax);
	xmlSetStructuredErrorFunc(r, on_xml_error);
	if (start_parser(r, &sax, &f)) {
		xmlParseDocument(r->ctxt);
		finish(r);
	}
	xmlSetStructuredErrorFunc(old_ctx, old_fn);
}

/* Reads from src into a new graph; the common part of both readers. */
static tc_status read_source(struct source *src, const char *name,
			     const tc_graph_limits *limits, tc_graph **out,
			     tc_diags *warnings, tc_error *err)
{
	struct reader r;
	size_t max_bytes = DEFAULT_MAX_BYTES;

	memset(&r, 0, sizeof r);
	r.file = name;
	r.err = err;
	r.warnings = warnings;
	r.key = -1;
	r.max_depth = DEFAULT_MAX_DEPTH;
	if (limits && limits->max_file_bytes)
		max_bytes = limits->max_file_bytes;
	if (limits && limits->max_depth > 0 &&
	    limits->max_depth < DEFAULT_MAX_DEPTH)
		r.max_depth = limits->max_depth;
	if (tc_graph_new(0, &r.g) != TC_OK ||
	    tci_graph_set_source(r.g, name) != TC_OK) {
		tc_graph_free(r.g);
		return tci_error(err, TC_ERR_NOMEM, name, 0, NULL,
				 "out of memory");
	}
	xmlInitParser();
	parse(&r, src, max_bytes);
	reader_free(&r);
	if (r.st != TC_OK) {
		tc_graph_free(r.g);
		return r.st;
	}
	*out = r.g;
	return TC_OK;
}

tc_status tc_graph_read_file(const char *path, const tc_graph_limits *limits,
			     tc_graph **out, tc_diags *warnings,
			     tc_error *err)
{
	struct source src = {0};
	struct stat sb;
	char *iobuf;
	size_t max = limits && limits->max_file_bytes ? limits->max_file_bytes
						       : DEFAULT_MAX_BYTES;
	tc_status st;

	*out = NULL;
	src.fp = fopen(path, "rb");
	if (!src.fp)
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "cannot open: %s", strerror(errno));

	if (fstat(fileno(src.fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (size_t)sb.st_size > max) {
		fclose(src.fp);
		return tci_error(err, TC_ERR_LIMIT, path, 0, NULL,
				 "%lld bytes, more than the limit of %zu",
				 (long long)sb.st_size, max);
	}

	/* libxml2 asks for 4 kB at a time; read the file in larger pieces. */
	iobuf = malloc(IOBUF);
	if (iobuf)
		setvbuf(src.fp, iobuf, _IOFBF, IOBUF);
	st = read_source(&src, path, limits, out, warnings, err);
	fclose(src.fp);
	free(iobuf);
	return st;
}

tc_status tc_graph_read_memory(const char *data, size_t size,
			       const char *name,
			       const tc_graph_limits *limits, tc_graph **out,
			       tc_diags *warnings, tc_error *err)
{
	struct source src = {0};

	*out = NULL;
	src.data = data;
	src.size = size;
	return read_source(&src, name ? name : "", limits, out, warnings,
			   err);
}
