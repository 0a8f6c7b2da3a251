/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON to YAML for `-o yaml`: the verbs build their output as JSON, and this writes the same
 * document as YAML with libyaml's emitter (block style, keys in their JSON order).
 *
 * The YAML must read back as the same values, in YAML 1.1 readers too (Go's yaml.v2, which
 * kubectl's ecosystem still uses, reads yes/no/on/off as booleans). So a string is written
 * plain only when no reader would take it for anything else: one that looks like a number,
 * a boolean, a null, or that is empty or starts or ends with a space, is double-quoted.
 * Numbers, booleans and null keep their JSON spelling, plain.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "doc.h"
#include "error.h"
#include "kseccomp.h"
#include "strbuf.h"

/* Words YAML 1.1 or 1.2 resolve to a boolean or null, in any of their spellings. */
static bool
special_word(const char *s)
{
	static const char *const words[] = {
		"y",    "Y",    "yes",   "Yes",   "YES",   "n",     "N",     "no",   "No",
		"NO",   "true", "True",  "TRUE",  "false", "False", "FALSE", "on",   "On",
		"ON",   "off",  "Off",   "OFF",   "null",  "Null",  "NULL",  "~",    ".inf",
		".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan",  ".NaN", ".NAN",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Could a YAML reader take s for a number (decimal, octal, hex, binary, float, sexagesimal,
 * with "_" separators)? Anything made of digits and the characters numbers use, starting
 * like a number, is quoted: a few strings more than needed are quoted, none too few. */
static bool
number_like(const char *s)
{
	const char *p = s;

	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._:+-", *p))
			return false;
	return true;
}

/* Double quotes for what could be read as something else, and for line breaks and other
 * control characters (escaped, rather than folded over lines); libyaml picks the style of
 * the others (plain where it can, else single quotes). */
static bool
needs_quotes(const char *s, size_t len)
{
	if (len == 0 || strlen(s) != len) /* empty, or a NUL inside */
		return true;
	if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[len - 1]))
		return true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return special_word(s) || number_like(s);
}

struct emit {
	yaml_emitter_t emitter;
	struct strbuf out;
};

static int
write_handler(void *data, unsigned char *buffer, size_t size)
{
	struct strbuf *sb = data;

	strbuf_append(sb, (const char *)buffer, size);
	return !sb->oom;
}

static int
emit_scalar(struct emit *em, const struct ksc_node *n)
{
	yaml_event_t event;
	bool quoted = n->type == KSC_SCALAR_STRING && needs_quotes(n->text, n->len);
	yaml_scalar_style_t style =
	        quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;

	/* implicit both ways: a plain or quoted scalar needs no tag (a string quoted by the
	 * emitter's own choice too) */
	if (!yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)n->text, (int)n->len,
	                                  1, 1, style))
		return -ENOMEM;
	return yaml_emitter_emit(&em->emitter, &event) ? 0 : -EINVAL;
}

static int
emit_node(struct emit *em, const struct ksc_node *n, unsigned depth)
{
	yaml_event_t event;
	bool map = n->kind == KSC_NODE_MAP;
	int r = 0;

	if (depth > KSC_DOC_MAX_DEPTH)
		return -EINVAL;
	if (n->kind != KSC_NODE_MAP && n->kind != KSC_NODE_SEQ)
		return emit_scalar(em, n);
	if (map ? !yaml_mapping_start_event_initialize(&event, NULL, NULL, 1,
	                                               YAML_BLOCK_MAPPING_STYLE)
	        : !yaml_sequence_start_event_initialize(&event, NULL, NULL, 1,
	                                                YAML_BLOCK_SEQUENCE_STYLE))
		return -ENOMEM;
	if (!yaml_emitter_emit(&em->emitter, &event))
		return -EINVAL;
	for (size_t i = 0; r >= 0 && i < n->count; i++) {
		if (map)
			r = emit_scalar(em, n->keys[i]);
		if (r >= 0)
			r = emit_node(em, n->items[i], depth + 1);
	}
	if (r < 0)
		return r;
	if (map ? !yaml_mapping_end_event_initialize(&event)
	        : !yaml_sequence_end_event_initialize(&event))
		return -ENOMEM;
	return yaml_emitter_emit(&em->emitter, &event) ? 0 : -EINVAL;
}

static int
emit_document(struct emit *em, const struct ksc_node *root)
{
	yaml_event_t event;
	int r;

	if (!yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING) ||
	    !yaml_emitter_emit(&em->emitter, &event))
		return -ENOMEM;
	if (!yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1) ||
	    !yaml_emitter_emit(&em->emitter, &event))
		return -ENOMEM;
	r = emit_node(em, root, 0);
	if (r < 0)
		return r;
	if (!yaml_document_end_event_initialize(&event, 1) ||
	    !yaml_emitter_emit(&em->emitter, &event))
		return -ENOMEM;
	if (!yaml_stream_end_event_initialize(&event) || !yaml_emitter_emit(&em->emitter, &event))
		return -ENOMEM;
	return yaml_emitter_flush(&em->emitter) ? 0 : -ENOMEM;
}

int
ksc_json_to_yaml(const char *json, size_t len, char **ret_text, size_t *ret_len,
                 struct ksc_error **reterr)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct emit em = { 0 };
	int r;

	r = ksc_doc_parse("output", json, len, KSC_DOC_JSON, &doc, reterr);
	if (r < 0)
		return r;
	if (!yaml_emitter_initialize(&em.emitter))
		return -ENOMEM;
	yaml_emitter_set_output(&em.emitter, write_handler, &em.out);
	yaml_emitter_set_unicode(&em.emitter, 1);
	yaml_emitter_set_width(&em.emitter, -1); /* no folding of long strings */
	yaml_emitter_set_indent(&em.emitter, 2);
	r = emit_document(&em, ksc_doc_root(doc, 0));
	yaml_emitter_delete(&em.emitter);
	if (r < 0 || em.out.oom) {
		strbuf_done(&em.out);
		return ksc_error_setf(reterr, r < 0 ? r : -ENOMEM,
		                      "cannot write the output as YAML");
	}
	return strbuf_finish(&em.out, ret_text, ret_len);
}
