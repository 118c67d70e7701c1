"""Reference data: Jordan's 12 governorates, their main municipalities, GAM's 22 areas (DOMAIN.md §3),
the founding partners and the kinds of service a station offers. Later edits are made as data, in the admin."""

from django.db import migrations

GOVERNORATES = [
    # iso, English, Arabic, region
    ("JO-AJ", "Ajloun", "عجلون", "north"),
    ("JO-AM", "Amman (Capital)", "العاصمة", "centre"),
    ("JO-AQ", "Aqaba", "العقبة", "south"),
    ("JO-BA", "Balqa", "البلقاء", "centre"),
    ("JO-IR", "Irbid", "إربد", "north"),
    ("JO-JA", "Jerash", "جرش", "north"),
    ("JO-KA", "Karak", "الكرك", "south"),
    ("JO-MN", "Ma'an", "معان", "south"),
    ("JO-MD", "Madaba", "مادبا", "centre"),
    ("JO-MA", "Mafraq", "المفرق", "north"),
    ("JO-AT", "Tafilah", "الطفيلة", "south"),
    ("JO-AZ", "Zarqa", "الزرقاء", "centre"),
]

MUNICIPALITIES = [
    # code, governorate iso, English, Arabic
    ("gam", "JO-AM", "Greater Amman Municipality", "أمانة عمان الكبرى"),
    ("irbid", "JO-IR", "Greater Irbid Municipality", "بلدية إربد الكبرى"),
    ("zarqa", "JO-AZ", "Greater Zarqa Municipality", "بلدية الزرقاء الكبرى"),
    ("salt", "JO-BA", "Greater Salt Municipality", "بلدية السلط الكبرى"),
    ("madaba", "JO-MD", "Greater Madaba Municipality", "بلدية مادبا الكبرى"),
    ("karak", "JO-KA", "Greater Karak Municipality", "بلدية الكرك الكبرى"),
    ("mafraq", "JO-MA", "Greater Mafraq Municipality", "بلدية المفرق الكبرى"),
    ("jerash", "JO-JA", "Greater Jerash Municipality", "بلدية جرش الكبرى"),
    ("ajloun", "JO-AJ", "Greater Ajloun Municipality", "بلدية عجلون الكبرى"),
    ("tafilah", "JO-AT", "Greater Tafilah Municipality", "بلدية الطفيلة الكبرى"),
    ("maan", "JO-MN", "Ma'an Municipality", "بلدية معان"),
    ("aqaba", "JO-AQ", "Aqaba Special Economic Zone Authority", "سلطة منطقة العقبة الاقتصادية الخاصة"),
]

GAM_AREAS = [
    (1, "Al-Madina", "المدينة", 34988),
    (2, "Basman", "بسمان", 373981),
    (3, "Marka", "ماركا", 148100),
    (4, "Al-Nasr", "النصر", 258829),
    (5, "Al-Yarmouk", "اليرموك", 180773),
    (6, "Ras Al-Ain", "رأس العين", 138024),
    (7, "Badr", "بدر", 229308),
    (8, "Zahran", "زهران", 107529),
    (9, "Al-Abdali", "العبدلي", 165333),
    (10, "Tareq", "طارق", 175194),
    (11, "Al-Quwaysimah, Abu Alanda, Al-Juwaideh & Al-Raqim", "القويسمة وأبو علندا والجويدة والرقيم", 296763),
    (12, "Khreibet Al-Souq, Jawa & Al-Yadudah", "خريبة السوق وجاوا واليادودة", 186158),
    (13, "Umm Qusair, Al-Muqabalain & Al-Bunayyat", "أم قصير والمقابلين والبنيات", 99738),
    (14, "Wadi Al-Sir", "وادي السير", 136000),
    (15, "Badr Al-Jadida", "بدر الجديدة", 241830),
    (16, "Sweileh", "صويلح", 151016),
    (17, "Tla' Al-Ali, Umm Al-Summaq & Khalda", "تلاع العلي وأم السماق وخلدا", 251000),
    (18, "Al-Jubeiha", "الجبيهة", 197160),
    (19, "Shafa Badran", "شفا بدران", 72315),
    (20, "Abu Nseir", "أبو نصير", 72489),
    (21, "Uhud", "أحد", 40000),
    (22, "Marj Al-Hamam", "مرج الحمام", 82788),
]

PARTNERS = [
    ("gam", "Greater Amman Municipality", "أمانة عمان الكبرى", ""),
    ("nitc", "National Information Technology Center", "مركز تكنولوجيا المعلومات الوطني", ""),
    ("modee", "Ministry of Digital Economy and Entrepreneurship", "وزارة الاقتصاد الرقمي والريادة", ""),
]

SERVICES = [
    ("training", "Training courses", "دورات تدريبية", "mortarboard"),
    ("coworking", "Free co-working desks and rooms", "مساحات عمل مشتركة مجانية", "people"),
    ("public-pcs", "Public computers and internet", "حواسيب عامة وإنترنت", "pc-display"),
    ("e-services", "Help with e-government services", "المساعدة في الخدمات الحكومية الإلكترونية", "bank"),
    ("printing", "Printing, scanning and copying", "الطباعة والمسح الضوئي والتصوير", "printer"),
    ("events", "Community events", "فعاليات مجتمعية", "calendar-event"),
    ("e-learning", "E-learning (English and more)", "التعلم الإلكتروني (الإنجليزية وغيرها)", "laptop"),
]


def load(apps, schema_editor):
    Governorate = apps.get_model("stations", "Governorate")
    Municipality = apps.get_model("stations", "Municipality")
    Area = apps.get_model("stations", "Area")
    Partner = apps.get_model("stations", "Partner")
    StationService = apps.get_model("stations", "StationService")

    governorates = {}
    for iso, name_en, name_ar, region in GOVERNORATES:
        governorates[iso], _ = Governorate.objects.update_or_create(
            iso_code=iso, defaults={"name_en": name_en, "name_ar": name_ar, "region": region}
        )
    municipalities = {}
    for code, iso, name_en, name_ar in MUNICIPALITIES:
        municipalities[code], _ = Municipality.objects.update_or_create(
            code=code, defaults={"governorate": governorates[iso], "name_en": name_en, "name_ar": name_ar}
        )
    for number, name_en, name_ar, population in GAM_AREAS:
        Area.objects.update_or_create(
            municipality=municipalities["gam"],
            number=number,
            defaults={"name_en": name_en, "name_ar": name_ar, "population": population, "population_year": 2015},
        )
    for code, name_en, name_ar, website in PARTNERS:
        Partner.objects.update_or_create(code=code, defaults={"name_en": name_en, "name_ar": name_ar, "website": website})
    for order, (code, name_en, name_ar, icon) in enumerate(SERVICES):
        StationService.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_ar": name_ar, "icon": icon, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_geography_and_stations")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
