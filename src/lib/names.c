/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enumerations of the OCI runtime-spec seccomp section (config-linux.md, "Seccomp"):
 * actions, argument operators and filter flags, and their names.
 */
#include "kseccomp.h"
#include "macro.h"

static const char *const action_names[_KSC_ACT_MAX] = {
	[KSC_ACT_KILL] = "SCMP_ACT_KILL",
	[KSC_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[KSC_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[KSC_ACT_TRAP] = "SCMP_ACT_TRAP",
	[KSC_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[KSC_ACT_TRACE] = "SCMP_ACT_TRACE",
	[KSC_ACT_ALLOW] = "SCMP_ACT_ALLOW",
	[KSC_ACT_LOG] = "SCMP_ACT_LOG",
	[KSC_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[_KSC_OP_MAX] = {
	[KSC_OP_NE] = "SCMP_CMP_NE",
	[KSC_OP_LT] = "SCMP_CMP_LT",
	[KSC_OP_LE] = "SCMP_CMP_LE",
	[KSC_OP_EQ] = "SCMP_CMP_EQ",
	[KSC_OP_GE] = "SCMP_CMP_GE",
	[KSC_OP_GT] = "SCMP_CMP_GT",
	[KSC_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const struct {
	enum ksc_filter_flag flag;
	const char *name;
} flag_names[] = {
	{ KSC_FLAG_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC" },
	{ KSC_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG" },
	{ KSC_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW" },
	{ KSC_FLAG_WAIT_KILLABLE_RECV, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" },
};

const char *
ksc_action_name(enum ksc_action action)
{
	if ((unsigned)action >= _KSC_ACT_MAX)
		return NULL;
	return action_names[action];
}

int
ksc_action_from_name(const char *name, enum ksc_action *ret_action)
{
	for (unsigned i = 1; i < _KSC_ACT_MAX; i++)
		if (streq(name, action_names[i])) {
			*ret_action = (enum ksc_action)i;
			return 0;
		}
	return -EINVAL;
}

const char *
ksc_op_name(enum ksc_op op)
{
	if ((unsigned)op >= _KSC_OP_MAX)
		return NULL;
	return op_names[op];
}

int
ksc_op_from_name(const char *name, enum ksc_op *ret_op)
{
	for (unsigned i = 1; i < _KSC_OP_MAX; i++)
		if (streq(name, op_names[i])) {
			*ret_op = (enum ksc_op)i;
			return 0;
		}
	return -EINVAL;
}

const char *
ksc_flag_name(enum ksc_filter_flag flag)
{
	for (size_t i = 0; i < ELEMENTSOF(flag_names); i++)
		if (flag_names[i].flag == flag)
			return flag_names[i].name;
	return NULL;
}

int
ksc_flag_from_name(const char *name, enum ksc_filter_flag *ret_flag)
{
	for (size_t i = 0; i < ELEMENTSOF(flag_names); i++)
		if (streq(name, flag_names[i].name)) {
			*ret_flag = flag_names[i].flag;
			return 0;
		}
	return -EINVAL;
}
