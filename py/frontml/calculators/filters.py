"""Temporal filters for landmarks.

Ports of mediapipe/util/filtering/low_pass_filter.cc, one_euro_filter.cc,
relative_velocity_filter.cc, mediapipe/calculators/util/landmarks_smoothing_calculator.cc
(+ landmarks_smoothing_calculator_utils.cc, .proto) and visibility_smoothing_calculator.cc.
The pose graph's PoseLandmarkFiltering subgraph lives in `frontml.tasks.pose.filtering`.

Timestamps are MediaPipe timestamps: integer microseconds.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from frontml.calculators.float32 import f32, f32s
from frontml.calculators.movenet_tracker import Keypoint
from frontml.calculators.types import Landmark, NormalizedRect

_NS_PER_US = 1000


# Port of mediapipe/util/filtering/low_pass_filter.cc
class LowPassFilter:
    """float32: MediaPipe's arithmetic (its filter keeps alpha, values and state in C++ floats);
    False: doubles, as the tfjs-models ports (JavaScript numbers) run it."""

    __slots__ = ("_alpha", "_float32", "_initialized", "_raw_value", "_stored_value")

    def __init__(self, alpha: float, float32: bool = False) -> None:
        self._alpha = 0.0
        self._float32 = float32
        self._initialized = False
        self._raw_value = 0.0
        self._stored_value = 0.0
        self.set_alpha(alpha)

    def apply(self, value: float, threshold: float | None = None) -> float:
        """threshold: the tfjs-models variant (shared/filters/low_pass_filter.ts), which damps
        jumps through an asinh non-linearity of that scale; None = MediaPipe's filter."""
        if self._float32:
            value = f32(value)
        if self._initialized:
            if threshold is None and self._float32:
                # `alpha_ * value + (1.0 - alpha_) * stored_value_`: a float product, a double
                # one (1.0 is a double), the sum stored in a float
                result = f32(f32(self._alpha * value) + (1.0 - self._alpha) * self._stored_value)
            elif threshold is None:
                result = self._alpha * value + (1.0 - self._alpha) * self._stored_value
            else:
                result = self._stored_value + self._alpha * threshold * math.asinh(
                    (value - self._stored_value) / threshold)
        else:
            result = value
            self._initialized = True
        self._raw_value = value
        self._stored_value = result
        return result

    def apply_with_alpha(self, value: float, alpha: float,
                         threshold: float | None = None) -> float:
        self.set_alpha(alpha)
        return self.apply(value, threshold)

    def reset(self) -> None:
        self._initialized = False

    def has_last_raw_value(self) -> bool:
        return self._initialized

    def last_raw_value(self) -> float:
        return self._raw_value

    def last_value(self) -> float:
        return self._stored_value

    def set_alpha(self, alpha: float) -> None:
        # MediaPipe logs an error and keeps the previous alpha when out of range.
        if 0.0 <= alpha <= 1.0:
            self._alpha = f32(alpha) if self._float32 else alpha


_EPSILON = 0.000001
# one_euro_filter.cc (v0.10.21) kUninitializedTimestamp: a first frame at timestamp 0 is
# filtered (it initialises the filter), not dropped as "not newer than the last one".
_UNINITIALIZED_TIMESTAMP = -1


