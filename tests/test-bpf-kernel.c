/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpf module against the real kernel. Random programs, most valid and some not, are
 * installed as seccomp filters in forked children:
 *   - ksc_bpf_check() must accept exactly the programs the kernel accepts;
 *   - for accepted programs, ksc_bpf_run() must compute what the kernel computed. The
 *     program's random body works on the syscall's arguments; a fixed tail returns 11 bits
 *     of the result, selected by args[5], as ERRNO(bits), so three calls reveal all 32 bits
 *     of A (and a body that divides by a zero X shows as the kernel killing the child).
 *
 * KSC_TEST_SEED and KSC_TEST_PROGRAMS override the seed and the number of programs.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kseccomp.h"
#include "tap.h"

#define TEST_NR   SYS_getpgid /* never called by the child otherwise */
#define BODY_MAX  24
#define VECTORS   4
#define CHUNKS    3
#define MAX_INSNS (3 + BODY_MAX + 4 + 3 * 5)
#define KILLED    (-1000) /* the kernel killed the child at this call */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t
rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static uint32_t
rnd_k(void)
{
	static const uint32_t special[] = { 0, 1, 2, 31, 32, 0x7ff, 0x80000000, 0xffffffff };

	return rnd_below(3) == 0 ? special[rnd_below(8)] : (uint32_t)rnd();
}

#define I(c, t, f, kk) ((struct ksc_bpf_insn){ .code = (c), .jt = (t), .jf = (f), .k = (kk) })

/* A random body instruction at position pc of a body that ends at tail (exclusive). */
static struct ksc_bpf_insn
random_insn(size_t pc, size_t tail, bool invalid_ok)
{
	static const uint16_t alu[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
		                        BPF_OR,  BPF_XOR, BPF_LSH, BPF_RSH };
	static const uint16_t jmp[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	/* Offsets of seccomp_data without the instruction pointer, which the test cannot
	 * know in the child. */
	static const uint32_t loads[] = { 0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60 };
	uint32_t room = (uint32_t)(tail - pc - 1); /* instructions a jump may skip */
	uint16_t src = rnd_below(2) ? BPF_X : BPF_K;

	if (invalid_ok && rnd_below(40) == 0) {
		/* Something the kernel may refuse. */
		switch (rnd_below(6)) {
		case 0:
			return I(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 3);
		case 1: {
			uint32_t k = rnd_below(80);

			/* Any offset, but not the instruction pointer's (valid, unknowable). */
			return I(BPF_LD | BPF_W | BPF_ABS, 0, 0, k == 8 || k == 12 ? 66 : k);
		}
		case 2:
			return I(BPF_LD | BPF_MEM, 0, 0, rnd_below(17));
		case 3:
			return I(BPF_ALU | BPF_LSH | BPF_K, 0, 0, 28 + rnd_below(8));
		case 4:
			return I(BPF_JMP | BPF_JA, 0, 0, room + rnd_below(40));
		default:
			return I((uint16_t)rnd_below(0x100), 0, 0, rnd_k());
		}
	}
	switch (rnd_below(13)) {
	case 0:
	case 1:
		return I(BPF_LD | BPF_W | BPF_ABS, 0, 0, loads[rnd_below(14)]);
	case 2:
		return I(rnd_below(2) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM, 0, 0, rnd_k());
	case 3:
		return I(BPF_MISC | (rnd_below(2) ? BPF_TAX : BPF_TXA), 0, 0, 0);
	case 4:
		return I(rnd_below(2) ? BPF_ST : BPF_STX, 0, 0, rnd_below(15));
	case 5:
		/* May read a cell not written on every path: then both must refuse. */
		if (rnd_below(2))
			return I(rnd_below(2) ? BPF_ST : BPF_STX, 0, 0, rnd_below(15));
		return I(rnd_below(2) ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, 0, 0, rnd_below(15));
	case 6:
		return I(BPF_ALU | BPF_NEG, 0, 0, 0);
	case 7:
		return I(BPF_JMP | BPF_JA, 0, 0, room ? rnd_below(room + 1) : 0);
	case 8:
	case 9:
		return I(BPF_JMP | jmp[rnd_below(4)] | src, (uint8_t)rnd_below(room + 1),
		         (uint8_t)rnd_below(room + 1), rnd_k());
	default: {
		uint16_t op = alu[rnd_below(9)];
		uint32_t k = rnd_k();

		if (src == BPF_K && (op == BPF_LSH || op == BPF_RSH))
			k &= 31;
		if (src == BPF_K && op == BPF_DIV && k == 0)
			k = 3;
		return I(BPF_ALU | op | src, 0, 0, k);
	}
	}
}

/* head: allow every syscall but TEST_NR; body; tail: A -> M[15] -> 11 bits as ERRNO. */
static size_t
random_program(struct ksc_bpf_insn *p, bool invalid_ok)
{
	size_t n = 0, body = rnd_below(BODY_MAX + 1), tail;

	p[n++] = I(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
	p[n++] = I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, TEST_NR);
	p[n++] = I(BPF_RET | BPF_K, 0, 0, KSC_RET_ALLOW);
	tail = n + body;
	for (size_t i = 0; i < body; i++, n++)
		p[n] = random_insn(n, tail + 1, invalid_ok);
	p[n++] = I(BPF_ST, 0, 0, 15);
	p[n++] = I(BPF_LD | BPF_W | BPF_ABS, 0, 0, 56); /* args[5] low word (LE) */
	p[n++] = I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0);
	p[n++] = I(BPF_JMP | BPF_JEQ | BPF_K, 4, 9, 1);
	for (unsigned chunk = 0; chunk < CHUNKS; chunk++) {
		p[n++] = I(BPF_LD | BPF_MEM, 0, 0, 15);
		if (chunk)
			p[n++] = I(BPF_ALU | BPF_RSH | BPF_K, 0, 0, 11 * chunk);
		p[n++] = I(BPF_ALU | BPF_AND | BPF_K, 0, 0, 0x7ff);
		p[n++] = I(BPF_ALU | BPF_OR | BPF_K, 0, 0, KSC_RET_ERRNO);
		p[n++] = I(BPF_RET | BPF_A, 0, 0, 0);
	}
	return n;
}

