// Offsets in a text to 1-based lines and UTF-16 columns, by a binary search over where each line starts:
// every reader of a source format (HCL, Terraform JSON, Go templates) cites positions the same way.

export class LineIndex {
  private readonly starts: number[];

  /** `first`: where line 1 starts (after a byte order mark, which editors do not count as a column). */
  constructor(text: string, first = 0) {
    this.starts = [first];
    for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) this.starts.push(j + 1);
  }

  at(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo] + 1 };
  }

  /** The offset of a 1-based line and column. */
  offset(line: number, col: number): number {
    return (this.starts[Math.min(line, this.starts.length) - 1] ?? 0) + col - 1;
  }
}
