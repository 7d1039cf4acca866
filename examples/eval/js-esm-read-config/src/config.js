/** Reads a JSON config file, filling in defaults. */
export function readConfig(path) {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  return { port: 8080, ...data };
}
