"""The ``signage`` command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape

from signage import report
from signage import stats as stats_module
from signage.checking import CheckResult, check_content
from signage.connection import BrokerAccess
from signage.dates import parse_date
from signage.findings import Severity
from signage.loader import ContentError

EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

content_argument = click.argument(
    "content_dir", default="content", required=False,
    type=click.Path(path_type=Path, file_okay=False),
)


def _date_option(name: str, help_text: str) -> click.Option:
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise click.BadParameter(f"{value}: {exc}") from None

    return click.option(name, callback=convert, metavar="DATE", help=help_text)


def _fail(message: str, code: int = EXIT_UNREADABLE) -> NoReturn:
    Console(stderr=True).print(f"[bold red]{escape(message)}[/]")
    sys.exit(code)


def _production_access(data_dir: Path) -> BrokerAccess | None:
    """The production broker's access file that `signage broker setup` wrote, if any."""
    from signage.production import PUBLISHER_ACCESS_FILE

    path = data_dir / PUBLISHER_ACCESS_FILE
    if not path.exists():
        return None
    try:
        return BrokerAccess.from_file(path)
    except ValueError as exc:
        _fail(str(exc))


def _broker_url(given: str | None, data_dir: Path) -> str | BrokerAccess:
    """The broker to talk to: --broker, else the production broker of `signage broker setup`,
    else the one `signage serve` started."""
    from signage.demo import BROKER_URL_FILE

    if given:
        return given
    access = _production_access(data_dir)
    if access is not None:
        return access
    url_file = data_dir / BROKER_URL_FILE
    if not url_file.exists():
        _fail("no broker: pass --broker URL or start `signage serve`")
    return url_file.read_text("utf-8").strip()


def _table_console() -> Console:
    """Tables keep their columns when piped to a file (rich would squeeze them to 80)."""
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


