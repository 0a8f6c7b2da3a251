/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify: both ends of the OCI seccomp agent protocol (runtime-spec config-linux.md,
 * "listenerPath"), and the agent's answer policy.
 *
 * The runtime installs the filter with SECCOMP_FILTER_FLAG_NEW_LISTENER, connects to
 * listenerPath (AF_UNIX, SOCK_STREAM; a leading '@' names an abstract socket, as Go's
 * net.Dial in runc reads it) and sends one "container process state" JSON document with
 * the listener fd in SCM_RIGHTS, then closes the connection. The agent reads the document to
 * EOF, takes the fd named "seccompFd" in "fds", and answers the notifications that arrive
 * on it.
 *
 * The policy says how the agent answers: the first rule whose syscall names and
 * pod/namespace/container/metadata patterns match decides; none matching, the default
 * decides (allow, that is SECCOMP_USER_NOTIF_FLAG_CONTINUE, unless the policy says otherwise).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"

/* runc 1.1's specs.Version: what runc puts in ociVersion, and so do we. */
#define NOTIFY_OCI_VERSION "1.0.2-dev"
/* A state document larger than this is refused (annotations included). */
#define NOTIFY_STATE_MAX (1024u * 1024u)

/* The runtime's side: what it sends. */
struct notify_state {
	int pid;              /* the container process, in the agent's pid namespace */
	const char *metadata; /* listenerMetadata, or NULL */
	const char *id;       /* the container's ID */
	const char *status;   /* "creating", as runc 1.1 sends it */
	const char *bundle;   /* may be "" */
	/* annotations as key, value pairs, NULL-terminated; may be NULL */
	const char *const *annotations;
};

/* The JSON text of a container process state, fields in runc's order. */
int notify_state_json(const struct notify_state *st, char **ret_text, size_t *ret_len);

/* The address of listenerPath: a leading '@' is an abstract socket (as Go's net.Dial in runc
 * reads "@name"), anything else a path. 0, or -EINVAL (empty), -ENAMETOOLONG with reterr. */
struct sockaddr_un;
int notify_address(const char *path, struct sockaddr_un *ret, unsigned *ret_len,
                   struct ksc_error **reterr);

/* Connect to listenerPath (see notify_address()). 0 with *ret_fd, or -errno with the reason
 * in reterr (the caller adds what it was doing). */
int notify_connect(const char *path, int *ret_fd, struct ksc_error **reterr);

/* Send the state with fd in SCM_RIGHTS (the first sendmsg carries it), all of it. */
int notify_send(int sock, const char *text, size_t len, int fd, struct ksc_error **reterr);

/* The agent's side: what it learnt of a container. Strings are owned. */
struct notify_peer {
	char *oci_version;
	int pid;
	char *metadata;
	char *id;
	char *status;
	char *bundle;
	/* from the annotations: containerd's io.kubernetes.cri.*, else CRI-O's
	 * io.kubernetes.pod.* and io.kubernetes.container.name; NULL when absent */
	char *pod;
	char *namespace;
	char *container;
	size_t seccomp_fd_index; /* the position of "seccompFd" in "fds" */
};

/*
 * Parse a container process state (strict JSON). "ociVersion", "pid" and "state" (with
 * "id") are required; "fds", when present, must name "seccompFd" once. Errors name the
 * position and the field: "state:1:35: fds: ...". Returns 0, -EINVAL or -ENOMEM.
 */
int notify_state_parse(const char *name, const char *buf, size_t len, struct notify_peer *ret,
                       struct ksc_error **reterr);
void notify_peer_done(struct notify_peer *peer);

/* How many bytes of buf make one complete JSON object (whitespace around it included), or 0
 * while it is incomplete. runc sends its state and keeps the connection open as long as it
 * runs, so an agent cannot wait for EOF. Text that is not an object is complete as it is
 * (the parser then says what is wrong with it). */
size_t notify_state_complete(const char *buf, size_t len);

/* ---------------------------------------------------------------------------------------- */
/* The answer policy                                                                          */

enum notify_answer {
	NOTIFY_ALLOW = 1, /* SECCOMP_USER_NOTIF_FLAG_CONTINUE: the call runs as if unfiltered */
	NOTIFY_ERRNO,     /* the call fails with errno */
	NOTIFY_KILL,      /* the process is killed (SIGKILL through a pidfd) */
};

struct notify_verdict {
	enum notify_answer answer;
	uint32_t errnum; /* NOTIFY_ERRNO */
	int rule;        /* the deciding rule's index, -1 for the default */
};

struct notify_policy;

/* The policy a missing --policy means: allow everything (log and continue). */
int notify_policy_new_default(struct notify_policy **ret);

/*
 * Parse a policy (YAML or JSON):
 *
 *   defaultAction: allow | errno | kill        (default allow)
 *   defaultErrno: EPERM                        (a name or a number; default EPERM)
 *   rules:
 *     - syscalls: [mkdir, mkdirat]             (names; absent or "*": every call)
 *       action: errno
 *       errno: EACCES
 *       pod: "web-*"                           (shell patterns, all optional)
 *       namespace: default
 *       container: nginx
 *       metadata: bar
 *
 * Errors read "FILE:LINE:COL: rules[0].action: reason". Returns 0, -EINVAL or -ENOMEM.
 */
