"""The groups the city keeps whatever staff create: advisory bodies, councils, honours."""

# (code, names per UI language). The migration that made groups inserts the same rows.
STANDARD_GROUPS = [
    ("advisors_education", {
        "en": "Global Policy Group of Advisors – Education", "ko": "글로벌 정책자문단(교육)",
        "zh": "全球政策咨询团（教育）", "ja": "グローバル政策諮問団（教育）",
        "vi": "Nhóm cố vấn chính sách toàn cầu – Giáo dục"}),
    ("advisors_medical", {
        "en": "Global Policy Group of Advisors – Medical service",
        "ko": "글로벌 정책자문단(의료)", "zh": "全球政策咨询团（医疗）",
        "ja": "グローバル政策諮問団（医療）",
        "vi": "Nhóm cố vấn chính sách toàn cầu – Dịch vụ y tế"}),
    ("advisors_housing", {
        "en": "Global Policy Group of Advisors – Housing", "ko": "글로벌 정책자문단(주택)",
        "zh": "全球政策咨询团（住房）", "ja": "グローバル政策諮問団（住宅）",
        "vi": "Nhóm cố vấn chính sách toàn cầu – Nhà ở"}),
    ("advisors_transport", {
        "en": "Global Policy Group of Advisors – Transportation",
        "ko": "글로벌 정책자문단(교통)", "zh": "全球政策咨询团（交通）",
        "ja": "グローバル政策諮問団（交通）",
        "vi": "Nhóm cố vấn chính sách toàn cầu – Giao thông"}),
    ("research_forum", {
        "en": "Global City Administration Research Forum", "ko": "글로벌 도시행정 연구포럼",
        "zh": "全球城市行政研究论坛", "ja": "グローバル都市行政研究フォーラム",
        "vi": "Diễn đàn nghiên cứu hành chính đô thị toàn cầu"}),
    ("sibac", {
        "en": "Seoul International Business Advisory Council (SIBAC)",
        "ko": "서울국제경제자문단(SIBAC)", "zh": "首尔国际经济咨询团（SIBAC）",
        "ja": "ソウル国際経済諮問団（SIBAC）",
        "vi": "Hội đồng Tư vấn Kinh doanh Quốc tế Seoul (SIBAC)"}),
    ("fiac", {
        "en": "Foreign Investment Advisory Council (FIAC)", "ko": "외국인투자자문회의(FIAC)",
        "zh": "外国人投资咨询会议（FIAC）", "ja": "外国人投資諮問会議（FIAC）",
        "vi": "Hội đồng Tư vấn Đầu tư Nước ngoài (FIAC)"}),
    ("honorary_citizens", {
        "en": "Honorary citizens of Seoul", "ko": "서울시 명예시민", "zh": "首尔市荣誉市民",
        "ja": "ソウル市名誉市民", "vi": "Công dân danh dự của Seoul"}),
]
