#!/usr/bin/env bash
# An Uberspace 7 host in a box, on this machine's loopback: accounts whose homes look like Uberspace homes,
# supervisord per account, an nginx frontend per account (127.0.0.1:FRONTEND_PORT, reaching backends at
# 127.0.0.2), and the `uberspace` stand-in. Needs root and Debian's packages (see install-deps.sh).
#
#   sandbox.sh start [N]   (re)create N accounts (default 1: isabell; or those in UF_SANDBOX_ACCOUNTS) with fresh
#                          homes and start their services
#   sandbox.sh reset [U]   give account U (default isabell) a fresh home and restart its services, leaving sshd and
#                          the other accounts running (between test files); a full start when U is not set up yet
#   sandbox.sh stop        stop every sandbox process; accounts and homes stay until the next start
#   sandbox.sh status      one line per account
#   sandbox.sh rekey       give sshd a new host key (to test a changed key)
#   sandbox.sh purge       stop, then delete the sandbox's accounts and state
#
# sshd listens on 127.0.0.1:$SSH_PORT with the sandbox's own host key, for the sandbox accounts only; they log in
# with keys (their password is '*', so no password works until a test sets one).
# It only ever touches accounts it created (marked in their home) and processes owned by them.
set -euo pipefail

ROOT=${UF_SANDBOX_ROOT:-/var/lib/uberspaceflask-sandbox}
FRONTEND_BASE=${UF_SANDBOX_FRONTEND_BASE:-18080}
SSH_PORT=${UF_SANDBOX_SSH_PORT:-12222}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MARKER=.uberspaceflask-sandbox

# Names: isabell, isabell2, ... unless UF_SANDBOX_ACCOUNTS lists them ("name1 name2 ...").
account_name() {
  if [ -n "${UF_SANDBOX_ACCOUNTS:-}" ]; then
    local names; read -r -a names <<< "$UF_SANDBOX_ACCOUNTS"; echo "${names[$1]}"
  elif [ "$1" -eq 0 ]; then echo isabell; else echo "isabell$(( $1 + 1 ))"; fi
}

