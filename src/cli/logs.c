/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp logs NAME [-c C] [-p] [-f]: what a container of a pod wrote. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "pods.h"

static const char logs_help[] =
        ("Usage: kseccomp logs NAME [-c CONTAINER] [-p] [-f] [--state-dir DIR]\n"
         "\n"
         "What a container of a pod wrote to its standard output and error.\n"
         "\n"
         "Options:\n"
         "  -c, --container C       the container (default: the pod's only or first one)\n"
         "  -p, --previous          the previous run of a restarted container\n"
         "  -f, --follow            keep printing until the pod is deleted\n" NODE_OPTIONS_HELP);

static volatile sig_atomic_t follow_stop;

static void
on_follow_signal(int sig)
{
	(void)sig;
	follow_stop = 1;
}

int
verb_logs(int argc, char **argv)
{
	static const struct option options[] = {
		{ "container", required_argument, NULL, 'c' },
		{ "previous", no_argument, NULL, 'p' },
		{ "follow", no_argument, NULL, 'f' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	const char *container = NULL, *name;
	bool previous = false, follow = false, found = false;
	char dir[PATH_MAX], path[PATH_MAX], buf[65536];
	struct pod_row row;
	_cleanup_(closep) int fd = -1;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:pfh", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			container = optarg;
			break;
		case 'p':
			previous = true;
			break;
		case 'f':
			follow = true;
			break;
		case 'h':
			fputs(logs_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("logs", argv, c);
		default:
			r = pods_option(c, optarg, &o, "logs");
			if (r)
				return r;
		}
	}
	if (optind < argc && pods_word(argv[optind]) && optind + 1 < argc)
		optind++; /* "logs pod NAME" */
	r = cli_one_operand("logs", argc, "the pod's NAME");
	if (r)
		return r;
	name = argv[optind];
	if (startswith(name, "pod/"))
		name += 4;
	node_opts_defaults(&o);
	if (pod_row_load(&o, name, &row) < 0) {
		cli_error("pods \"%s\" not found", name);
		return 1;
	}
	if (!container) {
		size_t n_regular = 0;

		for (size_t i = 0; i < row.st.n; i++)
			if (streq(row.st.c[i].kind, "container") && !n_regular++)
				container = row.st.c[i].name;
		if (n_regular > 1) {
			fprintf(stderr,
			        "Defaulted container \"%s\" out of:", cli_escape(container));
			for (size_t i = 0, k = 0; i < row.st.n; i++)
				if (!streq(row.st.c[i].kind, "ephemeral"))
					fprintf(stderr, "%s %s", k++ ? "," : "",
					        cli_escape(row.st.c[i].name));
			fputc('\n', stderr);
		}
		if (!container) {
			cli_error("pod %s has no container", name);
			return 1;
		}
	}
	for (size_t i = 0; i < row.st.n; i++)
		found = found || streq(row.st.c[i].name, container);
	if (!found) {
		cli_error("container %s is not valid for pod %s", container, name);
		return 1;
	}
	(void)pod_dir(&o, name, dir, sizeof(dir));
	pod_log_path(&o, name, container, previous, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (previous) {
			cli_error("previous terminated container \"%s\" in pod \"%s\" not found",
			          container, name);
			return 1;
		}
		if (!follow)
			return 0; /* not started yet: nothing written */
	}
	if (follow) {
		struct sigaction sa = { .sa_handler = on_follow_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("%s: %s", path, strerror(errno));
			return 1;
		}
		if (n > 0) {
			/* The container's own output stream, copied byte for byte as kubectl logs
			 * does: not escaped (its controls are its own, as if it ran in the
			 * terminal). Only what kseccomp itself says about it (the headers and
			 * messages above) is escaped. */
			fwrite(buf, 1, (size_t)n, stdout);
			continue;
		}
		if (!follow || follow_stop || access(dir, F_OK) < 0)
			break;
		fflush(stdout);
		(void)poll(NULL, 0, 200);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return 0;
}
