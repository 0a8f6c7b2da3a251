/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpf: the kernel's checks with their messages, the interpreter's semantics instruction by
 * instruction, the constant-action cache test, and the disassembler.
 */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kseccomp.h"
#include "tap.h"

#define I(c, t, f, kk) ((struct ksc_bpf_insn){ .code = (c), .jt = (t), .jf = (f), .k = (kk) })
#define STMT(c, kk)    I(c, 0, 0, kk)
#define RET(kk)        STMT(BPF_RET | BPF_K, kk)
#define LD(off)        STMT(BPF_LD | BPF_W | BPF_ABS, off)

#define X86_64 0xc000003eu
#define I386   0x40000003u
#define S390X  0x80000016u

static struct ksc_bpf *
prog(const struct ksc_bpf_insn *insns, size_t n)
{
	struct ksc_bpf *p = NULL;

	if (ksc_bpf_new(insns, n, &p) < 0)
		return NULL;
	return p;
}

#define PROG(...)                                                     \
	({                                                            \
		const struct ksc_bpf_insn insns_[] = { __VA_ARGS__ }; \
		prog(insns_, sizeof(insns_) / sizeof(insns_[0]));     \
	})

static void
expect_check(struct ksc_bpf *p, const char *want, const char *name)
{
	struct ksc_error *e = NULL;
	int r = ksc_bpf_check(p, &e);

	if (!want)
		ok(r == 0, "check accepts: %s (%s)", name, e ? ksc_error_message(e) : "");
	else {
		is_int(r, -EINVAL, "check refuses: %s", name);
		is_str(ksc_error_message(e), want, "message: %s", name);
	}
	ksc_error_free(e);
	ksc_bpf_free(p);
}

static void
test_check(void)
{
	struct ksc_bpf_insn many[KSC_BPF_MAXINSNS + 1];
	struct ksc_bpf *p = NULL;

	for (size_t i = 0; i < KSC_BPF_MAXINSNS + 1; i++)
		many[i] = RET(KSC_RET_ALLOW);
	is_int(ksc_bpf_new(many, 0, &p), -EINVAL, "no empty programs");
	expect_check(prog(many, KSC_BPF_MAXINSNS), NULL, "4096 instructions");
	expect_check(prog(many, KSC_BPF_MAXINSNS + 1),
	             "the program has 4097 instructions; the kernel takes 1 to 4096 (BPF_MAXINSNS)",
	             "4097 instructions");

	expect_check(PROG(RET(KSC_RET_ALLOW)), NULL, "ret allow");
	expect_check(PROG(STMT(BPF_LD | BPF_W | BPF_LEN, 0), STMT(BPF_RET | BPF_A, 0)), NULL,
	             "ld len; ret a");
	expect_check(PROG(STMT(BPF_ALU | BPF_MOD | BPF_K, 3), RET(0)),
	             "instruction 0: opcode 0x94 is not allowed in a seccomp filter",
	             "MOD is not in seccomp's list");
	expect_check(PROG(STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET(0)),
	             "instruction 0: opcode 0x30 is not allowed in a seccomp filter", "byte loads");
	expect_check(PROG(STMT(BPF_LD | BPF_W | BPF_IND, 0), RET(0)),
	             "instruction 0: opcode 0x40 is not allowed in a seccomp filter",
	             "indirect loads");
	expect_check(PROG(STMT(BPF_LDX | BPF_B | BPF_MSH, 0), RET(0)),
	             "instruction 0: opcode 0xb1 is not allowed in a seccomp filter", "msh");
	expect_check(PROG(STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET(0)),
	             "instruction 0: division by zero", "constant division by zero");
	expect_check(PROG(STMT(BPF_ALU | BPF_DIV | BPF_X, 0), RET(0)), NULL,
	             "division by X is checked at run time");
	expect_check(PROG(STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET(0)),
	             "instruction 0: shift by 32 (32 or more)", "shift by 32");
	expect_check(PROG(STMT(BPF_ALU | BPF_RSH | BPF_K, 31), RET(0)), NULL, "shift by 31");
	expect_check(PROG(STMT(BPF_ST, 16), RET(0)),
	             "instruction 0: scratch memory M[16] does not exist (M[0] to M[15])",
	             "scratch index 16");
	expect_check(PROG(STMT(BPF_JMP | BPF_JA, 1), RET(0)),
	             "instruction 0: jump of 1 leaves the program", "ja past the end");
	expect_check(PROG(I(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), RET(0)),
	             "instruction 0: conditional jump leaves the program", "jf past the end");
	expect_check(PROG(I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0), RET(0), RET(1)), NULL,
	             "jumps to the last instruction");
	expect_check(PROG(RET(0), LD(0)), "the last instruction (1) is not a return",
	             "no final return");
	expect_check(PROG(LD(64), RET(0)),
	             "instruction 0: load at offset 64 is not a 32-bit aligned word of struct "
	             "seccomp_data (0 to 60)",
	             "load past seccomp_data");
	expect_check(PROG(LD(2), RET(0)),
	             "instruction 0: load at offset 2 is not a 32-bit aligned word of struct "
	             "seccomp_data (0 to 60)",
	             "unaligned load");
	expect_check(PROG(LD(60), RET(0)), NULL, "args[5] high word");
	expect_check(PROG(STMT(BPF_LD | BPF_MEM, 3), RET(0)),
	             "instruction 0: reads scratch memory M[3] that is not written on every path "
	             "to it",
	             "read before write");
	expect_check(PROG(LD(0), I(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), STMT(BPF_ST, 2),
	                  STMT(BPF_LD | BPF_MEM, 2), RET(0)),
	             "instruction 3: reads scratch memory M[2] that is not written on every path "
	             "to it",
	             "written on one path only");
	expect_check(PROG(STMT(BPF_ST, 2), LD(0), I(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
	                  STMT(BPF_STX, 2), STMT(BPF_LDX | BPF_MEM, 2), RET(0)),
	             NULL, "written on every path");
}

