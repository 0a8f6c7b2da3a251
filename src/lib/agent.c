/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's server (agent.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "error.h"
#include "fs.h"
#include "record/recording.h"
#include "strbuf.h"

/* A connection has this long to send its state. */
#define STATE_TIMEOUT_S 10
#define MAX_FDS         16
/* Out of file descriptors, the listening socket rests this long, doubled each time up to the
 * most, before the agent tries to accept again: the connection waits in the backlog. */
#define ACCEPT_BACKOFF_MIN_MS 50
#define ACCEPT_BACKOFF_MAX_MS 1000
/* At most one line per second about refused peers; the others are counted. */
#define REFUSAL_LOG_INTERVAL_S 1

enum item_kind {
	ITEM_LISTEN = 1,
	ITEM_SIGNAL,
	ITEM_CONN,
	ITEM_CONTAINER,
};

struct item {
	enum item_kind kind;
	int fd;
};

struct conn {
	struct item item;
	char *buf;
	size_t len, cap;
	int fds[MAX_FDS];
	size_t n_fds;
	time_t deadline;
	bool fds_lost; /* MSG_CTRUNC: fds were sent that the agent could not take */
	struct conn *next;
};

struct rec_entry {
	char *name;
	struct recording rec;
	struct rec_entry *next;
};

struct container {
	struct item item;
	struct notify_peer peer;
	char label[320];  /* namespace/pod/container, or the ID */
	char record[256]; /* the recording's file name, without .json */
	uint64_t calls;
	struct container *next;
};

struct agent {
	int epfd;
	struct agent_opts opts;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct conn *conns;
	struct container *containers;
	struct rec_entry *recordings;
	unsigned n_containers;
	/* the listening socket (and its path), disarmed while out of file descriptors */
	struct item listen;
	const char *listen_path;
	bool accept_paused, accept_warned;
	unsigned accept_backoff_ms;
	int64_t accept_resume_ms;
	/* refused peers: the last line's time and how many were not shown since */
	time_t refusal_logged;
	unsigned refusals_unlogged;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A line for the sink's diag(). */
_printf_(3, 4) static void say(struct agent *a, enum ksc_severity severity, const char *fmt, ...)
{
	_cleanup_(freep) char *text = NULL;
	va_list ap;
	int n;

	if (!a->opts.sink.diag)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		text = NULL;
	a->opts.sink.diag(a->opts.sink.userdata, severity, text ? text : "out of memory");
}

static struct agent_peer
peer_of(const struct container *c)
{
	return (struct agent_peer){ .peer = &c->peer, .label = c->label, .calls = c->calls };
}

/* A container event ("connected", "exited") for the sink's event(). */
_printf_(3, 4) static void event(struct agent *a, const struct container *c, const char *fmt, ...)
{
	struct agent_peer p = peer_of(c);
	char text[512];
	va_list ap;

	if (!a->opts.sink.event)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	a->opts.sink.event(a->opts.sink.userdata, &p, text);
}

/* ---------------------------------------------------------------------------------------- */
/* Recordings                                                                                 */

static struct rec_entry *
recording_of(struct agent *a, const char *name)
{
	struct rec_entry *e;

	for (e = a->recordings; e; e = e->next)
		if (streq(e->name, name))
			return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->name = strdup(name);
	if (!e->name) {
		free(e);
		return NULL;
	}
	e->next = a->recordings;
	a->recordings = e;
	return e;
}

static void
write_recording(struct agent *a, const char *name)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(freep) char *text = NULL, *path = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	struct rec_entry *e = recording_of(a, name);
	struct ksc_error *error = NULL, *write_error = NULL;
	uint32_t nr;
	size_t len, n;
	int r;

