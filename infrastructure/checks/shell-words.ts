/**
 * The words of one shell command line as the shell would pass them (quotes removed, `$NAME`,
 * `${NAME}` and `${NAME:-default}` expanded with `lookup`), for the simple commands pipelines
 * write: no globbing, no command substitution, no word splitting of expansions.
 */
export function shellWords(line: string, lookup: (name: string) => string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let index = 0;
  const expand = (): string => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/.exec(line.slice(index));
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(line.slice(index));
    const match = braced ?? plain;
    if (!match) throw new Error(`unsupported expansion at "${line.slice(index, index + 20)}"`);
    index += match[0].length;
    if (braced && braced[2] !== undefined) {
      try {
        return lookup(match[1]) || braced[2];
      } catch {
        return braced[2];
      }
    }
    return lookup(match[1]);
  };
  while (index < line.length) {
    const char = line[index];
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      index++;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word += line.slice(index + 1, end);
      inWord = true;
      index = end + 1;
    } else if (char === '"') {
      inWord = true;
      index++;
      while (index < line.length && line[index] !== '"') {
        if (line[index] === '$') word += expand();
        else if (line[index] === '\\' && /["$`\\]/.test(line[index + 1] ?? '')) {
          word += line[index + 1];
          index += 2;
        } else word += line[index++];
      }
      if (line[index] !== '"') throw new Error(`unterminated " in: ${line}`);
      index++;
    } else if (char === '$') {
      word += expand();
      inWord = true;
    } else if (char === '\\') {
      word += line[index + 1] ?? '';
      inWord = true;
      index += 2;
    } else if (/[;&|<>`()]/.test(char)) {
      throw new Error(`not a simple command ("${char}"): ${line}`);
    } else {
      word += char;
      inWord = true;
      index++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** A script's commands: continuation lines (`\` at the end) joined, comments and blanks dropped. */
export function commandLines(script: string): string[] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
