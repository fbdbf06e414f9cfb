/* Minimal kernel types for arptop's BPF programs (stub; to be completed). */
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
typedef _Bool bool;
enum { false = 0, true = 1 };
enum bpf_map_type { BPF_MAP_TYPE_RINGBUF = 27 };
#endif
