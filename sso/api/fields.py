from rest_framework import serializers


class CodeOrIdRelatedField(serializers.PrimaryKeyRelatedField):
    """Accepts an id or a ``code`` ("DOT"), answers the id, as API.md asks for agencies and services."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isdigit():
            queryset = self.get_queryset()
            try:
                return queryset.get(code=data)
            except queryset.model.DoesNotExist:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
