"""Commands that publish and play: keys, serve, player, status, command and the demo."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from signage.catalogue.loader import ContentError, load_catalogue
from signage.cli.common import (
    EXIT_ERRORS,
    broker_target,
    data_option,
    date_option,
    fail,
    main,
    production_access,
    screens_option,
    table_console,
)
from signage.cli.web import trust_console_reviews, web_console, web_options


@main.group()
def keys() -> None:
    """The publisher's signing key."""


@keys.command("init")
@data_option
@click.option("--force", is_flag=True, help="Replace an existing key.")
def keys_init(data_dir: Path, force: bool) -> None:
    """Create the publisher's Ed25519 key pair; give players publisher.pub."""
    from signage.contract.keys import PUBLIC_KEY_FILE, KeyFileError, init_keys

    try:
        key = init_keys(data_dir, force=force)
    except KeyFileError as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"key {key.id}: private key in {data_dir}, public key {data_dir / PUBLIC_KEY_FILE}")


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> dt.timedelta:
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    text = value.strip().lower()
    try:
        amount = float(text[:-1]) if text[-1:] in units else float(text)
    except ValueError:
        raise click.BadParameter(f"{value!r}: use a number and d, h, m or s (7d, 12h)") from None
    if amount < 0:
        raise click.BadParameter(f"{value!r} is negative")
    return dt.timedelta(**{units.get(text[-1:], "days"): amount})


@keys.command("rotate")
@data_option
@click.option("--overlap", default="7d", show_default=True, callback=_duration,
              help="How long players still accept the old key (7d, 12h, 30m, 0s).")
def keys_rotate(data_dir: Path, overlap: dt.timedelta) -> None:
    """Replace the signing key: players learn the new key from a statement signed by the old
    one, accept both during the overlap, then only the new one."""
    from signage.contract.keys import KEYRING_FILE, KeyFileError
    from signage.contract.rotation import rotate_keys

    try:
        old, new, _ = rotate_keys(data_dir, overlap)
    except KeyFileError as exc:
        fail(str(exc), EXIT_ERRORS)
    until = (dt.datetime.now(dt.UTC) + overlap).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    click.echo(f"new key {new.id}; old key {old.id} accepted until {until}\n"
               f"key ring statement: {data_dir / KEYRING_FILE}; the publisher sends it with its next "
               "publish (a running `signage serve` picks the new key up by itself).\n"
               "Players enrolled from now on get the new publisher.pub.")


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@click.option("--broker", "broker_url", metavar="URL",
              help="mqtt:// or mqtts:// broker; default: start mosquitto on 127.0.0.1.")
@click.option("--port", type=int, help="Port for the embedded broker (default: a free one).")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Also keep the web column in this folder up to date (see `signage site`).")
@data_option
@web_options
@date_option("--today", "Check and publish as of this date (default: each day's own; to rehearse a date).")
def serve(content_dir: Path, screens_path: Path, broker_url: str | None, port: int | None,
          site_dir: Path | None, data_dir: Path, web_bind: str, no_web: bool, public_url: str | None,
          today: dt.date | None) -> None:
    """Check and publish the catalogue, then republish on every saved change; serve the web
    console (127.0.0.1:8080 unless --web/--no-web) and, with --site, keep the web column current."""
    from signage.cli import demo

    console = Console(highlight=False)
    data_dir.mkdir(parents=True, exist_ok=True)
    day = (lambda: today) if today else dt.date.today
    with demo.stopped_by_sigterm():
        _serve(content_dir, screens_path, broker_url, port, site_dir, data_dir, web_bind, no_web,
               public_url, day, console)


def _serve(content_dir: Path, screens_path: Path, broker_url: str | None, port: int | None,
           site_dir: Path | None, data_dir: Path, web_bind: str, no_web: bool, public_url: str | None,
           day: Callable[[], dt.date], console: Console) -> None:
    from signage.cli import demo
    from signage.cli.site import after_publish_hook
    from signage.contract import service
    from signage.contract.keys import KeyFileError
    from signage.fleet.broker import BrokerError

    try:
        demo.ensure_keys(data_dir, console)
        if not no_web:
            trust_console_reviews(content_dir, data_dir, console)  # before the publisher's first check
        broker = broker_url or production_access(data_dir)
        hook = after_publish_hook(site_dir) if site_dir else None
        with demo.broker_for(broker, data_dir, port, console) as url, \
                demo.publishing(content_dir, screens_path, url, data_dir, console, hook,
                                today=day) as publisher, \
                web_console(content_dir, data_dir, screens_path, url, publisher, console, bind=web_bind,
                            enabled=not no_web, public_url=public_url, today=day), \
                reminder_mail(content_dir, data_dir, day), \
                service.supervised(publisher.health_checks(), ready_text="publishing"):
            console.print(f"watching {content_dir} and {screens_path}; Ctrl-C to stop")
            demo.wait_for_signal(None)
    except (BrokerError, KeyFileError, ConnectionError, TimeoutError, ContentError, ValueError,
            OSError) as exc:
        fail(str(exc))



def reminder_mail(content_dir: Path, data_dir: Path, day: Callable[[], dt.date]) -> Any:
    """The daily reminder e-mail of the request register, when the data folder has mail.yaml."""
    from signage.office.reminder_mail import DailyReminder

    def units() -> dict[str, str]:
        return {uid: u.display_name for uid, u in load_catalogue(content_dir).catalogue.units.items()}

    return DailyReminder.running(data_dir, units,
                                 lambda: dt.datetime.combine(day(), dt.datetime.now().time()))