static uint32_t
run(struct ksc_bpf *p, const struct ksc_seccomp_data *d)
{
	uint32_t r = p ? ksc_bpf_run(p, d) : 0xdeadbeef;

	ksc_bpf_free(p);
	return r;
}

static void
test_run(void)
{
	struct ksc_seccomp_data d = {
		.nr = 59,
		.arch = X86_64,
		.instruction_pointer = 0x1122334455667788ull,
		.args = { 0x0000000100000002ull, 0xffffffff00000000ull, 3, 4, 5,
		          0xa0b0c0d0e0f00102ull },
	};
	struct ksc_seccomp_data be = d;

	be.arch = S390X;
	is_int(run(PROG(LD(0), STMT(BPF_RET | BPF_A, 0)), &d), 59, "ld nr");
	is_int(run(PROG(LD(4), STMT(BPF_RET | BPF_A, 0)), &d), X86_64, "ld arch");
	is_int(run(PROG(LD(8), STMT(BPF_RET | BPF_A, 0)), &d), 0x55667788, "ip low word (LE)");
	is_int(run(PROG(LD(12), STMT(BPF_RET | BPF_A, 0)), &d), 0x11223344, "ip high word (LE)");
	is_int(run(PROG(LD(16), STMT(BPF_RET | BPF_A, 0)), &d), 2, "args[0] low word on LE");
	is_int(run(PROG(LD(20), STMT(BPF_RET | BPF_A, 0)), &d), 1, "args[0] high word on LE");
	is_int(run(PROG(LD(16), STMT(BPF_RET | BPF_A, 0)), &be), 1,
	       "args[0] first word is the high one on big-endian s390x");
	is_int(run(PROG(LD(20), STMT(BPF_RET | BPF_A, 0)), &be), 2, "args[0] second word on BE");
	is_int(run(PROG(LD(60), STMT(BPF_RET | BPF_A, 0)), &d), 0xa0b0c0d0, "args[5] high word");
	is_int(run(PROG(STMT(BPF_LD | BPF_W | BPF_LEN, 0), STMT(BPF_RET | BPF_A, 0)), &d), 64,
	       "ld len is sizeof(seccomp_data)");
	is_int(run(PROG(STMT(BPF_LDX | BPF_W | BPF_LEN, 0), STMT(BPF_MISC | BPF_TXA, 0),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       64, "ldx len; txa");
	is_int(run(PROG(STMT(BPF_RET | BPF_A, 0)), &d), 0, "A starts at 0 (KILL_THREAD)");
	is_int(run(PROG(STMT(BPF_MISC | BPF_TXA, 0), STMT(BPF_RET | BPF_A, 0)), &d), 0,
	       "X starts at 0");

	/* ALU, K and X forms. */
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 7), STMT(BPF_ALU | BPF_ADD | BPF_K, 0xfffffffe),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       5, "add wraps at 32 bits");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 3), STMT(BPF_ALU | BPF_SUB | BPF_K, 5),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       0xfffffffe, "sub wraps");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 0x10001), STMT(BPF_ALU | BPF_MUL | BPF_K, 0x10001),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       0x20001, "mul keeps the low 32 bits");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 100), STMT(BPF_ALU | BPF_DIV | BPF_K, 7),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       14, "div");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 100), STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	                RET(KSC_RET_ALLOW)),
	           &d),
	       0, "div by a zero X returns 0 at once");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 0xf0), STMT(BPF_LDX | BPF_IMM, 0x3c),
	                STMT(BPF_ALU | BPF_AND | BPF_X, 0), STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       0x30, "and x");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 0xf0), STMT(BPF_ALU | BPF_OR | BPF_K, 0x0f),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       0xff, "or");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 0xff), STMT(BPF_ALU | BPF_XOR | BPF_K, 0x0f),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       0xf0, "xor");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 1), STMT(BPF_LDX | BPF_IMM, 33),
	                STMT(BPF_ALU | BPF_LSH | BPF_X, 0), STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       2, "shift by X uses its low 5 bits");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 0x80000000), STMT(BPF_ALU | BPF_RSH | BPF_K, 31),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       1, "rsh is logical");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 1), STMT(BPF_ALU | BPF_NEG, 0),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       0xffffffff, "neg");
	is_int(run(PROG(STMT(BPF_LD | BPF_IMM, 42), STMT(BPF_ST, 15), STMT(BPF_LD | BPF_IMM, 0),
	                STMT(BPF_LDX | BPF_MEM, 15), STMT(BPF_MISC | BPF_TXA, 0),
	                STMT(BPF_RET | BPF_A, 0)),
	           &d),
	       42, "scratch memory");

	/* Jumps. */
	is_int(run(PROG(LD(0), I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 59), RET(1), RET(2)), &d), 2,
	       "jeq true");
	is_int(run(PROG(LD(0), I(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 59), RET(1), RET(2)), &d), 1,
	       "jgt is strict");
	is_int(run(PROG(LD(0), I(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 59), RET(1), RET(2)), &d), 2,
	       "jge");
	is_int(run(PROG(LD(0), I(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 4), RET(1), RET(2)), &d), 1,
	       "jset: 59 & 4 == 0");
	is_int(run(PROG(LD(4), I(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 0x7fffffff), RET(1), RET(2)), &d),
	       2, "comparisons are unsigned");
	is_int(run(PROG(STMT(BPF_LDX | BPF_IMM, 59), LD(0), I(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0),
	                RET(3), RET(4)),
	           &d),
	       3, "jeq x");
	is_int(run(PROG(STMT(BPF_JMP | BPF_JA, 1), RET(1), RET(2)), &d), 2, "ja");

	/* Unchecked programs never escape. */
	is_int(run(PROG(LD(0)), &d), KSC_RET_KILL_PROCESS, "falling off the end kills");
	is_int(run(PROG(STMT(BPF_ALU | BPF_MOD | BPF_K, 2), RET(0)), &d), KSC_RET_KILL_PROCESS,
	       "an opcode seccomp refuses kills");
}

