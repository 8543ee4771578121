#!/usr/bin/env bash
# Install the signage publisher on a Debian 12 server as a systemd service (signage-publisher).
# Safe to run again (a new broker, new credentials, a new version of the source).
# See docs/DEPLOY-SERVICES.md; the production broker itself is configured from deploy/mosquitto/.
#
# --broker URL        mqtts://host:8883 (or mqtt://); credentials may be in it (user:password@),
#                     or come from --username and --password-file. Without --broker the
#                     publisher uses the production broker recorded by `signage broker setup
#                     --data /var/lib/signage` (broker.yaml: URL, CA, credentials, none of them
#                     on the command line), else starts its own mosquitto on 127.0.0.1.
# --username NAME     the broker user, when not in the URL
# --password-file F   a file holding the broker password (kept out of the shell history)
# --content DIR       copy this content folder to /srv/signage/content when that is empty
# --layouts DIR       copy this layouts folder to /srv/signage/layouts when that is empty
# --source DIR        the checkout to pip install (default: the repository this script is in)
# --no-start          install and enable, but do not (re)start the service now
# --root DIR          install into a staging root (packaging, tests): no apt, no user, no chown, no
#                     running systemd; the venv is built there only when --source is given
# --dry-run           print what would be done, change nothing
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROGRAM=setup-publisher
# shellcheck source=deploy/setup-lib.sh
. "$SCRIPT_DIR/setup-lib.sh"
SRV=/srv/signage
UNIT=signage-publisher.service

broker="" username="" password_file="" content="" layouts="" source_dir="" root="" dry_run=0 start=1

usage() {
  cat >&2 <<'EOF'
usage: setup-publisher.sh [--broker URL [--username NAME] [--password-file FILE]]
                          [--content DIR] [--layouts DIR] [--source DIR] [--no-start]
                          [--root DIR] [--dry-run]
EOF
  exit 2
}

while (($#)); do
  case $1 in
    --broker) broker=${2:-}; shift 2 || usage ;;
    --username) username=${2:-}; shift 2 || usage ;;
    --password-file) password_file=${2:-}; shift 2 || usage ;;
    --content) content=${2:-}; shift 2 || usage ;;
    --layouts) layouts=${2:-}; shift 2 || usage ;;
    --source) source_dir=${2:-}; shift 2 || usage ;;
    --root) root=${2:-}; shift 2 || usage ;;
    --dry-run) dry_run=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) usage ;;
    *) echo "$PROGRAM: unknown argument: $1" >&2; usage ;;
  esac
done

# --- arguments ------------------------------------------------------------------------------

if [ -z "$broker" ] && { [ -n "$username" ] || [ -n "$password_file" ]; }; then
  die "--username and --password-file go with --broker URL"
fi
if [ -n "$password_file" ]; then
  [ -r "$password_file" ] || die "--password-file $password_file: cannot read it"
fi
for folder in "$content" "$layouts"; do
  [ -z "$folder" ] || [ -d "$folder" ] || die "$folder: no such folder"
done
if [ -n "$layouts" ] && [ ! -f "$layouts/screens.yaml" ]; then
  die "--layouts $layouts: no screens.yaml in it (the unit reads $SRV/layouts/screens.yaml)"
fi

check_target

