/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp agent --listen PATH [--policy FILE] [-o text|json|yaml] [--record DIR [--args]]
 *
 * A seccomp agent as the OCI runtime-spec describes it: the server is the library's
 * (src/lib/agent.h); this file parses the options, sets up the signals that stop it, and
 * prints what it reports, one line per event or call, as text or JSON.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "cli.h"
#include "strbuf.h"

static void
help(void)
{
	fputs("Usage: kseccomp agent --listen PATH [OPTIONS]\n"
	      "       kseccomp agent --listen PATH --recording-profile\n"
	      "\n"
	      "A seccomp agent: the other end of SCMP_ACT_NOTIFY. Runtimes (runc, crun, 'kseccomp\n"
	      "run', the local node) connect to the profile's listenerPath and send the\n"
	      "container process state with the filter's listener, as the OCI runtime-spec\n"
	      "says. Every notified call is printed (pod and container from the state's\n"
	      "annotations, else the container ID; pid, command, arch, syscall, arguments) and\n"
	      "answered by the policy: allow (the call runs: SECCOMP_USER_NOTIF_FLAG_CONTINUE),\n"
	      "errno N (it fails), or kill (the process gets SIGKILL). Without --policy every\n"
	      "call is logged and allowed.\n"
	      "\n"
	      "When the agent exits, its containers' notified calls fail with ENOSYS; the\n"
	      "containers started after it comes back reach the new agent.\n"
	      "\n"
	      "Options:\n"
	      "  -l, --listen PATH        the socket to listen on (a stale socket is replaced;\n"
	      "                           '@NAME' is an abstract socket, as runc reads it:\n"
	      "                           weaker than a path, see below)\n"
	      "      --allow-uid UID[,UID...]\n"
	      "                           also take listeners from runtimes running as these\n"
	      "                           uids (as seen from the agent's user namespace); by\n"
	      "                           default only root and the agent's own uid\n"
	      "  -p, --policy FILE        how to answer (YAML or JSON):\n"
	      "                             defaultAction: allow | errno | kill\n"
	      "                             defaultErrno: EPERM\n"
	      "                             rules:\n"
	      "                               - syscalls: [mkdir, mkdirat]\n"
	      "                                 action: errno\n"
	      "                                 errno: EACCES\n"
	      "                                 pod: \"web-*\"      # also namespace,\n"
	      "                                 container: nginx  # metadata: patterns\n"
	      "                           the first matching rule answers\n"
	      "  -o, --output FORMAT      text (default), json (one object per line) or yaml\n"
	      "                           (one document per event, '---' before each)\n"
	      "      --record DIR         write DIR/NAME.json per container when it ends (and\n"
	      "                           at exit): a least-privilege profile of the calls seen,\n"
	      "                           as 'kseccomp record' writes it. write(2) is always in\n"
	      "                           it: runc refuses SCMP_ACT_NOTIFY for write\n"
	      "      --args               with --record: conditional rules for socket,\n"
	      "                           personality and clone, from the arguments seen\n"
	      "      --recording-profile  print a profile that sends every call but write to\n"
	      "                           this agent (run a workload under it with --record)\n"
	      "      --metadata TEXT      with --recording-profile: its listenerMetadata\n"
	      "  -q, --quiet              print nothing per call\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "Who may hand it a listener: a process that does decides what the agent answers\n"
	      "and records for the container it names. The agent takes a connection only\n"
	      "from uid 0, its own uid and the --allow-uid list (SO_PEERCRED), and only a\n"
	      "seccomp listener as seccompFd. A socket file is made mode 0600; an abstract\n"
	      "socket ('@NAME') has no file and so no permissions: any process in the\n"
	      "network namespace can connect to it, and the uid check is all that stands.\n"
	      "\n"
	      "socketcall(2) and ipc(2) (i386, s390, ppc, mips o32, ...) are answered as the\n"
	      "call their first argument selects: a rule for connect answers i386\n"
	      "socketcall(SYS_CONNECT), shown as 'connect (socketcall)'; a rule that names\n"
	      "the multiplexer itself still applies when it is stricter.\n"
	      "\n"
	      "The agent runs until SIGINT or SIGTERM. Exit status: 0, or 1 if it could not\n"
	      "start (the policy or the socket).\n",
	      stdout);
}

