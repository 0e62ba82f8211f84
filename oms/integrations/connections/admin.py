"""Channel connections in the admin: secrets are written, never shown back."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from oms.core.actor import Actor

from . import services
from .models import ChannelConnection

SECRET_FIELDS = ("api_secret", "access_token", "refresh_token", "webhook_secret", "previous_webhook_secret")


class ConnectionForm(forms.ModelForm):
    """Secret fields start empty; left empty they keep the stored value."""

    api_base_url = forms.URLField(
        assume_scheme="https",
        required=False,
        help_text=ChannelConnection._meta.get_field("api_base_url").help_text,
    )

    class Meta:
        model = ChannelConnection
        fields = [
            "channel",
            "api_base_url",
            "account",
            "api_key",
            *SECRET_FIELDS,
            "location_map",
            "own_fulfillment_services",
            "field_mapping",
            "pull_enabled",
            "pull_every_minutes",
            "pull_cursor",
        ]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRET_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            self.fields[name].required = False
            if self.instance.pk and getattr(self.instance, name):
                self.fields[name].help_text = (
                    "Stored (leave empty to keep it). " + self.fields[name].help_text
                )

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(ChannelConnection.objects.get(pk=self.instance.pk), name)
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the form's values
        try:
            services.validate_connection(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(admin.ModelAdmin):
    form = ConnectionForm
    list_display = ("channel", "account", "api_base_url", "pull_enabled", "pull_cursor", "last_pull_at")
    list_select_related = ("channel",)
    readonly_fields = ("last_pull_at", "last_pull_error")

    def save_model(self, request, obj, form, change):
        services.connection_save(connection=obj, actor=Actor.from_request(request))
