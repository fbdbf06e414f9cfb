// arptop-bench: placeholder, replaced by the benchmark work (issue 5).
print("arptop-bench: not implemented yet")
