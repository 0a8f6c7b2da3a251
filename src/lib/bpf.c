/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpf: classic BPF programs as seccomp uses them.
 *
 * The checks follow net/core/filter.c (bpf_check_classic(), check_load_and_stores()) and
 * kernel/seccomp.c (seccomp_check_filter(), seccomp_prepare_filter()); the interpreter
 * follows the classic-to-eBPF conversion (bpf_convert_filter()) and the eBPF interpreter
 * the converted program runs on; the cache test follows seccomp_is_const_allow(). This
 * module is the oracle every compiler of the project is checked against, so it copies the
 * kernel's behaviour, oddities included, and says where.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <stddef.h>
#include <sys/stat.h>

#include "doc.h"
#include "error.h"
#include "strbuf.h"

struct ksc_bpf {
	size_t count;
	struct ksc_bpf_insn insns[];
};

/* Offsets of struct seccomp_data. */
#define DATA_NR   0u
#define DATA_ARCH 4u
#define DATA_IP   8u
#define DATA_ARGS 16u
#define DATA_SIZE 64u

#define AUDIT_ARCH_LE 0x40000000u

int
ksc_bpf_new(const struct ksc_bpf_insn *insns, size_t count, struct ksc_bpf **ret_prog)
{
	struct ksc_bpf *p;

	if (count == 0)
		return -EINVAL;
	if (count > SIZE_MAX / sizeof(*insns) - sizeof(*p))
		return -ENOMEM;
	p = malloc(sizeof(*p) + count * sizeof(*insns));
	if (!p)
		return -ENOMEM;
	p->count = count;
	memcpy(p->insns, insns, count * sizeof(*insns));
	*ret_prog = p;
	return 0;
}

void
ksc_bpf_free(struct ksc_bpf *prog)
{
	free(prog);
}

size_t
ksc_bpf_count(const struct ksc_bpf *prog)
{
	return prog->count;
}

const struct ksc_bpf_insn *
ksc_bpf_insns(const struct ksc_bpf *prog)
{
	return prog->insns;
}

int
ksc_bpf_parse(const char *name, const void *buf, size_t len, struct ksc_bpf **ret_prog,
              struct ksc_error **reterr)
{
	_cleanup_(freep) struct ksc_bpf_insn *insns = NULL;

	/* Text first, whatever its size: a program is binary (its opcodes leave zero bytes),
	 * and a profile of any length is still a profile, not a long program. */
	if (len > 0 && ksc_doc_is_text(buf, len)) {
		size_t i = 0;

		while (i < len && strchr(" \t\r\n", ((const char *)buf)[i]))
			i++;
		if (i < len && ((const char *)buf)[i] == '{')
			return ksc_error_setf(
			        reterr, -EINVAL,
			        "%s: a seccomp profile (JSON), not a BPF program: list its "
			        "program with 'kseccomp compile -o asm %s'",
			        name, name);
		if (i < len && ((const char *)buf)[i] == '[')
			return ksc_error_setf(reterr, -EINVAL,
			                      "%s: JSON text (an array), not a BPF program (nor a "
			                      "seccomp profile, which is an object)",
			                      name);
		return ksc_error_setf(reterr, -EINVAL,
		                      "%s: text, not a BPF program (a program is binary: 8-byte "
		                      "struct sock_filter records)",
		                      name);
	}
	if (len == 0)
		return ksc_error_setf(reterr, -EINVAL, "%s: empty, not a BPF program", name);
	if (len > KSC_BPF_MAXINSNS * sizeof(struct ksc_bpf_insn))
		return ksc_error_setf(reterr, -E2BIG,
		                      "%s: more than %u instructions: the kernel refuses filters "
		                      "longer than BPF_MAXINSNS",
		                      name, KSC_BPF_MAXINSNS);
	if (len % sizeof(struct ksc_bpf_insn) != 0)
		return ksc_error_setf(reterr, -EINVAL,
		                      "%s: %zu bytes is not a whole number of 8-byte BPF "
		                      "instructions: not a BPF program",
		                      name, len);
	/* An aligned copy: buf may be any bytes. */
	insns = malloc(len);
	if (!insns)
		return -ENOMEM;
	memcpy(insns, buf, len);
	return ksc_bpf_new(insns, len / sizeof(struct ksc_bpf_insn), ret_prog);
}

