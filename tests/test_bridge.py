"""Multi-site: a township site broker bridged to the county broker (both run the shipped
production config; the bridge section is deploy/mosquitto/site-bridge.conf as enrolment writes
it). The county link is cut and restored through a relay; the site's screens keep working and
catch up."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from conftest import POWER, patched
from harness import Fleet, wait_until
from production import LinkProxy, start_production
from test_security import Client

from signage.contract.keys import PUBLIC_KEY_FILE
from signage.contract.topics import Topics
from signage.fleet.enrollment import enroll_bridge, revoke_bridge

TOPICS = Topics()
EDITED = "城镇燃气经营许可（链路中断期间修改）"


def test_site_screens_keep_working_while_the_county_link_is_down(tmp_path: Path) -> None:
    county = start_production(tmp_path / "county")
    fleet = Fleet(tmp_path / "fleet", county.broker, publisher_broker=county.publisher)
    county.data = fleet.data
    proxy = LinkProxy(county.player_port)
    site = None
    try:
        publisher = fleet.publisher()
        first = publisher.publish().versions["lobby-led"]
        bridge = enroll_bridge(county.admin, "town", ["lobby-led"], tmp_path / "bridges",
                               county_address=f"localhost:{proxy.port}")
        conf = (bridge / "bridge.conf").read_text("utf-8").replace(
            "/etc/mosquitto/signage/county-ca.crt", str(bridge / "county-ca.crt"))
        site = start_production(tmp_path / "site", extra_config="\n" + conf)
        shutil.copyfile(fleet.data / PUBLIC_KEY_FILE, site.data / PUBLIC_KEY_FILE)
        config = site.enroll("lobby-led", tmp_path / "site-players")
        player = fleet.player("lobby-led", config=config)
        wait_until(lambda: player.version == first, what="the site screen shows the county's version")
        assert str(site.player_port) in config.broker

        # its reports reach the county through the bridge
        watcher = Client(county, county.publisher.username, county.publisher.password,
                         client_id="watcher", port=county.tools_port)
        assert watcher.subscribe(TOPICS.status("lobby-led"))
        wait_until(lambda: TOPICS.status("lobby-led") in watcher.received(0.2), what="status at county")

        proxy.cut()
        fleet.factory.write(powers=[patched(POWER, {"name": EDITED})])
        second = publisher.publish().versions["lobby-led"]
        time.sleep(2.0)
        assert player.version == first  # the county's news cannot arrive…
        assert player.runtime.connection.connected.is_set()  # …but the site broker is there
        assert player.runtime.plan is not None and player.runtime.plan.entries

        proxy.restore()
        restored = time.monotonic()
        wait_until(lambda: player.version == second, timeout=90, what="caught up after the link")
        print(f"site converged {time.monotonic() - restored:.1f} s after the link came back")
        assert EDITED in player.out.getvalue() or any(
            EDITED in str(entry) for entry in player.runtime.plan.entries)
        watcher.close()

        # a revoked bridge is cut off at the county: its own credentials work until the revocation
        # (shown first, so the refusal below cannot come from a wrong password), then never again,
        # and the running link carries nothing more
        password = re.search(r"^remote_password (\S+)$", conf, re.M).group(1)
        before = Client(county, "signage-bridge-town", password, client_id="signage-bridge-town",
                        port=county.player_port)
        assert before.connack is not None and not before.connack.is_failure
        before.close()  # it took the bridge's client id: the bridge reconnects and carries on
        fleet.factory.write(powers=[patched(POWER, {"name": EDITED + "（撤销前）"})])
        second = publisher.publish().versions["lobby-led"]
        wait_until(lambda: player.version == second, timeout=90, what="the link carries before revocation")
        assert revoke_bridge(county.admin, "town")
        after = Client(county, "signage-bridge-town", password, client_id="signage-bridge-town",
                       port=county.player_port)
        assert after.connack is not None and after.connack.is_failure
        after.close()
        fleet.factory.write(powers=[patched(POWER, {"name": EDITED + "（撤销后）"})])
        third = publisher.publish().versions["lobby-led"]
        assert third > second
        time.sleep(3.0)
        assert player.version == second  # nothing crosses a revoked bridge
    finally:
        fleet.close()
        proxy.cut()
        if site is not None:
            site.stop()
        county.stop()
