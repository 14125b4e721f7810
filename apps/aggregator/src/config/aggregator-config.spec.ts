import { ConfigValidationError, loadConfig } from '@ioc/config';
import { AggregatorConfig } from './aggregator-config';

describe('AggregatorConfig partitions', () => {
  it('consumes every partition unless told otherwise; one partition by default', () => {
    expect(loadConfig(AggregatorConfig, {}).ownedPartitions()).toEqual([0]);
    expect(loadConfig(AggregatorConfig, { AGGREGATION_PARTITIONS: '4' }).ownedPartitions()).toEqual([0, 1, 2, 3]);
  });

  it('takes a list of owned partitions, sorted and without repeats', () => {
    const config = loadConfig(AggregatorConfig, { AGGREGATION_PARTITIONS: '4', AGGREGATOR_PARTITIONS: '3,1,3' });
    expect(config.ownedPartitions()).toEqual([1, 3]);
  });

  it.each([
    ['4', '4', 'from 0 to 3'],
    ['2', '0,,1', 'comma-separated list'],
    ['2', 'all', 'comma-separated list'],
    ['1', '1', 'AGGREGATION_PARTITIONS is 1'],
  ])('with AGGREGATION_PARTITIONS=%s refuses AGGREGATOR_PARTITIONS=%s, naming the rule', (count, owned, message) => {
    const attempt = () => loadConfig(AggregatorConfig, { AGGREGATION_PARTITIONS: count, AGGREGATOR_PARTITIONS: owned });
    expect(attempt).toThrow(ConfigValidationError);
    expect(attempt).toThrow(message);
  });

  it.each(['0', '65', '1.5'])('refuses AGGREGATION_PARTITIONS=%s', (count) => {
    expect(() => loadConfig(AggregatorConfig, { AGGREGATION_PARTITIONS: count })).toThrow(/AGGREGATION_PARTITIONS/);
  });
});
