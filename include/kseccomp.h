/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp: the seccomp machinery of a Kubernetes node.
 *
 * This is the library's only public header. Every structure is opaque. Conventions:
 *
 *  - A fallible function returns int: >= 0 on success, -errno on failure. The return value is
 *    the truth; an error object never decides whether a call failed.
 *  - Functions that can fail for a reason a user must read take an optional
 *    `struct ksc_error **reterr`. On failure, when reterr is not NULL and *reterr is NULL, a
 *    message naming the input (file, line:column, field path) and the reason is attached;
 *    an existing message is never overwritten. Free it with ksc_error_free().
 *  - Output parameters are named ret_* and are written only on success; the caller owns
 *    what they receive unless the documentation says the result is borrowed.
 *  - The library never prints, never exits and never aborts.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* Version                                                                                   */

/* The library version, "MAJOR.MINOR.PATCH". Static storage. */
const char *ksc_version(void);

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                    */

struct ksc_error;

/* The human-readable message of an error; never NULL for a non-NULL error. Borrowed. */
const char *ksc_error_message(const struct ksc_error *error);

/* Free an error; NULL is a no-op. */
void ksc_error_free(struct ksc_error *error);

/* ---------------------------------------------------------------------------------------- */
/* Diagnostics: warnings and errors found while reading a document, with their positions.   */

enum ksc_severity {
	KSC_SEVERITY_WARNING = 1,
	KSC_SEVERITY_ERROR = 2,
};

struct ksc_diags;
struct ksc_diag;

/* A new, empty list. Returns NULL when out of memory. */
struct ksc_diags *ksc_diags_new(void);
void ksc_diags_free(struct ksc_diags *diags);

size_t ksc_diags_count(const struct ksc_diags *diags);
/* Number of diagnostics of severity KSC_SEVERITY_ERROR. */
size_t ksc_diags_error_count(const struct ksc_diags *diags);
/* The i-th diagnostic in the order found (document order); borrowed. NULL if out of range. */
const struct ksc_diag *ksc_diags_get(const struct ksc_diags *diags, size_t i);

enum ksc_severity ksc_diag_severity(const struct ksc_diag *diag);
/* Source file name as given to the reader ("-" for standard input). Borrowed. */
const char *ksc_diag_file(const struct ksc_diag *diag);
/* 1-based line and column of the node the diagnostic is about; 0 when not positional. */
unsigned ksc_diag_line(const struct ksc_diag *diag);
unsigned ksc_diag_column(const struct ksc_diag *diag);
/* Field path inside the document, e.g. "syscalls[3].args[0].op"; "" for the whole document. */
const char *ksc_diag_path(const struct ksc_diag *diag);
/* The reason alone, e.g. "unknown action \"SCMP_ACT_FOO\" (expected one of ...)". */
const char *ksc_diag_reason(const struct ksc_diag *diag);
/* "FILE:LINE:COL: PATH: REASON", the form every kseccomp message takes. */
const char *ksc_diag_message(const struct ksc_diag *diag);

/* ---------------------------------------------------------------------------------------- */
/* Architectures and syscall tables                                                          */

/*
 * Every architecture the OCI runtime-spec names (SCMP_ARCH_*). The numbering is the
 * library's own and may grow; 0 is never a valid architecture.
 */
enum ksc_arch {
	KSC_ARCH_NONE = 0,
	KSC_ARCH_X86_64,
	KSC_ARCH_X86,
	KSC_ARCH_X32,
	KSC_ARCH_ARM,
	KSC_ARCH_AARCH64,
	KSC_ARCH_LOONGARCH64,
	KSC_ARCH_M68K,
	KSC_ARCH_MIPS,
	KSC_ARCH_MIPSEL,
	KSC_ARCH_MIPS64,
	KSC_ARCH_MIPSEL64,
	KSC_ARCH_MIPS64N32,
	KSC_ARCH_MIPSEL64N32,
	KSC_ARCH_PARISC,
	KSC_ARCH_PARISC64,
	KSC_ARCH_PPC,
	KSC_ARCH_PPC64,
	KSC_ARCH_PPC64LE,
	KSC_ARCH_RISCV64,
	KSC_ARCH_S390,
	KSC_ARCH_S390X,
	KSC_ARCH_SH,
	KSC_ARCH_SHEB,
	_KSC_ARCH_MAX,
};

/* x32 system calls are x86_64 system calls with this bit set in the number. */
#define KSC_X32_SYSCALL_BIT 0x40000000u

/*
 * Resolve an architecture name. Accepted spellings: the OCI name ("SCMP_ARCH_X86_64"),
 * libseccomp's name ("x86_64", "aarch64", "x86"), and the Go/Docker names used in
 * includes.arches ("amd64", "arm64", "386", "loong64"). Case-sensitive, as runc is.
 * Returns 0, or -EINVAL for an unknown name.
 */
int ksc_arch_from_name(const char *name, enum ksc_arch *ret_arch);

/* The OCI name ("SCMP_ARCH_X86_64"); NULL for an invalid arch. Static storage. */
const char *ksc_arch_oci_name(enum ksc_arch arch);
/* libseccomp's name ("x86_64"); NULL for an invalid arch. Static storage. */
const char *ksc_arch_name(enum ksc_arch arch);
/* The name Docker/moby compares includes.arches with ("amd64", "x86", "arm64"), spelled
 * exactly as moby does (including its "mips3l64n32"); NULL if moby has none. */
const char *ksc_arch_go_name(enum ksc_arch arch);

/* The AUDIT_ARCH_* token the kernel puts in seccomp_data.arch and audit records. x86_64 and
 * x32 share AUDIT_ARCH_X86_64; x32 is told apart by KSC_X32_SYSCALL_BIT in the number. */
uint32_t ksc_arch_audit_token(enum ksc_arch arch); /* 0 for an invalid arch */

/*
 * Map an AUDIT_ARCH token (and the syscall number found with it, used only to tell x32 from
 * x86_64) to an architecture. Returns 0 or -ENOENT. For tokens shared by two OCI arch names
 * (mipsel64n32 and friends are distinct, so only x32 is ambiguous) the number decides.
 */
int ksc_arch_from_audit_token(uint32_t token, uint32_t nr, enum ksc_arch *ret_arch);

/* The architecture this library was built for (the host's); KSC_ARCH_NONE on a host the
 * tables do not know (riscv32, sparc...). */
enum ksc_arch ksc_arch_native(void);

/* True if arch is a 64-bit ABI (x32 and mips64n32 count as 32-bit: their pointers are). */
bool ksc_arch_is_64bit(enum ksc_arch arch);

/*
 * Resolve a syscall name on an architecture to the number the kernel sees in
 * seccomp_data.nr (x32 numbers carry KSC_X32_SYSCALL_BIT, MIPS numbers their ABI base).
 * Returns 0, -ENOENT if the name is not a syscall on that arch (it may be one only through a
 * multiplexer, see ksc_syscall_multiplexed()), or -EINVAL for an invalid arch.
 */
int ksc_syscall_resolve_name(enum ksc_arch arch, const char *name, uint32_t *ret_nr);

/* The name of syscall nr on arch; NULL if no syscall has that number there. Static storage. */
const char *ksc_syscall_name(enum ksc_arch arch, uint32_t nr);

/* True if name is a syscall on at least one architecture the table knows. */
bool ksc_syscall_name_known(const char *name);

/*
 * Socket and SysV IPC calls that some ABIs (i386, s390, ppc, mips o32, ...) reach through a
 * multiplexer: socketcall(2) with call number in arg0, or ipc(2) likewise. If name is such a
 * call on arch, store the multiplexer's syscall number and the call number and return 1; a
 * direct syscall may exist too (i386 has socket(2) since Linux 4.3). Returns 0 if name is
 * not multiplexed on arch, -EINVAL for an invalid arch.
 */
