#!/usr/bin/env bash
# Signs signed.example.unsigned into signed.example.zone with NSEC (ldns-signzone, from Debian's
# ldnsutils), with a new ECDSA P-256 key (algorithm 13) and signatures valid from 2026 to 2046;
# the keys are not kept: the tests verify with the zone's own DNSKEY.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && ldns-keygen -a ECDSAP256SHA256 -k signed.example >/dev/null && ldns-keygen -a ECDSAP256SHA256 signed.example >/dev/null)
keys=("$tmp"/Ksigned.example.*.private)
ldns-signzone -i 20260101000000 -e 20460101000000 -f signed.example.zone signed.example.unsigned "${keys[@]%.private}"
