/**
 * Loads Prisma's WebAssembly schema engine (the engine behind `prisma migrate`), once per process and only
 * when first needed: it is 5.4 MB of wasm that the gateway only uses while migrating.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

/** The part of the WebAssembly JS API used here: the project's `lib` setting has no WebAssembly typings. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
  RuntimeError: new () => Error;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const GLUE_SPECIFIER = '@prisma/schema-engine-wasm/schema_engine_bg';

interface PanicRegistry {
  set_message(message: string): void;
  get(): string;
}

let loading: Promise<SchemaEngineModule> | undefined;

export function loadSchemaEngine(): Promise<SchemaEngineModule> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined; // let a later call retry instead of caching the failure
    throw error;
  });
  return loading;
}

/**
 * A Rust panic surfaces as a wasm trap, or as the error Prisma Client's panic registry throws when the client is
 * loaded too. The engine that panicked must not be used any more.
 */
export function isEnginePanic(error: unknown): boolean {
  return error instanceof wasmApi.RuntimeError || (error instanceof Error && error.name === 'PrismaClientRustPanicError');
}

/** The message of the last Rust panic, when the panic registry installed here is still the active one. */
export function lastPanicMessage(): string | undefined {
  const registry = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: Partial<PanicRegistry> }).PRISMA_WASM_PANIC_REGISTRY;
  return registry?.get?.() || undefined;
}

async function instantiate(): Promise<SchemaEngineModule> {
  installPanicRegistry();
  // The package entry imports the .wasm as an ES module, which Node 20 refuses: wire the glue to the wasm by hand.
  const glue: SchemaEngineModule = await import(GLUE_SPECIFIER);
  const wasmPath = createRequire(import.meta.url).resolve(GLUE_SPECIFIER).replace(/\.js$/, '.wasm');
  const wasmModule = new wasmApi.Module(await readFile(wasmPath));
  const { exports } = new wasmApi.Instance(wasmModule, { './schema_engine_bg.js': withUnrefTimers(glue) });
  glue.__wbg_set_wasm(exports);
  (exports.__wbindgen_start as () => void)();
  return glue;
}

/**
 * The engine arms timeouts (10 s on PostgreSQL, 60 s in `db push`) and never clears them, which would keep a
 * finished process alive that long. Its timers never need to: whatever it waits on (a socket) keeps the process
 * alive by itself. Hence the glue's setTimeout import, replaced by an unref'd one.
 */
function withUnrefTimers(glue: SchemaEngineModule): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, delay: number) => setTimeout(callback, delay >>> 0).unref();
  }
  return imports;
}

/**
 * The glue reports Rust panics through this global and fails without it. Prisma Client installs its own
 * (which the engine can share), so only install one when none exists.
 */
function installPanicRegistry(): void {
  const holder = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  if (holder.PRISMA_WASM_PANIC_REGISTRY) return;
  let message = '';
  holder.PRISMA_WASM_PANIC_REGISTRY = {
    set_message(value) {
      message = value;
    },
    get: () => message,
  };
}
