"""The console behind a real WSGI server (waitress, pure Python), on loopback unless told that a
TLS reverse proxy is in front (see docs/CONSOLE.md): a government LAN never sees passwords and
session cookies in clear text."""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

DEFAULT_BIND = "127.0.0.1:8080"
THREADS = 16  # the fleet page's event streams hold a thread each for up to a minute


class BindError(ValueError):
    pass


def parse_bind(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise BindError(f"--web {text!r}：请写 主机:端口，如 127.0.0.1:8080")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, public_url: str | None) -> None:
    """Refuse to listen beyond loopback unless a TLS reverse proxy is in front."""
    if is_loopback(host):
        return
    if not public_url:
        raise BindError(f"工作台不能直接在 {host} 上以明文 HTTP 对外服务：请保持 127.0.0.1，"
                        "并在前面配置 TLS 反向代理（nginx/Caddy，见 docs/CONSOLE.md），"
                        "然后用 --public-url https://… 说明。")
    if not public_url.startswith("https://"):
        raise BindError(f"--public-url {public_url!r} 必须是 https:// 地址（反向代理负责 TLS）。")


class WebServer:
    """waitress in a background thread; ``stop`` closes its sockets."""

    def __init__(self, host: str, port: int, *, behind_proxy: bool = False) -> None:
        from waitress.server import create_server

        from signage.console.wsgi import application

        options: dict[str, Any] = {"threads": THREADS, "ident": "signage-console", "backlog": 128,
                                   "max_request_body_size": 6 * 1024 * 1024, "channel_timeout": 60}
        if behind_proxy:
            options.update(trusted_proxy="127.0.0.1", trusted_proxy_headers={"x-forwarded-proto"},
                           clear_untrusted_proxy_headers=True)
        self.server = create_server(application, host=host, port=port, **options)
        self.thread = threading.Thread(target=self.server.run, name="console-web", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.effective_host, self.server.effective_port
        return f"http://{f'[{host}]' if ':' in str(host) else host}:{port}/"

    def start(self) -> WebServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.task_dispatcher.shutdown()  # finish the requests in flight, then close
        self.server.close()
        self.thread.join(5)
