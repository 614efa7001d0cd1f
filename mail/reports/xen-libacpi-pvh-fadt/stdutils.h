#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <assert.h>
#define ASSERT(x) assert(x)
static inline int test_bit(unsigned int b, const void *p)
{ return !!(((const uint8_t *)p)[b>>3] & (1u<<(b&7))); }
