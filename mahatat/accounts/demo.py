"""Demo data for accounts: one sign-in per role (staff with TOTP), a staff member at every demo station, and a few
hundred citizens with plausible Jordanian names, made deterministically from random.Random(2026).

Passwords and TOTP secrets come from the credential store in DATA_DIR (see mahatat/demo/credentials.py); none is
written in the code. Roles, profiles and consents go through mahatat.accounts.services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db.models import Q

from mahatat.demo.context import DemoLogin
from mahatat.stations.demo import GAM_STATIONS_BY_AREA, STATIONS
from mahatat.stations.models import Area, Governorate, Station

from .identity import IdentityDocumentType, format_jordan_mobile
from .models import CitizenProfile, Consent, DisabilityStatus, Gender, Language, Role, StaffAssignment, User
from .services import CitizenDetails, assign_role, record_consent, save_citizen_profile

if TYPE_CHECKING:
    from mahatat.demo.context import SeedContext

DOMAIN = "demo.mahatat.jo"
SUPERUSER_EMAIL = f"admin@{DOMAIN}"


@dataclass(frozen=True)
class DemoStaff:
    email: str
    display_name: str  # Arabic
    role: str
    title_ar: str
    title_en: str
    station: str | None = None  # station code
    governorate: str | None = None  # ISO code; neither = the whole network
    label: str = ""  # the role as the credentials table shows it


ROLE_ACCOUNTS: tuple[DemoStaff, ...] = (
    DemoStaff(
        f"gam.admin@{DOMAIN}",
        "رانيا الحديدي",
        Role.GAM_ADMIN,
        "مديرة برنامج محطات المعرفة - أمانة عمان الكبرى",
        "Knowledge Stations programme director, GAM",
    ),
    DemoStaff(
        f"nitc@{DOMAIN}",
        "محمد العبادي",
        Role.NITC_COORDINATOR,
        "منسق محطات المعرفة - مركز تكنولوجيا المعلومات الوطني",
        "Knowledge Stations coordinator, NITC",
    ),
    DemoStaff(
        f"manager@{DOMAIN}",
        "ليلى الخطيب",
        Role.STATION_MANAGER,
        "مديرة محطة معرفة ماركا",
        "Manager, Marka Knowledge Station",
        station="KS-AMM-01",
    ),
    DemoStaff(
        f"staff@{DOMAIN}",
        "أحمد الزعبي",
        Role.STATION_STAFF,
        "مشرف المحطة",
        "Station supervisor",
        station="KS-AMM-01",
    ),
    DemoStaff(
        f"trainer@{DOMAIN}",
        "هبة المومني",
        Role.TRAINER,
        "مدربة مهارات الحاسوب",
        "IT skills trainer",
        station="KS-AMM-01",
    ),
    DemoStaff(
        f"inspector@{DOMAIN}",
        "خالد الطراونة",
        Role.INSPECTOR,
        "مفتش مهن",
        "Professions inspector",
        governorate="JO-AM",
    ),
    DemoStaff(
        f"supervisor@{DOMAIN}",
        "سامر المجالي",
        Role.INSPECTION_SUPERVISOR,
        "مشرف التفتيش",
        "Inspection supervisor",
        governorate="JO-AM",
    ),
)

# A supervisor (مشرف) for every other demo station; KS-AMM-01 has staff@ above.
_STATION_STAFF_NAMES = {
    "KS-AMM-02": "نور الشوابكة",
    "KS-AMM-03": "عمر الرواشدة",
    "KS-AMM-04": "ديما القضاة",
    "KS-AMM-05": "يزن العدوان",
    "KS-AMM-06": "رزان الرفاعي",
    "KS-AMM-07": "بلال النسور",
    "KS-IRB-01": "مريم البطاينة",
    "KS-ZRQ-01": "أنس الخلايلة",
}
STATION_STAFF: tuple[DemoStaff, ...] = tuple(
    DemoStaff(
        f"staff.{code.lower().removeprefix('ks-').replace('-', '')}@{DOMAIN}",
        name,
        Role.STATION_STAFF,
        "مشرف المحطة",
        "Station supervisor",
        station=code,
        label=f"station_staff {code}",
    )
    for code, name in _STATION_STAFF_NAMES.items()
)


@dataclass(frozen=True)
class DemoCitizenAccount:
    email: str
    phone: str
    role: str
    details: dict[str, object]
    business_owner: bool = False


CITIZEN_ACCOUNTS: tuple[DemoCitizenAccount, ...] = (
    DemoCitizenAccount(
        f"citizen@{DOMAIN}",
        "+962795550101",
        Role.CITIZEN,
        {
            "name_ar": "سارة يوسف النسور",
            "name_en": "Sara Yousef Al-Nsour",
            "id_number": "9982034417",
            "gender": Gender.FEMALE,
            "birth_year": 1998,
            "area": 3,
            "disability": DisabilityStatus.NONE,
        },
    ),
    DemoCitizenAccount(
        f"owner@{DOMAIN}",
        "+962785550202",
        Role.BUSINESS_OWNER,
        {
            "name_ar": "يوسف جميل حداد",
            "name_en": "Yousef Jamil Haddad",
            "id_number": "9791017756",
            "gender": Gender.MALE,
            "birth_year": 1979,
            "area": 4,
            "disability": DisabilityStatus.NOT_ASKED,
        },
        business_owner=True,
    ),
)
# Staff have mobile numbers too (the sign-in asks every account for one): +962 79 555 00NN, in this order.
SUPERUSER_PHONE = "+962795550000"
STAFF_PHONES = {
    spec.email: f"+96279555{n:04d}" for n, spec in enumerate(ROLE_ACCOUNTS + STATION_STAFF, start=1)
}
RESERVED_PHONES = frozenset({SUPERUSER_PHONE, *STAFF_PHONES.values(), *(a.phone for a in CITIZEN_ACCOUNTS)})

# --- Names (Arabic, Latin) ------------------------------------------------------------------------------------

MALE_NAMES = (
    ("محمد", "Mohammad"), ("أحمد", "Ahmad"), ("عمر", "Omar"), ("خالد", "Khaled"), ("يوسف", "Yousef"),
    ("علي", "Ali"), ("إبراهيم", "Ibrahim"), ("عبدالله", "Abdullah"), ("حمزة", "Hamzeh"), ("زيد", "Zaid"),
    ("مصطفى", "Mustafa"), ("سامي", "Sami"), ("فادي", "Fadi"), ("رامي", "Rami"), ("طارق", "Tareq"),
    ("ليث", "Laith"), ("مالك", "Malek"), ("معاذ", "Moath"), ("عمار", "Ammar"), ("أنس", "Anas"),
    ("بلال", "Bilal"), ("هاشم", "Hashem"), ("قصي", "Qusai"), ("يزن", "Yazan"), ("حسن", "Hasan"),
    ("حسين", "Hussein"), ("وليد", "Walid"), ("ماهر", "Maher"), ("صالح", "Saleh"), ("عيسى", "Issa"),
    ("عبدالرحمن", "Abdulrahman"), ("محمود", "Mahmoud"), ("فراس", "Firas"), ("مهند", "Mohannad"),
)  # fmt: skip
FEMALE_NAMES = (
    ("سارة", "Sara"), ("فاطمة", "Fatima"), ("مريم", "Maryam"), ("رنا", "Rana"), ("لينا", "Lina"),
    ("هبة", "Heba"), ("رزان", "Razan"), ("دانة", "Dana"), ("نور", "Nour"), ("آية", "Aya"),
    ("ريم", "Reem"), ("سلمى", "Salma"), ("هالة", "Hala"), ("عبير", "Abeer"), ("منى", "Muna"),
    ("رهف", "Rahaf"), ("تسنيم", "Tasneem"), ("بيان", "Bayan"), ("شهد", "Shahd"), ("لانا", "Lana"),
    ("ديما", "Dima"), ("روان", "Rawan"), ("سناء", "Sanaa"), ("إيمان", "Iman"), ("خلود", "Kholoud"),
    ("أسماء", "Asmaa"), ("رغد", "Raghad"), ("جود", "Joud"), ("ميس", "Mais"), ("غدير", "Ghadeer"),
    ("نادية", "Nadia"), ("رولا", "Rula"), ("آلاء", "Alaa"), ("إسراء", "Israa"),
)  # fmt: skip
FATHER_NAMES = MALE_NAMES + (
    ("عدنان", "Adnan"), ("فيصل", "Faisal"), ("زياد", "Ziad"), ("نضال", "Nidal"), ("إسماعيل", "Ismail"),
    ("موسى", "Mousa"), ("سالم", "Salem"), ("عوني", "Awni"), ("حسام", "Hussam"), ("ناصر", "Nasser"),
    ("جميل", "Jamil"), ("سمير", "Samir"), ("منذر", "Munther"), ("راتب", "Rateb"), ("خليل", "Khalil"),
)  # fmt: skip
FAMILY_NAMES = (
    ("الخطيب", "Al-Khatib"), ("الزعبي", "Al-Zoubi"), ("المصري", "Al-Masri"), ("العمري", "Al-Omari"),
    ("المومني", "Al-Momani"), ("الشوابكة", "Al-Shawabkeh"), ("المجالي", "Al-Majali"),
    ("الرواشدة", "Al-Rawashdeh"), ("الحديدي", "Al-Hadidi"), ("الطراونة", "Al-Tarawneh"),
    ("القضاة", "Al-Qudah"), ("أبو حمور", "Abu Hammour"), ("النسور", "Al-Nsour"), ("الرفاعي", "Al-Rifai"),
    ("حداد", "Haddad"), ("الصمادي", "Al-Smadi"), ("عبيدات", "Obeidat"), ("بني هاني", "Bani Hani"),
    ("الفايز", "Al-Fayez"), ("العدوان", "Al-Adwan"), ("العزام", "Al-Azzam"), ("الخصاونة", "Al-Khasawneh"),
    ("الحياري", "Al-Hiyari"), ("جرادات", "Jaradat"), ("القطيشات", "Al-Qteishat"), ("العبادي", "Al-Abbadi"),
    ("البطاينة", "Al-Bataineh"), ("الشريف", "Al-Sharif"), ("الكردي", "Al-Kurdi"), ("نصار", "Nassar"),
    ("الخلايلة", "Al-Khalayleh"), ("الدباس", "Al-Dabbas"), ("أبو زيد", "Abu Zaid"), ("السعود", "Al-Saud"),
    ("الحوراني", "Al-Hourani"), ("الغول", "Al-Ghoul"), ("عواد", "Awwad"), ("الشمايلة", "Al-Shamayleh"),
)  # fmt: skip

# Where citizens live: most near the demo stations, some elsewhere in Amman, a few in nearby governorates.
OTHER_GOVERNORATES = ("JO-AZ", "JO-BA", "JO-MD", "JO-IR")
JOINED_FROM = dt.datetime(2025, 1, 5, 8, 0, tzinfo=dt.UTC)
JOINED_SPAN_DAYS = 680


@dataclass(frozen=True)
class CitizenSeed:
    phone: str
    phone_verified: bool
    language: str
    joined: dt.datetime
    sms_consent: bool
    details: CitizenDetails


def _national_number(rng: random.Random, birth_year: int) -> str:
    """A 10-digit number of the usual form; random digits, nothing to be read from it."""
    prefix = "2000" if birth_year >= 2000 else "9"
    return prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))


def generate_citizens(
    count: int,
    *,
    rng: random.Random,
    station_areas: list[Area],
    other_areas: list[Area],
    governorates: dict[str, Governorate],
) -> list[CitizenSeed]:
    """`count` citizens, the same ones on every run: the first n of a larger run are the n of a smaller run."""
    amman = governorates["JO-AM"]
    phones: set[str] = set(RESERVED_PHONES)
    numbers: set[tuple[str, str]] = set()
    seeds: list[CitizenSeed] = []
    while len(seeds) < count:
        female = rng.random() < 0.56
        first_ar, first_en = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        father_ar, father_en = rng.choice(FATHER_NAMES)
        family_ar, family_en = rng.choice(FAMILY_NAMES)
        birth_year = min(2010, int(rng.triangular(1950, 2011, 2003)))
        where = rng.random()
        if where < 0.72:
            governorate, area = amman, rng.choice(station_areas)
        elif where < 0.87:
            governorate, area = amman, rng.choice(other_areas)
        else:
            governorate, area = governorates[rng.choice(OTHER_GOVERNORATES)], None
        if rng.random() < 0.04:
            id_type = IdentityDocumentType.PERSONAL_NUMBER
            number = "".join(rng.choice("0123456789") for _ in range(10))
        else:
            id_type = IdentityDocumentType.NATIONAL_NUMBER
            number = _national_number(rng, birth_year)
        asked = rng.random()
        if asked < 0.30:
            disability, consent = (
                (DisabilityStatus.DISABILITY if rng.random() < 0.2 else DisabilityStatus.NONE),
                True,
            )
        elif asked < 0.34:
            disability, consent = DisabilityStatus.DECLINED, True
        else:
            disability, consent = DisabilityStatus.NOT_ASKED, False
        phone = "+9627" + rng.choice("789") + "".join(rng.choice("0123456789") for _ in range(7))
        phone_verified = rng.random() < 0.9
        language = Language.ENGLISH if rng.random() < 0.12 else Language.ARABIC
        joined = JOINED_FROM + dt.timedelta(seconds=rng.randrange(JOINED_SPAN_DAYS * 86400))
        sms_consent = rng.random() < 0.6
        if phone in phones or (id_type, number) in numbers:
            continue  # draw again; the draws above were all made, so the sequence stays the same
        phones.add(phone)
        numbers.add((id_type, number))
        seeds.append(
            CitizenSeed(
                phone=phone,
                phone_verified=phone_verified,
                language=language,
                joined=joined,
                sms_consent=sms_consent,
                details=CitizenDetails(
                    name_ar=f"{first_ar} {father_ar} {family_ar}",
                    name_en=f"{first_en} {father_en} {family_en}",
                    id_type=id_type,
                    id_number=number,
                    gender=Gender.FEMALE if female else Gender.MALE,
                    birth_year=birth_year,
                    disability=disability,
                    disability_consent=consent,
                    governorate=governorate,
                    area=area,
                ),
            )
        )
    return seeds


# --- Accounts ---------------------------------------------------------------------------------------------------


def _ensure_user(
    ctx: SeedContext,
    *,
    email: str,
    display_name: str,
    phone: str | None = None,
    superuser: bool = False,
    business_owner: bool = False,
) -> tuple[User, str]:
    """The demo user with this e-mail, with the stored password (made on first run). Returns (user, password)."""
    password = ctx.credentials.password_for(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        extra = {"display_name": display_name, "phone": phone, "phone_verified": bool(phone)}
        if superuser:
            user = User.objects.create_superuser(email, password, **extra)
        else:
            user = User.objects.create_user(email, password, is_business_owner=business_owner, **extra)
    else:
        wanted = {
            "display_name": display_name,
            "phone": phone,
            "phone_verified": bool(phone),
            "is_business_owner": business_owner,
            "is_active": True,
        }
        if superuser:
            wanted |= {"is_staff": True, "is_superuser": True}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if changed:
            user.save(update_fields=changed)
        if not ctx.credentials.password_hash_matches(email, user.password) and not user.check_password(
            password
        ):
            user.set_password(password)  # the file was replaced, or someone changed the password in the UI
            user.save(update_fields=["password"])
    ctx.credentials.remember_password_hash(email, user.password)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, password


def _ensure_totp(ctx: SeedContext, user: User, key: str) -> str:
    """A TOTP authenticator (and recovery codes) for a staff user; the database's secret wins over the file's."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        secret = decrypt(authenticator.data["secret"])
    else:
        secret = ctx.credentials.totp_secret_for(key) or generate_totp_secret()
        TOTP.activate(user, secret)
    ctx.credentials.remember_totp_secret(key, secret)
    RecoveryCodes.activate(user)
    return secret


