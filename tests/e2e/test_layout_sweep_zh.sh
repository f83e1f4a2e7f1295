#!/bin/bash
# test_layout_sweep_zh.sh - the layout audit in Chinese (issue 18 item 4): every
# configuration test_layout_sweep.sh requires to be clean (its REQUIRED list: the
# 4 classroom sizes x 3 zooms x 2 themes, screens and slides, with the 5-word sentence:
# 48), run with --lang zh, must draw no overlapping and no cut text, and no line that
# breaks the Chinese rules (starting with ，。、；：？！）」』》 or ending with （「『《).
# The 48 exports run two at a time (about 5 minutes on 2 busy cores).
exec bash "$(dirname "$0")/test_layout_sweep.sh" zh
