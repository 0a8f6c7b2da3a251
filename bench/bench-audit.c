/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-audit: 'kseccomp audit -o summary' against 'grep -c type=1326' on the same generated
 * log, in the same run: throughput of each, the ratio, and kseccomp's peak memory, which
 * must not grow with the log.
 *
 * Usage: bench-audit KSECCOMP [SIZE_MIB] [WORKDIR]
 *
 * The log mixes the kernel's seccomp records in every format kseccomp reads (syslog, kmsg,
 * dmesg, journal JSON, auditd), across 4 arches and 40 processes each using some 60
 * syscalls, with ordinary log lines (3 of 4 lines are not seccomp records) and a few
 * lost-record notices. It is written once
 * and read from the page cache by both tools, twice each; the better run counts.
 *
 * Both tools write to a pipe the benchmark reads, never to /dev/null: GNU grep notices an
 * output of /dev/null and stops at the first match, so it would not read the log at all.
 * grep's count is checked against the number of matching lines written.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x61756469742d6c6fULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Write the log; *ret_matching counts its lines with "type=1326" in them. */
static int
generate(const char *path, uint64_t bytes, uint64_t *ret_matching)
{
	static const char *const other[] = {
		"Nov 23 14:00:03 node1 systemd[1]: Started Session 4 of user root.",
		("Nov 23 14:00:04 node1 kubelet[812]: I1123 14:00:04.123456     812 "
		 "kubelet.go:2452] "
		 "\"SyncLoop (PLEG): event for pod\" pod=\"default/web-5d9f\""),
		("Nov 23 14:00:05 node1 containerd[701]: time=\"2026-11-23T14:00:05Z\" level=info "
		 "msg=\"StartContainer for \\\"4f1c\\\" returns successfully\""),
		"[ 4711.000123] IPv6: ADDRCONF(NETDEV_CHANGE): vethb1c2: link becomes ready",
	};
	static const struct {
		const char *token;
		unsigned nr_max;
	} arches[] = {
		{ "c000003e", 460 }, { "40000003", 460 }, { "c00000b7", 460 }, { "c000003e", 0 }
	};
	char *buf = malloc(1 << 20);
	uint64_t written = 0, serial = 1, matching = 0;
	FILE *f = fopen(path, "w");

	if (!f || !buf)
		return -1;
	while (written < bytes) {
		size_t len = 0;

		while (len < (1 << 20) - 1024) {
			unsigned kind = rnd(16), a = rnd(4);
			/* a program uses some 60 syscalls, not all of them */
			unsigned nr = arches[a].nr_max ? (rnd(60) * 7) % arches[a].nr_max
			                               : 0x40000000 + (rnd(60) * 7) % 500;
			char rec[512];

			if (kind < 12) {
				len += (size_t)sprintf(buf + len, "%s\n", other[rnd(4)]);
				continue;
			}
			snprintf(rec, sizeof(rec),
			         "audit(1763906401.%03u:%" PRIu64 "): auid=4294967295 uid=0 gid=0 "
			         "ses=4294967295 subj=unconfined pid=%u comm=\"worker-%u\" "
			         "exe=\"/usr/bin/worker\" sig=0 arch=%s syscall=%u compat=0 "
			         "ip=0x7f0011223344 code=0x%s",
			         rnd(1000), serial++, 1000 + rnd(40), rnd(40), arches[a].token, nr,
			         rnd(2) ? "7ffc0000" : "00050001");
			unsigned format = rnd(5);

			/* every format but auditd's own (type=SECCOMP) spells the type out */
			matching += format != 4;
			switch (format) {
			case 0:
				len += (size_t)sprintf(
				        buf + len,
				        "Nov 23 14:00:01 node1 kernel: audit: type=1326 %s\n", rec);
				break;
			case 1:
				len += (size_t)sprintf(buf + len,
				                       "6,%" PRIu64 ",123456789,-;audit: "
				                       "type=1326 %s\n",
				                       serial, rec);
				break;
			case 2:
				len += (size_t)sprintf(buf + len,
				                       "[ 4711.000123] audit: type=1326 %s\n", rec);
				break;
			case 3: {
				char esc[1024];
				size_t e = 0;

				for (const char *c = rec; *c && e + 2 < sizeof(esc); c++) {
					if (*c == '"')
						esc[e++] = '\\';
					esc[e++] = *c;
				}
				esc[e] = '\0';
				len += (size_t)sprintf(
				        buf + len,
				        "{\"__REALTIME_TIMESTAMP\": \"1763906401000000\", "
				        "\"MESSAGE\": \"audit: type=1326 %s\"}\n",
				        esc);
				break;
			}
			default:
				len += (size_t)sprintf(buf + len, "type=SECCOMP msg=%s\n", rec);
				break;
			}
			if (rnd(100000) == 0)
				len += (size_t)sprintf(buf + len,
				                       "[ 4711.5] kauditd_printk_skb: 9 callbacks "
				                       "suppressed\n");
		}
		if (fwrite(buf, 1, len, f) != len) {
			fclose(f);
			free(buf);
			return -1;
		}
		written += len;
	}
	free(buf);
	*ret_matching = matching;
	return fclose(f);
}

