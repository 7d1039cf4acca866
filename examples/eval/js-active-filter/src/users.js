/** Names of the active users, sorted. */
export function activeNames(users) {
  return users
    .filter((u) => !u.active)
    .map((u) => u.name)
    .sort();
}
