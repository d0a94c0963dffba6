from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "response.security"
    label = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from response.security import throttle

        user_login_failed.connect(throttle.on_login_failed, dispatch_uid="throttle-failed")
        user_logged_in.connect(throttle.on_logged_in, dispatch_uid="throttle-succeeded")
