/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp audit [FILE...|-] [--follow] [--since T] [--comm C] [--exe P] [--pid N]
 *                [--action A] [-o table|json|summary] [--generate -o PROFILE]
 */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <time.h>
#include <zlib.h>

#include "audit/audit.h"
#include "cli.h"
#include "pods.h"
#include "strbuf.h"

#define LINE_MAX_BYTES (64 * 1024)

enum output { OUT_TABLE, OUT_JSON, OUT_SUMMARY };

struct group {
	char comm[32]; /* a kernel's comm has at most 15 bytes */
	enum ksc_arch arch;
	uint32_t syscall;
	uint32_t code;
	uint64_t count;
};

struct state {
	/* filters */
	const char *comm, *exe, *action;
	int64_t pid;
	double since;
	enum output output;
	const char *generate; /* the profile to write, or NULL */
	bool header_done;
	/* what was seen */
	uint64_t records, shown, malformed, lost;
	char lost_example[256];
	struct group *groups;
	size_t n_groups;
	/* open addressing over groups: index + 1, 0 for a free slot; power-of-two size */
	uint32_t *slots;
	size_t n_slots;
	/* attribution cache: the last pid looked up */
	int64_t attributed_pid;
	char pod_uid[64], container_id[80];
	/* the local node's pod and container of that pid */
	const char *node_state, *pod_filter;
	char pod[256], container[64];
};

static void
help(void)
{
	fputs("Usage: kseccomp audit [OPTIONS] [FILE...|-]\n"
	      "\n"
	      "Read the kernel's seccomp audit records (type 1326) and name what they say: the\n"
	      "syscall in the table of the record's own architecture (i386 and x32 included),\n"
	      "the action and its errno, the process. Sources, recognised line by line: the\n"
	      "kernel log /dev/kmsg (the default, as root), syslog and kern.log, journalctl -k\n"
	      "(short or -o json), auditd's audit.log, dmesg, gzip'd rotated files, and\n"
	      "standard input ('-'). Lines that are no seccomp record are skipped; records that\n"
	      "cannot be read (cut short, say) are counted and reported; the kernel's notices\n"
	      "of lost records are reported. Names from records are printed with control\n"
	      "characters escaped (ESC as \\e, U+009B as \\u009b, a backslash as \\\\); -o json\n"
	      "carries them exactly.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --follow          keep reading: new kernel records, or lines appended to a\n"
	      "                        file, through its rotation as tail -F (renamed: the old\n"
	      "                        file to its end, then the new one; truncated: again\n"
	      "                        from the start)\n"
	      "      --since T         records from T on: seconds since the epoch, or an age\n"
	      "                        such as 90s, 10m, 2h, 1d\n"
	      "      --comm NAME       only this command name\n"
	      "      --exe PATH        only this executable\n"
	      "      --pid N           only this process\n"
	      "      --pod NAME        only the processes of this pod of the local node\n"
	      "      --state-dir DIR   the local node's state (see 'kseccomp apply --help')\n"
	      "      --action A        only this action: ALLOW, LOG, ERRNO, KILL, KILL_PROCESS,\n"
	      "                        TRAP, TRACE, NOTIFY\n"
	      "  -o, --output FMT      table (the default), json (one object per line) or\n"
	      "                        summary (counts per command, arch, syscall and action)\n"
	      "      --generate FILE   write a profile that allows every syscall the selected\n"
	      "                        records show (defaultAction SCMP_ACT_ERRNO, the arches "
	      "seen\n"
	      "                        and this machine's): the tutorial's manual step, done\n"
	      "  -h, --help            show this help\n"
	      "\n"
	      "ERRNO, TRAP and TRACE denials are logged only when the filter was installed with\n"
	      "SECCOMP_FILTER_FLAG_LOG ('kseccomp run --log-denials'); LOG and KILL always are.\n",
	      stdout);
}

static bool
parse_since(const char *s, double *ret)
{
	char *end = NULL;
	double v = strtod(s, &end), unit = 0;

	if (end == s || v < 0)
		return false;
	if (!*end) {
		*ret = v;
		return true;
	}
	if (streq(end, "s"))
		unit = 1;
	else if (streq(end, "m"))
		unit = 60;
	else if (streq(end, "h"))
		unit = 3600;
	else if (streq(end, "d"))
		unit = 86400;
	else
		return false;
	*ret = (double)time(NULL) - v * unit;
	return true;
}

