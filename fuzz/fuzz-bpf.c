/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF programs from arbitrary bytes (a program file is untrusted input to disasm, sim and
 * dump --profile): check, disassemble, run on a few inputs, the cache test. A program the
 * checker accepts must never make the interpreter report an impossible state, and the
 * interpreter must never read outside the program or the data.
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
	struct ksc_seccomp_data d = { .nr = 59, .arch = 0xc000003e, .args = { 1, 2, 3 } };
	size_t n = size / sizeof(struct ksc_bpf_insn);
	struct ksc_bpf *prog = NULL;
	struct ksc_error *e = NULL;
	char *text = NULL;
	bool valid;

	struct ksc_bpf_insn *insns;

	if (n == 0 || n > 2 * KSC_BPF_MAXINSNS)
		return 0;
	/* An aligned copy: the input bytes have no alignment. */
	insns = malloc(n * sizeof(*insns));
	if (!insns)
		return 0;
	memcpy(insns, data, n * sizeof(*insns));
	if (ksc_bpf_new(insns, n, &prog) < 0) {
		free(insns);
		return 0;
	}
	free(insns);
	valid = ksc_bpf_check(prog, &e) == 0;
	if (!valid && (!e || !ksc_error_message(e)))
		abort(); /* a refusal always says why */
	ksc_error_free(e);
	if (ksc_bpf_disasm(prog, &text) == 0 && strlen(text) == 0)
		abort();
	free(text);
	/* Run checked and unchecked programs alike: the interpreter must stay in bounds. */
	(void)ksc_bpf_run(prog, &d);
	d.arch = 0x80000016; /* big-endian s390x: the other argument layout */
	d.args[5] = UINT64_MAX;
	(void)ksc_bpf_run(prog, &d);
	(void)ksc_bpf_cache_allows(prog, 0xc000003e, 0);
	(void)ksc_bpf_cache_allows(prog, 0x40000003, 102);
	ksc_bpf_free(prog);
	return 0;
}
