/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp: dispatch to one handler per verb. */
#include <stdio.h>

#include "cli.h"

const struct verb cli_verbs[] = {
	{ "profile", verb_profile,
	  "validate, format, diff, merge and lint profiles; RuntimeDefault", profile_verbs,
	  &n_profile_verbs },
	{ "compile", verb_compile, "compile a profile to BPF, as runc does" },
	{ "audit", verb_audit, "name the syscalls in the kernel's seccomp audit records" },
	{ "node", verb_node, "the local node: load and list its Localhost profiles", node_verbs,
	  &n_node_verbs },
	{ "image", verb_image, "the local node's images: import a root filesystem or a binary",
	  image_verbs, &n_image_verbs },
	{ "apply", verb_apply, "the local node: run the pods of a manifest under their profiles" },
	{ "get", verb_get, "the local node's pods: get pods [-o table|wide|json|yaml|name]" },
	{ "describe", verb_describe, "a pod: each container's profile, state and events" },
	{ "logs", verb_logs, "what a pod's container wrote" },
	{ "delete", verb_delete, "stop and remove pods" },
	{ "cri", verb_cri, "a container runtime over the CRI: version, pods, containers", cri_verbs,
	  &n_cri_verbs },
	{ "kube", verb_kube,
	  "Kubernetes: validate manifests, resolve each container's profile, PSA checks",
	  kube_verbs, &n_kube_verbs },
	{ "record", verb_record, "write a least-privilege profile by running a program" },
	{ "sim", verb_sim, "what a profile or program does to one syscall" },
	{ "disasm", verb_disasm, "list a BPF program" },
	{ "run", verb_run, "run a command under a profile, enforced as runc does" },
	{ "agent", verb_agent, "answer SCMP_ACT_NOTIFY calls: the OCI seccomp agent" },
	{ "dump", verb_dump, "read the filters of a live process; compare with a profile" },
	{ "version", verb_version, "print the version and the syscall table's kernel version" },
	{ "completion", verb_completion, "print a bash or zsh completion script" },
};
const size_t n_cli_verbs = ELEMENTSOF(cli_verbs);

static void
usage(FILE *out)
{
	fputs("Usage: kseccomp COMMAND [OPTIONS]\n"
	      "\n"
	      "The seccomp machinery of a Kubernetes node: OCI seccomp profiles, their\n"
	      "validation, compilation, enforcement and recording, on a node and in a cluster.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < n_cli_verbs; i++)
		fprintf(out, "  %-10s %s\n", cli_verbs[i].name, cli_verbs[i].summary);
	fputs("\n"
	      "Run 'kseccomp COMMAND --help' for a command's options.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      out);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (streq(argv[1], "--version"))
		return verb_version(1, argv + 1);
	for (size_t i = 0; i < n_cli_verbs; i++)
		if (streq(argv[1], cli_verbs[i].name))
			return cli_output_finish(cli_verbs[i].run(argc - 1, argv + 1));
	cli_error("unknown command '%s'", argv[1]);
	fputs("Try 'kseccomp --help'.\n", stderr);
	return EXIT_USAGE;
}
