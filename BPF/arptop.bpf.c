// SPDX-License-Identifier: GPL-2.0
/*
 * arptop.bpf.c — observe how the kernel handles ARP: arp_process,
 * ip_route_input_slow, fib_lookup (fib_table_lookup) and fib_validate_source.
 *
 * Every function has two twins that record identically: fentry/fexit (BPF
 * trampolines) and kprobe/kretprobe. The loader keeps exactly one twin per
 * function (bpf_program__set_autoload) after trying what the running kernel
 * allows; fib_lookup also has a tracepoint program for kernels that allow
 * neither (with two softirq tracepoint programs that tell it when the
 * current task's netns can be trusted).
 *
 * Entry programs push a record of the entry-side facts (device, addresses,
 * ARP header...) on a per-task LIFO stack (`inflight`); the return program
 * pops it, counts the call in `counts` and logs one `struct arptop_event`
 * into the `events` ring buffer, subject to a per-CPU rate limit.
 * ip_route_input_slow and fib_table_lookup have no fentry program: their
 * fexit program sees every argument and does everything (no duration then).
 *
 * fentry/fexit programs read kernel memory by direct BTF-typed loads (the
 * verifier makes them fault-safe PROBE_MEM loads, no helper call); kprobe
 * programs use BPF_CORE_READ (bpf_probe_read_kernel). Shared bodies take a
 * compile-time `direct` flag and read through KREAD().
 *
 * The programs only read kernel memory: no helper here writes kernel or user
 * memory or changes a return value.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "arptop_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* Settings, written by the loader before load (rodata). */

/* Events per second and CPU put into the ring buffer; 0 = unlimited. Counts are never limited. */
const volatile __u64 log_rate_per_cpu = 0;
/*
 * `-i`: only calls on interfaces with these names are logged, and only they
 * spend the rate limit's tokens, so a flood elsewhere cannot starve their log.
 * 0 names: every interface (the verifier then drops the test: rodata is
 * frozen). Counts are kept for every interface either way.
 */
const volatile __u32 log_ifname_count = 0;
const volatile struct arptop_ifname_match log_ifnames[ARPTOP_LOG_IFNAMES_MAX] = {};
/*
 * Set when the fib_lookup programs are attached to a real `fib_lookup`
 * symbol, whose first argument is the struct net, instead of to
 * fib_table_lookup, whose first argument is the struct fib_table.
 */
const volatile bool fib_target_is_fib_lookup = false;
/* Set when softirq_entry_tp/softirq_exit_tp are attached (see in_softirq_context). */
const volatile bool track_softirq = false;
/*
 * ip_route_input_slow's return for a reverse-path (rp_filter) reject on this
 * kernel: -EXDEV up to 6.12, +SKB_DROP_REASON_IP_RPFILTER from 6.13 (its value
 * read from BTF by the loader).
 */
const volatile __s32 route_input_rpfilter_ret = -18;
/* Index of NEIGH_VAR_PROXY_DELAY in neigh_parms.data (11 before 5.19, 12 after); >= 14: unknown. */
const volatile __u32 neigh_var_proxy_delay = 0xffffffff;

#define NSEC_PER_SEC 1000000000ULL
#define INFLIGHT_DEPTH 8
/*
 * No probed call lasts a second: an entry older than 1000 jiffies (1 s at
 * HZ=1000, 4 s at Debian's 250) lost its return (e.g. a missed fexit).
 * Jiffies, not bpf_ktime_get_ns(): reading jiffies is one load (the verifier
 * inlines bpf_jiffies64), the clock read is the dearest thing a program here
 * does (BENCHMARKS.md), so the hot path reads the clock only for a call that
 * is logged.
 */
#define INFLIGHT_STALE_JIFFIES 1000

/* What an entry program learned, kept until the matching return. */
struct entry_rec {
	__u64 jiffies;      /* bpf_jiffies64() at entry (staleness) */
	__u64 ts;           /* bpf_ktime_get_ns() at entry when `log` says logged, else 0 */
	__u64 res;          /* fib_lookup: the struct fib_result * argument */
	__u32 function;     /* enum arptop_function */
	__u32 netns;
	__s32 ifindex;
	__u32 flags;        /* ARPTOP_EVF_NO_ADDR, ARPTOP_EVF_NO_INDEV */
	char ifname[ARPTOP_IFNAMSIZ];
	__u32 table_id;
	__u32 sender_ip;
	__u32 target_ip;
	__u32 daddr;
	__u32 saddr;
	__s32 iif;
	__s32 oif;
	__u16 arp_op;
	__u8 sender_mac[6];

	/* arp_process records only: the packet's facts, filled by the calls nested in it */
	struct arptop_arp_settings settings;
	__u32 facts;           /* ARPTOP_FACT_* */
	__s32 route_ret;
	__s32 validate_ret;
	__u32 forward_route_type;
	__s32 forward_ifindex;
	__s32 reverse_ifindex;
	char reverse_ifname[ARPTOP_IFNAMSIZ];
	__s32 filter_ifindex;
	__u32 outer_arp_slot;  /* the stack's arp_slot before this packet (nested arp_process) */
	__u32 in_validate;     /* fib_lookup records: runs inside fib_validate_source */
	__u32 log;             /* LOG_UNDECIDED, LOG_NO or LOG_YES: the rate limit's decision at entry */
};

/* Whether a call's event goes to the ring buffer, decided once per call (entry_rec.log). */
enum { LOG_UNDECIDED = 0, LOG_NO = 1, LOG_YES = 2 };

/*
 * Calls in flight on one task, innermost last. A softirq that interrupts a
 * task runs as that task (same `current`) and finishes before the task
 * resumes, so per-task nesting is strictly LIFO even with preemption and
 * migration.
 */
struct inflight_stack {
	__u32 depth;
	__u32 arp_slot; /* 1 + slot of the innermost arp_process record; 0: none */
	struct entry_rec e[INFLIGHT_DEPTH];
};

/*
 * Per-CPU state: the log rate limit's token bucket, and softirq nesting.
 * `sampled` must stay the first field of the `cpu_state` map's value: the
 * loader adds it to the `stats` map's ARPTOP_STAT_EVENTS_SAMPLED (kept here
 * to save a map lookup per call).
 */
struct cpu_state {
	__u64 sampled; /* events left out by the rate limit */
	__u64 tokens;  /* in 1e-9 events */
	__u64 last_ns; /* clock at the last refill; 0 = never used */
	__u64 last_jiffies; /* jiffies at the last refill */
	__u32 softirq_depth;
	__u32 pad;
};

/*
 * What each CPU keeps: its state and its interrupt-context stack, in one
 * value so that a program finds both with one map lookup.
 */
struct cpu_slot {
	struct cpu_state state; /* first: see struct cpu_state */
	struct inflight_stack irq_stack;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct arptop_count_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* the loader may change it before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ARPTOP_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/*
 * Calls in flight, two kinds of stacks:
 * - task context: one stack per thread (`task_stacks`, keyed by tid), deleted
 *   when it empties, so the map holds only threads inside a probed call (a
 *   plain hash: an LRU hash evicts live entries on many-CPU machines, its free
 *   lists being per CPU);
 * - interrupt context (serving a softirq, where packets are processed, or a
 *   hard irq): one stack per CPU (in `cpu_state`). Softirqs are neither
 *   preempted nor migrated and run to completion before the interrupted task
 *   resumes, so the CPU is the right key, and the interrupted task's stack
 *   and netns are never mixed with the packet's.
 * Context comes from the CPU's preempt_count (see irq_context()), else from
 * the softirq tracepoints; a run that can tell neither falls back to
 * per-thread keys (counted in ARPTOP_STAT_CONTEXT_UNKNOWN).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);  /* tid; (1 << 32 | cpu) for unknown context on idle tasks */
	__type(value, struct inflight_stack);
} task_stacks SEC(".maps");

