#!/usr/bin/env bash
# Install a signage player on a Debian 12 or Raspberry Pi OS (bookworm) box, as a systemd service
# that starts at boot. Safe to run again: with a new config, another kind, or to switch the kiosk
# between cage and KMS. See docs/DEPLOY-SERVICES.md.
#
#   sudo deploy/setup-player.sh --kind led|kiosk|board|log --config player.yaml
#                               [--source DIR] [--kms] [--rotate 0|90|180|270]
#                               [--no-start] [--root DIR] [--dry-run]
#
# --config   the player config from enrolment; its `screen:` names the service instance
# --source   the checkout to pip install (default: the repository this script is in)
# --kms      kiosk straight on KMS/DRM (signage-kiosk-kms@) instead of under cage (signage-kiosk@)
# --rotate   kiosk under cage: turn the output (and touch) clockwise by this many degrees
# --no-start install and enable, but do not (re)start the service now
# --root     install into a staging root (packaging, tests): no apt, no user, no chown, no
#            running systemd (units are enabled by their symlinks). The venv is built
#            there only when --source is given.
# --dry-run  print what would be done, change nothing
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROGRAM=setup-player
# shellcheck source=deploy/setup-lib.sh
. "$SCRIPT_DIR/setup-lib.sh"
PLAYERS=$ETC/players

kind="" config="" source_dir="" kms=0 rotate=0 root="" dry_run=0 start=1

usage() {
  cat >&2 <<'EOF'
usage: setup-player.sh --kind led|kiosk|board|log --config player.yaml
                       [--source DIR] [--kms] [--rotate 0|90|180|270] [--no-start]
                       [--root DIR] [--dry-run]
EOF
  exit 2
}

while (($#)); do
  case $1 in
    --kind) kind=${2:-}; shift 2 || usage ;;
    --config) config=${2:-}; shift 2 || usage ;;
    --source) source_dir=${2:-}; shift 2 || usage ;;
    --kms) kms=1; shift ;;
    --rotate) rotate=${2:-}; shift 2 || usage ;;
    --root) root=${2:-}; shift 2 || usage ;;
    --dry-run) dry_run=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) usage ;;
    *) echo "$PROGRAM: unknown argument: $1" >&2; usage ;;
  esac
done

# --- arguments ------------------------------------------------------------------------------

case $kind in
  led|kiosk|board|log) ;;
  "") die "--kind is required: led, kiosk, board or log" ;;
  *) die "--kind $kind: use led, kiosk, board or log" ;;
esac
[ -n "$config" ] || die "--config FILE is required (the player.yaml from enrolment)"
[ -f "$config" ] || die "--config $config: no such file"
[ -r "$config" ] || die "--config $config: cannot read it (run as root?)"
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
if ((kms)) && [ "$kind" != kiosk ]; then die "--kms is for --kind kiosk only"; fi
case $rotate in
  0|90|180|270) ;;
  *) die "--rotate $rotate: use 0, 90, 180 or 270" ;;
esac
if ((kms)) && [ "$rotate" != 0 ]; then
  die "--rotate needs cage: SDL on KMS shows the panel's native orientation (drop --kms)"
fi
if [ "$rotate" != 0 ] && [ "$kind" != kiosk ]; then die "--rotate is for --kind kiosk only"; fi

check_target

# --- packages --------------------------------------------------------------------------------

packages=(python3 python3-venv python3-yaml fontconfig fonts-noto-cjk fonts-unifont)
case $kind in
  led) packages+=(xfonts-wqy) ;;  # the second LED bitmap font
  board) packages+=(cups-client) ;;  # lp, to print on the CUPS queue in the config
  kiosk)
    packages+=(espeak-ng)  # read-aloud
    if ((kms)); then
      packages+=(libdrm2 libgbm1 libegl1 libgles2 libudev1)  # SDL's KMS/DRM driver and evdev
    else
      packages+=(cage libwayland-client0 libwayland-cursor0 libwayland-egl1 libxkbcommon0 libegl1 libgles2)
    fi ;;
esac

# --- the config ------------------------------------------------------------------------------