int ksc_syscall_multiplexed(enum ksc_arch arch, const char *name, uint32_t *ret_mux_nr,
                            uint32_t *ret_call);

/*
 * The converse of ksc_syscall_multiplexed(): when syscall nr on arch is socketcall(2) or
 * ipc(2), the call its first argument selects, as the kernel reads it (the low 32 bits; for
 * ipc the low 16 of those, the high 16 being a version). Stores the call's name ("connect")
 * and the multiplexer's ("socketcall"), static storage, and returns 1; returns 0 when nr is
 * not a multiplexer on arch, -ENOENT when arg0 selects no call (the kernel fails it with
 * EINVAL or ENOSYS), -EINVAL for an invalid arch. Every arch whose table has the
 * multiplexer counts, whether or not libseccomp multiplexes rules there.
 */
int ksc_syscall_demultiplex(enum ksc_arch arch, uint32_t nr, uint64_t arg0, const char **ret_name,
                            const char **ret_mux);

/* Iterate over an arch's table in ascending number order: index 0..count-1. count is 0 for
 * an invalid arch; by_index returns -EINVAL for an invalid arch, -ERANGE past the end, and
 * accepts NULL output pointers. */
size_t ksc_syscall_count(enum ksc_arch arch);
int ksc_syscall_by_index(enum ksc_arch arch, size_t index, const char **ret_name, uint32_t *ret_nr);

/* The kernel version the table was generated from, e.g. "7.1.0-rc4". Static storage. */
const char *ksc_syscall_table_version(void);

/* ---------------------------------------------------------------------------------------- */
/* Seccomp profiles (OCI runtime-spec linux.seccomp, plus Docker/containerd extensions)       */

enum ksc_action {
	KSC_ACT_INVALID = 0,
	KSC_ACT_KILL,         /* SCMP_ACT_KILL: kills the thread, as KILL_THREAD */
	KSC_ACT_KILL_THREAD,  /* SCMP_ACT_KILL_THREAD */
	KSC_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
	KSC_ACT_TRAP,         /* SCMP_ACT_TRAP: SIGSYS */
	KSC_ACT_ERRNO,        /* SCMP_ACT_ERRNO: fail with errnoRet (default EPERM) */
	KSC_ACT_TRACE,        /* SCMP_ACT_TRACE: notify a ptrace tracer with errnoRet as data */
	KSC_ACT_ALLOW,        /* SCMP_ACT_ALLOW */
	KSC_ACT_LOG,          /* SCMP_ACT_LOG: allow and log */
	KSC_ACT_NOTIFY,       /* SCMP_ACT_NOTIFY: ask a user-space agent */
	_KSC_ACT_MAX,
};

enum ksc_op {
	KSC_OP_INVALID = 0,
	KSC_OP_NE,
	KSC_OP_LT,
	KSC_OP_LE,
	KSC_OP_EQ,
	KSC_OP_GE,
	KSC_OP_GT,
	KSC_OP_MASKED_EQ, /* (arg & value) == valueTwo */
	_KSC_OP_MAX,
};

enum ksc_filter_flag {
	KSC_FLAG_TSYNC = 1u << 0,
	KSC_FLAG_LOG = 1u << 1,
	KSC_FLAG_SPEC_ALLOW = 1u << 2,
	KSC_FLAG_WAIT_KILLABLE_RECV = 1u << 3,
};

/* "SCMP_ACT_ALLOW" etc.; NULL for an invalid value. Static storage. */
const char *ksc_action_name(enum ksc_action action);
/* Accepts the full OCI name only ("SCMP_ACT_ERRNO"). Returns 0 or -EINVAL. */
int ksc_action_from_name(const char *name, enum ksc_action *ret_action);
const char *ksc_op_name(enum ksc_op op);
int ksc_op_from_name(const char *name, enum ksc_op *ret_op);
const char *ksc_flag_name(enum ksc_filter_flag flag);
int ksc_flag_from_name(const char *name, enum ksc_filter_flag *ret_flag);

/* Errno numbers and their symbolic names ("EPERM"); NULL/-EINVAL when unknown. The numbering
 * is the generic Linux one (x86, arm, riscv, s390, ppc), which MIPS, PA-RISC, alpha and
 * sparc do not share. */
const char *ksc_errno_name(uint32_t errnum);
int ksc_errno_from_name(const char *name, uint32_t *ret_errnum);

/* The kernel caps a SECCOMP_RET_ERRNO value at MAX_ERRNO (kernel/seccomp.c). */
#define KSC_MAX_ERRNO 4095u
/* SECCOMP_RET_DATA is 16 bits wide: larger errnoRet values cannot be encoded. */
#define KSC_RET_DATA_MAX 0xffffu
/* Upper bound on the size of a profile file the reader accepts. */
#define KSC_PROFILE_MAX_BYTES (16u * 1024u * 1024u)

struct ksc_profile;
struct ksc_rule;

enum ksc_profile_parse_flags {
	/* Warnings (unknown keys, syscall names unknown on every target arch...) are errors. */
	KSC_PROFILE_STRICT = 1u << 0,
};

struct ksc_profile_parse_opts {
	unsigned flags; /* enum ksc_profile_parse_flags */
	/* The arch the profile will run on, which selects archMap entries and is always added
	 * to the target arches as runc does. KSC_ARCH_NONE means ksc_arch_native(). */
	enum ksc_arch native_arch;
};

/*
 * Parse and validate a profile from memory. `name` names the input in messages (a path, or
 * "-"). `opts` may be NULL for defaults. Every warning and error found is appended to
 * `diags` when it is not NULL; on failure reterr receives the first error.
 *
 * Returns 0 and a profile, or -EINVAL (invalid profile), -EFBIG (over
 * KSC_PROFILE_MAX_BYTES), -ENOMEM.
 */
int ksc_profile_parse(const char *name, const char *buf, size_t len,
                      const struct ksc_profile_parse_opts *opts, struct ksc_profile **ret_profile,
                      struct ksc_diags *diags, struct ksc_error **reterr);

/* As ksc_profile_parse(), reading `path` ("-" reads standard input). Also returns the
 * -errno of open/read failures. */
int ksc_profile_load(const char *path, const struct ksc_profile_parse_opts *opts,
                     struct ksc_profile **ret_profile, struct ksc_diags *diags,
                     struct ksc_error **reterr);

/* As ksc_profile_load(), also giving the bytes read, for tools that compare or carry them
 * (`kseccomp profile fmt --check`, `profile bundle`). ret_text may be NULL; else *ret_text
 * (*ret_len bytes, NUL-terminated) is owned by the caller. */
int ksc_profile_load_text(const char *path, const struct ksc_profile_parse_opts *opts,
                          struct ksc_profile **ret_profile, char **ret_text, size_t *ret_len,
                          struct ksc_diags *diags, struct ksc_error **reterr);

/*
 * A ConfigMap (YAML) named `name` in the namespace `ns` that holds the profiles of the
 * directory dir, for `kseccomp node sync` to install on every node (`kseccomp profile
 * bundle`): its *.json files that are not hidden, in name order. The keys are the file names
 * (which must be ConfigMap keys: letters, digits, '-', '_' and '.'), each value the file's
 * exact bytes: a YAML literal block where that reads back identically, else a double-quoted
 * string. Every profile is validated first (ksc_profile_load_text()): the errors of every
 * file go to diags (with the warnings of valid ones), and then the call fails with
 * -EINVAL. The text is parsed back before it is returned and every value compared with its
 * file. *ret_text (*ret_len bytes) is owned by the caller. Returns 0, or -EINVAL (invalid
 * profiles or keys, a name that is not a DNS subdomain or a namespace that is not a DNS
 * label, text that does not read back), -ENOENT (no profiles), -EFBIG (more than a
 * ConfigMap holds, 1 MiB), -errno of reading dir, -ENOMEM; with a message.
 */
