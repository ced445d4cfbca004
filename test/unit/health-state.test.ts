import { describe, expect, it } from 'vitest';
import { TargetHealth } from '../../src/health/target-health.js';
import { TargetRotation } from '../../src/health/target-rotation.js';

const picks = (rotation: TargetRotation<string>, count: number): string[] => Array.from({ length: count }, () => rotation.pick());

describe('TargetRotation', () => {
  it('without health checking: plain round robin over every target', () => {
    const rotation = new TargetRotation(['a', 'b', 'c'], true);
    expect(picks(rotation, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(rotation.panic).toBe(false);
  });

  it('with health checking, before any check: every target is out, so it spreads over all (panic)', () => {
    const rotation = new TargetRotation(['a', 'b'], false);
    expect(rotation.panic).toBe(true);
    expect(picks(rotation, 4)).toEqual(['a', 'b', 'a', 'b']);
    rotation.setHealthy(1, true);
    expect(rotation.panic).toBe(false);
    expect(picks(rotation, 3)).toEqual(['b', 'b', 'b']);
  });

  it('skips unhealthy targets and takes them back', () => {
    const rotation = new TargetRotation(['a', 'b', 'c'], true);
    rotation.setHealthy(1, false);
    expect(picks(rotation, 4)).toEqual(['a', 'c', 'a', 'c']);
    rotation.setHealthy(1, true);
    expect(new Set(picks(rotation, 3))).toEqual(new Set(['a', 'b', 'c']));
    rotation.setHealthy(0, false);
    rotation.setHealthy(1, false);
    rotation.setHealthy(2, false);
    expect(rotation.panic).toBe(true);
    expect(rotation.live).toEqual(['a', 'b', 'c']);
  });

  it('panicThresholdPercent: below that share of healthy targets, all targets are used', () => {
    const rotation = new TargetRotation(['a', 'b', 'c', 'd'], true, 50);
    rotation.setHealthy(0, false);
    expect(rotation.panic).toBe(false);
    expect(rotation.live).toEqual(['b', 'c', 'd']);
    rotation.setHealthy(1, false);
    expect(rotation.panic).toBe(false);
    rotation.setHealthy(2, false);
    expect(rotation.panic).toBe(true);
    expect(rotation.live).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores unknown indexes and repeated states', () => {
    const rotation = new TargetRotation(['a'], true);
    rotation.setHealthy(5, false);
    rotation.setHealthy(0, true);
    expect(picks(rotation, 2)).toEqual(['a', 'a']);
  });
});

describe('TargetHealth', () => {
  const thresholds = { unhealthyThreshold: 3, healthyThreshold: 2 };
  const ok = { healthy: true, reason: 'SERVING' };
  const bad = { healthy: false, reason: 'UNAVAILABLE' };

  it('the first answer decides a pending target, either way', () => {
    const up = new TargetHealth();
    expect(up.state).toBe('pending');
    expect(up.reason).toBe('not checked yet');
    expect(up.record(ok, thresholds)).toBe('healthy');
    const down = new TargetHealth();
    expect(down.record(bad, thresholds)).toBe('unhealthy');
    expect(down.reason).toBe('UNAVAILABLE');
  });

  it('consecutive failures past unhealthyThreshold, consecutive successes past healthyThreshold', () => {
    const health = new TargetHealth();
    health.record(ok, thresholds);
    expect(health.record(bad, thresholds)).toBeUndefined();
    expect(health.record(bad, thresholds)).toBeUndefined();
    expect(health.record(ok, thresholds)).toBeUndefined();
    expect(health.record(bad, thresholds)).toBeUndefined();
    expect(health.record(bad, thresholds)).toBeUndefined();
    expect(health.record(bad, thresholds)).toBe('unhealthy');
    expect(health.record(ok, thresholds)).toBeUndefined();
    expect(health.record(bad, thresholds)).toBeUndefined();
    expect(health.record(ok, thresholds)).toBeUndefined();
    expect(health.record(ok, thresholds)).toBe('healthy');
  });

  it('an explicit "not serving" takes a healthy target out at once', () => {
    const health = new TargetHealth();
    health.record(ok, thresholds);
    expect(health.record({ healthy: false, reason: 'NOT_SERVING', immediate: true }, thresholds)).toBe('unhealthy');
    expect(health.reason).toBe('NOT_SERVING');
  });
});
