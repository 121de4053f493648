"""Demo reports: categories, teams, prepared replies, and reports in every status and language."""

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.demo import STAFF_EMAIL
from ..accounts.service import find_user_by_email
from ..columns import utcnow
from ..districts import District
from ..extensions import db
from . import service
from .models import CannedKind, CannedResponse, Category, Report, Team, TeamMember

TEAMS = {
    "housing": {"en": "Housing Policy Division", "ko": "주택정책과", "zh": "住房政策科",
                "ja": "住宅政策課", "vi": "Phòng Chính sách Nhà ở"},
    "transport": {"en": "Transport Policy Division", "ko": "교통정책과", "zh": "交通政策科",
                  "ja": "交通政策課", "vi": "Phòng Chính sách Giao thông"},
    "health": {"en": "Public Health Division", "ko": "보건의료정책과", "zh": "保健医疗政策科",
               "ja": "保健医療政策課", "vi": "Phòng Chính sách Y tế"},
    "safety": {"en": "Safety Management Division", "ko": "안전총괄과", "zh": "安全总括科",
               "ja": "安全総括課", "vi": "Phòng Quản lý An toàn"},
    "global_center": {"en": "Seoul Global Center", "ko": "서울글로벌센터",
                      "zh": "首尔全球中心", "ja": "ソウルグローバルセンター",
                      "vi": "Trung tâm Toàn cầu Seoul"},
}

# (code, team, names); the last is the catch-all.
CATEGORIES = [
    ("housing", "housing", {"en": "Housing", "ko": "주거", "zh": "住房", "ja": "住まい",
                            "vi": "Nhà ở"}),
    ("transport", "transport", {"en": "Transport", "ko": "교통", "zh": "交通", "ja": "交通",
                                "vi": "Giao thông"}),
    ("health", "health", {"en": "Health care", "ko": "의료", "zh": "医疗", "ja": "医療",
                          "vi": "Y tế"}),
    ("education", "global_center", {"en": "Education", "ko": "교육", "zh": "教育",
                                    "ja": "教育", "vi": "Giáo dục"}),
    ("administration", "global_center", {
        "en": "Administration and visas", "ko": "행정·비자", "zh": "行政手续与签证",
        "ja": "行政手続き・ビザ", "vi": "Thủ tục hành chính và thị thực"}),
    ("banking", "global_center", {"en": "Banking and telecoms", "ko": "금융·통신",
                                  "zh": "银行与通信", "ja": "銀行・通信",
                                  "vi": "Ngân hàng và viễn thông"}),
    ("employment", "global_center", {"en": "Employment", "ko": "고용·노동", "zh": "就业",
                                     "ja": "仕事・雇用", "vi": "Việc làm"}),
    ("safety", "safety", {"en": "Safety", "ko": "안전", "zh": "安全", "ja": "安全",
                          "vi": "An toàn"}),
    ("language", "global_center", {"en": "Language access", "ko": "언어 지원",
                                   "zh": "语言服务", "ja": "言語サポート",
                                   "vi": "Hỗ trợ ngôn ngữ"}),
    ("discrimination", "global_center", {"en": "Discrimination", "ko": "차별", "zh": "歧视",
                                         "ja": "差別", "vi": "Phân biệt đối xử"}),
    ("other", "global_center", {"en": "Other", "ko": "기타", "zh": "其他", "ja": "その他",
                                "vi": "Khác"}),
]

