"""Demo data for stations: the seven re-activated Knowledge Stations in seven GAM areas, two planned ones outside
Amman, their hours, an exception or two, Ramadan hours and the public holidays of 2026-2027.

Addresses, phone numbers and e-mails are plausible, not real. Coordinates are the approximate centres of the
districts. Islamic holidays follow the Umm al-Qura calendar; the real dates move with the moon sighting, so their
names say "approximate" and an administrator corrects them as data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from mahatat.demo.rows import upsert

from .models import (
    WORKING_DAYS,
    Area,
    Governorate,
    HoursException,
    Municipality,
    OpeningHours,
    Partner,
    PublicHoliday,
    Station,
    StationService,
    Weekday,
)

if TYPE_CHECKING:
    from mahatat.demo.context import SeedContext

ACTIVE = Station.Status.ACTIVE
REHABILITATION = Station.Status.REHABILITATION
PLANNED = Station.Status.PLANNED

ALL_SERVICES = ("training", "coworking", "public-pcs", "e-services", "printing", "events", "e-learning")
CORE_SERVICES = ("training", "coworking", "public-pcs", "e-services", "printing")


@dataclass(frozen=True)
class DemoStation:
    code: str
    municipality: str  # Municipality.code
    area: int | None  # GAM area number
    name_ar: str
    name_en: str
    address_ar: str
    address_en: str
    landmark_ar: str
    landmark_en: str
    latitude: str
    longitude: str
    phone: str
    email: str
    status: str
    capacity: int
    partners: tuple[str, ...]
    services: tuple[str, ...]
    opened_on: dt.date | None = None
    saturday: bool = False


STATIONS: tuple[DemoStation, ...] = (
    DemoStation(
        code="KS-AMM-01",
        municipality="gam",
        area=3,
        name_ar="محطة معرفة ماركا",
        name_en="Marka Knowledge Station",
        address_ar="ماركا الشمالية، شارع الملك عبدالله الأول، عمارة 45، الطابق الأرضي",
        address_en="Marka Al-Shamaliyya, King Abdullah I Street, building 45, ground floor",
        landmark_ar="مقابل مركز صحي ماركا الشامل",
        landmark_en="Opposite Marka Comprehensive Health Centre",
        latitude="31.989700",
        longitude="35.978800",
        phone="+96264891230",
        email="marka@ks.demo.mahatat.jo",
        status=ACTIVE,
        capacity=40,
        partners=("gam", "nitc"),
        services=ALL_SERVICES,
        opened_on=dt.date(2002, 3, 10),
        saturday=True,
    ),
    DemoStation(
        code="KS-AMM-02",
        municipality="gam",
        area=4,
        name_ar="محطة معرفة النصر",
        name_en="Al-Nasr Knowledge Station",
        address_ar="جبل النصر، شارع الأمير حسن، عمارة 112، الطابق الأول",
        address_en="Jabal Al-Nasr, Prince Hassan Street, building 112, first floor",
        landmark_ar="بجانب مديرية منطقة النصر",
        landmark_en="Next to the Al-Nasr Area directorate",
        latitude="31.971700",
        longitude="35.956000",
        phone="+96264752418",
        email="alnasr@ks.demo.mahatat.jo",
        status=ACTIVE,
        capacity=35,
        partners=("gam", "nitc"),
        services=(*CORE_SERVICES, "events"),
        opened_on=dt.date(2002, 9, 1),
    ),
    DemoStation(
        code="KS-AMM-03",
        municipality="gam",
        area=15,
        name_ar="محطة معرفة بدر الجديدة",
        name_en="Badr Al-Jadida Knowledge Station",
        address_ar="بدر الجديدة، شارع عراق الأمير، عمارة 14",
        address_en="Badr Al-Jadida, Iraq Al-Amir Street, building 14",
        landmark_ar="قرب مديرية منطقة بدر الجديدة",
        landmark_en="Near the Badr Al-Jadida Area directorate",
        latitude="31.946000",
        longitude="35.811000",
        phone="+96265853307",
        email="badrjadida@ks.demo.mahatat.jo",
        status=REHABILITATION,
        capacity=25,
        partners=("gam", "nitc"),
        services=("training", "public-pcs", "e-services"),
        opened_on=dt.date(2004, 2, 15),
    ),
    DemoStation(
        code="KS-AMM-04",
        municipality="gam",
        area=11,
        name_ar="محطة معرفة القويسمة",
        name_en="Al-Quwaysimah Knowledge Station",
        address_ar="القويسمة، شارع مادبا، عمارة 230، الطابق الأول",
        address_en="Al-Quwaysimah, Madaba Street, building 230, first floor",
        landmark_ar="قرب مديرية منطقة القويسمة",
        landmark_en="Near the Al-Quwaysimah Area directorate",
        latitude="31.911000",
        longitude="35.950000",
        phone="+96264205516",
        email="quwaysimah@ks.demo.mahatat.jo",
        status=ACTIVE,
        capacity=50,
        partners=("gam", "nitc"),
        services=(*CORE_SERVICES, "events", "e-learning"),
        opened_on=dt.date(2003, 5, 4),
    ),
    DemoStation(
        code="KS-AMM-05",
        municipality="gam",
        area=16,
        name_ar="محطة معرفة صويلح",
        name_en="Sweileh Knowledge Station",
        address_ar="صويلح، شارع السلط، عمارة 31، الطابق الثاني",
        address_en="Sweileh, Al-Salt Street, building 31, second floor",
        landmark_ar="قرب دوار صويلح",
        landmark_en="Near Sweileh roundabout",
        latitude="32.022000",
        longitude="35.840000",
        phone="+96265342290",
        email="sweileh@ks.demo.mahatat.jo",
        status=ACTIVE,
        capacity=30,
        partners=("gam", "nitc"),
        services=(*CORE_SERVICES, "e-learning"),
        opened_on=dt.date(2003, 11, 16),
    ),
    DemoStation(
        code="KS-AMM-06",
        municipality="gam",
        area=6,
        name_ar="محطة معرفة رأس العين",
        name_en="Ras Al-Ain Knowledge Station",
        address_ar="رأس العين، شارع قريش، عمارة 8",
        address_en="Ras Al-Ain, Quraysh Street, building 8",
        landmark_ar="قرب مبنى أمانة عمان الكبرى ومركز الحسين الثقافي",
        landmark_en="Near Greater Amman Municipality City Hall and Al-Hussein Cultural Centre",
        latitude="31.944000",
        longitude="35.922500",
        phone="+96264636021",
        email="rasalain@ks.demo.mahatat.jo",
        status=ACTIVE,
        capacity=45,
        partners=("gam", "nitc"),
        services=ALL_SERVICES,
        opened_on=dt.date(2002, 6, 23),
    ),
    DemoStation(
        code="KS-AMM-07",
        municipality="gam",
        area=5,
        name_ar="محطة معرفة اليرموك",
        name_en="Al-Yarmouk Knowledge Station",
        address_ar="اليرموك، شارع اليرموك، عمارة 60، الطابق الأرضي",
        address_en="Al-Yarmouk, Al-Yarmouk Street, building 60, ground floor",
        landmark_ar="قرب مديرية منطقة اليرموك",
        landmark_en="Near the Al-Yarmouk Area directorate",
        latitude="31.936000",
        longitude="35.942000",
        phone="+96264771854",
        email="yarmouk@ks.demo.mahatat.jo",
        status=ACTIVE,
        capacity=30,
        partners=("gam", "nitc"),
        services=(*CORE_SERVICES, "events"),
        opened_on=dt.date(2004, 9, 12),
    ),
    # The network grows beyond Amman: two planned stations in other governorates (no GAM area).
    DemoStation(
        code="KS-IRB-01",
        municipality="irbid",
        area=None,
        name_ar="محطة معرفة إربد",
        name_en="Irbid Knowledge Station",
        address_ar="إربد، شارع الجامعة، عمارة 5",
        address_en="Irbid, University Street, building 5",
        landmark_ar="قرب البوابة الشمالية لجامعة اليرموك",
        landmark_en="Near the north gate of Yarmouk University",
        latitude="32.543000",
        longitude="35.856000",
        phone="+96227251140",
        email="irbid@ks.demo.mahatat.jo",
        status=PLANNED,
        capacity=30,
        partners=("nitc", "modee"),
        services=("training", "coworking", "public-pcs", "e-services"),
    ),
    DemoStation(
        code="KS-ZRQ-01",
        municipality="zarqa",
        area=None,
        name_ar="محطة معرفة الزرقاء",
        name_en="Zarqa Knowledge Station",
        address_ar="الزرقاء، شارع الملك حسين، عمارة 77",
        address_en="Zarqa, King Hussein Street, building 77",
        landmark_ar="قرب مبنى بلدية الزرقاء الكبرى",
        landmark_en="Near the Greater Zarqa Municipality building",
        latitude="32.062000",
        longitude="36.089000",
        phone="+96253961205",
        email="zarqa@ks.demo.mahatat.jo",
        status=PLANNED,
        capacity=30,
        partners=("nitc", "modee"),
        services=("training", "coworking", "public-pcs", "e-services"),
    ),
)

STATION_CODES = tuple(s.code for s in STATIONS)
GAM_STATION_CODES = tuple(s.code for s in STATIONS if s.municipality == "gam")
GAM_STATIONS_BY_AREA = {s.area: s.code for s in STATIONS if s.municipality == "gam" and s.area}

WEEKDAY_HOURS = (dt.time(8), dt.time(16))
SATURDAY_HOURS = (dt.time(9), dt.time(13))
RAMADAN_HOURS = (dt.time(9), dt.time(14, 30))
# Ramadan 1448 AH by the Umm al-Qura calendar (approximate: the start depends on the moon sighting).
RAMADAN_1448 = (dt.date(2027, 2, 8), dt.date(2027, 3, 8))

# (station code, date, closed, opens, closes, reason in Arabic, reason in English)
EXCEPTIONS: tuple[tuple[str, dt.date, bool, dt.time | None, dt.time | None, str, str], ...] = (
    (
        "KS-AMM-01",
        dt.date(2026, 12, 31),
        False,
        dt.time(8),
        dt.time(12),
        "دوام قصير: ليلة رأس السنة",
        "Short day: New Year's Eve",
    ),
    (
        "KS-AMM-02",
        dt.date(2026, 12, 8),
        True,
        None,
        None,
        "مغلقة: صيانة سنوية للأجهزة",
        "Closed: yearly maintenance of the computers",
    ),
    (
        "KS-AMM-06",
        dt.date(2026, 12, 17),
        False,
        dt.time(11),
        dt.time(16),
        "تفتح متأخرة: يوم تدريب الموظفين",
        "Opens late: staff training day",
    ),
)

APPROX_AR = "(موعد تقريبي)"
APPROX_EN = "(approximate date)"

# Jordan's public holidays for 2026 and 2027. Fixed-date holidays are exact; Islamic ones are approximate.
HOLIDAYS: tuple[tuple[dt.date, str, str], ...] = (
    (dt.date(2026, 1, 1), "رأس السنة الميلادية", "New Year's Day"),
    (dt.date(2026, 1, 16), f"ذكرى الإسراء والمعراج {APPROX_AR}", f"Isra and Mi'raj {APPROX_EN}"),
    (dt.date(2026, 3, 20), f"عيد الفطر - اليوم الأول {APPROX_AR}", f"Eid al-Fitr, day 1 {APPROX_EN}"),
    (dt.date(2026, 3, 21), f"عيد الفطر - اليوم الثاني {APPROX_AR}", f"Eid al-Fitr, day 2 {APPROX_EN}"),
    (dt.date(2026, 3, 22), f"عيد الفطر - اليوم الثالث {APPROX_AR}", f"Eid al-Fitr, day 3 {APPROX_EN}"),
    (dt.date(2026, 5, 1), "عيد العمال", "Labour Day"),
    (dt.date(2026, 5, 25), "عيد الاستقلال", "Independence Day"),
    (dt.date(2026, 5, 26), f"يوم عرفة {APPROX_AR}", f"Day of Arafah {APPROX_EN}"),
    (dt.date(2026, 5, 27), f"عيد الأضحى - اليوم الأول {APPROX_AR}", f"Eid al-Adha, day 1 {APPROX_EN}"),
    (dt.date(2026, 5, 28), f"عيد الأضحى - اليوم الثاني {APPROX_AR}", f"Eid al-Adha, day 2 {APPROX_EN}"),
    (dt.date(2026, 5, 29), f"عيد الأضحى - اليوم الثالث {APPROX_AR}", f"Eid al-Adha, day 3 {APPROX_EN}"),
    (dt.date(2026, 6, 16), f"رأس السنة الهجرية 1448 {APPROX_AR}", f"Islamic New Year 1448 {APPROX_EN}"),
    (dt.date(2026, 8, 25), f"المولد النبوي الشريف {APPROX_AR}", f"The Prophet's Birthday {APPROX_EN}"),
    (dt.date(2026, 12, 25), "عيد الميلاد المجيد", "Christmas Day"),
    (dt.date(2027, 1, 1), "رأس السنة الميلادية", "New Year's Day"),
    (dt.date(2027, 1, 5), f"ذكرى الإسراء والمعراج {APPROX_AR}", f"Isra and Mi'raj {APPROX_EN}"),
    (dt.date(2027, 3, 9), f"عيد الفطر - اليوم الأول {APPROX_AR}", f"Eid al-Fitr, day 1 {APPROX_EN}"),
    (dt.date(2027, 3, 10), f"عيد الفطر - اليوم الثاني {APPROX_AR}", f"Eid al-Fitr, day 2 {APPROX_EN}"),
    (dt.date(2027, 3, 11), f"عيد الفطر - اليوم الثالث {APPROX_AR}", f"Eid al-Fitr, day 3 {APPROX_EN}"),
    (dt.date(2027, 5, 1), "عيد العمال", "Labour Day"),
    (dt.date(2027, 5, 15), f"يوم عرفة {APPROX_AR}", f"Day of Arafah {APPROX_EN}"),
    (dt.date(2027, 5, 16), f"عيد الأضحى - اليوم الأول {APPROX_AR}", f"Eid al-Adha, day 1 {APPROX_EN}"),
    (dt.date(2027, 5, 17), f"عيد الأضحى - اليوم الثاني {APPROX_AR}", f"Eid al-Adha, day 2 {APPROX_EN}"),
    (dt.date(2027, 5, 18), f"عيد الأضحى - اليوم الثالث {APPROX_AR}", f"Eid al-Adha, day 3 {APPROX_EN}"),
    (dt.date(2027, 5, 25), "عيد الاستقلال", "Independence Day"),
    (dt.date(2027, 6, 6), f"رأس السنة الهجرية 1449 {APPROX_AR}", f"Islamic New Year 1449 {APPROX_EN}"),
    (dt.date(2027, 8, 14), f"المولد النبوي الشريف {APPROX_AR}", f"The Prophet's Birthday {APPROX_EN}"),
    (dt.date(2027, 12, 25), "عيد الميلاد المجيد", "Christmas Day"),
    (dt.date(2027, 12, 25), f"ذكرى الإسراء والمعراج {APPROX_AR}", f"Isra and Mi'raj {APPROX_EN}"),
)


def _weekly_hours(spec: DemoStation) -> set[tuple[int, dt.time, dt.time]]:
    if spec.status != ACTIVE:
        return set()
    hours = {(day, *WEEKDAY_HOURS) for day in WORKING_DAYS}
    if spec.saturday:
        hours.add((Weekday.SATURDAY, *SATURDAY_HOURS))
    return hours


def _sync_hours(station: Station, wanted: set[tuple[int, dt.time, dt.time]]) -> int:
    """Make the station's weekly hours exactly `wanted`; returns the number of rows written or removed."""
    existing = {(h.weekday, h.opens, h.closes): h.pk for h in station.opening_hours.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    missing = [key for key in wanted if key not in existing]
    if stale:
        OpeningHours.objects.filter(pk__in=stale).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(station=station, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in sorted(missing)
    )
    return len(stale) + len(missing)


def _upsert_exception(
    station: Station,
    date: dt.date,
    closed: bool,
    opens: dt.time | None,
    closes: dt.time | None,
    ar: str,
    en: str,
) -> None:
    upsert(
        HoursException,
        lookup={"station": station, "date": date},
        values={"closed": closed, "opens": opens, "closes": closes, "reason_ar": ar, "reason_en": en},
    )


def _ramadan_days() -> list[dt.date]:
    start, end = RAMADAN_1448
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [day for day in days if day.isoweekday() in WORKING_DAYS]


def seed(ctx: SeedContext) -> None:
    municipalities = {m.code: m for m in Municipality.objects.select_related("governorate")}
    areas = {a.number: a for a in Area.objects.filter(municipality__code="gam")}
    partners = {p.code: p for p in Partner.objects.all()}
    services = {s.code: s for s in StationService.objects.all()}

    created = changed = 0
    stations: dict[str, Station] = {}
    for spec in STATIONS:
        municipality = municipalities[spec.municipality]
        station, was_created, was_changed = upsert(
            Station,
            lookup={"code": spec.code},
            values={
                "name_ar": spec.name_ar,
                "name_en": spec.name_en,
                "governorate": municipality.governorate,
                "municipality": municipality,
                "area": areas[spec.area] if spec.area else None,
                "address_ar": spec.address_ar,
                "address_en": spec.address_en,
                "landmark_ar": spec.landmark_ar,
                "landmark_en": spec.landmark_en,
                "latitude": Decimal(spec.latitude),
                "longitude": Decimal(spec.longitude),
                "phone": spec.phone,
                "email": spec.email,
                "status": spec.status,
                "capacity": spec.capacity,
                "opened_on": spec.opened_on,
                "description_ar": f"{spec.name_ar}: تدريب، ومساحات عمل مشتركة مجانية، ومساعدة في الخدمات الإلكترونية.",
                "description_en": f"{spec.name_en}: training, free co-working and help with e-services.",
            },
        )
        created += was_created
        changed += was_changed
        station.partners.set([partners[code] for code in spec.partners])
        station.services.set([services[code] for code in spec.services])
        _sync_hours(station, _weekly_hours(spec))
        stations[spec.code] = station

    for code, date, closed, opens, closes, reason_ar, reason_en in EXCEPTIONS:
        _upsert_exception(stations[code], date, closed, opens, closes, reason_ar, reason_en)
    for spec in STATIONS:
        if spec.status == ACTIVE:
            for day in _ramadan_days():
                _upsert_exception(
                    stations[spec.code],
                    day,
                    False,
                    *RAMADAN_HOURS,
                    f"ساعات دوام رمضان {APPROX_AR}",
                    f"Ramadan hours {APPROX_EN}",
                )

    for date, name_ar, name_en in HOLIDAYS:
        upsert(
            PublicHoliday,
            lookup={"date": date, "name_en": name_en, "governorate": None},
            values={"name_ar": name_ar},
        )

    demo = Station.objects.filter(code__in=STATION_CODES)
    by_status = {label: demo.filter(status=value).count() for value, label in Station.Status.choices}
    amman = Governorate.objects.get(iso_code="JO-AM")
    ctx.report(
        "Stations",
        "Knowledge Stations",
        f"{demo.count()} ({created} new, {changed} updated); "
        + ", ".join(f"{n} {str(label).lower()}" for label, n in by_status.items() if n),
    )
    ctx.report("Stations", "in GAM areas", demo.filter(governorate=amman, area__isnull=False).count())
    ctx.report("Stations", "weekly opening periods", OpeningHours.objects.filter(station__in=demo).count())
    ctx.report(
        "Stations",
        "hours exceptions (incl. Ramadan)",
        HoursException.objects.filter(station__in=demo).count(),
    )
    ctx.report(
        "Stations",
        "public holidays 2026-2027",
        PublicHoliday.objects.filter(date__year__in=[2026, 2027]).count(),
    )