# Port of mediapipe/util/filtering/one_euro_filter.cc; with threshold_cutoff set, the
# tfjs-models variant (shared/filters/one_euro_filter.ts: asinh threshold non-linearity).
class OneEuroFilter:
    __slots__ = (
        "_beta",
        "_derivate_cutoff",
        "_dx",
        "_frequency",
        "_last_time",
        "_min_cutoff",
        "_threshold_beta",
        "_threshold_cutoff",
        "_x",
    )

    def __init__(
        self,
        frequency: float = 30.0,
        min_cutoff: float = 1.0,
        beta: float = 0.0,
        derivate_cutoff: float = 1.0,
        threshold_cutoff: float | None = None,
        threshold_beta: float = 0.0,
        float32: bool = False,
    ) -> None:
        self._frequency, self._min_cutoff, self._derivate_cutoff = _checked_one_euro_params(
            frequency, min_cutoff, derivate_cutoff)
        self._beta = beta
        self._threshold_cutoff = threshold_cutoff
        self._threshold_beta = threshold_beta
        # float32: MediaPipe's LowPassFilters (floats); the rest of its arithmetic is double
        self._x = LowPassFilter(self._get_alpha(self._min_cutoff), float32)
        self._dx = LowPassFilter(self._get_alpha(self._derivate_cutoff), float32)
        self._last_time = _UNINITIALIZED_TIMESTAMP

    def apply(self, timestamp_us: int, value_scale: float, value: float) -> float:
        new_timestamp = int(timestamp_us) * _NS_PER_US
        if self._last_time >= new_timestamp:
            # Results are unpredictable in this case, so nothing to do but return same value.
            return value
        # update the sampling frequency based on timestamps
        if self._last_time != 0 and new_timestamp != 0:
            self._frequency = 1.0 / ((new_timestamp - self._last_time) * 1e-9)
        self._last_time = new_timestamp
        # estimate the current variation per second
        x = self._x
        dvalue = (
            (value - x.last_raw_value()) * value_scale * self._frequency
            if x.has_last_raw_value()
            else 0.0
        )
        edvalue = self._dx.apply_with_alpha(dvalue, self._get_alpha(self._derivate_cutoff))
        # use it to update the cutoff frequency
        cutoff = self._min_cutoff + self._beta * abs(edvalue)
        threshold = (None if self._threshold_cutoff is None
                     else self._threshold_cutoff + self._threshold_beta * abs(edvalue))
        # filter the given value
        return x.apply_with_alpha(value, self._get_alpha(cutoff), threshold)

    def _get_alpha(self, cutoff: float) -> float:
        return _one_euro_alpha(self._frequency, cutoff)


def _checked_one_euro_params(frequency: float, min_cutoff: float,
                             derivate_cutoff: float) -> tuple[float, float, float]:
    """Invalid (<= 1e-6) frequency / cutoffs are rejected as in MediaPipe (kept at defaults)."""
    return (frequency if frequency > _EPSILON else 30.0,
            min_cutoff if min_cutoff > _EPSILON else 1.0,
            derivate_cutoff if derivate_cutoff > _EPSILON else 1.0)


def _one_euro_alpha(frequency: float, cutoff: float) -> float:  # OneEuroFilter::GetAlpha
    te = 1.0 / frequency
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / te)


# Port of mediapipe/util/filtering/relative_velocity_filter.cc
class RelativeVelocityFilter:
    """distance_mode: "LEGACY_TRANSITION" (MediaPipe's default) or "FORCE_CURRENT_SCALE"."""

    __slots__ = (
        "_distance_mode",
        "_last_timestamp",
        "_last_value",
        "_last_value_scale",
        "_low_pass_filter",
        "_max_window_size",
        "_velocity_scale",
        "_window",
    )

    # 30 values per second assumed as a good frame rate (ns per window element).
    _ASSUMED_MAX_DURATION = 1000000000 // 30

    def __init__(
        self, window_size: int, velocity_scale: float, distance_mode: str = "LEGACY_TRANSITION"
    ) -> None:
        self._max_window_size = window_size
        # MediaPipe constructs the deque with window_size zero elements ({distance 0,
        # duration 0}); they add nothing but count towards the max cumulative duration.
        self._window: deque[tuple[float, int]] = deque([(0.0, 0)] * window_size)
        self._velocity_scale = velocity_scale
        self._distance_mode = distance_mode
        self._last_value = 0.0
        self._last_value_scale = 1.0
        self._last_timestamp = -1
        self._low_pass_filter = LowPassFilter(1.0)

    def apply(self, timestamp_us: int, value_scale: float, value: float) -> float:
        new_timestamp = int(timestamp_us) * _NS_PER_US
        if self._last_timestamp >= new_timestamp:
            return value
        if self._last_timestamp == -1:
            alpha = 1.0
        else:
            if self._distance_mode == "LEGACY_TRANSITION":
                distance = value * value_scale - self._last_value * self._last_value_scale
            else:
                distance = value_scale * (value - self._last_value)
            duration = new_timestamp - self._last_timestamp
            cumulative_distance = distance
            cumulative_duration = duration
            max_cumulative_duration = (1 + len(self._window)) * self._ASSUMED_MAX_DURATION
            for el_distance, el_duration in self._window:
                if cumulative_duration + el_duration > max_cumulative_duration:
                    # Outdated window elements would have a bad impact on the result.
                    break
                cumulative_distance += el_distance
                cumulative_duration += el_duration
            velocity = cumulative_distance / (cumulative_duration * 1e-9)
            alpha = 1.0 - 1.0 / (1.0 + self._velocity_scale * abs(velocity))
            self._window.appendleft((distance, duration))
            if len(self._window) > self._max_window_size:
                self._window.pop()
        self._last_value = value
        self._last_value_scale = value_scale
        self._last_timestamp = new_timestamp
        return self._low_pass_filter.apply_with_alpha(value, alpha)


