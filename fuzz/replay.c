/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Corpus replay for builds without libFuzzer: runs LLVMFuzzerTestOneInput() on every file
 * of the directories and files given, printing TAP. Under ASan/UBSan a crash or a report
 * fails the test; otherwise a crash still fails it.
 *
 * Under AddressSanitizer the replay also runs LeakSanitizer after every input, so that a leak
 * fails the test with the name of the input that leaked (rather than one report at exit for
 * the whole corpus). Leak detection is on by default here (__asan_default_options), whatever
 * the environment's ASAN_OPTIONS leave out; only an explicit detect_leaks=0 turns it off.
 */
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_LSAN 1
#endif
#endif

#ifdef REPLAY_LSAN
/* compiler-rt's interface (sanitizer/lsan_interface.h, sanitizer/asan_interface.h) */
int __lsan_do_recoverable_leak_check(void);
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=1";
}
#endif

static unsigned count;
/* Set once an input has leaked: later checks would report the same blocks again. */
static bool leaked;

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
#ifdef REPLAY_LSAN
	if (!leaked && __lsan_do_recoverable_leak_check()) {
		leaked = true;
		printf("not ok %u - %s: leaks memory (LeakSanitizer's report is on stderr)\n",
		       ++count, path);
		fflush(stdout);
		return 1;
	}
#endif
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
	fflush(stdout);
	/* A leak was reported per input already: skip LeakSanitizer's report at exit, which
	 * would repeat it (and abort under abort_on_error=1). */
	if (leaked)
		_exit(1);
	return failed;
}
