#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# node sync and node load as root against a hostile source or target, each attack performed
# for real in a private directory:
# - ROOT/seccomp/SUBDIR (or ROOT/seccomp) a symlink to another directory: refused; nothing is
#   written there and --prune deletes none of its files;
# - a source entry that is a symlink to a 0600 secret, in a plain directory, inside the
#   ConfigMap's ..data generation, and beside it; ..data pointing out of the ConfigMap: not
#   installed, and neither the messages nor the status file quote the secret;
# - a file of the source that is not JSON (a copy of a shadow file): rejected without its bytes;
# - a FIFO in the source, in the target, as the status file: no hang (each run under timeout);
# - a 253-byte name (the longest ConfigMap key): installed, and the profiles after it too;
# - node load with one invalid profile among valid ones: installs none, old files untouched;
# - node load whose install fails half-way (a full tmpfs): the files it installed are put back;
# - modes: profiles and status 0644 whatever the source's mode, no temporary file left.
# Usage: node-attacks.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
. "$(dirname "$0")/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (the privileged path of node sync and node load)"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

profile() { # ERRNO
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": %s}]}\n' "$1"
}
secret="$work/shadow"
printf 'root:$6$SECRETSALT$SECRETHASHVALUE:19000:0:99999:7:::\n' >"$secret"
chmod 0600 "$secret"
leaks() { # FILE...: lines quoting the secret
	cat "$@" 2>/dev/null | grep -c 'SECRET\|root:\|'"'r'"
}
sync_once() { # ROOT FROM [ARGS]: node sync --once as profiles, under timeout (a hang is 124)
	r=$1 f=$2
	shift 2
	timeout 20 "$k" node sync --from "$f" --as profiles --root-dir "$r" --once "$@"
}

# --- the target subdirectory is a symlink --------------------------------------------------
root=$work/t1/root
mkdir -p "$root/seccomp" "$work/t1/victim" "$work/t1/src"
printf 'do not delete\n' >"$work/t1/victim/keep.json"
ln -s "$work/t1/victim" "$root/seccomp/profiles"
profile 1 >"$work/t1/src/a.json"
out=$(sync_once "$root" "$work/t1/src" --prune 2>&1)
check "sync into ROOT/seccomp/SUBDIR that is a symlink: refused" "1" "$?"
check "saying why" "1" "$(echo "$out" | grep -c "seccomp/profiles: a symbolic link: refused")"
check "nothing written into the link's target, and --prune deleted none of its files" \
	"keep.json" "$(ls "$work/t1/victim" | tr '\n' ' ' | sed 's/ $//')"
out=$(timeout 20 "$k" node load --as profiles --root-dir "$root" "$work/t1/src" 2>&1)
check "node load into it: refused" "1 keep.json" "$? $(ls "$work/t1/victim" | tr '\n' ' ' | sed 's/ $//')"
rm "$root/seccomp/profiles"
rm -rf "$root/seccomp"
ln -s "$work/t1/victim" "$root/seccomp"
sync_once "$root" "$work/t1/src" --prune >/dev/null 2>&1
check "ROOT/seccomp itself a symlink: refused, nothing written" "1 keep.json" \
	"$? $(ls "$work/t1/victim" | tr '\n' ' ' | sed 's/ $//')"
check "not even the status file" "no" "$([ -e "$work/t1/victim/.kseccomp-sync" ] && echo yes || echo no)"

# --- source entries that are symlinks to a secret --------------------------------------------
root=$work/t2/root src=$work/t2/plain
mkdir -p "$src"
profile 1 >"$src/good.json"
ln -s "$secret" "$src/evil.json"
out=$(sync_once "$root" "$src" 2>&1)
check "plain directory, evil.json -> a 0600 secret: the pass rejects it" "1" "$?"
check "it is not installed" "good.json" "$(ls "$root/seccomp/profiles" | tr '\n' ' ' | sed 's/ $//')"
check "the rejection says it is a link" "1" "$(echo "$out" | grep -c 'evil.json: rejected.*evil.json: a symbolic link: not followed')"
status=$root/seccomp/.kseccomp-sync/profiles.json
check "neither the messages nor the status file quote the secret" "0 0" "$(echo "$out" | leaks) $(leaks "$status")"
check "the installed profile is 0644, the status too" "644 644" \
	"$(stat -c %a "$root/seccomp/profiles/good.json") $(stat -c %a "$status")"

# a ConfigMap: ..data -> generation, NAME -> ..data/NAME
cm=$work/t2/cm
mkdir -p "$cm/..2026_01_01_00_00_00.1"
profile 2 >"$cm/..2026_01_01_00_00_00.1/good.json"
ln -s "$secret" "$cm/..2026_01_01_00_00_00.1/inside.json"
ln -s ..2026_01_01_00_00_00.1 "$cm/..data"
ln -s ..data/good.json "$cm/good.json"
ln -s ..data/inside.json "$cm/inside.json"
ln -s "$secret" "$cm/beside.json"
root=$work/t2/root-cm
out=$(sync_once "$root" "$cm" 2>&1)
check "ConfigMap: a link inside the generation to a secret is rejected" "1 1" \
	"$? $(echo "$out" | grep -c 'inside.json: a symbolic link: not followed')"
