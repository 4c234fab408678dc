export interface AlertMail {
  alertId: string;
  email: string;
  symbol: string;
  kind: 'HIGH' | 'LOW';
  price: number;
  threshold: number;
  triggeredAt: Date;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Subject, text and HTML of an alert mail. */
export function renderAlert(mail: AlertMail) {
  const direction = mail.kind === 'HIGH' ? 'rose above' : 'fell below';
  const when = mail.triggeredAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const subject = `${mail.symbol} ${direction} ${mail.threshold}: now ${mail.price}`;
  const text = [
    `Hello ${mail.email},`,
    '',
    `${mail.symbol} ${direction} your ${mail.kind === 'HIGH' ? 'high' : 'low'} threshold of ${mail.threshold}.`,
    `Price: ${mail.price}`,
    `Time: ${when}`,
    '',
    'You get one mail per crossing; the next comes after the price has been back inside your thresholds.',
  ].join('\n');
  const html = `<p>Hello ${escape(mail.email)},</p>
<p><strong>${escape(mail.symbol)}</strong> ${direction} your ${mail.kind === 'HIGH' ? 'high' : 'low'} threshold of ${mail.threshold}.</p>
<table><tr><th align="left">Price</th><td>${mail.price}</td></tr><tr><th align="left">Time</th><td>${escape(when)}</td></tr></table>
<p>You get one mail per crossing; the next comes after the price has been back inside your thresholds.</p>`;
  return { subject, text, html };
}
