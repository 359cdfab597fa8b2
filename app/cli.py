"""Flask commands: roles, demo data, sheet import; the audit trail's are in cli_audit.py."""

import time

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .extensions import appbuilder, db
from .services.demo import seed


@click.command("init-roles")
@with_appcontext
def init_roles_command():
    """Create the console's roles and set their permissions as app/security/roles.py declares."""
    from .security.roles import install_roles

    counts = install_roles(appbuilder)
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name}: {count}")


@click.command("send-reminders")
@click.option(
    "--include-amber",
    is_flag=True,
    help="Also remind departments that are not late yet but behind the current phase.",
)
@click.option(
    "--date",
    "on_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge lateness as of this day (default: today).",
)
@with_appcontext
def send_reminders_command(include_amber, on_date):
    """Remind every overdue department on the campaign board (in-app, and by e-mail when SMTP
    is configured); meant for cron."""
    from app.services.campaign import board, reminders

    brd = board.build(db.session, today=on_date.date() if on_date else None)
    rows = reminders.lagging_rows(brd, include_amber=include_amber)
    result = reminders.send_reminders(db.session, brd, rows)
    db.session.commit()
    click.echo(result.summary())
    if result.error:
        raise SystemExit(2)


@click.command("check-entries")
@click.option(
    "--user",
    "username",
    metavar="NAME",
    help="以该用户的身份检查（默认：信息中心管理员权限的系统身份）。",
)
@with_appcontext
def check_entries_command(username):
    """Check every live item's online entry and open ledger tasks for repeated failures; meant
    for cron (exit status 1 when an entry failed)."""
    from flask import current_app

    from app.services.ledger import entries

    counts = entries.check_all(db.session, _cli_user(username), current_app.config)
    db.session.commit()
    click.echo(
        _(
            "可访问 {alive}，失效 {dead}，无法连接 {unreachable}，不是网址 {no_url}；"
            "新登记整改任务 {tasks} 条。"
        ).format(**counts)
    )
    if counts["dead"] or counts["unreachable"]:
        raise SystemExit(1)


@click.command("import-sheet")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--department",
    "department_code",
    metavar="CODE",
    help="只导入该部门（部门编码）的数据；其他部门的行报错。",
)
@click.option("--dry-run", is_flag=True, help="只检查并预览，不写入数据库。")
@click.option(
    "--user",
    "username",
    metavar="NAME",
    help="以该用户的身份和权限导入（默认：信息中心管理员权限的系统身份）。",
)
@with_appcontext
def import_sheet_command(file, department_code, dry_run, username):
    """Import a filled template (附件1-4): every row is checked first; only a file without
    errors is applied, in one transaction."""
    import sys
    from pathlib import Path

    from app.services.errors import DomainError
    from app.services.sheets import importer as sheet_import
    from app.services.sheets.exporter import resolve_department

    session = db.session
    user = _cli_user(username)
    data = Path(file).read_bytes()
    try:
        department = resolve_department(session, user, department_code) if department_code else None
        total = _count_rows(data)
        with click.progressbar(
            length=total, label=_("检查并导入"), file=sys.stderr, show_pos=True
        ) as bar:
            report = sheet_import.run_import(
                session, data, user, department=department, dry_run=dry_run, progress=bar.update
            )
    except DomainError as error:
        session.rollback()
        click.echo(str(error), err=True)
        raise SystemExit(2) from error
    for problem in report.problems:
        where = "、".join(
            x
            for x in (
                problem.sheet,
                _("第 {n} 行").format(n=problem.row) if problem.row else "",
                problem.column or "",
            )
            if x
        )
        level = _("错误") if problem.level == "error" else _("提示")
        click.echo(f"[{level}] {where}：{problem.message}", err=problem.level == "error")
    counts = _("新增 {a}，修改 {c}，删除 {d}，未变 {s}，跳过 {k}").format(
        a=report.total("add"),
        c=report.total("change"),
        d=report.total("delete"),
        s=report.total("same"),
        k=report.total("skip"),
    )
    if not report.ok:
        session.rollback()
        click.echo(_("发现 {n} 处错误，未导入任何数据。").format(n=len(report.errors)), err=True)
        raise SystemExit(1)
    if dry_run:
        session.rollback()
        for change in report.changes[:200]:
            click.echo(_format_change(change))
        click.echo(_("预览（未写入）：{counts}。").format(counts=counts))
        return
    session.commit()
    click.echo(_("导入完成：{counts}。").format(counts=counts))