int
ksc_bpf_load(const char *path, struct ksc_bpf **ret_prog, struct ksc_error **reterr)
{
	/* As much as a profile may hold: ksc_bpf_parse() tells a text (a profile, JSON or YAML)
	 * from a long program by its bytes, not by its size. */
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &buf, &len, reterr);
	if (r == -EFBIG) {
		if (reterr) {
			ksc_error_free(*reterr);
			*reterr = NULL;
		}
		return ksc_error_setf(reterr, -E2BIG,
		                      "%s: larger than %u bytes: not a BPF program (the kernel "
		                      "refuses filters longer than BPF_MAXINSNS, %u instructions)",
		                      path, KSC_PROFILE_MAX_BYTES, KSC_BPF_MAXINSNS);
	}
	if (r < 0)
		return r;
	return ksc_bpf_parse(path, buf, len, ret_prog, reterr);
}

int
ksc_profile_or_bpf_load(const char *path, const struct ksc_profile_parse_opts *opts,
                        struct ksc_profile **ret_profile, struct ksc_bpf **ret_prog,
                        struct ksc_diags *diags, struct ksc_error **reterr)
{
	/* As much as a profile may hold, whatever the file turns out to be: a long program is
	 * told from a profile by its bytes, not by its size (as ksc_bpf_parse() does). */
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &buf, &len, reterr);
	if (r < 0)
		return r;
	if (len > 0 && ksc_doc_is_text(buf, len)) {
		r = ksc_profile_parse(path, buf, len, opts, ret_profile, diags, reterr);
		if (r < 0)
			return r;
		*ret_prog = NULL;
		return 0;
	}
	r = ksc_bpf_parse(path, buf, len, ret_prog, reterr);
	if (r < 0)
		return r;
	*ret_profile = NULL;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Checks.                                                                                    */

static bool
is_cond_jump(uint16_t code)
{
	switch (code) {
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	default:
		return false;
	}
}

/* The opcodes seccomp accepts (seccomp_check_filter(); a subset of what
 * bpf_check_classic() accepts). Notably absent: BPF_MOD (proposed in 2020 and declined as
 * redundant), byte and half-word loads, indirect loads, BPF_MSH. */
static bool
seccomp_opcode_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
		return true;
	default:
		return is_cond_jump(code);
	}
}

size_t
ksc_bpf_kernel_len(const struct ksc_bpf *prog)
{
	/* bpf_convert_filter(): a prologue clearing A and X and saving the context, then per
	 * instruction: RET K becomes "mov r0; exit" (RET A only "exit": A is r0); DIV by X
	 * first zero-extends X and tests it (4 more);
	 * a conditional jump needs a "ja" when neither target is the next instruction (JSET
	 * also when only the false one is not), and an immediate with bit 31 set is first
	 * moved to a register; everything else is one instruction. */
	size_t len = 3;

	for (size_t pc = 0; pc < prog->count; pc++) {
		const struct ksc_bpf_insn *in = &prog->insns[pc];

		if (in->code == (BPF_RET | BPF_K))
			len += 2;
		else if (in->code == (BPF_ALU | BPF_DIV | BPF_X))
			len += 5;
		else if (is_cond_jump(in->code)) {
			if (BPF_SRC(in->code) == BPF_K && (int32_t)in->k < 0)
				len++;
			if (in->jf == 0 || (in->jt == 0 && BPF_OP(in->code) != BPF_JSET))
				len++;
			else
				len += 2;
		} else
			len++;
	}
	return len;
}

/* check_load_and_stores(): a scratch cell may be read only where every path has written
 * it. The kernel's walk is linear with masks carried to jump targets; a RET does not reset
 * what is known, and neither does this copy. */
