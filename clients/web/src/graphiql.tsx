import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { gatewayFetcher } from './fetcher';

const fetcher = gatewayFetcher(window.location);

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    {/* Headers (a bearer token) outlive the page only if the user asks, in GraphiQL's settings. */}
    <GraphiQL fetcher={fetcher} defaultHeaders={'{\n  "Authorization": "Bearer "\n}'} showPersistHeadersSettings />
  </StrictMode>,
);
