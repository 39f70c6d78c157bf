/**
 * Lets a test decide when a handler goes on: the handler awaits `pass()`, the test awaits
 * `reached` (the handler has begun) and calls `release()`.
 */
export class Gate {
  private opened!: () => void;
  readonly reached: Promise<void>;
  private reach!: () => void;
  private readonly open = new Promise<void>((resolve) => (this.opened = resolve));

  constructor() {
    this.reached = new Promise<void>((resolve) => (this.reach = resolve));
  }

  async pass(): Promise<void> {
    this.reach();
    await this.open;
  }

  release(): void {
    this.opened();
  }
}