@main.command()
@click.argument("kind", type=click.Choice(["log", "led", "kiosk", "board"]))
@click.option("--screen", "screen_id", help="Screen id (default: from the config file).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Player config (YAML): broker, public_keys, cache_dir, renderer options.")
@click.option("--broker", "broker_url", metavar="URL", help="Overrides the config's broker.")
@click.option("--public-key", "public_keys", multiple=True, type=click.Path(path_type=Path),
              help="Trusted publisher key (repeatable); overrides the config.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--output", "output_type", metavar="TYPE",
              help="LED output: window, sim, preview, tpm2, onbon (overrides the config).")
def player(kind: str, screen_id: str | None, config_path: Path | None, broker_url: str | None,
           public_keys: tuple[Path, ...], cache_dir: Path | None, output_type: str | None) -> None:
    """Run a player for one screen: log (prints what it would show), led, kiosk (touchscreen,
    fullscreen unless the config says `renderer: {fullscreen: false}`), or board (a print
    station: renders each changed board, prints it through CUPS when a queue is configured)."""
    import logging
    import signal

    from players.choose import RendererError, make_renderer
    from players.runtime import PlayerConfig, run_player
    from signage.contract import service
    from signage.contract.keys import KeyFileError
    from signage.contract.topics import valid_screen_id

    try:
        config = (PlayerConfig.from_file(config_path, screen_id) if config_path
                  else PlayerConfig(screen=screen_id or ""))
    except (OSError, ValueError) as exc:
        fail(str(exc))
    if not valid_screen_id(config.screen):
        fail(f"screen id {config.screen!r}: pass --screen ID (a-z, 0-9, - and _) from layouts/")
    config.broker = broker_url or config.broker
    config.public_keys = list(public_keys) or config.public_keys
    config.cache_dir = cache_dir or config.cache_dir
    if not config.public_keys:
        fail("no trusted publisher key: pass --public-key publisher.pub")
    stop = service.PolledEvent()  # the watchdog sees how recently each loop looked at it
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout, force=True)
    try:
        renderer = make_renderer(kind, config.screen, config.renderer, output_type, config.cache_dir)
        run_player(config, renderer, stop)
    except (KeyFileError, RendererError) as exc:
        fail(str(exc))


@main.command()
@click.option("--broker", "broker_url", metavar="URL",
              help="Broker to ask (default: the one `signage serve` started).")
@screens_option
@data_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--watch", is_flag=True, help="Keep updating until Ctrl-C.")
def status(broker_url: str | None, screens_path: Path, data_dir: Path, as_json: bool,
           watch: bool) -> None:
    """Every screen: online, version shown vs. latest, last seen, last error, plays."""
    from rich.live import Live

    from signage.fleet.status import FleetWatcher, status_json, status_table
    from signage.publishing.screens import ScreensError, load_screens

    url = broker_target(broker_url, data_dir)
    try:
        known = list(load_screens(screens_path).screens)
    except (ScreensError, OSError):
        known = []
    watcher = FleetWatcher(url, known_screens=known)
    if not watcher.start():
        fail(f"cannot reach the broker at {url}")
    try:
        if as_json:
            click.echo(status_json(watcher.snapshot()))
        elif watch:
            import time

            with Live(status_table(watcher.snapshot()), refresh_per_second=1) as live:
                try:
                    while True:
                        time.sleep(1)
                        live.update(status_table(watcher.snapshot()))
                except KeyboardInterrupt:
                    pass
        else:
            table_console().print(status_table(watcher.snapshot()))
    finally:
        watcher.stop()


@main.command()
@click.argument("screen_id")
@click.argument("name", type=click.Choice(["reload", "identify", "screenshot"]))
@click.option("--broker", "broker_url", metavar="URL",
              help="Broker (default: the one `signage serve` started).")
@data_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("screenshot.png"), show_default=True, help="Where a screenshot goes.")
@click.option("--timeout", type=float, default=10.0, show_default=True)
def command(screen_id: str, name: str, broker_url: str | None, data_dir: Path, output: Path,
            timeout: float) -> None:
    """Send a signed command to a screen: reload, identify (flash its id), screenshot."""
    from signage.contract.keys import KeyFileError
    from signage.fleet.commands import send_command

    url = broker_target(broker_url, data_dir)
    try:
        shot = send_command(url, data_dir, screen_id, name, timeout)
    except KeyFileError as exc:
        fail(str(exc))
    except ConnectionError:
        fail(f"cannot reach the broker at {url}")
    if name != "screenshot":
        click.echo(f"{name} sent to {screen_id}")
        return
    if shot is None:
        fail(f"{screen_id} sent no screenshot within {timeout:g} s (offline? see `signage status`)",
             EXIT_ERRORS)
    output.write_bytes(shot)
    click.echo(f"screenshot of {screen_id} written to {output}")


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@data_option
@click.option("--for", "seconds", type=float, help="Stop by itself after SECONDS.")
@web_options
def demo(content_dir: Path, screens_path: Path, data_dir: Path, seconds: float | None, web_bind: str,
         no_web: bool, public_url: str | None) -> None:
    """Broker + publisher on the sample content + one player per screen, with live status; the
    web console with one demo account per role (passwords printed here)."""
    from signage.cli.demo import run_demo
    from signage.contract.keys import KeyFileError
    from signage.fleet.broker import BrokerError
    from signage.publishing.screens import ScreensError

    try:
        run_demo(content_dir, screens_path, data_dir, seconds, Console(highlight=False), web_bind,
                 not no_web)
    except (BrokerError, KeyFileError, ScreensError, ConnectionError, TimeoutError,
            ContentError, ValueError, OSError) as exc:
        fail(str(exc))