/* Internal: struct cpu_slot of each CPU (state and interrupt-context stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_slot);
} cpu_state SEC(".maps");

static __always_inline struct cpu_slot *this_cpu_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_state, &zero);
}

/* Source of a zeroed stack for bpf_map_update_elem (too large for the BPF stack). */
static const struct inflight_stack empty_stack;

/* ---- small helpers ---- */

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/*
 * KREAD(direct, p, a, b...) is p->a->b...: a direct load chain in fentry/fexit
 * programs (`direct` true, a compile-time constant), BPF_CORE_READ otherwise.
 * Both are CO-RE relocated.
 */
#define KREAD(direct, src, ...) \
	((direct) ? (src)->___arrow(__VA_ARGS__) : BPF_CORE_READ(src, __VA_ARGS__))

/*
 * The CPU's preempt_count: a per-CPU int `__preempt_count` (x86 up to 6.1 and
 * again from 6.15), or the `preempt_count` of the per-CPU `pcpu_hot` (6.2 to
 * 6.14), at __per_cpu_offset[cpu] from its per-CPU address. Untyped weak
 * ksyms: libbpf resolves them from /proc/kallsyms (kernel variables are there
 * with CONFIG_KALLSYMS_ALL), a missing one is NULL and the verifier drops its
 * branch. (Typed ksyms would be cheaper, but 5.10 has no BTF for per-CPU
 * variables, and a kernel without KALLSYMS_ALL refuses the whole object.)
 * -1 when unknown.
 */
extern const void __preempt_count __ksym __weak;
extern const void pcpu_hot __ksym __weak;
extern const void __per_cpu_offset __ksym __weak;

#define ARPTOP_SOFTIRQ_OFFSET 0x100U     /* serving a softirq */
#define ARPTOP_HARDIRQ_NMI_MASK 0x0fff0000U

static __always_inline int irq_context_from_preempt_count(void)
{
	__u64 count_at, base;
	__u32 pc, cpu;

	if (!&__per_cpu_offset)
		return -1;
	if (&__preempt_count)
		count_at = (__u64)&__preempt_count;
	else if (&pcpu_hot)
		count_at = (__u64)&pcpu_hot + bpf_core_field_offset(struct pcpu_hot, preempt_count);
	else
		return -1;
	cpu = bpf_get_smp_processor_id();
	if (bpf_probe_read_kernel(&base, sizeof(base), (const char *)&__per_cpu_offset + (__u64)cpu * 8))
		return -1;
	if (bpf_probe_read_kernel(&pc, sizeof(pc), (const void *)(count_at + base)))
		return -1;
	return (pc & (ARPTOP_SOFTIRQ_OFFSET | ARPTOP_HARDIRQ_NMI_MASK)) != 0;
}

static __always_inline __u32 net_inum(struct net *net, bool direct)
{
	if (!net)
		return 0;
	return KREAD(direct, net, ns.inum);
}

/*
 * 1 while this CPU serves a softirq or an interrupt (where packets are
 * processed): the current task is then whichever task was interrupted, and
 * its thread and netns say nothing about the packet. 0 in task context; -1
 * when unknown (no readable preempt_count and no softirq tracepoints).
 */
static __always_inline int irq_context(struct cpu_slot *cpu)
{
	int ctx = irq_context_from_preempt_count();

	if (ctx >= 0)
		return ctx;
	if (track_softirq && !cpu)
		cpu = this_cpu_slot();
	if (!track_softirq || !cpu) {
		stat_inc(ARPTOP_STAT_CONTEXT_UNKNOWN);
		return -1;
	}
	return cpu->state.softirq_depth > 0;
}

/* The current task's netns, unless the call runs in interrupt context (then 0: unknown). */
static __always_inline __u32 task_netns(void)
{
	struct task_struct *task;

	if (irq_context(NULL) == 1)
		return 0;
	/* bpf_get_current_task_btf() would save the helper reads, but needs 5.11. */
	task = (struct task_struct *)bpf_get_current_task();
	return net_inum(BPF_CORE_READ(task, nsproxy, net_ns), false);
}

/*
 * A stack slot index the verifier can bound: callers have checked
 * i < INFLIGHT_DEPTH, but clang drops a mask it can prove redundant and the
 * verifier may not track the check through register copies; the barrier
 * hides the value from clang so the mask stays.
 */
static __always_inline __u32 slot_index(__u32 i)
{
	barrier_var(i);
	return i & (INFLIGHT_DEPTH - 1);
}

/* Where this context's calls in flight are kept. */
struct stack_ref {
	struct cpu_slot *cpu; /* this CPU's slot (NULL only if the map lookup failed) */
	struct inflight_stack *s;
	struct entry_rec *top; /* innermost live record of s; NULL if none (see innermost()) */
	__u64 task_key;    /* key in task_stacks; 0 for the CPU's irq stack */
};

/*
 * The innermost live record of a stack, NULL if none. Records older than
 * INFLIGHT_STALE_JIFFIES lost their return (e.g. a missed kretprobe): the whole
 * stack is then stale, and forgotten.
 */
static __always_inline struct entry_rec *innermost(struct inflight_stack *s, __u64 jnow)
{
	struct entry_rec *e;
	__u32 d = s->depth;

	if (d == 0 || d > INFLIGHT_DEPTH) {
		s->depth = 0;
		s->arp_slot = 0;
		return NULL;
	}
	e = &s->e[slot_index(d - 1)];
	if (jnow - e->jiffies > INFLIGHT_STALE_JIFFIES) {
		s->depth = 0;
		s->arp_slot = 0;
		return NULL;
	}
	return e;
}

/*
 * The record of the ARP packet whose handling this call runs inside (the
 * innermost arp_process in flight on this stack), NULL if none.
 */
static __always_inline struct entry_rec *packet_of(const struct stack_ref *ref)
{
	struct entry_rec *p;
	__u32 slot = ref->s->arp_slot;

	if (slot == 0 || slot > ref->s->depth || slot > INFLIGHT_DEPTH)
		return NULL;
	p = &ref->s->e[slot_index(slot - 1)];
	return p->function == ARPTOP_FN_ARP_PROCESS ? p : NULL;
}

/*
 * This context's stack. When this CPU's irq stack holds a live call, this
 * call runs inside that softirq (a softirq runs to completion on its CPU
 * before anything else there resumes): the CPU's stack, without reading
 * preempt_count. Else the context decides: interrupt context, the CPU's
 * stack; task context (or unknown), the thread's, created when `create`;
 * idle tasks (tid 0 on every CPU) by CPU.
 */
