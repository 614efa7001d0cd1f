// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the initramfs scripts/debian-kernel.sh makes for a Debian
 * kernel booted as the domU: load the modules listed in /modules (one file
 * name per line, in order: the block frontend and the root file system),
 * mount /dev/xvda and start its /sbin/init. Static, no shell needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void hang(const char *what)
{
	fprintf(stderr, "pvci-initramfs: %s: %s\n", what, strerror(errno));
	for (;;)
		pause();
}

int main(void)
{
	char name[256], path[300];
	FILE *list;
	int fd, i;

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	list = fopen("/modules", "r");
	if (!list)
		hang("/modules");
	while (fgets(name, sizeof(name), list)) {
		name[strcspn(name, "\n")] = '\0';
		snprintf(path, sizeof(path), "/lib/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
			fprintf(stderr, "pvci-initramfs: %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	fclose(list);
	for (i = 0; i < 600 && access("/dev/xvda", F_OK); i++)
		usleep(100000);
	mkdir("/root", 0755);
	if (mount("/dev/xvda", "/root", "ext4", 0, NULL))
		hang("mount /dev/xvda");
	if (mount("/dev", "/root/dev", NULL, MS_MOVE, NULL))
		hang("move /dev");
	if (chdir("/root") || mount(".", "/", NULL, MS_MOVE, NULL) || chroot("."))
		hang("switch to /dev/xvda");
	chdir("/");
	execl("/sbin/init", "/sbin/init", (char *)NULL);
	hang("/sbin/init");
	return 1;
}
