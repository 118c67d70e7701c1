from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CitizenProfile, Consent, PersonalDataAccess, StaffAssignment, User


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["station"]
    exclude = ["created_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["id"]
    list_display = ["id", "email", "phone", "display_name", "is_active", "is_staff"]
    search_fields = ["email", "phone", "display_name"]
    list_filter = ["is_active", "is_staff", "is_superuser", "preferred_language"]
    inlines = [StaffAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "phone", "phone_verified", "password")}),
        (_("Person"), {"fields": ("display_name", "preferred_language", "is_business_owner")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "phone", "password1", "password2")}),)


@admin.register(CitizenProfile)
class CitizenProfileAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name_ar", "name_en", "id_type", "masked_identity_number", "gender", "governorate"]
    list_filter = ["gender", "governorate", "id_type"]
    search_fields = ["name_ar", "name_en"]
    readonly_fields = ["masked_identity_number"]
    exclude = ["id_number_encrypted", "id_number_hash", "id_number_last4"]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "scope", "station", "area", "governorate", "starts_on", "ends_on"]
    list_filter = ["role", "scope"]
    autocomplete_fields = ["user", "station"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "purpose", "text_version", "granted_at", "withdrawn_at"]
    list_filter = ["purpose", "text_version"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "subject", "field", "reason", "ip_address"]
    list_filter = ["field"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
