/**
 * Thrown at start-up when the module's options are wrong. The message names the option and
 * says how to fix it; the app does not start.
 */
export class FaultlineConfigError extends Error {
  /** The option path at fault, for example `problemTypeBaseUrl`. */
  readonly option: string;

  constructor(option: string, problem: string, fix?: string) {
    super(`FAULTLINE_INVALID_OPTION: ${option} ${problem}${fix ? `. ${fix}` : ''}`);
    this.name = this.constructor.name;
    this.option = option;
  }
}
