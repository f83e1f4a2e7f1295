#!/bin/bash
# test_layout_sweep_zh.sh - the layout audit in Chinese (issue 18 item 4): all 96
# configurations of test_layout_sweep.sh (the 4 classroom sizes x 3 zooms x 2 themes x
# the 5- and the 30-word sentence, screens and slides), run with --lang zh, must draw
# no overlapping and no cut text, and no line that breaks the Chinese rules (starting
# with ，。、；：？！）」』》 or ending with （「『《).
# The 96 exports run two at a time (about 10 minutes on 2 busy cores).
exec bash "$(dirname "$0")/test_layout_sweep.sh" zh