static int
check_memory(const struct ksc_bpf *prog, size_t *ret_pc)
{
	_cleanup_(freep) uint16_t *masks = NULL;
	uint16_t valid = 0;

	masks = malloc(prog->count * sizeof(*masks));
	if (!masks)
		return -ENOMEM;
	memset(masks, 0xff, prog->count * sizeof(*masks));
	for (size_t pc = 0; pc < prog->count; pc++) {
		const struct ksc_bpf_insn *in = &prog->insns[pc];

		valid &= masks[pc];
		switch (in->code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << in->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << in->k))) {
				*ret_pc = pc;
				return -EINVAL;
			}
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + in->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (is_cond_jump(in->code)) {
				masks[pc + 1 + in->jt] &= valid;
				masks[pc + 1 + in->jf] &= valid;
				valid = 0xffff;
			}
		}
	}
	return 0;
}

int
ksc_bpf_check(const struct ksc_bpf *prog, struct ksc_error **reterr)
{
	size_t n = prog->count, bad = 0;
	int r;

	if (n == 0 || n > KSC_BPF_MAXINSNS)
		return ksc_error_setf(reterr, -EINVAL,
		                      "the program has %zu instructions; the kernel takes 1 to %u "
		                      "(BPF_MAXINSNS)",
		                      n, KSC_BPF_MAXINSNS);
	for (size_t pc = 0; pc < n; pc++) {
		const struct ksc_bpf_insn *in = &prog->insns[pc];

		if (!seccomp_opcode_allowed(in->code))
			return ksc_error_setf(reterr, -EINVAL,
			                      "instruction %zu: opcode 0x%02x is not allowed in a "
			                      "seccomp filter",
			                      pc, in->code);
		switch (in->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
			if (in->k == 0)
				return ksc_error_setf(reterr, -EINVAL,
				                      "instruction %zu: division by zero", pc);
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (in->k >= 32)
				return ksc_error_setf(reterr, -EINVAL,
				                      "instruction %zu: shift by %u (32 or more)",
				                      pc, in->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (in->k >= BPF_MEMWORDS)
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "instruction %zu: scratch memory M[%u] does not "
				        "exist (M[0] to M[15])",
				        pc, in->k);
			break;
		case BPF_JMP | BPF_JA:
			if (in->k >= n - pc - 1)
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "instruction %zu: jump of %u leaves the program", pc,
				        in->k);
			break;
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k >= DATA_SIZE || (in->k & 3))
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "instruction %zu: load at offset %u is not a 32-bit "
				        "aligned word of struct seccomp_data (0 to 60)",
				        pc, in->k);
			break;
		default:
			if (is_cond_jump(in->code) &&
			    (pc + in->jt + 1 >= n || pc + in->jf + 1 >= n))
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "instruction %zu: conditional jump leaves the "
				        "program",
				        pc);
		}
	}
	if (BPF_CLASS(prog->insns[n - 1].code) != BPF_RET)
		return ksc_error_setf(reterr, -EINVAL, "the last instruction (%zu) is not a return",
		                      n - 1);
	r = check_memory(prog, &bad);
	if (r == -EINVAL)
		return ksc_error_setf(reterr, r,
		                      "instruction %zu: reads scratch memory M[%u] that is not "
		                      "written on every path to it",
		                      bad, prog->insns[bad].k);
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* Interpreter.                                                                               */

/* The 32-bit word at offset k of seccomp_data, in the memory order of the arch that
 * produced it: the kernel reads half of a 64-bit value with ((u32 *)&value)[index]. */
static uint32_t
data_word(const struct ksc_seccomp_data *d, uint32_t k)
{
	bool le = d->arch & AUDIT_ARCH_LE;
	uint64_t v;

	if (k == DATA_NR)
		return (uint32_t)d->nr;
	if (k == DATA_ARCH)
		return d->arch;
	if (k >= DATA_ARGS)
		v = d->args[(k - DATA_ARGS) / 8];
	else
		v = d->instruction_pointer;
	/* k % 8 == 0: the first word in memory; the low half on little-endian arches. */
	if ((k % 8 == 0) == le)
		return (uint32_t)v;
	return (uint32_t)(v >> 32);
}