int ksc_profile_bundle(const char *dir, const char *name, const char *ns, char **ret_text,
                       size_t *ret_len, struct ksc_diags *diags, struct ksc_error **reterr);

void ksc_profile_free(struct ksc_profile *profile);

/*
 * Write the canonical JSON form: keys in a fixed order (the OCI order, then extensions, then
 * unknown keys as found), 2-space indentation, one array element per line except short
 * scalar lists of args, a final newline. parse(write(p)) is equivalent to p and write is
 * idempotent. *ret_text is NUL-terminated and owned by the caller.
 */
int ksc_profile_write_json(const struct ksc_profile *profile, char **ret_text, size_t *ret_len);

/*
 * The JSON document json (len bytes) written as YAML: block style, keys in their order, and
 * every string that a YAML 1.1 or 1.2 reader could take for a number, boolean or null
 * double-quoted, so that the YAML reads back as the same values. *ret_text is NUL-terminated
 * and owned by the caller. Returns 0, -EINVAL (not JSON, with a message), -ENOMEM.
 */
int ksc_json_to_yaml(const char *json, size_t len, char **ret_text, size_t *ret_len,
                     struct ksc_error **reterr);

/* Read access. Pointers returned are borrowed from the profile. */
enum ksc_action ksc_profile_default_action(const struct ksc_profile *profile);
/* defaultErrnoRet, or -1 when absent (then the runtimes use EPERM). */
int64_t ksc_profile_default_errno(const struct ksc_profile *profile);
/* The listed `architectures` in order (not the archMap). */
size_t ksc_profile_arch_count(const struct ksc_profile *profile);
enum ksc_arch ksc_profile_arch(const struct ksc_profile *profile, size_t i);
/* True when the profile uses Docker's archMap instead of architectures. */
bool ksc_profile_has_arch_map(const struct ksc_profile *profile);
/*
 * The arches the profile is enforced on for a host arch: `native` first (runc always adds it),
 * then the listed architectures, or the archMap entry of `native` and its
 * subArchitectures. Writes up to `max` entries to ret_arches and returns the count.
 */
size_t ksc_profile_target_arches(const struct ksc_profile *profile, enum ksc_arch native,
                                 enum ksc_arch *ret_arches, size_t max);
/* `flags` as a mask, and whether the key was present at all (absent means SPEC_ALLOW where
 * supported; an empty array means no flags). */
unsigned ksc_profile_flags(const struct ksc_profile *profile, bool *ret_present);
const char *ksc_profile_listener_path(const struct ksc_profile *profile);
const char *ksc_profile_listener_metadata(const struct ksc_profile *profile);

size_t ksc_profile_rule_count(const struct ksc_profile *profile);
const struct ksc_rule *ksc_profile_rule(const struct ksc_profile *profile, size_t i);

/* Syscall names of a rule: `names`, or Docker's single `name`. */
size_t ksc_rule_name_count(const struct ksc_rule *rule);
const char *ksc_rule_name(const struct ksc_rule *rule, size_t i);
enum ksc_action ksc_rule_action(const struct ksc_rule *rule);
/* errnoRet, or -1 when absent. */
int64_t ksc_rule_errno(const struct ksc_rule *rule);
size_t ksc_rule_arg_count(const struct ksc_rule *rule);
/* Returns 0, or -ERANGE for i out of range. value_two is 0 when absent. */
int ksc_rule_arg(const struct ksc_rule *rule, size_t i, uint32_t *ret_index, enum ksc_op *ret_op,
                 uint64_t *ret_value, uint64_t *ret_value_two);
/* True if the rule carries Docker includes/excludes conditions (caps, arches, minKernel). */
bool ksc_rule_is_conditional(const struct ksc_rule *rule);
/* A rule's comment, or NULL. */
const char *ksc_rule_comment(const struct ksc_rule *rule);

/*
 * The conditions of a rule in words, "" for an unconditional rule: argument comparisons
 * ("arg0 < 38", "(arg0 & 0x7e020000) == 0"; joined with " && ", or with " || " when an
 * argument index repeats, because runc and crun then turn every comparison into a rule of
 * its own), then Docker's includes/excludes ("with CAP_SYS_ADMIN", "without CAP_SYS_ADMIN",
 * "on arm64", "not on s390", "on kernel >= 4.8"), separated by "; ". *ret_text is owned by
 * the caller. Returns 0 or -ENOMEM.
 */
int ksc_rule_condition_text(const struct ksc_rule *rule, char **ret_text);

/* One comparison of a rule (args[i]) in the words of ksc_rule_condition_text(). Returns 0,
 * -ERANGE past the last argument, or -ENOMEM. */
int ksc_rule_arg_text(const struct ksc_rule *rule, size_t i, char **ret_text);

/* The filter return value runc gives a rule or the default action: the action with its
 * errnoRet, EPERM when absent for ERRNO and TRACE, SCMP_ACT_KILL as KILL_THREAD. */
uint32_t ksc_rule_ret(const struct ksc_rule *rule);
uint32_t ksc_profile_default_ret(const struct ksc_profile *profile);

/* Whether the rule's argument conditions hold for args, with the runtimes' semantics (AND,
 * or OR when an index repeats). 64-bit comparisons; true for a rule without args. */
bool ksc_rule_matches_args(const struct ksc_rule *rule, const uint64_t args[6]);

/* True when two or more args of the rule compare the same argument index: runtimes then
 * OR the comparisons instead of ANDing them (runc issue #2735). */
bool ksc_rule_args_are_ored(const struct ksc_rule *rule);

/* The syscalls one action gets from a profile's unconditional rules. */
struct ksc_action_count {
	enum ksc_action action;
	int64_t errnum; /* errnoRet (1, EPERM, for an ERRNO rule without one); -1: none */
	size_t names;   /* distinct syscall names: one that rules repeat counts once */
	size_t rules;
};

/*
 * A profile's unconditional rules (no args, no includes/excludes) grouped by action and
 * errnoRet, in order of first appearance, with the names and rules of each (what `kseccomp
 * profile show` lists per action). *ret_counts (*ret_n entries) is owned by the caller, to
 * free(). Returns 0 or -ENOMEM.
 */
int ksc_profile_count_actions(const struct ksc_profile *profile,
                              struct ksc_action_count **ret_counts, size_t *ret_n);

/* ---------------------------------------------------------------------------------------- */
/* Classic BPF programs, as the kernel's seccomp checks, runs and caches them                 */

/* One instruction, laid out as the kernel's struct sock_filter. */
struct ksc_bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

/* The input of a seccomp filter, laid out as the kernel's struct seccomp_data. */
struct ksc_seccomp_data {
	int32_t nr;
	uint32_t arch; /* AUDIT_ARCH_* */
	uint64_t instruction_pointer;
	uint64_t args[6];
};

/* Return values (SECCOMP_RET_*): the action in the high 16 bits, data in the low 16. */
#define KSC_RET_KILL_PROCESS 0x80000000u
#define KSC_RET_KILL_THREAD  0x00000000u
#define KSC_RET_TRAP         0x00030000u
#define KSC_RET_ERRNO        0x00050000u
#define KSC_RET_USER_NOTIF   0x7fc00000u
#define KSC_RET_TRACE        0x7ff00000u
#define KSC_RET_LOG          0x7ffc0000u
#define KSC_RET_ALLOW        0x7fff0000u
#define KSC_RET_ACTION_FULL  0xffff0000u
#define KSC_RET_DATA         0x0000ffffu

