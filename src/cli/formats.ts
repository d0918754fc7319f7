// The export formats, named by the command definitions (program.ts) and by the export command itself.

/**
 * Formats `analyze --format` gains from `export`. OTM is one of them: its renderer, like SARIF's, needs
 * nothing but the result, so `analyze --format otm` costs no more than `export -f otm` (it writes JSON;
 * only `export` knows its output file, whose .yaml/.yml ending asks for YAML).
 */
export const EXPORT_FORMATS = ['sarif', 'html', 'csv', 'otm', 'threat-dragon', 'threagile', 'threat-composer'] as const;
/**
 * `otm`: Open Threat Model 0.2.0 (src/render/otm.ts), for IriusRisk, StartLeft and OWASP Threat Dragon;
 * `threat-dragon`: a Threat Dragon 2.x model with its diagram laid out and our threats on its cells;
 * `threagile`: a Threagile model whose individual risk categories are our threats (src/render/threagile.ts);
 * `threat-composer`: an AWS Threat Composer workspace of threat statements, mitigations and assumptions
 * (src/render/threat-composer.ts).
 */
export const ALL_FORMATS = ['sarif', 'html', 'csv', 'json', 'pdf', 'otm', 'threat-dragon', 'threagile', 'threat-composer'] as const;
export type ExportFormat = (typeof ALL_FORMATS)[number];
