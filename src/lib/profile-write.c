/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The canonical JSON form of a profile: keys in a fixed order (the OCI order, then the
 * extensions, then keys the model does not know, as found), two-space indentation, one array
 * element per line, numbers in decimal, a final newline. Writing is idempotent and what it
 * writes parses back to the same model.
 */
#include <inttypes.h>

#include "profile.h"
#include "strbuf.h"

struct writer {
	struct strbuf sb;
	unsigned depth;
	bool first; /* no member written yet at this level */
};

static void
indent(struct writer *w)
{
	static const char spaces[] = "                                                ";

	for (unsigned left = 2 * w->depth; left > 0;) {
		unsigned n = MIN(left, (unsigned)sizeof(spaces) - 1);

		strbuf_append(&w->sb, spaces, n);
		left -= n;
	}
}

/* A key that JSON writes as it is: printable ASCII without a quote or a backslash. */
static bool
plain_key(const char *key, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (key[i] < 0x20 || key[i] > 0x7e || key[i] == '"' || key[i] == '\\')
			return false;
	return true;
}

/* Start a member or element: the comma, the newline, the indentation and the key. */
static void
member_n(struct writer *w, const char *key, size_t len)
{
	if (w->first)
		strbuf_putc(&w->sb, '\n');
	else
		strbuf_append(&w->sb, ",\n", 2);
	w->first = false;
	indent(w);
	if (!key)
		return;
	if (plain_key(key, len)) {
		strbuf_putc(&w->sb, '"');
		strbuf_append(&w->sb, key, len);
		strbuf_append(&w->sb, "\": ", 3);
	} else {
		strbuf_put_json_string(&w->sb, key, len);
		strbuf_puts(&w->sb, ": ");
	}
}

static void
member(struct writer *w, const char *key)
{
	member_n(w, key, key ? strlen(key) : 0);
}

static void
open_container(struct writer *w, char c)
{
	strbuf_putc(&w->sb, c);
	w->depth++;
	w->first = true;
}

static void
close_container(struct writer *w, char c)
{
	w->depth--;
	if (!w->first) {
		strbuf_putc(&w->sb, '\n');
		indent(w);
	}
	strbuf_putc(&w->sb, c);
	w->first = false;
}

static void
write_string_member(struct writer *w, const char *key, const char *value)
{
	member(w, key);
	strbuf_put_json_str(&w->sb, value);
}

static void
write_u64_member(struct writer *w, const char *key, uint64_t value)
{
	member(w, key);
	strbuf_put_u64(&w->sb, value);
}

static void
write_string_array(struct writer *w, const char *key, const char *const *items, size_t n)
{
	member(w, key);
	if (n == 0) {
		strbuf_puts(&w->sb, "[]");
		return;
	}
	open_container(w, '[');
	for (size_t i = 0; i < n; i++) {
		member(w, NULL);
		strbuf_put_json_str(&w->sb, items[i]);
	}
	close_container(w, ']');
}

static void
write_arch_array(struct writer *w, const char *key, const enum ksc_arch *arches, size_t n)
{
	member(w, key);
	if (n == 0) {
		strbuf_puts(&w->sb, "[]");
		return;
	}
	open_container(w, '[');
	for (size_t i = 0; i < n; i++) {
		member(w, NULL);
		strbuf_put_json_str(&w->sb, ksc_arch_oci_name(arches[i]));
	}
	close_container(w, ']');
}

/* A value the model does not know, re-emitted from the document as JSON. */
static void
write_node(struct writer *w, const struct ksc_node *n)
{
	switch (n->kind) {
	case KSC_NODE_SCALAR:
		if (n->type == KSC_SCALAR_STRING)
			strbuf_put_json_string(&w->sb, n->text, n->len);
		else
			strbuf_append(&w->sb, n->text, n->len); /* JSON literal, checked on input */
		return;
	case KSC_NODE_SEQ:
	case KSC_NODE_MAP:
		if (n->count == 0) {
			strbuf_puts(&w->sb, n->kind == KSC_NODE_MAP ? "{}" : "[]");
			return;
		}
		open_container(w, n->kind == KSC_NODE_MAP ? '{' : '[');
		for (size_t i = 0; i < n->count; i++) {
			/* every byte of a key, NUL bytes included */
			member_n(w, n->kind == KSC_NODE_MAP ? n->keys[i]->text : NULL,
			         n->kind == KSC_NODE_MAP ? n->keys[i]->len : 0);
			write_node(w, n->items[i]);
		}
		close_container(w, n->kind == KSC_NODE_MAP ? '}' : ']');
		return;
	}
}

static void
write_extras(struct writer *w, const struct ksc_extra *extras, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		member_n(w, extras[i].key, extras[i].key_len);
		write_node(w, extras[i].value);
	}
}

static bool
filter_empty(const struct ksc_rule_filter *f)
{
	return f->n_caps == 0 && f->n_arches == 0 && !f->min_kernel;
}

static void
write_filter(struct writer *w, const char *key, const struct ksc_rule_filter *f)
{
	if (filter_empty(f))
		return;
	member(w, key);
	open_container(w, '{');
	if (f->n_caps)
		write_string_array(w, "caps", (const char *const *)f->caps, f->n_caps);
	if (f->n_arches)
		write_string_array(w, "arches", (const char *const *)f->arches, f->n_arches);
	if (f->min_kernel)
		write_string_member(w, "minKernel", f->min_kernel);
	close_container(w, '}');
}

/* "args": the rule's argument conditions, when it has any. oci: as a runtime hands them on
 * (Go's encoding/json of specs.LinuxSeccompArg, where valueTwo is omitempty: a zero one is
 * not written). */
