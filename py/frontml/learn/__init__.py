"""frontml.learn: the one learning module of every teachable feature (stdlib only; runs in the
page under Pyodide and in CPython).

- `Classifier` over any embedding: heads "knn", "prototype", "logistic"; add/remove examples
  with no training pause; open-set `unknown` (calibrated threshold, background class);
  `evaluate()` (cross-validation or hold-out, per-class accuracy, confusion, hints);
  `to_bytes()`/`from_bytes()`/`save()`/`load()` in one portable file (see `fileformat`).
- `Backbone`: which model/output/recipe made the vectors; files from another backbone are
  refused (`BackboneMismatchError`).
- `vecsearch`: the one vector search (kNN heads here, the text search index): a generated
  `vector_search` ONNX graph (Gemm + TopK) proposes candidates that are re-ranked exactly, so
  answers equal the pure-Python scan; pure Python below the measured crossover or without the
  model. `await clf.predict_async(v)` uses it in the page (the bank stays on the JS side).
- `SoftmaxRegression`: the pure-Python trainer shared with `frontml.data`'s tabular training.
- `temporal.WindowEmbedder`: a ~1 s window of landmarks -> one vector, for teaching actions
  (issue #20), with the same Classifier, evaluation, unknown rejection and file.
"""

from frontml.learn.backbone import HAND_LANDMARKS, Backbone, model_backbone
from frontml.learn.classifier import (
    AUTO,
    HEADS,
    UNKNOWN,
    Classifier,
    Evaluation,
    Example,
    Prediction,
)
from frontml.learn.errors import (
    BackboneMismatchError,
    DimensionError,
    LearnError,
    LearnFileError,
    NoExamplesError,
)
from frontml.learn.fileformat import FORMAT, MIME, VERSION
from frontml.learn.softmax import SoftmaxRegression

__all__ = ["AUTO", "FORMAT", "HAND_LANDMARKS", "HEADS", "MIME", "UNKNOWN", "VERSION", "Backbone",
           "BackboneMismatchError", "Classifier", "DimensionError", "Evaluation", "Example",
           "LearnError", "LearnFileError", "NoExamplesError", "Prediction", "SoftmaxRegression",
           "model_backbone"]
