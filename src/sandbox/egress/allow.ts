/**
 * The hosts a setup phase may reach through the egress proxy by default: the package registries of the
 * ecosystems the runner images serve. A repository adds its own with `network.allow` (e.g. a private registry);
 * `*.example.org` matches every subdomain of example.org (not example.org itself).
 */
export const DEFAULT_EGRESS_ALLOW: readonly string[] = [
  // npm, yarn, pnpm
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  // PyPI
  'pypi.org',
  'files.pythonhosted.org',
  // crates.io
  'crates.io',
  'index.crates.io',
  'static.crates.io',
  // Go module proxy and checksum database
  'proxy.golang.org',
  'sum.golang.org',
  // Maven Central, Gradle plugins
  'repo.maven.apache.org',
  'repo1.maven.org',
  'plugins.gradle.org',
  'services.gradle.org',
  // RubyGems
  'rubygems.org',
  'index.rubygems.org',
  // Packagist
  'repo.packagist.org',
  'packagist.org',
  // Debian
  'deb.debian.org',
  'security.debian.org',
];

const HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Thrown for an allow-list entry that is not a host name or `*.domain` (an IP, a URL, a port). */
export class EgressAllowError extends Error {
  override name = 'EgressAllowError';
}

/** The defaults plus the repository's entries, validated and lower-cased; IP literals and URLs are refused. */
export function egressAllowList(extra: readonly string[] = []): string[] {
  const list = new Set(DEFAULT_EGRESS_ALLOW);
  for (const raw of extra) {
    const entry = raw.trim().toLowerCase();
    if (!HOST_PATTERN.test(entry) || /^[\d.]+$/.test(entry))
      throw new EgressAllowError(
        `network.allow: "${raw}" is not a host name (expected e.g. "registry.example.org" or "*.example.org"; no IP, scheme or port)`,
      );
    list.add(entry);
  }
  return [...list];
}
