import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, escapeXmlAttr, escapeXmlText, MAX_XML_DEPTH, parseXml, XmlSyntaxError, XmlWriter, type XmlElement } from './xml.ts';

/** A compact view of a tree for assertions: [name, attributes?, text or children]. */
function shape(el: XmlElement): unknown {
  const body = el.children.length ? el.children.map(shape) : el.text;
  return el.attributes ? [el.name, el.attributes, body] : [el.name, body];
}

function rejects(doc: string | Uint8Array, why?: RegExp): void {
  assert.throws(() => parseXml(doc), (e: unknown) => {
    assert.ok(e instanceof XmlSyntaxError, `expected XmlSyntaxError, got ${e}`);
    if (why) assert.match(e.message, why);
    return true;
  }, `should reject ${typeof doc === 'string' ? JSON.stringify(doc.slice(0, 80)) : 'buffer'}`);
}

test('parses elements, attributes, text and empty elements', () => {
  const root = parseXml('<a x="1" y=\'two\'><b>hi</b><c/><d></d><b>again</b></a>');
  assert.deepEqual(shape(root), ['a', { x: '1', y: 'two' }, [['b', 'hi'], ['c', ''], ['d', ''], ['b', 'again']]]);
});

test('keeps namespace prefixes apart from local names', () => {
  const root = parseXml('<s:Envelope xmlns:s="urn:x"><s:Body xsi:type="t">v</s:Body></s:Envelope>');
  assert.equal(root.name, 'Envelope');
  assert.equal(root.prefix, 's');
  assert.deepEqual(root.attributes, { 'xmlns:s': 'urn:x' });
  assert.equal(root.children[0].name, 'Body');
  assert.deepEqual(root.children[0].attributes, { 'xsi:type': 't' });
});

test('decodes the predefined entities and character references, in text and attributes', () => {
  const root = parseXml('<a t="&lt;&amp;&gt;&quot;&apos;&#65;">&lt;x&gt; &amp; &#x1F639;&#10;&#xD;&#9;</a>');
  assert.equal(root.attributes!.t, `<&>"'A`);
  assert.equal(root.text, '<x> & 😹\n\r\t');
});

test('keeps whitespace in text exactly, but normalizes line ends as XML requires', () => {
  assert.equal(parseXml('<a>   </a>').text, '   ');
  assert.equal(parseXml('<a>  two  spaces </a>').text, '  two  spaces ');
  assert.equal(parseXml('<a>x\r\ny\rz</a>').text, 'x\ny\nz');
  assert.equal(parseXml('<a v="x\ny\tz"/>').attributes!.v, 'x y z');
  assert.equal(parseXml('<a v="x&#10;y"/>').attributes!.v, 'x\ny');
});

test('reads CDATA as text and skips comments and processing instructions', () => {
  const root = parseXml('<?xml version = "1.0" encoding = "UTF-8"?>\n<!-- c --><a><![CDATA[<raw> & ]] stuff]]><!--x--><?pi data?>tail</a><!-- after -->\n');
  assert.equal(root.text, '<raw> & ]] stufftail');
});

test('accepts a byte-order mark and UTF-8 bytes', () => {
  assert.equal(parseXml('\uFEFF<a>é</a>').text, 'é');
  assert.equal(parseXml(Buffer.from('\uFEFF<a>é😹</a>', 'utf8')).text, 'é😹');
});

test('rejects unclosed and mismatched tags', () => {
  rejects('<a>', /not closed/);
  rejects('<a><b></b>', /not closed/);
  rejects('<a></b>', /does not match/);
  rejects('<a><b></a></b>', /does not match/);
  rejects('</a>', /without a start tag/);
  rejects('<a></a></a>', /without a start tag/);
  rejects('<a', /unterminated/);
  rejects('<a b="1"', /unterminated/);
  rejects('<a></a', /malformed end tag/);
});

test('rejects garbage and documents without exactly one root', () => {
  rejects('', /no root/);
  rejects('   ', /no root/);
  rejects('hello', /outside the root/);
  rejects('{"json": true}', /outside the root/);
  rejects('<a/>trailing', /outside the root/);
  rejects('<a/><b/>', /more than one root/);
  rejects('<>', /element name/);
  rejects('< a/>', /element name/);
  rejects('<1a/>', /element name/);
  rejects('<:a/>', /malformed element name/);
});

