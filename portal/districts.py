"""Seoul's 25 autonomous districts (gu), plus "outside Seoul", named in every UI language.

Residents give the district they live in; reports, classes and events are placed in one.
The English names are the city's official romanisations; each catalog holds the official
name in its own script (마포구, 麻浦区, 麻浦区, quận Mapo).
"""

from flask_babel import lazy_gettext as _l

from .enums import LabelledEnum


class District(LabelledEnum):
    dobong = _l("Dobong-gu")
    dongdaemun = _l("Dongdaemun-gu")
    dongjak = _l("Dongjak-gu")
    eunpyeong = _l("Eunpyeong-gu")
    gangbuk = _l("Gangbuk-gu")
    gangdong = _l("Gangdong-gu")
    gangnam = _l("Gangnam-gu")
    gangseo = _l("Gangseo-gu")
    geumcheon = _l("Geumcheon-gu")
    guro = _l("Guro-gu")
    gwanak = _l("Gwanak-gu")
    gwangjin = _l("Gwangjin-gu")
    jongno = _l("Jongno-gu")
    jung = _l("Jung-gu")
    jungnang = _l("Jungnang-gu")
    mapo = _l("Mapo-gu")
    nowon = _l("Nowon-gu")
    seocho = _l("Seocho-gu")
    seodaemun = _l("Seodaemun-gu")
    seongbuk = _l("Seongbuk-gu")
    seongdong = _l("Seongdong-gu")
    songpa = _l("Songpa-gu")
    yangcheon = _l("Yangcheon-gu")
    yeongdeungpo = _l("Yeongdeungpo-gu")
    yongsan = _l("Yongsan-gu")
    outside = _l("Outside Seoul")
