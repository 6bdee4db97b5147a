/**
 * The WebAssembly kernel of steps 5–7 (source: sim/kernel/operate.ts,
 * compiled to sim/kernel/operate.wasm by `npm run build:kernel`) and the
 * layout of the memory it shares with the rest of the engine: one
 * WebAssembly.Memory per world, holding the kernel's scratch space and then
 * the startup records (startups.ts), which JavaScript reads through typed
 * views over the same memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Byte offsets into a world's memory, and the capacities of the kernel's output lists. */
export interface KernelLayout {
  /** f64 × (2P + C·P + 4C): the month's parameters (see the kernel's header). */
  params: number;
  /** f64 × (4P + 2): per-provider sums, the free tokens used and the bills' part paid by vouchers. */
  sums: number;
  /** i32 × dyingCapacity: deaths of one call. */
  dying: number;
  /** i32 × listCapacity: survivors listed for next month's reconsideration by one call. */
  list: number;
  /** The first startup record, 64-byte aligned. */
  records: number;
  dyingCapacity: number;
  listCapacity: number;
}

/** Entries of the kernel's output lists: a call returns when one is full, and is called again from there. */
const LIST_CAPACITY = 4096;

export function kernelLayout(providers: number, classes: number): KernelLayout {
  const params = 0;
  const sums = params + 8 * (2 * providers + classes * providers + 4 * classes);
  const dying = sums + 8 * (4 * providers + 2);
  const list = dying + 4 * LIST_CAPACITY;
  const records = Math.ceil((list + 4 * LIST_CAPACITY) / 64) * 64;
  return { params, sums, dying, list, records, dyingCapacity: LIST_CAPACITY, listCapacity: LIST_CAPACITY };
}

/** The kernel's exports (argument order as in sim/kernel/operate.ts). */
export interface Kernel {
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
    /** The rescue stream narrowed to the birth group of start … n − 1 (groupStream), and that group's first index. */
    rescueStream: number,
    rankBase: number,
  ): number;
  /** Deaths and listed survivors of the last call. */
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
    const file = fileURLToPath(new URL('../kernel/operate.wasm', import.meta.url));
    if (!existsSync(file)) throw new Error(`the engine's WebAssembly kernel is missing (${file}): run \`npm run build\``);
    compiled = new WebAssembly.Module(readFileSync(file));
  }
  return compiled;
}

/** Adopts the module another thread compiled (kernelModule there). */
export function useKernelModule(module: WebAssembly.Module): void {
  compiled = module;
}

/** The kernel instantiated over `memory`. */
export function instantiateKernel(memory: WebAssembly.Memory): Kernel {
  return new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as Kernel;
}
