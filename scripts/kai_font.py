"""Build app/static/fonts/kai-signature.woff2: Debian's AR PL UKai CN (fonts-arphic-ukai) cut
down to what signatures are written in, so every reader and every print sees the same Kai
signature without 楷体 installed.

The subset holds the 6,763 characters of GB2312 (levels 1 and 2: practically every Chinese
name), the middle dot of minority names and printable ASCII. Run again only to change the set:

    .venv/bin/python scripts/kai_font.py
"""

import sys
from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
TARGET = Path(__file__).resolve().parent.parent / "app" / "static" / "fonts" / "kai-signature.woff2"


def gb2312_characters() -> str:
    """Every character of GB2312's two hanzi levels (rows 0xB0-0xF7)."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: apt-get install fonts-arphic-ukai", file=sys.stderr)
        return 1
    text = gb2312_characters() + "·" + "".join(chr(c) for c in range(0x20, 0x7F))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    subset.main(
        [
            str(SOURCE),
            "--font-number=0",
            f"--text={text}",
            "--flavor=woff2",
            "--layout-features=",
            "--no-hinting",
            "--desubroutinize",
            f"--output-file={TARGET}",
        ]
    )
    print(f"{TARGET}: {TARGET.stat().st_size // 1024} KB, {len(text)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
