/**
 * The secrets found in one string, as `[start, end)` ranges with an optional replacement (the
 * censor otherwise). Scanners append to it; {@link SecretRanges.apply} writes the redacted text.
 * One instance is reused for every string a Redactor scans, so finding nothing allocates nothing.
 */
export class SecretRanges {
  private starts: number[] = [];
  private ends: number[] = [];
  private replacements: (string | undefined)[] = [];
  /** How many ranges are held. */
  length = 0;
  /**
   * After {@link SecretRanges.apply}: where in its output the original position given as `mark`
   * ended up (the end of the replacement when a range covers it).
   */
  markOut = -1;
  private sorted = true;

  /** Adds `[start, end)`; `replacement` replaces it instead of the censor. */
  add(start: number, end: number, replacement?: string): void {
    const i = this.length++;
    if (i > 0 && start < this.starts[i - 1]) this.sorted = false;
    this.starts[i] = start;
    this.ends[i] = end;
    this.replacements[i] = replacement;
  }

  /** Forgets every range. */
  clear(): void {
    this.length = 0;
    this.sorted = true;
  }

  /** Adds every range of `other`, its positions translated by `map` (decoded index -> original). */
  addMapped(other: SecretRanges, map: Int32Array): void {
    for (let i = 0; i < other.length; i++) {
      this.add(map[other.starts[i]], map[other.ends[i]], other.replacements[i]);
    }
  }

  /**
   * `text` up to `end` with every range replaced. Overlapping ranges become one; it keeps the
   * replacement of the range that starts first when that range covers the others, else the censor.
   * Where the original position `mark` lands in the output is left in {@link markOut}.
   */
  apply(text: string, end: number, censor: string, mark = 0): string {
    this.markOut = mark;
    if (this.length === 0) return end === text.length ? text : text.slice(0, end);
    const order = this.order();
    let out = '';
    let copied = 0;
    let marked = false;
    let k = 0;
    while (k < order.length) {
      const first = order[k];
      const start = this.starts[first];
      let stop = this.ends[first];
      let replacement = this.replacements[first] ?? censor;
      for (k++; k < order.length && this.starts[order[k]] < stop; k++) {
        const next = this.ends[order[k]];
        if (next > stop) {
          stop = next;
          replacement = censor;
        }
      }
      if (!marked && mark < start) {
        this.markOut = out.length + mark - copied;
        marked = true;
      }
      out += text.slice(copied, start) + replacement;
      if (!marked && mark < stop) {
        this.markOut = out.length;
        marked = true;
      }
      copied = stop;
    }
    if (!marked) this.markOut = out.length + mark - copied;
    return out + text.slice(copied, end);
  }

  /** Indexes by start (then longest first); the identity when ranges came in order. */
  private order(): number[] {
    const order = new Array<number>(this.length);
    for (let i = 0; i < this.length; i++) order[i] = i;
    if (!this.sorted) order.sort((a, b) => this.starts[a] - this.starts[b] || this.ends[b] - this.ends[a]);
    return order;
  }
}

/**
 * Work counters of the built-in scanners: characters stepped over by their own loops and
 * searches, and bounded pattern attempts. Deterministic, so tests can check that the work grows
 * linearly with the input whatever the machine's load. Not part of the public API.
 */
export const scanMeter = { chars: 0, probes: 0 };
