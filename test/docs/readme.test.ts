import { readFileSync } from 'node:fs';
import { defaultConfig, parseConfig } from '../../src/config/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function configExample(): string {
  const section = readme.slice(readme.indexOf('## Configuration'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README has no yaml block under Configuration');
  return match[1]!;
}

describe('README configuration reference', () => {
  it('is a valid .github/mimo.yml', () => {
    expect(() => parseConfig(configExample())).not.toThrow();
  });

  it('shows the real defaults for every setting with a default', () => {
    const documented = parseConfig(configExample());
    const defaults = defaultConfig();
    for (const key of ['network', 'triggers', 'limits', 'sandbox', 'model', 'delivery', 'paths'] as const) {
      expect([key, documented[key]]).toEqual([key, defaults[key]]);
    }
  });

  it('documents every top-level field of the schema', () => {
    const documented = new Set(configExample().match(/^[a-z]\w*(?=:)/gm));
    for (const key of Object.keys(defaultConfig())) expect([key, documented.has(key)]).toEqual([key, true]);
    for (const key of ['test', 'setup', 'image']) expect(documented.has(key)).toBe(true);
  });
});
