# Knot DNS for the interop scripts; source it, then call ensure_knot NAME (NAME prefixes messages).
# When Knot is missing: as root, installs it with apt-get; otherwise prints "NAME: SKIPPED: ..." and
# exits 0, so the caller is skipped.

# shellcheck source=packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

ensure_knot() {
  ensure_commands "$1" "knot knot-dnsutils" knotd knotc kdig
}