static __always_inline bool stack_of_context(struct stack_ref *ref, bool create, __u64 jnow)
{
	__u32 tid;
	__u64 key;

	ref->task_key = 0;
	ref->cpu = this_cpu_slot();
	if (!ref->cpu)
		return false;
	ref->s = &ref->cpu->irq_stack;
	ref->top = innermost(ref->s, jnow);
	if (ref->top || irq_context(ref->cpu) == 1)
		return true;
	tid = (__u32)bpf_get_current_pid_tgid();
	key = tid ? (__u64)tid : ((1ULL << 32) | bpf_get_smp_processor_id());
	ref->task_key = key;
	ref->s = bpf_map_lookup_elem(&task_stacks, &key);
	if (!ref->s && create) {
		bpf_map_update_elem(&task_stacks, &key, &empty_stack, BPF_NOEXIST);
		ref->s = bpf_map_lookup_elem(&task_stacks, &key);
	}
	if (!ref->s)
		return false;
	ref->top = innermost(ref->s, jnow);
	return true;
}

/* A device's name into char[ARPTOP_IFNAMSIZ] `out`. */
static __always_inline void copy_ifname(char *out, struct net_device *dev, bool direct)
{
	if (direct) {
		/* Two 8-byte loads of char name[IFNAMSIZ]; the name is NUL-padded in the kernel. */
		const __u64 *name = (const __u64 *)dev->name;
		__u64 *dst = (__u64 *)out;

		dst[0] = name[0];
		dst[1] = name[1];
	} else {
		bpf_probe_read_kernel_str(out, ARPTOP_IFNAMSIZ, __builtin_preserve_access_index(&dev->name));
	}
}

/* netns, ifindex and name of a device, read in the kernel. */
static __always_inline void record_dev(struct entry_rec *e, struct net_device *dev, bool direct)
{
	if (!dev)
		return;
	e->netns = net_inum(KREAD(direct, dev, nd_net.net), direct);
	e->ifindex = KREAD(direct, dev, ifindex);
	copy_ifname(e->ifname, dev, direct);
}

/*
 * Per-CPU token bucket holding one second of events. It is refilled from the
 * clock at most once per jiffy (the clock is read only when jiffies moved on),
 * so a call that is not logged costs no clock read.
 */
static __always_inline bool rate_allows(struct cpu_slot *cpu, __u64 jnow)
{
	__u64 rate = log_rate_per_cpu, cap, tokens, elapsed, now;
	struct cpu_state *st;

	if (rate == 0 || rate >= NSEC_PER_SEC)
		return true;
	if (!cpu)
		cpu = this_cpu_slot();
	if (!cpu)
		return true;
	st = &cpu->state;
	tokens = st->tokens;
	if (st->last_ns == 0 || jnow != st->last_jiffies) {
		cap = rate * NSEC_PER_SEC;
		now = bpf_ktime_get_ns();
		if (st->last_ns == 0) {
			tokens = cap;
		} else {
			elapsed = now - st->last_ns;
			if (elapsed > NSEC_PER_SEC)
				elapsed = NSEC_PER_SEC;
			tokens += elapsed * rate;
			if (tokens > cap)
				tokens = cap;
		}
		st->last_ns = now;
		st->last_jiffies = jnow;
	}
	if (tokens < NSEC_PER_SEC) {
		st->tokens = tokens;
		__sync_fetch_and_add(&st->sampled, 1);
		return false;
	}
	st->tokens = tokens - NSEC_PER_SEC;
	return true;
}

/*
 * Whether a call on the interface named `ifname` (char[ARPTOP_IFNAMSIZ],
 * 8-byte aligned; NULL: no name) may be logged: always without `-i`, else
 * when the name is one of log_ifnames (as user space's name filter matches).
 */
static __always_inline bool log_wanted(const char *ifname)
{
	__u32 i, n = log_ifname_count;
	__u64 w0 = 0, w1 = 0;

	if (n == 0)
		return true;
	if (ifname) {
		w0 = ((const __u64 *)ifname)[0];
		w1 = ((const __u64 *)ifname)[1];
	}
	for (i = 0; i < ARPTOP_LOG_IFNAMES_MAX; i++) {
		if (i >= n)
			break;
		if ((w0 & log_ifnames[i].mask[0]) == log_ifnames[i].word[0] &&
		    (w1 & log_ifnames[i].mask[1]) == log_ifnames[i].word[1])
			return true;
	}
	return false;
}

/*
 * Decide at entry, once the call's interface is known, whether this call will
 * be logged (its interface passes `-i`, and one token of the rate limit), and
 * read the clock for its duration only then. A call `-i` leaves out spends no
 * token and is not counted as sampled.
 */
static __always_inline void decide_log_at_entry(struct entry_rec *e, struct cpu_slot *cpu, __u64 jnow)
{
	if (log_wanted(e->ifname) && rate_allows(cpu, jnow)) {
		e->log = LOG_YES;
		e->ts = bpf_ktime_get_ns();
	} else {
		e->log = LOG_NO;
	}
}

/*
 * Push a zeroed record for `function` on this context's stack. Returns the
 * slot (NULL when the map or stack is full), in *enclosing the record of the
 * innermost probed call this one runs inside (NULL if none), and in *cpu this
 * CPU's slot, for decide_log_at_entry once the caller has filled the record.
 */
static __always_inline struct entry_rec *push_entry(__u32 function, __u64 jnow,
						    struct entry_rec **enclosing, struct cpu_slot **cpu)
{
	struct stack_ref ref;
	struct entry_rec *e;
	__u32 d;

	*enclosing = NULL;
	*cpu = NULL;
	if (!stack_of_context(&ref, true, jnow))
		return NULL;
	*enclosing = ref.top;
	*cpu = ref.cpu;
	d = ref.s->depth;
	if (d >= INFLIGHT_DEPTH)
		return NULL;
	/*
	 * Claim the slot before filling it: a call nesting on this context (an
	 * interrupt in task context) then pushes above it instead of over it.
	 */
	ref.s->depth = d + 1;
	e = &ref.s->e[slot_index(d)];
	__builtin_memset(e, 0, sizeof(*e));
	e->jiffies = jnow;
	e->function = function;
	if (function == ARPTOP_FN_ARP_PROCESS) {
		e->outer_arp_slot = ref.s->arp_slot;
		ref.s->arp_slot = d + 1;
	}
	return e;
}

/*
 * The record of `function`'s call that is returning: the innermost record of
 * this context when it is that function's; else the nearest one of the same
 * function below it, when returns of the calls above it were missed (a
 * kretprobe out of instances, recursion protection): those records are
 * dropped so they cannot misattribute this or any enclosing return. NULL
 * when the stack holds no record of `function`.
 */
static __always_inline struct entry_rec *returning_entry(__u32 function, struct stack_ref *ref, __u64 jnow)
{
	struct entry_rec *e;
	__u32 d, i;

	if (!stack_of_context(ref, false, jnow) || !ref->top)
		return NULL;
	d = ref->s->depth;
	for (i = 0; i < INFLIGHT_DEPTH; i++) {
		if (i >= d)
			break;
		e = &ref->s->e[slot_index(d - 1 - i)];
		if (e->function == function) {
			ref->s->depth = d - i; /* e is now the innermost */
			return e;
		}
	}
	return NULL;
}

/*
 * The innermost record of this context, whatever its function (for
 * attribution), NULL if none; *packet: the ARP packet it runs inside, if any.
 */
static __always_inline struct entry_rec *enclosing_entry(__u64 jnow, struct entry_rec **packet,
							 struct cpu_slot **cpu)
{
	struct stack_ref ref;
	bool found;

