"""What an operator types on the alarm page. The services decide what is acceptable (a
comment's length, a note's wording); these forms carry the input there and bring each of the
services' refusals back under the field it concerns, the text kept."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.forms import ServiceForm


class AlarmNoteForm(ServiceForm):
    """The note going with an acknowledgement or a clearing (optional)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AlarmCommentForm(ServiceForm):
    # The service says what is missing or too long in its own words ("Write a comment.").
    text = forms.CharField(label=pgettext_lazy("alarm event", "Comment"), required=False)
