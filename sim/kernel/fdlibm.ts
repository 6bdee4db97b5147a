/**
 * exp, log and log1p as V8 computes Math.exp, Math.log and Math.log1p:
 * fdlibm's algorithms (Sun Microsystems, 1993; "Developed at SunSoft ...
 * Permission to use, copy, modify, and distribute this software is freely
 * granted, provided that this notice is preserved"), operation for
 * operation as in V8's src/base/ieee754.cc, so every result is the same
 * double as JavaScript's. WebAssembly floats are IEEE 754 doubles with no
 * fused operations, so these are also the same on every machine.
 *
 * Why not AssemblyScript's own Math: its exp is musl's table-driven one,
 * which differs from V8's in the last bit for some arguments, and a model
 * whose draws move from JavaScript into the kernel must not change its
 * results. test/model/kernel-math.test.ts compares all three with
 * JavaScript's on millions of arguments, to the bit.
 */

// @ts-ignore: decorator
@inline
function highWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

// @ts-ignore: decorator
@inline
function lowWord(x: f64): u32 {
  return <u32>reinterpret<u64>(x);
}

// @ts-ignore: decorator
@inline
function withHighWord(x: f64, high: u32): f64 {
  return reinterpret<f64>((<u64>high << 32) | <u64>lowWord(x));
}

// @ts-ignore: decorator
@inline
function fromWords(high: u32, low: u32): f64 {
  return reinterpret<f64>((<u64>high << 32) | <u64>low);
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
// log(1 + f) polynomial (the same coefficients serve log and log1p).
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

export function exp(x: f64): f64 {
  const P1 = 1.66666666666666019037e-1;
  const P2 = -2.77777777770155933842e-3;
  const P3 = 6.61375632143793436117e-5;
  const P4 = -1.65339022054652515390e-6;
  const P5 = 4.13813679705723846039e-8;
  let hx = highWord(x);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: NaN, ±Infinity, overflow or underflow.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e2) return Infinity;
    if (x < -7.45133219101941108420e2) return 0.0;
  }
  let hi = 0.0;
  let lo = 0.0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln 2: x = k ln 2 + r.
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045;
      hi = xsb != 0 ? x + LN2_HI : x - LN2_HI;
      lo = xsb != 0 ? -LN2_LO : LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(1.44269504088896338700 * x + (xsb != 0 ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = k >= -1021 ? fromWords(<u32>(0x3ff00000 + (k << 20)), 0) : fromWords(<u32>(0x3ff00000 + ((k + 1000) << 20)), 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * twopk;
  }
  return y * twopk * 9.33263618503218878990e-302;
}

export function log(x: f64): f64 {
  let hx = <i32>highWord(x);
  const lx = lowWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, negative or subnormal.
    if (((hx & 0x7fffffff) | <i32>lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = <i32>highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, <u32>(hx | (i ^ 0x3ff00000)));
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 ≤ f < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

export function log1p(x: f64): f64 {
  const hx = <i32>highWord(x);
  const ax = hx & 0x7fffffff;
  let k: i32 = 1;
  let f = 0.0;
  let c = 0.0;
  let hu: i32 = 0;
  if (hx < 0x3fda827a) {
    // 1 + x < sqrt(2)+
    if (ax >= 0x3ff00000) {
      // x ≤ -1
      if (x == -1.0) return -Infinity;
      return NaN;
    }
    if (ax < 0x3e200000) {
      // |x| < 2^-29
      if (ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= <i32>0xbfd2bec4) {
      // sqrt(2)/2- ≤ 1 + x < sqrt(2)+
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    let u: f64;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = <i32>highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // correction term
      c /= u;
    } else {
      u = x;
      hu = <i32>highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, <u32>(hu | 0x3ff00000)); // normalise u
    } else {
      k += 1;
      u = withHighWord(u, <u32>(hu | 0x3fe00000)); // normalise u / 2
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (hu == 0) {
    // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      c += <f64>k * LN2_LO;
      return <f64>k * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - R;
    return <f64>k * LN2_HI - ((R - (<f64>k * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return <f64>k * LN2_HI - ((hfsq - (s * (hfsq + R) + (<f64>k * LN2_LO + c))) - f);
}

/**
 * exp of both lanes of `x`, each the double `exp` gives, in one pass of
 * SIMD arithmetic (the same IEEE operations per lane) where both lanes lie
 * in the main range of fdlibm's algorithm; a lane outside it (|x| < 2^-28,
 * exp(x) below 2^-1021 or above 2^1023, x = 1, NaN, ±Infinity) sends the
 * pair to `exp`, lane by lane. In the main range fdlibm's special cases
 * compute the same doubles as its general case: for 0.5 ln 2 < |x| <
 * 1.5 ln 2 the general reduction gives k = ±1 and the same hi and lo, and
 * for |x| ≤ 0.5 ln 2 (k = 0, hi = x, lo = 0) its formula
 * 1 − ((x·c)/(c − 2) − x) is 1 − ((lo − (x·c)/(2 − c)) − hi), as a/(−b) is
 * −(a/b) exactly; test/model/kernel-math.test.ts checks the bits.
 */
// @ts-ignore: decorator
@inline
export function exp2x(x: v128): v128 {
  const P1 = 1.66666666666666019037e-1;
  const P2 = -2.77777777770155933842e-3;
  const P3 = 6.61375632143793436117e-5;
  const P4 = -1.65339022054652515390e-6;
  const P5 = 4.13813679705723846039e-8;
  const hx = i64x2.shr_u(v128.and(x, i64x2.splat(0x7fffffffffffffff)), 32);
  const inRange = v128.and(
    v128.and(i64x2.ge_s(hx, i64x2.splat(0x3e300000)), i64x2.lt_s(hx, i64x2.splat(0x40862e42))),
    f64x2.ne(x, f64x2.splat(1.0)),
  );
  // |x| > 0.5 ln 2: x = k ln 2 + r; else k = 0.
  const reduce = i64x2.gt_s(hx, i64x2.splat(0x3fd62e42));
  const half = v128.bitselect(f64x2.splat(-0.5), f64x2.splat(0.5), f64x2.lt(x, f64x2.splat(0.0)));
  const k32 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.splat(1.44269504088896338700), x), half));
  const k = v128.and(i64x2.extend_low_i32x4_s(k32), reduce);
  const kInRange = v128.and(i64x2.ge_s(k, i64x2.splat(-1021)), i64x2.le_s(k, i64x2.splat(1023)));
  if (!i64x2.all_true(v128.and(inRange, kInRange))) {
    return f64x2.replace_lane(f64x2.splat(exp(f64x2.extract_lane(x, 0))), 1, exp(f64x2.extract_lane(x, 1)));
  }
  const t = v128.and(f64x2.convert_low_i32x4_s(k32), reduce);
  const hi = f64x2.sub(x, f64x2.mul(t, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(t, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const r2 = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(r2, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(r2, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(r2, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(r2, p));
  const c = f64x2.sub(r, f64x2.mul(r2, p));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(f64x2.splat(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  const twopk = i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
  return f64x2.mul(y, twopk);
}

/** exp2x of the two doubles at `at`, written back there (for the tests). */
export function exp2xAt(at: usize): void {
  v128.store(at, exp2x(v128.load(at)));
}
