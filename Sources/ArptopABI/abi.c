/* The ABI is header-only; this file gives SwiftPM a C source to build. */
#include "arptop_abi.h"
