#!/usr/bin/python3
"""Stand-in for Uberspace 7's `uberspace` command, for the test sandbox only.

Implements `uberspace web backend set|list|del` and `uberspace web domain add|list|del` with the syntax and
output documented in the Uberspace manual, and really routes the account's sandbox frontend (an nginx running
as the account on a loopback port) to the backend. The frontend reaches backends at 127.0.0.2, not 127.0.0.1,
so an app bound only to 127.0.0.1 fails as it does on Uberspace.
"""
import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time
import urllib.request

BACKEND_ADDR = "127.0.0.2"
ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
USER = pwd.getpwuid(os.getuid()).pw_name
HOME = pwd.getpwuid(os.getuid()).pw_dir
STATE_DIR = os.path.join(ROOT, "accounts", USER)
STATE_FILE = os.path.join(STATE_DIR, "frontend.json")
NGINX_DIR = os.path.join(STATE_DIR, "nginx")
DEFAULT_PAGE_DIR = os.path.join(ROOT, "share")

PATH_RX = re.compile(r"^/[A-Za-z0-9_.~/-]*$")
DOMAIN_RX = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def fail(message, code=1):
    print(message, file=sys.stderr)
    sys.exit(code)


def load_state():
    if not os.path.exists(STATE_FILE):
        fail(f"This account has no sandbox frontend ({STATE_FILE} is missing). Start the sandbox first.", 2)
    with open(STATE_FILE) as f:
        return json.load(f)


def save_state(state):
    tmp = STATE_FILE + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=2, sort_keys=True)
    os.replace(tmp, STATE_FILE)


def parse_target(target, state):
    """'/', '/path', 'domain', 'domain/path' -> (domain or None, path)."""
    if target.startswith("/"):
        domain, path = None, target
    else:
        domain, _, rest = target.partition("/")
        path = "/" + rest
        if not DOMAIN_RX.match(domain):
            fail(f"Invalid domain or path: {target}")
        domain = domain.lower()
        if domain not in state["domains"]:
            fail(f"The domain {domain} is not configured for this account. Add it with \"uberspace web domain add {domain}\" first.")
    if len(path) > 1:
        path = path.rstrip("/")
    if not PATH_RX.match(path) or "/../" in path + "/" or "//" in path:
        fail(f"Invalid path: {path}")
    return domain, path


def key(domain, path):
    return (domain or "") + path


def shown(domain, path):
    return (domain + path) if domain else path


# ---------------------------------------------------------------- status of a backend port

def listeners(port):
    """[(address, pid, command line)] for TCP sockets listening on port."""
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        cols = line.split()
        if len(cols) < 4:
            continue
        local = cols[3]
        addr = local.rsplit(":", 1)[0].strip("[]")
        addr = addr.split("%")[0]
        m = re.search(r"pid=(\d+)", line)
        pid = int(m.group(1)) if m else None
        found.append((addr, pid, cmdline(pid)))
    return found


def cmdline(pid):
    if pid is None:
        return "unknown"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return " ".join(p.decode(errors="replace") for p in f.read().split(b"\0") if p)
    except OSError:
        return "unknown"


def status(port):
    ls = listeners(port)
    if not ls:
        return "NOT OK, no service"
    for addr, pid, cmd in ls:
        if addr in ("0.0.0.0", "*", "::", BACKEND_ADDR):
            return f"OK, listening: PID {pid if pid is not None else '?'}, {cmd}"
    addr, pid, cmd = ls[0]
    return f"NOT OK, wrong interface ({addr}): PID {pid if pid is not None else '?'}, {cmd}"


# ---------------------------------------------------------------- nginx

def location_blocks(path, backend):
    """nginx locations for one backend; prefix matches whole path segments, as Uberspace does."""
    if backend["kind"] == "apache":
        body = (f"root {HOME}/html; index index.html; "
                "try_files $uri $uri/index.html /__uberspace_apache_default.html;")
    else:
        upstream = f"http://{BACKEND_ADDR}:{backend['port']}"
        if backend.get("remove_prefix") and path != "/":
            upstream += "/"
        body = (f"proxy_pass {upstream}; proxy_http_version 1.1; proxy_set_header Host $host; "
                "proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Proto $scheme;")
    if path == "/":
        return [f"location / {{ {body} }}"]
    return [f"location = {path} {{ {body} }}", f"location ^~ {path}/ {{ {body} }}"]


