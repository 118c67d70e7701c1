"""Routes: Training reports with xlsx/csv export, and imports of cohorts and trainees."""

from django.urls import URLPattern, path

from ..views import imports, reports

urlpatterns: list[URLPattern] = [
    path("staff/training/reports/", reports.reports, name="reports"),
    path("staff/training/import/", imports.import_page, name="import"),
    path("staff/training/import/confirm/", imports.import_confirm, name="import_confirm"),
    path(
        "staff/training/import/template/<str:kind>.<str:fmt>", imports.import_template, name="import_template"
    ),
]
