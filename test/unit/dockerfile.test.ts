// What the image must hold, checked without a Docker engine: the Dockerfile's contract
// (Node 24, built with the package's own build, production dependencies only, `seawall`
// on the PATH as the entrypoint, non-root, no HEALTHCHECK), and that the sources it builds
// (src/ minus .dockerignore's exclusions) import nothing but Node built-ins, production
// dependencies and files that are in the image.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'));

/** .dockerignore's exclusions of src/ files, as predicates. */
function excludedFromImage(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return name.endsWith('.test.ts') || path.includes('/testdata/') || /^fake-.*\.ts$/.test(name);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('Dockerfile', () => {
  it('is multi-stage on Node 24, installs production dependencies only, with no install scripts', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-/m);
    expect(instructions.filter((l) => l.startsWith('FROM')).length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev --ignore-scripts/);
  });

  it('runs as a numeric non-root user, has no HEALTHCHECK, and the agreed entrypoint', () => {
    const users = instructions.filter((l) => l.startsWith('USER'));
    expect(users.at(-1)).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
    expect(instructions).toContain('ENTRYPOINT ["seawall"]');
    expect(instructions).toContain('CMD ["run"]');
  });

  it("builds dist/ as the package does and puts the package's own bin on the PATH", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(instructions).toContain('RUN npm run build');
    expect(instructions).toContain('COPY --from=build /app/dist ./dist');
    const link = instructions.find((l) => l.includes('/usr/local/bin/seawall'));
    expect(link).toContain(`ln -s /app/${pkg.bin.seawall} /usr/local/bin/seawall`);
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
    for (const file of ['tsconfig.json', 'tsconfig.build.json'])
      expect(ignore).toContain(`!${file}`);
  });

  it('the sources in the image import only built-ins, production dependencies and image files', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const problems: string[] = [];
    for (const path of files(join(root, 'src')).filter((p) => p.endsWith('.ts'))) {
      const file = relative(root, path);
      if (excludedFromImage(file)) continue;
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1] ?? '';
        if (/^import\s+type\s/.test(m[0].trim())) continue;
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(path), spec));
          if (excludedFromImage(target))
            problems.push(`${file} imports ${target}, not in the image`);
        } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          const name = spec.startsWith('@')
            ? spec.split('/').slice(0, 2).join('/')
            : spec.split('/')[0];
          if (!name || !(name in pkg.dependencies))
            problems.push(`${file} imports ${spec}, not a production dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
