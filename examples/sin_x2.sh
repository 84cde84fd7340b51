#!/usr/bin/env bash
# The chain rule on sin(x²): u = x², y = sin(u), dy/dx = dy/du · du/dx.
# Expected output: sin_x2.expected
chainrule derive "sin(x²)"