def render_nginx(state, port, generation):
    def server(name, backends):
        lines = []
        routes = dict(backends)
        routes.setdefault("/", {"kind": "apache"})
        for path, b in sorted(routes.items()):
            lines.extend(location_blocks(path, b))
        listen = f"listen 127.0.0.1:{port}" + (" default_server" if name == "_" else "")
        return (f"  server {{\n    {listen};\n    server_name {name};\n"
                f"    location = /.sandbox-generation {{ default_type text/plain; return 200 \"{generation}\"; }}\n"
                f"    location = /__uberspace_apache_default.html {{ internal; root {DEFAULT_PAGE_DIR}; }}\n"
                + "".join(f"    {l}\n" for l in lines) + "  }\n")

    generic = {b["path"]: b for b in state["backends"].values() if not b.get("domain")}
    servers = [server("_", generic)]
    for domain in sorted(state["domains"]):
        own = dict(generic)
        own.update({b["path"]: b for b in state["backends"].values() if b.get("domain") == domain})
        servers.append(server(domain, own))
    d = NGINX_DIR
    return f"""# Generated by the sandbox's uberspace stand-in; edits are overwritten.
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log {d}/access.log;
  client_body_temp_path {d}/tmp/body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
{''.join(servers)}}}
"""


def nginx(*args):
    conf = os.path.join(NGINX_DIR, "nginx.conf")
    return subprocess.run(["/usr/sbin/nginx", "-p", NGINX_DIR, "-c", conf, "-e", os.path.join(NGINX_DIR, "error.log"), *args],
                          capture_output=True, text=True)


