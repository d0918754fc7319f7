// The export formats, named by the command definitions (program.ts) and by the export command itself.

/** Formats `analyze --format` gains from `export`. */
export const EXPORT_FORMATS = ['sarif', 'html', 'csv'] as const;
export const ALL_FORMATS = ['sarif', 'html', 'csv', 'json', 'pdf'] as const;
export type ExportFormat = (typeof ALL_FORMATS)[number];
