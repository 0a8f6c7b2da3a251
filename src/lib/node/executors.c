/* SPDX-License-Identifier: Apache-2.0 */
/* Every executor by its name in node_opts, and what needs them all: apply's check and the
 * removal of a pod whose monitor is gone. */
#include <limits.h>
#include <signal.h>

#include "executor.h"

static const struct node_executor *const executors[] = {
	[EXECUTOR_HOST] = &node_executor_host,
	[EXECUTOR_RUNC] = &node_executor_runc,
	[EXECUTOR_CRUN] = &node_executor_crun,
	[EXECUTOR_CONTAINERD] = &node_executor_containerd,
};

const struct node_executor *
node_executor_get(enum executor e)
{
	return (size_t)e < ELEMENTSOF(executors) ? executors[e] : &node_executor_host;
}

int
node_executor_check(const struct node_opts *o, struct ksc_error **reterr)
{
	const struct node_executor *ex = node_executor_get(o->executor);

	return ex->check ? ex->check(ex, o, reterr) : 0;
}

void
node_pod_cleanup(const struct node_opts *o, const char *dir, const char *name)
{
	const struct node_executor *ex;
	struct node_opts po = *o;
	struct pod_info info;
	struct pod_status st;

	/* without its pod file, what the host executor leaves: process groups */
	(void)pod_info_read(dir, &info);
	ex = node_executor_get(info.executor);
	/* the runtime the pod was applied to, whatever this command was told */
	if (*info.runtime_endpoint)
		po.runtime_endpoint = info.runtime_endpoint;
	if (pod_status_read(dir, &st) == 0)
		for (size_t i = 0; i < st.n; i++)
			ex->cleanup(ex, &po, name, &st.c[i]);
	if (ex->pod_done)
		ex->pod_done(ex, &po, dir);
	(void)pod_cgroup_destroy(o->state, name);
	(void)pod_rm_rf(dir);
}
