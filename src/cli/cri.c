/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp cri version|pods|ps|inspect: a container runtime seen over the CRI, as the kubelet
 * sees it (the library's CRI client, src/lib/cri/).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cri/cri.h"

#define ENDPOINT_HELP                                                        \
	"  -r, --runtime-endpoint SOCK  the runtime's CRI socket (default: " \
	"$CONTAINER_RUNTIME_ENDPOINT,\n"                                     \
	"                               else " CRI_DEFAULT_ENDPOINT ")\n"    \
	"      --timeout SECONDS        how long each call may take (default 10)\n"

/* The options every cri verb takes, and the connection they give. */
struct cri_opts {
	const char *endpoint;
	unsigned timeout_ms;
	int json;  /* -o json or yaml (printed as YAML) */
	bool wide; /* a table's -o wide */
	bool all;
	const char *pod;
};

enum { OPT_TIMEOUT = 0x100, OPT_POD };

/* What a verb prints, for its -o. */
enum shape {
	SHAPE_TEXT,     /* version: text, json or yaml */
	SHAPE_TABLE,    /* pods, ps: table, wide, json or yaml (text still taken for table) */
	SHAPE_DOCUMENT, /* inspect: json (the default) or yaml */
};

/* -o FORMAT of a verb of this shape into o. 0 or EXIT_USAGE. */
static int
parse_output(const char *command, const char *value, enum shape shape, struct cri_opts *o)
{
	/* each list in one order, so that a format's index is its meaning */
	static const char *const formats[] = { "table", "wide", "json", "yaml", "text", NULL };
	static const char *const text_formats[] = { "text", "json", "yaml", NULL };
	static const char *const document_formats[] = { "json", "yaml", NULL };
	int format;

	if (shape == SHAPE_TABLE) {
		if (cli_parse_output(command, value, formats, 4, &format) != 0)
			return EXIT_USAGE;
	} else if (shape == SHAPE_DOCUMENT) {
		if (cli_parse_output(command, value, document_formats, 2, &format) != 0)
			return EXIT_USAGE;
		format += 2;
	} else {
		if (cli_parse_output(command, value, text_formats, 3, &format) != 0)
			return EXIT_USAGE;
		format = format == 0 ? 0 : format + 1;
	}
	o->wide = format == 1;
	o->json = format == 2 || format == 3 || shape == SHAPE_DOCUMENT;
	if (format == 3 && cli_output_yaml() < 0) /* yaml: the json, written as YAML */
		return cli_fail(-ENOMEM, NULL, NULL);
	return 0;
}

/* Parse the options of `command`; 0, EXIT_USAGE, or -1 after --help was printed. */
static int
parse(const char *command, int argc, char **argv, const char *help, bool list_opts,
      enum shape shape, struct cri_opts *o)
{
	static const struct option options[] = {
		{ "runtime-endpoint", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "output", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "pod", required_argument, NULL, OPT_POD },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char *end;
	long v;
	int c;

	*o = (struct cri_opts){ .endpoint = getenv("CONTAINER_RUNTIME_ENDPOINT"),
		                .timeout_ms = 10000 };
	if (o->endpoint && !*o->endpoint)
		o->endpoint = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:o:ah", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->endpoint = optarg;
			break;
		case OPT_TIMEOUT:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 3600)
				return cli_usage_error(command,
				                       "--timeout takes whole seconds, 1 to 3600, "
				                       "not '%s'",
				                       optarg);
			o->timeout_ms = (unsigned)v * 1000;
			break;
		case 'o':
			if (parse_output(command, optarg, shape, o) != 0)
				return EXIT_USAGE;
			break;
		case 'a':
		case OPT_POD:
			if (!list_opts)
				return cli_usage_error(command,
				                       "--all and --pod are options of 'cri ps'");
			if (c == 'a')
				o->all = true;
			else
				o->pod = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		default:
			return cli_bad_option(command, argv, c);
		}
	}
	return 0;
}