static void
test_cache(void)
{
	/* A typical filter: arch check, then per-syscall decisions; read(0) allowed, write(1)
	 * checked on args[0], 2 denied, everything else allowed. */
	struct ksc_bpf *p = PROG(LD(4), I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, X86_64), RET(0), LD(0),
	                         I(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 1), STMT(BPF_JMP | BPF_JA, 3),
	                         I(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 2), RET(KSC_RET_ERRNO | 1),
	                         RET(KSC_RET_ALLOW), LD(16), RET(KSC_RET_ALLOW));

	ok(p && ksc_bpf_check(p, NULL) == 0, "cache test program is valid");
	ok(ksc_bpf_cache_allows(p, X86_64, 0), "an allowed syscall is cached");
	ok(!ksc_bpf_cache_allows(p, X86_64, 1), "a path that loads an argument is not");
	ok(!ksc_bpf_cache_allows(p, X86_64, 2), "a constant deny is never cached");
	ok(!ksc_bpf_cache_allows(p, I386, 0), "another arch reaches RET 0 (KILL)");
	ksc_bpf_free(p);

	p = PROG(RET(KSC_RET_ALLOW | 1));
	ok(!ksc_bpf_cache_allows(p, X86_64, 0), "ALLOW with data is not exactly ALLOW");
	ksc_bpf_free(p);
	p = PROG(LD(0), STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	         I(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1), RET(KSC_RET_ALLOW), RET(0));
	ok(ksc_bpf_cache_allows(p, X86_64, 0x100), "and + jset are understood");
	ok(!ksc_bpf_cache_allows(p, X86_64, 0x101), "and + jset, other branch");
	ksc_bpf_free(p);
	p = PROG(STMT(BPF_LDX | BPF_IMM, 0), LD(0), I(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
	         RET(KSC_RET_ALLOW));
	ok(!ksc_bpf_cache_allows(p, X86_64, 0), "X forms are not understood");
	ksc_bpf_free(p);
	p = PROG(STMT(BPF_LD | BPF_IMM, KSC_RET_ALLOW), STMT(BPF_RET | BPF_A, 0));
	ok(!ksc_bpf_cache_allows(p, X86_64, 0), "ret a is not understood");
	ksc_bpf_free(p);
}

