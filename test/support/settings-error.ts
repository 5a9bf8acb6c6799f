import { SettingsError } from '../../src/settings/settings-error';

/** The SettingsError `parse` throws; fails the test if it throws nothing or something else. */
export function settingsErrorOf(parse: () => unknown): SettingsError {
  try {
    parse();
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error('expected a SettingsError');
}
