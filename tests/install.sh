#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `meson install` into a staging directory: every file a user gets (the program, the library,
# its header and pkg-config file, the man page, the bash and zsh completions, the kubectl
# plugin), a program built against the installed library, the completions asked as bash and
# zsh ask them, and the plugin run by the real kubectl.
# Usage: install.sh BUILD_DIR SOURCE_ROOT WORKDIR CC SANITIZE (the build's compiler and its
# b_sanitize: a program linked with a sanitized library is built as the library was). Prints
# TAP.
set -u
build=$1 src=$2 work=$3 cc=$4 sanitize=$5
. "$(dirname "$0")/tap.sh"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

DESTDIR="$work/dest" meson install -C "$build" --no-rebuild --quiet >"$work/install.log" 2>&1
check "meson install succeeds" "0" "$?"
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$work/dest$prefix
k=$root/bin/kseccomp
for f in bin/kseccomp bin/kubectl-seccomp include/kseccomp.h share/man/man1/kseccomp.1 \
	share/bash-completion/completions/kseccomp share/zsh/vendor-completions/_kseccomp; do
	check "installed: $f" "yes" "$([ -f "$root/$f" ] && echo yes || echo no)"
done
lib=$(find "$root" -name 'libkseccomp.so.*' | head -n 1)
pc=$(find "$root" -name kseccomp.pc | head -n 1)
check "installed: the shared library" "yes" "$([ -n "$lib" ] && echo yes || echo no)"
check "installed: the pkg-config file" "yes" "$([ -n "$pc" ] && echo yes || echo no)"
check "the installed program runs" "0" "$("$k" version >/dev/null 2>&1; echo $?)"

# a program of a user's, built with pkg-config's flags against the installed files
cat >"$work/user.c" <<'EOF'
#include <kseccomp.h>
#include <stdio.h>
int main(void) { printf("%s\n", ksc_arch_name(KSC_ARCH_X86_64)); return 0; }
EOF
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-variable=prefix="$root" --cflags --libs kseccomp 2>&1)
[ "$sanitize" = none ] && sanitize_flag="" || sanitize_flag="-fsanitize=$sanitize"
# shellcheck disable=SC2086
$cc $sanitize_flag -o "$work/user" "$work/user.c" $flags >"$work/cc.log" 2>&1
check "a program builds against the installed header and library (pkg-config)" "0" "$?"
check "and runs with it" "x86_64" \
	"$(LD_LIBRARY_PATH=$(dirname "$lib") "$work/user" 2>&1)"

# bash: the completion function asked as bash asks it
state=$work/state
mkdir -p "$state/pods/web-1" "$state/pods/frontend"
ask_bash() { # WORD... (the last one is at the cursor)
	KSECCOMP_STATE_DIR=$state PATH=$root/bin:$PATH bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_kseccomp
		echo "${COMPREPLY[*]}"' sh "$root/share/bash-completion/completions/kseccomp" "$@"
}
verbs=$("$k" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' |
	tr '\n' ' ' | sed 's/ $//')
check "bash: the commands, as --help lists them" "$verbs" "$(ask_bash kseccomp '')"
check "bash: profile's commands" "$("$k" profile --help | awk '/^Commands:/ { on = 1; next }
	on && NF == 0 { exit } on { print $1 }' | tr '\n' ' ' | sed 's/ $//')" \
	"$(ask_bash kseccomp profile '')"
opts=$("$k" compile --help | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ')
check "bash: compile's options are every one --help lists" "$opts" \
	"$(ask_bash kseccomp compile -- | tr ' ' '\n' | grep -- '^--' | sort -u | tr '\n' ' ')"
check "bash: -o offers compile's formats" "bpf asm dot" "$(ask_bash kseccomp compile -o '')"
check "bash: --arch offers the architectures" "x86_64 x86 x32" \
	"$(ask_bash kseccomp compile --arch x)"
check "bash: kube check --level" "baseline restricted" \
	"$(ask_bash kseccomp kube check --level '')"
check "bash: audit --pod offers the local node's pods" "frontend web-1" \
	"$(ask_bash kseccomp audit --pod '')"
check "bash: get offers pods, then their names" "pods|frontend web-1" \
	"$(ask_bash kseccomp get '')|$(ask_bash kseccomp get pods '')"

# zsh: the same logic, as zsh runs it
if command -v zsh >/dev/null 2>&1; then
	ask_zsh() {
		KSECCOMP_STATE_DIR=$state PATH=$root/bin:$PATH zsh -f -c '
			autoload -U compinit && compinit -u -D
			. "$1"; shift
			local _ks_words _ks_opts _ks_args _ks_base=1
			_kseccomp_candidates $(($# - 1)) "$@"
			case $_ks_words in
			@pods) _kseccomp_pods kseccomp | tr "\n" " " | sed "s/ $//" ;;
			*) print -r -- $_ks_words ;;
			esac' zsh "$root/share/zsh/vendor-completions/_kseccomp" "$@" 2>&1
	}
	check "zsh: the commands" "$verbs" "$(ask_zsh kseccomp '')"
	check "zsh: -o offers compile's formats" "bpf asm dot" "$(ask_zsh kseccomp compile -o '')"
	check "zsh: audit --pod offers the local node's pods" "frontend web-1" \
		"$(ask_zsh kseccomp audit --pod '')"
else
	skip "zsh completion" "no zsh (Debian's zsh package)"
fi

# kubectl's plugin, found on PATH by the real kubectl
if command -v kubectl >/dev/null 2>&1; then
	check "kubectl plugin list names kubectl-seccomp" "yes" \
		"$(PATH=$root/bin:$PATH kubectl plugin list 2>/dev/null | grep -q 'kubectl-seccomp$' &&
			echo yes || echo no)"
	out=$(PATH=$root/bin:$PATH kubectl seccomp check --level baseline \
		-f "$src/tests/cli/fixtures/pods/privileged-host.yaml" 2>&1)
	check "kubectl seccomp check runs kube check (exit 1, the violations)" "1 yes" \
		"$? $(echo "$out" | grep -q 'violates PodSecurity "baseline:latest": host namespaces' &&
			echo yes || echo no)"
	check "kubectl seccomp profile validate runs any other command" "0" \
		"$(PATH=$root/bin:$PATH kubectl seccomp profile validate -q \
			"$src/examples/profiles/audit.json" >/dev/null 2>&1; echo $?)"
else
	skip "kubectl plugin" "no kubectl (Debian's kubernetes-client package)"
fi
tap_done
