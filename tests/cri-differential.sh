#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp's predictions against a private containerd, case by case (cri-differential.py),
# with the differences known today listed in cri-differential-known.txt.
# Usage: cri-differential.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
top=$(cd "$(dirname "$0")/.." && pwd)

. "$top/tests/tap.sh"
. "$top/tests/cri-containerd.sh"
cri_containerd_start
mkdir -p "$work/cases"
python3 "$top/tests/cri-differential.py" "$k" "$endpoint" "$work/cases" \
	"$top/tests/cri-differential-known.txt"
