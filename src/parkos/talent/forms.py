"""The talent app's web forms: they clean what a person typed; the services decide."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.forms import MoneyFormField, ServiceForm
from parkos.talent.models import Field, Level, ReasonCode, SubCaseKind, Theme
from parkos.talent.models.onething import DocumentKind
from parkos.talent.services.candidates import DEGREES
from parkos.talent.universities import university_choices

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _blank(choices):
    return [("", "—"), *choices]


class PositionForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    field = forms.ChoiceField(label=_("Field"), choices=_blank(Field.choices))
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices))
    city = forms.CharField(label=_("City"), max_length=50)
    salary_min = MoneyFormField(label=_("Lowest monthly salary (CNY)"))
    salary_max = MoneyFormField(label=_("Highest monthly salary (CNY)"))
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=1000, initial=1)
    skills = forms.CharField(
        label=_("Skills"), required=False, help_text=_("Separate with commas or 、")
    )
    requirements = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    closes_on = forms.DateField(label=_("Closing date"), widget=DATE)
    booth = forms.ChoiceField(label=_("Booth"), required=False)

    def __init__(self, *args, booths=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].choices = [("", _("No fair"))] + [
            (str(b.id), b.fair.title) for b in booths
        ]


class ActionForm(ServiceForm):
    action = forms.CharField(widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(
        label=_("Reason"), required=False, choices=_blank(ReasonCode.choices)
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class InterviewForm(ServiceForm):
    slot = forms.ChoiceField(label=_("Offered slot"), required=False)
    starts_at = forms.DateTimeField(
        label=_("Or a new time: starts"), required=False, widget=DATETIME
    )
    ends_at = forms.DateTimeField(label=_("Ends"), required=False, widget=DATETIME)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", "—")] + [
            (str(s.id), s.starts_at.strftime("%Y-%m-%d %H:%M")) for s in slots
        ]


SCORE = [(str(n), str(n)) for n in range(1, 6)]


class ScorecardForm(ServiceForm):
    skills = forms.ChoiceField(label=_("Skills"), choices=SCORE)
    experience = forms.ChoiceField(label=_("Experience"), choices=SCORE)
    communication = forms.ChoiceField(label=_("Communication"), choices=SCORE)
    motivation = forms.ChoiceField(label=_("Motivation"), choices=SCORE)
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[
            ("advance", _("Advance")),
            ("hold", _("Hold")),
            ("reject", pgettext_lazy("scorecard", "Do not advance")),
        ],
    )
    feedback = forms.CharField(
        label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SlotForm(ServiceForm):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=50, initial=1)


class FairForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    field = forms.ChoiceField(label=_("Field"), required=False, choices=_blank(Field.choices))
    university = forms.ChoiceField(label=_("University"), required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].choices = _blank(university_choices())


class BoothForm(ServiceForm):
    intro = forms.CharField(label=_("Introduction"), required=False, max_length=500)


class UUIDListField(forms.Field):
    """Several ids ticked at once; which of them exist and are open is the service's decision."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {"required": _("Choose at least one position.")}

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        cleaned = []
        for item in values[:50]:
            try:
                cleaned.append(uuid.UUID(str(item)))
            except ValueError as bad:
                raise forms.ValidationError(_("A position chosen does not exist.")) from bad
        return cleaned

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class ApplyForm(ServiceForm):
    position_ids = UUIDListField(label=_("Positions"))
    consent = forms.BooleanField(
        label=_("I agree to share my résumé with these enterprises"), required=False
    )
    cover_note = forms.CharField(label=_("Note to the enterprises"), required=False, max_length=500)

    def __init__(self, *args, positions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position_ids"].widget.choices = [(str(p.id), p.title) for p in positions]


class DeleteProfileForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete my profile and personal data"))


class RegisterForm(ServiceForm):
    name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    email = forms.EmailField(label=_("Email"), required=False)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)


class ProfileForm(ServiceForm):
    name = forms.CharField(label=_("Full name"), max_length=50)
    email = forms.EmailField(label=_("Email"), required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("Stored encrypted; shown masked. Leave empty to keep the one on file."),
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    city = forms.CharField(label=_("City"), required=False, max_length=50)
    expected_cities = forms.CharField(label=_("Cities wanted"), required=False)
    expected_salary = MoneyFormField(label=_("Expected monthly salary (CNY)"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False, choices=_blank(Field.choices))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_blank(Level.choices))
    university = forms.ChoiceField(label=_("University"), required=False)
    degree = forms.ChoiceField(
        label=_("Degree"),
        required=False,
        choices=_blank(
            list(zip(DEGREES, [_("College"), _("Bachelor"), _("Master"), _("Doctor")], strict=True))
        ),
    )
    major = forms.CharField(label=_("Major"), required=False, max_length=100)
    graduation_year = forms.IntegerField(label=_("Graduation year"), required=False)
    skills = forms.CharField(
        label=_("Skills"), required=False, help_text=_("Separate with commas or 、")
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    discoverable = forms.BooleanField(
        label=_("Recommend me to enterprises of the park (name hidden until I apply)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].choices = _blank(university_choices())


class ResumeForm(ServiceForm):
    resume = forms.FileField(
        label=_("Résumé (PDF or Word .docx, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )


class SurveyForm(ServiceForm):
    satisfaction = forms.ChoiceField(label=_("Satisfaction (1–5)"), choices=SCORE)
    expected_hires = forms.IntegerField(label=_("Hires expected"), required=False, min_value=0)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class DemandForm(ServiceForm):
    year = forms.IntegerField(label=_("Year"))
    field = forms.ChoiceField(label=_("Field"), choices=_blank(Field.choices))
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices))
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1)


class OneThingForm(ServiceForm):
    name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    arrived_on = forms.DateField(label=_("Arrived in the district on"), widget=DATE)
    park = forms.ChoiceField(label=_("Park"))
    kinds = forms.MultipleChoiceField(
        label=_("Services"), choices=SubCaseKind.choices, widget=forms.CheckboxSelectMultiple
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents I have ready"),
        required=False,
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    price = MoneyFormField(label=_("Purchase price (CNY)"), required=False)
    home_address = forms.CharField(label=_("Home address"), required=False, max_length=200)
    first_home = forms.BooleanField(label=_("This is my first home"), required=False)
    in_district = forms.BooleanField(label=_("The home is in the district"), required=False)

    def __init__(self, *args, parks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [(str(p.id), p.name) for p in parks]


class LedgerCheckForm(forms.Form):
    seq = forms.IntegerField(label=_("Record number"), min_value=1, max_value=2**62)
    hash = forms.CharField(label=_("Hash"), max_length=64, min_length=64)
