#!/usr/bin/env bash
# One expression per line in, JSON Lines out; pick each result with a few lines of Python.
# Expected output: pipeline.expected
cd "$(dirname "$0")"
cat expressions.txt | chainrule derive --json - | python3 -c '
import json, sys
for line in sys.stdin:
    record = json.loads(line)
    print(record["input"], "->", record["derivatives"][0]["result"])
'