def _ensure_role(user: User, spec: DemoStaff, granted_by: User, stations: dict[str, Station]) -> None:
    target: dict[str, object] = {}
    if spec.station:
        target["station"] = stations[spec.station]
    elif spec.governorate:
        target["governorate"] = Governorate.objects.get(iso_code=spec.governorate)
    already = StaffAssignment.objects.filter(
        user=user, role=spec.role, title_ar=spec.title_ar, title_en=spec.title_en, **target
    ).exists()
    if not already:
        assign_role(
            user=user,
            role=spec.role,
            granted_by=granted_by,
            title_ar=spec.title_ar,
            title_en=spec.title_en,
            **target,  # type: ignore[arg-type]
        )


def _staff_login(label: str, user: User, password: str, secret: str) -> DemoLogin:
    return DemoLogin(
        role=label,
        sign_in=user.email or "",
        password=password,
        totp_secret=secret,
        totp_uri=get_mfa_adapter().build_totp_url(user, secret),
    )


def _seed_staff(
    ctx: SeedContext, specs: tuple[DemoStaff, ...], admin: User, stations: dict[str, Station]
) -> None:
    for spec in specs:
        user, password = _ensure_user(
            ctx, email=spec.email, display_name=spec.display_name, phone=STAFF_PHONES[spec.email]
        )
        _ensure_role(user, spec, admin, stations)
        secret = _ensure_totp(ctx, user, spec.email)
        ctx.add_login(_staff_login(spec.label or str(spec.role), user, password, secret))