# n of MediaPipe's OneEuroFilters (float32 low-pass filters, no threshold) that always run
# together, on the same timestamps and value scale: the coordinates of one landmark list.
class OneEuroFilterBank:
    """OneEuroFilter(..., float32=True).apply on every value of a vector at once, bit for bit:
    the state lives in lists and every float32 rounding goes through one array('f') per
    operation (f32s). Falls back to one OneEuroFilter per value if an alpha leaves [0, 1]."""

    __slots__ = ("_beta", "_derivate_cutoff", "_dx_alpha", "_dx_stored", "_filters",
                 "_frequency", "_initialized", "_last_time", "_min_cutoff", "_n", "_x_alpha",
                 "_x_raw", "_x_stored")

    def __init__(self, n: int, frequency: float = 30.0, min_cutoff: float = 1.0,
                 beta: float = 0.0, derivate_cutoff: float = 1.0) -> None:
        self._n = n
        # OneEuroFilter.__init__'s checks and its low-pass filters' first alphas
        self._frequency, self._min_cutoff, self._derivate_cutoff = _checked_one_euro_params(
            frequency, min_cutoff, derivate_cutoff)
        self._beta = beta
        self._last_time = _UNINITIALIZED_TIMESTAMP
        self._initialized = False
        x_alpha = self._get_alpha(self._min_cutoff)
        self._x_alpha: list[float] = [f32(x_alpha) if 0.0 <= x_alpha <= 1.0 else 0.0] * n
        dx_alpha = self._get_alpha(self._derivate_cutoff)
        self._dx_alpha = f32(dx_alpha) if 0.0 <= dx_alpha <= 1.0 else 0.0
        self._x_raw: Sequence[float] = ()
        self._x_stored: Sequence[float] = ()
        self._dx_stored: Sequence[float] = ()
        self._filters: list[OneEuroFilter] | None = None  # the per-value fallback

    def _get_alpha(self, cutoff: float) -> float:  # OneEuroFilter._get_alpha
        return _one_euro_alpha(self._frequency, cutoff)

    def _fallback(self) -> list[OneEuroFilter]:
        """The bank's state moved into one OneEuroFilter per value."""
        filters = []
        for i in range(self._n):
            f = OneEuroFilter(self._frequency, self._min_cutoff, self._beta,
                              self._derivate_cutoff, float32=True)
            f._frequency = self._frequency
            f._last_time = self._last_time
            x, dx = f._x, f._dx
            x._alpha = self._x_alpha[i]
            dx._alpha = self._dx_alpha
            if self._initialized:
                x._initialized = dx._initialized = True
                x._raw_value = self._x_raw[i]
                x._stored_value = self._x_stored[i]
                dx._raw_value = dx._stored_value = self._dx_stored[i]
            filters.append(f)
        return filters

    def apply(self, timestamp_us: int, value_scale: float,
              values: Sequence[float]) -> Sequence[float]:
        """OneEuroFilter.apply(timestamp_us, value_scale, value) for each value."""
        if self._filters is not None:
            return [f.apply(timestamp_us, value_scale, v)
                    for f, v in zip(self._filters, values, strict=True)]
        if len(values) != self._n:
            raise ValueError(f"expected {self._n} values, got {len(values)}")
        new_timestamp = int(timestamp_us) * _NS_PER_US
        last_time = self._last_time
        if last_time >= new_timestamp:
            return values
        frequency = self._frequency
        if last_time != 0 and new_timestamp != 0:
            frequency = 1.0 / ((new_timestamp - last_time) * 1e-9)
        te = 1.0 / frequency
        two_pi = 2 * math.pi
        # dx low-pass filter: one alpha (from the derivate cutoff) for all values
        dx_alpha = 1.0 / (1.0 + (1.0 / (two_pi * self._derivate_cutoff)) / te)
        a = f32(dx_alpha) if 0.0 <= dx_alpha <= 1.0 else self._dx_alpha
        if self._initialized:
            b = 1.0 - a
            dvalues = f32s([(v - r) * value_scale * frequency
                            for v, r in zip(values, self._x_raw, strict=True)])
            edvalues = f32s([p + b * q for p, q in zip(f32s([a * d for d in dvalues]),
                                                       self._dx_stored, strict=True)])
        else:
            edvalues = f32s([0.0] * self._n)
        # x low-pass filter: an alpha per value from its cutoff
        min_cutoff, beta = self._min_cutoff, self._beta
        alphas = [1.0 / (1.0 + (1.0 / (two_pi * (min_cutoff + beta * abs(e)))) / te)
                  for e in edvalues]
        total = sum(alphas)  # NaN if any is (min/max may step over a NaN)
        if total != total or not (min(alphas) >= 0.0 and max(alphas) <= 1.0):
            # an alpha out of range (or NaN) keeps that filter's previous alpha: from here on
            # one OneEuroFilter per value, made from the state before this call
            self._filters = self._fallback()
            return [f.apply(timestamp_us, value_scale, v)
                    for f, v in zip(self._filters, values, strict=True)]
        x_alpha = f32s(alphas)
        raw = f32s(values)
        if self._initialized:
            out = f32s([p + (1.0 - al) * q for p, al, q in
                        zip(f32s([al * v for al, v in zip(x_alpha, raw, strict=True)]), x_alpha,
                            self._x_stored, strict=True)])
        else:
            out = raw
            self._initialized = True
        self._last_time = new_timestamp
        self._frequency = frequency
        self._dx_alpha = a
        self._x_alpha = x_alpha  # type: ignore[assignment]
        self._x_raw = raw
        self._x_stored = out
        self._dx_stored = edvalues
        return out


