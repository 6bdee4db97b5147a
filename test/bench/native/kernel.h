/*
 * What the C transcriptions of the kernel's loops (choose-round.c,
 * step-loop.c) share: the world's memory and its typed loads, the keyed
 * draws of sim/kernel/random.ts, the birth groups of sim/kernel/layout.ts,
 * and the timing harness that native-step.mjs drives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t i32;
typedef int16_t i16;

/* The world's memory, a copy of the kernel's: offsets are the kernel's byte addresses. */
static u8 *mem;
#define F64(a) (*(double *)(mem + (a)))
#define I32(a) (*(i32 *)(mem + (a)))
#define I16(a) (*(i16 *)(mem + (a)))
#define U8(a) (*(u8 *)(mem + (a)))

/* RecordByte, GrantByte and TableHeader (sim/kernel/tables.ts). */
enum { cash = 0, revenue = 8, opex = 16, tokens = 24, growthFactor = 32, grantEntry = 40, provider = 44, initialProvider = 46,
       disruptedUntil = 48, nextReconsider = 50, hazardMonth = 52, cls = 54, alive = 55, RecordSize = 56 };
enum { freeTokens = 0, freeProvider = 8, freeUntil = 10, GrantSize = 16 };
enum { headerCapacity = 0, headerGrants = 4, HeaderSize = 16 };

/* Where the grant table of the records at `records` starts (layout.ts, grantTable). */
static inline i32 grantTable(i32 records) { return records + I32(records - HeaderSize + headerCapacity) * RecordSize; }

/* Keyed draws (random.ts). */
static inline u32 fmix32(u32 h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}
static inline u32 absorb(u32 h, u32 x) { return fmix32((h ^ fmix32(x * 0x9e3779b1u + 0x7f4a7c15u)) + 0x165667b1u); }
static inline u32 keyOf(u32 stream, u32 index) { return fmix32((stream ^ 0x5bd1e995u) + index * 0x9e3779b1u); }
static inline u32 groupStream(u32 stream, u32 group) { return group == 0 ? stream : absorb(stream, group); }
static inline double uniform(u32 key, u32 k) {
  const u32 x = fmix32(key + (2 * k + 1) * 0x9e3779b9u) >> 5;
  const u32 y = fmix32(key + (2 * k + 2) * 0x9e3779b9u) >> 6;
  return ((double)x * 67108864.0 + (double)y) / 9007199254740992.0;
}
static inline double uniform32(u32 key, u32 k) { return (double)fmix32(key + (2 * k + 1) * 0x9e3779b9u) * 2.3283064365386963e-10; }

/* The birth groups' table (layout.ts): each group's first index, then its number. */
static i32 groupFirst, groupNumber, groupCount, groupHint;
static void setGroups(i32 groupsAt, i32 groupCapacity, i32 count) {
  groupFirst = groupsAt;
  groupNumber = groupsAt + groupCapacity * 4;
  groupCount = count;
  groupHint = 0;
}
static i32 groupAt(i32 i) {
  const i32 h = groupHint;
  if (I32(groupFirst + h * 4) <= i && (h + 1 == groupCount || i < I32(groupFirst + (h + 1) * 4))) return h;
  i32 hi = groupCount - 1;
  if (i >= I32(groupFirst + hi * 4)) return (groupHint = hi);
  i32 lo = 0;
  while (hi - lo > 1) {
    const i32 mid = (i32)((u32)(lo + hi) >> 1);
    if (I32(groupFirst + mid * 4) <= i) lo = mid;
    else hi = mid;
  }
  return (groupHint = lo);
}

static u8 *readFile(const char *name, long *size) {
  FILE *f = fopen(name, "rb");
  if (!f) { perror(name); exit(2); }
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  u8 *b = aligned_alloc(64, (size_t)(*size + 63) / 64 * 64);
  if (fread(b, 1, (size_t)*size, f) != (size_t)*size) { perror(name); exit(2); }
  fclose(f);
  return b;
}

/*
 * The harness: <memory.bin> <after.bin> <iterations> <count numbers>. Each
 * iteration copies memory.bin into `mem`, calls `setup` then times `loop`
 * with the numbers; the first iteration's memory is compared with
 * after.bin, the kernel's. Prints one line of JSON: the best time (the
 * first two iterations warm the caches) and how many bytes differ.
 */
static int timeLoop(int argc, char **argv, int count, void (*setup)(const double *), void (*loop)(const double *)) {
  if (argc != 4 + count) {
    fprintf(stderr, "usage: %s <memory.bin> <after.bin> <iterations> <%d numbers>\n", argv[0], count);
    return 2;
  }
  double a[64];
  for (int k = 0; k < count; k++) a[k] = strtod(argv[4 + k], 0);
  long size, afterSize;
  u8 *before = readFile(argv[1], &size), *after = readFile(argv[2], &afterSize);
  mem = aligned_alloc(64, (size_t)(size + 63) / 64 * 64);
  const int iterations = atoi(argv[3]);
  double best = 1e300;
  long differing = -1;
  for (int it = 0; it < iterations; it++) {
    memcpy(mem, before, (size_t)size);
    setup(a);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loop(a);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
    if (it >= 2 && us < best) best = us;
    if (it == 0) {
      differing = 0;
      for (long k = 0; k < size && k < afterSize; k++) differing += mem[k] != after[k];
    }
  }
  printf("{\"bestMicroseconds\":%.3f,\"bytesDiffering\":%ld}\n", best, differing);
  return 0;
}
