/*
 * udpblast: a batching DNS-over-UDP load generator for scripts/bench. dnsperf sends and receives
 * one datagram per system call and tops out near 170k queries/s on one core here, below what a
 * batching server answers; udpblast moves up to 64 queries per sendmmsg/recvmmsg so one core can
 * offer several times that, and a server's own ceiling shows.
 *
 *   udpblast SERVER_IP PORT QUERY_FILE SECONDS [OUTSTANDING [do]]
 *
 * QUERY_FILE has one "NAME TYPE" per line, as dnsperf reads. Keeps OUTSTANDING (default 500)
 * queries in flight, each with its own ID; a query unanswered for 1 s counts as lost. With "do",
 * every query sets the DO bit (RFC 3225), as dnsperf -D does. Prints
 * "sent N completed N lost N qps Q".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAXQ 300

static const struct { const char *name; int code; } TYPES[] = {
    {"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"MX", 15}, {"TXT", 16},
    {"AAAA", 28}, {"SRV", 33}, {"DS", 43}, {"ANY", 255}, {NULL, 0}};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Encodes "name type" as a query with EDNS (1232), DO when dnssec_ok; returns its length or -1. */
static int encode(const char *name, const char *type, int dnssec_ok, uint8_t *out) {
    int code = 0;
    for (int i = 0; TYPES[i].name; i++)
        if (!strcasecmp(type, TYPES[i].name)) code = TYPES[i].code;
    if (!code) return -1;
    memset(out, 0, 12);
    out[5] = 1;  /* QDCOUNT */
    out[11] = 1; /* ARCOUNT: OPT */
    int p = 12;
    const char *s = name;
    while (*s) {
        const char *dot = strchr(s, '.');
        int len = dot ? (int)(dot - s) : (int)strlen(s);
        if (len == 0 || len > 63 || p + len + 1 > 12 + 255) return -1;
        out[p++] = (uint8_t)len;
        memcpy(out + p, s, len);
        p += len;
        s += len + (dot ? 1 : 0);
    }
    out[p++] = 0;
    out[p++] = code >> 8; out[p++] = code & 0xff; out[p++] = 0; out[p++] = 1;
    uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, dnssec_ok ? 0x80 : 0, 0, 0, 0};
    memcpy(out + p, opt, sizeof opt);
    return p + sizeof opt;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: udpblast SERVER_IP PORT QUERY_FILE SECONDS [OUTSTANDING [do]]\n");
        return 2;
    }
    int outstanding = argc > 5 ? atoi(argv[5]) : 500;
    if (outstanding < 1 || outstanding > 60000) outstanding = 500;
    int dnssec_ok = argc > 6 && !strcmp(argv[6], "do");
    FILE *f = fopen(argv[3], "r");
    if (!f) { perror(argv[3]); return 1; }
    size_t cap = 1024, count = 0;
    uint8_t (*queries)[MAXQ] = malloc(cap * MAXQ);
    int *lengths = malloc(cap * sizeof(int));
    char line[600], name[300], type[32];
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%299s %31s", name, type) != 2) continue;
        if (count == cap) {
            cap *= 2;
            queries = realloc(queries, cap * MAXQ);
            lengths = realloc(lengths, cap * sizeof(int));
        }
        int len = encode(name, type, dnssec_ok, queries[count]);
        if (len > 0) lengths[count++] = len;
    }
    fclose(f);
    if (!count) { fprintf(stderr, "udpblast: no queries in %s\n", argv[3]); return 1; }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int buf = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
    if (connect(fd, (struct sockaddr *)&server, sizeof server) < 0) { perror("connect"); return 1; }
    struct timeval tv = {0, 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    /* In-flight table indexed by query ID: when it was sent (0 = free). */
    static double sent_at[65536];
    struct mmsghdr out[BATCH], in[BATCH];
    struct iovec out_iov[BATCH], in_iov[BATCH];
    static uint8_t sendbuf[BATCH][MAXQ], recvbuf[BATCH][4096];
    for (int i = 0; i < BATCH; i++) {
        memset(&in[i], 0, sizeof in[i]);
        in_iov[i].iov_base = recvbuf[i];
        in_iov[i].iov_len = sizeof recvbuf[i];
        in[i].msg_hdr.msg_iov = &in_iov[i];
        in[i].msg_hdr.msg_iovlen = 1;
    }
    long sent = 0, completed = 0, lost = 0, inflight = 0;
    size_t next = 0;
    uint16_t id = 0;
    double start = now(), end = start + atof(argv[4]), last_sweep = start;
    while (now() < end) {
        int n = 0;
        while (n < BATCH && inflight + n < outstanding) {
            while (sent_at[id]) id++;
            memcpy(sendbuf[n], queries[next], lengths[next]);
            sendbuf[n][0] = id >> 8; sendbuf[n][1] = id & 0xff;
            sent_at[id++] = now();
            out_iov[n].iov_base = sendbuf[n];
            out_iov[n].iov_len = lengths[next];
            memset(&out[n], 0, sizeof out[n]);
            out[n].msg_hdr.msg_iov = &out_iov[n];
            out[n].msg_hdr.msg_iovlen = 1;
            n++;
            next = (next + 1) % count;
        }
        if (n) {
            int s = sendmmsg(fd, out, n, 0);
            if (s < 0) s = 0;
            for (int i = s; i < n; i++) /* not sent: free their IDs again */
                sent_at[(sendbuf[i][0] << 8) | sendbuf[i][1]] = 0;
            sent += s;
            inflight += s;
        }
        int r = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
        for (int i = 0; i < r; i++) {
            if (in[i].msg_len < 12) continue;
            int rid = (recvbuf[i][0] << 8) | recvbuf[i][1];
            if (sent_at[rid]) { sent_at[rid] = 0; completed++; inflight--; }
        }
        double t = now();
        if (t - last_sweep > 0.1) { /* queries older than 1 s are lost */
            for (int i = 0; i < 65536; i++)
                if (sent_at[i] && t - sent_at[i] > 1.0) { sent_at[i] = 0; lost++; inflight--; }
            last_sweep = t;
        }
    }
    double elapsed = now() - start;
    /* What is still in flight at the end is neither completed nor lost. */
    printf("sent %ld completed %ld lost %ld qps %.0f\n", sent, completed, lost, completed / elapsed);
    return 0;
}