# Port of LandmarksSmoothingCalculatorOptions.VelocityFilter
@dataclass(frozen=True)
class VelocityFilterOptions:
    window_size: int = 5
    velocity_scale: float = 10.0
    min_allowed_object_scale: float = 1e-6
    disable_value_scaling: bool = False


# Port of LandmarksSmoothingCalculatorOptions.OneEuroFilter (+ tfjs OneEuroFilterConfig's
# threshold_cutoff / threshold_beta: set threshold_cutoff for the tfjs variant).
@dataclass(frozen=True)
class OneEuroFilterOptions:
    frequency: float = 30.0
    min_cutoff: float = 1.0
    beta: float = 0.0
    derivate_cutoff: float = 1.0
    min_allowed_object_scale: float = 1e-6
    disable_value_scaling: bool = False
    threshold_cutoff: float | None = None
    threshold_beta: float = 0.0

    def make(self) -> OneEuroFilter:
        return OneEuroFilter(self.frequency, self.min_cutoff, self.beta, self.derivate_cutoff,
                             self.threshold_cutoff, self.threshold_beta)


# Port of GetObjectScale(const LandmarkList&) in landmarks_smoothing_calculator_utils.cc
def get_object_scale(landmarks: Sequence[Landmark]) -> float:
    xs = [lm.x for lm in landmarks]
    ys = [lm.y for lm in landmarks]
    return f32(f32(f32(max(xs) - min(xs)) + f32(max(ys) - min(ys))) / 2.0)


