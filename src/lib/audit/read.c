/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/audit.h>
#include <inttypes.h>
#include <stdarg.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "macro.h"
#include "netlink.h"
#include "read.h"

/* Longer than any record: a line cut here is none. */
#define LINE_MAX_BYTES (64 * 1024)

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

/* Who a pid is: a pod of the local node (its cgroup, or the pod's pid records), else a
 * Kubernetes pod UID and container ID from its cgroup while it lives. Cached per pid. */
static void
attribute(struct audit_reader *ar, int64_t pid)
{
	struct audit_who *w = &ar->who;

	struct timespec now;
	int64_t now_ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	/* a process not (yet) known to belong to a pod is asked again a little later: the
	 * node may record it only after its first calls */
	if (pid <= 0 || (pid == w->pid && (*w->pod || *w->pod_uid || now_ms - w->asked_ms < 500)))
		return;
	w->pid = pid;
	w->asked_ms = now_ms;
	if (audit_attribute(pid, w->pod_uid, sizeof(w->pod_uid), w->container_id,
	                    sizeof(w->container_id)) < 0)
		w->pod_uid[0] = w->container_id[0] = '\0';
	if (ar->attribute_pod)
		(void)ar->attribute_pod(ar->node_state, pid, w->pod, sizeof(w->pod), w->container,
		                        sizeof(w->container));
}

static bool
selected(struct audit_reader *ar, const struct audit_record *r)
{
	const struct audit_select *s = &ar->select;

	if ((s->comm && !streq(r->comm, s->comm)) || (s->exe && !streq(r->exe, s->exe)) ||
	    (s->pid >= 0 && r->pid != s->pid) || (s->since > 0 && r->time < s->since) ||
	    (s->action && !action_matches(r->code, s->action)))
		return false;
	if (s->pod) {
		attribute(ar, r->pid);
		if (!streq(ar->who.pod, s->pod))
			return false;
	}
	return true;
}

static int
handle_line(struct audit_reader *ar, const char *line, size_t len)
{
	struct audit_record r;
	char lost[256];

	switch (audit_parse_line(line, len, &r, lost, sizeof(lost))) {
	case AUDIT_LINE_OTHER:
		return 0;
	case AUDIT_LINE_MALFORMED:
		ar->malformed++;
		return 0;
	case AUDIT_LINE_LOST: {
		const char *at = strstr(lost, " callbacks suppressed");

		if (!ar->lost++)
			snprintf(ar->lost_example, sizeof(ar->lost_example), "%s", lost);
		/* "kauditd_printk_skb: 12 callbacks suppressed": 12 records not printed */
		if (at) {
			const char *p = at;

			while (p > lost && p[-1] >= '0' && p[-1] <= '9')
				p--;
			if (p < at)
				ar->suppressed += strtoull(p, NULL, 10);
		}
		return 0;
	}
	case AUDIT_LINE_RECORD:
	default:
		break;
	}
	ar->records++;
	if (!selected(ar, &r))
		return 0;
	ar->shown++;
	if (ar->aggregate)
		return audit_groups_add(&ar->groups, r.comm, r.arch, r.syscall, r.code, 1);
	attribute(ar, r.pid);
	if (ar->on_record)
		ar->on_record(ar->userdata, &r, &ar->who);
	return 0;
}

int
audit_reader_line(struct audit_reader *ar, const char *line, size_t len)
{
	return handle_line(ar, line, len);
}

void
audit_reader_lose(struct audit_reader *ar, uint64_t n, const char *fmt, ...)
{
	va_list ap;

	if (!ar->lost++) {
		va_start(ap, fmt);
		vsnprintf(ar->lost_example, sizeof(ar->lost_example), fmt, ap);
		va_end(ap);
	}
	ar->lost_records += n;
}

static bool
serial_bit(const struct audit_serials *s, uint32_t serial)
{
	uint32_t b = serial % AUDIT_SERIAL_WINDOW;

	return s->seen[b / 64] & (UINT64_C(1) << (b % 64));
}

/* The oldest unsettled number: counted when it was never seen. */
static void
serial_settle_one(struct audit_serials *s)
{
	uint32_t b = s->lo % AUDIT_SERIAL_WINDOW;

	if (!serial_bit(s, s->lo))
		s->missing++;
	s->seen[b / 64] &= ~(UINT64_C(1) << (b % 64));
	s->lo++;
}

