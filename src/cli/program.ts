// The commands, their arguments, options and help: everything `threatmap --help` and `--version` need,
// and nothing more. What a command does is in commands.ts, loaded by its first action (one import() of
// one module): model loading, the analysis and the renderers are not even initialised for --version,
// --help or a usage error.
import { Command, Option } from 'commander';
import { TRIAGE_STATUSES } from '../track/types.js';
import { DETAILS_THRESHOLD } from '../render/details.js';
import { ALL_FORMATS, EXPORT_FORMATS } from './formats.js';
import { allowModelSuppressionsOption, CHECK_GITHUB_HELP, checkFormatOption, collectSet, collectSetString, collectValues, collectVar, collectVarFile, failOnOption, parseCategory, parseDate, parseNamespace, parseReleaseName, MAX_CLI_ELEMENTS, parseElements, parseHide, parsePort, parseProfile, parseRisk, parseSeed, parseUnset, parseWidth, isHideKind, rulesOption, type HideKind, UNSETTABLE } from './options.js';
import { VERSION } from './version.js';

type Commands = typeof import('./commands.js');
type ActionName = { [K in keyof Commands]: K extends `${string}Action` ? K : never }[keyof Commands];

/** The commands' actions: loaded by the first action that runs, once. */
let loaded: Commands | undefined;

/** A command's action, which loads the commands' module when it first runs. */
const action = <K extends ActionName>(name: K) =>
  async (...args: Parameters<Commands[K]>): Promise<void> => {
    loaded ??= await import('./commands.js');
    await (loaded[name] as (...a: Parameters<Commands[K]>) => unknown)(...args);
  };

/**
 * The commands' module if an action has loaded it. An error of the user's own (UserError) can only come
 * from there: the command line checks for one with it, without loading the commands for a usage error.
 */
export const loadedCommands = (): Commands | undefined => loaded;

/**
 * `diagram MODEL --hide store external`, as --hide once read a list: kinds after the model still add to --hide.
 * Before the model they cannot (`--hide store external MODEL` would read `external` as the model), so any other
 * word past the model is a usage error that shows the comma form.
 */
function hideKindsAfterModel(_program: Command, cmd: Command): void {
  const extra = cmd.args.slice(1);
  if (extra.length === 0) return;
  const hide = cmd.getOptionValue('hide') as HideKind[] | undefined;
  if (hide === undefined || !extra.every(isHideKind)) {
    cmd.error(`error: too many arguments for 'diagram': expected one model file, got ${cmd.args.length} (${cmd.args.join(' ')}); ` +
      'to hide several kinds write --hide store,external', { code: 'commander.excessArguments', exitCode: 2 });
  }
  cmd.setOptionValue('hide', [...new Set([...hide, ...extra])]);
}

/** Only the text renderers have a width: a --width given to another format is said to do nothing. */
function warnWidthIgnored(_program: Command, cmd: Command): void {
  const format = cmd.getOptionValue('format') as string;
  if (cmd.getOptionValueSource('width') === 'cli' && format !== 'ascii' && format !== 'unicode') {
    process.stderr.write(`warning: --width applies to the ascii and unicode formats only; ignored for ${format}\n`);
  }
}

/**
 * `-o -` is standard output, as `-` is standard input for a model: read as no --output at all, so that every
 * command treats it as it treats no -o (a triage file beside the output is not written, a binary output is
 * refused only on a terminal).
 */
function outputDashIsStandardOutput(_program: Command, cmd: Command): void {
  if (cmd.getOptionValue('output') === '-') cmd.setOptionValue('output', undefined);
}