	if (!e)
		return;
	/* write never reaches an agent: runc refuses SCMP_ACT_NOTIFY for it */
	if (ksc_syscall_resolve_name(ksc_arch_native(), "write", &nr) == 0)
		recording_add(&e->rec, ksc_arch_native(), nr, NULL);
	r = diags ? recording_profile(&e->rec, a->opts.refine, &profile, &n, diags, &error)
	          : -ENOMEM;
	for (size_t i = 0; i < ksc_diags_count(diags); i++)
		say(a, ksc_diag_severity(ksc_diags_get(diags, i)), "%s",
		    ksc_diag_message(ksc_diags_get(diags, i)));
	if (r >= 0)
		r = ksc_profile_write_json(profile, &text, &len);
	if (r >= 0 && asprintf(&path, "%s/%s.json", a->opts.record_dir, name) < 0)
		r = -ENOMEM;
	if (r >= 0) {
		r = ksc_fs_write_file(path, text, len, &write_error);
		if (r < 0)
			say(a, KSC_SEVERITY_ERROR, "%s",
			    ksc_error_message(write_error) ? ksc_error_message(write_error)
			                                   : strerror(-r));
		ksc_error_free(write_error);
	}
	if (r < 0) {
		say(a, KSC_SEVERITY_ERROR, "recording %s: %s", name,
		    error ? ksc_error_message(error) : strerror(-r));
		ksc_error_free(error);
	}
}

