#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: 2026 Seed 14be3de7 maintainers
# SPDX-License-Identifier: Apache-2.0
"""Ansible module te_ntp_setup: run the host's installed te-ntp-setup with --json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: te_ntp_setup
short_description: Configure the host's NTP client with te-ntp-setup
version_added: "0.1.0"
description:
  - Runs the te-ntp-setup program installed on the host (C(te-ntp-setup --json)), which
    finds the NTP client the host uses (chrony, ntpd, ntpsec, systemd-timesyncd, OpenNTPD),
    points it at the given servers and pools by editing its configuration minimally, checks
    the result with the daemon's own parser, lets NTP through the firewall where it is
    blocked, restarts the service and waits for it to synchronize, putting everything back
    when a step fails. A second identical run changes nothing.
  - The options mirror the program's settings file and command line; see te-ntp-setup(8).
    They keep the names and meanings of the program's own binary module, so playbooks
    written for it keep working.
  - The program must be installed on the host (the role C(tentp.ntp_setup.te_ntp_setup)
    installs it first).
  - Check mode is the program's C(--dry-run); diff mode shows the unified diff of each file.
requirements:
  - te-ntp-setup installed on the managed host (the .deb or .rpm package)
author:
  - te-ntp-setup maintainers (@te-ntp-setup)
options:
  servers:
    description:
      - NTP servers. Each is a host name or address, or a mapping with the key C(host) and
        the source options C(iburst), C(prefer), C(nts) (booleans), C(minpoll), C(maxpoll)
        (-6 to 24) and C(key) (1 to 65535).
      - A comma-separated string also works.
      - When I(servers) or I(pools) is given, they replace the settings file's sources.
        Neither given, the settings file's are used, else C(0.pool.ntp.org) and
        C(1.pool.ntp.org).
    type: list
    elements: raw
  pools:
    description:
      - NTP pool names, in the same forms as I(servers).
    type: list
    elements: raw
  implementation:
    description:
      - The NTP client to configure; C(auto) takes the one running, else enabled, else
        installed.
    type: str
    choices: [auto, chrony, ntpd, ntpsec, timesyncd, openntpd]
  mode:
    description:
      - C(replace) makes the given sources the only server and pool sources; C(merge) adds
        them and keeps the others.
    type: str
    choices: [replace, merge]
  dhcp:
    description:
      - NTP servers handed out by DHCP. C(keep) leaves them as configured; C(ignore) stops the
        daemon from using them.
    type: str
    choices: [keep, ignore]
  serve:
    description:
      - Networks in CIDR notation (for example C(192.0.2.0/24)) to serve time to. The daemon
        answers clients there only and the firewall lets them in. A comma-separated string
        also works. Replaces the settings file's list.
    type: list
    elements: str
  local_stratum:
    description:
      - With I(serve), keep serving the local clock at this stratum (1 to 15) when cut off
        from every source.
    type: int
  root:
    description:
      - Edit the system image under this directory instead of the host; files only, no
        service or firewall action.
    type: path
  config:
    description:
      - A YAML settings file on the host. By default
        C(/etc/te-ntp-setup/te-ntp-setup.yaml) is read when it exists and I(root) is not
        given.
    type: path
  restart:
    description:
      - Restart or reload the NTP service after a change.
    type: bool
    default: true
  firewall:
    description:
      - Let NTP through the host's firewall where it blocks the servers.
    type: bool
    default: true
  verify:
    description:
      - Wait for the daemon to synchronize after a change.
    type: bool
    default: true
  verify_timeout:
    description:
      - How long to wait for it, in seconds (0 to 3600; the program's default is 30).
    type: int
  lock_timeout:
    description:
      - How long to wait for another run of te-ntp-setup on the host, in seconds (0 to
        3600; the program's default is 30).
    type: int
  if_needed:
    description:
      - Leave a host alone whose NTP client is active and synchronized.
    type: bool
    default: false
  accept_auth_downgrade:
    description:
      - Let sources without authentication replace sources that use NTS or keys, or stand
        under rules that demand authentication (chrony C(authselectmode require), ntpd
        C(restrict ... notrust)). By default such a run is refused and nothing changes.
    type: bool
    default: false
  configure_container:
    description:
      - In a container that cannot set the clock (no CAP_SYS_TIME), configure its NTP daemon
        anyway. By default the run is refused there, since the clock is the host's.
    type: bool
    default: false
  platform:
    description:
      - C(auto) lets the cloud the host runs in choose the default sources when none is given
        (Amazon, Google, Azure, Oracle); C(none) keeps the public pool wherever it runs.
    type: str
    choices: [auto, none]
  allow_leap_smear_mix:
    description:
      - Allow a source that smears leap seconds (Google's, Amazon's) beside sources that do
        not. Refused by default.
    type: bool
    default: false
  accept_unsynchronized:
    description:
      - The program exits 5 when the configuration was applied but the daemon did not
        synchronize within I(verify_timeout). By default the task then fails; C(true)
        accepts it with a warning (the result is changed or not as the run was).
    type: bool
    default: false
  executable:
    description:
      - The te-ntp-setup program on the host.
    type: path
    default: /usr/sbin/te-ntp-setup
notes:
  - Supports check mode and diff mode.
  - Servers or pools given as mappings are passed to the program in a temporary settings
    file. Combined with a settings file (I(config), or the default one on a host run), that
    file is read with PyYAML on the host and the given sources replace its own.
'''

EXAMPLES = r'''
- name: NTP for the monitoring agents
  tentp.ntp_setup.te_ntp_setup:
    servers:
      - ntp1.corp.example
      - host: ntp2.corp.example
        prefer: true
    mode: replace

- name: Show what would change, without changing it
  tentp.ntp_setup.te_ntp_setup:
    servers: [ntp1.corp.example]
  check_mode: true
  diff: true

- name: A site time server for 192.0.2.0/24
  tentp.ntp_setup.te_ntp_setup:
    servers: [0.pool.ntp.org, 1.pool.ntp.org]
    serve: [192.0.2.0/24]
    local_stratum: 10

- name: Configure an image, files only
  tentp.ntp_setup.te_ntp_setup:
    root: /srv/images/agent
    servers: [192.0.2.10]
'''

RETURN = r'''
msg:
  description: What was done, what would be done (check mode), or the errors.
  returned: always
  type: str
  sample: "changed /etc/chrony/chrony.conf; created /etc/chrony/sources.d/te-ntp-setup.sources"
exit_status:
  description:
    - The program's exit status (te-ntp-setup(8), EXIT STATUS). Not named C(rc), which
      Ansible takes as failed when it is not 0, since an accepted exit 5 is no failure.
  returned: when the program ran
  type: int
  sample: 0
dry_run:
  description: Whether this was a check-mode run.
  returned: when the program ran
  type: bool
implementation:
  description: The NTP client configured (chrony, ntpd, ntpsec, timesyncd, openntpd).
  returned: when the program ran
  type: str
  sample: chrony
service:
  description: Its service.
  returned: when the program ran
  type: str
  sample: chrony
root:
  description: The root operated on (C(/) for the host).
  returned: when the program ran
  type: str
sources:
  description: The sources asked for, each with C(type) (server or pool) and C(host).
  returned: when the program ran
  type: list
  elements: dict
serve:
  description: The networks served.
  returned: when the program ran
  type: list
  elements: str
local_stratum:
  description: The local stratum served when cut off, or null.
  returned: when the program ran
  type: int
files:
  description: Each file changed (or that would change), with C(path), C(created) and C(diff).
  returned: when the program ran
  type: list
  elements: dict
verification:
  description: What the daemon said after the change (C(synchronized), C(source), C(offset), ...), or null.
  returned: when the program ran
  type: dict
actions:
  description: Service and firewall actions taken.
  returned: when the program ran
  type: list
  elements: str
skip_reason:
  description: Why nothing was done (I(if_needed)), or null.
  returned: when the program ran
  type: str
restored:
  description: False when a failed run could not be undone (exit 3; a person must look).
  returned: when the program ran
  type: bool
errors:
  description: The program's errors.
  returned: when the program ran
  type: list
  elements: str
notes:
  description: The program's notes.
  returned: when the program ran
  type: list
  elements: str
cmd:
  description: The command line run.
  returned: always
  type: list
  elements: str
stderr:
  description: The program's standard error, when it printed no JSON.
  returned: when the program printed no JSON
  type: str
'''

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

# How a value reaches the command line.
VALUE = 'value'        # --flag VALUE, when given
REPEAT = 'repeat'      # --flag V for each element, when given
FLAG = 'flag'          # --flag when true
NEGATED = 'negated'    # --flag when false
MODULE = 'module'      # read by this module only

# Every option: name, argument_spec, how it is passed, the program's flag. A new option of
# the program is one line here (and its entry in DOCUMENTATION); tests/release/ansible-collection.sh
# holds them to the program's settings table (te-ntp-setup settings-table).
OPTIONS = [
    ('servers', dict(type='list', elements='raw'), REPEAT, '--server'),
    ('pools', dict(type='list', elements='raw'), REPEAT, '--pool'),
    ('implementation', dict(type='str', choices=['auto', 'chrony', 'ntpd', 'ntpsec', 'timesyncd',
                                                 'openntpd']), VALUE, '--implementation'),
    ('mode', dict(type='str', choices=['replace', 'merge']), VALUE, '--mode'),
    ('dhcp', dict(type='str', choices=['keep', 'ignore']), VALUE, '--dhcp'),
    ('serve', dict(type='list', elements='str'), REPEAT, '--serve'),
    ('local_stratum', dict(type='int'), VALUE, '--local-stratum'),
    ('root', dict(type='path'), VALUE, '--root'),
    ('config', dict(type='path'), VALUE, '--config'),
    ('restart', dict(type='bool', default=True), NEGATED, '--no-restart'),
    ('firewall', dict(type='bool', default=True), NEGATED, '--no-firewall'),
    ('verify', dict(type='bool', default=True), NEGATED, '--no-verify'),
    ('verify_timeout', dict(type='int'), VALUE, '--verify-timeout'),
    ('lock_timeout', dict(type='int'), VALUE, '--lock-timeout'),
    ('if_needed', dict(type='bool', default=False), FLAG, '--if-needed'),
    ('accept_auth_downgrade', dict(type='bool', default=False), FLAG, '--accept-auth-downgrade'),
    ('configure_container', dict(type='bool', default=False), FLAG, '--configure-container'),
    ('platform', dict(type='str', choices=['auto', 'none']), VALUE, '--platform'),
    ('allow_leap_smear_mix', dict(type='bool', default=False), FLAG, '--allow-leap-smear-mix'),
    ('accept_unsynchronized', dict(type='bool', default=False), MODULE, None),
    ('executable', dict(type='path', default='/usr/sbin/te-ntp-setup'), MODULE, None),
]

# The program's exit statuses (te-ntp-setup(8), EXIT STATUS).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CHANGED = 2
EXIT_UNRESTORED = 3
EXIT_LOCKED = 4
EXIT_UNSYNCHRONIZED = 5
EXIT_USAGE = 64

SETTINGS_DEFAULT_FILE = '/etc/te-ntp-setup/te-ntp-setup.yaml'
SOURCE_KEYS = ('host', 'iburst', 'prefer', 'nts', 'minpoll', 'maxpoll', 'key')


def source_mappings(module):
    """True when a server or pool is given as a mapping (options the command line lacks)."""
    for name in ('servers', 'pools'):
        for item in module.params[name] or []:
            if isinstance(item, dict):
                return True
    return False


def settings_file(module):
    """A temporary settings file holding the sources given as mappings, merged over the
    settings file in effect (I(config), or the default one on a host run)."""
    settings = {}
    config = module.params['config']
    if not config and not module.params['root'] and os.path.exists(SETTINGS_DEFAULT_FILE):
        config = SETTINGS_DEFAULT_FILE
    if config:
        try:
            import yaml
        except ImportError:
            module.fail_json(msg='servers or pools given as mappings, together with the settings '
                             'file %s, need PyYAML on the host: install it (python3-yaml), '
                             'or give the sources as names, or put them in the settings '
                             'file' % config)
        try:
            with open(config) as f:
                settings = yaml.safe_load(f) or {}
        except (IOError, OSError, yaml.YAMLError) as e:
            module.fail_json(msg='%s: %s' % (config, to_native(e)))
        if not isinstance(settings, dict):
            module.fail_json(msg='%s: the settings must be a mapping' % config)
        settings.pop('servers', None)
        settings.pop('pools', None)
    for name in ('servers', 'pools'):
        items = module.params[name]
        if items is None:
            continue
        settings[name] = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                unknown = sorted(set(item) - set(SOURCE_KEYS))
                if unknown:
                    module.fail_json(msg='%s[%d]: unknown key %s (known: %s)'
                                     % (name, i, ', '.join(unknown), ', '.join(SOURCE_KEYS)))
                if 'host' not in item:
                    module.fail_json(msg='%s[%d] has no host' % (name, i))
            else:
                item = to_native(item).strip()
            settings[name].append(item)
    fd, path = tempfile.mkstemp(prefix='te-ntp-setup-', suffix='.yaml', dir=module.tmpdir)
    with os.fdopen(fd, 'w') as f:
        json.dump(settings, f)       # JSON is YAML
    return path


def command(module):
    """The command line for the task's options."""
    p = module.params
    cmd = [p['executable'], 'apply', '--json']
    if module.check_mode:
        cmd.append('--dry-run')
    if module._diff:
        cmd.append('--diff')
    mappings = source_mappings(module)
    for name, spec, how, flag in OPTIONS:
        value = p[name]
        if how == MODULE or value is None:
            continue
        if mappings and name in ('servers', 'pools', 'config'):
            continue
        if how == VALUE:
            cmd.extend([flag, to_native(value)])
        elif how == REPEAT:
            if name in ('servers', 'pools') and not value:
                continue         # an empty list is "not given", as in the binary module
            for item in value:
                item = to_native(item).strip()
                if item:
                    cmd.extend([flag, item])
        elif how == FLAG and value:
            cmd.append(flag)
        elif how == NEGATED and not value:
            cmd.append(flag)
    if mappings:
        cmd.extend(['--config', settings_file(module)])
    return cmd


