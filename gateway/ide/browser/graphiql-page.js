// The hub's GraphQL IDE in the browser: GraphiQL with Monaco's workers from the hub itself.
// Plain JavaScript because it runs against the DOM, which the hub's TypeScript (Node) does not type.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';

const assets = new URL('./', import.meta.url);
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const file = label === 'json' ? 'json.worker.js' : label === 'graphql' ? 'graphql.worker.js' : 'editor.worker.js';
    return new Worker(new URL(file, assets), { type: 'module' });
  },
};

const config = JSON.parse(document.getElementById('irhub-ide-config').textContent);
createRoot(document.getElementById('graphiql')).render(createElement(GraphiQL, {
  fetcher: createGraphiQLFetcher({ url: config.graphqlPath }),
  defaultTabs: config.tabs,
  isHeadersEditorEnabled: true,
}));
