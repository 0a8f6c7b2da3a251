/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile COMMAND: the verbs that read profiles. */
#include "cli.h"

const struct verb profile_verbs[] = {
	{ "validate", verb_profile_validate,
	  "check profiles; report every problem with its position" },
	{ "fmt", verb_profile_fmt, "print (or rewrite) a profile in canonical JSON" },
	{ "show", verb_profile_show, "summarise a profile: actions, arches, conditional rules" },
	{ "diff", verb_profile_diff, "compare two profiles by what they decide" },
	{ "lint", verb_profile_lint, "find what is wrong, dangerous or useless in profiles" },
	{ "merge", verb_profile_merge, "combine profiles: the least restrictive decision wins" },
	{ "complain", verb_profile_complain,
	  "log what a profile denies instead of denying it (complain mode)" },
	{ "check", verb_profile_check,
	  "will a container with this profile start under runc or crun (their own calls)" },
	{ "fix", verb_profile_fix, "add the runtime's own calls a profile denies it" },
	{ "default", verb_profile_default,
	  "print RuntimeDefault for a container (containerd, docker or podman)" },
	{ "bundle", verb_profile_bundle, "a ConfigMap of a directory of profiles, for node sync" },
};
const size_t n_profile_verbs = ELEMENTSOF(profile_verbs);

int
verb_profile(int argc, char **argv)
{
	return cli_dispatch("profile", profile_verbs, ELEMENTSOF(profile_verbs), argc, argv);
}
