#!/usr/bin/env bash
# A one-hidden-unit network written as a program, differentiated with respect to W1.
# Expected output: network_w1.expected
chainrule derive -f "$(dirname "$0")/net.chain" --wrt W1
