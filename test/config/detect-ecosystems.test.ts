// Test commands of the JVM, Ruby and PHP sample projects whose real outputs are the feedback fixtures.
import { cpSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTestCommand } from '../../src/config/index.js';

const project = (name: string) => new URL(`../fixtures/feedback/projects/${name}`, import.meta.url).pathname;

describe('detectTestCommand in other ecosystems', () => {
  it.each([
    ['maven-inventory', 'mvn -B test', 'maven', /pom.xml/],
    ['gradle-inventory', 'gradle test --console=plain', 'gradle', /build.gradle/],
    ['ruby-cart', 'bundle exec rspec', 'rspec', /RSpec/],
    ['php-cart', 'vendor/bin/phpunit', 'phpunit', /phpunit.xml/],
  ])('detects %s as `%s`', async (name, command, runner, reason) => {
    const found = await detectTestCommand(project(name));
    expect(found).toMatchObject({ ok: true, command, runner });
    expect(found.ok && found.reason).toMatch(reason);
  });

  it('prefers the repository wrappers, finds minitest without specs and dotnet solutions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimo-detect-eco-'));
    try {
      cpSync(project('maven-inventory'), join(dir, 'm'), { recursive: true });
      writeFileSync(join(dir, 'm/mvnw'), '#!/bin/sh\n');
      expect(await detectTestCommand(join(dir, 'm'))).toMatchObject({ command: './mvnw -B test' });
      cpSync(project('ruby-cart'), join(dir, 'r'), { recursive: true });
      rmSync(join(dir, 'r/spec'), { recursive: true });
      expect(await detectTestCommand(join(dir, 'r'))).toMatchObject({
        command: 'bundle exec rake test',
        runner: 'minitest',
      });
      writeFileSync(join(dir, 'Shop.sln'), '');
      expect(await detectTestCommand(dir)).toMatchObject({ command: 'dotnet test', runner: 'dotnet' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
