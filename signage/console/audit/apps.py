from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "signage.console.audit"
    label = "audit"
