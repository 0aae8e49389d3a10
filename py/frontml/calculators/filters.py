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

from frontml.calculators.float32 import f32
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
        # Invalid (<= 1e-6) frequency / cutoffs are rejected as in MediaPipe (kept at defaults).
        self._frequency = frequency if frequency > _EPSILON else 30.0
        self._min_cutoff = min_cutoff if min_cutoff > _EPSILON else 1.0
        self._beta = beta
        self._derivate_cutoff = derivate_cutoff if derivate_cutoff > _EPSILON else 1.0
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
        te = 1.0 / self._frequency
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
    landmarks this frame) resets the filters, as an empty packet does in MediaPipe.
    """

    def __init__(self, filter_options: VelocityFilterOptions | OneEuroFilterOptions | None) -> None:
        self.options = filter_options
        self._filters: list[tuple[object, object, object]] = []

    def reset(self) -> None:
        self._filters = []

    def _make(self) -> RelativeVelocityFilter | OneEuroFilter:
        o = self.options
        if isinstance(o, VelocityFilterOptions):
            return RelativeVelocityFilter(o.window_size, o.velocity_scale)
        assert isinstance(o, OneEuroFilterOptions)
        return OneEuroFilter(o.frequency, o.min_cutoff, o.beta, o.derivate_cutoff, float32=True)

    def _filter(
        self,
        landmarks: Sequence[Landmark],
        timestamp_us: int,
        object_scale: float | None,
    ) -> list[Landmark]:
        o = self.options
        if o is None:
            return [Landmark(lm.x, lm.y, lm.z, lm.visibility, lm.presence) for lm in landmarks]
        value_scale = 1.0
        if not o.disable_value_scaling:
            scale = object_scale if object_scale is not None else get_object_scale(landmarks)
            if scale < o.min_allowed_object_scale:
                return [Landmark(lm.x, lm.y, lm.z, lm.visibility, lm.presence) for lm in landmarks]
            value_scale = f32(1.0 / scale)
        n = len(landmarks)
        if not self._filters:
            self._filters = [(self._make(), self._make(), self._make()) for _ in range(n)]
        elif len(self._filters) != n:
            raise ValueError(f"expected {len(self._filters)} landmarks, got {n}")
        out: list[Landmark] = []
        for lm, (fx, fy, fz) in zip(landmarks, self._filters, strict=True):
            out.append(
                Landmark(
                    fx.apply(timestamp_us, value_scale, lm.x),  # type: ignore[attr-defined]
                    fy.apply(timestamp_us, value_scale, lm.y),  # type: ignore[attr-defined]
                    fz.apply(timestamp_us, value_scale, lm.z),  # type: ignore[attr-defined]
                    lm.visibility,
                    lm.presence,
                )
            )
        return out

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
        if image_width is None or image_height is None:
            return self._filter(landmarks, timestamp_us, None)
        w = image_width
        h = image_height
        # NormalizedLandmarksToLandmarks / LandmarksToNormalizedLandmarks compute in float
        absolute = [
            Landmark(f32(lm.x * w), f32(lm.y * h), f32(lm.z * w), lm.visibility, lm.presence)
            for lm in landmarks
        ]
        scale = (
            get_object_scale_from_roi(object_scale_roi, w, h)
            if object_scale_roi is not None
            else None
        )
        filtered = self._filter(absolute, timestamp_us, scale)
        return [
            Landmark(f32(lm.x / w), f32(lm.y / h), f32(lm.z / w), lm.visibility, lm.presence)
            for lm in filtered
        ]


# Port of mediapipe/calculators/util/visibility_smoothing_calculator.cc
class VisibilitySmoothing:
    """Low-pass filters each landmark's visibility (alpha None means no_filter)."""

    def __init__(self, alpha: float | None = 0.1) -> None:  # the pose graphs' alpha
        self.alpha = alpha
        self._filters: list[LowPassFilter] = []

    def reset(self) -> None:
        self._filters = []

    def apply(self, landmarks: Sequence[Landmark] | None) -> list[Landmark] | None:
        if not landmarks:
            self.reset()
            return None
        if self.alpha is None:
            return [Landmark(lm.x, lm.y, lm.z, lm.visibility, lm.presence) for lm in landmarks]
        if not self._filters:
            self._filters = [LowPassFilter(self.alpha, float32=True) for _ in landmarks]
        elif len(self._filters) != len(landmarks):
            raise ValueError(f"expected {len(self._filters)} landmarks, got {len(landmarks)}")
        return [
            Landmark(lm.x, lm.y, lm.z, f.apply(lm.visibility), lm.presence)
            for lm, f in zip(landmarks, self._filters, strict=True)
        ]


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
