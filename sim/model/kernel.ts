/**
 * The engine's WebAssembly kernel (source: sim/kernel/, AssemblyScript,
 * compiled to sim/kernel/kernel.wasm by `npm run build:kernel`) and the
 * layout of the memory it shares with the rest of the engine: one
 * WebAssembly.Memory per world, holding the kernel's scratch space and then
 * the startup records (startups.ts), which JavaScript reads through typed
 * views over the same memory.
 *
 * The kernel does the per-startup work of a month: births (entry.ts),
 * choices (choice.ts), steps 5–7 (operate.ts) and the draws a `set`
 * re-derives (growth.ts, schedule.ts). The JavaScript side does the
 * per-provider and per-month work, writes the tables a call reads just
 * before the call (kernel-tables.ts) and books what it reports, so the
 * scratch space holds nothing between calls and a fork (fork.ts) needs
 * only the records.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CampaignSlot, ClassSlot, TableHeader, Term } from '../kernel/tables.js';

/** Byte offsets into a world's memory, and the capacities of the kernel's lists. */
export interface KernelLayout {
  /** f64 × (2P + C·P + 4C): the month's parameters of steps 5–7 (see sim/kernel/operate.ts). */
  params: number;
  /** f64 × (4P + 2): per-provider sums, the free tokens used and the bills' part paid by vouchers. */
  sums: number;
  /** i32 × dyingCapacity: deaths of one call of operate. */
  dying: number;
  /** i32 × listCapacity: survivors listed for next month's reconsideration by one call of operate. */
  list: number;
  /** f64 × C · ClassSlot.size: the class table (kernel-tables.ts). */
  classes: number;
  /** f64 × C · P · Term.size: the choice table (choice.ts). */
  choice: number;
  /** f64 × K · CampaignSlot.size: the campaigns (kernel-tables.ts), u8 × K · P: who counts as a migrant, i32 × (P + P · K): who runs what. */
  campaigns: number;
  campaignFrom: number;
  running: number;
  /** i32 × 2 · groupCapacity: each birth group's first index, then its number (births.ts). */
  groups: number;
  groupCapacity: number;
  /** f64 × (2 + P² + C + P): a round's switch counters, flows, births by class, and the logit's scratch. */
  round: number;
  /** i32 × listCapacity: a round's choosers, and the startups it left without a provider. */
  choosers: number;
  stranded: number;
  /** u32 × listCapacity: the priority draws of the startups listed at `choosers` (priority.ts). */
  priorities: number;
  /** f64 × C · (P + 1): per class, 1 when the scenario gives its initial shares, then the cumulative shares (kernel-tables.ts). */
  initialShares: number;
  /** f64 × listCapacity: the switching costs of a round's choosers; i32 × listCapacity: their birth groups. */
  switchCosts: number;
  chooserGroups: number;
  /** The first startup record, 64-byte aligned, after the table's header (TableHeader). */
  records: number;
  dyingCapacity: number;
  listCapacity: number;
}

/** Entries of the kernel's lists: a call returns when one is full (operate) or takes at most this many (a round of choices). */
const LIST_CAPACITY = 4096;

/** The layout of a world with P providers, C classes, K campaigns and `months` months. */
export function kernelLayout(providers: number, classes: number, campaigns: number, months: number): KernelLayout {
  const P = providers;
  const C = classes;
  const K = campaigns;
  const align8 = (n: number) => Math.ceil(n / 8) * 8;
  let at = 0;
  const take = (bytes: number) => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  const layout = {
    params: take(8 * (2 * P + C * P + 4 * C)),
    sums: take(8 * (4 * P + 2)),
    dying: take(4 * LIST_CAPACITY),
    list: take(4 * LIST_CAPACITY),
    classes: take(8 * C * ClassSlot.size),
    choice: take(8 * C * P * Term.size),
    campaigns: take(8 * K * CampaignSlot.size),
    campaignFrom: take(K * P),
    running: take(4 * (P + P * K)),
    groupCapacity: months + 1,
    groups: take(8 * (months + 1)),
    round: take(8 * (2 + P * P + C + P)),
    choosers: take(4 * LIST_CAPACITY),
    stranded: take(4 * LIST_CAPACITY),
    priorities: take(4 * LIST_CAPACITY),
    initialShares: take(8 * C * (P + 1)),
    switchCosts: take(8 * LIST_CAPACITY),
    chooserGroups: take(4 * LIST_CAPACITY),
    records: 0,
    dyingCapacity: LIST_CAPACITY,
    listCapacity: LIST_CAPACITY,
  };
  // The startup table's header takes the 16 bytes before the records (startups.ts).
  layout.records = Math.ceil((at + TableHeader.size) / 64) * 64;
  return layout;
}

