/* arp-flood: placeholder, replaced by the benchmark work (issue 5). */
#include <stdio.h>
int main(void) { fprintf(stderr, "arp-flood: not implemented yet\n"); return 2; }
