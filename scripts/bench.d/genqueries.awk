# Writes a dnsperf query file for the zone of genzone.awk (awk -v n=NAMES -v count=LINES): a fixed
# pseudo-random mix of what authoritative servers see: existing A and AAAA, NXDOMAIN, NODATA,
# CNAME, wildcard and referral answers.
function pick(lo, hi,    i) {          # a name index whose kind is in [lo, hi]
  do { i = int(rand() * n) } while (i % 20 < lo || i % 20 > hi)
  return i
}
BEGIN {
  srand(20261123)
  for (q = 0; q < count; q++) {
    r = rand() * 100
    if (r < 50)      print "h" pick(0, 14) ".bench.test A"
    else if (r < 60) print "h" pick(12, 14) ".bench.test AAAA"
    else if (r < 75) print "nx" int(rand() * 1000000) ".bench.test A"
    else if (r < 80) print "h" pick(0, 11) ".bench.test AAAA"
    else if (r < 85) print "h" pick(15, 16) ".bench.test A"
    else if (r < 95) print "w" int(rand() * 1000000) ".wild.bench.test A"
    else             print "www.h" pick(19, 19) ".bench.test A"
  }
}
