/** The product's connectors plus the test ones the environment asks for (FAKE_OAUTH_URL → acme-crm). */
import { catalogFrom, type ConnectorCatalog } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { fakeOAuthConnector } from '../../support/fake-oauth.ts';

export function testConnectorCatalog(env: Record<string, string | undefined>): ConnectorCatalog {
  const extra = env.FAKE_OAUTH_URL ? [fakeOAuthConnector(env.FAKE_OAUTH_URL)] : [];
  return catalogFrom([...connectors, ...extra]);
}
