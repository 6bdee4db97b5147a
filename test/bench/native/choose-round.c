/*
 * One round of provider choices in C: a line-by-line transcription of the
 * kernel's chooseRound and chooseFor (sim/kernel/choice.ts), with the
 * keyed draws of random.ts, groupAt of layout.ts and fdlibm's exp, log and
 * log1p as sim/kernel/fdlibm.ts (and V8) compute them. Where the kernel
 * works on two lanes at a time (exp2x, normalQuantile2x, the utilities),
 * each lane does the scalar operations, in their order, so this scalar code
 * writes the same bytes; native-step.mjs checks that it does.
 *
 *   cc -O3 -march=native -ffp-contract=off -o choose-round choose-round.c -lm
 *   ./choose-round <memory.bin> <after.bin> <iterations> <26 numbers: init's 18 arguments, the number of birth
 *                  groups, chooseRound's 7 arguments>
 *
 * With -DLIBM, exp, log and log1p are the C library's (faster, other bits): the
 * time the choice would take with them, its bytes not the kernel's.
 */
#include <math.h>

#include "kernel.h"

/* The layout (layout.ts init). */
static i32 records, P, C, K, classes, choiceTable, campaigns, campaignFrom, running, roundAt, choosers, stranded, switchCosts,
    chooserGroups, strandedCount;

enum { NO_PROVIDER = -1, NO_CAMPAIGN = -1, MIGRANTS = 0, NEW = 1, ALL = 2, SWITCHES_VOLUNTARY = 0, SWITCHES_FORCED = 1, ROUND_HEADER = 2 };
enum { NEVER = 32767, DRAW_SWITCH_COST = 6 };
/* ClassSlot, Term, CampaignSlot (sim/kernel/tables.ts). */
enum { ClassSize = 21, switchMedian = 11, switchSigma = 12, reconsider = 13, hazard = 14, precision = 15, disruptionMonths = 16,
       logStayReconsider = 19, logStayHazard = 20 };
enum { available = 0, qualityFactor = 1, price = 2, exitRisk = 3, network = 4, campaignsTerm = 5, switchFactor = 6, paidPrice = 7,
       TermSize = 8 };
enum { eligible = 0, support = 1, grantSlot = 2, validity = 3, budgetLeft = 4, campaignProvider = 5, CampaignSize = 6 };

/* fdlibm (sim/kernel/fdlibm.ts). */
static inline u32 highWord(double x) { u64 b; memcpy(&b, &x, 8); return (u32)(b >> 32); }
static inline u32 lowWord(double x) { u64 b; memcpy(&b, &x, 8); return (u32)b; }
static inline double fromWords(u32 hi, u32 lo) { u64 b = ((u64)hi << 32) | lo; double x; memcpy(&x, &b, 8); return x; }
static inline double withHighWord(double x, u32 hi) { return fromWords(hi, lowWord(x)); }
static const double LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10, TWO54 = 1.8014398509481984e16;
static const double LG1 = 6.666666666666735130e-1, LG2 = 3.999999999940941908e-1, LG3 = 2.857142874366239149e-1,
                    LG4 = 2.222219843214978396e-1, LG5 = 1.818357216161805012e-1, LG6 = 1.531383769920937332e-1,
                    LG7 = 1.479819860511658591e-1;

static double fdlibmExp(double x) {
  const double P1 = 1.66666666666666019037e-1, P2 = -2.77777777770155933842e-3, P3 = 6.61375632143793436117e-5,
               P4 = -1.65339022054652515390e-6, P5 = 4.13813679705723846039e-8;
  u32 hx = highWord(x);
  const i32 xsb = (i32)(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e2) return INFINITY;
    if (x < -7.45133219101941108420e2) return 0.0;
  }
  double hi = 0.0, lo = 0.0;
  i32 k = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045;
      hi = xsb != 0 ? x + LN2_HI : x - LN2_HI;
      lo = xsb != 0 ? -LN2_LO : LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = (i32)(1.44269504088896338700 * x + (xsb != 0 ? -0.5 : 0.5));
      const double t = (double)k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  const double t = x * x;
  const double twopk = k >= -1021 ? fromWords((u32)(0x3ff00000 + (k << 20)), 0) : fromWords((u32)(0x3ff00000 + ((k + 1000) << 20)), 0);
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * twopk;
  }
  return y * twopk * 9.33263618503218878990e-302;
}

