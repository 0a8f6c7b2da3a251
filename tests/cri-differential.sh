#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp's predictions against a private containerd, case by case (cri-differential.py),
# with the differences known today listed in cri-differential-known[-OCI].txt.
# Usage: cri-differential.sh KSECCOMP WORKDIR [runc|crun]: the containerd's default runtime
# handler runs that OCI runtime (runc by default). Prints TAP.
set -u
k=$1 work=$2 oci=${3:-runc}
top=$(cd "$(dirname "$0")/.." && pwd)

. "$top/tests/tap.sh"
. "$top/tests/cri-containerd.sh"
known=$top/tests/cri-differential-known.txt
if [ "$oci" != runc ]; then
	command -v "$oci" >/dev/null || skip_all "no $oci"
	known=$top/tests/cri-differential-known-$oci.txt
fi
KSC_CONTAINERD_OCI_RUNTIME=$oci
export KSC_CONTAINERD_OCI_RUNTIME
cri_containerd_start
mkdir -p "$work/cases"
python3 "$top/tests/cri-differential.py" "$k" "$endpoint" "$work/cases" "$known" \
	--oci-runtime "$oci"
