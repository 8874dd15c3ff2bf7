// What an `npm install` put into an app: its packages (every folder with a package name under
// node_modules, nested ones included) and their size (every file under node_modules).
// Used by the package tier and by `npm run bench -- size`.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} appDir
 * @returns {{ packages: string[], bytes: number }}
 */
export function inventory(appDir) {
  const packages = [];
  let bytes = 0;
  const walkSize = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walkSize(path);
      else if (entry.isFile()) bytes += lstatSync(path).size;
    }
  };
  const walkPackages = (nodeModules) => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(nodeModules, entry.name), { withFileTypes: true })) {
          if (!scoped.isDirectory()) continue;
          packages.push(`${entry.name}/${scoped.name}`);
          walkPackages(join(nodeModules, entry.name, scoped.name, 'node_modules'));
        }
      } else {
        packages.push(entry.name);
        walkPackages(join(nodeModules, entry.name, 'node_modules'));
      }
    }
  };
  walkPackages(join(appDir, 'node_modules'));
  walkSize(join(appDir, 'node_modules'));
  return { packages, bytes };
}

