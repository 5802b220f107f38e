/*
 * tokcast/render.h - drawing a knowledge graph with Graphviz.
 *
 * The graph is laid out by Graphviz's dot engine and written as SVG, PNG
 * or PDF (whichever of these the installed Graphviz plugins provide).
 * KPIs are blue ellipses, feature classes orange rounded boxes showing
 * their model; edges carry their rate, their lag when it is not zero, and
 * `calls` edges are dashed. A forecast annotation, when given, adds each
 * class's horizon P50 and interval and shades the class by its share of
 * the total cost, with a legend.
 *
 * Graphviz keeps global state: rendering is not thread-safe, and its
 * allocator aborts the process when memory runs out (docs/cli-render.md).
 * Its messages never reach stderr; they become the tc_error or warnings.
 */
#ifndef TOKCAST_RENDER_H
#define TOKCAST_RENDER_H

#include <stddef.h>
#include "tokcast/status.h"
#include "tokcast/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Direction of the layout's ranks. */
typedef enum tc_rankdir {
	TC_RANKDIR_AUTO = 0, /* LR for wide shallow graphs, else TB */
	TC_RANKDIR_LR,	     /* sources on the left */
	TC_RANKDIR_TB	     /* sources at the top */
} tc_rankdir;

/*
 * The forecast of one feature class over the horizon, in currency units.
 * low and high are the interval's quantiles (percentiles low_pct and
 * high_pct of tc_render_options), share the class's share of the total
 * cost in [0, 1]. Strings are owned by the caller.
 */
typedef struct tc_class_forecast {
	const char *node_id; /* id of a feature_class node */
	double p50;
	double low;
	double high;
	double share;
} tc_class_forecast;

/* Defaults for the limits of tc_render_options. */
#define TC_RENDER_MAX_NODES 300
#define TC_RENDER_MAX_EDGES 1000

/* How to draw. Fill with tc_render_options_init, then change fields. */
typedef struct tc_render_options {
	tc_rankdir rankdir;
	const char *format; /* "svg", "png", "pdf"; NULL: by extension */
	const char *title;  /* drawn above the graph; NULL or "": none */
	/* The annotation: NULL (and count 0) draws no forecast. */
	const tc_class_forecast *forecast;
	size_t forecast_count;
	double low_pct;	      /* percentile of low, default 5 */
	double high_pct;      /* percentile of high, default 95 */
	const char *currency; /* prefix of amounts, default "$" */
	/*
	 * Layout time grows fast with size (about 10 s for 300 random nodes
	 * and 1000 edges): larger graphs are refused. 0 means the default.
	 */
	size_t max_nodes; /* default TC_RENDER_MAX_NODES */
	size_t max_edges; /* default TC_RENDER_MAX_EDGES */
} tc_render_options;

/*
 * A forecast's annotations read from the JSON that "tokcast forecast -o
 * OUT.json" writes: per class of horizon.classes, the cost's p50, the
 * interval of the lowest and highest quantile in meta.quantiles, and the
 * class's mean over the total mean as its share.
 */
typedef struct tc_render_forecast tc_render_forecast;

/*
 * Reads a forecast file. Returns TC_OK with *out owned by the caller;
 * TC_ERR_IO (cannot open), TC_ERR_PARSE (not JSON: line and column
 * given), TC_ERR_INVALID (not a tokcast forecast, or one without a p50
 * and a quantile on each side of it), TC_ERR_ARG, TC_ERR_NOMEM.
 */
tc_status tc_render_forecast_load(const char *path,
				  tc_render_forecast **out, tc_error *err);
void tc_render_forecast_free(tc_render_forecast *f);
/*
 * The SHA-256 of the graph file the forecast was made from
 * (meta.graph_sha256, as tc_sha256_file gives it: 64 lowercase hex
 * digits), or "" when the file does not say. Valid while f lives.
 */
const char *tc_render_forecast_graph_sha256(const tc_render_forecast *f);
/* Points opts at f's annotations; f must outlive the drawing. */
void tc_render_forecast_apply(const tc_render_forecast *f,
			      tc_render_options *opts);

/* Sets opts to the defaults: automatic direction, no annotation. */
void tc_render_options_init(tc_render_options *opts);

/*
 * Draws g into the file path, written through a temporary file and
 * renamed into place, so a failure leaves no file ("-" writes standard
 * output). The format is opts->format or path's extension (any case).
 * opts may be NULL (defaults). warnings (may be NULL) receives Graphviz's
 * warnings. Returns TC_OK; TC_ERR_UNSUPPORTED (an extension or format
 * other than svg, png, pdf, or one whose Graphviz plugin is missing; the
 * message lists those available); TC_ERR_ARG (g or path NULL, "-"
 * without opts->format, an annotation with a non-finite amount, low >
 * p50 > high, a share outside [0, 1], an id given twice, percentiles not
 * 0 <= low_pct < 50 < high_pct <= 100); TC_ERR_NOT_FOUND (an annotated
 * id that is not a node); TC_ERR_INVALID (an annotated node that is not
 * a feature_class); TC_ERR_LIMIT (more nodes or edges than the limits);
 * TC_ERR_IO (the output cannot be created or written); TC_ERR_INTERNAL
 * (Graphviz failed to lay out or render; its message is kept).
 */
tc_status tc_render_file(const tc_graph *g, const char *path,
			 const tc_render_options *opts, tc_diags *warnings,
			 tc_error *err);

/*
 * Like tc_render_file into memory: *data receives a malloc'd buffer of
 * *size bytes (NUL-terminated beyond size, for SVG's convenience) that
 * the caller frees with free(). opts->format must be set. Returns the
 * statuses of tc_render_file except TC_ERR_IO, and TC_ERR_NOMEM.
 */
tc_status tc_render_memory(const tc_graph *g, const tc_render_options *opts,
			   char **data, size_t *size, tc_diags *warnings,
			   tc_error *err);

/*
 * 1 when format (svg, png or pdf) can be drawn by the installed Graphviz
 * plugins, else 0.
 */
int tc_render_format_available(const char *format);

/*
 * Writes the drawable formats, space-separated ("svg png pdf"), into buf
 * (always NUL-terminated when size > 0). Returns buf.
 */
char *tc_render_formats(char *buf, size_t size);

/*
 * Formats a cost compactly: cents below 100 ("$8.12", "$81.20"), whole
 * units below 1000 ("$812"), then k, M, B, T with one decimal below 100
 * of the unit and none above ("$9.1k", "$16.0k", "$123k", "$4.5M").
 * Negative amounts get a leading '-', non-finite ones "n/a"; currency
 * NULL means "$". Returns buf (always NUL-terminated when size > 0).
 */
char *tc_format_cost(double v, const char *currency, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