def _seed_citizen_accounts(ctx: SeedContext) -> None:
    areas = {a.number: a for a in Area.objects.filter(municipality__code="gam")}
    amman = Governorate.objects.get(iso_code="JO-AM")
    for account in CITIZEN_ACCOUNTS:
        details = dict(account.details)
        user, password = _ensure_user(
            ctx,
            email=account.email,
            display_name=str(details["name_ar"]),
            phone=account.phone,
            business_owner=account.business_owner,
        )
        if not CitizenProfile.objects.filter(user=user).exists():
            area = areas[int(details.pop("area"))]  # type: ignore[call-overload]
            disability = details.pop("disability")
            save_citizen_profile(
                user=user,
                details=CitizenDetails(
                    **details,  # type: ignore[arg-type]
                    id_type=IdentityDocumentType.NATIONAL_NUMBER,
                    governorate=amman,
                    area=area,
                    disability=disability,  # type: ignore[arg-type]
                    disability_consent=disability != DisabilityStatus.NOT_ASKED,
                ),
            )
        record_consent(user=user, purpose=Consent.Purpose.TERMS)
        ctx.add_login(
            DemoLogin(
                role=str(account.role),
                sign_in=f"{format_jordan_mobile(account.phone).replace(' ', '')} or {account.email}",
                password=password,
            )
        )


