/*
 * udpprobe: waits for a DNS server's first answer, for scripts/bench's load and restart times.
 * kdig waits at least a second for an answer (+time=1), so a query sent while the server binds
 * its socket but does not read it yet costs up to a second of measurement; udpprobe asks again
 * every 10 ms instead.
 *
 *   udpprobe SERVER_IP PORT NAME SECONDS
 *
 * Sends a query for NAME/SOA (RD clear, no EDNS) every 10 ms, each with its own ID, until a
 * response to one of them arrives (exit 0) or SECONDS pass (exit 1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: udpprobe SERVER_IP PORT NAME SECONDS\n");
        return 2;
    }
    uint8_t query[300] = {0};
    query[5] = 1; /* QDCOUNT */
    int p = 12;
    const char *s = argv[3];
    while (*s && strcmp(s, ".") != 0) {
        const char *dot = strchr(s, '.');
        int len = dot ? (int)(dot - s) : (int)strlen(s);
        if (len == 0 || len > 63 || p + len + 6 > (int)sizeof query) {
            fprintf(stderr, "udpprobe: bad name %s\n", argv[3]);
            return 2;
        }
        query[p++] = (uint8_t)len;
        memcpy(query + p, s, len);
        p += len;
        s += len + (dot ? 1 : 0);
    }
    query[p++] = 0;
    query[p++] = 0; query[p++] = 6; /* SOA */
    query[p++] = 0; query[p++] = 1; /* IN */

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (fd < 0 || inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        fprintf(stderr, "udpprobe: bad address %s\n", argv[1]);
        return 2;
    }
    struct timeval wait = {.tv_sec = 0, .tv_usec = 10000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    double deadline = now() + atof(argv[4]);
    uint16_t first = (uint16_t)getpid(), id = first;
    uint8_t answer[4096];
    while (now() < deadline) {
        id++;
        query[0] = id >> 8;
        query[1] = id & 0xff;
        sendto(fd, query, p, 0, (struct sockaddr *)&server, sizeof server);
        double until = now() + 0.01;
        while (now() < until) {
            ssize_t n = recv(fd, answer, sizeof answer, 0);
            if (n < 0) {
                break; /* timed out, or refused: ask again */
            }
            uint16_t got = (uint16_t)(answer[0] << 8 | answer[1]);
            /* A response (QR) to any of this probe's queries. */
            if (n >= 12 && (answer[2] & 0x80) && (uint16_t)(got - first) <= (uint16_t)(id - first)) {
                return 0;
            }
        }
        /* A refused send (ICMP port unreachable) comes back at once: keep the 10 ms pace. */
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 0};
        double left = until - now();
        if (left > 0) {
            pause.tv_nsec = (long)(left * 1e9);
            nanosleep(&pause, NULL);
        }
    }
    return 1;
}