/* A file name for a container's recording: NAMESPACE_POD_CONTAINER, else the ID. */
static void
recording_name(const struct notify_peer *p, char *buf, size_t size)
{
	if (p->pod && p->container)
		snprintf(buf, size, "%s_%s_%s", p->namespace ? p->namespace : "default", p->pod,
		         p->container);
	else
		snprintf(buf, size, "%s", p->id);
	for (char *s = buf; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			*s = '_';
	if (buf[0] == '.' || !buf[0])
		buf[0] = '_';
}

/* ---------------------------------------------------------------------------------------- */
/* Notifications                                                                              */

/* The argument that names a path, for the calls worth showing one. */
static int
path_arg(const char *name)
{
	static const struct {
		const char *name;
		int arg;
	} table[] = {
		{ "access", 0 },    { "chdir", 0 },      { "chmod", 0 },      { "chown", 0 },
		{ "chroot", 0 },    { "creat", 0 },      { "execve", 0 },     { "execveat", 1 },
		{ "faccessat", 1 }, { "faccessat2", 1 }, { "fchmodat", 1 },   { "fchmodat2", 1 },
		{ "fchownat", 1 },  { "lchown", 0 },     { "link", 0 },       { "linkat", 1 },
		{ "lstat", 0 },     { "mkdir", 0 },      { "mkdirat", 1 },    { "mknod", 0 },
		{ "mknodat", 1 },   { "mount", 1 },      { "newfstatat", 1 }, { "open", 0 },
		{ "openat", 1 },    { "openat2", 1 },    { "readlink", 0 },   { "readlinkat", 1 },
		{ "rename", 0 },    { "renameat", 1 },   { "renameat2", 1 },  { "rmdir", 0 },
		{ "stat", 0 },      { "statx", 1 },      { "symlink", 1 },    { "symlinkat", 2 },
		{ "truncate", 0 },  { "umount2", 0 },    { "unlink", 0 },     { "unlinkat", 1 },
		{ "utimensat", 1 },
	};

	for (size_t i = 0; name && i < ELEMENTSOF(table); i++)
		if (streq(name, table[i].name))
			return table[i].arg;
	return -1;
}

/* A NUL-terminated string of the process at addr, cut at size - 1 bytes. */
static bool
read_string(int pid, uint64_t addr, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid <= 0 || addr == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = pread(fd, buf, size - 1, (off_t)addr);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

static void
read_comm(int pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = pid > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	if (n <= 0) {
		snprintf(buf, size, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void
report_call(struct agent *a, const struct container *c, const struct seccomp_notif *req,
            const struct notify_call *call, const char *path, const char *comm,
            const struct notify_verdict *v, const char *outcome)
{
	struct agent_peer p = peer_of(c);
	struct agent_call ac = {
		.pid = req->pid,
		.nr = req->data.nr,
		.arch = call->arch,
		.name = call->name,
		.mux = call->mux,
		.path = path,
		.comm = comm,
		.verdict = v,
		.outcome = outcome,
	};

	if (!a->opts.sink.call)
		return;
	for (int i = 0; i < 6; i++)
		ac.args[i] = (uint64_t)req->data.args[i];
	a->opts.sink.call(a->opts.sink.userdata, &p, &ac);
}

static void container_end(struct agent *a, struct container *c, const char *why);

static void
handle_notification(struct agent *a, struct container *c)
{
	struct seccomp_notif *req = a->req;
	struct pollfd pfd = { .fd = c->item.fd, .events = POLLIN };
	const char *outcome = NULL;
	char path[256], comm[32], why[128];
	bool have_path = false;
	struct notify_call call;
	struct notify_verdict v;
	enum ksc_arch arch;
	int fd = c->item.fd, arg, r;

	/* SECCOMP_IOCTL_NOTIF_RECV waits for a notification whatever O_NONBLOCK says
	 * (kernel/seccomp.c): take only one that is there, or one listener served twice (sent
	 * by two connections) would stop the agent once the first copy took the call. */
	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
		return;
	r = notify_receive(fd, req, a->sizes.seccomp_notif);
	if (r == -ENOENT)
		return; /* the caller was interrupted or killed since the wake-up */
	if (r < 0) {
		/* a listener that fails every time would be readable forever */
		snprintf(why, sizeof(why), "dropped: SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(-r));
		container_end(a, c, why);
		return;
	}
	c->calls++;
	/* socketcall(SYS_CONNECT) is connect: the policy and the line name what runs */
	notify_call_decode(req->data.arch, req->data.nr, req->data.args[0], &call);
	arch = call.arch;
	notify_policy_decide_call(a->opts.policy, &c->peer, &call, &v);
	read_comm((int)req->pid, comm, sizeof(comm));
	/* a demultiplexed call's arguments are behind args[1]: no path is read */
	arg = call.mux ? -1 : path_arg(call.name);
	if (arg >= 0)
		have_path = read_string((int)req->pid, req->data.args[arg], path, sizeof(path));
	if (a->opts.record_dir && arch != KSC_ARCH_NONE) {
		struct rec_entry *e = recording_of(a, c->record);

		if (e)
			recording_add(&e->rec, arch, (uint32_t)req->data.nr,
			              a->opts.refine ? (const uint64_t *)req->data.args : NULL);
	}
	/* What was read of the process counts only if the call is still pending: its pid
	 * could have been reused in between. notify_answer() checks that first. */
	r = notify_answer(fd, req, a->resp, a->sizes.seccomp_notif_resp, &v);
	if (r == -ENOENT) {
		have_path = false;
		outcome = "(gone before the answer)";
	} else if (r == -ESRCH)
		outcome = "(not killed: the process is not visible from the agent's pid "
		          "namespace; EPERM instead)";
	else if (r < 0)
		outcome = "(the answer failed)";
	report_call(a, c, req, &call, have_path ? path : NULL, comm, &v, outcome);
}

/* ---------------------------------------------------------------------------------------- */
/* Connections                                                                                */

static int
watch(struct agent *a, struct item *item, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = item };

	return epoll_ctl(a->epfd, EPOLL_CTL_ADD, item->fd, &ev) < 0 ? negative_errno() : 0;
}

static void
conn_free(struct agent *a, struct conn *k)
{
	struct conn **pp;

	for (pp = &a->conns; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	(void)epoll_ctl(a->epfd, EPOLL_CTL_DEL, k->item.fd, NULL);
	close(k->item.fd);
	for (size_t i = 0; i < k->n_fds; i++)
		if (k->fds[i] >= 0)
			close(k->fds[i]);
	free(k->buf);
	free(k);
}

static void
container_end(struct agent *a, struct container *c, const char *why)
{
	struct container **pp;

	for (pp = &a->containers; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	(void)epoll_ctl(a->epfd, EPOLL_CTL_DEL, c->item.fd, NULL);
	close(c->item.fd);
	a->n_containers--;
	event(a, c, "%s (%" PRIu64 " calls)", why, c->calls);
	if (a->opts.record_dir)
		write_recording(a, c->record);
	notify_peer_done(&c->peer);
	free(c);
}

/* The connection sent all of its state: a new container to serve, or a reason why not. */
static void
conn_complete(struct agent *a, struct conn *k)
{
	struct notify_peer peer = { 0 };
	struct ksc_error *error = NULL;
	struct container *c;
	int r, fd;

	r = notify_state_parse("state", k->buf ? k->buf : "", k->len, &peer, &error);
	if (r < 0) {
		say(a, KSC_SEVERITY_WARNING, "a runtime's container process state was refused: %s",
		    error ? ksc_error_message(error) : strerror(-r));
		ksc_error_free(error);
		return;
	}
	if (peer.seccomp_fd_index >= k->n_fds) {
		if (k->fds_lost)
			say(a, KSC_SEVERITY_WARNING,
			    "a runtime's state (pid %d) was refused: its listener fd was "
			    "lost on the way (the agent is out of file descriptors, or "
			    "more than %d came); its notified calls fail with ENOSYS",
			    peer.pid, MAX_FDS);
		else
			say(a, KSC_SEVERITY_WARNING,
			    "container %s: no listener fd came with its state (%zu fds)", peer.id,
			    k->n_fds);
		notify_peer_done(&peer);
		return;
	}
	fd = k->fds[peer.seccomp_fd_index];
	/* a pipe or any other fd would be readable forever and never give a notification */
	r = notify_listener_check(fd, &error);
	if (r < 0) {
		say(a, KSC_SEVERITY_WARNING,
		    "a runtime's state (pid %d) was refused: its seccompFd is %s", peer.pid,
		    error ? ksc_error_message(error) : strerror(-r));
		ksc_error_free(error);
		notify_peer_done(&peer);
		return; /* conn_free() closes it */
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		notify_peer_done(&peer);
		return;
	}
	k->fds[peer.seccomp_fd_index] = -1; /* the container's now */
	c->item = (struct item){ .kind = ITEM_CONTAINER, .fd = fd };
	c->peer = peer;
	if (peer.pod && peer.container)
		snprintf(c->label, sizeof(c->label), "%s/%s/%s",
		         peer.namespace ? peer.namespace : "default", peer.pod, peer.container);
	else
		snprintf(c->label, sizeof(c->label), "%s", peer.id);
	recording_name(&peer, c->record, sizeof(c->record));
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	if (watch(a, &c->item, EPOLLIN) < 0) {
		close(fd);
		notify_peer_done(&c->peer);
		free(c);
		return;
	}
	c->next = a->containers;
	a->containers = c;
	a->n_containers++;
	event(a, c, "connected (pid %d%s%s%s)", peer.pid, peer.metadata ? ", metadata \"" : "",
	      peer.metadata ? peer.metadata : "", peer.metadata ? "\"" : "");
}

static void
conn_read(struct agent *a, struct conn *k)
{
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
			struct cmsghdr align;
		} control;
		struct iovec iov;
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (k->cap - k->len < 4096) {
			size_t cap = k->cap ? k->cap * 2 : 8192;
			char *grown;

			if (cap > NOTIFY_STATE_MAX + 1) {
				say(a, KSC_SEVERITY_WARNING,
				    "a runtime sent more than %u bytes of state: dropped",
				    NOTIFY_STATE_MAX);
				conn_free(a, k);
				return;
			}
			grown = realloc(k->buf, cap);
			if (!grown) {
				conn_free(a, k);
				return;
			}
			k->buf = grown;
			k->cap = cap;
		}
		iov = (struct iovec){ .iov_base = k->buf + k->len, .iov_len = k->cap - k->len };
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		n = recvmsg(k->item.fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			conn_free(a, k);
			return;
		}
		/* fds the kernel could not install (out of fds: scm_detach_fds() drops them
		 * and says MSG_CTRUNC rather than fail) or that did not fit */
		if (msg.msg_flags & MSG_CTRUNC)
			k->fds_lost = true;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			size_t count;

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < count; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (k->n_fds < MAX_FDS)
					k->fds[k->n_fds++] = fd;
				else
					close(fd);
			}
		}
		k->len += (size_t)n;
		/* one state per connection: runc keeps it open, so do not wait for EOF */
		if (n == 0 || notify_state_complete(k->buf, k->len) > 0) {
			size_t used = notify_state_complete(k->buf, k->len);

			if (used > 0)
				k->len = used;
			conn_complete(a, k);
			conn_free(a, k);
			return;
		}
	}
}

/* Stop watching the listening socket for a while: out of file descriptors, accept4() fails
 * and leaves the connection queued, and the socket stays readable, so watching it would spin.
 * The backoff grows while it lasts; the connections already taken and the containers are
 * still served, and what frees a descriptor (a container ending, a connection timing out)
 * lets the queued connections in when the socket is watched again. */
static void
accept_pause(struct agent *a, int err)
{
	struct epoll_event ev = { .events = 0, .data.ptr = &a->listen };

	a->accept_backoff_ms = a->accept_backoff_ms
	                               ? MIN(2 * a->accept_backoff_ms, ACCEPT_BACKOFF_MAX_MS)
	                               : ACCEPT_BACKOFF_MIN_MS;
	(void)epoll_ctl(a->epfd, EPOLL_CTL_MOD, a->listen.fd, &ev);
	a->accept_paused = true;
	a->accept_resume_ms = now_ms() + a->accept_backoff_ms;
	if (!a->accept_warned)
		say(a, KSC_SEVERITY_WARNING,
		    "cannot accept a runtime's connection: %s; trying again in up to "
		    "%d ms, connected containers are still answered",
		    strerror(err), ACCEPT_BACKOFF_MAX_MS);
	a->accept_warned = true;
}

static void
accept_resume(struct agent *a)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &a->listen };

	if (epoll_ctl(a->epfd, EPOLL_CTL_MOD, a->listen.fd, &ev) < 0) {
		a->accept_resume_ms = now_ms() + ACCEPT_BACKOFF_MAX_MS;
		return;
	}
	a->accept_paused = false;
}

/* Whether uid may hand the agent a listener: whoever does decides what it answers and
 * records for the container the state names. */
static bool
peer_allowed(const struct agent *a, uid_t uid)
{
	if (uid == 0 || uid == geteuid())
		return true;
	for (size_t i = 0; i < a->opts.n_allowed_uids; i++)
		if (a->opts.allowed_uids[i] == uid)
			return true;
	return false;
}

/* 0 when the peer of a new connection may send a state; else a line (at most one a second,
 * with how many were not shown) and -EPERM. */
static int
check_peer(struct agent *a, int fd)
{
	struct ucred cred = { .pid = 0 };
	socklen_t len = sizeof(cred);
	time_t now;

	/* the credentials of the process that connected, as of connect(2), translated into
	 * the agent's namespaces (an unmapped uid reads as the overflow uid, 65534) */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && peer_allowed(a, cred.uid))
		return 0;
	now = time(NULL);
	if (now - a->refusal_logged < REFUSAL_LOG_INTERVAL_S) {
		a->refusals_unlogged++;
		return -EPERM;
	}
	if (len == sizeof(cred))
		say(a, KSC_SEVERITY_WARNING,
		    "a connection from uid %u (pid %d) was refused: only root%s may hand "
		    "the agent a listener (see --allow-uid)%s",
		    (unsigned)cred.uid, (int)cred.pid, geteuid() ? " and the agent's own uid" : "",
		    a->refusals_unlogged ? " (and others not shown)" : "");
	else
		say(a, KSC_SEVERITY_WARNING,
		    "a connection was refused: its peer's credentials cannot be read");
	a->refusal_logged = now;
	a->refusals_unlogged = 0;
	return -EPERM;
}

