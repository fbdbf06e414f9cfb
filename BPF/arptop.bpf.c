#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include "arptop_abi.h"
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");
char LICENSE[] SEC("license") = "GPL";
