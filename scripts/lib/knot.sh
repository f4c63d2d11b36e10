# Knot DNS for the interop scripts; source it, then call ensure_knot NAME (NAME prefixes messages).
# Puts /usr/sbin on PATH (knotd and knotc live there). When Knot is missing: as root, installs it
# with apt-get; otherwise prints "NAME: SKIPPED: ..." and exits 0, so the caller is skipped.

PATH="$PATH:/usr/sbin:/sbin"

have_knot() {
  command -v knotd >/dev/null && command -v knotc >/dev/null && command -v kdig >/dev/null
}

ensure_knot() {
  local name=$1
  have_knot && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "$name: SKIPPED: Knot DNS is not installed and installing it needs root:" \
      "run 'apt-get install knot knot-dnsutils' (Debian/Ubuntu), then scripts/$name again"
    exit 0
  fi
  echo "$name: installing Knot DNS (apt-get install knot knot-dnsutils)..."
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq knot knot-dnsutils >/dev/null
  if ! have_knot; then
    echo "$name: knotd, knotc or kdig still missing after installing knot and knot-dnsutils" >&2
    exit 1
  fi
  # A system knotd the package may have started (port 53) is left alone: the scripts run their own.
}
