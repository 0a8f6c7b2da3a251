/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "strbuf.h"
#include "fs.h"

/* Messages quote file names, profile keys, manifest values and what the kernel reported:
 * the whole text is escaped (strbuf_put_escaped_message()), so that none of it can drive the
 * terminal or fake a line of its own. */
_printf_(2, 0) static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *out = NULL;

	strbuf_put_vmessage(&sb, kind, fmt, ap);
	if (strbuf_finish(&sb, &out, NULL) < 0)
		fputs("kseccomp: out of memory\n", stderr);
	else
		fputs(out, stderr);
}

const char *
cli_escape(const char *s)
{
	/* The last few results stay valid, so that one printf() can take several. Only the
	 * main thread prints. */
	static struct strbuf ring[8];
	static unsigned next;
	struct strbuf *sb;

	if (!s || !strbuf_needs_escape(s, strlen(s)))
		return s;
	sb = &ring[next++ % ELEMENTSOF(ring)];
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
	strbuf_put_escaped(sb, s, strlen(s));
	if (sb->oom) {
		strbuf_done(sb);
		return "(out of memory)";
	}
	return sb->buf;
}

void
cli_print_json_string(const char *s)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;

	strbuf_put_json_str(&sb, s);
	if (strbuf_finish(&sb, &text, NULL) == 0)
		fputs(text, stdout);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void
cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

int
cli_fail(int r, struct ksc_error *error, const char *what)
{
	if (error && ksc_error_message(error))
		cli_error("%s", ksc_error_message(error));
	else if (what)
		cli_error("%s: %s", what, strerror(-r));
	else
		cli_error("%s", strerror(-r));
	ksc_error_free(error);
	return 1;
}

int
cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	char kind[64];

	snprintf(kind, sizeof(kind), "%s: ", command);
	va_start(ap, fmt);
	vmessage(kind, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'kseccomp %s --help'.\n", command);
	return EXIT_USAGE;
}

int
cli_bad_option(const char *command, char **argv, int c)
{
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (startswith(arg, "--"))
			return cli_usage_error(command, "option '%.*s' requires an argument",
			                       (int)strcspn(arg, "="), arg);
		return cli_usage_error(command, "option '-%c' requires an argument", optopt);
	}
	if (optopt)
		return cli_usage_error(command, "unrecognized option '-%c'", optopt);
	return cli_usage_error(command, "unrecognized option '%s'", arg);
}

void
cli_print_diag(const struct ksc_diag *d)
{
	const char *file = ksc_diag_file(d), *path = ksc_diag_path(d);
	bool warning = ksc_diag_severity(d) == KSC_SEVERITY_WARNING;

	if (*file && ksc_diag_line(d) > 0)
		cli_error("%s:%u:%u: %s%s%s%s", file, ksc_diag_line(d), ksc_diag_column(d),
		          warning ? "warning: " : "", path, *path ? ": " : "", ksc_diag_reason(d));
	else
		cli_error("%s%s%s%s%s%s", file, *file ? ": " : "", warning ? "warning: " : "", path,
		          *path ? ": " : "", ksc_diag_reason(d));
}

int
cli_report_invalid(int r, const struct ksc_diags *diags, struct ksc_error *error, const char *file)
{
	size_t shown = 0;

	for (size_t k = 0; k < ksc_diags_count(diags); k++)
		if (ksc_diag_severity(ksc_diags_get(diags, k)) == KSC_SEVERITY_ERROR) {
			cli_print_diag(ksc_diags_get(diags, k));
			shown++;
		}
	if (!shown)
		return cli_fail(r, error, file);
	ksc_error_free(error);
	return 1;
}

int
cli_one_operand(const char *command, int argc, const char *what)
{
	if (optind >= argc)
		return cli_usage_error(command, "missing %s", what);
	if (argc - optind > 1)
		return cli_usage_error(command, "one %s at a time", what);
	return 0;
}

/* A word given to -o that is a file's name rather than a format: "out.json", "./p". */
static bool
looks_like_file(const char *value)
{
	return strchr(value, '/') || strchr(value, '.') || streq(value, "-");
}

int
cli_parse_output(const char *command, const char *value, const char *const *formats, size_t n_named,
                 int *ret_index)
{
	struct strbuf named = { 0 };
	_cleanup_(freep) char *list = NULL;

	for (int i = 0; formats[i]; i++)
		if (streq(value, formats[i])) {
			*ret_index = i;
			return 0;
		}
	/* " (a, b or c)" */
	for (size_t i = 0; i < n_named; i++)
		strbuf_printf(&named, "%s%s",
		              i == 0            ? " ("
		              : i + 1 < n_named ? ", "
		                                : " or ",
		              formats[i]);
	if (n_named)
		strbuf_putc(&named, ')');
	if (strbuf_finish(&named, &list, NULL) < 0)
		list = NULL;
	if (looks_like_file(value))
		return cli_usage_error(command,
		                       "-o '%s': -o is the output format%s, not a file (a verb "
		                       "that writes a file takes --output-file FILE)",
		                       value, list ? list : "");
	return cli_usage_error(command, "unknown output format '%s'%s", value, list ? list : "");
}

int
cli_parse_caps(const char *command, const char *list, uint64_t *ret)
{
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int r = ksc_caps_parse(list, ret, &error);

	if (r < 0)
		return cli_usage_error(command, "--caps: %s",
		                       error ? ksc_error_message(error) : strerror(-r));
	return 0;
}

