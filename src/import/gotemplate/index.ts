// Go's text/template in TypeScript: a TemplateSet holds the files parsed so far (their `define`s visible to
// all), runs any of them over data, and says for each line written which template line it came from.
// Every problem, with any input, is a GoTemplateError with the file, line and column to blame.
import { BUILTINS } from './builtins.js';
import { GoTemplateError } from './errors.js';
import { DEFAULT_LIMITS, type ExecEnv, Executor, type Limits, type Rendered, TPL_FILE } from './exec.js';
import type { Tree } from './nodes.js';
import { parseTemplate } from './parse.js';
import type { GoFunction } from './value.js';

export { GoTemplateError } from './errors.js';
export { DEFAULT_LIMITS, type Limits, type Rendered } from './exec.js';
export { sprintf } from './fmt.js';
export {
  type CallContext, formatFloatG, formatValue, FuncError, type GoFunction, GoFunctionValue, GoStruct, isTrue, kindName, type ParamType,
  sortedKeys, toGoString, typeName,
} from './value.js';

export interface TemplateSetOptions {
  /** Functions added to Go's builtins (and replacing those of the same name, as Template.Funcs does). */
  functions?: ReadonlyMap<string, GoFunction>;
  /** Printed for a nil value; Go prints `<no value>`, Helm nothing. */
  noValue?: string;
  /** How a missing map key reads: Helm's `zero` (reading a field of it fails) or Go's default `invalid`. */
  missingKey?: 'zero' | 'invalid';
  limits?: Partial<Limits>;
}

/** A tree is empty when it writes nothing but whitespace: such a template never replaces one with a body. */
const isEmptyTree = (tree: Tree): boolean => tree.root.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');

export class TemplateSet {
  private readonly templates = new Map<string, Tree>();
  private readonly env: ExecEnv;

  constructor(options: TemplateSetOptions = {}) {
    const functions = new Map(BUILTINS);
    for (const [name, fn] of options.functions ?? []) functions.set(name, fn);
    this.env = {
      functions,
      parseInline: (text) => parseTemplate(TPL_FILE, TPL_FILE, text, (name) => functions.has(name)),
      noValue: options.noValue ?? '<no value>',
      missingKey: options.missingKey ?? 'invalid',
      limits: { ...DEFAULT_LIMITS, ...options.limits },
    };
  }

  /**
   * Parses a file and adds its templates: its body under `name` (default: the file), and each `define`.
   * A later definition replaces an earlier one unless it is empty. Throws GoTemplateError.
   */
  addFile(file: string, text: string, name = file): void {
    const trees = parseTemplate(name, file, text, (fn) => this.env.functions.has(fn));
    for (const tree of trees) {
      if (this.templates.has(tree.name) && isEmptyTree(tree)) continue;
      this.templates.set(tree.name, tree);
    }
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  names(): string[] {
    return [...this.templates.keys()];
  }

  /** Runs the template `name` over `data`. Throws GoTemplateError. */
  render(name: string, data: unknown): Rendered {
    const tree = this.templates.get(name);
    if (!tree) throw new GoTemplateError(`no template ${JSON.stringify(name)}`, name, 1, 1);
    return new Executor(this.env).render(tree, data, (n) => this.templates.get(n));
  }
}
