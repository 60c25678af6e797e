#!/usr/bin/env bash
# Replaces the parameter catalogue in docs/MODEL.md (section 7) with `brink params --markdown`.
# Usage: scripts/update-model-md.sh [path/to/brink]
set -euo pipefail
cd "$(dirname "$0")/.."
brink="${1:-target/release/brink}"
"$brink" params --markdown > /tmp/brink-catalog.md
python3 - "$@" <<'PY'
import re
doc = open('docs/MODEL.md').read()
new = open('/tmp/brink-catalog.md').read()
start = doc.index('## 7. Parameters')
first = doc.index('\n**', start) + 1
# The catalogue ends with the last table row of section 7, before the next paragraph.
end_section = doc.index('\n## 8.', start)
body = doc[first:end_section]
last_row = body.rfind('|\n')
end = first + last_row + 2
open('docs/MODEL.md', 'w').write(doc[:first] + new.rstrip('\n') + '\n' + doc[end:])
PY
echo "docs/MODEL.md: catalogue updated"
