from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Skillfolio's one app: users and everything they own."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "users"

    def ready(self):
        from users import checks  # noqa: F401  (registers the system checks)