static void
test_format(void)
{
	static const struct {
		uint32_t ret;
		const char *want;
	} cases[] = {
		{ KSC_RET_ALLOW, "ALLOW" },
		{ KSC_RET_ERRNO | 1, "ERRNO(1)" },
		{ KSC_RET_ERRNO | 38, "ERRNO(38)" },
		{ KSC_RET_TRACE | 1234, "TRACE(1234)" },
		{ KSC_RET_LOG, "LOG" },
		{ KSC_RET_USER_NOTIF, "NOTIFY" },
		{ KSC_RET_TRAP | 5, "TRAP" },
		{ KSC_RET_KILL_THREAD, "KILL" },
		{ KSC_RET_KILL_PROCESS, "KILL_PROCESS" },
		{ 0x12340000, "KILL_PROCESS" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ksc_ret_format(cases[i].ret, buf, sizeof(buf));
		is_str(buf, cases[i].want, "format 0x%08x", cases[i].ret);
	}
}

static void
test_disasm(void)
{
	struct ksc_bpf *p = PROG(
	        LD(4), I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, X86_64), RET(KSC_RET_KILL_PROCESS), LD(0),
	        STMT(BPF_ALU | BPF_AND | BPF_K, 0xff), STMT(BPF_ST, 0), STMT(BPF_LDX | BPF_MEM, 0),
	        I(BPF_JMP | BPF_JGE | BPF_X, 0, 1, 0), RET(KSC_RET_ERRNO | 1), RET(KSC_RET_ALLOW));
	char *text = NULL;

	is_int(ksc_bpf_disasm(p, &text), 0, "disasm");
	is_str(text,
	       "0000: ld   [4]  ; arch\n"
	       "0001: jeq  #0xc000003e  true: 0003  false: 0002  ; x86_64\n"
	       "0002: ret  #0x80000000  ; KILL_PROCESS\n"
	       "0003: ld   [0]  ; nr\n"
	       "0004: and  #0xff\n"
	       "0005: st   M[0]\n"
	       "0006: ldx  M[0]\n"
	       "0007: jge  x  true: 0008  false: 0009\n"
	       "0008: ret  #0x00050001  ; ERRNO(1)\n"
	       "0009: ret  #0x7fff0000  ; ALLOW\n",
	       "listing");
	free(text);
	ksc_bpf_free(p);
}

/* A file holding data, for the readers; its path in path (room for 32 bytes). */
static bool
temp_file(char *path, const void *data, size_t len)
{
	int fd;
	bool ok;

	strcpy(path, "/tmp/ksc-test-bpf-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok;
}

/* ksc_profile_or_bpf_load(): the bytes decide, not the name. */
static void
test_profile_or_bpf_load(void)
{
	static const char profile_text[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}\n";
	static const char bad_profile[] = "{\"defaultAction\": \"SCMP_ACT_NOPE\"}\n";
	const struct ksc_bpf_insn insns[] = { RET(KSC_RET_ALLOW) };
	struct ksc_profile *profile = NULL;
	struct ksc_bpf *program = NULL;
	struct ksc_diags *diags = ksc_diags_new();
	struct ksc_error *e = NULL;
	char path[32];

	if (temp_file(path, profile_text, strlen(profile_text))) {
		ok(ksc_profile_or_bpf_load(path, NULL, &profile, &program, diags, &e) == 0 &&
		           profile && !program &&
		           ksc_profile_default_action(profile) == KSC_ACT_ALLOW,
		   "text is read as a profile");
		ksc_profile_free(profile);
		unlink(path);
	}
	if (temp_file(path, insns, sizeof(insns))) {
		profile = NULL;
		ok(ksc_profile_or_bpf_load(path, NULL, &profile, &program, diags, &e) == 0 &&
		           !profile && program && ksc_bpf_count(program) == 1,
		   "binary is read as a program");
		ksc_bpf_free(program);
		unlink(path);
	}
	if (temp_file(path, bad_profile, strlen(bad_profile))) {
		ok(ksc_profile_or_bpf_load(path, NULL, &profile, &program, diags, &e) == -EINVAL &&
		           ksc_diags_error_count(diags) == 1,
		   "an invalid profile fails with its error in diags");
		ksc_error_free(e);
		e = NULL;
		unlink(path);
	}
	ok(ksc_profile_or_bpf_load("/nonexistent/x", NULL, &profile, &program, diags, &e) ==
	                   -ENOENT &&
	           e && ksc_diags_error_count(diags) == 1,
	   "a missing file: -ENOENT, a message, no diagnostic");
	ksc_error_free(e);
	ksc_diags_free(diags);
}

int
main(void)
{
	test_check();
	test_run();
	test_cache();
	test_format();
	test_disasm();
	test_profile_or_bpf_load();
	return tap_done();
}
