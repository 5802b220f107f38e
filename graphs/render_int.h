/*
 * render_int.h - helpers of the graph renderer shared between its files:
 * safe label text for Graphviz and locale-free number formatting.
 */
#ifndef TOKCAST_RENDER_INT_H
#define TOKCAST_RENDER_INT_H

#include "tci.h"
#include "tokcast/render.h"

/* Longest label line kept, in code points; longer text is cut with "…". */
#define TCI_LABEL_MAX_CHARS 60

/*
 * Appends s to b as text of a Graphviz plain (non-HTML) label that shows
 * exactly what was written: invalid UTF-8 and code points XML forbids
 * become U+FFFD, control characters spaces, and backslash and ampersand
 * are escaped so that Graphviz neither expands "\N"-style sequences nor
 * decodes entities. At most max_chars code points are kept. Returns TC_OK
 * or TC_ERR_NOMEM.
 */
tc_status tci_label_add(tci_buf *b, const char *s, size_t max_chars);

/*
 * Writes v with exactly decimals digits after the point (0 to 3), rounded
 * half away from zero, independently of the locale. Returns buf.
 */
char *tci_format_fixed(double v, int decimals, char *buf, size_t size);

/*
 * Writes a percentage: whole when v is within 0.05 of a whole number,
 * else with one decimal ("5", "2.5"). Returns buf.
 */
char *tci_format_pct(double v, char *buf, size_t size);

#endif
