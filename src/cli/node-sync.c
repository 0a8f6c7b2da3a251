/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node sync --from DIR [--as SUBDIR] [--root-dir ROOT] [--interval S | --once]
 *                    [--prune] [--poll] [--status FILE] [--metrics ADDR]
 *
 * Keep ROOT/seccomp/SUBDIR identical to DIR, typically a mounted ConfigMap; the node module
 * (src/lib/node/sync.c) makes each pass and writes its status, this prints what it did.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "node.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/profiles.h"

/* --metrics: a thread serves the status file's figures while the passes go on. */
struct metrics_thread {
	const char *addr;
	char status[PATH_MAX];
	volatile sig_atomic_t stop, failed; /* failed: it could not serve */
	struct ksc_error *error;
};

static int
collect_sync(void *userdata, struct strbuf *sb)
{
	struct metrics_thread *t = userdata;
	struct node_sync_status st;
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	struct timespec now;
	size_t len = 0;
	int r = node_sync_status_load(t->status, &text, &len, &st, &error);

	ksc_error_free(error);
	clock_gettime(CLOCK_REALTIME, &now);
	sync_metrics(r < 0 ? NULL : &st, (double)now.tv_sec + (double)now.tv_nsec / 1e9, sb);
	return 0;
}

static void
metrics_listening(int port, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "kseccomp: node sync: serving metrics on port %d\n", port);
}

static void *
metrics_main(void *userdata)
{
	struct metrics_thread *t = userdata;

	int r = metrics_serve(t->addr, collect_sync, t, &t->stop, metrics_listening, &t->error);

	if (r < 0) {
		fprintf(stderr, "kseccomp: node sync: --metrics %s\n",
		        t->error ? ksc_error_message(t->error) : strerror(-r));
		ksc_error_free(t->error);
		t->failed = 1;
	}
	return NULL;
}

/* One pass, said as it goes; returns the number of rejected profiles, or -errno when the pass
 * failed. */
static int
sync_once(const struct node_sync_opts *o)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	struct node_sync_pass p;
	size_t rejected = 0;
	int r;

	r = node_sync_run(o, &p);
	for (size_t i = 0; p.reasons && i < p.src.n; i++)
		if (p.reasons[i]) {
			rejected++;
			cli_error("%s/%s: rejected, the installed profile stays: %s", o->from,
			          p.src.files[i].name, p.reasons[i]);
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
	node_sync_write_status(o, &p, diags);
	cli_print_diags(diags);
	if (r >= 0 && p.error)
		r = -EIO;
	node_sync_pass_done(&p);
	if (r < 0)
		return r;
	return (int)rejected;
}

static void
sync_help(void)
{
	fputs("Usage: kseccomp node sync --from DIR [--as SUBDIR] [--root-dir ROOT]\n"
	      "                          [--interval SECONDS | --once] [--prune] [--poll]\n"
	      "                          [--status FILE] [--metrics ADDR]\n"
	      "\n"
	      "Keep ROOT/seccomp/SUBDIR identical to DIR, a directory of *.json profiles such as\n"
	      "a mounted ConfigMap (whose files the kubelet swaps at once through ..data).\n"
	      "Every pass reads one generation of DIR as a whole, validates every profile, and\n"
	      "installs the valid ones that changed, each atomically: a runtime never reads a\n"
	      "partial profile, even if the sync is killed. An invalid profile is rejected and\n"
	      "the installed one stays. Files no longer in DIR stay unless --prune.\n"
	      "Only regular files are read (in a ConfigMap, those of the directory ..data\n"
	      "names); no link beneath ROOT is followed.\n"
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
	      "      --metrics ADDR      without --once: serve the last pass as Prometheus\n"
	      "                          metrics on http://ADDR/metrics (HOST:PORT or :PORT):\n"
	      "                          kseccomp_sync_profiles{state}, "
	      "kseccomp_sync_age_seconds,\n"
	      "                          kseccomp_sync_last_timestamp_seconds,\n"
	      "                          kseccomp_sync_failed, kseccomp_sync_up\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "Without --once it runs until SIGTERM or SIGINT, and exits 0 then.\n",
	      stdout);
}

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
		{ "metrics", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_sync_opts o = { 0 };
	struct node_sync_watch w;
	char rootbuf[PATH_MAX];
	const char *root = NULL, *as = NULL;
	double interval = 60;
	struct metrics_thread mt = { 0 };
	pthread_t thread;
	bool serving = false;
	bool once = false, interval_set = false, poll_only = false;
	int c, r;

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
			o.status = optarg;
			break;
		case 'm':
			mt.addr = optarg;
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
	if (once && (interval_set || poll_only || mt.addr))
		return cli_usage_error("node sync",
		                       "--once makes one pass: no --interval, --poll or --metrics");
	r = cli_node_parse_sub("node sync", o.from, as, o.sub, sizeof(o.sub));
	if (r)
		return r;
	if (!root)
		root = node_kubelet_root(rootbuf, sizeof(rootbuf));
	o.root = root;
	snprintf(o.target, sizeof(o.target), "%s/seccomp/%s", root, o.sub);

	if (once) {
		r = sync_once(&o);
		return r == 0 ? 0 : 1;
	}
	{
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();

		/* signals are blocked first: the metrics thread inherits the mask, and only
		 * the watch's signalfd takes them */
		node_sync_watch_open(&w, &o, poll_only, interval, diags);
		cli_print_diags(diags);
	}
	if (mt.addr) {
		if (o.status)
			snprintf(mt.status, sizeof(mt.status), "%s", o.status);
		else
			node_sync_status_path(o.root, o.sub, mt.status, sizeof(mt.status));
		serving = pthread_create(&thread, NULL, metrics_main, &mt) == 0;
		if (!serving) {
			cli_error("node sync: --metrics: cannot start its thread");
			node_sync_watch_close(&w);
			return 1;
		}
	}
	do
		(void)sync_once(&o);
	while (!node_sync_watch_wait(&w, interval) && !mt.failed);
	node_sync_watch_close(&w);
	if (serving) {
		mt.stop = 1;
		pthread_join(thread, NULL);
	}
	return mt.failed ? 1 : 0;
}