/*
 * Install the program in a child and make the calls. results[] receives, per call, the
 * errno the call failed with (0 if it "succeeded"), or KILLED. Returns 0 if the kernel
 * accepted the program, or the errno of seccomp(2).
 */
static int
kernel_run(const struct ksc_bpf_insn *insns, size_t n, uint64_t args[VECTORS][6],
           int results[VECTORS * CHUNKS])
{
	int pipefd[2], status, install_errno = 0;
	size_t got = 0;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct sock_fprog fprog = { .len = (unsigned short)n,
			                    .filter = (struct sock_filter *)insns };
		struct rlimit no_core = { 0, 0 };
		int err = 0;

		close(pipefd[0]);
		setrlimit(RLIMIT_CORE, &no_core);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
			err = errno;
		if (write(pipefd[1], &err, sizeof(err)) != sizeof(err) || err)
			_exit(0);
		for (int v = 0; v < VECTORS; v++)
			for (int c = 0; c < CHUNKS; c++) {
				long r = syscall(TEST_NR, args[v][0], args[v][1], args[v][2],
				                 args[v][3], args[v][4], (uint64_t)c);
				int e = r == -1 ? errno : 0;

				if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
					_exit(1);
			}
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &install_errno, sizeof(install_errno)) != sizeof(install_errno))
		install_errno = -1;
	while (install_errno == 0 && got < VECTORS * CHUNKS &&
	       read(pipefd[0], &results[got], sizeof(int)) == sizeof(int))
		got++;
	for (; got < VECTORS * CHUNKS; got++)
		results[got] = KILLED;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return install_errno;
}

static void
show_program(const struct ksc_bpf *p)
{
	char *text = NULL;

	if (ksc_bpf_disasm(p, &text) == 0) {
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			printf("#   %s\n", line);
	}
	free(text);
}

/* In a child: attach filters whose eBPF lengths plus 4 sum to exactly `attached` (m copies
 * of "ret" at 9 each, and one of j loads and a ret at 9 + j), then the program. Returns
 * whether the kernel took it. */
static bool
fits_after(const struct ksc_bpf_insn *insns, size_t n, size_t attached)
{
	struct ksc_bpf_insn pad[32];
	size_t m = attached / 9 - 1, j = attached - 9 * m - 9;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		struct sock_fprog one, shim,
		        prog = { (unsigned short)n, (struct sock_filter *)insns };

		for (size_t i = 0; i < j; i++)
			pad[i] = I(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
		pad[j] = I(BPF_RET | BPF_K, 0, 0, KSC_RET_ALLOW);
		one = (struct sock_fprog){ 1, (struct sock_filter *)&pad[j] };
		shim = (struct sock_fprog){ (unsigned short)(j + 1), (struct sock_filter *)pad };
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &shim) < 0)
			_exit(2);
		for (size_t i = 0; i < m; i++)
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &one) < 0)
				_exit(2);
		_exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return false;
	return WEXITSTATUS(status) == 0;
}

/* ksc_bpf_kernel_len() is exact: the program fits when the attached filters leave it
 * exactly that many instructions, and not with one fewer. */
