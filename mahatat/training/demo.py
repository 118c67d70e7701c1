"""Demo data for training: eight programmes typical of Jordan's Knowledge Stations, a trainer pool, and cohorts at
every active station (one completed with certificates issued, one running, one or two open for enrolment).

Cohorts are built through the services (schedule, enrolment, attendance, cohorts, certificates) so the demo is
consistent with what the site does. Dates are relative to the day of the first run; a cohort is found again by
its programme, station and notes (each slot has its own notes), so a second run creates nothing. The running
cohort of the demo trainer gets a session today on every day the demo is loaded, for self check-in.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from mahatat.accounts.models import CitizenProfile, Gender, User
from mahatat.core.arabic_text import fold
from mahatat.core.dates import AMMAN, local_today
from mahatat.demo.rows import upsert
from mahatat.stations.models import Station

from .models import (
    Attendance,
    CatalogueSearchMiss,
    Certificate,
    CertificateTemplate,
    Cohort,
    Enrolment,
    FeedbackResponse,
    NeedsSurveyResponse,
    Programme,
    Provider,
    TargetGroup,
    TimeOfDay,
    Topic,
    Trainer,
    TrainerAvailability,
    TrainingSession,
)
from .services import attendance as attendance_service
from .services import certificates as certificate_service
from .services import cohorts as cohort_service
from .services import enrolment as enrolment_service
from .services import schedule as schedule_service

if TYPE_CHECKING:
    from mahatat.demo.context import SeedContext

DOMAIN = "demo.mahatat.jo"
DEMO_CITIZEN_EMAIL = f"citizen@{DOMAIN}"
DEMO_TRAINER_EMAIL = f"trainer@{DOMAIN}"
HOME_STATION = "KS-AMM-01"

# --- Programmes -------------------------------------------------------------------------------------------------

PROGRAMMES: tuple[dict[str, object], ...] = (
    {
        "code": "digital-skills-basics",
        "title_ar": "مهارات الحاسوب والإنترنت الأساسية",
        "title_en": "Basic computer and internet skills",
        "description_ar": "استخدام الحاسوب والهاتف الذكي، البريد الإلكتروني، البحث على الإنترنت، حفظ الملفات "
        "وتنظيمها، والأمان الرقمي وحماية الحسابات من الاحتيال.",
        "description_en": "Using a computer and a smartphone, e-mail, searching the web, saving and organising "
        "files, and staying safe online: protecting accounts from fraud.",
        "provider": Provider.NITC,
        "topic": Topic.DIGITAL_SKILLS,
        "target_groups": [TargetGroup.EVERYONE],
        "total_hours": 18,
        "min_attendance_percent": 75,
    },
    {
        "code": "it-diploma",
        "title_ar": "دبلوم مهارات تكنولوجيا المعلومات (المكافئ للرخصة الدولية لقيادة الحاسوب)",
        "title_en": "IT skills diploma (ICDL equivalent)",
        "description_ar": "سبع وحدات: أساسيات الحاسوب، الإنترنت، معالجة النصوص، الجداول الإلكترونية، العروض "
        "التقديمية، قواعد البيانات، والأمن السيبراني. يُختتم بامتحان عملي.",
        "description_en": "Seven modules: computer essentials, online essentials, word processing, spreadsheets, "
        "presentations, databases and cyber security. Ends with a practical exam.",
        "provider": Provider.NITC,
        "topic": Topic.IT_DIPLOMA,
        "target_groups": [TargetGroup.JOB_SEEKERS, TargetGroup.EVERYONE],
        "prerequisites_ar": "معرفة أساسية باستخدام الحاسوب.",
        "prerequisites_en": "Basic computer use.",
        "total_hours": 60,
        "min_attendance_percent": 80,
        "min_assessment_score": 60,
        "certificate_template": CertificateTemplate.DIPLOMA,
    },
    {
        "code": "e-government-services",
        "title_ar": "الخدمات الحكومية الإلكترونية: تطبيق سند والدفع الإلكتروني",
        "title_en": "E-government services: the Sanad app and e-payments",
        "description_ar": "تفعيل الهوية الرقمية على تطبيق سند، طلب الخدمات الحكومية إلكترونياً، ودفع الفواتير "
        "والرسوم عبر إي فواتيركم والمحافظ الإلكترونية بأمان.",
        "description_en": "Activating your digital ID in the Sanad app, requesting government services online, "
        "and paying bills and fees safely with eFAWATEERcom and e-wallets.",
        "provider": Provider.GAM,
        "topic": Topic.E_SERVICES,
        "target_groups": [TargetGroup.EVERYONE],
        "total_hours": 8,
        "min_attendance_percent": 75,
    },
    {
        "code": "entrepreneurship",
        "title_ar": "ريادة الأعمال: من الفكرة إلى المشروع",
        "title_en": "Entrepreneurship: from idea to business",
        "description_ar": "دراسة السوق، نموذج العمل، التكاليف والتسعير، التسويق عبر وسائل التواصل، وتسجيل "
        "المشروع المنزلي لدى أمانة عمان الكبرى.",
        "description_en": "Market research, the business model, costs and pricing, social media marketing, and "
        "registering a home business with the Greater Amman Municipality.",
        "provider": Provider.PARTNER,
        "partner_name": "Jordan Enterprise Development Corporation (JEDCO)",
        "topic": Topic.ENTREPRENEURSHIP,
        "target_groups": [TargetGroup.ENTREPRENEURS, TargetGroup.WOMEN, TargetGroup.YOUTH],
        "total_hours": 24,
        "min_attendance_percent": 80,
    },
    {
        "code": "english-for-work",
        "title_ar": "اللغة الإنجليزية للعمل",
        "title_en": "English for work",
        "description_ar": "المحادثة في بيئة العمل، كتابة الرسائل الإلكترونية، المقابلات الوظيفية، والمفردات "
        "المهنية الأساسية.",
        "description_en": "Conversation at work, writing e-mails, job interviews and essential professional "
        "vocabulary.",
        "provider": Provider.PARTNER,
        "partner_name": "British Council Jordan",
        "topic": Topic.ENGLISH,
        "target_groups": [TargetGroup.JOB_SEEKERS, TargetGroup.YOUTH],
        "prerequisites_ar": "مستوى مبتدئ في اللغة الإنجليزية على الأقل.",
        "prerequisites_en": "At least beginner English.",
        "total_hours": 30,
        "min_attendance_percent": 80,
    },
    {
        "code": "women-digital-skills",
        "title_ar": "المهارات الرقمية للمرأة",
        "title_en": "Digital skills for women",
        "description_ar": "دورة للسيدات: الخدمات المصرفية والحكومية عبر الهاتف، التسويق الإلكتروني للمشاريع "
        "المنزلية، والأمان الرقمي وحماية الخصوصية.",
        "description_en": "A course for women: mobile banking and government services, online marketing for home "
        "businesses, and digital safety and privacy.",
        "provider": Provider.GAM,
        "topic": Topic.DIGITAL_SKILLS,
        "target_groups": [TargetGroup.WOMEN],
        "total_hours": 16,
        "min_attendance_percent": 75,
    },
    {
        "code": "youth-coding",
        "title_ar": "البرمجة للشباب (15-24 سنة)",
        "title_en": "Coding for youth (ages 15-24)",
        "description_ar": "مدخل إلى البرمجة بلغة بايثون وتصميم صفحات الويب، مع مشروع صغير في نهاية الدورة.",
        "description_en": "An introduction to programming in Python and building web pages, with a small project "
        "at the end of the course.",
        "provider": Provider.NITC,
        "topic": Topic.OTHER,
        "target_groups": [TargetGroup.YOUTH],
        "total_hours": 36,
        "min_attendance_percent": 80,
    },
    {
        "code": "job-seekers-cv",
        "title_ar": "الباحثون عن عمل: السيرة الذاتية والبحث عن وظيفة عبر الإنترنت",
        "title_en": "Job seekers: CV writing and online job search",
        "description_ar": "كتابة سيرة ذاتية باللغتين، إنشاء ملف على منصات التوظيف ومنصة سجل للتشغيل، "
        "والتحضير للمقابلة.",
        "description_en": "Writing a CV in Arabic and English, building a profile on job platforms and the national "
        "employment platform, and preparing for the interview.",
        "provider": Provider.GAM,
        "topic": Topic.OTHER,
        "target_groups": [TargetGroup.JOB_SEEKERS],
        "total_hours": 12,
        "min_attendance_percent": 75,
    },
)
PROGRAMME_DEFAULTS: dict[str, object] = {
    "partner_name": "",
    "prerequisites_ar": "",
    "prerequisites_en": "",
    "min_assessment_score": None,
    "certificate_template": CertificateTemplate.ATTENDANCE,
    "is_active": True,
}

# --- Trainers ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoTrainer:
    email: str
    name_ar: str
    name_en: str
    station: str
    topics: tuple[str, ...]
    qualifications_ar: str
    qualifications_en: str
    phone: str
    days: tuple[int, ...]  # Monday 0 … Sunday 6
    hours: tuple[int, int]


TRAINERS: tuple[DemoTrainer, ...] = (
    DemoTrainer(
        DEMO_TRAINER_EMAIL, "هبة المومني", "Heba Al-Momani", "KS-AMM-01",
        (Topic.DIGITAL_SKILLS, Topic.IT_DIPLOMA, Topic.E_SERVICES, Topic.OTHER),
        "بكالوريوس علم الحاسوب، الجامعة الهاشمية؛ مدربة معتمدة للرخصة الدولية لقيادة الحاسوب.",
        "BSc Computer Science, Hashemite University; certified ICDL trainer.",
        "+962795551101", (6, 0, 1, 2, 3), (8, 20),
    ),
    DemoTrainer(
        f"trainer.nasr@{DOMAIN}", "محمود الشوابكة", "Mahmoud Al-Shawabkeh", "KS-AMM-02",
        (Topic.IT_DIPLOMA, Topic.DIGITAL_SKILLS, Topic.OTHER),
        "ماجستير نظم المعلومات، جامعة البلقاء التطبيقية؛ عشر سنوات في تدريب الحاسوب.",
        "MSc Information Systems, Al-Balqa Applied University; ten years teaching IT.",
        "+962795551102", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
    DemoTrainer(
        f"trainer.quwaysimah@{DOMAIN}", "رنا العزام", "Rana Al-Azzam", "KS-AMM-04",
        (Topic.ENTREPRENEURSHIP, Topic.DIGITAL_SKILLS, Topic.OTHER),
        "بكالوريوس إدارة أعمال، الجامعة الأردنية؛ مدربة ريادة أعمال معتمدة.",
        "BA Business Administration, University of Jordan; certified entrepreneurship trainer.",
        "+962795551103", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
    DemoTrainer(
        f"trainer.english@{DOMAIN}", "دانة حداد", "Dana Haddad", "KS-AMM-05",
        (Topic.ENGLISH, Topic.OTHER),
        "بكالوريوس الأدب الإنجليزي، جامعة اليرموك؛ شهادة CELTA لتعليم الإنجليزية.",
        "BA English Literature, Yarmouk University; CELTA certificate.",
        "+962795551104", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
    DemoTrainer(
        f"trainer.coding@{DOMAIN}", "ليث عبيدات", "Laith Obeidat", "KS-AMM-06",
        (Topic.OTHER, Topic.IT_DIPLOMA, Topic.DIGITAL_SKILLS),
        "بكالوريوس هندسة البرمجيات، جامعة العلوم والتكنولوجيا الأردنية؛ مطور ويب.",
        "BSc Software Engineering, Jordan University of Science and Technology; web developer.",
        "+962795551105", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
    DemoTrainer(
        f"trainer.eservices@{DOMAIN}", "سامي القضاة", "Sami Al-Qudah", "KS-AMM-07",
        (Topic.E_SERVICES, Topic.DIGITAL_SKILLS, Topic.OTHER),
        "دبلوم تكنولوجيا المعلومات؛ مدرب الخدمات الحكومية الإلكترونية لدى وزارة الاقتصاد الرقمي والريادة.",
        "Diploma in IT; e-government services trainer for the Ministry of Digital Economy and "
        "Entrepreneurship.",
        "+962795551106", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
    DemoTrainer(
        f"trainer.women@{DOMAIN}", "عبير الخصاونة", "Abeer Al-Khasawneh", "KS-AMM-02",
        (Topic.DIGITAL_SKILLS, Topic.ENTREPRENEURSHIP, Topic.E_SERVICES, Topic.OTHER),
        "بكالوريوس تكنولوجيا المعلومات، جامعة مؤتة؛ مدربة برامج تمكين المرأة الرقمي.",
        "BSc Information Technology, Mutah University; trainer in women's digital inclusion programmes.",
        "+962795551107", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
    DemoTrainer(
        f"trainer.careers@{DOMAIN}", "فراس الحوراني", "Firas Al-Hourani", "KS-AMM-04",
        (Topic.OTHER, Topic.ENGLISH, Topic.ENTREPRENEURSHIP),
        "ماجستير الموارد البشرية؛ مستشار توظيف ومدرب مهارات البحث عن عمل.",
        "MA Human Resources; careers adviser and job-search skills trainer.",
        "+962795551108", (6, 0, 1, 2, 3, 5), (9, 21),
    ),
)  # fmt: skip

# --- Cohort slots -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    key: str
    notes_ar: str
    notes_en: str
    day_offsets: tuple[int, ...]  # session days, from the Sunday of the week of the first run
    hours: tuple[int, int]
    seats: int
    enrolled: int
    waitlisted: int = 0


PAST = Slot(
    "past",
    "المجموعة الصباحية: الأحد والثلاثاء والخميس.",
    "Morning group: Sundays, Tuesdays and Thursdays.",
    (-56, -54, -52, -49, -47, -45),
    (10, 13),
    12,
    7,
)
RUNNING = Slot(
    "running",
    "المجموعة المسائية: يومان في الأسبوع.",
    "Evening group: two days a week.",
    (-13, -11, -6, -4, 8, 10, 15),
    (16, 19),
    14,
    8,
)
OPEN = Slot(
    "open",
    "مجموعة جديدة: التسجيل مفتوح.",
    "New group: enrolment is open.",
    (21, 23, 28, 30, 35, 37),
    (17, 20),
    15,
    4,
)
FULL = Slot(
    "full",
    "مجموعة أيام الخميس (مقاعد محدودة).",
    "Thursday group (few seats).",
    (25, 32, 39, 46),
    (10, 14),
    6,
    6,
    3,
)

# Programme of each slot at each station (by station order); women-only and youth cohorts are marked.
STATION_PLAN: dict[str, dict[str, str]] = {
    "KS-AMM-01": {
        "past": "digital-skills-basics",
        "running": "it-diploma",
        "open": "e-government-services",
        "full": "women-digital-skills",
    },
    "KS-AMM-02": {"past": "women-digital-skills", "running": "digital-skills-basics", "open": "it-diploma"},
    "KS-AMM-04": {
        "past": "entrepreneurship",
        "running": "job-seekers-cv",
        "open": "youth-coding",
        "full": "english-for-work",
    },
    "KS-AMM-05": {"past": "english-for-work", "running": "e-government-services", "open": "entrepreneurship"},
    "KS-AMM-06": {"past": "youth-coding", "running": "digital-skills-basics", "open": "job-seekers-cv"},
    "KS-AMM-07": {"past": "e-government-services", "running": "english-for-work", "open": "it-diploma"},
}
FALLBACK_PLAN = {
    "past": "job-seekers-cv",
    "running": "e-government-services",
    "open": "digital-skills-basics",
}
# A station under rehabilitation takes enrolments for the course that opens it again.
REOPENING_PLAN = {"open": "digital-skills-basics"}
REOPENING_TRAINER = f"trainer.women@{DOMAIN}"  # teaches no other demo cohort, so never double-booked
SLOTS = {"past": PAST, "running": RUNNING, "open": OPEN, "full": FULL}

NEEDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("KS-AMM-01", Topic.IT_DIPLOMA, "دورة إكسل متقدمة للمحاسبة", (TimeOfDay.EVENING,)),
    ("KS-AMM-01", Topic.E_SERVICES, "كيف أفعّل الهوية الرقمية على سند", (TimeOfDay.MORNING,)),
    ("KS-AMM-02", Topic.ENGLISH, "English conversation for interviews", (TimeOfDay.EVENING, TimeOfDay.WEEKEND)),
    ("KS-AMM-02", Topic.DIGITAL_SKILLS, "استخدام الهاتف الذكي لكبار السن", (TimeOfDay.MORNING,)),
    ("KS-AMM-04", Topic.ENTREPRENEURSHIP, "التسويق عبر إنستغرام للمشاريع المنزلية", (TimeOfDay.AFTERNOON,)),
    ("KS-AMM-04", Topic.OTHER, "تصميم الجرافيك", (TimeOfDay.WEEKEND,)),
    ("KS-AMM-05", Topic.OTHER, "برمجة تطبيقات الهاتف للشباب", (TimeOfDay.AFTERNOON, TimeOfDay.WEEKEND)),
    ("KS-AMM-06", Topic.DIGITAL_SKILLS, "الأمن السيبراني وحماية الحسابات", (TimeOfDay.EVENING,)),
    ("KS-AMM-07", Topic.E_SERVICES, "دفع الفواتير عبر إي فواتيركم", (TimeOfDay.MORNING, TimeOfDay.AFTERNOON)),
)  # fmt: skip
SEARCH_MISSES: tuple[tuple[str, str | None], ...] = (
    ("فوتوشوب", "KS-AMM-01"),
    ("تصميم جرافيك", "KS-AMM-04"),
    ("محاسبة", None),
    ("صيانة الهواتف", "KS-AMM-02"),
    ("AutoCAD", None),
    ("تعلم اللغة الألمانية", "KS-AMM-05"),
)
FEEDBACK_COMMENTS = (
    "دورة مفيدة جداً والمدربة متعاونة.",
    "أتمنى لو كانت المدة أطول.",
    "القاعة مريحة لكن بعض الأجهزة بطيئة.",
    "",
    "Very practical, I now pay my bills online.",
    "",
)


def _amman(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMMAN)


def _seed_programmes() -> dict[str, Programme]:
    programmes = {}
    for spec in PROGRAMMES:
        values = {**PROGRAMME_DEFAULTS, **{k: v for k, v in spec.items() if k != "code"}}
        values["target_groups"] = [str(g) for g in values["target_groups"]]  # type: ignore[attr-defined]
        programme, _created, _changed = upsert(Programme, lookup={"code": spec["code"]}, values=values)
        programmes[programme.code] = programme
    return programmes


def _seed_trainers(stations: dict[str, Station]) -> dict[str, Trainer]:
    trainers: dict[str, Trainer] = {}
    for spec in TRAINERS:
        user = User.objects.filter(email__iexact=spec.email).first()
        trainer, _created, _changed = upsert(
            Trainer,
            lookup={"email": spec.email},
            values={
                "name_ar": spec.name_ar,
                "name_en": spec.name_en,
                "user": user,
                "home_station": stations.get(spec.station),
                "topics": [str(t) for t in spec.topics],
                "qualifications_ar": spec.qualifications_ar,
                "qualifications_en": spec.qualifications_en,
                "phone": spec.phone,
                "is_active": True,
            },
        )
        for weekday in spec.days:
            TrainerAvailability.objects.get_or_create(
                trainer=trainer,
                weekday=weekday,
                start=dt.time(spec.hours[0]),
                defaults={"end": dt.time(spec.hours[1])},
            )
        trainers[spec.station] = trainers.get(spec.station, trainer)
        trainers[spec.email] = trainer
    return trainers


class Citizens:
    """The demo citizens, drawn deterministically for each cohort (eligibility respected)."""

    def __init__(self, rng: random.Random, year: int) -> None:
        self.rng = rng
        self.year = year
        profiles = (
            CitizenProfile.objects.filter(
                Q(user__email__isnull=True) | Q(user__email=""), user__is_active=True
            )
            .select_related("user")
            .order_by("user__phone")
        )
        self.profiles = list(profiles)

    def draw(self, cohort: Cohort, count: int, exclude: set[int]) -> list[User]:
        pool = [
            p
            for p in self.profiles
            if p.user_id not in exclude
            and (not cohort.gender or p.gender == cohort.gender)
            and (cohort.min_age is None or (p.birth_year and self.year - p.birth_year >= cohort.min_age))
            and (cohort.max_age is None or (p.birth_year and self.year - p.birth_year <= cohort.max_age))
        ]
        return [p.user for p in self.rng.sample(pool, min(count, len(pool)))]


def _eligibility(programme: Programme) -> dict[str, object]:
    if programme.code == "women-digital-skills":
        return {"gender": Gender.FEMALE, "min_age": None, "max_age": None}
    if programme.code == "youth-coding":
        return {"gender": "", "min_age": 15, "max_age": 24}
    return {"gender": "", "min_age": None, "max_age": None}


@dataclass
class Built:
    cohort: Cohort
    created: bool


def _build_cohort(
    *,
    slot: Slot,
    programme: Programme,
    station: Station,
    trainer: Trainer,
    today: dt.date,
    citizens: Citizens,
    must: list[User],
    must_wait: list[User],
    rng: random.Random,
    by: User | None,
) -> Built:
    existing = Cohort.objects.filter(programme=programme, station=station, notes_en=slot.notes_en).first()
    if existing is not None:
        return Built(existing, False)
    sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7)  # the Jordanian week starts on Sunday
    days = [sunday + dt.timedelta(days=n) for n in slot.day_offsets]
    first_start = _amman(days[0], slot.hours[0])
    opens = first_start - dt.timedelta(days=30)
    closes = first_start - dt.timedelta(days=1) if slot in (OPEN, FULL) else _amman(days[-1], 0)
    cohort = Cohort(
        programme=programme,
        station=station,
        seats=slot.seats,
        language="en" if programme.code == "english-for-work" else "ar",
        enrolment_opens=opens,
        enrolment_closes=closes,
        status=Cohort.Status.DRAFT,
        notes_ar=slot.notes_ar,
        notes_en=slot.notes_en,
        **_eligibility(programme),  # type: ignore[arg-type]
    )
    cohort.full_clean()
    cohort.save()
    for day in days:
        schedule_service.add_session(
            cohort=cohort,
            trainer=trainer,
            starts_at=_amman(day, slot.hours[0]),
            ends_at=_amman(day, slot.hours[1]),
            room="قاعة التدريب 1" if slot is not FULL else "قاعة التدريب 2",
        )
    if closes > timezone.now():
        cohort_service.open_cohort(cohort=cohort, by=by)
    else:  # a cohort of the past: its window closed long ago, so it is opened as it was then
        cohort.status = Cohort.Status.OPEN
        cohort.save(update_fields=["status", "updated_at"])
    enrol_at = min(opens + dt.timedelta(hours=2), timezone.now())
    taken = {u.pk for u in must + must_wait}
    people = must + citizens.draw(cohort, slot.enrolled - len(must), taken)
    waiting = citizens.draw(cohort, slot.waitlisted - len(must_wait), taken | {u.pk for u in people})
    for n, citizen in enumerate([*people, *must_wait, *waiting]):
        try:
            enrolment_service.enrol(
                cohort_id=cohort.pk,
                citizen=citizen,
                now=enrol_at + dt.timedelta(minutes=7 * n),
                channel=Enrolment.Channel.DESK if n % 3 == 2 else Enrolment.Channel.ONLINE,
                enrolled_by=by if n % 3 == 2 else None,
            )
        except ValidationError:  # not eligible (a demo citizen outside the range): leave them out
            continue
    cohort.refresh_from_db()
    if slot in (PAST, RUNNING):
        cohort_service.start_cohort(cohort=cohort, by=by)
        _mark_attendance(cohort, rng, trainer)
    if slot is PAST:
        if programme.min_assessment_score is not None:
            for enrolment in cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).order_by("pk"):
                enrolment.assessment_score = rng.choice((48, 65, 72, 81, 88, 93))
                enrolment.save(update_fields=["assessment_score", "updated_at"])
        last = TrainingSession.objects.filter(cohort=cohort).order_by("-ends_at").first()
        assert last is not None
        cohort_service.complete_cohort(cohort=cohort, by=by, now=last.ends_at + dt.timedelta(days=1))
        for enrolment in cohort.enrolments.filter(outcome=Enrolment.Outcome.COMPLETED).order_by("pk"):
            certificate_service.issue_certificate(enrolment=enrolment)
    return Built(cohort, True)


def _mark_attendance(cohort: Cohort, rng: random.Random, trainer: Trainer) -> None:
    """Attendance of the sessions that have ended: most attend well, about one in five misses too much."""
    now = timezone.now()
    sessions = list(TrainingSession.objects.filter(cohort=cohort, ends_at__lte=now).order_by("starts_at"))
    enrolments = list(cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).order_by("pk"))
    for enrolment in enrolments:
        demo = enrolment.citizen.email == DEMO_CITIZEN_EMAIL
        absent_rate = rng.choice((0.0, 0.05, 0.1, 0.15, 0.45))
        for session in sessions:
            roll = rng.random()
            if demo:
                status = Attendance.Status.PRESENT
            elif roll < absent_rate:
                status = Attendance.Status.ABSENT if rng.random() < 0.8 else Attendance.Status.EXCUSED
            elif roll > 0.93:
                status = Attendance.Status.LATE
            else:
                status = Attendance.Status.PRESENT
            attendance_service.mark(
                session=session,
                enrolment=enrolment,
                status=status,
                by=trainer.user,
                now=session.ends_at,
            )


def _ensure_session_today(cohort: Cohort, trainer: Trainer) -> TrainingSession | None:
    """The demo trainer teaches this cohort today (self check-in can be shown): a session now, if none yet."""
    today = local_today()
    for session in TrainingSession.objects.filter(cohort=cohort).order_by("starts_at"):
        if session.starts_at.astimezone(AMMAN).date() == today:
            return session
    now_local = timezone.now().astimezone(AMMAN)
    start_hour = min(max(now_local.hour - 1, 8), 20)
    try:
        return schedule_service.add_session(
            cohort=cohort,
            trainer=trainer,
            starts_at=_amman(today, start_hour),
            ends_at=_amman(today, start_hour + 3),
            room="قاعة التدريب 1",
        )
    except ValidationError:  # the trainer is busy then: the demo does without
        return None


def _seed_feedback(cohorts: list[Cohort], rng: random.Random) -> None:
    for cohort in cohorts:
        trainer = cohort.trainers.order_by("pk").first()
        for n, enrolment in enumerate(
            cohort.enrolments.filter(outcome=Enrolment.Outcome.COMPLETED).order_by("pk")[:4]
        ):
            if FeedbackResponse.objects.filter(enrolment=enrolment).exists():
                continue
            FeedbackResponse.objects.create(
                enrolment=enrolment,
                trainer=trainer,
                programme_rating=rng.choice((4, 5, 5, 3)),
                trainer_rating=rng.choice((5, 5, 4)),
                station_rating=rng.choice((3, 4, 5)),
                comment=FEEDBACK_COMMENTS[(cohort.pk + n) % len(FEEDBACK_COMMENTS)],
            )


def _seed_demand(stations: dict[str, Station], programmes: dict[str, Programme]) -> None:
    for code, topic, wish, times in NEEDS:
        station = stations.get(code)
        if station is None:
            continue
        if not NeedsSurveyResponse.objects.filter(station=station, wish=wish).exists():
            NeedsSurveyResponse.objects.create(station=station, topic=topic, wish=wish, times=list(times))
    for query, miss_code in SEARCH_MISSES:
        station = stations.get(miss_code) if miss_code else None
        if not CatalogueSearchMiss.objects.filter(query=query, station=station).exists():
            CatalogueSearchMiss.objects.create(query=query, folded=fold(query)[:200], station=station)


def _skip_pdf_rendering() -> None:
    """Drop the PDF jobs the certificates queued for the commit: rendering takes about a second each, and the
    download view renders a missing PDF on demand. (Only those jobs: the notifications still go out.)"""
    connection.run_on_commit = [
        entry
        for entry in connection.run_on_commit
        if getattr(entry[1], "__qualname__", "") != "issue_certificate.<locals>.<lambda>"
    ]


def seed(ctx: SeedContext) -> None:
    rng = ctx.random("training")
    today = local_today()
    # The seven Amman stations of the agreement: the active ones and the one under rehabilitation.
    stations = {
        s.code: s
        for s in Station.objects.filter(
            status__in=[Station.Status.ACTIVE, Station.Status.REHABILITATION], municipality__code="gam"
        ).order_by("code")
    }
    programmes = _seed_programmes()
    trainers = _seed_trainers(stations)
    demo_trainer = trainers[DEMO_TRAINER_EMAIL]
    citizen = User.objects.filter(email__iexact=DEMO_CITIZEN_EMAIL).first()
    manager = User.objects.filter(email__iexact=f"manager@{DOMAIN}").first()
    citizens = Citizens(rng, today.year)

    past: list[Cohort] = []
    home_running: Cohort | None = None
    for code, station in stations.items():
        plan = STATION_PLAN.get(code) or (
            REOPENING_PLAN if station.status == Station.Status.REHABILITATION else FALLBACK_PLAN
        )
        trainer = demo_trainer if code == HOME_STATION else trainers.get(code) or trainers[REOPENING_TRAINER]
        for key, programme_code in plan.items():
            slot = SLOTS[key]
            home = code == HOME_STATION and citizen is not None
            must = [citizen] if home and key in ("past", "running") and citizen else []
            must_wait = [citizen] if home and key == "full" and citizen else []
            built = _build_cohort(
                slot=slot,
                programme=programmes[programme_code],
                station=station,
                trainer=trainer,
                today=today,
                citizens=citizens,
                must=must,
                must_wait=must_wait,
                rng=rng,
                by=manager if code == HOME_STATION else None,
            )
            if key == "past":
                past.append(built.cohort)
            if key == "running" and code == HOME_STATION:
                home_running = built.cohort
    today_session = None
    if home_running is not None:
        today_session = _ensure_session_today(home_running, demo_trainer)
    _seed_feedback(past, rng)
    _seed_demand(stations, programmes)
    _skip_pdf_rendering()

    demo_cohorts = Cohort.objects.filter(station__in=stations.values(), programme__in=programmes.values())
    enrolments = Enrolment.objects.filter(cohort__in=demo_cohorts)
    ctx.report("Training", "programmes", Programme.objects.count())
    ctx.report("Training", "trainers", Trainer.objects.count())
    by_status = dict(demo_cohorts.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    ctx.report(
        "Training",
        "cohorts",
        f"{demo_cohorts.count()} at {demo_cohorts.values('station').distinct().count()} stations ("
        + ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        + ")",
    )
    ctx.report(
        "Training",
        "enrolments",
        f"{enrolments.filter(status=Enrolment.Status.ENROLLED).count()} seats, "
        f"{enrolments.filter(status=Enrolment.Status.WAITLISTED).count()} waitlisted, "
        f"{enrolments.filter(outcome=Enrolment.Outcome.COMPLETED).count()} completed",
    )
    ctx.report("Training", "certificates issued", Certificate.objects.valid().count())
    ctx.report(
        "Training",
        "demand",
        f"{NeedsSurveyResponse.objects.count()} needs survey answers, "
        f"{CatalogueSearchMiss.objects.count()} searches without results, "
        f"{FeedbackResponse.objects.count()} feedback responses",
    )
    if today_session is not None:
        ctx.report(
            "Training",
            "trainer's session today",
            f"{today_session.starts_at.astimezone(AMMAN):%H:%M} (Amman) at {HOME_STATION}, "
            f"sign in as {DEMO_TRAINER_EMAIL}",
        )
    certificate = (
        Certificate.objects.filter(enrolment__citizen=citizen).valid().order_by("pk").first()
        if citizen
        else None
    )
    if certificate is not None:
        ctx.report("Training", "verify a certificate", settings.SITE_URL + certificate.get_absolute_url())