def _seed_accounts(ctx: SeedContext) -> None:
    stations = {s.code: s for s in Station.objects.filter(code__in=[s.code for s in STATIONS])}
    admin, password = _ensure_user(
        ctx, email=SUPERUSER_EMAIL, display_name="مسؤول النظام", phone=SUPERUSER_PHONE, superuser=True
    )
    secret = _ensure_totp(ctx, admin, SUPERUSER_EMAIL)
    ctx.add_login(_staff_login("superuser (/admin/)", admin, password, secret))
    _seed_staff(ctx, ROLE_ACCOUNTS, admin, stations)
    _seed_citizen_accounts(ctx)
    _seed_staff(ctx, STATION_STAFF, admin, stations)


def _seed_citizens(ctx: SeedContext) -> tuple[int, int]:
    """Create the generated citizens that are missing. Returns (created, skipped)."""
    station_area_numbers = sorted(GAM_STATIONS_BY_AREA)
    gam_areas = list(Area.objects.filter(municipality__code="gam").order_by("number"))
    station_areas = [a for a in gam_areas if a.number in station_area_numbers]
    other_areas = [a for a in gam_areas if a.number not in station_area_numbers]
    governorates = {g.iso_code: g for g in Governorate.objects.all()}
    seeds = generate_citizens(
        ctx.citizens,
        rng=ctx.random(),
        station_areas=station_areas,
        other_areas=other_areas,
        governorates=governorates,
    )
    taken = set(User.objects.filter(phone__in=[s.phone for s in seeds]).values_list("phone", flat=True))
    missing = [s for s in seeds if s.phone not in taken]
    if not missing:
        return 0, 0
    # Generated citizens cannot sign in (unusable passwords): they are data for lists, reports and bookings.
    User.objects.bulk_create(
        User(
            phone=s.phone,
            phone_verified=s.phone_verified,
            display_name=s.details.name_ar,
            preferred_language=s.language,
            date_joined=s.joined,
            password=make_password(None),
        )
        for s in missing
    )
    users = {u.phone: u for u in User.objects.filter(phone__in=[s.phone for s in missing])}
    created = skipped = 0
    for s in missing:
        user = users[s.phone]
        try:
            save_citizen_profile(user=user, details=s.details)
        except ValidationError:  # an identity number already registered by someone outside the demo
            skipped += 1
            continue
        record_consent(user=user, purpose=Consent.Purpose.TERMS)
        if s.sms_consent:
            record_consent(user=user, purpose=Consent.Purpose.SMS_NOTIFICATIONS)
        created += 1
    return created, skipped


