#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deploy/Containerfile built for real, by Debian's podman, from debian:12 and debian:12-slim
# made here from Debian's archive (scripts/base-image.sh; no image is pulled), in a private
# podman storage. The image then runs as the DaemonSet runs it: `kseccomp version`, and
# `node sync --once` with the DaemonSet's own arguments and security context on a
# ConfigMap-shaped directory, then its readiness probe. Prints the image's size.
# Usage: image.sh SOURCE_ROOT WORKDIR (WORKDIR keeps the base root filesystem between runs).
# Prints TAP.
set -u
src=$1 work=$2
. "$(dirname "$0")/tap.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (podman's storage, debootstrap)"
for p in podman debootstrap runc python3; do
	command -v "$p" >/dev/null 2>&1 || skip_all "no $p (scripts/setup.sh installs it)"
done

mkdir -p "$work"
store=$work/storage
# podman refuses a runroot longer than 50 characters, which a build directory in a deep
# checkout gives: its run state goes to a short directory of its own
runroot=$(mktemp -d /tmp/ksc-podman.XXXXXX) || { echo "Bail out! mktemp failed"; exit 1; }
# podman as root with a storage of its own: the machine's images are neither read nor
# touched. runc, since crun refuses these hybrid cgroup hosts; no image is ever pulled.
podman="podman --root $store/root --runroot $runroot --storage-driver overlay
	--cgroup-manager cgroupfs --runtime $(command -v runc)"
# podman's own limits (1048576 open files, 4194304 processes) are more than a root without
# CAP_SYS_RESOURCE, as a test may be, can set: this shell's open files, and enough processes
limits="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
cleanup() {
	# shellcheck disable=SC2086
	$podman rm --all --force >/dev/null 2>&1
	# shellcheck disable=SC2086
	$podman system reset --force >/dev/null 2>&1
	rm -rf "$store" "$work/kubelet" "$work/profiles"
}
cleanup_all() {
	cleanup
	rm -rf "$runroot"
}
trap cleanup_all EXIT
cleanup

"$src/scripts/base-image.sh" --podman "$podman" "$work/base" >"$work/base.log" 2>&1
status=$?
check "debian:12 and debian:12-slim made from Debian's archive and imported" "0" "$status"
[ "$status" -eq 0 ] || { sed 's/^/# /' "$work/base.log"; tap_done; exit; }

# the image name the DaemonSets run, and the version it must hold
read_images() {
	python3 - "$src/deploy/kubernetes" <<'EOF'
import sys, yaml
for f in ("daemonset.yaml", "scan.yaml"):
    for doc in yaml.safe_load_all(open(f"{sys.argv[1]}/{f}")):
        if doc and doc.get("kind") == "DaemonSet":
            for c in doc["spec"]["template"]["spec"]["containers"]:
                print(c["image"])
EOF
}
images=$(read_images | sort -u)
check "both DaemonSets run one image" "1" "$(echo "$images" | wc -l)"
image=$(echo "$images" | head -n 1)

# shellcheck disable=SC2086
$podman build --pull=never --network host -f "$src/deploy/Containerfile" -t "$image" "$src" \
	>"$work/build.log" 2>&1
status=$?
check "podman build -f deploy/Containerfile -t $image" "0" "$status"
if [ "$status" -ne 0 ]; then
	tail -n 40 "$work/build.log" | sed 's/^/# /'
	tap_done
	exit
fi
check "nothing was pulled" "no" "$(grep -qi 'trying to pull\|pulling' "$work/build.log" && echo yes || echo no)"

# the build context as the Containerfile's COPY sees it: .containerignore leaves out the
# build directories (gigabytes once the tests have run) and git
printf 'FROM localhost/debian:12-slim\nCOPY . /context\n' >"$work/context.Containerfile"
# shellcheck disable=SC2086
$podman build --pull=never -q -f "$work/context.Containerfile" -t localhost/context "$src" \
	>/dev/null 2>&1
# shellcheck disable=SC2086
context=$($podman run --rm --network none $limits localhost/context ls -a /context 2>&1)
check "the context holds the sources (meson.build, src)" "meson.build src" \
	"$(echo "$context" | grep -x 'meson.build\|src' | tr '\n' ' ' | sed 's/ $//')"
check "and leaves out build directories and .git" "" \
	"$(echo "$context" | grep -x 'build.*\|\.git\|fuzz-out' | tr '\n' ' ' | sed 's/ $//')"

# shellcheck disable=SC2086
size=$($podman image inspect --format '{{.Size}}' "$image")
# shellcheck disable=SC2086
base=$($podman image inspect --format '{{.Size}}' localhost/debian:12-slim)
echo "# image $image: $size bytes ($((size / 1000000)) MB); debian:12-slim made here: $base bytes;" \
	"kseccomp and its libraries add $(((size - base) / 1000)) kB"
