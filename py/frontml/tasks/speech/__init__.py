"""Speech commands and personal words: a streaming keyword spotter (base vocabulary trained at
build time on espeak-ng speech) plus words or sounds taught from a few takes (frontml.learn)."""

from frontml.tasks.speech.audio import RATE, Resampler, read_wav, resample, write_wav
from frontml.tasks.speech.detector import (
    AudioChunk,
    SpeechDetector,
    SpeechEvent,
    SpeechOptions,
    SpeechResult,
    create_speech_detector,
)
from frontml.tasks.speech.personal import PersonalWords

__all__ = ["RATE", "AudioChunk", "PersonalWords", "Resampler", "SpeechDetector", "SpeechEvent",
           "SpeechOptions", "SpeechResult", "create_speech_detector", "read_wav", "resample",
           "write_wav"]
