/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp completion bash|zsh: a completion script made from the program itself, so that
 * it never lags behind: the commands from the verb tables, and each command's options from
 * its own --help (every option is listed there; the help test keeps it so). An option's
 * values come from its placeholder and description: architectures for ARCH, the local
 * node's pods for --pod, the choice words its description names (json, yaml, runc, ...),
 * files otherwise.
 *
 * Both scripts share one generated core (plain shell case statements): _kseccomp_spec sets
 * the options of a command, _kseccomp_values the candidates of an option.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "strbuf.h"

/* Words a description may offer as an option's values, each for the options whose long name
 * has `in` (NULL: any option), so that "host byte order" offers no runtime. */
static const struct {
	const char *in;
	const char *words[12];
} choices[] = {
	{ "endpoint", { NULL } },
	{ "oci-runtime", { "runc", "crun" } },
	{ "output",
	  { "table", "wide", "json", "yaml", "name", "text", "summary", "bpf", "asm", "dot" } },
	{ "backend", { "native", "libseccomp", "ebpf", "ptrace" } },
	{ "runtime", { "runc", "crun", "host", "containerd" } },
	{ "executor", { "runc", "crun", "host", "containerd" } },
	{ "level", { "baseline", "restricted" } },
	{ "source", { "netlink", "kmsg", "auto" } },
	{ "version", { "latest" } },
	{ "action",
	  { "ALLOW", "LOG", "ERRNO", "KILL", "KILL_PROCESS", "TRAP", "TRACE", "NOTIFY" } },
	{ "flavo", { "containerd", "moby", "podman", "containers" } },
};

/* The help text of one command: its run() with --help, standard output caught. */
static char *
help_text(const struct verb *v)
{
	char *argv[] = { (char *)v->name, (char *)"--help", NULL };
	struct strbuf sb = { 0 };
	char buf[4096];
	FILE *tmp = tmpfile();
	int saved, r;
	size_t n;
	char *text = NULL;

	if (!tmp)
		return NULL;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
		fclose(tmp);
		return NULL;
	}
	(void)v->run(2, argv);
	fflush(stdout);
	r = dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(tmp);
	if (r < 0 || strbuf_finish(&sb, &text, NULL) < 0)
		return NULL;
	return text;
}

struct option_line {
	char names[2][48]; /* "-o", "--output"; "" when absent */
	char arg[32];      /* its placeholder, "" for a flag */
	const char *desc;  /* the rest of the line and the lines under it */
};

/* One line of a help text's option list: "  -o, --output FORMAT   description". */
static bool
parse_option_line(const char *line, struct option_line *ret)
{
	const char *p = line;
	size_t k = 0;

	*ret = (struct option_line){ 0 };
	while (*p == ' ')
		p++;
	if (*p != '-' || p - line < 2)
		return false;
	for (;;) {
		size_t len = strcspn(p, " ,\n=");

		if (k < 2 && len > 1 && len < sizeof(ret->names[0])) {
			memcpy(ret->names[k], p, len);
			k++;
		}
		p += len;
		if (strncmp(p, ", -", 3) != 0)
			break;
		p += 2;
	}
	/* one space and a word: the placeholder; two spaces or the end: a flag */
	if (p[0] == ' ' && p[1] != ' ' && p[1] != '\n' && p[1]) {
		size_t len = strcspn(p + 1, " \n");

		if (len < sizeof(ret->arg))
			memcpy(ret->arg, p + 1, len);
		p += 1 + len;
	}
	ret->desc = p;
	return k > 0;
}

static bool
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* The candidates of an option (its description runs from o->desc to end), as a shell word
 * list or @files, @arches, @pods. */
