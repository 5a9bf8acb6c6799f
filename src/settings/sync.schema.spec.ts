import { EnvReader } from './env-reader';
import { parseSyncSettings } from './sync.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const parse = (env: Record<string, string>) => parseSyncSettings(new EnvReader(env));
const errorOf = (env: Record<string, string>) => settingsErrorOf(() => parse(env));

describe(parseSyncSettings.name, () => {
  it('applies up to 200 replica events per transaction by default, and reads SYNC_APPLY_BATCH', () => {
    expect(parse({}).applyBatchSize).toBe(200);
    expect(parse({ SYNC_APPLY_BATCH: '1' }).applyBatchSize).toBe(1);
    expect(parse({ SYNC_APPLY_BATCH: '5000' }).applyBatchSize).toBe(5000);
  });

  it.each(['0', '5001', 'many', '2.5'])('refuses SYNC_APPLY_BATCH=%s, naming the variable', (value) => {
    expect(errorOf({ SYNC_APPLY_BATCH: value }).message).toMatch(/SYNC_APPLY_BATCH/);
  });
});
