"""Skillfolio settings: one module, every value that differs between machines comes from the environment.

`.env.example` lists each variable. A `.env` file next to manage.py is read if present; real environment variables win.
"""

from datetime import timedelta
from pathlib import Path

import environ
import orjson

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
ROOT_URLCONF = "skillfolio.urls"
WSGI_APPLICATION = "skillfolio.wsgi.application"
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Apps ---------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "corsheaders",
    "drf_yasg",
    "django_guid",
    "users",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",  # X-Request-ID first, so every later log line carries it
    "django.middleware.security.SecurityMiddleware",
    "users.middleware.request_body_limit",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Security -----------------------------------------------------------
# Secure by default whenever DEBUG is off; `manage.py check --deploy` is clean with only the required variables set.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # load balancers probe over plain http; the checks reveal nothing
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
# Behind a TLS-terminating proxy, the header (e.g. X-Forwarded-Proto) that it sets to "https"; trust it only if the
# proxy always sets or strips it.
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", default="").upper().replace("-", "_")
SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_ssl_header}", "https") if _proxy_ssl_header else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "users.api.defaults.csrf_failure"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Any request body declared larger than this is a 413 before it is read (certificate files are at most 5 MB).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=12 * 1024 * 1024)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # a client's id is kept only if it is a UUID; anything else is replaced by a new one
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,  # it would overwrite the list below; corsheaders exposes it to the SPA instead
}

# --- Logging ------------------------------------------------------------
# One JSON object a line on stderr, each with the request's id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"}},
    "formatters": {
        "json": {
            "()": "users.logs.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},  # SQL with its parameters never reaches a log
        # ERROR: its only warning repeats a refused X-Request-ID verbatim, up to 8 KB of a client's text per request
        "django_guid": {"level": "ERROR"},
    },
}

# --- Database -----------------------------------------------------------
# An empty DATABASE_URL (a blank line in .env) means the default, as every other setting here reads it.
DATABASES = {"default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # utf8mb4 so emoji round-trip; strict mode so an over-long value is an error, never a silent truncation.
    # JSON_ARRAYAGG (users.querysets.JSONList: a list's skill names, a goal's steps) stops at group_concat_max_len,
    # 1 MB by default, and closes the array wherever it stopped: let it grow as long as any value the server sends.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES', group_concat_max_len=@@max_allowed_packet",
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

# --- Cache --------------------------------------------------------------
# Shared by every worker and instance when REDIS_URL is set (throttle counters, cached reads); the local-memory cache
# is per process and only fit for development.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="skillfolio"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth / JWT ---------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    # Off by default: the SPA keeps re-using the refresh token it got at login.
    "ROTATE_REFRESH_TOKENS": env.bool("JWT_ROTATE_REFRESH_TOKENS", default=False),
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Microsecond `iat`, so tokens issued before a password change are told apart from the fresh pair it returns.
    "AUTH_TOKEN_CLASSES": ("users.tokens.AccessToken",),
}

