"""Where delivered mail goes: an SMTP server in production, ``.eml`` files when embedded."""

import contextlib
import smtplib
import ssl
from pathlib import Path

from flask import current_app


class FileBackend:
    """Write each message as an ``.eml`` file, for the embedded default and for demos."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def close(self) -> None:
        """Nothing stays open between messages."""

    def send(self, data: bytes, *, sender: str, recipient: str, message_id: int) -> None:
        path = self.directory / f"{message_id:08d}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


class _NotesData:
    """Notes whether the message itself began to go out (the DATA command)."""

    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class _SMTP(_NotesData, smtplib.SMTP):
    pass


class _SMTP_SSL(_NotesData, smtplib.SMTP_SSL):
    pass


class SMTPBackend:
    """Send through one SMTP connection for as long as the backend is open.

    A worker keeps it open across rounds, so thousands of messages take one connection. A
    connection the server has dropped meanwhile (idle timeout, a limit of messages per
    connection) fails before the message goes out: the message is then sent at once on a new
    connection. Once DATA has begun a failure is never retried here: the server may have
    accepted the message, and the outbox retries it later (a duplicate at most).
    """

    def __init__(self, config):
        self.host = config["MAIL_SERVER"]
        self.port = config["MAIL_PORT"]
        self.use_tls = config["MAIL_USE_TLS"]
        self.use_ssl = config["MAIL_USE_SSL"]
        self.username = config["MAIL_USERNAME"]
        self.password = config["MAIL_PASSWORD"]
        self.timeout = config["MAIL_TIMEOUT"]
        self.connection: _SMTP | _SMTP_SSL | None = None
        self._tls_context: ssl.SSLContext | None = None
        self._data_started = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _context(self) -> ssl.SSLContext:
        # Loading the system's certificates takes milliseconds: once per backend.
        if self._tls_context is None:
            self._tls_context = ssl.create_default_context()
        return self._tls_context

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            connection = _SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        else:
            connection = _SMTP(self.host, self.port, timeout=self.timeout)
            if self.use_tls:
                connection.starttls(context=self._context())
        if self.username:
            connection.login(self.username, self.password or "")
        return connection

    def send(self, data: bytes, *, sender: str, recipient: str, message_id: int) -> None:
        """Send a flattened message (CRLF line ends) from ``sender`` to ``recipient``."""
        reused = self.connection is not None
        try:
            self._send(data, sender, recipient)
        except (smtplib.SMTPException, OSError):
            if not (reused and self.connection is None and not self._data_started):
                raise
            # The old connection had gone stale: nothing went out.
            self._send(data, sender, recipient)

    def _send(self, data: bytes, sender: str, recipient: str) -> None:
        """Send on the open connection (or a new one); drop it when the server did."""
        self._data_started = False
        if self.connection is None:
            self.connection = self._connect()
        connection = self.connection
        connection.data_started = False
        try:
            options: tuple[str, ...] = ()
            if not (sender.isascii() and recipient.isascii()):
                # An address in its own script needs the server's SMTPUTF8 (as send_message
                # would ask for it).
                connection.ehlo_or_helo_if_needed()
                if not connection.has_extn("smtputf8"):
                    raise smtplib.SMTPNotSupportedError(
                        "the mail server does not accept addresses outside ASCII (SMTPUTF8)")
                options = ("SMTPUTF8", "BODY=8BITMIME")
            connection.sendmail(sender, [recipient], data, mail_options=options)
        except (smtplib.SMTPException, OSError) as error:
            self._data_started = connection.data_started
            if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
                self.close()
            elif connection.sock is None:  # smtplib closed it after a 421 reply
                self.connection = None
            raise

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def get_backend():
    """Return the backend the configuration names."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        return SMTPBackend(config)
    return FileBackend(config["MAIL_FILE_DIR"])
