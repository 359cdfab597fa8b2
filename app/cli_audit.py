"""Flask commands that keep the audit trail honest: verify, checkpoint, rekey, archive."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .extensions import db


def _reasons():
    return {
        "missing": _("该条缺失或已被删除"),
        "prev_hash": _("前一条摘要不符"),
        "hash": _("内容与签名不符（已被篡改，或审计密钥不对）"),
        "unkeyed": _(
            "自该条起的条目没有审计密钥签名（升级前的旧日志请先运行 flask audit-rekey；"
            "否则日志已被改写）"
        ),
        "cut": _("归档截点的签名无效（截点被伪造或审计密钥不对）"),
        "checkpoint": _("与签名检查点记录的摘要不符（已被改写）"),
        "truncated": _("该条及其后的条目已被删除（签名检查点记录的日志更长，日志被截断）"),
        "chain": _("签名检查点属于另一条审计链（数据库被替换或清空）"),
    }


def run_verify(write_checkpoint=True):
    """Verify the chain, its checkpoints and archives; print the outcome; True when intact."""
    from app.services.trail import archive, checkpoint

    with db.engine.connect() as conn:
        result = checkpoint.check(conn)
        files = archive.check_files(conn) if result.ok else []
        if result.ok and write_checkpoint:
            checkpoint.write(conn)
    if result.bad_line is not None:
        message = _(
            "审计日志校验失败：签名检查点文件第 {line} 行签名无效（被伪造，或审计密钥不对）。"
        )
        click.echo(message.format(line=result.bad_line), err=True)
        return False
    if result.broken is not None:
        seq, reason = result.broken
        message = _("审计日志校验失败：第 {seq} 条，{reason}。")
        click.echo(message.format(seq=seq, reason=_reasons()[reason]), err=True)
        return False
    bad = [(name, reason) for name, reason in files if reason not in (None, "absent")]
    for name, _reason in bad:
        click.echo(
            _("审计日志校验失败：归档文件 {name} 与其截点不符。").format(name=name), err=True
        )
    if bad:
        return False
    for name, reason in files:
        if reason == "absent":
            click.echo(_("提示：归档文件 {name} 不在归档目录中，未检查。").format(name=name))
    click.echo(
        _("审计日志完整：在线 {n} 条，哈希链校验通过（签名检查点 {c} 个，归档 {a} 份）。").format(
            n=result.entries, c=result.checkpoints, a=len(files)
        )
    )
    return True


@click.command("audit-verify")
@with_appcontext
def audit_verify_command():
    """Check the audit trail's keyed hash chain against its signed checkpoints and archives;
    exit 1 and name the first broken entry if any. Writes a checkpoint when it passes."""
    if not run_verify():
        raise SystemExit(1)


@click.command("audit-checkpoint")
@with_appcontext
def audit_checkpoint_command():
    """Append a signed checkpoint of the audit chain's head (for cron, e.g. hourly)."""
    from app.services.trail import checkpoint

    with db.engine.connect() as conn:
        body = checkpoint.write(conn)
    if body is None:
        click.echo(_("未设置 AUDIT_CHECKPOINT_FILE，未写入检查点。"), err=True)
        raise SystemExit(2)
    click.echo(
        _("已写入签名检查点：第 {seq} 条，共 {n} 条。").format(seq=body["seq"], n=body["count"])
    )


@click.command("audit-rekey")
@with_appcontext
def audit_rekey_command():
    """Anchor entries written before the chain was keyed: append a keyed entry after them and a
    checkpoint (run once after upgrading; harmless later)."""
    from app.services.trail import audit, chain, checkpoint

    with db.engine.connect() as conn:
        broken = chain.verify(conn)
    if broken is not None and broken[1] != "unkeyed":
        run_verify(write_checkpoint=False)
        raise SystemExit(1)
    audit.record_event(
        db.session,
        "rekey",
        record_type="audit_entry",
        summary=_("审计链此后以审计密钥签名"),
    )
    db.session.commit()
    with db.engine.connect() as conn:
        checkpoint.write(conn)
    if not run_verify(write_checkpoint=False):
        raise SystemExit(1)


@click.command("audit-archive")
@click.option(
    "--before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="归档并清理该日期（UTC）之前的审计条目；须早于保留期（至少 185 天）。",
)
@with_appcontext
def audit_archive_command(before):
    """Write the audit entries older than --before to a signed, compressed archive, record the
    cut and purge them; refuses anything younger than AUDIT_RETENTION_DAYS (>= 185)."""
    from app.services.errors import DomainError
    from app.services.trail import archive

    try:
        cut = archive.archive(db.session, before)
    except DomainError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        raise SystemExit(2) from error
    if cut is None:
        db.session.rollback()
        click.echo(_("没有 {date} 之前的审计条目需要归档。").format(date=before.date().isoformat()))
        return
    db.session.commit()
    click.echo(
        _("已归档第 {first} 至 {last} 条到 {path}，并从数据库中清理。").format(
            first=cut.first_seq, last=cut.seq, path=archive.archive_dir() / cut.file_name
        )
    )
    if not run_verify():
        raise SystemExit(1)


COMMANDS = (
    audit_verify_command,
    audit_checkpoint_command,
    audit_rekey_command,
    audit_archive_command,
)
