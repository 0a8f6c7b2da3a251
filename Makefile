# SPDX-License-Identifier: Apache-2.0
# Shortcuts for scripts/setup.sh, which installs what is missing and builds first.
.PHONY: demo test
demo:
	scripts/setup.sh demo
test:
	scripts/setup.sh test
