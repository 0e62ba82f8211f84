"""Admin: unlock a user's sign-in (django-axes lockouts), beside Axes' own access logs."""

from axes.utils import reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

User = get_user_model()


@admin.action(description="Unlock sign-in (clear failed attempts)")
def unlock_sign_in(modeladmin, request, queryset):
    usernames = list(queryset.values_list("username", flat=True))
    cleared = sum(reset(username=username) for username in usernames)
    modeladmin.message_user(
        request,
        f"Sign-in unlocked for {', '.join(usernames)} ({cleared} lockout records cleared).",
        messages.SUCCESS,
    )


class OmsUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, unlock_sign_in]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, OmsUserAdmin)