static double fdlibmLog(double x) {
  i32 hx = (i32)highWord(x);
  const u32 lx = lowWord(x);
  i32 k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | (i32)lx) == 0) return -INFINITY;
    if (hx < 0) return NAN;
    k -= 54;
    x *= TWO54;
    hx = (i32)highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i32 i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, (u32)(hx | (i ^ 0x3ff00000)));
  k += i >> 20;
  const double f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const double dk = (double)k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const double dk = (double)k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const double s = f / (2.0 + f);
  const double dk = (double)k;
  const double z = s * s;
  i = hx - 0x6147a;
  const double w = z * z;
  const i32 j = 0x6b851 - hx;
  const double t1 = w * (LG2 + w * (LG4 + w * LG6));
  const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const double R = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

static double fdlibmLog1p(double x) {
  const i32 hx = (i32)highWord(x);
  const i32 ax = hx & 0x7fffffff;
  i32 k = 1, hu = 0;
  double f = 0.0, c = 0.0;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) {
      if (x == -1.0) return -INFINITY;
      return NAN;
    }
    if (ax < 0x3e200000) {
      if (ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (i32)0xbfd2bec4) {
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    double u;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = (i32)highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      hu = (i32)highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, (u32)(hu | 0x3ff00000));
    } else {
      k += 1;
      u = withHighWord(u, (u32)(hu | 0x3fe00000));
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const double hfsq = 0.5 * f * f;
  if (hu == 0) {
    if (f == 0.0) {
      if (k == 0) return 0.0;
      c += (double)k * LN2_LO;
      return (double)k * LN2_HI + c;
    }
    const double R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - R;
    return (double)k * LN2_HI - ((R - ((double)k * LN2_LO + c)) - f);
  }
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return (double)k * LN2_HI - ((hfsq - (s * (hfsq + R) + ((double)k * LN2_LO + c))) - f);
}

#ifdef LIBM
#define EXP exp
#define LOG log
#define LOG1P log1p
#else
#define EXP fdlibmExp
#define LOG fdlibmLog
#define LOG1P fdlibmLog1p
#endif

/* The normal quantile and the geometric month (random.ts). */
static double tailNumerator(double q) {
  return ((((-7.784894002430293e-3 * q + -3.223964580411365e-1) * q + -2.400758277161838) * q + -2.549732539343734) * q +
          4.374664141464968) * q + 2.938163982698783;
}
static double tailDenominator(double q) {
  return (((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1;
}
static double normalQuantile(double u) {
  if (!(u >= 0.02425 && u <= 1 - 0.02425)) {
    if (u <= 0) u = 5e-324;
    if (u < 0.02425) {
      const double q = sqrt(-2 * LOG(u));
      return tailNumerator(q) / tailDenominator(q);
    }
    const double q = sqrt(-2 * LOG(1 - u));
    return -tailNumerator(q) / tailDenominator(q);
  }
  const double q = u - 0.5;
  const double r = q * q;
  return (((((-3.969683028665376e1 * r + 2.209460984245205e2) * r + -2.759285104469687e2) * r + 1.38357751867269e2) * r +
           -3.066479806614716e1) * r + 2.506628277459239) * q /
         (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r + -1.556989798598866e2) * r + 6.680131188771972e1) * r +
           -1.328068155288572e1) * r + 1);
}
static i32 nextMonth(i32 from, double p, double logStay, double u) {
  if (p >= 1) return from < NEVER ? from : NEVER;
  if (!(p > 0)) return NEVER;
  const double month = (double)from + floor(LOG1P(-u) / logStay);
  return month < (double)NEVER ? (i32)month : NEVER;
}

/* Layout helpers (layout.ts). */
static inline i32 record(i32 i) { return records + i * RecordSize; }
static inline double classField(i32 s, i32 slot) { return F64(classes + (s * ClassSize + slot) * 8); }
static void prepareClasses(void) {
  for (i32 s = 0; s < C; s++) {
    const i32 at = classes + s * ClassSize * 8;
    F64(at + logStayReconsider * 8) = LOG1P(-F64(at + reconsider * 8));
    F64(at + logStayHazard * 8) = LOG1P(-F64(at + hazard * 8));
  }
}
static inline u32 keyInGroup(u32 stream, i32 g, i32 i) {
  const i32 first = I32(groupFirst + g * 4);
  return keyOf(groupStream(stream, (u32)I32(groupNumber + g * 4)), (u32)(i - first));
}

