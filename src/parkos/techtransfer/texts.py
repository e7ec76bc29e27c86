"""The words of matching: reasons and hard checks, stored as codes and worded when shown."""

from django.utils.translation import gettext as _

from parkos.core.texts import CodedTexts
from parkos.techtransfer.taxonomy import Mode

MATCH_TEXTS = CodedTexts("techtransfer.match")


def _mode_words(codes) -> str:
    labels = dict(Mode.choices)
    return _("、").join(str(labels.get(code, code)) for code in codes)


@MATCH_TEXTS.register("terms")
def _terms(spec):
    return _("Shared terms: %(terms)s") % {"terms": _("、").join(spec["terms"])}


@MATCH_TEXTS.register("phrases")
def _phrases(spec):
    return _("Shared phrases: %(phrases)s") % {"phrases": _("、").join(spec["phrases"])}


@MATCH_TEXTS.register("similarity")
def _similarity(spec):
    return _("Text similarity %(percent)s%%") % {"percent": spec["percent"]}


@MATCH_TEXTS.register("trl_ok")
def _trl_ok(spec):
    return _("Readiness TRL %(have)s meets the required TRL %(need)s") % spec


@MATCH_TEXTS.register("trl_gap")
def _trl_gap(spec):
    return _("Needs a pilot: TRL %(have)s → %(need)s") % spec


@MATCH_TEXTS.register("mode_ok")
def _mode_ok(spec):
    return _("Mode accepted: %(modes)s") % {"modes": _mode_words(spec["modes"])}


@MATCH_TEXTS.register("mode_none")
def _mode_none(spec):
    return _("No mode in common: offered %(offered)s, accepted %(accepted)s") % {
        "offered": _mode_words(spec["offered"]),
        "accepted": _mode_words(spec["accepted"]),
    }


@MATCH_TEXTS.register("price_ok")
def _price_ok(spec):
    return _("Price %(price)s yuan within the budget of %(budget)s yuan") % spec


@MATCH_TEXTS.register("price_over")
def _price_over(spec):
    return _("Price %(price)s yuan above the budget of %(budget)s yuan") % spec


@MATCH_TEXTS.register("price_negotiable")
def _price_negotiable(spec):
    return _("Price negotiable; budget %(budget)s yuan") % spec


@MATCH_TEXTS.register("deadline_ok")
def _deadline_ok(spec):
    return _("Available until after the deadline %(deadline)s") % spec


@MATCH_TEXTS.register("deadline_missed")
def _deadline_missed(spec):
    return _("The listing expires on %(expires)s, before the deadline %(deadline)s") % spec


@MATCH_TEXTS.register("same_field")
def _same_field(spec):
    return _("Same field")
