/** How connector and connection terms read in the portal. */

const KIND_LABELS: Record<string, string> = {
  none: 'No authentication',
  api_key: 'API key',
  basic: 'Username and password',
  bearer: 'Bearer token',
  oauth2: 'OAuth2',
  custom: 'Custom settings',
};

/** "api_key" → "API key"; an auth kind's own label wins when the connector gives one. */
export function authKindLabel(kind: string, label?: string | null): string {
  return label || KIND_LABELS[kind] || kind;
}

const CATEGORY_LABELS: Record<string, string> = { crm: 'CRM', erp: 'ERP', hr: 'HR', iot: 'IoT', 'developer-tools': 'Developer tools' };

/** "developer-tools" → "Developer tools", "crm" → "CRM". */
export function categoryLabel(category: string): string {
  if (CATEGORY_LABELS[category]) return CATEGORY_LABELS[category];
  const text = category.replace(/[-_]+/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TRIGGER_TYPES: Record<string, string> = { webhook: 'Webhook', app_webhook: 'App event', schedule: 'Schedule', polling: 'Polling' };

/** "app_webhook" → "App event". */
export function triggerTypeLabel(type: string): string {
  return TRIGGER_TYPES[type] ?? categoryLabel(type);
}

/** "1 action", "3 triggers". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Whether people connect an account for this connector (any auth kind other than "none"). */
export function needsConnection(auth: { kind: string }[]): boolean {
  return auth.some((a) => a.kind !== 'none');
}
