"""Excel upload memory: a zip bomb and a normal filled template, each imported in a fresh
process whose peak RSS is printed next to the 300 MB a worker may use.

The bomb is the whole-college service-item template (附件1) with one more row whose one cell
holds `--bomb-mb` MB of one repeated character: a few hundred KB on disk that openpyxl would
inflate in memory in full (the report that opened this: 389 KB -> 398 MB, a worker from 193 MB
to 922 MB). The normal file is the same template as downloaded. Each import is a dry run in a
subprocess (`--child`), as the upload page runs it; `--unguarded` lifts the archive limits in
the child to show what they prevent (needs about 1 GB of memory for the default bomb).

    .venv/bin/python bench/upload_bomb.py [--items 2000] [--bomb-mb 398] [--unguarded]
"""

import argparse
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_USER, OUT, bench_app

LIMIT_MB = 300


def rss_mb():
    """This process's resident memory now (VmRSS), in MB."""
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


def build_bomb(template, target, inflate_mb):
    """Copy `template` into `target` with one more row on its largest sheet, whose one cell
    holds `inflate_mb` MB of one repeated character; written in chunks, so that building the
    bomb needs no memory either."""
    chunk = ("A" * (1024 * 1024)).encode("ascii")
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w") as bomb:
        sheet = max(
            (i for i in source.infolist() if i.filename.startswith("xl/worksheets/")),
            key=lambda i: i.file_size,
        )
        for info in source.infolist():
            if info.filename != sheet.filename:
                bomb.writestr(info, source.read(info.filename), zipfile.ZIP_DEFLATED, 9)
        xml = source.read(sheet.filename).decode("utf-8")
        head, _sep, tail = xml.partition("</sheetData>")
        last = max(int(n) for n in re.findall(r'<row r="(\d+)"', head))
        info = zipfile.ZipInfo(sheet.filename, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 9  # ZipInfo.compress_level from Python 3.13
        with bomb.open(info, "w") as part:
            part.write(head.encode("utf-8"))
            part.write(f'<row r="{last + 1}"><c r="B{last + 1}" t="inlineStr"><is><t>'.encode())
            for _ in range(inflate_mb):
                part.write(chunk)
            part.write(("</t></is></c></row></sheetData>" + tail).encode("utf-8"))


def normal_template(app, path):
    """The whole-college service-item template, as downloaded."""
    from app.extensions import db
    from app.models import ConsoleUser
    from app.services.sheets import exporter

    with app.app_context():
        user = db.session.query(ConsoleUser).filter_by(username=BENCH_USER).one()
        _name, data = exporter.template_workbook(db.session, user, "items")
        db.session.rollback()
    Path(path).write_bytes(data)


def child(path, items, unguarded):
    """Import `path` as a dry run and print the outcome (runs in its own process)."""
    app = bench_app(items)
    if unguarded:
        app.config.update(
            SHEET_MAX_UNCOMPRESSED_MB=10**6,
            SHEET_MAX_COMPRESSION_RATIO=10**9,
            SHEET_MAX_CELLS=10**9,
        )
    data = Path(path).read_bytes()
    with app.app_context():
        from app.extensions import db
        from app.models import ConsoleUser
        from app.services.errors import DomainError
        from app.services.sheets import importer

        user = db.session.query(ConsoleUser).filter_by(username=BENCH_USER).one()
        print(f"baseline_mb={rss_mb():.0f}", flush=True)
        started = time.perf_counter()
        try:
            report = importer.run_import(db.session, data, user, dry_run=True)
            outcome = f"read {report.rows} rows, {len(report.errors)} errors"
        except DomainError as error:
            outcome = f"refused: {error}"
        db.session.rollback()
        print(f"seconds={time.perf_counter() - started:.2f}", flush=True)
        print(f"outcome={outcome}", flush=True)


def run_child(path, items, unguarded):
    """(stdout fields, peak RSS in MB) of one child import."""
    args = [sys.executable, __file__, "--child", str(path), "--items", str(items)]
    if unguarded:
        args.append("--unguarded")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    fields["status"] = os.waitstatus_to_exitcode(status)
    return fields, usage.ru_maxrss / 1024


def describe(path):
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    inflated = sum(i.file_size for i in infos)
    worst = max(infos, key=lambda i: i.file_size / max(i.compress_size, 1))
    return (
        path.stat().st_size / 1024,
        inflated / 1024 / 1024,
        worst.file_size / max(worst.compress_size, 1),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--bomb-mb", type=int, default=398)
    parser.add_argument("--unguarded", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.items, args.unguarded)

    app = bench_app(args.items)
    normal, bomb = OUT / "upload-normal.xlsx", OUT / "upload-bomb.xlsx"
    normal_template(app, normal)
    started = time.perf_counter()
    build_bomb(normal, bomb, args.bomb_mb)
    print(f"built the bomb in {time.perf_counter() - started:.1f} s")
    runs = [("normal template", normal, False), ("zip bomb", bomb, False)]
    if args.unguarded:
        runs.append(("zip bomb, limits lifted", bomb, True))
    print(
        f"{'upload':<24} {'file KB':>8} {'inflates MB':>11} {'worst ratio':>11} "
        f"{'seconds':>8} {'base MB':>8} {'peak MB':>8} {'limit MB':>8}  outcome"
    )
    for label, path, unguarded in runs:
        size_kb, inflated_mb, ratio = describe(path)
        fields, peak = run_child(path, args.items, unguarded)
        flag = "" if peak <= LIMIT_MB else "  OVER THE LIMIT"
        print(
            f"{label:<24} {size_kb:>8.0f} {inflated_mb:>11.1f} {ratio:>11.0f} "
            f"{fields.get('seconds', '-'):>8} {fields.get('baseline_mb', '-'):>8} "
            f"{peak:>8.0f} {LIMIT_MB:>8}  {fields.get('outcome', 'exit ' + str(fields['status']))}"
            f"{flag}"
        )


if __name__ == "__main__":
    main()