static void
option_values(const struct option_line *o, const char *end, bool local_pods, struct strbuf *out)
{
	const char *long_name = o->names[1][0] ? o->names[1] : o->names[0];
	bool any = false;
	size_t c;

	if (strstr(o->arg, "ARCH") || streq(o->names[0], "--arch") ||
	    streq(o->names[1], "--arch")) {
		strbuf_puts(out, "@arches");
		return;
	}
	if (streq(o->names[0], "--pod") || streq(o->names[1], "--pod")) {
		/* the local node's pods; kube's and the CRI's --pod name others */
		strbuf_puts(out, local_pods ? "@pods" : "@none");
		return;
	}
	/* the first group that fits the option's name is its */
	for (c = 0; c < ELEMENTSOF(choices) && !strstr(long_name, choices[c].in); c++)
		;
	for (size_t i = 0;
	     c < ELEMENTSOF(choices) && i < ELEMENTSOF(choices[c].words) && choices[c].words[i];
	     i++) {
		const char *word = choices[c].words[i];
		size_t len = strlen(word);

		for (const char *p = o->desc; (p = strstr(p, word)) && p < end; p++)
			if (!word_char(p[-1]) && !word_char(p[len])) {
				strbuf_printf(out, "%s%s", any ? " " : "", word);
				any = true;
				break;
			}
	}
	if (!any)
		strbuf_puts(out, "@files");
}

/* The next line of a help text, or NULL. */
static const char *
next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl && nl[1] ? nl + 1 : NULL;
}

/* The case arms of one command: its options (_ks_opts), those that take a value (_ks_args),
 * and each one's candidates. */
static void
command_spec(const char *cmd, const char *help, struct strbuf *spec, struct strbuf *values)
{
	struct strbuf opts = { 0 }, args = { 0 };

	for (const char *line = help; line; line = next_line(line)) {
		struct option_line o, following;
		const char *end = next_line(line);

		if (!parse_option_line(line, &o))
			continue;
		/* the description runs to the next option line */
		while (end && !parse_option_line(end, &following))
			end = next_line(end);
		for (size_t k = 0; k < 2 && o.names[k][0]; k++) {
			strbuf_printf(&opts, "%s%s", opts.len ? " " : "", o.names[k]);
			if (o.arg[0])
				strbuf_printf(&args, "%s%s", args.len ? " " : "", o.names[k]);
		}
		if (!o.arg[0])
			continue;
		strbuf_printf(values, "\t\"%s %s\"", cmd, o.names[0]);
		if (o.names[1][0])
			strbuf_printf(values, " | \"%s %s\"", cmd, o.names[1]);
		strbuf_puts(values, ") echo '");
		option_values(&o, end ? end : o.desc + strlen(o.desc),
		              streq(cmd, "audit") || streq(cmd, "record"), values);
		strbuf_puts(values, "' ;;\n");
	}
	strbuf_printf(spec, "\t\"%s\") _ks_opts='%s' _ks_args='%s' ;;\n", cmd,
	              opts.buf ? opts.buf : "", args.buf ? args.buf : "");
	strbuf_done(&opts);
	strbuf_done(&args);
}

static void
verb_list(const struct verb *v, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++)
		strbuf_printf(out, "%s%s", i ? " " : "", v[i].name);
}

/* The options of one command, from its help. */
static int
spec_of(const struct verb *v, const char *cmd, struct strbuf *spec, struct strbuf *values)
{
	_cleanup_(freep) char *help = help_text(v);

	if (!help)
		return -ENOMEM;
	command_spec(cmd, help, spec, values);
	return 0;
}

