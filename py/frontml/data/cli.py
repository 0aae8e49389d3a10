"""`python -m frontml csv FILE.csv --label COLUMN --json [--test F2 | --test-split 0.3]
[--predict F3]` (registered with frontml.cli).

Prints `{"rows", "columns": [{"name", "type"}], "task", "metrics": {...},
"row_errors": [{"line", "message"}]}`, plus `"predictions"` with --predict.
"""

from __future__ import annotations

import argparse
import json

from frontml.cli import EXIT_OK, command
from frontml.errors import InputError


def run_csv(args: argparse.Namespace) -> int:
    from frontml.data.tables import read_csv
    from frontml.data.tabular import train

    table = read_csv(args.input)
    test = read_csv(args.test) if args.test else None
    if args.label is None:
        out = {"rows": len(table), "columns": [{"name": c.name, "type": c.type}
                                               for c in table.columns],
               "row_errors": [e.to_json() for e in table.errors]}
        print(json.dumps(out) if args.json else json.dumps(out, indent=1))
        return EXIT_OK
    if args.test and args.test_split is not None:
        raise InputError("give --test FILE or --test-split FRACTION, not both")
    model = train(table, args.label, task=args.task, test=test,
                  test_split=None if test is not None else (args.test_split or 0.3),
                  epochs=args.epochs, seed=args.seed)
    out = {"rows": len(table), "columns": [{"name": c.name, "type": c.type}
                                           for c in table.columns],
           "task": model.task, "metrics": model.metrics,
           "row_errors": [e.to_json() for e in table.errors]}
    if test is not None:
        out["test_row_errors"] = [e.to_json() for e in test.errors]
    if args.predict:
        new = read_csv(args.predict)
        out["predictions"] = [model.predict(row) for row in new.rows]
        out["predict_row_errors"] = [e.to_json() for e in new.errors]
    if args.json:
        print(json.dumps(out))
    else:
        m = model.metrics.get("test") or model.metrics["train"]
        which = "test" if "test" in model.metrics else "train"
        score = (f"accuracy {m['accuracy']}" if model.task == "classification"
                 else f"rmse {m['rmse']}, r2 {m['r2']}")
        print(f"{args.input}: {len(table)} rows, {len(table.errors)} bad; {model.task} of "
              f"{args.label!r}: {which} {score}")
        for e in table.errors:
            print(f"  line {e.line}: {e.message}")
        for row in out.get("predictions", []):
            print("  ->", row.get("label", row.get("value")))
    return EXIT_OK


@command("csv", "read a CSV (types, bad rows) and train/evaluate a model on a label column")
def _csv_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="FILE.csv")
    parser.add_argument("--label", metavar="COLUMN",
                        help="the column to predict (without: just describe the table)")
    parser.add_argument("--task", choices=("auto", "classification", "regression"),
                        default="auto")
    parser.add_argument("--test", metavar="FILE2.csv", help="evaluate on this file")
    parser.add_argument("--test-split", type=float, default=None, metavar="FRACTION",
                        help="hold out this fraction of FILE.csv for evaluation (default 0.3)")
    parser.add_argument("--predict", metavar="FILE3.csv", help="predict these rows")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run_csv)
