"""How well the dispatch classifier would do on a labelled file: read a CSV of texts and
categories (a park's ticket export, or any labelled text), train the same pipeline as the
live one, and measure it, by stratified k-fold cross-validation or on a separate test file.

Files come from spreadsheets and older systems: UTF-8 with or without a byte-order mark, or
GBK (read as GB18030, its superset); comma- or tab-separated; with a header row (columns by
name) or without one (columns by 0-based index).
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from parkos.property.dispatch import classifier
from parkos.property.dispatch.classifier import DispatchDataError

# Tried in this order: UTF-8 first because a GBK decoder accepts many UTF-8 byte runs as
# (wrong) Chinese, while GBK text is almost never valid UTF-8.
ENCODINGS = ("utf-8-sig", "gb18030")
_SNIFF_CHARACTERS = 64 * 1024


@dataclass(frozen=True)
class LabelledFile:
    texts: list[str]
    labels: list[str]
    encoding: str
    delimiter: str
    rows_read: int
    rows_blank: int


def read_labelled_file(
    path: str | Path, *, text_column: str, label_column: str, header: bool | None = None
) -> LabelledFile:
    """Texts and labels of a CSV or TSV file.

    A column is a header name or a 0-based index. `header=None` means: the first row is a
    header when a column is given by name, data when both are given by index. Rows whose
    text or label is blank are left out and counted; a row too short to have both columns
    is an error, since a broken export should not be half read.
    """
    path = Path(path)
    content, encoding = _decode(path)
    delimiter = _sniff_delimiter(content)
    rows = [row for row in csv.reader(io.StringIO(content), delimiter=delimiter) if any(row)]
    if not rows:
        raise DispatchDataError(_("%(file)s has no rows.") % {"file": path.name})

    by_index = _is_index(text_column) and _is_index(label_column)
    has_header = (not by_index) if header is None else header
    header_row = rows[0] if has_header else None
    data_rows = rows[1:] if has_header else rows
    text_at = _column_position(text_column, header_row, rows[0], path)
    label_at = _column_position(label_column, header_row, rows[0], path)

    texts, labels, blank = [], [], 0
    first_data_line = 2 if has_header else 1
    for line, row in enumerate(data_rows, start=first_data_line):
        if len(row) <= max(text_at, label_at):
            raise DispatchDataError(
                _("%(file)s, row %(line)d has %(found)d columns; column %(column)s is missing.")
                % {
                    "file": path.name,
                    "line": line,
                    "found": len(row),
                    "column": text_column if len(row) <= text_at else label_column,
                }
            )
        text, label = row[text_at].strip(), row[label_at].strip()
        if not text or not label:
            blank += 1
            continue
        texts.append(text)
        labels.append(label)
    return LabelledFile(
        texts=texts,
        labels=labels,
        encoding=encoding,
        delimiter=delimiter,
        rows_read=len(data_rows),
        rows_blank=blank,
    )


def cross_validate(texts: list[str], labels: list[str], *, folds: int = 5, seed: int = 0) -> dict:
    """Stratified k-fold: every text is predicted once, by a model that never saw it."""
    _require_classes(labels, _("the file"))
    if folds < 2:
        raise DispatchDataError(_("Cross-validation needs at least 2 folds."))
    counts = Counter(labels)
    rare = sorted(label for label, count in counts.items() if count < folds)
    if rare:
        raise DispatchDataError(
            _(
                "Categories with fewer rows than the %(folds)d folds: %(labels)s. Use fewer folds or more data."
            )
            % {"folds": folds, "labels": ", ".join(f"{label} ({counts[label]})" for label in rare)}
        )
    texts_array = np.array(texts, dtype=object)
    labels_array = np.array(labels, dtype=object)
    predicted = np.empty(len(labels), dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_rows, test_rows in splitter.split(texts_array, labels_array):
        model = classifier.train(list(texts_array[train_rows]), list(labels_array[train_rows]))
        predicted[test_rows] = _best_labels(model, list(texts_array[test_rows]))
    report = classification_metrics(labels, list(predicted))
    report.update(mode="cross_validation", folds=folds, rows=len(labels))
    return report


def train_and_test(
    train_texts: list[str], train_labels: list[str], test_texts: list[str], test_labels: list[str]
) -> dict:
    """Train on one file, measure on another. Test categories the training never saw count
    as errors, as they would in service."""
    _require_classes(train_labels, _("the training file"))
    if not test_texts:
        raise DispatchDataError(_("The test file has no labelled rows."))
    model = classifier.train(train_texts, train_labels)
    report = classification_metrics(test_labels, _best_labels(model, test_texts))
    report.update(mode="train_test", train_rows=len(train_texts), test_rows=len(test_texts))
    report["unseen_test_labels"] = sorted(set(test_labels) - set(model.labels))
    return report


def classification_metrics(true_labels: list[str], predicted_labels: list[str]) -> dict:
    """Accuracy, macro-F1 and precision/recall/F1/support per category."""
    classes = sorted(set(true_labels) | set(predicted_labels))
    precision, recall, f1, support = precision_recall_fscore_support(
        true_labels, predicted_labels, labels=classes, zero_division=0
    )
    # Macro-F1 over the categories that occur in the truth: a category only ever predicted
    # is already paid for in the precision of the others.
    truth = set(true_labels)
    present = [i for i, label in enumerate(classes) if label in truth]
    return {
        "accuracy": round(float(accuracy_score(true_labels, predicted_labels)), 4),
        "macro_f1": round(float(np.mean(f1[present])), 4),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(classes)
        },
    }


def _best_labels(model: classifier.ClassifierModel, texts: list[str]) -> list[str]:
    probabilities = model.probabilities(texts)
    return [model.labels[i] for i in probabilities.argmax(axis=1)]


def _require_classes(labels: list[str], where: str) -> None:
    found = sorted(set(labels))
    if len(found) < 2:
        raise DispatchDataError(
            _(
                "The label column of %(where)s needs at least two categories; found %(count)d (%(labels)s)."
            )
            % {"where": where, "count": len(found), "labels": ", ".join(found) or "-"}
        )


def _decode(path: Path) -> tuple[str, str]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DispatchDataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from error
    # NUL bytes mean UTF-16/32 or a binary file, which GB18030 would otherwise "decode".
    if b"\x00" not in raw:
        for encoding in ENCODINGS:
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    raise DispatchDataError(
        _("%(file)s is in an unknown encoding: save it as UTF-8 or GBK.") % {"file": path.name}
    )


def _sniff_delimiter(content: str) -> str:
    sample = content[:_SNIFF_CHARACTERS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t").delimiter
    except csv.Error:
        # The sniffer wants a consistent count per line; free text with commas in it can
        # defeat it. Then the first line decides: a tab there is rarely an accident.
        first_line = sample.split("\n", 1)[0]
        return "\t" if first_line.count("\t") else ","


def _is_index(column: str) -> bool:
    return str(column).strip().isdigit()


def _column_position(
    column: str, header_row: list[str] | None, first_row: list[str], path: Path
) -> int:
    column = str(column).strip()
    if header_row is not None:
        names = [name.strip() for name in header_row]
        if column in names:
            return names.index(column)
        if not _is_index(column):
            raise DispatchDataError(
                _("%(file)s has no column %(column)s; its columns are: %(names)s.")
                % {"file": path.name, "column": column, "names": ", ".join(names)}
            )
    if not _is_index(column):
        raise DispatchDataError(
            _(
                "Column %(column)s is a name, but %(file)s is read without a header row; give a 0-based index."
            )
            % {"column": column, "file": path.name}
        )
    position = int(column)
    if position >= len(first_row):
        raise DispatchDataError(
            _("%(file)s has no column %(column)s: it has %(count)d columns (0 to %(last)d).")
            % {
                "file": path.name,
                "column": column,
                "count": len(first_row),
                "last": len(first_row) - 1,
            }
        )
    return position
