// Renderer entry: one bridge client and one query cache for the window's lifetime.
import './zod-config';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { BridgeProvider } from './query/call-hooks';
import { createRuntime } from './session/session-runtime';
import './styles/app.css';

const { client, queryClient } = createRuntime();
// Close the socket cleanly on unload; a page kept in the back/forward cache keeps its client.
window.addEventListener('pagehide', (event) => {
  if (!event.persisted) client.dispose();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <BridgeProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </BridgeProvider>
  </StrictMode>,
);
