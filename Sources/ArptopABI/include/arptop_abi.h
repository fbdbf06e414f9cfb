/*
 * arptop_abi.h — the one contract between the BPF programs (BPF/arptop.bpf.c)
 * and the Swift side (imported as the ArptopABI module).
 *
 * Every record that crosses the kernel/user boundary is defined here, with
 * fixed-width fields only. The BPF side includes this file after its own
 * kernel type definitions (which define __VMLINUX_H__); user space gets the
 * __u32-style types from <linux/types.h>.
 *
 * Object layout (names the loader looks up):
 *   maps:     counts   (PERCPU_HASH, struct arptop_count_key -> __u64)
 *             events   (RINGBUF of struct arptop_event)
 *             stats    (PERCPU_ARRAY, index enum arptop_stat -> __u64)
 *             task_stacks (HASH, tid -> stack of entry records of calls in
 *             flight in task context; deleted when empty; internal)
 *             irq_stacks (PERCPU_ARRAY, the same for softirq/irq context; internal)
 *             cpu_state (PERCPU_ARRAY: log rate-limit bucket, sampled count,
 *             softirq depth; internal, its sampled count is added to
 *             ARPTOP_STAT_EVENTS_SAMPLED by the loader)
 *   programs: for each function F in {arp_process, ip_route_input_slow,
 *             fib_lookup, fib_validate_source}:
 *               F_fexit, plus F_fentry for arp_process and fib_validate_source
 *                 (BPF trampolines; the fexit of the other two sees every
 *                 argument and needs no entry program)
 *               F_kprobe, F_kretprobe   (kprobe twins; loaded together)
 *             fib_lookup_tp (tracepoint fib:fib_table_lookup), and
 *             softirq_entry_tp/softirq_exit_tp (attached with the tracepoint
 *             path only, to tell softirq context from process context).
 *   rodata:   log_rate_per_cpu (events/s per CPU put into the ring buffer,
 *             0 = unlimited); the counts map is never rate limited;
 *             fib_target_is_fib_lookup, track_softirq (set by the loader).
 */
#ifndef ARPTOP_ABI_H
#define ARPTOP_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define ARPTOP_ABI_VERSION 2
#define ARPTOP_IFNAMSIZ 16

/* The four functions arptop watches (the pane order of the UI). */
enum arptop_function {
	ARPTOP_FN_ARP_PROCESS = 0,
	ARPTOP_FN_IP_ROUTE_INPUT_SLOW = 1,
	ARPTOP_FN_FIB_LOOKUP = 2, /* fib_lookup, or fib_table_lookup where fib_lookup is inline */
	ARPTOP_FN_FIB_VALIDATE_SOURCE = 3,
	ARPTOP_FN_COUNT = 4,
};

/*
 * Key of the per-CPU `counts` map: one row per distinct outcome. The value is
 * a __u64 call count per CPU; user space sums the CPUs. Counts are updated on
 * every return of a probed function and do not depend on the event stream.
 */
struct arptop_count_key {
	__u32 function;    /* enum arptop_function */
	__u32 netns;       /* network namespace inode number; 0 when unknown */
	__s32 ifindex;     /* interface index in that netns; 0 when unknown */
	__s32 ret;         /* return value as the kernel returned it (32-bit, sign-extended) */
	__u32 route_type;  /* fib_lookup only: RTN_* of res->type when ret == 0, else 0 */
	__u32 table_id;    /* fib_lookup: FIB table id (255 local, 254 main, ...); else 0 */
	char ifname[ARPTOP_IFNAMSIZ]; /* read in the kernel; empty when unknown */
};

/* ARP operation codes as they appear on the wire (host order here). */
#define ARPTOP_ARPOP_REQUEST 1
#define ARPTOP_ARPOP_REPLY 2

/* arptop_event.flags */
#define ARPTOP_EVF_NO_ADDR      (1u << 0) /* arp_process: in_device has no IPv4 address */
#define ARPTOP_EVF_NO_INDEV     (1u << 1) /* arp_process: device has no in_device at all */
#define ARPTOP_EVF_NO_ENTRY     (1u << 2) /* return seen without its entry (attached mid-call) */
#define ARPTOP_EVF_ROUTE_TYPE   (1u << 3) /* route_type is valid (fib_lookup, ret == 0, not tracepoint) */

/*
 * One record in the `events` ring buffer: one call of a probed function,
 * emitted at its return. Fields that do not apply to a function are zero.
 * Addresses are in network byte order, as the kernel holds them.
 */
struct arptop_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() at return (CLOCK_MONOTONIC) */
	__u64 duration_ns;  /* return time minus entry time; 0 when unknown */
	__u32 function;     /* enum arptop_function */
	__u32 cpu;
	__u32 netns;
	__s32 ifindex;
	__s32 ret;
	__u32 route_type;   /* RTN_*; see ARPTOP_EVF_ROUTE_TYPE */
	__u32 flags;        /* ARPTOP_EVF_* */
	__u32 table_id;     /* fib_lookup: FIB table id */
	char ifname[ARPTOP_IFNAMSIZ];

	/* arp_process */
	__u16 arp_op;       /* ARPTOP_ARPOP_*, host order */
	__u8 sender_mac[6];
	__u32 sender_ip;    /* network order */
	__u32 target_ip;    /* network order */
	__u8 rp_filter;     /* effective rp_filter: max(all, device) */
	__u8 reserved8[3];

	/* ip_route_input_slow, fib_lookup (flow), fib_validate_source */
	__u32 daddr;        /* network order */
	__u32 saddr;        /* network order */
	__s32 iif;          /* fib_lookup: flowi4_iif */
	__s32 oif;          /* fib_lookup: flowi4_oif; fib_validate_source: oif */
};

/* Indexes of the per-CPU `stats` array. */
enum arptop_stat {
	ARPTOP_STAT_EVENTS_SUBMITTED = 0, /* records put into the ring buffer */
	ARPTOP_STAT_EVENTS_DROPPED = 1,   /* ring buffer full: record could not be reserved */
	ARPTOP_STAT_EVENTS_SAMPLED = 2,   /* left out by the per-CPU log rate limit */
	ARPTOP_STAT_NO_ENTRY = 3,         /* returns seen without a matching entry */
	ARPTOP_STAT_COUNT_FAILED = 4,     /* counts map full: a call could not be counted */
	ARPTOP_STAT_CONTEXT_UNKNOWN = 5,  /* softirq or task context could not be told (keyed by thread) */
	ARPTOP_STAT_MAX = 6,
};

/*
 * The layouts above are shared by a BPF object and a loader built from the
 * same tree; these checks make a field moved by accident fail the build of
 * both instead of producing wrong numbers.
 */
_Static_assert(sizeof(struct arptop_count_key) == 40, "arptop_count_key layout");
_Static_assert(__builtin_offsetof(struct arptop_count_key, table_id) == 20, "arptop_count_key.table_id");
_Static_assert(__builtin_offsetof(struct arptop_count_key, ifname) == 24, "arptop_count_key.ifname");
_Static_assert(sizeof(struct arptop_event) == 104, "arptop_event layout");
_Static_assert(__builtin_offsetof(struct arptop_event, ifname) == 48, "arptop_event.ifname");
_Static_assert(__builtin_offsetof(struct arptop_event, arp_op) == 64, "arptop_event.arp_op");
_Static_assert(__builtin_offsetof(struct arptop_event, daddr) == 84, "arptop_event.daddr");

#endif /* ARPTOP_ABI_H */
