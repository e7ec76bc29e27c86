"""The ticket classifier behind smart dispatch (智能派单).

One model per property company, trained from its own settled tickets: the description is
turned into TF-IDF features of two kinds, jieba words and character 1-3 grams, and a
class-weighted linear SVM ranks the categories. Character n-grams carry the meaning of words
jieba does not know (equipment names, building jargon, typos); words carry the longer terms.
The SVM's scores become probabilities by temperature scaling fitted on out-of-fold scores,
so that "0.9" means roughly nine right in ten and a dispatcher threshold on the confidence
means something.

The engine is pure Python and scikit-learn: no Django models. Callers train with `train`,
keep the model as bytes with `ClassifierModel.to_bytes` and load it again with `from_bytes`.
"""

import logging
import pickle
import re
import threading
import unicodedata
import warnings
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

import numpy as np
import sklearn
from django.utils.translation import gettext as _
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

# Bumped whenever the stored payload changes shape; an older blob is refused, not guessed at.
FORMAT_VERSION = 1
_MAGIC = b"PARKOS-DISPATCH\x00"

# Regularisation of the SVM and the weight of the word features next to the character
# n-grams (which already cover most words): chosen by 5-fold cross-validation on labelled
# Chinese text, not on a test set.
SVM_C = 0.5
WORD_FEATURES_WEIGHT = 0.5
CALIBRATION_FOLDS = 3
# One temperature is well measured on this many texts; a larger history is sampled down for
# it, which keeps training on 50,000 tickets within its minute (the three fold models cost
# three trainings).
CALIBRATION_ROWS = 20_000
# Without enough data to measure it, scores are softened by this temperature: an uncertain
# model then says so and the ticket waits for a dispatcher.
DEFAULT_TEMPERATURE = 1.0

_TOKEN_WITH_CONTENT = re.compile(r"\w", re.UNICODE)
_WHITESPACE = re.compile(r"\s+")


class DispatchDataError(ValueError):
    """The training data (or an evaluation file) cannot make a classifier; the message says why."""


class DispatchModelError(ValueError):
    """Stored bytes are not a classifier this version can load."""


# jieba: loaded on first use (building its prefix dictionary takes about a second) and quietly
# (it logs to stderr at INFO level otherwise).
_jieba_lock = threading.Lock()
_jieba_module = None


def _jieba():
    global _jieba_module
    if _jieba_module is None:
        with _jieba_lock:
            if _jieba_module is None:
                with warnings.catch_warnings():
                    # jieba 0.42 compiles regular expressions with invalid escapes.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.simplefilter("ignore", SyntaxWarning)
                    import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_module = jieba
    return _jieba_module


