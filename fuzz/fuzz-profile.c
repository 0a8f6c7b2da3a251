/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The profile reader on arbitrary bytes: parse, validate and, when valid, write the
 * canonical form and check that it parses back and is a fixed point; then build the filter
 * model and decide a few calls with it (never libseccomp: too slow for fuzzing). A
 * difference is a bug, reported by aborting so that libFuzzer keeps the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksc_profile *p = NULL, *q = NULL;
	struct ksc_diags *diags = ksc_diags_new();
	struct ksc_error *error = NULL;
	char *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	int r;

	if (!diags)
		return 0;
	r = ksc_profile_parse("fuzz.json", (const char *)data, size, NULL, &p, diags, &error);
	/* Every diagnostic is formatted; touching them exercises the formatting. */
	for (size_t i = 0; i < ksc_diags_count(diags); i++)
		if (strlen(ksc_diag_message(ksc_diags_get(diags, i))) == 0)
			abort();
	if (r < 0) {
		/* A failure always says why. */
		if (r == -EINVAL && (!error || !ksc_error_message(error)))
			abort();
		goto out;
	}
	if (ksc_profile_write_json(p, &text, &len) < 0)
		goto out;
	if (ksc_profile_parse("fuzz.json", text, len, NULL, &q, NULL, NULL) < 0)
		abort(); /* canonical output must be valid */
	if (ksc_profile_write_json(q, &again, &len2) < 0)
		goto out;
	if (len != len2 || memcmp(text, again, len) != 0)
		abort(); /* fmt must be idempotent */
	{
		struct ksc_filter *f = NULL;
		struct ksc_error *ferr = NULL;

		r = ksc_filter_new(p, NULL, &f, NULL, &ferr);
		if (r < 0 && (!ferr || !ksc_error_message(ferr)) && r != -ENOMEM)
			abort(); /* a refusal always says why */
		for (uint32_t nr = 0; f && nr < 512; nr += 7) {
			struct ksc_seccomp_data d = { .nr = (int32_t)nr, .arch = 0xc000003eu };

			for (int i = 0; i < 6; i++)
				d.args[i] = (uint64_t)nr * 0x100000001ull;
			(void)ksc_filter_decide(f, &d, NULL);
		}
		ksc_filter_free(f);
		ksc_error_free(ferr);
	}
	{
		/* a template expanded for a container must be a valid profile */
		struct ksc_expand_opts xo = { KSC_ARCH_X86_64, ksc_caps_kubernetes_default(), 5,
			                      10 };
		struct ksc_profile *x = NULL;
		struct ksc_error *xerr = NULL;

		r = ksc_profile_expand(p, &xo, &x, &xerr);
		if (r < 0 && r != -ENOMEM)
			abort();
		ksc_profile_free(x);
		ksc_error_free(xerr);
	}
out:
	free(text);
	free(again);
	ksc_profile_free(p);
	ksc_profile_free(q);
	ksc_error_free(error);
	ksc_diags_free(diags);
	return 0;
}
