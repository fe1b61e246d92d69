# Shared by the images' entrypoints (sourced).
die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# render TEMPLATE: the template with each ${NAME} outside comments filled from
# the environment (the native stack fills the same files in infra/src/stack)
render() {
  local names name
  names=$(grep -v '^#' "$1" | grep -o '\${[A-Z][A-Z0-9_]*}' | sort -u | tr -d '${}')
  for name in $names; do
    [ -n "${!name:-}" ] || die "$1 needs $name, which is not set"
  done
  envsubst "$(printf '${%s} ' $names)" <"$1"
}