export function buildProgram(): Command {
  const program = new Command()
    .name('threatmap')
    .description('Threat modeling as code: STRIDE threats, trust boundaries, risk and reports from a model of your system.')
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride()
    .hook('preAction', outputDashIsStandardOutput);

  program
    .command('analyze')
    .description('Analyse a model and print the threat model report')
    .argument('<model>', 'model file (.yaml, .yml or .json), or - for standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json', ...EXPORT_FORMATS]).default('markdown'))
    .option('--min-risk <level>', 'keep only threats at or above this risk (low, medium, high, critical)', parseRisk)
    .addOption(new Option('--diagram <kind>', 'how the report draws the data flow diagram').choices(['ascii', 'mermaid']).default('ascii'))
    .option('--width <columns>', 'maximum width of the ASCII diagram', parseWidth, 100)
    .addOption(new Option('--details <mode>', `Markdown Threat Details: a section per threat (full), each rule once with a table of its threats (grouped), or grouped above ${DETAILS_THRESHOLD} threats (auto)`)
      .choices(['auto', 'full', 'grouped']).default('auto'))
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output')
    .option('-q, --quiet', 'do not print model warnings')
    .option('--triage <file>', 'triage decisions to apply (default: <model>.triage.yaml when it exists)')
    .addOption(rulesOption())
    .action(action('analyzeAction'));

  program
    .command('discover')
    .description('Draft a model from the Docker Compose files, Kubernetes manifests, OpenAPI specs and Terraform in a folder, to review and then analyse')
    .argument('[dir]', 'the folder to search (subfolders too), or one compose file, manifest, OpenAPI spec or .tf file', '.')
    .option('-o, --output <file>', 'write the model to a file (atomically) instead of standard output')
    .option('--force', 'overwrite the output file if it exists')
    .option('--profile <name>', 'also include the services of this Compose profile (repeatable; * for all)', parseProfile)
    .option('--values <file>', 'Helm: a values file to render the charts with, over their values.yaml (repeatable, later ones win)', collectValues)
    .option('--set <key=value>', 'Helm: values over the --values files, as helm --set reads them: a.b=1,list={x,y},list[0].port=80, \\. for a dot in a key (repeatable, later ones win)', collectSet)
    .option('--set-string <key=value>', 'Helm: as --set, every value a string; applied after every --set, as Helm applies them (repeatable)', collectSetString)
    .option('--release-name <name>', 'Helm: the release name the charts are rendered with (default: each chart\'s name)', parseReleaseName)
    .option('-n, --namespace <name>', 'the namespace of manifests that state none, and of Helm releases (default: default)', parseNamespace)
    .option('--var-file <file>', 'Terraform: a variables file (.tfvars, or JSON when named .json) for the root configurations, over terraform.tfvars and *.auto.tfvars (repeatable, later ones win)', collectVarFile)
    .option('--var <name=value>', 'Terraform: a root variable, applied with the --var-file options in command-line order, as terraform plan does (repeatable, later ones win); the value is a string unless the variable\'s type is not string, then HCL: --var \'zones=["a","b"]\'', collectVar)
    .addHelpText('after', `
Reads compose.yaml, docker-compose*.yml, *.docker-compose.yml and docker-stack*.yml files, Kubernetes
manifests (*.yaml and *.yml files with top-level apiVersion and kind) and Helm charts (a folder with a
Chart.yaml, rendered as \`helm template\` would, with values.yaml, any --values files, then --set; each rendered line
is cited by its template's line). Each compose service or Kubernetes workload becomes an element; each published
port, NodePort or LoadBalancer Service, externalIPs or Ingress backend, a flow from outside clients; each
depends_on, link or environment value naming another service (a Kubernetes Service's name too), a flow
to it. The same service in both is one element. OpenAPI 3.x and Swagger 2.0 specs (*.yaml, *.yml,
*.json with top-level openapi or swagger) add one endpoint per operation, with its auth, to the element
their server host (or published localhost port, or folder) names, else to a new element. Terraform (*.tf, *.tf.json,
each folder one configuration, all read together): AWS, Google Cloud and Azure compute, load balancers, CDNs,
API gateways, databases, buckets and queues become elements in their network; listeners, origins, integrations, subscriptions and
settings naming another resource become flows; internet-facing load balancers, firewall and security group
rules open to 0.0.0.0/0 and public endpoints, flows from outside clients. Variables take terraform.tfvars(.json)
and *.auto.tfvars(.json), then, in every root configuration (a folder no other one calls as a module), each
--var-file and --var in command-line order, else their defaults. Every element and flow says where it was found
(file:line). These files cannot say what data flows, how callers authenticate, which controls are in
place or whom to trust: the model's header lists what to add. Examples:
  threatmap discover . -o threatmap.yaml
  threatmap discover deploy/docker-compose.yml --profile debug
  threatmap discover . --values deploy/values-prod.yaml -o threatmap.yaml
  threatmap discover charts/app --set service.type=LoadBalancer,postgresql.enabled=false
  threatmap discover infra --var-file envs/prod.tfvars --var enabled=true -o threatmap.yaml
  threatmap analyze threatmap.yaml`)
    .action(action('discoverAction'));

  program
    .command('import')
    .description('Make a model from another tool\'s threat model file: Open Threat Model (.otm.yaml/.otm.json), OWASP Threat Dragon v2 (.json), Threagile (.yaml), AWS Threat Composer (.tc.json), Microsoft Threat Modeling Tool (.tm7) or a draw.io / diagrams.net diagram (.drawio, .drawio.svg)')
    .argument('<file>', 'the file to import; its format is told from its content (OTM: a top-level otmVersion; Threat Dragon: summary and detail.diagrams; Threagile: threagile_version and technical_assets; Threat Composer: schema and threats; .tm7: a ThreatModel XML root; draw.io: an mxfile or mxGraphModel XML root)')
    .option('-o, --output <file>', 'write the model to a file (atomically) instead of standard output, and the file\'s decisions to its triage file')
    .option('--into <model>', 'add the file\'s threats to this model instead (comments kept), and their decisions to its triage file')
    .option('--force', 'overwrite the output file (and its triage file) if they exist')
    .addHelpText('after', `
The threats a file holds are written under the model's \`threats:\` (analysed beside the ones threatmap
derives), and its decisions about them (mitigated, not applicable, accepted...) in the model's triage file;
a file threatmap exported brings its own threats back only as decisions. With --into, they are added to a
model you already keep: each on what it threatens when the model has it (else on the whole system, noted),
none twice (a threat of the same title and STRIDE category stays as the model writes it), and no decision
over one the triage file already holds.
Reads Open Threat Model (.otm.yaml/.otm.json, OTM 0.1.0 and 0.2.0, as IriusRisk, StartLeft and threatmap
export write it). Trust zones become boundaries (trust from the rating, or untrusted for zones named
like Internet or Public), components elements, dataflows flows (bidirectional: one flow from its source, whose reply it implies), assets
assets. Every boundary, element, flow and threat says which line of the OTM file it came from.
Reads OWASP Threat Dragon v2 (.json; v1 files are refused with a message): actors, processes and stores
become elements, flows flows (protocol from the flow, else https when encrypted, else http); boundary
boxes become boundaries holding the elements drawn inside them; boundary curves place no element (a line
has no inside) and are noted on the flows that cross them; actors in no box go into an untrusted
\`outside\` boundary.
Reads Threagile models (.yaml): technical assets become elements (kind from type, type from technology,
internet: exposed), communication links flows from the asset they are in (protocol, authentication,
vpn/ip_filtered as controls, data sent and received), trust boundaries boundaries (nesting and members
kept; an execution environment is a container boundary; trust internal unless named DMZ or outside),
data assets assets; external entities in no boundary go into an untrusted \`outside\` boundary. Risks
identified by hand are threats, and their risk tracking decisions; shared runtimes and the tracking of
Threagile's own rules are listed.
Reads AWS Threat Composer exports (.tc.json): threat statements become threats on the whole system (no
elements: Threat Composer has no system model), linked mitigations their mitigation text, statuses decisions.
Reads Microsoft Threat Modeling Tool models (.tm7): every diagram's stencils become elements (kind from
the generic type, a catalog type or technology from the template's stencil, template properties such as
Running As, Sanitizes Input or Encrypted as facts), flows flows (protocol from the flow's stencil, else the
server end's technology, else http), boundary boxes boundaries by geometry (nested boxes nest; trust from
the name); boundary lines place no element and are noted on the flows that cross them; external
interactors in no box go into an untrusted \`outside\` boundary. The threats the team worked on (a state, a
justification, added by hand) are imported with their states; the generated ones left as they were are listed.
Reads draw.io / diagrams.net diagrams (.drawio, .drawio.xml, editable .drawio.svg; compressed pages too): every page's shapes
become elements (kind, type and technology from the style: AWS, Azure and GCP icons, DFD shapes; a shape
not read is a process, noted), arrows flows (direction from the arrowheads; protocol from the label, else
the target's technology, else http), containers and AWS groups boundaries (nested by parent, or by where
a shape is drawn; trust from the AWS group or the name); external shapes in no box go into an untrusted
\`outside\` boundary. Examples:
  threatmap import system.otm.yaml -o threatmap.yaml
  threatmap import model.json -o threatmap.yaml
  threatmap import threagile.yaml -o threatmap.yaml
  threatmap import model.tm7 -o threatmap.yaml
  threatmap import diagram.drawio -o threatmap.yaml
  threatmap import workspace.tc.json --into threatmap.yaml
  threatmap analyze threatmap.yaml`)
    .action(action('importAction'));

  program
    .command('serve')
    .description('Open a local web page to explore and edit a model and its triage; edits are written back keeping comments')
    .argument('<model>', 'model file (.yaml, .yml or .json)')
    .option('-p, --port <port>', 'the port to listen on (0: any free port)', parsePort, 0)
    .option('--host <address>', 'the address to listen on; anything but 127.0.0.1 lets other machines reach the page', '127.0.0.1')
    .option('--allow-host <name>', 'also answer requests addressed to this name, NAME (any port) or NAME:PORT: a name in DNS, or a mapped port as Docker\'s -p (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value])
    .option('--triage <file>', 'the triage file (default: <model>.triage.yaml, created at the first decision)')
    .addOption(rulesOption())
    .addHelpText('after', `
Prints the page's address (with a token in it) and serves until Ctrl-C. The page shows the report, the
diagram and the threats as you edit; saving writes the model, and triage decisions the triage file,
atomically and keeping comments. A file changed elsewhere meanwhile is not overwritten: the page says
so. Only this machine can connect (unless --host says otherwise), only with the printed address's
token, and nothing is sent anywhere else. Bound to another address (--host 0.0.0.0), it answers at the
machine's own addresses and name, and at each --allow-host name; any other name is refused. Examples:
  threatmap serve shop.yaml
  threatmap serve shop.yaml --port 8080 --triage security/shop.triage.yaml
  threatmap serve shop.yaml --host 0.0.0.0 --port 4000 --allow-host localhost:8080   # docker run -p 8080:4000`)
    .action(action('serveAction'));

  program
    .command('schema')
    .description('Print the JSON Schema of model files (for editors and validators)')
    .action(action('schemaAction'));

  program
    .command('diagram')
    .description('Draw the data flow diagram with trust boundaries')
    .argument('<model>', 'model file, or - for standard input')
    .addOption(new Option('-f, --format <format>', 'diagram format').choices(['ascii', 'unicode', 'mermaid', 'dot', 'svg', 'png']).default('ascii'))
    .option('-o, --output <file>', 'write to a file (atomically); required for png')
    .option('--width <columns>', 'maximum width of ASCII and Unicode diagrams', parseWidth, 100)
    .addOption(new Option('--direction <dir>', 'layout direction').choices(['LR', 'TD']))
    .option('--focus <id>', 'only this element or boundary and its neighbours')
    .option('--hide <kinds>', 'leave out data stores or external entities: store, external, or both as store,external (repeatable)', parseHide)
    .addOption(new Option('--detail <level>', 'elements, one box per trust boundary, or auto: elements while the diagram stays readable, else boundaries')
      .choices(['auto', 'elements', 'boundaries']).default('auto'))
    .option('--risk', 'colour elements and flows by their highest risk')
    .option('--data', 'label flows with the data they carry')
    .option('-q, --quiet', 'do not print model warnings')
    .allowExcessArguments()
    .hook('preAction', hideKindsAfterModel)
    .hook('preAction', warnWidthIgnored)
    .addHelpText('after', `
Examples:
  threatmap diagram shop.yaml --hide store,external
  threatmap diagram --hide store --hide external shop.yaml`)
    .action(action('diagramAction'));

  program
    .command('validate')
    .description('Check a model and its triage file: every error and warning with file:line:column; exit 2 when invalid')
    .argument('<model...>', 'model files (- for standard input), or triage files (*.triage.yaml)')
    .option('--triage <file>', 'the triage file of the model (default: <model>.triage.yaml when it exists)')
    .addOption(rulesOption())
    .addHelpText('after', `
A model's triage file is checked with it (the one beside it, or --triage FILE); a file named *.triage.yaml,
or with a top-level threatmap-triage key, is checked as a triage file. For a pre-commit hook:
  threatmap validate threatmodel/shop.yaml threatmodel/shop.triage.yaml`)
    .action(action('validateAction'));

  const rules = program
    .command('rules')
    .description('List the threat rules; `rules show ID` explains one, `rules facts` lists what custom rules can ask')
    .option('--rules <dir>', 'also list the custom rules in this folder')
    .action(action('rulesAction'));
  rules
    .command('show')
    .description('Explain one rule: condition, rating, mitigation, references, an example that triggers it')
    .argument('<id>', 'rule id')
    .option('--rules <dir>', 'look in this folder of custom rules too')
    .action(action('ruleShowAction'));
  rules
    .command('facts')
    .description('List the facts, operators and keys of the custom rule language')
    .action(action('ruleFactsAction'));

  program
    .command('generate')
    .description('Write a synthetic model (seeded, reproducible) for benchmarks and scale tests')
    .requiredOption('-n, --elements <count>', `number of elements, at most ${MAX_CLI_ELEMENTS} (flows: about 3 per element; boundaries: about 1 per 20)`, parseElements)
    .option('-s, --seed <seed>', 'random seed: the same seed gives the same model', parseSeed, 1)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output; JSON when it ends in .json, unless --format says otherwise')
    .option('--force', 'overwrite the output file if it exists')
    .action(action('generateAction'));

  program
    .command('triage')
    .description('List threats with their triage status, or record a decision about one in <model>.triage.yaml')
    .argument('<model>', 'model file')
    .argument('[id]', 'the threat: its stable id (TM-...), its key (rule@component) or its number in this report (T3)')
    .addOption(new Option('-s, --status <status>', 'the decision').choices([...TRIAGE_STATUSES]))
    .option('-r, --reason <text>', 'why (required in spirit for accepted, false-positive and transferred)')
    .option('--owner <name>', 'who owns the decision or the fix')
    .option('--ticket <ref>', 'where the work or the acceptance is tracked (URL or issue key)')
    .option('--expires <date>', 'YYYY-MM-DD: after this day the decision lapses and the threat is open again', parseDate)
    .option('--review <date>', 'YYYY-MM-DD: a reminder to review the decision', parseDate)
    .option('--unset <fields>', `remove fields from the entry (comma-separated: ${UNSETTABLE.join(', ')})`, parseUnset)
    .option('--clear', 'remove the entry for this threat (it is open again)')
    .option('--migrate', 'rewrite entries whose threat key a release changed under the new key, removing replaced and retired ones (comments kept)')
    .option('--triage <file>', 'the triage file (default: <model>.triage.yaml)')
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText('after', `
The triage file lives beside the model and is reviewed like code; this command rewrites it keeping
comments and formatting, atomically. Examples:
  threatmap triage shop.yaml                                   list threats and decisions
  threatmap triage shop.yaml TM-3f9a2c1b --status accepted --reason "catalogue is public" --expires 2027-01-31
  threatmap triage shop.yaml T4 --status mitigating --owner alice --ticket SEC-123
  threatmap triage shop.yaml TM-3f9a2c1b --clear
  threatmap triage shop.yaml --migrate                         move decisions to the keys this release uses`)
    .action(action('triageAction'));

  program
    .command('diff')
    .description('Compare two versions of a model: new, resolved and re-rated threats, new boundary crossings and entry points')
    .argument('<old>', 'the earlier model file (or, with --base, the model); - for standard input')
    .argument('[new]', 'the later model file; - for standard input')
    .option('-b, --base <rev>', 'compare <old> in the working tree with the same file at this git revision (e.g. main, origin/main, HEAD~1)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .option('--triage <file>', 'the triage file of the later model (default: <model>.triage.yaml)')
    .addOption(rulesOption())
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output')
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText('after', `
Both sides are analysed with the same rules (--rules DIR too). A --base revision whose model does not load is
compared as no model: every threat is new, and a warning says why.
Examples:
  threatmap diff shop-v1.yaml shop-v2.yaml
  threatmap diff models/shop.yaml --base origin/main --format markdown -o threat-diff.md`)
    .action(action('diffAction'));

  program
    .command('check')
    .description('CI gate: exit 1 when open threats at or above a risk level exist, 0 when none, 2 for invalid input')
    .argument('<model>', 'model file, or - for standard input')
    .addOption(failOnOption())
    .option('--new-only', 'fail only on threats that did not fail at the --base revision')
    .option('-b, --base <rev>', 'the git revision to compare with (needed by --new-only and --fail-on-easier-paths)')
    .option('--triage <file>', 'the triage file (default: <model>.triage.yaml)')
    .option('--fail-on-stale', 'also fail when triage entries match no threat')
    .option('--fail-on-easier-paths', 'also fail when an asset is easier to reach than at the --base revision (fewer credentials or hops on its easiest attack path, or reached at all)')
    .option('--fail-on-expired', 'also fail when a closing decision (accepted, mitigated...) of a threat at or above --fail-on has expired, with --new-only too')
    .addOption(allowModelSuppressionsOption())
    .addOption(rulesOption())
    .addOption(checkFormatOption())
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText('after', `
Open means status open or mitigating: a risk the team still carries. To ship with one, accept it
with an expiry date (threatmap triage MODEL ID --status accepted --reason ... --expires ...).
--new-only judges the base revision on the same day, so a decision that lapsed is open at both ends and
not new: add --fail-on-expired to fail on it anyway. A base revision whose model does not load is compared
as no model (every threat is new), with a warning; a model renamed since (git mv, or .yaml -> .json) is
compared with its path there, said in a note.
${CHECK_GITHUB_HELP}
Examples:
  threatmap check shop.yaml --fail-on high
  threatmap check shop.yaml --fail-on medium --new-only --base origin/main
  threatmap check shop.yaml --new-only --base origin/main --fail-on-stale --fail-on-expired
  threatmap check shop.yaml --new-only --fail-on-easier-paths --base origin/main
  threatmap check shop.yaml --new-only --base origin/main --format github`)
    .action(action('checkAction'));

  program
    .command('export')
    .description('Export the threat model (triage applied) as SARIF, a single-file HTML report, CSV, JSON, PDF, Open Threat Model, an OWASP Threat Dragon or a Threagile model, or an AWS Threat Composer workspace')
    .argument('<model>', 'model file, or - for standard input')
    .addOption(new Option('-f, --format <format>', 'output format (default: from the --output extension)').choices([...ALL_FORMATS]))
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output')
    .option('--triage <file>', 'the triage file (default: <model>.triage.yaml)')
    .option('--min-risk <level>', 'keep only threats at or above this risk', parseRisk)
    .option('--bom', 'CSV: start with a UTF-8 byte order mark (for Excel)')
    .option('--include-closed', 'SARIF: also emit triaged-away threats, as suppressed results')
    .option('--category <name>', 'SARIF: the code scanning category of this upload (runs[].automationDetails.id); without it the upload\'s own category applies', parseCategory)
    .addOption(rulesOption())
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText('after', `
Examples:
  threatmap export shop.yaml -o threatmap.sarif           for GitHub code scanning (github/codeql-action/upload-sarif)
  threatmap export shop.yaml -o report.html               single file, no external requests, prints cleanly
  threatmap export shop.yaml -o threats.csv --bom         for spreadsheets and issue trackers
  threatmap export shop.yaml -o report.pdf                needs Chromium (THREATMAP_CHROMIUM or on PATH)
  threatmap export shop.yaml -o shop.otm.json             Open Threat Model 0.2.0 for IriusRisk, StartLeft, Threat Dragon (.otm.yaml: YAML)
  threatmap export shop.yaml -o shop.td.json              an OWASP Threat Dragon 2.x model: the diagram laid out, threats on their cells
  threatmap export shop.yaml -o threagile.yaml            a Threagile model; our threats are its individual risk categories
  threatmap export shop.yaml -o shop.tc.json              an AWS Threat Composer workspace; decisions made there come back
                                                          with: threatmap import shop.tc.json --into shop.yaml`)
    .action(action('exportAction'));
  return program;
}
