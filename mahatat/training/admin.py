from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attendance,
    CatalogueSearchMiss,
    Certificate,
    Cohort,
    Enrolment,
    FeedbackResponse,
    NeedsSurveyResponse,
    OutcomeFollowUp,
    Programme,
    Trainer,
    TrainerAvailability,
    TrainingSession,
)


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title_ar", "title_en", "provider", "topic", "total_hours", "is_active"]
    list_filter = ["provider", "topic", "is_active"]
    search_fields = ["code", "title_ar", "title_en"]


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0
    raw_id_fields = ["trainer"]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = [
        "programme",
        "station",
        "seats",
        "status",
        "starts_on",
        "enrolment_opens",
        "enrolment_closes",
    ]
    list_filter = ["status", "station", "programme"]
    list_select_related = ["programme", "station"]
    autocomplete_fields = ["programme"]
    filter_horizontal = ["trainers"]
    inlines = [TrainingSessionInline]


class TrainerAvailabilityInline(admin.TabularInline):
    model = TrainerAvailability
    extra = 0


@admin.register(Trainer)
class TrainerAdmin(SimpleHistoryAdmin):
    list_display = ["name_ar", "name_en", "home_station", "is_active"]
    list_filter = ["is_active", "home_station"]
    search_fields = ["name_ar", "name_en", "email"]
    raw_id_fields = ["user"]
    inlines = [TrainerAvailabilityInline]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["cohort", "citizen", "status", "outcome", "channel", "created_at"]
    list_filter = ["status", "outcome", "channel"]
    list_select_related = ["cohort__programme", "cohort__station", "citizen"]
    raw_id_fields = ["cohort", "citizen", "enrolled_by", "offered_from"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "enrolment", "status", "method", "marked_at"]
    list_filter = ["status", "method"]
    raw_id_fields = ["session", "enrolment", "marked_by"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked by the services, which seal them in the ledger."""

    list_display = ["code", "holder_name_ar", "programme_title_ar", "issued_on", "revoked_at"]
    search_fields = ["code", "holder_name_ar", "holder_name_en"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(NeedsSurveyResponse)
admin.site.register(CatalogueSearchMiss)
admin.site.register(FeedbackResponse)
admin.site.register(OutcomeFollowUp)
