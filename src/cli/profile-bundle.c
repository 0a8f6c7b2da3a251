/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp profile bundle DIR [--name NAME] [--namespace NS] [-o FILE]
 *
 * A ConfigMap of the profiles of DIR, for `kseccomp node sync` to install on every node.
 * Every profile is validated first; the keys are the file names; each value is the file's
 * exact bytes, written as a YAML literal block when that reads back identically, else as a
 * double-quoted string. The output is parsed again before it is written, and each value
 * compared with its file.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "doc.h"
#include "strbuf.h"

/* The API server's limit on a ConfigMap's data. */
#define CONFIGMAP_MAX_BYTES (1024u * 1024u)

struct entry {
	char *name;
	char *path;
	char *text;
	size_t len;
	bool quoted;   /* a double-quoted scalar instead of a literal block */
	unsigned line; /* where its key is in the bundle */
};

static void
help(void)
{
	fputs("Usage: kseccomp profile bundle DIR [--name NAME] [--namespace NS] [-o FILE]\n"
	      "\n"
	      "Print a ConfigMap holding the profiles of DIR (its *.json files), for 'kseccomp\n"
	      "node sync' to install on every node (see deploy/). Every profile is validated\n"
	      "first: one invalid profile and nothing is written. Keys are the file names,\n"
	      "values the files' exact bytes. A ConfigMap holds at most 1 MiB.\n"
	      "\n"
	      "Options:\n"
	      "      --name NAME        the ConfigMap's name (default kseccomp-profiles)\n"
	      "      --namespace NS     its namespace (default kseccomp)\n"
	      "  -o, --output FILE      write it there (atomically) instead of to stdout\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

/* A ConfigMap key: [-._a-zA-Z0-9]+, at most 253 characters. */
static bool
key_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 253 || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* Whether a literal block can carry the text: printable lines (tabs allowed), not starting
 * with a blank (that would need an indentation indicator), not empty. Printable is YAML's
 * c-printable, and libyaml (YAML 1.1) also ends a line at U+0085, U+2028 and U+2029: a
 * profile may hold them in its strings (JSON allows them raw), a literal block cannot. */
static bool
literal_ok(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	if (len == 0 || text[0] == ' ' || text[0] == '\t' || text[0] == '\n')
		return false;
	if (!ksc_doc_is_text(text, len))
		return false; /* controls, or not UTF-8 */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == 0x7f)
			return false;
		/* U+0080..U+009F (NEL among them) */
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] <= 0x9f)
			return false;
		/* U+2028, U+2029 */
		if (s[i] == 0xe2 && i + 2 < len && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			return false;
		/* U+FEFF, U+FFFE, U+FFFF */
		if (s[i] == 0xef && i + 2 < len &&
		    ((s[i + 1] == 0xbb && s[i + 2] == 0xbf) ||
		     (s[i + 1] == 0xbf && (s[i + 2] == 0xbe || s[i + 2] == 0xbf))))
			return false;
	}
	return true;
}

/* A double-quoted scalar: JSON's escapes (YAML's double-quoted style has them all), and
 * U+2028 and U+2029 escaped too, which JSON allows raw but libyaml reads as line breaks
 * and folds. */
