// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the driver domain the lifecycle operation driver-domain starts
 * (scripts/dom0-init): a PV domU whose kernel runs netback for the test
 * guest's vif. It does what xl devd and the vif hotplug script do in a
 * full driver domain, and nothing else: each new backend interface
 * vif<FE>.<DEVID> gets the address in pvci_drvdom_addr= on the kernel
 * command line (/24) and is brought up, then its hotplug-status is
 * written "connected", which netback waits for before it connects. The
 * kernel answers the guest's pings. A device the toolstack removes
 * ("online" 0) has its directory removed once netback has closed it.
 * Static, no shell.
 *
 * XenStore is spoken through /dev/xen/xenbus: a request is a 16-byte
 * header (type, request id, transaction, length) and its payload, and so
 * is the reply (include/xen/interface/io/xs_wire.h). Paths without a
 * leading / are relative to this domain's /local/domain/<domid>.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { XS_DIRECTORY = 1, XS_READ = 2, XS_WRITE = 11, XS_RM = 13, XS_ERROR = 16 };

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

#define XS_MAX 4096

static int xb = -1;
static uint32_t req_id;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("drvdom: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * One request: PATH, then VALUE for XS_WRITE. The reply's payload goes to
 * OUT (NUL-terminated); returns its length, or -1 with OUT saying why (an
 * XS_ERROR reply's error name, e.g. ENOENT for no such node).
 */
static int xs(uint32_t type, const char *path, const char *value, char *out)
{
	char msg[sizeof(struct xs_hdr) + XS_MAX];
	struct xs_hdr h = { .type = type, .req_id = ++req_id };
	size_t lp = strlen(path) + 1, lv = value ? strlen(value) : 0;

	*out = '\0';
	if (lp + lv > XS_MAX)
		return -1;
	h.len = lp + lv;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), path, lp);
	if (value)
		memcpy(msg + sizeof(h) + lp, value, lv);
	if (write(xb, msg, sizeof(h) + h.len) != (ssize_t)(sizeof(h) + h.len) ||
	    read_all(xb, &h, sizeof(h)) || h.len > XS_MAX ||
	    read_all(xb, msg, h.len)) {
		snprintf(out, XS_MAX, "/dev/xen/xenbus: %s", strerror(errno));
		return -1;
	}
	memcpy(out, msg, h.len);
	out[h.len] = '\0';
	return h.type == XS_ERROR ? -1 : (int)h.len;
}

static int set_ifaddr(int s, const char *ifname, unsigned long req,
		      in_addr_t a)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = a;
	return ioctl(s, req, &ifr);
}

static int bring_up(const char *ifname, in_addr_t addr)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int ret = -1;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!set_ifaddr(s, ifname, SIOCSIFADDR, addr) &&
	    !set_ifaddr(s, ifname, SIOCSIFNETMASK, htonl(0xffffff00)) &&
	    !ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return ret;
}

/* The backend devices of frontend FE without a hotplug-status yet. */
static void serve_frontend(const char *fe, in_addr_t addr, const char *astr)
{
	char devs[XS_MAX + 1], path[256], val[XS_MAX + 1], ifname[IFNAMSIZ];
	struct stat st;
	int n, i;

	snprintf(path, sizeof(path), "backend/vif/%s", fe);
	n = xs(XS_DIRECTORY, path, NULL, devs);
	for (i = 0; n > 0 && i < n; i += strlen(devs + i) + 1) {
		const char *dev = devs + i;

		snprintf(ifname, sizeof(ifname), "vif%s.%s", fe, dev);
		/*
		 * Removed by the toolstack: "online" 0, and once netback has
		 * closed the device, the directory goes (xl devd's job: libxl
		 * in dom0 waits for it).
		 */
		snprintf(path, sizeof(path), "backend/vif/%s/%s/online", fe,
			 dev);
		if (xs(XS_READ, path, NULL, val) >= 0 && !strcmp(val, "0")) {
			snprintf(path, sizeof(path), "backend/vif/%s/%s/state",
				 fe, dev);
			if (xs(XS_READ, path, NULL, val) < 0 ||
			    strcmp(val, "6"))
				continue;
			snprintf(path, sizeof(path), "backend/vif/%s/%s", fe,
				 dev);
			if (xs(XS_RM, path, NULL, val) < 0)
				say("%s: cannot remove %s", ifname, path);
			else
				say("%s closed, %s removed", ifname, path);
			continue;
		}
		snprintf(path, sizeof(path), "backend/vif/%s/%s/hotplug-status",
			 fe, dev);
		if (xs(XS_READ, path, NULL, val) > 0)
			continue;	/* done (libxl writes it empty) */
		snprintf(val, sizeof(val), "/sys/class/net/%s", ifname);
		if (stat(val, &st))
			continue;	/* netback has not made it yet */
		if (bring_up(ifname, addr)) {
			say("%s: cannot bring it up with %s/24", ifname, astr);
			continue;
		}
		if (xs(XS_WRITE, path, "connected", val) < 0)
			say("%s: cannot write %s", ifname, path);
		else
			say("%s up, %s/24, hotplug-status connected", ifname,
			    astr);
	}
}

int main(void)
{
	const char *astr = getenv("pvci_drvdom_addr");
	struct timespec tick = { 0, 200 * 1000 * 1000 };
	char fes[XS_MAX + 1], val[XS_MAX + 1];
	struct in_addr addr;
	int i, n, fd;

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (!astr || !inet_aton(astr, &addr)) {
		say("no address in pvci_drvdom_addr=%s", astr ? astr : "");
		for (;;)
			pause();
	}
	for (i = 0; i < 100 && xb < 0; i++) {
		xb = open("/dev/xen/xenbus", O_RDWR);
		if (xb < 0)
			nanosleep(&tick, NULL);
	}
	if (xb < 0) {
		say("no XenStore: /dev/xen/xenbus: %s", strerror(errno));
		for (;;)
			pause();
	}
	if (xs(XS_WRITE, "data/drvdom-ready", "1", val) < 0) {
		say("cannot write data/drvdom-ready: %s", val);
		for (;;)
			pause();
	}
	say("ready, serving backend/vif with %s/24", astr);
	for (;;) {
		n = xs(XS_DIRECTORY, "backend/vif", NULL, fes);
		for (i = 0; n > 0 && i < n; i += strlen(fes + i) + 1)
			serve_frontend(fes + i, addr.s_addr, astr);
		nanosleep(&tick, NULL);
	}
}
