from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cohort, Enrolment, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title_ar", "title_en", "provider", "topic", "total_hours"]
    list_filter = ["provider", "topic"]
    search_fields = ["code", "title_ar", "title_en"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["programme", "station", "seats", "status", "enrolment_opens", "enrolment_closes"]
    list_filter = ["status", "station", "programme"]
    list_select_related = ["programme", "station"]
    autocomplete_fields = ["programme"]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["cohort", "citizen", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["cohort__programme", "cohort__station", "citizen"]
    raw_id_fields = ["cohort", "citizen"]
