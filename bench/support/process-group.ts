import type { ChildProcess } from 'node:child_process';

/**
 * Stops a command spawned with `detached: true` together with everything it
 * started (npm or npx, their shells, the server): SIGTERM to its process group,
 * SIGKILL after 10 s. `exited` resolves on the child's 'exit' event.
 */
export async function stopProcessGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  // The server may outlive npm by a moment while it closes its database.
  await new Promise((r) => setTimeout(r, 500));
}
