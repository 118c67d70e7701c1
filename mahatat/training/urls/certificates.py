"""Routes: Certificates: the citizen's PDF, staff revocation, and the public verification page."""

from django.urls import URLPattern, path

from ..views import certificates as views

urlpatterns: list[URLPattern] = [
    path("verify/certificate/", views.verify_lookup, name="verify_lookup"),
    path("verify/certificate/<str:code>/", views.verify_certificate, name="verify_certificate"),
    path("verify/ledger-key/", views.ledger_key, name="ledger_key"),
    path("verify/ledger-key.txt", views.ledger_key_text, name="ledger_key_text"),
    path("training/certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("staff/training/certificates/<str:code>/revoke/", views.revoke, name="revoke_certificate"),
]