# Port of GetObjectScale(const NormalizedRect&, w, h) in landmarks_smoothing_calculator_utils.cc
def get_object_scale_from_roi(roi: NormalizedRect, image_width: int, image_height: int) -> float:
    return f32(f32(f32(roi.width * image_width) + f32(roi.height * image_height)) / 2.0)


# Port of LandmarksSmoothingCalculator (NoFilter / VelocityFilter / OneEuroFilterImpl)
class LandmarksSmoothing:
    """Filters every coordinate of every landmark separately.

    filter_options None means no_filter. Call apply() once per frame; passing None (no
    landmarks this frame) resets the filters, as an empty packet does in MediaPipe. The
    one-euro filters of all coordinates run as one OneEuroFilterBank.
    """

    def __init__(self, filter_options: VelocityFilterOptions | OneEuroFilterOptions | None) -> None:
        self.options = filter_options
        self._filters: list[tuple[object, object, object]] = []
        self._bank: OneEuroFilterBank | None = None

    def reset(self) -> None:
        self._filters = []
        self._bank = None

    def _make(self) -> RelativeVelocityFilter | OneEuroFilter:
        o = self.options
        if isinstance(o, VelocityFilterOptions):
            return RelativeVelocityFilter(o.window_size, o.velocity_scale)
        assert isinstance(o, OneEuroFilterOptions)
        return OneEuroFilter(o.frequency, o.min_cutoff, o.beta, o.derivate_cutoff, float32=True)

    def _filter_columns(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        zs: Sequence[float],
        timestamp_us: int,
        object_scale: float | None,
    ) -> tuple[Sequence[float], Sequence[float], Sequence[float]]:
        o = self.options
        if o is None:
            return xs, ys, zs
        value_scale = 1.0
        if not o.disable_value_scaling:
            if object_scale is not None:
                scale = object_scale
            else:  # get_object_scale on the columns
                scale = f32(f32(f32(max(xs) - min(xs)) + f32(max(ys) - min(ys))) / 2.0)
            if scale < o.min_allowed_object_scale:
                return xs, ys, zs
            value_scale = f32(1.0 / scale)
        n = len(xs)
        if isinstance(o, OneEuroFilterOptions):
            bank = self._bank
            if bank is None:
                bank = self._bank = OneEuroFilterBank(3 * n, o.frequency, o.min_cutoff, o.beta,
                                                      o.derivate_cutoff)
            elif bank._n != 3 * n:
                raise ValueError(f"expected {bank._n // 3} landmarks, got {n}")
            out = bank.apply(timestamp_us, value_scale, [*xs, *ys, *zs])
            return out[:n], out[n:2 * n], out[2 * n:]
        if not self._filters:
            self._filters = [(self._make(), self._make(), self._make()) for _ in range(n)]
        elif len(self._filters) != n:
            raise ValueError(f"expected {len(self._filters)} landmarks, got {n}")
        fxs: list[float] = []
        fys: list[float] = []
        fzs: list[float] = []
        for x, y, z, (fx, fy, fz) in zip(xs, ys, zs, self._filters, strict=True):
            fxs.append(fx.apply(timestamp_us, value_scale, x))  # type: ignore[attr-defined]
            fys.append(fy.apply(timestamp_us, value_scale, y))  # type: ignore[attr-defined]
            fzs.append(fz.apply(timestamp_us, value_scale, z))  # type: ignore[attr-defined]
        return fxs, fys, fzs

    def apply(
        self,
        landmarks: Sequence[Landmark] | None,
        timestamp_us: int,
        image_width: int | None = None,
        image_height: int | None = None,
        object_scale_roi: NormalizedRect | None = None,
    ) -> list[Landmark] | None:
        """Normalised landmarks when image size is given (NORM_LANDMARKS + IMAGE_SIZE: filtered
        in pixels), else absolute/world landmarks (LANDMARKS)."""
        if not landmarks:
            self.reset()
            return None
        xs = [lm.x for lm in landmarks]
        ys = [lm.y for lm in landmarks]
        zs = [lm.z for lm in landmarks]
        vis = [lm.visibility for lm in landmarks]
        pres = [lm.presence for lm in landmarks]
        if image_width is None or image_height is None:
            fx, fy, fz = self._filter_columns(xs, ys, zs, timestamp_us, None)
            return list(map(Landmark, fx, fy, fz, vis, pres))
        w = image_width
        h = image_height
        # NormalizedLandmarksToLandmarks / LandmarksToNormalizedLandmarks compute in float
        scale = (
            get_object_scale_from_roi(object_scale_roi, w, h)
            if object_scale_roi is not None
            else None
        )
        fx, fy, fz = self._filter_columns(f32s([x * w for x in xs]), f32s([y * h for y in ys]),
                                          f32s([z * w for z in zs]), timestamp_us, scale)
        return list(map(Landmark, f32s([x / w for x in fx]), f32s([y / h for y in fy]),
                        f32s([z / w for z in fz]), vis, pres))