static uint32_t
run(const struct ksc_bpf *prog, const struct ksc_seccomp_data *data, bool *visited)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc = 0, steps = 0;

	/* Forward jumps only: a checked program ends in at most count steps. */
	while (pc < prog->count && steps++ <= prog->count) {
		const struct ksc_bpf_insn *in;

		if (visited)
			visited[pc] = true;
		in = &prog->insns[pc++];
		uint32_t src = BPF_SRC(in->code) == BPF_X ? x : in->k;

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k >= DATA_SIZE || (in->k & 3))
				return KSC_RET_KILL_PROCESS;
			a = data_word(data, in->k);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			a = DATA_SIZE;
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			x = DATA_SIZE;
			break;
		case BPF_LD | BPF_IMM:
			a = in->k;
			break;
		case BPF_LDX | BPF_IMM:
			x = in->k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (in->k >= BPF_MEMWORDS)
				return KSC_RET_KILL_PROCESS;
			if (in->code == (BPF_LD | BPF_MEM))
				a = mem[in->k];
			else if (in->code == (BPF_LDX | BPF_MEM))
				x = mem[in->k];
			else if (in->code == BPF_ST)
				mem[in->k] = a;
			else
				mem[in->k] = x;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_X:
			a += src;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_X:
			a -= src;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
			a *= src;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_DIV | BPF_X:
			/* bpf_convert_filter(): a zero divisor ends the program with 0. */
			if (src == 0)
				return 0;
			a /= src;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
			a &= src;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
			a |= src;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= src;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_LSH | BPF_X:
			/* The eBPF interpreter masks 32-bit shift counts with 31. */
			a <<= (src & 31);
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_X:
			a >>= (src & 31);
			break;
		case BPF_ALU | BPF_NEG:
			a = -a;
			break;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
			pc += a == src ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
			pc += a > src ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
			pc += a >= src ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			pc += (a & src) ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			return in->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			return KSC_RET_KILL_PROCESS;
		}
	}
	return KSC_RET_KILL_PROCESS;
}

uint32_t
ksc_bpf_run(const struct ksc_bpf *prog, const struct ksc_seccomp_data *data)
{
	return run(prog, data, NULL);
}

bool
ksc_bpf_call_return(const struct ksc_bpf *prog, enum ksc_arch arch, const char *name, uint32_t *ret)
{
	struct ksc_seccomp_data d = { 0 };
	uint32_t nr, zero, ones;

	if (arch == KSC_ARCH_NONE)
		arch = ksc_arch_native();
	if (ksc_syscall_resolve_name(arch, name, &nr) < 0)
		return false;
	d.arch = ksc_arch_audit_token(arch);
	d.nr = (int32_t)nr;
	zero = ksc_bpf_run(prog, &d);
	memset(d.args, 0xff, sizeof(d.args));
	ones = ksc_bpf_run(prog, &d);
	*ret = zero;
	return zero == ones;
}

uint32_t
ksc_bpf_run_traced(const struct ksc_bpf *prog, const struct ksc_seccomp_data *data,
                   bool *ret_visited)
{
	if (ret_visited)
		memset(ret_visited, 0, prog->count * sizeof(bool));
	return run(prog, data, ret_visited);
}

/* What the accumulator holds at an instruction, over all paths into it. */
#define A_UNSET   0ull
#define A_MIXED   UINT64_MAX
#define A_LOAD    (1ull << 40) /* | offset: a seccomp_data word */
#define A_IMM     (2ull << 40) /* | value */
#define A_WRITTEN (3ull << 40) /* | pc: computed by that instruction */
#define A_START   (4ull << 40) /* zero, as the program starts */

static void
a_merge(uint64_t *into, uint64_t state)
{
	if (*into == A_UNSET)
		*into = state;
	else if (*into != state)
		*into = A_MIXED;
}

