# Writes a deterministic zone "bench.test." with N owner names (awk -v n=N), a realistic spread of
# data: mostly A, some A+AAAA, CNAMEs to existing names, TXT, MX, and delegations with glue.
# Name i's kind is i % 20 (see kind() in genqueries.awk, which must agree).
BEGIN {
  print "$ORIGIN bench.test."
  print "$TTL 3600"
  print "@ SOA ns1 hostmaster 1 7200 3600 1209600 300"
  print "@ NS ns1"
  print "@ NS ns2"
  print "ns1 A 192.0.2.1"
  print "ns2 A 192.0.2.2"
  print "*.wild A 192.0.2.99"
  for (i = 0; i < n; i++) {
    k = i % 20
    ip = "10." int(i / 65536) % 256 "." int(i / 256) % 256 "." i % 256
    if (k < 12) {
      print "h" i " A " ip
    } else if (k < 15) {
      print "h" i " A " ip
      print "h" i " AAAA 2001:db8::" sprintf("%x:%x", int(i / 65536), i % 65536)
    } else if (k < 17) {
      print "h" i " CNAME h" (i - k)
    } else if (k == 17) {
      print "h" i " TXT \"v=spf1 ip4:" ip " -all\""
    } else if (k == 18) {
      print "h" i " MX 10 h" (i - k)
    } else {
      print "h" i " NS ns.h" i
      print "ns.h" i " A " ip
    }
  }
}
