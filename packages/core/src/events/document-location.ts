// Where a document may be read from: a `file:` URL whose real path is under one of the configured roots
// (DOCS_ROOTS), or an `oss://` object in a bucket named there. Checked where a document enters the log
// and again where the indexer reads it, so an event already in the log cannot read the host's files.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnrampError } from '../errors.js';

export interface DocsRoots {
  /** Absolute folders. */
  paths: readonly string[];
  /** OSS bucket names. */
  buckets: readonly string[];
}

export type DocumentLocation = { kind: 'file'; path: string } | { kind: 'oss'; bucket: string; key: string };

/**
 * `location_forbidden`: outside the roots; `location_unsupported`: not a kind of location onramp reads;
 * `location_unreadable`: nothing readable there.
 */
export class LocationRefused extends OnrampError {
  constructor(code: 'location_forbidden' | 'location_unsupported' | 'location_unreadable', message: string) {
    super(code, message);
  }
}

// Kernel and device file systems: never documents, whatever the roots say.
const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

const isUnder = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

// Hidden files and folders under a root (`.env`, `.git`, the default `.onramp` home with its tokens) are
// never documents, as `docs add` skips them too: the current folder is a root by default.
const isVisibleUnder = (root: string, path: string) =>
  isUnder(root, path) && !relative(root, path).split(sep).some((part) => part.startsWith('.'));

/** A root's real path; one that does not exist yet stands as written (nothing real can be under it). */
async function realRoot(root: string): Promise<string> {
  return realpath(root).catch(() => resolve(root));
}

/**
 * The real path of `path` (symlinks resolved) if it is under a root; otherwise LocationRefused. What the
 * answer names is what must be read: resolving again later could land elsewhere.
 */
export async function realPathUnderRoots(roots: DocsRoots, path: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new LocationRefused('location_unreadable', `${path} does not exist or cannot be resolved`);
  }
  const forbidden = PSEUDO_FILESYSTEMS.some((pseudo) => isUnder(pseudo, real));
  const realRoots = await Promise.all(roots.paths.map(realRoot));
  if (forbidden || !realRoots.some((root) => isVisibleUnder(root, real))) {
    throw new LocationRefused('location_forbidden', `${path} is not under a documents root (DOCS_ROOTS)`);
  }
  return real;
}

/** Checks a document's `location` against the roots and says what it names. */
export async function checkDocumentLocation(roots: DocsRoots, location: string): Promise<DocumentLocation> {
  if (/^oss:\/\//i.test(location)) {
    const match = /^oss:\/\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\/(.+)$/i.exec(location);
    if (match === null) throw new LocationRefused('location_forbidden', 'an oss:// location must be oss://bucket/key');
    const bucket = match[1]!.toLowerCase();
    if (!roots.buckets.includes(bucket)) throw new LocationRefused('location_forbidden', `OSS bucket "${bucket}" is not a documents root (DOCS_ROOTS)`);
    return { kind: 'oss', bucket, key: match[2]! };
  }
  if (!/^file:/i.test(location)) throw new LocationRefused('location_unsupported', 'a document location must be a file: or oss:// URL');
  let path: string;
  try {
    path = fileURLToPath(location);
  } catch {
    throw new LocationRefused('location_forbidden', 'a file: location must be a local absolute file URL');
  }
  const real = await realPathUnderRoots(roots, path);
  // Devices, sockets and FIFOs under a root are not documents either (a FIFO would block the reader).
  if (!(await stat(real)).isFile()) throw new LocationRefused('location_forbidden', `${path} is not a regular file`);
  return { kind: 'file', path: real };
}