/* Parse command's options and operands (a container id when id, else none) and connect
 * to the runtime: 0 with *ret, -1 after --help was printed, or the exit status of a usage
 * error or a failed connection. */
static int
setup(const char *command, int argc, char **argv, const char *help, bool list_opts, bool id,
      struct cri_opts *o, struct cri **ret)
{
	struct ksc_error *error = NULL;
	/* inspect prints a document; pods and ps print tables: the verbs without an id but
	 * version */
	enum shape shape = id                              ? SHAPE_DOCUMENT
	                   : streq(command, "cri version") ? SHAPE_TEXT
	                                                   : SHAPE_TABLE;
	int r = parse(command, argc, argv, help, list_opts, shape, o);

	if (r != 0)
		return r;
	if (id && (r = cli_one_operand(command, argc, "CONTAINER-ID")) != 0)
		return r;
	if (!id && optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	r = cri_connect(o->endpoint, o->timeout_ms, ret, &error);
	return r < 0 ? cli_fail(r, error, NULL) : 0;
}

/* A CRI timestamp (nanoseconds since the epoch) as RFC 3339 in UTC. */
static const char *
timestamp(int64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (ns <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "-");
	return buf;
}

static void
print_json_labels(const char *key, const struct cri_labels *l)
{
	printf(", \"%s\": {", key);
	for (size_t i = 0; i < l->n; i++) {
		printf("%s", i ? ", " : "");
		cli_print_json_string(l->keys[i]);
		printf(": ");
		cli_print_json_string(l->values[i]);
	}
	printf("}");
}

static int
cri_version_verb(int argc, char **argv)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_version v = { 0 };
	struct ksc_error *error = NULL;
	struct cri_opts o;
	int r;

	r = setup("cri version", argc, argv,
	          "Usage: kseccomp cri version [OPTIONS]\n"
	          "\n"
	          "The runtime's name and version, and the CRI version it serves.\n"
	          "\n"
	          "Options:\n" ENDPOINT_HELP
	          "  -o, --output FORMAT          text (the default), json or yaml\n",
	          false, false, &o, &c);
	if (r != 0)
		return r < 0 ? 0 : r;
	r = cri_version(c, &v, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	if (o.json) {
		printf("{\"version\": ");
		cli_print_json_string(v.version);
		printf(", \"runtimeName\": ");
		cli_print_json_string(v.runtime_name);
		printf(", \"runtimeVersion\": ");
		cli_print_json_string(v.runtime_version);
		printf(", \"runtimeApiVersion\": ");
		cli_print_json_string(v.runtime_api_version);
		printf("}\n");
	} else
		printf("Version:            %s\n"
		       "RuntimeName:        %s\n"
		       "RuntimeVersion:     %s\n"
		       "RuntimeApiVersion:  %s\n",
		       cli_escape(v.version ? v.version : ""),
		       cli_escape(v.runtime_name ? v.runtime_name : ""),
		       cli_escape(v.runtime_version ? v.runtime_version : ""),
		       cli_escape(v.runtime_api_version ? v.runtime_api_version : ""));
	cri_version_done(&v);
	return 0;
}

static int
cri_pods_verb(int argc, char **argv)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_pod *pods = NULL;
	struct ksc_error *error = NULL;
	struct cri_opts o;
	char when[32];
	size_t n = 0;
	int r;

