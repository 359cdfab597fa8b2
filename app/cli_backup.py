"""Flask commands that back up and restore the whole console (database and files)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .extensions import db


def _head_revision():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(
        current_app.extensions["migrate"].migrate.get_config()
    ).get_current_head()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Write one backup file (tar: manifest, database, instance files, audit checkpoints and
    archives) of the running console; safe while others keep working."""
    from app.services.maintenance import backup

    try:
        manifest = backup.backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"], Path(path), current_app.config
        )
    except backup.BackupError as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from error
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(
        _(
            "备份完成：{path}（{tables} 张表，{rows} 行，{files} 个文件，数据库版本 {rev}）。"
        ).format(
            path=path,
            tables=len(manifest["tables"]),
            rows=rows,
            files=len(manifest["parts"]) - 1,
            rev=manifest["alembic_revision"],
        )
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="目标数据库不是空的也覆盖。")
@with_appcontext
def restore_command(path, force):
    """Restore a backup file into the configured (empty) database and instance folder, check it
    against its manifest and verify the audit trail."""
    import os

    from app.services.errors import DomainError
    from app.services.maintenance import backup

    from .cli_audit import run_verify

    db.session.remove()
    db.engine.dispose()
    try:
        manifest = backup.restore(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            Path(path),
            current_app.config,
            _head_revision(),
            force=force,
        )
    except DomainError as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from error
    # The keys came back with the files: use them from now on unless the environment sets them.
    instance = Path(current_app.config.get("INSTANCE_DIR") or "instance")
    for setting, file_name in (("AUDIT_HMAC_KEY", "audit_key"), ("SECRET_KEY", "secret_key")):
        if not os.environ.get(setting) and (instance / file_name).exists():
            current_app.config[setting] = (instance / file_name).read_text().strip()
    db.engine.dispose()
    click.echo(
        _("已恢复 {created} 的备份：{tables} 张表的行数和内容与清单一致。").format(
            created=manifest["created_at"], tables=len(manifest["tables"])
        )
    )
    if not run_verify():
        raise SystemExit(1)


COMMANDS = (backup_command, restore_command)
