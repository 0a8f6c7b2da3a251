/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live: `kseccomp run --profile P -- try-syscall NR ARGS` on the real kernel, for every
 * action, operator forms, OR/AND, the ENOSYS stub, the bad-arch action, i386 and its
 * socketcall, rules runc leaves out, and the audit record of SCMP_ACT_LOG. For each case two checks:
 *   - the kernel's outcome is the expected one;
 *   - the interpreter's prediction (what `kseccomp sim` says) is what the kernel did.
 *
 * Usage: test-live-run KSECCOMP TRY_SYSCALL TRY_SYSCALL_32|"" TMPDIR FIXTURES [BACKEND]
 * BACKEND (native, the default, or libseccomp) compiles both the filter run installs and
 * the one the prediction runs.
 * A profile written "@NAME" is the fixture FIXTURES/NAME (the tutorial's profiles).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kseccomp.h"
#include "tap.h"

/* A deny-list: default ALLOW, one action per syscall, three arches. */
static const char denylist[] =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
        " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
        " \"syscalls\": ["
        "  {\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"},"
        "  {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 100},"
        "  {\"names\": [\"dup\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
        "  {\"names\": [\"dup2\"], \"action\": \"SCMP_ACT_TRAP\"},"
        "  {\"names\": [\"fchmod\"], \"action\": \"SCMP_ACT_KILL\"},"
        "  {\"names\": [\"fchdir\"], \"action\": \"SCMP_ACT_TRACE\"},"
        "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\"},"
        "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 97},"
        "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5,"
        "   \"args\": [{\"index\": 0, \"value\": 1000, \"op\": \"SCMP_CMP_EQ\"}]},"
        "  {\"names\": [\"fchown\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 61,"
        "   \"args\": [{\"index\": 1, \"value\": 4294967297, \"op\": \"SCMP_CMP_EQ\"}]},"
        "  {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 95,"
        "   \"args\": [{\"index\": 2, \"value\": 240, \"valueTwo\": 16, \"op\": "
        "\"SCMP_CMP_MASKED_EQ\"}]},"
        "  {\"names\": [\"fsync\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 44,"
        "   \"args\": [{\"index\": 0, \"value\": 77, \"op\": \"SCMP_CMP_EQ\"},"
        "            {\"index\": 0, \"value\": 88, \"op\": \"SCMP_CMP_EQ\"}]},"
        "  {\"names\": [\"fdatasync\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 45,"
        "   \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"},"
        "            {\"index\": 1, \"value\": 6, \"op\": \"SCMP_CMP_EQ\"}]},"
        "  {\"names\": [\"ftruncate\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 46,"
        "   \"args\": [{\"index\": 1, \"value\": 4294967296, \"op\": \"SCMP_CMP_GE\"}]}"
        "]}";

/* An allow-list (default ERRNO) with what a static probe needs, x86_64 listed: the stub
 * gives ENOSYS above the largest syscall it names. */
static const char allowlist[] =
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
        " \"syscalls\": [{\"names\": [\"execve\", \"brk\", \"arch_prctl\", \"set_tid_address\","
        " \"set_robust_list\", \"rseq\", \"prlimit64\", \"readlinkat\", \"readlink\", "
        "\"getrandom\","
        " \"mprotect\", \"uname\", \"newfstatat\", \"fstat\", \"write\", \"exit_group\", \"mmap\","
        " \"munmap\", \"close\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";

/* A deny-list that libseccomp 2.5.4 blinds on x86: "accept" exists there only through
 * socketcall(2), so its rule leaves a pseudo-number entry that sorts first, and the x86
 * section never loads the syscall number: no x86 rule matches, mkdir included. */
static const char x86blind[] =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
        " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
        " \"syscalls\": [{\"names\": [\"accept\"], \"action\": \"SCMP_ACT_ERRNO\", "
        "\"errnoRet\": 13},"
        "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\","
        "   \"args\": [{\"index\": 1, \"value\": 511, \"op\": \"SCMP_CMP_EQ\"}]}]}";

