// What a template writes, and for each line written the template line it came from: the line of the
// text's first character, or of the action whose value started the line.

export class Output {
  private readonly parts: string[] = [];
  private size = 0;
  private atLineStart = true;
  /** sourceLines[i]: the template line of output line i + 1 (kept only when tracking). */
  readonly sourceLines: number[] = [];

  constructor(private readonly track: boolean, private readonly max: number) {}

  /**
   * Appends `s`, which starts on template line `line`; `advance` when `s` is template text, whose own
   * newlines move to the next template line. False when the output would grow past its limit.
   */
  write(s: string, line: number, advance: boolean): boolean {
    if (s === '') return true;
    this.size += s.length;
    if (this.size > this.max) return false;
    this.parts.push(s);
    if (!this.track) return true;
    let pos = 0;
    let current = line;
    while (pos < s.length) {
      if (this.atLineStart) {
        this.sourceLines.push(current);
        this.atLineStart = false;
      }
      const nl = s.indexOf('\n', pos);
      if (nl < 0) break;
      this.atLineStart = true;
      pos = nl + 1;
      if (advance) current++;
    }
    return true;
  }

  text(): string {
    const joined = this.parts.join('');
    this.parts.length = 0;
    if (joined) this.parts.push(joined);
    return joined;
  }
}