/* The choice (choice.ts). */
static inline i32 chooserAt(i32 k) {
  const i32 entry = I32(choosers + k * 4);
  return entry < 0 ? ~entry : entry;
}
static inline double term(i32 s, i32 j, i32 slot) { return F64(choiceTable + ((s * TermSize + slot) * P + j) * 8); }
static inline double campaignField(i32 c, i32 slot) { return F64(campaigns + (c * CampaignSize + slot) * 8); }
static i32 applicableCampaign(i32 j, i32 current) {
  const i32 count = I32(running + j * 4);
  const i32 list = running + (P + j * K) * 4;
  for (i32 r = 0; r < count; r++) {
    const i32 c = I32(list + r * 4);
    const i32 kind = (i32)campaignField(c, eligible);
    if (kind == ALL) return c;
    if (kind == NEW && current != j) return c;
    if (kind == MIGRANTS && current >= 0 && current != j && U8(campaignFrom + c * P + current) != 0) return c;
  }
  return NO_CAMPAIGN;
}
static i32 campaignFor(i32 s, i32 j, i32 current) {
  if (term(s, j, available) == 0 || term(s, j, campaignsTerm) == 0) return NO_CAMPAIGN;
  return applicableCampaign(j, current);
}
static double grantTerm(i32 s, i32 j, i32 c, double d) {
  if (c == NO_CAMPAIGN || !(campaignField(c, budgetLeft) > 0)) return 0;
  const double g = campaignField(c, grantSlot), v = d * campaignField(c, validity);
  return term(s, j, price) * (g < v ? g : v);
}
static double supportTerm(i32 c) { return c == NO_CAMPAIGN ? 0 : campaignField(c, support); }

static i32 chooseFor(i32 i, i32 current, double S, double u, double H) {
  const i32 r = record(i);
  const i32 s = U8(r + cls);
  const double rev = F64(r + revenue);
  const double rn = rev > 1 ? rev : 1;
  const double d = F64(r + tokens);
  const double lambda = classField(s, precision);
  const i32 util = roundAt + (ROUND_HEADER + P * P + C) * 8;
  for (i32 j = 0; j < P; j++) {
    double x;
    if (term(s, j, available) == 0) {
      x = -INFINITY;
    } else {
      const i32 c = campaignFor(s, j, current);
      const double grantValue = grantTerm(s, j, c, d);
      const double sup = supportTerm(c);
      const double switching = current != NO_PROVIDER && j != current ? S * term(s, j, switchFactor) * (1 - sup) : 0.0;
      const double risk = term(s, j, exitRisk) * S;
      const double v = (rev * term(s, j, qualityFactor) - term(s, j, paidPrice) * d + (grantValue - switching - risk) / H) / rn + term(s, j, network);
      x = lambda * v;
    }
    F64(util + j * 8) = x;
  }
  double best = -INFINITY;
  for (i32 j = 0; j < P; j++) {
    const double x = F64(util + j * 8);
    if (x > best) best = x;
  }
  if (best == -INFINITY) return NO_PROVIDER;
  for (i32 j = 0; j < P; j++) {
    const double x = F64(util + j * 8);
    F64(util + j * 8) = x == -INFINITY ? 0.0 : x == best ? 1.0 : EXP(x - best);
  }
  double total = 0.0;
  for (i32 j = 0; j < P; j++) total += F64(util + j * 8);
  double target = u * total;
  i32 last = NO_PROVIDER;
  for (i32 j = 0; j < P; j++) {
    const double w = F64(util + j * 8);
    if (w == 0) continue;
    last = j;
    target -= w;
    if (target < 0) return j;
  }
  return last;
}

