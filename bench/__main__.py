"""python -m bench [pose] [--seconds S] [--quick]  (./dev bench)"""

import sys

from bench import pose_speed

if __name__ == "__main__":
    sys.exit(pose_speed.main(sys.argv[1:]))
