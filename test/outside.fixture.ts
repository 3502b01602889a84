/** Run by outside.test.ts in a jest of its own: one outside check that is present, one that is not. */
import { describeOutside, itOutside } from './outside';

describeOutside('a present check', '')('present', () => {
  it('runs', () => expect(1).toBe(1));
});
itOutside('the absent check', 'its tool is not installed here')('needs the absent tool', () => undefined);