/* Whether a return value stops the call: anything but ALLOW, LOG and USER_NOTIF (where an
 * agent decides). */
bool ksc_ret_denies(uint32_t ret);

/* BPF_MAXINSNS: the kernel refuses longer programs with EINVAL. */
#define KSC_BPF_MAXINSNS 4096u
/* MAX_INSNS_PER_PATH: the instructions of all filters a task may stack, counted after the
 * kernel translates them to eBPF (ksc_bpf_kernel_len()), each already attached filter
 * counting 4 more (kernel/seccomp.c seccomp_attach_filter()); beyond it, ENOMEM. A filter
 * of 4096 classic RET instructions takes 8195: three fit, not four. */
#define KSC_BPF_MAX_INSNS_PER_PATH 32768u

/* The smallest filter's share of MAX_INSNS_PER_PATH once attached: "ret" is 5 eBPF
 * instructions, plus 4. */
#define KSC_BPF_MIN_ATTACHED_LEN 9u

struct ksc_bpf;

/* A program from instructions (copied). Returns 0, -EINVAL for 0 instructions, -ENOMEM. The
 * program is not checked: see ksc_bpf_check(). */
int ksc_bpf_new(const struct ksc_bpf_insn *insns, size_t count, struct ksc_bpf **ret_prog);
/* Read a program file: raw struct sock_filter records in host byte order, as
 * seccomp_export_bpf() and `kseccomp compile` write them. */
int ksc_bpf_load(const char *path, struct ksc_bpf **ret_prog, struct ksc_error **reterr);
/* As ksc_bpf_load(), from memory; `name` names the input in messages. */
int ksc_bpf_parse(const char *name, const void *buf, size_t len, struct ksc_bpf **ret_prog,
                  struct ksc_error **reterr);

/*
 * Read a file ("-": standard input) that holds either a seccomp profile or a BPF program,
 * once, so that standard input can be either. Text (valid UTF-8 without control characters
 * but tab, line feed and carriage return: a program's opcodes always leave zero bytes) is
 * parsed as a profile with opts, its findings in diags (ksc_profile_parse()); anything else
 * as a program (ksc_bpf_parse(); not checked, see ksc_bpf_check()). On success exactly one
 * of *ret_profile and *ret_prog is set and the other is NULL. A file that cannot be read
 * (-ENOENT, -EISDIR, -EFBIG over KSC_PROFILE_MAX_BYTES, -EINVAL for a FIFO or a device)
 * gets a message and no diagnostic. Returns 0 or -errno.
 */
int ksc_profile_or_bpf_load(const char *path, const struct ksc_profile_parse_opts *opts,
                            struct ksc_profile **ret_profile, struct ksc_bpf **ret_prog,
                            struct ksc_diags *diags, struct ksc_error **reterr);
void ksc_bpf_free(struct ksc_bpf *prog);
size_t ksc_bpf_count(const struct ksc_bpf *prog);
/* The instructions; borrowed. */
const struct ksc_bpf_insn *ksc_bpf_insns(const struct ksc_bpf *prog);

/*
 * Everything the kernel checks before it accepts a seccomp filter, in its order: the length
 * (1..KSC_BPF_MAXINSNS), every opcode (bpf_check_classic, then seccomp_check_filter's
 * list: no MOD, no byte/half-word or indirect loads), constant division by zero, shifts of
 * 32 or more, scratch memory indexes, jumps that leave the program, a final RET, scratch
 * memory read before it is written on some path, and loads outside struct seccomp_data or
 * not 32-bit aligned. Returns 0, or -EINVAL with a message naming the instruction.
 */
int ksc_bpf_check(const struct ksc_bpf *prog, struct ksc_error **reterr);

/*
 * Run a checked program on data, exactly as the kernel does: A and X start at 0, division
 * and modulo by a zero X return 0, shifts by X use its low 5 bits, argument words are read
 * in the byte order of data->arch (its __AUDIT_ARCH_LE bit). Returns the filter's 32-bit
 * return value. An unchecked program is run defensively: anything the kernel would have
 * refused yields KSC_RET_KILL_PROCESS.
 */
uint32_t ksc_bpf_run(const struct ksc_bpf *prog, const struct ksc_seccomp_data *data);

/* What a program returns for a call by name on arch (KSC_ARCH_NONE: this machine's), when that
 * does not depend on the arguments (the same with all zero and all ones): true and *ret.
 * False when it does, or when arch has no such call. (0 is a return: KILL_THREAD.) */
bool ksc_bpf_call_return(const struct ksc_bpf *prog, enum ksc_arch arch, const char *name,
                         uint32_t *ret);

/* ksc_bpf_run() that also marks in ret_visited (ksc_bpf_count() entries, cleared first)
 * every instruction the run executed. */
uint32_t ksc_bpf_run_traced(const struct ksc_bpf *prog, const struct ksc_seccomp_data *data,
                            bool *ret_visited);

/*
 * Conditional jumps that compare a path-dependent accumulator: A holds one word on one path
 * into the jump and another word (or a value computed otherwise) on another. A correct code
 * generator never emits one; libseccomp 2.5 does for some overlapping rules (it tracks the
 * accumulator statically, and a subtree that fails back to a sibling skips the reload).
 * Writes the first max instruction indexes to ret_pcs and returns how many there are, or
 * -ENOMEM.
 */
int ksc_bpf_stale_compares(const struct ksc_bpf *prog, size_t *ret_pcs, size_t max);

/* The length of a checked program once the kernel has translated it to eBPF
 * (bpf_convert_filter()): what counts against KSC_BPF_MAX_INSNS_PER_PATH. */
size_t ksc_bpf_kernel_len(const struct ksc_bpf *prog);

/*
 * The kernel's constant-action cache test (kernel/seccomp.c seccomp_is_const_allow()): true
 * when the path the program takes for (arch, nr) reads only nr and arch, uses only the
 * instructions the emulator understands, and returns exactly KSC_RET_ALLOW, so that the
 * kernel allows the syscall without running the filter.
 */
bool ksc_bpf_cache_allows(const struct ksc_bpf *prog, uint32_t arch, uint32_t nr);

/* A readable listing, one instruction a line with its index, operands, jump targets and
 * comments naming seccomp_data fields, architectures and actions. Owned by the caller. */
int ksc_bpf_disasm(const struct ksc_bpf *prog, char **ret_text);
/* The program as a Graphviz digraph (dot): one node per instruction, labelled as
 * ksc_bpf_disasm() lists it (syscall names included), its true and false edges marked.
 * *ret_text is owned by the caller. Returns 0 or -ENOMEM. */
int ksc_bpf_dot(const struct ksc_bpf *prog, char **ret_text);

/*
 * A filter return value in libseccomp's notation: ALLOW, ERRNO(n), KILL_PROCESS, KILL (the
 * thread), TRAP, TRACE(n), LOG, NOTIFY; an action the kernel does not know is reported as
 * KILL_PROCESS, which is what the kernel does with it. Writes at most size bytes to buf.
 */
void ksc_ret_format(uint32_t ret, char *buf, size_t size);

/* ---------------------------------------------------------------------------------------- */
/* Compilation: profile -> BPF program                                                        */

enum ksc_backend {
	/* libseccomp (the reference), driven exactly as runc drives it: one rule per name in
	 * profile order, rules equal to the default action skipped, names libseccomp does
	 * not know skipped, OR-split of repeated argument indexes, the binary tree above 32
	 * names, the bad-arch action KILL, then runc's ENOSYS stub (patchbpf) prepended. */
	KSC_BACKEND_LIBSECCOMP = 1,
	/* kseccomp's own code generator, from the same filter (IR): the same decisions as
	 * the libseccomp backend (its miscompilations of overlapping argument rules aside),
	 * an arch dispatch, a binary search over intervals of syscall numbers, argument checks
	 * only at the leaves, and every syscall allowed without conditions cacheable by the
	 * kernel. */
	KSC_BACKEND_NATIVE = 2,
};