/* The shared core: the commands, their options and the options' candidates. */
static int
core(struct strbuf *out)
{
	struct strbuf spec = { 0 }, values = { 0 };
	int r = 0;

	strbuf_puts(out, "_kseccomp_verbs='");
	verb_list(cli_verbs, n_cli_verbs, out);
	strbuf_puts(out, "'\n_kseccomp_arches='");
	for (int a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++)
		strbuf_printf(out, "%s%s", a > KSC_ARCH_NONE + 1 ? " " : "",
		              ksc_arch_name((enum ksc_arch)a));
	strbuf_puts(out, "'\n\n# the verbs of a verb that has some\n_kseccomp_subverbs() {\n"
	                 "\tcase $1 in\n");
	for (size_t i = 0; i < n_cli_verbs && r >= 0; i++) {
		const struct verb *v = &cli_verbs[i];

		if (!v->sub) {
			r = spec_of(v, v->name, &spec, &values);
			continue;
		}
		strbuf_printf(out, "\t%s) echo '", v->name);
		verb_list(v->sub, *v->n_sub, out);
		strbuf_puts(out, "' ;;\n");
		for (size_t k = 0; k < *v->n_sub && r >= 0; k++) {
			char cmd[64];

			snprintf(cmd, sizeof(cmd), "%s %s", v->name, v->sub[k].name);
			r = spec_of(&v->sub[k], cmd, &spec, &values);
		}
	}
	strbuf_printf(out,
	              "\t*) return 1 ;;\n\tesac\n}\n\n"
	              "# a command's options, and those of them that take a value\n"
	              "_kseccomp_spec() {\n\t_ks_opts='' _ks_args=''\n\tcase $1 in\n%s\tesac\n}\n\n"
	              "# the candidates of CMD OPTION: words, or @files, @arches, @pods\n"
	              "_kseccomp_values() {\n\tcase \"$1 $2\" in\n%s\t*) echo '@files' ;;\n"
	              "\tesac\n}\n\n",
	              spec.buf ? spec.buf : "", values.buf ? values.buf : "");
	strbuf_done(&spec);
	strbuf_done(&values);
	return r < 0 ? r : out->oom ? -ENOMEM : 0;
}

/* What to offer, from the words up to the cursor: the same in both shells (bash and zsh
 * run this alike). Sets _ks_words: candidates, or @files, @arches, @pods. */
static const char shared_logic[] =
        "# _kseccomp_candidates CWORD WORD... (the words of the line, the command's first;\n"
        "# CWORD the index of the word at the cursor, from 0)\n"
        "_kseccomp_candidates() {\n"
        "\tlocal cword=$1 verb cmd prev cur i n=0\n"
        "\tshift\n"
        "\tlocal -a w\n"
        "\tw=(\"$@\")\n"
        "\t_ks_at() { eval \"printf '%s' \\\"\\${w[$(($1 + _ks_base))]}\\\"\"; }\n"
        "\tverb=$(_ks_at 1) cur=$(_ks_at \"$cword\") prev=$(_ks_at $((cword - 1)))\n"
        "\tif [ \"$cword\" -le 1 ]; then _ks_words=$_kseccomp_verbs; return; fi\n"
        "\tcmd=$verb\n"
        "\tif _kseccomp_subverbs \"$verb\" >/dev/null; then\n"
        "\t\tif [ \"$cword\" -eq 2 ]; then _ks_words=$(_kseccomp_subverbs \"$verb\"); return; fi\n"
        "\t\tcmd=\"$verb $(_ks_at 2)\"\n"
        "\tfi\n"
        "\t_kseccomp_spec \"$cmd\"\n"
        "\tcase \" $_ks_args \" in\n"
        "\t*\" $prev \"*) _ks_words=$(_kseccomp_values \"$cmd\" \"$prev\"); return ;;\n"
        "\tesac\n"
        "\tcase $cur in\n"
        "\t-*) _ks_words=$_ks_opts; return ;;\n"
        "\tesac\n"
        "\tcase $cmd in\n"
        "\tget | describe | delete)\n"
        "\t\ti=2\n"
        "\t\twhile [ \"$i\" -lt \"$cword\" ]; do\n"
        "\t\t\tcase $(_ks_at \"$i\") in -*) ;; *) n=$((n + 1)) ;; esac\n"
        "\t\t\ti=$((i + 1))\n"
        "\t\tdone\n"
        "\t\tif [ \"$n\" -eq 0 ]; then _ks_words='pods'; else _ks_words='@pods'; fi ;;\n"
        "\tlogs) _ks_words='@pods' ;;\n"
        "\tcompletion) _ks_words='bash zsh' ;;\n"
        "\t*) _ks_words='@files' ;;\n"
        "\tesac\n"
        "}\n\n"
        "# the local node's pods, as 'kseccomp get pods -o name' lists them\n"
        "_kseccomp_pods() {\n"
        "\tcommand \"${1:-kseccomp}\" get pods -o name 2>/dev/null | sed 's|^pod/||'\n"
        "}\n\n";

