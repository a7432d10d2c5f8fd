#!/usr/bin/env bash
# Every string marked for translation in the source is in the apps' catalogues (GNU gettext's
# xgettext finds them; `make messages` adds them). Translated and compiled is checked by
# kabinet/web/tests/test_translations.py in `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v xgettext >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) \
    || { echo "GNU gettext is missing and could not be installed"; exit 1; }
fi
root="$PWD"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r kabinet "$work/"
for app in "$work"/kabinet/*/; do
  [ -d "$app/locale" ] || continue
  (cd "$app" && KABINET_VAR_DIR="$work/var" "$root/.venv/bin/kabinet" makemessages \
    -l uk --no-obsolete --verbosity 0)
done
.venv/bin/python - "$work" <<'PY'
import sys
from pathlib import Path

from tests.po import KABINET, po_entries

work = Path(sys.argv[1]) / "kabinet"
missing = []
for fresh in sorted(work.glob("*/locale/uk/LC_MESSAGES/django.po")):
    committed = KABINET / fresh.relative_to(work)
    known = {entry.key for entry in po_entries(committed)}
    missing += [
        f"{committed.parents[3].name}: {entry.msgid!r}"
        for entry in po_entries(fresh)
        if entry.key not in known
    ]
print("\n".join(missing) or "every marked string is in the catalogues")
sys.exit(1 if missing else 0)
PY