	*packet = NULL;
	found = stack_of_context(&ref, false, jnow);
	*cpu = ref.cpu;
	if (!found)
		return NULL;
	if (ref.top)
		*packet = packet_of(&ref);
	return ref.top;
}

/* The ARP packet this call runs inside (for the verdict witnesses), NULL if none. */
static __always_inline struct entry_rec *current_packet(__u64 jnow)
{
	struct entry_rec *packet;
	struct cpu_slot *cpu;

	enclosing_entry(jnow, &packet, &cpu);
	return packet;
}

/* Pop the innermost record (after its return was handled); a thread's emptied stack is deleted. */
static __always_inline void pop_entry(struct stack_ref *ref)
{
	__u32 d = ref->s->depth;

	if (d > 0)
		ref->s->depth = d - 1;
	if (d <= 1 && ref->task_key)
		bpf_map_delete_elem(&task_stacks, &ref->task_key);
}

static __always_inline void count_call(const struct arptop_count_key *key)
{
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&counts, key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	if (bpf_map_update_elem(&counts, key, &one, BPF_NOEXIST) == 0)
		return;
	/* Created meanwhile (by a nested call), or the map is full. */
	v = bpf_map_lookup_elem(&counts, key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	stat_inc(ARPTOP_STAT_COUNT_FAILED);
}

/* How one return is counted and logged, beyond what the entry record holds. */
struct outcome {
	__u32 function;
	__u32 netns;
	__s32 ifindex;
	__s32 ret;
	__u32 route_type;
	__u32 flags;
	__u32 table_id;
	__u32 verdict; /* arp_process */
	__s32 reason;
};

/*
 * Count one call and log it. `e` is the entry record (NULL when the return
 * came without one); the event's ifname comes from `ifname_src` (may be NULL).
 * Whether it is logged was decided at entry (e->log), else it is decided now.
 */
static __always_inline void finish(const struct outcome *o, const struct entry_rec *e,
				   const char *ifname_src, __u64 jnow, struct cpu_slot *cpu)
{
	struct arptop_count_key key = {};
	struct arptop_event *ev;
	__u64 now;

	key.function = o->function;
	key.netns = o->netns;
	key.ifindex = o->ifindex;
	key.ret = o->ret;
	key.route_type = o->route_type;
	key.table_id = o->table_id;
	key.verdict = o->verdict;
	key.reason = o->reason;
	if (ifname_src)
		__builtin_memcpy(key.ifname, ifname_src, ARPTOP_IFNAMSIZ);
	count_call(&key);

	if (e && e->log != LOG_UNDECIDED) {
		if (e->log != LOG_YES)
			return; /* counted in cpu_state.sampled at entry */
	} else if (!log_wanted(ifname_src) || !rate_allows(cpu, jnow)) {
		return; /* not on an `-i` interface, or counted in cpu_state.sampled */
	}
	now = bpf_ktime_get_ns();
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		stat_inc(ARPTOP_STAT_EVENTS_DROPPED);
		return;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->timestamp_ns = now;
	ev->function = o->function;
	ev->cpu = bpf_get_smp_processor_id();
	ev->netns = o->netns;
	ev->ifindex = o->ifindex;
	ev->ret = o->ret;
	ev->route_type = o->route_type;
	ev->flags = o->flags;
	ev->table_id = o->table_id;
	__builtin_memcpy(ev->ifname, key.ifname, ARPTOP_IFNAMSIZ);
	ev->verdict = o->verdict;
	ev->reason = o->reason;
	if (e) {
		ev->duration_ns = e->ts ? now - e->ts : 0; /* 0 for a record made at return */
		ev->flags |= e->flags;
		ev->arp_op = e->arp_op;
		__builtin_memcpy(ev->sender_mac, e->sender_mac, 6);
		ev->sender_ip = e->sender_ip;
		ev->target_ip = e->target_ip;
		ev->daddr = e->daddr;
		ev->saddr = e->saddr;
		ev->iif = e->iif;
		ev->oif = e->oif;
		if (o->function == ARPTOP_FN_ARP_PROCESS) {
			ev->facts = e->facts;
			ev->route_ret = e->route_ret;
			ev->validate_ret = e->validate_ret;
			ev->forward_route_type = e->forward_route_type;
			ev->forward_ifindex = e->forward_ifindex;
			ev->reverse_ifindex = e->reverse_ifindex;
			__builtin_memcpy(ev->reverse_ifname, e->reverse_ifname, ARPTOP_IFNAMSIZ);
			ev->filter_ifindex = e->filter_ifindex;
			ev->settings = e->settings;
		}
	}
	bpf_ringbuf_submit(ev, 0);
	stat_inc(ARPTOP_STAT_EVENTS_SUBMITTED);
}

/* A return without its entry: function and value are all that is known. */
static __always_inline void finish_without_entry(__u32 function, __s32 ret, __u64 jnow, struct cpu_slot *cpu)
{
	struct outcome o = {
		.function = function,
		.ret = ret,
		.flags = ARPTOP_EVF_NO_ENTRY,
	};

	stat_inc(ARPTOP_STAT_NO_ENTRY);
	finish(&o, NULL, NULL, jnow, cpu);
}

static __always_inline bool ipv4_multicast(__u32 be) { return (be & 0xf0) == 0xe0; }
static __always_inline bool ipv4_loopback(__u32 be) { return (be & 0xff) == 0x7f; }

/*
 * What the kernel did with the packet, from arp_process's return value and
 * the facts its nested calls left in `p`, following arp_process's own order
 * (net/ipv4/arp.c). Never a guess: a fact that should be there and is not
 * gives ARPTOP_VERDICT_UNKNOWN.
 */
static __always_inline void decide_verdict(const struct entry_rec *p, __s32 ret, struct outcome *o)
{
	__u32 f = p->facts;
	const struct arptop_arp_settings *c = &p->settings;

	o->reason = 0;
	if (ret == 1 /* NET_RX_DROP */) {
		o->verdict = ARPTOP_VERDICT_DROPPED;
		if (p->flags & ARPTOP_EVF_NO_INDEV)
			o->reason = ARPTOP_DROP_NO_INDEV;
		else if (f & ARPTOP_FACT_MALFORMED)
			o->reason = ARPTOP_DROP_MALFORMED;
		else if (p->arp_op != ARPTOP_ARPOP_REQUEST && p->arp_op != ARPTOP_ARPOP_REPLY)
			o->reason = ARPTOP_DROP_BAD_OP;
		else if (ipv4_multicast(p->target_ip))
			o->reason = ARPTOP_DROP_MULTICAST;
		else if (ipv4_loopback(p->target_ip) && !c->route_localnet)
			o->reason = ARPTOP_DROP_LOOPBACK;
		else if (p->sender_ip == p->target_ip && c->drop_gratuitous_arp)
			o->reason = ARPTOP_DROP_GRATUITOUS;
		else
			o->reason = ARPTOP_DROP_OTHER;
		return;
	}
	if (ret != 0 || (f & ARPTOP_FACT_MALFORMED)) {
		o->verdict = ARPTOP_VERDICT_UNKNOWN;
		return;
	}
	if (p->sender_ip == 0) {
		o->verdict = (f & ARPTOP_FACT_XMIT) ? ARPTOP_VERDICT_DAD_REPLIED : ARPTOP_VERDICT_DAD_IGNORED;
		return;
	}
	if (p->arp_op == ARPTOP_ARPOP_REQUEST && p->sender_ip != p->target_ip) {
		if (f & ARPTOP_FACT_XMIT) {
			o->verdict = (f & ARPTOP_FACT_FORWARD_ROUTE) && p->forward_route_type == ARPTOP_RTN_LOCAL
				? ARPTOP_VERDICT_REPLIED : ARPTOP_VERDICT_PROXY_REPLIED;
			return;
		}
		if (f & ARPTOP_FACT_ENQUEUED) {
			o->verdict = ARPTOP_VERDICT_PROXY_QUEUED;
			return;
		}
		if (!(f & ARPTOP_FACT_ROUTE_INPUT)) {
			o->verdict = ARPTOP_VERDICT_UNKNOWN;
			return;
		}
		if (p->route_ret != 0) {
			o->verdict = p->route_ret == route_input_rpfilter_ret ? ARPTOP_VERDICT_RP_FILTER
									    : ARPTOP_VERDICT_ROUTE_ERROR;
			o->reason = p->route_ret;
			return;
		}
		if (!(f & ARPTOP_FACT_FORWARD_ROUTE)) {
			o->verdict = ARPTOP_VERDICT_UNKNOWN;
			return;
		}
		if (p->forward_route_type != ARPTOP_RTN_LOCAL) {
			o->verdict = ARPTOP_VERDICT_NOT_LOCAL;
			return;
		}
		if (c->arp_ignore == 8 || ((f & ARPTOP_FACT_CONFIRM) && !(f & ARPTOP_FACT_CONFIRMED))) {
			o->verdict = ARPTOP_VERDICT_IGNORED_ARP_IGNORE;
			return;
		}
		if (c->arp_filter) {
			if (!(f & ARPTOP_FACT_FILTER_ROUTE))
				o->verdict = ARPTOP_VERDICT_UNKNOWN;
			else if (p->filter_ifindex != p->ifindex)
				o->verdict = ARPTOP_VERDICT_IGNORED_ARP_FILTER;
			else
				o->verdict = ARPTOP_VERDICT_NO_NEIGHBOUR;
			return;
		}
		o->verdict = ARPTOP_VERDICT_NO_NEIGHBOUR;
		return;
	}
	/* A reply, or a gratuitous ARP (sender == target): did it update the table? */
	if (p->sender_ip == p->target_ip)
		o->verdict = (f & ARPTOP_FACT_NEIGH_UPDATE) ? ARPTOP_VERDICT_GARP_ACCEPTED : ARPTOP_VERDICT_GARP_IGNORED;
	else
		o->verdict = (f & ARPTOP_FACT_NEIGH_UPDATE) ? ARPTOP_VERDICT_REPLY_ACCEPTED : ARPTOP_VERDICT_REPLY_IGNORED;
}

/* The route input of packet `p` returned `ret` (its own lookup: daddr = target, saddr = sender). */
static __always_inline void note_route_input(struct entry_rec *p, __s32 ret, __u32 daddr, __u32 saddr)
{
	if (!p || (p->facts & ARPTOP_FACT_ROUTE_INPUT) || daddr != p->target_ip || saddr != p->sender_ip)
		return;
	p->facts |= ARPTOP_FACT_ROUTE_INPUT;
	p->route_ret = ret;
}

/* The reverse-path check of packet `p` returned `ret`. */
static __always_inline void note_validate(struct entry_rec *p, __s32 ret)
{
	if (!p || (p->facts & ARPTOP_FACT_VALIDATE))
		return;
	p->facts |= ARPTOP_FACT_VALIDATE;
	p->validate_ret = ret;
}

/* Return of a function whose count key is the entry's device. */
static __always_inline void simple_return(__u32 function, __s32 ret)
{
	__u64 jnow = bpf_jiffies64();
	struct stack_ref ref;
	struct entry_rec *e = returning_entry(function, &ref, jnow);
	struct outcome o = {};

	if (!e) {
		finish_without_entry(function, ret, jnow, ref.cpu);
		return;
	}
	o.function = function;
	o.netns = e->netns;
	o.ifindex = e->ifindex;
	o.ret = ret;
	o.table_id = e->table_id;
	if (function == ARPTOP_FN_ARP_PROCESS)
		decide_verdict(e, ret, &o);
	finish(&o, e, e->ifname, jnow, ref.cpu);
	if (function == ARPTOP_FN_IP_ROUTE_INPUT_SLOW)
		note_route_input(packet_of(&ref), ret, e->daddr, e->saddr);
	else if (function == ARPTOP_FN_FIB_VALIDATE_SOURCE)
		note_validate(packet_of(&ref), ret);
	else if (function == ARPTOP_FN_ARP_PROCESS)
		ref.s->arp_slot = e->outer_arp_slot; /* this packet is done */
	pop_entry(&ref);
}

/* ---- arp_process(struct net *net, struct sock *sk, struct sk_buff *skb) ---- */

/* The ARP header and its Ethernet/IPv4 body, read with one helper call. */
struct arp_packet {
	struct arphdr h;
	struct arptop_arp_eth_ipv4 body;
};

/* A setting of the device (IN_DEV_CONF_GET) and of `all` (IPV4_DEVCONF_ALL). */
#define DEV_CONF(direct, in_dev, i) ((int)KREAD(direct, in_dev, cnf.data[(i) - 1]))
#define ALL_CONF(direct, all, i) ((int)KREAD(direct, all, data[(i) - 1]))

static __always_inline __u8 conf_max(int a, int b) { return (__u8)(a > b ? a : b); }
static __always_inline __u8 conf_or(int a, int b) { return (a || b) ? 1 : 0; }

/*
 * The device's effective ARP settings, combined with `all` the way the
 * kernel's IN_DEV_* macros combine them (include/linux/inetdevice.h).
 */
static __always_inline void read_settings(struct arptop_arp_settings *c, struct net_device *dev,
					  struct in_device *in_dev, bool direct)
{
	struct ipv4_devconf *all = KREAD(direct, dev, nd_net.net, ipv4.devconf_all);
	struct neigh_parms *parms;
	__u32 pd = neigh_var_proxy_delay;

	if (!all)
		return;
	c->arp_ignore = conf_max(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_ARP_IGNORE),
				 ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_ARP_IGNORE));
	c->arp_filter = conf_or(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_ARPFILTER),
				ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_ARPFILTER));
	c->arp_accept = conf_max(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_ARP_ACCEPT),
				 ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_ARP_ACCEPT));
	c->arp_announce = conf_max(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_ARP_ANNOUNCE),
				   ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_ARP_ANNOUNCE));
	c->rp_filter = conf_max(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_RP_FILTER),
				ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_RP_FILTER));
	c->proxy_arp = conf_or(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_PROXY_ARP),
			       ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_PROXY_ARP));
	c->forwarding = DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_FORWARDING) ? 1 : 0;
	c->drop_gratuitous_arp = conf_or(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_DROP_GRATUITOUS_ARP),
					 ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_DROP_GRATUITOUS_ARP));
	c->route_localnet = conf_or(DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_ROUTE_LOCALNET),
				    ALL_CONF(direct, all, ARPTOP_IPV4_DEVCONF_ROUTE_LOCALNET));
	c->proxy_arp_pvlan = DEV_CONF(direct, in_dev, ARPTOP_IPV4_DEVCONF_PROXY_ARP_PVLAN) ? 1 : 0;
	parms = KREAD(direct, in_dev, arp_parms);
	if (parms && pd < 14)
		c->proxy_delay = KREAD(direct, parms, data[pd & 15]) != 0;
}

