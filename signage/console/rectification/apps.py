from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "signage.console.rectification"
    label = "rectification"