/** The kernel's exports (argument order as in sim/kernel/). */
export interface Kernel {
  init(
    records: number,
    providers: number,
    classes: number,
    campaigns: number,
    classTable: number,
    choiceTable: number,
    campaignTable: number,
    campaignFrom: number,
    running: number,
    groups: number,
    groupCapacity: number,
    round: number,
    choosers: number,
    stranded: number,
    priorities: number,
    initialShares: number,
    switchCosts: number,
    chooserGroups: number,
  ): void;
  /** The number of birth groups in the group table, written just before. */
  setGroups(count: number): void;
  /** Births of startups first … first + n − 1, one whole new group; streams narrowed to it. */
  bear(first: number, n: number, attributes: number, reconsider: number, hazard: number, reconsiderFrom: number, hazardFrom: number): void;
  /** Growth factors of the living startups 0 … n − 1 from their attributes draws, after a `set`. */
  regrow(n: number, attributes: number): void;
  /** Schedules of the living startups 0 … n − 1 of the flagged classes, redrawn from month t. */
  reschedule(n: number, t: number, reconsider: number, hazard: number): void;
  /** The providers at t = 0 of startups 0 … n − 1: from the initial shares, else by the logit. */
  assignInitial(n: number, stream: number, horizon: number): void;
  /** One round of choices: the n choosers listed at `choosers`. */
  chooseRound(n: number, t: number, horizon: number, choiceStream: number, rescheduleStream: number, attributes: number, reschedule: boolean): void;
  /** The 32-bit priority draws in `stream` of the n startups listed at `choosers`, written at `priorities`. */
  priorities(n: number, stream: number): void;
  /** Startups the last round left without a provider, listed at `stranded`. */
  strandedInRound(): number;
  /** What the round's reads that warm its choosers' records read: exported only so that no compiler drops them. */
  warmedRecords(): number;
  operate(
    records: number,
    start: number,
    n: number,
    t: number,
    providers: number,
    classes: number,
    params: number,
    sums: number,
    dying: number,
    dyingCapacity: number,
    list: number,
    listCapacity: number,
    /** The month's rescue stream; the kernel narrows it to each birth group (groupStream). */
    rescueStream: number,
  ): number;
  /** Deaths and listed survivors of the last call of operate. */
  dead(): number;
  listed(): number;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The kernel's compiled module, compiled once per process: a worker pool
 * hands it to its workers (a WebAssembly.Module crosses to a worker thread
 * without being compiled again), which adopt it with useKernelModule.
 */
export function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    const file = fileURLToPath(new URL('../kernel/kernel.wasm', import.meta.url));
    if (!existsSync(file)) throw new Error(`the engine's WebAssembly kernel is missing (${file}): run \`npm run build\``);
    compiled = new WebAssembly.Module(readFileSync(file));
  }
  return compiled;
}

/** Adopts the module another thread compiled (kernelModule there). */
export function useKernelModule(module: WebAssembly.Module): void {
  compiled = module;
}

/** The kernel instantiated over `memory`, whose records start at `layout.records`. */
export function instantiateKernel(memory: WebAssembly.Memory, layout: KernelLayout, providers: number, classes: number, campaigns: number): Kernel {
  const kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as Kernel;
  const l = layout;
  kernel.init(l.records, providers, classes, campaigns, l.classes, l.choice, l.campaigns, l.campaignFrom, l.running, l.groups, l.groupCapacity, l.round, l.choosers, l.stranded, l.priorities, l.initialShares, l.switchCosts, l.chooserGroups);
  return kernel;
}
