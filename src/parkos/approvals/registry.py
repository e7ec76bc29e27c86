"""What the engine knows of other apps: the subjects they send through it, and how a
reviewer scope other than the built-in ones is resolved. Apps register in `ready()`; the
engine imports no domain app."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from parkos.approvals.errors import ApprovalsError
from parkos.core.errors import ValidationFailed


@dataclass(frozen=True)
class Subject:
    subject_type: str
    on_approved: Callable | None = None
    on_rejected: Callable | None = None
    on_withdrawn: Callable | None = None
    describe: Callable[[str], str] | None = None
    # The same for many subjects at once ({subject_id: words}), so a list page asks the app
    # once per kind instead of once per row.
    describe_many: Callable[[list[str]], dict[str, str]] | None = None


@dataclass(frozen=True)
class ScopeResolver:
    """`cases(user, role) -> Q` on Case: the cases `user` reviews for a step with this scope;
    `reviewers(case, role) -> QuerySet[User]`: who reviews this case's step."""

    cases: Callable
    reviewers: Callable


_subjects: dict[str, Subject] = {}
_scopes: dict[str, ScopeResolver] = {}


def register_subject(
    subject_type: str,
    *,
    on_approved: Callable | None = None,
    on_rejected: Callable | None = None,
    on_withdrawn: Callable | None = None,
    describe: Callable[[str], str] | None = None,
    describe_many: Callable[[list[str]], dict[str, str]] | None = None,
) -> None:
    """Hooks are called as `hook(case=case, actor=actor)` inside the transaction that brings
    the case to its final state: a hook that fails undoes the decision."""
    _subjects[subject_type] = Subject(
        subject_type, on_approved, on_rejected, on_withdrawn, describe, describe_many
    )


def subject(subject_type: str) -> Subject:
    found = _subjects.get(subject_type)
    if found is None:
        raise ValidationFailed.for_field(
            "subject_type", _("Unknown kind of application."), code=ApprovalsError.UNKNOWN_SUBJECT
        )
    return found


def describe(subject_type: str, subject_id: str) -> str:
    found = _subjects.get(subject_type)
    if found is None or found.describe is None:
        return ""
    return str(found.describe(subject_id))


def describe_all(subjects: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """What each (subject_type, subject_id) is, in words: one call per kind of application
    whose app describes many at once, one per subject otherwise."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for subject_type, subject_id in subjects:
        by_type[subject_type].append(str(subject_id))
    found: dict[tuple[str, str], str] = {}
    for subject_type, ids in by_type.items():
        entry = _subjects.get(subject_type)
        if entry is not None and entry.describe_many is not None:
            words = entry.describe_many(ids)
            found.update({(subject_type, i): str(words.get(i, "")) for i in ids})
        else:
            found.update({(subject_type, i): describe(subject_type, i) for i in ids})
    return found


def register_scope(scope: str, *, cases: Callable, reviewers: Callable) -> None:
    """Replace how a scope is resolved: the property app knows who manages which zone."""
    _scopes[scope] = ScopeResolver(cases=cases, reviewers=reviewers)


def scope_resolver(scope: str) -> ScopeResolver | None:
    return _scopes.get(scope)
