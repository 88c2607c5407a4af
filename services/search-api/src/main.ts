// search-api as its own process (`node services/search-api/dist/main.js`). It reads the search index,
// never the log, so it opens no database.
import { runService } from '@onramp/core';
import { createSearch } from '@onramp/search';
import { startSearchApi } from './start-search-api.js';

await runService('search-api', async ({ config, logger }) => {
  const search = await createSearch(config, logger);
  const api = await startSearchApi(config, { logger, search }).catch(async (error: unknown) => {
    await search.close();
    throw error;
  });
  process.stdout.write(`search-api listening on ${api.url}\n`);
  return async () => {
    await api.close();
    await search.close();
  };
});
