from django.apps import AppConfig


class ChargebackConfig(AppConfig):
    name = "chargeback"
