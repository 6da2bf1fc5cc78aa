import { previewMapping } from './src/index.ts';
const e = process.argv[2]!;
const m0 = process.memoryUsage().rss;
const r = await previewMapping(e, { trigger: {} });
console.log(e.padEnd(60), r.durationMs.toFixed(0) + 'ms', r.ok ? 'OK ' + JSON.stringify(r.output) : r.error.code + ' ' + r.error.message.slice(0, 50), 'rss +' + ((process.memoryUsage().rss - m0) / 1e6).toFixed(0) + 'MB');
