/*
 * The floor of a chat server's send path on this machine: the kernel work every chat server pays
 * per one-to-one message, and nothing else. See README.md for how to build and run it.
 *
 *   relay serve PORT
 *       One thread, one epoll loop, non-blocking sockets (as a chat server's event loop). Each
 *       connection says once which pair it belongs to and whether it sends or receives. For every
 *       64-byte frame read from a sender it writes one 64-byte frame back to that sender (the
 *       "sent" confirmation) and one to the pair's recipient (the "message"). When the last
 *       connection of a run closes it prints the messages relayed and its own CPU per message
 *       (getrusage: user + system), then waits for the next run.
 *
 *   relay load PORT PAIRS RATE SECONDS
 *       Opens PAIRS sender/recipient connection pairs and sends RATE frames per second in all,
 *       spread over the pairs, for SECONDS; reads every confirmation and delivery, and prints how
 *       many it sent and got back. Its own CPU is not part of the floor.
 *
 * No storage, no parsing beyond framing, no allocation per message: deliberately less than any
 * real server does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME 64
#define MAX_FDS 65536
#define MAX_PAIRS 32768

enum role { UNKNOWN = 0, SENDER = 1, RECIPIENT = 2 };

struct conn {
    int role;
    uint32_t pair;
    int have;                 /* bytes of the current frame (or hello) read so far */
    unsigned char buf[FRAME];
};

static struct conn conns[MAX_FDS];
static int recipient_of[MAX_PAIRS];

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* A frame is small and the socket buffers are far from full at these rates: a short write is an error here. */
static void write_frame(int fd, const unsigned char *frame) {
    if (fd < 0) {
        return;
    }
    ssize_t n = send(fd, frame, FRAME, MSG_NOSIGNAL);
    if (n != FRAME) {
        fprintf(stderr, "short write on fd %d: %zd (%s)\n", fd, n, n < 0 ? strerror(errno) : "partial");
    }
}

static int serve(int port) {
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(lfd, 4096) < 0) die("listen");
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    for (int i = 0; i < MAX_PAIRS; i++) recipient_of[i] = -1;
    fprintf(stderr, "relay listening on 127.0.0.1:%d\n", port);

    long open = 0, relayed = 0;
    double cpu_at_start = 0, t_at_start = 0;
    unsigned char ack[FRAME];
    memset(ack, 0, sizeof ack);
    ack[0] = 0x81;            /* a final text frame header, as a WebSocket server would send */
    ack[1] = FRAME - 2;
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (c >= MAX_FDS) { close(c); continue; }
                    nodelay(c);
                    memset(&conns[c], 0, sizeof conns[c]);
                    struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                    if (open++ == 0) {
                        relayed = 0;
                        cpu_at_start = cpu_s();
                        t_at_start = now_s();
                    }
                }
                continue;
            }
            struct conn *k = &conns[fd];
            for (;;) {
                int want = (k->role == UNKNOWN ? 8 : FRAME) - k->have;
                ssize_t r = read(fd, k->buf + k->have, want);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    if (k->role == RECIPIENT && k->pair < MAX_PAIRS) recipient_of[k->pair] = -1;
                    close(fd);
                    if (--open == 0) {
                        double cpu = cpu_s() - cpu_at_start, t = now_s() - t_at_start;
                        printf("relayed %ld messages in %.1f s (%.0f/s): %.3f s of CPU, %.1f us per message\n",
                               relayed, t, relayed / t, cpu, relayed ? cpu * 1e6 / relayed : 0.0);
                        fflush(stdout);
                    }
                    break;
                }
                if (r < 0) break;   /* EAGAIN: level-triggered, back to epoll */
                k->have += r;
                if (k->role == UNKNOWN) {
                    if (k->have < 8) continue;
                    uint32_t pair, role;
                    memcpy(&pair, k->buf, 4);
                    memcpy(&role, k->buf + 4, 4);
                    k->pair = pair;
                    k->role = role == 1 ? RECIPIENT : SENDER;
                    if (k->role == RECIPIENT && pair < MAX_PAIRS) recipient_of[pair] = fd;
                    k->have = 0;
                    continue;
                }
                if (k->have < FRAME) continue;
                k->have = 0;
                relayed++;
                write_frame(fd, ack);
                write_frame(k->pair < MAX_PAIRS ? recipient_of[k->pair] : -1, k->buf);
                break;          /* one frame per readiness, as an event loop serving many connections */
            }
        }
    }
    return 0;
}

static int connect_to(int port, uint32_t pair, uint32_t role) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    nodelay(fd);
    unsigned char hello[8];
    memcpy(hello, &pair, 4);
    memcpy(hello + 4, &role, 4);
    if (write(fd, hello, 8) != 8) die("hello");
    return fd;
}

static long drain(int ep) {
    struct epoll_event events[256];
    unsigned char buf[65536];
    long frames_bytes = 0;
    int n = epoll_wait(ep, events, 256, 0);
    for (int i = 0; i < n; i++) {
        ssize_t r;
        while ((r = recv(events[i].data.fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) frames_bytes += r;
    }
    return frames_bytes;
}

static int load(int port, int pairs, long rate, int seconds) {
    if (pairs < 1 || pairs > MAX_PAIRS) { fprintf(stderr, "PAIRS must be 1..%d\n", MAX_PAIRS); return 2; }
    int *senders = calloc(pairs, sizeof(int));
    int *recipients = calloc(pairs, sizeof(int));
    int ep = epoll_create1(0);
    for (int p = 0; p < pairs; p++) {
        recipients[p] = connect_to(port, p, 1);
        senders[p] = connect_to(port, p, 0);
        struct epoll_event e1 = {.events = EPOLLIN, .data.fd = recipients[p]};
        struct epoll_event e2 = {.events = EPOLLIN, .data.fd = senders[p]};
        epoll_ctl(ep, EPOLL_CTL_ADD, recipients[p], &e1);
        epoll_ctl(ep, EPOLL_CTL_ADD, senders[p], &e2);
    }
    usleep(200000);
    unsigned char frame[FRAME];
    memset(frame, 'x', sizeof frame);
    frame[0] = 0x81;
    frame[1] = 0x80 | (FRAME - 6);   /* masked, as a client's frame is */
    long sent = 0, got = 0;
    double start = now_s(), end = start + seconds;
    int next = 0;
    for (;;) {
        double t = now_s();
        if (t >= end) break;
        long due = (long) ((t - start) * rate);
        while (sent < due) {
            if (write(senders[next], frame, FRAME) != FRAME) die("send");
            next = (next + 1) % pairs;
            sent++;
        }
        got += drain(ep);
        struct timespec pause = {0, 200000};   /* 0.2 ms between bursts */
        nanosleep(&pause, NULL);
    }
    double deadline = now_s() + 30;
    while (got < 2 * sent * FRAME && now_s() < deadline) {
        got += drain(ep);
        usleep(1000);
    }
    printf("sent %ld frames at %ld/s over %d pairs; got back %ld of %ld frames (confirmations + deliveries)\n",
           sent, rate, pairs, got / FRAME, 2 * sent);
    for (int p = 0; p < pairs; p++) {
        close(senders[p]);
        close(recipients[p]);
    }
    return got == 2 * sent * FRAME ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "serve") == 0) {
        return serve(atoi(argv[2]));
    }
    if (argc == 6 && strcmp(argv[1], "load") == 0) {
        return load(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atoi(argv[5]));
    }
    fprintf(stderr, "usage: relay serve PORT | relay load PORT PAIRS RATE SECONDS\n");
    return 2;
}
