#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The pictures: `compile -o dot` and `disasm -o dot` rendered by Graphviz's dot into SVG,
# one node per instruction, the syscalls named, for the native program of containerd's
# RuntimeDefault and for libseccomp's.
# Usage: graph.sh KSECCOMP FIXTURES WORKDIR. Prints TAP.
set -u
k=$1 fixtures=$2 work=$3
. "$(dirname "$0")/tap.sh"
command -v dot >/dev/null 2>&1 || skip_all "no Graphviz (Debian's graphviz package)"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
p=$fixtures/profiles/default/containerd-default-rendered-amd64-default-caps.json

for backend in native libseccomp; do
	"$k" compile --native x86_64 --backend "$backend" --output-file "$work/$backend.bpf" \
		"$p" 2>/dev/null
	"$k" compile --native x86_64 --backend "$backend" -o dot "$p" >"$work/$backend.dot" \
		2>/dev/null
	check "$backend: compile -o dot is what disasm -o dot makes of the program" "same" \
		"$("$k" disasm -o dot "$work/$backend.bpf" 2>/dev/null |
			cmp -s - "$work/$backend.dot" && echo same || echo differs)"
	dot -Tsvg "$work/$backend.dot" >"$work/$backend.svg" 2>"$work/$backend.err"
	check "$backend: Graphviz renders it" "0 0" "$? $(wc -c <"$work/$backend.err")"
	insns=$("$k" disasm "$work/$backend.bpf" 2>/dev/null | wc -l)
	nodes=$(grep -c 'class="node"' "$work/$backend.svg")
	check "$backend: one node per instruction ($insns)" "$insns" "$nodes"
	# the syscalls the listing names at its jeq, the picture names too (personality is one
	# in both programs: its argument is checked)
	named=$("$k" disasm "$work/$backend.bpf" 2>/dev/null | grep -o 'jeq .*; [a-z_0-9]*$' |
		sed 's/.*; //' | sort -u)
	missing=$(for s in $named; do grep -q "; $s<" "$work/$backend.svg" || echo "$s"; done)
	check "$backend: the picture names each syscall the listing names ($(echo $named | wc -w))" \
		"" "$missing"
	check "$backend: personality among them" "yes" \
		"$(echo "$named" | grep -qx personality && echo yes || echo no)"
done
tap_done
