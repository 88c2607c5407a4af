// The department's GitBook group: `{slug(department)}-readers`. The slug keeps letters and digits of
// any script, lower-cased; every run of anything else becomes one `-`, none at either end.

export function slug(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** undefined when there is no department, or nothing of it survives the slug. */
export function readersGroup(department: string | undefined): string | undefined {
  if (department === undefined) return undefined;
  const s = slug(department);
  return s === '' ? undefined : `${s}-readers`;
}
