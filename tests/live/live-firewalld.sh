#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The live matrix cell 'firewalld' of tests/live/live-systemd.sh (see there), a test of its own so
# that make -j runs it beside the others.
LIVE_DEFAULT_CELLS=firewalld
. "$(dirname "$0")/live-systemd.sh"
