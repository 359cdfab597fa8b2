"""Fill empty msgstr entries of a catalog, without touching those already translated.

    .venv/bin/python scripts/po_fill.py translations/zh/LC_MESSAGES/messages.po --identity
    .venv/bin/python scripts/po_fill.py translations/en/LC_MESSAGES/messages.po \
        --from other/en.po [--from ...] [--pairs pairs.tsv]

--identity   a Chinese msgid is its own zh translation
--from PO    take the translation another catalog of the same language has (after merging
             branches that each translated their own strings)
--pairs TSV  msgid<TAB>msgstr lines (\\n written as \\\\n)
Prints the msgids still untranslated.
"""

import argparse
import re

from babel.messages.pofile import read_po, write_po

CJK = re.compile(r"[\u4e00-\u9fff]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog")
    parser.add_argument("--identity", action="store_true")
    parser.add_argument("--from", dest="sources", action="append", default=[])
    parser.add_argument("--pairs")
    args = parser.parse_args()
    with open(args.catalog, "rb") as handle:
        catalog = read_po(handle)
    known = {}
    for source in args.sources:
        with open(source, "rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    known.setdefault(message.id, message.string)
    if args.pairs:
        with open(args.pairs, encoding="utf-8") as handle:
            for line in handle:
                if "\t" in line:
                    msgid, msgstr = line.rstrip("\n").split("\t", 1)
                    known[msgid.replace("\\n", "\n")] = msgstr.replace("\\n", "\n")
    left = []
    for message in catalog:
        if not message.id or (message.string and not message.fuzzy):
            continue
        if message.id in known:
            message.string = known[message.id]
        elif args.identity and isinstance(message.id, str) and CJK.search(message.id):
            message.string = message.id
        else:
            left.append(message.id)
            continue
        message.flags.discard("fuzzy")
    with open(args.catalog, "wb") as handle:
        write_po(handle, catalog, width=76, sort_output=True)
    for msgid in left:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main()