CANNED = [
    (CannedKind.reply, {"en": "Received, we are looking into it", "ko": "접수·검토 중"}, {
        "en": "Thank you for your report. The responsible team has received it and is "
              "looking into it. We will write to you here as soon as we know more.",
        "zh": "感谢您的反映。负责部门已经收到，正在处理。一有进展，我们会在这里通知您。",
        "ja": "ご報告ありがとうございます。担当部署が受け付け、確認を進めています。"
              "進展があり次第、こちらでお知らせします。",
        "vi": "Cảm ơn bạn đã phản ánh. Bộ phận phụ trách đã tiếp nhận và đang xem xét. "
              "Chúng tôi sẽ thông báo cho bạn tại đây ngay khi có thêm thông tin.",
        "ko": "소중한 의견 감사합니다. 담당 부서에서 접수하여 검토하고 있습니다. "
              "진행 상황이 있으면 이곳에서 바로 알려 드리겠습니다.",
    }),
    (CannedKind.referral, {"en": "Immigration: Korea Immigration Service",
                           "ko": "출입국: 출입국·외국인청"}, {
        "en": "Visas and stay permits are handled by the Korea Immigration Service, a "
              "national agency, not by the city. Please call the Immigration Contact Center "
              "at 1345 (interpreters available) or visit hikorea.go.kr.",
        "zh": "签证和滞留许可由国家机关出入境·外国人政策本部负责，不属于市政府的职责。"
              "请拨打外国人综合服务中心电话1345（提供翻译），或访问 hikorea.go.kr。",
        "ja": "ビザや在留許可は市ではなく、国の機関である出入国・外国人庁が担当しています。"
              "外国人総合案内センター（1345、通訳あり）にお電話いただくか、"
              "hikorea.go.kr をご覧ください。",
        "vi": "Thị thực và giấy phép lưu trú do Cục Xuất nhập cảnh (cơ quan trung ương) "
              "phụ trách, không phải thành phố. Vui lòng gọi Trung tâm tư vấn tổng hợp cho "
              "người nước ngoài 1345 (có phiên dịch) hoặc truy cập hikorea.go.kr.",
        "ko": "비자와 체류 허가는 시가 아닌 국가 기관인 출입국·외국인청 소관입니다. "
              "외국인종합안내센터(국번 없이 1345, 통역 가능)로 문의하시거나 "
              "hikorea.go.kr을 이용해 주십시오.",
    }),
]

# (reporter, category, district, title, description, urgent, public, days ago, actions)
REPORTS = [
    ("lan.nguyen@example.vn", "housing", District.geumcheon,
     "Chủ nhà không trả lại tiền đặt cọc",
     "Tôi đã chuyển nhà hai tháng trước nhưng chủ nhà vẫn chưa trả lại tiền đặt cọc "
     "5 triệu won. Tôi không biết phải hỏi ở đâu.", False, True, 1, []),
    ("wang.xiaoming@example.cn", "transport", District.guro,
     "公交站没有中文和英文的到站信息",
     "九老数码园区附近的公交站只有韩文的到站信息，外国工人很难知道该坐哪一路车。",
     False, True, 9, ["acknowledge", "start"]),
    ("misaki.sato@example.jp", "health", District.mapo,
     "夜間に日本語が通じる病院が見つからない",
     "子どもが夜に高熱を出しましたが、日本語か英語で相談できる病院が見つかりませんでした。"
     "夜間の医療通訳の案内がほしいです。", True, True, 0, []),
    ("emily.carter@example.com", "administration", District.yongsan,
     "Alien registration card renewal appointment",
     "I cannot find any appointment slot for renewing my residence card before it expires "
     "next month. What should I do?", False, True, 20, ["refer"]),
    ("hung.tran@example.vn", "employment", District.yeongdeungpo,
     "Công ty trả lương chậm ba tháng",
     "Công ty nơi tôi làm việc đã chậm trả lương ba tháng liền. Tôi cần được tư vấn.",
     False, False, 12, ["acknowledge", "ask"]),
    ("li.na@example.cn", "language", District.gwanak,
     "区厅没有中文翻译",
     "冠岳区厅办理手续时没有中文翻译，也没有翻译电话的说明。", False, True, 30,
     ["acknowledge", "start", "resolve", "rate"]),
    ("maria.santos@example.ph", "other", District.dongdaemun,
     "Streetlight out near my children's school",
     "The streetlight on the path to the elementary school has been out for two weeks. "
     "Children walk there in the dark.", False, True, 15, []),
    ("oliver.schmidt@example.de", "banking", District.jongno,
     "Bank will not open an account without a Korean phone number",
     "Several banks refused to open an account because my phone contract is in my "
     "embassy's name.", False, False, 4, ["acknowledge", "reply"]),
    ("aigerim@example.kz", "housing", District.seongdong,
     "Mould keeps coming back in my studio",
     "The landlord painted over the mould, but it came back after two weeks of rain.",
     False, True, 10, ["acknowledge", "resolve", "reopen"]),
    ("ken.tanaka@example.jp", "safety", District.seocho,
     "歩道の段差が危ない",
     "서초역 近くの歩道に大きな段差があり、夜はとても危険です。", False, True, 40,
     ["acknowledge", "decline"]),
    ("emily.carter@example.com", "transport", District.guro,
     "No English arrival times at Guro Digital Complex bus stops",
     "The bus stops near Guro Digital Complex station show arrival times only in Korean.",
     False, True, 25, ["duplicate"]),
]

