# SPDX-License-Identifier: Apache-2.0
# Sourced by the scripts that fetch from Debian's archive (base-image.sh, vm-kernel.sh):
#   apt_mirror SUITE   the mirror apt uses on this machine for SUITE, from its deb822 sources
#                      first, then the one-line format; nothing when it has none
apt_mirror() {
	for _f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$_f" ] || continue
		awk -v s="$1" '
			/^[ \t]*$/ { uris = ""; suites = ""; next }
			/^URIs:/ { uris = $2 }
			/^Suites:/ { suites = $0 }
			uris != "" && suites != "" {
				n = split(suites, w, /[ \t]+/)
				for (i = 2; i <= n; i++) if (w[i] == s) { print uris; exit }
			}' "$_f"
	done | head -n 1
	for _f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$_f" ] || continue
		awk -v s="$1" '$1 == "deb" && $0 !~ /\[/ && $3 == s { print $2; exit }' "$_f"
	done | head -n 1
}
#   need_mirror SUITE  $mirror, unless already set (--mirror), from apt_mirror; the script
#                      exits 1 saying why when apt has none
need_mirror() {
	[ -n "$mirror" ] || mirror=$(apt_mirror "$1" | head -n 1)
	if [ -z "$mirror" ]; then
		echo "$0: no Debian mirror for $1 in apt's sources; pass --mirror URL" >&2
		exit 1
	fi
}
