"""An SMTP server that accepts everything and notes each Message-ID (for the outbox benchmark).

    .venv/bin/python bench/smtp_sink.py --port PORT --output IDS [--stats STATS.json]

It runs in a process of its own (so it shares no interpreter lock with the workers), prints
``ready`` once it listens on 127.0.0.1:PORT, appends the Message-ID of every accepted message
to IDS, one a line, before answering 250 (so a message a worker saw accepted is in the file),
and on SIGTERM writes how many connections and messages it had to STATS.json and exits.
Nothing is parsed beyond the header that carries the id: the server should cost the benchmark
as little as a real relay would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sys

from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]*>)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    """Write each message's Message-ID to a file; count connections and messages."""

    def __init__(self, output: str):
        self.fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.connections = 0
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        header_end = content.find(b"\r\n\r\n")
        match = MESSAGE_ID.search(content, 0, header_end if header_end >= 0 else len(content))
        os.write(self.fd, (match.group(1) if match else b"<none>") + b"\n")
        self.messages += 1
        return "250 Message accepted"


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        self.event_handler.connections += 1
        super().connection_made(transport)


async def serve(port: int, recorder: Recorder, stats: str | None) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: CountingSMTP(recorder, hostname="sink.bench.test", ident="bench sink"),
        host="127.0.0.1", port=port,
    )
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_signal_handler(signal.SIGINT, stopped.set)
    print("ready", flush=True)
    await stopped.wait()
    server.close()
    if stats:
        with open(stats, "w") as file:
            json.dump({"connections": recorder.connections, "messages": recorder.messages},
                      file)
    os.close(recorder.fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--stats")
    args = parser.parse_args()
    asyncio.run(serve(args.port, Recorder(args.output), args.stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