static bool
action_matches(uint32_t code, const char *want)
{
	char name[32];

	audit_action_format(code, name, sizeof(name));
	if (streq(want, "KILL_THREAD"))
		want = "KILL";
	/* "ERRNO" matches "ERRNO(1)"; "KILL" does not match "KILL_PROCESS" */
	return streq(name, want) || (startswith(name, want) && name[strlen(want)] == '(');
}

static void
print_time(double t, char *buf, size_t size)
{
	time_t secs = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, size, "%.3f", t);
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (int)((t - (double)secs) * 1000 + 0.5) % 1000);
}

static uint64_t
group_hash(const char *comm, enum ksc_arch arch, uint32_t syscall, uint32_t code)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (const char *c = comm; *c && c < comm + sizeof(((struct group *)0)->comm) - 1; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	h = (h ^ (uint64_t)arch) * 1099511628211ull;
	h = (h ^ syscall) * 1099511628211ull;
	h = (h ^ code) * 1099511628211ull;
	/* the multiplications leave the low bits, which index the table, poorly mixed */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static int
grow_slots(struct state *st)
{
	size_t n = st->n_slots ? st->n_slots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < st->n_groups; i++) {
		const struct group *g = &st->groups[i];
		size_t k = group_hash(g->comm, g->arch, g->syscall, g->code) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(st->slots);
	st->slots = slots;
	st->n_slots = n;
	return 0;
}

/* Count n more for (comm, arch, syscall, code). */
static int
count_group(struct state *st, const char *comm, enum ksc_arch arch, uint32_t syscall, uint32_t code,
            uint64_t n)
{
	struct group *grown;
	size_t k;

	if (st->n_groups * 2 >= st->n_slots && grow_slots(st) < 0)
		return -ENOMEM;
	k = group_hash(comm, arch, syscall, code) & (st->n_slots - 1);
	for (; st->slots[k]; k = (k + 1) & (st->n_slots - 1)) {
		struct group *g = &st->groups[st->slots[k] - 1];

		if (g->arch == arch && g->syscall == syscall && g->code == code &&
		    strncmp(g->comm, comm, sizeof(g->comm) - 1) == 0) {
			g->count += n;
			return 0;
		}
	}
	if (st->n_groups % 1024 == 0) {
		grown = reallocarray(st->groups, st->n_groups + 1024, sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		st->groups = grown;
	}
	st->groups[st->n_groups] =
	        (struct group){ .arch = arch, .syscall = syscall, .code = code, .count = n };
	{
		char *c = st->groups[st->n_groups].comm;
		size_t len = strnlen(comm, sizeof(st->groups[0].comm) - 1);

		memcpy(c, comm, len);
		c[len] = '\0';
	}
	st->slots[k] = (uint32_t)++st->n_groups;
	return 0;
}

static int
add_group(struct state *st, const struct audit_record *r)
{
	return count_group(st, r->comm, r->arch, r->syscall, r->code, 1);
}

/* Who a pid is: a pod of the local node (its cgroup, or the pod's pid records), else a
 * Kubernetes pod UID and container ID from its cgroup while it lives. Cached per pid. */
static void
attribute(struct state *st, int64_t pid)
{
	if (pid <= 0 || pid == st->attributed_pid)
		return;
	st->attributed_pid = pid;
	if (audit_attribute(pid, st->pod_uid, sizeof(st->pod_uid), st->container_id,
	                    sizeof(st->container_id)) < 0)
		st->pod_uid[0] = st->container_id[0] = '\0';
	(void)node_attribute_pid(st->node_state, pid, st->pod, sizeof(st->pod), st->container,
	                         sizeof(st->container));
}

static void
show_record(struct state *st, const struct audit_record *r)
{
	char when[64], action[32], number[16];
	const char *arch = r->arch ? ksc_arch_name(r->arch) : "unknown";
	const char *name = r->name;

	if (!name) {
		snprintf(number, sizeof(number), "%" PRIu32, r->syscall);
		name = number;
	}
	print_time(r->time, when, sizeof(when));
	audit_action_format(r->code, action, sizeof(action));
	attribute(st, r->pid);
	if (st->output == OUT_JSON) {
		printf("{\"time\": \"%s\", \"serial\": %" PRIu64 ", \"pid\": %" PRId64
		       ", \"comm\": ",
		       when, r->serial, r->pid);
		cli_print_json_string(r->comm);
		printf(", \"exe\": ");
		cli_print_json_string(r->exe);
		printf(", \"arch\": \"%s\", \"syscall\": ", arch);
		cli_print_json_string(name);
		printf(", \"nr\": %" PRIu32 ", \"action\": \"%s\", \"code\": \"0x%08" PRIx32
		       "\", \"sig\": %d, \"compat\": %d, \"ip\": \"0x%" PRIx64
		       "\", \"auid\": %" PRId64 ", \"uid\": %" PRId64 ", \"gid\": %" PRId64
		       ", \"ses\": %" PRId64,
		       r->syscall, action, r->code, r->sig, r->compat, r->ip, r->auid, r->uid,
		       r->gid, r->ses);
		if (*r->subj) {
			printf(", \"subj\": ");
			cli_print_json_string(r->subj);
		}
		if (*st->pod_uid)
			printf(", \"pod_uid\": \"%s\"", st->pod_uid);
		if (*st->container_id)
			printf(", \"container_id\": \"%s\"", st->container_id);
		if (*st->pod) {
			printf(", \"pod\": ");
			cli_print_json_string(st->pod);
			printf(", \"container\": ");
			cli_print_json_string(st->container);
		}
		printf("}\n");
		return;
	}
	if (!st->header_done) {
		printf("%-24s %-7s %-16s %-8s %-20s %-14s %s\n", "TIME", "PID", "COMM", "ARCH",
		       "SYSCALL", "ACTION", "EXE");
		st->header_done = true;
	}
	/* comm and exe are the process's own choice (prctl(PR_SET_NAME), the file name): the
	 * kernel hex-encodes them when they hold controls, and they are shown escaped; -o json
	 * carries them exactly */
	printf("%-24s %-7" PRId64 " %-16s %-8s %-20s %-14s %s", when, r->pid, cli_escape(r->comm),
	       arch, name, action, cli_escape(r->exe));
	if (*st->pod)
		printf(" pod=%s container=%s", cli_escape(st->pod), cli_escape(st->container));
	else if (*st->container_id)
		printf(" container=%.12s", st->container_id);
	putchar('\n');
}

static int
handle_line(struct state *st, const char *line, size_t len)
{
	struct audit_record r;
	char lost[256];

	switch (audit_parse_line(line, len, &r, lost, sizeof(lost))) {
	case AUDIT_LINE_OTHER:
		return 0;
	case AUDIT_LINE_MALFORMED:
		st->malformed++;
		return 0;
	case AUDIT_LINE_LOST:
		if (!st->lost++)
			snprintf(st->lost_example, sizeof(st->lost_example), "%s", lost);
		return 0;
	case AUDIT_LINE_RECORD:
	default:
		break;
	}
	st->records++;
	if ((st->comm && !streq(r.comm, st->comm)) || (st->exe && !streq(r.exe, st->exe)) ||
	    (st->pid >= 0 && r.pid != st->pid) || (st->since > 0 && r.time < st->since) ||
	    (st->action && !action_matches(r.code, st->action)))
		return 0;
	if (st->pod_filter) {
		attribute(st, r.pid);
		if (!streq(st->pod, st->pod_filter))
			return 0;
	}
	st->shown++;
	if (st->output == OUT_SUMMARY || st->generate)
		return add_group(st, &r);
	show_record(st, &r);
	return 0;
}

/* The lines of buf[0..len) that can matter: every seccomp record and lost-record notice
 * says "audit", so the block is searched for that word and only the lines holding it are
 * looked at (the way grep outruns a line-by-line reader). */
static int
scan_block(struct state *st, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *a = memmem(p, (size_t)(end - p), "audit", 5), *start, *nl;
		size_t n;

		if (!a)
			break;
		start = memrchr(p, '\n', (size_t)(a - p));
		start = start ? start + 1 : p;
		nl = memchr(a, '\n', (size_t)(end - a));
		n = (size_t)((nl ? nl : end) - start);
		if (n > LINE_MAX_BYTES)
			n = LINE_MAX_BYTES; /* longer than any record: it is none */
		while (n && start[n - 1] == '\r')
			n--;
		if (handle_line(st, start, n) < 0)
			return -ENOMEM;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* A second thread for the summary and --generate modes, where the order of records does not
 * matter: it scans every other block into a state of its own, merged at the end. */
struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *job; /* a block to scan and free, or NULL */
	size_t job_len;
	bool quit;
	int r;
	struct state st;
};

static void *
worker_main(void *userdata)
{
	struct worker *w = userdata;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		char *job;
		size_t len;

		while (!w->job && !w->quit)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->job)
			break;
		job = w->job;
		len = w->job_len;
		pthread_mutex_unlock(&w->lock);
		if (w->r >= 0)
			w->r = scan_block(&w->st, job, len);
		free(job);
		pthread_mutex_lock(&w->lock);
		w->job = NULL;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Hand a block over (waiting until the worker is free); it frees the block. */
static void
worker_give(struct worker *w, char *job, size_t len)
{
	pthread_mutex_lock(&w->lock);
	while (w->job)
		pthread_cond_wait(&w->cond, &w->lock);
	w->job = job;
	w->job_len = len;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int
worker_finish(struct worker *w, struct state *st)
{
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	st->records += w->st.records;
	st->shown += w->st.shown;
	st->malformed += w->st.malformed;
	if (w->st.lost && !st->lost)
		memcpy(st->lost_example, w->st.lost_example, sizeof(st->lost_example));
	st->lost += w->st.lost;
	for (size_t i = 0; w->r >= 0 && i < w->st.n_groups; i++) {
		const struct group *g = &w->st.groups[i];

		w->r = count_group(st, g->comm, g->arch, g->syscall, g->code, g->count);
	}
	free(w->st.groups);
	free(w->st.slots);
	return w->r;
}

/*
 * Following a file as `tail -F` does, through both ways logrotate rotates it:
 * - rename (the default, then `create`): the path names a new file. The old one is read to
 *   its end (the writer may still have appended to it), then the path is opened again and
 *   read from its start.
 * - copytruncate: the same file is cut to zero and written again from the start. Seen as a
 *   size below what was read, or, when the writer has already written past that point
 *   again, as other bytes just before it than the ones read there.
 */
struct follow {
	dev_t dev;
	ino_t ino;
	off_t offset; /* bytes of the file read when its end was last reached */
	/* the bytes just before offset, as read then: enough for the last record whole,
	 * whose audit(TIME:SERIAL) no other record has (consecutive records of one process
	 * often end in the same 100 bytes) */
	char tail[4096];
	size_t tail_len;
	bool replaced; /* the path names another file: drain this one, then open that */
	bool regular;  /* only a regular file is checked (not standard input, a pipe) */
};

enum follow_event { FOLLOW_SAME, FOLLOW_TRUNCATED, FOLLOW_REPLACED };

static void
follow_start(struct follow *f, int fd)
{
	struct stat s;

	*f = (struct follow){ 0 };
	if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode))
		return;
	f->regular = true;
	f->dev = s.st_dev;
	f->ino = s.st_ino;
}

/* At the end of the file: remember how far it was read and the bytes that end there. */
static void
follow_mark(struct follow *f, int fd)
{
	off_t offset = lseek(fd, 0, SEEK_CUR);
	size_t n;

	if (!f->regular || offset < 0 || offset == f->offset)
		return;
	n = (size_t)MIN(offset, (off_t)sizeof(f->tail));
	f->offset = offset;
	f->tail_len = pread(fd, f->tail, n, offset - (off_t)n) == (ssize_t)n ? n : 0;
}

/* Before reading on from the mark: what happened to the file and to its path meanwhile. */
static enum follow_event
follow_check(const struct follow *f, int fd, const char *path)
{
	struct stat now, at_path;
	char tail[sizeof(f->tail)];

	if (!f->regular || fstat(fd, &now) < 0)
		return FOLLOW_SAME;
	if (now.st_size < f->offset ||
	    (f->tail_len && (pread(fd, tail, f->tail_len, f->offset - (off_t)f->tail_len) !=
	                             (ssize_t)f->tail_len ||
	                     memcmp(tail, f->tail, f->tail_len) != 0)))
		return FOLLOW_TRUNCATED;
	/* a path that names nothing yet (between the rename and the new file) is waited on */
	if (stat(path, &at_path) == 0 && (at_path.st_dev != f->dev || at_path.st_ino != f->ino))
		return FOLLOW_REPLACED;
	return FOLLOW_SAME;
}

static int
open_stream(const char *path, int *ret_fd, gzFile *ret_gz)
{
	int fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	gzFile gz;

	if (fd < 0) {
		int r = negative_errno();

		cli_error("%s: %s", path, strerror(-r));
		return r;
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		cli_error("%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	(void)gzbuffer(gz, 256u << 10);
	*ret_fd = fd;
	*ret_gz = gz;
	return 0;
}

/* A file or standard input, gzip'd or not (zlib reads both), in blocks. */
static int
read_stream(struct state *st, const char *path, bool follow)
{
	const size_t block = 4u << 20;
	_cleanup_(freep) char *carry = malloc(LINE_MAX_BYTES);
	size_t kept = 0; /* a partial last line carried to the next block */
	bool parallel = !follow && (st->output == OUT_SUMMARY || st->generate);
	struct worker w = { .st = *st,
		            .lock = PTHREAD_MUTEX_INITIALIZER,
		            .cond = PTHREAD_COND_INITIALIZER };
	struct follow fw;
	unsigned turn = 0;
	gzFile gz = NULL;
	int fd = -1, r = 0;

	if (!carry)
		return -ENOMEM;
	r = open_stream(path, &fd, &gz);
	if (r < 0)
		return r;
	follow_start(&fw, fd);
	if (parallel) {
		w.st.records = w.st.shown = w.st.malformed = w.st.lost = 0;
		w.st.groups = NULL;
		w.st.slots = NULL;
		w.st.n_groups = w.st.n_slots = 0;
		parallel = pthread_create(&w.thread, NULL, worker_main, &w) == 0;
	}
	for (;;) {
		char *buf = malloc(kept + block);
		const char *last_nl;
		size_t have;
		int n;

		if (!buf) {
			r = -ENOMEM;
			break;
		}
		memcpy(buf, carry, kept);
		n = gzread(gz, buf + kept, (unsigned)block);
		if (n < 0) {
			int err;

			cli_error("%s: cannot read: %s", path, gzerror(gz, &err));
			free(buf);
			r = -EIO;
			break;
		}
		if (n == 0) {
			enum follow_event ev;

			/* the last line, without a newline: at the very end, and when following,
			 * at the end of a file that is left for good (a rotated one) */
			if (kept && (!follow || fw.replaced))
				r = scan_block(st, buf, kept);
			free(buf);
			if (!follow || r < 0)
				break;
			if (fw.replaced) {
				/* the old file is drained: the new one, from its start */
				gzclose(gz);
				gz = NULL;
				kept = 0;
				r = open_stream(path, &fd, &gz);
				if (r < 0)
					break;
				follow_start(&fw, fd);
				continue;
			}
			gzclearerr(gz);
			follow_mark(&fw, fd);
			(void)poll(NULL, 0, 200);
			ev = follow_check(&fw, fd, path);
			if (ev == FOLLOW_REPLACED)
				fw.replaced = true; /* read on to the end first */
			else if (ev == FOLLOW_TRUNCATED) {
				/* what was carried is the start of a line whose rest is gone */
				if (kept)
					r = scan_block(st, carry, kept);
				kept = 0;
				if (r < 0 || gzrewind(gz) < 0) {
					r = r < 0 ? r : -EIO;
					break;
				}
				follow_start(&fw, fd);
			}
			continue;
		}
		have = kept + (size_t)n;
		last_nl = memrchr(buf, '\n', have);
		if (!last_nl) {
			/* no line end yet: keep at most one line's worth */
			kept = have > LINE_MAX_BYTES ? 0 : have;
			memcpy(carry, buf, kept);
			free(buf);
			continue;
		}
		kept = have - (size_t)(last_nl + 1 - buf);
		if (kept > LINE_MAX_BYTES)
			kept = 0;
		memcpy(carry, last_nl + 1, kept);
		if (parallel && turn++ % 2 == 0)
			worker_give(&w, buf, (size_t)(last_nl - buf));
		else {
			r = scan_block(st, buf, (size_t)(last_nl - buf));
			free(buf);
			if (r < 0)
				break;
		}
		if (st->output != OUT_SUMMARY && !st->generate)
			fflush(stdout);
	}
	if (parallel) {
		int wr = worker_finish(&w, st);

		if (r >= 0)
			r = wr;
	}
	if (gz)
		gzclose(gz);
	return r;
}

/* /dev/kmsg: one record per read(); continuation lines (" KEY=value") follow. */
static int
read_kmsg(struct state *st, bool follow)
{
	char buf[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NONBLOCK));

	if (fd < 0) {
		cli_error("/dev/kmsg: %s%s", strerror(errno),
		          errno == EACCES || errno == EPERM ? " (reading the kernel log needs root)"
		                                            : "");
		return -errno;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		char *nl;
		int r;

		if (n < 0 && errno == EPIPE) {
			/* the ring buffer overwrote records before we read them */
			if (!st->lost++)
				snprintf(st->lost_example, sizeof(st->lost_example),
				         "/dev/kmsg: the kernel's ring buffer overwrote records "
				         "before "
				         "they were read");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			int e = errno;

			cli_error("/dev/kmsg: %s", strerror(e));
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		buf[n] = '\0';
		nl = strchr(buf, '\n');
		r = handle_line(st, buf, nl ? (size_t)(nl - buf) : (size_t)n);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	close(fd);
	return 0;
}

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	int c;

	/* most frequent first; ties in a fixed order, whatever order the records came in */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(x->comm, y->comm);
	if (c)
		return c;
	if (x->arch != y->arch)
		return x->arch < y->arch ? -1 : 1;
	if (x->syscall != y->syscall)
		return x->syscall < y->syscall ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

static void
print_summary(struct state *st)
{
	/* qsort()'s array may not be NULL, even for no element (C11 7.22.5) */
	if (st->n_groups)
		qsort(st->groups, st->n_groups, sizeof(*st->groups), group_cmp);
	printf("%-8s %-16s %-8s %-20s %s\n", "COUNT", "COMM", "ARCH", "SYSCALL", "ACTION");
	for (size_t i = 0; i < st->n_groups; i++) {
		const struct group *g = &st->groups[i];
		const char *name = g->arch ? ksc_syscall_name(g->arch, g->syscall) : NULL;
		char action[32], number[16];

		if (!name) {
			snprintf(number, sizeof(number), "%" PRIu32, g->syscall);
			name = number;
		}
		audit_action_format(g->code, action, sizeof(action));
		printf("%-8" PRIu64 " %-16s %-8s %-20s %s\n", g->count, cli_escape(g->comm),
		       g->arch ? ksc_arch_name(g->arch) : "unknown", name, action);
	}
}

/* The tutorial's step: a profile that allows what the records show. */
static int
write_profile(struct state *st)
{
	_cleanup_(freep) const char **names = calloc(st->n_groups + 2, sizeof(char *));
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct strbuf sb = { 0 };
	size_t n_names = 0, n_arches = 0;
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	int r;

	if (!names)
		return -ENOMEM;
	arches[n_arches++] = ksc_arch_native();
	for (size_t i = 0; i < st->n_groups; i++) {
		const struct group *g = &st->groups[i];
		const char *name = g->arch ? ksc_syscall_name(g->arch, g->syscall) : NULL;
		bool seen = false;

		if (!name) {
			cli_warning("%s syscall %" PRIu32 " has no name: left out of the profile",
			            g->arch ? ksc_arch_name(g->arch) : "an unknown arch's",
			            g->syscall);
			continue;
		}
		for (size_t k = 0; k < n_arches && !seen; k++)
			seen = arches[k] == g->arch;
		if (!seen && n_arches < ELEMENTSOF(arches))
			arches[n_arches++] = g->arch;
		seen = false;
		for (size_t k = 0; k < n_names && !seen; k++)
			seen = streq(names[k], name);
		if (!seen)
			names[n_names++] = name;
	}
	if (n_names == 0) {
		cli_error("no records selected: no profile written");
		return -ENOENT;
	}
	/* The runtime executes the workload after it installs the filter, and that execve is
	 * logged under the runtime's name, not the workload's: allow it. */
	{
		bool seen = false;

		for (size_t k = 0; k < n_names && !seen; k++)
			seen = streq(names[k], "execve");
		if (!seen)
			names[n_names++] = "execve";
	}
	qsort(names, n_names, sizeof(*names), strp_cmp);
	strbuf_puts(&sb, "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [");
	for (size_t i = 0; i < n_arches; i++)
		strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", ksc_arch_oci_name(arches[i]));
	strbuf_puts(&sb, "],\n  \"syscalls\": [{\"names\": [");
	for (size_t i = 0; i < n_names; i++)
		strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", names[i]);
	strbuf_puts(&sb, "], \"action\": \"SCMP_ACT_ALLOW\"}]\n}\n");
	r = strbuf_finish(&sb, &text, &len);
	if (r < 0)
		return r;
	/* the canonical form, as 'profile fmt' writes it */
	{
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		_cleanup_(freep) char *canonical = NULL;
		size_t clen = 0;

		r = ksc_profile_parse(st->generate, text, len, NULL, &p, NULL, NULL);
		if (r == 0)
			r = ksc_profile_write_json(p, &canonical, &clen);
		if (r == 0)
			r = cli_write_file(st->generate, canonical, clen);
	}
	if (r == 0)
		fprintf(stderr, "kseccomp: wrote %s: %zu syscalls on %zu architecture%s\n",
		        cli_escape(st->generate), n_names, n_arches, n_arches == 1 ? "" : "s");
	return r;
}

int
verb_audit(int argc, char **argv)
{
	static const struct option options[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		{ "comm", required_argument, NULL, 'c' },
		{ "exe", required_argument, NULL, 'e' },
		{ "pid", required_argument, NULL, 'p' },
		{ "action", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "generate", required_argument, NULL, 'g' },
		{ "pod", required_argument, NULL, 'P' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct state st = { .pid = -1, .attributed_pid = -1 };
	struct node_opts node = { .executor_set = true };
	bool follow = false;
	int c, r = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fo:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case 's':
			if (!parse_since(optarg, &st.since))
				return cli_usage_error(
				        "audit",
				        "--since '%s': expected seconds since the epoch "
				        "or an age such as 10m",
				        optarg);
			break;
		case 'c':
			st.comm = optarg;
			break;
		case 'e':
			st.exe = optarg;
			break;
		case 'P':
			st.pod_filter = optarg;
			break;
		case 'S':
			node.state = optarg;
			break;
		case 'p': {
			char *end = NULL;

			st.pid = strtoll(optarg, &end, 10);
			if (!*optarg || *end || st.pid < 0)
				return cli_usage_error("audit", "--pid '%s': not a process ID",
				                       optarg);
			break;
		}
		case 'a': {
			static const char *const actions[] = {
				"ALLOW",        "LOG",  "ERRNO", "KILL",  "KILL_THREAD",
				"KILL_PROCESS", "TRAP", "TRACE", "NOTIFY"
			};
			bool known = false;

			for (size_t i = 0; i < ELEMENTSOF(actions); i++)
				known = known || streq(optarg, actions[i]);
			if (!known)
				return cli_usage_error("audit", "--action '%s': unknown action",
				                       optarg);
			st.action = optarg;
			break;
		}
		case 'o': {
			int format;

			/* in the order of enum output */
			if (cli_parse_output(
			            "audit", optarg,
			            (const char *const[]){ "table", "json", "summary", NULL }, 3,
			            &format) != 0)
				return EXIT_USAGE;
			st.output = (enum output)format;
			break;
		}
		case 'g':
			st.generate = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("audit", argv, c);
		}
	}
	if (st.generate && follow)
		return cli_usage_error("audit", "--generate needs the records to end: not with "
		                                "--follow");
	node_opts_defaults(&node);
	st.node_state = node.state;
	if (optind >= argc)
		r = read_kmsg(&st, follow);
	for (int i = optind; i < argc && r >= 0; i++)
		r = read_stream(&st, argv[i], follow && i == argc - 1);
	if (r < 0 && r != -ENOENT)
		return 1;
	if (st.output == OUT_SUMMARY && !st.generate)
		print_summary(&st);
	if (st.malformed)
		cli_warning("%" PRIu64 " seccomp record%s could not be read", st.malformed,
		            st.malformed == 1 ? "" : "s");
	if (st.lost)
		cli_warning("records were lost (%" PRIu64 " notice%s, e.g. \"%s\"): the kernel "
		            "rate-limits audit messages, so syscalls may be missing",
		            st.lost, st.lost == 1 ? "" : "s", st.lost_example);
	if (st.shown == 0)
		cli_warning("no seccomp records%s. ERRNO, TRAP and TRACE denials are logged only "
		            "when the filter has SECCOMP_FILTER_FLAG_LOG ('kseccomp run "
		            "--log-denials'); SCMP_ACT_LOG and KILL always are",
		            st.records ? " match the filters" : " found");
	if (st.generate)
		r = write_profile(&st);
	free(st.groups);
	free(st.slots);
	return st.generate && r < 0 ? 1 : 0;
}
