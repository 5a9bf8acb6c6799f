import {
  DiffStreamError,
  encodeDiffLine,
  masterDiffHeader,
  parseDiffHeader,
  parsePkPackage,
  parseRevisionPackage,
  pythonSetRepr,
  replicaDiffHeader,
} from './sync-diff-stream';

/** The line formats of django-cqrs's cqrs_diff_master / cqrs_diff_replica / cqrs_diff_sync. */
describe('django-cqrs diff stream lines', () => {
  it('line 1 of the master: <cqrs_id>,<str(now())> in Python form', () => {
    expect(masterDiffHeader('author', new Date('2026-11-25T20:00:00.118Z'))).toBe(
      'author,2026-11-25 20:00:00.118000+00:00',
    );
    expect(masterDiffHeader('author', new Date('2026-11-25T20:00:00Z'))).toBe(
      'author,2026-11-25 20:00:00+00:00',
    );
  });

  it("line 1 of the replica: the master's, stripped, then ,<queue> (None without one)", () => {
    expect(replicaDiffHeader('author,2026-11-25 20:00:00+00:00\r\n', 'replica')).toBe(
      'author,2026-11-25 20:00:00+00:00,replica',
    );
    expect(replicaDiffHeader('author,datetime', null)).toBe('author,datetime,None');
  });

  it('reads the cqrs_id from the first field and the queue from the last, as cqrs_diff_sync does', () => {
    expect(parseDiffHeader('author,2026-11-25 20:00:00+00:00,replica\n')).toEqual({
      cqrsId: 'author',
      queue: 'replica',
    });
    expect(parseDiffHeader('author,2026-11-25 20:00:00+00:00,None')).toEqual({
      cqrsId: 'author',
      queue: null,
    });
    expect(parseDiffHeader('author,2026-11-25 20:00:00+00:00')).toEqual({ cqrsId: 'author', queue: null });
    expect(() => parseDiffHeader(undefined)).toThrow(DiffStreamError);
    expect(() => parseDiffHeader('\n')).toThrow('the diff stream is empty');
  });

  it('writes packages as ujson.dumps does: compact, "/" escaped, ASCII only', () => {
    expect(
      encodeDiffLine([
        [1, 0],
        ['a/b', 2],
        ['é', 3],
      ]),
    ).toBe('[[1,0],["a\\/b",2],["\\u00e9",3]]');
    expect(encodeDiffLine([0, 1, 2])).toBe('[0,1,2]');
  });

  it('reads [[pk, revision], …] and [pk, …] packages, and refuses anything else', () => {
    expect(parseRevisionPackage('[[1,0],["x",2]]')).toEqual([
      [1, 0],
      ['x', 2],
    ]);
    expect(parsePkPackage('[0,"a",2]\n')).toEqual([0, 'a', 2]);
    expect(() => parseRevisionPackage('[[1]]')).toThrow('not a [pk, revision] pair: [1]');
    expect(() => parseRevisionPackage('{}')).toThrow('not a list of [pk, revision] pairs');
    expect(() => parsePkPackage('[{"a":1}]')).toThrow('not a list of pks');
    expect(() => parsePkPackage('oops')).toThrow('not a JSON line: oops');
  });

  it("logs the pks as Django's set repr", () => {
    expect(pythonSetRepr([0, 1, 2])).toBe('{0, 1, 2}');
    expect(pythonSetRepr(['a', 'b'])).toBe("{'a', 'b'}");
  });
});