# Read the config with PyYAML: the venv's if it is there, else the system's (python3-yaml).
# Prints "screen<TAB>ID", "file<TAB>RELATIVE PATH" for files it names beside itself (keys, CA),
# "absolute<TAB>PATH", and "warn<TAB>TEXT" or "note<TAB>TEXT"; exits 1 with a message when the config is unusable.
read_config() {
  local python
  for python in "$root$VENV/bin/python" "$VENV/bin/python" python3; do
    if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import yaml' 2>/dev/null; then
      break
    fi
    python=""
  done
  [ -n "$python" ] || die "reading $config needs Python with PyYAML: apt-get install python3-yaml"
  "$python" - "$config" <<'PY'
import re
import sys
from pathlib import PurePosixPath

import yaml

path = sys.argv[1]


def fail(message: str) -> None:
    print(f"{path}: {message}", file=sys.stderr)
    sys.exit(1)


try:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
    fail(f"cannot read it: {exc}")
if not isinstance(data, dict):
    fail("expected a mapping of settings (screen, broker, public_keys …)")
screen = str(data.get("screen") or "")
if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", screen):
    fail(f"screen: {screen!r} is missing or not a screen id (a-z, 0-9, - and _, as in layouts/)")
print(f"screen\t{screen}")
keys = data.get("public_keys") or []
if isinstance(keys, str):
    keys = [keys]
if not keys:
    print("warn\tno public_keys: the player refuses to start without a trusted publisher key")
for name in [*keys, data.get("ca_file")]:
    if not name:
        continue
    name = str(name)
    pure = PurePosixPath(name)
    if pure.is_absolute():
        print(f"absolute\t{name}")
    elif ".." in pure.parts:
        fail(f"{name}: files the config names must sit beside it or below (no ..)")
    else:
        print(f"file\t{name}")
if data.get("cache_dir"):
    print(f"note\tthe service keeps the cache in /var/lib/signage/players/{screen} (not cache_dir)")
out_dir = (data.get("renderer") or {}).get("out_dir") if isinstance(data.get("renderer"), dict) else None
if out_dir and not str(out_dir).startswith("/var/lib/signage/"):
    print(f"warn\trenderer.out_dir {out_dir} is read-only for the service: leave it out "
          "(boards go to the cache) or put it under /var/lib/signage/")
PY
}

# --- steps -----------------------------------------------------------------------------------

install_packages

screen="" files=() absolutes=()
config_lines=$(read_config) || exit 1
while IFS=$'\t' read -r what value; do
  case $what in
    screen) screen=$value ;;
    file) files+=("$value") ;;
    absolute) absolutes+=("$value") ;;
    warn) warn "$value" ;;
    note) note "$value" ;;
  esac
done <<<"$config_lines"
[ -n "$screen" ] || die "$config: no screen id"
config_dir=$(dirname "$config")
for name in "${files[@]}"; do
  [ -f "$config_dir/$name" ] || die "$config names $name, which is not beside it ($config_dir/$name)"
done
for name in "${absolutes[@]}"; do
  [ -e "$root$name" ] || warn "$config names $name, which is not on this machine yet"
done

case $kind in
  kiosk) if ((kms)); then unit=signage-kiosk-kms@$screen.service; else unit=signage-kiosk@$screen.service; fi ;;
  *) unit=signage-player@$screen.service ;;
esac
note "screen $screen: $kind player as $unit"

# The user the services run as; the groups its kind needs (only those this system has).
groups=()
case $kind in
  led) groups=(dialout) ;;  # serial LED controllers (/dev/ttyUSB*, /dev/ttyAMA*)
  kiosk) groups=(video render input audio) ;;  # display, touch, read-aloud
esac
if [ -n "$root" ]; then
  note "staging root: not creating user $USER_NAME${groups[*]:+ (groups ${groups[*]})}"
else
  if ! getent passwd "$USER_NAME" >/dev/null; then
    run useradd --system --user-group --home-dir "$STATE" --no-create-home \
      --shell /usr/sbin/nologin --comment "disclosure signage" "$USER_NAME"
  fi
  for group in "${groups[@]}"; do
    if getent group "$group" >/dev/null; then
      run usermod -a -G "$group" "$USER_NAME"
    else
      warn "no group $group on this system: the service's SupplementaryGroups= needs it"
    fi
  done