/* What ksc_profile_compile() uses when opts->backend is 0. */
#define KSC_BACKEND_DEFAULT KSC_BACKEND_NATIVE

struct ksc_compile_opts {
	enum ksc_backend backend; /* 0 means KSC_BACKEND_DEFAULT */
	/* The host the filter is for: always filtered, as runc adds it. KSC_ARCH_NONE means
	 * ksc_arch_native(). */
	enum ksc_arch native;
	/* When set, exactly these arches (in this order) instead of native + the profile's
	 * `architectures`. */
	const enum ksc_arch *arches;
	size_t n_arches;
	/* libseccomp runs in a child process and is given this long (0: 120 s). The rule sets
	 * it loops on are refused before it runs (the filter model finds the cycle); it is
	 * slow (quadratic) on thousands of rules for one syscall. */
	unsigned timeout_ms;
	/* As crun builds it: no ENOSYS stub in front (runc's patchbpf), so a call above the
	 * profile's last number gets the default action. */
	bool no_enosys_stub;
};

/*
 * Compile a validated profile. Findings that do not fail the compilation (names the
 * backend's syscall table does not know, rules skipped as redundant) are added to diags as
 * warnings without a position. Returns 0 and a checked program, or -EINVAL (the backend
 * refused the profile, as runc would: the message says why), -E2BIG (over BPF_MAXINSNS),
 * -ENOMEM, -EOPNOTSUPP (an architecture the backend does not know).
 */
int
ksc_profile_compile(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
                    struct ksc_bpf **ret_prog, struct ksc_diags *diags, struct ksc_error **reterr);

/*
 * The size of a profile's programs against the kernel's limits: the one verdict validate,
 * lint, compile, run, kube resolve and the local node give. The kernel takes at most
 * KSC_BPF_MAXINSNS instructions in one program, and KSC_BPF_MAX_INSNS_PER_PATH (counted
 * after its conversion to eBPF) in all the filters of a task together.
 */
struct ksc_size {
	size_t native;         /* kseccomp's program (the native backend), in instructions */
	size_t runc;           /* the runtime's: libseccomp's, behind runc's ENOSYS stub */
	bool runc_at_least;    /* runc is a lower bound: libseccomp did not build the program */
	bool runc_stub;        /* runc's (with its stub), not crun's (opts->no_enosys_stub) */
	size_t native_ebpf;    /* after the kernel's conversion; 0 when over KSC_BPF_MAXINSNS */
	size_t runc_ebpf;      /* the same for the runtime's */
	unsigned long runc_ms; /* how long libseccomp took, when it ran */
};

/* Build libseccomp's program even where its length is known to be over the limit without
 * it (a lower bound, or kseccomp's own program over it: libseccomp's is never shorter). */
#define KSC_SIZE_EXACT 1u

/*
 * Both programs of a profile compiled with opts (backend ignored): their lengths, also when
 * over the limit. Warnings (libseccomp's time, from a second on: runc pays it at every
 * container start) go to diags. Returns 0, or what ksc_profile_compile() returns when a
 * backend refuses the profile for another reason than its length.
 */
int ksc_profile_size(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
                     unsigned flags, struct ksc_size *ret, struct ksc_diags *diags,
                     struct ksc_error **reterr);

/* ksc_profile_size() as a check: an error in diags, with both lengths and who refuses, when
 * a program does not fit or a backend refuses the profile. Returns 0 (it fits), 1 (an error
 * was added) or -ENOMEM; the size in *ret_size when not NULL. */
int ksc_profile_check_size(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
                           struct ksc_diags *diags, struct ksc_size *ret_size);

/* Whether the kernel takes the backend's program (KSC_BACKEND_LIBSECCOMP: the runtime's). */
bool ksc_size_fits(const struct ksc_size *size, enum ksc_backend backend);

/* One sentence for a person: both lengths, the limit, and who refuses. Returns the length
 * snprintf() would write. */
int ksc_size_describe(const struct ksc_size *size, char *buf, size_t len);

/*
 * The architectures a profile compiled with opts filters, in order and without repeats:
 * opts->arches when set, else the native arch followed by the profile's `architectures`
 * (runc's rule; Docker's archMap is not read). Writes up to max and returns the count.
 */
size_t ksc_compile_arches(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
                          enum ksc_arch *ret_arches, size_t max);

/* ---------------------------------------------------------------------------------------- */
/* RuntimeDefault: the runtimes' default profiles, for a container                            */

enum ksc_flavor {
	KSC_FLAVOR_CONTAINERD = 0, /* containerd's DefaultProfile(): kind and most nodes */
	KSC_FLAVOR_DOCKER,         /* moby's profiles/seccomp/default.json */
	KSC_FLAVOR_PODMAN,         /* containers/common seccomp.json: ENOSYS default, EPERM list */
};

/* "containerd", "docker", "podman". 0 or -EINVAL. */
int ksc_flavor_from_name(const char *name, enum ksc_flavor *ret_flavor);
const char *ksc_flavor_name(enum ksc_flavor flavor);

/* The flavour's template: Docker's format with includes/excludes and archMap. Static
 * storage, NUL-terminated. 0 or -EINVAL. */
int ksc_default_template(enum ksc_flavor flavor, const char **ret_text, size_t *ret_len);

/* Capability sets are bit masks: bit N is capability N (CAP_CHOWN = 0 ... CAP_BPF = 39). */
/* The capabilities a Kubernetes container gets by default from containerd (and Docker):
 * CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
 * NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE. */
uint64_t ksc_caps_kubernetes_default(void);
/* Every capability this library knows. */
uint64_t ksc_caps_all(void);
/* "default", "all", "none", or a comma-separated list of names with or without "CAP_" (any
 * case). 0, or -EINVAL with a message naming the unknown capability, -ENOMEM. */
int ksc_caps_parse(const char *list, uint64_t *ret_set, struct ksc_error **reterr);
/* The calling process' capability bounding set (/proc/self/status CapBnd). 0 or -errno. */
int ksc_caps_bounding(uint64_t *ret_set);
/* Parse a "MAJOR.MINOR" kernel version as moby does for minKernel (digits, not 0.0). 0 or
 * -EINVAL. */
int ksc_kernel_version_parse(const char *s, unsigned *ret_major, unsigned *ret_minor);
/* The running kernel's MAJOR.MINOR (uname). 0 or -EIO. */
int ksc_kernel_running(unsigned *ret_major, unsigned *ret_minor);

/* The container a template is expanded for. */
struct ksc_expand_opts {
	enum ksc_arch arch;    /* the native arch; KSC_ARCH_NONE: this machine's */
	uint64_t caps;         /* the bounding set */
	unsigned kernel_major; /* both 0: the running kernel */
	unsigned kernel_minor;
	/* KSC_FLAVOR_CONTAINERD only: render the RuntimeDefault of this containerd release
	 * ("1.6", "1.7.20", "2.2"; NULL: the flavour's template), as it renders it, its
	 * capability rules in the order of the container's bounding set, which containerd
	 * builds from the capabilities added and dropped as the pod spec writes them
	 * (NULL-terminated; NULL: none) */
	const char *containerd_version;
	const char *const *caps_added;
	const char *const *caps_dropped;
};

