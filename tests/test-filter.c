/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter: the model of runc + libseccomp against libseccomp itself. Random profiles built
 * to collide (few syscalls, overlapping conditions on the same arguments, repeated indexes,
 * 64-bit values on both sides of the word boundary, several arches including x86 socketcall
 * and x32) are compiled by libseccomp and modelled by ksc_filter; both must refuse the
 * same profiles, and on every boundary input the model must decide what libseccomp's
 * program decides, except where libseccomp's generator compares a stale accumulator (the
 * divergence the model documents), which is counted and bounded.
 *
 * KSC_TEST_SEED and KSC_TEST_PROFILES pick the seed and the number of profiles;
 * KSC_TEST_VERBOSE=1 prints every disagreeing profile.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "macro.h"
#include "tap.h"

#define diag tap_diagf

#include "random-profile.h"

int
main(void)
{
	const char *seed_env = getenv("KSC_TEST_SEED"), *count_env = getenv("KSC_TEST_PROFILES");
	bool verbose = getenv("KSC_TEST_VERBOSE") != NULL;
	unsigned count = count_env ? (unsigned)strtoul(count_env, NULL, 0) : 1500;
	size_t both_refused = 0, refusal_mismatch = 0, compared = 0, cases = 0, diff_profiles = 0;
	size_t diff_inputs = 0, stale_profiles = 0, stale_inputs = 0, both_loop = 0;
	struct ksc_compile_opts opts = { .timeout_ms = 2000 };

	rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x6b736563636f6d70ull;
	diag("seed 0x%" PRIx64 ", %u profiles", rng_state, count);

	for (unsigned i = 0; i < count; i++) {
		char *json = random_profile();
		struct ksc_profile *p = NULL;
		struct ksc_filter *f = NULL;
		struct ksc_bpf *prog = NULL;
		struct ksc_error *ef = NULL, *ec = NULL;
		enum ksc_arch targets[_KSC_ARCH_MAX];
		struct ksc_difference diffs[64];
		size_t n_targets, n_cases = 0, n_diffs = 0;
		int rf, rc;

		if (ksc_profile_parse("random.json", json, strlen(json), NULL, &p, NULL, NULL) <
		    0) {
			free(json);
			continue; /* invalid by construction (e.g. valueTwo rules): not the point */
		}
		rf = ksc_filter_new(p, &opts, &f, NULL, &ef);
		rc = ksc_profile_compile(p, &opts, &prog, NULL, &ec);
		if ((rf < 0) != (rc < 0) || (rf < 0 && rf != rc)) {
			refusal_mismatch++;
			diag("refusal differs (model %d: %s; libseccomp %d: %s): %s", rf,
			     ef ? ksc_error_message(ef) : "-", rc, ec ? ksc_error_message(ec) : "-",
			     json);
		} else if (rf < 0) {
			both_refused++;
			if (rf == -ETIMEDOUT)
				both_loop++;
		} else {
			n_targets = ksc_compile_arches(p, &opts, targets, ELEMENTSOF(targets));
			if (ksc_filter_compare(f, &prog, 1, p, targets, n_targets, &n_cases, diffs,
			                       ELEMENTSOF(diffs), &n_diffs) < 0)
				abort();
			compared++;
			cases += n_cases;
			if (n_diffs && all_stale(prog, diffs, MIN(n_diffs, ELEMENTSOF(diffs)))) {
				stale_profiles++;
				stale_inputs += n_diffs;
			} else if (n_diffs) {
				diff_profiles++;
				diff_inputs += n_diffs;
				if (verbose) {
					diag("%zu inputs differ: %s", n_diffs, json);
					for (size_t k = 0; k < MIN(n_diffs, ELEMENTSOF(diffs)); k++)
						diag("  arch %08x nr %d args %" PRIx64 " %" PRIx64
						     " %" PRIx64 ": model %08x, libseccomp %08x",
						     diffs[k].data.arch, diffs[k].data.nr,
						     diffs[k].data.args[0], diffs[k].data.args[1],
						     diffs[k].data.args[2], diffs[k].ret_a,
						     diffs[k].ret_b);
				}
			}
		}
		ksc_error_free(ef);
		ksc_error_free(ec);
		ksc_bpf_free(prog);
		ksc_filter_free(f);
		ksc_profile_free(p);
		free(json);
	}
	diag("%zu refused because libseccomp loops forever", both_loop);
	diag("%zu profiles compared on %zu inputs; %zu refused by both; %zu profiles with "
	     "differing inputs (%zu inputs); %zu where libseccomp compares a stale word (%zu "
	     "inputs)",
	     compared, cases, both_refused, diff_profiles, diff_inputs, stale_profiles,
	     stale_inputs);
	ok(compared > count / 2, "most random profiles compile (%zu of %u)", compared, count);
	ok(both_refused > 0, "some random profiles are refused by libseccomp (%zu)", both_refused);
	is_int((int)refusal_mismatch, 0,
	       "the model refuses exactly the profiles libseccomp refuses");
	is_int((int)diff_profiles, 0,
	       "the model decides as libseccomp's program on every input, except...");
	ok(stale_profiles * 10 < compared,
	   "...where the program compares a stale accumulator, in under 10%% of the profiles (%zu)",
	   stale_profiles);
	return tap_done();
}