def summary(result):
    """One line: what happened."""
    if result.get('skip_reason'):
        return result['skip_reason']
    parts = []
    if result.get('dry_run'):
        for f in result.get('files') or []:
            parts.append('would %s %s' % ('create' if f.get('created') else 'change', f.get('path')))
    else:
        for f in result.get('files') or []:
            parts.append('%s %s' % ('created' if f.get('created') else 'changed', f.get('path')))
    parts.extend(result.get('actions') or [])
    if parts:
        return '; '.join(parts)
    if result.get('changed'):
        return 'would change' if result.get('dry_run') else 'changed'
    hosts = ', '.join(s.get('host', '') for s in result.get('sources') or [])
    return 'nothing to change: %s already uses %s' % (result.get('implementation') or 'it', hosts)


def program_errors(stderr):
    """The program's own error lines, without its name."""
    lines = []
    for line in (stderr or '').splitlines():
        line = line.strip()
        if line.startswith('te-ntp-setup: '):
            line = line[len('te-ntp-setup: '):]
        if line.startswith('error: '):
            line = line[len('error: '):]
        if line and not line.startswith('Try '):
            lines.append(line)
    return '; '.join(lines)


def main():
    module = AnsibleModule(
        argument_spec=dict((name, spec) for name, spec, how, flag in OPTIONS),
        supports_check_mode=True,
    )
    exe = module.params['executable']
    if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
        module.fail_json(msg='te-ntp-setup is not installed on this host (%s is not an executable '
                         'file): install the te-ntp-setup package (the role '
                         'tentp.ntp_setup.te_ntp_setup does), or set executable' % exe)
    cmd = command(module)
    rc, out, err = module.run_command(cmd, environ_update=dict(LC_ALL='C'))
    try:
        result = json.loads(out)
        if not isinstance(result, dict):
            raise ValueError('not an object')
    except ValueError:
        # No JSON: a usage error (exit 64) or a program that could not run.
        module.fail_json(msg=program_errors(err) or 'te-ntp-setup exited %d' % rc,
                         exit_status=rc, cmd=cmd, stdout=out, stderr=err)

    changed = bool(result.pop('changed', False))
    result.pop('failed', None)
    result['exit_status'] = rc
    result['cmd'] = cmd
    if module._diff:
        prepared = ''.join(f.get('diff') or '' for f in result.get('files') or [])
        if prepared:
            result['diff'] = dict(prepared=prepared)
    errors = '; '.join(result.get('errors') or []) or program_errors(err)

    if rc in (EXIT_OK, EXIT_CHANGED):
        module.exit_json(changed=changed, msg=summary(dict(result, changed=changed)), **result)
    if rc == EXIT_UNSYNCHRONIZED:
        why = ('configured, but not synchronized: %s' % (errors or 'the daemon did not '
               'synchronize within verify_timeout'))
        if module.params['accept_unsynchronized']:
            module.warn(why + ' (accepted: accept_unsynchronized)')
            module.exit_json(changed=changed, msg=summary(dict(result, changed=changed)), **result)
        module.fail_json(changed=changed, msg=why + ' (accept_unsynchronized: true accepts it)',
                         **result)
    if rc == EXIT_UNRESTORED:
        module.fail_json(changed=True, msg='failed, and could not be restored (a person must look; '
                         'te-ntp-setup rollback): %s' % errors, **result)
    if rc == EXIT_LOCKED:
        module.fail_json(changed=False, msg='another te-ntp-setup holds the lock (lock_timeout): %s'
                         % errors, **result)
    # 1: failed, the host was left or put back as it was; 64: invalid input, nothing touched.
    module.fail_json(changed=False, msg=errors or 'te-ntp-setup exited %d' % rc, **result)


if __name__ == '__main__':
    main()
