// SPDX-License-Identifier: GPL-2.0
/*
 * imatap: every IMA measurement-list entry, in log order, over generic
 * netlink.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "imatap.h"

static bool fault_layout;
module_param(fault_layout, bool, 0444);
MODULE_PARM_DESC(fault_layout,
		 "Testing only: read IMA entries one pointer off so that the load-time layout check must refuse to load");

static int __init imatap_init(void)
{
	int err;

	err = imatap_symbols_init();
	if (err)
		return err;
	err = imatap_layout_check(fault_layout);
	if (err)
		return err;

	err = imatap_stream_init();
	if (err)
		return err;
	err = imatap_netlink_init();
	if (err)
		goto err_stream;
	err = imatap_stream_start();
	if (err)
		goto err_netlink;

	pr_info("streaming IMA measurements, version " IMATAP_VERSION "\n");
	return 0;

err_netlink:
	imatap_netlink_exit();
err_stream:
	imatap_stream_exit();
	return err;
}

static void __exit imatap_exit(void)
{
	imatap_stream_stop();
	imatap_netlink_exit();
	imatap_stream_exit();
}

module_init(imatap_init);
module_exit(imatap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMA measurement list as a generic netlink stream");
MODULE_VERSION(IMATAP_VERSION);
