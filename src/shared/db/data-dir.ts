import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A start-up problem the operator can fix (another process, a read-only or full folder): main prints
 * its message alone and exits, instead of a stack trace or PGlite's opaque `RuntimeError: unreachable`.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

export type DataDirLock = { release(): void };

/** Whether a process with this id runs on this machine (a lock left by a crash names a dead one). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unwritable(dir: string, error: unknown): StartupError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  const why: Record<string, string> = {
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    ENOTDIR: 'a part of the path is a file, not a folder',
  };
  return new StartupError(
    `Cannot write to the data folder ${dir} (${why[code] ?? code}). ` +
      'Signoff keeps its embedded database there: set DATA_DIR to a writable folder with free space.',
  );
}

/**
 * mkdir -p, but failing with the real cause: Node's recursive mkdir reports a read-only file system as
 * ENOENT, so the first missing folder is created on its own to get EROFS (or EACCES, ENOSPC...).
 */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = dir;
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    mkdirSync(missing);
    throw error;
  }
}

/**
 * Checks that the folder (created if missing) can take writes (creating and filling a small probe file, so a full disk shows
 * here rather than inside PGlite) and takes an exclusive lock on it: a file created with O_EXCL holding
 * the owner's pid. A second process on the same folder refuses to start; a lock whose process is gone
 * (crash, kill -9) is taken over. The lock is released on `release()` and when the process exits.
 */
export function lockDataDir(dir: string): DataDirLock {
  // Beside the folder, not in it: PostgreSQL's initdb wants an empty folder the first time.
  const lockPath = join(dirname(dir), `${basename(dir)}.lock`);
  const probePath = join(dir, `.write-probe-${process.pid}`);
  try {
    makeFolder(dir);
    const probe = openSync(probePath, 'w');
    try {
      // 64 KiB: about what PGlite writes first; a nearly full disk fails here, readably.
      writeSync(probe, Buffer.alloc(64 * 1024));
    } finally {
      closeSync(probe);
      rmSync(probePath, { force: true });
    }
  } catch (error) {
    throw unwritable(dir, error);
  }

  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(dir, error);
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processIsAlive(owner)) {
        throw new StartupError(
          `The data folder ${dir} is in use by another Signoff process (pid ${owner}). ` +
            'Only one process may open the embedded database: stop the other one, give this one ' +
            'another DATA_DIR, or use PostgreSQL (DATABASE_URL) to run several.',
        );
      }
      // Left by a process that is gone (or unreadable): take it over.
      rmSync(lockPath, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      try {
        unlinkSync(lockPath);
      } catch {
        // Already gone: nothing to release.
      }
    };
    process.on('exit', release);
    return { release };
  }
  throw new StartupError(`Could not take the lock ${lockPath}; another process keeps creating it.`);
}