static void
write_args_as(struct writer *w, const struct ksc_rule *rule, bool oci)
{
	if (rule->n_args == 0)
		return;
	member(w, "args");
	open_container(w, '[');
	for (size_t i = 0; i < rule->n_args; i++) {
		const struct ksc_arg *a = &rule->args[i];

		member(w, NULL);
		open_container(w, '{');
		write_u64_member(w, "index", a->index);
		write_u64_member(w, "value", a->value);
		if (a->has_value_two && (!oci || a->value_two != 0))
			write_u64_member(w, "valueTwo", a->value_two);
		write_string_member(w, "op", ksc_op_name(a->op));
		close_container(w, '}');
	}
	close_container(w, ']');
}

static void
write_args(struct writer *w, const struct ksc_rule *rule)
{
	write_args_as(w, rule, false);
}

static void
write_rule(struct writer *w, const struct ksc_rule *rule)
{
	member(w, NULL);
	open_container(w, '{');
	if (rule->single_name)
		write_string_member(w, "name", rule->names[0]);
	else
		write_string_array(w, "names", rule->names, rule->n_names);
	write_string_member(w, "action", ksc_action_name(rule->action));
	if (rule->has_errno)
		write_u64_member(w, "errnoRet", rule->errno_ret);
	if (rule->errno_name)
		write_string_member(w, "errno", rule->errno_name);
	write_args(w, rule);
	if (rule->comment)
		write_string_member(w, "comment", rule->comment);
	write_filter(w, "includes", &rule->includes);
	write_filter(w, "excludes", &rule->excludes);
	write_extras(w, rule->extras, rule->n_extras);
	close_container(w, '}');
}

int
ksc_profile_write_json(const struct ksc_profile *p, char **ret_text, size_t *ret_len)
{
	struct writer w = { 0 };

	open_container(&w, '{');
	write_string_member(&w, "defaultAction", ksc_action_name(p->default_action));
	if (p->has_default_errno)
		write_u64_member(&w, "defaultErrnoRet", p->default_errno);
	if (p->default_errno_name)
		write_string_member(&w, "defaultErrno", p->default_errno_name);
	if (p->n_arches > 0)
		write_arch_array(&w, "architectures", p->arches, p->n_arches);
	if (p->has_arch_map) {
		member(&w, "archMap");
		if (p->n_arch_map == 0)
			strbuf_puts(&w.sb, "[]");
		else {
			open_container(&w, '[');
			for (size_t i = 0; i < p->n_arch_map; i++) {
				member(&w, NULL);
				open_container(&w, '{');
				write_string_member(&w, "architecture",
				                    ksc_arch_oci_name(p->arch_map[i].arch));
				write_arch_array(&w, "subArchitectures", p->arch_map[i].subs,
				                 p->arch_map[i].n_subs);
				close_container(&w, '}');
			}
			close_container(&w, ']');
		}
	}
	/* Present-but-empty flags differ from absent ones (no SPEC_ALLOW): keep "[]". */
	if (p->flags_present)
		write_string_array(&w, "flags", (const char *const *)p->flag_order,
		                   p->n_flag_order);
	if (p->listener_path)
		write_string_member(&w, "listenerPath", p->listener_path);
	if (p->listener_metadata)
		write_string_member(&w, "listenerMetadata", p->listener_metadata);
	if (p->n_rules > 0) {
		member(&w, "syscalls");
		open_container(&w, '[');
		for (size_t i = 0; i < p->n_rules; i++)
			write_rule(&w, &p->rules[i]);
		close_container(&w, ']');
	}
	write_extras(&w, p->extras, p->n_extras);
	close_container(&w, '}');
	strbuf_putc(&w.sb, '\n');
	return strbuf_finish(&w.sb, ret_text, ret_len);
}

/* One rule as a runtime hands it on: "names", action, errnoRet, args; nothing else. */
static void
write_oci_rule(struct writer *w, const struct ksc_rule *rule)
{
	member(w, NULL);
	open_container(w, '{');
	write_string_array(w, "names", rule->names, rule->n_names);
	write_string_member(w, "action", ksc_action_name(rule->action));
	if (rule->has_errno)
		write_u64_member(w, "errnoRet", rule->errno_ret);
	write_args_as(w, rule, true);
	close_container(w, '}');
}

int
profile_write_oci(const struct ksc_profile *p, const enum ksc_arch *arches, size_t n_arches,
                  const bool *keep, char **ret_text, size_t *ret_len)
{
	struct writer w = { 0 };
	bool any = false;

	open_container(&w, '{');
	write_string_member(&w, "defaultAction", ksc_action_name(p->default_action));
	if (p->has_default_errno)
		write_u64_member(&w, "defaultErrnoRet", p->default_errno);
	if (n_arches > 0)
		write_arch_array(&w, "architectures", arches, n_arches);
	/* omitempty, as Go writes specs.LinuxSeccomp */
	if (p->n_flag_order > 0)
		write_string_array(&w, "flags", (const char *const *)p->flag_order,
		                   p->n_flag_order);
	if (p->listener_path && *p->listener_path)
		write_string_member(&w, "listenerPath", p->listener_path);
	if (p->listener_metadata && *p->listener_metadata)
		write_string_member(&w, "listenerMetadata", p->listener_metadata);
	for (size_t i = 0; i < p->n_rules; i++)
		any = any || keep[i];
	if (any) {
		member(&w, "syscalls");
		open_container(&w, '[');
		for (size_t i = 0; i < p->n_rules; i++)
			if (keep[i])
				write_oci_rule(&w, &p->rules[i]);
		close_container(&w, ']');
	}
	close_container(&w, '}');
	strbuf_putc(&w.sb, '\n');
	return strbuf_finish(&w.sb, ret_text, ret_len);
}
