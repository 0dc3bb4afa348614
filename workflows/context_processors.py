"""What the navigation shows; evaluated only when a template asks."""

from django.utils.functional import SimpleLazyObject


def navigation(request):
    def sees_audit() -> bool:
        from .access import is_registrar

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return bool(user.is_superuser or is_registrar(user))

    return {"nav_sees_audit": SimpleLazyObject(sees_audit)}