die() { echo "sandbox: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it creates accounts and starts their services)"

known_accounts() {
  [ -d "$ROOT/accounts" ] || return 0
  for d in "$ROOT"/accounts/*/; do [ -d "$d" ] && basename "$d"; done
}

as_account() {
  local user=$1; shift
  local home; home=$(getent passwd "$user" | cut -d: -f6)
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
    PATH="$home/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 "$@"
}

stop_account() {
  local user=$1
  id "$user" >/dev/null 2>&1 || return 0
  local home; home=$(getent passwd "$user" | cut -d: -f6)
  [ -f "$home/$MARKER" ] || { echo "sandbox: $user was not created by the sandbox; leaving it alone" >&2; return 0; }
  # Polite first (supervisord stops its programs, nginx finishes requests), then everything the account still runs.
  if [ -S "$home/tmp/supervisor.sock" ]; then as_account "$user" /usr/bin/supervisorctl -c "$home/etc/supervisord.conf" shutdown >/dev/null 2>&1 || true; fi
  if [ -f "$ROOT/accounts/$user/nginx/nginx.pid" ]; then
    as_account "$user" /usr/sbin/nginx -p "$ROOT/accounts/$user/nginx" -c "$ROOT/accounts/$user/nginx/nginx.conf" \
      -e "$ROOT/accounts/$user/nginx/error.log" -s quit >/dev/null 2>&1 || true
  fi
  for _ in $(seq 50); do pgrep -u "$user" >/dev/null || break; sleep 0.1; done
  pkill -KILL -u "$user" 2>/dev/null || true
  for _ in $(seq 50); do pgrep -u "$user" >/dev/null || break; sleep 0.1; done
}

create_account() {
  local user=$1 frontend_port=$2
  local home=/home/$user
  if id "$user" >/dev/null 2>&1; then
    home=$(getent passwd "$user" | cut -d: -f6)
    [ -f "$home/$MARKER" ] || die "an account '$user' exists and was not created by the sandbox; refusing to touch it"
    stop_account "$user"
    # A fresh home each start, so every run begins like a new Uberspace account.
    find "$home" -mindepth 1 -delete
    cp -a /etc/skel/. "$home/"
  else
    useradd --create-home --home-dir "$home" --shell /bin/bash --user-group "$user"
  fi
  touch "$home/$MARKER"
  usermod -p '*' "$user"   # no password, but not locked: key login works
  mkdir -p "$home"/{bin,etc/services.d,logs,tmp,html,.ssh}
  cat > "$home/etc/supervisord.conf" <<CONF
; supervisord for $user, as Uberspace 7 runs one per account.
[unix_http_server]
file=$home/tmp/supervisor.sock
chmod=0700

[supervisord]
logfile=$home/logs/supervisord.log
pidfile=$home/tmp/supervisord.pid
childlogdir=$home/logs
identifier=supervisor-$user

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$home/tmp/supervisor.sock

[include]
files = $home/etc/services.d/*.ini
CONF
  # Plain `supervisorctl` and `uberspace` work for the account, as on Uberspace.
  cat > "$home/bin/supervisorctl" <<WRAP
#!/bin/sh
exec /usr/bin/supervisorctl -c "$home/etc/supervisord.conf" "\$@"
WRAP
  chmod 755 "$home/bin/supervisorctl"
  ln -sf "$ROOT/bin/uberspace" "$home/bin/uberspace"
  # First line, before Debian's "not interactive: return", so `ssh host uberspace ...` finds it too.
  { echo 'export PATH="$HOME/bin:$HOME/.local/bin:$PATH"'; cat /etc/skel/.bashrc; } > "$home/.bashrc"
  touch "$home/.ssh/authorized_keys"
  chown -R "$user:$user" "$home"
  chmod 750 "$home"
  chmod 700 "$home/.ssh"
  chmod 600 "$home/.ssh/authorized_keys"

  local state=$ROOT/accounts/$user
  rm -rf "$state"
  mkdir -p "$state"
  echo "$frontend_port" > "$state/frontend.port"
  chown -R "$user:$user" "$state"
  chmod 700 "$state"
}

start_account() {
  local user=$1 frontend_port=$2
  local home; home=$(getent passwd "$user" | cut -d: -f6)
  as_account "$user" /usr/bin/supervisord -c "$home/etc/supervisord.conf"
  as_account "$user" "$ROOT/bin/uberspace" sandbox init "$frontend_port"
  for _ in $(seq 50); do [ -S "$home/tmp/supervisor.sock" ] && break; sleep 0.1; done
  as_account "$user" "$home/bin/supervisorctl" pid >/dev/null || die "supervisord for $user did not start (see $home/logs/supervisord.log)"
}

cmd_start() {
  local count=${1:-}
  if [ -z "$count" ]; then if [ -n "${UF_SANDBOX_ACCOUNTS:-}" ]; then count=$(wc -w <<< "$UF_SANDBOX_ACCOUNTS"); else count=1; fi; fi
  for bin in /usr/bin/supervisord /usr/sbin/nginx /usr/bin/uwsgi /usr/bin/python3 /usr/bin/ss /usr/sbin/sshd /usr/bin/ssh-keygen; do
    [ -x "$bin" ] || die "$bin is missing: run tests/sandbox/install-deps.sh first"
  done
  # Stop whatever an earlier start left running, including accounts beyond this count.
  stop_sshd
  for user in $(known_accounts); do stop_account "$user"; done
  rm -rf "$ROOT/accounts"
  mkdir -p "$ROOT/bin" "$ROOT/share" "$ROOT/accounts"
  chmod 755 "$ROOT" "$ROOT/bin" "$ROOT/share" "$ROOT/accounts"
  install -m 755 "$HERE/uberspace.py" "$ROOT/bin/uberspace"
  install -m 644 "$HERE/apache-default.html" "$ROOT/share/__uberspace_apache_default.html"
  local users=()
  for i in $(seq 0 $(( count - 1 ))); do
    local user; user=$(account_name "$i")
    create_account "$user" $(( FRONTEND_BASE + i ))
    start_account "$user" $(( FRONTEND_BASE + i ))
    users+=("$user")
    echo "sandbox: $user ready: home $(getent passwd "$user" | cut -d: -f6), frontend http://127.0.0.1:$(( FRONTEND_BASE + i ))/"
  done
  start_sshd "${users[@]}"
}

sshd_dir() { echo "$ROOT/sshd"; }

stop_sshd() {
  local pidfile; pidfile="$(sshd_dir)/sshd.pid"
  if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
  # Connections still open have a root monitor process of their own.
  for user in $(known_accounts); do pkill -f "^sshd: ${user}[@ ]" 2>/dev/null || true; done
  for _ in $(seq 50); do pgrep -f "sshd -f $(sshd_dir)/sshd_config" >/dev/null || break; sleep 0.1; done
}

start_sshd() {
  local dir; dir=$(sshd_dir)
  mkdir -p "$dir" /run/sshd
  chmod 755 "$dir"
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C uberspaceflask-sandbox -f "$dir/ssh_host_ed25519_key"
  cat > "$dir/sshd_config" <<CONF
# The sandbox's own sshd; it serves the sandbox accounts only.
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PermitRootLogin no
UsePAM no
AllowUsers $*
# Logs each file operation (to the account's ~/logs/sftp-requests.log), so a benchmark can count
# SFTP requests as well as commands; the command runs through the account's shell, hence the redirection.
Subsystem sftp /usr/lib/openssh/sftp-server -e -l INFO 2>>"\$HOME/logs/sftp-requests.log"
LogLevel VERBOSE
MaxStartups 64
MaxSessions 64
# Fewer than OpenSSH's 6, so a client that offers every key an agent holds is turned away, as on busy hosts.
MaxAuthTries 3
ClientAliveInterval 30
CONF
  /usr/sbin/sshd -t -f "$dir/sshd_config" || die "sshd rejected its configuration"
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
  for _ in $(seq 50); do [ -f "$dir/sshd.pid" ] && break; sleep 0.1; done
  echo "sandbox: sshd on 127.0.0.1:$SSH_PORT, host key $(ssh-keygen -lf "$dir/ssh_host_ed25519_key.pub" | cut -d' ' -f2)"
}

cmd_rekey() {
  local dir; dir=$(sshd_dir)
  rm -f "$dir/ssh_host_ed25519_key" "$dir/ssh_host_ed25519_key.pub"
  ssh-keygen -q -t ed25519 -N '' -C uberspaceflask-sandbox -f "$dir/ssh_host_ed25519_key"
  # SIGHUP makes sshd re-exec itself and read the new key.
  kill -HUP "$(cat "$dir/sshd.pid")"
  sleep 0.5
  ssh-keygen -lf "$dir/ssh_host_ed25519_key.pub" | cut -d' ' -f2
}

cmd_stop() { stop_sshd; for user in $(known_accounts); do stop_account "$user"; done; }

cmd_reset() {
  local user=${1:-isabell} dir; dir=$(sshd_dir)
  local port; port=$(cat "$ROOT/accounts/$user/frontend.port" 2>/dev/null || true)
  # Only an account the running sshd serves can be reset alone; otherwise a full start, this account among them.
  if [ -z "$port" ] || [ ! -f "$dir/sshd.pid" ] || ! kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null \
    || ! grep -qE "^AllowUsers( .*)? $user( |\$)" "$dir/sshd_config"; then
    if [ -z "${UF_SANDBOX_ACCOUNTS:-}" ] && [ "$user" != isabell ]; then UF_SANDBOX_ACCOUNTS="isabell $user"; fi
    cmd_start
    return
  fi
  pkill -KILL -f "^sshd: ${user}[@ ]" 2>/dev/null || true
  create_account "$user" "$port"
  start_account "$user" "$port"
  echo "sandbox: $user reset: home $(getent passwd "$user" | cut -d: -f6), frontend http://127.0.0.1:$port/"
}

cmd_status() {
  for user in $(known_accounts); do
    local port; port=$(cat "$ROOT/accounts/$user/frontend.port" 2>/dev/null || echo '?')
    local sup=stopped web=stopped
    pgrep -u "$user" -f supervisord >/dev/null && sup=running
    pgrep -u "$user" -x nginx >/dev/null && web=running
    echo "$user supervisord=$sup frontend=$web http://127.0.0.1:$port/"
  done
}

cmd_purge() {
  stop_sshd
  for user in $(known_accounts); do
    stop_account "$user"
    if id "$user" >/dev/null 2>&1 && [ -f "$(getent passwd "$user" | cut -d: -f6)/$MARKER" ]; then userdel --remove "$user" 2>/dev/null || true; fi
  done
  rm -rf "$ROOT"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  reset) shift; cmd_reset "$@" ;;
  stop) cmd_stop ;;
  rekey) cmd_rekey ;;
  status) cmd_status ;;
  purge) cmd_purge ;;
  *) echo "usage: $0 start [N] | reset [USER] | stop | status | rekey | purge" >&2; exit 2 ;;
esac
