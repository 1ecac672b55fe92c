import { randomUUID } from 'node:crypto';
import { type Dirent, constants as fsConstants } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** A stored file: its key (path under the root, `/`-separated) and last modification. */
export interface StoredFile {
  key: string;
  modifiedAt: Date;
}

/**
 * The storage directory the restaurant-service and the worker share (FILE_STORAGE_DIR):
 * `tmp/` uploads being received, `photos/<photo id>/` a photo's original and thumbnails. Keys come
 * from the database, never from a client, and are still checked to stay under the root.
 */
export class FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Absolute path of a key; throws for a key that would leave the root (`../`). */
  path(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key outside the storage dir: ${key}`);
    return path;
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  /**
   * Writes a file under its key unless it exists. Content-hashed keys make an existing file the
   * same bytes, so a job that runs again writes nothing. Written to tmp/ and renamed: a key never
   * names a half-written file.
   */
  async writeOnce(key: string, bytes: Uint8Array): Promise<'written' | 'exists'> {
    const target = this.path(key);
    if (await exists(target)) return 'exists';
    const temp = join(this.root, 'tmp', `write-${randomUUID()}`);
    await mkdir(dirname(temp), { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temp, bytes, { flag: 'wx', mode: fsConstants.S_IRUSR | fsConstants.S_IWUSR | 0o044 });
    await rename(temp, target);
    return 'written';
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Removes a folder if it is empty (after its files were removed); a folder in use stays. */
  async removeIfEmpty(folder: string): Promise<void> {
    await rmdir(this.path(folder)).catch(() => {});
  }

  /** The names of the folders under `photos/` (one per photo id, or junk). */
  async photoFolders(): Promise<string[]> {
    return (await entries(join(this.root, 'photos')))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  }

  /** Files directly in a folder (a key such as `photos/<id>` or `tmp`). */
  async filesIn(folder: string): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    for (const entry of await entries(this.path(folder))) {
      if (!entry.isFile()) continue;
      const key = `${folder}/${entry.name}`;
      // Gone between the listing and the stat (another worker removed it): skip it.
      const info = await stat(this.path(key)).catch(() => undefined);
      if (info) files.push({ key, modifiedAt: info.mtime });
    }
    return files;
  }
}

async function entries(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
