/** `count` error classes named `Storm0Error`, `Storm1Error`, …: one fingerprint each. */
export function stormErrors(count: number): (new (message: string) => Error)[] {
  return Array.from({ length: count }, (_, i) => {
    const StormError = class extends Error {};
    Object.defineProperty(StormError, 'name', { value: `Storm${i}Error` });
    return StormError;
  });
}