check "the image is debian:12-slim and little more (under 30 MB added)" "yes" \
	"$([ $((size - base)) -lt 30000000 ] && echo yes || echo no)"

# as the DaemonSet runs it: root without capabilities, no privilege escalation, a read-only
# root filesystem, the runtime's default seccomp profile, no network
run() {
	# shellcheck disable=SC2086
	$podman run --rm --network none --read-only --cap-drop ALL $limits \
		--security-opt no-new-privileges --user 0:0 "$@"
}
version=$(run "$image" version 2>&1)
check "kseccomp version runs in the image" "kseccomp" "$(echo "$version" | awk 'NR == 1 { print $1 }')"
check "the image is of this version ($image)" "${image##*:}" \
	"$(echo "$version" | awk 'NR == 1 { print $2 }')"
check "the entrypoint with no arguments prints the help" "0" \
	"$(run "$image" >/dev/null 2>&1; echo $?)"

# a ConfigMap as the kubelet mounts it: files in a timestamped directory, ..data a link to
# it, and a link per key through ..data
profiles=$work/profiles
kubelet=$work/kubelet
mkdir -p "$profiles/..2026_12_07_10_00_00.000000001" "$kubelet/seccomp"
gen=$profiles/..2026_12_07_10_00_00.000000001
cat >"$gen/audit.json" <<'EOF'
{"defaultAction": "SCMP_ACT_LOG"}
EOF
cat >"$gen/deny-mkdir.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
EOF
ln -s ..2026_12_07_10_00_00.000000001 "$profiles/..data"
ln -s ..data/audit.json "$profiles/audit.json"
ln -s ..data/deny-mkdir.json "$profiles/deny-mkdir.json"

# the sync container's arguments from daemonset.yaml, one pass instead of a loop
sync_args() {
	python3 - "$src/deploy/kubernetes/daemonset.yaml" "$1" <<'EOF'
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc.get("kind") == "DaemonSet":
        c = doc["spec"]["template"]["spec"]["containers"][0]
        if sys.argv[2] == "probe":
            print("\n".join(c["readinessProbe"]["exec"]["command"][1:]))
        else:
            args = [a for a in c["args"]
                    if not a.startswith(("--interval", "--metrics"))]
            print("\n".join(args + ["--once"]))
EOF
}
mounts="-v $profiles:/etc/kseccomp/profiles:ro -v $kubelet/seccomp:/var/lib/kubelet/seccomp"
# shellcheck disable=SC2086,SC2046
run $mounts "$image" $(sync_args sync) >"$work/sync.log" 2>&1
check "node sync --once in the image, with the DaemonSet's arguments" "0" "$?"
sed 's/^/#   /' "$work/sync.log"
for f in audit.json deny-mkdir.json; do
	check "installed, byte for byte: seccomp/kseccomp/$f" "same" \
		"$(cmp -s "$gen/$f" "$kubelet/seccomp/kseccomp/$f" && echo same || echo differs)"
done
# shellcheck disable=SC2086,SC2046
run $mounts "$image" $(sync_args probe) >"$work/probe.log" 2>&1
check "the readiness probe passes after the pass" "0" "$?"
check "node status reports both profiles installed" "yes" \
	"$(grep -q 'audit.json' "$work/probe.log" && grep -q 'deny-mkdir.json' "$work/probe.log" &&
		echo yes || echo no)"

# an invalid profile in the next generation: rejected, the installed one stays, exit 1
gen2=$profiles/..2026_12_07_10_01_00.000000002
mkdir "$gen2"
cp "$gen/audit.json" "$gen2/audit.json"
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_EXPLODE"}]}' \
	>"$gen2/deny-mkdir.json"
ln -s ..2026_12_07_10_01_00.000000002 "$profiles/..data.tmp"
mv -T "$profiles/..data.tmp" "$profiles/..data"
# shellcheck disable=SC2086,SC2046
run $mounts "$image" $(sync_args sync) >"$work/sync2.log" 2>&1
check "a pass with an invalid profile exits 1" "1" "$?"
check "and says which and why" "yes" \
	"$(grep -q 'deny-mkdir.json.*SCMP_ACT_EXPLODE\|SCMP_ACT_EXPLODE.*deny-mkdir' "$work/sync2.log" &&
		echo yes || echo no)"
check "the installed profile stays" "same" \
	"$(cmp -s "$gen/deny-mkdir.json" "$kubelet/seccomp/kseccomp/deny-mkdir.json" && echo same || echo differs)"
tap_done
