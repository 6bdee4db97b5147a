/**
 * Compute vouchers (MODEL.md section 12): from its event's month through
 * `until`, a voucher pays `share` of the billed token cost of the startups
 * of its classes; the provider is paid in full. Two vouchers running for one
 * class add up, to at most the whole bill.
 */
import type { World } from './world.js';

/** This month's voucher share of each class (step 2, before any choice reads it). */
export function updateVouchers(world: World): void {
  const vouchers = world.compiled.vouchers;
  if (vouchers.length === 0) return;
  const share = world.voucherShare;
  share.fill(0);
  const t = world.t;
  for (const v of vouchers) {
    if (t < v.from || t > v.until) continue;
    for (let s = 0; s < share.length; s++) if (v.classes & (1 << s)) share[s] += v.share;
  }
  for (let s = 0; s < share.length; s++) if (share[s] > 1) share[s] = 1;
}
