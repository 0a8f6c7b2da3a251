/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node sync --from DIR [--as SUBDIR] [--root-dir ROOT] [--interval S | --once]
 *                    [--prune] [--poll] [--status FILE]
 * kseccomp node status [--as SUBDIR] [--root-dir ROOT] [--status FILE] [--max-age S]
 *
 * Keep ROOT/seccomp/SUBDIR identical to DIR, typically a mounted ConfigMap: its files are
 * symlinks into ..data, a symlink the kubelet swaps atomically to a new timestamped
 * directory. Each pass reads one generation as a whole (..data is resolved once, read from,
 * and checked again afterwards; a swap meanwhile starts the pass over), validates every
 * profile, and installs the valid ones that changed, each atomically (temporary file, fsync,
 * rename): a runtime reading a profile at any moment, and a sync killed at any moment, leave
 * the old file or the new one, never a part. An invalid profile is rejected and the
 * installed one kept. Files gone from DIR are removed only with --prune. Every pass writes
 * a status file, which `node status` (a readiness probe) reads.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "doc.h"
#include "strbuf.h"

#define PASS_RETRIES 10

struct source_file {
	char *name;
	char *text;
	size_t len;
	char *reason; /* why it is rejected, or NULL */
};

struct pass {
	struct source_file *files;
	size_t n;
	char generation[256]; /* what ..data pointed to, "" for a plain directory */
	/* what the pass did, names only */
	char **installed, **unchanged, **removed, **kept;
	size_t n_installed, n_unchanged, n_removed, n_kept;
	char *error; /* the pass failed as a whole (source unreadable, target unwritable) */
};

struct sync_opts {
	const char *from;
	char target[4096];
	char status[4096];
	bool prune;
};

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
pass_done(struct pass *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->files[i].name);
		free(p->files[i].text);
		free(p->files[i].reason);
	}
	free(p->files);
	free_names(p->installed, p->n_installed);
	free_names(p->unchanged, p->n_unchanged);
	free_names(p->removed, p->n_removed);
	free_names(p->kept, p->n_kept);
	free(p->error);
	*p = (struct pass){ 0 };
}

