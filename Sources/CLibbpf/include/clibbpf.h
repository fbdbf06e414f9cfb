/*
 * clibbpf.h — the C edge of KernelProbes: libbpf's headers plus the few
 * helpers Swift cannot write itself (a va_list print callback, LIBBPF_OPTS
 * structs, a raw BPF program to probe trampolines, rodata by variable name).
 * Every symbol defined here is prefixed `clibbpf_`.
 */
#ifndef CLIBBPF_SHIM_H
#define CLIBBPF_SHIM_H

#include <stddef.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

/*
 * Route libbpf's messages into a capture buffer. With verbose != 0 every
 * message (debug level included) is also printed to stderr as it comes.
 * Installed once per process; later calls only change `verbose`.
 */
void clibbpf_log_install(int verbose);

/* Forget captured messages (call before an operation whose failure you want to explain). */
void clibbpf_log_clear(void);

/*
 * Warning-level messages captured since the last clear, one per line, oldest
 * first (truncated from the front when they exceed the buffer). Valid until
 * the next libbpf call.
 */
const char *clibbpf_log_text(void);

/*
 * Open a BPF object from memory (bpf_object__open_mem). btf_custom_path may
 * be NULL (the running kernel's BTF). Returns NULL and sets errno on failure.
 */
struct bpf_object *clibbpf_open_mem(const void *buf, size_t size, const char *name,
				    const char *btf_custom_path);

/*
 * Can a BPF trampoline attach to the kernel function with vmlinux BTF id
 * `btf_id`? Loads a two-instruction BPF_PROG_TYPE_TRACING program
 * (expected_attach_type FEXIT, or FENTRY when fexit == 0) and attaches it
 * with bpf_raw_tracepoint_open, then closes both.
 * Returns 0 on success, else -errno with *stage = 0 (load) or 1 (attach).
 */
int clibbpf_probe_trampoline(int btf_id, int fexit, int *stage);

/*
 * Write `size` bytes into the read-only data variable `var_name` of an
 * opened, not yet loaded object. Returns 0, or -ENOENT / -EINVAL.
 */
int clibbpf_set_rodata(struct bpf_object *obj, const char *var_name, const void *value, size_t size);

/* The type id of the BTF FUNC named `name`, or a negative errno (btf__find_by_name_kind). */
int clibbpf_btf_find_func(const struct btf *btf, const char *name);

/*
 * The kernel's count of skipped runs of a loaded program (bpf_prog_info
 * recursion_misses). Returns 1 when the kernel reports it (5.12+), 0 when
 * its bpf_prog_info is older than the field (*misses is then 0), or -errno.
 */
int clibbpf_prog_misses(int prog_fd, __u64 *misses);

/* 1 when some struct of `btf` has members named `a` and `b` (anonymous ones too), else 0. */
int clibbpf_btf_has_struct_with_members(const struct btf *btf, const char *a, const char *b);

/*
 * Set no_new_privs, clear the ambient set, drop every capability not in the
 * bit mask `keep` from the bounding set, and make effective = permitted =
 * `keep`, inheritable empty. Returns 0 or -errno.
 */
int clibbpf_restrict_process(unsigned long long keep);

/* capset(2) for this thread: effective and permitted bit masks. Returns 0 or -errno. */
int clibbpf_set_capabilities(unsigned long long effective, unsigned long long permitted);

/* The errno's symbolic name ("EXDEV"), or NULL when unknown (glibc strerrorname_np, plus kernel-internal ENOTSUPP). */
const char *clibbpf_errno_name(int err);

#endif /* CLIBBPF_SHIM_H */