def nginx_running():
    try:
        with open(os.path.join(NGINX_DIR, "nginx.pid")) as f:
            os.kill(int(f.read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def master_pid():
    try:
        with open(os.path.join(NGINX_DIR, "nginx.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def workers(master):
    if master is None:
        return set()
    r = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return {int(p) for p in r.stdout.split()}


def apply(state):
    """Writes the frontend config, reloads nginx, and waits until the new config answers."""
    state["generation"] = state.get("generation", 0) + 1
    port = state["port"]
    conf = os.path.join(NGINX_DIR, "nginx.conf")
    with open(conf + ".tmp", "w") as f:
        f.write(render_nginx(state, port, state["generation"]))
    os.replace(conf + ".tmp", conf)
    t = nginx("-t")
    if t.returncode != 0:
        fail("The frontend rejected the configuration:\n" + t.stderr)
    # Workers of the old configuration may still accept a connection or two until they exit: wait for them.
    old_workers = workers(master_pid()) if nginx_running() else set()
    r = nginx("-s", "reload") if nginx_running() else nginx()
    if r.returncode != 0:
        fail("The frontend could not be (re)loaded:\n" + r.stderr)
    fault_after_reload()
    save_state(state)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.sandbox-generation", timeout=1) as resp:
                if resp.read().decode().strip() == str(state["generation"]) and not (old_workers & workers(master_pid())):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    fail("The frontend did not pick up the new configuration in time.")


def fault_after_reload():
    """A test's fault, once: the host kills this command's process group (as the OOM killer or an admin would) after
    the frontend was reloaded and before the change was recorded, so the list and the frontend disagree."""
    marker = os.path.join(STATE_DIR, "fault-after-reload")
    try:
        os.remove(marker)
    except FileNotFoundError:
        return
    os.killpg(os.getpgid(0), signal.SIGKILL)


# ---------------------------------------------------------------- commands

def backend_set(args, state):
    target, kind, port, remove_prefix = None, None, None, False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--http":
            kind = "http"
        elif a == "--apache":
            kind = "apache"
        elif a == "--remove-prefix":
            remove_prefix = True
        elif a == "--port":
            i += 1
            if i >= len(args):
                fail("--port needs a value")
            port = args[i]
        elif a.startswith("--port="):
            port = a.split("=", 1)[1]
        elif a.startswith("-"):
            fail(f"unrecognized arguments: {a}")
        elif target is None:
            target = a
        else:
            fail(f"unrecognized arguments: {a}")
        i += 1
    if target is None:
        fail("usage: uberspace web backend set [-h] (--apache | --http) [--port PORT] [--remove-prefix] path")
    if kind is None:
        fail("one of the arguments --apache --http is required")
    domain, path = parse_target(target, state)
    if kind == "http":
        if port is None:
            fail("--http requires --port")
        if not port.isdigit() or not 1024 <= int(port) <= 65535:
            fail(f"Invalid port {port}: it must be between 1024 and 65535.")
        entry = {"domain": domain, "path": path, "kind": "http", "port": int(port), "remove_prefix": remove_prefix}
    else:
        if remove_prefix:
            fail("--remove-prefix can only be used with --http")
        entry = {"domain": domain, "path": path, "kind": "apache"}
    # As on Uberspace: a set that changes nothing does not reload the frontend.
    if state["backends"].get(key(domain, path)) != entry:
        state["backends"][key(domain, path)] = entry
        apply(state)
    if kind == "http":
        print(f"Set backend for {shown(domain, path)} to port {port}; please make sure something is listening!")
        print('You can always check the status of your backend using "uberspace web backend list".')
    else:
        print(f"Set backend for {shown(domain, path)} to apache")


def backend_del(args, state):
    if len(args) != 1:
        fail("usage: uberspace web backend del [-h] path")
    domain, path = parse_target(args[0], state)
    k = key(domain, path)
    if k not in state["backends"]:
        fail(f"There is no web backend for {shown(domain, path)}.")
    del state["backends"][k]
    apply(state)
    print("The web backend has been deleted.")


def backend_list(args, state):
    entries = list(state["backends"].values())

    def sort_key(b):  # most specific first: longer paths, then domain-specific ones
        return (-len(b["path"].rstrip("/")), 0 if b.get("domain") else 1, b.get("domain") or "", b["path"])

    has_root = any(b["path"] == "/" and not b.get("domain") for b in entries)
    for b in sorted(entries, key=sort_key):
        target = (b["domain"] + b["path"]) if b.get("domain") else b["path"]
        if b["kind"] == "apache":
            print(f"{target} apache")
        else:
            rp = ", --remove-prefix" if b.get("remove_prefix") else ""
            print(f"{target} http:{b['port']}{rp} => {status(b['port'])}")
    if not has_root:
        print("/ apache (default)")


def domain_cmd(sub, args, state):
    if sub == "list":
        print(f"{USER}.uber.space")
        for d in sorted(state["domains"]):
            print(d)
        return
    if len(args) != 1 or not DOMAIN_RX.match(args[0]):
        fail(f"usage: uberspace web domain {sub} [-h] domain")
    d = args[0].lower()
    if sub == "add":
        if d in state["domains"]:
            fail(f"The domain {d} has already been added.")
        state["domains"].append(d)
        apply(state)
        print(f"The webserver's configuration has been adapted.\nNow you can use the following records for your DNS:\n    A -> 127.0.0.1")
    elif sub == "del":
        if d not in state["domains"]:
            fail(f"The domain {d} is not configured for this account.")
        state["domains"].remove(d)
        state["backends"] = {k: b for k, b in state["backends"].items() if b.get("domain") != d}
        apply(state)
        print("The domain has been removed.")
    else:
        fail(f"invalid choice: '{sub}' (choose from 'add', 'list', 'del')")


def main(argv):
    if len(argv) >= 3 and argv[0] == "web" and argv[1] == "backend":
        state = load_state()
        handlers = {"set": backend_set, "list": backend_list, "del": backend_del}
        if argv[2] not in handlers:
            fail(f"uberspace web backend: invalid choice: '{argv[2]}' (choose from 'set', 'list', 'del')")
        handlers[argv[2]](argv[3:], state)
    elif len(argv) >= 3 and argv[0] == "web" and argv[1] == "domain":
        domain_cmd(argv[2], argv[3:], load_state())
    elif argv[:2] == ["sandbox", "init"]:
        # Used by sandbox.sh as the account: first config and start of the frontend on the given port.
        os.makedirs(os.path.join(NGINX_DIR, "tmp"), exist_ok=True)
        save_state({"port": int(argv[2]), "backends": {}, "domains": [], "generation": 0})
        apply(load_state())
    else:
        fail("usage: uberspace web {backend,domain} ...  (sandbox stand-in: only 'web backend' and 'web domain' exist)")


if __name__ == "__main__":
    main(sys.argv[1:])