static void
kernel_len_exact(void)
{
	struct ksc_bpf_insn insns[KSC_BPF_MAXINSNS];
	unsigned tried = 0, exact = 0;

	for (unsigned i = 0; i < 200 && tried < 16; i++) {
		size_t n = i == 0 ? 1 : random_program(insns, false);
		struct ksc_bpf *p = NULL;
		size_t len;

		if (i == 0)
			insns[0] = I(BPF_RET | BPF_K, 0, 0, KSC_RET_ALLOW);
		if (ksc_bpf_new(insns, n, &p) < 0 || ksc_bpf_check(p, NULL) < 0) {
			ksc_bpf_free(p);
			continue;
		}
		len = ksc_bpf_kernel_len(p);
		tried++;
		if (fits_after(insns, n, KSC_BPF_MAX_INSNS_PER_PATH - len) &&
		    !fits_after(insns, n, KSC_BPF_MAX_INSNS_PER_PATH - len + 1))
			exact++;
		else {
			size_t truth = 0;

			for (size_t c = len > 40 ? len - 40 : 1; c < len + 40 && !truth; c++)
				if (fits_after(insns, n, KSC_BPF_MAX_INSNS_PER_PATH - c) &&
				    !fits_after(insns, n, KSC_BPF_MAX_INSNS_PER_PATH - c + 1))
					truth = c;
			printf("# program %u: ksc_bpf_kernel_len() says %zu, the kernel %zu\n", i,
			       len, truth);
			if (getenv("KSC_TEST_VERBOSE")) {
				char *text = NULL;

				if (ksc_bpf_disasm(p, &text) == 0)
					printf("%s", text);
				free(text);
			}
		}
		ksc_bpf_free(p);
	}
	ok(tried > 5 && exact == tried,
	   "ksc_bpf_kernel_len() is the kernel's count for %u of %u programs", exact, tried);
}

/* MAX_INSNS_PER_PATH in a child: one-instruction filters until the stack is full. With
 * such filters the lower bound ksc_enforce_install() checks is exact, so it must refuse
 * the filter the kernel would refuse, itself, and say why. Then 4096-instruction filters:
 * the kernel counts them in eBPF, 8195 each, so a fourth does not fit. */
static void
per_path_limit(void)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		struct ksc_bpf_insn one = { BPF_RET | BPF_K, 0, 0, KSC_RET_ALLOW };
		struct ksc_bpf *p = NULL;
		struct ksc_error *e = NULL;
		struct ksc_enforce_opts opts = { .flags_set = true, .no_new_privs = true };
		char msg[512] = "";
		unsigned n = 0;

		close(fds[0]);
		if (ksc_bpf_new(&one, 1, &p) < 0)
			_exit(1);
		while (n < 10000 && ksc_enforce_install(p, &opts, &e) == 0)
			n++;
		snprintf(msg, sizeof(msg), "%u %s", n, e ? ksc_error_message(e) : "");
		(void)!write(fds[1], msg, strlen(msg));
		_exit(0);
	}
	close(fds[1]);
	{
		char buf[512] = "";
		ssize_t k = read(fds[0], buf, sizeof(buf) - 1);
		unsigned n = (unsigned)strtoul(buf, NULL, 10);

		(void)waitpid(pid, NULL, 0);
		buf[k > 0 ? k : 0] = '\0';
		/* 5 + 9n <= 32768: 3641 filters fit one above the other, a 3642nd does not
		 * (the test process may run under filters of its own: then fewer) */
		ok(n > 3000 && n <= 3641, "one-instruction filters stack up to the limit (%u)", n);
		ok(strstr(buf, "it cannot be added") != NULL,
		   "the next one is refused before the kernel says ENOMEM: %s", buf);
	}
	close(fds[0]);

	if (pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		struct ksc_bpf_insn *big = calloc(KSC_BPF_MAXINSNS, sizeof(*big));
		struct ksc_bpf *p = NULL;
		struct ksc_error *e = NULL;
		struct ksc_enforce_opts opts = { .flags_set = true, .no_new_privs = true };
		char msg[512] = "";
		unsigned n = 0;

		close(fds[0]);
		if (!big)
			_exit(1);
		for (size_t i = 0; i < KSC_BPF_MAXINSNS; i++)
			big[i] = (struct ksc_bpf_insn){ BPF_RET | BPF_K, 0, 0, KSC_RET_ALLOW };
		if (ksc_bpf_new(big, KSC_BPF_MAXINSNS, &p) < 0)
			_exit(1);
		while (n < 20 && ksc_enforce_install(p, &opts, &e) == 0)
			n++;
		snprintf(msg, sizeof(msg), "%u %s", n, e ? ksc_error_message(e) : "");
		(void)!write(fds[1], msg, strlen(msg));
		_exit(0);
	}
	close(fds[1]);
	{
		char buf[512] = "";
		ssize_t k = read(fds[0], buf, sizeof(buf) - 1);

		(void)waitpid(pid, NULL, 0);
		buf[k > 0 ? k : 0] = '\0';
		/* the attached ones are unknown from inside: the kernel's ENOMEM, explained */
		ok(strncmp(buf, "3 ", 2) == 0 &&
		           strstr(buf,
		                  "with the 3 filters this task already has, the filters would "
		                  "exceed 32768 eBPF instructions"),
		   "a fourth filter of 4096 RET instructions (8195 in eBPF) is refused: %s", buf);
	}
	close(fds[0]);
}

