// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream: a probe rings a doorbell, a worker sends the entries.
 *
 * In Linux 6.1 ima_add_template_entry() ends every append, violations and
 * buffer entries included, with a call to integrity_audit_msg() after it
 * has unlocked the list, passing AUDIT_INTEGRITY_PCR and its result. A
 * kprobe there fires for each entry once it is in the list, but its handler
 * runs in atomic context and concurrent calls reach it in no particular
 * order. So the handler only queues the worker, and the worker walks the
 * list from its cursor to the end and sends each entry with its index.
 * Order is log order by construction, and a missed probe only delays
 * entries until the next probe or the sweep that runs once a second. The
 * worker never opens a file: that would itself be measured.
 *
 * The probe sits on the first instruction after the function's ftrace
 * site and stays an int3 probe. A kprobe on the site itself goes through
 * ftrace, so that every load and unload rewrites the call there with
 * text_poke_bp() while IMA runs through it. Under QEMU's TCG that made the
 * kernel jump to address 0 or hang at the site, as the section "Reloading"
 * of Documentation/kernel-module.rst explains.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/workqueue.h>

#include "imatap.h"

#define PROBED_FUNCTION		"integrity_audit_msg"
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

static void kick_work_fn(struct irq_work *work)
{
	imatap_stream_kick();
}

/*
 * x86 runs the handler of an int3 kprobe as an NMI, which must not take
 * the workqueue's locks, so the handler queues the worker through this.
 */
static DEFINE_IRQ_WORK(kick_work, kick_work_fn);

/*
 * Queue the worker when integrity_audit_msg() reports an appended entry
 * (AUDIT_INTEGRITY_PCR with result 0) and a socket has joined the event
 * group. Other calls that match only cause a run that finds nothing new.
 * Without listeners the worker would only move its cursor, which the sweep
 * does once a second at less cost to IMA.
 */
static int audit_msg_called(struct kprobe *p, struct pt_regs *regs)
{
	/* integrity_audit_msg(audit_msgno, inode, fname, op, cause, result, info) */
	int audit_msgno = regs_get_kernel_argument(regs, 0);
	int result = regs_get_kernel_argument(regs, 5);

	if (audit_msgno != AUDIT_INTEGRITY_PCR || result != 0 ||
	    !imatap_netlink_has_listeners())
		return 0;

	/*
	 * A queued worker that has not started yet will send the entry,
	 * because the barrier orders the append before this read of the
	 * pending bit, and the worker clears the bit and issues a full barrier
	 * before it walks the list. Skipping the irq_work then saves a
	 * self-interrupt for most entries of a burst.
	 */
	smp_mb();
	if (!delayed_work_pending(&stream_work))
		irq_work_queue(&kick_work);
	return 0;
}

/*
 * Does nothing, but kprobes never optimize a probe with a post handler
 * into a jump, which would mean more text_poke_bp() rewrites of the
 * probed function at each load and unload.
 */
static void audit_msg_stepped(struct kprobe *p, struct pt_regs *regs,
			      unsigned long flags)
{
}

static struct kprobe probe = {
	.symbol_name	= PROBED_FUNCTION,
	.pre_handler	= audit_msg_called,
	.post_handler	= audit_msg_stepped,
};

typedef unsigned long (*ftrace_location_t)(unsigned long ip);

/*
 * Set the probe's offset to the first instruction after the ftrace site of
 * PROBED_FUNCTION, which follows endbr64 on kernels with IBT.
 */
static int place_probe(void)
{
	ftrace_location_t find_site;
	unsigned long func, site;

	func = imatap_lookup_name(PROBED_FUNCTION);
	if (!func) {
		pr_err("symbol " PROBED_FUNCTION " not found: needs CONFIG_INTEGRITY_AUDIT\n");
		return -ENOENT;
	}
	if (!IMATAP_FTRACE_SITE_SIZE)
		return 0;

	find_site = (ftrace_location_t)imatap_lookup_name("ftrace_location");
	if (!find_site) {
		pr_err("symbol ftrace_location not found: the probe must avoid ftrace sites\n");
		return -ENOENT;
	}
	/*
	 * 0 means ftrace cannot trace the function. Offset 0 is right then,
	 * because kprobes place a probe there after any endbr64.
	 */
	site = find_site(func);
	if (site)
		probe.offset = site + IMATAP_FTRACE_SITE_SIZE - func;
	return 0;
}

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

/* After this no handler runs and no kick from one is pending. */
static void stop_probe(void)
{
	unregister_kprobe(&probe);
	irq_work_sync(&kick_work);
	cancel_delayed_work_sync(&stream_work);
}

int imatap_stream_start(void)
{
	int err;

	err = place_probe();
	if (err)
		return err;
	err = register_kprobe(&probe);
	if (err) {
		pr_err("cannot probe " PROBED_FUNCTION "+%#x: %d\n",
		       probe.offset, err);
		return err;
	}
	if (probe.flags & KPROBE_FLAG_FTRACE) {
		stop_probe();
		pr_err("the probe must avoid ftrace sites but went on one at "
		       PROBED_FUNCTION "+%#x\n", probe.offset);
		return -EINVAL;
	}
	queue_delayed_work(stream_wq, &sweep_work, SWEEP_INTERVAL);
	imatap_stream_kick();
	return 0;
}

void imatap_stream_stop(void)
{
	stop_probe();
	cancel_delayed_work_sync(&sweep_work);
	/* The sweep may have queued the worker again. */
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
	stats->probe_misses = probe.nmissed;
}
