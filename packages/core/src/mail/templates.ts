/** A rendered email, ready for the `send-email` task. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(params: { heading: string; lines: string[]; action: { label: string; url: string }; footer: string }) {
  const paragraphs = params.lines.map((l) => `<p style="margin:0 0 16px;color:#334155">${escapeHtml(l)}</p>`).join('');
  return `<!doctype html><html><body style="margin:0;padding:32px;background:#f1f5f9;font-family:Inter,Segoe UI,Helvetica,Arial,sans-serif">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:12px;padding:32px;border:1px solid #e2e8f0">
<div style="font-weight:700;font-size:18px;color:#4f46e5;margin-bottom:24px">Conflux</div>
<h1 style="font-size:20px;margin:0 0 16px;color:#0f172a">${escapeHtml(params.heading)}</h1>${paragraphs}
<p style="margin:24px 0"><a href="${escapeHtml(params.action.url)}" style="background:#4f46e5;color:#fff;text-decoration:none;padding:10px 18px;border-radius:8px;font-weight:600">${escapeHtml(params.action.label)}</a></p>
<p style="margin:0;color:#64748b;font-size:13px">Or paste this link into your browser:<br><span style="word-break:break-all">${escapeHtml(params.action.url)}</span></p>
<p style="margin:24px 0 0;color:#94a3b8;font-size:12px">${escapeHtml(params.footer)}</p></div></body></html>`;
}

export function verificationMail(params: { name: string; url: string }): RenderedMail {
  const lines = [`Hi ${params.name},`, 'Confirm your email address to finish setting up your Conflux account.'];
  return {
    subject: 'Verify your email for Conflux',
    text: `${lines.join('\n\n')}\n\nVerify: ${params.url}\n\nThe link is valid for 24 hours. If you did not sign up, ignore this email.`,
    html: layout({
      heading: 'Verify your email',
      lines,
      action: { label: 'Verify email', url: params.url },
      footer: 'The link is valid for 24 hours. If you did not sign up, ignore this email.',
    }),
  };
}

export function passwordResetMail(params: { name: string; url: string }): RenderedMail {
  const lines = [`Hi ${params.name},`, 'Someone asked to reset the password of your Conflux account.'];
  return {
    subject: 'Reset your Conflux password',
    text: `${lines.join('\n\n')}\n\nReset: ${params.url}\n\nThe link is valid for 1 hour. If it was not you, ignore this email: your password stays as it is.`,
    html: layout({
      heading: 'Reset your password',
      lines,
      action: { label: 'Choose a new password', url: params.url },
      footer: 'The link is valid for 1 hour. If it was not you, ignore this email: your password stays as it is.',
    }),
  };
}

export function invitationMail(params: { inviterName: string; tenantName: string; role: string; url: string }): RenderedMail {
  const lines = [
    `${params.inviterName} invited you to join the workspace “${params.tenantName}” on Conflux as ${params.role}.`,
    'Conflux connects your company’s systems: flows, connectors and every run in one place.',
  ];
  return {
    subject: `${params.inviterName} invited you to ${params.tenantName} on Conflux`,
    text: `${lines.join('\n\n')}\n\nAccept: ${params.url}\n\nThe invitation is valid for 7 days.`,
    html: layout({
      heading: `Join ${params.tenantName}`,
      lines,
      action: { label: 'Accept invitation', url: params.url },
      footer: 'The invitation is valid for 7 days. If you did not expect it, ignore this email.',
    }),
  };
}

/** Sent when someone signs up with an address that already has an account: the page cannot say so without telling strangers who has an account. */
export function existingAccountMail(params: { name: string; signInUrl: string }): RenderedMail {
  const lines = [
    `Hi ${params.name},`,
    'Someone — probably you — tried to create a Conflux account with this email address, but you already have one.',
    'Sign in instead; if you forgot your password, use “Forgot password?” on the sign-in page.',
  ];
  return {
    subject: 'You already have a Conflux account',
    text: `${lines.join('\n\n')}\n\nSign in: ${params.signInUrl}\n\nIf it was not you, ignore this email: nothing has changed.`,
    html: layout({
      heading: 'You already have an account',
      lines,
      action: { label: 'Sign in', url: params.signInUrl },
      footer: 'If it was not you, ignore this email: nothing has changed.',
    }),
  };
}

/** Sent to a workspace's owners, once a month, when its runs went over the plan's monthly quota. */
export function quotaExceededMail(params: { tenantName: string; planName: string; limit: number; url: string }): RenderedMail {
  const limit = params.limit.toLocaleString('en-US');
  const lines = [
    `The workspace “${params.tenantName}” has started the ${limit} runs its ${params.planName} plan includes this month.`,
    'Nothing is lost: new events are still recorded, and their runs wait as “quota exceeded” until the month turns or the plan is upgraded. Then they start in arrival order.',
  ];
  return {
    subject: `${params.tenantName} reached its monthly run quota`,
    text: `${lines.join('\n\n')}\n\nSee usage: ${params.url}`,
    html: layout({
      heading: 'Monthly run quota reached',
      lines,
      action: { label: 'See usage and plans', url: params.url },
      footer: 'You receive this because you own this workspace. It is sent at most once a month.',
    }),
  };
}
