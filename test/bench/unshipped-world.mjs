// A world the project does not ship, for timing the engine on a shape it was
// not tuned for (test/bench/README.md, "Whole process"): about the size of
// bench-10k, but 14 providers with their own prices and qualities, three
// classes with other shares, another exit month and another campaign. Every
// parameter is drawn from a small generator seeded by `seed`, so the same
// seed writes the same file.
//
//   node test/bench/unshipped-world.mjs <out.yaml> [seed]
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** mulberry32: a 32-bit generator, enough to draw reproducible parameters. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = 14;
const MONTHS = 108;

/** The scenario's YAML text for `seed`. */
export function unshippedWorld(seed = 7) {
  const u = generator(seed);
  const between = (lo, hi, digits = 3) => Number((lo + (hi - lo) * u()).toPrecision(digits));
  const ids = Array.from({ length: PROVIDERS }, (_, i) => `q${i}`);
  const providers = ids.map((id, i) => {
    if (i === 0) return `  - { id: ${id}, name: Incumbent, price: ${between(3, 6)}, quality: 1.0, unitCost: ${between(1, 2)}, cash: 1e12 }`;
    if (i === 1)
      return [
        `  - id: ${id}`,
        `    price: "max(0.05, min(1.2, lowestPrice * ${between(1.5, 2.5)}))"`,
        `    quality: ${between(0.82, 0.9)}`,
        `    unitCost: ${between(0.05, 0.2)}`,
        `    fixedCost: ${between(1, 4)}e6`,
        `    cash: 5e9`,
      ].join('\n');
    if (i === 2)
      return [
        `  - id: ${id}`,
        `    price: ${between(0.2, 0.8)}`,
        `    quality: { initial: ${between(0.7, 0.8)}, then: "min(0.97, quality * ${between(1.002, 1.008, 4)})" }`,
        `    unitCost: ${between(0.05, 0.2)}`,
        `    fixedCost: ${between(1, 4)}e6`,
        `    cash: 1e10`,
      ].join('\n');
    const serves = i === PROVIDERS - 1 ? ', serves: [enterprise]' : '';
    return `  - { id: ${id}, price: ${between(0.05, 3)}, quality: ${between(0.7, 0.97)}, unitCost: ${between(0.03, 0.5)}, fixedCost: ${between(0.5, 5)}e6, cash: ${between(1, 20, 2)}e9${serves} }`;
  });

  // Shares of the three classes: drawn, then rounded so they sum to 1.
  const raw = [between(0.5, 0.7), between(0.2, 0.35), between(0.05, 0.15)];
  const shares = raw.map((x) => Math.round((x / raw.reduce((a, b) => a + b, 0)) * 100) / 100);
  shares[0] = Number((1 - shares[1] - shares[2]).toFixed(2));
  const klass = (name, share, scale) =>
    [
      `  ${name}:`,
      `    share: ${share}`,
      `    cash: { median: ${Math.round(between(2, 5) * scale * 1e5)}, sigma: ${between(0.6, 1)} }`,
      `    revenue: { median: ${Math.round(between(2, 4) * scale * 1e4)}, sigma: ${between(0.4, 0.7)} }`,
      `    opex: { median: ${Math.round(between(1.2, 2) * scale * 1e4)}, sigma: 0.5 }`,
      `    tokens: { median: ${Math.round(between(30, 80) * scale)}, sigma: ${between(0.8, 1.4)} }`,
      `    growth: { mean: ${between(0.005, 0.015)}, sd: ${between(0.01, 0.025)} }`,
      `    switchCost: { median: ${Math.round(between(1, 3) * scale * 1e4)}, sigma: 0.5 }`,
      `    hazard: ${between(0.001, 0.004)}`,
      `    disruption: { months: ${1 + Math.floor(u() * 3)}, loss: ${between(0.1, 0.4)} }`,
      `    reconsider: ${between(0.03, 0.1)}`,
      `    precision: ${between(5, 10, 2)}`,
      `    network: ${between(0.2, 0.8)}`,
      `    qualityElasticity: ${between(1.5, 3)}`,
      `    funding: { probability: ${between(0.8, 0.95)}, months: ${12 + Math.floor(u() * 24)} }`,
    ].join('\n');

  // Initial customers: every provider but the enterprise-only one gets a drawn share.
  const weights = ids.slice(0, -1).map((_, i) => (i === 0 ? 8 : 1 + u() * 3));
  const total = weights.reduce((a, b) => a + b, 0);
  const initial = weights.map((w) => Math.floor((w / total) * 1000) / 1000);
  initial[0] = Number((1 - initial.slice(1).reduce((a, b) => a + b, 0)).toFixed(3));

  const exitMonth = 10 + Math.floor(u() * 12); // 2024-11 … 2025-10
  const at = (t) => `${2024 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
  const campaignProvider = ids[3 + Math.floor(u() * 8)];

  return `# A world the project does not ship (test/bench/unshipped-world.mjs, seed ${seed}):
# ${PROVIDERS} providers, three classes, the incumbent exits in ${at(exitMonth)}.
# Only for timing: not a calibrated world.
name: Unshipped world, seed ${seed}
start: 2024-01
months: ${MONTHS}
seed: ${seed}
runs: 100
horizon: 12
qualityReference: 1.0

providers:
${providers.join('\n')}

classes:
${klass('solo', shares[0], 1)}
${klass('growth', shares[1], 8)}
${klass('enterprise', shares[2], 90)}

startups:
  initial: 11000
  initialProviders: { ${ids.slice(0, -1).map((id, i) => `${id}: ${initial[i]}`).join(', ')} }
  entry: { rate: ${60 + Math.floor(u() * 60)}, qualityElasticity: ${between(0.5, 1.5)} }

events:
  - id: incumbent-exit
    at: ${at(exitMonth)}
    exit: ${ids[0]}
  - id: ${campaignProvider}-campaign
    at: ${at(exitMonth - 2)}
    campaign: { provider: ${campaignProvider}, grant: ${Math.round(between(40, 200))}, validity: ${2 + Math.floor(u() * 4)}, eligible: migrants, from: [${ids[0]}], support: ${between(0.3, 0.9)}, until: ${at(exitMonth + 9)} }
`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [out, seedText = '7'] = process.argv.slice(2);
  if (!out) {
    process.stderr.write('usage: node test/bench/unshipped-world.mjs <out.yaml> [seed]\n');
    process.exit(2);
  }
  writeFileSync(out, unshippedWorld(Number(seedText)));
}
