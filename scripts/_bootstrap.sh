# shellcheck shell=bash
# Shared set-up for scripts/demo, scripts/test and .ci/run; source it, do not run it.
#
# After `mahatat_bootstrap` the working directory is the repository root, .venv exists and is activated, and the
# project is installed in it with the pinned versions from constraints.txt. It is safe to run any number of
# times: the venv is made once, and pip runs again only when pyproject.toml or constraints.txt has changed.
#
# A caller that needs Chromium (scripts/test) sets MAHATAT_NEED_CHROMIUM=1 first.

set -euo pipefail

MAHATAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAHATAT_VENV="$MAHATAT_ROOT/.venv"
MAHATAT_STAMP="$MAHATAT_VENV/.mahatat-install-stamp"
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ -t 1 ]; then
	_bold=$'\033[1m' _red=$'\033[31m' _plain=$'\033[0m'
else
	_bold="" _red="" _plain=""
fi
say() { printf '%s==> %s%s\n' "$_bold" "$*" "$_plain"; }
die() {
	printf '%serror:%s %s\n' "$_red" "$_plain" "$*" >&2
	exit 1
}

# The first of python3.13, python3.12, python3.11, python3 that really runs and is >= 3.11 (pyenv shims and
# the like may exist and still fail), printed as the interpreter's own path.
mahatat_find_python() {
	local candidate path
	for candidate in python3.13 python3.12 python3.11 python3; do
		command -v "$candidate" >/dev/null 2>&1 || continue
		path="$("$candidate" -c 'import sys; print(sys.executable) if sys.version_info >= (3, 11) else sys.exit(1)' 2>/dev/null)" || continue
		[ -n "$path" ] && {
			printf '%s\n' "$path"
			return 0
		}
	done
	return 1
}

mahatat_venv_works() {
	[ -x "$MAHATAT_VENV/bin/python" ] &&
		"$MAHATAT_VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null
}

# Says exactly which system packages are missing, with the line that installs them, and stops.
mahatat_check_system() {
	local missing=() notes=() python="" pkg ldconfig
	if ! mahatat_venv_works; then
		if ! python="$(mahatat_find_python)"; then
			notes+=("Python 3.11 or newer (tried python3.13, python3.12, python3.11, python3)")
			missing+=(python3)
		elif ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
			pkg="$("$python" -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}-venv")')"
			notes+=("the venv module of $python")
			missing+=("$pkg")
		fi
	fi
	if ! command -v msgfmt >/dev/null 2>&1; then
		notes+=("gettext's msgfmt (compiles the translations)")
		missing+=(gettext)
	fi
	ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
	if ! "$ldconfig" -p 2>/dev/null | grep -q 'libpango-1\.0\.so' ||
		! "$ldconfig" -p 2>/dev/null | grep -q 'libpangoft2-1\.0\.so'; then
		notes+=("Pango (WeasyPrint uses it to lay out Arabic text in PDFs)")
		missing+=(libpango-1.0-0 libpangoft2-1.0-0)
	fi
	if [ -n "${MAHATAT_NEED_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
		notes+=("Chromium at /usr/bin/chromium, for the browser tests (or skip them: scripts/test --no-browser)")
		missing+=(chromium)
	fi
	if [ "${#missing[@]}" -gt 0 ]; then
		local sudo="sudo "
		[ "$(id -u)" = 0 ] && sudo=""
		{
			printf '%sMissing system packages:%s\n' "$_red" "$_plain"
			printf '  - %s\n' "${notes[@]}"
			printf 'Install them with:\n\n    %sapt-get install -y %s\n\nthen run this command again.\n' \
				"$sudo" "${missing[*]}"
		} >&2
		exit 1
	fi
}

mahatat_install_hash() {
	cat "$MAHATAT_ROOT/pyproject.toml" "$MAHATAT_ROOT/constraints.txt" | sha256sum | cut -d' ' -f1
}

mahatat_bootstrap() {
	cd "$MAHATAT_ROOT"
	mahatat_check_system
	if ! mahatat_venv_works; then
		local python
		python="$(mahatat_find_python)"
		say "Creating the virtual environment in .venv with $python"
		"$python" -m venv --clear "$MAHATAT_VENV"
		rm -f "$MAHATAT_STAMP"
	fi
	# shellcheck disable=SC1091
	. "$MAHATAT_VENV/bin/activate"
	local want
	want="$(mahatat_install_hash)"
	if [ ! -f "$MAHATAT_STAMP" ] || [ "$(cat "$MAHATAT_STAMP")" != "$want" ]; then
		say "Installing Mahatat and its pinned dependencies (pip install -c constraints.txt -e .[dev])"
		python -m pip install --quiet --quiet -c constraints.txt -e ".[dev]"
		printf '%s\n' "$want" >"$MAHATAT_STAMP"
	fi
}

# Compiles locale/*/LC_MESSAGES/*.po to .mo (never the catalogues inside .venv).
mahatat_compilemessages() {
	if ! compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
		say "No translation catalogue under locale/ yet: pages will show the English source strings"
		return 0
	fi
	say "Compiling translations"
	python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
}
