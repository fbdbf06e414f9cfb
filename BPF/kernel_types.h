/*
 * kernel_types.h — the few kernel types arptop's BPF programs read, written by hand.
 *
 * This replaces a generated vmlinux.h. Every struct carries
 * __attribute__((preserve_access_index)): the compiler records each field
 * access by name, and libbpf relocates it against the running kernel's BTF
 * (CO-RE). So only the fields used are listed, their order and the holes
 * between them do not matter, and a field that moved into an anonymous
 * struct/union in some kernel (sk_buff.dev, for instance) is still found.
 *
 * Defining __VMLINUX_H__ tells <bpf/bpf_tracing.h> to use the kernel's own
 * pt_regs field names (di, si, dx, ...), which struct pt_regs below provides.
 */
#ifndef ARPTOP_KERNEL_TYPES_H
#define ARPTOP_KERNEL_TYPES_H
#define __VMLINUX_H__ 1

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* From include/uapi/linux/bpf.h (UAPI: values never change). */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
};
enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

/*
 * UAPI constants (include/uapi/linux/ip.h, if_arp.h, if_ether.h): part of the
 * kernel's user-space ABI, so fixed across versions. IPV4_DEVCONF_RP_FILTER
 * lives in an anonymous enum, which CO-RE cannot relocate anyway.
 */
#define ARPTOP_IPV4_DEVCONF_FORWARDING 1 /* data[] index is value - 1 */
#define ARPTOP_IPV4_DEVCONF_PROXY_ARP 3
#define ARPTOP_IPV4_DEVCONF_RP_FILTER 8
#define ARPTOP_IPV4_DEVCONF_ARPFILTER 13
#define ARPTOP_IPV4_DEVCONF_ARP_ANNOUNCE 18
#define ARPTOP_IPV4_DEVCONF_ARP_IGNORE 19
#define ARPTOP_IPV4_DEVCONF_ARP_ACCEPT 21
#define ARPTOP_IPV4_DEVCONF_PROXY_ARP_PVLAN 25
#define ARPTOP_IPV4_DEVCONF_ROUTE_LOCALNET 26
#define ARPTOP_IPV4_DEVCONF_DROP_GRATUITOUS_ARP 31
/* include/net/neighbour.h: NEIGH_VAR_PROXY_DELAY (not UAPI, but unchanged since 3.x). */
#define ARPTOP_NEIGH_VAR_PROXY_DELAY 12
#define ARPTOP_RTN_LOCAL 2 /* include/uapi/linux/rtnetlink.h */
#define ARPTOP_ARPHRD_ETHER 1
#define ARPTOP_ETH_P_IP 0x0800

/* x86-64 register frame of a kprobe (arch/x86/include/asm/ptrace.h). */
struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
} __attribute__((preserve_access_index));

/* Network namespaces. */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct ipv4_devconf {
	int data[33]; /* indexes IPV4_DEVCONF_* - 1 */
} __attribute__((preserve_access_index));

struct netns_ipv4 {
	struct ipv4_devconf *devconf_all;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
	struct netns_ipv4 ipv4;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} __attribute__((preserve_access_index)) possible_net_t;

/* Devices. */
struct in_ifaddr;

struct neigh_parms {
	int data[14]; /* indexes NEIGH_VAR_*; only PROXY_DELAY is read */
} __attribute__((preserve_access_index));

struct in_device {
	struct in_ifaddr *ifa_list;
	struct neigh_parms *arp_parms;
	struct ipv4_devconf cnf;
} __attribute__((preserve_access_index));

struct net_device {
	char name[16];
	int ifindex;
	possible_net_t nd_net;
	struct in_device *ip_ptr;
} __attribute__((preserve_access_index));

struct sk_buff {
	struct net_device *dev;
	unsigned char *head;
	__u16 network_header;
} __attribute__((preserve_access_index));

struct sock;

/* ARP header as on the wire (include/uapi/linux/if_arp.h); not a kernel struct, no CO-RE. */
struct arphdr {
	__be16 ar_hrd;
	__be16 ar_pro;
	unsigned char ar_hln;
	unsigned char ar_pln;
	__be16 ar_op;
};

/* The Ethernet/IPv4 body that follows struct arphdr. */
struct arptop_arp_eth_ipv4 {
	unsigned char ar_sha[6];
	unsigned char ar_sip[4];
	unsigned char ar_tha[6];
	unsigned char ar_tip[4];
};

/* FIB. */
struct flowi_common {
	int flowic_oif;
	int flowic_iif;
} __attribute__((preserve_access_index));

struct flowi4 {
	struct flowi_common __fl_common;
	__be32 saddr;
	__be32 daddr;
} __attribute__((preserve_access_index));
#define flowi4_oif __fl_common.flowic_oif
#define flowi4_iif __fl_common.flowic_iif

struct fib_info {
	struct net *fib_net;
} __attribute__((preserve_access_index));

struct fib_table {
	u32 tb_id;
} __attribute__((preserve_access_index));

struct fib_nh_common {
	struct net_device *nhc_dev;
} __attribute__((preserve_access_index));

struct fib_result {
	unsigned char type;
	struct fib_nh_common *nhc;
	struct fib_info *fi;
	struct fib_table *table;
} __attribute__((preserve_access_index));

/* Record of tracepoint neigh:neigh_update (include/trace/events/neigh.h); nothing of it is read. */
struct trace_event_raw_neigh_update;

/* Tasks. */
/* x86 per-CPU hot data, 6.2 to 6.14: where preempt_count lives then (see irq_context()). */
struct pcpu_hot {
	int preempt_count;
} __attribute__((preserve_access_index));

struct nsproxy {
	struct net *net_ns;
} __attribute__((preserve_access_index));

struct task_struct {
	struct nsproxy *nsproxy;
} __attribute__((preserve_access_index));

/* Record of tracepoint fib:fib_table_lookup (include/trace/events/fib.h). */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __attribute__((preserve_access_index));

struct trace_event_raw_fib_table_lookup {
	struct trace_entry ent;
	u32 tb_id;
	int err;
	int oif;
	int iif;
	__u8 src[4];
	__u8 dst[4];
	char name[16];
} __attribute__((preserve_access_index));

#endif /* ARPTOP_KERNEL_TYPES_H */