def _format_change(change):

    verbs = {"add": _("新增"), "change": _("修改"), "delete": _("删除")}
    fields = "；".join(f"{label}: {before} → {after}" for label, before, after in change.fields)
    return f"{verbs[change.action]} {change.sheet} {change.key} {fields}"


def _count_rows(data):
    """Rows the progress bar counts (from the sheets' dimensions; 0 when unknown)."""
    from app.services.sheets.reading import open_workbook
    from app.services.sheets.specs import detect

    book = open_workbook(data)
    try:
        spec = detect(book.sheetnames)
        if spec is None:
            return 0
        return sum(
            max((book[s.title].max_row or 2) - 2, 0)
            for s in spec.sheets
            if s.title in book.sheetnames
        )
    finally:
        book.close()


def _cli_user(username):
    """The user a command acts as: a named one, or the system with the IT office's rights."""
    from types import SimpleNamespace

    from .security.roles import IT_ADMIN

    if username:
        user = appbuilder.sm.find_user(username=username)
        if user is None:
            click.echo(_("用户“{name}”不存在。").format(name=username), err=True)
            raise SystemExit(2)
        return user
    return SimpleNamespace(
        id=None,
        username="system",
        is_authenticated=True,
        department_id=None,
        roles=[SimpleNamespace(name=IT_ADMIN)],
    )


@click.command(
    "seed-demo",
    help="生成演示学院：部门、联系人、服务事项、信息系统、工作安排、"
    "整改任务和各角色演示用户。可重复执行，已有数据不会重复添加。",
)
@click.option(
    "--items",
    default=str(seed.DEFAULT_ITEMS),
    show_default=True,
    metavar="N",
    help="服务事项数量（0 到 1000000），用于性能测试时可设为 100000。",
)
@with_appcontext
def seed_demo_command(items):
    """Build the demo college; --items scales the service items (and systems) for benchmarks."""
    try:
        count = seed.parse_item_count(items)
    except ValueError as error:
        click.echo(str(error), err=True)
        raise click.exceptions.Exit(2) from error
    started = time.perf_counter()
    seed.seed_demo(db.session.commit, count, echo=click.echo)
    click.echo(_("用时 {seconds} 秒。").format(seconds=f"{time.perf_counter() - started:.1f}"))


@click.command("hall-sync")
@with_appcontext
def hall_sync_command():
    """Suspend the trained roles of whoever's assessment expired (art. 18), then end every filed
    handler the directory shows gone, moved or off the staff (for cron): a handover opens for
    the unit's process administrator; exit 2 when the directory is down."""
    from app.security.ldap_auth import DirectoryUnavailable
    from app.services.access import training
    from app.services.review import handlers

    for username, roles in training.suspend_all_expired(db.session).items():
        click.echo(
            _("{user}：培训考核过期，暂停{roles}").format(user=username, roles="、".join(roles))
        )
    db.session.commit()
    try:
        ended = handlers.sync_directory(db.session)
    except DirectoryUnavailable as error:
        db.session.rollback()
        click.echo(_("统一身份认证服务无法连接：{error}").format(error=error), err=True)
        raise SystemExit(2) from error
    db.session.commit()
    for row in ended:
        click.echo(f"{row.username} {row.node}: {row.end_reason}")
    click.echo(_("已结束 {n} 条办理人备案。").format(n=len(ended)))


def register_cli(app):
    app.cli.add_command(init_roles_command)
    app.cli.add_command(hall_sync_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(import_sheet_command)
    app.cli.add_command(check_entries_command)
    from .cli_audit import COMMANDS as AUDIT_COMMANDS
    from .cli_backup import COMMANDS as BACKUP_COMMANDS

    for command in AUDIT_COMMANDS + BACKUP_COMMANDS:
        app.cli.add_command(command)
    app.cli.add_command(seed_demo_command)
