"""Demo college generator (placeholder filled in below)."""
import click
from flask.cli import with_appcontext


@click.command("seed-demo")
@click.option("--items", default=300, show_default=True, help="Number of service items.")
@with_appcontext
def seed_demo_command(items):
    """Build the demo college."""
    raise click.ClickException("not yet")
