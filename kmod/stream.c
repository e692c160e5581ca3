// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream: a probe rings a doorbell, a worker sends the entries.
 *
 * A kretprobe on ima_add_template_entry() sees every entry IMA appends,
 * violations and buffer entries included, but its handler runs in atomic
 * context and return handlers do not run in log order. So the handler only
 * queues the worker, and the worker walks the list from its cursor to the
 * end and sends each entry with its index. Order is log order by
 * construction, and a missed probe only delays entries until the next probe
 * or the sweep that runs once a second. The worker never opens a file: that
 * would itself be measured.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/workqueue.h>

#include "imatap.h"

/* Return probes that may wait at once; IMA sleeps on a mutex and the TPM. */
#define PROBE_MAXACTIVE		256
#define SWEEP_INTERVAL		HZ
/*
 * Under a steady stream of measurements the worker runs at most once a
 * jiffy, so that a burst of entries costs IMA one wake-up instead of one
 * each; an entry after a pause is sent at once.
 */
#define BATCH_INTERVAL		1

static struct workqueue_struct *stream_wq;
static struct delayed_work stream_work;
static struct delayed_work sweep_work;
static unsigned long last_run;

/* Touched only by stream_work, which never runs concurrently with itself. */
static struct list_head *cursor;
static u64 next_index;

static atomic64_t sent = ATOMIC64_INIT(0);
static atomic64_t send_failures = ATOMIC64_INIT(0);

static void stream_work_fn(struct work_struct *work)
{
	struct list_head *pos;

	while ((pos = imatap_log_next(cursor))) {
		/*
		 * Entries appended while nobody listens are skipped: a new
		 * listener catches up with a dump.
		 */
		if (imatap_netlink_has_listeners()) {
			if (imatap_netlink_send_entry(imatap_log_entry(pos),
						      next_index))
				atomic64_inc(&send_failures);
			else
				atomic64_inc(&sent);
		}
		cursor = pos;
		WRITE_ONCE(next_index, next_index + 1);
		cond_resched();
	}
	WRITE_ONCE(last_run, jiffies);
}

/* Queue the worker now, or a jiffy after its last run if that was recent. */
void imatap_stream_kick(void)
{
	unsigned long delay = 0;

	if (time_before(jiffies, READ_ONCE(last_run) + BATCH_INTERVAL))
		delay = BATCH_INTERVAL;
	queue_delayed_work(stream_wq, &stream_work, delay);
}

static void sweep_work_fn(struct work_struct *work)
{
	imatap_stream_kick();
	queue_delayed_work(stream_wq, &sweep_work, SWEEP_INTERVAL);
}

/*
 * Queue the worker when an entry was appended (anything but 0 means it was
 * not) and somebody listens. Without listeners the worker would only move
 * its cursor, which the sweep does once a second at less cost to IMA.
 */
static int entry_returned(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if ((int)regs_return_value(regs) == 0 &&
	    imatap_netlink_has_listeners())
		imatap_stream_kick();
	return 0;
}

static struct kretprobe probe = {
	.kp.symbol_name	= "ima_add_template_entry",
	.handler	= entry_returned,
	.maxactive	= PROBE_MAXACTIVE,
};

/*
 * Set the cursor to the end of the log. Call before the netlink family is
 * registered, so every entry appended after a listener could join is sent.
 */
int imatap_stream_init(void)
{
	stream_wq = alloc_ordered_workqueue(KBUILD_MODNAME, 0);
	if (!stream_wq)
		return -ENOMEM;
	INIT_DELAYED_WORK(&stream_work, stream_work_fn);
	INIT_DEFERRABLE_WORK(&sweep_work, sweep_work_fn);
	cursor = imatap_log_seek(U64_MAX, &next_index);
	last_run = jiffies - BATCH_INTERVAL;
	return 0;
}

int imatap_stream_start(void)
{
	int err;

	err = register_kretprobe(&probe);
	if (err) {
		pr_err("cannot probe ima_add_template_entry: %d\n", err);
		return err;
	}
	queue_delayed_work(stream_wq, &sweep_work, SWEEP_INTERVAL);
	imatap_stream_kick();
	return 0;
}

void imatap_stream_stop(void)
{
	unregister_kretprobe(&probe);
	cancel_delayed_work_sync(&sweep_work);
	cancel_delayed_work_sync(&stream_work);
}

void imatap_stream_exit(void)
{
	destroy_workqueue(stream_wq);
}

void imatap_stream_stats(struct imatap_stream_stats *stats)
{
	stats->next_index = READ_ONCE(next_index);
	stats->sent = atomic64_read(&sent);
	stats->send_failures = atomic64_read(&send_failures);
	stats->probe_misses = probe.nmissed + probe.kp.nmissed;
}