int
ksc_bpf_stale_compares(const struct ksc_bpf *prog, size_t *ret_pcs, size_t max)
{
	_cleanup_(freep) uint64_t *in_state = NULL;
	size_t n = 0;

	in_state = calloc(prog->count ? prog->count : 1, sizeof(*in_state));
	if (!in_state)
		return -ENOMEM;
	if (prog->count > 0)
		in_state[0] = A_START;
	/* jumps go forward only: one pass in program order sees every predecessor first */
	for (size_t pc = 0; pc < prog->count; pc++) {
		const struct ksc_bpf_insn *in = &prog->insns[pc];
		uint64_t out = in_state[pc];

		if (out == A_UNSET)
			continue; /* unreachable */
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			if (in->code == (BPF_LD | BPF_W | BPF_ABS))
				out = A_LOAD | in->k;
			else if (in->code == (BPF_LD | BPF_IMM))
				out = A_IMM | in->k;
			else
				out = A_WRITTEN | pc;
			break;
		case BPF_ALU:
		case BPF_MISC:
			if (BPF_CLASS(in->code) == BPF_MISC && BPF_MISCOP(in->code) != BPF_TXA)
				break;
			out = out == A_MIXED ? A_MIXED : A_WRITTEN | pc;
			break;
		case BPF_RET:
			continue;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				if (pc + 1 + in->k < prog->count)
					a_merge(&in_state[pc + 1 + in->k], out);
				continue;
			}
			if (out == A_MIXED) {
				if (n < max)
					ret_pcs[n] = pc;
				n++;
			}
			if (pc + 1 + in->jt < prog->count)
				a_merge(&in_state[pc + 1 + in->jt], out);
			if (pc + 1 + in->jf < prog->count)
				a_merge(&in_state[pc + 1 + in->jf], out);
			continue;
		default:
			break;
		}
		if (pc + 1 < prog->count)
			a_merge(&in_state[pc + 1], out);
	}
	return (int)MIN(n, (size_t)INT32_MAX);
}

bool
ksc_bpf_cache_allows(const struct ksc_bpf *prog, uint32_t arch, uint32_t nr)
{
	uint32_t reg = 0;
	size_t pc = 0, steps = 0;

	/* seccomp_is_const_allow(): one register, a handful of opcodes, a constant result. */
	while (pc < prog->count && steps++ <= prog->count) {
		const struct ksc_bpf_insn *in = &prog->insns[pc++];

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == DATA_NR)
				reg = nr;
			else if (in->k == DATA_ARCH)
				reg = arch;
			else
				return false; /* non-constant value load */
			break;
		case BPF_RET | BPF_K:
			return in->k == KSC_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += reg == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += reg >= in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += reg > in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (reg & in->k) ? in->jt : in->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			reg &= in->k;
			break;
		default:
			return false;
		}
	}
	return false; /* fell off the end: the kernel warns and does not cache */
}

/* ---------------------------------------------------------------------------------------- */
/* Formatting.                                                                                */

bool
ksc_ret_denies(uint32_t ret)
{
	uint32_t action = ret & KSC_RET_ACTION_FULL;

	return action != KSC_RET_ALLOW && action != KSC_RET_LOG && action != KSC_RET_USER_NOTIF;
}

void
ksc_ret_format(uint32_t ret, char *buf, size_t size)
{
	uint32_t data = ret & KSC_RET_DATA;

	switch (ret & KSC_RET_ACTION_FULL) {
	case KSC_RET_ALLOW:
		snprintf(buf, size, "ALLOW");
		break;
	case KSC_RET_ERRNO:
		snprintf(buf, size, "ERRNO(%u)", data);
		break;
	case KSC_RET_TRACE:
		snprintf(buf, size, "TRACE(%u)", data);
		break;
	case KSC_RET_LOG:
		snprintf(buf, size, "LOG");
		break;
	case KSC_RET_USER_NOTIF:
		snprintf(buf, size, "NOTIFY");
		break;
	case KSC_RET_TRAP:
		snprintf(buf, size, "TRAP");
		break;
	case KSC_RET_KILL_THREAD:
		snprintf(buf, size, "KILL");
		break;
	default:
		/* KILL_PROCESS, and what the kernel does with an action it does not know. */
		snprintf(buf, size, "KILL_PROCESS");
	}
}

