"""Browser forms. They parse what people type; the catalog operations validate and save,
so a page and the API refuse the same things with the same messages."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from catalog.calendars import hours_as_rows
from catalog.forms_schema import FIELD_TYPES
from catalog.models import Article, Audience, BusinessCalendar, Category, RequestType, Service
from catalog.wording import DAY_NAMES
from sso.models import User


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def add_errors(form, exc: ValidationError) -> None:
    """Put an operation's ValidationError on the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def provider_staff():
    return User.objects.filter(agency__isnull=True, is_active=True).order_by(
        "last_name", "first_name"
    )


class DateInput(forms.DateInput):
    input_type = "date"


class ServiceForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "category",
            "description",
            "owner_team",
            "service_manager",
            "calendar",
            "has_standard_sop",
            "sop_document",
            "sop_link",
            "sop_version",
            "sop_date",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "sop_date": DateInput}
        labels = {"owner_team": "Resolver team", "has_standard_sop": "Runs on a standard SOP"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_manager"].queryset = provider_staff()


class ChecklistItemForm(BootstrapMixin, forms.Form):
    name = forms.CharField(max_length=200)
    approver = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = provider_staff()


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(max_length=500, required=False)


class LifecycleForm(forms.Form):
    state = forms.CharField(max_length=20)


class RequestTypeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RequestType
        fields = [
            "name",
            "description",
            "default_kind",
            "default_priority",
            "default_team",
            "requires_approval",
            "is_automated",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # Uniqueness and the rest are checked by catalog.editing.save_request_type.
        pass


class FormFieldRow(BootstrapMixin, forms.Form):
    """One field of a request type's form, as the service owner edits it."""

    name = forms.CharField(max_length=50, required=False, help_text="lower_case_name")
    label = forms.CharField(max_length=100, required=False)
    type = forms.ChoiceField(choices=[(t, t) for t in FIELD_TYPES], initial="text")
    required = forms.BooleanField(required=False)
    choices = forms.CharField(
        max_length=1000, required=False, help_text="For choice fields: one per line or comma"
    )
    help_text = forms.CharField(max_length=300, required=False)

    def as_definition(self) -> dict | None:
        data = self.cleaned_data
        if not data or not (data.get("name") or data.get("label")):
            return None
        entry = {
            "name": data["name"],
            "label": data["label"],
            "type": data["type"],
            "required": data["required"],
        }
        choices = [c.strip() for c in re.split(r"[\n,]", data.get("choices") or "") if c.strip()]
        if choices:
            entry["choices"] = choices
        if data.get("help_text"):
            entry["help_text"] = data["help_text"]
        return entry


FormFieldFormSet = forms.formset_factory(FormFieldRow, extra=3, can_delete=True, max_num=40)


def rows_from_definition(definition: list[dict]) -> list[dict]:
    return [
        {
            "name": f["name"],
            "label": f.get("label", ""),
            "type": f["type"],
            "required": f.get("required", False),
            "choices": "\n".join(f.get("choices", [])),
            "help_text": f.get("help_text", ""),
        }
        for f in definition
    ]


def build_request_form(definition: list[dict]) -> type[forms.Form]:
    """A Django form for a request type's definition (the browser side of forms_schema)."""
    fields = {}
    for spec in definition:
        common = {
            "label": spec.get("label") or spec["name"],
            "required": spec.get("required", False),
            "help_text": spec.get("help_text", ""),
        }
        kind = spec["type"]
        if kind == "number":
            field = forms.DecimalField(**common)
        elif kind == "date":
            field = forms.DateField(widget=DateInput, **common)
        elif kind == "choice":
            field = forms.ChoiceField(
                choices=[("", "---------"), *((c, c) for c in spec["choices"])], **common
            )
        elif kind == "boolean":
            field = forms.BooleanField(**common)
        else:
            field = forms.CharField(max_length=5000, **common)
        fields[spec["name"]] = field
    return type("RequestForm", (BootstrapMixin, forms.Form), fields)


class SLARowForm(BootstrapMixin, forms.Form):
    response_minutes = forms.IntegerField(min_value=1, label="First response (business minutes)")
    resolution_minutes = forms.IntegerField(min_value=1, label="Resolution (business minutes)")
    compliance_target_pct = forms.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, label="Monthly target %"
    )
    credit_pct = forms.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, label="Credit %"
    )


