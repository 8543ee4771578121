from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "signage.console.accounts"
    label = "accounts"