fi

# The program: a virtualenv with the checkout pip installed into it.
install_program

# The config and what it names beside itself, readable by the service only.
directory "$ETC" 0755
directory "$PLAYERS" 0750 "root:$USER_NAME"
put "$config" "$PLAYERS/$screen.yaml" 0640 "root:$USER_NAME"
for name in "${files[@]}"; do
  [ "$(dirname "$name")" = . ] || directory "$PLAYERS/$(dirname "$name")" 0750 "root:$USER_NAME"
  put "$config_dir/$name" "$PLAYERS/$name" 0640 "root:$USER_NAME"
done

cage_flags="-s"
for ((turn = 0; turn < rotate / 90; turn++)); do cage_flags+=" -r"; done
{
  echo "# Written by deploy/setup-player.sh; read by $unit (EnvironmentFile=)."
  echo "SIGNAGE_KIND=$kind"
  if [ "$kind" = kiosk ] && ((!kms)); then
    echo "# cage: -s allows switching VTs (Ctrl+Alt+F2 for maintenance); each -r turns 90° clockwise."
    echo "SIGNAGE_CAGE_FLAGS=$cage_flags"
  fi
} | write "$PLAYERS/$screen.env" 0640 "root:$USER_NAME"

# The units, and what this kind of player needs from its unit.
for file in signage-player@.service signage-kiosk@.service signage-kiosk-kms@.service; do
  put "$SCRIPT_DIR/systemd/$file" "$UNIT_DIR/$file" 0644
done
dropin=$UNIT_DIR/signage-player@$screen.service.d
case $kind in
  led)
    write "$dropin/10-kind.conf" 0644 <<'EOF'
# Written by deploy/setup-player.sh: an LED sign may be driven over a serial port.
[Service]
SupplementaryGroups=dialout
EOF
    ;;
  board|log)
    write "$dropin/10-kind.conf" 0644 <<EOF
# Written by deploy/setup-player.sh: a $kind player needs no devices (lp talks to CUPS over its socket).
[Service]
PrivateDevices=yes
EOF
    ;;
  kiosk)
    if [ -e "$root$dropin" ]; then run rm -rf "$root$dropin"; fi
    if ((!kms)); then put "$SCRIPT_DIR/kiosk/pam-signage-kiosk" /etc/pam.d/signage-kiosk 0644; fi
    ;;
esac

# Enable this screen's unit; retire the others it may have had (another kind, cage vs KMS).
system systemctl daemon-reload
for other in "signage-player@$screen.service" "signage-kiosk@$screen.service" \
             "signage-kiosk-kms@$screen.service"; do
  [ "$other" = "$unit" ] && continue
  if [ -n "$root" ]; then
    [ ! -L "$root$UNIT_DIR/multi-user.target.wants/$other" ] || run rm -f "$root$UNIT_DIR/multi-user.target.wants/$other"
  elif systemctl is-enabled --quiet "$other" 2>/dev/null || systemctl is-active --quiet "$other"; then
    run systemctl disable --now "$other"
  fi
done
enable_unit "$unit"

if [ "$kind" = kiosk ]; then
  # The kiosk owns tty1: no login prompt there (cage's setup; the unit also Conflicts= it).
  if [ -n "$root" ]; then
    note "staging root: on the box, run: systemctl disable getty@tty1.service"
  else
    run systemctl disable getty@tty1.service
    if systemctl is-enabled --quiet display-manager.service 2>/dev/null; then
      warn "a display manager is enabled and competes for the screen; for a kiosk: systemctl disable display-manager.service"
    fi
    blank=$(cat /sys/module/kernel/parameters/consoleblank 2>/dev/null || echo 0)
    if [ "$blank" != 0 ]; then
      warn "the console blanks after ${blank}s: add consoleblank=0 to the kernel command line (docs/DEPLOY-SERVICES.md)"
    fi
  fi
fi

start_unit "$unit"
note "done: $unit"
