#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp record --backend ebpf in a kernel that loads fentry programs, whatever kernel this
# machine runs: Debian bookworm-backports' 6.12 cloud kernel (scripts/vm-kernel.sh, checked
# against Debian's archive keyring) booted by qemu with an initramfs of a static busybox,
# kseccomp, the libraries it links and the probes (the cloud flavour has the serial console
# and all else the guest uses built in: no module is loaded). The guest's checks
# (tests/vm-record-guest.sh, its /init) run --attach fentry and --attach tracepoint and
# print TAP on the serial console; they are numbered on here. The guest is emulated (TCG),
# so it prints its rates and checks none of them.
# Usage: vm-record.sh KSECCOMP STORM TRY_SYSCALL TRY_SYSCALL_32 INT80 SOURCE_ROOT WORKDIR
# (TRY_SYSCALL_32 may be empty; WORKDIR keeps the kernel between runs). Prints TAP.
set -u
k=$1 storm=$2 try=$3 try32=$4 int80=$5 src=$6 work=$7
. "$(dirname "$0")/tap.sh"

qemu=$(command -v qemu-system-x86_64) || skip_all "no qemu-system-x86_64 (scripts/setup.sh installs it)"
# root, as the recorder's other live tests run (qemu itself would need none)
[ "$(id -u)" -eq 0 ] || skip_all "needs root"

mkdir -p "$work"
root=$work/root
rm -rf "$root" "$work/initramfs.cpio" "$work/console.log"
trap 'rm -rf "$root"' EXIT

"$src/scripts/vm-kernel.sh" "$work/kernel" >/dev/null 2>"$work/kernel.log"
status=$?
check "Debian's kernel fetched and verified ($(cat "$work/kernel/version" 2>/dev/null))" "0" "$status"
[ "$status" -eq 0 ] || { sed 's/^/# /' "$work/kernel.log"; tap_done; exit; }

# the guest's root: /init, busybox's applets, kseccomp and what ld.so loads for it
busybox=$(command -v busybox || echo /bin/busybox)
mkdir -p "$root/bin" "$root/probe" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp "$k" "$root/bin/kseccomp"
for lib in $(ldd "$k" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[ \t]*\(\/[^ ]*\) .*/\1/p'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cp "$storm" "$try" "$int80" "$root/probe/"
[ -n "$try32" ] && cp "$try32" "$root/probe/"
cp "$src/tests/tap.sh" "$root/tap.sh"
cp "$src/tests/vm-record-guest.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null) >"$work/initramfs.cpio"
status=$?
check "an initramfs of busybox, kseccomp and the probes ($(du -k "$work/initramfs.cpio" | cut -f 1) KiB)" \
	"0" "$status"

# TCG: software emulation, the same on every machine (a /dev/kvm that opens is no promise
# that KVM runs this guest: under some hypervisors it stops in the kernel's decompressor).
# A CPU without cmpxchg16b: qemu 7.2's TCG now and then leaves a CPU's flags corrupt after
# the one in SLUB's fast path (EFLAGS read as the low half of RAX, then a double fault or a
# general protection fault on iretq, a few boots in ten); the kernel does without it.
# panic=-1 and -no-reboot: an init that fails ends qemu too. The console is quiet but for
# errors.
start=$(date +%s)
timeout 210 "$qemu" -accel tcg -cpu qemu64,-cx16 -smp 2 -m 768 -nodefaults \
	-display none -no-reboot -serial "file:$work/console.log" \
	-kernel "$work/kernel/vmlinuz" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1" >"$work/qemu.log" 2>&1
status=$?
echo "# the guest ran $(($(date +%s) - start)) s"
check "qemu ran and the guest powered off" "0" "$status"

# the guest's TAP, numbered on; its plan must match what it printed
guest_plan="" guest_n=0
while IFS= read -r line; do
	case $line in
	"ok "*)
		guest_n=$((guest_n + 1)) n=$((n + 1))
		echo "ok $n - guest: ${line#ok * - }"
		;;
	"not ok "*)
		guest_n=$((guest_n + 1)) n=$((n + 1)) failed=$((failed + 1))
		echo "not ok $n - guest: ${line#not ok * - }"
		;;
	"#"*) echo "$line" ;;
	1..*) guest_plan=${line#1..} ;;
	esac
done <<EOF
$(tr -d '\r' <"$work/console.log")
EOF
check "the guest's plan matches its checks" "$guest_n" "${guest_plan:-none}"
if [ "$failed" -gt 0 ] || [ "${guest_plan:-none}" != "$guest_n" ]; then
	echo "# the console's last lines:"
	tail -n 30 "$work/console.log" | sed 's/^/#   /'
fi
tap_done
