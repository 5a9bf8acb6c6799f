/** A setting that cannot be used. The message names the variable and never echoes its value. */
export class SettingsError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SettingsError';
  }
}
