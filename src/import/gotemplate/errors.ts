// The one error any template input can produce. Kept apart from the public index so that the lexer, parser
// and executor can all throw it without importing each other in a circle.

export class GoTemplateError extends Error {
  constructor(message: string, readonly file: string, readonly line: number, readonly col: number) {
    super(message);
    this.name = 'GoTemplateError';
  }
}