/* Syscalls libseccomp 2.5.4 does not know, denied under an ALLOW default: runc and crun
 * skip those rules, and kseccomp run compiles the same rule list (it warns first), so the
 * calls run; the mkdir rule beside them is enforced. */
static const char unknown_names[] =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
        " \"syscalls\": [{\"names\": [\"mseal\", \"statmount\"], \"action\": \"SCMP_ACT_ERRNO\"},"
        "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";

/* The tutorial's audit profile. */
static const char audit[] = "{\"defaultAction\": \"SCMP_ACT_LOG\"}";

struct live_case {
	const char *profile;
	bool i386;
	const char *syscall;
	const char *args; /* space-separated, or "" */
	/* "errno N" / "signal 31" injected by the filter; "ran: ..." = executed, with that
	 * outcome ("ran: not errno N": any outcome of the call itself but that one) */
	const char *expect;
};

static const struct live_case cases[] = {
	{ denylist, false, "mkdir", "0 0", "errno 1" },
	{ denylist, false, "close", "-1", "errno 100" },
	{ denylist, false, "dup", "-1", "signal 31" },
	{ denylist, false, "dup2", "-1 -1", "signal 31" },
	{ denylist, false, "fchmod", "-1 0", "signal 31" },
	{ denylist, false, "fchdir", "-1", "errno 38" },
	{ denylist, false, "getppid", "", "ran: ret" },
	{ denylist, false, "socket", "2 1 0", "errno 97" },
	{ denylist, false, "read", "1000 0 0", "errno 5" },
	{ denylist, false, "read", "-1 0 0", "ran: errno 9" },
	{ denylist, false, "fchown", "-1 0x100000001 0", "errno 61" },
	{ denylist, false, "fchown", "-1 1 0", "ran: errno 9" },
	{ denylist, false, "lseek", "-1 0 0x11", "errno 95" },
	{ denylist, false, "lseek", "-1 0 0x21", "ran: errno 9" },
	{ denylist, false, "fsync", "77", "errno 44" },
	{ denylist, false, "fsync", "88", "errno 44" },
	{ denylist, false, "fsync", "99", "ran: errno 9" },
	{ denylist, false, "fdatasync", "5 6", "errno 45" },
	{ denylist, false, "fdatasync", "5 7", "ran: errno 9" },
	{ denylist, false, "ftruncate", "-1 0x100000000", "errno 46" },
	{ denylist, false, "ftruncate", "-1 0xffffffff", "ran: errno 9" },
	{ denylist, true, "close", "-1", "errno 100" },
	{ denylist, true, "mkdir", "0 0", "errno 1" },
	{ denylist, true, "dup", "-1", "signal 31" },
	{ denylist, true, "socket", "2 1 0", "errno 97" },
	{ denylist, true, "socketcall", "1 0", "errno 97" }, /* SYS_SOCKET through socketcall */
	{ denylist, true, "socketcall", "3 0", "ran: errno 14" }, /* connect: EFAULT */
	{ denylist, true, "fsync", "77", "errno 44" },
	{ denylist, true, "read", "-1 0 0", "ran: errno 9" },
	/* libseccomp compares only the low word on 32-bit arches: arg1 == 0x100000001 is
	 * arg1 == 1 for an i386 process. */
	{ denylist, true, "fchown", "-1 1 0", "errno 61" },
	{ denylist, true, "fchown", "-1 2 0", "ran: errno 9" },
	{ allowlist, false, "close", "-1", "ran: errno 9" },
	{ allowlist, false, "mkdir", "0 0", "errno 1" },
	{ allowlist, false, "1000", "", "errno 38" },
	{ allowlist, false, "cachestat", "-1 0 0 0", "errno 38" },
	{ allowlist, true, "close", "-1", "signal 31" }, /* i386 is not in the filter */
	{ audit, false, "getppid", "", "ran: ret" },
	{ x86blind, false, "mkdir", "0 511", "errno 1" },
	{ x86blind, true, "mkdir", "0 511", "ran: errno 14" },    /* the rule never matches */
	{ x86blind, true, "socketcall", "5 0", "ran: errno 14" }, /* accept: EFAULT */
	/* whatever the kernel answers (ENOSYS before Linux 6.8/6.10), not the rule's EPERM */
	{ unknown_names, false, "mseal", "0 0 0", "ran: not errno 1" },
	{ unknown_names, false, "statmount", "0 0 0 0", "ran: not errno 1" },
	{ unknown_names, false, "mkdir", "0 0", "errno 1" },
	/* The tutorial's profiles. */
	{ "@tutorial/audit.json", false, "read", "-1 0 0", "ran: errno 9" },
	{ "@tutorial/fine-grained.json", false, "read", "-1 0 0", "ran: errno 9" },
	{ "@tutorial/fine-grained.json", false, "mkdir", "0 0", "errno 1" },
	{ "@tutorial/fine-grained.json", false, "1000", "", "errno 38" },
	/* No i386 cases for fine-grained: it lists SCMP_ARCH_X86 but denies set_thread_area,
	 * so no 32-bit glibc program starts under it (glibc: "set_thread_area failed when
	 * setting up thread-local storage"). */
	{ audit, true, "getppid", "", "signal 31" }, /* native only: i386 is a bad arch */
};

