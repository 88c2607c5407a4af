// Who may see an item: the caller's groups against the item's `acl` (`null` = any authenticated
// employee), plus the request's own kind and department filters.
import type { IndexedItem, SearchFilter } from '../ports.js';

export type ItemMeta = Omit<IndexedItem, 'vector'>;

export function isUnfiltered(filter: SearchFilter): boolean {
  return filter.groups === 'all' && filter.kind === undefined && filter.department === undefined;
}

export function readableBy(filter: SearchFilter): (item: ItemMeta) => boolean {
  const groups = filter.groups === 'all' ? undefined : new Set(filter.groups);
  const department = filter.department?.toLowerCase();
  return (item) => {
    if (filter.kind !== undefined && item.kind !== filter.kind) return false;
    if (department !== undefined && item.department?.toLowerCase() !== department) return false;
    if (groups === undefined || item.acl === null) return true;
    return item.acl.some((group) => groups.has(group));
  };
}
