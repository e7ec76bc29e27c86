"""`parkos match-eval`: measure the matching engine on a labelled CSV file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.core.matching.encoder import EncoderUnavailable, load_encoder
from parkos.core.matching.evaluate import LabelledFileError, evaluate_ranking, read_labelled_csv

OPTION_NAMES = {
    "query_column": "--query-column",
    "doc_column": "--doc-column",
    "label_column": "--label-column",
    "file": "FILE",
}


def file_problem(error: LabelledFileError) -> str:
    values = error.values
    if error.code == "missing_column":
        return _("there is no column “%(name)s”; the columns are: %(columns)s.") % {
            "name": values["name"],
            "columns": ", ".join(values["columns"]),
        }
    if error.code == "one_label":
        return _(
            "every row has the same label (“%(label)s”): every document would be relevant and "
            "the figures would mean nothing."
        ) % {"label": values["label"]}
    if error.code == "too_few_rows":
        return _("the file needs at least two rows to rank.")
    return _("the file is empty.")


def encoder_problem(error: EncoderUnavailable) -> str:
    values = error.values
    if error.code == "no_folder":
        return _("no model folder at %(path)s.") % values
    if error.code == "missing_package":
        return _("this model needs the package(s) %(packages)s, which are not installed.") % values
    return (
        _(
            "%(path)s holds neither an ONNX model (model.onnx and tokenizer.json) nor a "
            "sentence-transformers model (modules.json)."
        )
        % values
    )


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
        except ValidationFailed as invalid:  # the encoding, worded by core.imports
            raise CommandError(f"FILE: {invalid.message}") from None
        except LabelledFileError as error:
            raise CommandError(f"{OPTION_NAMES[error.field]}: {file_problem(error)}") from None
        except EncoderUnavailable as error:
            raise CommandError(f"--encoder: {encoder_problem(error)}") from None
        report = evaluate_ranking(rows, encoder=encoder)
        report["file"] = str(path)
        self.stdout.write(json.dumps(report, ensure_ascii=False))