static const char bash_tail[] =
        "_kseccomp() {\n"
        "\tlocal _ks_words _ks_opts _ks_args _ks_base=0 cur=${COMP_WORDS[COMP_CWORD]}\n"
        "\t_kseccomp_candidates \"$COMP_CWORD\" \"${COMP_WORDS[@]:0:$((COMP_CWORD + 1))}\"\n"
        "\tcase $_ks_words in\n"
        "\t@files) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
        "\t@none) COMPREPLY=() ;;\n"
        "\t@arches) COMPREPLY=($(compgen -W \"$_kseccomp_arches\" -- \"$cur\")) ;;\n"
        "\t@pods) COMPREPLY=($(compgen -W \"$(_kseccomp_pods \"${COMP_WORDS[0]}\")\" -- "
        "\"$cur\")) ;;\n"
        "\t*) COMPREPLY=($(compgen -W \"$_ks_words\" -- \"$cur\")) ;;\n"
        "\tesac\n"
        "}\n"
        "complete -o filenames -F _kseccomp kseccomp\n";

static const char zsh_tail[] =
        "_kseccomp() {\n"
        "\tlocal _ks_words _ks_opts _ks_args _ks_base=1\n"
        "\t_kseccomp_candidates $((CURRENT - 1)) \"${(@)words[1,CURRENT]}\"\n"
        "\tcase $_ks_words in\n"
        "\t@files) _files ;;\n"
        "\t@none) return 1 ;;\n"
        "\t@arches) compadd -- ${=_kseccomp_arches} ;;\n"
        "\t@pods) compadd -- ${(f)\"$(_kseccomp_pods $words[1])\"} ;;\n"
        "\t*) compadd -- ${=_ks_words} ;;\n"
        "\tesac\n"
        "}\n"
        "compdef _kseccomp kseccomp\n";

static void
help(void)
{
	fputs("Usage: kseccomp completion bash|zsh\n"
	      "\n"
	      "Print a completion script: the commands, their options (from their --help),\n"
	      "architecture names, the local node's pods and the values an option names.\n"
	      "  bash: source it, or install it as\n"
	      "        /usr/share/bash-completion/completions/kseccomp ('meson install' does)\n"
	      "  zsh:  source it after 'compinit', or install it as\n"
	      "        /usr/share/zsh/vendor-completions/_kseccomp ('meson install' does)\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

int
verb_completion(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct strbuf out = { 0 };
	_cleanup_(freep) char *text = NULL;
	const char *shell;
	bool zsh;
	size_t len = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (c != 'h')
			return cli_bad_option("completion", argv, c);
		help();
		return 0;
	}
	shell = optind + 1 == argc ? argv[optind] : "";
	if (!streq(shell, "bash") && !streq(shell, "zsh"))
		return cli_usage_error("completion", "expected bash or zsh");
	zsh = streq(shell, "zsh");
	strbuf_printf(&out,
	              "%s# %s completion for kseccomp, made by 'kseccomp completion %s' from "
	              "its\n# commands and their --help\n\n",
	              zsh ? "#compdef kseccomp\n" : "", shell, shell);
	r = core(&out);
	strbuf_puts(&out, shared_logic);
	strbuf_puts(&out, zsh ? zsh_tail : bash_tail);
	if (r < 0 || strbuf_finish(&out, &text, &len) < 0) {
		strbuf_done(&out);
		return cli_fail(-ENOMEM, NULL, NULL);
	}
	return fwrite(text, 1, len, stdout) == len ? 0 : 1;
}
