"""Import 30,000 contacts from a CSV file, on SQLite and PostgreSQL (a benchmark script).

    .venv/bin/python bench/contacts_import.py [--rows 30000] [--existing 5000]
        [--accounts 2000] [--backends sqlite,postgresql] [--seed 1] [--csv PATH] [--profile]

It writes a realistic file (``--rows`` contacts named in Latin, Hangul, Chinese, Japanese and
Vietnamese script, ~4% without an address, every column used, a few rows with mistakes and
repeated addresses) and, for each database, makes a new one (an SQLite file in a temporary
directory; a database on the server of ``DATABASE_URL_TEST``, by default the local test
server, skipped when unreachable), migrates it (``flask db upgrade``: the standard groups
come with it) and puts in it a staff member, ``--existing`` contacts whose addresses are in
the file (so those rows update, most to another tier) and ``--accounts`` residents
registered with addresses of new rows (so those contacts are linked to the accounts).

Then it times, in-process, ``importer.check`` (what the upload page does) and the
confirmation (``check`` again, ``apply``, commit), and, on a second fresh database, the two
requests a person makes through the Flask test client (sign-in excluded): uploading the file
and confirming the import, with the multipart parsing, the storage and the page rendering.
The aim is under 5 seconds for a 30,000-row file, checked and imported, on SQLite (the exit
status says whether it was met); PostgreSQL's figures are printed beside it. ``--csv`` keeps
the generated file; ``--profile`` prints the slowest functions of the in-process run.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import logging
import os
import platform
import pstats
import random
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reports_data import NAMES, NATIONALITIES  # noqa: E402 - after the path is set

PG_SERVER = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")
AIM_SECONDS = 5.0
PASSWORD = "bench-import-2026"  # noqa: S105 - throw-away benchmark account
STAFF_EMAIL = "importer@city.example"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TICKET = re.compile(r'name="ticket" type="hidden" value="([^"]+)"')

LATIN = {  # how names in other scripts are written in Latin letters (for name_latin)
    "zh": "Wang Xiaoming", "ko": "Kim Seoyeon", "ja": "Sato Misaki", "vi": "Nguyen Thi Lan",
}
DOMAINS = ["gmail.com", "naver.com", "daum.net", "163.com", "qq.com", "yahoo.co.jp",
           "outlook.com", "mofa.go.kr", "seoul.go.kr", "snu.ac.kr", "yonsei.ac.kr",
           "embassy.example.fr", "diplomatie.example.de", "vnexpress.example.vn",
           "nhk.example.jp", "beijing.example.cn", "kotra.example.kr", "worldbank.example.org",
           "hanwha.example.com", "samsung.example.com", "fpt.example.vn", "rakuten.example.jp",
           *(f"firm{n}.example.com" for n in range(40))]
ORGANISATIONS = ["Embassy of France", "Embassy of Viet Nam", "주한 일본대사관", "中国驻韩国大使馆",
                 "Seoul National University", "KOTRA", "Samsung Electronics", "NHK",
                 "VnExpress", "Hanwha Ocean", "Korea Foundation", "World Bank Group",
                 "Đại học Quốc gia Hà Nội", "東京大学", "北京大学", "Yonsei University", ""]
POSITIONS = ["Ambassador", "First Secretary", "Correspondent", "Professor", "CEO",
             "Researcher", "Deputy Director", "교수", "研究员", "記者", "Phóng viên", ""]
HONORIFICS = ["", "", "", "Dr.", "H.E.", "Prof.", "Mr.", "Ms."]
TIERS = ["global_leaders", "global_elite", "next_generation", "unclassified", "",
         "Global Elite", "Next Generation Leaders"]
AFFILIATIONS = ["diplomat", "foreign_journalist", "foreign_student", "worker",
                "Finance professional", "opinion_leader", "", ""]
DISTRICTS = ["mapo", "yongsan", "gangnam", "jongno", "Seodaemun-gu", "guro", "", "outside"]
GROUPS = ["sibac", "fiac", "advisors_housing", "research_forum", "honorary_citizens"]
TAGS = ["G20 delegation", "speaker 2026", "press", "VIP", "연사", "记者会", "hội thảo"]
HEADER = ["email", "name", "honorific", "name_native", "name_latin", "name_order",
          "organisation", "position", "tier", "affiliation", "nationality", "language",
          "district", "groups", "tags"]


def generate(rows: int, seed: int) -> tuple[bytes, list[str]]:
    """A CSV file of ``rows`` contacts (UTF-8 with a BOM) and the addresses it holds."""
    rng = random.Random(seed)
    languages = ["en", "zh", "vi", "ko", "ja"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    emails = []
    for n in range(rows):
        language = rng.choices(languages, weights=[30, 22, 20, 14, 14])[0]
        given, family = NAMES[language]
        if language in ("zh", "ko", "ja"):
            native = f"{rng.choice(given)}{rng.choice(family)}".strip()
            name, latin, order = native, LATIN[language], "family_first"
        elif language == "vi":
            native = f"{rng.choice(given)} {rng.choice(family)}"
            name, latin, order = native, LATIN["vi"], "family_first"
        else:
            name = f"{rng.choice(given)} {rng.choice(family)}"
            native, latin, order = "", "", rng.choice(["given_first", ""])
        email = "" if rng.random() < 0.04 else f"person{n}.{rng.randrange(10**6)}@" \
                                                 f"{rng.choice(DOMAINS)}"
        if email:
            emails.append(email)
        row = [email, name, rng.choice(HONORIFICS), native, latin, order,
               rng.choice(ORGANISATIONS), rng.choice(POSITIONS), rng.choice(TIERS),
               rng.choice(AFFILIATIONS), rng.choice(NATIONALITIES[language]), language,
               rng.choice(DISTRICTS), ";".join(rng.sample(GROUPS, rng.choice([0, 0, 0, 1, 2]))),
               ";".join(rng.sample(TAGS, rng.choice([0, 0, 1, 2, 3])))]
        if n % 1000 == 999:  # mistakes as staff make them
            row[8] = "emperor"
        if n % 1500 == 1:
            row[0] = "not an address"
        writer.writerow(row)
    for email in rng.sample(emails, 20):  # repeated addresses
        writer.writerow([email, "Repeated Row"] + [""] * (len(HEADER) - 2))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), emails


def database(backend: str, tmp: Path) -> tuple[str, callable]:
    """A new, empty database: its URL and a function that removes it."""
    from config import database_url

    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        return f"sqlite:///{tmp / (name + '.sqlite3')}", lambda: None
    admin = sa.create_engine(database_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = sa.engine.make_url(database_url(PG_SERVER)).set(database=name)
    return url.render_as_string(hide_password=False), drop


def postgres_reachable() -> bool:
    from config import database_url

    try:
        engine = sa.create_engine(database_url(PG_SERVER), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False
    return True


def prepare(url: str, tmp: Path, emails: list[str], *, existing: int, accounts: int, seed: int):
    """Migrate a new database and fill it with what the import meets; return the app."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts.models import CONSENT_VERSION, Consent, ConsentPurpose, Role, User
    from portal.accounts.passwords import hash_password
    from portal.columns import utcnow
    from portal.contacts.models import Contact, Tier, search_text_of
    from portal.extensions import db

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench",  # noqa: S106
                     STORAGE_DIR=str(tmp / "storage"), MAIL_FILE_DIR=str(tmp / "mail"),
                     RATELIMIT_ENABLED=False)
    rng = random.Random(seed)
    picked = rng.sample(emails, existing + accounts)
    with app.app_context():
        logging.disable(logging.INFO)  # alembic's line per revision
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        now = utcnow()
        db.session.add(User(
            email=STAFF_EMAIL, name="Bench Importer", role=Role.staff, locale="en",
            password_hash=hash_password(PASSWORD), confirmed_at=now,
            consents=[Consent(purpose=ConsentPurpose.account, version=CONSENT_VERSION,
                              granted_at=now)]))
        db.session.execute(sa.insert(Contact), [
            {"email": email, "name": f"Existing {n}", "locale": "en",
             "tier": rng.choice(list(Tier)), "created_at": now, "updated_at": now,
             "search_text": search_text_of(f"Existing {n}", email)}
            for n, email in enumerate(picked[:existing])])
        db.session.execute(sa.insert(User), [
            {"email": email.lower(), "name": f"Resident {n}", "role": Role.resident,
             "locale": "en", "password_hash": "!", "created_at": now,
             "search_text": email.lower()}
            for n, email in enumerate(picked[existing:])])
        db.session.commit()
    return app


