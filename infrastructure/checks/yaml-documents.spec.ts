import { parseYamlDocuments } from './yaml-documents';

describe(parseYamlDocuments.name, () => {
  it('parses every document of a stream and drops empty ones', () => {
    const { documents, problems } = parseYamlDocuments('a: 1\n---\nb: [1, 2]\n---\n', 'file.yaml');
    expect(problems).toEqual([]);
    expect(documents).toEqual([
      { source: 'file.yaml#1', value: { a: 1 } },
      { source: 'file.yaml#2', value: { b: [1, 2] } },
    ]);
  });

  it('reports a duplicate key instead of keeping the last value', () => {
    const { documents, problems } = parseYamlDocuments(
      'a: 1\n---\nspec:\n  replicas: 1\n  replicas: 3\n',
      'file.yaml',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].source).toBe('file.yaml#2');
    expect(problems[0].message).toMatch(/^YAML DUPLICATE_KEY: Map keys must be unique/);
    expect(documents).toEqual([{ source: 'file.yaml#1', value: { a: 1 } }]);
  });

  it('reports a syntax error', () => {
    expect(parseYamlDocuments('a: [1,\n', 'file.yaml').problems).not.toEqual([]);
  });
});
