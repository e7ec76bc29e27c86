"""`parkos match-eval`: measure the matching engine on a labelled CSV file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.core.matching.encoder import EncoderUnavailable, load_encoder
from parkos.core.matching.evaluate import evaluate_ranking, read_labelled_csv

_OPTION_NAMES = {
    "query_column": "--query-column",
    "doc_column": "--doc-column",
    "label_column": "--label-column",
    "file": "FILE",
}


class Command(BaseCommand):
    help = (
        "Rank every other row's document for each row's query of a CSV file (UTF-8 or GBK) "
        "with the matching engine; a document is relevant when its label equals the query "
        "row's. The last line printed is JSON: precision_at_1, precision_at_10, mrr, rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8 or GBK, with a header row")
        parser.add_argument("--query-column", required=True, help="header of the query column")
        parser.add_argument("--doc-column", required=True, help="header of the document column")
        parser.add_argument("--label-column", required=True, help="header of the label column")
        parser.add_argument(
            "--encoder",
            metavar="PATH",
            help="a local sentence-encoder model (ONNX or sentence-transformers) to blend in",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("FILE: no such file: %(path)s") % {"path": path})
        try:
            rows = read_labelled_csv(
                path.read_bytes(),
                query_column=options["query_column"],
                doc_column=options["doc_column"],
                label_column=options["label_column"],
            )
            encoder = load_encoder(options["encoder"]) if options["encoder"] else None
        except ValidationFailed as invalid:
            raise CommandError(_describe(invalid)) from None
        except EncoderUnavailable as error:
            raise CommandError(f"--encoder: {error}") from None
        report = evaluate_ranking(rows, encoder=encoder)
        report["file"] = str(path)
        self.stdout.write(json.dumps(report, ensure_ascii=False))


def _describe(invalid: ValidationFailed) -> str:
    parts = []
    for field, messages in (invalid.fields or {}).items():
        name = _OPTION_NAMES.get(field, field)
        parts.extend(f"{name}: {message}" for message in messages)
    return "; ".join(parts) or str(invalid.message)
