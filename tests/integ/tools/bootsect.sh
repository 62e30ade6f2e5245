#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/bootsect.sh MARKER > FILE: scripts/mkbootsect, which
# the demo uses too (see there for the boot sector it writes).
exec sh "$(dirname "$0")/../../../scripts/mkbootsect" "$@"