/* Run argv with its standard output into a pipe read here (the first out_size - 1 bytes
 * kept in out); wall time, or -1, and peak RSS (KiB). */
static double
run(char *const argv[], char *out, size_t out_size, long *ret_maxrss)
{
	struct rusage ru;
	double t0 = now();
	size_t kept = 0;
	int status, fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fds[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (kept + 1 < out_size) {
			size_t take =
			        (size_t)n < out_size - 1 - kept ? (size_t)n : out_size - 1 - kept;

			memcpy(out + kept, chunk, take);
			kept += take;
		}
	}
	out[kept] = '\0';
	close(fds[0]);
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	*ret_maxrss = ru.ru_maxrss;
	return now() - t0;
}

int
main(int argc, char **argv)
{
	const char *kseccomp = argc > 1 ? argv[1] : "kseccomp";
	uint64_t mib = argc > 2 ? strtoull(argv[2], NULL, 10) : 2048;
	const char *dir = argc > 3 ? argv[3] : "/tmp";
	char path[512];
	double t_grep = 1e9, t_ksc = 1e9, t;
	long rss_grep = 0, rss_ksc = 0, rss;
	uint64_t matching = 0;
	char out[4096];
	double gib;

	snprintf(path, sizeof(path), "%s/bench-audit-%d.log", dir, getpid());
	fprintf(stderr, "writing %" PRIu64 " MiB to %s...\n", mib, path);
	if (generate(path, mib << 20, &matching) < 0) {
		perror(path);
		return 1;
	}
	gib = (double)(mib << 20) / (double)(1 << 30);
	{
		char *grep[] = { "grep", "-c", "type=1326", path, NULL };
		char *ksc[] = { (char *)kseccomp, "audit", "-o", "summary", path, NULL };

		/* warm the page cache, then the better of two runs each */
		(void)run(grep, out, sizeof(out), &rss);
		for (int i = 0; i < 2; i++) {
			t = run(grep, out, sizeof(out), &rss);
			if (t < 0 || strtoull(out, NULL, 10) != matching) {
				fprintf(stderr, "grep counted %s lines, %" PRIu64 " were written\n",
				        t < 0 ? "no" : out, matching);
				unlink(path);
				return 1;
			}
			if (t < t_grep)
				t_grep = t, rss_grep = rss;
			t = run(ksc, out, sizeof(out), &rss);
			if (t < 0) {
				fprintf(stderr, "%s audit failed\n", kseccomp);
				unlink(path);
				return 1;
			}
			if (t < t_ksc)
				t_ksc = t, rss_ksc = rss;
		}
	}
	if (getenv("BENCH_KEEP"))
		fprintf(stderr, "kept %s\n", path);
	else
		unlink(path);
	printf("log: %.2f GiB, a quarter of its lines seccomp records (5 formats, 4 arches)\n",
	       gib);
	printf("grep -c type=1326:       %6.2f s  %7.0f MiB/s  peak %ld KiB  (%" PRIu64
	       " lines, checked)\n",
	       t_grep, (double)mib / t_grep, rss_grep, matching);
	printf("kseccomp audit -o summary: %6.2f s  %7.0f MiB/s  peak %ld KiB\n", t_ksc,
	       (double)mib / t_ksc, rss_ksc);
	printf("ratio kseccomp/grep: %.2fx (target: within 3x)\n", t_ksc / t_grep);
	return 0;
}
