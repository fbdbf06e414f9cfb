import KernelProbes
print("embedded BPF object: \(BPFObject.bytes.count) bytes")
