/** The three connections Conflux uses: the owner runs migrations; apps connect as the app and system roles. */
export interface DatabaseUrls {
  ownerUrl: string;
  appUrl: string;
  systemUrl: string;
}

/**
 * Derives the role connections from the owner's URL when they are not given: same host and database,
 * user `conflux_app` / `conflux_system`, with the password the migrator set for those roles.
 */
export function resolveDatabaseUrls(params: {
  ownerUrl: string;
  appUrl?: string | undefined;
  systemUrl?: string | undefined;
  rolePassword: string;
}): DatabaseUrls {
  const withUser = (user: string) => {
    const url = new URL(params.ownerUrl);
    url.username = user;
    url.password = params.rolePassword;
    return url.toString();
  };
  return {
    ownerUrl: params.ownerUrl,
    appUrl: params.appUrl ?? withUser('conflux_app'),
    systemUrl: params.systemUrl ?? withUser('conflux_system'),
  };
}
