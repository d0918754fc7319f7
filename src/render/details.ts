// The one setting of the Markdown report that the command line shows before any report module is loaded.

/** Above this many threats, `details: 'auto'` groups the Threat Details by rule (one full section per threat is unreadable). */
export const DETAILS_THRESHOLD = 200;
