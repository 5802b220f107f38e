/*
 * outfile.c - output files written to a temporary name and renamed into
 * place on success, so no partial output survives a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
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
	int slot;	/* its entry among the live names, or -1 */
};

/*
 * The names of the temporary files open now, for tc_outfile_remove_temps
 * to remove from a signal handler: fixed buffers, which no free can pull
 * from under a handler, each live once its flag is 1 (2 while a name is
 * being written). A file without a slot (more than TEMP_SLOTS at once,
 * or a name too long) is only removed by its own commit or abort.
 */
#define TEMP_SLOTS 16
#define TEMP_NAME_MAX 4096
static char temp_name[TEMP_SLOTS][TEMP_NAME_MAX];
static atomic_int temp_live[TEMP_SLOTS];

/* Records of's temporary name in a free slot, when one is free. */
static void temp_register(tc_outfile *of)
{
	size_t len = strlen(of->tmp);
	int i;

	of->slot = -1;
	if (len >= TEMP_NAME_MAX)
		return;
	for (i = 0; i < TEMP_SLOTS; i++) {
		int zero = 0;

		if (!atomic_compare_exchange_strong(&temp_live[i], &zero, 2))
			continue;
		memcpy(temp_name[i], of->tmp, len + 1);
		atomic_store(&temp_live[i], 1);
		of->slot = i;
		return;
	}
}

static void temp_forget(tc_outfile *of)
{
	if (of->slot >= 0)
		atomic_store(&temp_live[of->slot], 0);
	of->slot = -1;
}

void tc_outfile_remove_temps(void)
{
	int i;

	for (i = 0; i < TEMP_SLOTS; i++)
		if (atomic_load(&temp_live[i]) == 1)
			unlink(temp_name[i]);
}

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
	temp_register(of);
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
	if (of->path)
		temp_forget(of);
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
