/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's server: the other end of SCMP_ACT_NOTIFY, as the OCI runtime-spec describes it.
 * Runtimes (runc, crun, kseccomp's own run and node) connect to the listening socket and send
 * the container process state with the listener fd of a filter that has SCMP_ACT_NOTIFY rules.
 * Each notification is answered by the policy (notify.h): allow
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE), an errno, or kill.
 *
 * One thread, one epoll set, nothing blocking: the listening socket, the connections still
 * sending their state (each with a deadline), and one listener fd per container. Answers come
 * from the policy at once, so no container waits on another. Before answering, the
 * notification's ID is checked (SECCOMP_IOCTL_NOTIF_ID_VALID), after any read of the
 * process's memory, so that a recycled pid is never answered or killed in the wrong process.
 *
 * The agent prints nothing: what happens goes to the caller's sink.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kseccomp.h"
#include "notify.h"

/* A container the agent serves, as the sink sees it. */
struct agent_peer {
	const struct notify_peer *peer;
	const char *label; /* namespace/pod/container, or the ID */
	uint64_t calls;    /* notifications so far */
};

/* One notification and its answer. */
struct agent_call {
	unsigned pid;
	int nr;
	uint64_t args[6];
	enum ksc_arch arch; /* KSC_ARCH_NONE when unknown */
	const char *name;   /* NULL when unknown */
	const char *mux;    /* the multiplexer (socketcall, ipc) it came through, or NULL */
	const char *path;   /* the path argument read from the process, or NULL */
	const char *comm;   /* the process's name, "?" when unknown */
	const struct notify_verdict *verdict;
	const char *outcome; /* what went wrong with the answer, or NULL */
};

/* Where the agent reports, all optional. Strings are borrowed for the call. */
struct agent_sink {
	void *userdata;
	/* A container connected or ended: "connected (pid 5)", "exited (3 calls)". */
	void (*event)(void *userdata, const struct agent_peer *c, const char *text);
	/* A notification was answered. */
	void (*call)(void *userdata, const struct agent_peer *c, const struct agent_call *call);
	/* A refused peer, a lost state, a recording that could not be written. */
	void (*diag)(void *userdata, enum ksc_severity severity, const char *text);
};

struct agent_opts {
	struct notify_policy *policy; /* borrowed */
	const char *record_dir;       /* write DIR/NAME.json per container; NULL: none */
	bool refine;                  /* recordings: conditional rules from the arguments */
	const uid_t *allowed_uids;    /* who may connect besides root and the agent's uid */
	size_t n_allowed_uids;
	struct agent_sink sink;
};

struct agent;

/* 0 with *ret (owned: agent_free()), or -errno with the reason (a kernel without seccomp
 * notifications). opts is copied; what it points to is borrowed for the agent's life. */
int agent_new(const struct agent_opts *opts, struct agent **ret, struct ksc_error **reterr);
void agent_free(struct agent *a);

/* Listen on path ('@NAME': an abstract socket, as runc reads listenerPath). A stale socket
 * (an agent that died) is replaced; a live agent's, or a file that is not a socket, is not.
 * The socket file is made mode 0600. 0, or -errno with the reason. */
int agent_listen(struct agent *a, const char *path, struct ksc_error **reterr);

/* Serve until stop_fd (a signalfd) is readable; then end every container (writing their
 * recordings) and remove the socket file. 0, or -errno with the reason. */
int agent_serve(struct agent *a, int stop_fd, struct ksc_error **reterr);

/* A profile that sends every call but write (runc refuses SCMP_ACT_NOTIFY for it) to the agent
 * at listen, on the arches a runtime's default profile lists for this host, with metadata as
 * its listenerMetadata when not NULL. 0 with the JSON text (owned), or -errno. */
int agent_recording_profile(const char *listen, const char *metadata, char **ret_text,
                            size_t *ret_len, struct ksc_error **reterr);
