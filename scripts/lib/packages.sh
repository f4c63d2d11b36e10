# Debian packages the test scripts drive; source it, then call
# ensure_commands NAME "PACKAGE..." COMMAND... (NAME prefixes messages). Puts /usr/sbin on PATH.
# When a command is missing: as root, installs the packages with apt-get; otherwise prints
# "NAME: SKIPPED: ..." and exits 0, so the caller is skipped.

PATH="$PATH:/usr/sbin:/sbin"

ensure_commands() {
  local name=$1 packages=$2
  shift 2
  local command missing=()
  for command in "$@"; do
    command -v "$command" >/dev/null || missing+=("$command")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "$name: SKIPPED: ${missing[*]} not installed, and installing needs root:" \
      "run 'apt-get install $packages' (Debian/Ubuntu), then scripts/$name again"
    exit 0
  fi
  echo "$name: installing ${missing[*]} (apt-get install $packages)..."
  timeout 300 apt-get update -qq
  # shellcheck disable=SC2086 # the package list is words
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq $packages >/dev/null
  for command in "$@"; do
    if ! command -v "$command" >/dev/null; then
      echo "$name: $command still missing after installing $packages" >&2
      exit 1
    fi
  done
  # A system daemon the package may have started (port 53) is left alone: the scripts run their own.
}