static int
add_name(char ***v, size_t *n, const char *name)
{
	char **grown = reallocarray(*v, *n + 1, sizeof(**v));

	if (!grown)
		return -ENOMEM;
	*v = grown;
	(*v)[*n] = strdup(name);
	if (!(*v)[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

_printf_(2, 3) static void pass_fail(struct pass *p, const char *fmt, ...)
{
	va_list ap;

	if (p->error)
		return;
	va_start(ap, fmt);
	if (vasprintf(&p->error, fmt, ap) < 0)
		p->error = NULL;
	va_end(ap);
}

/* A ConfigMap key that is a profile: NAME.json, no dot first (..data and its kin). */
static bool
profile_name(const char *name)
{
	return name[0] != '.' && endswith(name, ".json") && strlen(name) > 5;
}

/* The first error of a profile, as one line. */
static char *
first_error(const char *name, int r, const struct ksc_diags *diags, struct ksc_error *error)
{
	char *s = NULL;

	for (size_t i = 0; diags && i < ksc_diags_count(diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(diags, i);

		if (ksc_diag_severity(d) != KSC_SEVERITY_ERROR)
			continue;
		s = ksc_diag_format(name, ksc_diag_line(d), ksc_diag_column(d), ksc_diag_path(d),
		                    ksc_diag_reason(d));
		break;
	}
	if (!s && error && ksc_error_message(error))
		s = strdup(ksc_error_message(error));
	if (!s && asprintf(&s, "%s", strerror(-r)) < 0)
		s = NULL;
	ksc_error_free(error);
	return s;
}

/* Read one generation of the source: every profile's text, validated. -EAGAIN when ..data
 * moved meanwhile (read again). */
static int
read_source(const char *from, struct pass *p)
{
	char data_link[4096], dir[4096], again[256];
	struct dirent **entries = NULL;
	ssize_t n;
	int count, r = 0;

	snprintf(data_link, sizeof(data_link), "%s/..data", from);
	n = readlink(data_link, p->generation, sizeof(p->generation) - 1);
	if (n >= 0) {
		p->generation[n] = '\0';
		/* the generation's own directory: immutable until the kubelet removes it */
		if (p->generation[0] == '/')
			snprintf(dir, sizeof(dir), "%s", p->generation);
		else
			snprintf(dir, sizeof(dir), "%s/%s", from, p->generation);
	} else {
		p->generation[0] = '\0';
		snprintf(dir, sizeof(dir), "%s", from);
	}
	count = scandir(dir, &entries, NULL, alphasort);
	if (count < 0) {
		r = -errno;
		if (p->generation[0] && r == -ENOENT)
			return -EAGAIN; /* removed after a swap */
		pass_fail(p, "%s: %s", from, strerror(-r));
		return r;
	}
	for (int k = 0; k < count && r >= 0; k++) {
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		struct ksc_error *error = NULL;
		struct ksc_profile *profile = NULL;
		struct source_file f = { 0 };
		struct source_file *grown;
		char path[8192];

		if (!profile_name(entries[k]->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, entries[k]->d_name);
		r = ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &f.text, &f.len, &error);
		if (r == -ENOENT && p->generation[0]) {
			ksc_error_free(error);
			r = -EAGAIN;
			break;
		}
		if (r == -EISDIR) {
			ksc_error_free(error);
			r = 0;
			continue;
		}
		if (r >= 0)
			r = ksc_profile_parse(entries[k]->d_name, f.text, f.len, NULL, &profile,
			                      diags, &error);
		if (r < 0) {
			f.reason = first_error(entries[k]->d_name, r, diags, error);
			r = 0;
		}
		ksc_profile_free(profile);
		f.name = strdup(entries[k]->d_name);
		grown = f.name ? reallocarray(p->files, p->n + 1, sizeof(*p->files)) : NULL;
		if (!grown) {
			free(f.name);
			free(f.text);
			free(f.reason);
			r = -ENOMEM;
			break;
		}
		p->files = grown;
		p->files[p->n++] = f;
	}
	for (int k = 0; k < count; k++)
		free(entries[k]);
	free(entries);
	if (r < 0)
		return r;
	/* the same generation from start to end, or read it again */
	if (p->generation[0]) {
		n = readlink(data_link, again, sizeof(again) - 1);
		if (n < 0 || (again[n] = '\0', !streq(again, p->generation)))
			return -EAGAIN;
	}
	return 0;
}

/* Whether dir/name holds exactly text. */
static bool
same_content(const char *dir, const char *name, const char *text, size_t len)
{
	_cleanup_(freep) char *old = NULL;
	char path[8192];
	size_t old_len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &old, &old_len, NULL) < 0)
		return false;
	return old_len == len && memcmp(old, text, len) == 0;
}

/* A temporary file of an install that did not finish (a sync killed between its write and
 * its rename): ".NAME.json.XXXXXX". */
static bool
leftover_temp(const char *name)
{
	size_t len = strlen(name);
	const char *dot = strrchr(name, '.');

	return name[0] == '.' && dot && dot > name && len > 12 && strlen(dot) == 7 &&
	       dot - 5 >= name && strncmp(dot - 5, ".json", 5) == 0;
}

static int
sync_target(const struct sync_opts *o, struct pass *p)
{
	struct dirent **entries = NULL;
	int count, r;

	r = cli_mkdir_p(o->target, 0755);
	if (r < 0) {
		pass_fail(p, "%s: %s", o->target, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct source_file *f = &p->files[i];

		if (f->reason)
			continue; /* rejected: whatever is installed stays */
		if (same_content(o->target, f->name, f->text, f->len)) {
			r = add_name(&p->unchanged, &p->n_unchanged, f->name);
		} else {
			r = cli_install_file(o->target, f->name, f->text, f->len);
			if (r < 0) {
				pass_fail(p, "%s/%s: %s", o->target, f->name, strerror(-r));
				return r;
			}
			r = add_name(&p->installed, &p->n_installed, f->name);
		}
		if (r < 0)
			return r;
	}
	count = scandir(o->target, &entries, NULL, alphasort);
	if (count < 0) {
		r = -errno;
		pass_fail(p, "%s: %s", o->target, strerror(-r));
		return r;
	}
	r = 0;
	for (int k = 0; k < count; k++) {
		const char *name = entries[k]->d_name;
		bool in_source = false;
		char path[8192];

		snprintf(path, sizeof(path), "%s/%s", o->target, name);
		if (leftover_temp(name)) {
			(void)unlink(path);
			continue;
		}
		if (!profile_name(name))
			continue;
		for (size_t i = 0; i < p->n && !in_source; i++)
			in_source = streq(p->files[i].name, name);
		if (in_source || r < 0)
			continue;
		if (o->prune) {
			if (unlink(path) < 0 && errno != ENOENT)
				pass_fail(p, "%s: %s", path, strerror(errno));
			else
				r = add_name(&p->removed, &p->n_removed, name);
		} else
			r = add_name(&p->kept, &p->n_kept, name);
	}
	for (int k = 0; k < count; k++)
		free(entries[k]);
	free(entries);
	return r;
}

static void
put_names(struct strbuf *sb, const char *key, char **v, size_t n)
{
	strbuf_printf(sb, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_string(sb, v[i], strlen(v[i]));
	}
	strbuf_puts(sb, "]");
}

static void
write_status(const struct sync_opts *o, const struct pass *p)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	char when[64], dir[4096];
	const char *slash;
	time_t now = time(NULL);
	size_t len, n_rejected = 0;

	cli_format_rfc3339(now, when, sizeof(when));
	strbuf_puts(&sb, "{\n  \"source\": ");
	strbuf_put_json_string(&sb, o->from, strlen(o->from));
	strbuf_puts(&sb, ",\n  \"target\": ");
	strbuf_put_json_string(&sb, o->target, strlen(o->target));
	strbuf_puts(&sb, ",\n  \"generation\": ");
	strbuf_put_json_string(&sb, p->generation, strlen(p->generation));
	strbuf_printf(&sb, ",\n  \"lastSync\": \"%s\",\n  \"lastSyncUnix\": %" PRId64, when,
	              (int64_t)now);
	strbuf_puts(&sb, ",\n  \"error\": ");
	if (p->error)
		strbuf_put_json_string(&sb, p->error, strlen(p->error));
	else
		strbuf_puts(&sb, "null");
	put_names(&sb, "installed", p->installed, p->n_installed);
	put_names(&sb, "unchanged", p->unchanged, p->n_unchanged);
	strbuf_puts(&sb, ",\n  \"rejected\": [");
	for (size_t i = 0; i < p->n; i++) {
		if (!p->files[i].reason)
			continue;
		strbuf_puts(&sb, n_rejected++ ? ",\n    {\"name\": " : "\n    {\"name\": ");
		strbuf_put_json_string(&sb, p->files[i].name, strlen(p->files[i].name));
		strbuf_puts(&sb, ", \"reason\": ");
		strbuf_put_json_string(&sb, p->files[i].reason, strlen(p->files[i].reason));
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, n_rejected ? "\n  ]" : "]");
	put_names(&sb, "removed", p->removed, p->n_removed);
	put_names(&sb, "kept", p->kept, p->n_kept);
	strbuf_puts(&sb, "\n}\n");
	if (strbuf_finish(&sb, &text, &len) < 0)
		return;
	slash = strrchr(o->status, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->status) : 1,
	         slash ? o->status : ".");
	if (cli_mkdir_p(dir, 0755) < 0 ||
	    cli_install_file(dir, slash ? slash + 1 : o->status, text, len) < 0)
		cli_warning("cannot write the status file %s", o->status);
}

/* One pass; returns the number of rejected profiles, or -errno when the pass failed. */
static int
sync_once(const struct sync_opts *o)
{
	struct pass p = { 0 };
	size_t rejected = 0;
	int r = -EAGAIN;

	for (int attempt = 0; attempt < PASS_RETRIES && r == -EAGAIN; attempt++) {
		pass_done(&p);
		r = read_source(o->from, &p);
	}
	if (r == -EAGAIN)
		pass_fail(&p, "%s: ..data kept moving during %d reads", o->from, PASS_RETRIES);
	if (r >= 0)
		r = sync_target(o, &p);
	for (size_t i = 0; i < p.n; i++)
		if (p.files[i].reason) {
			rejected++;
			cli_error("%s/%s: rejected, the installed profile stays: %s", o->from,
			          p.files[i].name, p.files[i].reason);
		}
	for (size_t i = 0; i < p.n_installed; i++)
		printf("installed %s/%s\n", cli_escape(o->target), cli_escape(p.installed[i]));
	for (size_t i = 0; i < p.n_removed; i++)
		printf("removed %s/%s\n", cli_escape(o->target), cli_escape(p.removed[i]));
	for (size_t i = 0; i < p.n_kept; i++)
		printf("kept %s/%s: no longer in %s (--prune removes it)\n", cli_escape(o->target),
		       cli_escape(p.kept[i]), cli_escape(o->from));
	fflush(stdout);
	if (p.error)
		cli_error("%s", p.error);
	write_status(o, &p);
	pass_done(&p);
	if (r < 0)
		return r;
	return (int)rejected;
}

/* ---------------------------------------------------------------------------------------- */

static void
default_status_path(const char *root, const char *sub, char *buf, size_t size)
{
	char name[512];

	snprintf(name, sizeof(name), "%s", sub);
	for (char *s = name; *s; s++)
		if (*s == '/')
			*s = '_';
	snprintf(buf, size, "%s/seccomp/.kseccomp-sync/%s.json", root, name);
}

static int
parse_sub(const char *command, const char *from, const char *as, char *buf, size_t size)
{
	if (!as)
		cli_last_component(from, buf, size);
	else
		snprintf(buf, size, "%s", as);
	if (!*buf || strstr(buf, "..") || buf[0] == '/' || buf[0] == '.')
		return cli_usage_error(command,
		                       "--as '%s': must be a relative path without '..' that does "
		                       "not start with a dot",
		                       buf);
	return 0;
}

static void
sync_help(void)
{
	fputs("Usage: kseccomp node sync --from DIR [--as SUBDIR] [--root-dir ROOT]\n"
	      "                          [--interval SECONDS | --once] [--prune] [--poll]\n"
	      "                          [--status FILE]\n"
	      "\n"
	      "Keep ROOT/seccomp/SUBDIR identical to DIR, a directory of *.json profiles such as\n"
	      "a mounted ConfigMap (whose files the kubelet swaps at once through ..data).\n"
	      "Every pass reads one generation of DIR as a whole, validates every profile, and\n"
	      "installs the valid ones that changed, each atomically: a runtime never reads a\n"
	      "partial profile, even if the sync is killed. An invalid profile is rejected and\n"
	      "the installed one stays. Files no longer in DIR stay unless --prune.\n"
	      "\n"
	      "Options:\n"
	      "      --from DIR          the profiles to install (required)\n"
	      "      --as SUBDIR         under ROOT/seccomp (default: DIR's name); pods name\n"
	      "                          them localhostProfile: SUBDIR/NAME.json\n"
	      "      --root-dir ROOT     the kubelet root (default /var/lib/kubelet for root)\n"
	      "      --once              one pass; exit 1 if a profile was rejected or the pass\n"
	      "                          failed\n"
	      "      --interval SECONDS  without --once: a full pass at least this often\n"
	      "                          (default 60), and at once when DIR changes (inotify)\n"
	      "      --poll              do not use inotify: passes every --interval only\n"
	      "      --prune             remove installed profiles that are no longer in DIR\n"
	      "      --status FILE       where each pass writes what it did (default\n"
	      "                          ROOT/seccomp/.kseccomp-sync/SUBDIR.json): 'kseccomp\n"
	      "                          node status' reads it\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "Without --once it runs until SIGTERM or SIGINT, and exits 0 then.\n",
	      stdout);
}

static volatile sig_atomic_t stop;

int
cli_node_sync(int argc, char **argv)
{
	static const struct option options[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, '1' },
		{ "prune", no_argument, NULL, 'P' },
		{ "poll", no_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sync_opts o = { 0 };
	char rootbuf[4096], sub[512];
	const char *root = NULL, *as = NULL, *status = NULL;
	double interval = 60;
	bool once = false, interval_set = false, poll_only = false;
	int c, r, ifd = -1, sfd;
	sigset_t mask;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.from = optarg;
			break;
		case 'a':
			as = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'i': {
			char *end;

			errno = 0;
			interval = strtod(optarg, &end);
			if (errno || *end || !(interval >= 0.1 && interval <= 86400))
				return cli_usage_error("node sync",
				                       "--interval '%s': seconds, 0.1 to 86400",
				                       optarg);
			interval_set = true;
			break;
		}
		case '1':
			once = true;
			break;
		case 'P':
			o.prune = true;
			break;
		case 'p':
			poll_only = true;
			break;
		case 's':
			status = optarg;
			break;
		case 'h':
			sync_help();
			return 0;
		default:
			return cli_bad_option("node sync", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("node sync", "unexpected argument '%s'", argv[optind]);
	if (!o.from)
		return cli_usage_error("node sync", "missing --from DIR");
	if (once && (interval_set || poll_only))
		return cli_usage_error("node sync",
		                       "--once makes one pass: no --interval or --poll");
	r = parse_sub("node sync", o.from, as, sub, sizeof(sub));
	if (r)
		return r;
	if (!root)
		root = cli_kubelet_root(rootbuf, sizeof(rootbuf));
	snprintf(o.target, sizeof(o.target), "%s/seccomp/%s", root, sub);
	if (status)
		snprintf(o.status, sizeof(o.status), "%s", status);
	else
		default_status_path(root, sub, o.status, sizeof(o.status));

	if (once) {
		r = sync_once(&o);
		return r == 0 ? 0 : 1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (!poll_only) {
		ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ifd < 0)
			cli_warning("no inotify (%s): a pass every %g s", strerror(errno),
			            interval);
		/* ..data is swapped by a rename into DIR; a plain directory's files are written
		 * in place */
		if (ifd >= 0 &&
		    inotify_add_watch(ifd, o.from,
		                      IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
		                              IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF |
		                              IN_MOVE_SELF) < 0) {
			cli_warning("%s: no inotify (%s): a pass every %g s", o.from,
			            strerror(errno), interval);
			close(ifd);
			ifd = -1;
		}
	}
	for (;;) {
		struct pollfd pfd[2] = { { .fd = sfd, .events = POLLIN },
			                 { .fd = ifd, .events = POLLIN } };
		struct timespec deadline, t;

		(void)sync_once(&o);
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += (time_t)interval;
		deadline.tv_nsec += (long)((interval - floor(interval)) * 1e9);
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		for (;;) {
			long ms;

			clock_gettime(CLOCK_MONOTONIC, &t);
			ms = (long)(deadline.tv_sec - t.tv_sec) * 1000 +
			     (deadline.tv_nsec - t.tv_nsec) / 1000000;
			if (ms <= 0)
				break;
			r = poll(pfd, ifd >= 0 ? 2 : 1, (int)ms);
			if (r < 0 && errno != EINTR)
				break;
			if (r > 0 && (pfd[0].revents & POLLIN))
				stop = 1;
			if (stop)
				break;
			if (r > 0 && (pfd[1].revents & POLLIN)) {
				char buf[4096];

				/* a swap is several events: let them settle, then one pass */
				(void)poll(NULL, 0, 100);
				while (read(ifd, buf, sizeof(buf)) > 0)
					;
				break;
			}
		}
		if (stop)
			break;
	}
	if (ifd >= 0)
		close(ifd);
	if (sfd >= 0)
		close(sfd);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */

int
cli_node_status(int argc, char **argv)
{
	static const struct option options[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 's' },
		{ "max-age", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	const char *root = NULL, *as = NULL, *status = NULL, *why;
	char rootbuf[4096], path[4096], sub[512];
	struct ksc_error *error = NULL;
	const struct ksc_node *top, *n;
	uint64_t last = 0, max_age = 0;
	size_t rejected = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			as = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 's':
			status = optarg;
			break;
		case 'm': {
			char *end;

			errno = 0;
			max_age = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || max_age == 0)
				return cli_usage_error("node status",
				                       "--max-age '%s': a number of seconds",
				                       optarg);
			break;
		}
		case 'h':
			fputs("Usage: kseccomp node status [--as SUBDIR | --status FILE]\n"
			      "                            [--root-dir ROOT] [--max-age SECONDS]\n"
			      "\n"
			      "Print what the last 'node sync' pass did, from its status file. "
			      "Exit\n"
			      "status 0 when that pass installed every profile (none rejected, no\n"
			      "error) and, with --max-age, ran within that many seconds: a "
			      "readiness\n"
			      "probe for the sync's DaemonSet. 1 otherwise, or when there is no "
			      "status.\n",
			      stdout);
			return 0;
		default:
			return cli_bad_option("node status", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("node status", "unexpected argument '%s'", argv[optind]);
	if (!status && !as)
		return cli_usage_error("node status",
		                       "say which sync: --as SUBDIR or --status FILE");
	if (!root)
		root = cli_kubelet_root(rootbuf, sizeof(rootbuf));
	if (status)
		snprintf(path, sizeof(path), "%s", status);
	else {
		r = parse_sub("node status", as, as, sub, sizeof(sub));
		if (r)
			return r;
		default_status_path(root, sub, path, sizeof(path));
	}
	r = ksc_doc_read_file(path, 16u << 20, &text, &len, &error);
	if (r >= 0)
		r = ksc_doc_parse(path, text, len, KSC_DOC_JSON, &doc, &error);
	if (r < 0) {
		if (r == -ENOENT) {
			ksc_error_free(error);
			cli_error("%s: no status: 'kseccomp node sync' has not run a pass yet",
			          path);
			return 1;
		}
		return cli_fail(r, error, path);
	}
	top = ksc_doc_root(doc, 0);
	n = top->kind == KSC_NODE_MAP ? ksc_node_get(top, "lastSyncUnix") : NULL;
	if (!n || ksc_node_to_u64(n, &last, &why) < 0) {
		cli_error("%s: not a node sync status file", path);
		return 1;
	}
	n = ksc_node_get(top, "rejected");
	if (n && n->kind == KSC_NODE_SEQ)
		rejected = n->count;
	fwrite(text, 1, len, stdout);
	n = ksc_node_get(top, "error");
	if (n && !ksc_node_is_null(n)) {
		cli_error("the last pass failed");
		return 1;
	}
	if (rejected) {
		cli_error("the last pass rejected %zu profile%s", rejected,
		          rejected == 1 ? "" : "s");
		return 1;
	}
	if (max_age && (uint64_t)time(NULL) > last + max_age) {
		cli_error("the last pass ran %" PRIu64 " s ago (more than %" PRIu64 ")",
		          (uint64_t)time(NULL) - last, max_age);
		return 1;
	}
	return 0;
}
