import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/errors/did-you-mean.js';

/** The one suggestion rule behind every "did you mean" the gateway writes. */
describe('didYouMean', () => {
  it('a candidate that differs only in case wins over any real edit', () => {
    expect(didYouMean('getorder', ['GetOrdr', 'GetOrder'])).toBe('GetOrder');
  });

  it('the allowed distance grows with the name: 1 up to 3 letters, 2 up to 6, then a third of the length', () => {
    expect(didYouMean('abc', ['abd'])).toBe('abd');
    expect(didYouMean('abc', ['xyc'])).toBeUndefined();
    expect(didYouMean('orders', ['ordrs'])).toBe('ordrs');
    expect(didYouMean('orders', ['odes'])).toBe('odes');
    expect(didYouMean('orders', ['ox'])).toBeUndefined();
    expect(didYouMean('OrderAlreadyShiped', ['OrderAlreadyShipped', 'OrderNotFound'])).toBe('OrderAlreadyShipped');
    expect(didYouMean('OrderNotFnd', ['OrderNotFound'])).toBe('OrderNotFound');
    expect(didYouMean('Nope', ['Client', 'Server', 'VersionMismatch'])).toBeUndefined();
  });

  it('the nearest of several, the first on a tie', () => {
    expect(didYouMean('lst', ['list', 'last', 'lost'])).toBe('list');
    expect(didYouMean('status', ['statuses', 'stats'])).toBe('stats');
  });
});