def _load(content_dir: Path, today: dt.date | None, err: Console) -> CheckResult:
    try:
        return check_content(content_dir, today)
    except ContentError as exc:
        err.print(f"[bold red]无法读取内容：[/]{escape(str(exc))}")
        sys.exit(EXIT_UNREADABLE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Disclosure signage: check, publish and show 政务公开 content."""


@main.command()
@content_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--unit", "unit_id", metavar="ID", help="Only this unit's findings.")
@_date_option("--today", "Check as of this date (default: today).")
def check(content_dir: Path, fmt: str, unit_id: str | None, today: dt.date | None) -> None:
    """Check every unit's content; exit 1 on errors, 2 when nothing can be read."""
    err = Console(stderr=True)
    result = _load(content_dir, today, err)
    findings = result.findings
    if unit_id is not None:
        if unit_id not in result.catalogue.units:
            known = "、".join(result.catalogue.units)
            err.print(f"[bold red]没有单位“{unit_id}”。[/]可选：{known}")
            sys.exit(EXIT_UNREADABLE)
        findings = result.for_unit(unit_id)
    if fmt == "json":
        click.echo(report.to_json(result, findings))
    else:
        report.print_text(result, findings, Console(highlight=False, soft_wrap=True))
    sys.exit(EXIT_ERRORS if any(f.is_error for f in findings) else EXIT_CLEAN)


@main.command()
@content_argument
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the notices.")
@click.option("--unit", "unit_id", metavar="ID", help="Only this unit.")
@click.option("--errors-only", is_flag=True, help="Leave warnings out of the notices.")
@click.option("--no-pdf", is_flag=True, help="Markdown only (no PDF beside it).")
@_date_option("--date", "Date printed on the notices (default: today).")
def rectify(content_dir: Path, out_dir: Path, unit_id: str | None, errors_only: bool, no_pdf: bool,
            date: dt.date | None) -> None:
    """Write a rectification notice (整改意见书) for every unit with findings: Markdown and PDF."""
    err = Console(stderr=True)
    result = _load(content_dir, None, err)
    if unit_id is not None:
        result.findings = result.for_unit(unit_id)
    floor = Severity.ERROR if errors_only else Severity.WARNING
    from signage import rectify as rectify_module

    paths = rectify_module.write_notices(result, out_dir, date or dt.date.today(), floor, pdf=not no_pdf)
    for path in paths:
        click.echo(str(path))
    err.print(f"{len({p.stem for p in paths})} 份整改意见书已写入 {out_dir}")


@main.command()
@content_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@_date_option("--from", "Count changes (updated dates) from this date (YYYY-MM-DD).")
@_date_option("--to", "… up to this date (default: open).")
def stats(content_dir: Path, fmt: str, **dates: dt.date | None) -> None:
    """Published power items by unit, type and channel; changes per month with --from/--to."""
    result = _load(content_dir, None, Console(stderr=True))
    period = stats_module.Period(dates.get("from"), dates.get("to"))
    rows = stats_module.unit_stats(result.catalogue, result.blocked(), period)
    if fmt == "csv":
        click.echo(stats_module.render_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(stats_module.render_json(rows))
    else:
        stats_module.render_table(rows, _table_console(), period)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
def rules(fmt: str) -> None:
    """List every rule (docs/RULES.md is `signage rules --format markdown`)."""
    from signage.rules_doc import rules_markdown, rules_text

    click.echo(rules_markdown() if fmt == "markdown" else rules_text(), nl=False)


@main.command()
@click.option("--cjk", "cjk_path", type=click.Path(path_type=Path), help="Outline font to use.")
@click.option("--bitmap", "bitmap_path", type=click.Path(path_type=Path),
              help="16-px bitmap font to use.")
def fonts(cjk_path: Path | None, bitmap_path: Path | None) -> None:
    """Show the CJK fonts the renderers will use."""
    from signage import fonts as fonts_module

    try:
        outline = fonts_module.find_cjk_font(cjk_path)
        bitmap = fonts_module.find_bitmap_font(bitmap_path)
    except fonts_module.FontNotFoundError as exc:
        _fail(str(exc))
    click.echo(f"outline:      {outline}")
    click.echo(f"outline bold: {fonts_module.find_cjk_font(cjk_path, bold=True)}")
    click.echo(f"bitmap:       {bitmap}")


# --- publishing -----------------------------------------------------------------------------

DEFAULT_DATA = Path("signage-data")
data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
                           default=DEFAULT_DATA, show_default=True,
                           help="Publisher keys, state and the embedded broker's data.")
screens_option = click.option("--screens", "screens_path", type=click.Path(path_type=Path),
                              default=Path("layouts"), show_default=True,
                              help="layouts/ folder or screens file.")


@main.group()
def keys() -> None:
    """The publisher's signing key."""


@keys.command("init")
@data_option
@click.option("--force", is_flag=True, help="Replace an existing key.")
def keys_init(data_dir: Path, force: bool) -> None:
    """Create the publisher's Ed25519 key pair; give players publisher.pub."""
    from signage.keys import PUBLIC_KEY_FILE, KeyFileError, init_keys

    try:
        key = init_keys(data_dir, force=force)
    except KeyFileError as exc:
        _fail(str(exc), EXIT_ERRORS)
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
    from signage.keys import KEYRING_FILE, KeyFileError, rotate_keys

    try:
        old, new, _ = rotate_keys(data_dir, overlap)
    except KeyFileError as exc:
        _fail(str(exc), EXIT_ERRORS)
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
@data_option
def serve(content_dir: Path, screens_path: Path, broker_url: str | None, port: int | None,
          data_dir: Path) -> None:
    """Check and publish the catalogue, then republish on every saved change."""
    from signage import demo, service
    from signage.broker import BrokerError
    from signage.keys import KeyFileError

    console = Console(highlight=False)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        demo.ensure_keys(data_dir, console)
        broker = broker_url or _production_access(data_dir)
        with demo.broker_for(broker, data_dir, port, console) as url, \
                demo.publishing(content_dir, screens_path, url, data_dir, console) as publisher, \
                service.supervised(publisher.health_checks(), ready_text="publishing"):
            console.print(f"watching {content_dir} and {screens_path}; Ctrl-C to stop")
            demo.wait_for_signal(None)
    except (BrokerError, KeyFileError, ConnectionError, TimeoutError, ContentError) as exc:
        _fail(str(exc))


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
    from signage.production import SetupError, setup_broker
    from signage.production import install as install_files

    try:
        result = setup_broker(out_dir, data_dir, list(hosts), force=force)
        placed = install_files(out_dir, force=force) if install else []
    except (SetupError, OSError, ValueError) as exc:
        _fail(str(exc), EXIT_ERRORS)
    click.echo(f"broker files in {out_dir}; access files {result.admin} and {result.publisher} "
               f"(keep them secret); players will connect to {result.player_url}")
    if placed:
        click.echo("installed: " + ", ".join(map(str, placed)) +
                   "\nnow: systemctl restart mosquitto")
    else:
        click.echo("to install: sudo signage broker setup … --install, or copy by hand "
                   "(see docs/DEPLOY.md), then restart mosquitto")


def _admin_access(data_dir: Path, given: Path | None) -> BrokerAccess:
    from signage.production import ADMIN_ACCESS_FILE

    path = given or data_dir / ADMIN_ACCESS_FILE
    if not path.exists():
        _fail(f"no admin access file at {path}: run `signage broker setup` first "
              "(or pass --admin FILE)")
    try:
        return BrokerAccess.from_file(path)
    except ValueError as exc:
        _fail(str(exc))


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

    from signage.dynsec import DynsecError
    from signage.enrollment import EnrollmentError
    from signage.enrollment import enroll as enroll_screen

    admin = _admin_access(data_dir, admin_file)
    if player_url is None:
        from signage.production import ADMIN_ACCESS_FILE

        raw = yaml.safe_load((admin_file or data_dir / ADMIN_ACCESS_FILE).read_text("utf-8"))
        player_url = str(raw.get("player_broker") or admin.url)
    try:
        done = enroll_screen(admin, screen_id, out_dir, data_dir, player_url=player_url, again=again)
    except (EnrollmentError, DynsecError, OSError) as exc:
        _fail(str(exc), EXIT_ERRORS)
    click.echo(f"{'re-keyed' if done.again else 'enrolled'} {screen_id}: copy {done.folder} to the "
               f"player (deploy/setup-player.sh --config {done.config}); it connects to {done.player_url}")


@main.command()
@click.argument("screen_id")
@data_option
@admin_option
def revoke(screen_id: str, data_dir: Path, admin_file: Path | None) -> None:
    """Delete a screen's broker account: it is disconnected now and refused from then on."""
    from signage.dynsec import DynsecError
    from signage.enrollment import EnrollmentError
    from signage.enrollment import revoke as revoke_screen

    try:
        existed = revoke_screen(_admin_access(data_dir, admin_file), screen_id,
                                _production_access(data_dir))
    except (EnrollmentError, DynsecError) as exc:
        _fail(str(exc), EXIT_ERRORS)
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
    from signage.dynsec import DynsecError
    from signage.enrollment import EnrollmentError, enroll_bridge
    from signage.screens import ScreensError, load_screens

    chosen = list(screens)
    if site:
        try:
            chosen += [s.id for s in load_screens(screens_path).screens.values() if s.site == site]
        except (ScreensError, OSError) as exc:
            _fail(str(exc))
        if not chosen:
            _fail(f"no screen in {screens_path} has site {site!r}")
    try:
        folder = enroll_bridge(_admin_access(data_dir, admin_file), name, sorted(set(chosen)), out_dir,
                               county_address=county_address, again=again)
    except (EnrollmentError, DynsecError, OSError) as exc:
        _fail(str(exc), EXIT_ERRORS)
    click.echo(f"bridge {name} for {', '.join(sorted(set(chosen)))}: append {folder / 'bridge.conf'} to "
               f"the site broker's mosquitto.conf and put county-ca.crt in /etc/mosquitto/signage/")


@bridge.command("revoke")
@click.argument("name")
@data_option
@admin_option
def bridge_revoke(name: str, data_dir: Path, admin_file: Path | None) -> None:
    """Delete a site bridge's account on the county broker (the site is cut off at once)."""
    from signage.dynsec import DynsecError
    from signage.enrollment import EnrollmentError, revoke_bridge

    try:
        existed = revoke_bridge(_admin_access(data_dir, admin_file), name)
    except (EnrollmentError, DynsecError) as exc:
        _fail(str(exc), EXIT_ERRORS)
    click.echo(f"revoked bridge {name}" if existed else f"bridge {name} was not enrolled")


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
    from signage import service
    from signage.keys import KeyFileError
    from signage.topics import valid_screen_id

    try:
        config = (PlayerConfig.from_file(config_path, screen_id) if config_path
                  else PlayerConfig(screen=screen_id or ""))
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    if not valid_screen_id(config.screen):
        _fail(f"screen id {config.screen!r}: pass --screen ID (a-z, 0-9, - and _) from layouts/")
    config.broker = broker_url or config.broker
    config.public_keys = list(public_keys) or config.public_keys
    config.cache_dir = cache_dir or config.cache_dir
    if not config.public_keys:
        _fail("no trusted publisher key: pass --public-key publisher.pub")
    stop = service.PolledEvent()  # the watchdog sees how recently each loop looked at it
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout, force=True)
    try:
        renderer = make_renderer(kind, config.screen, config.renderer, output_type, config.cache_dir)
        run_player(config, renderer, stop)
    except (KeyFileError, RendererError) as exc:
        _fail(str(exc))


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

    from signage.fleet import FleetWatcher, status_json, status_table
    from signage.screens import ScreensError, load_screens

    url = _broker_url(broker_url, data_dir)
    try:
        known = list(load_screens(screens_path).screens)
    except (ScreensError, OSError):
        known = []
    watcher = FleetWatcher(url, known_screens=known)
    if not watcher.start():
        _fail(f"cannot reach the broker at {url}")
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
            _table_console().print(status_table(watcher.snapshot()))
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
    import queue
    import uuid

    from signage.connection import Connection
    from signage.keys import KeyFileError, load_signing_key
    from signage.topics import Topics
    from signage.wire import encode_command

    url = _broker_url(broker_url, data_dir)
    try:
        key = load_signing_key(data_dir)
    except KeyFileError as exc:
        _fail(str(exc))
    topics = Topics()
    shots: queue.Queue = queue.Queue()
    connection = Connection(url, f"signage-command-{uuid.uuid4().hex[:8]}", inbox=shots,
                            on_connect=lambda c: c.subscribe([topics.screenshot(screen_id)]))
    connection.start()
    try:
        if not connection.wait_connected(timeout):
            _fail(f"cannot reach the broker at {url}")
        payload = encode_command(screen_id, name, key, uuid.uuid4().hex)
        connection.publish(topics.command(screen_id), payload).wait_for_publish(timeout)
        if name == "screenshot":
            try:
                message = shots.get(timeout=timeout)
            except queue.Empty:
                _fail(f"{screen_id} sent no screenshot within {timeout:g} s "
                      f"(offline? see `signage status`)", EXIT_ERRORS)
            output.write_bytes(message.payload)
            click.echo(f"screenshot of {screen_id} written to {output}")
        else:
            click.echo(f"{name} sent to {screen_id}")
    finally:
        connection.stop()


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@click.option("--unit", "units", multiple=True, metavar="ID", help="The unit's board; repeatable.")
@click.option("--all", "all_units", is_flag=True, help="Every unit's board (-o is then a folder).")
@click.option("--layout", "layout_id", default="board-a3", show_default=True, help="A board layout id.")
@click.option("--paper", type=click.Choice(["A4", "A3"], case_sensitive=False), help="Overrides the layout.")
@click.option("--orientation", type=click.Choice(["portrait", "landscape"]), help="Overrides the layout.")
@click.option("--dpi", type=click.Choice(["150", "300"]), default="150", show_default=True,
              help="PNG resolution.")
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path),
              help="board.pdf or board.png; with --all a folder (PDFs, or PNGs with --png).")
