#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the te-ntp-setup program as the Ansible module te_ntp_setup of the role next to
# this script (roles/te_ntp_setup/library/te_ntp_setup): Ansible copies that file to each
# host and runs it there (the binary-module protocol), so it must be built for the hosts'
# architecture and C library.
#
#   install-module.sh [PROGRAM]     PROGRAM: default /usr/sbin/te-ntp-setup
set -eu

src=${1:-/usr/sbin/te-ntp-setup}
dir=$(cd "$(dirname "$0")" && pwd)/roles/te_ntp_setup/library
if [ ! -f "$src" ] || [ ! -x "$src" ]; then
    echo "install-module.sh: $src is not an executable file (build or install te-ntp-setup first)" >&2
    exit 1
fi
mkdir -p "$dir"
cp "$src" "$dir/te_ntp_setup.tmp"
chmod 0755 "$dir/te_ntp_setup.tmp"
mv -f "$dir/te_ntp_setup.tmp" "$dir/te_ntp_setup"
echo "install-module.sh: $dir/te_ntp_setup"
