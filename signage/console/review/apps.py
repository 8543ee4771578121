from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "signage.console.review"
    label = "review"