def normalize_text(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, runs of whitespace to one space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _WHITESPACE.sub(" ", text).strip()


def word_tokens(normalized_text: str) -> list[str]:
    """jieba words for Chinese; Latin words and numbers come out whole. Punctuation and spaces
    are dropped."""
    return [token for token in _jieba().lcut(normalized_text) if _TOKEN_WITH_CONTENT.search(token)]


def _build_vectorizers() -> tuple[list[TfidfVectorizer], list[float]]:
    """The feature blocks and the weight of each: jieba words, then character 1-3 grams."""
    words = TfidfVectorizer(
        preprocessor=normalize_text,
        tokenizer=word_tokens,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    characters = TfidfVectorizer(
        preprocessor=normalize_text,
        analyzer="char",
        ngram_range=(1, 3),
        sublinear_tf=True,
        dtype=np.float32,
    )
    return [words, characters], [WORD_FEATURES_WEIGHT, 1.0]


class Suggestion(NamedTuple):
    """One ranked category with its probability; a plain `(label, probability)` pair."""

    label: str
    probability: float


@dataclass
class ClassifierModel:
    """A trained classifier. `predict` ranks every known category for one text."""

    labels: list[str]
    vectorizers: list[TfidfVectorizer]
    weights: list[float]
    estimator: LinearSVC
    temperature: float
    metadata: dict = field(default_factory=dict)
    _single_text_blocks: list = field(default=None, init=False, repr=False, compare=False)

    def features(self, texts: Sequence[str]):
        return _weighted_blocks([v.transform(texts) for v in self.vectorizers], self.weights)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in the order of `labels`."""
        scores = _scores_matrix(self.estimator, self.features(texts))
        return softmax(scores / self.temperature, axis=1)

    def predict(self, text: str, top: int | None = None) -> list[Suggestion]:
        """Every category (or the best `top`), most probable first.

        One text at a time is the dispatch path, so it skips scikit-learn's input checks,
        which cost milliseconds per call, and computes the same TF-IDF features directly
        (`probabilities` is the reference; a test holds the two equal).
        """
        columns, values = self._single_text_features(text)
        coefficients, intercepts = self.estimator.coef_, self.estimator.intercept_
        scores = coefficients[:, columns] @ values + intercepts
        return self._ranked(softmax(_one_score_per_class(scores) / self.temperature), top)

    def predict_many(self, texts: Sequence[str], top: int | None = None) -> list[list[Suggestion]]:
        return [self._ranked(row, top) for row in self.probabilities(list(texts))]

    def _ranked(self, probabilities: np.ndarray, top: int | None) -> list[Suggestion]:
        order = np.argsort(-probabilities, kind="stable")[:top]
        return [Suggestion(self.labels[i], float(probabilities[i])) for i in order]

    def _single_text_features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns and values of the row `features([text])` would give: sublinear TF times
        IDF, L2-normalised and weighted per vectorizer, the vectorizers side by side."""
        if self._single_text_blocks is None:
            blocks, offset = [], 0
            for vectorizer, weight in zip(self.vectorizers, self.weights, strict=True):
                analyzer = vectorizer.build_analyzer()
                blocks.append((analyzer, vectorizer.vocabulary_, vectorizer.idf_, weight, offset))
                offset += len(vectorizer.vocabulary_)
            self._single_text_blocks = blocks
        columns, values = [], []
        for analyzer, vocabulary, idf, weight, offset in self._single_text_blocks:
            counts = Counter(vocabulary[term] for term in analyzer(text) if term in vocabulary)
            if not counts:
                continue
            block_columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            block_counts = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            weights = (1.0 + np.log(block_counts)) * idf[block_columns]
            columns.append(block_columns + offset)
            values.append(weight * weights / np.linalg.norm(weights))
        if not columns:
            return np.empty(0, dtype=np.int64), np.empty(0)
        return np.concatenate(columns), np.concatenate(values)

    def to_bytes(self) -> bytes:
        """Bytes for a database row: a stamped, compressed pickle."""
        payload = {
            "format_version": FORMAT_VERSION,
            "sklearn_version": sklearn.__version__,
            "labels": self.labels,
            "vectorizers": self.vectorizers,
            "weights": self.weights,
            "estimator": self.estimator,
            "temperature": self.temperature,
            "metadata": self.metadata,
        }
        return _MAGIC + zlib.compress(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def from_bytes(blob: bytes) -> ClassifierModel:
    """Load a model saved by `ClassifierModel.to_bytes`.

    Unpickling runs code, so only bytes this application wrote itself may be passed here
    (the company's model row), never an upload.
    """
    if not blob.startswith(_MAGIC):
        raise DispatchModelError(_("These bytes are not a saved dispatch classifier."))
    try:
        payload = pickle.loads(zlib.decompress(blob[len(_MAGIC) :]))
    except (zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        raise DispatchModelError(
            _("The saved dispatch classifier is damaged: %(error)s") % {"error": error}
        ) from error
    if payload.get("format_version") != FORMAT_VERSION:
        raise DispatchModelError(
            _(
                "The saved dispatch classifier has format %(found)s; this version reads %(expected)s. Retrain it."
            )
            % {"found": payload.get("format_version"), "expected": FORMAT_VERSION}
        )
    # Pickled estimators are only guaranteed to behave the same under the scikit-learn release
    # that made them; a scheduled retrain replaces a stale model.
    if _release(payload["sklearn_version"]) != _release(sklearn.__version__):
        raise DispatchModelError(
            _(
                "The saved dispatch classifier was trained with scikit-learn %(found)s; this is %(running)s. Retrain it."
            )
            % {"found": payload["sklearn_version"], "running": sklearn.__version__}
        )
    return ClassifierModel(
        labels=payload["labels"],
        vectorizers=payload["vectorizers"],
        weights=payload["weights"],
        estimator=payload["estimator"],
        temperature=payload["temperature"],
        metadata=payload["metadata"],
    )


def train(texts: Sequence[str], labels: Sequence[str]) -> ClassifierModel:
    """Train a classifier from labelled texts (ticket descriptions and their categories).

    Texts that are blank are left out and counted in the model's metadata. Raises
    `DispatchDataError` when what is left cannot tell categories apart: fewer than two
    categories, or the two lists of different lengths.
    """
    if len(texts) != len(labels):
        raise DispatchDataError(
            _("There are %(texts)d texts but %(labels)d labels.")
            % {"texts": len(texts), "labels": len(labels)}
        )
    kept_texts, kept_labels = [], []
    for text, label in zip(texts, labels, strict=True):
        label = str(label).strip()
        if normalize_text(str(text)) and label:
            kept_texts.append(str(text))
            kept_labels.append(label)
    counts = Counter(kept_labels)
    if len(counts) < 2:
        raise DispatchDataError(
            _("A classifier needs at least two categories with text; found %(count)d (%(labels)s).")
            % {"count": len(counts), "labels": ", ".join(sorted(counts)) or "-"}
        )

    vectorizers, weights = _build_vectorizers()
    features = _weighted_blocks([v.fit_transform(kept_texts) for v in vectorizers], weights)
    class_labels = sorted(counts)
    targets = np.searchsorted(class_labels, kept_labels)
    estimator = _new_estimator().fit(features, targets)
    temperature = _fit_temperature(features, targets, counts)

    return ClassifierModel(
        labels=class_labels,
        vectorizers=vectorizers,
        weights=weights,
        estimator=estimator,
        temperature=temperature,
        metadata={
            "trained_at": datetime.now(UTC).isoformat(),
            "samples": len(kept_texts),
            "ignored_blank": len(texts) - len(kept_texts),
            "class_counts": dict(sorted(counts.items())),
        },
    )


def _weighted_blocks(blocks: list, weights: list[float]):
    return sparse.hstack(
        [block * weight for block, weight in zip(blocks, weights, strict=True)], format="csr"
    )


def _new_estimator() -> LinearSVC:
    # Balanced class weights: a rare category (lifts, fire alarms) must still be predicted,
    # not swallowed by the common ones.
    return LinearSVC(C=SVM_C, class_weight="balanced")


def _scores_matrix(estimator: LinearSVC, features) -> np.ndarray:
    scores = estimator.decision_function(features)
    return _one_score_per_class(scores[:, None] if scores.ndim == 1 else scores)


def _one_score_per_class(scores: np.ndarray) -> np.ndarray:
    """Scores with one column per model row; a two-class model has a single row, positive
    for the second class, split here in two so that the softmax of the pair is the
    logistic function of the score."""
    if scores.shape[-1] == 1:
        return np.concatenate([-scores / 2, scores / 2], axis=-1)
    return scores


def _fit_temperature(features, targets: np.ndarray, class_counts: Counter) -> float:
    """The softmax temperature that best fits scores on texts the model has not seen.

    Scores come from models trained on the other folds; one parameter cannot overfit, and
    it keeps the ranking of the SVM untouched. A category too rare to appear in every fold
    stays in: missing from a fold's model, it scores lowest there, which is the truth about
    how well such a category can be predicted.
    """
    if len(targets) > CALIBRATION_ROWS:
        sample = _stratified_sample(targets, CALIBRATION_ROWS)
        features, targets = features[sample], targets[sample]
        class_counts = Counter(targets.tolist())
    # Every training split needs two categories: two of them must reach every fold.
    if len(class_counts) < 2 or sorted(class_counts.values())[-2] < CALIBRATION_FOLDS:
        return DEFAULT_TEMPERATURE
    out_of_fold = np.zeros((features.shape[0], len(class_counts)))
    splitter = StratifiedKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(splitter.split(np.zeros(len(targets)), targets))
    for train_rows, held_rows in splits:
        fold_model = _new_estimator().fit(features[train_rows], targets[train_rows])
        fold_scores = _scores_matrix(fold_model, features[held_rows])
        out_of_fold[held_rows] = fold_scores.min() - 1.0
        out_of_fold[np.ix_(held_rows, fold_model.classes_)] = fold_scores
    rows = np.arange(len(targets))

    def log_loss(log_temperature: float) -> float:
        log_probabilities = log_softmax(out_of_fold / np.exp(log_temperature), axis=1)
        return -float(log_probabilities[rows, targets].mean())

    best = minimize_scalar(log_loss, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(best.x))


def _stratified_sample(targets: np.ndarray, size: int) -> np.ndarray:
    """About `size` row numbers, each category in its share and at least once."""
    rng = np.random.default_rng(0)
    fraction = size / len(targets)
    chosen = []
    for category in np.unique(targets):
        rows = np.flatnonzero(targets == category)
        chosen.append(rng.choice(rows, size=max(1, round(len(rows) * fraction)), replace=False))
    return np.sort(np.concatenate(chosen))


def _release(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])
