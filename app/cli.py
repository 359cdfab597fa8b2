"""Flask commands: roles, demo data."""
import click
from flask.cli import with_appcontext
from sqlalchemy import text

from .extensions import appbuilder, db


@click.command("init-roles")
@with_appcontext
def init_roles_command():
    """Create the console's roles and set their permissions as app/security/roles.py declares."""
    from .security.roles import install_roles

    counts = install_roles(appbuilder)
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name}: {count}")


@click.command("audit-verify")
@with_appcontext
def audit_verify_command():
    """Check the audit trail's hash chain; exit 1 and name the first broken link if any."""
    from flask_babel import gettext as _

    from .services.audit import verify

    with db.engine.connect() as conn:
        broken = verify(conn)
        total = conn.execute(text("SELECT count(*) FROM audit_entry")).scalar()
    if broken is None:
        click.echo(_("审计日志完整：共 {n} 条，哈希链校验通过。").format(n=total))
        return
    seq, reason = broken
    reasons = {"missing": _("该条缺失或已被删除"), "prev_hash": _("前一条摘要不符"),
               "hash": _("内容与摘要不符（已被篡改）")}
    click.echo(_("审计日志校验失败：第 {seq} 条，{reason}。").format(seq=seq, reason=reasons[reason]),
               err=True)
    raise SystemExit(1)


@click.command("send-reminders")
@click.option("--include-amber", is_flag=True,
              help="Also remind departments that are not late yet but behind the current phase.")
@click.option("--date", "on_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge lateness as of this day (default: today).")
@with_appcontext
def send_reminders_command(include_amber, on_date):
    """Remind every overdue department on the campaign board (in-app, and by e-mail when SMTP
    is configured); meant for cron."""
    from .services import board, reminders

    brd = board.build(db.session, today=on_date.date() if on_date else None)
    rows = reminders.lagging_rows(brd, include_amber=include_amber)
    result = reminders.send_reminders(db.session, brd, rows)
    db.session.commit()
    click.echo(result.summary())
    if result.error:
        raise SystemExit(2)


def register_cli(app):
    app.cli.add_command(init_roles_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(audit_verify_command)
    from .services.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)
