"""Admin: unlock a user's sign-in (django-axes lockouts); the personal-data audit log, read-only."""

from axes.utils import reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import PersonalDataAccess

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


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The audit log, to search (who read this order? what did this user read?); nobody edits it."""

    list_display = ["at", "username", "action", "subject", "resource", "address"]
    list_filter = ["action", "resource"]
    search_fields = ["=subject", "username", "path", "query"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in PersonalDataAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