check "only the generation's regular files are installed (not inside.json, not beside.json)" \
	"good.json" "$(ls "$root/seccomp/profiles" | tr '\n' ' ' | sed 's/ $//')"
check "the ConfigMap's own links are followed into ..data" "same" \
	"$(cmp -s "$root/seccomp/profiles/good.json" "$cm/..2026_01_01_00_00_00.1/good.json" && echo same)"
check "nothing quotes the secret" "0 0" \
	"$(echo "$out" | leaks) $(leaks "$root/seccomp/.kseccomp-sync/profiles.json")"
mkdir -p "$work/t2/outside"
cp "$secret" "$work/t2/outside/stolen.json"
rm "$cm/..data"
ln -s "$work/t2/outside" "$cm/..data"
out=$(sync_once "$root" "$cm" 2>&1)
check "..data pointing out of the ConfigMap: the pass fails" "1" "$?"
check "saying so, and stolen.json is not installed" "1 no" \
	"$(echo "$out" | grep -c '\.\.data: points to a path, not to a generation directory') $([ -e "$root/seccomp/profiles/stolen.json" ] && echo yes || echo no)"

# a regular file that is not JSON at all (a copy of a shadow file put among the profiles)
src=$work/t2/notjson root=$work/t2/root-notjson
mkdir -p "$src"
cp "$secret" "$src/shadow.json"
profile 3 >"$src/ok.json"
out=$(sync_once "$root" "$src" 2>&1)
check "a file that is not JSON is rejected" "1" "$?"
check "by its position alone" "1" "$(echo "$out" | grep -c 'shadow.json: rejected, the installed profile stays: shadow.json:1:1: invalid JSON$')"
check "its bytes are in no message and not in the status file" "0 0" \
	"$(echo "$out" | leaks) $(leaks "$root/seccomp/.kseccomp-sync/profiles.json")"
out=$(timeout 20 "$k" node load --root-dir "$root" "$src" 2>&1)
check "node load: the same, nothing quoted" "1 0" "$? $(echo "$out" | leaks)"

# --- FIFOs: no hang ---------------------------------------------------------------------------
src=$work/t3/src root=$work/t3/root
mkdir -p "$src"
profile 1 >"$src/a.json"
mkfifo "$src/fifo.json"
out=$(sync_once "$root" "$src" 2>&1)
code=$?
check "a FIFO in the source: the pass ends (not 124: timeout)" "1" "$code"
check "rejecting it as a FIFO" "1" "$(echo "$out" | grep -c 'fifo.json: a FIFO, not a regular file: refused')"
check "and installing the rest" "a.json" "$(ls "$root/seccomp/profiles" | tr '\n' ' ' | sed 's/ $//')"
rm "$src/fifo.json"
rm "$root/seccomp/profiles/a.json"
mkfifo "$root/seccomp/profiles/a.json" "$root/seccomp/profiles/stale.json"
sync_once "$root" "$src" --prune >/dev/null 2>&1
check "FIFOs in the target: the pass ends and succeeds" "0" "$?"
check "the FIFO named like a profile is replaced by it, the other pruned" "regular file a.json" \
	"$(stat -c %F "$root/seccomp/profiles/a.json") $(ls "$root/seccomp/profiles" | tr '\n' ' ' | sed 's/ $//')"
mkfifo "$root/seccomp/profiles/b.json"
out=$(timeout 20 "$k" node ls --root-dir "$root" 2>&1)
check "node ls with a FIFO in the root: ends, listing it as refused" "0 1" \
	"$? $(echo "$out" | grep -c 'b.json.*invalid: .*a FIFO, not a regular file')"
profile 5 >"$src/b.json"
out=$(timeout 20 "$k" node load --as profiles --root-dir "$root" "$src" 2>&1)
check "node load over a FIFO in the target: ends, refused, nothing installed" "1 1 fifo" \
	"$? $(echo "$out" | grep -c 'b.json: a FIFO, not a regular file: refused') $(stat -c %F "$root/seccomp/profiles/b.json")"
rm "$root/seccomp/profiles/b.json" "$src/b.json"
rm -f "$root/seccomp/.kseccomp-sync/profiles.json"
mkfifo "$root/seccomp/.kseccomp-sync/profiles.json"
timeout 20 "$k" node status --as profiles --root-dir "$root" >/dev/null 2>&1
check "node status with a FIFO as the status file: ends, not ready" "1" "$?"

