"""Accounts API (v1): the signed-in user's own profile, and tokens for devices. One view per operation.

- GET/PATCH /api/v1/me/: the profile; writes go through services.save_citizen_profile and
  services.set_preferred_language, in one transaction. The identity number is write-only; it is read back masked.
- POST/DELETE /api/v1/auth/token/: a DRF token for a tablet or another device. Staff must give the current code of
  their authenticator app (TOTP), as they do on the website; citizens need none. A wrong answer says nothing about
  which part was wrong. Throttled per client address and per login.
"""

from __future__ import annotations

import hashlib
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

from mahatat.core.api_errors import error_responses
from mahatat.stations.api import MAX_ID, AreaRefSerializer, GovernorateRefSerializer
from mahatat.stations.models import Area, Governorate

from . import services
from .identity import (
    IdentityDocumentType,
    normalize_jordan_mobile,
    validate_identity_number,
    validate_jordan_mobile,
)
from .middleware import has_totp
from .models import CitizenProfile, DisabilityStatus, Gender, Language, Role, User
from .scope import is_staff_member, roles_of

# --- permissions ---------------------------------------------------------------------------------------------


class StaffMFARequired(permissions.BasePermission):
    """Staff must have two-factor authentication set up, whether they come with a session or with a token."""

    message = gettext_lazy("Set up two-factor authentication before using staff features.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated or not is_staff_member(user):  # type: ignore[arg-type]
            return True
        if isinstance(request.successful_authenticator, SessionAuthentication):
            return has_totp(request._request)  # remembered in the session
        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class UserLanguageMixin:
    """A device signed in with a token gets the rule sessions get (PreferredLanguageMiddleware, which runs before
    DRF knows the token's user): the language cookie if sent, else the user's preferred language."""

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)  # type: ignore[misc]
        user = request.user
        if (
            user.is_authenticated
            and user.preferred_language  # type: ignore[union-attr]
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.preferred_language)  # type: ignore[union-attr]
            request._request.LANGUAGE_CODE = user.preferred_language  # type: ignore[union-attr]