@click.option("--png", "as_png", is_flag=True, help="With --all: PNG pages instead of PDFs.")
@_date_option("--today", "Publish as on this date (YYYY-MM-DD): what is valid, and the board's date.")
def board(content_dir: Path, screens_path: Path, units: tuple[str, ...], all_units: bool, layout_id: str,
          paper: str | None, orientation: str | None, dpi: str, out_path: Path, as_png: bool,
          today: dt.date | None) -> None:
    """A unit's public notice board (行政权力运行公开栏) as a searchable PDF or a PNG."""
    from players.board.cli import render_boards

    if not units and not all_units:
        _fail("name a unit with --unit ID, or use --all")
    try:
        written = render_boards(content_dir, screens_path, layout_id, units=() if all_units else units,
                                out=out_path, folder=all_units, paper=paper, orientation=orientation,
                                dpi=int(dpi), png=as_png, today=today)
    except (LookupError, ValueError, ContentError) as exc:
        _fail(str(exc).strip("'\""))
    for path in written:
        click.echo(str(path))


@main.command()
@content_argument
@data_option
@click.option("--weights", "weights_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Weights and vetoes (default: signage/data/assessment.yaml).")
@click.option("--prints", "print_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding print stations' history.jsonl (searched below); repeatable. "
                   "Default: the data folder.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write assessment.csv, assessment.html and notices/ (整改意见书) here.")
