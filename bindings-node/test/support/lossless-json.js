'use strict';
// JSON.parse that keeps every integer exact: an integer literal beyond Number.MAX_SAFE_INTEGER
// becomes a bigint (the vectors hold i64::MAX minor units, which a number would round).
// Node 20's JSON.parse reviver cannot see the source text, hence this small parser.

function parse(text) {
  let i = 0;
  const fail = (what) => {
    throw new SyntaxError(`lossless-json: ${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = {};
      ws();
      if (text[i] === '}') return i++, obj;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i++] !== ':') fail('expected :');
        obj[key] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, obj;
        else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') return i++, arr;
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, arr;
        else fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) return (i += word.length), v;
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m[0].length;
    if (m[2] || m[3]) return Number(m[0]);
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  };
  const string = () => {
    const start = i;
    i++;
    while (text[i] !== '"') {
      if (i >= text.length) fail('unterminated string');
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

module.exports = { parse };
