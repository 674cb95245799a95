import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

// Paths from this file, so `graphql-codegen --config examples/typed-client/codegen.ts` works from any directory.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const config: CodegenConfig = {
  schema: here('../../schema.graphql'),
  documents: [here('src/**/*.ts'), `!${here('src/gql/**')}`],
  ignoreNoDocuments: false,
  generates: {
    [here('src/gql/')]: {
      preset: 'client',
      presetConfig: {
        // Plain strings with their types attached: sent as is by fetch, no GraphQL AST at run time.
        fragmentMasking: false,
      },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        // `.js` import suffixes, as Node's ESM resolution (and `moduleResolution: NodeNext`) requires.
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        scalars: {
          Json: 'unknown',
          // Up to 2^53 - 1 a number, beyond that a string of digits (see the schema's description).
          Int64: { input: 'number | string', output: 'number | string' },
          InputFile: { input: 'Blob', output: 'never' },
        },
      },
    },
  },
};

export default config;
