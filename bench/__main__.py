"""python -m bench [pose|segmentation|face|hands|vision|makeup|compare|all] [options]

No subcommand (or options only) runs `pose`, as before. `all` writes bench/out/report.md and
bench/out/report.png; `compare` runs the MediaPipe / TF.js / onnxruntime anchors and start-up
with only the frontml configurations they are compared with.
"""

import sys

COMMANDS = ("pose", "segmentation", "face", "hands", "vision", "makeup", "compare", "all")


def main(argv: list[str]) -> int:
    command = argv[0] if argv and argv[0] in COMMANDS else "pose"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        print(f"unknown benchmark {argv[0]!r}; one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    if command == "pose":
        from bench import pose_speed as mod
    elif command == "segmentation":
        from bench import segmentation_speed as mod
    elif command == "face":
        from bench import face_speed as mod
    elif command == "hands":
        from bench import hands_speed as mod
    elif command == "vision":
        from bench import vision_speed as mod
    elif command == "makeup":
        from bench import makeup_speed as mod
    else:
        from bench import report

        return report.main(rest, only_compare=command == "compare")
    return mod.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