static const char *
data_field(uint32_t k)
{
	static const char *const names[] = {
		"nr",         "arch",       "ip (low)",   "ip (high)",  "args[0] lo", "args[0] hi",
		"args[1] lo", "args[1] hi", "args[2] lo", "args[2] hi", "args[3] lo", "args[3] hi",
		"args[4] lo", "args[4] hi", "args[5] lo", "args[5] hi",
	};

	if (k >= DATA_SIZE || (k & 3))
		return NULL;
	return names[k / 4];
}

/* What the accumulator may hold before an instruction, over every path (jumps go forward
 * only), and which arch the paths there have passed a check of. */
enum {
	HOLDS_ARCH = 1 << 0,
	HOLDS_NR = 1 << 1,
	HOLDS_OTHER = 1 << 2,
};

struct insn_flow {
	uint8_t holds;  /* HOLDS_*: what A may be */
	uint8_t known;  /* 0 unreached, 1 every path checked the arch `token`, 2 not known */
	uint32_t token; /* with known 1 */
};

static void
flow_merge(struct insn_flow *to, const struct insn_flow *from)
{
	to->holds |= from->holds;
	if (to->known == 0) {
		to->known = from->known;
		to->token = from->token;
	} else if (to->known != 1 || from->known != 1 || to->token != from->token)
		to->known = 2;
}

static struct insn_flow *
bpf_flow(const struct ksc_bpf *prog)
{
	struct insn_flow *f = calloc(MAX(prog->count, 1u), sizeof(*f));

	if (!f)
		return NULL;
	if (prog->count > 0)
		f[0] = (struct insn_flow){ HOLDS_OTHER, 2, 0 }; /* A starts at 0 */
	for (size_t pc = 0; pc < prog->count; pc++) {
		const struct ksc_bpf_insn *in = &prog->insns[pc];
		struct insn_flow out = f[pc], taken;

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			out.holds = in->code != (BPF_LD | BPF_W | BPF_ABS) ? HOLDS_OTHER
			            : in->k == DATA_ARCH                   ? HOLDS_ARCH
			            : in->k == DATA_NR                     ? HOLDS_NR
			                                                   : HOLDS_OTHER;
			break;
		case BPF_ALU:
			out.holds = HOLDS_OTHER;
			break;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TXA)
				out.holds = HOLDS_OTHER;
			break;
		case BPF_RET:
			continue;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				if (pc + 1 + in->k < prog->count)
					flow_merge(&f[pc + 1 + in->k], &out);
				continue;
			}
			taken = out;
			/* "jeq #token" on the arch: its true side is that arch */
			if (BPF_OP(in->code) == BPF_JEQ && BPF_SRC(in->code) == BPF_K &&
			    out.holds == HOLDS_ARCH)
				taken = (struct insn_flow){ HOLDS_ARCH, 1, in->k };
			if (pc + 1 + in->jt < prog->count)
				flow_merge(&f[pc + 1 + in->jt], &taken);
			if (pc + 1 + in->jf < prog->count)
				flow_merge(&f[pc + 1 + in->jf], &out);
			continue;
		default:
			break;
		}
		if (pc + 1 < prog->count)
			flow_merge(&f[pc + 1], &out);
	}
	return f;
}

/* The syscall a comparison of the number with k names, where every path has checked one
 * arch: x86_64's token covers x32, told apart by the x32 bit. NULL when not known. */
static const char *
compared_syscall(const struct insn_flow *fl, uint32_t k, bool *ret_x32)
{
	enum ksc_arch a;

	if (fl->holds != HOLDS_NR || fl->known != 1 ||
	    ksc_arch_from_audit_token(fl->token, k, &a) < 0)
		return NULL;
	*ret_x32 = a == KSC_ARCH_X32;
	return ksc_syscall_name(a, k);
}

