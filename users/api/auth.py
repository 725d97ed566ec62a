"""Accounts and JWT sessions: register, login, refresh, logout, the caller's profile and password change."""

from collections.abc import Mapping

from django.contrib.auth import authenticate
from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.views import TokenRefreshView

from users.api.authentication import user_with_id
from users.api.base import ModelSerializer
from users.api.throttles import (
    AuthenticatedUserThrottle,
    CounterThrottle,
    IPThrottle,
    ThrottledViewMixin,
    UserRateThrottle,
)
from users.models import User
from users.services import user_change_password, user_delete, user_register, user_tokens
from users.tokens import RefreshToken, token_is_revoked

DEAD_REFRESH_TOKEN = "Invalid or expired refresh token."
INVALID_CREDENTIALS = "No active account found with the given credentials."


class UserSerializer(ModelSerializer):
    """The caller's profile. Username and e-mail are unique regardless of letter case."""

    class Meta:
        model = User
        fields = ["id", "username", "email"]
        read_only_fields = ["id"]

    def validate_email(self, value: str) -> str:
        email = User.objects.normalize_email(value)
        taken = User.objects.filter(email=email)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("A user with this email already exists.")
        return email

    def validate_username(self, value: str) -> str:
        username = value.strip()
        taken = User.objects.filter(username__iexact=username)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("A user with that username already exists.")
        return username


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="Also your username, lower-cased.")
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Django's rules apply: at least 8 characters, not too common, not all digits, not like the e-mail.",
    )

    class Meta:
        swagger_schema_fields = {"example": {"email": "you@example.com", "password": "a-long-passphrase"}}

    def validate_email(self, value: str) -> str:
        return UserSerializer().validate_email(value)