/*
 * Expand a template (Docker's includes/excludes on caps, arches and minKernel, archMap) for
 * a target, as moby, containerd and containers/common do: the archMap entry of the target's
 * arch and its subArchitectures become `architectures`, and a rule is kept when the target
 * has all included capabilities, the included arch and kernel, and none of the excluded
 * ones. opts NULL: this machine's arch and kernel, Kubernetes' default capabilities. The
 * result is plain OCI (names, action, errnoRet, args) and owned by the caller. Returns 0 or
 * -errno with a message.
 */
int
ksc_profile_expand(const struct ksc_profile *template_profile, const struct ksc_expand_opts *opts,
                   struct ksc_profile **ret_profile, struct ksc_error **reterr);

/* RuntimeDefault of a flavour, expanded for opts (see ksc_profile_expand()). */
int ksc_default_profile(enum ksc_flavor flavor, const struct ksc_expand_opts *opts,
                        struct ksc_profile **ret_profile, struct ksc_error **reterr);

/* The containerd release whose RuntimeDefault template `version` ("1.6", "1.6.20~ds1",
 * "v2.2.1", "latest") renders: the first release with that template ("1.6.16" for "1.6.20";
 * the newest template for "latest" and a release later than all), in buf. 0, or -EINVAL (not MAJOR.MINOR[.PATCH])
 * or -EOPNOTSUPP (before 1.6) with a message. */
int ksc_containerd_template_release(const char *version, char *buf, size_t size,
                                    struct ksc_error **reterr);

/* ---------------------------------------------------------------------------------------- */
/* The filter: what a profile decides, per architecture, as runc enforces it                  */

/*
 * The intermediate form every backend compiles from: runc's rule list (one rule per name,
 * rules equal to the default action and Docker-only entries dropped, names libseccomp does
 * not know dropped with a warning, OR-split of repeated argument indexes) and, per
 * architecture, the decisions libseccomp's filter database makes of it (overlapping and
 * conflicting conditions resolved as libseccomp resolves them, 64-bit values as high/low
 * words and only the low word on 32-bit arches, socketcall/ipc multiplexing, the x32 and
 * bad-arch checks) with runc's ENOSYS stub in front.
 */
struct ksc_filter;

/*
 * Build the filter of a validated profile for the architectures opts selects (as
 * ksc_compile_arches()). The profile is borrowed and must outlive the filter. Warnings as
 * ksc_profile_compile() gives them go to diags. Returns 0, -EINVAL when libseccomp would
 * refuse a rule (two rules ending on the same comparison with different actions: runc
 * fails with "file exists"), -ETIMEDOUT when libseccomp would loop forever on the rules,
 * -ENOMEM.
 */
int
ksc_filter_new(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
               struct ksc_filter **ret_filter, struct ksc_diags *diags, struct ksc_error **reterr);
void ksc_filter_free(struct ksc_filter *filter);

enum ksc_decided_by {
	KSC_DECIDED_BY_DEFAULT = 0, /* no rule matched: defaultAction */
	KSC_DECIDED_BY_RULE,        /* a rule of syscalls[] */
	KSC_DECIDED_BY_STUB,        /* runc's ENOSYS stub: a number above the profile's last */
	KSC_DECIDED_BY_BAD_ARCH,    /* an arch (or x32/x86_64 ABI) the filter does not cover */
};

/* What decided a call. */
struct ksc_decision {
	uint32_t ret; /* SECCOMP_RET_* with data */
	enum ksc_decided_by by;
	enum ksc_arch arch; /* the section that decided; KSC_ARCH_NONE for the bad arch */
	/* KSC_DECIDED_BY_RULE: the syscalls[] entry (SIZE_MAX if libseccomp's merge left an
	 * action no single rule owns), the name it was added for (borrowed from the profile),
	 * the args[] entry when an OR split made the rule (else -1), and whether the call
	 * matched through socketcall(2)/ipc(2). */
	size_t rule;
	const char *name;
	int split_arg;
	bool multiplexed;
	/* libseccomp 2.5 built this arch's section without loading the syscall number (its
	 * first syscall in priority order is a pseudo number, a name the arch lacks): every
	 * comparison sees the arch token and no rule of the section can match. */
	bool nr_not_loaded;
};

/* Decide one call as the filter does. Returns the action (also in ret_decision->ret when
 * ret_decision is not NULL). */
uint32_t ksc_filter_decide(const struct ksc_filter *filter, const struct ksc_seccomp_data *data,
                           struct ksc_decision *ret_decision);

/* What decided, in a few words, into buf: "syscalls[3] (prctl)", "rules for prctl" (an action
 * libseccomp merged that no single rule owns), "defaultAction", "runc's ENOSYS stub", "the
 * bad-arch action". */
void ksc_decision_describe(const struct ksc_decision *decision, char *buf, size_t size);

/* The version of libseccomp the library runs with, "2.5.4". Static storage. */
const char *ksc_libseccomp_version(void);

/*
 * Rules of a valid profile that runc and crun leave out, while the call the rule names then
 * gets a default action that lets it run (the rule would have stopped it, handed it to a
 * tracer or an agent, or logged it). Both build the filter with libseccomp (Debian 12's
 * runc 1.1.5 and crun 1.8.1: 2.5.4, the version this library runs with, which
 * ksc_libseccomp_version() names), which
 *   - does not know syscalls newer than its table (statmount, listmount, mseal, lsm_*,
 *     open_tree_attr, ...): runc and crun skip the name, on every arch that has the call;
 *   - builds an arch's part of the filter without loading the syscall number when its first
 *     syscall there is one the arch has no number for (accept on x86, reached only through
 *     socketcall): no rule of that arch matches.
 * kseccomp's own backends compile the same rule list (see ksc_filter_new()), so they leave
 * these rules out too. A rule that fails closed when left out (an ALLOW rule under an ERRNO
 * default) is not reported.
 *
 * Adds one diagnostic of the given severity per name and cause (per arch for a blind part;
 * the arches are those opts selects, as ksc_compile_arches()), at the name's position with
 * the path syscalls[i].names[j], naming the syscall, the arches and the action the call
 * gets instead. Returns how many it added, 0 for a profile the filter cannot be built for
 * (ksc_profile_compile() says why), -EINVAL, -ENOMEM.
 */
int ksc_profile_unenforced(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
                           enum ksc_severity severity, struct ksc_diags *diags);

/* ---------------------------------------------------------------------------------------- */
/* Enforcement: install a program on the calling process                                      */

/* What the running kernel supports. */
struct ksc_kernel_support {
	bool seccomp_filter; /* SECCOMP_MODE_FILTER */
	uint32_t actions;    /* bit (1 << action) for each enum ksc_action the kernel has */
	unsigned flags;      /* enum ksc_filter_flag bits it accepts */
	bool new_listener;   /* SECCOMP_FILTER_FLAG_NEW_LISTENER */
};

/* Probe the kernel: /proc/sys/kernel/seccomp/actions_avail for the actions, and
 * seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL), which fails with EFAULT for a known flag and
 * EINVAL for an unknown one, for the flags. Returns 0 or -errno. */
int ksc_kernel_probe(struct ksc_kernel_support *ret);

struct ksc_enforce_opts {
	/* Flags to install with. flags_set false means what runtimes do when a profile has no
	 * "flags": SECCOMP_FILTER_FLAG_SPEC_ALLOW where the kernel supports it. */
	unsigned flags;
	bool flags_set;
	/* Set no_new_privs even with CAP_SYS_ADMIN (Kubernetes' allowPrivilegeEscalation:
	 * false). Without CAP_SYS_ADMIN it is always set: the kernel requires it. */
	bool no_new_privs;
	/* SECCOMP_FILTER_FLAG_NEW_LISTENER: the filter's SCMP_ACT_NOTIFY calls wait for a
	 * user-space agent (ksc_enforce_install_listener()). Without it they fail with ENOSYS,
	 * and WAIT_KILLABLE_RECV is refused. */
	bool listener;
};

