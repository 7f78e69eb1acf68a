/**
 * Small SVG charts (no browser, no canvas): cumulative distributions and grouped bars. The report
 * renders them to PNG with @resvg/resvg-js, whose npm package ships prebuilt binaries.
 */
const WIDTH = 760;
const HEIGHT = 380;
const MARGIN = { top: 40, right: 190, bottom: 50, left: 70 };
/** A palette readable in print and by most colour-blind readers (Okabe–Ito). */
const COLOURS = ['#000000', '#E69F00', '#0072B2', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'];

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function frame({ title, body, legend }) {
  const legendItems = legend
    .map(
      (name, index) =>
        `<rect x="${WIDTH - MARGIN.right + 16}" y="${MARGIN.top + index * 20}" width="12" height="12" fill="${COLOURS[index % COLOURS.length]}"/>` +
        `<text x="${WIDTH - MARGIN.right + 34}" y="${MARGIN.top + index * 20 + 10}" font-size="12">${escapeXml(name)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>
${body}${legendItems}</svg>`;
}

function niceTicks({ max, count = 5 }) {
  if (!(max > 0)) return [0, 1];
  const step = 10 ** Math.floor(Math.log10(max / count));
  const multiple = [1, 2, 5, 10].find((candidate) => max / (candidate * step) <= count) ?? 10;
  const ticks = [];
  for (let tick = 0; tick <= max + 1e-9; tick += multiple * step)
    ticks.push(Number(tick.toPrecision(6)));
  return ticks;
}

/**
 * Cumulative distribution of each series (x: value, y: share of samples ≤ x), x clipped at the
 * largest series' `clipPercentile` so one outlier does not flatten the rest.
 */
export function cdfChart({ title, unit, series, clipPercentile = 99 }) {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sortedSeries = series.map(({ name, values }) => ({
    name,
    values: [...values].filter(Number.isFinite).sort((a, b) => a - b),
  }));
  const clip = Math.max(
    ...sortedSeries.map(
      ({ values }) =>
        values[Math.min(values.length - 1, Math.floor((clipPercentile / 100) * values.length))] ??
        0,
    ),
  );
  const ticks = niceTicks({ max: clip * 1.05 });
  const xMax = ticks.at(-1);
  const x = (value) => MARGIN.left + (Math.min(value, xMax) / xMax) * plotWidth;
  const y = (share) => MARGIN.top + (1 - share) * plotHeight;
  let body = '';
  for (const tick of ticks) {
    body += `<line x1="${x(tick)}" y1="${MARGIN.top}" x2="${x(tick)}" y2="${MARGIN.top + plotHeight}" stroke="#e5e5e5"/>`;
    body += `<text x="${x(tick)}" y="${MARGIN.top + plotHeight + 16}" font-size="11" text-anchor="middle">${tick}</text>`;
  }
  for (const share of [0, 0.25, 0.5, 0.75, 0.99]) {
    body += `<line x1="${MARGIN.left}" y1="${y(share)}" x2="${MARGIN.left + plotWidth}" y2="${y(share)}" stroke="#e5e5e5"/>`;
    body += `<text x="${MARGIN.left - 6}" y="${y(share) + 4}" font-size="11" text-anchor="end">${Math.round(share * 100)}%</text>`;
  }
  body += `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" font-size="12" text-anchor="middle">${escapeXml(unit)}</text>`;
  sortedSeries.forEach(({ values }, index) => {
    if (values.length === 0) return;
    const points = values.map(
      (value, rank) => `${x(value).toFixed(1)},${y((rank + 1) / values.length).toFixed(1)}`,
    );
    body += `<polyline fill="none" stroke="${COLOURS[index % COLOURS.length]}" stroke-width="2" points="${x(values[0]).toFixed(1)},${y(0)} ${points.join(' ')}"/>`;
  });
  return frame({ title, body, legend: sortedSeries.map(({ name }) => name) });
}

/**
 * Grouped bars: one group per category, one bar per series; `log` for values spanning orders of
 * magnitude (a relay and a Python proxy on one axis). Each bar is labelled with its value.
 */
export function barChart({ title, unit, categories, series, log = false }) {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = series
    .flatMap(({ values }) => values)
    .filter((value) => Number.isFinite(value) && value > 0);
  const max = all.length ? Math.max(...all) : 1;
  const min = all.length ? Math.min(...all) : 1;
  let scale;
  let ticks;
  if (log) {
    const low = 10 ** Math.floor(Math.log10(min));
    const high = 10 ** Math.ceil(Math.log10(max));
    ticks = [];
    for (let tick = low; tick <= high; tick *= 10) ticks.push(tick);
    scale = (value) =>
      value > 0 ? (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : 0;
  } else {
    ticks = niceTicks({ max: max * 1.1 });
    scale = (value) => (Number.isFinite(value) ? value / ticks.at(-1) : 0);
  }
  const y = (fraction) => MARGIN.top + (1 - Math.max(0, fraction)) * plotHeight;
  let body = '';
  for (const tick of ticks) {
    const position = y(scale(tick));
    body += `<line x1="${MARGIN.left}" y1="${position}" x2="${MARGIN.left + plotWidth}" y2="${position}" stroke="#e5e5e5"/>`;
    body += `<text x="${MARGIN.left - 6}" y="${position + 4}" font-size="11" text-anchor="end">${tick.toLocaleString('en-US')}</text>`;
  }
  const groupWidth = plotWidth / categories.length;
  const barWidth = (groupWidth * 0.8) / series.length;
  categories.forEach((category, categoryIndex) => {
    const groupStart = MARGIN.left + categoryIndex * groupWidth + groupWidth * 0.1;
    series.forEach(({ values }, seriesIndex) => {
      const value = values[categoryIndex];
      if (!Number.isFinite(value)) return;
      const top = y(scale(value));
      const left = groupStart + seriesIndex * barWidth;
      body += `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(MARGIN.top + plotHeight - top).toFixed(1)}" fill="${COLOURS[seriesIndex % COLOURS.length]}"/>`;
      const label = value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(2);
      body += `<text x="${(left + barWidth / 2).toFixed(1)}" y="${(top - 3).toFixed(1)}" font-size="10" text-anchor="middle">${label}</text>`;
    });
    body += `<text x="${groupStart + groupWidth * 0.4}" y="${MARGIN.top + plotHeight + 16}" font-size="12" text-anchor="middle">${escapeXml(category)}</text>`;
  });
  body += `<text x="16" y="${MARGIN.top + plotHeight / 2}" font-size="12" transform="rotate(-90 16 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">${escapeXml(unit)}</text>`;
  return frame({ title, body, legend: series.length > 1 ? series.map(({ name }) => name) : [] });
}