static __always_inline void arp_process_enter(struct sk_buff *skb, bool direct)
{
	struct entry_rec *e, *enclosing;
	struct net_device *dev;
	struct in_device *in_dev;
	struct arp_packet pkt;
	struct cpu_slot *cpu;
	unsigned char *nh;
	__u64 jnow = bpf_jiffies64();

	e = push_entry(ARPTOP_FN_ARP_PROCESS, jnow, &enclosing, &cpu);
	if (!e)
		return;
	dev = KREAD(direct, skb, dev);
	record_dev(e, dev, direct);
	decide_log_at_entry(e, cpu, jnow);

	in_dev = KREAD(direct, dev, ip_ptr);
	if (!in_dev) {
		e->flags |= ARPTOP_EVF_NO_INDEV;
	} else {
		if (!KREAD(direct, in_dev, ifa_list)) {
			e->flags |= ARPTOP_EVF_NO_ADDR;
			e->settings.no_address = 1;
		}
		read_settings(&e->settings, dev, in_dev, direct);
	}

	/*
	 * arp_hdr(skb): the skb is consumed by the time arp_process returns. The
	 * packet bytes are not BTF-typed, so even fentry reads them with a helper;
	 * arp_rcv has pulled header and body into the linear data.
	 */
	nh = KREAD(direct, skb, head) + KREAD(direct, skb, network_header);
	if (bpf_probe_read_kernel(&pkt, sizeof(pkt), nh))
		return;
	if ((pkt.h.ar_hrd != bpf_htons(ARPTOP_ARPHRD_ETHER) && pkt.h.ar_hrd != bpf_htons(6 /* ARPHRD_IEEE802 */)) ||
	    pkt.h.ar_pro != bpf_htons(ARPTOP_ETH_P_IP) || pkt.h.ar_hln != 6 || pkt.h.ar_pln != 4) {
		e->facts |= ARPTOP_FACT_MALFORMED;
		return;
	}
	e->arp_op = bpf_ntohs(pkt.h.ar_op);
	__builtin_memcpy(e->sender_mac, pkt.body.ar_sha, 6);
	__builtin_memcpy(&e->sender_ip, pkt.body.ar_sip, 4);
	__builtin_memcpy(&e->target_ip, pkt.body.ar_tip, 4);
}