def in_process(app, data: bytes, *, profile: bool) -> dict[str, float]:
    """Check, then confirm (check again, apply, commit), as the two views do."""
    from portal.accounts.models import User
    from portal.contacts import importer
    from portal.extensions import db

    figures = {}
    profiler = cProfile.Profile() if profile else None
    with app.test_request_context("/en/staff/contacts/import", method="POST"):
        staff = db.session.scalar(sa.select(User).where(User.email == STAFF_EMAIL))
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        checked = importer.check(data)
        figures["check"] = time.perf_counter() - started
        db.session.rollback()
        started = time.perf_counter()
        again = importer.check(data)
        figures["check again"] = time.perf_counter() - started
        started = time.perf_counter()
        counts = importer.apply(again, by=staff, filename="bench.csv")
        db.session.commit()
        figures["apply + commit"] = time.perf_counter() - started
        if profiler:
            profiler.disable()
    figures["total"] = figures["check"] + figures["check again"] + figures["apply + commit"]
    print(f"    new {counts.new}, updated {counts.updated}, unchanged {counts.unchanged}, "
          f"left out {counts.left_out} ({checked.problem_count} problems), "
          f"linked to accounts {counts.linked}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return figures


def over_http(app, data: bytes) -> dict[str, float]:
    """Upload the file and confirm the import through the views, signed in as staff."""
    client = app.test_client()
    page = client.get("/en/login").get_data(as_text=True)
    response = client.post("/en/login", data={"csrf_token": CSRF.search(page).group(1),
                                               "email": STAFF_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    token = CSRF.search(client.get("/en/staff/contacts/import").get_data(as_text=True))
    started = time.perf_counter()
    report = client.post("/en/staff/contacts/import", content_type="multipart/form-data",
                         data={"csrf_token": token.group(1),
                               "file": (io.BytesIO(data), "contacts.csv")})
    upload = time.perf_counter() - started
    html = report.get_data(as_text=True)
    assert report.status_code == 200 and TICKET.search(html), html[:2000]
    started = time.perf_counter()
    done = client.post("/en/staff/contacts/import/confirm",
                       data={"csrf_token": CSRF.search(html).group(1),
                             "ticket": TICKET.search(html).group(1)})
    confirm = time.perf_counter() - started
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    return {"upload and check": upload, "confirm and import": confirm,
            "total": upload + confirm}


def count_contacts(app) -> int:
    from portal.contacts.models import Contact
    from portal.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Contact))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--existing", type=int, default=5_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", type=Path, help="keep the generated file here")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    data, emails = generate(args.rows, args.seed)
    if args.csv:
        args.csv.write_bytes(data)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB; {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()}")
    failed = False
    for backend in args.backends.split(","):
        if backend == "postgresql" and not postgres_reachable():
            print(f"{backend}: skipped, unreachable at {PG_SERVER}")
            continue
        for run, measure in (("in process", lambda app: in_process(app, data,
                                                                   profile=args.profile)),
                             ("over HTTP", lambda app: over_http(app, data))):
            with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
                url, drop = database(backend, Path(tmp))
                try:
                    app = prepare(url, Path(tmp), emails, existing=args.existing,
                                  accounts=args.accounts, seed=args.seed)
                    before = count_contacts(app)
                    print(f"{backend}, {run}:")
                    figures = measure(app)
                    added = count_contacts(app) - before
                    with app.app_context():
                        from portal.extensions import db

                        db.engine.dispose()
                finally:
                    drop()
            for label, seconds in figures.items():
                print(f"    {label:<20} {seconds:6.2f} s")
            verdict = "within" if figures["total"] < AIM_SECONDS else "OVER"
            failed |= backend == "sqlite" and figures["total"] >= AIM_SECONDS
            print(f"    contacts added {added}; {verdict} the {AIM_SECONDS:.0f} s aim")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