@click.option("--no-pdf", is_flag=True, help="Rectification notices as Markdown only.")
@click.option("--no-save", is_flag=True, help="Do not store this assessment (a trial run).")
@_date_option("--today", "Assess as of this date (default: today).")
def assess(content_dir: Path, data_dir: Path, weights_path: Path | None, print_dirs: tuple[Path, ...],
           out_dir: Path | None, no_pdf: bool, no_save: bool, today: dt.date | None) -> None:
    """Score every unit 0–100 on the indicators of docs/ASSESSMENT.md, ranked; stored for trends."""
    from signage import assessment as assessment_module
    from signage.assess.config import WeightsError
    from signage.assess.tables import render_table

    err = Console(stderr=True)
    try:
        config = assessment_module.load_config(weights_path)
    except WeightsError as exc:
        _fail(str(exc))
    result = _load(content_dir, today, err)
    outcome = assessment_module.assess(result, data_dir, config=config, today=today,
                                       print_dirs=list(print_dirs))
    render_table(outcome, _table_console())
    if out_dir is not None:
        for path in assessment_module.write_outputs(outcome, result, out_dir, pdf=not no_pdf):
            click.echo(str(path))
    if not no_save:
        saved = assessment_module.save_assessment(data_dir, outcome.to_record(), dt.datetime.now())
        err.print(f"评估已保存：{saved}")


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--unit", "unit_id", required=True, metavar="ID", help="The unit folder to import into.")
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@_date_option("--date", "Date recorded as `updated` of new and changed items (default: today).")
def import_(source: Path, unit_id: str, content_dir: Path, dry_run: bool, date: dt.date | None) -> None:
    """Import a unit's power list (.xlsx or .csv) into its powers file, merging by item code;
    exit 1 when rows were skipped, 2 when nothing can be imported."""
    from signage.importing import ImportFailure, import_spreadsheet, render_report

    try:
        result = import_spreadsheet(source, content_dir, unit_id, today=date or dt.date.today(),
                                    dry_run=dry_run)
    except ImportFailure as exc:
        _fail(str(exc))
    for line in render_report(result, content_dir, unit_id):
        click.echo(line)
    sys.exit(result.exit_code)


