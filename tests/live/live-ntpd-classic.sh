#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The live matrix cell 'ntpd' of tests/live/live-systemd.sh (see there), a test of its own so
# that make -j runs it beside the others.
LIVE_DEFAULT_CELLS=ntpd
. "$(dirname "$0")/live-systemd.sh"