/* How the agent prints: -o and -q. */
struct printer {
	bool json, yaml, quiet; /* yaml: the json, each line a YAML document */
};

static void
timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

static void
put_json(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_printf(sb, ",\"%s\":", key);
	if (value)
		strbuf_put_json_str(sb, value);
	else
		strbuf_puts(sb, "null");
}

/* Text for the human-readable log: controls escaped; JSON carries the exact text. */
static void
put_text(struct strbuf *sb, const char *s)
{
	strbuf_put_escaped(sb, s, strlen(s));
}

static void
emit(struct strbuf *sb)
{
	_cleanup_(freep) char *text = NULL;
	size_t len;

	if (strbuf_finish(sb, &text, &len) < 0)
		return;
	fwrite(text, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* A JSON line, or with -o yaml, a YAML document of its own. */
static void
emit_json(const struct printer *pr, struct strbuf *sb)
{
	if (pr->yaml)
		(void)cli_print_record(sb, true);
	else
		emit(sb);
}

/* A container event ("connected", "exited"; c NULL: the agent's own) in either format. */
static void
print_event(const struct printer *pr, const struct agent_peer *c, const char *text)
{
	struct strbuf sb = { 0 };
	char when[64];

	timestamp(when, sizeof(when));
	if (!pr->json) {
		/* the label and the text quote what a runtime sent (its state's IDs, names
		 * and metadata): escaped, as every human-readable line (strbuf_put_escaped) */
		strbuf_printf(&sb, "%s ", when);
		put_text(&sb, c ? c->label : "-");
		strbuf_putc(&sb, ' ');
		put_text(&sb, text);
		emit(&sb);
		return;
	}
	strbuf_printf(&sb, "{\"time\":\"%s\"", when);
	put_json(&sb, "event", text);
	if (c) {
		put_json(&sb, "id", c->peer->id);
		put_json(&sb, "namespace", c->peer->namespace);
		put_json(&sb, "pod", c->peer->pod);
		put_json(&sb, "container", c->peer->container);
		put_json(&sb, "metadata", c->peer->metadata);
		strbuf_printf(&sb, ",\"pid\":%d,\"calls\":%" PRIu64, c->peer->pid, c->calls);
	}
	strbuf_puts(&sb, "}");
	emit_json(pr, &sb);
}

static void
on_event(void *userdata, const struct agent_peer *c, const char *text)
{
	print_event(userdata, c, text);
}

static void
on_call(void *userdata, const struct agent_peer *c, const struct agent_call *call)
{
	const struct printer *pr = userdata;
	const struct notify_verdict *v = call->verdict;
	enum ksc_arch arch = call->arch;
	const char *name = call->name, *mux = call->mux, *path = call->path, *comm = call->comm,
	           *outcome = call->outcome;
	struct strbuf sb = { 0 };
	char when[64], answer[48];

	if (pr->quiet)
		return;
	timestamp(when, sizeof(when));
	notify_verdict_format(v, answer, sizeof(answer));
	if (!pr->json) {
		/* comm is the process's own choice (prctl(PR_SET_NAME), its file name) */
		strbuf_printf(&sb, "%s ", when);
		put_text(&sb, c->label);
		strbuf_printf(&sb, " pid=%u comm=", call->pid);
		put_text(&sb, comm);
		strbuf_printf(&sb, " %s %s", arch != KSC_ARCH_NONE ? ksc_arch_name(arch) : "?",
		              name ? name : "?");
		if (!name)
			strbuf_printf(&sb, "(nr %d)", call->nr);
		if (mux)
			strbuf_printf(&sb, " (%s)", mux);
		if (path) {
			strbuf_puts(&sb, " path=");
			strbuf_put_json_str(&sb, path);
		}
		strbuf_puts(&sb, " args=");
		for (int i = 0; i < 6; i++)
			strbuf_printf(&sb, "%s%#" PRIx64, i ? "," : "", call->args[i]);
		strbuf_printf(&sb, " -> %s%s%s", answer, outcome ? " " : "",
		              outcome ? outcome : "");
		emit(&sb);
		return;
	}
	strbuf_printf(&sb, "{\"time\":\"%s\",\"event\":\"call\"", when);
	put_json(&sb, "id", c->peer->id);
	put_json(&sb, "namespace", c->peer->namespace);
	put_json(&sb, "pod", c->peer->pod);
	put_json(&sb, "container", c->peer->container);
	put_json(&sb, "metadata", c->peer->metadata);
	strbuf_printf(&sb, ",\"pid\":%u", call->pid);
	put_json(&sb, "comm", comm);
	put_json(&sb, "arch", arch != KSC_ARCH_NONE ? ksc_arch_name(arch) : NULL);
	put_json(&sb, "syscall", name);
	if (mux)
		put_json(&sb, "multiplexer", mux);
	strbuf_printf(&sb, ",\"nr\":%d,\"args\":[", call->nr);
	for (int i = 0; i < 6; i++)
		strbuf_printf(&sb, "%s%" PRIu64, i ? "," : "", call->args[i]);
	strbuf_puts(&sb, "]");
	if (path)
		put_json(&sb, "path", path);
	strbuf_printf(&sb, ",\"answer\":\"%s\"",
	              v->answer == NOTIFY_ERRNO  ? "errno"
	              : v->answer == NOTIFY_KILL ? "kill"
	                                         : "allow");
	if (v->answer == NOTIFY_ERRNO)
		strbuf_printf(&sb, ",\"errno\":%u", v->errnum);
	strbuf_printf(&sb, ",\"rule\":%d", v->rule);
	if (outcome)
		put_json(&sb, "outcome", outcome);
	strbuf_puts(&sb, "}");
	emit_json(pr, &sb);
}

static void
on_diag(void *userdata, enum ksc_severity severity, const char *text)
{
	if (severity == KSC_SEVERITY_ERROR)
		cli_error("%s", text);
	else
		cli_warning("%s", text);
}

/* --allow-uid UID[,UID...], added to *list. 0, -EINVAL or -ENOMEM. */
static int
parse_allow_uid(const char *text, uid_t **list, size_t *n)
{
	const char *p = text;

	for (;;) {
		unsigned long long v;
		uid_t *grown;
		char *end;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtoull(p, &end, 10);
		/* (uid_t)-1 is no uid: setresuid(2) reads it as "unchanged" */
		if (errno || v >= (uid_t)-1 || (*end != ',' && *end != '\0'))
			return -EINVAL;
		grown = reallocarray(*list, *n + 1, sizeof(uid_t));
		if (!grown)
			return -ENOMEM;
		*list = grown;
		(*list)[(*n)++] = (uid_t)v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

/* What the options asked for. */
struct agent_args {
	const char *listen_path, *policy_path, *metadata, *record_dir;
	bool print_profile, refine;
	struct printer printer;
	uid_t *allowed_uids; /* owned */
	size_t n_allowed_uids;
};

/* The options: 0, or the exit status of a usage error or --help (-1 for --help's 0). */
static int
parse_args(int argc, char **argv, struct agent_args *aa)
{
	static const struct option options[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "policy", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "record", required_argument, NULL, 'R' },
		{ "args", no_argument, NULL, 'A' },
		{ "recording-profile", no_argument, NULL, 'P' },
		{ "metadata", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "allow-uid", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:p:o:qh", options, NULL)) != -1) {
		switch (c) {
		case 'l':
			aa->listen_path = optarg;
			break;
		case 'p':
			aa->policy_path = optarg;
			break;
		case 'o': {
			int format;

			if (cli_parse_output("agent", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
			                     &format) != 0)
				return EXIT_USAGE;
			aa->printer.json = format >= 1;
			aa->printer.yaml = format == 2;
			break;
		}
		case 'R':
			aa->record_dir = optarg;
			break;
		case 'A':
			aa->refine = true;
			break;
		case 'P':
			aa->print_profile = true;
			break;
		case 'm':
			aa->metadata = optarg;
			break;
		case 'q':
			aa->printer.quiet = true;
			break;
		case 'U':
			r = parse_allow_uid(optarg, &aa->allowed_uids, &aa->n_allowed_uids);
			if (r == -ENOMEM)
				return cli_fail(r, NULL, NULL);
			if (r < 0)
				return cli_usage_error("agent",
				                       "--allow-uid: '%s' is not a list of uids "
				                       "(numbers, comma-separated)",
				                       optarg);
			break;
		case 'h':
			help();
			return -1;
		default:
			return cli_bad_option("agent", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("agent", "unexpected operand '%s'", argv[optind]);
	if (!aa->listen_path)
		return cli_usage_error("agent", "missing --listen PATH");
	if (aa->metadata && !aa->print_profile)
		return cli_usage_error("agent", "--metadata goes with --recording-profile");
	if (aa->refine && !aa->record_dir)
		return cli_usage_error("agent", "--args goes with --record DIR");
	return 0;
}

static int
print_recording_profile(const char *listen, const char *metadata)
{
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	size_t len;
	int r;

	r = agent_recording_profile(listen, metadata, &text, &len, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	fwrite(text, 1, len, stdout);
	return 0;
}

/* SIGINT and SIGTERM, blocked, as a signalfd that stops the agent; SIGPIPE ignored (a runtime
 * that went away). The fd, or -1. */
static int
stop_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Serve until SIGINT or SIGTERM. 0, or 1 after saying why. */
static int
run_agent(const struct agent_args *aa, struct notify_policy *policy)
{
	struct agent_opts opts = {
		.policy = policy,
		.record_dir = aa->record_dir,
		.refine = aa->refine,
		.allowed_uids = aa->allowed_uids,
		.n_allowed_uids = aa->n_allowed_uids,
		.sink = { .userdata = (void *)&aa->printer,
		          .event = on_event,
		          .call = on_call,
		          .diag = on_diag },
	};
	struct agent *a = NULL;
	struct ksc_error *error = NULL;
	char text[512];
	int r, sfd, status;

	r = agent_new(&opts, &a, &error);
	if (r < 0 && r != -ENOMEM)
		return cli_fail(r, error, NULL);
	sfd = stop_signals();
	if (r < 0 || sfd < 0) {
		status = cli_fail(-ENOMEM, NULL, "setting up");
		goto out;
	}
	r = agent_listen(a, aa->listen_path, &error);
	if (r < 0) {
		status = cli_fail(r, error, NULL);
		goto out;
	}
	snprintf(text, sizeof(text), "listening on %s", aa->listen_path);
	print_event(&aa->printer, NULL, text);
	r = agent_serve(a, sfd, &error);
	status = r < 0 ? cli_fail(r, error, NULL) : 0;
out:
	if (sfd >= 0)
		close(sfd);
	agent_free(a);
	return status;
}

int
verb_agent(int argc, char **argv)
{
	struct agent_args aa = { 0 };
	struct notify_policy *policy = NULL;
	struct ksc_error *error = NULL;
	struct stat st;
	int r;

	r = parse_args(argc, argv, &aa);
	if (r == 0 && aa.print_profile)
		r = print_recording_profile(aa.listen_path, aa.metadata);
	else if (r == 0) {
		if (aa.policy_path)
			r = notify_policy_load(aa.policy_path, &policy, &error);
		else
			r = notify_policy_new_default(&policy);
		if (r < 0)
			r = cli_fail(r, error, aa.policy_path);
		else if (aa.record_dir && (stat(aa.record_dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
			cli_error("--record: %s is not a directory", aa.record_dir);
			r = 1;
		} else
			r = run_agent(&aa, policy);
		notify_policy_free(policy);
	}
	free(aa.allowed_uids);
	return r < 0 ? 0 : r;
}
