#define _GNU_SOURCE
#include "clibbpf.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/bpf.h>
#include <linux/btf.h>

/* ---- libbpf log capture ---- */

#define CLIBBPF_LOG_SIZE 65536

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[CLIBBPF_LOG_SIZE];
static size_t log_len;
static int log_verbose;
static int log_installed;

static void log_append(const char *msg, size_t n)
{
	if (n >= CLIBBPF_LOG_SIZE) {
		/* Keep the end of an oversized message: a verifier log ends with its error. */
		msg += n - (CLIBBPF_LOG_SIZE - 1);
		n = CLIBBPF_LOG_SIZE - 1;
	}
	if (log_len + n >= CLIBBPF_LOG_SIZE) {
		/* Keep the newest messages: drop from the front. */
		size_t drop = log_len + n - (CLIBBPF_LOG_SIZE - 1);
		if (drop > log_len)
			drop = log_len;
		memmove(log_buf, log_buf + drop, log_len - drop);
		log_len -= drop;
	}
	memcpy(log_buf + log_len, msg, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

static int clibbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char *msg = NULL;
	int n;

	n = vasprintf(&msg, fmt, args); /* whole verifier logs: tens of KiB */
	if (n < 0)
		return 0;
	pthread_mutex_lock(&log_lock);
	if (log_verbose)
		fputs(msg, stderr);
	if (level <= LIBBPF_WARN)
		log_append(msg, (size_t)n);
	pthread_mutex_unlock(&log_lock);
	free(msg);
	return n;
}

void clibbpf_log_install(int verbose)
{
	pthread_mutex_lock(&log_lock);
	log_verbose = verbose;
	if (!log_installed) {
		log_installed = 1;
		libbpf_set_print(clibbpf_print);
	}
	pthread_mutex_unlock(&log_lock);
}

void clibbpf_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

const char *clibbpf_log_text(void)
{
	return log_buf;
}

/* ---- objects ---- */

struct bpf_object *clibbpf_open_mem(const void *buf, size_t size, const char *name,
				    const char *btf_custom_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name, .btf_custom_path = btf_custom_path);

	return bpf_object__open_mem(buf, size, &opts);
}

int clibbpf_probe_trampoline(int btf_id, int fexit, int *stage)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[2];
	int prog_fd, link_fd, err;

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[0].imm = 0;
	insns[1].code = BPF_JMP | BPF_EXIT;

	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = fexit ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY,
		    .attach_btf_id = (__u32)btf_id);

	*stage = 0;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "arptop_probe", "GPL", insns, 2, &opts);
	if (prog_fd < 0)
		return prog_fd < -1 ? prog_fd : -errno;
	*stage = 1;
	link_fd = bpf_raw_tracepoint_open(NULL, prog_fd);
	if (link_fd < 0) {
		err = link_fd < -1 ? link_fd : -errno;
		close(prog_fd);
		return err;
	}
	close(link_fd);
	close(prog_fd);
	return 0;
}

int clibbpf_set_rodata(struct bpf_object *obj, const char *var_name, const void *value, size_t size)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map, *rodata = NULL;
	struct btf *btf;
	size_t map_size;
	void *data;
	int id, i;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name);
		if (n >= 7 && strcmp(name + n - 7, ".rodata") == 0) {
			rodata = map;
			break;
		}
	}
	btf = bpf_object__btf(obj);
	if (!rodata || !btf)
		return -ENOENT;
	data = (void *)bpf_map__initial_value(rodata, &map_size);
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (!data || id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), var_name) != 0)
			continue;
		if (vs->size != size || vs->offset + size > map_size)
			return -EINVAL;
		memcpy((char *)data + vs->offset, value, size);
		return 0;
	}
	return -ENOENT;
}

int clibbpf_btf_find_func(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
}

int clibbpf_prog_misses(int prog_fd, __u64 *misses)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err < 0 ? err : -errno;
	*misses = info.recursion_misses;
	/* The kernel writes back how much of the struct it knows. */
	return len >= offsetof(struct bpf_prog_info, recursion_misses) + sizeof(info.recursion_misses);
}

int clibbpf_btf_has_struct_with_members(const struct btf *btf, const char *a, const char *b)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_member *m;
		int i, seen_a = 0, seen_b = 0;

		if (!btf_is_struct(t))
			continue;
		m = btf_members(t);
		for (i = 0; i < btf_vlen(t); i++, m++) {
			const char *name = btf__name_by_offset(btf, m->name_off);
			if (!name)
				continue;
			seen_a |= strcmp(name, a) == 0;
			seen_b |= strcmp(name, b) == 0;
		}
		if (seen_a && seen_b)
			return 1;
	}
	return 0;
}

/* ---- privileges ---- */

int clibbpf_set_capabilities(unsigned long long effective, unsigned long long permitted)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = (__u32)effective;
	data[1].effective = (__u32)(effective >> 32);
	data[0].permitted = (__u32)permitted;
	data[1].permitted = (__u32)(permitted >> 32);
	/* inheritable stays empty */
	if (syscall(SYS_capset, &hdr, data) != 0)
		return -errno;
	return 0;
}

int clibbpf_restrict_process(unsigned long long keep)
{
	int cap;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	/* Ambient capabilities would survive an exec: none. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* The bounding set (needs CAP_SETPCAP, still held here); unknown numbers end the loop. */
	for (cap = 0; cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno == EINVAL)
			break;
	}
	return clibbpf_set_capabilities(keep, keep);
}

/* ---- errno names ---- */

const char *clibbpf_errno_name(int err)
{
	/* Kernel-internal codes that leak to BPF users (include/linux/errno.h). */
	if (err == 524)
		return "ENOTSUPP";
	return strerrorname_np(err);
}
