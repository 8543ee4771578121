"""Commands for the production broker: broker setup, enroll, revoke, bridge."""

from __future__ import annotations

from pathlib import Path

import click

from signage.cli.common import (
    EXIT_ERRORS,
    data_option,
    fail,
    main,
    production_access,
    screens_option,
)
from signage.contract.connection import BrokerAccess


@main.group()
def broker() -> None:
    """The production broker (TLS, no anonymous clients, per-player ACLs)."""


@broker.command("setup")
@click.option("--host", "hosts", multiple=True, required=True, metavar="NAME",
              help="Name or address players use to reach the broker (repeatable).")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("broker-production"), show_default=True,
              help="Where the certificates, plugin file and mosquitto.conf are written.")
@data_option
@click.option("--install", is_flag=True, help="Also put the files where Debian's mosquitto reads "
              "them (/etc/mosquitto, /var/lib/mosquitto); needs root.")
@click.option("--force", is_flag=True, help="Start over: forget every enrolled player.")
def broker_setup(hosts: tuple[str, ...], out_dir: Path, data_dir: Path, install: bool,
                 force: bool) -> None:
    """Create the CA and server certificate, the admin and publisher accounts, and the
    broker's config; the publisher (`signage serve --data DATA`) then uses it."""
    from signage.fleet.production import SetupError, setup_broker
    from signage.fleet.production import install as install_files

    try:
        result = setup_broker(out_dir, data_dir, list(hosts), force=force)
        placed = install_files(out_dir, force=force) if install else []
    except (SetupError, OSError, ValueError) as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"broker files in {out_dir}; access files {result.admin} and {result.publisher} "
               f"(keep them secret); players will connect to {result.player_url}")
    if placed:
        click.echo("installed: " + ", ".join(map(str, placed)) +
                   "\nnow: systemctl restart mosquitto")
    else:
        click.echo("to install: sudo signage broker setup … --install, or copy by hand "
                   "(see docs/DEPLOY.md), then restart mosquitto")


def _admin_access(data_dir: Path, given: Path | None) -> BrokerAccess:
    from signage.fleet.production import ADMIN_ACCESS_FILE

    path = given or data_dir / ADMIN_ACCESS_FILE
    if not path.exists():
        fail(f"no admin access file at {path}: run `signage broker setup` first "
              "(or pass --admin FILE)")
    try:
        return BrokerAccess.from_file(path)
    except ValueError as exc:
        fail(str(exc))


admin_option = click.option("--admin", "admin_file", type=click.Path(path_type=Path, dir_okay=False),
                            help="Admin access file (default: DATA/broker-admin.yaml).")


@main.command()
@click.argument("screen_id")
@data_option
@admin_option
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("enrolled"), show_default=True, help="A folder per screen is written here.")
@click.option("--player-broker", "player_url", metavar="URL",
              help="What the player connects to (default: from the admin file; a site broker "
                   "for a bridged township).")
@click.option("--again", is_flag=True, help="Already enrolled: give it a new password.")
def enroll(screen_id: str, data_dir: Path, admin_file: Path | None, out_dir: Path,
           player_url: str | None, again: bool) -> None:
    """Give a screen its broker account and ACLs, and write its player config."""
    import yaml

    from signage.fleet.dynsec import DynsecError
    from signage.fleet.enrollment import EnrollmentError
    from signage.fleet.enrollment import enroll as enroll_screen

    admin = _admin_access(data_dir, admin_file)
    if player_url is None:
        from signage.fleet.production import ADMIN_ACCESS_FILE

        raw = yaml.safe_load((admin_file or data_dir / ADMIN_ACCESS_FILE).read_text("utf-8"))
        player_url = str(raw.get("player_broker") or admin.url)
    try:
        done = enroll_screen(admin, screen_id, out_dir, data_dir, player_url=player_url, again=again)
    except (EnrollmentError, DynsecError, OSError) as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"{'re-keyed' if done.again else 'enrolled'} {screen_id}: copy {done.folder} to the "
               f"player (deploy/setup-player.sh --config {done.config}); it connects to {done.player_url}")


@main.command()
@click.argument("screen_id")
@data_option
@admin_option
def revoke(screen_id: str, data_dir: Path, admin_file: Path | None) -> None:
    """Delete a screen's broker account: it is disconnected now and refused from then on."""
    from signage.fleet.dynsec import DynsecError
    from signage.fleet.enrollment import EnrollmentError
    from signage.fleet.enrollment import revoke as revoke_screen

    try:
        existed = revoke_screen(_admin_access(data_dir, admin_file), screen_id,
                                production_access(data_dir))
    except (EnrollmentError, DynsecError) as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"revoked {screen_id}" if existed else f"{screen_id} was not enrolled; nothing to do")


@main.group()
def bridge() -> None:
    """Township site brokers bridged to the county broker."""


@bridge.command("enroll")
@click.argument("name")
@click.option("--screen", "screens", multiple=True, metavar="ID", help="A screen of the site (repeatable).")
@click.option("--site", help="Every screen of this site in layouts/ (the `site:` of screens.yaml).")
@screens_option
@click.option("--county", "county_address", required=True, metavar="HOST:PORT",
              help="The county broker as the site reaches it (e.g. signage.county.gov.cn:8883).")
@data_option
@admin_option
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("enrolled"), show_default=True)
@click.option("--again", is_flag=True, help="Already enrolled: new password, current screens.")
def bridge_enroll(name: str, screens: tuple[str, ...], site: str | None, screens_path: Path,
                  county_address: str, data_dir: Path, admin_file: Path | None, out_dir: Path,
                  again: bool) -> None:
    """Give a site broker its account on the county broker and write its bridge section."""
    from signage.fleet.dynsec import DynsecError
    from signage.fleet.enrollment import EnrollmentError, enroll_bridge
    from signage.publishing.screens import ScreensError, load_screens

    chosen = list(screens)
    if site:
        try:
            chosen += [s.id for s in load_screens(screens_path).screens.values() if s.site == site]
        except (ScreensError, OSError) as exc:
            fail(str(exc))
        if not chosen:
            fail(f"no screen in {screens_path} has site {site!r}")
    try:
        folder = enroll_bridge(_admin_access(data_dir, admin_file), name, sorted(set(chosen)), out_dir,
                               county_address=county_address, again=again)
    except (EnrollmentError, DynsecError, OSError) as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"bridge {name} for {', '.join(sorted(set(chosen)))}: append {folder / 'bridge.conf'} to "
               f"the site broker's mosquitto.conf and put county-ca.crt in /etc/mosquitto/signage/")


@bridge.command("revoke")
@click.argument("name")
@data_option
@admin_option
def bridge_revoke(name: str, data_dir: Path, admin_file: Path | None) -> None:
    """Delete a site bridge's account on the county broker (the site is cut off at once)."""
    from signage.fleet.dynsec import DynsecError
    from signage.fleet.enrollment import EnrollmentError, revoke_bridge

    try:
        existed = revoke_bridge(_admin_access(data_dir, admin_file), name)
    except (EnrollmentError, DynsecError) as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"revoked bridge {name}" if existed else f"bridge {name} was not enrolled")

