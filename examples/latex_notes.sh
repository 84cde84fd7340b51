#!/usr/bin/env bash
# LaTeX notes: a complete document, compiled to notes.pdf (needs pdflatex).
set -euo pipefail
out="${1:-$(mktemp -d)}"
mkdir -p "$out" && cd "$out"
chainrule derive "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2" \
    --wrt W1 --latex --standalone > notes.tex
pdflatex -interaction=nonstopmode -halt-on-error notes.tex > /dev/null
echo "wrote $out/notes.pdf"
