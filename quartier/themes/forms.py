"""The back office theme editor's form: every token as a labelled input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.platform.forms import IntegerField
from quartier.themes import tokens as t

LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français", "it": "Italiano", "en": "English"}
COLOUR_LABELS = {
    "primary": _("Primary colour (buttons, with white text)"),
    "secondary": _("Secondary colour (accents, focus ring)"),
    "background": _("Background colour"),
    "text": _("Text colour"),
}
TEXT_LABELS = {
    "hero_title": _("Home page title"),
    "hero_text": _("Home page introduction"),
    "imprint": _("Imprint"),
    "privacy": _("Privacy policy"),
}


class ColourInput(forms.TextInput):
    input_type = "color"


class ThemeForm(forms.Form):
    font = forms.ChoiceField(label=_("Font"))
    radius = IntegerField(
        label=_("Corner radius (pixels)"), min_value=t.RADIUS_MIN, max_value=t.RADIUS_MAX
    )
    logo = forms.FileField(label=_("Logo (PNG, JPEG or WebP)"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    favicon = forms.FileField(label=_("Favicon (PNG, JPEG or WebP)"), required=False)
    remove_favicon = forms.BooleanField(label=_("Remove the favicon"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["font"].choices = [(key, label) for key, (label, _stack) in t.FONTS.items()]
        for field in t.COLOUR_FIELDS:
            self.fields[field] = forms.CharField(
                label=COLOUR_LABELS[field], max_length=7, widget=ColourInput
            )
        for field in t.TEXT_FIELDS:
            long_text = field in ("hero_text", "imprint", "privacy")
            for language in t.LANGUAGES:
                self.fields[f"{field}_{language}"] = forms.CharField(
                    label=f"{TEXT_LABELS[field]} ({LANGUAGE_NAMES[language]})",
                    required=False,
                    max_length=t.TEXT_MAX_LENGTHS[field],
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 8 if field != "hero_text" else 3})
                    if long_text
                    else forms.TextInput,
                )
        for index in range(t.MAX_FOOTER_LINKS):
            number = index + 1
            self.fields[f"link_{index}_url"] = forms.CharField(
                label=_("Link %(number)d: address (https://)") % {"number": number},
                required=False,
                max_length=t.URL_MAX_LENGTH,
                widget=forms.URLInput,
            )
            for language in t.LANGUAGES:
                self.fields[f"link_{index}_label_{language}"] = forms.CharField(
                    label=_("Link %(number)d: label (%(language)s)")
                    % {"number": number, "language": LANGUAGE_NAMES[language]},
                    required=False,
                    max_length=t.LABEL_MAX_LENGTH,
                )

    @classmethod
    def initial_from(cls, tokens: dict) -> dict:
        initial = {field: tokens.get(field) for field in (*t.COLOUR_FIELDS, "font", "radius")}
        for field in t.TEXT_FIELDS:
            for language in t.LANGUAGES:
                initial[f"{field}_{language}"] = tokens.get(field, {}).get(language, "")
        for index, link in enumerate(tokens.get("footer_links", [])[: t.MAX_FOOTER_LINKS]):
            initial[f"link_{index}_url"] = link.get("url", "")
            for language in t.LANGUAGES:
                initial[f"link_{index}_label_{language}"] = link.get("labels", {}).get(language, "")
        return initial

    def token_changes(self) -> dict:
        """The cleaned form as theme tokens (validated again, as a whole, by the service)."""
        data = self.cleaned_data
        changes = {field: data[field] for field in (*t.COLOUR_FIELDS, "font", "radius")}
        for field in t.TEXT_FIELDS:
            changes[field] = {
                language: data[f"{field}_{language}"]
                for language in t.LANGUAGES
                if data[f"{field}_{language}"].strip()
            }
        links = []
        for index in range(t.MAX_FOOTER_LINKS):
            url = data[f"link_{index}_url"].strip()
            labels = {
                language: data[f"link_{index}_label_{language}"]
                for language in t.LANGUAGES
                if data[f"link_{index}_label_{language}"].strip()
            }
            if url or labels:
                links.append({"url": url, "labels": labels})
        changes["footer_links"] = links
        return changes

    # Groups for the template: fieldsets with a legend each.
    def colour_fields(self):
        return [self[field] for field in t.COLOUR_FIELDS]

    def text_groups(self):
        return [
            (field, TEXT_LABELS[field], [self[f"{field}_{lang}"] for lang in t.LANGUAGES])
            for field in t.TEXT_FIELDS
        ]

    def link_groups(self):
        return [
            (
                index + 1,
                self[f"link_{index}_url"],
                [self[f"link_{index}_label_{lang}"] for lang in t.LANGUAGES],
            )
            for index in range(t.MAX_FOOTER_LINKS)
        ]
