#!/usr/bin/env bash
# Refresh the translation catalogs: extract every translatable string of app/ (Python and
# Jinja templates), merge it into translations/zh and translations/en, and compile the .mo files.
#
# Run it after adding or changing any _("..."), _l("...") or {{ _("...") }} in app/, then fill
# the new entries in translations/zh/LC_MESSAGES/messages.po (msgstr = the Chinese text; for a
# Chinese msgid the msgid itself) and translations/en/LC_MESSAGES/messages.po (the English text),
# and run it once more (or just `make translations`) to compile. tests/test_i18n.py fails while a
# string is missing from either catalog or has an empty or fuzzy msgstr.
#
# FAB's own strings that our zh catalog overrides or fills (Add, Edit, Delete, ...) are listed in
# app/i18n_fab.py, so `update` keeps them instead of marking them obsolete.
#
# The steps run one after another. Do not use `flask fab babel-extract`: it starts extract and
# update without waiting for each other, and the catalogs come out obsolete.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
POT=translations/messages.pot
KEYWORDS=(-k _l -k lazy_gettext -k lazy_ngettext:1,2)

"$PYBABEL" -q extract -F babel.cfg "${KEYWORDS[@]}" --no-location --sort-output \
    --project="service-governance-console" -o "$POT" app
for locale in zh en; do
    if [ -f "translations/$locale/LC_MESSAGES/messages.po" ]; then
        "$PYBABEL" -q update -N --ignore-obsolete -i "$POT" -d translations -l "$locale"
    else
        "$PYBABEL" -q init -i "$POT" -d translations -l "$locale"
    fi
done
# A run that changed nothing but the creation date leaves the committed files untouched.
for f in "$POT" translations/*/LC_MESSAGES/messages.po; do
    if git ls-files --error-unmatch "$f" >/dev/null 2>&1 \
        && git diff --quiet -I '^"POT-Creation-Date: ' -I '^"PO-Revision-Date: ' -- "$f"; then
        git checkout -q -- "$f"
    fi
done
# "N of M messages translated" per locale: less than 100% means msgstr left to fill.
"$PYBABEL" compile --statistics -d translations 2>&1 | { grep -v "^compiling" || true; }