/*
 * Check that the kernel can enforce the program with these options: every action the
 * program returns is in actions_avail and every flag is supported. Fails closed with a
 * message naming what is missing (-EOPNOTSUPP), or -ENOSYS without seccomp filters.
 */
int ksc_enforce_check(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts,
                      const struct ksc_kernel_support *support, struct ksc_error **reterr);

/*
 * Install prog on the calling thread (and, with KSC_FLAG_TSYNC, on all its threads):
 * no_new_privs as described above, then seccomp(SECCOMP_SET_MODE_FILTER). Meant as the last
 * step before execve(): every syscall made afterwards is filtered. Returns 0 or -errno with
 * a message (EACCES: no CAP_SYS_ADMIN and no_new_privs could not be set; ENOMEM: the
 * task's filters together exceed KSC_BPF_MAX_INSNS_PER_PATH).
 */
int ksc_enforce_install(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts,
                        struct ksc_error **reterr);

/*
 * As ksc_enforce_install() with opts->listener: the filter gets a notification listener and
 * *ret_listener_fd is its fd (close-on-exec), which the caller hands to its agent (see
 * runtime-spec "listenerPath"). With KSC_FLAG_TSYNC, SECCOMP_FILTER_FLAG_TSYNC_ESRCH is added,
 * as libseccomp does: the kernel takes the two together only so.
 */
int ksc_enforce_install_listener(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts,
                                 int *ret_listener_fd, struct ksc_error **reterr);

/*
 * The filters installed on a live process (PTRACE_SECCOMP_GET_FILTER; needs CAP_SYS_ADMIN and
 * ptrace access, and a kernel with CONFIG_CHECKPOINT_RESTORE). The process is stopped with
 * PTRACE_SEIZE/PTRACE_INTERRUPT while they are read and then released. *ret_progs[0] is the
 * newest filter. Returns 0 (and 0 filters for an unconfined process) or -errno with a
 * message: -ESRCH, -EPERM, -EBUSY (already traced), -EOPNOTSUPP.
 */
int ksc_process_filters(int pid, struct ksc_bpf ***ret_progs, size_t *ret_count,
                        struct ksc_error **reterr);

/* Run a stack of filters as the kernel does: every filter runs, the lowest action wins
 * (compared as signed 32-bit values, so KILL_PROCESS beats everything), and among equal
 * actions the newest filter's data. progs[0] is the newest. */
uint32_t
ksc_bpf_run_stack(struct ksc_bpf *const *progs, size_t count, const struct ksc_seccomp_data *data);

/* ---------------------------------------------------------------------------------------- */
/* Comparing filters by their decisions                                                       */

/* One input on which two filter stacks decide differently. */
struct ksc_difference {
	struct ksc_seccomp_data data;
	uint32_t ret_a;
	uint32_t ret_b;
};

/*
 * Run two filter stacks (each newest first, as ksc_bpf_run_stack() takes them) on the same
 * inputs and report where their decisions differ. Inputs: for each arch in `arches` and one
 * arch outside them (the bad-arch path), every syscall number of the table up to 64 past the
 * last, 1000 and the x32 range on x86_64; arguments all zeros and all ones, plus, for the
 * syscalls a profile's rules name (when `hints` is not NULL), every comparison constant of
 * those rules and its neighbours (+-1, the other 32-bit half set or cleared, the mask
 * complement for MASKED_EQ) alone and all together; each distinct input is tried (and
 * counted) once per syscall. Returns 0 with *ret_cases inputs tried, the first max_diffs
 * differences in diffs and their total in *ret_n_diffs; -ENOMEM.
 */
int ksc_bpf_compare(struct ksc_bpf *const *a, size_t n_a, struct ksc_bpf *const *b, size_t n_b,
                    const struct ksc_profile *hints, const enum ksc_arch *arches, size_t n_arches,
                    size_t *ret_cases, struct ksc_difference *diffs, size_t max_diffs,
                    size_t *ret_n_diffs);

/*
 * As ksc_bpf_compare(), with a filter (IR) on the left: where does the program decide
 * otherwise than the filter says it should? Returns 0 or -EINVAL, -ENOMEM.
 */
int ksc_filter_compare(const struct ksc_filter *filter, struct ksc_bpf *const *progs,
                       size_t n_progs, const struct ksc_profile *hints, const enum ksc_arch *arches,
                       size_t n_arches, size_t *ret_cases, struct ksc_difference *diffs,
                       size_t max_diffs, size_t *ret_n_diffs);

/*
 * Whether two profiles decide alike, as runc enforces them (each through its filter model,
 * ksc_filter_new() with opts): on every syscall number of the architectures either covers
 * (and one outside), with arguments at and around every constant either compares with. Fills
 * diffs as ksc_bpf_compare() does (ret_a from a, ret_b from b); *ret_n_diffs == 0 means
 * equivalent. Returns 0, or -errno with a message when a profile cannot be modelled.
 */
int ksc_profile_compare(const struct ksc_profile *a, const struct ksc_profile *b,
                        const struct ksc_compile_opts *opts, size_t *ret_cases,
                        struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
                        struct ksc_error **reterr);

/* The differences about one call: one architecture token and syscall number. */
struct ksc_difference_group {
	size_t first;       /* the index of its first difference in diffs */
	bool unconditional; /* it also differs, with the same two decisions, with all arguments
	                     * zero: whatever the arguments */
	/* The last of the groups that, from this one on, hold consecutive numbers of one
	 * architecture that are no syscall there, decided alike (a list can show them as one
	 * range, "N-M"); its own index when the next group does not continue it. */
	size_t range_end;
};

/*
 * Group differences (as ksc_bpf_compare() and ksc_profile_compare() give them) by call,
 * sorted by architecture token, then syscall number (x32's, with KSC_X32_SYSCALL_BIT, after
 * x86_64's): what `kseccomp profile diff` prints one line for. *ret_groups (*ret_n_groups
 * entries) is owned by the caller, to free(). Returns 0, -ENOMEM, or -ERANGE for 2^32 - 1
 * calls or more.
 */
int ksc_differences_group(const struct ksc_difference *diffs, size_t n_diffs,
                          struct ksc_difference_group **ret_groups, size_t *ret_n_groups);

/*
 * Merge profiles (recordings of replicas, say) into one that decides, for every call, the
 * least restrictive of what they decide (see ksc_ret_least_restrictive()): architectures
 * united, conditional rules kept and lifted where another profile allows more. The result
 * is checked by its decisions; a merge that cannot be exact is refused (-EDOM) with the call
 * where it would lose precision. Templates (includes/excludes) are refused (-EINVAL); rules
 * runc ignores are reported in diags. The result is owned by the caller.
 */
int ksc_profile_merge(const struct ksc_profile *const *profiles, size_t n_profiles,
                      struct ksc_profile **ret_profile, struct ksc_diags *diags,
                      struct ksc_error **reterr);

/* Of n profiles (recordings of a workload's replicas, say), which allow each syscall name:
 * which have a rule naming it whose decision is not their default's. */
struct ksc_coverage {
	char *name;
	size_t count; /* how many of the profiles */
	bool *in;     /* in[i]: whether profiles[i] does */
};
/* Every name some profile allows, sorted by count (most first), then by name. 0 with *ret
 * (free with ksc_coverage_free()), or -ENOMEM. */
int ksc_profile_coverage(const struct ksc_profile *const *profiles, size_t n_profiles,
                         struct ksc_coverage **ret, size_t *ret_n);
void ksc_coverage_free(struct ksc_coverage *coverage, size_t n);

