"""Ranking quality of the matching engine on a labelled file: each row's query ranks every
other row's document; a document is relevant when its label equals the query row's label.

The query's own row is removed from the candidates before anything is computed for it, so a
query never profits from its paired document (which would make the figures flattering)."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass

import numpy as np

from parkos.core.imports import decode_text
from parkos.core.matching.index import MatchConfig, MatchIndex


class LabelledFileError(Exception):
    """What is wrong with a labelled file, as a code and its values (the command words it in
    the reader's language): `field` is the option or "file"."""

    def __init__(self, field: str, code: str, **values):
        super().__init__(f"{field}: {code} {values}")
        self.field, self.code, self.values = field, code, values


@dataclass
class LabelledRows:
    queries: list[str]
    documents: list[str]
    labels: list[str]


def read_labelled_csv(
    content: bytes, *, query_column: str, doc_column: str, label_column: str
) -> LabelledRows:
    """Rows of a CSV (UTF-8 or GBK, comma or tab separated). An undecodable file raises
    core.imports' ValidationFailed; every other problem a LabelledFileError naming the option."""
    text = decode_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise LabelledFileError("file", "empty")
    header = [h.replace("\ufeff", "").strip() for h in header]
    for option, name in (
        ("query_column", query_column),
        ("doc_column", doc_column),
        ("label_column", label_column),
    ):
        if name not in header:
            raise LabelledFileError(option, "missing_column", name=name, columns=header)
    q, d, lab = header.index(query_column), header.index(doc_column), header.index(label_column)
    rows = LabelledRows([], [], [])
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        values = values + [""] * (len(header) - len(values))
        rows.queries.append(values[q].strip())
        rows.documents.append(values[d].strip())
        rows.labels.append(values[lab].strip())
    if len(rows.labels) < 2:
        raise LabelledFileError("file", "too_few_rows", rows=len(rows.labels))
    if len(set(rows.labels)) < 2:
        raise LabelledFileError("label_column", "one_label", label=rows.labels[0])
    return rows


def evaluate_ranking(
    rows: LabelledRows, *, config: MatchConfig | None = None, encoder=None
) -> dict:
    started = time.perf_counter()
    index = MatchIndex(rows.documents, config=config, encoder=encoder)
    labels = np.asarray(rows.labels)
    hits_at_1 = hits_at_10 = 0
    reciprocal = 0.0
    for row, query in enumerate(rows.queries):
        scores = index.scores(query, exclude=(row,)).astype(np.float64)
        order = np.argsort(-scores, kind="stable")[:-1]
        relevant = labels[order] == labels[row]
        hits_at_1 += int(relevant[0])
        hits_at_10 += int(relevant[:10].sum())
        first = np.flatnonzero(relevant)
        if len(first):
            reciprocal += 1.0 / (first[0] + 1)
    n = len(rows.queries)
    return {
        "precision_at_1": round(hits_at_1 / n, 4),
        "precision_at_10": round(hits_at_10 / (10 * n), 4),
        "mrr": round(float(reciprocal) / n, 4),
        "rows": n,
        "labels": len(set(rows.labels)),
        "seconds": round(time.perf_counter() - started, 2),
        "encoder": bool(encoder),
    }
