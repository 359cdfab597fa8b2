"""Flask commands: roles, demo data."""
import click
from flask.cli import with_appcontext

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


def register_cli(app):
    app.cli.add_command(init_roles_command)
    from .services.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)
