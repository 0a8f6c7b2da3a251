/* SPDX-License-Identifier: Apache-2.0 */
/*
 * godecode: a seccomp profile as containerd and runc read it, with Go's encoding/json: what
 * the decoder refuses and its exact message, what it keeps (the last of repeated keys, keys
 * matched without regard to case, unknown keys and actions kept as they are, a rule without
 * names as "names": null), that struct written back as Go writes it (the linux.seccomp
 * containerd hands to runc).
 */
#pragma once

#include <stddef.h>

/*
 * Decode buf as Go decodes it into specs.LinuxSeccomp. Returns 0 with *ret_json the struct
 * as Go marshals it (malloc'd), or -EINVAL with *ret_message Go's error ("unexpected end of
 * JSON input", "invalid character 'x' looking for beginning of value", "json: cannot
 * unmarshal number -1 into Go struct field LinuxSeccompArg.syscalls.args.value of type
 * uint64"), or -ENOMEM. What the OCI runtime then makes of it: ocirt.h.
 */
int go_seccomp_decode(const char *buf, size_t len, char **ret_json, char **ret_message);
