from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "signage.console.office"
    label = "office"
