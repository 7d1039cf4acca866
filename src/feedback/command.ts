/** The runner a test command names (`./mvnw -B test` → maven), so its output is parsed by that runner's parser. */
const COMMANDS: [RegExp, string][] = [
  [/\bpytest\b/, 'pytest'],
  [/\bpython3? -m unittest\b/, 'unittest'],
  [/\bgo\s+test\b/, 'go'],
  [/\bcargo\s+(nextest\s+run|test)\b/, 'cargo'],
  [/(^|[\s/])mvnw?(\.cmd)?\s/, 'maven'],
  [/(^|[\s/])gradlew?(\.bat)?\s/, 'gradle'],
  [/\brspec\b/, 'rspec'],
  [/\b(rake|rails)\s+test\b|\bruby\s+-I\s*test\b/, 'minitest'],
  [/\bphpunit\b/, 'phpunit'],
  [/\bdotnet\s+test\b/, 'dotnet'],
  [/\bvitest\b/, 'vitest'],
  [/\bjest\b/, 'jest'],
  [/\bmocha\b/, 'mocha'],
  [/\bnode\s+(?:[^|;&]*\s)?--test\b/, 'node-test'],
  [/\beslint\b/, 'eslint'],
  [/\btsc\b/, 'tsc'],
  [/\bruff\b/, 'ruff'],
  [/\bflake8\b/, 'flake8'],
  [/\bpylint\b/, 'pylint'],
  [/\bjavac\b/, 'javac'],
  [/\bkotlinc\b/, 'kotlinc'],
];

export function runnerOfCommand(command: string): string | undefined {
  return COMMANDS.find(([re]) => re.test(command))?.[1];
}
