"""Import rows saved by services (django-import-export): an app's resource names the service in
`save_with_service`; its validation refuses a bad row, which the import reports as that row's
error (and, all or nothing, imports none). Many-to-many columns go to the service with the row."""

from django.core.exceptions import ValidationError
from import_export import resources, widgets

from .actor import Actor
from .errors import DomainError


def import_actor(kwargs: dict) -> Actor:
    user = kwargs.get("user")
    return Actor.for_user(user) if user is not None else Actor.system("import")


class ServiceSavedResource(resources.ModelResource):
    def save_with_service(self, instance, *, m2m: dict, actor: Actor) -> None:
        raise NotImplementedError

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        if not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs):
            return
        m2m = {
            field.attribute: field.clean(row, **kwargs)
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
        }
        try:
            self.save_with_service(instance, m2m=m2m, actor=import_actor(kwargs))
        except DomainError as error:
            raise ValidationError(error.details.get("errors") or error.message) from error
        self.after_save_instance(instance, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        """Saved with the row, by the service."""