# Port of mediapipe/calculators/util/visibility_smoothing_calculator.cc
class VisibilitySmoothing:
    """Low-pass filters each landmark's visibility (alpha None means no_filter). The filters
    (MediaPipe's float LowPassFilter with one alpha) run as one vector."""

    def __init__(self, alpha: float | None = 0.1) -> None:  # the pose graphs' alpha
        self.alpha = alpha
        self._stored: Sequence[float] | None = None  # each filter's last output

    def reset(self) -> None:
        self._stored = None

    def apply(self, landmarks: Sequence[Landmark] | None) -> list[Landmark] | None:
        if not landmarks:
            self.reset()
            return None
        if self.alpha is None:
            return [Landmark(lm.x, lm.y, lm.z, lm.visibility, lm.presence) for lm in landmarks]
        values = f32s([lm.visibility for lm in landmarks])
        stored = self._stored
        if stored is None:
            out = values
        elif len(stored) != len(landmarks):
            raise ValueError(f"expected {len(stored)} landmarks, got {len(landmarks)}")
        else:
            # LowPassFilter(alpha, float32=True).apply: f32(f32(a * v) + (1 - a) * stored)
            a = self._alpha32()
            b = 1.0 - a
            products = f32s([a * v for v in values])
            out = f32s([p + b * q for p, q in zip(products, stored, strict=True)])
        self._stored = out
        return [Landmark(lm.x, lm.y, lm.z, v, lm.presence)
                for lm, v in zip(landmarks, out, strict=True)]

    def _alpha32(self) -> float:
        """LowPassFilter.set_alpha: the float alpha, or 0.0 (its initial one) if out of range."""
        alpha = self.alpha
        assert alpha is not None
        return f32(alpha) if 0.0 <= alpha <= 1.0 else 0.0


# Port of tfjs-models shared/filters/keypoints_one_euro_filter.ts
class KeypointsOneEuroFilter:
    """Smooths every keypoint's x and y over time (scores pass through)."""

    def __init__(self, options: OneEuroFilterOptions) -> None:
        self.options = options
        self._x: list[OneEuroFilter] | None = None
        self._y: list[OneEuroFilter] = []

    def apply(self, keypoints: list[Keypoint], timestamp_us: float,
              object_scale: float = 1.0) -> list[Keypoint]:
        if self._x is None or len(self._x) != len(keypoints):
            self._x = [self.options.make() for _ in keypoints]
            self._y = [self.options.make() for _ in keypoints]
        value_scale = 1.0
        if not self.options.disable_value_scaling:
            if object_scale < self.options.min_allowed_object_scale:
                return list(keypoints)
            value_scale = 1.0 / object_scale
        ts = math.trunc(timestamp_us)
        return [
            Keypoint(self._x[i].apply(ts, value_scale, k.x), self._y[i].apply(ts, value_scale, k.y),
                     k.score)
            for i, k in enumerate(keypoints)
        ]

    def reset(self) -> None:
        self._x = None
