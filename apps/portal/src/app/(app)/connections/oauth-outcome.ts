/** What the OAuth callback's `?oauth=…` codes mean, for the notice on the connection pages. */
export interface OAuthOutcomeNotice {
  tone: 'success' | 'warning' | 'error';
  title: string;
  body: string;
}

/** The notice for an outcome code (and the provider's error code, if any), or null for an unknown code. */
export function oauthOutcomeNotice(outcome: string | null, detail: string | null, provider = 'the provider'): OAuthOutcomeNotice | null {
  const code = detail ? ` (${detail})` : '';
  switch (outcome) {
    case 'connected':
      return { tone: 'success', title: 'Connected', body: `Access was approved at ${provider}. Conflux keeps the token fresh from now on.` };
    case 'denied':
      return { tone: 'warning', title: 'Access was not approved', body: `The request was declined at ${provider}. Reconnect when you are ready to approve it.` };
    case 'expired':
      return { tone: 'warning', title: 'The sign-in took too long', body: 'Approval requests are valid for ten minutes. Start again with Reconnect.' };
    case 'state':
      return {
        tone: 'error',
        title: 'That sign-in could not be completed',
        body: 'It was started in another browser, by another account or workspace, or has already been used. Nothing was changed; start again from the connection.',
      };
    case 'refused':
      return {
        tone: 'error',
        title: `${provider[0]?.toUpperCase()}${provider.slice(1)} refused the authorisation${code}`,
        body: 'Check the client ID and secret of your OAuth app and that its redirect URI matches the one shown here, then reconnect.',
      };
    case 'unavailable':
      return { tone: 'error', title: `${provider[0]?.toUpperCase()}${provider.slice(1)} could not be reached`, body: 'Its token endpoint did not answer usefully. Nothing was changed; try again in a moment.' };
    case 'provider_error':
      return { tone: 'error', title: `${provider[0]?.toUpperCase()}${provider.slice(1)} reported an error${code}`, body: 'The authorisation did not finish. Try again; if it keeps failing, check your OAuth app’s settings.' };
    case 'unsupported':
      return { tone: 'error', title: 'This connection does not sign in through a provider page', body: 'Replace its credentials instead.' };
    case 'not_found':
      return { tone: 'error', title: 'That connection does not exist', body: 'It may have been deleted. Pick another one, or create a new connection.' };
    default:
      return null;
  }
}
