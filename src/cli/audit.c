/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp audit [FILE...|-] [--follow] [--since T] [--comm C] [--exe P] [--pid N]
 *                [--action A] [-o table|wide|json|yaml|summary] [--generate PROFILE]
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "audit-report.h"
#include "audit/read.h"
#include "cli.h"
#include "pods.h"

enum output { OUT_TABLE, OUT_WIDE, OUT_JSON, OUT_YAML, OUT_SUMMARY };
enum source { SOURCE_AUTO, SOURCE_NETLINK, SOURCE_KMSG };

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* What the output needs besides the records: the reader (src/lib/audit/read.h) selects,
 * counts and attributes them. */
struct output_state {
	enum output output;
	bool header_done;
	struct against against; /* --against: the records replayed, not shown */
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
	      "  -f, --follow          keep reading until interrupted (SIGINT, SIGTERM): new\n"
	      "                        kernel records, or lines appended to a file, through\n"
	      "                        its rotation as tail -F (renamed: the old file to its\n"
	      "                        end, then the new one; truncated: again from the start)\n"
	      "      --source S        where the kernel's records are read without a FILE:\n"
	      "                        netlink (the audit socket's multicast group, as they\n"
	      "                        are made; needs CAP_AUDIT_READ; implies --follow), kmsg\n"
	      "                        (/dev/kmsg, from the start of its ring buffer) or auto\n"
	      "                        (the default: netlink when following and permitted,\n"
	      "                        else kmsg)\n"
	      "      --since T         records from T on: seconds since the epoch, or an age\n"
	      "                        such as 90s, 10m, 2h, 1d\n"
	      "      --comm NAME       only this command name\n"
	      "      --exe PATH        only this executable\n"
	      "      --pid N           only this process\n"
	      "      --pod NAME        only the processes of this pod of the local node (an\n"
	      "                        error when the node has no such pod; a warning while\n"
	      "                        following, for a pod about to be applied)\n"
	      "      --state-dir DIR   the local node's state (see 'kseccomp apply --help')\n"
	      "      --action A        only this action: ALLOW, LOG, ERRNO, KILL, KILL_PROCESS,\n"
	      "                        TRAP, TRACE, NOTIFY\n"
	      "  -o, --output FMT      table (the default), wide (the table with the record's\n"
	      "                        serial, the user and session ids, the number, signal,\n"
	      "                        compat flag and address, the whole container id), json\n"
	      "                        (one object per line), yaml (one document per record,\n"
	      "                        '---' before each) or summary (counts per command,\n"
	      "                        arch, syscall and action, with a bar each)\n"
	      "      --generate FILE   write a profile that allows every syscall the selected\n"
	      "                        records show (defaultAction SCMP_ACT_ERRNO, the arches "
	      "seen\n"
	      "                        and this machine's): the tutorial's manual step, done;\n"
	      "                        with --follow, when interrupted. When records were lost\n"
	      "                        the profile is written and the exit status is 1\n"
	      "      --against PROFILE replay the records through PROFILE and list the calls\n"
	      "                        it would have denied: which rule or default, which\n"
	      "                        process, how often (-o table, json or yaml). With a\n"
	      "                        profile in complain mode ('kseccomp profile\n"
	      "                        complain'), the records are exactly the calls\n"
	      "                        PROFILE would deny\n"
	      "      --fail-on-deny    with --against: exit 1 when PROFILE would deny a call\n"
	      "  -h, --help            show this help\n"
	      "\n"
	      "ERRNO, TRAP and TRACE denials are logged only when the filter was installed with\n"
	      "SECCOMP_FILTER_FLAG_LOG ('kseccomp run --log-denials'); LOG and KILL always are.\n"
	      "The kernel's record has the action without its data: an ERRNO denial shows as\n"
	      "ERRNO, without the errno the filter returned.\n"
	      "\n"
	      "Lost records are reported: serial numbers that never arrived, /dev/kmsg's ring\n"
	      "overwriting records and printk's rate limit (most records of a busy workload:\n"
	      "use netlink), netlink's buffer overflowing, the kernel's audit_lost counter\n"
	      "rising (with audit=1 and no auditd it also counts records netlink did get).\n"
	      "-o json reads back as input (\"record\" is the kernel's audit(TIME:SERIAL)).\n",
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

/* An id of the record for the wide table: '-' when absent, "unset" for (uint32_t)-1. */
static const char *
id_field(int64_t v, char *buf, size_t size)
{
	if (v < 0)
		return "-";
	if (v == 4294967295)
		return "unset";
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

static void
show_record(void *userdata, const struct audit_record *r, const struct audit_who *who)
{
	struct output_state *st = userdata;
	char when[64], action[32], number[16];
	const char *arch = r->arch ? ksc_arch_name(r->arch) : "unknown";
	const char *name = r->name;

	if (!name) {
		snprintf(number, sizeof(number), "%" PRIu32, r->syscall);
		name = number;
	}
	audit_format_time(r->time, when, sizeof(when));
	audit_action_format(r->code, action, sizeof(action));
	if (st->output == OUT_JSON || st->output == OUT_YAML) {
		struct strbuf sb = { 0 };

		audit_record_json(&sb, r, who);
		(void)cli_print_record(&sb, st->output == OUT_YAML);
		return;
	}
	if (!st->header_done) {
		if (st->output == OUT_WIDE)
			printf("%-24s %-10s %-7s %-10s %-10s %-10s %-16s %-8s %-20s %-6s %-14s "
			       "%-3s %-6s %-18s %s\n",
			       "TIME", "SERIAL", "PID", "UID", "AUID", "SES", "COMM", "ARCH",
			       "SYSCALL", "NR", "ACTION", "SIG", "COMPAT", "IP", "EXE");
		else
			printf("%-24s %-7s %-16s %-8s %-20s %-14s %s\n", "TIME", "PID", "COMM",
			       "ARCH", "SYSCALL", "ACTION", "EXE");
		st->header_done = true;
	}
	/* comm and exe are the process's own choice (prctl(PR_SET_NAME), the file name): the
	 * kernel hex-encodes them when they hold controls, and they are shown escaped; -o json
	 * carries them exactly */
	if (st->output == OUT_WIDE) {
		char uid[24], auid[24], ses[24], compat[16];

		printf("%-24s %-10" PRIu64 " %-7" PRId64 " %-10s %-10s %-10s %-16s %-8s %-20s "
		       "%-6" PRIu32 " %-14s %-3d %-6s 0x%-16" PRIx64 " %s",
		       when, r->serial, r->pid, id_field(r->uid, uid, sizeof(uid)),
		       id_field(r->auid, auid, sizeof(auid)), id_field(r->ses, ses, sizeof(ses)),
		       cli_escape(r->comm), arch, name, r->syscall, action, r->sig,
		       id_field(r->compat, compat, sizeof(compat)), r->ip, cli_escape(r->exe));
	} else
		printf("%-24s %-7" PRId64 " %-16s %-8s %-20s %-14s %s", when, r->pid,
		       cli_escape(r->comm), arch, name, action, cli_escape(r->exe));
	if (*who->pod)
		printf(" pod=%s container=%s", cli_escape(who->pod), cli_escape(who->container));
	if (*who->container_id && (!*who->pod || st->output == OUT_WIDE))
		printf(" container%s=%.*s", *who->pod ? "_id" : "",
		       st->output == OUT_WIDE ? 64 : 12, who->container_id);
	putchar('\n');
}

static void
replay_record(void *userdata, const struct audit_record *r, const struct audit_who *who)
{
	struct output_state *st = userdata;

	against_record(&st->against, r, who);
}

/* After each block of a file: a follower sees the records as they come. */
static void
flush_output(void *userdata)
{
	(void)userdata;
	fflush(stdout);
}

/* The kernel's records: through netlink when asked, or when following and permitted. */
static int
read_kernel(struct audit_reader *ar, enum source source, bool follow, struct ksc_error **error)
{
	int r;

	if (source == SOURCE_KMSG || (source == SOURCE_AUTO && !follow))
		return audit_read_kmsg(ar, follow, error);
	if (source == SOURCE_NETLINK)
		return audit_read_netlink(ar, error);
	r = audit_netlink_available();
	if (r >= 0)
		return audit_read_netlink(ar, error);
	cli_warning("following /dev/kmsg, where the kernel's rate limit drops records (the audit "
	            "netlink socket: %s)",
	            strerror(-r));
	return audit_read_kmsg(ar, true, error);
}

/* What the options ask for, besides the selection and output the reader and output hold. */
struct args {
	const char *generate; /* the profile to write */
	const char *against;  /* the profile to replay the records through */
	enum source source;
	bool follow, fail_on_deny;
	struct node_opts node;
};

/* One selection option: 0, or a usage error's exit status. */
static int
parse_select(int c, const char *value, struct audit_select *select)
{
	static const char *const actions[] = { "ALLOW", "LOG",         "ERRNO",
		                               "KILL",  "KILL_THREAD", "KILL_PROCESS",
		                               "TRAP",  "TRACE",       "NOTIFY" };
	char *end = NULL;
	bool known = false;

	switch (c) {
	case 's':
		if (!parse_since(value, &select->since))
			return cli_usage_error(
			        "audit",
			        "--since '%s': expected seconds since the epoch or an "
			        "age such as 10m",
			        value);
		return 0;
	case 'c':
		select->comm = value;
		return 0;
	case 'e':
		select->exe = value;
		return 0;
	case 'P':
		select->pod = value;
		return 0;
	case 'p':
		select->pid = strtoll(value, &end, 10);
		if (!*value || *end || select->pid < 0)
			return cli_usage_error("audit", "--pid '%s': not a process ID", value);
		return 0;
	case 'a':
	default:
		for (size_t i = 0; i < ELEMENTSOF(actions); i++)
			known = known || streq(value, actions[i]);
		if (!known)
			return cli_usage_error("audit", "--action '%s': unknown action", value);
		select->action = value;
		return 0;
	}
}

/* -1 to go on, else the exit status (--help, a usage error). */
static int
parse_args(int argc, char **argv, struct args *a, struct audit_select *select,
           struct output_state *out)
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
		{ "source", required_argument, NULL, 'K' },
		{ "against", required_argument, NULL, 'A' },
		{ "fail-on-deny", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, format;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fo:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			a->follow = true;
			break;
		case 's':
		case 'c':
		case 'e':
		case 'P':
		case 'p':
		case 'a':
			if (parse_select(c, optarg, select) != 0)
				return EXIT_USAGE;
			break;
		case 'S':
			a->node.state = optarg;
			break;
		case 'o':
			/* in the order of enum output */
			if (cli_parse_output("audit", optarg,
			                     (const char *const[]){ "table", "wide", "json", "yaml",
			                                            "summary", NULL },
			                     5, &format) != 0)
				return EXIT_USAGE;
			out->output = (enum output)format;
			break;
		case 'g':
			if (cli_parse_output_file("audit", optarg, &a->generate) != 0)
				return EXIT_USAGE;
			break;
		case 'A':
			a->against = optarg;
			break;
		case 'F':
			a->fail_on_deny = true;
			break;
		case 'K':
			if (streq(optarg, "netlink"))
				a->source = SOURCE_NETLINK;
			else if (streq(optarg, "kmsg"))
				a->source = SOURCE_KMSG;
			else if (!streq(optarg, "auto"))
				return cli_usage_error(
				        "audit", "--source '%s': expected netlink, kmsg or auto",
				        optarg);
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("audit", argv, c);
		}
	}
	if (a->source != SOURCE_AUTO && optind < argc)
		return cli_usage_error("audit", "--source is where the kernel's records are read "
		                                "from: not with a FILE");
	if (a->against && (a->generate || out->output == OUT_SUMMARY))
		return cli_usage_error("audit", "--against lists would-be denials: not with "
		                                "--generate or -o summary");
	if (a->fail_on_deny && !a->against)
		return cli_usage_error("audit", "--fail-on-deny needs --against PROFILE");
	a->follow = a->follow || a->source == SOURCE_NETLINK;
	return -1;
}

