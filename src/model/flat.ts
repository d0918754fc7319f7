// Strings built by concatenation are ropes in V8: a tree of pieces, each a heap object. A string that lives
// to the end of a run (an id, a path, a finding's text) is better kept as one piece: the garbage collector
// copies and marks every object of a rope, and a large model has hundreds of thousands of such strings.
// Reading a character makes V8 flatten a rope in place, and the collector then drops the rope for the flat
// string, cheaply while its pieces are still young. The code read goes to a module variable so that the
// compiler cannot drop the read.
let sink = 0;

/** `s`, flattened into one piece (see above). Call it where a long-lived string is made. */
export const flat = (s: string): string => {
  sink ^= s.charCodeAt(0);
  return s;
};