int notify_policy_parse(const char *name, const char *buf, size_t len, struct notify_policy **ret,
                        struct ksc_error **reterr);
int notify_policy_load(const char *path, struct notify_policy **ret, struct ksc_error **reterr);
void notify_policy_free(struct notify_policy *policy);

/* How the policy answers a call of `syscall` (its name in the caller's arch; NULL when the
 * number has none) from this peer. The agent decides with notify_policy_decide_call(). */
void notify_policy_decide(const struct notify_policy *policy, const struct notify_peer *peer,
                          const char *syscall, struct notify_verdict *ret);

/*
 * A notified call as the policy sees it. Where the caller's arch reaches socket and SysV IPC
 * calls through socketcall(2) or ipc(2) (i386, m68k, mips o32, ppc, ppc64, s390, s390x, sh:
 * every table with the multiplexer), the call is the one the first argument selects, as the
 * kernel dispatches it: i386 socketcall(SYS_CONNECT, args) is connect. A policy that answers
 * connect must answer it so, or a 32-bit process would get the default for it.
 */
struct notify_call {
	enum ksc_arch arch;  /* from the audit token; KSC_ARCH_NONE when the tables lack it */
	const char *syscall; /* the syscall's own name ("socketcall"); NULL when nr has none */
	const char *name;    /* the call the kernel runs ("connect"): syscall, or demultiplexed */
	const char *mux;     /* "socketcall" or "ipc" when name was demultiplexed, else NULL */
};

/* Decode a notification's seccomp_data: its arch token, number and first argument. */
void notify_call_decode(uint32_t arch_token, int32_t nr, uint64_t arg0, struct notify_call *ret);

/*
 * How the policy answers a decoded call. Its name decides as notify_policy_decide() says. A
 * demultiplexed call is also the multiplexer, and send and recv are sendto and recvfrom in
 * the kernel (net/socket.c): where a rule that names one of these explicitly is the one that
 * decides it, and answers more strictly (kill, then errno, then allow), that answer wins. So
 * a call never gets a weaker answer than the policy gives it made directly, nor than a rule
 * written for the multiplexer. The default and "*" rules count for the call's own name only,
 * so that "defaultAction: errno" with "connect: allow" allows i386 connect too.
 *
 * The policy has no conditions on arguments, and this is deliberate for a multiplexed call:
 * its real arguments are in the process's memory (args[1] points to them), which the process
 * can change after the agent reads it and before the kernel does (the answer lets the call
 * run with whatever is there then). The decision reads args[0] only, a register that the
 * kernel itself dispatches on.
 */
void notify_policy_decide_call(const struct notify_policy *policy, const struct notify_peer *peer,
                               const struct notify_call *call, struct notify_verdict *ret);

/* ---------------------------------------------------------------------------------------- */
/* Answering                                                                                  */

struct seccomp_notif;
struct seccomp_notif_resp;

/*
 * Whether fd is a seccomp notification listener (SECCOMP_FILTER_FLAG_NEW_LISTENER): an anon
 * inode named "seccomp notify" (seccomp_get_notify_fd() in kernel/seccomp.c) that answers
 * SECCOMP_IOCTL_NOTIF_ID_VALID. Anything else (a pipe, a socket, an eventfd) would make
 * an agent that polls it spin: it is readable, and every SECCOMP_IOCTL_NOTIF_RECV fails.
 * Returns 0; -ENOTTY when it is not a listener, with what it is in reterr; other -errno.
 */
int notify_listener_check(int fd, struct ksc_error **reterr);

/* Receive one notification into req (size bytes, SECCOMP_GET_NOTIF_SIZES's seccomp_notif
 * at least). 0, or -ENOENT when the caller went away between the wake-up and now. */
int notify_receive(int listener, struct seccomp_notif *req, size_t size);

/* Whether the notification is still pending: its task alive and waiting, so that its pid
 * and what was read of its memory are still its own (SECCOMP_IOCTL_NOTIF_ID_VALID). */
bool notify_id_valid(int listener, uint64_t id);

/*
 * Answer a notification: allow (SECCOMP_USER_NOTIF_FLAG_CONTINUE), an errno, or kill. The
 * ID is checked first, and for kill a pidfd is taken and the ID checked again before the
 * signal, so that a process that got the pid of a dead caller is never signalled or
 * answered. resp is resp_size bytes (seccomp_notif_resp's size). Returns 0; -ENOENT when the
 * caller is gone (nothing was sent or killed); -ESRCH when kill was asked but the caller is
 * not visible from this pid namespace (it got EPERM instead); other -errno.
 */
int notify_answer(int listener, const struct seccomp_notif *req, struct seccomp_notif_resp *resp,
                  size_t resp_size, const struct notify_verdict *v);

/* The text of an answer for messages: "allow", "errno EACCES", "kill". */
void notify_verdict_format(const struct notify_verdict *v, char *buf, size_t size);
