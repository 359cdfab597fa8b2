"""Serve the test application over real HTTP for browser tests.

`LiveServer` runs a threaded werkzeug server for an app on a free 127.0.0.1 port in a daemon
thread; the `live_server` fixture serves the session `app` fixture of tests/conftest.py (same
database, same users) for the tests of one module and stops it afterwards. Import the fixture
into a test module with `from tests.live_server import live_server  # noqa: F401`.
"""

import threading

import pytest
from werkzeug.serving import make_server


class LiveServer:
    """A running HTTP server for `app`; `url` is its base address, without a trailing slash."""

    def __init__(self, app, host="127.0.0.1"):
        # Port 0: the kernel picks a free port and the socket is bound before we read it back.
        self._server = make_server(host, 0, app, threaded=True)
        self.host = host
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"live-server-{self.port}", daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        """Stop accepting requests, wait for the serving loop to end and close the socket."""
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture(scope="module")
def live_server(app):
    """The session `app` served on http://127.0.0.1:<free port> while the module's tests run."""
    with LiveServer(app) as server:
        yield server
