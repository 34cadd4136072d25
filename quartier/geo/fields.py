"""The model field every located row uses (providers, listings, task requests)."""

from django.db import models


class PointField(models.Field):
    """PostgreSQL's core `point` type, as an (x, y) tuple of floats (kilometres)."""

    description = "A point on the plane (PostgreSQL point)"

    def db_type(self, connection):
        return "point"

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or isinstance(value, tuple):
            return value
        x, y = str(value).strip("()").split(",")
        return float(x), float(y)

    def get_prep_value(self, value):
        if value is None:
            return None
        x, y = value
        return f"({float(x)},{float(y)})"
