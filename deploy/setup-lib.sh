# Shared by setup-player.sh and setup-publisher.sh (sourced, not run). The caller sets SCRIPT_DIR, PROGRAM,
# root (a staging root, or empty for the live system), dry_run and start (0/1), UNIT_DIR and
# packages.
# shellcheck shell=bash disable=SC2154

# Where everything goes, the same for every box.
# shellcheck disable=SC2034  # used by the scripts that source this
REPO_DIR=$(dirname "$SCRIPT_DIR")
PREFIX=/opt/signage
VENV=$PREFIX/venv
ETC=/etc/signage
STATE=/var/lib/signage
UNIT_DIR=/etc/systemd/system
USER_NAME=signage

die() { echo "$PROGRAM: error: $*" >&2; exit 1; }
note() { echo "$PROGRAM: $*"; }
warn() { echo "$PROGRAM: warning: $*" >&2; }

# --- doing, or saying what would be done -------------------------------------------------------

run() {  # a command that changes the system
  if ((dry_run)); then echo "+ $*"; else "$@"; fi
}
system() {  # ... that only makes sense on the live system (not in a staging root)
  if [ -n "$root" ]; then echo "skipped in staging root: $*"; else run "$@"; fi
}
chown_() {  # ownership needs the signage user: only on the live system
  if [ -z "$root" ]; then chown "$1" "$2"; fi
}
put() {  # put SOURCE DEST MODE [OWNER:GROUP]: install a file into the root
  local src=$1 dest=$root$2 mode=$3 owner=${4:-}
  if ((dry_run)); then echo "+ install -m $mode $src $dest${owner:+ ($owner)}"; return; fi
  install -D -m "$mode" "$src" "$dest"
  [ -z "$owner" ] || chown_ "$owner" "$2"
}
write() {  # write DEST MODE [OWNER:GROUP] < content
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if ((dry_run)); then
    echo "+ write $root$1 (mode $2):"
    sed -e 's/^/    /' -e 's#//[^@/]*:[^@/]*@#//***:***@#' "$tmp"  # no passwords on the screen
    rm -f "$tmp"
    return
  fi
  put "$tmp" "$@"
  rm -f "$tmp"
}
directory() {  # directory PATH MODE [OWNER:GROUP]
  if ((dry_run)); then echo "+ install -d -m $2 $root$1${3:+ ($3)}"; return; fi
  install -d -m "$2" "$root$1"
  [ -z "${3:-}" ] || chown_ "$3" "$1"
}
# Enabling a unit: systemctl on the live system; in a staging root, the symlink systemctl would
# make (every unit here is WantedBy=multi-user.target), so staging needs no systemd at all.
enable_unit() {
  if [ -z "$root" ]; then run systemctl enable "$1"; return; fi
  local wants=$UNIT_DIR/multi-user.target.wants template=$1
  [[ $1 != *@* ]] || template=${1%%@*}@.service
  directory "$wants" 0755
  run ln -sfn "$UNIT_DIR/$template" "$root$wants/$1"
}

install_packages() {  # the Debian packages in ${packages[@]} that are missing
  if [ -n "$root" ]; then note "staging root: not installing packages (${packages[*]})"; return; fi
  command -v dpkg-query >/dev/null 2>&1 || die "not a Debian system: install ${packages[*]} yourself"
  local missing=() pkg
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then note "packages: all present"; return; fi
  note "installing ${missing[*]}"
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

start_unit() {  # (re)start the unit now, unless --no-start
  if ((start)); then
    system systemctl restart "$1"
    if [ -z "$root" ] && ((!dry_run)); then note "started; follow it with: journalctl -u $1 -f"; fi
  else
    note "not started (--no-start): systemctl start $1"
  fi
}

check_target() {  # sets root (absolute), build_venv and source_dir; refuses what cannot work
  build_venv=1
  if [ -n "$root" ]; then
    if ((!dry_run)); then mkdir -p "$root" || die "--root $root: cannot create it"; fi
    if [ -d "$root" ]; then root=$(cd "$root" && pwd); fi
    [ "$root" != / ] || die "--root /: leave --root out to install on this machine"
    [ -n "$source_dir" ] || build_venv=0
  fi
  source_dir=${source_dir:-$REPO_DIR}
  [ -f "$source_dir/pyproject.toml" ] || die "--source $source_dir: not a signage checkout (no pyproject.toml)"
  if [ -z "$root" ] && ((!dry_run)) && [ "$(id -u)" != 0 ]; then
    die "run as root (sudo $0 ...), or stage with --root DIR"
  fi
}

install_program() {  # a virtualenv with the checkout pip installed into it, and the docs
  if ((build_venv)); then
    [ -x "$root$VENV/bin/python" ] || run python3 -m venv "$root$VENV"
    run "$root$VENV/bin/python" -m pip install --quiet --upgrade "$source_dir"
  else
    note "staging root without --source: not building $VENV"
  fi
  put "$REPO_DIR/docs/DEPLOY-SERVICES.md" "$PREFIX/share/DEPLOY-SERVICES.md" 0644
  put "$REPO_DIR/docs/DEPLOY.md" "$PREFIX/share/DEPLOY.md" 0644
}