int
cli_parse_flavor(const char *command, const char *name, enum ksc_flavor *ret)
{
	if (ksc_flavor_from_name(name, ret) < 0)
		return cli_usage_error(command,
		                       "unknown flavour '%s' (containerd, docker or podman)", name);
	return 0;
}

int
cli_dispatch(const char *parent, const struct verb *verbs, size_t n, int argc, char **argv)
{
	if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h") ||
	    streq(argv[1], "help")) {
		FILE *out = argc < 2 ? stderr : stdout;

		fprintf(out, "Usage: kseccomp %s COMMAND [OPTIONS]\n\nCommands:\n", parent);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
		fprintf(out, "\nRun 'kseccomp %s COMMAND --help' for a command's options.\n",
		        parent);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (size_t i = 0; i < n; i++)
		if (streq(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	return cli_usage_error(parent, "unknown command '%s'", argv[1]);
}

int
cli_parse_output_file(const char *command, const char *value, const char **ret)
{
	static const char *const formats[] = { "table", "wide",    "json", "yaml", "name",
		                               "text",  "summary", "bpf",  "asm",  "dot" };

	for (size_t i = 0; i < ELEMENTSOF(formats); i++)
		if (streq(value, formats[i]))
			return cli_usage_error(command,
			                       "'%s' is an output format (-o %s), not a file; to "
			                       "write a file of that name, give ./%s",
			                       value, value, value);
	*ret = value;
	return 0;
}

int
cli_parse_doc_format(const char *command, const char *value, enum cli_doc_format *ret)
{
	if (streq(value, "json") || streq(value, "yaml")) {
		*ret = streq(value, "json") ? CLI_DOC_JSON : CLI_DOC_YAML;
		return 0;
	}
	if (looks_like_file(value))
		return cli_usage_error(command,
		                       "-o '%s': -o is the output format (json or yaml); to write "
		                       "a file, use --output-file %s",
		                       value, value);
	return cli_usage_error(command, "unknown output format '%s' (json or yaml)", value);
}

int
cli_write_document(const char *path, enum cli_doc_format format, const char *json, size_t len)
{
	_cleanup_(freep) char *yaml = NULL;
	struct ksc_error *error = NULL;
	size_t yaml_len = 0;
	int r;

	if (format == CLI_DOC_JSON)
		return cli_write_file(path, json, len);
	r = ksc_json_to_yaml(json, len, &yaml, &yaml_len, &error);
	if (r < 0) {
		(void)cli_fail(r, error, NULL);
		return r;
	}
	return cli_write_file(path, yaml, yaml_len);
}

/* -o yaml of a verb that prints one JSON document: standard output is caught from the
 * option on, and cli_output_finish() writes it as YAML (as it is when it is no JSON: a
 * --help after -o yaml). */
static FILE *yaml_saved, *yaml_mem;
static char *yaml_buf;
static size_t yaml_len;

int
cli_output_yaml(void)
{
	if (yaml_mem)
		return 0;
	fflush(stdout);
	yaml_mem = open_memstream(&yaml_buf, &yaml_len);
	if (!yaml_mem)
		return -ENOMEM;
	yaml_saved = stdout;
	stdout = yaml_mem;
	return 0;
}

int
cli_output_finish(int status)
{
	_cleanup_(freep) char *yaml = NULL;
	size_t len = 0;

	if (!yaml_mem)
		return status;
	fclose(yaml_mem);
	stdout = yaml_saved;
	yaml_mem = NULL;
	if (yaml_len > 0 && ksc_json_to_yaml(yaml_buf, yaml_len, &yaml, &len, NULL) == 0)
		fwrite(yaml, 1, len, stdout);
	else
		fwrite(yaml_buf ? yaml_buf : "", 1, yaml_len, stdout);
	free(yaml_buf);
	yaml_buf = NULL;
	return fflush(stdout) == 0 ? status : 1;
}

int
cli_write_file(const char *path, const char *data, size_t len)
{
	struct ksc_error *error = NULL;
	int r;

	if (streq(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			r = negative_errno();
			cli_error("writing standard output: %s", strerror(-r));
			return r;
		}
		return 0;
	}
	/* what is printed before the file was written goes out first (-o /dev/stdout) */
	(void)fflush(stdout);
	r = ksc_fs_write_file(path, data, len, &error);
	if (r < 0)
		(void)cli_fail(r, error, path);
	return r;
}

void
cli_last_component(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path);
	const char *slash;

	while (len > 1 && path[len - 1] == '/')
		len--;
	slash = memrchr(path, '/', len);
	if (slash)
		snprintf(buf, size, "%.*s", (int)(len - (size_t)(slash + 1 - path)), slash + 1);
	else
		snprintf(buf, size, "%.*s", (int)len, path);
}

/* The warnings among diags, each as cli_print_diag() prints it. */
void
cli_print_diags(const struct ksc_diags *diags)
{
	for (size_t k = 0; diags && k < ksc_diags_count(diags); k++)
		cli_print_diag(ksc_diags_get(diags, k));
}

void
cli_print_warnings(const struct ksc_diags *diags)
{
	for (size_t k = 0; k < ksc_diags_count(diags); k++)
		if (ksc_diag_severity(ksc_diags_get(diags, k)) == KSC_SEVERITY_WARNING)
			cli_print_diag(ksc_diags_get(diags, k));
}