# The broker URL as the unit gets it: credentials percent-encoded into it, and nothing an
# EnvironmentFile= or ExecStart= would read differently (quotes, $, backslashes, spaces).
broker_url() {
  python3 - "$broker" "$username" "$password_file" <<'PY'
import sys
from urllib.parse import quote, urlsplit, urlunsplit

url, user, password_file = sys.argv[1:4]
parts = urlsplit(url.strip())
if parts.scheme not in ("mqtt", "mqtts"):
    sys.exit(f"--broker {url}: use mqtts://host:port (or mqtt://)")
if not parts.hostname:
    sys.exit(f"--broker {url}: no host")
if parts.path not in ("", "/") or parts.query or parts.fragment:
    sys.exit(f"--broker {url}: no path, query or fragment")
if parts.scheme == "mqtt" and parts.hostname not in ("127.0.0.1", "::1", "localhost"):
    print(f"warning: {url} is not encrypted: use mqtts:// for a broker on the network", file=sys.stderr)
netloc = parts.netloc.rpartition("@")[2]
user = user or parts.username or ""
password = parts.password or ""
if password_file:
    with open(password_file, encoding="utf-8") as handle:
        password = handle.read().strip()
if password and not user:
    sys.exit("a broker password needs a user name: --username NAME or user@ in the URL")
if user:
    credentials = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    netloc = f"{credentials}@{netloc}"
result = urlunsplit((parts.scheme, netloc, "", "", ""))
if any(c in result for c in " \t\"'\\$`"):
    sys.exit(f"--broker: percent-encode quotes, spaces, $ and backslashes in {url}")
print(result)
PY
}

url=""
if [ -n "$broker" ]; then
  url=$(broker_url) || die "cannot use the broker settings"
elif [ -e "$root$STATE/broker.yaml" ]; then
  note "no --broker: the publisher uses the production broker in $STATE/broker.yaml (signage broker setup)"
else
  warn "no --broker and no $STATE/broker.yaml: the publisher starts its own mosquitto on" \
       "127.0.0.1, for players on this machine only; see deploy/mosquitto/ for the production broker"
fi

# --- steps -----------------------------------------------------------------------------------

packages=(python3 python3-venv fontconfig fonts-noto-cjk fonts-unifont)
[ -n "$broker" ] || [ -e "$STATE/broker.yaml" ] || packages+=(mosquitto)  # the embedded broker
install_packages

if [ -n "$root" ]; then
  note "staging root: not creating user $USER_NAME"
elif ! getent passwd "$USER_NAME" >/dev/null; then
  run useradd --system --user-group --home-dir "$STATE" --no-create-home \
    --shell /usr/sbin/nologin --comment "disclosure signage" "$USER_NAME"
fi

install_program

# What the publisher reads (the office keeps it up to date) and where it keeps its state.
directory "$SRV" 0755
for pair in "content:$content" "layouts:$layouts"; do
  name=${pair%%:*} from=${pair#*:}
  directory "$SRV/$name" 0755
  [ -n "$from" ] || continue
  if [ -n "$(ls -A "$root$SRV/$name" 2>/dev/null)" ]; then
    note "$SRV/$name is not empty: kept as it is (not copying $from)"
  else
    run cp -R "$from/." "$root$SRV/$name/"
  fi
done
directory "$STATE" 0750 "$USER_NAME:$USER_NAME"
if [ -z "$root" ] && [ -d "$STATE" ]; then
  # Keys, state and broker.yaml (written by root with `signage broker setup`): the service's own.
  run chown -R "$USER_NAME:$USER_NAME" "$STATE"
fi

directory "$ETC" 0755
{
  echo "# Written by deploy/setup-publisher.sh; read by $UNIT (EnvironmentFile=)."
  echo "# Empty: \`signage serve\` uses $STATE/broker.yaml (signage broker setup), else starts"
  echo "# its own mosquitto on 127.0.0.1."
  echo "SIGNAGE_BROKER=$url"
} | write "$ETC/publisher.env" 0640 "root:$USER_NAME"

put "$SCRIPT_DIR/systemd/$UNIT" "$UNIT_DIR/$UNIT" 0644

# The signing key, made now so players can be given publisher.pub before the first publish.
if [ -n "$root" ]; then
  note "staging root: on the server, the key is made at first start ($STATE/publisher.pub)"
elif [ ! -e "$STATE/publisher.key" ] && ((build_venv)); then
  run runuser -u "$USER_NAME" -- "$VENV/bin/signage" keys init --data "$STATE"
fi

system systemctl daemon-reload
enable_unit "$UNIT"
start_unit "$UNIT"
note "done: $UNIT; players trust $STATE/publisher.pub"
