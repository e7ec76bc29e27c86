"""Text into terms, for matching: one normal form, then words and character n-grams.

Normal form: Unicode NFKC (full-width letters and digits become ASCII), case folded, and
traditional Chinese characters mapped to simplified ones, so that 機器視覺 and 机器视觉 are the
same terms. The mapping is OpenCC's character table (opencc-python-reimplemented ships it) applied
with `str.translate`: converting through OpenCC's phrase segmenter costs seconds per megabyte,
the table costs microseconds, and for matching a character-level mapping is what counts.

Terms: Chinese runs are cut into words by jieba (search mode, so 锂电池 also yields 锂电 and
电池) and into character n-grams (partial words and unknown compounds still meet); Latin runs
into words with a light English stemmer (coatings → coating, detected → detect) and the
character n-grams of each word (so "visual" meets "vision" a little).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([a-z][a-z0-9]*(?:[-'][a-z0-9]+)*|[0-9]+(?:\.[0-9]+)?[a-z]*)")

# Words that carry no topic. Kept short on purpose: BM25's idf discounts common words anyway,
# and a long list would drop words some domain needs.
CHINESE_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "为",
        "对",
        "把",
        "被",
        "等",
        "中",
        "上",
        "下",
        "以",
        "于",
        "其",
        "之",
        "而",
        "并",
        "也",
        "从",
        "将",
        "由",
        "到",
        "就",
        "都",
        "这",
        "那",
        "该",
        "本",
        "此",
        "各",
        "一种",
        "一个",
        "我们",
        "他们",
        "可以",
        "能够",
        "进行",
        "通过",
        "采用",
        "利用",
        "使用",
        "具有",
        "基于",
        "实现",
        "研究",
        "方法",
        "结果",
        "目的",
        "结论",
        "分析",
        "提出",
        "表明",
        "得到",
        "本文",
        "问题",
        "希望",
        "需要",
        "要求",
        "以及",
        "如何",
        "什么",
    ]
)
ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "without",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "into",
        "than",
        "then",
        "there",
        "their",
        "our",
        "we",
        "you",
        "your",
        "they",
        "them",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "how",
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "shall",
        "should",
        "do",
        "does",
        "did",
        "not",
        "no",
        "using",
        "use",
        "used",
        "based",
        "via",
        "also",
        "such",
        "more",
        "most",
        "other",
        "some",
        "any",
        "each",
        "all",
        "both",
        "about",
        "between",
        "over",
        "under",
        "within",
        "per",
    ]
)


def _load_table() -> dict[int, str]:
    """OpenCC's traditional→simplified character table (and the Taiwan and Hong Kong variant
    tables), as a `str.translate` table; the first candidate wins when there are several."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - the dependency is declared; this keeps tests honest
        logging.getLogger(__name__).warning("opencc missing: traditional Chinese not converted")
        return {}
    folder = Path(opencc.__file__).parent / "dictionary"
    table: dict[int, str] = {}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt", "TSCharacters.txt"):
        path = folder / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            source, _tab, targets = line.partition("\t")
            target = targets.split(" ")[0] if targets else ""
            if len(source) == 1 and target:
                table[ord(source)] = target
    # A variant table may map to a character the main table converts again (e.g. 啓 → 啟 → 启).
    for key, target in list(table.items()):
        if len(target) == 1 and ord(target) in table:
            table[key] = table[ord(target)]
    return table


@lru_cache(maxsize=1)
def _traditional_table() -> dict[int, str]:
    return _load_table()


def to_simplified(text: str) -> str:
    return text.translate(_traditional_table())


def normalise(text: str) -> str:
    """The one normal form every term comes from."""
    return to_simplified(unicodedata.normalize("NFKC", text or "").casefold())


_SUFFIXES = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ities", "ity"),
    ("iness", "y"),
    ("ness", ""),
    ("ments", "ment"),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("sses", "ss"),
    ("ed", ""),
    ("es", "e"),
    ("s", ""),
)


def english_stem(word: str) -> str:
    """A light suffix stripper: plural and -ing/-ed/-ation forms meet their stem. Not Porter's
    algorithm: it never cuts a word shorter than four letters, which keeps acronyms intact."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 4:
            stem = word[: len(word) - len(suffix)] + replacement
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return stem
    return word


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@dataclass(frozen=True)
class Analyzer:
    """How a text becomes terms. Word terms and character terms are kept apart (they are two
    fields of the index, weighted separately); a character term is prefixed with '#' so the
    two vocabularies never collide."""

    char_min: int = 1
    char_max: int = 3
    latin_char_min: int = 3
    latin_char_max: int = 5
    search_mode: bool = True

    def runs(self, text: str) -> list[tuple[str, str]]:
        """(kind, run) pairs: kind 'cjk' or 'latin', in order."""
        out = []
        for match in _RUNS.finditer(normalise(text)):
            if match.group(1):
                out.append(("cjk", match.group(1)))
            else:
                out.append(("latin", match.group(2)))
        return out

    def words(self, text: str) -> list[str]:
        jieba = _jieba()
        terms: list[str] = []
        for kind, run in self.runs(text):
            if kind == "latin":
                if run not in ENGLISH_STOPWORDS:
                    terms.append(english_stem(run))
                continue
            pieces = (
                jieba.lcut_for_search(run, HMM=False)
                if self.search_mode
                else jieba.lcut(run, HMM=False)
            )
            terms.extend(p for p in pieces if p not in CHINESE_STOPWORDS and (len(p) > 1))
        return terms

    def chars(self, text: str) -> list[str]:
        terms: list[str] = []
        for kind, run in self.runs(text):
            if kind == "latin":
                if run in ENGLISH_STOPWORDS or not run.isalpha():
                    continue
                padded = f"<{run}>"
                for n in range(self.latin_char_min, self.latin_char_max + 1):
                    terms.extend("#" + padded[i : i + n] for i in range(len(padded) - n + 1))
                continue
            length = len(run)
            for n in range(self.char_min, self.char_max + 1):
                terms.extend("#" + run[i : i + n] for i in range(length - n + 1))
        return terms

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        return self.words(text), self.chars(text)
