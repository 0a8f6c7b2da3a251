/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Corpus replay for builds without libFuzzer: runs LLVMFuzzerTestOneInput() on every file
 * of the directories and files given, printing TAP. Under ASan/UBSan a crash or a report
 * fails the test; otherwise a crash still fails it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned count;

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL;
	long len;

	if (!f) {
		printf("not ok %u - %s: cannot open\n", ++count, path);
		return 1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		printf("not ok %u - %s: cannot read\n", ++count, path);
		return 1;
	}
	/* An exact-size heap copy, so that ASan catches reads past the end. */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		printf("not ok %u - %s: cannot read\n", ++count, path);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	printf("ok %u - %s\n", ++count, path);
	fflush(stdout);
	return 0;
}

static int
replay(const char *path)
{
	struct dirent **entries = NULL;
	struct stat st;
	int n, failed = 0;

	if (stat(path, &st) < 0) {
		printf("not ok %u - %s: missing\n", ++count, path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &entries, NULL, alphasort);
	if (n < 0) {
		printf("not ok %u - %s: cannot list\n", ++count, path);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char *child;

		if (entries[i]->d_name[0] != '.' &&
		    asprintf(&child, "%s/%s", path, entries[i]->d_name) >= 0) {
			failed |= replay(child);
			free(child);
		}
		free(entries[i]);
	}
	free(entries);
	return failed;
}

int
main(int argc, char **argv)
{
	int failed = 0;

	for (int i = 1; i < argc; i++)
		failed |= replay(argv[i]);
	printf("1..%u\n", count);
	return failed;
}