	r = setup("cri pods", argc, argv,
	          "Usage: kseccomp cri pods [OPTIONS]\n"
	          "\n"
	          "The runtime's pod sandboxes.\n"
	          "\n"
	          "Options:\n" ENDPOINT_HELP
	          "  -o, --output FORMAT          table (the default), wide (the whole ids, the\n"
	          "                               pods' uid and runtime handler), json or yaml\n",
	          false, false, &o, &c);
	if (r != 0)
		return r < 0 ? 0 : r;
	r = cri_list_pod_sandbox(c, NULL, &pods, &n, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	if (o.json)
		printf("[");
	else
		printf("%-*s  %-20s  %-8s  %-24s  %-16s  %s%s\n", o.wide ? 64 : 13, "POD ID",
		       "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT",
		       o.wide ? "  UID                                   RUNTIME" : "");
	for (size_t i = 0; i < n; i++) {
		const struct cri_pod *p = &pods[i];

		if (o.json) {
			printf("%s\n  {\"id\": ", i ? "," : "");
			cli_print_json_string(p->id);
			printf(", \"name\": ");
			cli_print_json_string(p->name);
			printf(", \"namespace\": ");
			cli_print_json_string(p->namespace);
			printf(", \"uid\": ");
			cli_print_json_string(p->uid);
			printf(", \"attempt\": %" PRIu32
			       ", \"state\": \"%s\", \"createdAt\": %" PRId64
			       ", \"runtimeHandler\": ",
			       p->attempt, cri_pod_state_name(p->state), p->created_at);
			cli_print_json_string(p->runtime_handler);
			print_json_labels("labels", &p->labels);
			print_json_labels("annotations", &p->annotations);
			printf("}");
			continue;
		}
		printf("%-*.*s  %-20s  %-8s  %-24s  %-16s  %-7" PRIu32, o.wide ? 64 : 13,
		       o.wide ? 64 : 13, cli_escape(p->id ? p->id : ""),
		       timestamp(p->created_at, when, sizeof(when)), cri_pod_state_name(p->state),
		       cli_escape(p->name ? p->name : ""),
		       cli_escape(p->namespace ? p->namespace : ""), p->attempt);
		if (o.wide)
			printf("  %-36s  %s", cli_escape(p->uid ? p->uid : ""),
			       *(p->runtime_handler ? p->runtime_handler : "")
			               ? cli_escape(p->runtime_handler)
			               : "(default)");
		putchar('\n');
	}
	if (o.json)
		printf("%s]\n", n ? "\n" : "");
	cri_pods_free(pods, n);
	return 0;
}

static void
print_container_json(const struct cri_container *k)
{
	char when[32];

	printf("{\"id\": ");
	cli_print_json_string(k->id);
	printf(", \"podSandboxId\": ");
	cli_print_json_string(k->pod_sandbox_id);
	printf(", \"name\": ");
	cli_print_json_string(k->name);
	printf(", \"attempt\": %" PRIu32 ", \"image\": ", k->attempt);
	cli_print_json_string(k->image);
	printf(", \"imageRef\": ");
	cli_print_json_string(k->image_ref);
	printf(", \"state\": \"%s\", \"createdAt\": \"%s\"", cri_container_state_name(k->state),
	       timestamp(k->created_at, when, sizeof(when)));
	if (k->started_at)
		printf(", \"startedAt\": \"%s\"", timestamp(k->started_at, when, sizeof(when)));
	if (k->finished_at)
		printf(", \"finishedAt\": \"%s\", \"exitCode\": %" PRId32,
		       timestamp(k->finished_at, when, sizeof(when)), k->exit_code);
	if (k->reason) {
		printf(", \"reason\": ");
		cli_print_json_string(k->reason);
	}
	if (k->message) {
		printf(", \"message\": ");
		cli_print_json_string(k->message);
	}
	print_json_labels("labels", &k->labels);
	print_json_labels("annotations", &k->annotations);
	printf("}");
}

/* A row of cri ps: ids cut to 13 characters as crictl does, whole with wide, which adds the
 * image's reference. */
static void
print_container_row(const struct cri_container *k, bool wide)
{
	int id_width = wide ? 64 : 13;
	char when[32];

	printf("%-*.*s  %-32s  %-20s  %-8s  %-20s  %-7" PRIu32 "  %-*.*s", id_width, id_width,
	       cli_escape(k->id ? k->id : ""), cli_escape(k->image ? k->image : ""),
	       timestamp(k->created_at, when, sizeof(when)), cri_container_state_name(k->state),
	       cli_escape(k->name ? k->name : ""), k->attempt, wide ? id_width : 0, id_width,
	       cli_escape(k->pod_sandbox_id ? k->pod_sandbox_id : ""));
	if (wide)
		printf("  %s", cli_escape(k->image_ref ? k->image_ref : ""));
	putchar('\n');
}

static int
cri_ps_verb(int argc, char **argv)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_container *v = NULL;
	struct ksc_error *error = NULL;
	struct cri_opts o;
	size_t n = 0;
	bool any = false;
	int r;

