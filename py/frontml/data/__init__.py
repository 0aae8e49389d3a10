"""frontml.data: data into Python with one shape (stdlib only; runs in the page).

- tables: `read_csv` / `CsvReader` (streaming) -> typed rows and columns, inferred types,
  missing values as None, bad rows reported by line number (`Table.errors`).
- tabular: `train(table, label)` -> logistic (classification) or linear (regression) model
  with a held-out evaluation; `TabularModel.predict(row)`.
- media: `Frame` / `AudioChunk` with monotonic timestamps, `Recorder` -> one dataset file.
"""

from frontml.data.tables import Column, CsvReader, RowError, Table, read_csv
from frontml.data.tabular import LinearRegression, TabularModel, train

__all__ = ["Column", "CsvReader", "LinearRegression", "RowError", "Table", "TabularModel",
           "read_csv", "train"]
