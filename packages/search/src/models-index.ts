// Where the remote stores keep local models: `<alias>.models`, one document per model name (outside the
// `<alias>-*` pattern of the search indices' template). Nothing in it is searched: the mapping indexes no
// field and keeps each model whole in `_source`.
export function modelsIndex(alias: string): string {
  return `${alias}.models`;
}

export function modelsIndexBody(replicas: number) {
  return {
    settings: { index: { number_of_shards: 1, number_of_replicas: replicas } },
    mappings: { dynamic: false as const, properties: {} },
  };
}