static const char *kseccomp, *probe, *probe32, *tmpdir, *fixtures;
static const char *probe32_missing = "no i386 compiler (gcc-multilib)";

/* Whether the kernel runs the i386 probe at all: without ia32 emulation (CONFIG_IA32_EMULATION
 * off, ia32_emulation=0, some hypervisors' guests) execve refuses it with ENOEXEC. */
static bool
i386_runs(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			(void)dup2(null, STDOUT_FILENO);
		execl(path, path, "64", (char *)NULL); /* getppid on i386 */
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
/* the compiler `kseccomp run` and the prediction use: native, or libseccomp */
static const char *backend = "native";

#define MIN(a, b) ((a) < (b) ? (a) : (b))

static bool
streq_(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static int
write_profile(const char *json, char *path, size_t size)
{
	int fd, n;

	if (json[0] == '@') {
		n = snprintf(path, size, "%s/%s", fixtures, json + 1);
		return n < 0 || (size_t)n >= size ? -1 : 0;
	}

	n = snprintf(path, size, "%s/profile-XXXXXX", tmpdir);
	if (n < 0 || (size_t)n >= size)
		return -1;
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, json, strlen(json)) != (ssize_t)strlen(json)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Run kseccomp run and describe the outcome: "errno N", "ret N", "signal N", or "exit N". */
static void
run_case(const char *profile_path, const char *prog, uint32_t nr, const char *args, char *out,
         size_t size)
{
	char nrbuf[16], argbuf[128], *argv[16];
	int pipefd[2], status, argc = 0;
	char buf[128] = { 0 };
	ssize_t n = 0, k;
	pid_t pid;

	snprintf(nrbuf, sizeof(nrbuf), "%u", nr);
	snprintf(argbuf, sizeof(argbuf), "%s", args);
	argv[argc++] = (char *)kseccomp;
	argv[argc++] = "run";
	argv[argc++] = "--backend";
	argv[argc++] = (char *)backend;
	argv[argc++] = "--profile";
	argv[argc++] = (char *)profile_path;
	argv[argc++] = "--";
	argv[argc++] = (char *)prog;
	argv[argc++] = nrbuf;
	for (char *t = strtok(argbuf, " "); t && argc < 15; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	if (pipe(pipefd) < 0) {
		snprintf(out, size, "pipe failed");
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(kseccomp, argv);
		_exit(99);
	}
	close(pipefd[1]);
	while ((k = read(pipefd[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += k;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	buf[strcspn(buf, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) > 128)
		snprintf(out, size, "signal %d", WEXITSTATUS(status) - 128);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && buf[0])
		snprintf(out, size, "%s", buf);
	else
		snprintf(out, size, "exit %d (%s)", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		         buf);
}

/* What the interpreter says, in the same words. */
static void
predict(const char *profile_path, enum ksc_arch arch, uint32_t nr, const char *args, char *out,
        size_t size)
{
	struct ksc_compile_opts copts = {
		.backend =
		        streq_(backend, "libseccomp") ? KSC_BACKEND_LIBSECCOMP : KSC_BACKEND_NATIVE,
	};
	struct ksc_profile *p = NULL;
	struct ksc_bpf *prog = NULL;
	struct ksc_filter *filter = NULL;
	struct ksc_seccomp_data d = { .nr = (int32_t)nr, .arch = ksc_arch_audit_token(arch) };
	char argbuf[128];
	uint32_t ret;
	int i = 0;

	snprintf(argbuf, sizeof(argbuf), "%s", args);
	for (char *t = strtok(argbuf, " "); t && i < 6; t = strtok(NULL, " "))
		d.args[i++] = strtoull(t, NULL, 0);
	/* The probe is a 32-bit process on i386: its arguments are 32-bit registers. */
	if (arch == KSC_ARCH_X86)
		for (i = 0; i < 6; i++)
			d.args[i] &= 0xffffffffu;
	if (ksc_profile_load(profile_path, NULL, &p, NULL, NULL) < 0 ||
	    ksc_profile_compile(p, &copts, &prog, NULL, NULL) < 0) {
		snprintf(out, size, "compile failed");
		ksc_profile_free(p);
		return;
	}
	ret = ksc_bpf_run(prog, &d);
	/* The filter model must say the same as the program. */
	if (ksc_filter_new(p, NULL, &filter, NULL, NULL) < 0 ||
	    ksc_filter_decide(filter, &d, NULL) != ret) {
		snprintf(out, size, "the filter model disagrees with the program (%08x)", ret);
		ksc_filter_free(filter);
		ksc_bpf_free(prog);
		ksc_profile_free(p);
		return;
	}
	ksc_filter_free(filter);
	switch (ret & KSC_RET_ACTION_FULL) {
	case KSC_RET_ALLOW:
	case KSC_RET_LOG:
		snprintf(out, size, "ran");
		break;
	case KSC_RET_ERRNO:
		snprintf(out, size, "errno %u", MIN(ret & KSC_RET_DATA, 4095u));
		break;
	case KSC_RET_TRACE:
		snprintf(out, size, "errno %d", ENOSYS); /* no tracer attached */
		break;
	default:
		snprintf(out, size, "signal %d", SIGSYS);
	}
	ksc_bpf_free(prog);
	ksc_profile_free(p);
}

static bool
same_outcome(const char *expect, const char *got)
{
	if (strncmp(expect, "ran: not ", 9) == 0)
		return !streq_(expect + 9, got) &&
		       (strncmp(got, "ret ", 4) == 0 || strncmp(got, "errno ", 6) == 0);
	if (strncmp(expect, "ran: ret", 8) == 0)
		return strncmp(got, "ret ", 4) == 0;
	if (strncmp(expect, "ran: ", 5) == 0)
		return streq_(expect + 5, got);
	return streq_(expect, got);
}

static int
kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Find a seccomp audit record for comm try-syscall, syscall nr, code (SCMP_ACT_LOG). */
static bool
kmsg_has_record(int fd, uint32_t nr)
{
	char rec[2048], want[64];

	snprintf(want, sizeof(want), " syscall=%u ", nr);
	for (int tries = 0; tries < 50; tries++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0) {
			if (errno == EAGAIN) {
				usleep(20000);
				continue;
			}
			if (errno == EPIPE)
				continue; /* records were overwritten; keep reading */
			return false;
		}
		rec[n] = '\0';
		if (strstr(rec, "type=1326") && strstr(rec, "comm=\"try-syscall\"") &&
		    strstr(rec, want) && strstr(rec, "code=0x7ffc0000"))
			return true;
	}
	return false;
}

int
main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr,
		        "usage: %s KSECCOMP TRY_SYSCALL TRY_SYSCALL_32 TMPDIR FIXTURES [BACKEND]\n",
		        argv[0]);
		return 2;
	}
	if (argc == 7)
		backend = argv[6];
	fixtures = argv[5];
	kseccomp = argv[1];
	probe = argv[2];
	probe32 = argv[3];
	tmpdir = argv[4];
	if (*probe32 && !i386_runs(probe32)) {
		probe32 = "";
		probe32_missing = "this kernel does not run i386 code (no ia32 emulation)";
	}
	if (mkdir(tmpdir, 0755) < 0 && errno != EEXIST) {
		printf("1..0 # SKIP cannot make %s: %s\n", tmpdir, strerror(errno));
		return 0;
	}
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		printf("1..0 # SKIP the kernel has no seccomp\n");
		return 0;
	}
	if (ksc_arch_native() != KSC_ARCH_X86_64) {
		printf("1..0 # SKIP the cases are written for x86_64 hosts\n");
		return 0;
	}

	/* SCMP_ACT_LOG leaves an audit record (type=1326, code=0x7ffc0000). First, before the
	 * cases below log bursts that printk's rate limit would apply to; once more after the
	 * rate-limit window (5 s) if the record was suppressed. The deny-list logs getppid
	 * only. */
	{
		char path[512], got[192];
		uint32_t nr = 0;
		bool found = false;
		int kmsg = -1;

		if (write_profile(denylist, path, sizeof(path)) < 0 ||
		    ksc_syscall_resolve_name(KSC_ARCH_X86_64, "getppid", &nr) < 0) {
			ok(0, "cannot write a profile under %s", tmpdir);
		} else {
			for (int attempt = 0; attempt < 2 && !found; attempt++) {
				if (attempt)
					sleep(6);
				kmsg = kmsg_open_at_end();
				if (kmsg < 0)
					break;
				run_case(path, probe, nr, "", got, sizeof(got));
				found = kmsg_has_record(kmsg, nr);
				close(kmsg);
			}
			if (kmsg < 0 && !found)
				printf("ok %u - audit record for SCMP_ACT_LOG # SKIP /dev/kmsg: "
				       "%s\n",
				       ++tap_count_, strerror(errno));
			else
				ok(found,
				   "SCMP_ACT_LOG: the kernel logged type=1326 comm=\"try-syscall\" "
				   "syscall=%u code=0x7ffc0000",
				   nr);
			unlink(path);
		}
	}

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct live_case *c = &cases[i];
		enum ksc_arch arch = c->i386 ? KSC_ARCH_X86 : KSC_ARCH_X86_64;
		char path[512], got[192], predicted[64];
		uint32_t nr;

		if (c->i386 && !*probe32) {
			printf("ok %u - %s %s # SKIP %s\n", ++tap_count_, ksc_arch_name(arch),
			       c->syscall, probe32_missing);
			continue;
		}
		if (ksc_syscall_resolve_name(arch, c->syscall, &nr) < 0)
			nr = (uint32_t)strtoul(c->syscall, NULL, 0);
		if (write_profile(c->profile, path, sizeof(path)) < 0) {
			ok(0, "cannot write a profile under %s", tmpdir);
			continue;
		}
		run_case(path, c->i386 ? probe32 : probe, nr, c->args, got, sizeof(got));
		predict(path, arch, nr, c->args, predicted, sizeof(predicted));
		ok(same_outcome(c->expect, got), "kernel: %s %s(%s) -> %s (want %s)",
		   ksc_arch_name(arch), c->syscall, c->args, got, c->expect);
		ok(streq_(predicted, "ran")
		           ? strncmp(c->expect, "ran: ", 5) == 0 && same_outcome(c->expect, got)
		           : streq_(predicted, got),
		   "sim agrees: %s %s(%s) -> predicted %s, kernel %s", ksc_arch_name(arch),
		   c->syscall, c->args, predicted, got);
		if (c->profile[0] != '@')
			unlink(path);
	}

	return tap_done();
}
