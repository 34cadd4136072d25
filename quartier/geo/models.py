from django.db import models


class PostalCode(models.Model):
    """One Swiss/Liechtenstein postal code + locality (a code can have several)."""

    code = models.CharField(max_length=4, db_index=True)
    place = models.CharField(max_length=100)
    canton = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    # PO-box codes (8000 Zürich...) come from GeoNames, not swisstopo.
    is_po_box = models.BooleanField(default=False)

    class Meta:
        ordering = ["code", "place"]
        constraints = [
            models.UniqueConstraint(fields=["code", "place"], name="postal_code_place_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"
