/*
 * Steps 5–7 of one month in C: a line-by-line transcription of the kernel's
 * operate (sim/kernel/operate.ts, with groupAt of layout.ts and the keyed
 * draws of random.ts), the same operations in the same order on the same
 * 64-byte records, so it writes the same bytes. native-step.mjs captures a
 * month of the engine's memory, runs the kernel's loop on it and this one,
 * and checks that both leave the same bytes.
 *
 *   cc -O3 -march=native -ffp-contract=off -o step-loop step-loop.c
 *   ./step-loop <memory.bin> <after.bin> <iterations> <16 numbers: operate's 13 arguments, the group table's
 *               offset and capacity, the number of groups>
 *
 * prints one line of JSON: the best time of the month's loop (the first two
 * iterations warm the caches) and how many bytes differ from after.bin.
 * -ffp-contract=off: a fused multiply-add rounds once where WebAssembly
 * rounds twice, which would change the bits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef int32_t i32;
typedef int16_t i16;

static u8 *mem;
static i32 groupFirst, groupNumber, groupCount, groupHint;
static i32 deadCount, listedCount;

#define F64(a) (*(double *)(mem + (a)))
#define I32(a) (*(i32 *)(mem + (a)))
#define I16(a) (*(i16 *)(mem + (a)))
#define U8(a) (*(u8 *)(mem + (a)))

/* RecordByte (sim/kernel/tables.ts). */
enum { cash = 0, revenue = 8, opex = 16, tokens = 24, growthFactor = 32, freeTokens = 40, provider = 48, freeProvider = 52,
       freeUntil = 54, disruptedUntil = 56, nextReconsider = 58, hazardMonth = 60, cls = 62, alive = 63 };

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
static inline double uniform32(u32 key, u32 k) { return (double)fmix32(key + (2 * k + 1) * 0x9e3779b9u) * 2.3283064365386963e-10; }

static i32 groupAt(i32 i) {
  i32 h = groupHint;
  if (I32(groupFirst + h * 4) <= i && (h + 1 == groupCount || i < I32(groupFirst + (h + 1) * 4))) return h;
  i32 hi = groupCount - 1;
  if (i >= I32(groupFirst + hi * 4)) return (groupHint = hi);
  i32 lo = 0;
  while (hi - lo > 1) {
    i32 mid = (i32)((u32)(lo + hi) >> 1);
    if (I32(groupFirst + mid * 4) <= i) lo = mid;
    else hi = mid;
  }
  return (groupHint = lo);
}

static i32 operate(i32 records, i32 start, i32 n, i32 t, i32 P, i32 C, i32 params, i32 sums, i32 dying, i32 dyingCap, i32 list,
                   i32 listCap, u32 rescueStream) {
  const i32 Q = 2 * P, L = Q + C * P;
  const i32 freeUsedAt = sums + 4 * P * 8;
  double freeUsed = F64(freeUsedAt), vouchers = F64(freeUsedAt + 8);
  const i32 next = t + 1;
  i32 dead = 0, listed = 0, i = start, rankBase = 0, groupEnd = 0;
  u32 stream = 0;
  for (; i < n; i++) {
    if (dead == dyingCap || listed == listCap) break;
    if (i >= groupEnd) {
      const i32 group = groupAt(i);
      rankBase = I32(groupFirst + group * 4);
      groupEnd = group + 1 < groupCount ? I32(groupFirst + (group + 1) * 4) : n;
      stream = groupStream(rescueStream, (u32)I32(groupNumber + group * 4));
    }
    const i32 r = records + (i << 6);
    if (U8(r + alive) == 0) continue;
    const i32 j = I16(r + provider);
    const i32 s = U8(r + cls);
    const double d = F64(r + tokens);
    double billed = d;
    if (I16(r + freeProvider) == j && t <= I16(r + freeUntil)) {
      const double free = F64(r + freeTokens);
      if (free > 0) {
        const double used = free < d ? free : d;
        F64(r + freeTokens) = free - used;
        billed = d - used;
        freeUsed += used;
      }
    }
    const double bill = billed * F64(params + j * 8);
    const i32 perClass = params + (L + 4 * s) * 8;
    const double paid = bill * F64(perClass + 24);
    vouchers += bill - paid;
    const double kept = t <= I16(r + disruptedUntil) ? 1 - F64(perClass) : 1.0;
    const double ox = F64(r + opex), rev = F64(r + revenue);
    double w = F64(r + cash) + rev * F64(params + (Q + s * P + j) * 8) * kept - paid - ox;
    const i32 acc = sums + 4 * j * 8;
    F64(acc) = F64(acc) + bill;
    F64(acc + 8) = F64(acc + 8) + d * F64(params + (P + j) * 8);
    F64(acc + 16) = F64(acc + 16) + d;
    if (w < 0) {
      if (uniform32(keyOf(stream, (u32)(i - rankBase)), 0) < F64(perClass + 8)) {
        w += F64(perClass + 16) * ox;
      } else {
        F64(r + cash) = w;
        I32(dying + dead * 4) = ~i;
        dead++;
        continue;
      }
    }
    F64(r + cash) = w;
    if (I16(r + hazardMonth) <= t) {
      I32(dying + dead * 4) = i;
      dead++;
      continue;
    }
    const double g = F64(r + growthFactor);
    F64(r + revenue) = rev * g;
    F64(r + tokens) = d * g;
    F64(r + opex) = ox * g;
    F64(acc + 24) = F64(acc + 24) + 1;
    if (I16(r + nextReconsider) <= next) {
      I32(list + listed * 4) = i;
      listed++;
    }
  }
  F64(freeUsedAt) = freeUsed;
  F64(freeUsedAt + 8) = vouchers;
  deadCount = dead;
  listedCount = listed;
  return i;
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

int main(int argc, char **argv) {
  if (argc != 20) { fprintf(stderr, "usage: step-loop <memory.bin> <after.bin> <iterations> <16 numbers>\n"); return 2; }
  long a[16];
  for (int k = 0; k < 16; k++) a[k] = strtol(argv[4 + k], 0, 10);
  long size, afterSize;
  u8 *before = readFile(argv[1], &size), *after = readFile(argv[2], &afterSize);
  mem = aligned_alloc(64, (size_t)(size + 63) / 64 * 64);
  const int iterations = atoi(argv[3]);
  double best = 1e300;
  long differing = -1;
  for (int it = 0; it < iterations; it++) {
    memcpy(mem, before, (size_t)size);
    groupFirst = (i32)a[13];
    groupNumber = (i32)(a[13] + a[14] * 4);
    groupCount = (i32)a[15];
    groupHint = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i32 i = (i32)a[1]; i < a[2];)
      i = operate((i32)a[0], i, (i32)a[2], (i32)a[3], (i32)a[4], (i32)a[5], (i32)a[6], (i32)a[7], (i32)a[8], (i32)a[9], (i32)a[10],
                  (i32)a[11], (u32)a[12]);
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
