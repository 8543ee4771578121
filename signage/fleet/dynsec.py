"""A small admin client for mosquitto's dynamic-security plugin (its control topic API).

Changes apply at once, without restarting or reloading the broker, and the plugin saves them to
its file; deleting a client disconnects it. Commands are JSON published on
``$CONTROL/dynamic-security/v1``; the answer comes on ``…/response`` with the same
``correlationData``.
"""

from __future__ import annotations

import json
import queue
import time
import uuid
from types import TracebackType
from typing import Any

from signage.contract.connection import BrokerAccess, Connection
from signage.fleet.access import CONTROL_TOPIC, Acl


class DynsecError(RuntimeError):
    """The broker refused a command, or did not answer; the message says which and why."""


class DynsecAdmin:
    """``with DynsecAdmin(access) as admin: admin.create_client(...)``."""

    def __init__(self, access: BrokerAccess, timeout: float = 10.0) -> None:
        self.access = access
        self.timeout = timeout
        self.answers: queue.Queue[Any] = queue.Queue()
        self.connection = Connection(
            access.url, f"signage-admin-{uuid.uuid4().hex[:8]}", ca_file=access.ca_file,
            username=access.username, password=access.password, inbox=self.answers,
            on_connect=lambda c: c.subscribe([f"{CONTROL_TOPIC}/response"]))

    def __enter__(self) -> DynsecAdmin:
        self.connection.start()
        if not self.connection.wait_connected(self.timeout):
            self.connection.stop()
            raise DynsecError(f"cannot log in to the broker at {self.access.url} as "
                              f"{self.access.username!r} (see the broker log; is the admin file right?)")
        self._await_responses()
        return self

    def _await_responses(self) -> None:
        """A harmless command until one is answered: the response subscription is then live
        (it is sent after CONNACK, so a command sent at once could be answered into the void)."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self.run("getDefaultACLAccess", timeout=0.5)
                return
            except DynsecError as exc:
                if time.monotonic() > deadline or "no answer" not in str(exc):
                    self.connection.stop()
                    raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.connection.stop()

    def run(self, command: str, *, timeout: float | None = None, **fields: Any) -> dict[str, Any]:
        """Run one command; its response (``data`` …) or DynsecError with the broker's reason."""
        timeout = timeout or self.timeout
        correlation = uuid.uuid4().hex
        body = {"commands": [{"command": command, "correlationData": correlation, **fields}]}
        self.connection.publish(CONTROL_TOPIC, json.dumps(body).encode("utf-8")) \
            .wait_for_publish(timeout)
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = self.answers.get(timeout=remaining)
            except queue.Empty:
                break
            for response in json.loads(message.payload).get("responses", []):
                if response.get("correlationData") == correlation:
                    if response.get("error"):
                        raise DynsecError(f"{command}: {response['error']}")
                    return response
        raise DynsecError(f"{command}: no answer from the broker within {timeout:g} s "
                          "(is the dynamic-security plugin loaded?)")

    # --- the commands we use --------------------------------------------------------------

    def create_role(self, name: str, acls: list[Acl]) -> None:
        self.run("createRole", rolename=name, acls=[acl.as_json() for acl in acls])

    def delete_role(self, name: str) -> None:
        self.run("deleteRole", rolename=name)

    def create_client(self, username: str, password: str, roles: list[str]) -> None:
        self.run("createClient", username=username, password=password,
                 roles=[{"rolename": role} for role in roles])

    def set_password(self, username: str, password: str) -> None:
        self.run("setClientPassword", username=username, password=password)

    def delete_client(self, username: str) -> None:
        self.run("deleteClient", username=username)

    def client_exists(self, username: str) -> bool:
        return self._exists("getClient", username=username)

    def role_exists(self, name: str) -> bool:
        return self._exists("getRole", rolename=name)

    def _exists(self, command: str, **fields: Any) -> bool:
        try:
            self.run(command, **fields)
        except DynsecError as exc:
            if "not found" in str(exc).lower():
                return False
            raise
        return True