MESSAGES = {
    "ask": "Could you tell us the name of the company and since when the salary is late?",
    "decline": "This sidewalk belongs to a private building site; we passed it to its owner.",
    "resolve": "The district office now offers Chinese interpretation by phone at every desk.",
    "reply": "We have asked the Korea Federation of Banks which documents banks may require.",
}


def seed() -> str | None:
    """Add teams, categories, prepared replies and demo reports through the services, once."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Category)):
        return None
    teams = {}
    for code, names in TEAMS.items():
        teams[code] = Team(code=code, names=names)
        db.session.add(teams[code])
    db.session.flush()
    categories = {}
    for position, (code, team, names) in enumerate(CATEGORIES):
        categories[code] = Category(code=code, names=names, team_id=teams[team].id,
                                    position=position, catch_all=code == "other")
        db.session.add(categories[code])
    for kind, names, texts in CANNED:
        db.session.add(CannedResponse(kind=kind, names=names, texts=texts))
    staff = find_user_by_email(STAFF_EMAIL)
    if staff is None:
        db.session.flush()
        return f"{len(TEAMS)} teams, {len(CATEGORIES)} categories"
    db.session.add(TeamMember(team_id=teams["global_center"].id, user_id=staff.id))
    service.set_languages(staff, ["ko", "en", "zh"])
    db.session.flush()
    canned = service.canned_responses(CannedKind.referral)[0]
    count = 0
    now = utcnow()
    filed: list[Report] = []
    for (email, category, district, title, description, urgent, public, days_ago,
         actions) in REPORTS:
        reporter = find_user_by_email(email)
        if reporter is None:
            continue
        at = now - timedelta(days=days_ago, hours=3)
        report = service.file_report(
            reporter=reporter, category=categories[category], district=district, title=title,
            description=description, urgent=urgent, public_stats=public, now=at,
        )
        db.session.flush()
        filed.append(report)
        for step, action in enumerate(actions, start=1):
            when = at + timedelta(days=step)
            if action == "reply":
                service.reply(report, by=staff, message=MESSAGES["reply"])
            elif action == "reopen":
                service.reopen(report, by=reporter, reason="The mould is back again.",
                               now=when)
            elif action == "rate":
                service.rate(report, by=reporter, rating=4,
                             comment="Thank you, it is much better now.")
            elif action == "refer":
                service.change_status(report, "refer", by=staff, now=when,
                                      message=canned.texts.get(reporter.locale))
            elif action == "duplicate":
                service.change_status(report, "duplicate", by=staff, now=when,
                                      duplicate_of=filed[1],  # the bus stop report
                                      message="We already know of this and are on it.")
            else:
                service.change_status(report, action, by=staff, now=when,
                                      message=MESSAGES.get(action))
        count += 1
    db.session.flush()
    return f"{len(TEAMS)} teams, {len(CATEGORIES)} categories, {count} reports"

