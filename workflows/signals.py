"""Audit entries for changes that can come through any door: log-ins and permissions. (The
positions and memberships that give power, the rule set, the organisation, documents' details
and meetings: audit.tracking.)

These are model and auth signals rather than service calls because the admin, the shell,
data migrations and third-party code change these tables too. Each entry is written inside
the transaction of the change when there is one (the admin wraps every change in one);
``record_now`` opens its own otherwise. The acting person and the client address come from
the current request (config.middleware.CurrentRequestMiddleware); fixtures loaded raw
(``loaddata``) are not recorded here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from audit.recording import record_now
from config import sso

User = get_user_model()

USER_FLAGS = ("is_active", "is_staff", "is_superuser")
MAX_TRIED_USERNAME = 150


def _ip(request) -> str | None:
    if request is None:
        return None
    from config.client_ip import client_ip

    return client_ip(request)


# --- Log-ins ------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="styrdok_audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        import time

        from config.middleware import SessionTimeoutMiddleware

        now = int(time.time())
        request.session[SessionTimeoutMiddleware.LOGIN_KEY] = now
        request.session[SessionTimeoutMiddleware.SEEN_KEY] = now
        from .context_processors import remember_navigation

        remember_navigation(request, user)
    method = getattr(request, sso.METHOD_ATTRIBUTE, "")  # "sso": the municipality's account
    record_now("login", actor=user, target=user, ip_address=_ip(request), comment=method)


@receiver(user_logged_out, dispatch_uid="styrdok_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    comment = "session expired" if getattr(request, "session_expired", False) else ""
    record_now("logout", actor=user, target=user, ip_address=_ip(request), comment=comment)


@receiver(user_login_failed, dispatch_uid="styrdok_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the user name is kept.
    # A refused log-in through the provider has none: the claim it was matched by instead.
    tried = credentials.get("username") or getattr(request, sso.CLAIM_ATTRIBUTE, "")
    tried = str(tried or "")[:MAX_TRIED_USERNAME]
    refusal = getattr(request, sso.REFUSAL_ATTRIBUTE, None)
    record_now(
        "login_failed",
        actor=None,
        target_type="auth.user",
        target_label=tried,
        ip_address=_ip(request),
        comment=f"single sign-on refused ({refusal}): {tried}" if refusal else f"username: {tried}",
    )


def _connect_axes() -> None:
    from axes.signals import user_locked_out

    @receiver(user_locked_out, dispatch_uid="styrdok_audit_locked_out")
    def _locked_out(sender, request, username, ip_address, **kwargs):
        tried = str(username or "")[:MAX_TRIED_USERNAME]
        record_now(
            "login_locked_out",
            actor=None,
            target_type="auth.user",
            target_label=tried,
            ip_address=ip_address or _ip(request),
            comment=f"username: {tried}",
        )


_connect_axes()


# --- Accounts and permissions ------------------------------------------------------------


@receiver(pre_save, sender=User, dispatch_uid="styrdok_audit_user_flags_before")
def _user_flags_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return
    instance._audit_old_flags = (
        User.objects.filter(pk=instance.pk).values(*USER_FLAGS).first() or None
    )


@receiver(post_save, sender=User, dispatch_uid="styrdok_audit_user_flags_after")
def _user_flags_after(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    new = {flag: getattr(instance, flag) for flag in USER_FLAGS}
    if created:
        old = {"is_active": True, "is_staff": False, "is_superuser": False}
    else:
        old = getattr(instance, "_audit_old_flags", None)
        instance._audit_old_flags = None
        if old is None:
            return
    changed = [flag for flag in USER_FLAGS if old[flag] != new[flag]]
    if not changed:
        return
    record_now(
        "user_flags_changed",
        target=instance,
        from_state=",".join(f"{f}={old[f]}" for f in changed),
        to_state=",".join(f"{f}={new[f]}" for f in changed),
        comment="; ".join(f"{f}: {old[f]} → {new[f]}" for f in changed),
    )


def _m2m_names(model, pks) -> str:
    return ", ".join(sorted(str(o) for o in model.objects.filter(pk__in=pks)))


def _m2m_receiver(action_code: str, owner_model, field_name: str):
    """Record additions and removals on ``owner_model.<field_name>``, from either side."""

    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            # Remember what is about to go: post_clear no longer knows.
            if reverse:
                related = owner_model.objects.filter(**{field_name: instance})
            else:
                related = getattr(instance, field_name).all()
            instance._audit_cleared = set(related.values_list("pk", flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_audit_cleared", set())
            instance._audit_cleared = set()
        if not pk_set:
            return
        verb = "+" if action == "post_add" else "-"
        if reverse:
            # instance is the member side (e.g. a group); each pk is an owner (e.g. a user).
            for owner in owner_model.objects.filter(pk__in=pk_set):
                record_now(action_code, target=owner, comment=f"{verb} {instance}")
        else:
            names = ", ".join(sorted(str(o) for o in model.objects.filter(pk__in=pk_set)))
            record_now(action_code, target=instance, comment=f"{verb} {names}")

    return handler


def _connect_m2m() -> None:
    for through, code, owner, field_name in [
        (User.groups.through, "user_groups_changed", User, "groups"),
        (User.user_permissions.through, "user_permissions_changed", User, "user_permissions"),
        (Group.permissions.through, "group_permissions_changed", Group, "permissions"),
    ]:
        m2m_changed.connect(
            _m2m_receiver(code, owner, field_name),
            sender=through,
            weak=False,
            dispatch_uid=f"styrdok_audit_{code}",
        )


_connect_m2m()


def _object_permission_label(instance) -> str:
    holder = getattr(instance, "user", None) or getattr(instance, "group", None)
    return (
        f"{instance.permission.codename} → {holder}: "
        f"{instance.content_type.app_label}.{instance.content_type.model} #{instance.object_pk}"
    )


def _connect_guardian() -> None:
    from guardian.models import GroupObjectPermission, UserObjectPermission

    for model in (UserObjectPermission, GroupObjectPermission):

        @receiver(
            post_save, sender=model, weak=False, dispatch_uid=f"styrdok_audit_{model.__name__}_save"
        )
        def _granted(sender, instance, created, raw=False, **kwargs):
            if raw:
                return
            record_now(
                "object_permission_granted" if created else "object_permission_revoked",
                target=instance,
                target_label=_object_permission_label(instance),
                comment="" if created else "changed",
            )

        @receiver(
            post_delete,
            sender=model,
            weak=False,
            dispatch_uid=f"styrdok_audit_{model.__name__}_delete",
        )
        def _revoked(sender, instance, **kwargs):
            record_now(
                "object_permission_revoked",
                target=instance,
                target_label=_object_permission_label(instance),
            )


_connect_guardian()
