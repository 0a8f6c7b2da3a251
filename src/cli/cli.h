/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command-line front end. Only this code prints or exits. Exit status: 0 success,
 * 1 failure (one message on stderr naming the file, the field and the reason), 2 usage.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ksc-cleanup.h"
#include "strbuf.h"

#define EXIT_USAGE 2

struct verb {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the verb's name */
	const char *summary;
	/* a verb with verbs of its own (profile, node, ...): their table, for completion */
	const struct verb *sub;
	const size_t *n_sub;
};

/* The tables: kseccomp's verbs (main.c) and those of the verbs that have some. */
extern const struct verb cli_verbs[], profile_verbs[], node_verbs[], image_verbs[], kube_verbs[],
        cri_verbs[];
extern const size_t n_cli_verbs, n_profile_verbs, n_node_verbs, n_image_verbs, n_kube_verbs,
        n_cri_verbs;

/* Look up and run a sub-verb of `parent` ("profile") from a table. */
int cli_dispatch(const char *parent, const struct verb *verbs, size_t n, int argc, char **argv);

/* "kseccomp: <message>\n" on stderr, the message escaped (strbuf_put_escaped()). */
_printf_(1, 2) void cli_error(const char *fmt, ...);
_printf_(1, 2) void cli_warning(const char *fmt, ...);
/* s escaped for a terminal (strbuf_put_escaped(): controls, C1, bytes that are not UTF-8,
 * backslashes), for printing a string that comes from input: file contents, names, the
 * kernel's records. s itself when nothing needs escaping; else a buffer that stays valid
 * for the next 7 calls. NULL for NULL. */
const char *cli_escape(const char *s);
/* s as a JSON string literal on standard output (strbuf_put_json_str(): NULL is ""). */
void cli_print_json_string(const char *s);
/* Report a failed library call: its message if any, else strerror(-r). Returns 1. */
int cli_fail(int r, struct ksc_error *error, const char *what);
/* A usage error for `command`: the message, a pointer to --help, and EXIT_USAGE. */
_printf_(2, 3) int cli_usage_error(const char *command, const char *fmt, ...);

/* getopt_long() returned '?' or ':' (the verbs run it with opterr = 0 and an optstring
 * starting with ':'): say which option was wrong and how, once. Returns EXIT_USAGE. */
int cli_bad_option(const char *command, char **argv, int c);

/* Print one diagnostic as "kseccomp: FILE:LINE:COL: [warning: ]PATH: REASON". */
void cli_print_diag(const struct ksc_diag *diag);

/* A profile failed to load: print its errors (warnings are for `validate`), or the reason
 * when there is no diagnostic. Takes ownership of error. Returns 1. */
int
cli_report_invalid(int r, const struct ksc_diags *diags, struct ksc_error *error, const char *file);

/* Exactly one operand after the options: 0, or EXIT_USAGE after saying "missing WHAT" or
 * "one WHAT at a time". */
int cli_one_operand(const char *command, int argc, const char *what);

/* The last component of a path, trailing slashes ignored ("a/profiles/" gives "profiles"). */
void cli_last_component(const char *path, char *buf, size_t size);

/* qsort() comparator for an array of strings. */

/* -o FORMAT, one of formats (NULL-terminated): 0 and its index in *ret_index; else a usage
 * error "unknown output format 'VALUE'" naming the first n_named formats, and EXIT_USAGE.
 * Those after n_named are accepted but not advertised. */
int cli_parse_output(const char *command, const char *value, const char *const *formats,
                     size_t n_named, int *ret_index);
/* The formats of most verbs' -o: text (index 0, the default) and json (1). */
#define CLI_OUTPUT_TEXT_JSON ((const char *const[]){ "text", "json", NULL })
/* text, json and yaml: index 2 is yaml, which prints the json as YAML (cli_output_yaml()) */
#define CLI_OUTPUT_TEXT_JSON_YAML ((const char *const[]){ "text", "json", "yaml", NULL })
/* -o yaml for a verb that prints one JSON document: standard output is caught from now on
 * and main() writes it as YAML when the verb returns (cli_output_finish()). 0 or -ENOMEM. */
int cli_output_yaml(void);
/* The verb's exit status, after the caught output is written (1 if that fails). */
int cli_output_finish(int status);
/* --caps LIST (ksc_caps_parse()) and --flavor NAME: 0, or a usage error's exit status. */
int cli_parse_caps(const char *command, const char *list, uint64_t *ret);
int cli_parse_flavor(const char *command, const char *name, enum ksc_flavor *ret);

/* The one convention of every verb: -o, --output names a format (what is printed), and
 * --output-file FILE where the result goes when it is not standard output. A verb whose
 * result is a document (a profile, a ConfigMap) takes -o json (the default) or -o yaml. */
enum cli_doc_format {
	CLI_DOC_JSON,
	CLI_DOC_YAML,
};
#define CLI_OUTPUT_FILE_OPTION 0x180 /* getopt's value of --output-file */
#define CLI_DOC_OUTPUT_HELP                                                             \
	"  -o, --output FORMAT      json (the default) or yaml\n"                       \
	"      --output-file FILE   write the result to FILE (atomically) instead of\n" \
	"                           standard output\n"

/* The FILE of --output-file (--write, --generate): a bare word that is an output format
 * ("json", "yaml", "asm", ...) is a usage error, as a file's name given to -o is (./json
 * names such a file). 0 with *ret, or EXIT_USAGE. */
int cli_parse_output_file(const char *command, const char *value, const char **ret);
/* -o for a document: 0, or a usage error's status (naming --output-file when the word looks
 * like a file). */
