from django.apps import AppConfig


class EditingConfig(AppConfig):
    name = "signage.console.editing"
    label = "editing"