static void grant(i32 r, i32 c, i32 t) {
  const i32 budget = campaigns + (c * CampaignSize + budgetLeft) * 8;
  const double left = F64(budget);
  if (!(left > 0)) return;
  const double g = campaignField(c, grantSlot);
  const double amount = g < left ? g : left;
  F64(budget) = left - amount;
  i32 entry = I32(r + grantEntry);
  if (entry == 0) {
    entry = I32(records - HeaderSize + headerGrants) + 1;
    I32(records - HeaderSize + headerGrants) = entry;
    I32(r + grantEntry) = entry;
  }
  const i32 a = grantTable(records) + (entry - 1) * GrantSize;
  F64(a + freeTokens) = amount;
  I16(a + freeProvider) = (i16)campaignField(c, campaignProvider);
  const double until = (double)t + campaignField(c, validity) - 1;
  I16(a + freeUntil) = (i16)(until < (double)NEVER ? (i32)until : NEVER);
}

static void chooseRound(i32 n, i32 t, double H, u32 choiceStream, u32 rescheduleStream, u32 attributes, int reschedule) {
  prepareClasses();
  F64(roundAt + SWITCHES_VOLUNTARY * 8) = 0;
  F64(roundAt + SWITCHES_FORCED * 8) = 0;
  const i32 flows = roundAt + ROUND_HEADER * 8;
  for (i32 f = 0; f < P * P; f++) F64(flows + f * 8) = 0;
  strandedCount = 0;
  for (i32 k = 0; k < n; k++) {
    const i32 a = chooserAt(k);
    const i32 g = groupAt(a);
    I32(chooserGroups + k * 4) = g;
    const i32 s = U8(record(a) + cls);
    const double u = uniform(keyInGroup(attributes, g, a), DRAW_SWITCH_COST);
    F64(switchCosts + k * 8) = classField(s, switchMedian) * EXP(classField(s, switchSigma) * normalQuantile(u));
  }
  for (i32 k = 0; k < n; k++) {
    const i32 entry = I32(choosers + k * 4);
    const int forced = entry < 0;
    const i32 i = forced ? ~entry : entry;
    const i32 r = record(i);
    const i32 s = U8(r + cls);
    const i32 current = I16(r + provider);
    const double S = F64(switchCosts + k * 8);
    const i32 g = I32(chooserGroups + k * 4);
    const i32 j = chooseFor(i, current, S, uniform(keyInGroup(choiceStream, g, i), 0), H);
    if (j == NO_PROVIDER) {
      I32(stranded + strandedCount * 4) = i;
      strandedCount++;
    } else {
      const i32 c = applicableCampaign(j, current);
      if (current != NO_PROVIDER && j != current) {
        const double sup = c == NO_CAMPAIGN ? 0.0 : campaignField(c, support);
        F64(r + cash) = F64(r + cash) - S * term(s, j, switchFactor) * (1 - sup);
        const double until = (double)t + classField(s, disruptionMonths) - 1;
        I16(r + disruptedUntil) = (i16)(until < (double)NEVER ? (i32)until : NEVER);
        const i32 flow = flows + (current * P + j) * 8;
        F64(flow) = F64(flow) + 1;
        const i32 counter = roundAt + (forced ? SWITCHES_FORCED : SWITCHES_VOLUNTARY) * 8;
        F64(counter) = F64(counter) + 1;
      }
      if (c != NO_CAMPAIGN) grant(r, c, t);
      I16(r + provider) = (i16)j;
    }
    if (reschedule && I16(r + nextReconsider) <= t)
      I16(r + nextReconsider) = (i16)nextMonth(t + 1, classField(s, reconsider), classField(s, logStayReconsider),
                                               uniform(keyInGroup(rescheduleStream, g, i), 0));
  }
}

static void setup(const double *a) {
  records = (i32)a[0], P = (i32)a[1], C = (i32)a[2], K = (i32)a[3], classes = (i32)a[4], choiceTable = (i32)a[5];
  campaigns = (i32)a[6], campaignFrom = (i32)a[7], running = (i32)a[8], roundAt = (i32)a[11], choosers = (i32)a[12];
  stranded = (i32)a[13], switchCosts = (i32)a[16], chooserGroups = (i32)a[17];
  setGroups((i32)a[9], (i32)a[10], (i32)a[18]);
}

static void oneRound(const double *a) { chooseRound((i32)a[19], (i32)a[20], a[21], (u32)a[22], (u32)a[23], (u32)a[24], a[25] != 0); }

int main(int argc, char **argv) { return timeLoop(argc, argv, 26, setup, oneRound); }
