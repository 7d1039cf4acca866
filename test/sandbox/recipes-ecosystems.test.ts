// Which image runs a repository's tests: by the failing workflow's setup steps or by the test command's runner.
import { workflowHints } from '../../src/github/index.js';
import { runnerOfCommand } from '../../src/feedback/index.js';
import { familyImageName, familyOfRunner } from '../../src/sandbox/index.js';
import { familyDockerfile } from '../../src/sandbox/recipes-ecosystems.js';

const workflow = `
name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        java: [17, 21]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: \${{ matrix.java }}
          cache: maven
      - run: mvn -B dependency:go-offline
      - run: mvn -B test
  ruby:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ruby/setup-ruby@v1
        with: { ruby-version: '3.3', bundler-cache: true }
      - run: bundle exec rspec
  php:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: shivammathur/setup-php@v2
        with: { php-version: '8.3' }
      - run: composer install --no-progress
      - run: vendor/bin/phpunit
`;

describe('ecosystem images', () => {
  it("takes the family from the failing job's setup-* step, with its setup and test commands", () => {
    expect(workflowHints(workflow, 'test (17)')).toEqual({
      job: 'test',
      setup: ['mvn -B dependency:go-offline'],
      test: 'mvn -B test',
      family: 'jvm',
    });
    expect(workflowHints(workflow, 'ruby')).toMatchObject({ test: 'bundle exec rspec', family: 'ruby' });
    expect(workflowHints(workflow, 'php')).toMatchObject({
      setup: ['composer install --no-progress'],
      family: 'php',
    });
  });

  it.each([
    ['./mvnw -B verify', 'maven', 'jvm'],
    ['gradle test --console=plain', 'gradle', 'jvm'],
    ['bundle exec rspec', 'rspec', 'ruby'],
    ['bundle exec rake test', 'minitest', 'ruby'],
    ['vendor/bin/phpunit', 'phpunit', 'php'],
    ['dotnet test', 'dotnet', null],
    ['python -m pytest', 'pytest', null],
  ])('`%s` is %s, run in the %s image', (command, runner, family) => {
    expect(runnerOfCommand(command)).toBe(runner);
    expect(familyOfRunner(runner)).toBe(family);
  });

  it('builds each family as Debian packages on the runner image, tagged by its recipe', () => {
    const jvm = familyDockerfile('jvm', 'mimo-runner:abc');
    expect(jvm).toMatch(/^FROM mimo-runner:abc\n/);
    expect(jvm).toMatch(
      /apt-get install -y --no-install-recommends default-jdk-headless maven gradle junit5 /,
    );
    expect(jvm).toContain('COPY maven-settings.xml /etc/maven/settings.xml');
    expect(familyDockerfile('ruby')).toMatch(/ruby bundler ruby-rspec ruby-minitest/);
    expect(familyDockerfile('php')).toMatch(/php-cli .* composer phpunit/);
    expect(familyImageName('jvm')).toMatch(/^mimo-jvm:[0-9a-f]{12}$/);
    expect(familyImageName('php')).not.toBe(familyImageName('ruby'));
  });
});