/* One instruction as disasm lists it (without its position). */
static void
insn_text(const struct ksc_bpf *prog, size_t pc, const struct insn_flow *fl, struct strbuf *sb)
{
	static const char *const alu[] = {
		[BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
		[BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",   [BPF_AND >> 4] = "and",
		[BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
		[BPF_MOD >> 4] = "mod", [BPF_XOR >> 4] = "xor",
	};
	static const char *const jmp[] = {
		[BPF_JA >> 4] = "ja",   [BPF_JEQ >> 4] = "jeq",   [BPF_JGT >> 4] = "jgt",
		[BPF_JGE >> 4] = "jge", [BPF_JSET >> 4] = "jset",
	};
	const struct ksc_bpf_insn *in = &prog->insns[pc];
	const char *src = BPF_SRC(in->code) == BPF_X ? "x" : NULL;
	unsigned op = BPF_OP(in->code) >> 4;
	char ret[32];
	enum ksc_arch a;

	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
	case BPF_LDX: {
		const char *reg = BPF_CLASS(in->code) == BPF_LD ? "" : "x";

		if (in->code == (BPF_LD | BPF_W | BPF_ABS))
			strbuf_printf(sb, "ld   [%u]%s%s", in->k, data_field(in->k) ? "  ; " : "",
			              data_field(in->k) ? data_field(in->k) : "");
		else if (BPF_MODE(in->code) == BPF_LEN && BPF_SIZE(in->code) == BPF_W)
			strbuf_printf(sb, "ld%s  #len  ; %u", *reg ? "x" : " ", DATA_SIZE);
		else if (BPF_MODE(in->code) == BPF_IMM)
			strbuf_printf(sb, "ld%s  #0x%x", *reg ? "x" : " ", in->k);
		else if (BPF_MODE(in->code) == BPF_MEM)
			strbuf_printf(sb, "ld%s  M[%u]", *reg ? "x" : " ", in->k);
		else
			strbuf_printf(sb, "???  code=0x%02x k=0x%x", in->code, in->k);
		break;
	}
	case BPF_ST:
		strbuf_printf(sb, "st   M[%u]", in->k);
		break;
	case BPF_STX:
		strbuf_printf(sb, "stx  M[%u]", in->k);
		break;
	case BPF_ALU:
		if (BPF_OP(in->code) == BPF_NEG)
			strbuf_puts(sb, "neg");
		else if (op < ELEMENTSOF(alu) && alu[op] && src)
			strbuf_printf(sb, "%-4s x", alu[op]);
		else if (op < ELEMENTSOF(alu) && alu[op])
			strbuf_printf(sb, "%-4s #0x%x", alu[op], in->k);
		else
			strbuf_printf(sb, "???  code=0x%02x", in->code);
		break;
	case BPF_JMP:
		if (BPF_OP(in->code) == BPF_JA)
			strbuf_printf(sb, "ja   %04zu", pc + 1 + in->k);
		else if (op < ELEMENTSOF(jmp) && jmp[op]) {
			bool x32 = false;
			const char *name = src ? NULL : compared_syscall(fl, in->k, &x32);

			if (src)
				strbuf_printf(sb, "%-4s x", jmp[op]);
			else
				strbuf_printf(sb, "%-4s #0x%x", jmp[op], in->k);
			strbuf_printf(sb, "  true: %04zu  false: %04zu", pc + 1 + in->jt,
			              pc + 1 + in->jf);
			if (!src && fl->holds == HOLDS_ARCH &&
			    ksc_arch_from_audit_token(in->k, 0, &a) == 0)
				strbuf_printf(sb, "  ; %s", ksc_arch_name(a));
			else if (name)
				strbuf_printf(sb, "  ; %s%s%s",
				              BPF_OP(in->code) == BPF_JGE    ? ">= "
				              : BPF_OP(in->code) == BPF_JGT  ? "> "
				              : BPF_OP(in->code) == BPF_JSET ? "& "
				                                             : "",
				              x32 ? "x32 " : "", name);
		} else
			strbuf_printf(sb, "???  code=0x%02x", in->code);
		break;
	case BPF_RET:
		if (BPF_RVAL(in->code) == BPF_A)
			strbuf_puts(sb, "ret  a");
		else {
			ksc_ret_format(in->k, ret, sizeof(ret));
			strbuf_printf(sb, "ret  #0x%08x  ; %s", in->k, ret);
		}
		break;
	case BPF_MISC:
		strbuf_puts(sb, BPF_MISCOP(in->code) == BPF_TAX ? "tax" : "txa");
		break;
	}
}

int
ksc_bpf_disasm(const struct ksc_bpf *prog, char **ret_text)
{
	_cleanup_(freep) struct insn_flow *fl = bpf_flow(prog);
	struct strbuf sb = { 0 };

	if (!fl)
		return -ENOMEM;
	for (size_t pc = 0; pc < prog->count; pc++) {
		strbuf_printf(&sb, "%04zu: ", pc);
		insn_text(prog, pc, &fl[pc], &sb);
		strbuf_putc(&sb, '\n');
	}
	return strbuf_finish(&sb, ret_text, NULL);
}

/* text as a Graphviz string's contents: quotes and backslashes escaped. */
static void
dot_escaped(struct strbuf *sb, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"' || text[i] == '\\')
			strbuf_putc(sb, '\\');
		strbuf_putc(sb, text[i]);
	}
}

int
ksc_bpf_dot(const struct ksc_bpf *prog, char **ret_text)
{
	_cleanup_(freep) struct insn_flow *fl = bpf_flow(prog);
	struct strbuf sb = { 0 }, line = { 0 };

	if (!fl)
		return -ENOMEM;
	strbuf_puts(&sb, "digraph seccomp {\n"
	                 "\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n"
	                 "\tedge [fontname=\"monospace\", fontsize=9];\n");
	for (size_t pc = 0; pc < prog->count; pc++) {
		const struct ksc_bpf_insn *in = &prog->insns[pc];
		bool is_ret = BPF_CLASS(in->code) == BPF_RET;

		line.len = 0;
		strbuf_printf(&line, "%04zu: ", pc);
		insn_text(prog, pc, &fl[pc], &line);
		strbuf_printf(&sb, "\ti%zu [label=\"", pc);
		dot_escaped(&sb, line.buf ? line.buf : "", line.len);
		strbuf_printf(&sb, "\"%s];\n", is_ret ? ", shape=ellipse" : "");
		if (is_ret || fl[pc].known == 0)
			continue;
		if (BPF_CLASS(in->code) != BPF_JMP)
			strbuf_printf(&sb, "\ti%zu -> i%zu;\n", pc, pc + 1);
		else if (BPF_OP(in->code) == BPF_JA)
			strbuf_printf(&sb, "\ti%zu -> i%zu;\n", pc, pc + 1 + in->k);
		else
			strbuf_printf(&sb,
			              "\ti%zu -> i%zu [label=\"true\", color=\"darkgreen\"];\n"
			              "\ti%zu -> i%zu [label=\"false\", color=\"red\"];\n",
			              pc, pc + 1 + in->jt, pc, pc + 1 + in->jf);
	}
	strbuf_puts(&sb, "}\n");
	strbuf_done(&line);
	return strbuf_finish(&sb, ret_text, NULL);
}

uint32_t
ksc_bpf_run_stack(struct ksc_bpf *const *progs, size_t count, const struct ksc_seccomp_data *data)
{
	uint32_t ret = KSC_RET_ALLOW;

	/* seccomp_run_filters(): newest to oldest, "the lowest BPF return value always takes
	 * priority (ignoring the DATA)", as a signed comparison (ACTION_ONLY). */
	for (size_t i = 0; i < count; i++) {
		uint32_t cur = ksc_bpf_run(progs[i], data);

		if ((int32_t)(cur & KSC_RET_ACTION_FULL) < (int32_t)(ret & KSC_RET_ACTION_FULL))
			ret = cur;
	}
	return ret;
}
