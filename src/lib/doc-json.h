/* SPDX-License-Identifier: Apache-2.0 */
/* doc-json: the JSON reader behind ksc_doc_parse(..., KSC_DOC_JSON, ...). */
#pragma once

#include <stdbool.h>

#include "doc-tree.h"

/*
 * Read buf as exactly one RFC 8259 JSON value into doc's arena: every node with its line and
 * column (columns count characters, tabs as one), strings decoded as Go's encoding/json
 * decodes them. Returns 0 and the root, -EINVAL with *failure, or -ENOMEM.
 */
int doc_json_read(struct ksc_doc *doc, const char *buf, size_t len, bool keep_repeated_keys,
                  struct ksc_node **ret_root, struct ksc_doc_failure *failure);