static void
accept_all(struct agent *a, int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct conn *k;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				accept_pause(a, errno);
				return;
			}
			/* EAGAIN: every queued connection was taken */
			if (a->accept_warned)
				say(a, KSC_SEVERITY_WARNING,
				    "accepting runtimes' connections again");
			a->accept_warned = false;
			a->accept_backoff_ms = 0;
			return;
		}
		if (check_peer(a, fd) < 0) {
			close(fd);
			continue;
		}
		k = calloc(1, sizeof(*k));
		if (!k) {
			close(fd);
			return;
		}
		k->item = (struct item){ .kind = ITEM_CONN, .fd = fd };
		k->deadline = time(NULL) + STATE_TIMEOUT_S;
		if (watch(a, &k->item, EPOLLIN | EPOLLRDHUP) < 0) {
			close(fd);
			free(k);
			continue;
		}
		k->next = a->conns;
		a->conns = k;
	}
}

static void
expire_conns(struct agent *a)
{
	time_t now = time(NULL);

	for (struct conn *k = a->conns, *next; k; k = next) {
		next = k->next;
		if (now >= k->deadline) {
			say(a, KSC_SEVERITY_WARNING,
			    "a runtime connected but sent no complete state within %d s: "
			    "dropped",
			    STATE_TIMEOUT_S);
			conn_free(a, k);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The socket                                                                                 */

int
agent_listen(struct agent *a, const char *path, struct ksc_error **reterr)
{
	struct sockaddr_un sa;
	struct ksc_error *error = NULL;
	struct stat st;
	unsigned salen;
	int fd, probe, r;

	r = notify_address(path, &sa, &salen, &error);
	if (r < 0) {
		r = ksc_error_setf(reterr, r, "--listen: %s", ksc_error_message(error));
		ksc_error_free(error);
		return r;
	}
	if (path[0] != '@' && lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return ksc_error_setf(reterr, -EEXIST, "%s exists and is not a socket",
			                      path);
		/* a live agent answers; a stale socket (an agent that died) is replaced */
		if (notify_connect(path, &probe, NULL) == 0) {
			close(probe);
			return ksc_error_setf(reterr, -EADDRINUSE,
			                      "another agent is listening on %s", path);
		}
		(void)unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = negative_errno();
		return ksc_error_setf(reterr, r, "socket: %s", strerror(-r));
	}
	if (bind(fd, (struct sockaddr *)&sa, (socklen_t)salen) < 0 || listen(fd, 128) < 0) {
		r = negative_errno();
		close(fd);
		return ksc_error_setf(reterr, r, "%s: %s", path, strerror(-r));
	}
	/* runtimes run as root; an agent for rootless runtimes would loosen this */
	if (path[0] != '@')
		(void)chmod(path, 0600);
	a->listen = (struct item){ .kind = ITEM_LISTEN, .fd = fd };
	a->listen_path = path;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */

/* The arches a runtime's default profile lists for this host: native and its companions (x86
 * and x32 beside x86_64), so that no 32-bit call escapes the agent. */
static int
host_arches(enum ksc_arch *arches, size_t *ret_n, struct ksc_error **reterr)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *defaults = NULL;
	struct ksc_expand_opts xopts = { .caps = UINT64_MAX };
	size_t n = 0;
	int r;

	r = ksc_default_profile(KSC_FLAVOR_CONTAINERD, &xopts, &defaults, reterr);
	if (r < 0)
		return ksc_error_setf(reterr, r, "the host's arches: %s", strerror(-r));
	for (size_t i = 0; i < ksc_profile_arch_count(defaults) && n < _KSC_ARCH_MAX; i++)
		arches[n++] = ksc_profile_arch(defaults, i);
	if (n == 0)
		arches[n++] = ksc_arch_native();
	*ret_n = n;
	return 0;
}

/* Every name any of the arches has, once, but write (runc refuses NOTIFY for it), sorted. */
static int
notified_names(const enum ksc_arch *arches, size_t n_arches, const char ***ret, size_t *ret_n)
{
	_cleanup_(freep) const char **names = NULL;
	size_t n_names = 0, cap = 0;

	for (size_t a = 0; a < n_arches; a++)
		for (size_t i = 0; i < ksc_syscall_count(arches[a]); i++) {
			const char *name;
			uint32_t nr;
			bool dup = false;

			if (ksc_syscall_by_index(arches[a], i, &name, &nr) < 0 ||
			    streq(name, "write"))
				continue;
			for (size_t k = 0; k < n_names && !dup; k++)
				dup = streq(names[k], name);
			if (dup)
				continue;
			if (n_names == cap) {
				const char **grown =
				        reallocarray(names, cap ? 2 * cap : 512, sizeof(*names));

				if (!grown)
					return -ENOMEM;
				names = grown;
				cap = cap ? 2 * cap : 512;
			}
			names[n_names++] = name;
		}
	qsort(names, n_names, sizeof(*names), strp_cmp);
	*ret = TAKE_PTR(names);
	*ret_n = n_names;
	return 0;
}

int
agent_recording_profile(const char *listen, const char *metadata, char **ret_text, size_t *ret_len,
                        struct ksc_error **reterr)
{
	enum ksc_arch arches[_KSC_ARCH_MAX];
	_cleanup_(freep) const char **names = NULL;
	size_t n_arches = 0, n_names = 0;
	struct strbuf sb = { 0 };
	int r;

	r = host_arches(arches, &n_arches, reterr);
	if (r < 0)
		return r;
	r = notified_names(arches, n_arches, &names, &n_names);
	if (r < 0)
		return r;
	strbuf_puts(&sb, "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"listenerPath\": ");
	strbuf_put_json_str(&sb, listen);
	if (metadata) {
		strbuf_puts(&sb, ",\n  \"listenerMetadata\": ");
		strbuf_put_json_str(&sb, metadata);
	}
	strbuf_puts(&sb, ",\n  \"architectures\": [");
	for (size_t i = 0; i < n_arches; i++)
		strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", ksc_arch_oci_name(arches[i]));
	strbuf_puts(&sb, "],\n  \"syscalls\": [\n    {\n      \"names\": [");
	for (size_t i = 0; i < n_names; i++)
		strbuf_printf(&sb, "%s\n        \"%s\"", i ? "," : "", names[i]);
	strbuf_puts(&sb, "\n      ],\n      \"action\": \"SCMP_ACT_NOTIFY\"\n    }\n  ]\n}\n");
	return strbuf_finish(&sb, ret_text, ret_len);
}

static void
dispatch(struct agent *a, const struct epoll_event *ev, bool *done)
{
	struct item *item = ev->data.ptr;

	switch (item->kind) {
	case ITEM_LISTEN:
		accept_all(a, item->fd);
		break;
	case ITEM_SIGNAL:
		*done = true;
		break;
	case ITEM_CONN:
		conn_read(a, (struct conn *)item);
		break;
	case ITEM_CONTAINER: {
		struct container *c = (struct container *)item;

		if (ev->events & EPOLLIN)
			handle_notification(a, c);
		/* every task of the filter is gone (and reaped) */
		else if (ev->events & (EPOLLHUP | EPOLLERR))
			container_end(a, c, "exited");
		break;
	}
	}
}

int
agent_serve(struct agent *a, int stop_fd, struct ksc_error **reterr)
{
	struct item signal_item = { .kind = ITEM_SIGNAL, .fd = stop_fd };
	bool done = false;
	int r = 0;

	if (watch(a, &a->listen, EPOLLIN) < 0 || watch(a, &signal_item, EPOLLIN) < 0) {
		r = negative_errno();
		r = ksc_error_setf(reterr, r, "epoll: %s", strerror(-r));
		goto out;
	}
	while (!done) {
		struct epoll_event events[64];
		int timeout = a->conns ? 1000 : -1, n;

		if (a->accept_paused) {
			int64_t left = a->accept_resume_ms - now_ms();

			if (left < 0)
				left = 0;
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		n = epoll_wait(a->epfd, events, ELEMENTSOF(events), timeout);
		if (n < 0 && errno != EINTR) {
			r = negative_errno();
			r = ksc_error_setf(reterr, r, "epoll_wait: %s", strerror(-r));
			goto out;
		}
		for (int i = 0; i < n; i++)
			dispatch(a, &events[i], &done);
		if (a->conns)
			expire_conns(a);
		if (a->accept_paused && now_ms() >= a->accept_resume_ms)
			accept_resume(a);
	}
	while (a->containers)
		container_end(a, a->containers, "left behind: the agent is stopping");
	while (a->conns)
		conn_free(a, a->conns);
out:
	if (a->listen_path && a->listen_path[0] != '@')
		(void)unlink(a->listen_path);
	return r;
}

int
agent_new(const struct agent_opts *opts, struct agent **ret, struct ksc_error **reterr)
{
	struct agent *a;
	int r;

	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->opts = *opts;
	a->epfd = -1;
	a->listen.fd = -1;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &a->sizes) < 0) {
		r = negative_errno();
		agent_free(a);
		return ksc_error_setf(
		        reterr, r,
		        "this kernel has no seccomp notifications (SECCOMP_GET_NOTIF_SIZES): %s",
		        strerror(-r));
	}
	/* the kernel's structures may be larger than ours: receive and answer in its sizes */
	a->sizes.seccomp_notif = MAX(a->sizes.seccomp_notif, sizeof(*a->req));
	a->sizes.seccomp_notif_resp = MAX(a->sizes.seccomp_notif_resp, sizeof(*a->resp));
	a->req = calloc(1, a->sizes.seccomp_notif);
	a->resp = calloc(1, a->sizes.seccomp_notif_resp);
	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!a->req || !a->resp || a->epfd < 0) {
		agent_free(a);
		return -ENOMEM;
	}
	*ret = a;
	return 0;
}

void
agent_free(struct agent *a)
{
	if (!a)
		return;
	/* agent_serve() ended them; after a failure, they go without a word */
	for (struct container *c = a->containers, *next; c; c = next) {
		next = c->next;
		close(c->item.fd);
		notify_peer_done(&c->peer);
		free(c);
	}
	while (a->conns)
		conn_free(a, a->conns);
	for (struct rec_entry *e = a->recordings, *next; e; e = next) {
		next = e->next;
		recording_done(&e->rec);
		free(e->name);
		free(e);
	}
	if (a->listen.fd >= 0)
		close(a->listen.fd);
	if (a->epfd >= 0)
		close(a->epfd);
	free(a->req);
	free(a->resp);
	free(a);
}