static void
put_quoted(struct strbuf *sb, const char *text, size_t len)
{
	struct strbuf q = { 0 };
	const char *s;

	strbuf_put_json_string(&q, text, len);
	s = q.buf ? q.buf : "";
	for (size_t i = 0, start = 0; i <= q.len; i++) {
		bool sep = i + 2 < q.len && (unsigned char)s[i] == 0xe2 &&
		           (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9);

		if (!sep && i < q.len)
			continue;
		strbuf_append(sb, s + start, i - start);
		if (sep) {
			strbuf_puts(sb, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += 2;
			start = i + 1;
		}
	}
	strbuf_done(&q);
}

static void
put_entry(struct strbuf *sb, const struct entry *e)
{
	size_t trailing = 0, body;

	strbuf_printf(sb, "  %s: ", e->name);
	if (e->quoted || !literal_ok(e->text, e->len)) {
		put_quoted(sb, e->text, e->len);
		strbuf_puts(sb, "\n");
		return;
	}
	while (trailing < e->len && e->text[e->len - 1 - trailing] == '\n')
		trailing++;
	/* chomping: "|-" none, "|" one, "|+" every trailing line break kept */
	strbuf_puts(sb, trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n");
	body = e->len - trailing;
	for (size_t i = 0, start = 0; i <= body; i++) {
		if (i < body && e->text[i] != '\n')
			continue;
		if (i > start)
			strbuf_printf(sb, "    %.*s\n", (int)(i - start), e->text + start);
		else
			strbuf_puts(sb, "\n");
		start = i + 1;
	}
	for (size_t i = 1; i < trailing; i++)
		strbuf_puts(sb, "\n");
}

static void
put_bundle(struct strbuf *sb, const char *dir, const char *name, const char *namespace,
           struct entry *entries, size_t n)
{
	unsigned line = 1;
	size_t counted = 0;

	strbuf_printf(
	        sb,
	        "# Generated by 'kseccomp profile bundle %s': %zu profile%s. Every node's\n"
	        "# 'kseccomp node sync' installs them under the kubelet's seccomp directory.\n"
	        "apiVersion: v1\n"
	        "kind: ConfigMap\n"
	        "metadata:\n"
	        "  name: %s\n"
	        "  namespace: %s\n"
	        "  labels:\n"
	        "    app.kubernetes.io/name: kseccomp\n"
	        "    app.kubernetes.io/component: profiles\n"
	        "data:\n",
	        dir, n, n == 1 ? "" : "s", name, namespace);
	for (size_t i = 0; i < n; i++) {
		for (; counted < sb->len; counted++)
			line += sb->buf[counted] == '\n';
		entries[i].line = line;
		put_entry(sb, &entries[i]);
	}
}

/* Read the text back as the API server would: the value of every key must be its file. An
 * entry that does not read back (or breaks the YAML where its value is) is marked to be
 * written quoted; *ret_failure says why the last attempt failed. */
static int
verify(const char *text, size_t len, struct entry *entries, size_t n, bool *ret_ok,
       struct ksc_doc_failure *ret_failure)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *root, *data;
	int r;

	*ret_ok = true;
	*ret_failure = (struct ksc_doc_failure){ 0 };
	r = ksc_doc_parse_at("bundle", text, len, 0, &doc, ret_failure, NULL);
	if (r == -EINVAL && n > 0) {
		size_t i = n - 1;

		/* the entry whose lines the parser stopped in */
		while (i > 0 && entries[i].line > ret_failure->line)
			i--;
		*ret_ok = false;
		if (entries[i].quoted)
			return r; /* quoting did not help */
		entries[i].quoted = true;
		return 0;
	}
	if (r < 0)
		return r;
	root = ksc_doc_root(doc, 0);
	data = root->kind == KSC_NODE_MAP ? ksc_node_get(root, "data") : NULL;
	if (!data || data->kind != KSC_NODE_MAP || data->count != n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const struct ksc_node *v = ksc_node_get(data, entries[i].name);

		if (!v || v->kind != KSC_NODE_SCALAR || v->len != entries[i].len ||
		    memcmp(v->text, entries[i].text, v->len) != 0) {
			entries[i].quoted = true; /* the literal block did not carry it */
			*ret_ok = false;
		}
	}
	return 0;
}

int
verb_profile_bundle(int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "namespace", required_argument, NULL, 'N' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *dir, *name = "kseccomp-profiles", *namespace = "kseccomp", *output = NULL;
	struct dirent **names = NULL;
	struct entry *entries = NULL;
	size_t n = 0, total = 0;
	bool invalid = false, ok = false;
	int c, r, count, status = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'N':
			namespace
			= optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile bundle", argv, c);
		}
	}
	r = cli_one_operand("profile bundle", argc, "DIR");
	if (r)
		return r;
	dir = argv[optind];
	if (!ksc_kube_dns_name(name, 253, true))
		return cli_usage_error("profile bundle",
		                       "--name '%s': not a DNS subdomain (lowercase letters, "
		                       "digits, '-' and '.', at most 253)",
		                       name);
	if (!ksc_kube_dns_name(namespace, 63, false))
		return cli_usage_error("profile bundle",
		                       "--namespace '%s': not a DNS label (lowercase letters, "
		                       "digits and '-', at most 63)",
		                       namespace);
	count = scandir(dir, &names, NULL, alphasort);
	if (count < 0) {
		cli_error("%s: %s", dir, strerror(errno));
		return 1;
	}
	entries = calloc((size_t)count + 1, sizeof(*entries));
	if (!entries) {
		status = cli_fail(-ENOMEM, NULL, NULL);
		goto out;
	}
	for (int k = 0; k < count; k++) {
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		struct ksc_error *error = NULL;
		struct ksc_profile *p = NULL;
		const char *file = names[k]->d_name;
		char path[4096];
		struct entry e = { 0 };

		if (file[0] == '.' || !endswith(file, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (!key_valid(file)) {
			cli_error("%s: not a ConfigMap key (letters, digits, '-', '_' and '.')",
			          path);
			invalid = true;
			continue;
		}
		r = ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &e.text, &e.len, &error);
		if (r == 0)
			r = ksc_profile_parse(path, e.text, e.len, NULL, &p, diags, &error);
		if (r < 0) {
			(void)cli_report_invalid(r, diags, error, path);
			free(e.text);
			invalid = true;
			continue;
		}
		ksc_profile_free(p);
		e.name = strdup(file);
		e.path = strdup(path);
		if (!e.name || !e.path) {
			free(e.name);
			free(e.path);
			free(e.text);
			status = cli_fail(-ENOMEM, NULL, NULL);
			goto out;
		}
		total += e.len + strlen(file);
		entries[n++] = e;
	}
	if (invalid) {
		cli_error("%s: invalid profiles: no bundle written", dir);
		goto out;
	}
	if (n == 0) {
		cli_error("%s: no *.json profiles", dir);
		goto out;
	}
	if (total > CONFIGMAP_MAX_BYTES) {
		cli_error("%s: the profiles take %zu bytes, more than a ConfigMap holds (%u): "
		          "bundle them in parts",
		          dir, total, CONFIGMAP_MAX_BYTES);
		goto out;
	}
	/* each failed attempt quotes at least one more entry */
	for (size_t attempt = 0; attempt <= n + 1 && !ok; attempt++) {
		struct strbuf sb = { 0 };
		_cleanup_(freep) char *text = NULL;
		struct ksc_doc_failure failure;
		size_t len;

		put_bundle(&sb, dir, name, namespace, entries, n);
		if (strbuf_finish(&sb, &text, &len) < 0) {
			status = cli_fail(-ENOMEM, NULL, NULL);
			goto out;
		}
		r = verify(text, len, entries, n, &ok, &failure);
		if (r == -EINVAL && failure.line > 0) {
			size_t i = n - 1;

			while (i > 0 && entries[i].line > failure.line)
				i--;
			cli_error("%s: its text does not read back from the bundle, at line %u, "
			          "column %u of the bundle: %s",
			          entries[i].path, failure.line, failure.column, failure.reason);
			goto out;
		}
		if (r < 0) {
			status = cli_fail(r, NULL, "the bundle does not read back");
			goto out;
		}
		if (!ok)
			continue;
		if (output)
			status = cli_write_file(output, text, len) < 0 ? 1 : 0;
		else
			status = fwrite(text, 1, len, stdout) == len ? 0 : 1;
	}
	if (!ok)
		cli_error("the bundle does not read back identically");
out:
	for (size_t i = 0; i < n; i++) {
		free(entries[i].name);
		free(entries[i].path);
		free(entries[i].text);
	}
	free(entries);
	for (int k = 0; k < count; k++)
		free(names[k]);
	free(names);
	return status;
}