/* What the reading itself found wrong: unreadable records, lost ones, none at all. */
static void
report_reading(const struct audit_reader *ar, bool quiet_when_none)
{
	uint64_t lost = audit_reader_lost_records(ar);

	if (ar->malformed)
		cli_warning("%" PRIu64 " seccomp record%s could not be read", ar->malformed,
		            ar->malformed == 1 ? "" : "s");
	if (ar->lost && lost)
		cli_warning("at least %" PRIu64 " record%s lost (\"%s\"), so syscalls may be "
		            "missing",
		            lost, lost == 1 ? " was" : "s were", cli_escape(ar->lost_example));
	else if (ar->lost)
		cli_warning("records were lost (%" PRIu64 " report%s of loss, the first: \"%s\"), "
		            "so syscalls may be missing",
		            ar->lost, ar->lost == 1 ? "" : "s", cli_escape(ar->lost_example));
	if (ar->shown == 0 && !quiet_when_none)
		cli_warning("no seccomp records%s. ERRNO, TRAP and TRACE denials are logged only "
		            "when the filter has SECCOMP_FILTER_FLAG_LOG ('kseccomp run "
		            "--log-denials'); SCMP_ACT_LOG and KILL always are",
		            ar->records ? " match the filters" : " found");
}

int
verb_audit(int argc, char **argv)
{
	struct output_state out = { 0 };
	struct audit_reader ar = { .select.pid = -1,
		                   .on_record = show_record,
		                   .on_block = flush_output,
		                   .userdata = &out,
		                   .attribute_pod = node_attribute_pid };
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct args a = { .node.executor_set = true };
	bool denied;
	int r;

	r = parse_args(argc, argv, &a, &ar.select, &out);
	if (r >= 0)
		return r;
	if (a.against) {
		r = against_open(&out.against, a.against);
		if (r != 0)
			return r;
		ar.on_record = replay_record;
	}
	node_opts_defaults(&a.node);
	if (ar.select.pod && (r = pods_check_known("audit", &a.node, ar.select.pod, a.follow)) != 0)
		return r;
	ar.node_state = a.node.state;
	ar.aggregate = out.output == OUT_SUMMARY || a.generate;
	if (a.follow) {
		/* interrupted, the records so far are still shown, summed up or written */
		struct sigaction sa = { .sa_handler = on_stop_signal };

		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
		ar.stop = &stop_requested;
		setvbuf(stdout, NULL, _IOLBF, 0);
	}
	r = 0;
	if (optind >= argc)
		r = read_kernel(&ar, a.source, a.follow, &error);
	for (int i = optind; i < argc && r >= 0; i++)
		r = audit_read_file(&ar, argv[i], a.follow && i == argc - 1, &error);
	/* a source that does not exist is reported, and what was read still counts */
	if (r < 0)
		(void)cli_fail(r, TAKE_PTR(error), NULL);
	if (r < 0 && r != -ENOENT) {
		against_close(&out.against);
		audit_reader_done(&ar);
		return 1;
	}
	if (out.output == OUT_SUMMARY && !a.generate)
		print_summary(&ar.groups);
	r = a.against ? against_report(&out.against, out.output == OUT_JSON, out.output == OUT_YAML)
	              : 0;
	report_reading(&ar, a.against);
	if (r == 0 && a.generate) {
		r = write_profile(&ar.groups, a.generate) < 0 ? 1 : 0;
		if (r == 0 && ar.lost) {
			cli_error("%s may miss syscalls: records were lost while reading",
			          cli_escape(a.generate));
			r = 1;
		}
	}
	denied = out.against.denied > 0;
	against_close(&out.against);
	audit_reader_done(&ar);
	return r != 0 ? r : a.fail_on_deny && denied ? 1 : 0;
}
