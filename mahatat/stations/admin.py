from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Area,
    Governorate,
    HoursException,
    Municipality,
    OpeningHours,
    Partner,
    PublicHoliday,
    Station,
    StationService,
)


@admin.register(Governorate)
class GovernorateAdmin(admin.ModelAdmin):
    list_display = ["name_ar", "name_en", "iso_code", "region"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_ar", "name_en", "governorate", "code"]
    list_filter = ["governorate"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name_ar", "name_en", "municipality", "population"]
    list_filter = ["municipality"]
    search_fields = ["name_ar", "name_en"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en"]


@admin.register(StationService)
class StationServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "sort_order"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class HoursExceptionInline(admin.TabularInline):
    model = HoursException
    extra = 0


@admin.register(Station)
class StationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_ar", "name_en", "governorate", "area", "status"]
    list_filter = ["status", "governorate", "area"]
    search_fields = ["code", "name_ar", "name_en"]
    autocomplete_fields = ["area"]
    filter_horizontal = ["partners", "services"]
    inlines = [OpeningHoursInline, HoursExceptionInline]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name_ar", "name_en", "governorate"]
    date_hierarchy = "date"
