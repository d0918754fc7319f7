// Paths of the folder searched, as drafts cite them (relative to it, `/` separators): shared by the readers that
// resolve one file's reference to another (a Terraform module's source, a Compose build context). Pure: no Node APIs.

/** The folder of a file, `` for the folder searched itself. */
export const folderOf = (file: string): string => file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';

/** `a/b` + `../c` -> `a/c`; undefined when the path leaves the folder searched. */
export function joinPath(dir: string, rel: string): string | undefined {
  const parts = dir ? dir.split('/') : [];
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return parts.join('/');
}

/** Whether `path` is `folder` or inside it (at any depth); everything is inside the folder searched, ``. */
export const isWithin = (path: string, folder: string): boolean => folder === '' || path === folder || path.startsWith(`${folder}/`);
