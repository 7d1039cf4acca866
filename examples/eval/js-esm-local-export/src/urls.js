export function postUrl(post) {
  return `/${post.year}/${slugify(post.title)}/`;
}