SEC("fentry/arp_process")
int BPF_PROG(arp_process_fentry, struct net *net, struct sock *sk, struct sk_buff *skb)
{
	arp_process_enter(skb, true);
	return 0;
}

SEC("fexit/arp_process")
int BPF_PROG(arp_process_fexit, struct net *net, struct sock *sk, struct sk_buff *skb, long ret)
{
	simple_return(ARPTOP_FN_ARP_PROCESS, (__s32)ret);
	return 0;
}

SEC("kprobe/arp_process")
int BPF_KPROBE(arp_process_kprobe, struct net *net, struct sock *sk, struct sk_buff *skb)
{
	arp_process_enter(skb, false);
	return 0;
}

SEC("kretprobe/arp_process")
int BPF_KRETPROBE(arp_process_kretprobe, long ret)
{
	simple_return(ARPTOP_FN_ARP_PROCESS, (__s32)ret);
	return 0;
}

/*
 * ---- ip_route_input_slow(skb, daddr, saddr, tos/dscp, dev, res) ----
 * Returns an errno up to 6.12 and enum skb_drop_reason from 6.13; either way
 * the 32-bit value is recorded and user space names it from BTF.
 */

static __always_inline void ip_route_input_slow_enter(__be32 daddr, __be32 saddr, struct net_device *dev)
{
	struct entry_rec *e, *enclosing;
	struct cpu_slot *cpu;
	__u64 jnow = bpf_jiffies64();

	e = push_entry(ARPTOP_FN_IP_ROUTE_INPUT_SLOW, jnow, &enclosing, &cpu);
	if (!e)
		return;
	record_dev(e, dev, false);
	decide_log_at_entry(e, cpu, jnow);
	e->daddr = daddr;
	e->saddr = saddr;
}

/*
 * fexit alone: the arguments are all there at return, so nothing is pushed
 * (lookups inside are attributed by their iif, the same device).
 */
SEC("fexit/ip_route_input_slow")
int BPF_PROG(ip_route_input_slow_fexit, struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
	     struct net_device *dev, struct fib_result *res, long ret)
{
	__u64 jnow = bpf_jiffies64();
	struct entry_rec rec = {};
	struct outcome o = {};
	struct entry_rec *packet;
	struct cpu_slot *cpu;

	record_dev(&rec, dev, true);
	rec.daddr = daddr;
	rec.saddr = saddr;
	o.function = ARPTOP_FN_IP_ROUTE_INPUT_SLOW;
	o.netns = rec.netns;
	o.ifindex = rec.ifindex;
	o.ret = (__s32)ret;
	enclosing_entry(jnow, &packet, &cpu);
	finish(&o, &rec, rec.ifname, jnow, cpu);
	note_route_input(packet, (__s32)ret, daddr, saddr);
	return 0;
}

SEC("kprobe/ip_route_input_slow")
int BPF_KPROBE(ip_route_input_slow_kprobe, struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
	       struct net_device *dev)
{
	ip_route_input_slow_enter(daddr, saddr, dev);
	return 0;
}

SEC("kretprobe/ip_route_input_slow")
int BPF_KRETPROBE(ip_route_input_slow_kretprobe, long ret)
{
	simple_return(ARPTOP_FN_IP_ROUTE_INPUT_SLOW, (__s32)ret);
	return 0;
}

/*
 * ---- fib_validate_source(skb, src, dst, tos/dscp, oif, dev, idev, itag) ----
 * Eight arguments: trampolines of older kernels refuse it (fexit: -ENOTSUPP),
 * the kprobe twin works. Only arguments 1-6 (registers on x86-64) are read.
 */

static __always_inline void fib_validate_source_enter(__be32 src, __be32 dst, int oif, struct net_device *dev,
						       bool direct)
{
	struct entry_rec *e, *enclosing;
	struct cpu_slot *cpu;
	__u64 jnow = bpf_jiffies64();

	e = push_entry(ARPTOP_FN_FIB_VALIDATE_SOURCE, jnow, &enclosing, &cpu);
	if (!e)
		return;
	record_dev(e, dev, direct);
	decide_log_at_entry(e, cpu, jnow);
	e->saddr = src;
	e->daddr = dst;
	e->oif = oif;
}

SEC("fentry/fib_validate_source")
int BPF_PROG(fib_validate_source_fentry, struct sk_buff *skb, __be32 src, __be32 dst, u8 tos, int oif,
	     struct net_device *dev)
{
	fib_validate_source_enter(src, dst, oif, dev, true);
	return 0;
}

SEC("fexit/fib_validate_source")
int BPF_PROG(fib_validate_source_fexit, struct sk_buff *skb, __be32 src, __be32 dst, u8 tos, int oif,
	     struct net_device *dev, void *idev, void *itag, long ret)
{
	simple_return(ARPTOP_FN_FIB_VALIDATE_SOURCE, (__s32)ret);
	return 0;
}

