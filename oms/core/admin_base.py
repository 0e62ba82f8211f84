"""Admin building blocks every app shares: domain rows change through services, so much
of the admin only shows them."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from .errors import DomainError


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse, search and export; never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImportProgressMixin:
    """Import pages that tell the admin the file is being worked on, with a running count."""

    import_template_name = "admin/oms_import.html"


class ServiceSavedAdmin(admin.ModelAdmin):
    """Rows are saved by the app's service, with its validation and its permission check. The
    form already showed what the model's own rules refuse (ModelForm runs them); a refusal of
    the role answers 403. Deleting is not offered: deactivate instead (orders, the ledger and
    the timeline refer to these rows)."""

    def save_through_service(self, request, obj, form) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            self.save_through_service(request, obj, form)
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from error
            raise

    def save_related(self, request, form, formsets, change):
        """Many-to-many values went to the service with the row; inlines still save here."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False
