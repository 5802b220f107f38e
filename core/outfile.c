/*
 * outfile.c - output files written to a temporary name and renamed into
 * place on success, so no partial output survives a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tci.h"

struct tc_outfile {
	FILE *fp;
	char *path;	/* destination, or NULL for standard output */
	char *tmp;	/* temporary file beside it */
};

static tc_status open_stdout(tc_outfile *of, tc_outfile **out)
{
	of->fp = stdout;
	*out = of;
	return TC_OK;
}

tc_status tc_outfile_open(const char *path, tc_outfile **out, tc_error *err)
{
	tc_outfile *of;
	int fd;

	if (!path || !*path)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no output path given");
	of = calloc(1, sizeof *of);
	if (!of)
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	if (strcmp(path, "-") == 0)
		return open_stdout(of, out);

	of->path = tci_strdup(path);
	of->tmp = malloc(strlen(path) + 16);
	if (!of->path || !of->tmp)
		goto nomem;
	snprintf(of->tmp, strlen(path) + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(of->tmp);
	if (fd < 0)
		goto io;
	fchmod(fd, 0644);
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		close(fd);
		unlink(of->tmp);
		goto io;
	}
	*out = of;
	return TC_OK;

io:
	tci_error(err, TC_ERR_IO, path, 0, NULL, "cannot create output: %s",
		  strerror(errno));
	free(of->path);
	free(of->tmp);
	free(of);
	return TC_ERR_IO;
nomem:
	free(of->path);
	free(of->tmp);
	free(of);
	return tci_error(err, TC_ERR_NOMEM, path, 0, NULL, "out of memory");
}

FILE *tc_outfile_stream(tc_outfile *of)
{
	return of->fp;
}

static void outfile_release(tc_outfile *of)
{
	free(of->path);
	free(of->tmp);
	free(of);
}

tc_status tc_outfile_commit(tc_outfile *of, tc_error *err)
{
	int bad;
	int saved;

	if (!of->path) {
		bad = fflush(of->fp) != 0 || ferror(of->fp);
		outfile_release(of);
		return bad ? tci_error(err, TC_ERR_IO, "<stdout>", 0, NULL,
				       "write error on standard output")
			   : TC_OK;
	}

	bad = fflush(of->fp) != 0 || ferror(of->fp);
	bad |= fsync(fileno(of->fp)) != 0 && errno != EINVAL;
	saved = errno;
	bad |= fclose(of->fp) != 0;
	if (!bad && rename(of->tmp, of->path) != 0) {
		saved = errno;
		bad = 1;
	}
	if (bad) {
		unlink(of->tmp);
		tci_error(err, TC_ERR_IO, of->path, 0, NULL,
			  "cannot write output: %s", strerror(saved));
		outfile_release(of);
		return TC_ERR_IO;
	}
	outfile_release(of);
	return TC_OK;
}

void tc_outfile_abort(tc_outfile *of)
{
	if (!of)
		return;
	if (of->path) {
		fclose(of->fp);
		unlink(of->tmp);
	}
	outfile_release(of);
}
