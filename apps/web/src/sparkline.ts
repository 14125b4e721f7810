const SVG = 'http://www.w3.org/2000/svg';

export interface SparkPoint {
  t: number;
  v: number;
}

/** Polyline points in a 100×30 box over [from, to]; the value range is padded so a flat line sits mid-height. */
export function sparkPath(points: SparkPoint[], from: number, to: number): string {
  const shown = points.filter((point) => point.t >= from && point.t <= to);
  if (shown.length === 0) return '';
  const values = shown.map((point) => point.v);
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 1e-9) {
    low -= 1;
    high += 1;
  }
  const span = Math.max(1, to - from);
  return shown
    .map((point) => `${(((point.t - from) / span) * 100).toFixed(2)},${(28 - ((point.v - low) / (high - low)) * 26).toFixed(2)}`)
    .join(' ');
}

export function createSparkline(): { element: SVGSVGElement; draw(points: SparkPoint[], from: number, to: number): void } {
  const element = document.createElementNS(SVG, 'svg');
  element.setAttribute('viewBox', '0 0 100 30');
  element.setAttribute('preserveAspectRatio', 'none');
  element.classList.add('sparkline');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  element.append(line);
  return { element, draw: (points, from, to) => line.setAttribute('points', sparkPath(points, from, to)) };
}
