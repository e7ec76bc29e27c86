"""`parkos dispatch-eval`: measure the dispatch classifier on a labelled CSV/TSV file."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkos.property.dispatch.classifier import DispatchDataError
from parkos.property.dispatch.evaluation import (
    LabelledFile,
    cross_validate,
    read_labelled_file,
    train_and_test,
)


class Command(BaseCommand):
    help = (
        "Train the dispatch classifier on a labelled CSV or TSV file (UTF-8 or GBK) and "
        "measure it: stratified k-fold cross-validation on FILE, or --train/--test files. "
        "The last line printed is JSON: accuracy, macro_f1, per_class, row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="labelled file for cross-validation")
        parser.add_argument(
            "--train",
            action="append",
            default=[],
            metavar="FILE",
            help="training file; repeat to train on several",
        )
        parser.add_argument("--test", metavar="FILE", help="test file (with --train)")
        parser.add_argument(
            "--text-column", required=True, help="header name, or 0-based index without a header"
        )
        parser.add_argument(
            "--label-column", required=True, help="header name, or 0-based index without a header"
        )
        parser.add_argument(
            "--folds", type=int, default=5, help="cross-validation folds (default 5)"
        )
        parser.add_argument(
            "--header",
            action="store_true",
            default=None,
            help="the first row is a header even though columns are given by index",
        )
        parser.add_argument("--seed", type=int, default=0, help="seed of the fold split")

    def handle(self, *args, **options):
        train_paths, test_path, file_path = options["train"], options["test"], options["file"]
        if file_path and (train_paths or test_path):
            raise CommandError(
                _("Give either FILE (cross-validation) or --train and --test, not both.")
            )
        if not file_path and not (train_paths and test_path):
            raise CommandError(_("Give FILE for cross-validation, or both --train and --test."))

        try:
            if file_path:
                data = self._read(file_path, options)
                report = cross_validate(
                    data.texts, data.labels, folds=options["folds"], seed=options["seed"]
                )
                report["files"] = {"data": _file_summary(file_path, data)}
            else:
                train_files = [(path, self._read(path, options)) for path in train_paths]
                test_data = self._read(test_path, options)
                report = train_and_test(
                    [text for _path, data in train_files for text in data.texts],
                    [label for _path, data in train_files for label in data.labels],
                    test_data.texts,
                    test_data.labels,
                )
                report["files"] = {
                    "train": [_file_summary(path, data) for path, data in train_files],
                    "test": _file_summary(test_path, test_data),
                }
        except DispatchDataError as error:
            raise CommandError(str(error)) from error

        self._print_table(report)
        self.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True))

    def _read(self, path: str, options) -> LabelledFile:
        return read_labelled_file(
            path,
            text_column=options["text_column"],
            label_column=options["label_column"],
            header=options["header"],
        )

    def _print_table(self, report: dict) -> None:
        self.stdout.write(
            f"{'category':<24}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"
        )
        for label, figures in report["per_class"].items():
            self.stdout.write(
                f"{label:<24}{figures['precision']:>10.3f}{figures['recall']:>10.3f}"
                f"{figures['f1']:>10.3f}{figures['support']:>10d}"
            )
        self.stdout.write(f"accuracy {report['accuracy']:.4f}  macro-F1 {report['macro_f1']:.4f}")


def _file_summary(path: str, data: LabelledFile) -> dict:
    return {
        "path": str(path),
        "encoding": data.encoding,
        "delimiter": "tab" if data.delimiter == "\t" else data.delimiter,
        "rows_read": data.rows_read,
        "rows_used": len(data.texts),
        "rows_blank": data.rows_blank,
    }
