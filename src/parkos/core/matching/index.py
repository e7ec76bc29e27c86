"""The matching index: documents in, ranked documents out, each with its reasons.

How a query meets a document (each step measured on the CSL development files, see
docs/techtransfer.md):

1. Two sparse fields, words (jieba) and character n-grams, each weighted by sublinear TF-IDF and
   L2-normalised, so a score is a cosine in [0, 1]. Terms that occur in one document only are
   dropped once the corpus is large enough: they cannot connect two texts and only add noise.
2. A latent field: latent semantic analysis (truncated SVD) of the character field. Short queries
   ("a demand in one sentence") rarely share many exact n-grams with a long description; in the
   latent space related vocabularies meet.
3. Neighbourhood smoothing (cluster-based document models): each document's latent vector is
   pulled towards its nearest neighbours', and its sparse score is blended with its neighbours'
   scores, so a document about the right subject ranks well even when it shares few literal
   terms with the query.
4. The optional sentence encoder (`encoder.py`) adds its cosine when a park installs one.

Reasons are computed for the documents actually shown: the words and the longest common phrases
the query and the document share, in the query's own spelling order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from parkos.core.matching.text import CHINESE_STOPWORDS, Analyzer, normalise


@dataclass(frozen=True)
class MatchConfig:
    char_min: int = 1
    char_max: int = 3
    word_weight: float = 0.3
    char_weight: float = 0.7
    latent_weight: float = 1.0
    latent_dims: int = 100
    latent_sample: int = 20_000
    neighbours: int = 10
    neighbour_vector_weight: float = 2.0
    neighbour_score_weight: float = 2.0
    min_df_corpus: int = 200  # below this many documents every term is kept
    exact_neighbours_up_to: int = 5_000
    encoder_weight: float = 1.0
    latent_word_weight: float = 0.0  # the word field's share in the latent analysis
    feedback_documents: int = 5  # pseudo-relevance feedback in the latent space
    feedback_weight: float = 0.5
    sparse_max_df: float = 0.05  # share of documents above which a term is skipped in scoring
    seed: int = 0


@dataclass
class Reason:
    """Why a document matched: the shared words and phrases, best first."""

    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"terms": self.terms, "phrases": self.phrases}


@dataclass
class Hit:
    key: Hashable
    score: float  # 0..1
    reason: Reason


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    weighted = counts.copy().astype(np.float32)
    weighted.data = np.log1p(weighted.data)
    weighted = weighted.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted, dtype=np.float32)


class _Field:
    """One sparse field: a vocabulary, its idf and the documents' normalised vectors."""

    def __init__(self, term_lists: Sequence[Sequence[str]], *, min_df: int):
        vocabulary: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        data: list[int] = []
        for terms in term_lists:
            counts: dict[int, int] = {}
            for term in terms:
                index = vocabulary.setdefault(term, len(vocabulary))
                counts[index] = counts.get(index, 0) + 1
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(term_lists), len(vocabulary)),
        )
        df = np.bincount(matrix.indices, minlength=len(vocabulary))
        keep = np.flatnonzero(df >= min_df)
        if len(keep) < len(vocabulary):
            remap = np.full(len(vocabulary), -1, dtype=np.int64)
            remap[keep] = np.arange(len(keep))
            matrix = matrix[:, keep]
            vocabulary = {t: int(remap[i]) for t, i in vocabulary.items() if remap[i] >= 0}
            df = df[keep]
        n = max(len(term_lists), 1)
        self.vocabulary = vocabulary
        self.idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        self.vectors = _tfidf(matrix, self.idf)
        self.vectors_t = self.vectors.T.tocsr()
        self.df_share = (df / n).astype(np.float32)

    def query_vector(self, terms: Sequence[str]) -> sp.csr_matrix:
        counts: dict[int, int] = {}
        for term in terms:
            index = self.vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        matrix = sp.csr_matrix(
            (
                np.asarray(list(counts.values()), dtype=np.float32),
                np.asarray(list(counts), dtype=np.int32),
                [0, len(counts)],
            ),
            shape=(1, len(self.vocabulary)),
        )
        return _tfidf(matrix, self.idf)

    def scores(self, query: sp.csr_matrix, *, max_df: float = 1.0) -> np.ndarray:
        """Cosine of the query with every document: only the documents' columns the query
        touches are read (the transposed matrix is term-major). Terms in more than `max_df`
        of the documents are left out: their idf makes them count for little, and their
        posting lists are most of the work on a large corpus."""
        indices, data = query.indices, query.data
        if max_df < 1.0 and len(indices):
            keep = self.df_share[indices] <= max_df
            indices, data = indices[keep], data[keep]
        if len(indices) == 0:
            return np.zeros(self.vectors.shape[0], dtype=np.float32)
        rows = self.vectors_t[indices]
        return np.asarray(rows.T @ data, dtype=np.float32).ravel()


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class MatchIndex:
    """An immutable index of documents (build it again when they change; building is fast)."""

    def __init__(
        self,
        texts: Sequence[str],
        *,
        keys: Sequence[Hashable] | None = None,
        config: MatchConfig | None = None,
        encoder=None,
        analysed: Sequence[tuple[list[str], list[str]]] | None = None,
        map_fn: Callable = map,
    ):
        self.config = config or MatchConfig()
        self.analyzer = Analyzer(char_min=self.config.char_min, char_max=self.config.char_max)
        self.texts = list(texts)
        self.keys = list(keys) if keys is not None else list(range(len(self.texts)))
        if len(self.keys) != len(self.texts):
            raise ValueError("keys and texts differ in length")
        self._position = {key: i for i, key in enumerate(self.keys)}
        if analysed is None:
            analysed = list(map_fn(self.analyzer.terms, self.texts))
        n = len(self.texts)
        min_df = 2 if n >= self.config.min_df_corpus else 1
        self.words = _Field([a[0] for a in analysed], min_df=min_df)
        self.chars = _Field([a[1] for a in analysed], min_df=min_df)
        self._fit_latent()
        self._fit_neighbours()
        self.encoder = encoder
        self.encoded = None
        if encoder is not None and n:
            self.encoded = _normalise_rows(np.asarray(encoder.encode(self.texts), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.texts)

    # ------------------------------------------------------------------ latent field
    def _latent_input(self, chars: sp.csr_matrix, words: sp.csr_matrix) -> sp.csr_matrix:
        if self.config.latent_word_weight <= 0:
            return chars
        return sp.hstack([chars, words * self.config.latent_word_weight], format="csr")

    def _fit_latent(self) -> None:
        vectors = self._latent_input(self.chars.vectors, self.words.vectors)
        n, vocabulary = vectors.shape
        dims = min(self.config.latent_dims, n // 5, vocabulary - 1)
        self.components = None
        self.latent = None
        if dims < 8:
            return
        from sklearn.utils.extmath import randomized_svd

        rng = np.random.default_rng(self.config.seed)
        sample = vectors
        if n > self.config.latent_sample:
            sample = vectors[np.sort(rng.choice(n, self.config.latent_sample, replace=False))]
        _u, _s, components = randomized_svd(sample, dims, n_iter=4, random_state=self.config.seed)
        self.components = np.ascontiguousarray(components.T, dtype=np.float32)
        self.latent = _normalise_rows(np.asarray(vectors @ self.components, dtype=np.float32))

    def _fit_neighbours(self) -> None:
        """Each document's nearest neighbours in the latent space (exact for small corpora,
        within k-means clusters for large ones), as a row-stochastic sparse matrix."""
        self.neighbour_matrix = None
        if self.latent is None or self.config.neighbours <= 0:
            return
        latent = self.latent
        n = latent.shape[0]
        m = min(self.config.neighbours, n - 1)
        if n <= self.config.exact_neighbours_up_to:
            groups = [np.arange(n)]
        else:
            from sklearn.cluster import MiniBatchKMeans

            clusters = max(2, n // 300)
            labels = MiniBatchKMeans(
                clusters, random_state=self.config.seed, n_init=1, batch_size=4096
            ).fit_predict(latent)
            groups = [np.flatnonzero(labels == c) for c in range(clusters)]
        rows, cols = [], []
        for group in groups:
            if len(group) < 2:
                continue
            k = min(m, len(group) - 1)
            for start in range(0, len(group), 2048):
                block = group[start : start + 2048]
                similarity = latent[block] @ latent[group].T
                similarity[np.arange(len(block)), start + np.arange(len(block))] = -np.inf
                nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
                rows.append(np.repeat(block, k))
                cols.append(group[nearest].ravel())
        if not rows:
            return
        row = np.concatenate(rows)
        col = np.concatenate(cols)
        counts = np.bincount(row, minlength=n).astype(np.float32)
        weights = 1.0 / counts[row]
        self.neighbour_matrix = sp.csr_matrix((weights, (row, col)), shape=(n, n))

    # ------------------------------------------------------------------ searching
    def _smooth(self, scores: np.ndarray, weight: float, excluded: np.ndarray) -> np.ndarray:
        """A document's score blended with its neighbours'; an excluded document lends its
        score to nobody (an evaluation must not profit from the query's own row)."""
        if self.neighbour_matrix is None or weight <= 0:
            return scores
        lent = scores
        if len(excluded):
            lent = scores.copy()
            lent[excluded] = 0
        return (scores + weight * (self.neighbour_matrix @ lent)) / (1 + weight)

    def _feedback(self, query: np.ndarray, first: np.ndarray, excluded: np.ndarray):
        """Rocchio's pseudo-relevance feedback: the query moved towards the centroid of the
        documents it ranks first."""
        first = first.copy()
        if len(excluded):
            first[excluded] = -np.inf
        k = min(self.config.feedback_documents, len(first) - len(excluded))
        if k <= 0:
            return query
        top = np.argpartition(-first, k - 1)[:k]
        moved = query + self.config.feedback_weight * self.latent[top].mean(axis=0)
        return moved / (np.linalg.norm(moved) or 1.0)

    def scores(self, query: str, *, exclude: Sequence[Hashable] = ()) -> np.ndarray:
        """A score in [0, 1] for every document, in index order; excluded documents score
        -inf and take no part in any other document's score."""
        if not self.texts:
            return np.zeros(0, dtype=np.float32)
        excluded = np.asarray(
            [self._position[k] for k in exclude if k in self._position], dtype=np.int64
        )
        words, chars = analyse_terms(query, self.analyzer)
        config = self.config
        char_vector = self.chars.query_vector(chars)
        word_vector = self.words.query_vector(words)
        # On a small corpus every term is "common"; the cut only pays where postings are long.
        max_df = config.sparse_max_df if len(self.texts) >= config.min_df_corpus else 1.0
        sparse = config.word_weight * self.words.scores(
            word_vector, max_df=max_df
        ) + config.char_weight * self.chars.scores(char_vector, max_df=max_df)
        combined = self._smooth(sparse, config.neighbour_score_weight, excluded)
        total_weight = config.word_weight + config.char_weight
        if self.latent is not None and char_vector.nnz:
            query_input = self._latent_input(char_vector, word_vector)
            query_latent = np.asarray(query_input @ self.components, dtype=np.float32).ravel()
            norm = float(np.linalg.norm(query_latent))
            if norm > 0:
                query_latent /= norm
                latent = self.latent @ query_latent
                if config.feedback_documents > 0:
                    query_latent = self._feedback(query_latent, combined + latent, excluded)
                    latent = self.latent @ query_latent
                latent = self._smooth(
                    np.maximum(latent, 0), config.neighbour_vector_weight, excluded
                )
                combined = combined + config.latent_weight * latent
                total_weight += config.latent_weight
        if self.encoded is not None:
            encoded = _normalise_rows(
                np.asarray(self.encoder.encode([query]), dtype=np.float32)
            ).ravel()
            combined = combined + config.encoder_weight * np.maximum(self.encoded @ encoded, 0)
            total_weight += config.encoder_weight
        combined = np.clip(combined / total_weight, 0.0, 1.0).astype(np.float32)
        if len(excluded):
            combined[excluded] = -np.inf
        return combined

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        exclude: Sequence[Hashable] = (),
        among: Sequence[Hashable] | None = None,
        explain: bool = True,
    ) -> list[Hit]:
        """The best `limit` documents for the query, best first; `among` restricts the
        candidates (documents that passed the caller's hard checks), `exclude` removes some."""
        scores = self.scores(query, exclude=exclude)
        if not len(scores):
            return []
        if among is not None:
            mask = np.full(len(scores), -np.inf, dtype=np.float32)
            positions = [self._position[k] for k in among if k in self._position]
            mask[positions] = 0
            scores = scores + mask
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = []
        query_words = self.analyzer.words(query) if explain else []
        for position in top:
            if not np.isfinite(scores[position]):
                continue
            reason = (
                explain_match(query, self.texts[position], query_words=query_words)
                if explain
                else Reason()
            )
            hits.append(Hit(self.keys[position], float(scores[position]), reason))
        return hits

    def score_of(self, query: str, key: Hashable) -> float:
        return float(self.scores(query)[self._position[key]])


def analyse_terms(text: str, analyzer: Analyzer | None = None) -> tuple[list[str], list[str]]:
    """(word terms, character terms) of a text; a module-level function so a process pool
    can analyse a large corpus in parallel."""
    analyzer = analyzer or _DEFAULT_ANALYZER
    return analyzer.words(text), analyzer.chars(text)


_DEFAULT_ANALYZER = Analyzer()


def explain_match(
    query: str, document: str, *, limit: int = 8, query_words: list[str] | None = None
) -> Reason:
    """The words both texts contain and the longest phrases they share (at least two Chinese
    characters or one Latin word), in normal form, the most telling first."""
    analyzer = _DEFAULT_ANALYZER
    query_words = query_words if query_words is not None else analyzer.words(query)
    document_words = set(analyzer.words(document))
    terms: list[str] = []
    for word in sorted(dict.fromkeys(query_words), key=lambda w: -len(w)):
        if word in document_words and not any(word in longer for longer in terms):
            terms.append(word)
    phrases = _shared_phrases(normalise(query), normalise(document))
    phrases = [p for p in phrases if p not in terms and not any(p in t for t in terms)]
    return Reason(terms=terms[:limit], phrases=phrases[:limit])


def _shared_phrases(query: str, document: str) -> list[str]:
    found: list[str] = []
    for _kind, run in _DEFAULT_ANALYZER.runs(query):
        if _kind != "cjk":
            continue
        start = 0
        while start < len(run) - 1:
            end = start + 2
            if run[start:end] not in document:
                start += 1
                continue
            while end < len(run) and run[start : end + 1] in document:
                end += 1
            phrase = run[start:end]
            if phrase not in CHINESE_STOPWORDS and phrase not in found:
                found.append(phrase)
            start = end
    found.sort(key=lambda p: -len(p))
    return found
