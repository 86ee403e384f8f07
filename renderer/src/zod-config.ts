// Imported first by main.tsx, before any schema is built: the CSP forbids eval, so zod must not
// compile parsers with Function() — and must not even probe for it, since the probe alone is
// reported as a CSP violation on every start.
import { config } from 'zod';

config({ jitless: true });
