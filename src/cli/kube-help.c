/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp kube VERB --help */
#include <stdio.h>

#include "cli.h"
#include "kube-node.h"

void
cli_kube_help(const char *verb)
{
	if (streq(verb, "validate"))
		fputs("Usage: kseccomp kube validate [-o table|json|yaml] -f FILE\n"
		      "\n"
		      "Check Pods and workload templates as the API server does: their names and\n"
		      "their containers', the seccomp fields and annotations, with its field "
		      "paths\n"
		      "and messages. FILE holds YAML or JSON, several documents or a List ('-':\n"
		      "standard input, so that\n"
		      "'kubectl get pods -A -o yaml | kseccomp kube validate -f -' works).\n",
		      stdout);
	else if (streq(verb, "resolve"))
		fputs("Usage: kseccomp kube resolve -f FILE [--seccomp-default] [--root-dir DIR]\n"
		      "                              [--arch ARCH] [--containerd-version V]\n"
		      "                              [--oci-runtime NAME[@V]] [-r SOCK]\n"
		      "                              [--node-without-seccomp] [-o "
		      "table|json|yaml]\n"
		      "\n"
		      "One row per container (init, sidecar, regular, ephemeral): the profile the\n"
		      "kubelet resolves (container field, else pod field, else RuntimeDefault "
		      "with\n"
		      "--seccomp-default or Unconfined; Localhost as DIR/seccomp/PROFILE) and "
		      "what\n"
		      "the runtime then does, as containerd does it: privileged containers run\n"
		      "Unconfined, a Localhost file must exist and be a valid profile, "
		      "RuntimeDefault\n"
		      "is expanded for the container's capabilities, and the OCI runtime must be\n"
		      "able to start the container under it: its own calls after it installs the\n"
		      "filter, with the container's allowPrivilegeEscalation (see 'kseccomp "
		      "profile\n"
		      "check'). The outcome is OK or the error the container would show. Exit\n"
		      "status 1 if a container cannot start or the API server would refuse the\n"
		      "object. --node-without-seccomp: a node whose\n"
		      "kernel has no seccomp (containerd refuses every profile but Unconfined).\n"
		      "A profile with rules the node's runtime would not enforce (runc and crun\n"
		      "skip syscalls their libseccomp does not know; see 'kseccomp profile "
		      "validate\n"
		      "--help') shows 'OK, but N rules not enforced' and a warning per rule, with\n"
		      "its position, on stderr (-o json: \"unenforced\").\n",
		      stdout);
	else if (streq(verb, "check"))
		fputs("Usage: kseccomp kube check --level baseline|restricted [--version v1.N]\n"
		      "                            [-o table|json|yaml] -f FILE\n"
		      "\n"
		      "Pod Security Admission's verdict at a level and policy version (default\n"
		      "latest): every check of the Pod Security Standards (host namespaces,\n"
		      "privileged, capabilities, hostPath and other volumes, host ports, "
		      "AppArmor,\n"
		      "SELinux, /proc mount, seccomp, sysctls, privilege escalation, running as\n"
		      "non-root, ...), each with its reasons and details as the admission "
		      "controller\n"
		      "gives them, and the library's version rules. Exit status 1 on a "
		      "violation.\n",
		      stdout);
	else
		fputs("Usage: kseccomp kube inspect -f FILE -c CONTAINER [--pod NAME]\n"
		      "                              [--seccomp-default] [--root-dir DIR] [--arch "
		      "ARCH]\n"
		      "                              [--containerd-version V] [--oci-runtime "
		      "NAME[@V]]\n"
		      "                              [-r SOCK] [--node-without-seccomp] "
		      "[--enforced]\n"
		      "                              [-o json|yaml]\n"
		      "\n"
		      "Print the OCI linux.seccomp a container's runtime receives, as 'crictl "
		      "inspect\n"
		      "| jq .info.runtimeSpec.linux.seccomp' shows it on a node: null when the\n"
		      "container runs Unconfined. Rules of it the node's runtime would not "
		      "enforce\n"
		      "get a warning each on stderr (see 'kseccomp kube resolve --help').\n"
		      "With --enforced, the profile the OCI runtime then enforces, as kseccomp\n"
		      "models it (null: no filter), where the two differ: rules without names\n"
		      "left out, errnoRet only where the action takes one, errno values cut to\n"
		      "16 bits, NOTIFY without a listener under crun as ERRNO(ENOSYS).\n",
		      stdout);
	fputs("\n"
	      "Options:\n"
	      "  -f, --filename FILE          the manifests ('-': standard input)\n",
	      stdout);
	if (streq(verb, "check"))
		fputs("      --level LEVEL            baseline or restricted\n"
		      "      --version V              the policy version: latest (the default) or\n"
		      "                               v1.N (v1.0 and later; newer than the newest\n"
		      "                               known is the newest)\n",
		      stdout);
	if (streq(verb, "inspect"))
		fputs("  -c, --container NAME         the container\n"
		      "      --pod NAME               the pod or workload it is in, when several\n"
		      "                               have a container of that name\n"
		      "      --enforced               the profile the OCI runtime enforces\n",
		      stdout);
	if (streq(verb, "resolve") || streq(verb, "inspect"))
		fputs("      --seccomp-default        the kubelet's --seccomp-default: "
		      "RuntimeDefault\n"
		      "                               for a container that sets nothing\n"
		      "      --root-dir DIR           the kubelet's root (Localhost profiles are\n"
		      "                               under DIR/seccomp; default /var/lib/kubelet "
		      "as\n"
		      "                               root)\n"
		      "      --arch ARCH              the node's architecture (default: this "
		      "machine's)\n"
		      "      --node-without-seccomp   a node whose kernel has no seccomp\n",
		      stdout);
	if (streq(verb, "resolve") || streq(verb, "inspect"))
		fputs(cli_kube_node_help, stdout);
	if (!streq(verb, "inspect"))
		fputs("  -o, --output FORMAT          table (the default), json or yaml\n", stdout);
	else
		fputs("  -o, --output FORMAT          json (the default) or yaml\n", stdout);
	fputs("  -h, --help                   show this help\n", stdout);
}

/* Does verb take option c (parse_opts()'s getopt values)? */
bool
cli_kube_verb_takes(const char *verb, int c)
{
	bool node = streq(verb, "resolve") || streq(verb, "inspect");

	switch (c) {
	case 'f':
	case 'h':
	case 'o':
		return true;
	case 'l':
	case 'v':
		return streq(verb, "check");
	case 'c':
	case 'p':
	case 'e':
		return streq(verb, "inspect");
	case 'D':
	case 's':
	case 'N':
	case 'a':
		return node;
	default:
		return true; /* the node's options say so themselves; unknown ones are refused */
	}
}
