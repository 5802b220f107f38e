/*
 * tokcast/outfile.h - output files that appear whole or not at all.
 *
 * Writers open a temporary file beside the destination, write to it, and
 * rename it over the destination only on commit, so a failed run never
 * leaves a partial output file. The path "-" means standard output.
 */
#ifndef TOKCAST_OUTFILE_H
#define TOKCAST_OUTFILE_H

#include <stdio.h>
#include "tokcast/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_outfile tc_outfile;

/*
 * Opens a temporary file for path (in path's directory). *out receives the
 * handle. Returns TC_OK, TC_ERR_IO (directory not writable), TC_ERR_NOMEM
 * or TC_ERR_ARG (path NULL or empty).
 */
tc_status tc_outfile_open(const char *path, tc_outfile **out, tc_error *err);

/* The stream to write to; valid until commit or abort. */
FILE *tc_outfile_stream(tc_outfile *of);

/*
 * Flushes, checks for write errors and renames the temporary file over the
 * destination, then frees of. Returns TC_OK or TC_ERR_IO (disk full, write
 * error, rename failed; the temporary file is removed).
 */
tc_status tc_outfile_commit(tc_outfile *of, tc_error *err);

/* Removes the temporary file and frees of. Accepts NULL. */
void tc_outfile_abort(tc_outfile *of);

/*
 * Removes the temporary files of every output open now (none of them
 * will appear): for a program's SIGINT or SIGTERM handler, as it calls
 * nothing but unlink. The handles stay valid; a later commit fails and
 * abort frees them.
 */
void tc_outfile_remove_temps(void);

#ifdef __cplusplus
}
#endif

#endif
