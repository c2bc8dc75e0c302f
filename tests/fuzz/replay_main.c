/*
 * replay_main.c: main() for a fuzz target built without libFuzzer.  Each
 * argument is an input file, or a directory whose files (recursively)
 * are inputs; every input is run once through LLVMFuzzerTestOneInput().
 * An input that takes longer than FUZZ_TIMEOUT seconds (default 30) is a
 * hang: its name is printed and the program aborts, as it does when the
 * target crashes.  The last line says how many inputs ran, and for the
 * image targets how many of them mounted.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* Defined by the targets that need them (fuzz_util.c). */
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((__weak__));
extern int fuzz_mounted __attribute__((__weak__));

static const char *current;
static unsigned long ninputs, nmounted;
static int failed;

static void
on_alarm(int sig)
{
	static const char msg[] = "replay: input hangs: ";

	(void)sig;
	(void)write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)write(STDERR_FILENO, current, strlen(current));
	(void)write(STDERR_FILENO, "\n", 1);
	abort();
}

static void
run_file(const char *path, unsigned timeout)
{
	struct stat st;
	uint8_t *buf;
	size_t done;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		failed = 1;
		if (fd != -1)
			close(fd);
		return;
	}
	/* One extra byte, so that an empty input is not a NULL pointer. */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		exit(1);
	}
	for (done = 0; done < (size_t)st.st_size; done += (size_t)n)
		if ((n = read(fd, buf + done, (size_t)st.st_size - done)) <= 0)
			break;
	close(fd);
	current = path;
	alarm(timeout);
	(void)LLVMFuzzerTestOneInput(buf, done);
	alarm(0);
	free(buf);
	ninputs++;
	if (&fuzz_mounted != NULL && fuzz_mounted)
		nmounted++;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
run_path(const char *path, unsigned timeout)
{
	struct dirent **ents;
	struct stat st;
	char *sub;
	int i, n;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		failed = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path, timeout);
		return;
	}
	if ((n = scandir(path, &ents, NULL, by_name)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    asprintf(&sub, "%s/%s", path, ents[i]->d_name) != -1) {
			run_path(sub, timeout);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char **argv)
{
	const char *t;
	unsigned timeout = 30;
	int i;

	if ((t = getenv("FUZZ_TIMEOUT")) != NULL && atoi(t) > 0)
		timeout = (unsigned)atoi(t);
	if (argc < 2) {
		fprintf(stderr, "usage: %s file|directory ...\n", argv[0]);
		return 2;
	}
	signal(SIGALRM, on_alarm);
	if (LLVMFuzzerInitialize != NULL)
		(void)LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		run_path(argv[i], timeout);
	if (&fuzz_mounted != NULL)
		printf("replay: %lu inputs, %lu mounted\n", ninputs, nmounted);
	else
		printf("replay: %lu inputs\n", ninputs);
	return failed;
}
