/**
 * The part of the WebAssembly JavaScript API the engine uses (kernel.ts,
 * startups.ts). Node has the global; TypeScript declares it only in its DOM
 * library, which a Node project should not load.
 */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