DAY_LOOKUP = {name.lower(): index for index, name in enumerate(DAY_NAMES)}
HOURS_LINE = re.compile(r"^\s*(?P<days>[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?)\s+(?P<spans>.+)$")


def parse_hours_text(text: str) -> list[dict]:
    """'Mon-Fri 08:00-12:00, 13:00-17:00' lines -> API rows; times are checked later."""
    rows, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = HOURS_LINE.match(line)
        days = match and [d.strip().lower() for d in match["days"].split("-")]
        if not match or any(d not in DAY_LOOKUP for d in days):
            errors.append(f"Line {number}: write it like 'Mon-Fri 08:00-17:00'.")
            continue
        first, last = DAY_LOOKUP[days[0]], DAY_LOOKUP[days[-1]]
        if last < first:
            errors.append(f"Line {number}: the days run backwards.")
            continue
        for span in match["spans"].split(","):
            parts = [p.strip() for p in span.split("-")]
            if len(parts) != 2:
                errors.append(f"Line {number}: '{span.strip()}' is not a window like 08:00-17:00.")
                continue
            rows.extend(
                {"weekday": day, "start": parts[0], "end": parts[1]}
                for day in range(first, last + 1)
            )
    if errors:
        raise ValidationError(errors)
    return rows


def parse_holidays_text(text: str) -> list[dict]:
    rows, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        day, _, name = line.strip().partition(" ")
        try:
            date.fromisoformat(day)
        except ValueError:
            errors.append(f"Line {number}: start with a date like 2026-12-25.")
            continue
        rows.append({"date": day, "name": name.strip()})
    if errors:
        raise ValidationError(errors)
    return rows


def hours_text(calendar: BusinessCalendar) -> str:
    by_day: dict[int, list[str]] = {}
    for row in hours_as_rows(calendar):
        by_day.setdefault(row["weekday"], []).append(f"{row['start']}-{row['end']}")
    return "\n".join(
        f"{DAY_NAMES[day]} {', '.join(spans)}" for day, spans in sorted(by_day.items())
    )


class CalendarForm(BootstrapMixin, forms.Form):
    name = forms.CharField(max_length=100)
    timezone = forms.CharField(max_length=64, initial="America/New_York", help_text="IANA name")
    description = forms.CharField(max_length=300, required=False)
    hours = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="One line per day or range: 'Mon-Fri 08:00-12:00, 13:00-17:00'. 24:00 ends a day.",
    )
    holidays = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One per line: '2026-12-25 Christmas Day'.",
    )

    def clean_hours(self):
        return parse_hours_text(self.cleaned_data["hours"])

    def clean_holidays(self):
        return parse_holidays_text(self.cleaned_data["holidays"])

    @classmethod
    def initial_for(cls, calendar: BusinessCalendar) -> dict:
        return {
            "name": calendar.name,
            "timezone": calendar.timezone,
            "description": calendar.description,
            "hours": hours_text(calendar),
            "holidays": "\n".join(f"{h.date} {h.name}" for h in calendar.holidays.all()),
        }


class HolidayImportForm(BootstrapMixin, forms.Form):
    country = forms.CharField(max_length=3, initial="US")
    subdivision = forms.CharField(max_length=10, required=False, help_text="e.g. VA, CA")
    year_from = forms.IntegerField(initial=date.today().year)
    year_to = forms.IntegerField(initial=date.today().year + 1)


class SubscriptionForm(BootstrapMixin, forms.Form):
    quantity = forms.IntegerField(min_value=1, initial=1, help_text="Seats, users or units")
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(widget=DateInput, required=False)


class ArticleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "body", "audience", "is_service_desk_document"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        labels = {"body": "Body (Markdown)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = Audience.choices


class BrowseForm(forms.Form):
    q = forms.CharField(required=False)
    category = forms.ChoiceField(choices=[("", "All"), *Category.choices], required=False)
