// NestJS 12, jose and several of their dependencies ship ECMAScript modules only. Node >= 20.19
// require()s them natively, but Jest's CommonJS runtime cannot, so this transform hands every
// ES module (project code and node_modules alike) to swc and leaves CommonJS files untouched.
const { createHash } = require('node:crypto');
const swcJest = require('@swc/jest');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
const swc = swcJest.createTransformer(swcOptions);
const ESM_SYNTAX = /^\s*(import\s*[\w*{'"]|export\s|import\.meta)/m;

function needsTransform(source, filename) {
  return !filename.includes('/node_modules/') || ESM_SYNTAX.test(source);
}

module.exports = {
  canInstrument: false,
  getCacheKey(source, filename, options) {
    return createHash('sha1')
      .update(swc.getCacheKey(source, filename, options))
      .update(needsTransform(source, filename) ? 'swc' : 'raw')
      .digest('hex');
  },
  process(source, filename, options) {
    return needsTransform(source, filename) ? swc.process(source, filename, options) : { code: source };
  },
};
