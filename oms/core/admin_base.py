"""Admin building blocks every app shares: domain rows change through services, so much
of the admin only shows them."""

from django.contrib import admin


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
