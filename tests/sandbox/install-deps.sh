#!/usr/bin/env bash
# Debian packages the sandbox and the tests need. Services are not started by the packages: the sandbox starts
# its own copies, bound to loopback, as its accounts.
set -euo pipefail
packages=(nginx-light supervisor uwsgi-core uwsgi-plugin-python3 python3 python3-flask python3-venv
          openssh-server openssh-client curl iproute2 procps passwd util-linux shellcheck
          rsync)  # rsync: the reference of bench/compare.ps1 -Link
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
# Keep the packages' own services (nginx on :80, sshd on :22, supervisord) from starting.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; created_policy=1; fi
trap '[ $created_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
