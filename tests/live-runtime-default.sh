#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# RuntimeDefault enforced on real processes: `kseccomp run --type RuntimeDefault` with
# Kubernetes' default capabilities denies unshare(CLONE_NEWUSER) with EPERM and answers
# clone3 with ENOSYS, so that glibc's pthread_create falls back to clone and still works;
# with all capabilities unshare is allowed. sim says the same of the printed profile.
# Usage: live-runtime-default.sh KSECCOMP TRY_SYSCALL THREADS WORKDIR. Prints TAP.
set -u
k=$1 probe=$2 threads=$3 work=$4
. "$(dirname "$0")/tap.sh"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP dropping capabilities as a runtime does needs root"
	exit 0
fi
if [ ! -r /proc/sys/kernel/seccomp/actions_avail ]; then
	echo "1..0 # SKIP the kernel has no seccomp"
	exit 0
fi
arch=$(uname -m)
if [ "$arch" != x86_64 ]; then
	echo "1..0 # SKIP the syscall numbers below are x86_64's"
	exit 0
fi
mkdir -p "$work"
CLONE_NEWUSER=0x10000000
check "unshare(CLONE_NEWUSER) with the default capabilities: EPERM" "errno 1" \
	"$("$k" run --type RuntimeDefault --caps default -- "$probe" 272 $CLONE_NEWUSER 2>&1)"
check "the same with no_new_privs (allowPrivilegeEscalation: false)" "errno 1" \
	"$("$k" run --type RuntimeDefault --caps default --no-new-privs -- "$probe" 272 $CLONE_NEWUSER 2>&1)"
check "clone3 with the default capabilities: ENOSYS" "errno 38" \
	"$("$k" run --type RuntimeDefault --caps default -- "$probe" 435 0 0 2>&1)"
check "pthread_create still works (glibc falls back to clone)" "threads ok" \
	"$("$k" run --type RuntimeDefault --caps default -- "$threads" 2>&1)"
check "with every capability unshare(CLONE_NEWUSER) is allowed" "ret 0" \
	"$("$k" run --type RuntimeDefault --caps all -- "$probe" 272 $CLONE_NEWUSER 2>&1)"
"$k" profile default --caps default --output-file "$work/runtime-default.json"
check "sim agrees: unshare" "ERRNO(1)" \
	"$("$k" sim "$work/runtime-default.json" unshare $CLONE_NEWUSER | head -1)"
check "sim agrees: clone3" "ERRNO(38)" "$("$k" sim "$work/runtime-default.json" clone3 | head -1)"
# The contrast: a profile that answers clone3 with EPERM breaks threads.
sed 's/"errnoRet": 38/"errnoRet": 1/' "$work/runtime-default.json" >"$work/clone3-eperm.json"
check "clone3 denied with EPERM instead: pthread_create fails" \
	"pthread_create: Operation not permitted" \
	"$("$k" run --profile "$work/clone3-eperm.json" --caps default -- "$threads" 2>&1)"
tap_done
