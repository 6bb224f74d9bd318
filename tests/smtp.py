"""A real SMTP server on loopback (aiosmtpd) so that Django's SMTP backend runs for real in tests."""

import socket

from aiosmtpd.controller import Controller


class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.sink = _Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self.sink.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
