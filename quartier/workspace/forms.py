"""Forms of the workspace pages: they check the shape of the input and give it in words a
person understands; the rules themselves stay in the services the views call."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from quartier.bookings.availability import marketplace_zone
from quartier.catalog.models import Category, Listing
from quartier.platform.forms import IntegerField
from quartier.platform.languages import Language
from quartier.providers.models import SocialLink

REQUIRED = "required"
INVALID = "invalid"

SOCIAL_LABELS = {
    SocialLink.Network.LINKEDIN: _("LinkedIn profile"),
    SocialLink.Network.FACEBOOK: _("Facebook profile"),
    SocialLink.Network.INSTAGRAM: _("Instagram profile"),
    SocialLink.Network.X: _("X profile"),
    SocialLink.Network.XING: _("XING profile"),
    SocialLink.Network.WEBSITE: _("Your website"),
}
SOCIAL_EXAMPLES = {
    SocialLink.Network.LINKEDIN: "https://www.linkedin.com/in/…",
    SocialLink.Network.FACEBOOK: "https://www.facebook.com/…",
    SocialLink.Network.INSTAGRAM: "https://www.instagram.com/…",
    SocialLink.Network.X: "https://x.com/…",
    SocialLink.Network.XING: "https://www.xing.com/profile/…",
    SocialLink.Network.WEBSITE: "https://…",
}
PRICE_UNITS = [
    (Listing.PriceUnit.HOUR, _("per hour")),
    (Listing.PriceUnit.VISIT, _("per visit")),
    (Listing.PriceUnit.FIXED, _("fixed price")),
]
WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
RANGES_PER_DAY = 3
DATE_INPUTS = ["%Y-%m-%d", "%d.%m.%Y"]
LEAD_TIMES = [
    (0, _("No notice needed")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (240, _("4 hours")),
    (720, _("12 hours")),
    (1440, _("1 day")),
    (2880, _("2 days")),
]
BUFFERS = [
    (0, _("No break")),
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1½ hours")),
    (120, _("2 hours")),
]


def _messages(required, invalid=None, **extra) -> dict:
    found = {REQUIRED: required, **extra}
    if invalid:
        found[INVALID] = invalid
    return found


def category_label(category: Category) -> str:
    name = category.name_in((get_language() or "en")[:2])
    if category.parent_id:
        return f"{category.parent.name_in((get_language() or 'en')[:2])} – {name}"
    return name


def _francs_field(*, label, help_text, required_message, invalid_message) -> forms.DecimalField:
    """A price in francs and rappen, with every refusal in words."""
    too_large = _("Enter a price below 10 million.")
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal("0.05"),
        max_value=Decimal("9999999.95"),
        max_digits=9,
        decimal_places=2,
        error_messages=_messages(
            required_message,
            invalid_message,
            min_value=_("Enter a price above zero."),
            max_value=too_large,
            max_decimal_places=_("Enter the price with at most 2 decimals (rappen)."),
            max_digits=too_large,
            max_whole_digits=too_large,
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8, "class": "ws-short"}
        ),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name as customers see it"),
        help_text=_("Your first name and the initial of your surname are enough, e.g. Lea M."),
        max_length=80,
        error_messages=_messages(_("Enter the name customers will see.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    photo = forms.FileField(
        label=_("Photo of you"),
        help_text=_(
            "A friendly photo of your face builds trust. JPEG, PNG or WebP, up to 5 MB; "
            "we crop it to a square."
        ),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    bio = forms.CharField(
        label=_("About you"),
        help_text=_("What you are good at and how you work, in a few sentences."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose languages from the list.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("What you can help with"),
        help_text=_("Tick every kind of job you do."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    skills = forms.CharField(
        label=_("Other skills"),
        help_text=_("Separated by commas, e.g. Sonos, Apple TV, printers."),
        required=False,
        max_length=1300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    home_postal_code = forms.CharField(
        label=_("Postal code where you start from"),
        help_text=_("A Swiss postal code, e.g. 8004."),
        max_length=4,
        error_messages=_messages(
            _("Enter a Swiss postal code, e.g. 8004."),
            max_length=_("Enter a Swiss postal code with 4 digits, e.g. 8004."),
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "size": 6,
                "class": "ws-short",
            }
        ),
    )
    service_radius_km = IntegerField(
        label=_("How far you travel (km)"),
        help_text=_("From 1 to 200 km around your postal code."),
        min_value=1,
        max_value=200,
        initial=10,
        error_messages=_messages(
            _("Enter how many kilometres you travel, e.g. 10."),
            _("Enter a whole number of kilometres, e.g. 10."),
            min_value=_("Enter at least 1 km."),
            max_value=_("Enter at most 200 km."),
        ),
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "ws-short"}
        ),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or "en")[:2]
        # Each top category with its sub-categories; one without children stands alone.
        tops = [category for category in categories if category.parent_id is None]
        children = {}
        for category in categories:
            if category.parent_id is not None:
                children.setdefault(category.parent_id, []).append(category)
        self.category_groups_found = [
            (top.name_in(language), children.get(top.pk) or [top]) for top in tops
        ]
        self.category_objects = {
            str(category.pk): category
            for _group, members in self.category_groups_found
            for category in members
        }
        self.fields["categories"].choices = [
            (key, category.name_in(language)) for key, category in self.category_objects.items()
        ]
        for network, label in SOCIAL_LABELS.items():
            self.fields[f"social_{network}"] = forms.URLField(
                label=label,
                help_text=_("For example %(example)s") % {"example": SOCIAL_EXAMPLES[network]},
                required=False,
                max_length=300,
                assume_scheme="https",
                error_messages={
                    INVALID: _("Enter a full web address starting with https://."),
                    "max_length": _("This address is too long."),
                },
                widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
            )

    def category_groups(self):
        """(top category name, [checkbox, ...]) for the template."""
        widgets = {str(widget.data["value"]): widget for widget in self["categories"]}
        return [
            (name, [widgets[str(category.pk)] for category in members])
            for name, members in self.category_groups_found
        ]

    def social_fields(self):
        return [self[f"social_{network}"] for network in SOCIAL_LABELS]

    def clean_display_name(self) -> str:
        value = self.cleaned_data["display_name"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the name customers will see."))
        return value

    def clean_home_postal_code(self) -> str:
        return self.cleaned_data["home_postal_code"].strip()

    def skill_list(self) -> list[str]:
        chosen = [
            self.category_objects[key].name_in((get_language() or "en")[:2])
            for key in self.cleaned_data.get("categories", [])
        ]
        typed = [part.strip() for part in self.cleaned_data.get("skills", "").split(",")]
        return [*chosen, *(skill for skill in typed if skill)]

    def social_links(self) -> list[dict]:
        return [
            {"network": network, "url": self.cleaned_data[f"social_{network}"]}
            for network in SOCIAL_LABELS
            if self.cleaned_data.get(f"social_{network}")
        ]


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Your document"),
        help_text=_("A PDF or a photo (JPEG, PNG, WebP), up to 10 MB."),
        error_messages=_messages(_("Choose the file to upload.")),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )


class PhoneForm(forms.Form):
    phone = forms.RegexField(
        label=_("Your mobile number"),
        help_text=_("We send you a code by text message, e.g. to +41 79 123 45 67."),
        regex=r"^\+?[0-9 ()./-]{8,24}$",
        max_length=32,
        error_messages=_messages(
            _("Enter your mobile number, e.g. +41 79 123 45 67."),
            _("Enter your mobile number, e.g. +41 79 123 45 67."),
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The code from the text message"),
        regex=r"^\s*[0-9]{6}\s*$",
        max_length=12,
        error_messages=_messages(
            _("Enter the 6-digit code from the text message."),
            _("Enter the 6-digit code from the text message."),
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "ws-short"}
        ),
    )


class QuizQuestionForm(forms.Form):
    choice = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=_messages(
            _("Choose one answer."), invalid_choice=_("Choose one of the answers.")
        ),
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].label = question.text
        self.fields["choice"].choices = [
            (choice.pk, choice.text) for choice in question.choices.all()
        ]


class ListingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        help_text=_("What you do, in a few words, e.g. WLAN set-up at your home."),
        max_length=120,
        error_messages=_messages(_("Enter a title for your service.")),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("Choose a category"),
        error_messages=_messages(
            _("Choose the category customers will find it in."),
            invalid_choice=_("Choose a category from the list."),
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        help_text=_("What is included, what the customer should have ready."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )
    price = _francs_field(
        label=_("Price"),
        help_text=_("In francs, e.g. 60 or 45.50."),
        required_message=_("Enter your price, e.g. 60."),
        invalid_message=_("Enter the price as a number, e.g. 60 or 45.50."),
    )
    price_unit = forms.ChoiceField(
        label=_("The price is"),
        choices=PRICE_UNITS,
        initial=Listing.PriceUnit.HOUR,
        widget=forms.RadioSelect,
        error_messages=_messages(
            _("Choose how the price counts."), invalid_choice=_("Choose how the price counts.")
        ),
    )
    radius_km = IntegerField(
        label=_("How far you travel for it (km)"),
        help_text=_("From 1 to 200 km around your postal code."),
        min_value=1,
        max_value=200,
        error_messages=_messages(
            _("Enter how many kilometres you travel, e.g. 10."),
            _("Enter a whole number of kilometres, e.g. 10."),
            min_value=_("Enter at least 1 km."),
            max_value=_("Enter at most 200 km."),
        ),
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "ws-short"}
        ),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = categories
        field.label_from_instance = category_label

    def price_minor(self) -> int:
        return int(self.cleaned_data["price"] * 100)


class RulesForm(forms.Form):
    """The notice a helper needs and the break between two bookings."""

    lead_time_minutes = forms.TypedChoiceField(
        label=_("How much notice you need"),
        help_text=_("Customers cannot book a time sooner than this."),
        choices=LEAD_TIMES,
        coerce=int,
        error_messages=_messages(
            _("Choose how much notice you need."),
            invalid_choice=_("Choose how much notice you need."),
        ),
    )
    buffer_minutes = forms.TypedChoiceField(
        label=_("Break between two bookings"),
        help_text=_("Time to travel and pack up."),
        choices=BUFFERS,
        coerce=int,
        error_messages=_messages(
            _("Choose the break you need."), invalid_choice=_("Choose the break you need.")
        ),
    )


class HoursForm(RulesForm):
    """Per weekday up to three ranges; lead time and the break between bookings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, name in enumerate(WEEKDAYS):
            for number in range(RANGES_PER_DAY):
                for edge, label in (("starts", _("from")), ("ends", _("until"))):
                    self.fields[f"d{weekday}_{number}_{edge}"] = forms.TimeField(
                        label=_("%(day)s, period %(number)s, %(edge)s")
                        % {"day": name, "number": number + 1, "edge": label},
                        required=False,
                        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
                        error_messages={INVALID: _("Enter a time like 08:30.")},
                        widget=forms.TimeInput(
                            attrs={"type": "time", "autocomplete": "off"}, format="%H:%M"
                        ),
                    )

    def _is_filled(self, name: str) -> bool:
        source = self.data if self.is_bound else self.initial
        return bool(source.get(name))

    def days(self):
        """(weekday name, [(from field, until field), ...]) for the template: the periods
        given so far and one empty row, so a day grows by one period per save."""
        days = []
        for weekday, name in enumerate(WEEKDAYS):
            filled = [
                number
                for number in range(RANGES_PER_DAY)
                if self._is_filled(f"d{weekday}_{number}_starts")
                or self._is_filled(f"d{weekday}_{number}_ends")
            ]
            shown = min((max(filled) + 2) if filled else 1, RANGES_PER_DAY)
            days.append(
                (
                    name,
                    [
                        (self[f"d{weekday}_{number}_starts"], self[f"d{weekday}_{number}_ends"])
                        for number in range(shown)
                    ],
                )
            )
        return days

    def clean(self):
        cleaned = super().clean()
        periods = []
        for weekday in range(len(WEEKDAYS)):
            for number in range(RANGES_PER_DAY):
                starts_name, ends_name = f"d{weekday}_{number}_starts", f"d{weekday}_{number}_ends"
                starts, ends = cleaned.get(starts_name), cleaned.get(ends_name)
                if starts is None and ends is None:
                    continue
                if starts is None or ends is None:
                    if starts_name in self.errors or ends_name in self.errors:
                        continue
                    self.add_error(
                        ends_name if starts else starts_name, _("Give both a start and an end.")
                    )
                    continue
                periods.append({"weekday": weekday, "starts": starts, "ends": ends})
        cleaned["weekly_hours"] = periods
        return cleaned

    @classmethod
    def initial_for(cls, schedule, hours) -> dict:
        initial = {
            "lead_time_minutes": schedule.lead_time_minutes,
            "buffer_minutes": schedule.buffer_minutes,
        }
        used: dict[int, int] = {}
        for period in hours:
            number = used.get(period.weekday, 0)
            if number >= RANGES_PER_DAY:
                continue
            used[period.weekday] = number + 1
            initial[f"d{period.weekday}_{number}_starts"] = period.starts
            initial[f"d{period.weekday}_{number}_ends"] = period.ends
        return initial


