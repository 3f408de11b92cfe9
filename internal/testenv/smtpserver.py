"""A real SMTP server for tests (Debian's aiosmtpd), started by internal/testenv/smtp.go.

It stores every message it accepts, as received, in DIR/messages: NNNNNN.eml holds the bytes after
DATA, NNNNNN.json the envelope. DIR/faults.json, read at every command, makes it answer with errors:
{"AUTH": 535, "MAIL": 550, "DATA": 451, "RCPT": {"bob@example.org": 550}}. Every command it answered
is appended to DIR/commands.log as "STEP CODE".
"""
import argparse
import json
import os
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

REPLIES = {
    421: "421 4.3.2 Service shutting down",
    450: "450 4.2.1 Mailbox busy, try later",
    451: "451 4.3.0 Temporary failure, try later",
    452: "452 4.5.3 Too many recipients",
    530: "530 5.7.0 Authentication required",
    535: "535 5.7.8 Authentication credentials invalid",
    550: "550 5.1.1 Mailbox unavailable",
    552: "552 5.3.4 Message too big",
    554: "554 5.7.1 Message refused",
}


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        os.makedirs(os.path.join(folder, "messages"), exist_ok=True)

    def faults(self):
        try:
            with open(os.path.join(self.folder, "faults.json")) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def answer(self, step, code):
        with self.lock, open(os.path.join(self.folder, "commands.log"), "a") as f:
            f.write(f"{step} {code}\n")
        return REPLIES.get(code, f"{code} Error") if code >= 400 else "250 OK"

    def fault(self, step, address=None):
        fault = self.faults().get(step, 0)
        if isinstance(fault, dict):
            fault = fault.get(address, 0)
        return fault

    def save(self, envelope):
        with self.lock:
            folder = os.path.join(self.folder, "messages")
            n = len([f for f in os.listdir(folder) if f.endswith(".eml")]) + 1
            base = os.path.join(folder, f"{n:06d}")
            with open(base + ".json", "w") as f:
                json.dump({"mailFrom": envelope.mail_from, "rcptTos": envelope.rcpt_tos}, f)
            with open(base + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(base + ".tmp", base + ".eml")


class Handler:
    def __init__(self, store):
        self.store = store

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        code = self.store.fault("MAIL")
        if code:
            return self.store.answer("MAIL", code)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return self.store.answer("MAIL", 250)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.store.fault("RCPT", address)
        if code:
            return self.store.answer("RCPT", code)
        envelope.rcpt_tos.append(address)
        return self.store.answer("RCPT", 250)

    async def handle_DATA(self, server, session, envelope):
        code = self.store.fault("DATA")
        if code:
            return self.store.answer("DATA", code)
        self.store.save(envelope)
        return self.store.answer("DATA", 250)


def authenticator(store, users):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            not store.fault("AUTH")
            and isinstance(auth_data, LoginPassword)
            and users.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        store.answer("AUTH", 235 if ok else 535)
        return AuthResult(success=ok, handled=False)

    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", choices=["None", "StartTLS", "Implicit"], default="None")
    parser.add_argument("--username")
    parser.add_argument("--password")
    args = parser.parse_args()
    store = Store(args.dir)
    options = {}
    if args.tls != "None":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(os.path.join(args.dir, "cert.pem"), os.path.join(args.dir, "key.pem"))
        if args.tls == "Implicit":
            options["ssl_context"] = context
        else:
            options["tls_context"] = context
            options["require_starttls"] = True
    if args.username:
        options["authenticator"] = authenticator(store, {args.username: args.password})
        options["auth_required"] = True
        # aiosmtpd counts only STARTTLS as TLS: with implicit TLS the session is encrypted all along.
        options["auth_require_tls"] = args.tls == "StartTLS"
    controller = Controller(Handler(store), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