# --- a 253-byte name ------------------------------------------------------------------------
src=$work/t4/src root=$work/t4/root
mkdir -p "$src"
long=$(printf '%0248d' 0 | tr 0 k).json
profile 1 >"$src/$long"
profile 2 >"$src/z.json"
out=$(sync_once "$root" "$src" 2>&1)
check "a 253-byte name installs, and the profile after it too" "0 2" \
	"$? $(ls "$root/seccomp/profiles" | grep -c 'json$')"
check "with the source's bytes" "same" "$(cmp -s "$src/$long" "$root/seccomp/profiles/$long" && echo same)"
out=$(timeout 20 "$k" node load --as long --root-dir "$root" "$src" 2>&1)
check "node load: the same" "0 2" "$? $(ls "$root/seccomp/long" | grep -c 'json$')"

# --- node load: all or nothing -----------------------------------------------------------------
src=$work/t5/src root=$work/t5/root
mkdir -p "$src"
profile 1 >"$src/a.json"
profile 1 >"$src/c.json"
timeout 20 "$k" node load --as p --root-dir "$root" "$src" >/dev/null 2>&1
cp "$root/seccomp/p/a.json" "$work/t5/a.before"
profile 2 >"$src/a.json"
printf '{"defaultAction": "SCMP_ACT_NOPE"}\n' >"$src/b.json"
profile 2 >"$src/c.json"
out=$(timeout 20 "$k" node load --as p --root-dir "$root" "$src" 2>&1)
check "one invalid profile among valid ones: node load fails" "1" "$?"
check "and installs none: a.json and c.json unchanged, b.json absent" "same same no" \
	"$(cmp -s "$root/seccomp/p/a.json" "$work/t5/a.before" && echo same) $(cmp -s "$root/seccomp/p/c.json" "$work/t5/a.before" && echo same) $([ -e "$root/seccomp/p/b.json" ] && echo yes || echo no)"

# an install that fails half-way (ENOSPC on a small tmpfs): what it installed is put back
if unshare -m true 2>/dev/null; then
	mkdir -p "$work/t6/src" "$work/t6/mnt"
	profile 1 >"$work/t6/a.old"
	profile 2 >"$work/t6/src/a.json"
	python3 -c 'import json
names = ["name_%d" % i for i in range(12000)]
print(json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": names, "action": "SCMP_ACT_LOG"}]}))' >"$work/t6/src/b.json"
	# shellcheck disable=SC2016
	out=$(unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null
		mount -t tmpfs -o size=96k tmpfs "$2" || exit 99
		mkdir -p "$2/seccomp/p"
		cp "$3" "$2/seccomp/p/a.json"
		timeout 20 "$1" node load --as p --root-dir "$2" "$4" 2>&1
		echo "status=$?"
		cmp -s "$2/seccomp/p/a.json" "$3" && echo "a=old"
		[ -e "$2/seccomp/p/b.json" ] && echo "b=present"
		echo "hidden=$(ls -A "$2/seccomp/p" | grep -c "^\.")"
	' sh "$k" "$work/t6/mnt" "$work/t6/a.old" "$work/t6/src")
	if echo "$out" | grep -q 'status=99'; then
		skip "an install that fails half-way is rolled back" "cannot mount a tmpfs here"
	else
		check "an install that fails half-way (ENOSPC): node load fails" "1" \
			"$(echo "$out" | grep -c 'status=1$')"
		check "saying the file it installed was put back" "1" \
			"$(echo "$out" | grep -c 'nothing installed (the 1 installed before were put back)')"
		check "a.json holds the old profile again, b.json absent, no temporary file" \
			"a=old hidden=0" "$(echo "$out" | grep '^a=\|^b=\|^hidden=' | tr '\n' ' ' | sed 's/ $//')"
	fi
else
	skip "an install that fails half-way is rolled back" "no mount namespace (unshare -m)"
fi

# --- modes ------------------------------------------------------------------------------------
src=$work/t7/src root=$work/t7/root
mkdir -p "$src"
profile 1 >"$src/private.json"
chmod 0600 "$src/private.json"
(umask 022 && sync_once "$root" "$src" >/dev/null 2>&1)
check "a 0600 source profile is installed 0644 (the runtime reads it), directories 0755" \
	"644 755 755" \
	"$(stat -c %a "$root/seccomp/profiles/private.json") $(stat -c %a "$root/seccomp/profiles") $(stat -c %a "$root/seccomp/.kseccomp-sync")"
profile 2 >"$src/private.json"
(umask 077 && sync_once "$root" "$src" >/dev/null 2>&1)
check "and 0644 again under umask 077" "644" "$(stat -c %a "$root/seccomp/profiles/private.json")"
check "no temporary file is left anywhere" "0" "$(find "$work" -name '.kseccomp.*' | wc -l)"

tap_done
