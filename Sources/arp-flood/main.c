/*
 * arp-flood: a benchmark ARP request generator (BENCHMARKS.md).
 *
 * Sends Ethernet broadcast ARP requests ("who-has TARGET tell SENDER") through a
 * raw AF_PACKET socket on one interface, in batches with sendmmsg(2), for a fixed
 * packet count (-c) or a fixed duration (-d), then reports what it sent:
 *
 *   arp-flood -i vb -t 10.77.0.1 -c 100000
 *   arp-flood -i vb -t 10.77.0.1 -d 10 -b 64
 *
 * stdout gets one machine-readable line:  sent=N seconds=S pps=R
 * stderr gets the same in words. Exit 0 when every packet was sent, 1 on error,
 * 64 on bad usage. Needs root (CAP_NET_RAW). Linux only.
 *
 * Every packet is counted only once sendmmsg says it was handed to the device,
 * so `sent` is exact: with the veth pair of the benchmark, each sent request
 * reaches arp_process on the peer once (unless the kernel's backlog drops it,
 * which /proc/net/softnet_stat shows).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define FRAME_LEN 60 /* 14 Ethernet + 28 ARP, padded to the Ethernet minimum (without FCS) */

struct __attribute__((packed)) arp_frame {
	uint8_t dst[6];
	uint8_t src[6];
	uint16_t ethertype;
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6];
	uint8_t sip[4];
	uint8_t tha[6];
	uint8_t tip[4];
	uint8_t pad[FRAME_LEN - 42];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: arp-flood -i IFACE -t TARGET_IP (-c COUNT | -d SECONDS) [-s SENDER_IP] [-b BATCH] [-q]\n"
		"  -i IFACE      interface to send on (e.g. one end of a veth pair)\n"
		"  -t TARGET_IP  the address asked for (who-has TARGET_IP)\n"
		"  -c COUNT      send exactly COUNT requests\n"
		"  -d SECONDS    send for SECONDS (fractions allowed)\n"
		"  -s SENDER_IP  sender protocol address (default: the interface's first IPv4 address)\n"
		"  -b BATCH      packets per sendmmsg call, 1-%d (default 64)\n"
		"  -q            no summary on stderr\n"
		"prints 'sent=N seconds=S pps=R' on stdout\n",
		MAX_BATCH);
}

static int first_ipv4(const char *ifname, struct in_addr *out)
{
	struct ifaddrs *ifa, *p;
	int found = 0;

	if (getifaddrs(&ifa) != 0)
		return 0;
	for (p = ifa; p; p = p->ifa_next) {
		if (p->ifa_addr && p->ifa_addr->sa_family == AF_INET && strcmp(p->ifa_name, ifname) == 0) {
			*out = ((struct sockaddr_in *)p->ifa_addr)->sin_addr;
			found = 1;
			break;
		}
	}
	freeifaddrs(ifa);
	return found;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *target = NULL, *sender = NULL;
	long long count = -1;
	double duration = -1;
	int batch = 64, quiet = 0, opt;

	while ((opt = getopt(argc, argv, "i:t:c:d:s:b:qh")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 't': target = optarg; break;
		case 's': sender = optarg; break;
		case 'c': count = atoll(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (!ifname || !target || (count < 0) == (duration < 0) || batch < 1 || batch > MAX_BATCH ||
	    count == 0 || duration == 0) {
		fprintf(stderr, "arp-flood: give -i, -t and exactly one of -c COUNT (> 0) or -d SECONDS (> 0); -b is 1-%d\n",
			MAX_BATCH);
		usage(stderr);
		return 64;
	}

	struct in_addr tip, sip;
	if (inet_pton(AF_INET, target, &tip) != 1) {
		fprintf(stderr, "arp-flood: -t %s is not an IPv4 address\n", target);
		return 64;
	}
	if (sender) {
		if (inet_pton(AF_INET, sender, &sip) != 1) {
			fprintf(stderr, "arp-flood: -s %s is not an IPv4 address\n", sender);
			return 64;
		}
	} else if (!first_ipv4(ifname, &sip)) {
		fprintf(stderr, "arp-flood: %s has no IPv4 address; give one with -s\n", ifname);
		return 1;
	}

	int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: send only, receive nothing */
	if (fd < 0) {
		fprintf(stderr, "arp-flood: socket(AF_PACKET): %s (needs root or CAP_NET_RAW)\n", strerror(errno));
		return 1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
		fprintf(stderr, "arp-flood: no interface %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	int ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		fprintf(stderr, "arp-flood: SIOCGIFHWADDR %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		fprintf(stderr, "arp-flood: %s is not an Ethernet interface\n", ifname);
		return 1;
	}

	struct arp_frame frame;
	memset(&frame, 0, sizeof(frame));
	memset(frame.dst, 0xff, 6);
	memcpy(frame.src, ifr.ifr_hwaddr.sa_data, 6);
	frame.ethertype = htons(ETH_P_ARP);
	frame.hrd = htons(ARPHRD_ETHER);
	frame.pro = htons(ETH_P_IP);
	frame.hln = 6;
	frame.pln = 4;
	frame.op = htons(ARPOP_REQUEST);
	memcpy(frame.sha, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(frame.sip, &sip, 4);
	memcpy(frame.tip, &tip, 4);

	struct sockaddr_ll to;
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_ARP);
	to.sll_ifindex = ifindex;
	to.sll_halen = 6;
	memset(to.sll_addr, 0xff, 6);

	/* Every message points at the same frame: the kernel copies it on each send. */
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	for (int i = 0; i < batch; i++) {
		iov[i].iov_base = &frame;
		iov[i].iov_len = sizeof(frame);
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	long long sent = 0;
	unsigned long long enobufs = 0;
	double start = now_s(), end = duration > 0 ? start + duration : 0, t = start;
	int rc = 0;

	while (!stop_requested) {
		int n = batch;
		if (count > 0) {
			if (sent >= count)
				break;
			if (count - sent < n)
				n = (int)(count - sent);
		} else if ((t = now_s()) >= end) {
			break;
		}
		int r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS || errno == EAGAIN) { /* device queue full: back off, retry */
				enobufs++;
				usleep(50);
				continue;
			}
			fprintf(stderr, "arp-flood: sendmmsg on %s: %s\n", ifname, strerror(errno));
			rc = 1;
			break;
		}
		sent += r;
	}
	double elapsed = now_s() - start;
	if (elapsed <= 0)
		elapsed = 1e-9;
	if (count > 0 && sent < count && rc == 0)
		rc = 1; /* interrupted */

	printf("sent=%lld seconds=%.6f pps=%.1f\n", sent, elapsed, sent / elapsed);
	fflush(stdout);
	if (!quiet)
		fprintf(stderr, "arp-flood: %lld ARP requests on %s in %.3f s: %.0f packets/s (batch %d%s)\n", sent, ifname,
			elapsed, sent / elapsed, batch, enobufs ? ", had to back off on ENOBUFS" : "");
	close(fd);
	return rc;
}
