/**
 * Test commands of the JVM, Ruby, PHP and .NET ecosystems: `mvn test` (pom.xml), `gradle test` (build.gradle),
 * `bundle exec rspec` / `rake test`, `phpunit`, `dotnet test`. A repository's own wrapper (mvnw, gradlew,
 * vendor/bin/phpunit) is preferred to the image's tool, as maintainers run it so.
 */

/** The few reads detection needs (implemented by detect.ts over the repository directory). */
export interface RepoView {
  text(path: string): Promise<string | null>;
  has(name: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
}

export type Detected = { ok: true; command: string; runner: string; reason: string };
export type EcosystemDetector = (repo: RepoView) => Promise<Detected | null>;

const maven: EcosystemDetector = async (repo) => {
  if (!(await repo.has('pom.xml'))) return null;
  const wrapper = await repo.has('mvnw');
  return {
    ok: true,
    command: `${wrapper ? './mvnw' : 'mvn'} -B test`,
    runner: 'maven',
    reason: `pom.xml at the repository root${wrapper ? ', run with its Maven wrapper' : ''}`,
  };
};

const gradle: EcosystemDetector = async (repo) => {
  const build = ['build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle'];
  let found: string | undefined;
  for (const name of build) if (!found && (await repo.has(name))) found = name;
  if (!found) return null;
  const wrapper = await repo.has('gradlew');
  return {
    ok: true,
    command: `${wrapper ? './gradlew' : 'gradle'} test --console=plain`,
    runner: 'gradle',
    reason: `${found} at the repository root${wrapper ? ', run with its Gradle wrapper' : ''}`,
  };
};

const ruby: EcosystemDetector = async (repo) => {
  const gemfile = await repo.text('Gemfile');
  const bundle = gemfile !== null ? 'bundle exec ' : '';
  const specs = (await repo.list('spec')).some((n) => /_spec\.rb$/.test(n));
  if ((await repo.has('.rspec')) || specs || /\bgem ['"]rspec/.test(gemfile ?? '')) {
    if (specs || (await repo.has('.rspec')))
      return {
        ok: true,
        command: `${bundle}rspec`,
        runner: 'rspec',
        reason: 'RSpec specs (spec/*_spec.rb or .rspec)',
      };
  }
  const rakefile = await repo.text('Rakefile');
  const tests = (await repo.list('test')).some((n) => /(_test|^test_.*)\.rb$/.test(n));
  if (tests || (rakefile !== null && /TestTask|task\s*\(?:?test/.test(rakefile))) {
    return {
      ok: true,
      command:
        rakefile !== null
          ? `${bundle}rake test`
          : `${bundle}ruby -Itest -e 'Dir["test/**/*_test.rb"].each { |f| require_relative f }'`,
      runner: 'minitest',
      reason: rakefile !== null ? 'a Rakefile with a test task' : 'test/*_test.rb files',
    };
  }
  return null;
};

const phpunit: EcosystemDetector = async (repo) => {
  let config: string | undefined;
  for (const name of ['phpunit.xml', 'phpunit.xml.dist', 'phpunit.dist.xml'])
    if (!config && (await repo.has(name))) config = name;
  const composer = await repo.text('composer.json');
  if (!config && !/"phpunit\/phpunit"/.test(composer ?? '')) return null;
  const vendored = /"phpunit\/phpunit"/.test(composer ?? '');
  return {
    ok: true,
    command: vendored ? 'vendor/bin/phpunit' : 'phpunit',
    runner: 'phpunit',
    reason: config ? `${config} at the repository root` : 'phpunit/phpunit in composer.json',
  };
};

const dotnet: EcosystemDetector = async (repo) => {
  const names = await repo.list('.');
  const project = names.find((n) => /\.(sln|slnx|csproj|fsproj|vbproj)$/.test(n));
  if (!project) return null;
  return { ok: true, command: 'dotnet test', runner: 'dotnet', reason: `${project} at the repository root` };
};

/** In priority order, tried after the JavaScript, Python, Go and Rust detectors and before a Makefile. */
export const ECOSYSTEM_DETECTORS: EcosystemDetector[] = [maven, gradle, ruby, phpunit, dotnet];

/** What the message of a failed detection lists for these ecosystems. */
export const ECOSYSTEM_FILES = 'pom.xml, build.gradle, spec/ or a Rakefile, phpunit.xml, a .sln/.csproj';
