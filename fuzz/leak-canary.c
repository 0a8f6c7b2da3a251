/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A target that leaks on purpose: the sanitizer build replays it and the test passes only
 * when the replay fails, proving that every corpus replay runs under LeakSanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the copy's address goes: a volatile sink the compiler cannot see through, and that
 * is overwritten at once, so nothing keeps the block reachable. */
static void *volatile sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);

	if (copy) {
		memcpy(copy, data, size);
		sink = copy;
		sink = NULL;
	}
	return 0;
}
