#!/usr/bin/env bash
# Signs the test zones, each with a new ECDSA P-256 key pair (algorithm 13) and signatures valid
# from 2026 to 2046; the keys are not kept: the tests verify with each zone's own DNSKEYs.
#   signed.example: NSEC, by ldns-signzone (Debian's ldnsutils)
#   nsec3.example:  NSEC3 with no salt and no extra iterations (RFC 9276 §3.1), by BIND's
#                   dnssec-signzone (bind9-utils), one record a line as named-checkzone -D writes them
#   optout.example: the same with opt-out: the delegation without DS is left out of the chain
#   hashsoa.example: NSEC3, its SOA naming the hashed owner name of one of its names
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && ldns-keygen -a ECDSAP256SHA256 -k signed.example >/dev/null && ldns-keygen -a ECDSAP256SHA256 signed.example >/dev/null)
keys=("$tmp"/Ksigned.example.*.private)
ldns-signzone -i 20260101000000 -e 20460101000000 -f signed.example.zone signed.example.unsigned "${keys[@]%.private}"

# ORIGIN [OPTION...]: signs ORIGIN.unsigned with NSEC3 into ORIGIN.zone.
sign_nsec3() {
  local origin=$1
  shift
  dnssec-keygen -q -a ECDSAP256SHA256 -K "$tmp" "$origin" >/dev/null
  dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -K "$tmp" "$origin" >/dev/null
  dnssec-signzone -q -d "$tmp" -3 - -H 0 "$@" -s 20260101000000 -e 20460101000000 -o "$origin." -K "$tmp" -S \
    -f "$tmp/$origin.signed" "$origin.unsigned" >/dev/null
  named-checkzone -q -D -o "$origin.zone" "$origin." "$tmp/$origin.signed"
}
sign_nsec3 nsec3.example
sign_nsec3 optout.example -A
sign_nsec3 hashsoa.example
