/** Packages installed under `appDir`/node_modules (nested ones included) and their total size in bytes. */
export function inventory(appDir: string): { packages: string[]; bytes: number };
