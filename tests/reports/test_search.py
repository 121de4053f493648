"""Search in the triage queue: words of every UI language, two letters and up, via the index."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from portal.extensions import db
from portal.reports import fulltext
from portal.reports.models import Report, ReportStatus
from portal.reports.queue import PRIORITY_INDEX, QueueFilters, queue
from portal.search import fold
from tests.conftest import make_app

REVISION = "b2f75e4c0de2"

# (key, title, description): one report each, filed through the service.
TEXTS = [
    ("ko", "월세가 너무 올랐어요", "집주인이 올해 월세를 두 번이나 올렸습니다."),
    ("ko_salary", "회사가 월급을 안 줘요", "세 달째 월급이 밀렸습니다."),
    ("zh", "房租太贵", "房东今年涨了两次房租，合同只有韩文。"),
    ("zh_deposit", "房东不退押金", "搬家两个月了，押金还没有退。"),
    ("ja", "アパートの家賃が上がった", "家賃が今年二回も上がりました。"),
    ("ja_bus", "バス停の案内", "到着案内が韓国語だけです。"),
    ("vi", "Tiền thuê nhà tăng quá cao", "Chủ nhà tăng tiền thuê hai lần trong năm."),
    ("vi_bus", "Xe buýt số 7016 không dừng", "Buổi tối xe buýt thường không dừng lại."),
    ("en", "Landlord keeps my DEPOSIT", "The parent company of the agency never answers."),
    ("en_bus", "Bus 7016 skips the stop", "It passes without stopping at night."),
    ("percent", "Rent up 100% this year", "My flat is rent_free no more."),
    ("dash", "Rent up 1000 won", "The previous deal was rent-free, a rentXfree deal."),
]


@pytest.fixture
def ctx(app):
    with app.test_request_context("/en/"):
        yield


@pytest.fixture
def filed(ctx, create_report):
    return {key: create_report(title=title, description=description)
            for key, title, description in TEXTS}


def found(filed, q: str, **filters) -> set[str]:
    viewer = filed["ko"].reporter  # the queue needs one; no filter here depends on it
    statement = queue(QueueFilters(view="all", q=q, **filters), viewer=viewer)
    ids = {report.id for report in db.session.scalars(statement)}
    return {key for key, report in filed.items() if report.id in ids}


def narrowed(q: str) -> set[int]:
    """Ids that the index alone lets through for ``q`` (no LIKE check)."""
    return set(db.session.scalars(sa.select(Report.id).where(fulltext.indexed(q))))


@pytest.mark.parametrize(("q", "expected"), [
    ("월세", {"ko"}),  # two Hangul syllables
    ("월세가", {"ko"}),
    ("월급", {"ko_salary"}),
    ("房租", {"zh"}),  # two Han characters
    ("押金", {"zh_deposit"}),
    ("アパート", {"ja"}),  # katakana
    ("家賃", {"ja"}),
    ("thuê", {"vi"}),  # Vietnamese with its accents...
    ("THUE NHA", {"vi"}),  # ...without them, in capitals
    ("Tiền Thuê", {"vi"}),
    ("deposit", {"en"}),  # English in any case
    ("Deposit", {"en"}),
    ("arent", {"en"}),  # inside a word, as LIKE finds it: p-arent
    ("bus 7016", {"en_bus"}),
    ("7016", {"en_bus", "vi_bus"}),
    ("房", {"zh", "zh_deposit"}),  # one character: a LIKE scan, still right
])
def test_searches_find_words_in_every_ui_language(filed, q, expected):
    assert found(filed, q) == expected


@pytest.mark.parametrize("q", [
    "월세금",  # 월세 is there, 세금 is not
    "房价",  # 房 is there, 房价 is not
    "家具",
    "thuê xe",
    "deposits",
    "parents",
    "7017",
])
def test_searches_do_not_find_what_is_not_there(filed, q):
    assert found(filed, q) == set()


@pytest.mark.parametrize(("q", "expected"), [
    ("100%", {"percent"}),  # not "1000"
    ("0%", {"percent"}),
    ("%", {"percent"}),
    ("rent_free", {"percent"}),  # not rent-free, nor rentXfree
    ("t_f", {"percent"}),
    ("_", {"percent"}),
])
def test_percent_and_underscore_are_plain_text(filed, q, expected):
    assert found(filed, q) == expected


def test_search_combines_with_the_other_filters(filed):
    from portal.contacts.models import Tier

    assert found(filed, "월세", tier=Tier.unclassified) == {"ko"}
    assert found(filed, "월세", tier=Tier.global_elite) == set()


def test_an_edited_report_is_found_by_its_new_words_not_its_old_ones(filed):
    report = filed["ko"]
    report.title = "난방이 안 돼요"
    report.description = "보일러가 고장 났어요."
    db.session.flush()
    assert found(filed, "난방") == {"ko"}
    assert found(filed, "보일러") == {"ko"}
    assert found(filed, "월세") == set()
    # The index itself moved on: it does not merely leave the old words to the LIKE check.
    assert report.id in narrowed("보일러")
    assert report.id not in narrowed("월세")


def test_a_status_change_leaves_the_grams_alone(filed, staff_user):
    from portal.reports import service

    report = filed["zh"]
    grams = db.session.scalar(sa.select(Report.search_grams).where(Report.id == report.id))
    service.change_status(report, "acknowledge", by=staff_user)
    db.session.flush()
    assert report.id in narrowed("房租")
    assert db.session.scalar(sa.select(Report.search_grams)
                             .where(Report.id == report.id)) == grams


def test_a_deleted_report_leaves_the_index(filed):
    report_id = filed["zh"].id
    db.session.delete(filed["zh"])
    db.session.flush()
    assert report_id not in narrowed("房租")


def test_the_index_narrows_without_losing_any_report_that_contains_the_words(filed):
    texts = {report.id: report.search_text for report in filed.values()}
    for q in ["월세", "房租", "家賃", "thue", "arent", "rent", "ent", "bus 7016", "아요", "の家"]:
        containing = {i for i, text in texts.items() if fold(q) in text}
        assert containing <= narrowed(q), q
        assert len(narrowed(q)) < len(texts), q


def test_grams_of_dense_scripts_are_pairs_and_others_are_word_endings():
    assert fulltext.grams(fold("월세가 올랐어요")).split() == ["월세", "세가", "올랐", "랐어",
                                                             "어요"]
    assert fulltext.grams(fold("Parent")).split() == ["parent", "arent", "rent", "ent", "nt"]
    assert fulltext.search_terms("월세 Rent") == [("rent", True), ("월세", False)]
    assert fulltext.search_terms("房") == []
    assert fulltext.search_terms("a_b %") == []


class Explain(Executable, ClauseElement):
    """``EXPLAIN`` (PostgreSQL) or ``EXPLAIN QUERY PLAN`` (SQLite) of a statement."""

    inherit_cache = False

    def __init__(self, statement):
        self.statement = statement


@compiles(Explain, "sqlite")
def _explain_sqlite(element, compiler, **kw):
    return "EXPLAIN QUERY PLAN " + compiler.process(element.statement, **kw)


@compiles(Explain, "postgresql")
def _explain_postgresql(element, compiler, **kw):
    return "EXPLAIN " + compiler.process(element.statement, **kw)


@pytest.fixture
def crowded(filed, backend):
    """Thousands of other open reports, and statistics about them: plans as in real life."""
    sample = filed["en"]
    now = datetime.now(UTC)
    rows = []
    for n in range(3000):
        title, description = f"Heating {n}", "The heating in my flat has not worked for a week."
        text = fold(f"{title}\n{description}")
        # One in eight open, one in twenty urgent, tiers evenly: much as in bench/.
        rows.append({"reporter_id": sample.reporter_id, "category_id": sample.category_id,
                     "title": title, "description": description,
                     "status": ReportStatus.new if n % 8 == 0 else ReportStatus.resolved,
                     "urgent": n % 20 == 0, "tier_rank": 1 + n % 4, "received_at": now,
                     "due_at": now, "search_text": text, "search_grams": fulltext.grams(text)})
    db.session.execute(sa.insert(Report), rows)  # bulk: the grams are given, as in bench/
    if backend == "postgresql":
        # Fresh GIN entries wait in a pending list, which the planner rightly finds slow to
        # read; autovacuum would soon merge them into the index.
        db.session.execute(sa.select(sa.func.gin_clean_pending_list(fulltext.PG_INDEX)))
        db.session.execute(sa.text("ANALYZE reports"))
    return filed


@pytest.mark.parametrize("q", ["월세", "房租", "rent", "bus 7016"])
def test_the_queue_search_goes_through_the_index(crowded, backend, q):
    assert found(crowded, q)
    statement = queue(QueueFilters(q=q), viewer=crowded["ko"].reporter)
    plan = "\n".join(str(row[-1]) for row in db.session.execute(Explain(statement)))
    if backend == "sqlite":
        assert f"SCAN {fulltext.FTS_TABLE} VIRTUAL TABLE INDEX" in plan, plan
    else:
        assert f"Bitmap Index Scan on {fulltext.PG_INDEX}" in plan, plan


def test_the_queue_reads_open_reports_through_an_index(crowded, backend):
    statement = queue(QueueFilters(), viewer=crowded["ko"].reporter).limit(50)
    plan = "\n".join(str(row[-1]) for row in db.session.execute(Explain(statement)))
    if backend == "sqlite":
        # SQLite finds the open reports through the queue index, then sorts the few it found.
        assert "ix_reports_queue" in plan, plan
    else:
        # PostgreSQL walks them in priority order instead of sorting every open report.
        assert f"Index Scan using {PRIORITY_INDEX}" in plan, plan
        assert "Incremental Sort" in plan, plan


def _search_objects(engine) -> list[tuple]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return connection.execute(sa.text(
                "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'reports\\_search%' "
                "ESCAPE '\\' ORDER BY name")).all()
        return connection.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reports' "
            "AND indexname IN (:search, :priority) ORDER BY indexname"),
            {"search": fulltext.PG_INDEX, "priority": PRIORITY_INDEX}).all()


def _old_report(connection, title: str, description: str) -> int:
    """A report as the revision before this one stored it (no grams yet)."""
    meta = sa.MetaData()
    users, categories, reports = (sa.Table(name, meta, autoload_with=connection)
                                  for name in ("users", "report_categories", "reports"))
    now = datetime(2026, 3, 2, tzinfo=UTC)
    user_id = connection.execute(users.insert().values(
        email="old@example.org", password_hash="!", name="Old", locale="ko", role="resident",
        created_at=now, password_changed_at=now)).inserted_primary_key[0]
    category_id = connection.execute(categories.insert().values(
        code="housing", names={}, catch_all=False, active=True,
        position=0)).inserted_primary_key[0]
    return connection.execute(reports.insert().values(
        reporter_id=user_id, category_id=category_id, title=title, description=description,
        urgent=False, public_stats=False, status="new", tier_rank=4, created_at=now,
        updated_at=now, search_text=fold(f"{title}\n{description}"), version=1,
    )).inserted_primary_key[0]


@pytest.mark.no_transaction
def test_the_revision_fills_and_indexes_existing_reports_as_create_all_does(
        app, fresh_databases, tmp_path):
    migrated = make_app(fresh_databases.new(), tmp_path)
    with migrated.app_context():
        upgrade(revision=f"{REVISION}-1")
        with db.engine.begin() as connection:
            report_id = _old_report(connection, "월세가 올랐어요", "房租 and the rent")
        upgrade(revision=REVISION)
        grams = db.session.scalar(sa.select(Report.search_grams))
        assert grams == fulltext.grams(fold("월세가 올랐어요\n房租 and the rent"))
        for q in ("월세", "房租", "rent"):
            assert db.session.scalars(sa.select(Report.id).where(fulltext.matching(q))) \
                .all() == [report_id]
        db.session.remove()
        objects = _search_objects(db.engine)
        downgrade(revision=f"{REVISION}-1")
        assert _search_objects(db.engine) == []
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("reports")}
        assert "search_grams" not in columns
        db.engine.dispose()
    with app.app_context():
        assert objects == _search_objects(db.engine)
        # SQLite: the FTS5 table, its three shadow tables and three triggers; PostgreSQL: the
        # GIN index and the queue's priority index.
        assert len(objects) == (7 if db.engine.dialect.name == "sqlite" else 2)
