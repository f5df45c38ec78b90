import { renderCrds } from '../api/render.ts';

export async function crdsCommand(): Promise<number> {
  process.stdout.write(
    renderCrds()
      .map((c) => c.yaml)
      .join('---\n'),
  );
  return 0;
}
