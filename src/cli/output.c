/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The output of the verbs that list things (get pods, node ls, image ls, node scan, describe):
 * -o table|wide|json|yaml|name parsed one way, their JSON arrays written one way, and the
 * records of a stream (audit) as JSON lines or YAML documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "strbuf.h"

/* in the order of enum cli_list_format */
static const char *const list_format_names[_CLI_LIST_FORMAT_MAX] = {
	"table", "wide", "json", "yaml", "name",
};

int
cli_parse_list_format(const char *command, const char *value, unsigned formats,
                      enum cli_list_format *ret)
{
	const char *names[_CLI_LIST_FORMAT_MAX + 1];
	enum cli_list_format which[_CLI_LIST_FORMAT_MAX];
	size_t n = 0;
	int index;

	formats |= CLI_LIST(TABLE);
	for (int f = 0; f < _CLI_LIST_FORMAT_MAX; f++)
		if (formats & (1u << f)) {
			which[n] = (enum cli_list_format)f;
			names[n++] = list_format_names[f];
		}
	names[n] = NULL;
	if (cli_parse_output(command, value, names, n, &index) != 0)
		return EXIT_USAGE;
	*ret = which[index];
	return 0;
}

bool
cli_list_is_data(const struct cli_list *l)
{
	return l->format == CLI_LIST_JSON || l->format == CLI_LIST_YAML;
}

struct strbuf *
cli_list_next(struct cli_list *l)
{
	if (l->n == 0)
		strbuf_putc(&l->json, '[');
	strbuf_puts(&l->json, l->n++ ? ",\n  " : "\n  ");
	return &l->json;
}

int
cli_list_finish(struct cli_list *l)
{
	_cleanup_(freep) char *json = NULL;
	size_t len = 0;

	if (!cli_list_is_data(l))
		return 0;
	strbuf_puts(&l->json, l->n ? "\n]\n" : "[]\n");
	if (strbuf_finish(&l->json, &json, &len) < 0)
		return cli_fail(-ENOMEM, NULL, NULL);
	return cli_write_document("-", l->format == CLI_LIST_YAML ? CLI_DOC_YAML : CLI_DOC_JSON,
	                          json, len) < 0
	               ? 1
	               : 0;
}

int
cli_print_record(struct strbuf *sb, bool yaml)
{
	_cleanup_(freep) char *json = NULL, *text = NULL;
	struct ksc_error *error = NULL;
	size_t len = 0, text_len = 0;
	int r;

	strbuf_putc(sb, '\n');
	r = strbuf_finish(sb, &json, &len);
	if (r < 0)
		return cli_fail(r, NULL, NULL);
	if (!yaml) {
		fwrite(json, 1, len, stdout);
		return 0;
	}
	r = ksc_json_to_yaml(json, len, &text, &text_len, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	/* a document of its own, out at once: a reader of a follow sees each as it comes */
	fputs("---\n", stdout);
	fwrite(text, 1, text_len, stdout);
	fflush(stdout);
	return 0;
}

/* The inputs of one coverage group, in words: "not in c.json", "only in a.json, b.json". */
static void
say_which(const bool *in, size_t count, const char *const *labels, size_t n)
{
	bool listing_in = count <= n / 2, first = true;

	fputs(listing_in ? "only in " : "not in ", stderr);
	for (size_t i = 0; i < n; i++)
		if (in[i] == listing_in) {
			fprintf(stderr, "%s%s", first ? "" : ", ", cli_escape(labels[i]));
			first = false;
		}
}

void
cli_print_coverage(const struct ksc_coverage *v, size_t n_v, size_t n, const char *const *labels)
{
	bool *done = calloc(n_v ? n_v : 1, sizeof(*done));

	if (!done) {
		cli_fail(-ENOMEM, NULL, NULL);
		return;
	}
	/* by count, most first (v's order), one line per set of inputs */
	for (size_t i = 0; i < n_v; i++) {
		if (done[i] || v[i].count == n)
			continue;
		fprintf(stderr, "  %zu of %zu (", v[i].count, n);
		say_which(v[i].in, v[i].count, labels, n);
		fputs("):", stderr);
		for (size_t j = i; j < n_v; j++)
			if (!done[j] && !memcmp(v[j].in, v[i].in, n * sizeof(bool))) {
				fprintf(stderr, " %s", v[j].name);
				done[j] = true;
			}
		fputc('\n', stderr);
	}
	free(done);
}
