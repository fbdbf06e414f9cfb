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
 *             cpu_state (PERCPU_ARRAY: log rate-limit bucket, sampled count,
 *             softirq depth, and the stack of calls in flight in
 *             softirq/irq context; internal, its first __u64, the sampled
 *             count, is added to ARPTOP_STAT_EVENTS_SAMPLED by the loader)
 *   programs: for each function F in {arp_process, ip_route_input_slow,
 *             fib_lookup, fib_validate_source}:
 *               F_fexit, plus F_fentry for arp_process and fib_validate_source
 *                 (BPF trampolines; the fexit of the other two sees every
 *                 argument and needs no entry program)
 *               F_kprobe, F_kretprobe   (kprobe twins; loaded together)
 *             fib_lookup_tp (tracepoint fib:fib_table_lookup), and
 *             softirq_entry_tp/softirq_exit_tp (attached with the tracepoint
 *             path only, to tell softirq context from process context).
 *             The verdict witnesses, attached with arp_process by the same
 *             mechanism (fentry: W_fentry/W_fexit, kprobe: W_kprobe/W_kretprobe):
 *               arp_xmit (a reply leaves), inet_confirm_addr (arp_ignore's
 *               test), pneigh_enqueue (a proxy reply delayed), and the
 *               tracepoint neigh:neigh_update (neigh_update_tp).
 *   rodata:   log_rate_per_cpu (events/s per CPU put into the ring buffer,
 *             0 = unlimited); the counts map is never rate limited;
 *             log_ifname_count, log_ifnames (`-i`: only calls on interfaces
 *             with these names are logged and spend the rate limit's tokens;
 *             0 = every interface; counts are kept for every interface);
 *             fib_target_is_fib_lookup, track_softirq, route_input_rpfilter_ret
 *             (set by the loader).
 */
#ifndef ARPTOP_ABI_H
#define ARPTOP_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define ARPTOP_ABI_VERSION 4
#define ARPTOP_IFNAMSIZ 16
/* At most this many `-i` names are matched in the kernel (more: every interface is logged). */
#define ARPTOP_LOG_IFNAMES_MAX 16

/*
 * One `-i` name as the kernel matches it: a device name (char[16], read in
 * the kernel) matches when (its two little-endian words & mask) == word. The
 * mask covers the name and its terminating NUL, so "va" matches neither "va1"
 * nor the garbage a rename may leave after the NUL; a 16-byte name (no room
 * for the NUL) matches nothing, as no device can have it.
 */
struct arptop_ifname_match {
	__u64 word[2];
	__u64 mask[2];
};

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
	__u32 verdict;     /* arp_process: enum arptop_verdict of the packet; else 0 */
	__s32 reason;      /* arp_process: the verdict's reason (see enum arptop_verdict); else 0 */
};

/*
 * What the kernel did with one ARP packet, decided at arp_process's return
 * from what its nested calls showed (see decide_verdict in arptop.bpf.c).
 * `reason` of a count key / event: for ROUTE_ERROR and RP_FILTER the route
 * input's return (an errno, or an skb_drop_reason from 6.13); for DROPPED an
 * enum arptop_drop; else 0.
 */
enum arptop_verdict {
	ARPTOP_VERDICT_UNKNOWN = 0,            /* not decidable: entry missed, or a needed call unseen */
	ARPTOP_VERDICT_REPLIED = 1,            /* request for a local address, reply sent */
	ARPTOP_VERDICT_PROXY_REPLIED = 2,      /* request for a routed address, proxy reply sent */
	ARPTOP_VERDICT_PROXY_QUEUED = 3,       /* proxy reply delayed (neigh proxy_delay) */
	ARPTOP_VERDICT_IGNORED_ARP_IGNORE = 4, /* local, but arp_ignore refused */
	ARPTOP_VERDICT_IGNORED_ARP_FILTER = 5, /* local, but arp_filter refused (route back via another device) */
	ARPTOP_VERDICT_NOT_LOCAL = 6,          /* not a local address and no proxy */
	ARPTOP_VERDICT_RP_FILTER = 7,          /* the route input's reverse-path check refused */
	ARPTOP_VERDICT_ROUTE_ERROR = 8,        /* the route input failed otherwise */
	ARPTOP_VERDICT_NO_NEIGHBOUR = 9,       /* local and allowed, but no neighbour entry could be made */
	ARPTOP_VERDICT_DROPPED = 10,           /* dropped before routing (reason: enum arptop_drop) */
	ARPTOP_VERDICT_REPLY_ACCEPTED = 11,    /* a reply updated the neighbour table */
	ARPTOP_VERDICT_REPLY_IGNORED = 12,     /* a reply nobody asked for, not accepted (arp_accept) */
	ARPTOP_VERDICT_DAD_REPLIED = 13,       /* duplicate address probe (sender 0.0.0.0) answered */
	ARPTOP_VERDICT_DAD_IGNORED = 14,       /* duplicate address probe not answered */
	ARPTOP_VERDICT_GARP_ACCEPTED = 15,     /* gratuitous ARP (sender == target) updated the table */
	ARPTOP_VERDICT_GARP_IGNORED = 16,      /* gratuitous ARP not accepted */
	ARPTOP_VERDICT_COUNT = 17,
};