test('rejects malformed attributes', () => {
  rejects('<a b/>', /no value/);
  rejects('<a b=c/>', /not quoted/);
  rejects('<a b="1"c="2"/>', /whitespace/);
  rejects('<a b="1" b="2"/>', /duplicate/);
  rejects('<a b="<"/>', /'<'/);
  rejects('<a b="x/>', /unterminated/);
});

test('rejects entities other than the predefined ones, and DTDs', () => {
  rejects('<a>&nbsp;</a>', /undefined entity/);
  rejects('<a>AT&T</a>', /entity/);
  rejects('<a>&</a>', /entity/);
  rejects('<a b="&x;"/>', /undefined entity/);
  rejects('<!DOCTYPE a><a/>', /document type/);
  // The "billion laughs" shape never gets as far as expanding anything.
  rejects('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>', /document type/);
  rejects('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a>&xxe;</a>', /document type/);
});

test('rejects characters XML does not allow, literally or by reference, and invalid UTF-8', () => {
  rejects('<a>\u0001</a>', /not allowed/);
  rejects('<a b="\u0000"/>', /not allowed/);
  rejects('<a>&#0;</a>', /does not allow/);
  rejects('<a>&#x1;</a>', /does not allow/);
  rejects('<a>&#xFFFE;</a>', /does not allow/);
  rejects('<a>&#x110000;</a>', /malformed|does not allow/);
  rejects('<a>&#xZZ;</a>', /malformed character reference/);
  rejects('<a>&#X41;</a>', /malformed character reference/);
  rejects(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), /UTF-8/);
});

test('rejects misplaced markup', () => {
  rejects('<a>x]]>y</a>', /']]>'/);
  rejects('<a><!-- a -- b --></a>', /'--'/);
  rejects('<a><!-- never ends</a>', /unterminated comment/);
  rejects('<a><![CDATA[ never ends</a>', /unterminated CDATA/);
  rejects('<![CDATA[x]]><a/>', /CDATA outside/);
  rejects('<a/><?xml version="1.0"?>', /declaration not at the start/);
  rejects('<?xml encoding="UTF-8"?><a/>', /malformed XML declaration/);
  rejects('<a><!ELEMENT a ANY></a>', /malformed markup/);
});

test('limits nesting depth without recursing', () => {
  const nest = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
  assert.equal(parseXml(nest(MAX_XML_DEPTH)).name, 'a');
  rejects(nest(MAX_XML_DEPTH + 1), /nested deeper/);
  rejects('<a>'.repeat(1_000_000), /nested deeper/);
});

test('escaping round-trips through the parser', () => {
  const samples = ['plain', '<tag> & "quotes" \'apos\'', 'line\nbreak\r\nwindows\rmac', ' \t leading and trailing \t ', ']]> and <![CDATA[', '😹 é ü'];
  for (const s of samples) {
    assert.equal(parseXml(`<a>${escapeXmlText(s)}</a>`).text, s, `text ${JSON.stringify(s)}`);
    assert.equal(parseXml(`<a v="${escapeXmlAttr(s)}"/>`).attributes!.v, s, `attribute ${JSON.stringify(s)}`);
  }
  assert.equal(escapeXmlText('no specials'), 'no specials');
  assert.equal(escapeXmlText('escaped data: &lt;\r\n'), 'escaped data: &amp;lt;&#xD;\n');
});

test('XmlWriter builds documents the parser reads back', () => {
  const w = new XmlWriter();
  w.open('Root', attr('xmlns', 'https://example.com/?a=1&b=2'));
  w.leaf('Name', 'a < b');
  w.leaf('Empty', '');
  w.empty('Nothing');
  w.close('Root');
  assert.equal(w.out, '<Root xmlns="https://example.com/?a=1&amp;b=2"><Name>a &lt; b</Name><Empty/><Nothing/></Root>');
  assert.deepEqual(shape(parseXml(w.out)), ['Root', { xmlns: 'https://example.com/?a=1&b=2' }, [['Name', 'a < b'], ['Empty', ''], ['Nothing', '']]]);
});

test('parses large documents in linear time', () => {
  const items = Array.from({ length: 50_000 }, (_, i) => `<member><Key>key-${i} &amp; more</Key><Size>${i}</Size></member>`);
  const doc = `<List>${items.join('')}</List>`;
  const started = performance.now();
  const root = parseXml(doc);
  const ms = performance.now() - started;
  assert.equal(root.children.length, 50_000);
  assert.equal(root.children[49_999].children[0].text, 'key-49999 & more');
  assert.ok(ms < 2000, `parsing ${doc.length} characters took ${ms.toFixed(0)} ms`);
});
