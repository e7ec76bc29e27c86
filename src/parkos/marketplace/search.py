"""Full-text search over jieba-segmented text, on SQLite (FTS5) and PostgreSQL alike.

Every product keeps `search_document`: its name, English name, summary, description,
provider and category, segmented by jieba into space-separated lower-case words. SQLite
indexes it in the FTS5 table `marketplace_product_fts`; PostgreSQL in a GIN index on the stored generated column
`search_vector = to_tsvector('simple', search_document)`. A query is segmented the same way and each of its
words must match, either whole or through all of its finer jieba parts, so "视频会议" finds a
text segmented as "视频 会议" as well as one segmented as "视频会议"."""

import logging
import re
import uuid
from functools import cache, lru_cache

from django.core.cache import cache as shared_cache
from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

FTS_TABLE = "marketplace_product_fts"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WORD = re.compile(r"\w+")
ASCII_WORD = re.compile(r"[a-z0-9_]+")


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _words(tokens) -> list[str]:
    words = []
    for token in tokens:
        token = token.strip().lower()
        if token and WORD.fullmatch(token):
            words.append(token)
    return words


def segment(*texts: str) -> str:
    """The search document of some texts: every jieba word and sub-word, space-separated."""
    jieba = _jieba()
    words: list[str] = []
    for text in texts:
        if text:
            words.extend(_words(jieba.cut_for_search(text)))
    return " ".join(words)


@lru_cache(maxsize=2048)
def query_terms(text: str) -> tuple[tuple[str, ...], ...]:
    """The query as terms, each a tuple of alternatives: (the word, *its finer parts).
    Segmenting costs more than the rest of the request's Python, and people repeat their
    queries, so the segmentation of recent query strings is kept."""
    jieba = _jieba()
    terms: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for word in _words(jieba.cut(text[:MAX_QUERY_LENGTH])):
        if word in seen:
            continue
        seen.add(word)
        parts = [p for p in _words(jieba.cut_for_search(word)) if p != word and len(p) < len(word)]
        terms.append((word, *parts))
        if len(terms) >= MAX_TERMS:
            break
    return tuple(terms)


def _fts5_expression(terms) -> str:
    def quote(word: str) -> str:
        # Words are \w+ only, so they hold no quote; quoting still keeps FTS5 operators
        # such as NOT or NEAR from being read as syntax.
        star = "*" if ASCII_WORD.fullmatch(word) and len(word) >= 2 else ""
        return f'"{word}"{star}'

    groups = []
    for word, *parts in terms:
        if parts:
            groups.append(f"({quote(word)} OR ({' AND '.join(quote(p) for p in parts)}))")
        else:
            groups.append(quote(word))
    return " AND ".join(groups)


def _tsquery_expression(terms) -> str:
    def lexeme(word: str) -> str:
        star = ":*" if ASCII_WORD.fullmatch(word) and len(word) >= 2 else ""
        return f"'{word}'{star}"

    groups = []
    for word, *parts in terms:
        if parts:
            groups.append(f"({lexeme(word)} | ({' & '.join(lexeme(p) for p in parts)}))")
        else:
            groups.append(lexeme(word))
    return " & ".join(groups)


# On PostgreSQL the vector is a stored generated column, so ranking reads it instead of
# re-parsing every matching document; Django does not know the column and never writes it.
PG_VECTOR = "marketplace_product.search_vector"


def apply(products: QuerySet, text: str) -> QuerySet:
    """`products` narrowed to those matching `text`, annotated with `relevance`."""
    terms = query_terms(text)
    if not terms:
        return products.none().annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        expression = _tsquery_expression(terms)
        matches = RawSQL(
            f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)",
            [expression],
            output_field=BooleanField(),
        )
        relevance = RawSQL(
            f"ts_rank({PG_VECTOR}, to_tsquery('simple'::regconfig, %s))",
            [expression],
            output_field=FloatField(),
        )
        return products.filter(matches).annotate(relevance=relevance)
    expression = _fts5_expression(terms)
    matches = RawSQL(
        f"marketplace_product.id IN (SELECT product_id FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s)",
        [expression],
        output_field=BooleanField(),
    )
    relevance = RawSQL(
        f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
        f"AND product_id = marketplace_product.id)",
        [expression],
        output_field=FloatField(),
    )
    return products.filter(matches).annotate(relevance=relevance)


# What the search shows besides the ranked page (facet counts, totals) is cached per
# version of the catalogue: a token every change that can move those counts replaces.
CATALOGUE_TOKEN = "marketplace:catalogue_token"


def catalogue_token() -> str:
    token = shared_cache.get(CATALOGUE_TOKEN)
    if token is None:
        shared_cache.add(CATALOGUE_TOKEN, uuid.uuid4().hex, None)
        token = shared_cache.get(CATALOGUE_TOKEN)
    return token


def catalogue_changed() -> None:
    """Called by every write that changes what search counts: a product's state, text,
    category, price, rating or voucher eligibility, or a provider's name or status.
    Replaced at once and again on commit, so that figures computed from the old rows
    while the transaction was open are not kept either."""

    def replace():
        shared_cache.set(CATALOGUE_TOKEN, uuid.uuid4().hex, None)

    replace()
    transaction.on_commit(replace)


def index_write(*, product_id, document: str) -> None:
    """Keep the SQLite FTS5 row of a product in step; PostgreSQL indexes the column itself."""
    if connection.vendor != "sqlite":
        return
    key = product_id.hex
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE product_id = %s", [key])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (product_id, document) VALUES (%s, %s)", [key, document]
        )


def index_write_many(rows: list[tuple]) -> None:
    """Bulk variant for the demo and benchmarks: rows of (product_id, document)."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE product_id = %s", [(pid.hex,) for pid, _doc in rows]
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (product_id, document) VALUES (%s, %s)",
            [(pid.hex, doc) for pid, doc in rows],
        )


def create_index_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "product_id UNINDEXED, document, tokenize = 'unicode61 remove_diacritics 2')"
        ]
    if vendor == "postgresql":
        return [
            "ALTER TABLE marketplace_product ADD COLUMN IF NOT EXISTS search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_document)) STORED",
            "CREATE INDEX IF NOT EXISTS marketplace_product_search_gin "
            "ON marketplace_product USING gin (search_vector)",
        ]
    return []


def drop_index_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
    if vendor == "postgresql":
        return [
            "DROP INDEX IF EXISTS marketplace_product_search_gin",
            "ALTER TABLE marketplace_product DROP COLUMN IF EXISTS search_vector",
        ]
    return []
