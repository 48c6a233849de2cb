// SPDX-License-Identifier: GPL-2.0
/*
 * vmprobe.ko: the misc device /dev/vmprobe and its ioctl dispatch.
 *
 * Every command's argument is an extensible struct whose first __u32 is its
 * own size (see include/uapi/vmprobe.h). The dispatcher matches a command on
 * type, number and direction, never on the size bits, reads the caller's
 * size, copies the struct in with copy_struct_from_user() semantics, runs
 * the command on the kernel copy and writes min(caller's size, ours) back.
 *
 * The module keeps no mutable global state (its one parameter,
 * pio_any_hypervisor, is read-only after load; only the selftest build,
 * VMPROBE_SELFTEST, has writable test parameters): any number of tasks may
 * use the device at once, and an open file pins the module (fops.owner). Opening
 * needs CAP_SYS_RAWIO (include/uapi/vmprobe.h says why).
 *
 * Supported kernels: Linux 6.1 to 6.12 on x86-64, built W=1 clean and tested
 * (load, every ioctl, fuzz, unload) on Debian 12's 6.1.0 and
 * 6.12.*+deb12 kernels in the plain, -cloud and -rt flavours. There is no
 * version-dependent code: every API used exists, with the same meaning,
 * in 6.1 and 6.12 (the only casualty was no_llseek, gone in 6.12: leaving
 * .llseek unset with nonseekable_open() makes lseek() fail with ESPIPE on
 * both). Older kernels may work but are not tested; a newer kernel that
 * renames an accessor used here (rdmsr_safe(), cpuid(), read_cr0()...)
 * needs a port.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "vmprobe_kmod.h"

/* A struct bigger than a page is no future version of ours, just garbage. */
#define VMPROBE_MAX_USIZE	PAGE_SIZE

/* The command with its size bits cleared: what the dispatcher matches on. */
#define VMPROBE_CMD_KEY(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/*
 * Read the caller's struct into @kbuf (@ksize bytes, zero-extended).
 * Returns the caller's size, or a negative errno.
 */
static long vmprobe_copy_in(void *kbuf, size_t ksize, size_t size_ver0,
			    void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize > VMPROBE_MAX_USIZE)
		return -E2BIG;	/* as clone3() and openat2() */
	if (usize < size_ver0)
		return -EINVAL;
	ret = copy_struct_from_user(kbuf, ksize, uarg, usize);
	if (ret)
		return ret;	/* -E2BIG: unknown non-zero tail; -EFAULT */
	return usize;
}

/* Write back what both sides know, with `size` saying how much that was. */
static int vmprobe_copy_out(void __user *uarg, void *kbuf, size_t ksize,
			    u32 usize)
{
	u32 n = min_t(size_t, usize, ksize);

	*(u32 *)kbuf = n;	/* every struct starts with its __u32 size */
	return copy_to_user(uarg, kbuf, n) ? -EFAULT : 0;
}

/* Only these errors come with out fields worth reporting. */
static bool vmprobe_reports(int ret)
{
	return ret == 0 || ret == -EINTR || ret == -ERANGE;
}

#define VMPROBE_STRUCT_CMD(type, ver0, fn, uarg)			\
({									\
	void __user *__u = (uarg);					\
	struct type __k;						\
	long __usize = vmprobe_copy_in(&__k, sizeof(__k), (ver0), __u);	\
	long __ret = __usize;						\
	if (__usize >= 0) {						\
		__ret = fn(&__k);					\
		if (vmprobe_reports(__ret) &&				\
		    vmprobe_copy_out(__u, &__k, sizeof(__k), __usize))	\
			__ret = -EFAULT;				\
	}								\
	__ret;								\
})

static long vmprobe_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (VMPROBE_CMD_KEY(cmd)) {
	case VMPROBE_CMD_KEY(VMPROBE_IOC_INFO):
		return VMPROBE_STRUCT_CMD(vmprobe_info, VMPROBE_INFO_SIZE_VER0,
					  vmprobe_do_info, uarg);
	case VMPROBE_CMD_KEY(VMPROBE_IOC_NULL):
		return 0;
	case VMPROBE_CMD_KEY(VMPROBE_IOC_KTIMED):
		return VMPROBE_STRUCT_CMD(vmprobe_ktimed,
					  VMPROBE_KTIMED_SIZE_VER0,
					  vmprobe_do_ktimed, uarg);
	case VMPROBE_CMD_KEY(VMPROBE_IOC_GAPS):
		return VMPROBE_STRUCT_CMD(vmprobe_gaps, VMPROBE_GAPS_SIZE_VER0,
					  vmprobe_do_gaps, uarg);
	case VMPROBE_CMD_KEY(VMPROBE_IOC_IRQ):
		return VMPROBE_STRUCT_CMD(vmprobe_irq, VMPROBE_IRQ_SIZE_VER0,
					  vmprobe_do_irq, uarg);
	default:
		return -ENOTTY;
	}
}

/*
 * The node's mode is not enough: a udev rule or a bind mount can open it
 * up. The capability is checked against the opener's credentials once, at
 * open, as the msr driver does; a descriptor passed on keeps working.
 */
static int vmprobe_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	return nonseekable_open(inode, file);
}

static const struct file_operations vmprobe_fops = {
	.owner		= THIS_MODULE,
	.open		= vmprobe_open,
	.unlocked_ioctl	= vmprobe_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice vmprobe_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vmprobe",
	.fops	= &vmprobe_fops,
	.mode	= 0600,
};

static int __init vmprobe_init(void)
{
	int ret;

	vmprobe_ktimed_init();
	ret = misc_register(&vmprobe_miscdev);
	if (ret)
		vmprobe_ktimed_exit();
	return ret;
}

static void __exit vmprobe_exit(void)
{
	misc_deregister(&vmprobe_miscdev);
	vmprobe_ktimed_exit();
}

module_init(vmprobe_init);
module_exit(vmprobe_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmprobe developers");
MODULE_DESCRIPTION("vmprobe: in-kernel timing of VMM-sensitive instructions, interrupt round trips and stolen-time gaps");
MODULE_VERSION(VMPROBE_VERSION);
