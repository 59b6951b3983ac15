/*
 * unix-relay: listens on a Unix socket and relays each connection to a TCP address.
 * Built statically on the host by kernel-tests/run and copied into the QEMU guest, so that the
 * guest kernel can mount dchan with trans=unix:
 *
 *   guest: mount -t 9p -o trans=unix PATH  ->  unix-relay  ->  10.0.2.2:PORT (host)
 *   host:  relay.py (TCP -> dchan's --unix socket)
 *
 *   unix-relay SOCKET-PATH HOST PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int pump(int from, int to) {
	char buf[65536];
	ssize_t n = read(from, buf, sizeof buf);
	if (n <= 0)
		return -1;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, n - off);
		if (w <= 0)
			return -1;
		off += w;
	}
	return 0;
}

static void relay(int a, const char *host, int port) {
	int b = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, host, &sin.sin_addr);
	if (b < 0 || connect(b, (struct sockaddr *)&sin, sizeof sin) < 0)
		exit(1);
	struct pollfd p[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
	for (;;) {
		if (poll(p, 2, -1) < 0)
			exit(1);
		if ((p[0].revents & (POLLIN | POLLHUP)) && pump(a, b) < 0)
			exit(0);
		if ((p[1].revents & (POLLIN | POLLHUP)) && pump(b, a) < 0)
			exit(0);
	}
}

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: unix-relay SOCKET-PATH HOST PORT\n");
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	strncpy(sun.sun_path, argv[1], sizeof sun.sun_path - 1);
	unlink(argv[1]);
	if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(s, 16) < 0) {
		perror("unix-relay");
		return 1;
	}
	for (;;) {
		int a = accept(s, NULL, NULL);
		if (a < 0)
			continue;
		if (fork() == 0) {
			close(s);
			relay(a, argv[2], atoi(argv[3]));
		}
		close(a);
	}
}
