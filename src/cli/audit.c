/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp audit [FILE...|-] [--follow] [--since T] [--comm C] [--exe P] [--pid N]
 *                [--action A] [-o table|json|summary] [--generate -o PROFILE]
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "audit/read.h"
#include "cli.h"
#include "pods.h"

enum output { OUT_TABLE, OUT_JSON, OUT_SUMMARY };

/* What the output needs besides the records: the reader (src/lib/audit/read.h) selects,
 * counts and attributes them. */
struct output_state {
	enum output output;
	bool header_done;
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
	print_time(r->time, when, sizeof(when));
	audit_action_format(r->code, action, sizeof(action));
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
		/* hex and dashes from the process's cgroup path (audit_attribute), written
		 * through the one JSON string writer all the same */
		if (*who->pod_uid) {
			printf(", \"pod_uid\": ");
			cli_print_json_string(who->pod_uid);
		}
		if (*who->container_id) {
			printf(", \"container_id\": ");
			cli_print_json_string(who->container_id);
		}
		if (*who->pod) {
			printf(", \"pod\": ");
			cli_print_json_string(who->pod);
			printf(", \"container\": ");
			cli_print_json_string(who->container);
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
	if (*who->pod)
		printf(" pod=%s container=%s", cli_escape(who->pod), cli_escape(who->container));
	else if (*who->container_id)
		printf(" container=%.12s", who->container_id);
	putchar('\n');
}

/* After each block of a file: a follower sees the records as they come. */
static void
flush_output(void *userdata)
{
	(void)userdata;
	fflush(stdout);
}

static void
print_summary(struct audit_groups *groups)
{
	audit_groups_sort(groups);
	printf("%-8s %-16s %-8s %-20s %s\n", "COUNT", "COMM", "ARCH", "SYSCALL", "ACTION");
	for (size_t i = 0; i < groups->n; i++) {
		const struct audit_group *g = &groups->v[i];
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

/* --generate: the profile the selected records call for, written to path. 0 or -errno. */
static int
write_profile(const struct audit_groups *groups, const char *path)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(freep) char *json = NULL;
	struct audit_profile profile = { 0 };
	struct ksc_error *error = NULL;
	int r;

	if (!diags) {
		(void)cli_fail(-ENOMEM, NULL, NULL);
		return -ENOMEM;
	}
	r = audit_profile_generate(groups, path, &profile, diags, &error);
	cli_print_warnings(diags);
	if (r < 0) {
		(void)cli_fail(r, error, NULL);
		return r;
	}
	json = profile.json;
	r = cli_write_file(path, json, profile.len);
	if (r < 0)
		return r;
	fprintf(stderr, "kseccomp: wrote %s: %zu syscalls on %zu architecture%s\n",
	        cli_escape(path), profile.n_syscalls, profile.n_arches,
	        profile.n_arches == 1 ? "" : "s");
	return 0;
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
	struct output_state out = { 0 };
	struct audit_reader ar = { .select.pid = -1,
		                   .on_record = show_record,
		                   .on_block = flush_output,
		                   .userdata = &out,
		                   .attribute_pod = node_attribute_pid };
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct node_opts node = { .executor_set = true };
	const char *generate = NULL; /* the profile to write */
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
			if (!parse_since(optarg, &ar.select.since))
				return cli_usage_error(
				        "audit",
				        "--since '%s': expected seconds since the epoch "
				        "or an age such as 10m",
				        optarg);
			break;
		case 'c':
			ar.select.comm = optarg;
			break;
		case 'e':
			ar.select.exe = optarg;
			break;
		case 'P':
			ar.select.pod = optarg;
			break;
		case 'S':
			node.state = optarg;
			break;
		case 'p': {
			char *end = NULL;

			ar.select.pid = strtoll(optarg, &end, 10);
			if (!*optarg || *end || ar.select.pid < 0)
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
			ar.select.action = optarg;
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
			out.output = (enum output)format;
			break;
		}
		case 'g':
			generate = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("audit", argv, c);
		}
	}
	if (generate && follow)
		return cli_usage_error("audit", "--generate needs the records to end: not with "
		                                "--follow");
	node_opts_defaults(&node);
	ar.node_state = node.state;
	ar.aggregate = out.output == OUT_SUMMARY || generate;
	if (optind >= argc)
		r = audit_read_kmsg(&ar, follow, &error);
	for (int i = optind; i < argc && r >= 0; i++)
		r = audit_read_file(&ar, argv[i], follow && i == argc - 1, &error);
	if (r < 0) {
		/* a source that does not exist is reported, and what was read still counts */
		(void)cli_fail(r, TAKE_PTR(error), NULL);
		if (r != -ENOENT) {
			audit_reader_done(&ar);
			return 1;
		}
	}
	if (out.output == OUT_SUMMARY && !generate)
		print_summary(&ar.groups);
	if (ar.malformed)
		cli_warning("%" PRIu64 " seccomp record%s could not be read", ar.malformed,
		            ar.malformed == 1 ? "" : "s");
	if (ar.lost)
		cli_warning("records were lost (%" PRIu64 " notice%s, e.g. \"%s\"): the kernel "
		            "rate-limits audit messages, so syscalls may be missing",
		            ar.lost, ar.lost == 1 ? "" : "s", ar.lost_example);
	if (ar.shown == 0)
		cli_warning("no seccomp records%s. ERRNO, TRAP and TRACE denials are logged only "
		            "when the filter has SECCOMP_FILTER_FLAG_LOG ('kseccomp run "
		            "--log-denials'); SCMP_ACT_LOG and KILL always are",
		            ar.records ? " match the filters" : " found");
	if (generate)
		r = write_profile(&ar.groups, generate);
	audit_reader_done(&ar);
	return generate && r < 0 ? 1 : 0;
}