/* libbpf 1.1's BPF_KPROBE names five arguments; the sixth is read from its x86-64 register. */
SEC("kprobe/fib_validate_source")
int fib_validate_source_kprobe(struct pt_regs *ctx)
{
	fib_validate_source_enter((__be32)PT_REGS_PARM2(ctx), (__be32)PT_REGS_PARM3(ctx),
				  (int)PT_REGS_PARM5(ctx), (struct net_device *)ctx->r9, false);
	return 0;
}

SEC("kretprobe/fib_validate_source")
int BPF_KRETPROBE(fib_validate_source_kretprobe, long ret)
{
	simple_return(ARPTOP_FN_FIB_VALIDATE_SOURCE, (__s32)ret);
	return 0;
}

/*
 * ---- fib_lookup ----
 * fib_lookup() is a static inline on modern kernels; the programs attach to
 * fib_table_lookup(tb, flp, res, flags) it calls. The loader may retarget them
 * to a real fib_lookup(net, flp, res, flags) (fib_target_is_fib_lookup).
 *
 * Interface of a lookup: the flow's iif when it is a real input device
 * (> 1: 1 is loopback, set for locally generated lookups), else its oif,
 * else the device of the probed call it runs inside (ip_route_input_slow,
 * fib_validate_source, arp_process), else unknown.
 */

static __always_inline void attribute_lookup(struct entry_rec *e, const struct entry_rec *enclosing,
					     __s32 iif, __s32 oif)
{
	/*
	 * A reverse-path lookup runs inside fib_validate_source with the flow's
	 * iif set to the *egress* device of the forward route (oif argument) or
	 * loopback: it belongs to the device whose packet is being validated.
	 */
	if (enclosing && enclosing->function == ARPTOP_FN_FIB_VALIDATE_SOURCE && enclosing->ifindex != 0)
		e->ifindex = enclosing->ifindex;
	else if (iif > 1)
		e->ifindex = iif;
	else if (oif > 0)
		e->ifindex = oif;
	else if (enclosing)
		e->ifindex = enclosing->ifindex;
	/* The name is known only when it is the enclosing call's device. */
	if (enclosing && e->ifindex != 0 && e->ifindex == enclosing->ifindex)
		__builtin_memcpy(e->ifname, enclosing->ifname, ARPTOP_IFNAMSIZ);
}

/*
 * The flow, interface, table and netns of a lookup (entry side). `first` is the
 * struct fib_table (or struct net for a real fib_lookup); `enclosing` the
 * innermost probed call around it, if any. True when the netns is the
 * lookup's own (its struct net, or the device of the call it runs inside),
 * false when it is only the current task's guess.
 */
static __always_inline bool fib_lookup_flow(struct entry_rec *e, struct entry_rec *enclosing, void *first,
					    struct flowi4 *flp, bool direct)
{
	if (enclosing && enclosing->function == ARPTOP_FN_FIB_LOOKUP)
		enclosing = NULL; /* lookups do not nest: a leftover */
	e->iif = KREAD(direct, flp, flowi4_iif);
	e->oif = KREAD(direct, flp, flowi4_oif);
	e->daddr = KREAD(direct, flp, daddr);
	e->saddr = KREAD(direct, flp, saddr);
	attribute_lookup(e, enclosing, e->iif, e->oif);
	if (fib_target_is_fib_lookup) {
		e->netns = net_inum((struct net *)first, direct);
		return true;
	}
	e->table_id = KREAD(direct, (struct fib_table *)first, tb_id);
	e->netns = enclosing ? enclosing->netns : task_netns();
	return enclosing && e->netns != 0;
}

/*
 * Route type, and the route's table and netns (unless `netns_known`: the
 * lookup's own netns is already in `o`), of a successful lookup.
 */
static __always_inline void fib_lookup_result(struct outcome *o, struct fib_result *res, bool netns_known,
					      bool direct)
{
	struct fib_info *fi;

	o->route_type = KREAD(direct, res, type);
	o->flags |= ARPTOP_EVF_ROUTE_TYPE;
	fi = netns_known ? NULL : KREAD(direct, res, fi);
	if (fi)
		o->netns = net_inum(KREAD(direct, fi, fib_net), direct);
	if (fib_target_is_fib_lookup)
		o->table_id = KREAD(direct, res, table, tb_id);
}

/*
 * A lookup made while ARP packet `p` is handled: the reverse-path lookup of
 * its fib_validate_source (where the route back to the sender leaves), the
 * forward lookup of its route input (daddr = target, saddr = sender: the
 * route type), or arp_filter's route to the sender (daddr = sender, saddr =
 * target, after the route input: where the reply would leave). Others (e.g.
 * the address-type lookups of gratuitous ARP) are left alone.
 */
static __always_inline void note_lookup(struct entry_rec *p, bool in_validate, __u32 daddr, __u32 saddr,
					__s32 ret, struct fib_result *res, bool direct)
{
	struct net_device *dev = NULL;

	if (!p)
		return;
	if (ret == 0 && res) {
		struct fib_nh_common *nhc = KREAD(direct, res, nhc);

		if (nhc)
			dev = KREAD(direct, nhc, nhc_dev);
	}
	if (in_validate) {
		if (!dev || (p->facts & ARPTOP_FACT_REVERSE_ROUTE))
			return;
		p->facts |= ARPTOP_FACT_REVERSE_ROUTE;
		p->reverse_ifindex = KREAD(direct, dev, ifindex);
		copy_ifname(p->reverse_ifname, dev, direct);
		return;
	}
	if (!(p->facts & ARPTOP_FACT_ROUTE_INPUT)) {
		if (ret == 0 && res && daddr == p->target_ip && saddr == p->sender_ip) {
			p->facts |= ARPTOP_FACT_FORWARD_ROUTE;
			p->forward_route_type = KREAD(direct, res, type);
			p->forward_ifindex = dev ? KREAD(direct, dev, ifindex) : 0;
		}
		return;
	}
	if (daddr == p->sender_ip && saddr == p->target_ip && ret != -11 /* -EAGAIN: next table */ &&
	    !(p->facts & ARPTOP_FACT_FILTER_ROUTE)) {
		p->facts |= ARPTOP_FACT_FILTER_ROUTE;
		p->filter_ifindex = dev ? KREAD(direct, dev, ifindex) : 0;
	}
}

static __always_inline void fib_lookup_enter(void *first, struct flowi4 *flp, struct fib_result *res)
{
	struct entry_rec *e, *enclosing;
	struct cpu_slot *cpu;
	__u64 jnow = bpf_jiffies64();

	e = push_entry(ARPTOP_FN_FIB_LOOKUP, jnow, &enclosing, &cpu);
	if (!e)
		return;
	e->res = (__u64)res;
	e->in_validate = enclosing && enclosing->function == ARPTOP_FN_FIB_VALIDATE_SOURCE;
	fib_lookup_flow(e, enclosing, first, flp, false);
	decide_log_at_entry(e, cpu, jnow);
}

