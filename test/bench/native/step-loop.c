/*
 * Steps 5–7 of one month in C: a line-by-line transcription of the kernel's
 * operate (sim/kernel/operate.ts, with groupAt of layout.ts and the keyed
 * draws of random.ts), the same operations in the same order on the same
 * 56-byte records and grant table, so it writes the same bytes. native-step.mjs captures a
 * month of the engine's memory, runs the kernel's loop on it and this one,
 * and checks that both leave the same bytes.
 *
 *   cc -O3 -march=native -ffp-contract=off -o step-loop step-loop.c
 *   ./step-loop <memory.bin> <after.bin> <iterations> <16 numbers: operate's 13 arguments, the group table's
 *               offset and capacity, the number of groups>
 *
 * -ffp-contract=off: a fused multiply-add rounds once where WebAssembly
 * rounds twice, which would change the bits.
 */
#include "kernel.h"

static i32 deadCount, listedCount;

static i32 operate(i32 records, i32 start, i32 n, i32 t, i32 P, i32 C, i32 params, i32 sums, i32 dying, i32 dyingCap, i32 list,
                   i32 listCap, u32 rescueStream) {
  const i32 Q = 2 * P, L = Q + C * P;
  const i32 freeUsedAt = sums + 4 * P * 8;
  double freeUsed = F64(freeUsedAt), vouchers = F64(freeUsedAt + 8);
  const i32 grants = grantTable(records);
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
    const i32 r = records + i * RecordSize;
    if (U8(r + alive) == 0) continue;
    const i32 j = I16(r + provider);
    const i32 s = U8(r + cls);
    const double d = F64(r + tokens);
    double billed = d;
    const i32 grant = I32(r + grantEntry);
    if (grant != 0) {
      const i32 a = grants + (grant - 1) * GrantSize;
      if (t > I16(a + freeUntil)) I32(r + grantEntry) = 0;
      else if (I16(a + freeProvider) == j) {
        const double free = F64(a + freeTokens);
        if (free > 0) {
          const double used = free < d ? free : d;
          F64(a + freeTokens) = free - used;
          billed = d - used;
          freeUsed += used;
          if (used == free) I32(r + grantEntry) = 0;
        }
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

static void setup(const double *a) { setGroups((i32)a[13], (i32)a[14], (i32)a[15]); }

/* The month: operate from a[1] until every record is done, as sim/model/operate.ts calls it. */
static void month(const double *a) {
  for (i32 i = (i32)a[1]; i < (i32)a[2];)
    i = operate((i32)a[0], i, (i32)a[2], (i32)a[3], (i32)a[4], (i32)a[5], (i32)a[6], (i32)a[7], (i32)a[8], (i32)a[9], (i32)a[10],
                (i32)a[11], (u32)a[12]);
}

int main(int argc, char **argv) { return timeLoop(argc, argv, 16, setup, month); }
