// `npm run docs:errors`: writes docs/errors.md from the error table.
import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../src/errors/error-docs.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
console.log('docs/errors.md written');