int cli_parse_doc_format(const char *command, const char *value, enum cli_doc_format *ret);
/* Write the JSON document json to path ("-": standard output) in format. Prints its own
 * error; returns 0 or -errno. */
int cli_write_document(const char *path, enum cli_doc_format format, const char *json, size_t len);

/* The formats of a verb that lists things (output.c): -o table (the default), wide (more
 * columns), json, yaml (the json as YAML) or name (one name a line). */
enum cli_list_format {
	CLI_LIST_TABLE,
	CLI_LIST_WIDE,
	CLI_LIST_JSON,
	CLI_LIST_YAML,
	CLI_LIST_NAME,
	_CLI_LIST_FORMAT_MAX,
};
#define CLI_LIST(f) (1u << CLI_LIST_##f)
/* -o VALUE of command, which takes the formats of the mask formats (CLI_LIST(WIDE) | ...;
 * table always): 0 and the format, or a usage error naming those it takes (EXIT_USAGE). */
int cli_parse_list_format(const char *command, const char *value, unsigned formats,
                          enum cli_list_format *ret);

/* A list of objects printed as a JSON array (json) or its YAML (yaml). */
struct cli_list {
	enum cli_list_format format;
	struct strbuf json; /* the array so far */
	size_t n;           /* the objects in it */
};
/* Whether the format is json or yaml. */
bool cli_list_is_data(const struct cli_list *l);
/* The buffer to write the next object ("{...}") into: the separator is written. */
struct strbuf *cli_list_next(struct cli_list *l);
/* json or yaml: the array on standard output (cli_write_document()), the buffer freed; the
 * exit status, 0 or 1 after saying why. Nothing for the other formats. */
int cli_list_finish(struct cli_list *l);
/* One record of a stream (audit): the JSON object in sb as a line of its own, or (yaml) as a
 * YAML document after "---", flushed. sb is freed. 0, or 1 after saying why. */
int cli_print_record(struct strbuf *sb, bool yaml);

/* Write a whole buffer to a path a user named (--output-file): ksc_fs_write_file() (a regular file
 * replaced atomically, a link followed to it, a device or FIFO written through, a directory
 * refused); "-" writes standard output. Prints its own error; returns 0 or -errno. */
int cli_write_file(const char *path, const char *data, size_t len);

/* The syscalls of a coverage (ksc_profile_coverage()'s, of n inputs named by labels) that not
 * all inputs use, on standard error: a line per set of inputs, "  2 of 3 (not in c.json):
 * NAME...". */
void
cli_print_coverage(const struct ksc_coverage *v, size_t n_v, size_t n, const char *const *labels);

/* A comma-separated arch list (0 or a usage status), and the warnings of a diagnostics
 * list. */
/* "native" or "libseccomp" for --backend. 0, or a usage error's exit status (2). */
int cli_parse_backend(const char *command, const char *name, enum ksc_backend *ret);
/* One arch name for an option: 0, or a usage error's exit status (2). */
int cli_parse_arch(const char *command, const char *name, enum ksc_arch *ret);
int cli_parse_arch_list(const char *command, const char *list, enum ksc_arch *arches, size_t max,
                        size_t *ret_n);
/* Each diagnostic (diags may be NULL); only the warnings. */
void cli_print_diags(const struct ksc_diags *diags);
void cli_print_warnings(const struct ksc_diags *diags);

/* Print the API server's errors for every pod of a manifest ("warning: " first when
 * as_warnings); returns how many there were. */
struct kube_manifest;
struct kube_pod;
size_t cli_kube_print_validation(const struct kube_manifest *m, bool as_warnings);
/* The API server's warnings for a pod (kubectl's "Warning: ..."), on standard error: 0, or
 * -ENOMEM (said). */
int cli_kube_print_warnings(const struct kube_pod *pod);
/* kube check on a read manifest (kube-check.c): the exit status. minor: KUBE_PSA_LATEST or
 * the policy's v1.minor. level: enum kube_psa_level. */
int cli_kube_check(const struct kube_manifest *m, const char *file, int level, unsigned minor,
                   bool json);
/* kube validate -o json: one object per pod, its errors and warnings. The exit status. */
int cli_kube_validate_json(const struct kube_manifest *m);

int verb_version(int argc, char **argv);
int verb_completion(int argc, char **argv);
int verb_compile(int argc, char **argv);
int verb_disasm(int argc, char **argv);
int verb_sim(int argc, char **argv);
int verb_run(int argc, char **argv);
int verb_agent(int argc, char **argv);
int verb_dump(int argc, char **argv);
int verb_profile(int argc, char **argv);
int verb_kube(int argc, char **argv);
int verb_cri(int argc, char **argv);
int verb_audit(int argc, char **argv);
int verb_node(int argc, char **argv);
int verb_image(int argc, char **argv);
int verb_apply(int argc, char **argv);
int verb_get(int argc, char **argv);
int verb_describe(int argc, char **argv);
int verb_logs(int argc, char **argv);
int verb_delete(int argc, char **argv);
int verb_record(int argc, char **argv);
int verb_profile_default(int argc, char **argv);
int verb_profile_diff(int argc, char **argv);
int verb_profile_merge(int argc, char **argv);
int verb_profile_complain(int argc, char **argv);
int verb_profile_check(int argc, char **argv);
int verb_profile_fix(int argc, char **argv);
int verb_profile_lint(int argc, char **argv);
int verb_profile_validate(int argc, char **argv);
int verb_profile_fmt(int argc, char **argv);
int verb_profile_show(int argc, char **argv);
int verb_profile_bundle(int argc, char **argv);
