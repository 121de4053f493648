"""Load a realistic volume of reports into a portal database (benchmark data, not a test).

    .venv/bin/python bench/reports_data.py DATABASE_URL [--reports 100000] [--contacts 30000]
        [--residents 20000] [--seed 1]

Migrates the database and loads the demo data (``flask db upgrade``, ``flask demo seed``) if it
is new, then adds, with bulk inserts in batches: 30 staff members in the report teams; 20,000
confirmed residents (one precomputed password hash: ``DATA_PASSWORD``), each with a contact;
10,000 more contacts without an account; and 100,000 reports written in English, Chinese,
Japanese, Vietnamese and Korean from the phrase lists below, in every status, in every
category and district (a few for the whole city), ~5% urgent, received over 18 months, with
the timestamps, due times, assignees and ratings their status implies. Bulk inserts skip the
ORM listeners, so each row's ``search_text`` and ``search_grams`` are computed here (the
search index follows from the latter: triggers on SQLite, the GIN index on PostgreSQL).

Nothing is loaded twice: a database that already holds ``--reports`` reports is left as it is.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA_PASSWORD = "bench-resident-2026"  # noqa: S105 - throw-away benchmark accounts
BATCH = 5000
MONTHS = 18

# Contacts' tiers: most people are unclassified; partners without an account rank higher.
RESIDENT_TIERS = {"global_leaders": 0.01, "global_elite": 0.04, "next_generation": 0.10,
                  "unclassified": 0.85}
PARTNER_TIERS = {"global_leaders": 0.06, "global_elite": 0.16, "next_generation": 0.22,
                 "unclassified": 0.56}
LANGUAGES = {"en": 0.30, "zh": 0.22, "vi": 0.20, "ko": 0.14, "ja": 0.14}
NATIONALITIES = {"en": ["US", "PH", "GB", "CA", "AU", "IN", "DE", "FR", "KZ", "MN", "UZ",
                        "RU", "NP"],
                 "zh": ["CN", "TW"], "vi": ["VN"], "ko": ["US", "CN", "UZ", "RU"],
                 "ja": ["JP"]}
NAMES = {
    "en": (["Emily", "James", "Maria", "John", "Aigerim", "Oliver", "Sarah", "David", "Anna",
            "Michael", "Priya", "Batbayar", "Laura", "Thomas", "Grace", "Daniel"],
           ["Carter", "Santos", "Smith", "Schmidt", "Nurlanovna", "Brown", "Garcia", "Wilson",
            "Singh", "Ganbold", "Martin", "Lee", "Taylor", "Kim", "Müller", "Dubois"]),
    "zh": (["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"],
           ["小明", "娜", "伟", "芳", "静", "磊", "洋", "婷", "杰", "丽"]),
    "vi": (["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"],
           ["Thị Lan", "Văn Hùng", "Minh Anh", "Quốc Bảo", "Thu Hà", "Đức Minh", "Ngọc Mai"]),
    "ko": (["김", "이", "박", "최", "정", "강", "조", "윤"],
           ["서연", "지훈", "민준", "하은", "도윤", "수아", "예준", "지우"]),
    "ja": (["佐藤", "田中", "鈴木", "高橋", "伊藤", "渡辺", "山本", "中村"],
           [" 美咲", " 健", " 翔太", " さくら", " 陽菜", " 大輔", " 結衣"]),
}

# Per language and topic: titles, then sentences for descriptions ({n}: a number).
PHRASES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "en": {
        "housing": (["Landlord keeps my deposit", "Rent raised twice this year",
                     "Mould in my rented flat"],
                    ["My landlord has not returned the deposit of {n} million won.",
                     "The rent went up again and the contract is only in Korean.",
                     "There is black mould on the walls and the owner does not answer.",
                     "The heating in my flat has not worked for a week."]),
        "transport": (["No English arrival times at bus stop {n}", "Bus {n} skips the stop"],
                      ["The bus stop shows arrival times only in Korean.",
                       "Bus {n} often passes without stopping at night.",
                       "The subway exit has no lift for wheelchairs or buggies."]),
        "health": (["No English-speaking clinic at night", "Emergency room refused us"],
                   ["My child had a high fever at night and no clinic spoke English.",
                    "We waited {n} hours and nobody could interpret for us.",
                    "I need a medical interpreter for my appointment."]),
        "administration": (["Residence card renewal appointment",
                            "Cannot book an immigration appointment"],
                           ["There is no appointment slot before my card expires.",
                            "The form asks for documents that my embassy does not issue.",
                            "The district office website works only with a Korean phone."]),
        "banking": (["Bank will not open an account", "Phone contract refused"],
                    ["Several banks refused an account without a Korean phone number.",
                     "The mobile shop asked for {n} months of salary slips."]),
        "employment": (["Salary paid late for months", "Unpaid overtime at my company"],
                       ["My company has paid my salary late for {n} months.",
                        "I worked overtime every week and was never paid for it."]),
        "safety": (["Streetlight out near the school", "Broken pavement is dangerous"],
                   ["The streetlight on the path to the school has been out for two weeks.",
                    "Children walk there in the dark.",
                    "The pavement near exit {n} is broken and people fall."]),
        "language": (["No interpreter at the district office", "Signs only in Korean"],
                     ["Nobody at the desk could explain the procedure in English.",
                      "The notice about the water cut was only in Korean."]),
    },
    "zh": {
        "housing": (["房租太贵", "房东不退押金", "房子漏水没人修"],
                    ["房东今年涨了两次房租，合同只有韩文。",
                     "搬家两个月了，房东还没有退还{n}万韩元押金。",
                     "房间墙上长满了霉，房东不接电话。", "暖气坏了一个星期。"]),
        "transport": (["公交站没有中文到站信息", "{n}路公交车不停站"],
                      ["公交站只有韩文的到站信息，外国工人很难知道该坐哪一路车。",
                       "晚上{n}路公交车经常不停站。", "地铁出口没有电梯。"]),
        "health": (["夜间找不到会说中文的医院", "急诊室拒绝接诊"],
                   ["孩子晚上发高烧，找不到能用中文沟通的医院。",
                    "我们等了{n}个小时，没有翻译。"]),
        "administration": (["外国人登录证延期预约不到", "签证材料太复杂"],
                           ["登录证到期前找不到任何预约时间。",
                            "区厅办理手续时没有中文翻译。"]),
        "banking": (["银行不给开户", "手机开户被拒"],
                    ["没有韩国手机号，几家银行都不给开户。", "营业厅要求{n}个月的工资单。"]),
        "employment": (["公司拖欠工资", "加班没有加班费"],
                       ["公司已经连续{n}个月拖欠工资。", "每周加班，从来没有加班费。"]),
        "safety": (["学校附近路灯坏了", "人行道破损很危险"],
                   ["去学校的路上路灯坏了两个星期，孩子们摸黑走路。",
                    "{n}号出口附近的人行道坏了，有人摔倒。"]),
        "language": (["区厅没有中文翻译", "停水通知只有韩文"],
                     ["窗口没有人能用中文说明。", "停水通知只有韩文，我们不知道。"]),
    },
    "ja": {
        "housing": (["家賃が急に上がった", "敷金が返ってこない", "アパートにカビが出る"],
                    ["アパートの家賃が今年二回も上がりました。",
                     "引っ越してから二か月、{n}万ウォンの保証金が返ってきません。",
                     "部屋の壁にカビが広がり、大家さんが対応してくれません。"]),
        "transport": (["バス停に日本語の案内がない", "{n}番のバスが停まらない"],
                      ["バス停の到着案内が韓国語だけです。",
                       "夜になると{n}番のバスが停留所を通過します。"]),
        "health": (["夜間に日本語が通じる病院が見つからない", "救急で断られた"],
                   ["子どもが夜に高熱を出しましたが、相談できる病院が見つかりませんでした。",
                    "夜間の医療通訳の案内がほしいです。"]),
        "administration": (["在留カードの更新予約が取れない", "区役所の手続きが分からない"],
                           ["カードの期限が切れる前に予約が取れません。",
                            "必要な書類の説明が韓国語だけです。"]),
        "banking": (["銀行口座が開けない", "携帯の契約を断られた"],
                    ["韓国の電話番号がないと口座が作れないと言われました。",
                     "{n}か月分の給与明細を求められました。"]),
        "employment": (["給料の支払いが遅れている", "残業代が払われない"],
                       ["会社が{n}か月も給料を払っていません。",
                        "毎週残業していますが残業代がありません。"]),
        "safety": (["歩道の段差が危ない", "学校の近くの街灯が消えている"],
                   ["駅の近くの歩道に大きな段差があり、夜はとても危険です。",
                    "{n}番出口の近くで人が転びました。"]),
        "language": (["区役所に通訳がいない", "断水のお知らせが韓国語だけ"],
                     ["窓口で日本語か英語で説明できる人がいませんでした。",
                      "断水のお知らせが韓国語だけでした。"]),
    },
    "vi": {
        "housing": (["Chủ nhà không trả lại tiền đặt cọc", "Tiền thuê nhà tăng quá cao",
                     "Nhà trọ bị nấm mốc"],
                    ["Tôi đã chuyển nhà hai tháng trước nhưng chủ nhà vẫn chưa trả lại tiền "
                     "đặt cọc {n} triệu won.",
                     "Tiền thuê nhà tăng hai lần trong năm nay.",
                     "Tường phòng bị mốc đen mà chủ nhà không trả lời."]),
        "transport": (["Trạm xe buýt không có thông tin tiếng Anh", "Xe buýt số {n} không dừng"],
                      ["Trạm xe buýt chỉ có thông tin bằng tiếng Hàn.",
                       "Buổi tối xe buýt số {n} thường không dừng lại."]),
        "health": (["Không tìm được bệnh viện ban đêm", "Phòng cấp cứu từ chối"],
                   ["Con tôi bị sốt cao ban đêm nhưng không có bệnh viện nào có phiên dịch.",
                    "Chúng tôi đã chờ {n} tiếng mà không có ai phiên dịch."]),
        "administration": (["Không đặt được lịch gia hạn thẻ cư trú", "Thủ tục quá phức tạp"],
                           ["Tôi không tìm được lịch hẹn nào trước khi thẻ hết hạn.",
                            "Văn phòng quận không có phiên dịch tiếng Việt."]),
        "banking": (["Ngân hàng không cho mở tài khoản", "Bị từ chối hợp đồng điện thoại"],
                    ["Nhiều ngân hàng từ chối mở tài khoản vì tôi không có số điện thoại Hàn "
                     "Quốc.", "Cửa hàng yêu cầu bảng lương {n} tháng."]),
        "employment": (["Công ty trả lương chậm", "Làm thêm giờ không được trả tiền"],
                       ["Công ty nơi tôi làm việc đã chậm trả lương {n} tháng liền.",
                        "Tôi cần được tư vấn về quyền lợi người lao động."]),
        "safety": (["Đèn đường gần trường bị hỏng", "Vỉa hè bị vỡ rất nguy hiểm"],
                   ["Đèn đường trên đường đến trường đã hỏng hai tuần.",
                    "Vỉa hè gần lối ra số {n} bị vỡ, nhiều người bị ngã."]),
        "language": (["Không có phiên dịch ở văn phòng quận", "Thông báo chỉ có tiếng Hàn"],
                     ["Không ai ở quầy giải thích được thủ tục.",
                      "Thông báo cắt nước chỉ có tiếng Hàn."]),
    },
    "ko": {
        "housing": (["월세가 너무 올랐어요", "집주인이 보증금을 안 돌려줘요",
                     "원룸에 곰팡이가 심해요"],
                    ["집주인이 올해 월세를 두 번이나 올렸습니다.",
                     "이사한 지 두 달이 지났는데 보증금 {n}만 원을 돌려받지 못했습니다.",
                     "벽에 곰팡이가 생겼는데 집주인이 연락을 받지 않습니다.",
                     "일주일째 난방이 되지 않습니다."]),
        "transport": (["버스 정류장에 영어 안내가 없어요", "{n}번 버스가 정류장을 지나쳐요"],
                      ["정류장 도착 안내가 한국어로만 나옵니다.",
                       "밤에는 {n}번 버스가 자주 서지 않고 지나갑니다."]),
        "health": (["밤에 외국어가 되는 병원이 없어요", "응급실에서 진료를 거부당했어요"],
                   ["아이가 밤에 고열이 났는데 통역이 되는 병원을 찾지 못했습니다.",
                    "{n}시간을 기다렸지만 통역이 없었습니다."]),
        "administration": (["외국인등록증 연장 예약이 안 돼요", "구청 민원 절차가 어려워요"],
                           ["등록증 만료 전에 예약 가능한 날짜가 없습니다.",
                            "구청 창구에 통역이 없습니다."]),
        "banking": (["은행 계좌 개설을 거절당했어요", "휴대폰 개통이 안 돼요"],
                    ["한국 휴대폰 번호가 없어서 여러 은행에서 계좌 개설을 거절했습니다.",
                     "대리점에서 {n}개월 치 급여명세서를 요구했습니다."]),
        "employment": (["회사가 월급을 안 줘요", "초과근무 수당을 못 받았어요"],
                       ["회사가 {n}개월째 월급을 주지 않고 있습니다.",
                        "매주 초과근무를 했는데 수당을 받지 못했습니다."]),
        "safety": (["학교 앞 가로등이 고장 났어요", "보도 턱이 위험해요"],
                   ["학교 가는 길의 가로등이 2주째 꺼져 있습니다.",
                    "{n}번 출구 근처 보도가 깨져서 사람들이 넘어집니다."]),
        "language": (["구청에 통역이 없어요", "단수 안내가 한국어로만 왔어요"],
                     ["창구에서 영어로 설명해 줄 사람이 없었습니다.",
                      "단수 안내문이 한국어로만 붙어 있었습니다."]),
    },
}
# Categories without phrases of their own borrow a topic's.
TOPIC_OF = {"education": "language", "discrimination": "employment", "other": "safety"}
CATEGORY_SHARES = {"housing": 0.22, "transport": 0.16, "health": 0.10, "education": 0.05,
                   "administration": 0.14, "banking": 0.07, "employment": 0.10, "safety": 0.07,
                   "language": 0.04, "discrimination": 0.02, "other": 0.03}

# Status by age of the report in days: (up to, {status: share}); pending ones are never
# received. About one report in eight is open.
STATUS_BY_AGE = [
    (3, {"new": 0.55, "acknowledged": 0.25, "in_progress": 0.12, "waiting": 0.05,
         "pending": 0.03}),
    (30, {"new": 0.08, "acknowledged": 0.14, "in_progress": 0.24, "waiting": 0.09,
          "resolved": 0.27, "declined": 0.05, "referred": 0.08, "duplicate": 0.03,
          "pending": 0.02}),
    (90, {"new": 0.01, "acknowledged": 0.03, "in_progress": 0.09, "waiting": 0.04,
          "reopened": 0.02, "resolved": 0.56, "declined": 0.08, "referred": 0.11,
          "duplicate": 0.05, "pending": 0.01}),
    (10_000, {"in_progress": 0.02, "waiting": 0.005, "reopened": 0.005, "resolved": 0.70,
              "declined": 0.10, "referred": 0.12, "duplicate": 0.05}),
]
OPEN = {"new", "acknowledged", "in_progress", "waiting", "reopened"}
CLOSED = {"resolved", "declined", "duplicate", "referred"}


def pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def fill(rng: random.Random, text: str) -> str:
    return text.replace("{n}", str(rng.choice([2, 3, 5, 7, 10, 50, 143, 271, 500, 740, 7016,
                                               6411, 8001])))


def report_text(rng: random.Random, language: str, category: str) -> tuple[str, str]:
    topics = PHRASES[language]
    titles, sentences = topics[TOPIC_OF.get(category, category)]
    other = topics[rng.choice(list(topics))][1]
    chosen = rng.sample(sentences, k=min(len(sentences), rng.randint(1, 3)))
    if rng.random() < 0.3:
        chosen.append(rng.choice(other))
    joiner = "" if language in ("zh", "ja") else " "
    return fill(rng, rng.choice(titles)), fill(rng, joiner.join(chosen))


def batches(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def load(database_url: str, *, reports: int = 100_000, contacts: int = 30_000,
         residents: int = 20_000, staff: int = 30, seed: int = 1, quiet: bool = False) -> str:
    """Migrate, seed and fill the database at ``database_url``; return what it did."""
    from flask_migrate import upgrade

    from config import database_url as normalised
    from portal import create_app
    from portal.accounts.models import Role, User
    from portal.accounts.passwords import hash_password
    from portal.contacts.models import Contact, Tier
    from portal.demo import seed as demo_seed
    from portal.districts import District
    from portal.extensions import db
    from portal.reports.fulltext import grams
    from portal.reports.models import (
        TIER_RANK,
        Category,
        Report,
        ReportStatus,
        Team,
        TeamMember,
    )
    from portal.reports.service import DEFAULT_TARGETS
    from portal.reports.workdays import add_working_days
    from portal.search import fold

    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr, flush=True)

    app = create_app(SQLALCHEMY_DATABASE_URI=normalised(database_url),
                     SECRET_KEY="bench")  # noqa: S106 - throw-away data
    rng = random.Random(seed)
    started = time.monotonic()
    with app.app_context():
        upgrade()
        demo_seed()
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
        if have >= reports:
            return f"already loaded: {have} reports"
        now = datetime.now().astimezone()
        password = hash_password(DATA_PASSWORD)
        categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
        teams = list(db.session.scalars(sa.select(Team.id)))
        districts = [d for d in District if d is not District.outside]
        district_weights = [3.0 if d.name in ("mapo", "yongsan", "guro", "yeongdeungpo",
                                              "gangnam", "seodaemun") else 1.0
                            for d in districts]

        def person(index: int, role: Role, prefix: str) -> tuple[dict, str]:
            language = pick(rng, LANGUAGES)
            given, family = NAMES[language]
            name = (f"{rng.choice(given)}{rng.choice(family)}" if language in ("zh", "ko", "ja")
                    else f"{rng.choice(given)} {rng.choice(family)}")
            email = f"{prefix}{index}@bench.example"
            created = now - timedelta(days=rng.uniform(30, 900))
            return {
                "email": email, "password_hash": password, "name": name,
                "locale": language, "role": role,
                "nationality": rng.choice(NATIONALITIES[language]) if role is Role.resident
                else "KR",
                "district": rng.choices(districts, weights=district_weights)[0],
                "confirmed_at": created, "created_at": created,
                "password_changed_at": created,
                "search_text": fold(f"{name} {email}")[:500],
            }, language

        say(f"{staff} staff, {residents} residents ...")
        staff_rows = [person(i, Role.staff, "staff")[0] for i in range(staff)]
        staff_ids = list(db.session.scalars(
            sa.insert(User).returning(User.id, sort_by_parameter_order=True), staff_rows))
        db.session.execute(sa.insert(TeamMember), [
            {"team_id": rng.choice(teams), "user_id": user_id} for user_id in staff_ids])
        resident_rows, resident_languages = [], []
        for i in range(residents):
            row, language = person(i, Role.resident, "resident")
            resident_rows.append(row)
            resident_languages.append(language)
        resident_ids: list[int] = []
        for chunk in batches(resident_rows):
            resident_ids += db.session.scalars(
                sa.insert(User).returning(User.id, sort_by_parameter_order=True), chunk)

        say(f"{contacts} contacts ...")
        tiers: dict[int, Tier] = {}
        contact_rows = []
        for index in range(contacts):
            linked = index < len(resident_ids)
            if linked:
                source, language = resident_rows[index], resident_languages[index]
                tier = Tier[pick(rng, RESIDENT_TIERS)]
                tiers[resident_ids[index]] = tier
            else:
                source, language = person(index, Role.resident, "partner")
                tier = Tier[pick(rng, PARTNER_TIERS)]
            organisation = rng.choice([None, None, "Seoul National University", "Samsung",
                                       "Embassy", "KOTRA", "Yonsei University"])
            contact_rows.append({
                "name": source["name"], "email": source["email"], "locale": language,
                "nationality": source["nationality"], "organisation": organisation,
                "tier": tier, "district": source["district"],
                "user_id": resident_ids[index] if linked else None,
                "created_at": source["created_at"], "updated_at": source["created_at"],
                "search_text": fold(" ".join(
                    p for p in (source["name"], source["email"], organisation) if p))[:700],
            })
        for chunk in batches(contact_rows):
            db.session.execute(sa.insert(Contact), chunk)

        say(f"{reports} reports ...")
        language_of = dict(zip(resident_ids, resident_languages, strict=True))
        category_codes = [code for code in CATEGORY_SHARES if code in categories]
        category_weights = [CATEGORY_SHARES[code] for code in category_codes]
        span = timedelta(days=MONTHS * 30.5)
        rows = []
        for _ in range(reports - have):
            reporter = rng.choice(resident_ids)
            tier = tiers.get(reporter, Tier.unclassified)
            # Mostly in their own language; some write in English or Korean, or another one.
            language = language_of[reporter] if rng.random() < 0.85 else pick(rng, LANGUAGES)
            code = rng.choices(category_codes, weights=category_weights)[0]
            title, description = report_text(rng, language, code)
            # More reports lately: the portal is getting known.
            received = now - span * (rng.random() ** 1.3)
            age = (now - received).days
            status = pick(rng, next(s for limit, s in STATUS_BY_AGE if age <= limit))
            ack_days, resolve_days = DEFAULT_TARGETS[tier]
            row = {
                "reporter_id": reporter, "category_id": categories[code].id,
                "team_id": categories[code].team_id,
                "district": None if rng.random() < 0.06
                else rng.choices(districts, weights=district_weights)[0],
                "title": title, "description": description, "language": language,
                "urgent": rng.random() < 0.05, "public_stats": rng.random() < 0.6,
                "status": ReportStatus[status], "tier_rank": TIER_RANK[tier],
                "created_at": received, "updated_at": received,
                "search_text": fold(f"{title}\n{description}"),
            }
            row["search_grams"] = grams(row["search_text"])
            if status != "pending":
                acknowledge_due = add_working_days(received, ack_days)
                resolve_due = add_working_days(received, resolve_days)
                row.update(received_at=received, acknowledge_due_at=acknowledge_due,
                           resolve_due_at=resolve_due)
                if status in ("new", "reopened"):
                    row["due_at"] = acknowledge_due
                else:
                    acknowledged = received + timedelta(days=rng.uniform(0.05, ack_days * 1.5))
                    row["acknowledged_at"] = min(acknowledged, now)
                    if rng.random() < 0.75:
                        row["assignee_id"] = rng.choice(staff_ids)
                    if status in ("acknowledged", "in_progress"):
                        row["due_at"] = resolve_due
                    elif status == "waiting":
                        row["paused_at"] = min(acknowledged + timedelta(days=1), now)
                if status in CLOSED:
                    closed = min(received + timedelta(days=rng.uniform(1, resolve_days * 1.6)),
                                 now)
                    row.update(closed_at=closed, updated_at=closed)
                    if status == "resolved":
                        row["resolved_at"] = closed
                        if rng.random() < 0.3:
                            row["rating"] = rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 4])[0]
            rows.append(row)
        loaded = 0
        for chunk in batches(rows):
            db.session.execute(sa.insert(Report), chunk)
            loaded += len(chunk)
            say(f"  {loaded} reports")
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do soon after such a load: statistics for the planner.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE")
        db.engine.dispose()
    return (f"{staff} staff, {residents} residents, {contacts} contacts, {len(rows)} reports "
            f"in {time.monotonic() - started:.0f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="e.g. sqlite:////tmp/bench.sqlite3 or "
                                             "postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.residents > args.contacts:
        parser.error("every resident has a contact: --contacts must be at least --residents")
    print(load(args.database_url, reports=args.reports, contacts=args.contacts,
               residents=args.residents, seed=args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