class LoginSerializer(serializers.Serializer):
    """Accepts the e-mail or the username under any of the three keys the clients use."""

    email = serializers.CharField(
        required=False, allow_blank=True, help_text="Your e-mail (or username). Send this key or one of the others."
    )
    username = serializers.CharField(
        required=False, allow_blank=True, help_text="Your username (or e-mail), as an alternative key."
    )
    email_or_username = serializers.CharField(
        required=False, allow_blank=True, help_text="Either one, as an alternative key; it wins when several are sent."
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})

    class Meta:
        swagger_schema_fields = {"example": {"email": "you@example.com", "password": "a-long-passphrase"}}

    def validate(self, attrs):
        identifier = (attrs.get("email_or_username") or attrs.get("email") or attrs.get("username") or "").strip()
        if not identifier:
            raise serializers.ValidationError({"email_or_username": ["Send email, username or email_or_username."]})
        attrs["identifier"] = identifier
        return attrs


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`; short-lived.")
    refresh = serializers.CharField(help_text="Trade for a new access token at /api/auth/refresh/.")


class AccessTokenSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="A new access token.")
    refresh = serializers.CharField(
        required=False, help_text="Only when refresh-token rotation is on: the replacement for the one sent."
    )


class LoginResponseSerializer(TokenPairSerializer):
    username = serializers.CharField()
    email = serializers.EmailField()


class RefreshTokenSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="The refresh token from the login answer.")


class RefreshSerializer(TokenRefreshSerializer):
    """SimpleJWT's refresh, but a token whose user was deleted, deactivated or revoked it (password change) is a 401
    like any other dead token."""

    token_class = RefreshToken

    def validate(self, attrs):
        try:
            refresh = self.token_class(attrs["refresh"])
        except TokenError as exc:  # bad, expired, wrong type or blacklisted: the specification's one message
            raise AuthenticationFailed(DEAD_REFRESH_TOKEN, "token_not_valid") from exc
        user = user_with_id(refresh.payload.get(jwt_settings.USER_ID_CLAIM))
        if user is None or not user.is_active:
            raise AuthenticationFailed("No active account found for the given token.", "no_active_account")
        if token_is_revoked(refresh, user):
            raise AuthenticationFailed("Token has been revoked; sign in again.", "token_revoked")
        return super().validate(attrs)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ChangePasswordSerializer(serializers.Serializer):
    current_password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    new_password = serializers.CharField(
        trim_whitespace=False, style={"input_type": "password"}, help_text="Django's password rules apply."
    )

    def validate_current_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("Current password is incorrect.")
        return value


class PublicView(APIView):
    """An endpoint anyone may call. A stale token in the header is ignored rather than refused, and a failed
    login is still a 401 (DRF turns 401 into 403 when a view names no authentication scheme)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


def _find_login_user(identifier: str) -> User | None:
    """An e-mail matches case-insensitively (stored lower-cased); otherwise the username, case-insensitively."""
    if "@" in identifier:
        user = User.objects.filter(email=User.objects.normalize_email(identifier)).first()
        if user is not None:
            return user
    return User.objects.filter(username__iexact=identifier).first()


def _request_field(request, *names: str) -> str:
    """The first non-empty of the named body fields as a trimmed string ("" for a body that is not an object)."""
    data = request.data if isinstance(request.data, Mapping) else {}
    for name in names:
        value = data.get(name)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


class LoginIPThrottle(IPThrottle):
    """Failed logins per client IP."""

    scope = "login_ip"
    failures_only = True


class LoginAccountThrottle(CounterThrottle):
    """Failed logins per account, whichever identifier (e-mail or username) names it."""

    scope = "login_account"
    failures_only = True

    def get_ident_for(self, request, view) -> str | None:
        identifier = _request_field(request, "email_or_username", "email", "username")
        if not identifier:
            return None
        user = _find_login_user(identifier)
        return f"user-{user.pk}" if user else f"name-{identifier.lower()}"


class RegisterIPThrottle(IPThrottle):
    scope = "register_ip"


class RegisterAccountThrottle(CounterThrottle):
    """Sign-up attempts per e-mail address."""

    scope = "register_account"

    def get_ident_for(self, request, view) -> str | None:
        return User.objects.normalize_email(_request_field(request, "email")) or None


class RefreshIPThrottle(IPThrottle):
    scope = "refresh_ip"


class RefreshAccountThrottle(CounterThrottle):
    """Refreshes per account. Only a token that verifies names an account, so forged ones cannot lock anybody out."""

    scope = "refresh_account"

    def get_ident_for(self, request, view) -> str | None:
        try:
            token = RefreshToken(_request_field(request, "refresh"))
        except TokenError:
            return None
        return str(token.payload.get("user_id"))


class PasswordIPThrottle(IPThrottle):
    """Failed password changes per client IP (a stolen access token must not become a password oracle)."""

    scope = "password_ip"
    failures_only = True


class PasswordAccountThrottle(AuthenticatedUserThrottle):
    scope = "password_account"
    failures_only = True


class RegisterView(PublicView):
    throttle_classes = [UserRateThrottle, RegisterIPThrottle, RegisterAccountThrottle]

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Create an account",
        operation_description=(
            "No token needed. The e-mail, lower-cased, also becomes the username. An address already used (in any "
            "letter case) or a password that breaks Django's rules is a 400 naming the field. Log in next."
        ),
        request_body=RegisterSerializer,
        responses={201: UserSerializer},
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(ThrottledViewMixin, PublicView):
    throttle_classes = [UserRateThrottle, LoginIPThrottle, LoginAccountThrottle]

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Log in and get a token pair",
        operation_description=(
            "No token needed. Send the password with your e-mail or username under any one of the keys `email`, "
            "`username` or `email_or_username`. The answer holds the access and refresh tokens plus the account's "
            "username and e-mail: copy `access`, press Authorize and paste `Bearer <access>`. Wrong credentials or "
            "an inactive account: 401."
        ),
        request_body=LoginSerializer,
        responses={200: LoginResponseSerializer, 401: DetailSerializer, 429: DetailSerializer},
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        candidate = _find_login_user(serializer.validated_data["identifier"])
        user = authenticate(
            request,
            username=candidate.username if candidate else serializer.validated_data["identifier"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise AuthenticationFailed(INVALID_CREDENTIALS)
        return Response({**user_tokens(user=user), "username": user.username, "email": user.email})


class RefreshView(TokenRefreshView):
    serializer_class = RefreshSerializer
    throttle_classes = [UserRateThrottle, RefreshIPThrottle, RefreshAccountThrottle]

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Exchange a refresh token for a new access token",
        operation_description=(
            "No token needed. Send the refresh token from the login answer; the same refresh token keeps working "
            "until it expires, is logged out, or the password changes. An expired, revoked or malformed one is a 401."
        ),
        request_body=RefreshTokenSerializer,
        responses={200: AccessTokenSerializer, 401: DetailSerializer, 429: DetailSerializer},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Log out: blacklist a refresh token",
        operation_description=(
            "Send your refresh token: it can no longer be traded for access tokens (the current access token lives "
            "on until it expires). A malformed, expired or someone else's refresh token is a 400."
        ),
        request_body=RefreshTokenSerializer,
        responses={200: DetailSerializer},
    )
    def post(self, request):
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = RefreshToken(serializer.validated_data["refresh"])
        except TokenError as exc:
            raise serializers.ValidationError({"refresh": [str(exc)]}) from exc
        if str(token.payload.get("user_id")) != str(request.user.pk):
            raise serializers.ValidationError({"refresh": ["This refresh token belongs to another session."]})
        token.blacklist()
        return Response({"detail": "Successfully logged out."})


class MeView(generics.RetrieveUpdateDestroyAPIView):
    """The caller's own account: read, rename, change e-mail, or delete with everything it owns."""

    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return self.request.user

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Delete my account, its data and its files",
        operation_description="Everything you own goes with it, stored files included. Answers 204.",
    )
    def delete(self, request, *args, **kwargs):
        user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @swagger_auto_schema(
        tags=["Auth"], operation_summary="My account", operation_description="Your id, username and e-mail."
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Replace my username and e-mail",
        operation_description="Send both. Each stays unique whatever its letter case; one already taken is a 400.",
    )
    def put(self, request, *args, **kwargs):
        return super().put(request, *args, **kwargs)

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Change my username or e-mail",
        operation_description="Send only what changes. Each stays unique whatever its letter case; one taken is a 400.",
    )
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)


class ChangePasswordView(ThrottledViewMixin, APIView):
    throttle_classes = [UserRateThrottle, PasswordIPThrottle, PasswordAccountThrottle]

    @swagger_auto_schema(
        tags=["Auth"],
        operation_summary="Change my password",
        operation_description=(
            "Send the current password and the new one (Django's rules apply). Every token issued before, access and "
            "refresh, is revoked, so other sessions end at once; the answer carries a fresh pair: Authorize again "
            "with its `access`."
        ),
        request_body=ChangePasswordSerializer,
        responses={200: TokenPairSerializer},
    )
    def post(self, request):
        serializer = ChangePasswordSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        tokens = user_change_password(user=request.user, new_password=serializer.validated_data["new_password"])
        return Response(tokens)