# --- fields --------------------------------------------------------------------------------------------------


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key given as a whole number in range; anything else is a field error, never a database error."""

    def to_internal_value(self, data: Any) -> models.Model:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        text = str(data).strip()
        if not (text.isascii() and text.isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= int(text) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(int(text))


# --- output --------------------------------------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Role.choices, read_only=True)
    name = serializers.CharField(read_only=True)


class CitizenProfileSerializer(serializers.Serializer):
    name_ar = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True, read_only=True)
    birth_year = serializers.IntegerField(read_only=True, allow_null=True)
    governorate = GovernorateRefSerializer(read_only=True, allow_null=True)
    area = AreaRefSerializer(read_only=True, allow_null=True)
    id_type = serializers.ChoiceField(choices=IdentityDocumentType.choices, read_only=True)
    id_number_masked = serializers.CharField(
        source="masked_identity_number",
        read_only=True,
        help_text=gettext_lazy("The identity number masked (******1234); empty when none is recorded."),
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True, allow_null=True)
    phone = serializers.CharField(
        read_only=True, allow_null=True, help_text=gettext_lazy("Mobile number in E.164 (+9627XXXXXXXX).")
    )
    phone_verified = serializers.BooleanField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    preferred_language = serializers.ChoiceField(choices=Language.choices, read_only=True)
    roles = RoleSerializer(many=True, read_only=True, source="role_list")
    citizen_profile = CitizenProfileSerializer(read_only=True, allow_null=True, source="profile_or_none")


def _me_representation(user: User, profile: CitizenProfile | None) -> dict[str, Any]:
    user.role_list = [  # type: ignore[attr-defined]
        {"code": code, "name": Role(code).label} for code in sorted(roles_of(user))
    ]
    user.profile_or_none = profile  # type: ignore[attr-defined]
    return MeSerializer(user).data


def _profile_of(user: User) -> CitizenProfile | None:
    return CitizenProfile.objects.filter(user=user).select_related("governorate", "area").first()


# --- input ---------------------------------------------------------------------------------------------------


def _birth_year_bounds() -> tuple[int, int]:
    this_year = timezone.localdate().year
    return this_year - 110, this_year - 5


class CitizenProfileUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed. The identity number is written here and never read back in clear."""

    name_ar = serializers.CharField(max_length=150, required=False)
    name_en = serializers.CharField(max_length=150, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    governorate = IdField(queryset=Governorate.objects.all(), required=False, allow_null=True)
    area = IdField(queryset=Area.objects.select_related("municipality"), required=False, allow_null=True)
    id_type = serializers.ChoiceField(choices=IdentityDocumentType.choices, required=False)
    id_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=gettext_lazy("A national number has 10 digits. Stored encrypted; read back masked."),
    )

    def validate_birth_year(self, year: int | None) -> int | None:
        low, high = _birth_year_bounds()
        if year is not None and not (low <= year <= high):
            raise ValidationError(
                _("Enter a year of birth between %(low)s and %(high)s.") % {"low": low, "high": high}
            )
        return year

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Check the profile as it will be after the change: the sent fields over the saved ones."""
        profile: CitizenProfile | None = self.context.get("profile")
        errors: dict[str, str] = {}
        if profile is None and not attrs.get("name_ar"):
            errors["name_ar"] = _("Give your full name in Arabic to create your profile.")
        id_type = attrs.get("id_type") or (
            profile.id_type if profile else IdentityDocumentType.NATIONAL_NUMBER
        )
        number = attrs.get("id_number", "")
        if number:
            try:
                attrs["id_number"] = validate_identity_number(id_type, number)
            except DjangoValidationError as exc:
                errors["id_number"] = exc.messages[0]
        elif profile is not None and profile.id_number_hash and id_type != profile.id_type:
            errors["id_number"] = _("Give the number of the new identity document.")
        governorate = attrs.get("governorate", profile.governorate if profile else None)
        area = attrs.get("area", profile.area if profile else None)
        if (
            area is not None
            and governorate is not None
            and area.municipality.governorate_id != governorate.pk
        ):
            errors["area"] = _("This area is not in the governorate you chose.")
        if errors:
            raise ValidationError(errors)
        return attrs


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)
    citizen_profile = CitizenProfileUpdateSerializer(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """E-mail and mobile number are read-only here: they may be sent back unchanged, not changed."""
        user: User = self.context["user"]
        errors: dict[str, str] = {}
        if "phone" in self.initial_data:
            phone = self.initial_data["phone"]
            if phone in (None, ""):
                phone = None
            elif not isinstance(phone, str):
                phone = "?"
            else:
                phone = normalize_jordan_mobile(phone)
            if phone is not None:
                try:
                    validate_jordan_mobile(phone)
                except DjangoValidationError as exc:
                    errors["phone"] = exc.messages[0]
            if "phone" not in errors and phone != user.phone:
                errors["phone"] = _(
                    "The mobile number cannot be changed here: change it in your account settings, where it is "
                    "verified."
                )
        if "email" in self.initial_data:
            email = self.initial_data["email"]
            email = email.strip().lower() if isinstance(email, str) else email
            if (email or None) != user.email:
                errors["email"] = _(
                    "The e-mail address cannot be changed here: change it in your account settings, where it is "
                    "verified."
                )
        if errors:
            raise ValidationError(errors)
        return attrs


def profile_details(data: dict[str, Any], profile: CitizenProfile | None) -> services.CitizenDetails:
    """The whole profile to save: the validated fields sent, over what is saved. Disability answers are kept."""

    def pick(name: str, default: Any) -> Any:
        if name in data:
            return data[name]
        return getattr(profile, name) if profile is not None else default

    area = pick("area", None)
    governorate = pick("governorate", None)
    if area is not None and governorate is None:
        governorate = area.municipality.governorate
    disability = profile.disability if profile is not None else DisabilityStatus.NOT_ASKED
    return services.CitizenDetails(
        name_ar=pick("name_ar", ""),
        name_en=pick("name_en", ""),
        id_type=pick("id_type", IdentityDocumentType.NATIONAL_NUMBER),
        id_number=data.get("id_number", ""),
        gender=pick("gender", ""),
        birth_year=pick("birth_year", None),
        disability=disability,
        # The web form's rule: an answer on record stands for the consent it was given with.
        disability_consent=disability != DisabilityStatus.NOT_ASKED,
        governorate=governorate,
        area=area,
    )


class TokenRequestSerializer(serializers.Serializer):
    login = serializers.CharField(
        max_length=254, help_text=gettext_lazy("E-mail address or Jordanian mobile number (07X XXX XXXX).")
    )
    password = serializers.CharField(max_length=1024, trim_whitespace=False, style={"input_type": "password"})
    otp_code = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Staff only: the current code of the authenticator app."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate_device(
            self.context["request"],
            login=attrs["login"],
            password=attrs["password"],
            otp_code=attrs.get("otp_code"),
        )
        if user is None:
            raise ValidationError(
                _(
                    "These sign-in details are not correct. Staff also need the current code of their "
                    "authenticator app."
                ),
                code="invalid_credentials",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True, help_text=gettext_lazy("Send it as `Authorization: Token <token>` on every request.")
    )


def authenticate_device(request: Request, *, login: str, password: str, otp_code: str | None) -> User | None:
    """The user these details belong to, or None. Staff must also give a valid TOTP code and have TOTP set up."""
    login = login.strip()
    credentials = {"email": login} if "@" in login else {"phone": normalize_jordan_mobile(login)}
    # allauth's backend alone: e-mail or phone, the is_active check, one password hash whether or not the login
    # exists. Not django.contrib.auth.authenticate(): django-axes would answer its lockout page (HTML) on the API;
    # the throttles below limit guessing here.
    user: User | None = AuthenticationBackend().authenticate(  # type: ignore[assignment]
        request._request, password=password, **credentials
    )
    if user is None:
        return None
    if not is_staff_member(user):
        return user
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    code = (otp_code or "").strip()
    if authenticator is None or not code or not authenticator.wrap().validate_code(code):
        return None
    authenticator.record_usage()
    return user


class LoginRateThrottle(SimpleRateThrottle):
    """Limits token requests for one login, from whatever address they come."""

    scope = "auth_token_login"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        login = data.get("login") if isinstance(data, dict) else None
        if not isinstance(login, str) or not login.strip():
            return None
        login = login.strip().lower()
        if "@" not in login:
            login = normalize_jordan_mobile(login)
        ident = hashlib.sha256(login.encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- views ---------------------------------------------------------------------------------------------------


class MeView(UserLanguageMixin, generics.GenericAPIView):
    """The signed-in user's own profile."""

    permission_classes = [permissions.IsAuthenticated, StaffMFARequired]
    parser_classes = [JSONParser]
    filter_backends: list[type] = []
    serializer_class = MeSerializer

    @extend_schema(
        operation_id="me_retrieve",
        summary=gettext_lazy("Show my profile"),
        description=gettext_lazy(
            "The signed-in user's account, roles and citizen profile. The identity number is only shown masked."
        ),
        tags=["me"],
        responses={200: MeSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(_me_representation(request.user, _profile_of(request.user)))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="me_partial_update",
        summary=gettext_lazy("Change my profile"),
        description=gettext_lazy(
            "Change the fields sent, and only those. `email` and `phone` cannot be changed here (they are verified "
            "in the account settings); sending them back unchanged is accepted. Invalid input gives 400 with the "
            "errors of each field, in the user's language, and nothing is saved."
        ),
        tags=["me"],
        request=MeUpdateSerializer,
        responses={200: MeSerializer, **error_responses(400, 401, 403)},
    )
    def patch(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        profile = _profile_of(user)
        serializer = MeUpdateSerializer(data=request.data, context={"user": user, "profile": profile})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            if "citizen_profile" in data:
                try:
                    services.save_citizen_profile(
                        user=user, details=profile_details(data["citizen_profile"], profile)
                    )
                except DjangoValidationError as exc:
                    raise ValidationError({"citizen_profile": exc.message_dict}) from exc
            if "display_name" in data and data["display_name"] != user.display_name:
                user.display_name = data["display_name"]
                user.save(update_fields=["display_name"])
            if "preferred_language" in data:
                services.set_preferred_language(user=user, language=data["preferred_language"])
        response = Response(_me_representation(user, _profile_of(user)))
        if "preferred_language" in data:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                data["preferred_language"],
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            )
        return response


class TokenView(generics.GenericAPIView):
    """A device token: POST to get one, DELETE to revoke it."""

    parser_classes = [JSONParser]
    filter_backends: list[type] = []
    serializer_class = TokenRequestSerializer
    throttle_scope = "auth_token"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Getting a token needs no session (and so no CSRF token); revoking needs the token or a session.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method == "POST":
            return [ScopedRateThrottle(), LoginRateThrottle()]
        return []

    @extend_schema(
        operation_id="auth_token_create",
        summary=gettext_lazy("Get a device token"),
        description=gettext_lazy(
            "Sign a device (a tablet) in with an e-mail address or a Jordanian mobile number and the password. Staff "
            "must also give the current code of their authenticator app, and must have one set up. Wrong details "
            "give 400 without saying which part was wrong. The same token is returned until it is revoked."
        ),
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **error_responses(400, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response(TokenSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary=gettext_lazy("Revoke my device token"),
        description=gettext_lazy(
            "Revoke the signed-in user's device token; a device using it is signed out."
        ),
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description=gettext_lazy("Revoked.")), **error_responses(401, 403)},
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()  # type: ignore[misc]
        return Response(status=status.HTTP_204_NO_CONTENT)