def seed(ctx: SeedContext) -> None:
    _seed_accounts(ctx)
    created, skipped = _seed_citizens(ctx)
    if skipped:
        ctx.note(f"{skipped} generated citizens were skipped: their identity number was already registered.")

    demo_staff = User.objects.filter(email__iendswith=f"@{DOMAIN}", assignments__isnull=False).distinct()
    citizens = CitizenProfile.objects.all()
    ctx.report("Accounts", "staff accounts with a role", demo_staff.count())
    ctx.report(
        "Accounts",
        "staff assignments",
        StaffAssignment.objects.filter(user__email__iendswith=f"@{DOMAIN}").count(),
    )
    ctx.report(
        "Accounts",
        "TOTP authenticators (staff and superuser)",
        Authenticator.objects.filter(
            type=Authenticator.Type.TOTP, user__email__iendswith=f"@{DOMAIN}"
        ).count(),
    )
    ctx.report(
        "Citizens",
        "citizen profiles",
        f"{citizens.count()} ({created} new; "
        f"{citizens.filter(gender=Gender.FEMALE).count()} female, {citizens.filter(gender=Gender.MALE).count()} male)",
    )
    ctx.report(
        "Citizens",
        "living in the seven station areas",
        citizens.filter(area__number__in=list(GAM_STATIONS_BY_AREA), area__municipality__code="gam").count(),
    )
    ctx.report(
        "Citizens",
        "disability status recorded with consent",
        citizens.filter(~Q(disability=DisabilityStatus.NOT_ASKED)).count(),
    )
    ctx.report("Citizens", "consent records", Consent.objects.filter(withdrawn_at__isnull=True).count())