static __always_inline void fib_lookup_return(__s32 ret)
{
	__u64 jnow = bpf_jiffies64();
	struct stack_ref ref;
	struct entry_rec *e = returning_entry(ARPTOP_FN_FIB_LOOKUP, &ref, jnow);
	struct fib_result *res;
	struct outcome o = {};

	if (!e) {
		finish_without_entry(ARPTOP_FN_FIB_LOOKUP, ret, jnow, ref.cpu);
		return;
	}
	o.function = ARPTOP_FN_FIB_LOOKUP;
	o.netns = e->netns;
	o.ifindex = e->ifindex;
	o.ret = ret;
	o.table_id = e->table_id;
	res = (struct fib_result *)e->res;
	if (ret == 0 && res)
		fib_lookup_result(&o, res, false, false);
	finish(&o, e, e->ifname, jnow, ref.cpu);
	note_lookup(packet_of(&ref), e->in_validate, e->daddr, e->saddr, ret, res, false);
	pop_entry(&ref);
}

/* fexit alone: flow, table and result are all arguments; the enclosing call is on the stack. */
SEC("fexit/fib_table_lookup")
int BPF_PROG(fib_lookup_fexit, void *first, struct flowi4 *flp, struct fib_result *res, int flags, long ret)
{
	__u64 jnow = bpf_jiffies64();
	struct entry_rec rec = {}, *enclosing, *packet;
	struct outcome o = {};
	struct cpu_slot *cpu;
	bool netns_known;

	enclosing = enclosing_entry(jnow, &packet, &cpu);
	netns_known = fib_lookup_flow(&rec, enclosing, first, flp, true);
	o.function = ARPTOP_FN_FIB_LOOKUP;
	o.netns = rec.netns;
	o.ifindex = rec.ifindex;
	o.ret = (__s32)ret;
	o.table_id = rec.table_id;
	if (ret == 0 && res)
		fib_lookup_result(&o, res, netns_known, true);
	finish(&o, &rec, rec.ifname, jnow, cpu);
	note_lookup(packet, enclosing && enclosing->function == ARPTOP_FN_FIB_VALIDATE_SOURCE,
		    rec.daddr, rec.saddr, (__s32)ret, res, true);
	return 0;
}

SEC("kprobe/fib_table_lookup")
int BPF_KPROBE(fib_lookup_kprobe, void *first, struct flowi4 *flp, struct fib_result *res)
{
	fib_lookup_enter(first, flp, res);
	return 0;
}

SEC("kretprobe/fib_table_lookup")
int BPF_KRETPROBE(fib_lookup_kretprobe, long ret)
{
	fib_lookup_return((__s32)ret);
	return 0;
}

/*
 * The tracepoint fires at every return of fib_table_lookup with the flow and
 * the result; the fib_result (route type) is not in it, and the nexthop
 * device it names is not the interface the lookup is attributed to, so the
 * interface name stays empty unless an enclosing probed call supplies it.
 */
SEC("tracepoint/fib/fib_table_lookup")
int fib_lookup_tp(struct trace_event_raw_fib_table_lookup *ctx)
{
	__u64 jnow = bpf_jiffies64();
	struct cpu_slot *cpu;
	struct entry_rec *packet, *enclosing = enclosing_entry(jnow, &packet, &cpu);
	struct outcome o = {};
	struct entry_rec rec = {};

	if (enclosing && enclosing->function == ARPTOP_FN_FIB_LOOKUP)
		enclosing = NULL;
	rec.iif = BPF_CORE_READ(ctx, iif);
	rec.oif = BPF_CORE_READ(ctx, oif);
	bpf_probe_read_kernel(&rec.saddr, 4, __builtin_preserve_access_index(&ctx->src));
	bpf_probe_read_kernel(&rec.daddr, 4, __builtin_preserve_access_index(&ctx->dst));
	attribute_lookup(&rec, enclosing, rec.iif, rec.oif);

	o.function = ARPTOP_FN_FIB_LOOKUP;
	o.netns = enclosing ? enclosing->netns : task_netns();
	o.ifindex = rec.ifindex;
	o.ret = BPF_CORE_READ(ctx, err);
	o.table_id = BPF_CORE_READ(ctx, tb_id);
	finish(&o, &rec, rec.ifname, jnow, cpu);
	return 0;
}

/*
 * Softirq tracking for the tracepoint path: the tracepoint record carries no
 * netns, and the current task's netns is meaningful only outside softirqs.
 * Softirqs do not nest on a CPU; the depth stays at 0 for an exit whose entry
 * was missed (attached mid-softirq).
 */
SEC("tracepoint/irq/softirq_entry")
int softirq_entry_tp(void *ctx)
{
	struct cpu_slot *cpu = this_cpu_slot();

	if (cpu)
		cpu->state.softirq_depth++;
	return 0;
}

SEC("tracepoint/irq/softirq_exit")
int softirq_exit_tp(void *ctx)
{
	struct cpu_slot *cpu = this_cpu_slot();

	if (cpu && cpu->state.softirq_depth > 0)
		cpu->state.softirq_depth--;
	return 0;
}

/*
 * ---- Verdict witnesses ----
 * Calls arp_process makes after the probed ones, which tell what became of
 * the packet; each marks the packet in flight on this context (nothing when
 * none is: the same functions run outside ARP handling). Attached with
 * arp_process, by the same mechanism.
 */
static __always_inline void witness(__u32 fact)
{
	struct entry_rec *p = current_packet(bpf_jiffies64());

	if (p)
		p->facts |= fact;
}

/* arp_xmit(skb): arp_process hands it the reply it built (arp_send_dst). */
SEC("fentry/arp_xmit")
int BPF_PROG(arp_xmit_fentry)
{
	witness(ARPTOP_FACT_XMIT);
	return 0;
}

SEC("kprobe/arp_xmit")
int BPF_KPROBE(arp_xmit_kprobe)
{
	witness(ARPTOP_FACT_XMIT);
	return 0;
}

/* pneigh_enqueue(tbl, parms, skb): a proxy reply delayed by proxy_delay. */
SEC("fentry/pneigh_enqueue")
int BPF_PROG(pneigh_enqueue_fentry)
{
	witness(ARPTOP_FACT_ENQUEUED);
	return 0;
}

SEC("kprobe/pneigh_enqueue")
int BPF_KPROBE(pneigh_enqueue_kprobe)
{
	witness(ARPTOP_FACT_ENQUEUED);
	return 0;
}

/* inet_confirm_addr(net, in_dev, dst, local, scope): arp_ignore 1-3's test; 0 = not confirmed. */
SEC("fexit/inet_confirm_addr")
int BPF_PROG(inet_confirm_addr_fexit, struct net *net, struct in_device *in_dev, __be32 dst, __be32 local,
	     int scope, __be32 ret)
{
	witness(ARPTOP_FACT_CONFIRM | (ret ? ARPTOP_FACT_CONFIRMED : 0));
	return 0;
}

SEC("kretprobe/inet_confirm_addr")
int BPF_KRETPROBE(inet_confirm_addr_kretprobe, long ret)
{
	witness(ARPTOP_FACT_CONFIRM | ((__u32)ret ? ARPTOP_FACT_CONFIRMED : 0));
	return 0;
}

/* The sender's neighbour entry updated (a reply or gratuitous ARP accepted, or a request answered). */
SEC("tracepoint/neigh/neigh_update")
int neigh_update_tp(void *ctx)
{
	witness(ARPTOP_FACT_NEIGH_UPDATE);
	return 0;
}
