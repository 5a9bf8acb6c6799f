import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version in package.json, read once (it is shipped beside dist/ in the image). */
export const SERVICE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
