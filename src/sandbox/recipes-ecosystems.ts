import { createHash } from 'node:crypto';
import { runnerImageName } from './recipes.js';

/**
 * Images of the ecosystems the polyglot runner does not carry: the JVM (default JDK, Maven, Gradle, JUnit 5 and
 * the Maven plugins from Debian's Maven repository), Ruby (ruby, bundler, rspec, minitest, rake) and PHP
 * (php-cli, composer, phpunit). Each is one layer of Debian packages on top of the runner image (so the
 * resident runner and the other toolchains stay), tagged by a hash of its recipe, and built only when first
 * needed (or by `mimo images build --family NAME`).
 */
export const FAMILIES = ['jvm', 'ruby', 'php'] as const;
export type Family = (typeof FAMILIES)[number];

export const FAMILY_PACKAGES: Record<Family, string[]> = {
  jvm: [
    'default-jdk-headless',
    'maven',
    'gradle',
    'junit5',
    'libsurefire-java',
    'libmaven-compiler-plugin-java',
    'libmaven-resources-plugin-java',
    'libmaven-jar-plugin-java',
    'libmaven-install-plugin-java',
  ],
  ruby: ['ruby', 'bundler', 'ruby-rspec', 'ruby-minitest', 'ruby-test-unit', 'rake'],
  php: ['php-cli', 'php-xml', 'php-mbstring', 'php-curl', 'composer', 'phpunit'],
};

/**
 * Maven resolves from Debian's repository (`/usr/share/maven-repo`, filled by the packages above) instead of
 * Maven Central: tests run without network, and a repository built against these versions needs nothing else.
 * A repository that needs Central in its setup phase passes its own settings (`mvn -s`).
 */
const MAVEN_SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <mirrors>
    <mirror>
      <id>debian</id>
      <name>Debian's Maven repository</name>
      <url>file:///usr/share/maven-repo</url>
      <mirrorOf>central</mirrorOf>
    </mirror>
  </mirrors>
</settings>
`;

const EXTRA_LINES: Record<Family, string[]> = {
  jvm: [
    'COPY maven-settings.xml /etc/maven/settings.xml',
    'ENV MAVEN_OPTS=-Xmx512m JAVA_TOOL_OPTIONS=-XX:+UseSerialGC',
  ],
  ruby: ['ENV BUNDLE_SILENCE_ROOT_WARNING=1 BUNDLE_DISABLE_VERSION_CHECK=1'],
  php: ['ENV COMPOSER_NO_INTERACTION=1 COMPOSER_DISABLE_NETWORK=0'],
};

export function familyDockerfile(family: Family, runner: string = runnerImageName()): string {
  return [
    `FROM ${runner}`,
    'USER root',
    'RUN apt-get update \\',
    ` && apt-get install -y --no-install-recommends ${FAMILY_PACKAGES[family].join(' ')} \\`,
    ' && apt-get clean && rm -rf /var/lib/apt/lists/*',
    ...EXTRA_LINES[family],
    'WORKDIR /workspace',
    'CMD ["sleep", "infinity"]',
    '',
  ].join('\n');
}

/** The build context of a family's image (the Dockerfile first). */
export function familyContext(family: Family, runner: string = runnerImageName()): Record<string, string> {
  return {
    Dockerfile: familyDockerfile(family, runner),
    ...(family === 'jvm' ? { 'maven-settings.xml': MAVEN_SETTINGS } : {}),
  };
}

export function familyImageName(family: Family): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(familyContext(family)))
    .digest('hex')
    .slice(0, 12);
  return `mimo-${family}:${hash}`;
}

/** The family whose image runs a runner's tests (`maven` → jvm), or null for the polyglot runner's own. */
export function familyOfRunner(runner: string): Family | null {
  if (['maven', 'gradle', 'javac', 'kotlinc'].includes(runner)) return 'jvm';
  if (['rspec', 'minitest'].includes(runner)) return 'ruby';
  if (runner === 'phpunit') return 'php';
  return null;
}

/**
 * The family a failing workflow job sets up (`actions/setup-java`, `gradle/actions/setup-gradle`,
 * `ruby/setup-ruby`, `shivammathur/setup-php`), or null.
 */
export function familyOfActions(uses: string[]): Family | null {
  for (const u of uses) {
    const name = u.toLowerCase().replace(/@.*$/, '');
    if (/^actions\/setup-java$|^gradle\/(actions\/setup-gradle|gradle-build-action)$/.test(name))
      return 'jvm';
    if (/^ruby\/setup-ruby$|^actions\/setup-ruby$/.test(name)) return 'ruby';
    if (/^shivammathur\/setup-php$/.test(name)) return 'php';
  }
  return null;
}