class TimeOffForm(forms.Form):
    first_day = forms.DateField(
        label=_("First day off"),
        error_messages=_messages(
            _("Enter the first day you are away."), _("Enter a date like 24.12.2026.")
        ),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    last_day = forms.DateField(
        label=_("Last day off"),
        error_messages=_messages(
            _("Enter the last day you are away."), _("Enter a date like 24.12.2026.")
        ),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note for yourself (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def period(self) -> tuple[datetime, datetime]:
        """Whole local days: from the first day's midnight to the day after the last."""
        zone = marketplace_zone()
        first, last = self.cleaned_data["first_day"], self.cleaned_data["last_day"]
        starts = datetime.combine(first, time.min, tzinfo=zone)
        ends = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        return starts, ends


DISTANCES = [
    (5, _("within 5 km")),
    (10, _("within 10 km")),
    (20, _("within 20 km")),
    (50, _("within 50 km")),
]
DURATIONS = [
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (90, _("1½ hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
    (480, _("a day (8 hours)")),
]


class TaskFilterForm(forms.Form):
    """The board's filters (GET): a bad value falls back to "all" rather than failing."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    distance = forms.TypedChoiceField(
        label=_("Distance"), required=False, coerce=int, choices=DISTANCES, empty_value=None
    )

    def __init__(self, *args, categories=(), radius_km: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("All categories")),
            *[
                (str(category.pk), category_label(category))
                for category in categories
                if category.parent_id is None
            ],
        ]
        self.fields["distance"].choices = [("", _("My service area")), *DISTANCES]
        self.radius_km = radius_km

    def search(self) -> tuple[str | None, int]:
        """(category id or None, radius in km); invalid filters count as not given."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("category") or None, data.get("distance") or self.radius_km


class OfferForm(forms.Form):
    price = _francs_field(
        label=_("Your price"),
        help_text=_("In francs, for the whole job, e.g. 80 or 45.50."),
        required_message=_("Enter your price, e.g. 80."),
        invalid_message=_("Enter the price as a number, e.g. 80 or 45.50."),
    )
    day = forms.DateField(
        label=_("Proposed day (optional)"),
        required=False,
        input_formats=DATE_INPUTS,
        error_messages={INVALID: _("Enter a date like 24.12.2026.")},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=_("Proposed start (optional)"),
        required=False,
        error_messages={INVALID: _("Enter a time like 08:30.")},
        widget=forms.TimeInput(attrs={"type": "time", "autocomplete": "off"}, format="%H:%M"),
    )
    minutes = forms.TypedChoiceField(
        label=_("How long it takes"),
        coerce=int,
        choices=DURATIONS,
        initial=60,
        error_messages=_messages(
            _("Choose how long the job takes."), invalid_choice=_("Choose from the list.")
        ),
    )
    message = forms.CharField(
        label=_("Message to the customer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        error_messages={"max_length": _("Write at most 2000 characters.")},
    )

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("day"), cleaned.get("start")
        if day and not start and "start" not in self.errors:
            self.add_error("start", _("Enter the start time for the day you propose."))
        if start and not day and "day" not in self.errors:
            self.add_error("day", _("Enter the day for the start time you propose."))
        return cleaned

    def price_minor(self) -> int:
        return int(self.cleaned_data["price"] * 100)

    def proposed_start(self) -> datetime | None:
        day, start = self.cleaned_data.get("day"), self.cleaned_data.get("start")
        if not (day and start):
            return None
        return datetime.combine(day, start, tzinfo=marketplace_zone())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one picker; each is still sniffed by the listing service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [found for found in files if found]
        if not files:
            raise forms.ValidationError(self.error_messages[REQUIRED], code=REQUIRED)
        return [super(PhotosField, self).clean(found, initial) for found in files]


PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class ListingPhotosForm(forms.Form):
    photos = PhotosField(
        label=_("Add photos"),
        help_text=_(
            "JPEG, PNG or WebP, up to 5 MB each, at most 8 photos. "
            "The first photo is the cover customers see."
        ),
        error_messages=_messages(
            _("Choose one or more photos."),
            _("Choose one or more photos."),
            empty=_("The file is empty."),
            max_length=_("The file name is too long."),
        ),
    )


class PhotoMoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", "up"), ("down", "down")],
        error_messages=_messages(
            _("Choose where to move the photo."),
            invalid_choice=_("Choose where to move the photo."),
        ),
    )

    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1