@main.command()
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The .xlsx to write, e.g. 模板.xlsx.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def template(out_path: Path, force: bool) -> None:
    """Write the official power list template (.xlsx) with drop-down lists and a notes sheet."""
    from signage.template import write_template

    if out_path.exists() and not force:
        _fail(f"{out_path} 已存在：换一个文件名，或加 --force 覆盖")
    try:
        write_template(out_path)
    except OSError as exc:
        _fail(f"无法写入 {out_path}：{exc.strerror or exc}")
    click.echo(f"模板已写入 {out_path}；填写后运行 signage import {out_path.name} --unit 单位ID")


@main.group()
def preview() -> None:
    """See what a screen will show, from the content folder, before publishing."""


@preview.command("led")
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@click.option("--layout", "layout_id", default="led-192x32", show_default=True,
              help="An LED layout id from layouts/.")
@click.option("--item", "codes", multiple=True, metavar="CODE",
              help="Only this item (its code, or a notice/announcement key); repeatable.")
@click.option("--unit", "units", multiple=True, metavar="ID", help="Only this unit; repeatable.")
@click.option("--seconds", type=float, help="Length (default: until every item passed once, ≤ 120 s).")
@click.option("--fps", type=float, default=25.0, show_default=True)
@click.option("--pitch", type=int, default=4, show_default=True, help="Screen pixels per lamp.")
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="x.gif (animated) or x.png (first frame).")
@_date_option("--today", "Preview as on this date (YYYY-MM-DD).")
def preview_led(content_dir: Path, screens_path: Path, layout_id: str, codes: tuple[str, ...],
                units: tuple[str, ...], seconds: float | None, fps: float, pitch: int,
                out_path: Path, today: dt.date | None) -> None:
    """An animated GIF of an LED sign showing the content, e.g. one item before publishing it."""
    from players.led.layout import LayoutError
    from players.led.outputs.preview import save_animation
    from players.led.preview import preview_frames
    from signage.screens import ScreensError

    try:
        frames = preview_frames(content_dir, screens_path, layout_id, codes=codes, units=units,
                                seconds=seconds, fps=fps, today=today)
    except (KeyError, LookupError, LayoutError, ScreensError, ContentError) as exc:
        _fail(str(exc).strip("'\""))
    save_animation(frames, out_path, fps, pitch=pitch)
    click.echo(f"{out_path}: {len(frames)} frames, {len(frames) / fps:.1f} s")


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@data_option
@click.option("--for", "seconds", type=float, help="Stop by itself after SECONDS.")
def demo(content_dir: Path, screens_path: Path, data_dir: Path, seconds: float | None) -> None:
    """Broker + publisher on the sample content + one player per screen, with live status."""
    from signage.broker import BrokerError
    from signage.demo import run_demo
    from signage.keys import KeyFileError
    from signage.screens import ScreensError

    try:
        run_demo(content_dir, screens_path, data_dir, seconds, Console(highlight=False))
    except (BrokerError, KeyFileError, ScreensError, ConnectionError, TimeoutError,
            ContentError) as exc:
        _fail(str(exc))


if __name__ == "__main__":
    main()
