from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "signage.console.register"
    label = "register"