	r = setup("cri ps", argc, argv,
	          "Usage: kseccomp cri ps [OPTIONS]\n"
	          "\n"
	          "The runtime's running containers (all of them with --all).\n"
	          "\n"
	          "Options:\n" ENDPOINT_HELP
	          "  -a, --all                    containers in every state, not only running\n"
	          "      --pod ID                 only the containers of this pod sandbox\n"
	          "  -o, --output FORMAT          table (the default), wide (the whole ids and\n"
	          "                               the image's reference), json or yaml\n",
	          true, false, &o, &c);
	if (r != 0)
		return r < 0 ? 0 : r;
	r = cri_list_containers(c, o.pod, &v, &n, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	if (o.json)
		printf("[");
	else
		printf("%-*s  %-32s  %-20s  %-8s  %-20s  %-7s  %-*s%s\n", o.wide ? 64 : 13,
		       "CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", o.wide ? 64 : 0,
		       "POD ID", o.wide ? "  IMAGE REF" : "");
	for (size_t i = 0; i < n; i++) {
		const struct cri_container *k = &v[i];

		if (!o.all && k->state != CRI_CONTAINER_RUNNING)
			continue;
		if (o.json) {
			printf("%s\n  ", any ? "," : "");
			print_container_json(k);
		} else
			print_container_row(k, o.wide);
		any = true;
	}
	if (o.json)
		printf("%s]\n", any ? "\n" : "");
	cri_containers_free(v, n);
	return 0;
}

static int
cri_inspect_verb(int argc, char **argv)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_container k = { 0 };
	struct ksc_error *error = NULL;
	struct cri_opts o;
	int r;

	r = setup("cri inspect", argc, argv,
	          "Usage: kseccomp cri inspect [OPTIONS] CONTAINER-ID\n"
	          "\n"
	          "A container's status and the runtime's own view of it, as JSON or YAML (for\n"
	          "containerd, info.runtimeSpec is the OCI spec it gave the OCI runtime,\n"
	          "linux.seccomp included).\n"
	          "\n"
	          "Options:\n" ENDPOINT_HELP
	          "  -o, --output FORMAT          json (the default) or yaml\n",
	          false, true, &o, &c);
	if (r != 0)
		return r < 0 ? 0 : r;
	r = cri_container_status(c, argv[optind], true, &k, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	printf("{\"status\": ");
	print_container_json(&k);
	/* the runtime's info is JSON; what does not read as JSON goes out as a string */
	if (k.info && k.info_is_json)
		printf(",\n\"info\": %s", k.info);
	else if (k.info) {
		printf(",\n\"info\": ");
		cli_print_json_string(k.info);
	}
	printf("}\n");
	cri_container_done(&k);
	return 0;
}

const struct verb cri_verbs[] = {
	{ "version", cri_version_verb, "the runtime's name and version" },
	{ "pods", cri_pods_verb, "the runtime's pod sandboxes" },
	{ "ps", cri_ps_verb, "the runtime's containers" },
	{ "inspect", cri_inspect_verb, "a container's status and the runtime's view of it" },
};
const size_t n_cri_verbs = ELEMENTSOF(cri_verbs);

int
verb_cri(int argc, char **argv)
{
	return cli_dispatch("cri", cri_verbs, ELEMENTSOF(cri_verbs), argc, argv);
}