void
audit_reader_serial(struct audit_reader *ar, uint32_t serial)
{
	struct audit_serials *s = &ar->serials;
	uint32_t b;

	if (!s->started) {
		*s = (struct audit_serials){ .started = true, .lo = serial, .hi = serial };
	}
	if ((int32_t)(serial - s->lo) < 0)
		return; /* older than the window: a late one, or one of an event seen */
	if (serial - s->lo >= AUDIT_SERIAL_WINDOW) {
		uint32_t new_lo = serial - AUDIT_SERIAL_WINDOW + 1;

		if ((int32_t)(new_lo - s->hi) > 0) {
			/* a jump past everything pending: settle it, count the gap at once */
			while (s->lo != s->hi)
				serial_settle_one(s);
			s->missing += new_lo - s->hi;
			memset(s->seen, 0, sizeof(s->seen));
			s->lo = s->hi = new_lo;
		} else
			while (s->lo != new_lo)
				serial_settle_one(s);
	}
	b = serial % AUDIT_SERIAL_WINDOW;
	s->seen[b / 64] |= UINT64_C(1) << (b % 64);
	if ((int32_t)(serial + 1 - s->hi) > 0)
		s->hi = serial + 1;
}

uint64_t
audit_reader_serials_settle(struct audit_reader *ar)
{
	struct audit_serials *s = &ar->serials;
	uint64_t missing;

	while (s->started && s->lo != s->hi)
		serial_settle_one(s);
	missing = s->missing;
	s->missing = 0;
	return missing;
}

void
audit_reader_lose_serials(struct audit_reader *ar, uint64_t missing, const char *source)
{
	if (missing)
		audit_reader_lose(ar, missing,
		                  "%s: %" PRIu64 " audit record%s never arrived (%s serial numbers "
		                  "were skipped)",
		                  source, missing, missing == 1 ? "" : "s",
		                  missing == 1 ? "its" : "their");
}

