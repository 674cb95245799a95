// Types of schemas.mjs for the TypeScript tools and tests.
export type Provider = 'sqlite' | 'postgresql';
export declare const PROVIDERS: readonly Provider[];
export declare function schemaPath(provider: Provider): string;
export declare function readSchema(provider: Provider): Promise<{ path: string; content: string }>;
export declare function writeDerivedSchemas(): Promise<void>;