# --- DRF ----------------------------------------------------------------
# Limits per scope ("N/s|min|hour|day"); THROTTLE_RATES overrides any of them, e.g. "user=120/min,login_ip=10/min".
# login_* and password_* count failed attempts only.
THROTTLE_RATES = {
    "user": "300/min",  # every endpoint: per account when signed in, per IP otherwise
    "login_ip": "5/min",
    "login_account": "20/hour",
    "register_ip": "20/hour",
    "register_account": "5/hour",
    "refresh_ip": "60/min",
    "refresh_account": "60/hour",
    "password_ip": "10/hour",
    "password_account": "5/hour",
} | env.dict("THROTTLE_RATES", default={})
REST_FRAMEWORK = {
    # JWT is the only authentication class, so a missing or bad token is a 401 (with WWW-Authenticate), never a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": ["users.api.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # orjson (users.api.renderers) writes JSON several times faster than DRF's renderer: a tenth of a 100-goal page.
    "DEFAULT_RENDERER_CLASSES": ["users.api.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # Errors of a list field's items are keyed by the item's index: write such keys as strings, as DRF's renderer did.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
    # Decimals (the announcements' prices) are JSON numbers; the orjson renderer reads this to write a Decimal.
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_PARSER_CLASSES": [
        "users.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "users.api.defaults.DjangoFilterBackend",
        "users.api.defaults.SearchFilter",
        "users.api.defaults.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "users.api.defaults.PageNumberPagination",
    "PAGE_SIZE": 10,
    "EXCEPTION_HANDLER": "users.api.defaults.exception_handler",
    # Counters live in the default cache (Redis when REDIS_URL is set), so the limits hold across workers.
    "DEFAULT_THROTTLE_CLASSES": ["users.api.throttles.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    # Trusted proxies in front of the app: 0 = the client is REMOTE_ADDR and X-Forwarded-For is ignored.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- Docs ---------------------------------------------------------------
SWAGGER_USE_COMPAT_RENDERERS = False
SWAGGER_SETTINGS = {
    "SECURITY_DEFINITIONS": {
        "Bearer": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "description": "Paste `Bearer <access token>` (from POST /api/auth/login/).",
        }
    },
    "USE_SESSION_AUTH": False,
    "PERSIST_AUTH": True,  # Swagger UI keeps the pasted token across page reloads (browser storage)
    # users/api/docs.py: tags, texts, error answers, uploads and filter parameters for every view
    "DEFAULT_GENERATOR_CLASS": "users.api.docs.SkillfolioSchemaGenerator",
    "DEFAULT_AUTO_SCHEMA_CLASS": "users.api.docs.SkillfolioAutoSchema",
    # JSON first, so a plain GET /api/schema/ (browser, curl) answers the JSON document the specification promises.
    "DEFAULT_SPEC_RENDERERS": [
        "drf_yasg.renderers.SwaggerJSONRenderer",
        "drf_yasg.renderers.SwaggerYAMLRenderer",
        "drf_yasg.renderers.OpenAPIRenderer",
    ],
}

# --- CORS ---------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
if DEBUG:
    # The SPA's dev server and `vite preview`.
    CORS_ALLOWED_ORIGINS += [
        "http://localhost:5173",
        "http://127.0.0.1:5173",
        "http://localhost:4173",
        "http://127.0.0.1:4173",
    ]
CORS_ALLOW_ALL_ORIGINS = env.bool("CORS_ALLOW_ALL_ORIGINS", default=False)
# Response headers the SPA's JavaScript may read: the request id (for bug reports) and when to retry after a 429.
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]

# --- Static / media -----------------------------------------------------
STATIC_URL = "static/"
# collectstatic writes here and WhiteNoise serves it: fingerprinted names, gzip copies, cached for a year.
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several instances need one place for uploads: a private S3 (or S3-compatible) bucket. Objects are never public and
# never overwritten; certificate files still reach users only through the app's signed links, which stream them.
USE_S3_MEDIA = env.bool("USE_S3_MEDIA", default=False)
if USE_S3_MEDIA:
    from botocore.config import Config as BotoConfig

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            # Empty = boto3's own chain (instance role, ~/.aws); set both for a key pair.
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Host for the URLs the storage builds itself (admin links); it must be able to read the private bucket.
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
            "signature_version": "s3v4",
            # botocore waits 60 s to connect and to read by default; a stalled bucket must fail a request (and the
            # readiness probe) well inside gunicorn's timeout instead of holding a worker thread hostage.
            "client_config": BotoConfig(
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=20,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
# Certificate files are private: the API hands out signed links that expire after this many seconds.
CERTIFICATE_FILE_LINK_MAX_AGE = env.int("CERTIFICATE_FILE_LINK_MAX_AGE", default=60 * 60)
CERTIFICATE_FILE_MAX_BYTES = 5 * 1024 * 1024
# Decoding cost bound for image uploads: a 600 dpi A4 scan is about 35 million pixels.
CERTIFICATE_IMAGE_MAX_PIXELS = 40_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Benchmark ----------------------------------------------------------
# `make bench` only: routes the bare baseline views under /bench/ and adds an X-Query-Count header to every response.
# Never on in production.
BENCHMARK_MODE = env.bool("BENCHMARK_MODE", default=False)
if BENCHMARK_MODE:
    MIDDLEWARE.insert(0, "bench.middleware.query_count_middleware")