/* The serial number of "audit(TIME:SERIAL)" in a line, if it has one. */
static bool
line_serial(const char *line, size_t len, uint32_t *ret)
{
	const char *p = memmem(line, len, "audit(", 6), *end = line + len;
	uint64_t v = 0;
	size_t digits = 0;

	if (!p)
		return false;
	p = memchr(p, ':', (size_t)(end - p));
	if (!p)
		return false;
	for (p++; p < end && *p >= '0' && *p <= '9' && digits < 11; p++, digits++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (!digits || p >= end || *p != ')' || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* The lines of buf[0..len) that can matter: every seccomp record and lost-record notice
 * says "audit", so the block is searched for that word and only the lines holding it are
 * looked at (the way grep outruns a line-by-line reader). */
static int
scan_block(struct audit_reader *ar, const char *buf, size_t len)
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
		if (handle_line(ar, start, n) < 0)
			return -ENOMEM;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* A second thread for an aggregating read, where the order of records does not matter: it
 * scans every other block into a reader of its own, merged at the end. */
struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *job; /* a block to scan and free, or NULL */
	size_t job_len;
	bool quit;
	int r;
	struct audit_reader ar;
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
			w->r = scan_block(&w->ar, job, len);
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
worker_finish(struct worker *w, struct audit_reader *ar)
{
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	ar->records += w->ar.records;
	ar->shown += w->ar.shown;
	ar->malformed += w->ar.malformed;
	if (w->ar.lost && !ar->lost)
		memcpy(ar->lost_example, w->ar.lost_example, sizeof(ar->lost_example));
	ar->lost += w->ar.lost;
	ar->lost_records += w->ar.lost_records;
	ar->suppressed += w->ar.suppressed;
	for (size_t i = 0; w->r >= 0 && i < w->ar.groups.n; i++) {
		const struct audit_group *g = &w->ar.groups.v[i];

		w->r = audit_groups_add(&ar->groups, g->comm, g->arch, g->syscall, g->code,
		                        g->count);
	}
	audit_groups_done(&w->ar.groups);
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
	off_t offset; /* bytes of the file handed out so far */
	/* the last bytes handed out, as they were read: enough for the last record whole,
	 * whose audit(TIME:SERIAL) no other record has (consecutive records of one process
	 * often end in the same 100 bytes). Kept from the reads themselves, never read again
	 * from the file later: by then a writer may have cut and rewritten it. */
	char tail[4096];
	size_t tail_len;
	bool replaced; /* the path names another file: drain this one, then open that */
	bool regular;  /* only a plain regular file is checked (not gzip, stdin, a pipe) */
};

enum follow_event { FOLLOW_SAME, FOLLOW_TRUNCATED, FOLLOW_REPLACED };

static void
follow_start(struct follow *f, int fd, gzFile gz)
{
	struct stat s;

	*f = (struct follow){ 0 };
	if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode) || !gzdirect(gz))
		return;
	f->regular = true;
	f->dev = s.st_dev;
	f->ino = s.st_ino;
}

/* n more bytes were read: count them and keep the last ones. */
static void
follow_feed(struct follow *f, const char *data, size_t n)
{
	size_t keep;

	f->offset += (off_t)n;
	if (n >= sizeof(f->tail)) {
		memcpy(f->tail, data + n - sizeof(f->tail), sizeof(f->tail));
		f->tail_len = sizeof(f->tail);
		return;
	}
	keep = MIN(f->tail_len, sizeof(f->tail) - n);
	memmove(f->tail, f->tail + f->tail_len - keep, keep);
	memcpy(f->tail + keep, data, n);
	f->tail_len = keep + n;
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
open_stream(const char *path, int *ret_fd, gzFile *ret_gz, struct ksc_error **reterr)
{
	int fd = streq(path, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
	                          : open(path, O_RDONLY | O_CLOEXEC);
	gzFile gz;

	if (fd < 0) {
		int r = negative_errno();

		return ksc_error_setf(reterr, r, "%s: %s", path, strerror(-r));
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return ksc_error_setf(reterr, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
	}
	(void)gzbuffer(gz, 256u << 10);
	*ret_fd = fd;
	*ret_gz = gz;
	return 0;
}

/* A file or standard input, gzip'd or not (zlib reads both), in blocks. */
int
audit_read_file(struct audit_reader *ar, const char *path, bool follow, struct ksc_error **reterr)
{
	const size_t block = 4u << 20;
	_cleanup_(freep) char *carry = malloc(LINE_MAX_BYTES);
	size_t kept = 0; /* a partial last line carried to the next block */
	bool parallel = !follow && ar->aggregate;
	struct worker w = { .ar = *ar,
		            .lock = PTHREAD_MUTEX_INITIALIZER,
		            .cond = PTHREAD_COND_INITIALIZER };
	struct follow fw;
	unsigned turn = 0;
	gzFile gz = NULL;
	int fd = -1, r = 0;

	if (!carry)
		return -ENOMEM;
	r = open_stream(path, &fd, &gz, reterr);
	if (r < 0)
		return r;
	follow_start(&fw, fd, gz);
	if (parallel) {
		w.ar.records = w.ar.shown = w.ar.malformed = w.ar.lost = w.ar.lost_records =
		        w.ar.suppressed = 0;
		w.ar.groups = (struct audit_groups){ 0 };
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

			r = ksc_error_setf(reterr, -EIO, "%s: cannot read: %s", path,
			                   gzerror(gz, &err));
			free(buf);
			break;
		}
		if (n == 0) {
			enum follow_event ev;

			/* the last line, without a newline: at the very end, and when following,
			 * at the end of a file that is left for good (a rotated one) */
			if (kept && (!follow || fw.replaced))
				r = scan_block(ar, buf, kept);
			free(buf);
			if (!follow || r < 0)
				break;
			if (fw.replaced) {
				/* the old file is drained: the new one, from its start */
				gzclose(gz);
				gz = NULL;
				kept = 0;
				r = open_stream(path, &fd, &gz, reterr);
				if (r < 0)
					break;
				follow_start(&fw, fd, gz);
				continue;
			}
			gzclearerr(gz);
			if (ar->stop && *ar->stop)
				break;
			(void)poll(NULL, 0, 200);
			ev = follow_check(&fw, fd, path);
			if (ev == FOLLOW_REPLACED)
				fw.replaced = true; /* read on to the end first */
			else if (ev == FOLLOW_TRUNCATED) {
				/* what was carried is the start of a line whose rest is gone */
				if (kept)
					r = scan_block(ar, carry, kept);
				kept = 0;
				if (r < 0 || gzrewind(gz) < 0) {
					r = r < 0 ? r : -EIO;
					break;
				}
				follow_start(&fw, fd, gz);
			}
			continue;
		}
		if (follow)
			follow_feed(&fw, buf + kept, (size_t)n);
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
			r = scan_block(ar, buf, (size_t)(last_nl - buf));
			free(buf);
			if (r < 0)
				break;
		}
		if (!ar->aggregate && ar->on_block)
			ar->on_block(ar->userdata);
	}
	if (parallel) {
		int wr = worker_finish(&w, ar);

		if (r >= 0)
			r = wr;
	}
	if (gz)
		gzclose(gz);
	return r;
}

/* The sequence number of a /dev/kmsg record, "PRI,SEQ,USEC,FLAGS;...". */
static bool
kmsg_seq(const char *rec, uint64_t *ret)
{
	const char *p = strchr(rec, ',');
	char *end = NULL;

	if (!p)
		return false;
	errno = 0;
	*ret = strtoull(p + 1, &end, 10);
	return errno == 0 && end != p + 1 && *end == ',';
}

/* /dev/kmsg: one record per read(); continuation lines (" KEY=value") follow. Loss shows as
 * sequence numbers skipped (the ring buffer overwrote records before they were read: read()
 * fails with EPIPE, then goes on at the oldest record left) and audit serial numbers skipped
 * (the printk rate limit dropped the record; its "callbacks suppressed" notice may come much
 * later, or never). */
int
audit_read_kmsg(struct audit_reader *ar, bool follow, struct ksc_error **reterr)
{
	char buf[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct audit_witness *witness = NULL;
	uint64_t last_seq = 0, unprinted, skipped;
	bool have_seq = false;
	int r = 0;

	if (fd < 0) {
		int e = errno;

		return ksc_error_setf(
		        reterr, -e, "/dev/kmsg: %s%s", strerror(e),
		        e == EACCES || e == EPERM ? " (reading the kernel log needs root)" : "");
	}
	/* following, the records from now on are witnessed where permitted */
	if (follow)
		(void)audit_witness_open(&witness);
	for (;;) {
		ssize_t n;
		uint64_t seq;
		uint32_t serial;
		char *nl;
		size_t len;

		if (ar->stop && *ar->stop) {
			if (!witness)
				break;
			/* what kauditd printed as the witness saw it, read before counting */
			(void)poll(NULL, 0, 100);
			follow = false;
			ar->stop = NULL;
		}
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* counted from the sequence numbers of the next record */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!follow)
				break;
			(void)poll(
			        (struct pollfd[]){ { .fd = fd, .events = POLLIN },
			                           { .fd = witness ? audit_witness_fd(witness) : -1,
			                             .events = POLLIN } },
			        2, 250);
			if (witness)
				audit_witness_read(witness);
			continue;
		}
		if (n < 0) {
			r = ksc_error_setf(reterr, negative_errno(), "/dev/kmsg: %s",
			                   strerror(errno));
			break;
		}
		if (n == 0)
			break;
		buf[n] = '\0';
		if (kmsg_seq(buf, &seq)) {
			if (have_seq && seq > last_seq + 1)
				audit_reader_lose(
				        ar, 0,
				        "/dev/kmsg: the kernel's ring buffer overwrote %" PRIu64
				        " log record%s before they were read",
				        seq - last_seq - 1, seq - last_seq - 1 == 1 ? "" : "s");
			last_seq = seq;
			have_seq = true;
		}
		nl = strchr(buf, '\n');
		len = nl ? (size_t)(nl - buf) : (size_t)n;
		if (line_serial(buf, len, &serial)) {
			audit_reader_serial(ar, serial);
			if (witness)
				audit_witness_printed(witness, serial);
		}
		r = handle_line(ar, buf, len);
		if (r < 0)
			break;
	}
	close(fd);
	skipped = audit_reader_serials_settle(ar);
	unprinted = audit_witness_close(witness);
	/* both count the records printk dropped after the witness joined */
	if (skipped > unprinted)
		audit_reader_lose_serials(ar, skipped, "/dev/kmsg");
	else if (unprinted)
		audit_reader_lose(ar, unprinted,
		                  "/dev/kmsg: %" PRIu64 " audit record%s never reached the kernel "
		                  "log (the audit netlink socket saw them: printk's rate limit "
		                  "dropped them, or an audit daemon took them)",
		                  unprinted, unprinted == 1 ? "" : "s");
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* The audit netlink socket's multicast group (netlink.h): kauditd copies every record it
 * takes off its queue there, before and whatever it does with it next (hand it to auditd, or
 * print it through printk's rate limit). A task that makes records faster than kauditd sends
 * them waits (audit_backlog_wait_time) rather than losing them, so what is left to lose is
 * this socket's buffer and the kernel's own drops, and both are counted. */

int
audit_netlink_available(void)
{
	int fd = -1, r = audit_nl_open(&fd);

	if (r >= 0)
		close(fd);
	return r;
}

/* One message of the group: a seccomp record goes to the reader as the kernel log would
 * show it ("audit: type=1326 audit(...): ..."); every record's serial number counts. */
static int
handle_message(struct audit_reader *ar, const struct nlmsghdr *h)
{
	const char *text = (const char *)NLMSG_DATA(h);
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;
	char line[16384];
	int n;

	while (len && (text[len - 1] == '\0' || text[len - 1] == '\n'))
		len--;
	if (len < 6 || memcmp(text, "audit(", 6) != 0)
		return 0;
	{
		const char *colon = memchr(text, ':', MIN(len, (size_t)40));
		uint64_t serial = 0;
		size_t digits = 0;

		for (const char *p = colon ? colon + 1 : text + len;
		     p < text + len && digits < 11 && *p >= '0' && *p <= '9'; p++, digits++)
			serial = serial * 10 + (uint64_t)(*p - '0');
		if (digits && serial <= UINT32_MAX)
			audit_reader_serial(ar, (uint32_t)serial);
	}
	if (h->nlmsg_type != AUDIT_SECCOMP)
		return 0;
	n = snprintf(line, sizeof(line), "audit: type=%u %.*s", (unsigned)h->nlmsg_type, (int)len,
	             text);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		ar->malformed++;
		return 0;
	}
	return audit_reader_line(ar, line, (size_t)n);
}

int
audit_read_netlink(struct audit_reader *ar, struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = malloc(64 * 1024);
	uint32_t lost_before = 0, lost_after = 0;
	bool counted;
	uint64_t overruns = 0;
	int fd = -1, r;

	if (!buf)
		return -ENOMEM;
	r = audit_nl_open(&fd);
	if (r < 0)
		return ksc_error_setf(reterr, r, "the audit netlink socket: %s%s", strerror(-r),
		                      r == -EPERM ? " (reading the kernel's audit records as they "
		                                    "are made needs CAP_AUDIT_READ)"
		                                  : "");
	counted = audit_nl_kernel_lost(&lost_before) == 0;
	for (;;) {
		ssize_t n;

		if (ar->stop && *ar->stop)
			break;
		n = recv(fd, buf, 64 * 1024, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			/* the socket's buffer was full: the kernel dropped what did not fit */
			overruns++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(void)poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 250);
			continue;
		}
		if (n < 0) {
			r = ksc_error_setf(reterr, negative_errno(), "the audit netlink socket: %s",
			                   strerror(errno));
			break;
		}
		for (const struct nlmsghdr *h = NULL; (h = audit_nl_next(buf, (size_t)n, h));) {
			r = handle_message(ar, h);
			if (r < 0)
				break;
		}
		if (r < 0)
			break;
	}
	close(fd);
	if (overruns)
		audit_reader_lose(ar, 0,
		                  "the audit netlink socket: its buffer overflowed %" PRIu64
		                  " time%s, and the records that did not fit were dropped",
		                  overruns, overruns == 1 ? "" : "s");
	audit_reader_lose_serials(ar, audit_reader_serials_settle(ar), "the audit netlink socket");
	if (counted && audit_nl_kernel_lost(&lost_after) == 0 && lost_after != lost_before)
		audit_reader_lose(ar, lost_after - lost_before,
		                  "the kernel dropped %" PRIu32 " audit record%s before delivering "
		                  "them (its audit_lost counter: backlog or rate limit)",
		                  lost_after - lost_before,
		                  lost_after - lost_before == 1 ? "" : "s");
	return r;
}

uint64_t
audit_reader_lost_records(const struct audit_reader *ar)
{
	/* both count the records printk dropped, the serial numbers also the rest */
	return MAX(ar->lost_records, ar->suppressed);
}

void
audit_reader_done(struct audit_reader *ar)
{
	audit_groups_done(&ar->groups);
}