enum ksc_finding_severity {
	KSC_FINDING_INFO = 0,
	KSC_FINDING_WARNING,
	KSC_FINDING_ERROR, /* the workload breaks, or the runtime refuses the profile */
};

/* One finding of ksc_profile_lint(). */
struct ksc_finding {
	const char *id; /* stable: "dangerous-syscall", "clone3-not-enosys", ... (kseccomp(1)) */
	enum ksc_finding_severity severity;
	size_t rule;           /* the syscalls[] entry to blame, SIZE_MAX when none */
	unsigned line, column; /* its position, 0 when none */
	char *message;         /* owned by the array */
};

/*
 * Findings about a valid profile, decided as runc enforces it on opts->native (this machine
 * when NULL): no architectures, a default that allows, dangerous syscalls allowed without
 * conditions, namespace creation, clone3 denied with an errno other than ENOSYS (glibc
 * threads break), execve denied, shadowed and redundant rules, names libseccomp or a listed
 * arch does not know, rules libseccomp refuses or loops on, the size against BPF_MAXINSNS,
 * and libseccomp's own miscompilations. *ret is freed with ksc_findings_free(). Returns 0
 * or -ENOMEM.
 */
int
ksc_profile_lint(const struct ksc_profile *profile, const struct ksc_compile_opts *opts,
                 struct ksc_finding **ret_findings, size_t *ret_count, struct ksc_error **reterr);
void ksc_findings_free(struct ksc_finding *findings, size_t count);

/* The less restrictive of two filter return values, in the order KILL_PROCESS < KILL_THREAD <
 * TRAP < ERRNO < TRACE < NOTIFY < LOG < ALLOW; a on a tie (same action, other data). */
uint32_t ksc_ret_least_restrictive(uint32_t a, uint32_t b);

/*
 * Whether `merged` decides, on the inputs ksc_profile_compare() tries (the constants of all
 * the profiles), the least restrictive of what ps[0..n_ps-1] decide (any of them when they
 * share the action but not the data: ERRNO(38) from runc's stub and ERRNO(1), say). diffs get ret_a from
 * merged and ret_b the expected decision. Returns 0 or -errno with a message.
 */
int ksc_profile_compare_merge(const struct ksc_profile *merged, const struct ksc_profile *const *ps,
                              size_t n_ps, const struct ksc_compile_opts *opts, size_t *ret_cases,
                              struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
                              struct ksc_error **reterr);

/* Complain mode: a profile that logs what it would deny. */

struct ksc_complain_opts {
	/* The runtime refuses seccomp flags (runc before 1.2: "seccomp flags are not yet
	 * supported by runc"): SECCOMP_FILTER_FLAG_LOG is not added to a profile without
	 * flags (absent or []), which stays so. */
	bool no_flags;
	/* The runtime as the notes name it ("runc 1.1.5"); NULL: "the runtime". */
	const char *runtime;
};

/*
 * The complain mode of a valid profile: every call it denies is logged and allowed
 * (SCMP_ACT_LOG) and every other decision is kept. A denying defaultAction (SCMP_ACT_ERRNO,
 * _KILL, _KILL_THREAD, _KILL_PROCESS, _TRAP, _TRACE) becomes SCMP_ACT_LOG without
 * defaultErrnoRet (or defaultErrno); so does each syscalls[] entry with a denying action,
 * keeping its names, args, comment and includes/excludes, without errnoRet (or errno).
 * SCMP_ACT_ALLOW, SCMP_ACT_LOG and SCMP_ACT_NOTIFY entries, the architectures, archMap,
 * listenerPath, listenerMetadata and unknown keys stay as they are. `flags` gains
 * SECCOMP_FILTER_FLAG_LOG, which has the kernel log the decisions left that are neither
 * ALLOW nor LOG; absent flags (SPEC_ALLOW where supported) become [SPEC_ALLOW, LOG], unless
 * opts->no_flags. opts may be NULL.
 *
 * The result is checked by its decisions against the original's, as runc enforces both
 * (ksc_profile_compare_complain()). runc leaves out a rule whose action is the default
 * action, so a denying rule that libseccomp let take precedence over another rule of its
 * syscall (socket if arg0 == 40 denied, socket if arg0 != 16 allowed) would vanish in
 * complain mode and the other rule decide its calls: such a syscall's rules are rewritten
 * from what the original decides, as rules that do not overlap (the comment of each says
 * so); so are a syscall's rules that libseccomp would refuse or loop forever on in complain
 * mode. Where that cannot be done (a template's rule, a comparison with SCMP_CMP_MASKED_EQ,
 * a 32-bit arch that reads the values otherwise, libseccomp still looping, too many values)
 * the profile is refused with -EDOM, naming the call or the rules.
 *
 * Notes go to diags as warnings at the field they are about: the profile denies nothing (a
 * defaultAction that does not deny and no rule that does: no decision changes), the
 * defaultAction already lets calls through (only rules change), a syscall's rules
 * rewritten, SECCOMP_FILTER_FLAG_LOG left out for opts->no_flags, or flags the runtime
 * refuses in the original already.
 *
 * Returns 0 and the profile (owned by the caller, named "SOURCE (complain mode)": its
 * positions are in the text written for it), or -EDOM, -EINVAL (the original's filter
 * cannot be built: the message says why), -ETIMEDOUT, -ENOMEM, with a message.
 */
int ksc_profile_complain(const struct ksc_profile *profile, const struct ksc_complain_opts *opts,
                         struct ksc_profile **ret_profile, struct ksc_diags *diags,
                         struct ksc_error **reterr);

/*
 * Whether `complain` decides what `original` decides in complain mode, on the inputs
 * ksc_profile_compare() tries: LOG where original denies (KILL_PROCESS, KILL_THREAD, TRAP,
 * ERRNO, TRACE), its decision where it does not (ALLOW, LOG, NOTIFY, and the bad-arch
 * action, which is not the profile's). Both filters are built with opts (NULL: defaults)
 * without runc's ENOSYS stub: complain mode has none, as its default does not deny, and
 * a call the stub answers in the original is decided by its default (a denial, so LOG) or,
 * for a call the stub answers ahead of the rule that names it (x86's direct socket calls,
 * numbered above the names libseccomp resolves there), by that rule. diffs get ret_a from
 * complain and ret_b the expected decision. Returns 0 or -errno with a message when a
 * profile cannot be modelled.
 */
int
ksc_profile_compare_complain(const struct ksc_profile *complain, const struct ksc_profile *original,
                             const struct ksc_compile_opts *opts, size_t *ret_cases,
                             struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
                             struct ksc_error **reterr);

/* Kubernetes names and paths, as the API server and the kubelet check them. */

/* A Kubernetes name, RFC 1123 (apimachinery's IsDNS1123Subdomain and IsDNS1123Label): with
 * dots, a subdomain (labels of lowercase letters, digits and '-' that start and end with a
 * letter or digit, joined by '.'); without, one label. At most max bytes (253 for a
 * subdomain, 63 for a label). */
bool ksc_kube_dns_name(const char *s, size_t max, bool dots);

/*
 * The file a Localhost seccompProfile names: the API server's checks of localhostProfile
 * (set and not empty; validateLocalDescendingPath(): relative, no ".." element), then the
 * kubelet's ROOT_DIR/seccomp/PROFILE joined and cleaned as Go's filepath.Join() does.
 * root_dir NULL: /var/lib/kubelet. Returns 0 with *ret_path (owned), -EINVAL with the
 * reason in reterr ("must be a relative path", "must not contain '..'", "localhostProfile
 * must be set if seccompProfile type is Localhost"), or -ENOMEM.
 */
int ksc_kube_localhost_path(const char *root_dir, const char *localhost_profile, char **ret_path,
                            struct ksc_error **reterr);

#ifdef __cplusplus
}
#endif