/* Reasons of ARPTOP_VERDICT_DROPPED, in the order arp_process tests them. */
enum arptop_drop {
	ARPTOP_DROP_OTHER = 0,        /* NET_RX_DROP for a reason arptop does not tell */
	ARPTOP_DROP_NO_INDEV = 1,     /* the device has no IPv4 configuration */
	ARPTOP_DROP_MALFORMED = 2,    /* hardware/protocol type or lengths not Ethernet/IPv4 */
	ARPTOP_DROP_BAD_OP = 3,       /* neither request nor reply */
	ARPTOP_DROP_MULTICAST = 4,    /* target is a multicast address */
	ARPTOP_DROP_LOOPBACK = 5,     /* target is 127/8 and route_localnet is off */
	ARPTOP_DROP_GRATUITOUS = 6,   /* sender == target and drop_gratuitous_arp */
	ARPTOP_DROP_COUNT = 7,
};

/*
 * The interface's effective ARP settings when the packet arrived, combined
 * from the device and `all` as the kernel's IN_DEV_* macros do: max for
 * arp_ignore, arp_announce, arp_accept and rp_filter; or for arp_filter,
 * proxy_arp, drop_gratuitous_arp and route_localnet; the device's own for
 * forwarding and proxy_arp_pvlan.
 */
struct arptop_arp_settings {
	__u8 arp_ignore;
	__u8 arp_filter;
	__u8 arp_accept;
	__u8 arp_announce;
	__u8 rp_filter;
	__u8 proxy_arp;
	__u8 forwarding;
	__u8 drop_gratuitous_arp;
	__u8 route_localnet;
	__u8 proxy_arp_pvlan;
	__u8 proxy_delay;   /* 1 when the neighbour proxy_delay is not 0 */
	__u8 no_address;    /* 1 when the device has no IPv4 address */
};

/* arptop_event.facts: what the packet's nested calls showed (arp_process events). */
#define ARPTOP_FACT_ROUTE_INPUT   (1u << 0) /* ip_route_input_slow returned (route_ret) */
#define ARPTOP_FACT_VALIDATE      (1u << 1) /* fib_validate_source returned (validate_ret) */
#define ARPTOP_FACT_FORWARD_ROUTE (1u << 2) /* the forward FIB lookup succeeded (route_type) */
#define ARPTOP_FACT_REVERSE_ROUTE (1u << 3) /* the reverse-path lookup found a route (reverse_*) */
#define ARPTOP_FACT_FILTER_ROUTE  (1u << 4) /* arp_filter's route lookup ran (filter_ifindex; 0 = no route) */
#define ARPTOP_FACT_CONFIRM       (1u << 5) /* arp_ignore's inet_confirm_addr ran */
#define ARPTOP_FACT_CONFIRMED     (1u << 6) /* ... and found the address */
#define ARPTOP_FACT_XMIT          (1u << 7) /* a reply was handed to arp_xmit */
#define ARPTOP_FACT_ENQUEUED      (1u << 8) /* the packet was queued for a delayed proxy reply */
#define ARPTOP_FACT_NEIGH_UPDATE  (1u << 9) /* the neighbour entry of the sender was updated */
#define ARPTOP_FACT_MALFORMED     (1u << 10) /* not an Ethernet/IPv4 ARP header */

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
	__s32 forward_ifindex; /* arp_process: the device of the forward route (for a local target, the one holding the address) */

	/* ip_route_input_slow, fib_lookup (flow), fib_validate_source */
	__u32 daddr;        /* network order */
	__u32 saddr;        /* network order */
	__s32 iif;          /* fib_lookup: flowi4_iif */
	__s32 oif;          /* fib_lookup: flowi4_oif; fib_validate_source: oif */

	/* arp_process: the packet's verdict and the facts behind it */
	__u32 verdict;      /* enum arptop_verdict */
	__s32 reason;       /* see enum arptop_verdict */
	__u32 facts;        /* ARPTOP_FACT_* */
	__s32 route_ret;    /* ip_route_input_slow's return */
	__s32 validate_ret; /* fib_validate_source's return */
	__u32 forward_route_type; /* the forward lookup's RTN_* */
	__s32 reverse_ifindex;             /* the route back to the sender leaves by */
	char reverse_ifname[ARPTOP_IFNAMSIZ];
	__s32 filter_ifindex;              /* arp_filter's route to the sender leaves by */
	struct arptop_arp_settings settings;
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
_Static_assert(sizeof(struct arptop_count_key) == 48, "arptop_count_key layout");
_Static_assert(__builtin_offsetof(struct arptop_count_key, verdict) == 40, "arptop_count_key.verdict");
_Static_assert(sizeof(struct arptop_ifname_match) == 32, "arptop_ifname_match layout");
_Static_assert(sizeof(struct arptop_arp_settings) == 12, "arptop_arp_settings layout");
_Static_assert(__builtin_offsetof(struct arptop_count_key, table_id) == 20, "arptop_count_key.table_id");
_Static_assert(__builtin_offsetof(struct arptop_count_key, ifname) == 24, "arptop_count_key.ifname");
_Static_assert(sizeof(struct arptop_event) == 160, "arptop_event layout");
_Static_assert(__builtin_offsetof(struct arptop_event, verdict) == 100, "arptop_event.verdict");
_Static_assert(__builtin_offsetof(struct arptop_event, settings) == 148, "arptop_event.settings");
_Static_assert(__builtin_offsetof(struct arptop_event, ifname) == 48, "arptop_event.ifname");
_Static_assert(__builtin_offsetof(struct arptop_event, arp_op) == 64, "arptop_event.arp_op");
_Static_assert(__builtin_offsetof(struct arptop_event, daddr) == 84, "arptop_event.daddr");
_Static_assert(__builtin_offsetof(struct arptop_event, forward_ifindex) == 80, "arptop_event.forward_ifindex");

#endif /* ARPTOP_ABI_H */
