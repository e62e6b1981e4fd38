"""A small IMAP4rev1 server run inside the tests, on a thread: enough of the protocol for
``imaplib`` to sign in, select a folder, search unseen messages, fetch and flag them.

It speaks real IMAP over a real socket (no TLS), so the poller is tested as deployed, only
with ``imap://...?starttls=no``.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    seen: bool = False


@dataclass
class Mailstore:
    user: str
    password: str
    folder: str = "INBOX"
    messages: list[StoredMessage] = field(default_factory=list)
    logins: int = 0

    def add(self, raw: bytes) -> None:
        self.messages.append(StoredMessage(uid=len(self.messages) + 1, raw=raw))


class _Handler(socketserver.StreamRequestHandler):
    store: Mailstore

    def send(self, line: str | bytes) -> None:
        data = line if isinstance(line, bytes) else line.encode()
        self.wfile.write(data + b"\r\n")

    def handle(self) -> None:
        store = self.server.store  # type: ignore[attr-defined]
        self.send("* OK IMAP4rev1 test server ready")
        selected = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            parts = line.decode().rstrip("\r\n").split(" ", 2)
            tag, command = parts[0], parts[1].upper() if len(parts) > 1 else ""
            rest = parts[2] if len(parts) > 2 else ""
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                user, password = (p.strip('"') for p in rest.split(" ", 1))
                if (user, password) == (store.user, store.password):
                    store.logins += 1
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "SELECT":
                if rest.strip('"') != store.folder:
                    self.send(f"{tag} NO no such folder")
                    continue
                selected = True
                self.send(f"* {len(store.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send("* OK [UIDVALIDITY 1] UIDs valid")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif command == "UID" and selected:
                self._uid(tag, rest, store)
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            else:
                self.send(f"{tag} BAD unknown command")

    def _uid(self, tag: str, rest: str, store: Mailstore) -> None:
        sub, _, args = rest.partition(" ")
        sub = sub.upper()
        if sub == "SEARCH":
            uids = [str(m.uid) for m in store.messages if not m.seen]
            self.send("* SEARCH" + ("" if not uids else " " + " ".join(uids)))
            self.send(f"{tag} OK SEARCH completed")
        elif sub == "FETCH":
            uid = int(args.split(" ", 1)[0])
            for number, message in enumerate(store.messages, start=1):
                if message.uid == uid:
                    head = (
                        f'* {number} FETCH (UID {uid} INTERNALDATE "16-Mar-2026 09:30:00 +0000" '
                        f"BODY[] {{{len(message.raw)}}}"
                    )
                    self.send(head.encode())
                    self.wfile.write(message.raw)
                    self.send(")")
            self.send(f"{tag} OK FETCH completed")
        elif sub == "STORE":
            uid = int(args.split(" ", 1)[0])
            for number, message in enumerate(store.messages, start=1):
                if message.uid == uid and re.search(r"\\Seen", args):
                    message.seen = True
                    self.send(f"* {number} FETCH (UID {uid} FLAGS (\\Seen))")
            self.send(f"{tag} OK STORE completed")
        else:
            self.send(f"{tag} BAD unknown UID command")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(store: Mailstore) -> tuple[_Server, int]:
    """Start the server on a free local port; the caller shuts it down."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.store = store  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]