int
main(void)
{
	const char *seed_env = getenv("KSC_TEST_SEED"), *n_env = getenv("KSC_TEST_PROGRAMS");
	unsigned programs = n_env ? (unsigned)strtoul(n_env, NULL, 0) : 1500;
	unsigned accepted = 0, agree_check = 0, agree_run = 0, runs = 0, kills = 0, shown = 0;
	uint32_t arch = ksc_arch_audit_token(ksc_arch_native());

	rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x5eccc0bb1e55ull;
	printf("# seed 0x%llx, %u programs\n", (unsigned long long)rng_state, programs);
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		printf("ok 1 # SKIP the kernel has no seccomp\n1..1\n");
		return 0;
	}
	if (!(arch & 0x40000000u)) {
		/* The tail reads args[5] at its little-endian offset. */
		printf("ok 1 # SKIP written for little-endian hosts\n1..1\n");
		return 0;
	}

	for (unsigned i = 0; i < programs; i++) {
		struct ksc_bpf_insn insns[MAX_INSNS];
		uint64_t args[VECTORS][6];
		int results[VECTORS * CHUNKS];
		struct ksc_bpf *p = NULL;
		size_t n = random_program(insns, i % 3 == 0);
		bool ours, theirs, same = true;
		int kernel;

		for (int v = 0; v < VECTORS; v++)
			for (int a = 0; a < 6; a++)
				args[v][a] = rnd_below(4) == 0 ? rnd_k() : rnd();
		if (ksc_bpf_new(insns, n, &p) < 0)
			return 1;
		ours = ksc_bpf_check(p, NULL) == 0;
		kernel = kernel_run(insns, n, args, results);
		theirs = kernel == 0;
		if (kernel != 0 && kernel != EINVAL) {
			printf("# program %u: seccomp(2) failed with errno %d\n", i, kernel);
			same = false;
		}
		if (ours == theirs)
			agree_check++;
		else if (shown++ < 5) {
			printf("# program %u: kernel %s it, ksc_bpf_check %s it\n", i,
			       theirs ? "accepts" : "refuses", ours ? "accepts" : "refuses");
			show_program(p);
		}
		if (theirs && ours) {
			accepted++;
			bool dead = false;

			/* Once the kernel killed the child, its later calls never happened. */
			for (int v = 0; v < VECTORS && !dead; v++)
				for (int c = 0; c < CHUNKS && !dead; c++) {
					struct ksc_seccomp_data d = { .nr = TEST_NR, .arch = arch };
					uint32_t ret;
					int want;

					memcpy(d.args, args[v], sizeof(d.args));
					d.args[5] = (uint64_t)c;
					ret = ksc_bpf_run(p, &d);
					if ((ret & KSC_RET_ACTION_FULL) == KSC_RET_ERRNO)
						want = (int)((ret & KSC_RET_DATA) > 4095u
						                     ? 4095u
						                     : (ret & KSC_RET_DATA));
					else
						want = KILLED;
					runs++;
					if (results[v * CHUNKS + c] == KILLED) {
						kills++;
						dead = true;
					}
					if (want == results[v * CHUNKS + c])
						agree_run++;
					else if (same && shown++ < 5) {
						same = false;
						printf("# program %u, args %d, chunk %d: kernel "
						       "%d, "
						       "ksc_bpf_run %d\n",
						       i, v, c, results[v * CHUNKS + c], want);
						show_program(p);
					}
				}
		}
		ksc_bpf_free(p);
	}
	printf("# %u of %u programs accepted; %u runs, %u killed by the kernel\n", accepted,
	       programs, runs, kills);
	is_int(agree_check, programs, "ksc_bpf_check accepts exactly what the kernel accepts");
	is_int(agree_run, runs, "ksc_bpf_run computes what the kernel computed");
	ok(accepted > programs / 3 && programs - accepted > programs / 20,
	   "the sample has both accepted and refused programs");
	per_path_limit();
	kernel_len_exact();
	return tap_done();
}
