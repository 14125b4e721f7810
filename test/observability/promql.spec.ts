import { exposedNames, metricNamesOf, sampleValue } from './promql';

describe('reading PromQL and scrapes', () => {
  it('finds the metric names of an expression, not its functions, labels or keywords', () => {
    expect(metricNamesOf('histogram_quantile(0.95, sum by (le) (rate(ioc_a_seconds_bucket{app="x", le!=""}[5m])))')).toEqual([
      'ioc_a_seconds_bucket',
    ]);
    expect(metricNamesOf('sum(rate(a_sum[5m])) / on (app) sum(rate(a_count[5m])) or vector(0)').sort()).toEqual(['a_count', 'a_sum']);
    expect(metricNamesOf('max by (source) (ioc_connector_pull_lag_seconds) > bool 3')).toEqual(['ioc_connector_pull_lag_seconds']);
  });

  it('lists declared series and reads sample values', () => {
    const scrape = ['# TYPE h histogram', 'h_bucket{le="1"} 2', '# TYPE c counter', 'c{a="1",b="x"} 3', 'c{a="2",b="x"} 4', ''].join('\n');
    expect([...exposedNames(scrape)].sort()).toEqual(['c', 'h', 'h_bucket', 'h_count', 'h_sum']);
    expect(sampleValue(scrape, 'c', { b: 'x' })).toBe(7);
    expect(sampleValue(scrape, 'c', { a: '2' })).toBe(4);
    expect(sampleValue(scrape, 'missing')).toBeNaN();
  });
});
